"""The threads' ranges of cores in a phase (emulator.claim): a thread takes its own range
from the front, then the back of the range with the most left, each core exactly once."""

import numba
import numpy as np
import pytest
from numba import prange

from neurochip.emulator.claim import claim, owners, set_shares, share_words, span


@numba.njit
def _takes(words, i, n_calls, most):
    out = np.full(most, -1, np.int64)
    for k in range(most):
        out[k] = claim(words, i, n_calls)
    return out


@numba.njit
def _set(words, split):
    set_shares(words, split)


@numba.njit
def _owners(words):
    return owners(words, 2)


def test_the_words_note_which_thread_took_each_core():
    words = share_words(2, 6)
    _set(words, np.array([0, 3, 6]))
    _takes(words, 1, 2, 4)  # 3, 4, 5, then 2 from thread 0's back
    _takes(words, 0, 2, 3)  # 0, 1, then none
    assert _owners(words).tolist() == [0, 0, 1, 1, 1, 1]


def test_a_thread_takes_its_range_in_order_then_the_back_of_the_fullest():
    words = share_words(3)
    _set(words, np.array([0, 3, 10, 12]))
    assert _takes(words, 0, 3, 3).tolist() == [0, 1, 2]  # its own, front first
    # then from the back of the fullest range (thread 1's, 7 left), one core at a time
    assert _takes(words, 0, 3, 2).tolist() == [9, 8]
    assert _takes(words, 1, 3, 5).tolist() == [3, 4, 5, 6, 7]  # what thread 1 has left
    assert _takes(words, 1, 3, 3).tolist() == [11, 10, -1]  # then thread 2's; then none
    one = share_words(1)
    _set(one, np.array([4, 7]))
    assert _takes(one, 0, 1, 4).tolist() == [4, 5, 6, -1]  # one thread: the plain range


@numba.njit
def _span(words):
    return span(words)


def test_the_span_holds_every_core_still_to_take():
    words = share_words(2)
    _set(words, np.array([3, 5, 9]))
    assert _span(words) == (3, 9)
    _takes(words, 0, 2, 2)  # thread 0 takes 3 and 4: its range is empty
    assert _span(words) == (5, 9)
    _takes(words, 1, 2, 4)
    assert _span(words) == (0, 0)  # nothing left


@numba.njit(parallel=True)
def _share_out(words, split, n_cores, reps, slow):
    taken = np.zeros((reps, n_cores), np.int64)
    by = np.full((reps, n_cores), -1, np.int64)
    n_calls = len(split) - 1
    for r in range(reps):
        set_shares(words, split)
        for i in prange(n_calls):
            while True:
                c = claim(words, np.int64(i), n_calls)
                if c < 0:
                    break
                taken[r, c] += 1
                by[r, c] = i
                s = 0
                for k in range(slow if c < split[1] else 1):  # thread 0's cores cost more
                    s += k ^ (s >> 1)
                taken[r, c] += s & 0  # the work is not optimised away
    return taken, by


@pytest.mark.skipif(numba.config.NUMBA_NUM_THREADS < 2, reason="needs two threads")
def test_two_threads_take_every_core_once_and_the_idle_one_helps():
    numba.set_num_threads(2)
    split = np.array([0, 200, 400])
    taken, by = _share_out(share_words(2), split, 400, 300, 2000)
    assert np.all(taken == 1)  # never a core twice, never one left out
    # thread 1's cores are cheap: it finishes first and takes some of thread 0's
    assert np.any(by[:, :200] == 1)
