"""Current sources on the core: piecewise-constant, sinusoidal (DDS) and noisy.

Each source drives a list of neurons. Per tick, before the neuron updates, the
injected current of every driven neuron is recomputed as the sum of its
sources' values for that tick:

- ``CS_STEPS``: a list of (tick, amplitude) changes (DCSource, StepCurrentSource);
- ``CS_AC``: ``offset + amplitude * sin(phase)``, the phase a u0.32 turn fraction
  advanced by a fixed increment per tick (direct digital synthesis); fixed point
  reads a 1024-entry sine table with linear interpolation, float computes sin;
- ``CS_NOISE``: ``mean + stdev * z`` redrawn every ``interval`` ticks for each
  driven neuron separately, z the sum of 12 KISS uniforms minus 6 (mean 0,
  variance 1).

All sources are on in ticks ``[start, stop)``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numba
import numpy as np
from numba import types
from numba.extending import overload

from .errors import ProgramError
from .fixed import REAL_ONE, mul_real, sat_real
from .jit_cache import INNER
from .rng import kiss_next

__all__ = ["Electrodes", "CS_STEPS", "CS_AC", "CS_NOISE", "SIN_TABLE", "apply_electrodes",
           "no_electrodes", "ac_value", "noise_value", "sin_turns"]

CS_STEPS, CS_AC, CS_NOISE = 0, 1, 2
SIN_BITS = 10
SIN_TABLE = np.rint(np.sin(2 * np.pi * np.arange((1 << SIN_BITS) + 1) / (1 << SIN_BITS))
                    * REAL_ONE).astype(np.int64)


@dataclass(frozen=True, eq=False)
class Electrodes:
    """All current sources of a machine (E sources, M source-to-neuron pairs).

    ``kind, start, stop, interval`` (E,) int64; ``amplitude, offset, mean, stdev`` (E,)
    REAL (int64) or float64; ``phase0, phase_inc`` (E,) uint32 (u0.32 turns);
    ``chg_lo`` (E+1,) int64, ``chg_tick`` int64, ``chg_amp`` REAL/float: the change
    list of CS_STEPS sources; ``tgt_lo`` (E+1,) int64, ``tgt`` (M,) int64 global
    neuron indices; ``rng0`` (M, 4) uint32 per pair (noise); ``record`` (E,) bool.
    """

    kind: np.ndarray
    start: np.ndarray
    stop: np.ndarray
    interval: np.ndarray
    amplitude: np.ndarray
    offset: np.ndarray
    mean: np.ndarray
    stdev: np.ndarray
    phase0: np.ndarray
    phase_inc: np.ndarray
    chg_lo: np.ndarray
    chg_tick: np.ndarray
    chg_amp: np.ndarray
    tgt_lo: np.ndarray
    tgt: np.ndarray
    rng0: np.ndarray
    record: np.ndarray

    def __post_init__(self):
        e = len(self.kind)
        for name in ("start", "stop", "interval", "amplitude", "offset", "mean", "stdev",
                     "phase0", "phase_inc", "record"):
            if len(getattr(self, name)) != e:
                raise ProgramError(f"Electrodes.{name} has {len(getattr(self, name))} entries, "
                                   f"kind has {e}")
        if len(self.chg_lo) != e + 1 or len(self.tgt_lo) != e + 1:
            raise ProgramError("Electrodes.chg_lo and tgt_lo need one entry per source plus one")
        if self.chg_lo[-1] != len(self.chg_tick) or self.tgt_lo[-1] != len(self.tgt):
            raise ProgramError("Electrodes: chg_lo/tgt_lo do not match chg_tick/tgt")
        if self.rng0.shape != (len(self.tgt), 4) or self.rng0.dtype != np.uint32:
            raise ProgramError("Electrodes.rng0 must be (pairs, 4) uint32")
        if np.any(self.interval < 1):
            raise ProgramError("Electrodes.interval must be >= 1 tick")

    @property
    def n_sources(self) -> int:
        return len(self.kind)


def no_electrodes(fixed_point: bool) -> Electrodes:
    i = np.zeros(0, np.int64)
    v = i if fixed_point else np.zeros(0)
    return Electrodes(kind=i, start=i, stop=i, interval=i, amplitude=v, offset=v, mean=v,
                      stdev=v, phase0=np.zeros(0, np.uint32), phase_inc=np.zeros(0, np.uint32),
                      chg_lo=np.zeros(1, np.int64), chg_tick=i, chg_amp=v,
                      tgt_lo=np.zeros(1, np.int64), tgt=i, rng0=np.zeros((0, 4), np.uint32),
                      record=np.zeros(0, bool))


def sin_turns(phase):
    """sin(2*pi*phase/2**32) as REAL: table lookup with linear interpolation (reference)."""
    idx = int(phase) >> (32 - SIN_BITS)
    frac = (int(phase) & ((1 << (32 - SIN_BITS)) - 1)) >> (32 - SIN_BITS - 15)
    a, b = int(SIN_TABLE[idx]), int(SIN_TABLE[idx + 1])
    return a + (((b - a) * frac) >> 15)


@numba.njit(cache=True, inline="always")
def _sin_fixed(phase):
    idx = phase >> np.uint64(32 - SIN_BITS)
    frac = np.int64(phase & np.uint64((1 << (32 - SIN_BITS)) - 1)) >> (32 - SIN_BITS - 15)
    a = SIN_TABLE[idx]
    b = SIN_TABLE[idx + 1]
    return a + (((b - a) * frac) >> 15)


def ac_value(offset, amplitude, phase):
    """``offset + amplitude * sin(phase)``: REAL with the table, or float with math.sin."""
    return sat_real(int(offset) + mul_real(int(amplitude), sin_turns(phase)))


@overload(ac_value)
def _ac_value(offset, amplitude, phase):
    if isinstance(offset, types.Integer):
        def impl(offset, amplitude, phase):
            return sat_real(offset + mul_real(amplitude, _sin_fixed(phase)))
        return impl

    def fimpl(offset, amplitude, phase):
        return offset + amplitude * math.sin(2.0 * math.pi * phase / 4294967296.0)
    return fimpl


def noise_value(mean, stdev, acc):
    """``mean + stdev * z`` with z = acc / 2**32 (acc: 12 uniforms summed, minus 6 * 2**32)."""
    return sat_real(int(mean) + mul_real(int(acc) >> 17, int(stdev)))


@overload(noise_value)
def _noise_value(mean, stdev, acc):
    if isinstance(mean, types.Integer):
        def impl(mean, stdev, acc):
            return sat_real(mean + mul_real(acc >> np.int64(17), stdev))
        return impl

    def fimpl(mean, stdev, acc):
        return mean + stdev * (acc / 4294967296.0)
    return fimpl


@numba.njit(**INNER)
def apply_electrodes(t, el, i_inj, rec_row):
    """Set ``i_inj`` of every driven neuron for tick ``t`` (``el``, a
    :class:`neurochip.emulator.views.ElectrodeView`); ``rec_row[e]`` gets source e's value
    (its first target's, for noise)."""
    kind, start, stop, interval = el.kind, el.start, el.stop, el.interval
    tgt_lo, tgt, ptr, val, pair_val, rng = el.tgt_lo, el.tgt, el.ptr, el.val, el.pair_val, el.rng
    chg_lo, chg_tick, chg_amp = el.chg_lo, el.chg_tick, el.chg_amp
    for e in range(len(kind)):
        for j in range(tgt_lo[e], tgt_lo[e + 1]):
            i_inj[tgt[j]] = 0
    for e in range(len(kind)):
        on = start[e] <= t and t < stop[e]
        k = kind[e]
        if k == CS_STEPS:
            p = ptr[e]
            while p < chg_lo[e + 1] and chg_tick[p] <= t:
                val[e] = chg_amp[p]
                p += 1
            ptr[e] = p
            v = val[e]
            for j in range(tgt_lo[e], tgt_lo[e + 1]):
                i_inj[tgt[j]] += v
            rec_row[e] = v
        elif k == CS_AC:
            v = el.offset[e] * 0
            if on:
                phase = (np.uint64(el.phase0[e]) + np.uint64(el.phase_inc[e]) * np.uint64(t - start[e])) \
                    & np.uint64(0xFFFFFFFF)
                v = ac_value(el.offset[e], el.amplitude[e], phase)
            for j in range(tgt_lo[e], tgt_lo[e + 1]):
                i_inj[tgt[j]] += v
            rec_row[e] = v
        else:  # CS_NOISE
            redraw = on and (t - start[e]) % interval[e] == 0
            for j in range(tgt_lo[e], tgt_lo[e + 1]):
                if redraw:
                    acc = np.int64(0)
                    for _ in range(12):
                        acc += np.int64(kiss_next(rng[j]))
                    acc -= np.int64(6) << np.int64(32)
                    pair_val[j] = noise_value(el.mean[e], el.stdev[e], acc)
                elif not on:
                    pair_val[j] = 0
                i_inj[tgt[j]] += pair_val[j]
            if tgt_lo[e + 1] > tgt_lo[e]:
                rec_row[e] = pair_val[tgt_lo[e]]
