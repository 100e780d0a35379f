"""Load-time routing: walk every sending key hop by hop through the chips' tables.

The walk uses only the routing tables, the links and the hardware's default
routing, exactly as the routers would for each packet. Its result is cached per
key (destination cores, and the links/routers a packet of that key uses), so
that the tick loop pays one lookup per packet while per-link and per-router
packet counts stay exact (packets per key x usage per key).
"""

import numba
import numpy as np

from .contract import EV_PER_CHIP
from .jit_cache import INNER

__all__ = ["walk_keys", "event_counts"]


@numba.njit(**INNER)
def _lookup(key, chip, t_key, t_mask, t_route, table_lo):
    for e in range(table_lo[chip], table_lo[chip + 1]):
        if (key & t_mask[e]) == t_key[e]:
            return np.int64(t_route[e])
    return np.int64(-1)


@numba.njit(**INNER)
def _walk_one(key, src_chip, t_key, t_mask, t_route, table_lo, link_to, core_at,
              max_hops, dest_buf, ev_buf, stack_chip, stack_in):
    n_dest = 0
    n_ev = 0
    top = 0
    stack_chip[0] = src_chip
    stack_in[0] = -1
    top = 1
    hops = 0
    while top > 0:
        top -= 1
        chip = stack_chip[top]
        in_link = stack_in[top]
        hops += 1
        if hops > max_hops:  # a routing loop: the hardware would drop the aged packet
            ev_buf[n_ev] = chip * 9 + 8
            n_ev += 1
            break
        ev_buf[n_ev] = chip * 9 + 6
        n_ev += 1
        route = _lookup(key, chip, t_key, t_mask, t_route, table_lo)
        if route < 0:
            if in_link < 0:  # sent locally and matches nothing: dropped
                ev_buf[n_ev] = chip * 9 + 8
                n_ev += 1
                continue
            route = np.int64(1) << ((in_link + 3) % 6)
            ev_buf[n_ev] = chip * 9 + 7
            n_ev += 1
        for link in range(6):
            if (route >> link) & 1:
                nb = link_to[chip, link]
                if nb < 0:  # no chip or a dead link there
                    ev_buf[n_ev] = chip * 9 + 8
                    n_ev += 1
                else:
                    ev_buf[n_ev] = chip * 9 + link
                    n_ev += 1
                    stack_chip[top] = nb
                    stack_in[top] = (link + 3) % 6
                    top += 1
        cores = route >> 6
        p = 0
        while cores:
            if cores & 1:
                c = core_at[chip, p]
                if c < 0:  # no application on that core
                    ev_buf[n_ev] = chip * 9 + 8
                    n_ev += 1
                else:
                    dest_buf[n_dest] = c
                    n_dest += 1
            cores >>= 1
            p += 1
        if n_ev + 64 > len(ev_buf) or top + 8 > len(stack_chip):
            ev_buf[n_ev] = chip * 9 + 8
            n_ev += 1
            break
    return n_dest, n_ev


@numba.njit(**INNER)
def _same(a, alo, ahi, b, blo, n):
    if ahi - alo != n:
        return False
    for i in range(n):
        if a[alo + i] != b[blo + i]:
            return False
    return True


@numba.njit(**INNER)
def _append(store, used, lo, hi, k, values):
    """Give key k the range of ``values`` in ``store``, sharing key k-1's range when
    equal; returns the (possibly grown) store and its used length."""
    n = len(values)
    if k > 0 and _same(store, lo[k - 1], hi[k - 1], values, 0, n):
        lo[k] = lo[k - 1]
        hi[k] = hi[k - 1]
        return store, used
    # element loops, not slice assignments or np.concatenate: their shape checks format
    # an error message, which takes seconds to compile
    if used + n > len(store):
        grown = np.empty(2 * (used + n), store.dtype)
        for i in range(used):
            grown[i] = store[i]
        store = grown
    for i in range(n):
        store[used + i] = values[i]
    lo[k] = used
    hi[k] = used + n
    return store, used + n


@numba.njit(**INNER)
def _sorted(a):
    """``a`` sorted in place and returned: Shell sort, a few lines that compile in a
    fraction of the seconds np.sort's quicksort takes (a key has a few destinations and
    events, at most some hundreds)."""
    n = len(a)
    gap = n // 2
    while gap > 0:
        for i in range(gap, n):
            x = a[i]
            j = i
            while j >= gap and a[j - gap] > x:
                a[j] = a[j - gap]
                j -= gap
            a[j] = x
        gap //= 2
    return a


@numba.njit(cache=True)
def walk_keys(keys, src_chips, t_key, t_mask, t_route, table_lo, link_to, core_at):
    """Walk each key from its source chip.

    Returns ``(dest_lo, dest_hi, dest, ev_lo, ev_hi, ev)``: key k reaches cores
    ``dest[dest_lo[k]:dest_hi[k]]`` (sorted) and causes usage events
    ``ev[ev_lo[k]:ev_hi[k]]`` (``chip * 9 + event``). Consecutive keys with the
    same result share one range.
    """
    n_keys = len(keys)
    n_chips = link_to.shape[0]
    max_hops = 4 * n_chips + 16
    # int64 like the events: one compilation of np.sort and _append serves both
    dest_buf = np.empty(core_at.size + 1, np.int64)
    ev_buf = np.empty(32 * max_hops + 64, np.int64)
    stack_chip = np.empty(8 * max_hops + 16, np.int64)
    stack_in = np.empty(8 * max_hops + 16, np.int64)
    dest = np.empty(max(16, n_keys), np.int64)
    ev = np.empty(max(16, n_keys), np.int64)
    dest_lo = np.zeros(n_keys, np.int64)
    dest_hi = np.zeros(n_keys, np.int64)
    ev_lo = np.zeros(n_keys, np.int64)
    ev_hi = np.zeros(n_keys, np.int64)
    nd = np.int64(0)  # not the literal 0: numba would compile _append for it too
    ne = np.int64(0)
    for k in range(n_keys):
        a, b = _walk_one(np.int64(keys[k]), src_chips[k], t_key, t_mask, t_route, table_lo,
                         link_to, core_at, max_hops, dest_buf, ev_buf, stack_chip, stack_in)
        dest, nd = _append(dest, nd, dest_lo, dest_hi, k, _sorted(dest_buf[:a]))
        ev, ne = _append(ev, ne, ev_lo, ev_hi, k, _sorted(ev_buf[:b]))
    return dest_lo, dest_hi, dest[:nd].astype(np.int32), ev_lo, ev_hi, ev[:ne].copy()


def event_counts(packets, ev_lo, ev_hi, ev, n_chips: int) -> np.ndarray:
    """Exact link and router counts of a run, ``[chip, event]``: the packets each key sent
    (``packets``) times the events of its walk (``ev[ev_lo[k]:ev_hi[k]]``, from
    :func:`walk_keys`)."""
    counts = np.zeros(n_chips * EV_PER_CHIP, np.int64)
    _add_events(packets, ev_lo, ev_hi, ev, counts)
    return counts.reshape(n_chips, EV_PER_CHIP)


@numba.njit(cache=True)
def _add_events(packets, ev_lo, ev_hi, ev, counts):
    # one pass, without the temporaries of a vectorised sum (np.repeat, arange, an index
    # and np.add.at: ~100 MiB at the end of a run of 100,000 sending neurons)
    for g in range(len(packets)):
        m = packets[g]
        if m:
            for j in range(ev_lo[g], ev_hi[g]):
                counts[ev[j]] += m
