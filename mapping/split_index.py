"""Source indices of a side of 2**16 to 2**18 cells, in a little over 2 bytes each.

A population of 65,537 to 262,144 cells needs 17 or 18 bits per source index, so int32
held 4 bytes per connection (Brunel's network at 8x: 100 M of its 125 M connections come
from 80,000 excitatory cells). :class:`SplitIndex` keeps the low 16 bits as uint16 and
each higher bit as a packed bit plane (1/8 byte per connection per bit). Like
:class:`~neurochip.mapping.post_runs.PostRuns` it gives what the mapping reads (its
length, a range, one entry, its extremes) without spreading out the whole array, and
anything else (``np.asarray``, an index array) spreads it out, so nothing can read it
wrongly, only less cheaply.
"""

from __future__ import annotations

import numpy as np

from .post_runs import CompactInt32

__all__ = ["SplitIndex", "as_split"]

_MIN_CONNECTIONS = 1024  # shorter arrays are not worth it
_MAX_HIGH_BITS = 2  # beyond 18 bits int32 costs little more
_CHUNK = 1 << 22  # entries split, or spread by min() and max(), at a time


class SplitIndex(CompactInt32):
    """Indices ``low | plane[0] << 16 | plane[1] << 17``, ``low`` uint16, each plane the
    ``np.packbits`` of one bit of every index."""

    __slots__ = ("low", "planes")

    def __init__(self, low: np.ndarray, planes: tuple):
        self.low = low
        self.planes = tuple(planes)

    @classmethod
    def of(cls, idx: np.ndarray, bits: int):
        """``idx`` (non-negative, below ``2**bits``) split."""
        idx = np.asarray(idx)
        n = len(idx)
        low = np.empty(n, np.uint16)
        planes = tuple(np.empty((n + 7) >> 3, np.uint8) for _ in range(16, bits))
        # in chunks of a multiple of 8 entries (the planes' bytes do not straddle two):
        # the temporaries of a whole array were 2.5 times the indices (600 MB at 80 M)
        for lo in range(0, n, _CHUNK):
            part = idx[lo:lo + _CHUNK]
            low[lo:lo + len(part)] = part & 0xFFFF
            for b, plane in zip(range(16, bits), planes):
                packed = np.packbits(((part >> b) & 1).astype(np.uint8))
                plane[lo >> 3:(lo >> 3) + len(packed)] = packed
        return cls(low, planes)

    def __len__(self) -> int:
        return len(self.low)

    def _range(self, lo: int, hi: int) -> np.ndarray:
        """The indices of connections lo..hi-1, as int32."""
        out = self.low[lo:hi].astype(np.int32)
        first = lo >> 3
        for b, plane in enumerate(self.planes):
            bits = np.unpackbits(plane[first:(hi + 7) >> 3])[lo - 8 * first:hi - 8 * first]
            out |= bits.astype(np.int32) << (16 + b)
        return out

    def min(self):
        return min(self._range(lo, min(lo + _CHUNK, len(self))).min()
                   for lo in range(0, len(self), _CHUNK))

    def max(self):
        return max(self._range(lo, min(lo + _CHUNK, len(self))).max()
                   for lo in range(0, len(self), _CHUNK))

    @property
    def nbytes(self) -> int:
        return self.low.nbytes + sum(p.nbytes for p in self.planes)


def as_split(idx, size: int):
    """Source indices ``idx`` of a side of ``size`` cells as a :class:`SplitIndex` if
    they need 17 or 18 bits and are many enough to gain; else ``idx`` itself."""
    bits = max(int(size) - 1, 0).bit_length()
    if (isinstance(idx, SplitIndex) or not 16 < bits <= 16 + _MAX_HIGH_BITS
            or len(idx) < _MIN_CONNECTIONS or np.asarray(idx).dtype.kind not in "iu"):
        return idx
    if idx.min() < 0 or idx.max() >= 1 << bits:  # left as they are for the checks to name
        return idx
    return SplitIndex.of(idx, bits)
