"""Work sharing among the threads of one phase of the tick loop: each thread takes the
cores of its own range from the front, one at a time, then takes cores from the back
of the range with the most left, until none is left. No thread waits while another
still has cores to do, whatever the estimates said about them (a one-tick stretch
of the microcircuit gives each thread a tenth of a millisecond of deliveries, and the
random spikes of that tick make the shares uneven by a tenth).

A range is one int64 word, ``hi << 32 | lo``, changed only by compare-and-swap
(:func:`cas`), so that each core is taken exactly once; each thread's word has a
cache line of its own (:func:`share_words`). Which thread takes a core changes only the
speed: a core's deliveries do not depend on any other core's.
"""

import numba
import numpy as np
from numba import types
from numba.core import cgutils
from numba.extending import intrinsic

__all__ = ["cas", "atomic_load", "share_words", "range_word", "set_shares", "claim", "span",
           "owners", "WORD_STRIDE"]

WORD_STRIDE = 16  # int64s between two threads' words: 128 bytes, never one cache line
LOW = (1 << 32) - 1


def _pointer(context, builder, sig, args):
    aryty = sig.args[0]
    ary = context.make_array(aryty)(context, builder, args[0])
    return cgutils.get_item_pointer(context, builder, aryty, ary, [args[1]], wraparound=False)


@intrinsic
def cas(typingctx, arr, idx, expected, new):
    """Compare-and-swap of ``arr[idx]`` (a 1-d int64 array): ``new`` if it holds
    ``expected``; returns what it held."""
    if not (isinstance(arr, types.Array) and arr.ndim == 1 and arr.dtype == types.int64):
        return None

    def codegen(context, builder, sig, args):
        ptr = _pointer(context, builder, sig, args)
        old = builder.cmpxchg(ptr, args[2], args[3], "acq_rel", "monotonic")
        return builder.extract_value(old, 0)

    return types.int64(arr, idx, types.int64, types.int64), codegen


@intrinsic
def atomic_load(typingctx, arr, idx):
    """``arr[idx]`` (a 1-d int64 array), read atomically: never a value torn by a
    concurrent :func:`cas`, and never hoisted out of a loop by the compiler."""
    if not (isinstance(arr, types.Array) and arr.ndim == 1 and arr.dtype == types.int64):
        return None

    def codegen(context, builder, sig, args):
        ptr = _pointer(context, builder, sig, args)
        return builder.load_atomic(ptr, "acquire", 8)

    return types.int64(arr, idx), codegen


def share_words(n_calls: int, n_cores: int = 0) -> np.ndarray:
    """The ranges' words of ``n_calls`` threads, each on a cache line of its own, then (with
    ``n_cores``) which thread took each core in the last phase (:func:`owners`)."""
    return np.zeros(n_calls * WORD_STRIDE + n_cores, np.int64)


@numba.njit(cache=True, inline="always")
def owners(words, n_calls):
    """Which of the ``n_calls`` threads took each core in the last phase (empty where
    ``words`` has no room for it)."""
    return words[n_calls * WORD_STRIDE:]


@numba.njit(cache=True, inline="always")
def _taken(words, n_calls, c, i):
    """Note that thread ``i`` took core ``c`` (where ``words`` has room for it)."""
    taker = owners(words, n_calls)
    if c < len(taker):
        taker[c] = i
    return c


@numba.njit(cache=True, inline="always")
def range_word(lo, hi):
    """The word of the range of cores ``lo .. hi - 1``."""
    return (np.int64(hi) << 32) | np.int64(lo)


@numba.njit(cache=True, inline="always")
def set_shares(words, split):
    """Thread i's range is cores ``split[i] .. split[i + 1] - 1``."""
    for i in range(len(split) - 1):
        words[i * WORD_STRIDE] = range_word(split[i], split[i + 1])


@numba.njit(cache=True, inline="always")
def span(words):
    """``(lo, hi)``: the cores of all the ranges in ``words`` lie in ``lo .. hi - 1``."""
    lo, hi = np.int64(1) << 62, np.int64(0)
    for w in range(0, len(words), WORD_STRIDE):
        v = atomic_load(words, w)
        if (v >> 32) > (v & LOW):
            lo = min(lo, v & LOW)
            hi = max(hi, v >> 32)
    return min(lo, hi), hi


@numba.njit(cache=True, inline="always")
def claim(words, i, n_calls):
    """The next core for thread ``i``: the front of its own range while it lasts, then the
    back of the range with the most cores left; -1 when every range is empty."""
    w = i * WORD_STRIDE
    while True:
        v = atomic_load(words, w)
        lo, hi = v & LOW, v >> 32
        if lo >= hi:
            break
        if cas(words, w, v, range_word(lo + 1, hi)) == v:
            return _taken(words, n_calls, lo, i)
    while True:
        best, most = -1, np.int64(0)
        for j in range(n_calls):
            v = atomic_load(words, j * WORD_STRIDE)
            if (v >> 32) - (v & LOW) > most:
                best, most = j, (v >> 32) - (v & LOW)
        if best < 0:
            return np.int64(-1)
        w = best * WORD_STRIDE
        v = atomic_load(words, w)
        lo, hi = v & LOW, v >> 32
        if lo < hi and cas(words, w, v, range_word(lo, hi - 1)) == v:
            return _taken(words, n_calls, hi - 1, i)
