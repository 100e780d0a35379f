"""Keys: each slice gets a block ``key = base | neuron_index`` with a mask over the base.

A population's slices take consecutive, equally sized blocks inside one
aligned power-of-two span, so that the span compresses to a single entry.
"""

from __future__ import annotations

import numpy as np

from .errors import ResourceError
from .partition import bits_for

__all__ = ["allocate_keys"]


def allocate_keys(slices, senders) -> tuple:
    """``(base, mask)`` uint32 arrays per slice; slices with ``senders[i]`` False get none
    (base 0, mask 0).

    Examples
    --------
    >>> from mapping.partition import Slice
    >>> b, m = allocate_keys([Slice(0, 0, 256), Slice(0, 256, 300)], [True, True])
    >>> [hex(x) for x in b], hex(m[0])
    (['0x0', '0x100'], '0xffffff00')
    """
    base = np.zeros(len(slices), np.uint32)
    mask = np.zeros(len(slices), np.uint32)
    by_pop = {}
    for i, s in enumerate(slices):
        if senders[i]:
            by_pop.setdefault(s.pop, []).append(i)
    spans = []
    for pop, idx in by_pop.items():
        n_bits = max(bits_for(slices[i].n) for i in idx)
        span_bits = n_bits + bits_for(len(idx))
        spans.append((span_bits, pop, n_bits, idx))
    # largest spans first keeps every span aligned without gaps
    spans.sort(key=lambda s: (-s[0], s[1]))
    nxt = 0
    for span_bits, _, n_bits, idx in spans:
        for j, i in enumerate(idx):
            base[i] = nxt + (j << n_bits)
            mask[i] = (0xFFFFFFFF << n_bits) & 0xFFFFFFFF
        nxt += 1 << span_bits
        if nxt > 1 << 32:
            raise ResourceError("the network's neurons need more than 2**32 routing keys")
    return base, mask
