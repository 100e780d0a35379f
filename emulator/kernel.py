"""The tick loop: the whole machine over a range of ticks (numba, parallel over cores).

Tick ``t`` covers ``[t*dt, (t+1)*dt)``. A spike produced in tick ``t`` carries
the time stamp ``(t+1)*dt`` (as in NEST) and, over a synapse of ``d`` ticks,
is added to ring slot ``t+1+d``, which tick ``t+1+d`` adds to ``I_syn``.

So no spike can reach a neuron sooner than ``d_min + 1`` ticks after it was
emitted, ``d_min`` being the shortest delay in the machine: the loop runs in
stretches of ``d_min`` ticks (at most ``MAX_STRETCH``). In each stretch:

1. current sources, tick by tick, into one row of injected current per tick;
2. every core runs its own ticks (:func:`neurochip.emulator.cores.update_core`), the
   cores shared out among the threads;
3. the stretch's spikes are recorded and queued by destination core, in
   emission order (:func:`neurochip.emulator.delivery.sort_packets`, one thread);
4. every core delivers its queue (:func:`neurochip.emulator.delivery.deliver_core`),
   the cores shared out among the threads;
5. each core's cycle estimate of each tick is checked against the budget.

Spikes of the stretch land in ring slots after its end (``t + 1 + d >= t0 +
d_min + 1``), and a core's synaptic-state samples read only the slot of the
next tick, so the result is the same as one tick at a time, on any number of
threads, bit for bit (``tests/test_bit_exact.py``). A stretch of one tick is
the plain tick loop.
"""

import numba
import numpy as np
from numba import prange

from .cores import C_MAX_CYCLES, C_OVERRUN, CYCLES, update_core
from .delivery import MAX_STRETCH, deliver_core, sort_packets
from .electrodes import apply_electrodes

__all__ = ["run_ticks", "MAX_STRETCH"]

CYCLES_TICK = CYCLES["tick"]


@numba.njit(cache=True, parallel=True)
def run_ticks(t0, t1, stretch, cycle_budget,
              core_kind, neuron_lo, core_sends, key_of, params, state,
              ring, dring, ring_lo, idx_bits, delay_bits, shift,
              mpt_lo, mpt_key, mpt_mask, mpt_row_lo, mpt_stride, mpt_n, row_ptr, syn, syn_wf,
              mpt_prow_lo, mpt_pstride, mpt_pkind, syn_seed, tm_lut, tm_tau,
              ssa_lo, ssa_tick, ssa_idx, ssa_ptr,
              poisson_cdf_lo, poisson_cdf, poisson_guide, poisson_guide_lo,
              poisson_start, poisson_end, rng, poisson_refrac, poisson_every, poisson_count,
              key_dest_lo, key_dest_hi, key_dest,
              rec_spk_pos, spike_rec, rec_lo, rec_neuron, rec_state_col, state_rec, input_col,
              i_inj,
              cs_kind, cs_start, cs_stop, cs_interval, cs_amplitude, cs_offset, cs_mean,
              cs_stdev, cs_phase0, cs_phase_inc, cs_chg_lo, cs_chg_tick, cs_chg_amp, cs_tgt_lo,
              cs_tgt, cs_ptr, cs_val, cs_pair_val, cs_rng, src_rec,
              packets_per_key, counters, spk, spk_lo, spk_n, cyc, pkt, pkt_lo, scratch,
              rec_extra, n_extra,
              di_lo, di_target, di_type, di_weight, di_weight_f, di_delay, di_start,
              di_end, di_refrac, di_every, di_rng, di_count, di_cdf_lo, di_cdf, di_guide,
              di_guide_lo):
    """Ticks ``[t0, t1)`` in stretches of ``stretch`` ticks; returns the packet queue,
    scratch and extra-spike arrays (grown if a stretch needed more room) for the next call.

    ``i_inj`` has one row of injected current per tick of a stretch (a single row when
    there are no current sources); ``spk``/``spk_lo``/``spk_n``/``cyc`` are the cores'
    spike and cycle buffers for a stretch, ``pkt``/``pkt_lo`` the packet queues and
    ``scratch`` four int64 rows of at least the queue's length; ``rec_extra``/``n_extra``
    the recorded spikes beyond a source's first in a tick
    (:func:`neurochip.emulator.delivery.sort_packets`); ``di_*`` the delegated
    Poisson sources (:mod:`neurochip.emulator.direct`). The caller sets
    numba's parallel chunk size to 1, so that threads take cores one at a time.
    """
    n_cores = len(core_kind)
    t = t0
    while t < t1:
        n_ticks = min(stretch, t1 - t)
        if len(cs_kind) > 0:
            for k in range(n_ticks):
                apply_electrodes(t + k, cs_kind, cs_start, cs_stop, cs_interval, cs_amplitude,
                                 cs_offset, cs_mean, cs_stdev, cs_phase0, cs_phase_inc,
                                 cs_chg_lo, cs_chg_tick, cs_chg_amp, cs_tgt_lo, cs_tgt, cs_ptr,
                                 cs_val, cs_pair_val, cs_rng, i_inj[k], src_rec[t + k - t0])
        cyc[:, :] = 0
        for c in prange(n_cores):
            update_core(c, t, n_ticks, t0, core_kind, neuron_lo, params, state, ring, dring, ring_lo,
                        idx_bits, delay_bits, shift, ssa_lo, ssa_tick, ssa_idx, ssa_ptr,
                        poisson_cdf_lo, poisson_cdf, poisson_guide, poisson_guide_lo,
                        poisson_start, poisson_end, rng, poisson_refrac,
                        poisson_every, poisson_count, rec_lo, rec_neuron, rec_state_col,
                        state_rec, input_col, i_inj, counters, spk, spk_lo, spk_n, cyc, di_lo,
                        di_target, di_type, di_weight, di_weight_f, di_delay, di_start,
                        di_end, di_refrac, di_every, di_rng, di_count, di_cdf_lo, di_cdf,
                        di_guide, di_guide_lo)
        pkt, rec_extra = sort_packets(n_ticks, t - t0, neuron_lo, core_sends, spk, spk_lo,
                                      spk_n, key_dest_lo, key_dest_hi, key_dest, rec_spk_pos,
                                      spike_rec, rec_extra, n_extra, packets_per_key, pkt_lo,
                                      pkt)
        if scratch.shape[1] < len(pkt):
            scratch = np.empty((4, len(pkt)), np.int64)
        row_of = scratch[0]
        prow_of = scratch[1]
        entry_of = scratch[2]
        cnt_of = scratch[3]
        for dc in prange(n_cores):
            deliver_core(dc, t, pkt, pkt_lo[dc], pkt_lo[dc + 1], row_of, cnt_of, prow_of,
                         entry_of, key_of, idx_bits, delay_bits, ring_lo, mpt_lo, mpt_key,
                         mpt_mask, mpt_row_lo, mpt_stride, mpt_n, row_ptr, mpt_prow_lo,
                         mpt_pstride, mpt_pkind, syn, syn_wf, ring, syn_seed, tm_lut, tm_tau,
                         counters, cyc)
        for c in range(n_cores):
            for k in range(n_ticks):
                total = cyc[c, k] + CYCLES_TICK
                if total > counters[c, C_MAX_CYCLES]:
                    counters[c, C_MAX_CYCLES] = total
                if total > cycle_budget:
                    counters[c, C_OVERRUN] += 1
        t += n_ticks
    return pkt, scratch, rec_extra
