"""What the kernels see: namedtuples of arrays, one per group of a loaded machine.

numba takes a namedtuple of arrays as one argument and reads its fields at no
cost, so each kernel takes a handful of these instead of a long list of loose
arrays. A view joins a program group's fixed arrays with the dynamic state the
emulation keeps for it (membrane state, ring buffers, generator states); views are
rebuilt at every call of the tick loop, which costs microseconds.
"""

from collections import namedtuple

__all__ = ["CoreView", "RingView", "SynapseView", "PlasticView", "SourceView", "DirectView", "ElectrodeView",
           "RecordView", "Traffic", "CoreOutput", "StateRecord"]

# the cores: kind, neurons, keys, parameters and state (kinds as in Cores; key_of per
# neuron; input_col[kind, receptor] the state columns ring input adds to, and shows in)
CoreView = namedtuple("CoreView", "kind neuron_lo sends key_of params state input_col")

# each neuron core's ring buffers (and the delegated sources' second ring) and layout
RingView = namedtuple("RingView", "ring dring lo idx_bits delay_bits type_bits shift")

# master population tables, static rows and rows with dynamics (see groups.Synapses)
SynapseView = namedtuple("SynapseView", "mpt_lo mpt_key mpt_mask mpt_n mpt_row_lo mpt_stride "
                         "row_ptr syn syn_wf mpt_dyn_lo dyn_kind dyn_row_lo dyn_stride dyn_param "
                         "tm_lut tm_tau seed")

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
