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
import numpy as np

from .borrow import borrowed
from .claim import WORD_STRIDE, claim, span
from .contract import KIND_POISSON, KIND_SPIKE_ARRAY, MAX_RECEPTORS
from .direct import direct_inputs, merge_slot
from .fixed import ring_to_real, sat_real
from .jit_cache import INNER
from .models import INPUT_LEAD, INPUT_SCALE, LEAN_KIND, MULTI
from .models.dispatch import neuron_loop, neuron_loop_lean, neuron_step_multi
from .neuromodulation import record_post_dopamine
from .poisson import rate_segment, source_tick
from .stdp import record_post_spikes

__all__ = ["update_cores", "post_spikes", "CYCLES", "C_SPIKES", "C_PKTS_RX", "C_SYN_EVENTS", "C_FAILED_MPT",
           "C_RING_SAT", "C_REAL_SAT", "C_MAX_CYCLES", "C_OVERRUN", "C_STDP_LOST", "COUNTERS",
           "SPIKE_MULT_SHIFT", "SPIKE_NEURON_MASK"]

# a spike-buffer entry: neuron index in the low bits, one less than the spikes sent in
# the tick above them
SPIKE_MULT_SHIFT = 40
SPIKE_NEURON_MASK = (1 << SPIKE_MULT_SHIFT) - 1

# per-core provenance counters (columns of the `counters` array)
COUNTERS = ("spikes_sent", "packets_received", "synaptic_events", "failed_mpt_searches",
            "ring_saturations", "real_saturations", "max_cycles_per_tick", "overrun_ticks",
            "stdp_history_lost")
(C_SPIKES, C_PKTS_RX, C_SYN_EVENTS, C_FAILED_MPT, C_RING_SAT, C_REAL_SAT, C_MAX_CYCLES,
 C_OVERRUN, C_STDP_LOST) = range(len(COUNTERS))

# CPU cycle estimates (ARM968 at 200 MHz), per event; order-of-magnitude figures
# from sPyNNaker's own provenance: timer-tick overhead, one neuron update, one
# packet (DMA of the row and master-table search), one synaptic word processed.
CYCLES = {"tick": 1000, "neuron": 120, "source": 60, "packet": 250, "synapse": 25}
CYCLES_NEURON = CYCLES["neuron"]
CYCLES_SOURCE = CYCLES["source"]
CYCLES_SYNAPSE = CYCLES["synapse"]


@numba.njit(**INNER)
def update_cores(share, i, t0, n_ticks, r0, tier, cores, rings, src, di, i_inj, rec, out):
    """Ticks ``t0 .. t0 + n_ticks - 1`` of the cores that thread ``i`` takes from the
    ranges ``share`` (:func:`neurochip.emulator.claim.claim`: its own range first, then what
    the others have left; views of
    :mod:`neurochip.emulator.views`; numba passes them by value, so the cores are given
    only the views they read).

    ``i_inj[k]`` is the injected current of tick ``t0 + k`` (row 0 for every tick when
    it has a single row); state samples go to row ``t - r0`` of ``rec.state`` (a
    StateRecord); spikes to ``out.spk``, the cycles each tick costs to ``out.cyc[c, k]``
    (a CoreOutput); ``di`` are the delegated Poisson sources (:mod:`neurochip.emulator.direct`);
    ``tier`` the kernel's tier (:mod:`neurochip.emulator.tier`).
    The post-spike histories of STDP take the cores' spikes afterwards (:func:`post_spikes`).

    Many cores a call, not one: numba counts a reference to every array of the views at
    each call, atomically (about 300 counts a core and stretch, a quarter of CUBA's
    emulation on one thread), so a tick loop calls this once a stretch per thread (the
    serial loop once, with one range of all the cores).
    """
    # the arrays the neuron loops take, borrowed (emulator.borrow): numba counted a
    # reference to each of them atomically per core and tick, and to params and state per
    # neuron of the called cells
    ring = borrowed(rings.ring)
    spk = borrowed(out.spk)
    counters = out.counters
    params = borrowed(cores.params)
    state = borrowed(cores.state)
    i_inj = borrowed(i_inj)
    one_row = i_inj.shape[0] == 1
    most = 0  # delegated sources of a core, at most (of any core the threads may take)
    a, b = span(share)
    for c in range(a, b):
        most = max(most, di.lo[c + 1] - di.lo[c])
    drew = np.empty(most, np.bool_)
    draws = np.empty(most, np.uint64)
    n_calls = len(share) // WORD_STRIDE
    while True:
        c = claim(share, i, n_calls)
        if c < 0:
            break
        kind = cores.kind[c]
        if kind == KIND_SPIKE_ARRAY or kind == KIND_POISSON:
            _source_ticks(c, kind, t0, n_ticks, cores, src, out)
            continue
        lo = cores.neuron_lo[c]
        hi = cores.neuron_lo[c + 1]
        end = out.spk_lo[c]
        nb = rings.idx_bits[c]
        dmask = (1 << rings.delay_bits[c]) - 1
        tb = rings.type_bits[c] + nb  # a tick's slot: a receptor's 2**nb entries after another's
        inh = 1 << nb
        shifts = (rings.shift[c, 0], rings.shift[c, 1])
        direct = di.lo[c + 1] > di.lo[c]  # delegated Poisson sources (emulator.direct)
        recorded = rec.lo[c + 1] > rec.lo[c]
        for k in range(n_ticks):
            t = t0 + k
            sent0 = end
            inj = i_inj[0] if one_row else i_inj[k]
            # the slot of arrival time t*dt (t+1 for models whose input acts at once)
            slot = rings.lo[c] + (((t + INPUT_LEAD[kind]) & dmask) << tb)
            nxt = rings.lo[c] + (((t + 1) & dmask) << tb)
            if direct:
                # slot t+1 is complete in both rings now (the delegated sources of tick t
                # write t+2 on, packets of this stretch after its end): one ring from here on
                counters[c, C_RING_SAT] += merge_slot(ring, rings.dring, nxt, nxt + (1 << tb))
            if len(tier) > 0 and MULTI[kind]:  # one input per receptor slot (not in the lean tier)
                end, sat = _multi_receptor_neurons(c, kind, lo, hi, slot, nb, end, cores, rings, inj, out)
            elif len(tier) > 0 and not LEAN_KIND[kind]:  # the other cells (emulator.tier)
                end, sat = neuron_loop(kind, lo, hi, slot, inh, shifts, ring, params, state, inj, spk, end)
            else:
                end, sat = neuron_loop_lean(kind, lo, hi, slot, inh, shifts, ring, params, state, inj,
                                            spk, end)
            counters[c, C_REAL_SAT] += sat
            ev = 0
            if direct:
                ev, rsat = direct_inputs(c, t, lo, rings.dring, rings.lo[c], tb, dmask, inh, di,
                                         drew, draws)
                counters[c, C_SYN_EVENTS] += ev
                counters[c, C_RING_SAT] += rsat
            out.cyc[c, k] += CYCLES_NEURON * (hi - lo) + CYCLES_SYNAPSE * ev
            if recorded:
                _record_state(c, t - r0, kind, lo, nxt, nb, cores, rings, rec)
            out.spk_n[c, k] = end - sent0
            counters[c, C_SPIKES] += end - sent0


@numba.njit(cache=True, inline="always")
def _source_ticks(c, kind, t0, n_ticks, cores, src, out):
    """The ticks of source core ``c`` (``kind``: spike arrays or Poisson-type sources)."""
    spk = out.spk
    cyc = out.cyc
    counters = out.counters
    lo = cores.neuron_lo[c]
    hi = cores.neuron_lo[c + 1]
    end = out.spk_lo[c]
    for k in range(n_ticks):
        t = t0 + k
        sent0 = end
        if kind == KIND_SPIKE_ARRAY:
            p = src.ssa_ptr[c]
            while p < src.ssa_lo[c + 1] and src.ssa_tick[p] <= t + 1:
                if src.ssa_tick[p] == t + 1:
                    spk[end] = lo + src.ssa_idx[p]
                    end += 1
                p += 1
            src.ssa_ptr[c] = p
            cyc[c, k] += CYCLES_SOURCE * (end - sent0)
        else:
            for g in range(lo, hi):
                if src.start[g] <= t + 1 and t + 1 < src.end[g]:
                    if src.sched_lo[g + 1] > src.sched_lo[g]:  # a rate schedule
                        rate_segment(src, g, t + 1)
                    m = source_tick(src, g)
                    if m > 0:  # one entry, m packets (see SPIKE_MULT_SHIFT)
                        spk[end] = g | ((m - 1) << SPIKE_MULT_SHIFT)
                        end += 1
            cyc[c, k] += CYCLES_SOURCE * (hi - lo)
        out.spk_n[c, k] = end - sent0
        counters[c, C_SPIKES] += end - sent0


@numba.njit(**INNER)
def post_spikes(c, lo, t0, n_ticks, pl, out):
    """The spikes core ``c`` (first neuron ``lo``) emitted in the stretch from tick ``t0``
    into its neurons' post-spike histories (STDP; ``pl`` the PlasticView), tick by tick,
    stamped ``t + 1``. Run after the cores' updates and before any delivery, and only on a
    machine with plastic synapses: the per-core kernels never take the histories."""
    if lo >= len(pl.hist_row) or pl.hist_row[lo] < 0:
        return  # no plastic input (a core's neurons are of one population), or a source
    a = out.spk_lo[c]
    for k in range(n_ticks):
        b = a + out.spk_n[c, k]
        if b > a:
            record_post_spikes(out.spk, a, b, t0 + k + 1, pl)
            if len(pl.hist_da) > 0:  # histories with a dopamine trace (neuromodulation)
                record_post_dopamine(out.spk, a, b, t0 + k + 1, pl)
        a = b


# The two functions below run once per core and tick, not per neuron: called, not
# inlined, they cost nothing measurable and keep the function LLVM optimises small
# (registry.dispatch_source says why that matters for the first run's compile time).
@numba.njit(**INNER)
def _multi_receptor_neurons(c, kind, lo, hi, slot, nb, end, cores, rings, inj, out):
    """The neuron updates of a multi-receptor core: each neuron's ring slots, one per
    receptor, into one input array; returns (the spike buffer's new end, saturations)."""
    ring = rings.ring
    params = borrowed(cores.params)  # passed to a call per neuron (emulator.borrow)
    state = borrowed(cores.state)
    x = np.zeros(MAX_RECEPTORS, params.dtype)
    sat = 0
    for i in range(hi - lo):
        g = lo + i
        for r in range(1 << rings.type_bits[c]):
            j = slot + (r << nb) + i
            x[r] = ring_to_real(ring[j], rings.shift[c, r])
            ring[j] = 0
        spiked, s = neuron_step_multi(kind, params, state, g, x, inj[g])
        sat += s
        if spiked:
            out.spk[end] = g
            end += 1
    return end, sat


@numba.njit(**INNER)
def _record_state(c, r, kind, lo, nxt, nb, cores, rings, rec):
    """Sample ``r`` of core ``c``'s recorded state columns. Synaptic state is recorded as
    the next tick will use it: decayed, plus the input already waiting in the next ring
    slot ``nxt`` (as NEST records it); sample t - r0 is the state at (t+1)*dt."""
    state = cores.state
    samples = rec.state
    for col in range(rec.lo[c], rec.lo[c + 1]):  # only what is recorded
        g = rec.neuron[col]
        s = rec.column[col]
        value = state[g, s]
        for q in range(1 << rings.type_bits[c]):  # the receptors whose input it takes, if any
            if s == cores.input_col[kind, q, 0] or s == cores.input_col[kind, q, 1]:
                x = ring_to_real(rings.ring[nxt + (q << nb) + g - lo], rings.shift[c, q])
                value = sat_real(value + x * INPUT_SCALE[kind])
        samples[r, col] = value
