"""Per-neuron random number generators for on-core Poisson sources.

Each source neuron owns a KISS99 generator (Marsaglia) of four uint32 words,
seeded from (global seed, population number, neuron index) by splitmix64, so
that its spikes do not depend on which core it was placed on.
"""

import numba
import numpy as np

__all__ = ["seed_kiss", "kiss_next", "kiss_next_py", "kiss_next_words", "column_draw"]

_M64 = (1 << 64) - 1


def _splitmix64(x):
    """Vectorised splitmix64 finaliser on uint64 arrays (wrapping arithmetic)."""
    with np.errstate(over="ignore"):
        z = x + np.uint64(0x9E3779B97F4A7C15)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return z ^ (z >> np.uint64(31))


def seed_kiss(seed: int, population: int, indices) -> np.ndarray:
    """``(len(indices), 4)`` uint32 KISS states for neurons ``indices`` of a population."""
    idx = np.asarray(indices, dtype=np.uint64)
    base = _splitmix64(np.array([(int(seed) & _M64)], dtype=np.uint64))
    base = _splitmix64(base ^ np.uint64(int(population) & _M64))
    out = np.empty((len(idx), 4), dtype=np.uint32)
    z = _splitmix64(base ^ idx)
    for word in range(4):
        z = _splitmix64(z)
        out[:, word] = (z >> np.uint64(32)).astype(np.uint32)
    # KISS needs y != 0 and a carry below the multiplier (z = c = 0 is a fixed point)
    out[:, 1] = np.where(out[:, 1] == 0, np.uint32(0x1234567), out[:, 1])
    out[:, 3] = out[:, 3] % np.uint32(698769068) + np.uint32(1)
    return out


@numba.njit(cache=True, inline="always")
def kiss_next(st):
    """Advance the KISS99 state ``st`` (4 x uint32, in place) and return a uint32 draw."""
    m = np.uint64(0xFFFFFFFF)
    x = (np.uint64(69069) * np.uint64(st[0]) + np.uint64(12345)) & m
    y = np.uint64(st[1])
    y ^= (y << np.uint64(13)) & m
    y ^= y >> np.uint64(17)
    y ^= (y << np.uint64(5)) & m
    t = np.uint64(698769069) * np.uint64(st[2]) + np.uint64(st[3])
    c = t >> np.uint64(32)
    z = t & m
    st[0] = x
    st[1] = y
    st[2] = z
    st[3] = c
    return (x + y + z) & m


def kiss_next_py(st):
    """Pure-Python reference of :func:`kiss_next` on a list of 4 ints (mutated)."""
    m = 0xFFFFFFFF
    x = (69069 * st[0] + 12345) & m
    y = st[1]
    y ^= (y << 13) & m
    y ^= y >> 17
    y ^= (y << 5) & m
    t = 698769069 * st[2] + st[3]
    st[:] = [x, y, t & m, t >> 32]
    return (x + y + (t & m)) & m


@numba.njit(cache=True, inline="always")
def kiss_next_words(w0, w1, w2, w3):
    """:func:`kiss_next` on four words held apart (e.g. in a neuron's state columns):
    returns ``(draw, w0, w1, w2, w3)``, all uint64 below 2**32."""
    m = np.uint64(0xFFFFFFFF)
    x = (np.uint64(69069) * np.uint64(w0) + np.uint64(12345)) & m
    y = np.uint64(w1)
    y ^= (y << np.uint64(13)) & m
    y ^= y >> np.uint64(17)
    y ^= (y << np.uint64(5)) & m
    t = np.uint64(698769069) * np.uint64(w2) + np.uint64(w3)
    c = t >> np.uint64(32)
    z = t & m
    return (x + y + z) & m, x, y, z, c


_WORD = np.int64(1) << np.int64(32)
_HALF = np.int64(1) << np.int64(31)


@numba.njit(cache=True, inline="always")
def _word(x):
    """A state column holding a 32-bit generator word (as a signed int32) -> uint64."""
    return np.uint64(np.int64(x) & np.int64(0xFFFFFFFF))


@numba.njit(cache=True, inline="always")
def _signed(w):
    """A uint64 word below 2**32 -> the signed value an int32 column holds."""
    x = np.int64(w)
    return x - _WORD if x >= _HALF else x


@numba.njit(cache=True, inline="always")
def column_draw(r0, r1, r2, r3):
    """The next 32-bit number of a KISS generator held in four int32 state columns' values
    (a cell's own on-core generator): ``(draw, r0, r1, r2, r3)``, the last four what the
    columns hold next."""
    draw, w0, w1, w2, w3 = kiss_next_words(_word(r0), _word(r1), _word(r2), _word(r3))
    return draw, _signed(w0), _signed(w1), _signed(w2), _signed(w3)
