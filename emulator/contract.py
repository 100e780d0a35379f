"""The constants of the MachineProgram contract, which mapping and emulator both import.

Core kinds: the two spike sources are numbered here; neuron models take the kinds of
their registry (:mod:`neurochip.emulator.models`), which checks that they are
disjoint from these. Synapse-dynamics kinds number the rows of a master-table entry
(:mod:`neurochip.emulator.synapse_dynamics`). Routing event codes index the per-chip
usage counters of the load-time walk (:mod:`neurochip.emulator.routing`). The clock
sets each core's cycle budget per tick; ``MachineSpec.clock_hz`` reaches the
emulator through ``MachineProgram.clock_hz``.
"""

__all__ = ["CLOCK_HZ", "ARITHMETICS", "KIND_SPIKE_ARRAY", "KIND_POISSON", "SOURCE_KINDS",
           "DYN_TSODYKS_MARKRAM", "DYN_STOCHASTIC", "DYN_STDP", "DYN_NEUROMOD", "DYN_DOPAMINE",
           "DYN_RECURRENT", "DYN_STRUCTURAL", "DYNAMICS_KINDS", "TYPE_BITS",
           "MAX_TYPE_BITS", "MAX_RECEPTORS", "MAX_PACKED_WORDS", "RING_ADDRESS_BITS", "MAX_IDX_BITS",
           "EV_ROUTER", "EV_DEFAULT", "EV_DROP", "EV_PER_CHIP"]

CLOCK_HZ = 200_000_000  # ARM968 cores of SpiNNaker 1
ARITHMETICS = ("fixed", "float")

# core kinds of the spike sources (neuron kinds come from the model registry)
KIND_SPIKE_ARRAY, KIND_POISSON = 1, 2
SOURCE_KINDS = (KIND_SPIKE_ARRAY, KIND_POISSON)

# kinds of the rows with per-synapse dynamics behind a master-table entry (static rows
# have their own fields); an entry may hold rows of several kinds
DYN_TSODYKS_MARKRAM, DYN_STOCHASTIC, DYN_STDP = 0, 1, 2
# dopamine-modulated STDP (emulator.neuromodulation): the eligibility rows and the
# reward/punishment rows
DYN_NEUROMOD, DYN_DOPAMINE = 3, 4
DYN_RECURRENT = 5  # sPyNNaker's stochastic recurrent STDP rule (emulator.recurrent)
DYN_STRUCTURAL = 6  # static rows with room for rewiring (emulator.structural)
DYNAMICS_KINDS = (DYN_TSODYKS_MARKRAM, DYN_STOCHASTIC, DYN_STDP, DYN_NEUROMOD, DYN_DOPAMINE,
                  DYN_RECURRENT, DYN_STRUCTURAL)

# synaptic word: weight:16 | delay:D | type:T | index:N, with D, T and N per core and
# D + T + N <= 16 (the low half-word addresses the ring buffer); T holds the receptor
# (synapse type) number: TYPE_BITS for the two receptors (excitatory, inhibitory) of the
# standard cells, up to MAX_TYPE_BITS (8 receptors)
TYPE_BITS = 1
MAX_TYPE_BITS = 3
MAX_RECEPTORS = 1 << MAX_TYPE_BITS  # receptors of a multi-receptor cell (PyNN's PointNeuron)
RING_ADDRESS_BITS = 16
MAX_IDX_BITS = RING_ADDRESS_BITS - TYPE_BITS - 1

# routing usage events per chip: 0..5 = a packet left by link l, then:
EV_ROUTER, EV_DEFAULT, EV_DROP = 6, 7, 8
EV_PER_CHIP = 9

# the packed static rows' index (Synapses.row_ptr) is int32, 4 bytes a row (a machine of
# 100,000 neurons has some 40 million rows of about 3 synapses): it addresses at most
# this many words of packed static rows in one machine (8 GiB of synaptic words)
MAX_PACKED_WORDS = (1 << 31) - 1
