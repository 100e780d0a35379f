"""The emulated machine split over MPI processes (ranks), with the answer of one process.

Started by ``mpirun -n N``, every rank loads the whole MachineProgram (mapping is
deterministic, and :class:`Ranks` checks that all ranks built the same one) and owns a
share of its cores: a contiguous run of cores in core order, cut where the estimated
load (:func:`core_loads`) is balanced (:func:`split_cores`). A rank updates and delivers
to its own cores only. Between the two halves of every stretch (the shortest delay: no
spike can act sooner, as in NEST's min-delay communication) the ranks all-gather the
stretch's spike buffers of their cores, so that every rank sorts the same packets in the
same order as one process would (:mod:`neurochip.emulator.kernel_ranks`).

Every rank records every spike and counts every packet (for the link counts), but queues
only the packets of its own cores (``Ranks.routes``: each key's destinations on this rank).
A core's state, ring buffers, rows and counters live on its owner; the other ranks'
copies go stale and are never read. At the end of a run the ranks merge what the host
reads back: the per-core provenance counters and recorded state columns (each owned by
one core, zero elsewhere: a bitwise OR), and the rows with synapse dynamics (learned
weights), each core's from its owner. Every rank then holds the run's whole result.

The exchange is an all-gather of every spike (as NEST 2's): its volume does not depend
on how the cores are cut, so a traffic-aware cut would not shrink it; it would with
point-to-point messages to the ranks that hold a spike's targets.
"""

from __future__ import annotations

import os
import time
import zlib

import numpy as np

from .contract import SOURCE_KINDS
from .cores import COUNTERS, CYCLES
from .delivery import sort_packets
from .errors import EmulatorError
from .kernel_ranks import deliver_own, pack_spikes, unpack_spikes, update_own

__all__ = ["world", "launched_size", "launched_rank", "Ranks", "split_cores", "core_loads", "rank_table",
           "MPI_SIZE_VARIABLES"]

# what MPI launchers tell the processes they start: MPICH and Intel MPI (hydra), Open MPI
# (other launchers: NEUROCHIP_MPI=1 makes every process ask MPI itself)
MPI_SIZE_VARIABLES = ("PMI_SIZE", "OMPI_COMM_WORLD_SIZE")
MPI_RANK_VARIABLES = ("PMI_RANK", "OMPI_COMM_WORLD_RANK")
ASSUMED_RATE_HZ = 10.0  # firing rate for the load estimate before anything has run


def launched_size() -> int:
    """How many processes an MPI launcher says it started (1: not under one)."""
    for name in MPI_SIZE_VARIABLES:
        try:
            n = int(os.environ.get(name, "1"))
        except ValueError:
            continue
        if n > 1:
            return n
    return 1


def launched_rank() -> int:
    """This process's rank as the MPI launcher says (0: not under one), for what only one
    process should do (print, write files) before or without MPI itself."""
    for name in MPI_RANK_VARIABLES:
        try:
            return int(os.environ[name])
        except (KeyError, ValueError):
            continue
    return 0


def world():
    """MPI's COMM_WORLD when this process is one of several that an MPI launcher started;
    None otherwise (and then mpi4py is not even imported, unless NEUROCHIP_MPI=1)."""
    n = launched_size()
    if n == 1:
        if os.environ.get("NEUROCHIP_MPI") != "1":
            return None
        from mpi4py import MPI
        return MPI.COMM_WORLD if MPI.COMM_WORLD.Get_size() > 1 else None
    try:
        from mpi4py import MPI
    except ImportError:
        raise EmulatorError(
            f"this process is one of {n} that an MPI launcher started, but mpi4py is not "
            f"installed: pip install -e '.[mpi]' (mpi4py and MPICH from PyPI), or run the script "
            f"without mpirun") from None
    comm = MPI.COMM_WORLD
    if comm.Get_size() != n:
        raise EmulatorError(
            f"the MPI launcher started {n} processes but mpi4py's MPI sees {comm.Get_size()}: "
            f"mpirun and mpi4py belong to different MPI libraries ({MPI.Get_library_version().split()[0]} "
            f"here); use the mpirun of the MPI that mpi4py was built for (with the [mpi] extra, "
            f"the one in the virtual environment's bin/)")
    return comm if n > 1 else None


def core_loads(program) -> np.ndarray:
    """Estimated CPU cycles per tick of each core: its neurons (or sources) and its synaptic
    words, each source neuron firing at ``ASSUMED_RATE_HZ``."""
    cores, sy, di = program.cores, program.synapses, program.direct
    n = np.diff(cores.neuron_lo)
    per = np.where(np.isin(cores.kind, SOURCE_KINDS), CYCLES["source"], CYCLES["neuron"])
    words = np.bincount(np.repeat(np.arange(program.n_cores), np.diff(sy.mpt_lo)), sy.words(),
                        minlength=program.n_cores)
    delegated = np.diff(di.lo) if len(di.lo) == program.n_cores + 1 else 0
    p = ASSUMED_RATE_HZ * program.dt * 1e-3
    return CYCLES["tick"] + per * n + CYCLES["synapse"] * (words + delegated) * p


def split_cores(load, n_ranks: int) -> np.ndarray:
    """Rank of each core: contiguous runs of cores in core order, cut where the cumulative
    ``load`` crosses each rank's equal share (a rank may get no core when there are fewer
    cores than ranks)."""
    load = np.asarray(load, np.float64)
    if len(load) == 0:
        return np.zeros(0, np.int64)
    before = np.cumsum(load) - load / 2  # each core goes where its middle falls
    return np.minimum((before * n_ranks / load.sum()).astype(np.int64), n_ranks - 1)


class Ranks:
    """This process's share of a loaded machine (``em``, an Emulation) and the exchanges
    with the other ranks of ``comm`` (an mpi4py communicator); ``owner``: rank of each
    core (default: :func:`split_cores` of :func:`core_loads`)."""

    def __init__(self, comm, em, owner=None):
        from mpi4py import MPI
        self.MPI = MPI
        self.comm = comm
        self.rank, self.size = comm.Get_rank(), comm.Get_size()
        p = em.program
        self._same_program(p)
        if owner is None:
            owner = split_cores(core_loads(p), self.size)
        self.owner = np.asarray(owner, np.int64)
        self.by_rank = np.argsort(self.owner, kind="stable").astype(np.int64)
        self.rank_lo = np.searchsorted(self.owner[self.by_rank], np.arange(self.size + 1)).astype(np.int64)
        self.own = self.by_rank[self.rank_lo[self.rank]:self.rank_lo[self.rank + 1]].copy()
        # message room: a count per core, then at most a full spike buffer per core
        room = np.diff(em.spk_lo)
        most = [int(len(c) + room[c].sum())
                for c in np.split(self.by_rank, self.rank_lo[1:-1])]
        self.send = np.empty(max(1, most[self.rank]), np.int64)
        self.recv = np.empty(max(1, sum(most)), np.int64)
        self.lens = np.zeros(self.size, np.int64)
        # each key's destination cores on this rank only: every rank sorts every spike of a
        # stretch but queues the packets of its own cores alone (in the same order)
        mine = np.zeros(p.n_cores, bool)
        mine[self.own] = True
        keep = mine[em.dest]
        before = np.r_[0, np.cumsum(keep)].astype(np.int64)
        self.routes = (before[em.dest_lo], before[em.dest_hi], em.dest[keep])
        self._dynamic_words(p)
        self.stats = {}
        self.start_run()

    def _same_program(self, p):
        """All ranks must run the same machine: a script whose random draws differ between
        ranks (an RNG without a seed) would give each rank a different network."""
        h = 0
        for a in (p.cores.neuron_lo, p.cores.params, p.cores.state0, p.synapses.syn,
                  p.synapses.syn_wf, p.sources.ssa_tick, p.sources.rng0, p.direct.target):
            h = zlib.crc32(np.ascontiguousarray(a).view(np.uint8), h)
        digests = self.comm.allgather(h)
        if len(set(digests)) > 1:
            raise EmulatorError(
                f"the MPI ranks built different machines (program digests {digests}): every "
                f"random draw of the network must be the same on every rank; give each RNG a "
                f"seed (NumpyRNG(seed=...)), as a parallel PyNN script must")

    def _dynamic_words(self, p):
        """The words of the rows with synapse dynamics, by the rank owning their core:
        learned weights are merged from these after each run."""
        sy = p.synapses
        entry = np.repeat(np.arange(sy.n_entries), np.diff(sy.mpt_dyn_lo))
        core = np.repeat(np.arange(p.n_cores), np.diff(sy.mpt_lo))[entry]
        lo = sy.dyn_row_lo
        n = sy.mpt_n[entry].astype(np.int64) * sy.dyn_stride
        self.dyn_words = []
        for r in range(self.size):
            b = np.flatnonzero(self.owner[core] == r)
            starts = np.repeat(lo[b] - (np.cumsum(n[b]) - n[b]), n[b])
            self.dyn_words.append(starts + np.arange(int(n[b].sum()), dtype=np.int64))
        self.dyn_all = np.concatenate(self.dyn_words) if self.dyn_words else np.zeros(0, np.int64)

    # --- one call of the tick loop ------------------------------------------------------
    def start_run(self):
        """Count the host's times and exchanged words of a new run."""
        self.stats = {"stretches": 0, "words_sent": 0, "words_received": 0, "update_s": 0.0,
                      "exchange_s": 0.0, "sort_s": 0.0, "deliver_s": 0.0}

    def run_ticks(self, t0, t1, stretch, budget, tier, views, buffers):
        """Ticks ``[t0, t1)`` as :func:`neurochip.emulator.kernel.run_ticks` runs them,
        this rank's cores only, exchanging each stretch's spikes."""
        cores, rings, sv, pl, stv, src, di, el, rec, traffic = views
        dest_lo, dest_hi, dest = self.routes
        mine = traffic._replace(dest_lo=dest_lo, dest_hi=dest_hi, dest=dest)
        pkt, rec_extra = buffers
        own, st = self.own, self.stats
        t = t0
        first = True
        while t < t1 or first:  # a call of no ticks still compiles (or loads) the kernels
            first = False
            n = min(stretch, t1 - t)
            a = time.perf_counter()
            update_own(t, n, t0, tier, own, cores, rings, src, di, pl, el, rec, traffic)
            b = time.perf_counter()
            self._exchange(n, traffic)
            c = time.perf_counter()
            pkt, rec_extra = sort_packets(n, t - t0, cores, mine, rec, rec_extra, pkt, True)
            d = time.perf_counter()
            deliver_own(t, n, tier, own, budget, cores, rings, sv, pl, stv, traffic, pkt)
            st["update_s"] += b - a
            st["exchange_s"] += c - b
            st["sort_s"] += d - c
            st["deliver_s"] += time.perf_counter() - d
            st["stretches"] += n > 0
            t += n
        return pkt, rec_extra

    def _exchange(self, n_ticks, traffic):
        MPI = self.MPI
        m = pack_spikes(self.own, n_ticks, traffic, self.send)
        self.comm.Allgather([np.array([m], np.int64), MPI.INT64_T], [self.lens, MPI.INT64_T])
        displ = np.r_[0, np.cumsum(self.lens)[:-1]].astype(np.int64)
        self.comm.Allgatherv([self.send, m, MPI.INT64_T],
                             [self.recv, (self.lens, displ), MPI.INT64_T])
        unpack_spikes(self.recv, displ, self.by_rank, self.rank_lo, self.rank, n_ticks, traffic)
        if n_ticks:
            self.stats["words_sent"] += m
            self.stats["words_received"] += int(self.lens.sum()) - m

    # --- merging what the host reads back -----------------------------------------------
    def merge_owned(self, arr):
        """``arr`` (contiguous) holds each element on one rank and zeros on the others:
        every rank gets the whole (a bitwise OR, which keeps every bit, -0.0 too)."""
        if arr.size:
            self.comm.Allreduce(self.MPI.IN_PLACE, [arr.reshape(-1).view(np.uint8), self.MPI.BYTE],
                                op=self.MPI.BOR)

    def merge_counters(self, counters):
        counters[self.owner != self.rank] = 0
        self.merge_owned(counters)

    def merge_rows(self, arrays):
        """The words of the rows with dynamics in each of ``arrays`` (syn, syn_wf), each
        core's from its owner."""
        counts = np.array([len(w) for w in self.dyn_words], np.int64)
        if not counts.sum():
            return
        for arr in arrays:
            if not len(arr):
                continue
            size = arr.itemsize
            mine = np.ascontiguousarray(arr[self.dyn_words[self.rank]])
            got = np.empty(len(self.dyn_all), arr.dtype)
            displ = np.r_[0, np.cumsum(counts)[:-1]] * size
            self.comm.Allgatherv([mine.view(np.uint8), self.MPI.BYTE],
                                 [got.view(np.uint8), (counts * size, displ), self.MPI.BYTE])
            arr[self.dyn_all] = got

    def agree(self, value: int) -> int:
        """The smallest of the ranks' ``value`` (chunk lengths must be the same on all)."""
        return int(self.comm.allreduce(int(value), op=self.MPI.MIN))

    def loads(self, em, counters, ticks: int) -> list:
        """Per rank: its cores and neurons, the machine's work on them in this run (cycles,
        from the merged counters) and the host's seconds and exchanged words (all ranks)."""
        p = em.program
        n = np.diff(p.cores.neuron_lo)
        per = np.where(np.isin(p.cores.kind, SOURCE_KINDS), CYCLES["source"], CYCLES["neuron"])
        cycles = (ticks * (CYCLES["tick"] + per * n)
                  + CYCLES["packet"] * counters[:, COUNTERS.index("packets_received")]
                  + CYCLES["synapse"] * counters[:, COUNTERS.index("synaptic_events")])
        mine = {"rank": self.rank, "cores": len(self.own), "neurons": int(n[self.own].sum()),
                "machine_cycles": int(cycles[self.own].sum()), **self.stats}
        return self.comm.allgather(mine)


def rank_table(loads) -> list:
    """Lines of a table of the MPI ranks' shares of a run (``Emulation.rank_loads``): cores,
    neurons, the machine's cycles on them (the load), the host's seconds updating its
    cores, exchanging (waiting for the slowest rank included), sorting (recording every
    spike, queueing its cores' packets) and delivering them, and the words (8 bytes) each
    sent and received per stretch."""
    total = sum(r["machine_cycles"] for r in loads) or 1
    out = [f"{'rank':>4} {'cores':>5} {'neurons':>8} {'load':>6} {'update s':>9} {'exchange s':>10} "
           f"{'sort s':>7} {'deliver s':>9} {'sent/stretch':>12} {'received/stretch':>16}"]
    for r in loads:
        k = max(1, r["stretches"])
        out.append(f"{r['rank']:>4} {r['cores']:>5} {r['neurons']:>8} "
                   f"{r['machine_cycles'] / total:>6.1%} {r['update_s']:>9.3f} {r['exchange_s']:>10.3f} "
                   f"{r['sort_s']:>7.3f} {r['deliver_s']:>9.3f} {r['words_sent'] / k:>12.1f} "
                   f"{r['words_received'] / k:>16.1f}")
    return out
