"""Poisson inputs drawn on the target core (a Poisson source with one synapse per neuron).

A Poisson source whose every neuron has at most one synapse (PyNN's
OneToOneConnector onto a population) need not occupy cores and send packets:
like sPyNNaker's Poisson delegate, which hands such sources to their target and
feeds them through SDRAM, the target core runs each source itself. Entry ``e``
of core ``c`` (``lo[c] <= e < lo[c + 1]``) is one such synapse onto neuron
``target[e]`` (synapse type ``type``, ring units ``weight`` or float ``weight_f``,
``delay`` ticks).

In tick ``t`` the core runs the source's tick ``t`` and adds what it sends to slot
``t + 1 + delay`` of a second ring buffer, ``dring``, laid out as the core's ring
buffer (the SDRAM input of sPyNNaker's delegate); at the start of tick ``t`` the
core merges slot ``t + 1`` of the second ring into its own (see
:func:`neurochip.emulator.cores.update_cores`). The source's logic is the source
core's, draw for draw from the same generator (the source's KISS state and
dead-time/gamma counters move here), so a
delegated source gives the same spikes at its target as the same source on its
own core, in fixed point bit for bit (the sum of two saturating u16 rings, capped,
is the capped sum). A separate ring keeps float sums in one order whatever the
stretch of ticks between deliveries. Each tick's Poisson count (:mod:`neurochip.emulator.poisson`)
adds ``count * weight`` to the slot, as ``count`` packets would.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numba
import numpy as np

from .errors import ProgramError
from .fixed import sat_add_u16, sat_ring_add
from .jit_cache import INNER
from .poisson import COUNT_ONE, count_draw, spikes_of_draw
from .rng import kiss_next_words

__all__ = ["DirectInputs", "no_direct_inputs", "direct_inputs", "merge_slot"]


@dataclass(frozen=True, eq=False)
class DirectInputs:
    """All delegated Poisson synapses of a machine (E entries), by target core."""

    lo: np.ndarray          # (C + 1,) int64
    target: np.ndarray      # (E,) int64, global neuron index
    type: np.ndarray        # (E,) int32, 0 excitatory, 1 inhibitory
    weight: np.ndarray      # (E,) int64, ring units (fixed point)
    weight_f: np.ndarray    # (E,) float64, ring units (float arithmetic), else empty
    delay: np.ndarray       # (E,) int64 ticks, >= 1
    start: np.ndarray       # (E,) int64
    end: np.ndarray         # (E,) int64
    refrac: np.ndarray      # (E,) int64
    every: np.ndarray       # (E,) int64
    rng0: np.ndarray        # (E, 4) uint32
    cdf_lo: np.ndarray      # (E,) int64, the source's count table (emulator.poisson)
    cdf: np.ndarray         # uint64 thresholds of the count tables

    def __post_init__(self):
        e = len(self.target)
        for f in fields(self):
            arr = getattr(self, f.name)
            if f.name in ("lo", "cdf", "weight_f"):
                continue
            if len(arr) != e:
                raise ProgramError(f"DirectInputs.{f.name} has {len(arr)} entries, target {e}")
        if self.lo[-1] != e or np.any(np.diff(self.lo) < 0):
            raise ProgramError("DirectInputs.lo must be non-decreasing and end at the entry count")
        if e and np.any(self.delay < 1):
            raise ProgramError("DirectInputs.delay must be >= 1 tick")
        if e and (np.any(self.cdf_lo < 0) or np.any(self.cdf_lo >= len(self.cdf))
                  or self.cdf[-1] != COUNT_ONE):
            raise ProgramError(f"DirectInputs.cdf_lo must point into the {len(self.cdf)} count "
                               f"table thresholds, the last of which must be 2**32")

    @property
    def n(self) -> int:
        return len(self.target)


def no_direct_inputs(n_cores: int) -> DirectInputs:
    z = np.zeros(0, np.int64)
    return DirectInputs(lo=np.zeros(n_cores + 1, np.int64), target=z, type=np.zeros(0, np.int32),
                        weight=z, weight_f=np.zeros(0), delay=z,
                        start=z, end=z, refrac=z, every=z, rng0=np.zeros((0, 4), np.uint32),
                        cdf_lo=z, cdf=np.zeros(0, np.uint64))


@numba.njit(**INNER)
def direct_inputs(c, t, lo_n, dring, base, tb, dmask, inh, di, drew, draws):
    """Core ``c``, tick ``t``: run each delegated source's tick ``t`` (``di``, a
    :class:`neurochip.emulator.views.DirectView`) and add what it sends into slot
    ``t + 1 + delay`` of ``dring`` (the core's part starts at ``base``; a slot is
    ``1 << tb`` entries, ``dmask`` wraps slots, receptor r is ``r * inh`` further; ``lo_n`` is
    the core's first neuron). ``drew`` and ``draws`` hold at least the core's sources (the
    caller's, one pair for all its core-ticks: an allocation per call cost more than a
    tenth of the sources' time). Returns (spikes sent, ring saturations).

    The sources' generators advance first, all of the core's at once (:func:`_draws`, a
    loop that runs in SIMD lanes); then each source that drew turns its draw into spikes
    (:func:`neurochip.emulator.poisson.spikes_of_draw`), exactly as :func:`source_tick`
    does on a source core."""
    a, b = di.lo[c], di.lo[c + 1]
    _draws(t, a, b, di, drew, draws)
    events = 0
    sat = 0
    float_ring = len(di.weight_f) > 0
    # the core's entries as slices indexed from 0 and the ring's index unsigned: numba then
    # adds no wrap-around of a negative index to any access (40,000 neurons each driven by
    # its own Poisson source, 1 s on one thread: 5.6 -> 4.7 s)
    delay, typ, target, weight = di.delay[a:b], di.type[a:b], di.target[a:b], di.weight[a:b]
    cdf_lo, guide_lo, every, refrac = di.cdf_lo[a:b], di.guide_lo[a:b], di.every[a:b], di.refrac[a:b]
    for i in range(b - a):
        if not drew[i]:
            continue
        if every[i] == 1 and refrac[i] == 0:  # the plain Poisson source: its count
            k = count_draw(draws[i], cdf_lo[i], di.cdf, di.guide, guide_lo[i])
        else:
            k = spikes_of_draw(di, a + i, draws[i])
        if k == 0:
            continue
        events += k
        j = np.uint64(base + (((t + 1 + delay[i]) & dmask) << tb) + typ[i] * inh + (target[i] - lo_n))
        if float_ring:
            dring[j] += k * di.weight_f[a + i]
        else:
            sat += sat_ring_add(dring, j, k * weight[i])
    return events, sat


@numba.njit(cache=True, inline="always")
def _draws(t, a, b, di, drew, draws):
    """Sources ``a .. b - 1`` at tick ``t``: each one on (spikes are stamped ``t + 1``) and
    out of its dead time draws from its KISS generator (``drew[i]``, ``draws[i]`` for
    source ``a + i``); one in its dead time counts it down. Every branch is a select, and
    the generators' words and counters are columns (``di.rng`` and ``di.count`` are in
    Fortran order), sliced and indexed from 0, so that the loop vectorises."""
    rng = di.rng.T
    w0, w1, w2, w3 = rng[0, a:b], rng[1, a:b], rng[2, a:b], rng[3, a:b]
    dead = di.count.T[0, a:b]
    start, end = di.start[a:b], di.end[a:b]
    for i in range(b - a):
        on = start[i] <= t + 1 and t + 1 < end[i]
        resting = dead[i] > 0
        u, x, y, z, cy = kiss_next_words(w0[i], w1[i], w2[i], w3[i])
        go = on and not resting
        w0[i] = x if go else w0[i]
        w1[i] = y if go else w1[i]
        w2[i] = z if go else w2[i]
        w3[i] = cy if go else w3[i]
        dead[i] = dead[i] - 1 if on and resting else dead[i]
        drew[i] = go
        draws[i] = u


@numba.njit(cache=True)
def merge_slot(ring, dring, lo, hi):
    """Move ``dring[lo:hi]`` into ``ring[lo:hi]`` (capped at 0xFFFF in fixed point);
    returns the number of entries capped."""
    capped = 0
    # sliced and indexed from 0, so that LLVM sees no negative index and vectorises the loop
    into, out = ring[lo:hi], dring[lo:hi]
    for j in range(hi - lo):
        s = sat_add_u16(into[j], out[j])  # a plain sum in float arithmetic
        capped += s != into[j] + out[j]
        into[j] = s
        out[j] = 0
    return capped
