"""One core's own work over a stretch of ticks: sources or neuron updates, and recording.

A core needs nothing from other cores within a stretch no longer than the
shortest synaptic delay (see :mod:`neurochip.emulator.kernel`), so the cores of a machine
run this independently, one core per thread at a time. The spikes a core
emits are kept in its own part of ``spk`` (in the order it emits them), with
their count per tick in ``spk_n``; the tick loop delivers them afterwards. An
entry is a neuron index, plus ``(m - 1) << SPIKE_MULT_SHIFT`` where a source
sends ``m`` spikes (packets) in one tick.
"""

import numba

from .direct import direct_inputs, merge_slot
from .fixed import ring_to_real, sat_real
from .models import INPUT_LEAD
from .models.dispatch import neuron_step
from .poisson import source_tick
from .program import KIND_POISSON, KIND_SPIKE_ARRAY, TYPE_BITS

__all__ = ["update_core", "CYCLES", "C_SPIKES", "C_PKTS_RX", "C_SYN_EVENTS", "C_FAILED_MPT",
           "C_RING_SAT", "C_REAL_SAT", "C_MAX_CYCLES", "C_OVERRUN", "COUNTERS", "SPIKE_MULT_SHIFT",
           "SPIKE_NEURON_MASK"]

# a spike-buffer entry: neuron index in the low bits, one less than the spikes sent in
# the tick above them
SPIKE_MULT_SHIFT = 40
SPIKE_NEURON_MASK = (1 << SPIKE_MULT_SHIFT) - 1

# per-core provenance counters (columns of the `counters` array)
COUNTERS = ("spikes_sent", "packets_received", "synaptic_events", "failed_mpt_searches",
            "ring_saturations", "real_saturations", "max_cycles_per_tick", "overrun_ticks")
(C_SPIKES, C_PKTS_RX, C_SYN_EVENTS, C_FAILED_MPT, C_RING_SAT, C_REAL_SAT, C_MAX_CYCLES,
 C_OVERRUN) = range(len(COUNTERS))

# CPU cycle estimates (ARM968 at 200 MHz), per event; order-of-magnitude figures
# from sPyNNaker's own provenance: timer-tick overhead, one neuron update, one
# packet (DMA of the row and master-table search), one synaptic word processed.
CYCLES = {"tick": 1000, "neuron": 120, "source": 60, "packet": 250, "synapse": 25}
CYCLES_NEURON = CYCLES["neuron"]
CYCLES_SOURCE = CYCLES["source"]
CYCLES_SYNAPSE = CYCLES["synapse"]


@numba.njit(cache=True)
def update_core(c, t0, n_ticks, r0, core_kind, neuron_lo, params, state, ring, dring, ring_lo,
                idx_bits, delay_bits, shift, ssa_lo, ssa_tick, ssa_idx, ssa_ptr,
                poisson_cdf_lo, poisson_cdf, poisson_guide, poisson_guide_lo, poisson_start,
                poisson_end, rng, poisson_refrac, poisson_every,
                poisson_count, rec_lo, rec_neuron, rec_state_col, state_rec, input_col, i_inj,
                counters, spk, spk_lo, spk_n, cyc, di_lo, di_target, di_type, di_weight,
                di_weight_f, di_delay, di_start, di_end, di_refrac, di_every, di_rng,
                di_count, di_cdf_lo, di_cdf, di_guide, di_guide_lo):
    """Ticks ``t0 .. t0 + n_ticks - 1`` of core ``c``.

    ``i_inj[k]`` is the injected current of tick ``t0 + k`` (row 0 for every tick when
    it has a single row); state samples go to row ``t - r0`` of ``state_rec``; the
    cycles each tick costs are added to ``cyc[c, k]``; ``di_*`` are the delegated Poisson
    sources (:mod:`neurochip.emulator.direct`).
    """
    kind = core_kind[c]
    lo = neuron_lo[c]
    hi = neuron_lo[c + 1]
    out = spk_lo[c]
    one_row = i_inj.shape[0] == 1
    for k in range(n_ticks):
        t = t0 + k
        sent0 = out
        if kind == KIND_SPIKE_ARRAY:
            p = ssa_ptr[c]
            while p < ssa_lo[c + 1] and ssa_tick[p] <= t + 1:
                if ssa_tick[p] == t + 1:
                    spk[out] = lo + ssa_idx[p]
                    out += 1
                p += 1
            ssa_ptr[c] = p
            cyc[c, k] += CYCLES_SOURCE * (out - sent0)
        elif kind == KIND_POISSON:
            for g in range(lo, hi):
                if poisson_start[g] <= t + 1 and t + 1 < poisson_end[g]:
                    m = source_tick(rng, poisson_count, g, poisson_cdf_lo, poisson_cdf,
                                    poisson_guide, poisson_guide_lo, poisson_refrac, poisson_every)
                    if m > 0:  # one entry, m packets (see SPIKE_MULT_SHIFT)
                        spk[out] = g | ((m - 1) << SPIKE_MULT_SHIFT)
                        out += 1
            cyc[c, k] += CYCLES_SOURCE * (hi - lo)
        else:  # a neuron model: the same ring-buffer transfer for all of them
            inj = i_inj[0] if one_row else i_inj[k]
            nb = idx_bits[c]
            dmask = (1 << delay_bits[c]) - 1
            # the slot of arrival time t*dt (t+1 for models whose input acts at once)
            slot = ring_lo[c] + (((t + INPUT_LEAD[kind]) & dmask) << (TYPE_BITS + nb))
            nxt = ring_lo[c] + (((t + 1) & dmask) << (TYPE_BITS + nb))
            inh = 1 << nb
            direct = di_lo[c + 1] > di_lo[c]  # delegated Poisson sources (emulator.direct)
            if direct:
                # slot t+1 is complete in both rings now (the delegated sources of tick t
                # write t+2 on, packets of this stretch after its end): one ring from here on
                rsat = merge_slot(ring, dring, nxt, nxt + 2 * inh)
                counters[c, C_RING_SAT] += rsat
            sh_e = shift[c, 0]
            sh_i = shift[c, 1]
            sat = 0
            for i in range(hi - lo):
                g = lo + i
                in_e = ring_to_real(ring[slot + i], sh_e)
                in_i = ring_to_real(ring[slot + inh + i], sh_i)
                ring[slot + i] = 0
                ring[slot + inh + i] = 0
                spiked, s = neuron_step(kind, params[g], state[g], in_e, in_i, inj[g])
                sat += s
                if spiked:
                    spk[out] = g
                    out += 1
            counters[c, C_REAL_SAT] += sat
            ev = 0
            if direct:
                ev, rsat = direct_inputs(c, t, lo, dring, ring_lo[c], TYPE_BITS + nb, dmask, inh,
                                         di_lo, di_target, di_type, di_weight, di_weight_f,
                                         di_delay, di_start, di_end, di_refrac,
                                         di_every, di_rng, di_count, di_cdf_lo, di_cdf,
                                         di_guide, di_guide_lo)
                counters[c, C_SYN_EVENTS] += ev
                counters[c, C_RING_SAT] += rsat
            cyc[c, k] += CYCLES_NEURON * (hi - lo) + CYCLES_SYNAPSE * ev
            # synaptic state is recorded as the next tick will use it: decayed, plus the
            # input already waiting in the next ring slot (as NEST records it); sample
            # t - r0 is the state at (t+1)*dt
            r = t - r0
            col_e = input_col[kind, 0]
            col_i = input_col[kind, 1]
            for col in range(rec_lo[c], rec_lo[c + 1]):  # only what is recorded
                g = rec_neuron[col]
                s = rec_state_col[col]
                if s == col_e:
                    state_rec[r, col] = sat_real(state[g, s] + ring_to_real(ring[nxt + g - lo],
                                                                            sh_e))
                elif s == col_i:
                    state_rec[r, col] = sat_real(state[g, s] + ring_to_real(
                        ring[nxt + inh + g - lo], sh_i))
                else:
                    state_rec[r, col] = state[g, s]
        spk_n[c, k] = out - sent0
        counters[c, C_SPIKES] += out - sent0
