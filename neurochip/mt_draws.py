"""numpy's legacy ``RandomState`` draws, number for number, compiled: the connectors'
uniform integers (pair numbers) and normal weights and delays.

A PyNN network's build is mostly random draws (the microcircuit: 600 M integers and 600 M
normals at full scale), and numpy's legacy generator pays a function call per number. Here
the same Mersenne Twister (MT19937: ``key``, ``pos``, the twist and tempering of numpy's
``mt19937.c``) runs in the compiled loop that uses its words, from the generator's own
state, and the state it ends in is written back: the numbers, and every draw after them
(numpy's or ours), are numpy's. The uses follow numpy's legacy code exactly:

- ``randint(0, high)``, ``high <= 2**32``: 32-bit words masked to the bits of ``high - 1``
  and rejected above it (``random_bounded_uint64_fill``, masked);
- ``normal(loc, scale)``: the polar method (``legacy_gauss``) on doubles of two words
  each (``mt19937_next_double``), each accepted pair giving ``f x2`` now and keeping
  ``f x1`` for the next draw (the generator's ``has_gauss``/``gauss``).

Tests compare every path with numpy's own draws and the generator's state after them.
"""

from __future__ import annotations

import math

import numba
import numpy as np
from pyNN.random import MAX_REDRAWS, NumpyRNG, RandomDistribution

from . import scratch

__all__ = ["randint_prefix", "legacy_normal", "draw", "draw_ticks"]

DELAY_CHUNK = 1 << 20  # delays drawn at a time by draw_ticks (8 MiB of float64)

_N, _M = 624, 397
_MATRIX_A = np.uint32(0x9908B0DF)
_UPPER, _LOWER = np.uint32(0x80000000), np.uint32(0x7FFFFFFF)


@numba.njit(cache=True, nogil=True, inline="always")
def _twist_one(key, i, j, m):
    y = (key[i] & _UPPER) | (key[j] & _LOWER)
    mag = _MATRIX_A if y & np.uint32(1) else np.uint32(0)
    key[i] = key[m] ^ (y >> np.uint32(1)) ^ mag


@numba.njit(cache=True, nogil=True)
def _twist(key):
    """numpy's ``mt19937_gen``: the next 624 words of state."""
    for i in range(_N - _M):
        _twist_one(key, i, i + 1, i + _M)
    for i in range(_N - _M, _N - 1):
        _twist_one(key, i, i + 1, i + _M - _N)
    _twist_one(key, _N - 1, 0, _M - 1)


@numba.njit(cache=True, nogil=True)
def _temper(y):
    y ^= y >> np.uint32(11)
    y ^= (y << np.uint32(7)) & np.uint32(0x9D2C5680)
    y ^= (y << np.uint32(15)) & np.uint32(0xEFC60000)
    return y ^ (y >> np.uint32(18))


# numpy's mt19937_next32 is, with the position held in a local ``pos``:
#     if pos == _N: _twist(key); pos = 0
#     word = _temper(key[pos]); pos += 1
# written out in each loop below (a helper cannot move a caller's local).


@numba.njit(cache=True, nogil=True)
def _masked_ints(key, pos, mask, top, out, consume):
    """``consume`` draws of words ``& mask`` not above ``top``; the first ``len(out)``
    kept. Returns the new position.

    Block by block of the state, without a branch per word: while draws are kept, each
    word is written at the next place and the place moves on if it is not above ``top``;
    after that, the block's accepted words are only counted (SIMD lanes) while the
    block ends before the last draw, which is then found word by word."""
    keep = min(len(out), consume)
    k = 0
    while k < consume:
        if pos == _N:
            _twist(key)
            pos = 0
        if k < keep:  # draws kept: to the end of the block, or of the kept draws
            while pos < _N and k < keep:
                v = _temper(key[pos]) & mask
                pos += 1
                out[k] = v  # written in place; kept only if accepted
                k += v <= top
            continue
        m = np.uint64(_N - pos)
        p0 = np.uint64(pos)
        ok = 0
        for j in range(m):
            ok += (_temper(key[p0 + j]) & mask) <= top
        if k + ok < consume:  # the whole block is drawn
            k += ok
            pos = _N
            continue
        while k < consume:  # the last draw is in this block
            k += (_temper(key[pos]) & mask) <= top
            pos += 1
    return pos


@numba.njit(cache=True, nogil=True)
def _normals(key, pos, out, start, loc, scale):
    """``out[start:]`` as ``loc + scale g``; ``(new position, a value is kept, the kept
    g)``.

    A candidate pair takes four words whether it is accepted or not, so the words of a
    block of the state are tempered and every candidate's ``x1, x2, r2`` computed in
    loops without branches (they run in SIMD lanes), the accepted ones listed, and only
    then their logarithms taken: no mispredicted branch per candidate. Words are tempered
    only up to the end of the block in hand, and the state twisted only when more are
    needed, so the position left behind is the one word-by-word drawing leaves (a
    candidate's words may straddle two blocks: the one to three left over are carried).
    """
    i, n = start, len(out)
    if i >= n:
        return pos, False, 0.0
    words = np.empty(_N + 3, np.uint32)  # up to 3 carried, then one block's words
    nc_max = (_N + 3) // 4
    x1 = np.empty(nc_max)
    x2 = np.empty(nc_max)
    r2 = np.empty(nc_max)
    ok = np.empty(nc_max, np.int64)
    carry = 0
    while True:
        if pos == _N:
            _twist(key)
            pos = 0
        p0 = pos
        m = _N - pos
        for k in range(np.uint64(m)):
            words[np.uint64(carry) + k] = _temper(key[np.uint64(p0) + k])
        total = carry + m
        nc = total // 4
        for c in range(np.uint64(nc)):  # two doubles (mt19937_next_double): a >> 5, b >> 6
            q = np.uint64(4) * c
            d1 = ((words[q] >> np.uint32(5)) * 67108864.0
                  + (words[q + np.uint64(1)] >> np.uint32(6))) / 9007199254740992.0
            d2 = ((words[q + np.uint64(2)] >> np.uint32(5)) * 67108864.0
                  + (words[q + np.uint64(3)] >> np.uint32(6))) / 9007199254740992.0
            a = 2.0 * d1 - 1.0
            b = 2.0 * d2 - 1.0
            x1[c] = a
            x2[c] = b
            r2[c] = a * a + b * b
        n_ok = 0
        for c in range(nc):  # the accepted candidates, in order
            ok[n_ok] = c
            n_ok += r2[c] < 1.0 and r2[c] != 0.0
        for j in range(n_ok):
            c = ok[j]
            f = math.sqrt(-2.0 * math.log(r2[c]) / r2[c])
            out[i] = loc + scale * (f * x2[c])
            i += 1
            if i == n:  # ends on candidate c: its f x1 kept for the next draw
                return p0 + 4 * (c + 1) - carry, True, f * x1[c]
            out[i] = loc + scale * (f * x1[c])
            i += 1
            if i == n:
                return p0 + 4 * (c + 1) - carry, False, 0.0
        carry = total - 4 * nc  # 0 to 3 words of the next candidate
        for k in range(carry):
            words[k] = words[4 * nc + k]
        pos = _N


class _State:
    """The Mersenne Twister state of a legacy RandomState, taken out and put back."""

    def __init__(self, rs):
        self.rs = rs
        self.full = rs.get_state(legacy=False)
        self.key = np.array(self.full["state"]["key"], np.uint32)
        self.pos = int(self.full["state"]["pos"])

    def put_back(self, has_gauss=None, gauss=0.0):
        self.full["state"] = {"key": self.key, "pos": int(self.pos)}
        if has_gauss is not None:
            self.full["has_gauss"], self.full["gauss"] = int(has_gauss), float(gauss)
        self.rs.set_state(self.full)


def _ours(rs) -> bool:
    return isinstance(rs, np.random.RandomState) and isinstance(
        getattr(rs, "_bit_generator", None), np.random.MT19937)


def randint_prefix(rs, high: int, keep: int, consume: int, out=None):
    """The first ``keep`` of ``consume`` draws of ``rs.randint(0, high)`` (int64, or into
    ``out``: ``keep`` entries of an integer type that holds ``high - 1``, e.g. uint32),
    ``rs`` left where those ``consume`` draws leave it; None where numpy must draw (a
    generator of another kind, ``high`` outside 2..2**32)."""
    if not _ours(rs) or not 2 <= high <= 1 << 32:
        return None
    top = high - 1
    if out is None:
        out = np.empty(keep, np.int64)
    elif len(out) != keep or np.iinfo(out.dtype).max < top:
        raise ValueError(f"randint_prefix: out has {len(out)} entries of {out.dtype}, "
                         f"{keep} that hold {top} needed")
    s = _State(rs)
    s.pos = _masked_ints(s.key, s.pos, np.uint32((1 << top.bit_length()) - 1), np.uint32(top),
                         out, consume)
    s.put_back()
    return out


def legacy_normal(rs, loc: float, scale: float, n: int, out=None) -> np.ndarray:
    """``rs.normal(loc, scale, size=n)`` (into ``out``, ``n`` float64, if given): the same
    numbers, the same state after."""
    if not _ours(rs) or not scale >= 0 or n <= 0:
        if out is None:
            return rs.normal(loc, scale, size=n)
        out[:] = rs.normal(loc, scale, size=n)
        return out
    s = _State(rs)
    if out is None:
        out = np.empty(n)
    start = 0
    if s.full["has_gauss"]:
        out[0] = loc + scale * s.full["gauss"]
        start = 1
    s.pos, kept, g = _normals(s.key, s.pos, out, start, float(loc), float(scale))
    s.put_back(kept, g)
    return out


@numba.njit(cache=True, nogil=True)
def _outside(res, low, high):
    """``np.where((res > high) | (res < low))[0]``: counted without a branch (in SIMD
    lanes), then, if any, listed."""
    n = 0
    for k in range(np.uint64(len(res))):
        n += (res[k] > high) | (res[k] < low)
    idx = np.empty(n, np.int64)
    if n == 0:
        return idx
    n = 0
    for k in range(len(res)):
        if res[k] > high or res[k] < low:
            idx[n] = k
            n += 1
    return idx


def _clipped(gen, low, high, n):
    """pyNN's ``WrappedRNG._clipped``: values outside [low, high] redrawn, in rounds."""
    res = gen(n)
    return _redrawn(gen, res, _outside(res, float(low), float(high)), low, high)


def _redrawn(gen, res, idx, low, high):
    """``res`` with its values at ``idx`` (outside [low, high]) redrawn by ``gen`` in
    pyNN's rounds (``WrappedRNG._clipped``): each round redraws those still outside."""
    low, high = float(low), float(high)
    rounds = 0
    while idx.size > 0:
        if rounds > MAX_REDRAWS:
            raise Exception("Maximum number of redraws exceeded. "
                            "Check the parameterization of your distribution.")
        redrawn = gen(idx.size)
        res[idx] = redrawn
        idx = idx[_outside(redrawn, low, high)]
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


@numba.njit(cache=True, nogil=True)
def _ticks_inside(d, low, high, dt, out):
    """``out[k] = rint(d[k] / dt)`` (uint16) where ``d[k]`` is in [low, high] (as
    connector_kernels.as_ticks computes it); the other k, in order, are returned (their
    ``out`` is left)."""
    for k in range(len(d)):
        if not (d[k] > high or d[k] < low):
            out[k] = np.uint16(np.rint(d[k] / dt))
    return _outside(d, low, high)


def draw_ticks(dist: RandomDistribution, n: int, dt: float):
    """``draw(dist, n)`` as whole timesteps ``rint(d / dt)`` (uint16), never held as
    float64: drawn ``DELAY_CHUNK`` at a time into one scratch buffer and written as
    timesteps, then the values outside [low, high] redrawn in PyNN's rounds (after all
    ``n``, in the same order), so that the numbers, and the generator after them, are
    :func:`draw`'s. None (nothing drawn) unless ``dist`` is a NumpyRNG's normal_clipped
    whose bounds keep every timestep in [1, 65535]."""
    rng, p = dist.rng, dist.parameters
    if (type(rng) is not NumpyRNG or dist.name != "normal_clipped" or n <= 0
            or not _ours(rng.rng) or not p["sigma"] >= 0):
        return None
    low, high, dt = float(p["low"]), float(p["high"]), float(dt)
    if not (math.isfinite(low) and math.isfinite(high)
            and np.rint(low / dt) >= 1.0 and np.rint(high / dt) <= 65535.0):
        return None
    mu, sigma = float(p["mu"]), float(p["sigma"])
    ticks = np.empty(n, np.uint16)
    buf = scratch.take("delay_chunk", min(n, DELAY_CHUNK), np.float64)
    outside = []
    for a in range(0, n, DELAY_CHUNK):
        m = min(DELAY_CHUNK, n - a)
        d = legacy_normal(rng.rng, mu, sigma, m, out=buf[:m])
        outside.append(_ticks_inside(d, low, high, dt, ticks[a:a + m]) + a)
    where = np.concatenate(outside)
    values = _redrawn(lambda m: legacy_normal(rng.rng, mu, sigma, m), np.empty(len(where)),
                      np.arange(len(where)), low, high)  # every one outside: all redrawn
    redrawn_ticks = np.empty(len(where), np.uint16)
    _ticks_inside(values, low, high, dt, redrawn_ticks)
    ticks[where] = redrawn_ticks
    return ticks
