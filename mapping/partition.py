"""Partition: cut each population into slices that fit one core.

A slice of a neuron model must fit the core's DTCM (parameters, state, ring
buffers, master population table); its ring buffer must also be addressable
by the 16-bit low half of a synaptic word (delay bits + type bit + index bits).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from neurochip.emulator import models
from neurochip.emulator.contract import RING_ADDRESS_BITS, TYPE_BITS

from .errors import MappingError, ResourceError
from .graph import NetworkGraph, receptors_of

__all__ = ["Slice", "partition", "DEFAULT_MAX_PER_CORE", "delay_ticks", "max_delay_of", "bits_for",
           "type_bits_of",
           "max_delay_ticks", "neuron_dtcm_bytes"]

DEFAULT_MAX_PER_CORE = {"SpikeSourceArray": 1024, "SpikeSourcePoisson": 1024,
                        "SpikeSourcePoissonRefractory": 1024, "SpikeSourceGamma": 1024,
                        "SpikeSourcePoissonVariable": 500,  # sPyNNaker's (rate schedules)
                        **{m.NAME: 256 for m in models.NEURON_MODELS}}
MPT_ENTRY_BYTES = 16
DTCM_RESERVED = 8 * 1024  # stack, globals, the rest of the runtime


@dataclass(frozen=True)
class Slice:
    """Neurons ``[lo, hi)`` of population ``pop`` on one core."""

    pop: int
    lo: int
    hi: int

    @property
    def n(self) -> int:
        return self.hi - self.lo


def bits_for(n: int) -> int:
    """Bits needed to address ``n`` items (0 for a single item)."""
    return max(int(n) - 1, 0).bit_length()


def delay_ticks(prj, dt: float, lo: int = 0, hi: int | None = None) -> np.ndarray:
    """Delays of a projection's connections ``lo:hi`` in ticks, rounded to nearest
    (its delays may be held as ticks already: ``delay_in_ticks``)."""
    d = prj.delay[lo:hi]
    if prj.delay_in_ticks:
        return d.astype(np.int64)
    return np.rint(np.asarray(d, dtype=np.float64) / dt).astype(np.int64)


def max_delay_of(prj, dt: float) -> int:
    """The longest delay of a projection in ticks (rounding is monotone)."""
    if prj.delay_in_ticks:
        return int(np.max(prj.delay))
    return int(np.rint(np.float64(np.max(prj.delay)) / dt))


def min_delay_of(prj, dt: float) -> int:
    """The shortest delay of a projection in ticks."""
    if prj.delay_in_ticks:
        return int(np.min(prj.delay))
    return int(np.rint(np.float64(np.min(prj.delay)) / dt))


def type_bits_of(pop) -> int:
    """Bits of the receptor number in the synaptic words of a neuron population's cores
    (1 for two receptors; a multi-receptor cell's are as many as its receptors need)."""
    return max(TYPE_BITS, bits_for(len(receptors_of(pop))))


def neuron_dtcm_bytes(model: str, n: int, ring_entries: int, mpt_entries: int) -> int:
    """DTCM of a core holding ``n`` neurons of ``model`` (parameters and state as words,
    the injected current, u16 ring buffers, master population table)."""
    m = models.BY_NAME[model]
    per_neuron = 4 * (len(m.PARAMS) + len(m.STATE) + 1)
    tables = getattr(m, "TABLE_BYTES", 0)  # shared look-up tables (e.g. HH rate functions)
    return (DTCM_RESERVED + tables + n * per_neuron + 2 * ring_entries
            + mpt_entries * MPT_ENTRY_BYTES)


def _dtcm_bytes(n: int, delay_bits: int, n_sources: int, model: str = "IF_curr_exp",
                t_bits: int = TYPE_BITS) -> int:
    ring = 1 << (delay_bits + t_bits + bits_for(n))
    return neuron_dtcm_bytes(model, n, ring, n_sources)


def max_delay_ticks(dtcm_bytes: int, n_sources: int = 0) -> int:
    """The longest delay (in timesteps) a core can hold: with one neuron per core, the
    ring buffer's delay bits are limited by the synaptic word and by the DTCM."""
    d = RING_ADDRESS_BITS - TYPE_BITS
    while d > 1 and _dtcm_bytes(1, d, n_sources) > dtcm_bytes:
        d -= 1
    return (1 << d) - 1


def _check_delays(graph, dtcm_bytes, n_sources):
    limit = max_delay_ticks(dtcm_bytes, n_sources)
    for prj in graph.projections:
        if not len(prj.delay):
            continue
        # rounding is monotone: the extremes decide (the whole array only for the message)
        lo, hi = min_delay_of(prj, graph.dt), max_delay_of(prj, graph.dt)
        if lo < 1 or hi > limit:
            d = delay_ticks(prj, graph.dt)
            k = int(np.argmax((d < 1) | (d > limit)))
            ms = d[k] * graph.dt if prj.delay_in_ticks else prj.delay[k]
            raise MappingError(
                f"projection {prj.label!r}: delay {ms:g} ms is {d[k]} timesteps of "
                f"{graph.dt:g} ms; supported delays are 1..{limit} timesteps ({graph.dt:g}.."
                f"{limit * graph.dt:g} ms; delays longer than {2 ** 7 - 1} timesteps cost "
                f"neurons per core); use a delay in that range or a larger timestep "
                f"(delay-extension cores are not implemented)")


def partition(graph: NetworkGraph, dtcm_bytes: int, max_per_core: dict | None = None,
              skip: frozenset = frozenset()) -> list:
    """Slices of every population but those in ``skip``, population by population, in
    index order.

    Parameters
    ----------
    graph : NetworkGraph
    dtcm_bytes : int
        DTCM per core.
    max_per_core : dict, optional
        Model name -> largest slice; a population's own ``max_per_core`` wins.
    """
    limits = dict(DEFAULT_MAX_PER_CORE)
    limits.update(max_per_core or {})
    max_delay = np.zeros(len(graph.populations), np.int64)
    for prj in graph.projections:
        if len(prj.delay):
            max_delay[prj.post] = max(max_delay[prj.post], max_delay_of(prj, graph.dt))
    n_src_slices = sum(-(-p.size // (p.max_per_core or limits[p.model]))
                       for i, p in enumerate(graph.populations) if i not in skip)
    _check_delays(graph, dtcm_bytes, n_src_slices)
    slices = []
    for i, pop in enumerate(graph.populations):
        if i in skip:
            continue
        n = min(pop.max_per_core or limits[pop.model], pop.size)
        if pop.model in models.BY_NAME:
            d_bits = max(int(max_delay[i]), 1).bit_length()
            t_bits = type_bits_of(pop)
            while n > 1 and (d_bits + t_bits + bits_for(n) > RING_ADDRESS_BITS
                             or _dtcm_bytes(n, d_bits, n_src_slices, pop.model, t_bits) > dtcm_bytes):
                n = 1 << (bits_for(n) - 1)
            if (d_bits + t_bits + bits_for(n) > RING_ADDRESS_BITS
                    or _dtcm_bytes(n, d_bits, n_src_slices, pop.model, t_bits) > dtcm_bytes):
                raise ResourceError(
                    f"population {pop.label!r}: even one neuron per core does not fit: a delay "
                    f"of {max_delay[i]} ticks needs a ring buffer of "
                    f"{2 ** (d_bits + t_bits)} slots and the DTCM of {dtcm_bytes} bytes; "
                    f"use shorter delays or a larger timestep")
        slices.extend(Slice(i, lo, min(lo + n, pop.size)) for lo in range(0, pop.size, n))
    return slices
