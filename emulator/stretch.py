"""The shortest synaptic delay of a loaded machine, which sets how many ticks the
cores may run on their own before their spikes must be delivered (see
:mod:`neurochip.emulator.kernel`). Read from the synaptic words themselves, so it holds for
any program, mapped or written by hand."""

import numba
import numpy as np

from .synapse_dynamics import HEADER, WORDS

__all__ = ["shortest_delay"]

NO_SYNAPSES = 1 << 30


@numba.njit(cache=True)
def _packed_blocks(sv):
    """The packed entries in the order of their first row in the index, and for each the
    entries that share its rows' interleaving with it (a block: ``istride`` entries with
    consecutive first rows and the same neurons; else 1), so that their rows can be read
    in the index's order."""
    n_e = len(sv.mpt_n)
    lo = np.full(n_e, np.int64(1) << 62)
    for e in range(n_e):
        if sv.mpt_row_lo[e] >= 0 and sv.mpt_stride[e] == 0:
            lo[e] = sv.mpt_row_lo[e]
    order = np.argsort(lo)
    n_packed = 0
    for e in range(n_e):
        if lo[e] < (np.int64(1) << 62):
            n_packed += 1
    order = order[:n_packed]
    span = np.ones(n_packed, np.int64)
    x = 0
    while x < n_packed:
        e0 = order[x]
        m = np.int64(sv.mpt_istride[e0])
        ok = m > 1 and x + m <= n_packed
        j = 1
        while ok and j < m:
            e = order[x + j]
            ok = (sv.mpt_row_lo[e] == lo[e0] + j and sv.mpt_istride[e] == m
                  and sv.mpt_n[e] == sv.mpt_n[e0])
            j += 1
        if ok:
            span[x] = m
            x += m
        else:
            x += 1
    return order, span


@numba.njit(cache=True)
def shortest_delay(sv, idx_bits, delay_bits, type_bits):
    """The smallest delay (ticks) of any synapse in any row of ``sv`` (a SynapseView);
    ``NO_SYNAPSES`` if none."""
    best = NO_SYNAPSES
    syn = sv.syn
    n_e = len(sv.mpt_n)
    tb_of = np.empty(n_e, np.int64)  # each entry's core's delay field: shift and mask
    dmask_of = np.empty(n_e, np.int64)
    for dc in range(len(sv.mpt_lo) - 1):
        for e in range(sv.mpt_lo[dc], sv.mpt_lo[dc + 1]):
            tb_of[e] = type_bits[dc] + idx_bits[dc]
            dmask_of[e] = (np.int64(1) << delay_bits[dc]) - 1
    order, span = _packed_blocks(sv)
    x = 0
    while x < len(order):  # packed rows, in the index's order (the rows of a block interleave)
        m = span[x]
        first = sv.mpt_row_lo[order[x]]
        n = np.int64(sv.mpt_n[order[x]])
        tb = tb_of[order[x]]
        dmask = dmask_of[order[x]]
        # the block's rows are all the rows from its first on (it fills its stride), and its
        # cores read the delay field alike: its words in one run
        same = sv.mpt_istride[order[x]] == m and n > 0
        for j in range(1, m):
            same = same and tb_of[order[x + j]] == tb and dmask_of[order[x + j]] == dmask
        if same:
            for w in range(sv.row_ptr[first], sv.row_ptr[first + n * m]):
                best = min(best, (np.int64(syn[w]) >> tb) & dmask)
        else:
            for local in range(n):
                for j in range(m):
                    e = order[x + j]
                    k = first + local * sv.mpt_istride[e] + j
                    for w in range(sv.row_ptr[k], sv.row_ptr[k + 1]):
                        best = min(best, (np.int64(syn[w]) >> tb_of[e]) & dmask_of[e])
        x += m
    for e in range(n_e):
        n = sv.mpt_n[e]
        tb = tb_of[e]
        dmask = dmask_of[e]
        if sv.mpt_row_lo[e] >= 0 and sv.mpt_stride[e] > 0:
            for local in range(n):
                row = sv.mpt_row_lo[e] + local * sv.mpt_stride[e]
                for w in range(row + 1, row + 1 + np.int64(syn[row])):
                    best = min(best, (np.int64(syn[w]) >> tb) & dmask)
        for b in range(sv.mpt_dyn_lo[e], sv.mpt_dyn_lo[e + 1]):
            head = HEADER[sv.dyn_kind[b]]
            step = WORDS[sv.dyn_kind[b]]
            for local in range(n):
                row = sv.dyn_row_lo[b] + local * sv.dyn_stride[b]
                for k in range(np.int64(syn[row])):
                    best = min(best, (np.int64(syn[row + head + step * k]) >> tb) & dmask)
    return best
