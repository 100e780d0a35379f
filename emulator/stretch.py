"""The shortest synaptic delay of a loaded machine, which sets how many ticks the
cores may run on their own before their spikes must be delivered (see
:mod:`neurochip.emulator.kernel`). Read from the synaptic words themselves, so it holds for
any program, mapped or written by hand."""

import numba
import numpy as np

from .program import TYPE_BITS
from .short_term import TM_HEADER, TM_WORDS
from .stochastic import ST_HEADER, ST_WORDS

__all__ = ["shortest_delay"]

NO_SYNAPSES = 1 << 30


@numba.njit(cache=True)
def shortest_delay(mpt_lo, mpt_row_lo, mpt_stride, mpt_n, row_ptr, mpt_prow_lo, mpt_pstride,
                   mpt_pkind, idx_bits, delay_bits, syn):
    """The smallest delay (ticks) of any synapse in any row; ``NO_SYNAPSES`` if none."""
    best = NO_SYNAPSES
    for dc in range(len(mpt_lo) - 1):
        tb = TYPE_BITS + idx_bits[dc]
        dmask = (np.int64(1) << delay_bits[dc]) - 1
        for e in range(mpt_lo[dc], mpt_lo[dc + 1]):
            if mpt_row_lo[e] >= 0 and mpt_stride[e] == 0:  # packed: one run of words
                k = mpt_row_lo[e]
                for w in range(row_ptr[k], row_ptr[k + mpt_n[e]]):
                    best = min(best, (np.int64(syn[w]) >> tb) & dmask)
            elif mpt_row_lo[e] >= 0:
                for local in range(mpt_n[e]):
                    row = mpt_row_lo[e] + local * mpt_stride[e]
                    for w in range(row + 1, row + 1 + np.int64(syn[row])):
                        best = min(best, (np.int64(syn[w]) >> tb) & dmask)
            if mpt_prow_lo[e] >= 0:
                head, step = (TM_HEADER, TM_WORDS) if mpt_pkind[e] == 0 else (ST_HEADER, ST_WORDS)
                for local in range(mpt_n[e]):
                    row = mpt_prow_lo[e] + local * mpt_pstride[e]
                    for k in range(np.int64(syn[row])):
                        best = min(best, (np.int64(syn[row + head + step * k]) >> tb) & dmask)
    return best
