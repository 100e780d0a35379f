"""Routing-table compression (order-dependent) and an independent equivalence checker.

Only the keys in use matter: a compressed table must give every key that any
source in the machine sends the same route as the original table, and must leave
unmatched the keys that the original did not match, because default routing
(or dropping) depends on there being no match.

Examples
--------
>>> import numpy as np
>>> from emulator.routing_entry import ROUTE_ENTRY
>>> table = np.array([(k, 0xFC, 1) for k in (0x00, 0x04, 0x08, 0x0C)], dtype=ROUTE_ENTRY)
>>> small = compress(table, np.arange(16, dtype=np.uint32), target=1)
>>> [(hex(e["key"]), hex(e["mask"])) for e in small]
[('0x0', '0xf0')]
"""

from __future__ import annotations

import numpy as np

from neurochip.emulator.routing_entry import ROUTE_ENTRY

from .errors import RoutingError
from .machine import MachineSpec
from .tables import format_entry, format_route, lookup

__all__ = ["check_equivalent", "compress", "compress_tables"]

_FIX = (
    "use fewer/larger slices per population (sim.set_number_of_neurons_per_core), "
    "a larger machine, or a placer that keeps populations on fewer chips"
)


def _where(chip) -> str:
    return "a chip" if chip is None else f"chip {chip}"


def _merge_exact(rows: set) -> set:
    """Merge pairs of same-route, same-mask entries whose keys differ in one bit.

    The merged entry covers exactly the union of the pair, so on a table without
    overlapping entries of different routes this never changes a lookup.
    """
    changed = True
    while changed:
        changed = False
        groups: dict = {}
        for key, mask, word in rows:
            groups.setdefault((word, mask), set()).add(key)
        rows = set()
        for (word, mask), keys in sorted(groups.items()):
            # low bits first: neighbouring slices of a population then pair up into
            # aligned power-of-two blocks
            for b in range(32):
                bit = 1 << b
                if not mask & bit:
                    continue
                for key in sorted(k for k in keys if not k & bit and k | bit in keys):
                    keys -= {key, key | bit}
                    rows.add((key, mask & ~bit, word))
                    changed = True
            rows.update((key, mask, word) for key in keys)
    return rows


def _popcount(a: np.ndarray) -> np.ndarray:
    a = a.astype(np.uint32)
    return np.unpackbits(a.view(np.uint8).reshape(-1, 4), axis=1).sum(axis=1)


class _Covering:
    """Order-dependent covering over a table sorted most specific first.

    ``cur[i]`` is the id of the entry that key ``i`` matches first (-1: none),
    kept up to date so that a candidate merge is judged without a full lookup.
    """

    def __init__(self, rows, keys, ref):
        rows = sorted(rows, key=lambda r: (32 - r[1].bit_count(), r[0], r[1], r[2]))
        n = len(rows)
        cap = 2 * n + 1  # each accepted merge removes >= 2 ids and adds 1
        self.key = np.zeros(cap, np.uint32)
        self.mask = np.zeros(cap, np.uint32)
        self.route = np.zeros(cap, np.int64)
        arr = np.array(rows, dtype=np.int64).reshape(-1, 3)
        self.key[:n], self.mask[:n], self.route[:n] = arr[:, 0], arr[:, 1], arr[:, 2]
        self.next_id = n
        self.order = np.arange(n)
        self.keys, self.ref = keys, ref
        self.pos = np.zeros(cap, np.int64)
        self._reindex()
        # a lookup in a table whose route words are entry ids gives each key's entry
        table = np.zeros(n, ROUTE_ENTRY)
        table["key"], table["mask"], table["route"] = self.key[:n], self.mask[:n], self.order
        self.cur = lookup(table, keys)

    def _reindex(self):
        self.pos[self.order] = np.arange(len(self.order))
        self.xs = 32 - _popcount(self.mask[self.order])

    def __len__(self):
        return len(self.order)

    def try_merge(self, group: np.ndarray) -> bool:
        """Replace ``group`` (same route) by one covering entry if no used key changes."""
        word = self.route[group[0]]
        g_key, g_mask = self.key[group], self.mask[group]
        and_k = np.bitwise_and.reduce(g_key)
        or_k = np.bitwise_or.reduce(g_key)
        m = np.bitwise_and.reduce(g_mask) & ~(and_k ^ or_k)
        k = and_k & m
        inside = np.nonzero((self.keys & m) == k)[0]
        cur = self.cur[inside]
        if (cur < 0).any():
            return False  # would capture a key that must stay unmatched
        p = int(np.searchsorted(self.xs, 32 - int(m).bit_count(), side="right"))
        in_g = np.isin(cur, group)
        later = ~in_g & (self.pos[cur] >= p)
        if (self.ref[inside[later]] != word).any():
            return False
        new_id = self.next_id
        new_cur = np.full(int(in_g.sum()), new_id, np.int64)
        if new_cur.size:
            before = np.ones(p, bool)
            before[self.pos[group]] = False
            ids = self.order[:p][before]
            ids = ids[((self.key[ids] ^ k) & self.mask[ids] & m) == 0]
            if ids.size:
                g_keys = self.keys[inside[in_g]]
                hit = (g_keys[:, None] & self.mask[ids][None, :]) == self.key[ids][None, :]
                first = hit.argmax(axis=1)
                found = hit[np.arange(len(first)), first]
                if (self.route[ids[first[found]]] != word).any():
                    return False
                new_cur = np.where(found, ids[first], new_id)
        self.key[new_id], self.mask[new_id], self.route[new_id] = k, m, word
        self.next_id += 1
        cur = cur.copy()
        cur[in_g] = new_cur
        cur[later] = new_id
        self.cur[inside] = cur
        keep = np.ones(len(self.order), bool)
        keep[self.pos[group]] = False
        at = p - len(group)
        rest = self.order[keep]
        self.order = np.concatenate([rest[:at], [new_id], rest[at:]])
        self._reindex()
        return True

    def visit(self, group: np.ndarray) -> bool:
        """Try ``group``, else split it on its highest non-uniform bit and recurse."""
        if len(group) < 2:
            return False
        if self.try_merge(group):
            return True
        g_key, g_mask = self.key[group], self.mask[group]
        all_x = ~np.bitwise_or.reduce(g_mask)
        all_0 = np.bitwise_and.reduce(g_mask) & ~np.bitwise_or.reduce(g_key)
        all_1 = np.bitwise_and.reduce(g_mask) & np.bitwise_and.reduce(g_key)
        split = int(~(all_x | all_0 | all_1) & 0xFFFFFFFF)
        if not split:
            return False  # identical entries, and try_merge could not place one copy
        bit = np.uint32(1 << (split.bit_length() - 1))
        is_x = (g_mask & bit) == 0
        is_1 = ~is_x & ((g_key & bit) != 0)
        merged = False
        for part in (~is_x & ~is_1, is_1, is_x):
            merged |= self.visit(group[part])
        return merged

    def run(self) -> np.ndarray:
        while True:
            routes = self.route[self.order]
            groups = [self.order[routes == w] for w in np.unique(routes)]
            groups.sort(key=lambda g: (-len(g), int(self.route[g[0]])))
            # every group gets its turn, so no short-circuiting any()
            merged = [self.visit(g) for g in groups]
            if not any(merged):
                break
        out = np.zeros(len(self.order), ROUTE_ENTRY)
        ids = self.order
        out["key"], out["mask"], out["route"] = self.key[ids], self.mask[ids], self.route[ids]
        return out


def _unique_keys(keys) -> np.ndarray:
    """The keys in use, sorted and each once; keys that are so already (compress_tables
    hands every chip the same) are taken as they are, not sorted again (a sort of the
    microcircuit's 77,000 keys twice for each of its 36 chips: a fifth of routing)."""
    keys = np.asarray(keys, dtype=np.uint32).reshape(-1)
    if len(keys) > 1 and np.all(keys[1:] > keys[:-1]):
        return keys
    return np.unique(keys)


def compress(table: np.ndarray, keys, target: int, chip=None) -> np.ndarray:
    """Minimise one chip's routing table to at most ``target`` entries.

    First exact merging (pairs of entries whose union is one entry), then
    order-dependent covering: entries most specific first, and a group of
    same-route entries is replaced by one more general entry when no key in use
    changes its route (or starts or stops matching). The table is minimised as
    far as these steps go, whatever ``target``; ``target`` only decides failure.

    Parameters
    ----------
    table : ndarray of ROUTE_ENTRY
        The chip's table, with no overlapping entries of different routes (as
        :func:`neurochip.mapping.tables.build_tables` makes it).
    keys : array_like of uint32
        Every routing key in use anywhere in the machine.
    target : int
        Largest number of entries allowed.
    chip : tuple, optional
        ``(x, y)`` for error messages.

    Returns
    -------
    ndarray of ROUTE_ENTRY
        Entries in first-match order.

    Raises
    ------
    RoutingError
        If the table cannot be brought down to ``target`` entries.
    """
    keys = _unique_keys(keys)
    table = np.asarray(table, dtype=ROUTE_ENTRY).reshape(-1)
    ref = lookup(table, keys)
    # an entry with key bits outside its mask never matches: dropping it is exact
    rows = {
        (int(e["key"]), int(e["mask"]), int(e["route"]))
        for e in table
        if not int(e["key"]) & ~int(e["mask"])
    }
    out = _Covering(_merge_exact(rows), keys, ref).run()
    if not np.array_equal(lookup(out, keys), ref):
        raise RoutingError(
            f"{_where(chip)}: compressing its {len(table)}-entry table changed routes "
            f"of keys in use; the table has overlapping entries with different routes, "
            f"which compress does not support: give every source slice a disjoint key block"
        )
    if len(out) > target:
        raise RoutingError(
            f"{_where(chip)} needs {len(table)} routing entries, {len(out)} after "
            f"compression, more than the target of {target}; {_FIX}"
        )
    return out


def check_equivalent(original: np.ndarray, compressed: np.ndarray, keys, chip=None) -> None:
    """Prove that two tables route every key in ``keys`` identically.

    Independent of :func:`compress`: both tables are simply looked up.

    Raises
    ------
    RoutingError
        Listing up to 5 keys whose route (or absence of a match) differs.
    """
    keys = _unique_keys(keys)
    before, after = lookup(original, keys), lookup(compressed, keys)
    bad = np.nonzero(before != after)[0]
    if bad.size:
        shown = "; ".join(
            f"{format_entry((int(keys[i]), 0xFFFFFFFF, before[i]))} originally, "
            f"{format_route(after[i])} compressed"
            for i in bad[:5]
        )
        raise RoutingError(
            f"{_where(chip)}: the compressed table ({len(compressed)} entries) routes "
            f"{bad.size} of {len(keys)} keys in use differently from the original "
            f"({len(original)} entries): {shown}; the compressor is wrong for this "
            f"table: report it with format_table of both tables"
        )


def compress_tables(machine: MachineSpec, tables: dict, keys, target=None,
                    always: bool = False) -> dict:
    """Compress every table larger than ``target`` (every table if ``always``) and
    check each result.

    Parameters
    ----------
    machine : MachineSpec
    tables : dict
        ``(x, y) -> ROUTE_ENTRY array`` from :func:`neurochip.mapping.tables.build_tables`.
    keys : array_like of uint32
        Every routing key in use in the machine.
    target : int, optional
        Entries allowed per chip; default ``machine.router_entries``.
    always : bool
        Minimise tables that already fit too (smaller tables route faster on
        the hardware and show what compression gains).

    Returns
    -------
    dict
        A new dict; tables already small enough are the same objects.
    """
    target = machine.router_entries if target is None else int(target)
    keys = _unique_keys(keys)
    out = {}
    for chip, table in tables.items():
        if len(table) > target or (always and len(table) > 1):
            small = compress(table, keys, target, chip=chip)
            check_equivalent(table, small, keys, chip=chip)
            out[chip] = small
        else:
            out[chip] = table
    return out
