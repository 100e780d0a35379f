"""Compiled helpers of the vectorised connectors (:mod:`neurochip.connectors`).

Each gives exactly what the numpy code it replaces gave.

- :func:`runs_of_pairs`: sorted pair numbers ``post * n_pre + pre`` as source indices
  in target order plus :class:`~neurochip.mapping.post_runs.PostRuns`, by a counting sort
  on the target (no sorted int64 copy, no per-connection target array).
- :func:`as_ticks`: delays in ms as whole timesteps in one pass.
"""

from __future__ import annotations

import numba
import numpy as np

from neurochip.mapping.post_runs import PostRuns

__all__ = ["runs_of_pairs", "as_ticks"]


@numba.njit(cache=True)
def _bucket_by_target(flat, n_pre, n_post, pre_out, ptr):
    """Sort the pair numbers ``post * n_pre + pre`` by (post, pre): a counting sort on
    the source, then a stable one on the target (no comparisons); ``pre_out`` gets the
    sources in that order, ``ptr`` each target's run."""
    pre_lo = np.zeros(n_pre + 1, np.int64)
    for k in range(len(flat)):
        p = flat[k] // n_pre
        pre_lo[flat[k] - p * n_pre + 1] += 1
        ptr[p + 1] += 1
    for i in range(n_pre):
        pre_lo[i + 1] += pre_lo[i]
    for j in range(n_post):
        ptr[j + 1] += ptr[j]
    by_pre = np.empty(len(flat), np.int32)  # the targets, in source order
    fill = pre_lo[:-1].copy()
    for k in range(len(flat)):
        p = flat[k] // n_pre
        r = flat[k] - p * n_pre
        by_pre[fill[r]] = p
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
    pre = np.empty(len(flat), pre_dtype)
    ptr = np.zeros(n_post + 1, np.int64)
    if len(flat):
        _bucket_by_target(flat, np.int64(n_pre), n_post, pre, ptr)
    return pre, PostRuns(ptr)


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
