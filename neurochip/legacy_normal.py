"""``RandomState.normal`` draw for draw, compiled: the connectors' normal weights and delays.

numpy's legacy generator draws a normal by the polar method (``legacy_gauss``): two
doubles from four 32-bit Mersenne Twister words, rejected outside the unit disc, each
accepted pair giving ``f x2`` now and ``f x1`` kept for the next draw. This does the same
arithmetic on the same words (``random_raw`` of the generator's own bit generator), asks
for no word numpy would not have used, and leaves the kept value in the generator's state,
so the numbers, and every draw after them, are numpy's. A tenth of a PyNN network's build
time was the per-number overhead of ``RandomState.normal``.
"""

from __future__ import annotations

import math

import numba
import numpy as np
from pyNN.random import MAX_REDRAWS, NumpyRNG, RandomDistribution

__all__ = ["draw", "legacy_normal"]

RAW_CHUNK = 1 << 22  # generator words at a time (32 MB)


@numba.njit(cache=True, nogil=True)
def _polar(raw, out, pos, loc, scale):
    """Normals ``loc + scale g`` from ``raw`` (four words per attempt) into ``out`` from
    ``pos``; ``(next position, whether a value is kept, the kept g)``."""
    kept, g = False, 0.0
    n = len(out)
    for a in range(0, len(raw) - 3, 4):
        d1 = ((raw[a] >> 5) * 67108864.0 + (raw[a + 1] >> 6)) / 9007199254740992.0
        d2 = ((raw[a + 2] >> 5) * 67108864.0 + (raw[a + 3] >> 6)) / 9007199254740992.0
        x1 = 2.0 * d1 - 1.0
        x2 = 2.0 * d2 - 1.0
        r2 = x1 * x1 + x2 * x2
        if r2 >= 1.0 or r2 == 0.0:
            continue
        f = math.sqrt(-2.0 * math.log(r2) / r2)
        out[pos] = loc + scale * (f * x2)
        pos += 1
        if pos < n:
            out[pos] = loc + scale * (f * x1)
            pos += 1
        else:
            kept, g = True, f * x1
    return pos, kept, g


def legacy_normal(rs: np.random.RandomState, loc: float, scale: float, n: int) -> np.ndarray:
    """``rs.normal(loc, scale, size=n)``, the same numbers and the same state after."""
    bitgen = getattr(rs, "_bit_generator", None)
    if not isinstance(bitgen, np.random.MT19937) or not scale >= 0 or n <= 0:
        return rs.normal(loc, scale, size=n)
    state = rs.get_state(legacy=False)
    out = np.empty(n)
    pos, kept, g = 0, False, 0.0
    if state["has_gauss"]:
        out[0] = loc + scale * state["gauss"]
        pos = 1
    while pos < n:  # every attempt takes 4 words and gives at most 2 numbers
        words = min(RAW_CHUNK, 4 * ((n - pos + 1) // 2))
        pos, kept, g = _polar(bitgen.random_raw(words), out, pos, float(loc), float(scale))
    state = rs.get_state(legacy=False)
    state["has_gauss"], state["gauss"] = int(kept), float(g) if kept else 0.0
    rs.set_state(state)
    return out


@numba.njit(cache=True, nogil=True)
def _outside(res, low, high):
    """``np.where((res > high) | (res < low))[0]`` in one pass."""
    n = 0
    for v in res:
        if v > high or v < low:
            n += 1
    idx = np.empty(n, np.int64)
    n = 0
    for k in range(len(res)):
        if res[k] > high or res[k] < low:
            idx[n] = k
            n += 1
    return idx


def _clipped(gen, low, high, n):
    """pyNN's ``WrappedRNG._clipped``: values outside [low, high] redrawn, in rounds."""
    res = gen(n)
    idx = _outside(res, float(low), float(high))
    rounds = 0
    while idx.size > 0:
        if rounds > MAX_REDRAWS:
            raise Exception("Maximum number of redraws exceeded. "
                            "Check the parameterization of your distribution.")
        redrawn = gen(idx.size)
        res[idx] = redrawn
        idx = idx[np.where((redrawn > high) | (redrawn < low))[0]]
        rounds += 1
    return res


def draw(dist: RandomDistribution, n: int) -> np.ndarray:
    """``dist.next(n)`` as float64: compiled for a NumpyRNG's normal and normal_clipped,
    else PyNN's own."""
    rng, p = dist.rng, dist.parameters
    if type(rng) is NumpyRNG and dist.name in ("normal", "normal_clipped") and n > 0:
        def gen(m):
            return legacy_normal(rng.rng, p["mu"], p["sigma"], m)
        if dist.name == "normal":
            return gen(n)
        return _clipped(gen, p["low"], p["high"], n)
    return np.asarray(dist.next(n), float)
