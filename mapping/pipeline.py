"""map_network: NetworkGraph -> MachineProgram, stage by stage.

partition -> synaptic layout -> place -> keys -> route -> tables -> compress
-> encode. Each stage is a pure function in its own module; this one only
wires them together and keeps what the reports need.
"""

from __future__ import annotations

import dataclasses
import time
import warnings
from dataclasses import dataclass, field

import numpy as np

from neurochip.emulator import models as neuron_models
from neurochip.emulator.contract import DYN_STDP, KIND_POISSON, KIND_SPIKE_ARRAY, TYPE_BITS
from neurochip.emulator.program import Cores, MachineProgram, Recording, Routing, Sources, Synapses
from neurochip.emulator.routing_entry import ROUTE_ENTRY

from .compress import compress_tables
from .delegate import count_factors, delegated_sources, encode_direct
from .electrodes import encode_electrodes
from .errors import MappingError, ResourceError
from .graph import NetworkGraph
from .keys import allocate_keys
from .machine import MachineSpec, smallest_machine
from .neuromodulation import neuromodulate
from .neurons import (
    POISSON_MODELS,
    CountTables,
    neuron_rows,
    poisson_arrays,
    spike_array_events,
)
from .partition import bits_for, max_delay_of, neuron_dtcm_bytes, partition, type_bits_of
from .place import PLACERS
from .plasticity import PlasticSets, plastic_kinds
from .route import route
from .structural import encode_structural, rewiring_delays, rewiring_of
from .synapses import layout_synapses, receptor_type, weight_shifts
from .tables import build_tables

__all__ = ["map_network", "Mapping", "QuantisationWarning"]

KINDS = {"SpikeSourceArray": KIND_SPIKE_ARRAY, **dict.fromkeys(POISSON_MODELS, KIND_POISSON),
         **{m.NAME: m.KIND for m in neuron_models.NEURON_MODELS}}
REC_RESERVE = 0.5  # share of a chip's free SDRAM given to recording buffers


class QuantisationWarning(UserWarning):
    """A parameter or weight changes noticeably when put into fixed point."""


@dataclass(eq=False)
class Mapping:
    """The result of mapping: the program plus what reports and extraction need."""

    graph: NetworkGraph
    machine: MachineSpec
    program: MachineProgram
    slices: list
    placements: np.ndarray
    key_base: np.ndarray
    key_mask: np.ndarray
    tables_before: dict
    tables_after: dict
    pop_neuron_lo: np.ndarray
    shifts: np.ndarray
    notes: list = field(default_factory=list)
    times: dict = field(default_factory=dict)
    plastic_addr: dict = field(default_factory=dict)  # plastic projection -> word addresses
    struct_rows: dict = field(default_factory=dict)  # rewiring projection -> its row blocks

    def neuron_ids(self, pop: int) -> np.ndarray:
        """Global neuron indices of population ``pop``, in population order."""
        return self.pop_neuron_lo[pop] + np.arange(self.graph.populations[pop].size)

    def summary(self) -> dict:
        before = {c: len(t) for c, t in self.tables_before.items()}
        after = {c: len(t) for c, t in self.tables_after.items()}
        worst = max(after, key=after.get) if after else None
        chips = {tuple(p[:2]) for p in self.placements}
        return {
            "machine": self.machine.name, "chips_used": len(chips),
            "chips_available": self.machine.n_chips, "cores": len(self.slices),
            "neurons": int(self.program.n_neurons),
            "max_neurons_per_core": max((s.n for s in self.slices), default=0),
            "routing_entries_before": int(sum(before.values())),
            "routing_entries_after": int(sum(after.values())),
            "worst_chip": worst, "worst_chip_entries": after.get(worst, 0),
            "router_limit": self.machine.router_entries,
            "synaptic_words": int(len(self.program.synapses.syn)),
            **self._plastic_memory(),
        }

    def _plastic_memory(self) -> dict:
        """Plastic (STDP) synapses and the words their rows take in the machine image
        (header, one word per synapse, and the padding of rows to their block's stride)."""
        syn = self.program.synapses
        stdp = np.flatnonzero(syn.dyn_kind == DYN_STDP)
        if not len(stdp):
            return {}
        rows = np.repeat(syn.mpt_n.astype(np.int64), np.diff(syn.mpt_dyn_lo))[stdp]
        words = int(np.sum(rows * syn.dyn_stride[stdp]))
        n = int(sum(len(a) for a in self.plastic_addr.values()))
        return {"plastic_synapses": n, "plastic_words": words,
                "plastic_bytes_per_synapse": round(4 * words / max(n, 1), 2)}


def map_network(graph: NetworkGraph, machine: MachineSpec | None = None, *,
                placer: str = "sequential", arithmetic: str = "fixed",
                max_per_core: dict | None = None, threads: int | None = None) -> Mapping:
    """Map ``graph`` onto ``machine`` (default: the smallest preset that fits), on
    ``threads`` host threads (the user's ``setup(threads=N)``; None: up to two)."""
    times = {}
    t0 = time.perf_counter()
    notes = []

    def warn(msg):
        notes.append(msg)
        warnings.warn(msg, QuantisationWarning, stacklevel=3)

    graph = neuromodulate(graph)  # STDP under dopamine learns through eligibility traces
    graph = plastic_kinds(graph)  # the recurrent rule's rows are of their own kind
    dtcm = machine.dtcm_bytes if machine is not None else MachineSpec(1, 1).dtcm_bytes
    delegated = delegated_sources(graph)  # Poisson sources run on their targets' cores
    slices = partition(graph, dtcm, max_per_core, skip=delegated)
    n = len(slices)
    models = [graph.populations[s.pop].model for s in slices]
    idx_bits = np.array([bits_for(s.n) for s in slices], np.int32)
    type_bits = np.array([type_bits_of(graph.populations[s.pop])
                          if m in neuron_models.BY_NAME else TYPE_BITS
                          for s, m in zip(slices, models)], np.int32)
    max_delay = np.ones(len(graph.populations), np.int64)
    for prj in graph.projections:
        if len(prj.delay):
            max_delay[prj.post] = max(max_delay[prj.post], max_delay_of(prj, graph.dt))
        if rewiring_of(prj) is not None:  # the delays of synapses that may form
            max_delay[prj.post] = max(max_delay[prj.post],
                                      rewiring_delays(rewiring_of(prj), graph.dt)[1])
    delay_bits = np.array([max(int(max_delay[s.pop]).bit_length(), 1) for s in slices], np.int32)
    sources = {i: poisson_arrays(pop, i, graph.dt, graph.seed)  # Poisson-type sources
               for i, pop in enumerate(graph.populations) if pop.model in POISSON_MODELS}
    shifts = weight_shifts(graph, count_factors(graph, sources), threads=threads)
    plastic = PlasticSets(graph, shifts, lambda prj: receptor_type(graph, prj))
    layout = layout_synapses(graph, slices, idx_bits, delay_bits, shifts,
                             with_floats=arithmetic != "fixed", skip_pre=delegated,
                             type_bits=type_bits, plastic=plastic, threads=threads)
    if layout.quantised_to_zero:
        warn(f"{layout.quantised_to_zero} non-zero weight(s) round to 0 in the 16-bit ring "
             f"format and will have no effect: a population's ring step is set by the largest "
             f"total weight one of its neurons can receive in a timestep (see "
             f"Mapping.shifts), and weights below half a step vanish")
    times["partition"] = time.perf_counter() - t0

    t1 = time.perf_counter()
    if machine is None:
        machine = smallest_machine(n)
    if n > machine.n_app_cores:
        per_pop = {}
        for s in slices:
            per_pop[s.pop] = per_pop.get(s.pop, 0) + 1
        big = sorted(per_pop.items(), key=lambda kv: -kv[1])[:3]
        detail = ", ".join(f"{graph.populations[p].label!r} {c} cores "
                           f"({graph.populations[p].size} neurons)" for p, c in big)
        raise ResourceError(
            f"the network needs {n} application cores but {machine.name} has "
            f"{machine.n_app_cores} application cores ({machine.n_chips} chips x "
            f"{machine.app_cores_per_chip}); "
            f"largest: {detail}; use a larger machine (setup(machine='spinn5') or 'WxH'), more "
            f"neurons per core (set_number_of_neurons_per_core), or a smaller network")
    sdram_need = layout.core_words(n) * 4
    if placer not in PLACERS:
        raise MappingError(f"placer {placer!r} is unknown; choose one of {sorted(PLACERS)}")
    traffic = dict(zip(zip(layout.g_src.tolist(), layout.g_core.tolist()),
                       layout.g_synapses.tolist()))
    placements = PLACERS[placer](slices, machine, sdram_need, traffic)
    senders = np.zeros(n, bool)
    senders[layout.g_src] = True
    key_base, key_mask = allocate_keys(slices, senders)
    times["place"] = time.perf_counter() - t1

    t2 = time.perf_counter()
    chip_of = [(int(x), int(y)) for x, y, _ in placements]
    requests = []
    dest_lists = [[] for _ in range(n)]
    # each sender's target cores: the groups (target core, source slice) are distinct, so
    # sorted by source then core they are each source's cores, once each, in order
    by_src = np.lexsort((layout.g_core, layout.g_src))
    src_lo = np.searchsorted(layout.g_src[by_src], np.arange(n + 1))
    for src in np.flatnonzero(senders):
        cores = layout.g_core[by_src[src_lo[src]:src_lo[src + 1]]]
        dest_lists[src] = cores.tolist()
        requests.append((int(key_base[src]), int(key_mask[src]), chip_of[src],
                         placements[cores, :3]))  # (x, y, core) of each target core
    trees = route(machine, requests)
    tables_before = build_tables(machine, trees)
    sizes = np.array([s.n for s in slices])
    keys = (np.repeat(key_base[senders].astype(np.int64), sizes[senders])
            + _ranges(sizes[senders])).astype(np.uint32)
    tables_after = compress_tables(machine, tables_before, keys, always=True)
    times["route"] = time.perf_counter() - t2

    t3 = time.perf_counter()
    program = _encode(graph, machine, slices, models, placements, key_base, key_mask, senders,
                      (idx_bits, delay_bits, type_bits), shifts, layout, tables_after, dest_lists,
                      arithmetic, sources, warn, plastic)
    times["encode"] = time.perf_counter() - t3
    pop_lo = np.full(len(graph.populations), -1, np.int64)  # -1: no neurons of its own
    for i, s in reversed(list(enumerate(slices))):
        if s.lo == 0:
            pop_lo[s.pop] = program.cores.neuron_lo[i]
    if layout.struct_rows:  # rewiring: which rows and entries each core's sets use
        order = np.lexsort((key_base[layout.g_src], layout.g_core))
        program = dataclasses.replace(program, structural=encode_structural(
            graph, slices, program.cores.neuron_lo, layout.struct_rows, layout.g_core[order],
            layout.g_src[order], shifts, lambda prj: receptor_type(graph, prj)))
    if delegated:
        direct, zeros = encode_direct(graph, {i: sources[i] for i in delegated}, pop_lo,
                                      program.cores.neuron_lo, shifts, arithmetic == "fixed")
        program = dataclasses.replace(program, direct=direct)
        if zeros:
            warn(f"{zeros} non-zero weight(s) of Poisson sources run on their targets' cores "
                 f"round to 0 in the 16-bit ring format and will have no effect")
    if graph.electrodes:
        program = dataclasses.replace(
            program, electrodes=encode_electrodes(graph, pop_lo, arithmetic == "fixed"))
    return Mapping(graph, machine, program, slices, placements, key_base, key_mask,
                   tables_before, tables_after, pop_lo, shifts, notes, times,
                   plastic_addr=layout.plastic_addr, struct_rows=layout.struct_rows)


def _ranges(sizes):
    """Concatenated ``arange(s)`` for each s in sizes."""
    total = int(np.sum(sizes))
    starts = np.repeat(np.cumsum(sizes) - sizes, sizes)
    return np.arange(total) - starts


def _encode(graph, machine, slices, models, placements, key_base, key_mask, senders,
            ring_bits, shifts, layout, tables, dest_lists, arithmetic, sources, warn, plastic):
    idx_bits, delay_bits, type_bits = ring_bits
    fixed_point = arithmetic == "fixed"
    n = len(slices)
    sizes = np.array([s.n for s in slices], np.int64)
    neuron_lo = np.r_[0, np.cumsum(sizes)].astype(np.int64)
    total = int(neuron_lo[-1])
    pdt, sdt = (np.int64, np.int32) if fixed_point else (np.float64, np.float64)
    # tables as wide as the widest model in this network (not in the registry): a narrow
    # row keeps a core's neurons in fewer cache lines
    used = [neuron_models.BY_NAME[m] for m in set(models) if m in neuron_models.BY_NAME]
    n_par = max((len(m.PARAMS) for m in used), default=1)
    n_st = max((len(m.STATE) for m in used), default=1)
    params = np.zeros((total, n_par), pdt)
    state0 = np.zeros((total, n_st), sdt)
    rec_spikes = np.zeros(total, bool)
    rec_state = np.zeros((total, n_st), bool)
    cdf_lo = np.zeros(total, np.int64)
    count_tables = CountTables()  # of the sources placed on cores
    p_start = np.zeros(total, np.int64)
    p_end = np.zeros(total, np.int64)
    p_refrac = np.zeros(total, np.int64)
    p_every = np.ones(total, np.int64)
    rng0 = np.zeros((total, 4), np.uint32)
    sched_n = np.zeros(total, np.int64)  # rate schedules, in neuron order
    sched_tick, sched_cdf_lo = [], []
    ssa_ticks, ssa_idx, ssa_count = [], [], np.zeros(n, np.int64)
    pop_rows = {}
    for i, s in enumerate(slices):
        pop = graph.populations[s.pop]
        a, b = neuron_lo[i], neuron_lo[i + 1]
        if pop.model in neuron_models.BY_NAME:
            if s.pop not in pop_rows:
                pop_rows[s.pop] = neuron_rows(pop, graph.dt, fixed_point, warn, graph.seed, s.pop)
            prow, srow = pop_rows[s.pop]
            params[a:b, :prow.shape[1]] = prow[s.lo:s.hi]
            state0[a:b, :srow.shape[1]] = srow[s.lo:s.hi]
        elif pop.model in POISSON_MODELS:
            src = sources[s.pop]
            offset = count_tables.offset(s.pop, src)
            cdf_lo[a:b] = src.cdf_lo[s.lo:s.hi] + offset
            p_start[a:b], p_end[a:b], p_refrac[a:b], p_every[a:b], rng0[a:b] = (
                r[s.lo:s.hi] for r in (src.start, src.end, src.refrac, src.every, src.rng0))
            j0, j1 = src.sched_lo[s.lo], src.sched_lo[s.hi]  # slices come in neuron order
            sched_n[a:b] = np.diff(src.sched_lo[s.lo:s.hi + 1])
            sched_tick.append(src.sched_tick[j0:j1])
            sched_cdf_lo.append(src.sched_cdf_lo[j0:j1] + offset)
        else:
            ticks, idx = spike_array_events(pop, s.lo, s.hi, graph.dt, warn, graph.spike_stamp)
            ssa_ticks.append(ticks)
            ssa_idx.append(idx)
            ssa_count[i] = len(ticks)
        for var, mask in pop.record.items():
            if var == "spikes":
                rec_spikes[a:b] = mask[s.lo:s.hi]
            else:
                col = neuron_models.record_columns(neuron_models.BY_NAME[pop.model],
                                                   pop.receptors)[var][0]
                rec_state[a:b, col] |= mask[s.lo:s.hi]
    is_neuron = np.array([m in neuron_models.BY_NAME for m in models])
    ring_size = np.where(is_neuron, 1 << (delay_bits.astype(np.int64) + type_bits + idx_bits), 0)
    # master population tables: groups of each core, sorted by source key
    order = np.lexsort((key_base[layout.g_src], layout.g_core))
    g_core = layout.g_core[order]
    mpt_lo = np.searchsorted(g_core, np.arange(n + 1)).astype(np.int64)
    src = layout.g_src[order]
    # tables, chip by chip
    n_chips = machine.width * machine.height
    counts = np.zeros(n_chips, np.int64)
    parts = []
    for chip in sorted(tables, key=lambda c: machine.chip_id(*c)):
        counts[machine.chip_id(*chip)] = len(tables[chip])
        parts.append(tables[chip])
    all_tables = np.concatenate(parts) if parts else np.zeros(0, ROUTE_ENTRY)
    dest_count = np.array([len(d) for d in dest_lists], np.int64)
    core_chip = np.array([machine.chip_id(int(x), int(y)) for x, y, _ in placements], np.int32)
    max_ticks = _record_budget(machine, core_chip, layout.core_words(n) * 4, rec_spikes,
                               rec_state, neuron_lo)
    _check_dtcm(graph, slices, machine, ring_size, np.diff(mpt_lo))
    dyn_n = np.diff(layout.g_dyn_lo)[order]  # blocks with dynamics, in master-table order
    blocks = (np.repeat(layout.g_dyn_lo[:-1][order], dyn_n) + _ranges(dyn_n)).astype(np.int64)
    return MachineProgram(
        dt=float(graph.dt), arithmetic=arithmetic, clock_hz=machine.clock_hz,
        routing=Routing(
            width=machine.width, height=machine.height, link_to=machine.link_table(),
            tables=all_tables.astype(ROUTE_ENTRY), table_lo=np.r_[0, np.cumsum(counts)].astype(np.int64),
            dest_lo=np.r_[0, np.cumsum(dest_count)].astype(np.int64),
            dest_core=np.array([c for d in dest_lists for c in d], np.int32)),
        cores=Cores(
            chip=core_chip, proc=placements[:, 2].astype(np.int32),
            kind=np.array([KINDS[m] for m in models], np.int32), key=key_base.astype(np.uint32),
            mask=key_mask.astype(np.uint32), sends=senders.copy(), neuron_lo=neuron_lo,
            params=params, state0=state0),
        synapses=Synapses(
            ring_lo=np.r_[0, np.cumsum(ring_size)].astype(np.int64), idx_bits=idx_bits,
            delay_bits=delay_bits, type_bits=type_bits,
            shift=shifts[[s.pop for s in slices]].astype(np.int32).reshape(n, shifts.shape[1]),
            mpt_lo=mpt_lo, mpt_key=key_base[src].astype(np.uint32),
            mpt_mask=key_mask[src].astype(np.uint32), mpt_n=layout.g_rows[order].astype(np.int32),
            mpt_row_lo=layout.g_lo[order].astype(np.int64),
            mpt_stride=layout.g_stride[order].astype(np.int32),
            mpt_istride=layout.g_istride[order].astype(np.int32),
            syn=layout.syn, syn_wf=np.zeros(0) if fixed_point else layout.syn_wf,
            row_ptr=layout.row_ptr, mpt_dyn_lo=np.r_[0, np.cumsum(dyn_n)].astype(np.int64),
            dyn_kind=layout.dyn_kind[blocks], dyn_row_lo=layout.dyn_row_lo[blocks],
            dyn_stride=layout.dyn_stride[blocks], dyn_param=layout.dyn_param[blocks],
            tm_lut=layout.tm_lut,
            tm_tau=layout.tm_tau.astype(np.float64), seed=int(graph.seed)),
        sources=Sources(
            ssa_lo=np.r_[0, np.cumsum(ssa_count)].astype(np.int64),
            ssa_tick=np.concatenate(ssa_ticks) if ssa_ticks else np.zeros(0, np.int64),
            ssa_idx=np.concatenate(ssa_idx) if ssa_idx else np.zeros(0, np.int32),
            cdf_lo=cdf_lo, start=p_start, end=p_end, rng0=rng0, cdf=count_tables.array(),
            refrac=p_refrac, every=p_every, sched_lo=np.r_[0, np.cumsum(sched_n)].astype(np.int64),
            sched_tick=np.concatenate(sched_tick) if sched_tick else np.zeros(0, np.int64),
            sched_cdf_lo=np.concatenate(sched_cdf_lo) if sched_cdf_lo else np.zeros(0, np.int64)),
        recording=Recording(spikes=rec_spikes, state=rec_state, max_ticks=max_ticks),
        plasticity=plastic.program(slices, neuron_lo, total))


def _check_dtcm(graph, slices, machine, ring_size, mpt_entries):
    for i, s in enumerate(slices):
        if graph.populations[s.pop].model not in neuron_models.BY_NAME:
            continue  # sources: a few words per neuron, events stream from SDRAM
        need = neuron_dtcm_bytes(graph.populations[s.pop].model, s.n, ring_size[i],
                                 mpt_entries[i])
        if need > machine.dtcm_bytes:
            raise ResourceError(
                f"population {graph.populations[s.pop].label!r}, neurons {s.lo}..{s.hi - 1}: the "
                f"core needs {need} bytes of DTCM, more than {machine.dtcm_bytes}; set fewer "
                f"neurons per core (sim.set_number_of_neurons_per_core)")


def _record_budget(machine, core_chip, syn_bytes, rec_spikes, rec_state, neuron_lo):
    """Ticks of recording each chip's SDRAM holds after the synaptic matrices."""
    spk = np.add.reduceat(rec_spikes.astype(np.int64), neuron_lo[:-1]) if len(rec_spikes) else 0
    st = np.add.reduceat(rec_state.sum(axis=1), neuron_lo[:-1]) if len(rec_spikes) else 0
    per_tick = 4 * ((spk + 31) // 32) + 4 * st
    per_chip = np.bincount(core_chip, per_tick, minlength=machine.width * machine.height)
    used = np.bincount(core_chip, syn_bytes, minlength=machine.width * machine.height)
    free = (machine.sdram_bytes - used) * REC_RESERVE
    with np.errstate(divide="ignore"):
        ticks = np.where(per_chip > 0, free // np.maximum(per_chip, 1), np.inf)
    best = ticks.min(initial=np.inf)
    return int(min(best, 1 << 62)) if np.isfinite(best) else 1 << 62
