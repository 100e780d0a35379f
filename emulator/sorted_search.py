"""The binary search of a sorted run of an array, shared by the emulator's kernels and the
mapping's (both numba)."""

import numba

__all__ = ["lower_bound"]


@numba.njit(cache=True, inline="always")
def lower_bound(a, lo, hi, x):
    """The first index in ``lo .. hi - 1`` of the sorted array ``a`` whose value is >= ``x``
    (``hi`` if none), as ``lo + np.searchsorted(a[lo:hi], x)``: no slice (numba counts a
    slice's reference), and not numba's ``searchsorted``, which compiles comparisons for
    every dtype, complex ones included (half a second of a first run)."""
    while lo < hi:
        mid = (lo + hi) >> 1
        if a[mid] < x:
            lo = mid + 1
        else:
            hi = mid
    return lo
