"""Live input between two runs of a loaded machine: spikes a host program sends through a
spike-array core, and new rates of Poisson sources.

On the board a host sends spikes to an injector core over Ethernet and the core sends
them into the network as multicast packets; here :func:`inject` adds them to the events
of the spike-array core that stands for the injector (they go out in the next tick,
through the routing tables as every spike). :func:`set_rates` points Poisson neurons at
count tables of new rates (from the next tick on). Both change the emulation's working
copy of the program's sources; :meth:`Emulation.reset` gives back the original
(:func:`restore`).
"""

from __future__ import annotations

import copy
from dataclasses import replace

import numpy as np

from .contract import KIND_POISSON, KIND_SPIKE_ARRAY
from .errors import EmulatorError
from .poisson import COUNT_ONE, guide_tables

__all__ = ["inject", "set_rates", "restore", "source_tables"]


def _with_sources(program, sources):
    """``program`` with other sources (the rest is unchanged and already checked)."""
    out = copy.copy(program)
    object.__setattr__(out, "sources", sources)
    return out


def _keep_original(em):
    if getattr(em, "sources0", None) is None:
        em.sources0 = em.program.sources
        em.src_cdf_lo0 = em.src_cdf_lo.copy()


def inject(em, neurons) -> int:
    """Send a spike from each of the global ``neurons`` (of spike-array cores) in the next
    tick, ``em.t``. A neuron given several times sends once (a spike array sends at most
    once per neuron and tick beyond what its own events ask). Returns the spikes added."""
    neurons = np.unique(np.asarray(neurons, np.int64))
    if not len(neurons):
        return 0
    p = em.program
    if neurons[0] < 0 or neurons[-1] >= p.n_neurons:
        raise EmulatorError(f"inject: neuron {int(neurons[-1])} is not on the machine "
                            f"(0..{p.n_neurons - 1})")
    cores = em.core_of[neurons]
    if np.any(p.cores.kind[cores] != KIND_SPIKE_ARRAY):
        bad = int(neurons[p.cores.kind[cores] != KIND_SPIKE_ARRAY][0])
        raise EmulatorError(f"inject: neuron {bad} is not on a spike-array core")
    _keep_original(em)
    src = p.sources
    n_cores = len(src.ssa_lo) - 1
    tick = em.t + 1  # event ticks: sent at the end of tick - 1
    old_core = np.repeat(np.arange(n_cores), np.diff(src.ssa_lo))
    # a neuron already sending in that tick (its own events) is not sent twice
    at = (src.ssa_tick == tick)
    taken = set(zip(old_core[at].tolist(), src.ssa_idx[at].tolist()))
    local = (neurons - p.cores.neuron_lo[cores]).astype(np.int32)
    fresh = np.array([(int(c), int(i)) not in taken for c, i in zip(cores, local)], bool)
    cores, local = cores[fresh], local[fresh]
    if not len(cores):
        return 0
    core = np.r_[old_core, cores]
    ticks = np.r_[src.ssa_tick, np.full(len(cores), tick, np.int64)]
    idx = np.r_[src.ssa_idx, local].astype(np.int32)
    order = np.lexsort((np.arange(len(core)), ticks, core))  # stable: own events first
    lo = np.searchsorted(core[order], np.arange(n_cores + 1)).astype(np.int64)
    em.program = _with_sources(p, replace(src, ssa_lo=lo, ssa_tick=ticks[order],
                                          ssa_idx=idx[order]))
    for c in range(n_cores):  # each core's next event from now on
        a, b = lo[c], lo[c + 1]
        em.ssa_ptr[c] = a + np.searchsorted(em.program.sources.ssa_tick[a:b], tick)
    return len(cores)


def set_rates(em, neurons, table) -> None:
    """Point the Poisson ``neurons`` (global indices, on source cores of their own) at the
    count table ``table`` (``P(K <= k)`` in u0.32, ending with 2**32: see
    :mod:`neurochip.emulator.poisson`) from the next tick on."""
    neurons = np.asarray(neurons, np.int64)
    table = np.asarray(table, np.uint64)
    if not len(table) or table[-1] != COUNT_ONE:
        raise EmulatorError("set_rates: a count table must end with 2**32")
    p = em.program
    cores = em.core_of[neurons]
    if np.any(p.cores.kind[cores] != KIND_POISSON):
        bad = int(neurons[p.cores.kind[cores] != KIND_POISSON][0])
        raise EmulatorError(f"set_rates: neuron {bad} is not on a Poisson source core")
    if np.any(np.diff(p.sources.sched_lo)[neurons] > 0):
        raise EmulatorError("set_rates: a neuron with a rate schedule follows its schedule")
    _keep_original(em)
    tables = em.__dict__.setdefault("live_tables", {})
    key = table.tobytes()
    if key not in tables:
        src = p.sources
        tables[key] = len(src.cdf)
        em.program = _with_sources(p, replace(src, cdf=np.r_[src.cdf, table]))
    em.src_cdf_lo[neurons] = tables[key]
    source_tables(em)


def source_tables(em) -> None:
    """The guide tables of the emulation's count tables (see :func:`guide_tables`)."""
    src = em.program.sources
    # every table's start (each ends with 2**32), in use or not: guide_tables bounds a
    # table by the next start it is given
    starts = np.r_[0, np.flatnonzero(src.cdf == COUNT_ONE)[:-1] + 1].astype(np.int64)
    n, m = len(em.src_cdf_lo), len(src.sched_cdf_lo)
    em.guide, guide_lo = guide_tables(np.r_[em.src_cdf_lo, src.sched_cdf_lo, starts], src.cdf)
    em.guide_lo, em.sched_guide_lo = guide_lo[:n], guide_lo[n:n + m]


def restore(em) -> None:
    """The program's own sources again (called by ``Emulation.reset``)."""
    if getattr(em, "sources0", None) is None:
        return
    em.program = _with_sources(em.program, em.sources0)
    em.src_cdf_lo = em.src_cdf_lo0.copy()
    em.sources0 = None
    em.live_tables = {}
    source_tables(em)
