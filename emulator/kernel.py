"""The tick loop: neuron updates, sources, packet delivery, recording (numba).

One jitted function runs a range of ticks for the whole machine. It is
compiled once per arithmetic (int arrays: fixed point; float64 arrays: the
float reference); every arithmetic step goes through :mod:`emulator.fixed`.

Tick ``t`` covers ``[t*dt, (t+1)*dt)``. A spike produced in tick ``t`` carries
the time stamp ``(t+1)*dt`` (as in NEST) and, over a synapse of ``d`` ticks,
is added to ring slot ``t+1+d``, which tick ``t+1+d`` adds to ``I_syn``.
"""

import numba
import numpy as np
from numba import types
from numba.extending import overload

from .electrodes import apply_electrodes
from .fixed import ring_to_real, sat_real
from .models.dispatch import neuron_step
from .program import KIND_POISSON, KIND_SPIKE_ARRAY, TYPE_BITS
from .rng import kiss_next
from .short_term import tm_row
from .stochastic import stochastic_row

__all__ = ["run_ticks", "ring_add", "COUNTERS", "CYCLES"]

# per-core provenance counters (columns of the `counters` array)
COUNTERS = ("spikes_sent", "packets_received", "synaptic_events", "failed_mpt_searches",
            "ring_saturations", "real_saturations", "max_cycles_per_tick", "overrun_ticks")
(C_SPIKES, C_PKTS_RX, C_SYN_EVENTS, C_FAILED_MPT, C_RING_SAT, C_REAL_SAT, C_MAX_CYCLES,
 C_OVERRUN) = range(len(COUNTERS))

# CPU cycle estimates (ARM968 at 200 MHz), per event; order-of-magnitude figures
# from sPyNNaker's own provenance: timer-tick overhead, one neuron update, one
# packet (DMA of the row and master-table search), one synaptic word processed.
CYCLES = {"tick": 1000, "neuron": 120, "source": 60, "packet": 250, "synapse": 25}
CYCLES_TICK = CYCLES["tick"]
CYCLES_NEURON = CYCLES["neuron"]
CYCLES_SOURCE = CYCLES["source"]
CYCLES_PACKET = CYCLES["packet"]
CYCLES_SYNAPSE = CYCLES["synapse"]


def ring_add(ring, i, word, wf):
    """Add one synaptic word's weight to ring slot ``i``; returns 1 on saturation."""
    s = int(ring[i]) + (int(word) >> 16)
    ring[i] = min(s, 0xFFFF)
    return int(s > 0xFFFF)


@overload(ring_add)
def _ring_add(ring, i, word, wf):
    if isinstance(ring.dtype, types.Integer):
        def impl(ring, i, word, wf):
            s = np.int64(ring[i]) + (np.int64(word) >> np.int64(16))
            if s > 0xFFFF:
                ring[i] = 0xFFFF
                return 1
            ring[i] = s
            return 0
        return impl

    def fimpl(ring, i, word, wf):
        ring[i] += wf
        return 0
    return fimpl


@numba.njit(cache=True)
def run_ticks(t0, t1, cycle_budget,
              core_kind, neuron_lo, core_sends, key_of, params, state,
              ring, ring_lo, idx_bits, delay_bits, shift,
              mpt_lo, mpt_key, mpt_mask, mpt_row_lo, mpt_stride, mpt_n, syn, syn_wf,
              mpt_prow_lo, mpt_pstride, mpt_pkind, syn_seed, tm_lut, tm_tau,
              ssa_lo, ssa_tick, ssa_idx, ssa_ptr,
              poisson_thresh, poisson_start, poisson_end, rng,
              poisson_refrac, poisson_every, poisson_count,
              key_dest_lo, key_dest_hi, key_dest,
              rec_spk_pos, spike_rec, rec_lo, rec_neuron, rec_state_col, state_rec, input_col,
              i_inj,
              cs_kind, cs_start, cs_stop, cs_interval, cs_amplitude, cs_offset, cs_mean,
              cs_stdev, cs_phase0, cs_phase_inc, cs_chg_lo, cs_chg_tick, cs_chg_amp, cs_tgt_lo,
              cs_tgt, cs_ptr, cs_val, cs_pair_val, cs_rng, src_rec,
              packets_per_key, counters, spike_buf):
    n_cores = len(core_kind)
    float_syn = len(syn_wf) > 0
    cyc = np.zeros(n_cores, np.int64)
    for t in range(t0, t1):
        r = t - t0
        n_spk = 0
        if len(cs_kind) > 0:
            apply_electrodes(t, cs_kind, cs_start, cs_stop, cs_interval, cs_amplitude, cs_offset,
                             cs_mean, cs_stdev, cs_phase0, cs_phase_inc, cs_chg_lo, cs_chg_tick,
                             cs_chg_amp, cs_tgt_lo, cs_tgt, cs_ptr, cs_val, cs_pair_val, cs_rng,
                             i_inj, src_rec[r])
        for c in range(n_cores):
            kind = core_kind[c]
            lo = neuron_lo[c]
            hi = neuron_lo[c + 1]
            sent0 = n_spk
            if kind == KIND_SPIKE_ARRAY:
                p = ssa_ptr[c]
                while p < ssa_lo[c + 1] and ssa_tick[p] <= t + 1:
                    if ssa_tick[p] == t + 1:
                        spike_buf[n_spk] = lo + ssa_idx[p]
                        n_spk += 1
                    p += 1
                ssa_ptr[c] = p
                cyc[c] += CYCLES_SOURCE * (n_spk - sent0)
            elif kind == KIND_POISSON:
                for g in range(lo, hi):
                    if poisson_start[g] <= t + 1 and t + 1 < poisson_end[g]:
                        if poisson_count[g, 0] > 0:  # dead time after a spike
                            poisson_count[g, 0] -= 1
                        elif kiss_next(rng[g]) < poisson_thresh[g]:
                            poisson_count[g, 1] += 1
                            if poisson_count[g, 1] >= poisson_every[g]:  # gamma order
                                poisson_count[g, 1] = 0
                                poisson_count[g, 0] = poisson_refrac[g]
                                spike_buf[n_spk] = g
                                n_spk += 1
                cyc[c] += CYCLES_SOURCE * (hi - lo)
            else:  # a neuron model: the same ring-buffer transfer for all of them
                nb = idx_bits[c]
                dmask = (1 << delay_bits[c]) - 1
                slot = ring_lo[c] + ((t & dmask) << (TYPE_BITS + nb))
                inh = 1 << nb
                sh_e = shift[c, 0]
                sh_i = shift[c, 1]
                for i in range(hi - lo):
                    g = lo + i
                    in_e = ring_to_real(ring[slot + i], sh_e)
                    in_i = ring_to_real(ring[slot + inh + i], sh_i)
                    ring[slot + i] = 0
                    ring[slot + inh + i] = 0
                    spiked, sat = neuron_step(kind, params[g], state[g], in_e, in_i, i_inj[g])
                    counters[c, C_REAL_SAT] += sat
                    if spiked:
                        spike_buf[n_spk] = g
                        n_spk += 1
                cyc[c] += CYCLES_NEURON * (hi - lo)
            counters[c, C_SPIKES] += n_spk - sent0
            # recording (after the update: sample r is the state at (t+1)*dt)
            for k in range(sent0, n_spk):
                pos = rec_spk_pos[spike_buf[k]]
                if pos >= 0:
                    spike_rec[r, pos >> 5] |= np.uint32(1) << np.uint32(pos & 31)
            if kind != KIND_SPIKE_ARRAY and kind != KIND_POISSON:
                # synaptic state is recorded as the next tick will use it: decayed, plus
                # the input already waiting in the next ring slot (as NEST records it)
                nb = idx_bits[c]
                nxt = ring_lo[c] + (((t + 1) & ((1 << delay_bits[c]) - 1)) << (TYPE_BITS + nb))
                col_e = input_col[kind, 0]
                col_i = input_col[kind, 1]
                for col in range(rec_lo[c], rec_lo[c + 1]):  # only what is recorded
                    g = rec_neuron[col]
                    s = rec_state_col[col]
                    if s == col_e:
                        state_rec[r, col] = sat_real(
                            state[g, s] + ring_to_real(ring[nxt + g - lo], shift[c, 0]))
                    elif s == col_i:
                        state_rec[r, col] = sat_real(state[g, s] + ring_to_real(
                            ring[nxt + (1 << nb) + g - lo], shift[c, 1]))
                    else:
                        state_rec[r, col] = state[g, s]
            if not core_sends[c]:
                n_spk = sent0
        # deliver this tick's packets (stamp t+1) through the routed destinations
        for k in range(n_spk):
            g = spike_buf[k]
            key = np.int64(key_of[g])
            packets_per_key[g] += 1
            for j in range(key_dest_lo[g], key_dest_hi[g]):
                dc = key_dest[j]
                counters[dc, C_PKTS_RX] += 1
                # master population table: binary search for the last entry key <= key
                a = mpt_lo[dc]
                b = mpt_lo[dc + 1]
                while a < b:
                    m = (a + b) >> 1
                    if np.int64(mpt_key[m]) <= key:
                        a = m + 1
                    else:
                        b = m
                e = a - 1
                if e < mpt_lo[dc] or (key & np.int64(mpt_mask[e])) != np.int64(mpt_key[e]):
                    counters[dc, C_FAILED_MPT] += 1
                    continue
                local = key & ~np.int64(mpt_mask[e]) & np.int64(0xFFFFFFFF)
                if local >= mpt_n[e]:
                    counters[dc, C_FAILED_MPT] += 1
                    continue
                nb = idx_bits[dc]
                tb = TYPE_BITS + nb
                rmask = (np.int64(1) << (delay_bits[dc] + tb)) - 1
                base = ring_lo[dc]
                tt = np.int64(t + 1) << tb
                sat = 0
                cnt = np.int64(0)
                if mpt_row_lo[e] >= 0:  # static row
                    row = mpt_row_lo[e] + local * mpt_stride[e]
                    cnt = np.int64(syn[row])
                    for w in range(row + 1, row + 1 + cnt):
                        word = np.int64(syn[w])
                        wf = syn_wf[w] if float_syn else 0.0
                        sat += ring_add(ring, base + ((word + tt) & rmask), word, wf)
                if mpt_prow_lo[e] >= 0:  # plastic row: short-term or stochastic
                    prow = mpt_prow_lo[e] + local * mpt_pstride[e]
                    if mpt_pkind[e] == 0:
                        pc, ps = tm_row(syn, syn_wf, prow, t + 1, ring, base, rmask, tt, tm_lut,
                                        tm_tau, float_syn)
                    else:
                        pc, ps = stochastic_row(syn, syn_wf, prow, t + 1, ring, base, rmask, tt,
                                                syn_seed, float_syn)
                    cnt += pc
                    sat += ps
                counters[dc, C_RING_SAT] += sat
                counters[dc, C_SYN_EVENTS] += cnt
                cyc[dc] += CYCLES_PACKET + CYCLES_SYNAPSE * cnt
        for c in range(n_cores):
            total = cyc[c] + CYCLES_TICK
            if total > counters[c, C_MAX_CYCLES]:
                counters[c, C_MAX_CYCLES] = total
            if total > cycle_budget:
                counters[c, C_OVERRUN] += 1
            cyc[c] = 0

