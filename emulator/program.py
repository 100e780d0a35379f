"""MachineProgram: everything the emulated machine is loaded with (the second contract).

A frozen dataclass of named groups (:mod:`neurochip.emulator.groups`), built by
``mapping`` or by hand in a test. Cores are numbered ``0..C-1``; neurons of all
cores share one global index space, core ``c`` owning ``[neuron_lo[c],
neuron_lo[c+1])``. ``arithmetic`` decides the dtypes: "fixed" uses the integer
formats of DESIGN.md section 4, "float" float64 everywhere. Each group checks
itself; this class checks the groups against each other.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .contract import ARITHMETICS, CLOCK_HZ, DYN_STDP, KIND_POISSON, SOURCE_KINDS
from .direct import DirectInputs, no_direct_inputs
from .electrodes import Electrodes, no_electrodes
from .errors import ProgramError
from .groups import Cores, Recording, Routing, Sources, Synapses
from .plasticity import Plasticity, no_plasticity
from .structural import SI_SMAX, Structural, no_structural

__all__ = ["MachineProgram", "Routing", "Cores", "Synapses", "Sources", "Recording", "Plasticity"]


@dataclass(frozen=True, eq=False)
class MachineProgram:
    """Per-core images and per-chip routing tables of one emulated machine.

    dt : float
        Timestep in ms.
    arithmetic : {"fixed", "float"}
    routing, cores, synapses, sources, recording : the groups
        See :mod:`neurochip.emulator.groups`.
    electrodes : Electrodes, optional
        Current sources (:mod:`neurochip.emulator.electrodes`); None: none.
    direct : DirectInputs, optional
        Poisson sources run on their targets' cores (:mod:`neurochip.emulator.direct`).
    clock_hz : int
        Each core's clock: a tick's cycle budget is ``dt * clock_hz``.
    plasticity : Plasticity, optional
        STDP parameter sets, decay tables and post-spike histories
        (:mod:`neurochip.emulator.plasticity`); None: no plastic synapses.
    structural : Structural, optional
        Rewiring sets of structural plasticity (:mod:`neurochip.emulator.structural`);
        None: no rewiring.
    """

    dt: float
    arithmetic: str
    routing: Routing
    cores: Cores
    synapses: Synapses
    sources: Sources
    recording: Recording
    electrodes: Electrodes | None = None
    direct: DirectInputs | None = None
    clock_hz: int = CLOCK_HZ
    plasticity: Plasticity | None = None
    structural: Structural | None = None

    def __post_init__(self):
        if self.arithmetic not in ARITHMETICS:
            raise ProgramError(f"MachineProgram.arithmetic={self.arithmetic!r}; use one of {ARITHMETICS}")
        if not self.dt > 0:
            raise ProgramError(f"MachineProgram.dt={self.dt} ms must be positive")
        if not self.clock_hz >= 1:
            raise ProgramError(f"MachineProgram.clock_hz={self.clock_hz} must be >= 1")
        for name, cls in (("routing", Routing), ("cores", Cores), ("synapses", Synapses),
                          ("sources", Sources), ("recording", Recording)):
            if not isinstance(getattr(self, name), cls):
                raise ProgramError(f"MachineProgram.{name} must be a {cls.__name__}, got "
                                   f"{type(getattr(self, name)).__name__}")
        fixed = self.arithmetic == "fixed"
        if self.electrodes is None:
            object.__setattr__(self, "electrodes", no_electrodes(fixed))
        if self.direct is None:
            object.__setattr__(self, "direct", no_direct_inputs(self.n_cores))
        if self.plasticity is None:
            object.__setattr__(self, "plasticity", no_plasticity(self.n_neurons))
        if self.structural is None:
            object.__setattr__(self, "structural", no_structural(
                self.n_cores, self.n_neurons, len(self.synapses.mpt_key)))
        self._check_arithmetic(fixed)
        self._check_per_core()
        self._check_per_neuron()
        self._check_direct(fixed)
        self._check_plasticity()
        self._check_structural()

    def _check_arithmetic(self, fixed):
        kind = "int64/int32" if fixed else "float64"
        cores, syn = self.cores, self.synapses
        if (cores.params.dtype != (np.int64 if fixed else np.float64)
                or cores.state0.dtype != (np.int32 if fixed else np.float64)):
            raise ProgramError(f"MachineProgram: {self.arithmetic} arithmetic needs {kind} "
                               f"params/state0, got {cores.params.dtype}/{cores.state0.dtype}")
        if not fixed and len(syn.syn_wf) != len(syn.syn):
            raise ProgramError(f"MachineProgram: float arithmetic needs a float twin of every "
                               f"synaptic word: syn_wf has {len(syn.syn_wf)}, syn {len(syn.syn)}")
        value_dtype = np.int64 if fixed else np.float64
        for name in ("amplitude", "offset", "mean", "stdev", "chg_amp"):
            if getattr(self.electrodes, name).dtype != value_dtype:
                raise ProgramError(f"MachineProgram.electrodes.{name} must be {np.dtype(value_dtype)} "
                                   f"for {self.arithmetic} arithmetic")

    def _check_per_core(self):
        c = self.n_cores
        r, syn = self.routing, self.synapses
        for owner, name, arr in (("synapses", "idx_bits", syn.idx_bits),
                                 ("routing", "dest_lo", r.dest_lo[:-1]),
                                 ("sources", "ssa_lo", self.sources.ssa_lo[:-1])):
            if len(arr) != c:
                raise ProgramError(f"MachineProgram.{owner}.{name} covers {len(arr)} cores, the "
                                   f"machine has {c}")
        if np.any(self.cores.chip >= r.n_chips) or np.any(self.cores.chip < 0):
            raise ProgramError(f"MachineProgram.cores.chip holds a chip outside 0..{r.n_chips - 1}")
        if len(r.dest_core) and (r.dest_core.min() < 0 or r.dest_core.max() >= c):
            raise ProgramError(f"MachineProgram.routing.dest_core holds a core outside 0..{c - 1}")
        sizes = np.diff(self.cores.neuron_lo)
        room = 1 << syn.idx_bits.astype(np.int64)
        if np.any(sizes > room):
            c0 = int(np.argmax(sizes > room))
            raise ProgramError(f"core {c0} holds {sizes[c0]} neurons but idx_bits="
                               f"{syn.idx_bits[c0]} addresses only {room[c0]}")
        neuron_core = ~np.isin(self.cores.kind, SOURCE_KINDS)
        if np.any(neuron_core & (np.diff(syn.ring_lo) == 0) & (sizes > 0)):
            c0 = int(np.argmax(neuron_core & (np.diff(syn.ring_lo) == 0) & (sizes > 0)))
            raise ProgramError(f"MachineProgram.synapses.ring_lo gives neuron core {c0} no ring buffer")
        ssa = self.sources
        core = np.repeat(np.arange(c), np.diff(ssa.ssa_lo))
        if np.any(ssa.ssa_idx >= sizes[core]):
            raise ProgramError("MachineProgram.sources.ssa_idx holds a neuron beyond its core's size")

    def _check_plasticity(self):
        pl, syn = self.plasticity, self.synapses
        if len(pl.hist_row) != self.n_neurons:
            raise ProgramError(f"MachineProgram.plasticity.hist_row has {len(pl.hist_row)} "
                               f"entries, one per neuron ({self.n_neurons}) needed")
        stdp = syn.dyn_kind == DYN_STDP
        if np.any(stdp) and (syn.dyn_param[stdp].min() < 0 or syn.dyn_param[stdp].max() >= pl.n_sets):
            raise ProgramError(f"MachineProgram.synapses.dyn_param names an STDP parameter set "
                               f"outside 0..{pl.n_sets - 1}")

    def _check_structural(self):
        st = self.structural
        if (len(st.core_set) != self.n_cores or len(st.slot_of) != self.n_neurons
                or len(st.entry_pre_lo) != len(self.synapses.mpt_key)):
            raise ProgramError(f"MachineProgram.structural covers {len(st.core_set)} cores, "
                               f"{len(st.slot_of)} neurons and {len(st.entry_pre_lo)} master-table "
                               f"entries; the machine has {self.n_cores}, {self.n_neurons} and "
                               f"{len(self.synapses.mpt_key)}")
        n_syn, n_slots = len(self.synapses.syn), len(st.slots0)
        if len(st.row_addr) and (st.row_addr.min() < 0 or st.row_addr.max() >= n_syn):
            raise ProgramError(f"MachineProgram.structural.row_addr points outside the {n_syn} "
                               f"synaptic words")
        smax = np.zeros(self.n_neurons, np.int64)
        owner = np.repeat(st.core_set, np.diff(self.cores.neuron_lo))
        has = (st.slot_of >= 0) & (owner >= 0)
        smax[has] = st.set_i[owner[has], SI_SMAX]
        if np.any((st.slot_of >= 0) & (owner < 0)) or np.any(st.slot_of[has] + smax[has] > n_slots):
            raise ProgramError(f"MachineProgram.structural.slot_of: a neuron's slots lie outside "
                               f"the {n_slots} of slots0 or it is on a core without rewiring")

    def _check_per_neuron(self):
        n = self.n_neurons
        for owner, name, arr in (("sources", "cdf_lo", self.sources.cdf_lo),
                                 ("recording", "spikes", self.recording.spikes)):
            if len(arr) != n:
                raise ProgramError(f"MachineProgram.{owner}.{name} has {len(arr)} entries, one per "
                                   f"neuron ({n}) needed")
        if self.recording.state.shape != self.cores.state0.shape:
            raise ProgramError(f"MachineProgram.recording.state has shape {self.recording.state.shape}; "
                               f"it must be the shape of cores.state0, {self.cores.state0.shape}")
        poisson = np.repeat(self.cores.kind == KIND_POISSON, np.diff(self.cores.neuron_lo))
        self.sources.check_count_tables(poisson)
        el = self.electrodes
        if len(el.tgt) and (el.tgt.min() < 0 or el.tgt.max() >= n):
            raise ProgramError(f"MachineProgram.electrodes.tgt holds a neuron outside 0..{n - 1}")

    def _check_direct(self, fixed):
        d = self.direct
        if len(d.lo) != self.n_cores + 1:
            raise ProgramError(f"MachineProgram.direct.lo has {len(d.lo)} entries, one per core "
                               f"plus one ({self.n_cores + 1}) needed")
        if d.weight.dtype != np.int64 or len(d.weight_f) != (0 if fixed else d.n):
            raise ProgramError(f"MachineProgram.direct: {self.arithmetic} arithmetic needs int64 "
                               f"weight and {'no' if fixed else 'one float'} weight_f per entry")
        if d.n:
            lo = self.cores.neuron_lo
            core = np.repeat(np.arange(self.n_cores), np.diff(d.lo))
            if np.any((d.target < lo[core]) | (d.target >= lo[core + 1])):
                raise ProgramError("MachineProgram.direct.target holds a neuron of another core")
            if np.any(np.isin(self.cores.kind[core], SOURCE_KINDS)):
                raise ProgramError("MachineProgram.direct: only neuron cores take direct inputs")
            if np.any(d.weight < 0) or np.any(d.weight > 0xFFFF):
                raise ProgramError("MachineProgram.direct.weight must be in 0..65535 ring units")

    @property
    def n_cores(self) -> int:
        return self.cores.n

    @property
    def n_neurons(self) -> int:
        return int(self.cores.neuron_lo[-1])
