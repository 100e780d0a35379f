"""Routing tables: multicast trees to per-chip ``(key, mask, route)`` entries.

A router takes the first entry with ``packet_key & mask == key``. A packet that
matches nothing leaves by the link opposite the one it came in on, or is dropped
when it was sent from a local core; hops that default routing handles are left
out of the tables.

Examples
--------
>>> from mapping.machine import torus
>>> from mapping.route import route
>>> m = torus(4, 3)
>>> tables = build_tables(m, route(m, [(0x100, 0xFFFFFF00, (0, 0), [(2, 0, 1)])]))
>>> sorted(tables)
[(0, 0), (2, 0)]
>>> print(format_table(tables[(2, 0)]))
0000_0000_0000_0000_0000_0001_XXXX_XXXX -> core 1
"""

from __future__ import annotations

import numba
import numpy as np

from neurochip.emulator.routing_entry import CORE_BIT_SHIFT, LINK_BITS, ROUTE_ENTRY, make_route
from neurochip.emulator.sorted_search import lower_bound

from .errors import RoutingError
from .machine import LINK_NAMES, MachineSpec, opposite_link

__all__ = ["build_tables", "format_entry", "format_route", "format_table", "lookup"]

# Bounds the temporary (keys x entries) arrays of lookup to a few tens of MB.
_PAIRS_PER_CHUNK = 1 << 22


def _is_default_routed(tree, hop) -> bool:
    return (
        hop.chip != tree.source
        and not hop.cores
        and len(hop.out_links) == 1
        and hop.out_links[0] == opposite_link(hop.in_link)
    )


def _check_overlaps(chip, rows) -> None:
    """Raise if two rows ``(key, mask, route, kept)`` overlap with different routes.

    Rows left out for default routing take part too: an entry of another tree
    that overlaps them would otherwise capture their packets.
    """
    arr = np.array([r[:3] for r in rows], dtype=np.int64).reshape(-1, 3)
    key, mask, word = arr[:, 0], arr[:, 1], arr[:, 2]
    step = max(1, _PAIRS_PER_CHUNK // max(1, len(arr)))
    for lo in range(0, len(arr), step):
        both = mask[lo:lo + step, None] & mask[None, :]
        clash = ((key[lo:lo + step, None] ^ key[None, :]) & both) == 0
        clash &= word[lo:lo + step, None] != word[None, :]
        if clash.any():
            i, j = np.argwhere(clash)[0]
            i += lo
            a, b = (format_entry((key[n], mask[n], word[n])) for n in (i, j))
            raise RoutingError(
                f"chip {chip}: {int(clash.sum())} pairs of routing entries overlap with "
                f"different routes, e.g. {a!r} and {b!r}; give every source slice a "
                f"disjoint key block"
            )


def build_tables(machine: MachineSpec, trees) -> dict:
    """Turn multicast trees into one routing table per chip.

    Parameters
    ----------
    machine : MachineSpec
        The machine the trees were routed on.
    trees : iterable of MulticastTree
        From :func:`neurochip.mapping.route.route`.

    Returns
    -------
    dict
        ``(x, y) -> ROUTE_ENTRY array`` for every chip with at least one entry,
        entries sorted by key then mask. Straight-through hops with no local core
        are left to default routing.

    Raises
    ------
    RoutingError
        If a key has bits outside its mask, a hop is on a chip the machine does
        not have, or two trees give overlapping keys different routes on a chip.
    """
    rows: dict = {}
    for tree in trees:
        key, mask = int(tree.key), int(tree.mask)
        if key & ~mask or not 0 <= mask <= 0xFFFFFFFF:
            raise RoutingError(
                f"key 0x{key:08x} has bits outside mask 0x{mask:08x} (or does not fit "
                f"32 bits) and would never match; use key & mask as the key"
            )
        for hop in tree.hops:
            if not machine.is_live(*hop.chip):
                raise RoutingError(
                    f"key 0x{key:08x}: hop on chip {hop.chip}, which {machine.name!r} "
                    f"does not have; route on the same machine the tables are built for"
                )
            word = make_route(hop.out_links, hop.cores)
            rows.setdefault(hop.chip, set()).add(
                (key, mask, word, not _is_default_routed(tree, hop))
            )
    tables = {}
    for chip in sorted(rows, key=lambda c: machine.chip_id(*c)):
        chip_rows = sorted(rows[chip])
        _check_overlaps(chip, chip_rows)
        # the same entry from two trees is one entry
        kept = sorted({r[:3] for r in chip_rows if r[3]})
        if kept:
            tables[chip] = np.array(kept, dtype=ROUTE_ENTRY)
    return tables


def lookup(table: np.ndarray, keys) -> np.ndarray:
    """First-match route word of each key, -1 where no entry matches.

    Parameters
    ----------
    table : ndarray of ROUTE_ENTRY
        Entries in priority order.
    keys : array_like of uint32

    Returns
    -------
    ndarray of int64, shape ``(len(keys),)``
    """
    keys = np.asarray(keys, dtype=np.uint32).reshape(-1)
    if len(table) == 0 or len(keys) == 0:
        return np.full(len(keys), -1, dtype=np.int64)
    uniq, inverse = np.unique(keys, return_inverse=True)
    out = np.full(len(uniq), -1, dtype=np.int64)
    _first_match(uniq.astype(np.int64), table["key"].astype(np.int64),
                 table["mask"].astype(np.int64), table["route"].astype(np.int64), out)
    return out[inverse.reshape(-1)]


@numba.njit(cache=True)
def _first_match(keys, e_key, e_mask, e_route, out):
    """Entries in priority order, each taking the keys it matches that no earlier entry
    took. A key k matches (key, mask) iff ``k & mask == key``, so it lies in
    ``[key, key | ~mask]``: only that range of the sorted ``keys`` is tested."""
    for e in range(len(e_key)):
        key, mask = e_key[e], e_mask[e]
        lo = lower_bound(keys, 0, len(keys), key)
        hi = lower_bound(keys, 0, len(keys), (key | (0xFFFFFFFF ^ mask)) + 1)
        for i in range(lo, hi):
            if out[i] < 0 and (keys[i] & mask) == key:
                out[i] = e_route[e]


def format_route(word: int) -> str:
    """``'E, NE, core 3'`` for a route word, ``'nothing'`` for 0 and ``'no match'`` for -1."""
    word = int(word)
    if word < 0:
        return "no match"
    parts = [LINK_NAMES[link] for link in range(LINK_BITS) if word >> link & 1]
    cores = word >> CORE_BIT_SHIFT
    parts += [f"core {p}" for p in range(cores.bit_length()) if cores >> p & 1]
    return ", ".join(parts) or "nothing"


def format_entry(entry) -> str:
    """Readable entry: 32 key bits (X where masked out) in groups of 4, then the route.

    Examples
    --------
    >>> format_entry((0x10000, 0xFFFFF000, 0b11 | 1 << 9))
    '0000_0000_0000_0001_0000_XXXX_XXXX_XXXX -> E, NE, core 3'
    """
    if getattr(entry, "dtype", None) is not None and entry.dtype.names:
        key, mask, word = int(entry["key"]), int(entry["mask"]), int(entry["route"])
    else:
        key, mask, word = (int(v) for v in entry)
    bits = "".join(
        "X" if not mask >> b & 1 else str(key >> b & 1) for b in range(31, -1, -1)
    )
    groups = "_".join(bits[i:i + 4] for i in range(0, 32, 4))
    return f"{groups} -> {format_route(word)}"


def format_table(table: np.ndarray) -> str:
    """One :func:`format_entry` line per entry, in priority order."""
    return "\n".join(format_entry(e) for e in table)
