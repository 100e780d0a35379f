"""Simulator state of the neurochip backend (PyNN's ``simulator`` module).

Holds the network as PyNN objects, and turns it into a NetworkGraph, a
Mapping and a loaded Emulation when a run needs them. Any change to the
network marks it dirty; the next run maps it again and carries the dynamic
state over when the layout is unchanged.
"""

from __future__ import annotations

import time

import numpy as np
from numba.core.event import install_timer
from pyNN import common

from neurochip.emulator import load
from neurochip.emulator.jit_cache import in_room
from neurochip.mapping.graph import NetworkGraph
from neurochip.mapping.machine import spinn3, spinn5, torus
from neurochip.mapping.pipeline import map_network

from . import scratch
from .errors import NeurochipError
from .machine_report import speak
from .progress import RunProgress

name = "neurochip"

MACHINES = {"spinn3": spinn3, "spinn5": spinn5}


class ID(int, common.IDMixin):
    def __init__(self, n):
        int.__init__(n)
        common.IDMixin.__init__(self)


class State(common.control.BaseState):
    def __init__(self):
        super().__init__()
        self.mpi_rank = 0
        self.num_processes = 1
        self.comm = None  # mpi4py's COMM_WORLD under mpirun (neurochip.emulator.ranks)
        self.dt = 0.1
        self.min_delay = 0.1
        self.min_delay_auto = True
        self.max_delay = 1.5
        self.arithmetic = "fixed"
        self.machine = None
        self.placer = "sequential"
        self.seed = 0
        self.threads = None
        self.time_scale_factor = 10
        self.strict = False
        self.progress = None
        self.spike_stamp = "end"  # setup(spike_time_convention=...): NetworkGraph.spike_stamp
        self.neurons_per_core = {}
        self.segment_counter = -1
        self.clear()

    # --- network bookkeeping ---------------------------------------------------
    def clear(self):
        self.recorders = set()
        self.populations = []
        self.projections = []
        self.current_sources = []
        self.id_counter = 0
        self.segment_counter = -1
        self.mapping = None
        self.emulation = None
        self.dirty = True
        self.timings = {}
        self.reset()

    def reset(self):
        """Time back to 0, a new segment; the network stays."""
        scratch.release()  # whatever the build still held
        self.running = False
        self.t_ticks = 0
        self.t_start = 0
        self.segment_counter += 1
        self.results = []  # (mapping, RunResult) of the current segment
        from . import live  # what host programs sent for the old segment is forgotten
        live.clear_pending()
        if self.emulation is not None and not self.dirty:
            self.emulation.reset()
        else:
            self.emulation = None

    def mark_dirty(self):
        self.dirty = True

    @property
    def t(self):
        return self.t_ticks * self.dt

    # --- running ---------------------------------------------------------------
    def run(self, simtime):
        self.run_until(self.t + simtime)

    def run_until(self, tstop):
        # timings["kernels"]: the part of the stages below (map, load, jit, emulate) that numba
        # spent getting kernels ready: its runtime's start-up in a fresh process, loading each
        # kernel from its disk cache (emulator.cache_load), or compiling it (numba's event API
        # times its compiler lock, which all of these hold)
        kernels = []
        with install_timer("numba:compiler_lock", kernels.append):
            in_room(self._run_until, tstop)  # mapping and the first run compile kernels
        self.timings["kernels"] = self.timings.get("kernels", 0.0) + sum(kernels)  # since setup()

    def _run_until(self, tstop):
        n_ticks = int(round(tstop / self.dt)) - self.t_ticks
        if n_ticks < 0:
            raise ValueError(f"run_until({tstop}): time is in the past (now {self.t} ms)")
        self._prepare()
        self.running = True
        if n_ticks:
            # one bar and one compile notice, from rank 0
            quiet = self.progress is False or self.mpi_rank > 0
            bar = RunProgress(False if quiet else self.progress, n_ticks, self.dt, self.t)
            if quiet:
                self.emulation.compile_notice = None
            from . import live  # live I/O (sim.external_devices): stretches and callbacks
            try:
                result = live.run(self, n_ticks, bar)
                if result is None:  # nothing live in the network
                    result = self.emulation.run(n_ticks, progress=bar.update,
                                                chunk_ticks=bar.chunk_ticks)
            finally:
                bar.close()
            self.timings.update(self.emulation.timings)
            self.results.append((self.mapping, result))
            self.t_ticks = self.emulation.t
            speak(result, self.mapping, self)

    def build_graph(self) -> NetworkGraph:
        pops = tuple(p._spec(i) for i, p in enumerate(self.populations))
        index = {id(p): i for i, p in enumerate(self.populations)}
        prjs = []
        for prj in self.projections:  # each remembers its specs' numbers (learned weights)
            prj._graph_parts = []
            for spec, part in prj._specs(index):
                prj._graph_parts.append((len(prjs), part))
                prjs.append(spec)
        prjs = tuple(prjs)
        els = tuple(src._spec(i, index) for i, src in enumerate(self.current_sources))
        return NetworkGraph(dt=self.dt, populations=pops, projections=prjs, seed=self.seed,
                            electrodes=els, spike_stamp=self.spike_stamp)

    @property
    def stamp_offset(self) -> int:
        """A spike sent in step k is stamped (k + stamp_offset) dt."""
        return 1 if self.spike_stamp == "end" else 0

    def machine_spec(self):
        m = self.machine
        if m is None or not isinstance(m, str):
            return m
        if m in MACHINES:
            return MACHINES[m]()
        try:
            w, h = (int(v) for v in m.lower().split("x"))
            return torus(w, h)
        except ValueError:
            raise NeurochipError(f"setup(machine={m!r}): use 'spinn3', 'spinn5', 'WxH' (a "
                                 f"torus), a neurochip.mapping.MachineSpec, or None (smallest that "
                                 f"fits)") from None

    def _prepare(self):
        if not self.dirty and self.emulation is not None:
            return
        if not self.populations:
            raise NeurochipError("run(): the network has no populations; create some first")
        scratch.release()  # the build is over: its scratch is not the mapping's to hold
        t0 = time.perf_counter()
        graph = self.build_graph()
        t1 = time.perf_counter()
        mapping = map_network(graph, self.machine_spec(), placer=self.placer,
                              arithmetic=self.arithmetic, max_per_core=self.neurons_per_core,
                              threads=self.threads)
        t2 = time.perf_counter()
        emulation = load(mapping.program, threads=self.threads, comm=self.comm)
        self.timings.update(graph=t1 - t0, map=t2 - t1, load=time.perf_counter() - t2)
        if self.emulation is not None and self.t_ticks > 0:
            old = self.emulation
            if (old.state.shape == emulation.state.shape and old.ring.shape == emulation.ring.shape
                    and np.array_equal(old.program.cores.neuron_lo,
                                       emulation.program.cores.neuron_lo)):
                emulation.adopt_state(old)
            else:
                raise NeurochipError(
                    "the network's structure changed after a run (the cores are laid out "
                    "differently now); call sim.reset() before changing it")
        self.mapping, self.emulation, self.dirty = mapping, emulation, False


state = State()
