"""The tick loop of a machine split over MPI ranks: one stretch at a time, a rank's own cores.

:func:`neurochip.emulator.kernel.run_ticks` runs every stretch of a call inside numba.
Over several processes (:mod:`neurochip.emulator.ranks`) the spikes of a stretch must
cross between processes before they are delivered, so the loop over stretches is
Python's, and each stretch is two kernels with the exchange between them:

1. :func:`update_own`: the current sources (every rank computes them all: they are
   cheap and no rank then waits for another's), then the rank's own cores run their
   ticks;
2. the ranks exchange the stretch's spike buffers of their cores (:func:`pack_spikes`,
   an MPI all-gather, :func:`unpack_spikes`: a count per core and a word per spike entry):
   every rank then holds every core's spikes of the stretch, as one process would;
3. every rank records the spikes of the whole stretch and queues their packets to its own
   cores (:func:`neurochip.emulator.delivery.sort_packets` with each key's destinations on
   the rank: one pass over every spike, the part that does not shrink with more ranks),
   then :func:`deliver_own`: its own cores deliver their queues and check their cycles.

The per-core kernels are those of ``run_ticks``, called with the same argument types,
so numba compiles them once for both loops; each core does the same work on the same
data in the same order, so the results are those of one process, bit for bit.
"""

import numba
import numpy as np
from numba import prange

from .claim import WORD_STRIDE, range_word
from .cores import C_MAX_CYCLES, C_OVERRUN, CYCLES, post_spikes, update_cores
from .delivery import deliver_cores
from .electrodes import apply_electrodes
from .views import CoreOutput, StateRecord

__all__ = ["update_own", "deliver_own", "pack_spikes", "unpack_spikes"]

CYCLES_TICK = CYCLES["tick"]
# an exchanged spike entry carries its tick in the stretch (< MAX_STRETCH) above the entry's
# own bits: the neuron, and from SPIKE_MULT_SHIFT the spikes beyond the first (a count
# table's length at most, a few hundred: far below 2**16)
TICK_SHIFT = 56
ENTRY_MASK = (1 << TICK_SHIFT) - 1


@numba.njit(cache=True, parallel=True)
def update_own(t, n_ticks, t0, tier, own, cores, rings, src, di, pl, el, rec, traffic):
    """Ticks ``[t, t + n_ticks)`` of the cores ``own`` (int64 core numbers) of a call
    that started at ``t0`` (the row of the recording buffers); tier and views as for
    ``run_ticks``."""
    if len(el.kind) > 0:
        for k in range(n_ticks):
            apply_electrodes(t + k, el, el.i_inj[k], rec.sources[t + k - t0])
    traffic.cyc.fill(0)  # not [:, :] = 0: parallel=True would make that a parfor
    i_inj = el.i_inj
    out = CoreOutput(traffic.spk, traffic.spk_lo, traffic.spk_n, traffic.cyc, traffic.counters)
    state_rec = StateRecord(rec.lo, rec.neuron, rec.column, rec.state)
    one = np.empty((len(own), WORD_STRIDE), np.int64)  # each core a share of its own
    for i in prange(len(own)):
        one[i, 0] = range_word(own[i], own[i] + 1)
        update_cores(one[i], np.int64(0), t, n_ticks, t0, tier, cores, rings, src, di, i_inj,
                     state_rec, out)
    if len(tier) > 0 and len(pl.hist_n) > 0:  # the post-spike histories of STDP take the stretch's spikes
        for i in prange(len(own)):
            post_spikes(own[i], cores.neuron_lo[own[i]], t, n_ticks, pl, out)


@numba.njit(cache=True, parallel=True)
def deliver_own(t, n_ticks, tier, own, cycle_budget, cores, rings, sv, pl, st, traffic, pkt):
    """Deliver the queues of the cores ``own`` of the stretch ``[t, t + n_ticks)``
    (``pkt``, sorted by ``sort_packets``) and check their cycles."""
    counters = traffic.counters
    cyc = traffic.cyc
    neuron_lo = cores.neuron_lo
    pkt_lo = traffic.pkt_lo
    out = CoreOutput(traffic.spk, traffic.spk_lo, traffic.spk_n, cyc, counters)
    one = np.empty((len(own), WORD_STRIDE), np.int64)  # each core a share of its own
    for i in prange(len(own)):
        dc = own[i]
        one[i, 0] = range_word(dc, dc + 1)
        deliver_cores(one[i], np.int64(0), t, n_ticks, tier, pkt, pkt_lo, neuron_lo, rings,
                      sv, pl, st, out)
    for i in range(len(own)):
        c = own[i]
        for k in range(n_ticks):
            total = cyc[c, k] + CYCLES_TICK
            if total > counters[c, C_MAX_CYCLES]:
                counters[c, C_MAX_CYCLES] = total
            if total > cycle_budget:
                counters[c, C_OVERRUN] += 1


@numba.njit(cache=True)
def pack_spikes(own, n_ticks, traffic, out):
    """The message of a rank for one stretch: the number of spike entries of each of its
    cores ``own``, then the entries, core by core, each tagged with its tick in the stretch
    (bits ``TICK_SHIFT`` up); returns its length in ``out``."""
    m = len(own)
    for i in range(len(own)):
        c = own[i]
        s = traffic.spk_lo[c]
        for k in range(n_ticks):
            tag = np.int64(k) << TICK_SHIFT
            for _ in range(traffic.spk_n[c, k]):
                out[m] = traffic.spk[s] | tag
                m += 1
                s += 1
        out[i] = s - traffic.spk_lo[c]
    return m


@numba.njit(cache=True)
def unpack_spikes(msg, displ, by_rank, rank_lo, me, n_ticks, traffic):
    """Write the other ranks' messages (rank r's at ``msg[displ[r]:]``; its cores are
    ``by_rank[rank_lo[r]:rank_lo[r + 1]]``) into the spike buffers and counts."""
    for r in range(len(rank_lo) - 1):
        if r == me:
            continue
        cores = by_rank[rank_lo[r]:rank_lo[r + 1]]
        m = displ[r] + len(cores)
        for i in range(len(cores)):
            c = cores[i]
            traffic.spk_n[c, :n_ticks] = 0
            s = traffic.spk_lo[c]
            for j in range(msg[displ[r] + i]):
                word = msg[m + j]
                traffic.spk[s + j] = word & ENTRY_MASK
                traffic.spk_n[c, word >> TICK_SHIFT] += 1
            m += msg[displ[r] + i]
