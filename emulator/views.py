"""What the kernels see: namedtuples of arrays, one per group of a loaded machine.

numba takes a namedtuple of arrays as one argument and reads its fields at no
cost, so each kernel takes a handful of these instead of a long list of loose
arrays. A view joins a program group's fixed arrays with the dynamic state the
emulation keeps for it (membrane state, ring buffers, generator states); views are
rebuilt at every call of the tick loop, which costs microseconds.
"""

from collections import namedtuple

import numpy as np

from .delivery import MEMO_FIELDS
from .structural import StructView

__all__ = ["CoreView", "RingView", "SynapseView", "PlasticView", "SourceView", "DirectView", "ElectrodeView",
           "RecordView", "Traffic", "CoreOutput", "StateRecord", "synapse_view", "machine_views",
           "record_view"]

# the cores: kind, neurons, keys, parameters and state (kinds as in Cores; key_of per
# neuron; input_col[kind, receptor] the state columns ring input adds to, and shows in)
CoreView = namedtuple("CoreView", "kind neuron_lo sends key_of params state input_col")

# each neuron core's ring buffers (and the delegated sources' second ring) and layout
RingView = namedtuple("RingView", "ring dring lo idx_bits delay_bits type_bits shift")

# master population tables, static rows and rows with dynamics (see groups.Synapses);
# mpt_memo: the searches' results per (source core, core), where one entry serves every key
# of the source, a record of delivery.MEMO_FIELDS words each (emulator.delivery.memo_searches;
# no rows: none)
SynapseView = namedtuple("SynapseView", "mpt_lo mpt_key mpt_mask mpt_n mpt_row_lo mpt_stride "
                         "mpt_istride row_ptr syn syn_wf mpt_dyn_lo dyn_kind dyn_row_lo dyn_stride dyn_param "
                         "tm_lut tm_tau seed mpt_memo")

_NO_MEMO = np.zeros((0, MEMO_FIELDS), np.int64)

# STDP (emulator.stdp): each neuron's post-spike history (hist_row[neuron], -1 none; per
# history its spike stamps hist_t and traces hist_tr in a ring of a power-of-two length,
# hist_n spikes so far; hist_tr2 the triplet rule's slow trace where hist_lut2 >= 0), the
# decay tables and the parameter sets of the Plasticity group
PlasticView = namedtuple("PlasticView", "hist_row hist_t hist_tr hist_tr2 hist_n hist_lut "
                         "hist_lut2 hist_nearest history lut lut_shift lut_tau rule_i rule_f wpow "
                         # dopamine (emulator.neuromodulation): per entry the dopamine trace,
                         # increment and is-dopamine mark; per history its tau_d table
                         "hist_da hist_inc hist_isd hist_lut_d "
                         # the recurrent rule's window tables (emulator.recurrent)
                         "window_lut")

# spike-source arrays (ssa_ptr: each core's next event) and Poisson-type sources with
# their generator states and counters; the field names of a Poisson source are those of
# DirectView, so that one source_tick serves both. cdf_lo and guide_lo are the
# emulation's own: a rate schedule (sched_*) points them at the segment of the tick
SourceView = namedtuple("SourceView", "ssa_lo ssa_tick ssa_idx ssa_ptr cdf_lo cdf guide guide_lo "
                        "start end refrac every rng count sched_lo sched_tick sched_cdf_lo "
                        "sched_guide_lo")

# Poisson sources delegated to their targets' cores (emulator.direct)
DirectView = namedtuple("DirectView", "lo target type weight weight_f delay start end refrac "
                        "every rng count cdf_lo cdf guide guide_lo")

# current sources (emulator.electrodes) with their state, and i_inj: one row of injected
# current per tick of a stretch (a single row when there are no sources)
ElectrodeView = namedtuple("ElectrodeView", "kind start stop interval amplitude offset mean "
                           "stdev phase0 phase_inc chg_lo chg_tick chg_amp tgt_lo tgt ptr val "
                           "pair_val rng i_inj")

# recording buffers of one chunk of ticks: spike bits (spk_pos: a neuron's bit, -1 none),
# state samples (per core the recorded (neuron, column) pairs [lo[c], lo[c+1])), current
# source samples, and the count of a source's extra spikes in rec_extra
RecordView = namedtuple("RecordView", "spk_pos spikes lo neuron column state sources n_extra")

# the spikes of a stretch on their way: routes per key, each core's spike buffer
# (spk[spk_lo[c]:], spk_n per tick) and cycle counts, packet queue offsets, provenance
Traffic = namedtuple("Traffic", "dest_lo dest_hi dest spk spk_lo spk_n cyc pkt_lo counters packets")

# narrower views the tick loop makes of the two above for the per-core kernels, which
# numba calls with their arguments by value: a core gets only what it reads
# (each core's spikes and cycle counts of a stretch, and its provenance counters)
CoreOutput = namedtuple("CoreOutput", "spk spk_lo spk_n cyc counters")
# the recorded state samples (see RecordView)
StateRecord = namedtuple("StateRecord", "lo neuron column state")


def synapse_view(sy, syn_words, syn_wf, memo=_NO_MEMO) -> SynapseView:
    """The SynapseView of a program's Synapses group ``sy`` with the rows ``syn_words``,
    ``syn_wf`` (the emulation's working copies, or the program's own) and the master
    tables' ``memo`` of searches by source core."""
    return SynapseView(sy.mpt_lo, sy.mpt_key, sy.mpt_mask, sy.mpt_n, sy.mpt_row_lo,
                       sy.mpt_stride, sy.mpt_istride, sy.row_ptr, syn_words, syn_wf, sy.mpt_dyn_lo,
                       sy.dyn_kind, sy.dyn_row_lo, sy.dyn_stride, sy.dyn_param, sy.tm_lut,
                       sy.tm_tau, np.uint64(sy.seed & 0xFFFFFFFFFFFFFFFF), memo)


def machine_views(em, rec, packets, counters) -> tuple:
    """The tick loop's views of an Emulation ``em``: its program's groups joined with its
    dynamic state, the recording buffers ``rec`` (a RecordView), the packet counts per
    neuron and the counters of this run."""
    p = em.program
    cores, sy, src, el, di = p.cores, p.synapses, p.sources, p.electrodes, p.direct
    pl, st = p.plasticity, p.structural
    n_cores = p.n_cores
    return (
        CoreView(cores.kind, cores.neuron_lo, cores.sends, em.key_of, em.params,
                 em.state, em.input_col),
        RingView(em.ring, em.dring, sy.ring_lo, sy.idx_bits, sy.delay_bits, sy.type_bits,
                 sy.shift),
        synapse_view(sy, em.syn, em.syn_wf, em.mpt_memo),
        PlasticView(pl.hist_row, em.hist_t, em.hist_tr, em.hist_tr2, em.hist_n,
                    pl.hist_lut, pl.hist_lut2, pl.hist_nearest, np.int64(pl.history),
                    pl.lut, pl.lut_shift, pl.lut_tau, pl.rule_i, pl.rule_f, pl.wpow,
                    em.hist_da, em.hist_inc, em.hist_isd, pl.hist_lut_d, pl.window_lut),
        StructView(st.core_set, st.core_n, st.core_pop_lo, st.set_i, st.set_f, st.probs,
                   st.row_lo, st.row_addr, st.entry_pre_lo, st.slot_of, em.st_slots,
                   em.st_rng, em.st_pop_rng, em.st_buf, em.st_buf_n, em.st_buf_t,
                   em.st_counts),
        SourceView(src.ssa_lo, src.ssa_tick, src.ssa_idx, em.ssa_ptr, em.src_cdf_lo,
                   src.cdf, em.guide, em.guide_lo, src.start, src.end, src.refrac,
                   src.every, em.rng, em.poisson_count, src.sched_lo, src.sched_tick,
                   src.sched_cdf_lo, em.sched_guide_lo),
        DirectView(di.lo, di.target, di.type, di.weight, di.weight_f, di.delay, di.start,
                   di.end, di.refrac, di.every, em.di_rng, em.di_count, di.cdf_lo, di.cdf,
                   em.di_guide, em.di_guide_lo),
        ElectrodeView(el.kind, el.start, el.stop, el.interval, el.amplitude, el.offset,
                      el.mean, el.stdev, el.phase0, el.phase_inc, el.chg_lo, el.chg_tick,
                      el.chg_amp, el.tgt_lo, el.tgt, em.cs_ptr, em.cs_val,
                      em.cs_pair_val, em.cs_rng, em.i_inj),
        rec,
        Traffic(em.dest_lo, em.dest_hi, em.dest, np.empty(em.spk_lo[-1], np.int64),
                em.spk_lo, np.zeros((n_cores, em.stretch), np.int64),
                np.zeros((n_cores, em.stretch), np.int64), np.zeros(n_cores + 1, np.int64),
                counters, packets))


def record_view(em, ticks, n_words, n_src) -> RecordView:
    """Empty recording buffers of an Emulation ``em`` for ``ticks`` ticks (``n_words``
    words of spike bits per tick, ``n_src`` current sources)."""
    return RecordView(em.rec_spk_pos, np.zeros((ticks, n_words), np.uint32), em.rec_lo,
                      em.state_neuron, em.state_column,
                      np.zeros((ticks, len(em.state_neuron)), em.state.dtype),
                      np.zeros((ticks, n_src), em.state.dtype), np.zeros(1, np.int64))
