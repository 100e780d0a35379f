"""Post-synaptic indices of connections sorted by their target, held as runs.

Most connectors make a projection's connections target by target (all of post neuron 0,
then all of post neuron 1, ...). Their post indices are then the runs ``ptr[j]:ptr[j+1]``
of each target ``j``: 8 bytes per target instead of 4 per connection (a microcircuit
holds 299 M connections onto 77 k neurons). :class:`PostRuns` gives what the mapping reads
of a post-index array (its length, a range of it, per-target counts, its extremes) without
spreading it out; anything else (``np.asarray(runs)``, an index array) spreads it out, so
nothing can read it wrongly, only less cheaply.
"""

from __future__ import annotations

import numpy as np

__all__ = ["CompactInt32", "PostRuns", "as_runs", "post_counts"]

_MIN_CONNECTIONS = 1024  # shorter arrays are not worth it


class CompactInt32:
    """What a compact int32 index array gives without spreading out: its length, shape
    and dtype, a range (``_range(lo, hi)``, the subclass's), one entry (``_at(k)``), and
    anything else (``np.asarray``, an index array) by spreading it out. Subclasses:
    :class:`PostRuns`, :class:`neurochip.mapping.split_index.SplitIndex`."""

    __slots__ = ()

    @property
    def dtype(self):
        return np.dtype(np.int32)

    @property
    def shape(self) -> tuple:
        return (len(self),)

    def __array__(self, dtype=None, copy=None):
        out = self._range(0, len(self))
        return out if dtype is None else out.astype(dtype)

    def __getitem__(self, key):
        if isinstance(key, slice) and key.step in (None, 1):
            lo, hi, _ = key.indices(len(self))
            return self._range(lo, max(lo, hi))
        if isinstance(key, (int, np.integer)):
            k = int(key) + (len(self) if key < 0 else 0)
            if not 0 <= k < len(self):
                raise IndexError(f"connection {key} of {len(self)}")
            return np.int32(self._at(k))
        return np.asarray(self)[key]

    def _at(self, k: int):
        return self._range(k, k + 1)[0]


class PostRuns(CompactInt32):
    """Connections ``ptr[j]:ptr[j+1]`` target post neuron ``j`` (``ptr``: int64,
    non-decreasing, from 0)."""

    __slots__ = ("ptr",)

    def __init__(self, ptr: np.ndarray):
        self.ptr = np.asarray(ptr, np.int64)

    def __len__(self) -> int:
        return int(self.ptr[-1])

    def __array__(self, dtype=None, copy=None):
        out = np.repeat(np.arange(len(self.ptr) - 1, dtype=np.int32), np.diff(self.ptr))
        return out if dtype is None else out.astype(dtype)

    def _at(self, k: int):
        return np.searchsorted(self.ptr, k, side="right") - 1

    def _range(self, lo: int, hi: int) -> np.ndarray:
        """The post indices of connections lo..hi-1."""
        first = int(np.searchsorted(self.ptr, lo, side="right")) - 1
        last = int(np.searchsorted(self.ptr, hi, side="left"))
        counts = np.diff(np.clip(self.ptr[first:last + 1], lo, hi))
        return np.repeat(np.arange(first, first + len(counts), dtype=np.int32), counts)

    def counts(self, n: int | None = None) -> np.ndarray:
        """Connections per target (``np.bincount(post_idx, minlength=n)``)."""
        c = np.diff(self.ptr)
        return c if n is None or n <= len(c) else np.r_[c, np.zeros(n - len(c), c.dtype)]

    def _ends(self) -> np.ndarray:
        return np.flatnonzero(np.diff(self.ptr))

    def min(self):
        return np.int32(self._ends()[0])

    def max(self):
        return np.int32(self._ends()[-1])

    @property
    def nbytes(self) -> int:
        return self.ptr.nbytes


def as_runs(post: np.ndarray, n_post: int):
    """``post`` (indices in [0, n_post)) as :class:`PostRuns` if it is sorted and long
    enough for the runs to be smaller; else ``post`` itself."""
    if isinstance(post, PostRuns) or len(post) < max(_MIN_CONNECTIONS, 2 * (n_post + 1)):
        return post
    if (post.strides[0] == 0 or post[0] < 0 or post[-1] >= n_post
            or np.any(post[1:] < post[:-1])):
        return post
    # the targets in the indices' own type (every index is below n_post, so the run ends
    # at len(post)): searchsorted casts both sides to one type, and int64 targets made an
    # int64 copy of the indices (640 MB at 80 M int32 indices)
    fits = post.dtype.kind in "iu" and n_post - 1 <= np.iinfo(post.dtype).max
    targets = np.arange(n_post, dtype=post.dtype if fits else np.int64)
    return PostRuns(np.r_[np.searchsorted(post, targets, side="left"), len(post)])


def post_counts(post, n: int) -> np.ndarray:
    """Connections per target of a post-index array or PostRuns (length ``n``)."""
    if isinstance(post, PostRuns):
        return post.counts(n)
    return np.bincount(post, minlength=n)
