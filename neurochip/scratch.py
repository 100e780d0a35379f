"""Scratch buffers of a network's build, reused across projections.

A connector's temporaries (its pair numbers, the counting sort's targets in source
order, a chunk of drawn delays) are as long as the projection: the microcircuit's
largest have some 20-30 M entries, and each fresh allocation of that size is fresh
(transparent huge-page) memory whose first touch costs system time, 63 times over.
Taken from here, they are one buffer per kind, grown when a projection needs more and
kept for the next; :func:`release` lets them go when the build is over (the start of a
run's mapping, ``reset()``, ``end()``), so that they never add to the mapping's peak.

What :func:`take` gives is valid until the next ``take`` of the same name or the next
:func:`release`: a caller copies what it keeps. Projections are built one after the
other; a kind is used by one of them at a time (a background sort holds its buffers
until its result is asked for, which ``fast_connect`` does before it returns).
"""

from __future__ import annotations

import numpy as np

__all__ = ["take", "release", "held_bytes"]

_GROWTH = 1.25  # a buffer grown is grown by at least this much (fewer regrowths)
_BUFFERS: dict[str, np.ndarray] = {}


def take(name: str, n: int, dtype) -> np.ndarray:
    """``n`` entries of ``dtype`` (contents undefined) from the buffer ``name``."""
    dtype = np.dtype(dtype)
    need = -(-n * dtype.itemsize // 8)  # in 8-byte words: aligned for any dtype
    buf = _BUFFERS.get(name)
    if buf is None or len(buf) < need:
        have = 0 if buf is None else len(buf)
        _BUFFERS.pop(name, None)  # the old one goes first: never both at once
        buf = _BUFFERS[name] = np.empty(max(need, int(have * _GROWTH)), np.int64)
    return buf[:need].view(dtype)[:n]


def release() -> None:
    """Let every buffer go (the build is over)."""
    _BUFFERS.clear()


def held_bytes() -> int:
    """Bytes held by the buffers now."""
    return sum(b.nbytes for b in _BUFFERS.values())
