"""Compiled passes of :func:`neurochip.mapping.synapses.layout_synapses` over a range of
connections: where each goes (target core, source slice, row) and its static word.

Each replaces a chain of numpy expressions (and their temporaries) by one pass that
computes the same integers with the same float operations in the same order.
"""

from __future__ import annotations

import numba
import numpy as np

__all__ = ["place_range", "mark_groups", "group_rows", "static_words", "ring_totals",
           "packed_index", "shift_index"]


@numba.njit(cache=True, inline="always")
def _split(i, width, shift):
    """``divmod(i, width)``; by shift and mask where ``width == 1 << shift`` (shift >= 0),
    the usual width of full slices: an integer division costs many times more."""
    if shift >= 0:
        return i >> shift, i & (width - 1)
    q = i // width
    return q, i - q * width


@numba.njit(cache=True, nogil=True)
def _place(pre, post, pre_first, pre_width, post_first, post_width, tc, ss, li):
    pre_shift, post_shift = _log2(pre_width), _log2(post_width)
    last, last_c = np.int64(-1), np.int64(0)
    for k in range(len(pre)):
        q = np.int64(post[k])
        if q != last:  # targets come in runs: one division per run
            last, last_c = q, post_first + _split(q, post_width, post_shift)[0]
        tc[k] = last_c
        s, i = _split(np.int64(pre[k]), pre_width, pre_shift)
        ss[k] = pre_first + s
        li[k] = i


@numba.njit(cache=True)
def _log2(width):
    """k if ``width == 1 << k``, else -1."""
    if width > 0 and width & (width - 1) == 0:
        k = 0
        while (np.int64(1) << k) < width:
            k += 1
        return k
    return -1


def place_range(pre, post, pre_first: int, pre_width: int, post_first: int, post_width: int):
    """``(target core, source slice, source neuron in its slice)`` (int64) of connections
    ``pre[k] -> post[k]`` between populations cut into slices of ``*_width`` neurons whose
    first core is ``*_first``."""
    n = len(pre)
    tc, ss, li = np.empty(n, np.int64), np.empty(n, np.int64), np.empty(n, np.int64)
    _place(pre, post, np.int64(pre_first), np.int64(pre_width), np.int64(post_first),
           np.int64(post_width), tc, ss, li)
    return tc, ss, li


@numba.njit(cache=True)
def mark_groups(tc, ss, n_sl, present, core_syn):
    """``present[tc * n_sl + ss] = True``; ``core_syn[tc] += 1``."""
    for k in range(len(tc)):
        present[tc[k] * n_sl + ss[k]] = True
        core_syn[tc[k]] += 1


@numba.njit(cache=True)
def group_rows(tc, ss, li, n_sl, group_of, entry, rows, g_syn):
    """``rows[k]``: row of connection k (``entry`` of its group plus its source neuron);
    ``g_syn`` counts the connections of each group."""
    for k in range(len(tc)):
        g = group_of[tc[k] * n_sl + ss[k]]
        rows[k] = entry[g] + li[k]
        g_syn[g] += 1


@numba.njit(cache=True, nogil=True)
def _words(w, d, in_ticks, dt, post, post_first, post_width, scale, step, t, idx_bits, t_bits,
           word, w_ring):
    zeros = 0
    keep_ring = len(w_ring) > 0
    post_shift = _log2(post_width)
    for k in range(len(w)):
        ring = np.abs(w[k]) * scale
        if keep_ring:
            w_ring[k] = ring
        q = np.int64(np.rint(ring * step))
        if q == 0 and w[k] != 0:
            zeros += 1
        dk = np.int64(d[k]) if in_ticks else np.int64(np.rint(np.float64(d[k]) / dt))
        s, i = _split(np.int64(post[k]), post_width, post_shift)
        c = post_first + s
        nb = np.int64(idx_bits[c])
        word[k] = (q << 16) | (dk << (t_bits[c] + nb)) | (t << nb) | i
    return zeros


def static_words(w, d, in_ticks: bool, dt: float, post, post_first: int, post_width: int,
                 scale: float, shift: int, t: int, idx_bits, t_bits, with_ring: bool):
    """``(word, w_ring, zeros)`` of connections with weights ``w`` and delays ``d`` (ms,
    or ticks if ``in_ticks``) onto ``post``: the static words ``q << 16 | delay <<
    (T + N) | type << N | index`` (N, T the target core's ``idx_bits``, ``t_bits``),
    ``q = rint(|w| scale 2^(15 - shift))``; the ring-unit magnitudes ``|w| scale`` if
    ``with_ring`` (else empty); how many non-zero weights round to 0."""
    n = len(w)
    word = np.empty(n, np.int64)
    w_ring = np.empty(n if with_ring else 0, np.float64)
    zeros = _words(w, d, bool(in_ticks), float(dt), post, np.int64(post_first),
                   np.int64(post_width), float(scale), float(2.0 ** (15 - shift)), np.int64(t),
                   idx_bits, t_bits, word, w_ring)
    return word, w_ring, zeros


@numba.njit(cache=True, nogil=True)  # weight_shifts runs it on two threads
def ring_totals(w, post, scale, total):
    """Add each weight's ring-unit magnitude ``|w| scale`` to ``total[post]``, in order (as
    ``np.bincount(post, |w| scale)`` sums them); the largest magnitude (0 if none)."""
    top = 0.0
    for k in range(len(w)):
        r = np.abs(w[k]) * scale
        total[post[k]] += r
        if r > top:
            top = r
    return top


@numba.njit(cache=True)
def packed_index(counts, row_ptr):
    """The packed rows' index: ``row_ptr[r]`` (int32, one entry more than rows) takes the
    synapses of the rows before row ``r`` (``counts``, in the index's order), the last
    entry all of them."""
    total = np.int64(0)
    for r in range(len(counts)):
        row_ptr[r] = total
        total += counts[r]
    row_ptr[len(counts)] = total


@numba.njit(cache=True)
def shift_index(row_ptr):
    """After the packed rows are filled (:mod:`neurochip.mapping.packed_rows`) each
    entry holds its row's end, the start of the entry after it: shifting by one restores
    the starts (the first starts at 0)."""
    for k in range(len(row_ptr) - 1, 0, -1):
        row_ptr[k] = row_ptr[k - 1]
    if len(row_ptr):
        row_ptr[0] = 0
