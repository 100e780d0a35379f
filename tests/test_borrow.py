"""emulator.borrow: a borrowed array is the same memory, and numba counts no reference to it."""

import re

import numba
import numpy as np

from neurochip.emulator.borrow import borrowed


@numba.njit(cache=False)
def _row_total(row, k):
    t = 0.0
    for j in range(row.shape[0]):
        t += row[j] * (k + j)
    if t > 1e300:  # a branch that leaves early, as a cell's step has
        raise ValueError("too large")
    return t


@numba.njit(cache=False)
def _plain(a):
    """Each row of ``a`` (a view) through a call, as the core kernel hands a neuron's rows
    to its step, then doubles the row's first column."""
    t = 0.0
    for g in range(a.shape[0]):
        t += _row_total(a[g], g)
        a[g, 0] *= 2.0
    return t


@numba.njit(cache=False)
def _borrowing(a):
    """:func:`_plain` through the borrowed array."""
    b = borrowed(a)
    t = 0.0
    for g in range(b.shape[0]):
        t += _row_total(b[g], g)
        b[g, 0] *= 2.0
    return t


def _counts(fn):
    """The pointers of the reference-count calls in ``fn``'s own LLVM function."""
    ir = next(iter(fn.inspect_llvm().values())).split("\ndefine")[1]
    return re.findall(r"call void @NRT_(?:incref|decref)\((?:ptr )?([^)]*)\)", ir)


def test_a_borrowed_array_is_the_same_memory_and_counts_nothing():
    a = np.asfortranarray(np.arange(12.0).reshape(4, 3))
    b = a.copy(order="F")
    want = sum(float(np.dot(a[g], g + np.arange(3))) for g in range(4))
    assert _plain(a) == want and _borrowing(b) == want
    assert np.array_equal(a, b) and np.array_equal(b[:, 0], 2 * np.arange(0.0, 12.0, 3))
    assert _counts(_plain), "numba counts the rows' references here: the test would miss"
    assert _counts(_borrowing) == []
