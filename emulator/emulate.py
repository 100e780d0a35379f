"""Load a MachineProgram and run it: the public face of the emulator.

>>> machine = load(program)          # walks every key through the tables once
>>> result = machine.run(10_000)     # ticks; split into chunks if recording fills up

``threads`` shares the cores of the machine out among that many threads (default:
chosen at each run, one per core that other processes leave free, up to numba's
thread count; see :mod:`neurochip.emulator.free_cores`); the result does not depend on it.
``comm`` (an mpi4py communicator of several processes, e.g. :func:`neurochip.emulator.ranks.world`)
shares the cores out among the processes (:mod:`neurochip.emulator.ranks`); the result does
not depend on that either, and every process gets all of it.
"""

from __future__ import annotations

import os
import sys
import threading
import time

import numba
import numpy as np

from . import live
from .claim import share_words
from .contract import (
    DYN_DOPAMINE,
    DYN_NEUROMOD,
    DYN_STDP,
    EV_DEFAULT,
    EV_DROP,
    EV_ROUTER,
    KIND_SPIKE_ARRAY,
)
from .cores import COUNTERS
from .delivery import MAX_CORES, MEMO_FIELDS, MEMO_MAX, memo_searches
from .errors import EmulatorError
from .free_cores import FreeCores
from .jit_cache import in_room
from .kernel import MAX_STRETCH, run_ticks, run_ticks_serial
from .kernel_choice import LoopChoice, compile_notice, compiled, probe_ticks
from .models import input_columns
from .neuromodulation import target_without_dopamine
from .poisson import guide_tables
from .program import MachineProgram
from .ranks import Ranks
from .results import RunResult
from .routing import event_counts, walk_keys
from .spikes import core_groups
from .stdp import copy_histories, target_without_history
from .stretch import shortest_delay
from .structural import SI_BUF
from .synapse_dynamics import DYNAMICS
from .tier import tier_name, tier_of
from .views import RecordView, machine_views, record_view, synapse_view

__all__ = ["load", "Emulation", "check_threads", "cycle_budget"]


def _set_bits(words: np.ndarray, n_bits: int) -> tuple:
    """``(row, bit)`` of every set bit below ``n_bits`` of ``words`` (rows of uint32, bit
    ``b`` of a row is bit ``b % 32`` of its word ``b // 32``), row by row, bits in order.
    Spikes are sparse: only the non-zero words are spread out into bits."""
    r, w = np.nonzero(words)
    bits = np.unpackbits(words[r, w].astype("<u4").view(np.uint8).reshape(len(r), 4), axis=1,
                         bitorder="little")
    k, b = np.nonzero(bits)
    pos = w[k] * 32 + b
    keep = pos < n_bits
    return r[k][keep], pos[keep]


def _sorted_ranges(dest: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """``dest`` with each range ``dest[lo[i]:hi[i]]`` (a key's destination cores) sorted."""
    if np.any(dest[1:] < dest[:-1]):
        for a, b in set(zip(lo.tolist(), hi.tolist())):
            dest[a:b].sort()
    return dest


def _even_split(n: int, calls: int) -> np.ndarray:
    """The boundaries (``calls + 1``) of ``calls`` ranges of ``n`` items as even as can be."""
    return np.minimum(np.arange(calls + 1) * -(-n // calls), n)


def cycle_budget(dt: float, clock_hz: int) -> int:
    """CPU cycles a core has per tick of ``dt`` ms at ``clock_hz``."""
    return int(dt * 1e-3 * clock_hz)


def load(program: MachineProgram, check_routes: bool = True, threads: int | None = None,
         stretch: int | None = None, comm=None) -> Emulation:
    """Lay the program out in memory and resolve routing through the tables."""
    return Emulation(program, check_routes=check_routes, threads=threads, stretch=stretch,
                     comm=comm)


FREE_CORES = FreeCores()  # looks at the machine from import on
NOTICE_AFTER = 1.5  # s of waiting for the kernels before saying that they are compiling


def by_columns(a: np.ndarray) -> np.ndarray:
    """A neuron-by-column array (``cores.params``, ``state0``) as the kernels hold it: in
    Fortran order, so that a column of a core's neurons is contiguous and a cell's update
    across them runs in SIMD lanes (:func:`neurochip.emulator.models.loop.columns_tick`);
    a neuron's row is a strided view. Padded with zeros to at least two rows and two
    columns: an array of one row or one column is C- and F-contiguous at once, numba types
    it C, and every such network would compile the kernels once more for that type."""
    out = np.zeros((max(a.shape[0], 2), max(a.shape[1], 2)), a.dtype, order="F")
    out[:a.shape[0], :a.shape[1]] = a
    return out


def check_threads(threads) -> int | None:
    """``threads`` checked (None: chosen at each run from the cores other processes
    leave free, up to numba's thread count)."""
    most = numba.config.NUMBA_NUM_THREADS
    if threads is None:
        return None
    if not isinstance(threads, (int, np.integer)) or not 1 <= threads <= most:
        raise EmulatorError(f"threads={threads!r}: use 1 to {most} (numba's thread count here; "
                            f"set NUMBA_NUM_THREADS before the first import for more)")
    return int(threads)


class Emulation:
    """A loaded machine: dynamic state plus the per-key routing cache.

    ``stretch`` caps the ticks the cores run between deliveries (default: the
    shortest delay of the machine, at most ``MAX_STRETCH // 2``); 1 is the plain
    tick-by-tick loop, which the tests compare the default against.
    """

    def __init__(self, program: MachineProgram, check_routes: bool = True,
                 threads: int | None = None, stretch: int | None = None, comm=None):
        self.program = p = program
        self.threads = check_threads(threads)  # None: chosen at each run
        self.threads_now = self.threads or numba.config.NUMBA_NUM_THREADS
        cores, syn, r = p.cores, p.synapses, p.routing
        self.core_at = np.full((r.n_chips, 32), -1, dtype=np.int32)
        for c in range(p.n_cores):
            chip, proc = int(cores.chip[c]), int(cores.proc[c])
            if self.core_at[chip, proc] >= 0:
                raise EmulatorError(f"cores {self.core_at[chip, proc]} and {c} are both placed "
                                    f"on chip {chip} processor {proc}")
            self.core_at[chip, proc] = c
        if p.n_cores > MAX_CORES:  # a packet word holds its source core (emulator.delivery)
            raise EmulatorError(f"the machine program has {p.n_cores} cores; the emulator takes "
                                f"at most {MAX_CORES}: map the network onto fewer cores")
        sizes = np.diff(cores.neuron_lo)
        core_of = np.repeat(np.arange(p.n_cores), sizes)
        local = np.arange(p.n_neurons) - cores.neuron_lo[core_of]
        self.key_of = (cores.key[core_of].astype(np.int64) | local).astype(np.uint32)
        self.core_of = core_of
        program_sv = synapse_view(syn, syn.syn, syn.syn_wf)  # the program's own rows
        # the master tables' searches by source core (a packet then reads one entry of the
        # memo, not some log2(entries) of its core's keys one after the other)
        self.mpt_memo = np.zeros((0, MEMO_FIELDS), np.int64)
        if 0 < p.n_cores * p.n_cores <= MEMO_MAX:
            self.mpt_memo = np.empty((p.n_cores * p.n_cores, MEMO_FIELDS), np.int64)
            memo_searches(program_sv, cores.key.astype(np.int64),
                          sizes.astype(np.int64), cores.sends, self.mpt_memo)
        sending = cores.sends[core_of]
        keys = self.key_of[sending]
        chips = cores.chip[core_of[sending]].astype(np.int64)
        t = r.tables
        d_lo, d_hi, dest, e_lo, e_hi, ev = walk_keys(
            keys, chips, t["key"], t["mask"], t["route"], r.table_lo, r.link_to, self.core_at)
        n = p.n_neurons
        self.dest_lo = np.zeros(n, np.int64)
        self.dest_hi = np.zeros(n, np.int64)
        self.dest_lo[sending], self.dest_hi[sending] = d_lo, d_hi
        self.dest = _sorted_ranges(dest, d_lo, d_hi)  # emulator.spikes looks a group's cores up
        self.ev_lo = np.zeros(n, np.int64)
        self.ev_hi = np.zeros(n, np.int64)
        self.ev_lo[sending], self.ev_hi[sending] = e_lo, e_hi
        self.ev = ev
        if check_routes:
            self._check_routes()
        self._ring_dtype = np.uint16 if p.arithmetic == "fixed" else np.float64
        self.rec_spk_neurons = np.flatnonzero(p.recording.spikes)
        self.rec_spk_pos = np.full(n, -1, np.int64)
        self.rec_spk_pos[self.rec_spk_neurons] = np.arange(len(self.rec_spk_neurons))
        # recorded (neuron, state column) pairs in neuron order: column k of the samples;
        # each core's pairs are a contiguous range
        # contiguous: np.nonzero gives strided views of one array when it finds more than
        # one entry, and numba compiles the whole kernel again for each layout
        self.state_neuron, self.state_column = (np.ascontiguousarray(a)
                                                for a in np.nonzero(p.recording.state))
        self.rec_lo = np.searchsorted(self.state_neuron, cores.neuron_lo).astype(np.int64)
        self.input_col = input_columns()
        # params and state column by column (see by_columns)
        self.params = by_columns(cores.params)
        d_min = shortest_delay(program_sv, syn.idx_bits, syn.delay_bits, syn.type_bits)
        g = -1
        if np.any(syn.dyn_kind == DYN_STDP):  # (no call otherwise: a first run compiles less)
            g = target_without_history(program_sv, p.plasticity.hist_row, cores.neuron_lo,
                                       syn.idx_bits)
        if g >= 0:
            raise EmulatorError(f"neuron {g} is the target of plastic (STDP) synapses but keeps no "
                                f"post-spike history: Plasticity.hist_row[{g}] must be >= 0")
        if np.any((syn.dyn_kind == DYN_NEUROMOD) | (syn.dyn_kind == DYN_DOPAMINE)):  # (g is -1)
            g = target_without_dopamine(program_sv, p.plasticity.hist_row,
                                        p.plasticity.hist_lut_d, cores.neuron_lo, syn.idx_bits)
        if g >= 0:
            raise EmulatorError(f"neuron {g} is the target of dopamine or neuromodulated STDP "
                                f"synapses but its history keeps no dopamine trace: "
                                f"Plasticity.hist_lut_d of its history must be >= 0")
        # a synapse that rewiring may form bounds the stretch as an existing one does
        d_min = min(d_min, p.structural.shortest_delay())
        self.stretch = int(max(1, min(d_min, MAX_STRETCH // 2)))
        if stretch is not None:
            if not 1 <= stretch <= self.stretch:
                raise EmulatorError(f"stretch={stretch}: use 1 to {self.stretch} (the shortest "
                                    f"delay, {d_min} ticks, bounds it)")
            self.stretch = int(stretch)
        # each core's room for the spikes of one tick (a spike array may repeat a neuron)
        room = np.diff(cores.neuron_lo)
        ssa = p.sources
        for c in np.flatnonzero(cores.kind == KIND_SPIKE_ARRAY):
            ticks = ssa.ssa_tick[ssa.ssa_lo[c]:ssa.ssa_lo[c + 1]]
            if len(ticks):
                room[c] = max(room[c], np.unique(ticks, return_counts=True)[1].max())
        self.spk_lo = np.r_[0, np.cumsum(room * self.stretch)].astype(np.int64)
        self.di_guide, self.di_guide_lo = guide_tables(p.direct.cdf_lo, p.direct.cdf)
        # the count tables of the neurons and of the rate schedules' segments; a neuron with
        # a schedule draws on its segment's (emulator.poisson.rate_segment sets cdf_lo and
        # guide_lo from the tick: the emulation's own copies)
        self.guide, guide_lo = guide_tables(np.r_[ssa.cdf_lo, ssa.sched_cdf_lo], ssa.cdf)
        self.guide_lo, self.sched_guide_lo = guide_lo[:len(ssa.cdf_lo)], guide_lo[len(ssa.cdf_lo):]
        self.src_cdf_lo = ssa.cdf_lo.copy()
        self.rec_extra = np.empty(1 << 10, np.int64)  # a source's further spikes in a tick
        self.pkt = np.empty(1 << 16, np.int64)
        self.split = np.zeros((2, 0), np.int64)  # the threads' shares of the cores (_args)
        self.cost = np.zeros((3, 0))  # the phases' costs per core (kernel._add_costs)
        self.took = np.zeros((2, 0), np.int64)  # each call's time on the clock
        self.share = share_words(0)  # a phase's ranges while it runs (emulator.claim)
        self.timings = {"jit": 0.0, "emulate": 0.0}
        self._warm = set()  # the tick loops this emulation has called: "serial", "parallel"
        # this process's share of the machine when it runs over several (None: all of it)
        self.ranks = Ranks(comm, self) if comm is not None and comm.Get_size() > 1 else None
        self.rank_loads = []  # after a run over several processes: each one's share and times
        # called (from another thread) when the first run waits on numba for longer than
        # NOTICE_AFTER seconds; None: say nothing
        self.compile_notice = self._say_compiling
        self.sources0 = None  # the program's own sources while live input changed them
        self.reset()

    @property
    def tier(self) -> tuple:
        """The kernel this program runs on (:mod:`neurochip.emulator.tier`)."""
        return tier_of(self.program)

    def _say_compiling(self):
        # after the first loop the per-core kernels are compiled: only the parallel loop is new
        sys.stderr.write(compile_notice(tier_name(self.tier), self.program.arithmetic,
                                        self._loop_name() != "serial", bool(self._warm)))
        sys.stderr.flush()

    def _check_routes(self):
        """Every key of each sending core must reach exactly the core's intended
        cores, and no others."""
        p = self.program
        r = p.routing
        for c in np.flatnonzero(p.cores.sends):
            want = np.unique(r.dest_core[r.dest_lo[c]:r.dest_lo[c + 1]])
            lo, hi = p.cores.neuron_lo[c], p.cores.neuron_lo[c + 1]
            # keys with the same walk share one range: only the odd ones need comparing
            odd = lo + 1 + np.flatnonzero(self.dest_lo[lo + 1:hi] != self.dest_lo[lo])
            for g in (lo, *odd):
                got = self.dest[self.dest_lo[g]:self.dest_hi[g]]
                if not np.array_equal(got, want):
                    raise EmulatorError(
                        f"routing: key {int(self.key_of[g]):#010x} of core {c} reaches cores "
                        f"{got.tolist()} but should reach {want.tolist()}: the routing tables "
                        f"do not implement the intended multicast tree")

    def _loop_name(self) -> str:
        """The tick loop the next call takes (:mod:`neurochip.emulator.kernel_choice`)."""
        if self.ranks is not None:
            return "ranks"
        return "parallel" if self.threads_now > 1 else "serial"

    def _args(self, a, b, budget, rec: RecordView, packets, counters) -> tuple:
        """The tick loop's arguments for ticks ``[a, b)``."""
        # cores per call of the per-core kernels (kernel.run_ticks): a thread's share, one
        # range of cores (numba counts references per call, atomically: calls of one core
        # each ran CUBA slower on two threads than on one, and 8 calls a thread ran the
        # microcircuit (scale 0.3) in 3.2 s against 2.95 with one); the loop moves the
        # ranges' ends to balance the time each thread's cores take (kernel.rebalance)
        n, calls = self.program.n_cores, self.threads_now
        if self.split.shape[1] != calls + 1:
            self.split = np.tile(_even_split(n, calls), (2, 1))
            self.cost = np.zeros((3, n))
            self.took = np.zeros((2, calls), np.int64)
            self.share = share_words(calls, n)
            grp_lo = core_groups(np.diff(self.program.synapses.ring_lo), calls)
            self.groups = (grp_lo, _even_split(len(grp_lo) - 1, calls), share_words(calls))
        return (a, b, (self.stretch, budget, self.split, self.cost, self.took, self.share,
                       self.groups), self.tier,
                *machine_views(self, rec, packets, counters), (self.pkt, self.rec_extra))

    def _kernel(self, a, b, budget, rec: RecordView, packets, counters):
        numba.set_num_threads(self.threads_now)
        chunk = numba.set_parallel_chunksize(1)  # threads take one range of cores at a time
        try:
            if self.ranks is None:
                loop = run_ticks if self.threads_now > 1 else run_ticks_serial
                buffers = loop(*self._args(a, b, budget, rec, packets, counters))
            else:
                buffers = self.ranks.run_ticks(a, b, self.stretch, budget, self.tier,
                                               machine_views(self, rec, packets, counters),
                                               (self.pkt, self.rec_extra))
            self.pkt, self.rec_extra = buffers
        finally:
            numba.set_parallel_chunksize(chunk)

    def _warm_up(self, budget, n_words, n_src, packets, counters):
        """A zero-tick call of the loop the run takes: numba compiles it or loads it from
        its cache, timed apart from the emulation (``timings["jit"]``)."""
        loop = self._loop_name()
        if loop in self._warm:
            return
        tj = time.perf_counter()
        # loading the cache takes a fraction of a second: a longer wait is a compilation
        notice = threading.Timer(NOTICE_AFTER, self.compile_notice) if self.compile_notice else None
        if notice is not None:
            notice.daemon = True
            notice.start()
        try:
            in_room(self._kernel, self._t, self._t, budget, record_view(self, 0, n_words, n_src),
                    packets, counters)
        finally:
            if notice is not None:
                notice.cancel()
        self.timings["jit"] += time.perf_counter() - tj
        self._warm.add(loop)

    @property
    def t(self) -> int:
        """Ticks run since load or the last reset."""
        return self._t

    def reset(self):
        """Back to the initial state: t = 0, initial values, empty ring buffers."""
        live.restore(self)  # the program's own sources, if live input changed them
        p = self.program
        sy = p.synapses
        self.state = by_columns(p.cores.state0)
        # rows with dynamics change as the network runs: the emulation works on its own copy
        dynamic = len(sy.dyn_kind) > 0
        self.syn = sy.syn.copy() if dynamic else sy.syn
        self.syn_wf = sy.syn_wf.copy() if dynamic else sy.syn_wf
        # injected current: a row per tick of a stretch where current sources set it
        rows = self.stretch if p.electrodes.n_sources else 1
        self.i_inj = np.zeros((rows, p.n_neurons), self.state.dtype)
        self.ring = np.zeros(int(sy.ring_lo[-1]), dtype=self._ring_dtype)
        # delegated Poisson sources' own ring (emulator.direct); empty without them
        self.dring = np.zeros(len(self.ring) if p.direct.n else 0, dtype=self._ring_dtype)
        self.ssa_ptr = p.sources.ssa_lo[:-1].copy()
        self.rng = p.sources.rng0.copy()
        self.poisson_count = np.zeros((p.n_neurons, 2), np.int64)
        el = p.electrodes
        self.cs_ptr = el.chg_lo[:-1].copy()
        self.cs_val = np.zeros(el.n_sources, self.state.dtype)
        self.cs_pair_val = np.zeros(len(el.tgt), self.state.dtype)
        self.cs_rng = el.rng0.copy()
        # the delegated sources' generators and counters by columns, as params and state
        # (direct._draws runs them in SIMD lanes)
        self.di_rng = by_columns(p.direct.rng0)
        self.di_count = by_columns(np.zeros((p.direct.n, 2), np.int64))
        # post-spike histories (emulator.stdp): room for `history` entries plus the spikes
        # of one stretch, a power of two
        pl = p.plasticity
        rows = len(pl.hist_lut)
        # (dopamine histories: two entries a tick, a post spike and a dopamine entry)
        per_tick = 2 if pl.dopamine else 1
        cap = 1 << int(pl.history + per_tick * self.stretch - 1).bit_length()
        self.hist_t = np.zeros((rows, cap), np.int64)
        self.hist_tr = np.zeros((rows, cap), np.int32 if p.arithmetic == "fixed" else np.float64)
        triplets = rows if np.any(pl.hist_lut2 >= 0) else 0  # the triplet rule's second trace
        self.hist_tr2 = np.zeros((triplets, cap), self.hist_tr.dtype)
        self.hist_n = np.zeros(rows, np.int64)
        dop = rows if pl.dopamine else 0  # dopamine-modulated STDP's entries
        self.hist_da = np.zeros((dop, cap), self.hist_tr.dtype)
        self.hist_inc = np.zeros((dop, cap), self.hist_tr.dtype)
        self.hist_isd = np.zeros((dop, cap), np.uint8)
        self._reset_structural()
        self._t = 0

    def _reset_structural(self):
        """Rewiring (emulator.structural): the post-to-pre tables, generators, each core's
        buffers of last tick's spikes, and counts of formations and eliminations."""
        st = self.program.structural
        self.st_slots = st.slots0.copy()
        self.st_rng = st.rng0.copy()
        self.st_pop_rng = st.pop_rng0.copy()
        size = int(st.set_i[:, SI_BUF].max(initial=0))
        n_cores = len(st.core_set)
        self.st_buf = np.zeros((n_cores, 2, max(size, 1)), np.int64)
        self.st_buf_n = np.zeros((n_cores, 2), np.int64)
        self.st_buf_t = np.full((n_cores, 2), -1, np.int64)
        self.st_counts = np.zeros((n_cores, 2), np.int64)

    def adopt_state(self, other: Emulation):
        """Take over the dynamic state of an emulation of the same layout (after a
        parameter change between runs)."""
        if other.state.shape != self.state.shape or other.ring.shape != self.ring.shape:
            raise EmulatorError("adopt_state: the two programs have different layouts")
        self.state = other.state.astype(self.state.dtype)
        self.ring = other.ring.astype(self.ring.dtype)
        self.rng = other.rng.copy()
        self.poisson_count = other.poisson_count.copy()
        if other.di_rng.shape == self.di_rng.shape:  # delegated sources go on drawing
            self.di_rng = other.di_rng.copy(order="F")
            self.di_count = other.di_count.copy(order="F")
        if other.dring.shape == self.dring.shape:
            self.dring = other.dring.astype(self.dring.dtype)
        if self.syn.shape == other.syn.shape:
            self._adopt_dynamics_state(other)
        if self.st_slots.shape == other.st_slots.shape and self.st_buf.shape == other.st_buf.shape:
            for name in ("st_slots", "st_rng", "st_pop_rng", "st_buf", "st_buf_n", "st_buf_t",
                         "st_counts"):
                setattr(self, name, getattr(other, name).copy())
        if len(other.hist_n) == len(self.hist_n):  # the neurons' post-spike histories
            copy_histories(other.hist_n, self.hist_n,
                           [(other.hist_t, self.hist_t),
                            (other.hist_tr.astype(self.hist_tr.dtype), self.hist_tr),
                            (other.hist_tr2.astype(self.hist_tr2.dtype), self.hist_tr2),
                            (other.hist_da.astype(self.hist_da.dtype), self.hist_da),
                            (other.hist_inc.astype(self.hist_inc.dtype), self.hist_inc),
                            (other.hist_isd, self.hist_isd)])
        self._t = other._t
        if self.ranks is not None and other.ranks is not None:  # each core stays where its state is
            self.ranks = Ranks(self.ranks.comm, self, owner=other.ranks.owner)
        p = self.program
        el = p.electrodes
        # current sources continue from now with their (possibly new) parameters
        for e in range(el.n_sources):
            lo, hi = el.chg_lo[e], el.chg_lo[e + 1]
            k = lo + np.searchsorted(el.chg_tick[lo:hi], self._t, side="left")
            self.cs_ptr[e] = k
            self.cs_val[e] = el.chg_amp[k - 1] if k > lo else 0
        if other.cs_rng.shape == self.cs_rng.shape:
            self.cs_rng = other.cs_rng.copy()
            self.cs_pair_val = other.cs_pair_val.astype(self.cs_pair_val.dtype)
        # spike sources continue from the current time with their (possibly new) events
        ssa = p.sources
        for c in range(p.n_cores):
            lo, hi = ssa.ssa_lo[c], ssa.ssa_lo[c + 1]
            self.ssa_ptr[c] = lo + np.searchsorted(ssa.ssa_tick[lo:hi], self._t + 1)

    def _adopt_dynamics_state(self, other):
        """Carry the state of the synapses with dynamics over, kind by kind (their
        parameters may have changed: those come from the new program)."""
        sy = self.program.synapses
        n = np.repeat(sy.mpt_n.astype(np.int64), np.diff(sy.mpt_dyn_lo))
        rewired = set(self.program.structural.row_addr.tolist())
        for b, kind in enumerate(sy.dyn_kind):
            lo, stride = int(sy.dyn_row_lo[b]), int(sy.dyn_stride[b])
            if lo in rewired:  # rows that rewiring edits: as they are now, whole
                hi = lo + int(n[b]) * stride
                self.syn[lo:hi] = other.syn[lo:hi]
                if len(self.syn_wf) and len(other.syn_wf):
                    self.syn_wf[lo:hi] = other.syn_wf[lo:hi]
                continue
            carry = DYNAMICS[int(kind)].carry
            if carry is None:
                continue
            for row in range(lo, lo + int(n[b]) * stride, stride):
                carry(self.syn, self.syn_wf, other.syn, other.syn_wf, row)

    def run(self, n_ticks: int, progress=None, chunk_ticks: int | None = None) -> RunResult:
        """Run ``n_ticks`` ticks, in chunks no longer than the recording buffers (nor than
        ``chunk_ticks``); ``progress(ticks)`` is called after each chunk with the ticks it
        ran. The results do not depend on the chunks."""
        if n_ticks < 0:
            raise EmulatorError(f"run: n_ticks={n_ticks} must be >= 0")
        most = numba.config.NUMBA_NUM_THREADS
        if self.ranks is not None:  # the processes share the machine's cores
            most = max(1, min(most, (os.cpu_count() or 1) // self.ranks.size))
        want = self.threads_now = self.threads or FREE_CORES.threads(most)
        p = self.program
        n_chips = p.routing.n_chips
        counters = np.zeros((p.n_cores, len(COUNTERS)), np.int64)
        packets = np.zeros(p.n_neurons, np.int64)
        budget = cycle_budget(p.dt, p.clock_hz)
        spk_t, spk_n, samples, sources = [], [], [], []
        n_src = p.electrodes.n_sources
        n_words = (len(self.rec_spk_neurons) + 31) // 32
        t0 = self._t
        # the default threads take the serial loop until the parallel one is compiled or
        # worth compiling (kernel_choice); `probe`: this run measures the serial loop first
        choice, probe, serial_s = None, False, 0.0
        if self.ranks is None and self.threads is None and want > 1:
            name = tier_name(self.tier)
            choice = LoopChoice(f"{name}-{p.arithmetic}", name)
            args = self._args(t0, t0, budget, record_view(self, 0, n_words, n_src), packets, counters)
            tj = time.perf_counter()
            found = compiled(run_ticks, args)  # loaded from numba's cache, if there: jit's time
            self.timings["jit"] += time.perf_counter() - tj
            if not found and not choice.paid_off():
                self.threads_now, probe = 1, True
        self._warm_up(budget, n_words, n_src, packets, counters)
        most_ticks = int(p.recording.max_ticks) if chunk_ticks is None else min(
            int(p.recording.max_ticks), max(1, int(chunk_ticks)))
        if self.ranks is not None:  # every rank must run the same stretches
            most_ticks = self.ranks.agree(most_ticks)
            self.ranks.start_run()
        done = 0
        while done < n_ticks:
            chunk = min(n_ticks - done, most_ticks, probe_ticks(n_ticks) if probe else n_ticks)
            rec = record_view(self, chunk, n_words, n_src)
            spike_rec, state_rec, src_rec, n_extra = rec.spikes, rec.state, rec.sources, rec.n_extra
            a = self._t
            tr = time.perf_counter()
            self._kernel(a, a + chunk, budget, rec, packets, counters)
            if self.ranks is not None:  # each core's state columns from its owner
                self.ranks.merge_owned(state_rec)
            took = time.perf_counter() - tr
            self.timings["emulate"] += took
            if self.threads_now < want:
                serial_s += took
            # host extraction of this chunk: bits -> (tick, neuron)
            if n_words:
                r, pos = _set_bits(spike_rec, len(self.rec_spk_neurons))
                extra = self.rec_extra[:n_extra[0]]
                r = np.r_[r, extra >> 32]
                pos = np.r_[pos, extra & 0xFFFFFFFF]
                order = np.lexsort((pos, r))  # tick order, neurons in order within a tick
                spk_t.append(r[order].astype(np.int64) + a)
                spk_n.append(self.rec_spk_neurons[pos[order]])
            samples.append(state_rec)
            sources.append(src_rec)
            self._t += chunk
            done += chunk
            if probe:  # the rest of the run on the parallel loop, if that repays its compilation
                probe = False
                if done < n_ticks and choice.worth_now(took / chunk, n_ticks - done, want):
                    self.threads_now = want
                    self._warm_up(budget, n_words, n_src, packets, counters)
            if progress is not None:
                progress(chunk)
        if serial_s > 0.0:
            choice.add(serial_s, want)
        if self.ranks is not None:  # each core's counters and learned weights from its owner
            self.ranks.merge_counters(counters)
            self.ranks.merge_rows((self.syn, self.syn_wf))
            self.rank_loads = self.ranks.loads(self, counters, self._t - t0)
        counts = event_counts(packets, self.ev_lo, self.ev_hi, self.ev, n_chips)
        return RunResult(
            t0=t0, t1=self._t,
            spike_ticks=np.concatenate(spk_t) if spk_t else np.zeros(0, np.int64),
            spike_neurons=np.concatenate(spk_n) if spk_n else np.zeros(0, np.int64),
            state_samples=np.concatenate(samples) if samples else np.zeros((0, len(self.state_neuron))),
            state_neuron=self.state_neuron, state_column=self.state_column,
            counters=counters, link_packets=counts[:, :6].copy(),
            router_packets=counts[:, EV_ROUTER].copy(), default_routed=counts[:, EV_DEFAULT].copy(),
            dropped=counts[:, EV_DROP].copy(), packets_sent=packets,
            source_samples=np.concatenate(sources) if sources else np.zeros((0, n_src)))


