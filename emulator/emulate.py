"""Load a MachineProgram and run it: the public face of the emulator.

>>> machine = load(program)          # walks every key through the tables once
>>> result = machine.run(10_000)     # ticks; split into chunks if recording fills up

``threads`` shares the cores of the machine out among that many threads (default:
chosen at each run, one per core that other processes leave free, up to numba's
thread count; see :mod:`neurochip.emulator.free_cores`); the result does not depend on it.
"""

from __future__ import annotations

import time

import numba
import numpy as np

from .cores import COUNTERS
from .errors import EmulatorError
from .free_cores import FreeCores
from .kernel import MAX_STRETCH, run_ticks
from .models import input_columns
from .poisson import guide_tables
from .program import KIND_SPIKE_ARRAY, TYPE_BITS, MachineProgram
from .results import RunResult
from .routing import EV_DEFAULT, EV_DROP, EV_PER_CHIP, EV_ROUTER, walk_keys
from .short_term import TM_HEADER, TM_WORDS
from .stretch import shortest_delay

__all__ = ["load", "Emulation", "check_threads"]


def load(program: MachineProgram, check_routes: bool = True, threads: int | None = None,
         stretch: int | None = None) -> Emulation:
    """Lay the program out in memory and resolve routing through the tables."""
    return Emulation(program, check_routes=check_routes, threads=threads, stretch=stretch)


FREE_CORES = FreeCores()  # looks at the machine from import on


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
                 threads: int | None = None, stretch: int | None = None):
        self.program = p = program
        self.threads = check_threads(threads)  # None: chosen at each run
        self.threads_now = self.threads or numba.config.NUMBA_NUM_THREADS
        n_chips = p.width * p.height
        self.core_at = np.full((n_chips, 32), -1, dtype=np.int32)
        for c in range(p.n_cores):
            chip, proc = int(p.core_chip[c]), int(p.core_p[c])
            if not 0 <= proc < 32:
                raise EmulatorError(f"core {c}: processor number {proc} is outside 0..31")
            if self.core_at[chip, proc] >= 0:
                raise EmulatorError(f"cores {self.core_at[chip, proc]} and {c} are both placed "
                                    f"on chip {chip} processor {proc}")
            self.core_at[chip, proc] = c
        sizes = np.diff(p.neuron_lo)
        core_of = np.repeat(np.arange(p.n_cores), sizes)
        local = np.arange(p.n_neurons) - p.neuron_lo[core_of]
        self.key_of = (p.core_key[core_of].astype(np.int64) | local).astype(np.uint32)
        self.core_of = core_of
        sending = p.core_sends[core_of]
        keys = self.key_of[sending]
        chips = p.core_chip[core_of[sending]].astype(np.int64)
        t = p.tables
        d_lo, d_hi, dest, e_lo, e_hi, ev = walk_keys(
            keys, chips, t["key"], t["mask"], t["route"], p.table_lo, p.link_to, self.core_at)
        n = p.n_neurons
        self.dest_lo = np.zeros(n, np.int64)
        self.dest_hi = np.zeros(n, np.int64)
        self.dest_lo[sending], self.dest_hi[sending] = d_lo, d_hi
        self.dest = dest
        self.ev_lo = np.zeros(n, np.int64)
        self.ev_hi = np.zeros(n, np.int64)
        self.ev_lo[sending], self.ev_hi[sending] = e_lo, e_hi
        self.ev = ev
        if check_routes:
            self._check_routes()
        ring_size = np.where(np.diff(p.ring_lo) > 0,
                             1 << (p.delay_bits.astype(np.int64) + TYPE_BITS + p.idx_bits), 0)
        if np.any(np.diff(p.ring_lo) != ring_size):
            bad = int(np.argmax(np.diff(p.ring_lo) != ring_size))
            raise EmulatorError(f"core {bad}: ring buffer of {np.diff(p.ring_lo)[bad]} entries, "
                                f"expected {ring_size[bad]}")
        self._ring_dtype = np.uint16 if p.arithmetic == "fixed" else np.float64
        self.rec_spk_neurons = np.flatnonzero(p.rec_spikes)
        self.rec_spk_pos = np.full(n, -1, np.int64)
        self.rec_spk_pos[self.rec_spk_neurons] = np.arange(len(self.rec_spk_neurons))
        # recorded (neuron, state column) pairs in neuron order: column k of the samples;
        # each core's pairs are a contiguous range
        self.state_neuron, self.state_column = np.nonzero(p.rec_state)
        self.rec_lo = np.searchsorted(self.state_neuron, p.neuron_lo).astype(np.int64)
        self.input_col = input_columns()
        d_min = shortest_delay(p.mpt_lo, p.mpt_row_lo, p.mpt_stride, p.mpt_n, p.row_ptr,
                               p.mpt_prow_lo, p.mpt_pstride, p.mpt_pkind, p.idx_bits,
                               p.delay_bits, p.syn)
        self.stretch = int(max(1, min(d_min, MAX_STRETCH // 2)))
        if stretch is not None:
            if not 1 <= stretch <= self.stretch:
                raise EmulatorError(f"stretch={stretch}: use 1 to {self.stretch} (the shortest "
                                    f"delay, {d_min} ticks, bounds it)")
            self.stretch = int(stretch)
        # each core's room for the spikes of one tick (a spike array may repeat a neuron)
        room = np.diff(p.neuron_lo)
        for c in np.flatnonzero(p.core_kind == KIND_SPIKE_ARRAY):
            ticks = p.ssa_tick[p.ssa_lo[c]:p.ssa_lo[c + 1]]
            if len(ticks):
                room[c] = max(room[c], np.unique(ticks, return_counts=True)[1].max())
        self.spk_lo = np.r_[0, np.cumsum(room * self.stretch)].astype(np.int64)
        self.di_guide, self.di_guide_lo = guide_tables(p.direct.cdf_lo, p.direct.cdf)
        self.guide, self.guide_lo = guide_tables(p.poisson_cdf_lo, p.poisson_cdf)
        self.rec_extra = np.empty(1 << 10, np.int64)  # a source's further spikes in a tick
        self.pkt = np.empty(1 << 16, np.int64)
        self.scratch = np.empty((4, len(self.pkt)), np.int64)
        self.timings = {"jit": 0.0, "emulate": 0.0}
        self._warm = False
        self.reset()

    def _check_routes(self):
        """Every key of each sending core must reach exactly the core's intended
        cores, and no others."""
        p = self.program
        for c in np.flatnonzero(p.core_sends):
            want = np.unique(p.dest_core[p.dest_lo[c]:p.dest_lo[c + 1]])
            lo, hi = p.neuron_lo[c], p.neuron_lo[c + 1]
            # keys with the same walk share one range: only the odd ones need comparing
            odd = lo + 1 + np.flatnonzero(self.dest_lo[lo + 1:hi] != self.dest_lo[lo])
            for g in (lo, *odd):
                got = self.dest[self.dest_lo[g]:self.dest_hi[g]]
                if not np.array_equal(got, want):
                    raise EmulatorError(
                        f"routing: key {int(self.key_of[g]):#010x} of core {c} reaches cores "
                        f"{got.tolist()} but should reach {want.tolist()}: the routing tables "
                        f"do not implement the intended multicast tree")

    def _kernel(self, a, b, budget, spike_rec, state_rec, src_rec, packets, counters, n_extra):
        p = self.program
        el = p.electrodes
        di = p.direct
        spk = np.empty(self.spk_lo[-1], np.int64)
        spk_n = np.zeros((p.n_cores, self.stretch), np.int64)
        cyc = np.zeros((p.n_cores, self.stretch), np.int64)
        pkt_lo = np.zeros(p.n_cores + 1, np.int64)
        numba.set_num_threads(self.threads_now)
        chunk = numba.set_parallel_chunksize(1)  # threads take one core at a time
        try:
            self.pkt, self.scratch, self.rec_extra = run_ticks(
                a, b, self.stretch, budget, p.core_kind, p.neuron_lo, p.core_sends, self.key_of,
                p.params, self.state, self.ring, self.dring, p.ring_lo, p.idx_bits, p.delay_bits, p.shift,
                p.mpt_lo, p.mpt_key, p.mpt_mask, p.mpt_row_lo, p.mpt_stride, p.mpt_n, p.row_ptr,
                self.syn, self.syn_wf, p.mpt_prow_lo, p.mpt_pstride, p.mpt_pkind,
                np.uint64(p.syn_seed & 0xFFFFFFFFFFFFFFFF), p.tm_lut, p.tm_tau,
                p.ssa_lo, p.ssa_tick, p.ssa_idx, self.ssa_ptr,
                p.poisson_cdf_lo, p.poisson_cdf, self.guide, self.guide_lo,
                p.poisson_start, p.poisson_end, self.rng,
                p.poisson_refrac, p.poisson_every, self.poisson_count,
                self.dest_lo, self.dest_hi, self.dest,
                self.rec_spk_pos, spike_rec, self.rec_lo, self.state_neuron, self.state_column,
                state_rec, self.input_col,
                self.i_inj, el.kind, el.start, el.stop, el.interval, el.amplitude, el.offset,
                el.mean, el.stdev, el.phase0, el.phase_inc, el.chg_lo, el.chg_tick, el.chg_amp,
                el.tgt_lo, el.tgt, self.cs_ptr, self.cs_val, self.cs_pair_val, self.cs_rng,
                src_rec, packets, counters, spk, self.spk_lo, spk_n, cyc, self.pkt, pkt_lo,
                self.scratch, self.rec_extra, n_extra,
                di.lo, di.target, di.type, di.weight, di.weight_f, di.delay,
                di.start, di.end, di.refrac, di.every, self.di_rng, self.di_count,
                di.cdf_lo, di.cdf, self.di_guide, self.di_guide_lo)
        finally:
            numba.set_parallel_chunksize(chunk)

    @property
    def t(self) -> int:
        """Ticks run since load or the last reset."""
        return self._t

    def reset(self):
        """Back to the initial state: t = 0, initial values, empty ring buffers."""
        p = self.program
        self.state = p.state0.copy()
        # plastic rows change as the network runs: the emulation works on its own copy
        self.syn = p.syn.copy() if np.any(p.mpt_prow_lo >= 0) else p.syn
        self.syn_wf = p.syn_wf.copy() if np.any(p.mpt_prow_lo >= 0) else p.syn_wf
        # injected current: a row per tick of a stretch where current sources set it
        rows = self.stretch if p.electrodes.n_sources else 1
        self.i_inj = np.zeros((rows, p.n_neurons), self.state.dtype)
        self.ring = np.zeros(int(p.ring_lo[-1]), dtype=self._ring_dtype)
        # delegated Poisson sources' own ring (emulator.direct); empty without them
        self.dring = np.zeros(len(self.ring) if p.direct.n else 0, dtype=self._ring_dtype)
        self.ssa_ptr = p.ssa_lo[:-1].copy()
        self.rng = p.rng0.copy()
        self.poisson_count = np.zeros((p.n_neurons, 2), np.int64)
        el = p.electrodes
        self.cs_ptr = el.chg_lo[:-1].copy()
        self.cs_val = np.zeros(el.n_sources, self.state.dtype)
        self.cs_pair_val = np.zeros(len(el.tgt), self.state.dtype)
        self.cs_rng = el.rng0.copy()
        self.di_rng = p.direct.rng0.copy()
        self.di_count = np.zeros((p.direct.n, 2), np.int64)
        self._t = 0

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
            self.di_rng = other.di_rng.copy()
            self.di_count = other.di_count.copy()
        if other.dring.shape == self.dring.shape:
            self.dring = other.dring.astype(self.dring.dtype)
        if self.syn.shape == other.syn.shape and np.any(self.program.mpt_pkind[
                self.program.mpt_prow_lo >= 0] == 0):
            self._adopt_plastic_state(other)
        self._t = other._t
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
        for c in range(p.n_cores):
            lo, hi = p.ssa_lo[c], p.ssa_lo[c + 1]
            self.ssa_ptr[c] = lo + np.searchsorted(p.ssa_tick[lo:hi], self._t + 1)

    def _adopt_plastic_state(self, other):
        """Carry u, x and the last spike tick of plastic rows over (weights and U, tau
        may have changed: those come from the new program)."""
        p = self.program
        for e in np.flatnonzero((p.mpt_prow_lo >= 0) & (p.mpt_pkind == 0)):
            lo = p.mpt_prow_lo[e]
            hi = lo + p.mpt_n[e] * p.mpt_pstride[e]
            for r in range(lo, hi, p.mpt_pstride[e]):
                cnt = int(self.syn[r])
                self.syn[r + 1] = other.syn[r + 1]
                for k in range(cnt):
                    a = r + TM_HEADER + TM_WORDS * k
                    self.syn[a + 2:a + 4] = other.syn[a + 2:a + 4]
                    if len(self.syn_wf):
                        self.syn_wf[a + 2:a + 4] = other.syn_wf[a + 2:a + 4]

    def run(self, n_ticks: int) -> RunResult:
        """Run ``n_ticks`` ticks, in chunks no longer than the recording buffers."""
        if n_ticks < 0:
            raise EmulatorError(f"run: n_ticks={n_ticks} must be >= 0")
        most = numba.config.NUMBA_NUM_THREADS
        self.threads_now = self.threads or FREE_CORES.threads(most)
        p = self.program
        n_chips = p.width * p.height
        counters = np.zeros((p.n_cores, len(COUNTERS)), np.int64)
        packets = np.zeros(p.n_neurons, np.int64)
        budget = int(p.dt * 1e-3 * 200e6)
        spk_t, spk_n, samples, sources = [], [], [], []
        n_src = p.electrodes.n_sources
        n_words = (len(self.rec_spk_neurons) + 31) // 32
        t0 = self._t
        if not self._warm:  # a zero-tick call: numba compiles or loads its cache, timed apart
            tj = time.perf_counter()
            self._kernel(t0, t0, budget, np.zeros((0, n_words), np.uint32),
                         np.zeros((0, len(self.state_neuron)), self.state.dtype),
                         np.zeros((0, n_src), self.state.dtype), packets, counters,
                         np.zeros(1, np.int64))
            self.timings["jit"] = time.perf_counter() - tj
            self._warm = True
        done = 0
        while done < n_ticks:
            chunk = min(n_ticks - done, int(p.max_record_ticks))
            spike_rec = np.zeros((chunk, n_words), np.uint32)
            state_rec = np.zeros((chunk, len(self.state_neuron)), self.state.dtype)
            src_rec = np.zeros((chunk, n_src), self.state.dtype)
            a = self._t
            tr = time.perf_counter()
            n_extra = np.zeros(1, np.int64)
            self._kernel(a, a + chunk, budget, spike_rec, state_rec, src_rec, packets, counters,
                         n_extra)
            self.timings["emulate"] += time.perf_counter() - tr
            # host extraction of this chunk: bits -> (tick, neuron)
            if n_words:
                bits = np.unpackbits(spike_rec.view(np.uint8), axis=1, bitorder="little")
                r, pos = np.nonzero(bits[:, :len(self.rec_spk_neurons)])
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
        # exact link/router counts: packets per key x usage per key
        counts = np.zeros(n_chips * EV_PER_CHIP, np.int64)
        senders = np.flatnonzero(packets)
        if len(senders):
            lens = self.ev_hi[senders] - self.ev_lo[senders]
            idx = np.repeat(self.ev_lo[senders], lens) + (
                np.arange(lens.sum()) - np.repeat(np.cumsum(lens) - lens, lens))
            np.add.at(counts, self.ev[idx], np.repeat(packets[senders], lens))
        counts = counts.reshape(n_chips, EV_PER_CHIP)
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


