"""Compiled helpers of the vectorised connectors (:mod:`neurochip.connectors`).

Each gives exactly what the numpy code it replaces gave.

- :func:`runs_of_pairs`: sorted pair numbers ``post * n_pre + pre`` as source indices
  in target order plus :class:`~neurochip.mapping.post_runs.PostRuns`, by a counting sort
  on the target (no sorted int64 copy, no per-connection target array).
- :func:`as_ticks`: delays in ms as whole timesteps in one pass.
"""

from __future__ import annotations

import threading

import numba
import numpy as np

from neurochip.mapping.post_runs import PostRuns

from . import scratch

__all__ = ["runs_of_pairs", "SortingPairs", "as_ticks"]


@numba.njit(cache=True, nogil=True)
def _bucket_by_target(flat, n_pre, n_post, pre_out, ptr, by_pre):
    """Sort the pair numbers ``post * n_pre + pre`` by (post, pre): a counting sort on
    the source, then a stable one on the target (no comparisons); ``pre_out`` gets the
    sources in that order, ``ptr`` each target's run (``by_pre``: scratch, ``len(flat)``
    entries of a type that holds ``n_post - 1``)."""
    pre_lo = np.zeros(n_pre + 1, np.int64)
    for k in range(len(flat)):
        p = flat[k] // n_pre
        pre_lo[flat[k] - p * n_pre + 1] += 1
        ptr[p + 1] += 1
    for i in range(n_pre):
        pre_lo[i + 1] += pre_lo[i]
    for j in range(n_post):
        ptr[j + 1] += ptr[j]
    fill = pre_lo[:-1].copy()
    for k in range(len(flat)):
        p = flat[k] // n_pre
        r = flat[k] - p * n_pre
        by_pre[fill[r]] = p  # the targets, in source order
        fill[r] += 1
    fill = ptr[:-1].copy()
    for r in range(n_pre):
        for k in range(pre_lo[r], pre_lo[r + 1]):
            p = by_pre[k]
            pre_out[fill[p]] = r
            fill[p] += 1


def runs_of_pairs(flat: np.ndarray, n_pre: int, n_post: int, pre_dtype):
    """``(pre, post)`` of the pair numbers ``flat`` (any order) in sorted order, as
    ``np.divmod(np.sort(flat), n_pre)`` gives them: ``pre`` as ``pre_dtype``, ``post`` as
    :class:`PostRuns`."""
    return SortingPairs(flat, n_pre, n_post, pre_dtype, background=False).result()


class SortingPairs:
    """:func:`runs_of_pairs` under way: in a thread of its own if ``background`` (the
    kernel releases the GIL, so the connector's weights and delays are drawn meanwhile on
    another core; nothing it does touches a random generator). ``len()`` is known at
    once, ``result()`` waits for ``(pre, post)``. The sort's scratch is the build's
    (:mod:`neurochip.scratch`, "by_pre"): ``flat`` and it are in use until then."""

    def __init__(self, flat, n_pre, n_post, pre_dtype, background=True):
        self.n = len(flat)
        self.pre = np.empty(self.n, pre_dtype)
        self.ptr = np.zeros(n_post + 1, np.int64)
        self.error = None
        by_pre = scratch.take("by_pre", self.n, np.uint16 if n_post <= 1 << 16 else np.int32)
        args = (flat, np.int64(n_pre), n_post, self.pre, self.ptr, by_pre)
        self.thread = None
        if not self.n:
            return
        if background:
            self.thread = threading.Thread(target=self._sort, args=args, daemon=True)
            self.thread.start()
        else:
            _bucket_by_target(*args)

    def _sort(self, *args):
        try:
            _bucket_by_target(*args)
        except BaseException as e:  # raised again where the result is asked for
            self.error = e

    def __len__(self) -> int:
        return self.n

    def result(self):
        if self.thread is not None:
            self.thread.join()
            self.thread = None
        if self.error is not None:
            raise self.error
        return self.pre, PostRuns(self.ptr)


@numba.njit(cache=True)
def _ticks(d, dt, out):
    """``rint(d / dt)`` into ``out`` (uint16); False if one is not finite or not in
    [1, 65535]."""
    for k in range(len(d)):
        t = np.rint(d[k] / dt)
        if not (t >= 1.0 and t <= 65535.0):  # NaN fails both
            return False
        out[k] = np.uint16(t)
    return True


def as_ticks(d: np.ndarray, dt: float):
    """Delays ``d`` (ms, float64) as uint16 timesteps ``rint(d / dt)``, or None if one of
    them is not finite or out of [1, 65535]."""
    out = np.empty(len(d), np.uint16)
    return out if _ticks(np.ascontiguousarray(d, np.float64), float(dt), out) else None
