"""The routing-table entry and route-word layout shared by mapping and emulator.

A route word holds links in bits 0-5 (E, NE, N, W, SW, S) and cores 0-17 in
bits 6-23, as on SpiNNaker 1.
"""

import numpy as np

__all__ = ["ROUTE_ENTRY", "LINK_BITS", "CORE_BIT_SHIFT", "route_links", "route_cores",
           "make_route"]

ROUTE_ENTRY = np.dtype([("key", "<u4"), ("mask", "<u4"), ("route", "<u4")])
LINK_BITS = 6
CORE_BIT_SHIFT = 6


def make_route(links=(), cores=()) -> int:
    """Route word with the given link numbers (0-5) and core numbers (0-17)."""
    word = 0
    for link in links:
        word |= 1 << int(link)
    for core in cores:
        word |= 1 << (CORE_BIT_SHIFT + int(core))
    return word


def route_links(word: int) -> tuple:
    return tuple(l for l in range(LINK_BITS) if (int(word) >> l) & 1)


def route_cores(word: int) -> tuple:
    w = int(word) >> CORE_BIT_SHIFT
    return tuple(p for p in range(26) if (w >> p) & 1)
