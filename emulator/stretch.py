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
def shortest_delay(sv, idx_bits, delay_bits, type_bits):
    """The smallest delay (ticks) of any synapse in any row of ``sv`` (a SynapseView);
    ``NO_SYNAPSES`` if none."""
    best = NO_SYNAPSES
    syn = sv.syn
    for dc in range(len(sv.mpt_lo) - 1):
        tb = type_bits[dc] + idx_bits[dc]
        dmask = (np.int64(1) << delay_bits[dc]) - 1
        for e in range(sv.mpt_lo[dc], sv.mpt_lo[dc + 1]):
            n = sv.mpt_n[e]
            if sv.mpt_row_lo[e] >= 0 and sv.mpt_stride[e] == 0:  # packed: one run of words
                k = sv.mpt_row_lo[e]
                for w in range(sv.row_ptr[k], sv.row_ptr[k + n]):
                    best = min(best, (np.int64(syn[w]) >> tb) & dmask)
            elif sv.mpt_row_lo[e] >= 0:
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
