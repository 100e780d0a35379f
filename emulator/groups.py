"""The groups a MachineProgram is made of: routing, cores, synapses, sources, recording.

Each is a frozen dataclass of numpy arrays that checks itself on construction; a
failure names the field, what it must be and what it is. Checks that need two
groups (a neuron index against the cores' neuron count, say) are made by
:class:`neurochip.emulator.program.MachineProgram`. Notation: C cores, n neurons,
E master-table entries, B rows blocks with synapse dynamics, K chip slots.
Variable-length per-core data is stored flat behind ``*_lo`` offsets (half-open).
"""

from __future__ import annotations

from dataclasses import dataclass

import numba
import numpy as np

from .contract import (
    DYNAMICS_KINDS,
    MAX_IDX_BITS,
    MAX_PACKED_WORDS,
    MAX_TYPE_BITS,
    RING_ADDRESS_BITS,
    SOURCE_KINDS,
    TYPE_BITS,
)
from .errors import ProgramError
from .models import BY_KIND
from .poisson import COUNT_ONE
from .routing_entry import ROUTE_ENTRY

__all__ = ["Routing", "Cores", "Synapses", "Sources", "Recording", "require", "require_offsets"]


@numba.njit(cache=True)
def packed_words(lo, n, istride, row_ptr):
    """The words of the packed rows of each entry (rows ``lo[e] + i * istride[e]`` of the
    index ``row_ptr``, ``i < n[e]``)."""
    out = np.zeros(len(lo), np.int64)
    for e in range(len(lo)):
        for i in range(n[e]):
            k = lo[e] + i * istride[e]
            out[e] += row_ptr[k + 1] - row_ptr[k]
    return out


def _describe(arr) -> str:
    if not isinstance(arr, np.ndarray):
        return type(arr).__name__
    return f"{arr.dtype} of shape {arr.shape}"


def require(owner: str, name: str, arr, dtype, shape: tuple | None = None):
    """``arr`` must be a numpy array of ``dtype`` (a dtype or a tuple of them) and, where
    ``shape`` is given, of that shape (None: any length on that axis)."""
    dtypes = dtype if isinstance(dtype, tuple) else (dtype,)
    ok = isinstance(arr, np.ndarray) and arr.dtype in [np.dtype(d) for d in dtypes]
    if ok and shape is not None:
        ok = arr.ndim == len(shape) and all(w is None or w == g for w, g in zip(shape, arr.shape))
    if not ok:
        want = " or ".join(str(np.dtype(d)) for d in dtypes)
        if shape is not None:
            want += " of shape (" + ", ".join("*" if w is None else str(w) for w in shape) + \
                (",)" if len(shape) == 1 else ")")
        raise ProgramError(f"{owner}.{name} must be a numpy array of {want}, got {_describe(arr)}")


def require_offsets(owner: str, name: str, lo, n_ranges: int, total: int):
    """``lo``: ``n_ranges + 1`` int64 offsets from 0, non-decreasing, ending at ``total``."""
    require(owner, name, lo, np.int64, (n_ranges + 1,))
    if lo[0] != 0 or lo[-1] != total or np.any(np.diff(lo) < 0):
        raise ProgramError(f"{owner}.{name} must run from 0 up to {total} without going back, "
                           f"got {lo[0]} .. {lo[-1]}"
                           + (" (decreasing)" if np.any(np.diff(lo) < 0) else ""))


def _in_range(owner, name, arr, lo, hi):
    """Every value of ``arr`` in ``[lo, hi)``."""
    if len(arr) and (arr.min() < lo or arr.max() >= hi):
        bad = arr[(arr < lo) | (arr >= hi)].flat[0]
        raise ProgramError(f"{owner}.{name} holds {bad}, outside {lo}..{hi - 1}")


@dataclass(frozen=True, eq=False)
class Routing:
    """The chips and their routing tables.

    width, height : chip grid, ``chip_id = y * width + x``; link_to : (K, 6) int32, the
    chip at the far end of each link (-1: none); tables : ROUTE_ENTRY, table_lo : (K+1,)
    int64 (chip k's table is ``tables[table_lo[k]:table_lo[k+1]]``); dest_lo : (C+1,)
    int64, dest_core : int32, the cores each sending core is meant to reach (the load
    checks the tables against them).
    """

    width: int
    height: int
    link_to: np.ndarray
    tables: np.ndarray
    table_lo: np.ndarray
    dest_lo: np.ndarray
    dest_core: np.ndarray

    def __post_init__(self):
        if self.width < 1 or self.height < 1:
            raise ProgramError(f"Routing: a {self.width} x {self.height} chip grid; both must be >= 1")
        k = self.n_chips
        require("Routing", "link_to", self.link_to, np.int32, (k, 6))
        _in_range("Routing", "link_to", self.link_to.ravel(), -1, k)
        require("Routing", "tables", self.tables, ROUTE_ENTRY, (None,))
        require_offsets("Routing", "table_lo", self.table_lo, k, len(self.tables))
        require("Routing", "dest_core", self.dest_core, np.int32, (None,))
        require_offsets("Routing", "dest_lo", self.dest_lo, len(self.dest_lo) - 1, len(self.dest_core))

    @property
    def n_chips(self) -> int:
        return self.width * self.height


@dataclass(frozen=True, eq=False)
class Cores:
    """Where each core is, what it runs and the neurons it holds.

    chip, proc, kind : (C,) int32, chip id, processor (0..31) and kind (source kinds of
    :mod:`neurochip.emulator.contract`, neuron kinds of the model registry); key, mask :
    (C,) uint32 key block (neuron i sends ``key | i``); sends : (C,) bool; neuron_lo :
    (C+1,) int64 (core c holds neurons ``[neuron_lo[c], neuron_lo[c+1])``); params :
    (n, P) int64 or float64, state0 : (n, S) int32 or float64 (columns per model).
    """

    chip: np.ndarray
    proc: np.ndarray
    kind: np.ndarray
    key: np.ndarray
    mask: np.ndarray
    sends: np.ndarray
    neuron_lo: np.ndarray
    params: np.ndarray
    state0: np.ndarray

    def __post_init__(self):
        c = len(self.chip)
        for name, dtype in (("chip", np.int32), ("proc", np.int32), ("kind", np.int32),
                            ("key", np.uint32), ("mask", np.uint32), ("sends", np.bool_)):
            require("Cores", name, getattr(self, name), dtype, (c,))
        _in_range("Cores", "proc", self.proc, 0, 32)
        # the registry: a kind names a source or a neuron model
        known = np.array(sorted({*SOURCE_KINDS, *BY_KIND}), np.int32)
        if np.any(~np.isin(self.kind, known)):
            bad = self.kind[~np.isin(self.kind, known)][0]
            raise ProgramError(f"Cores.kind holds {bad}, neither a source kind {SOURCE_KINDS} "
                               f"nor a neuron model's kind {sorted(BY_KIND)}")
        if np.any(self.key & ~self.mask):
            c0 = int(np.argmax((self.key & ~self.mask) != 0))
            raise ProgramError(f"Cores.key of core {c0} ({int(self.key[c0]):#010x}) has bits "
                               f"outside its mask {int(self.mask[c0]):#010x}")
        require("Cores", "neuron_lo", self.neuron_lo, np.int64, (c + 1,))
        n = int(self.neuron_lo[-1]) if c else 0
        require_offsets("Cores", "neuron_lo", self.neuron_lo, c, n)
        require("Cores", "params", self.params, (np.int64, np.float64), (n, None))
        require("Cores", "state0", self.state0, (np.int32, np.float64), (n, None))
        for k in np.unique(self.kind):
            model = BY_KIND.get(int(k))
            if model is not None and (self.params.shape[1] < len(model.PARAMS)
                                      or self.state0.shape[1] < len(model.STATE)):
                raise ProgramError(
                    f"Cores: {model.NAME} (kind {k}) needs {len(model.PARAMS)} parameter and "
                    f"{len(model.STATE)} state columns, params/state0 have "
                    f"{self.params.shape[1]} and {self.state0.shape[1]}")

    @property
    def n(self) -> int:
        return len(self.chip)


@dataclass(frozen=True, eq=False)
class Synapses:
    """Ring buffers, master population tables and synaptic rows of every core.

    Rings (per core): ring_lo (C+1,) int64; idx_bits, delay_bits, type_bits (C,) int32
    (type_bits default TYPE_BITS: two receptors); shift (C, R) int32, the weight shift per
    receptor (synapse type). A core's ring has ``2 ** (delay_bits + type_bits + idx_bits)``
    entries, a slot per receptor and neuron for each tick, and holds delays up to
    ``2 ** delay_bits - 1`` ticks.

    Master population tables: mpt_lo (C+1,) int64; per entry mpt_key, mpt_mask uint32
    (sorted by key within a core), mpt_n int32 (the source's neurons), mpt_row_lo int64,
    mpt_stride int32: static rows, strided (``mpt_stride > 0``, ``[count, word, ...]``, row
    i at ``mpt_row_lo + i * mpt_stride``) or packed (``mpt_stride == 0``: words only, row
    i is ``syn[row_ptr[k]:row_ptr[k+1]]`` with ``k = mpt_row_lo + i * mpt_istride``), -1
    where none. mpt_istride int32 (default 1) spaces an entry's rows in the index: the
    mapping interleaves the rows of one source neuron on the cores of a group of
    neighbouring cores (so that a spike's rows there lie together in memory, see
    :mod:`neurochip.emulator.spikes`), and row_ptr runs through all rows in order.

    Rows with synapse dynamics (:mod:`neurochip.emulator.synapse_dynamics`): entry e owns
    the blocks ``[mpt_dyn_lo[e], mpt_dyn_lo[e+1])``; block b holds the rows of kind
    dyn_kind[b] (int32), row i at ``dyn_row_lo[b] + i * dyn_stride[b]``, and dyn_param[b]
    (int32) its parameter set (STDP: a row of the Plasticity group). tm_lut (L, 2, 256)
    uint32 and tm_tau (L,) float64: the Tsodyks-Markram decay tables; seed: the
    stochastic synapses' seed.

    syn uint32 words; syn_wf float64 twins at the same positions (float arithmetic;
    empty in fixed point); row_ptr int32, the packed rows' index, one entry per row and one
    at the end, never decreasing (an integer array of another type is taken as int32 when
    its values fit: at most MAX_PACKED_WORDS).
    """

    ring_lo: np.ndarray
    idx_bits: np.ndarray
    delay_bits: np.ndarray
    shift: np.ndarray
    mpt_lo: np.ndarray
    mpt_key: np.ndarray
    mpt_mask: np.ndarray
    mpt_n: np.ndarray
    mpt_row_lo: np.ndarray
    mpt_stride: np.ndarray
    syn: np.ndarray
    syn_wf: np.ndarray
    row_ptr: np.ndarray | None = None
    mpt_dyn_lo: np.ndarray | None = None
    dyn_kind: np.ndarray | None = None
    dyn_row_lo: np.ndarray | None = None
    dyn_stride: np.ndarray | None = None
    tm_lut: np.ndarray | None = None
    tm_tau: np.ndarray | None = None
    seed: int = 0
    type_bits: np.ndarray | None = None
    dyn_param: np.ndarray | None = None
    mpt_istride: np.ndarray | None = None

    def __post_init__(self):
        e = len(self.mpt_key)
        if self.type_bits is None:
            object.__setattr__(self, "type_bits", np.full(len(self.idx_bits), TYPE_BITS, np.int32))
        defaults = {"row_ptr": np.zeros(0, np.int32), "mpt_dyn_lo": np.zeros(e + 1, np.int64),
                    "mpt_istride": np.ones(e, np.int32),
                    "dyn_kind": np.zeros(0, np.int32), "dyn_row_lo": np.zeros(0, np.int64),
                    "dyn_stride": np.zeros(0, np.int32),
                    "dyn_param": np.zeros(len(self.dyn_kind if self.dyn_kind is not None else ()),
                                          np.int32),
                    "tm_lut": np.zeros((0, 2, 256), np.uint32), "tm_tau": np.zeros(0)}
        for name, value in defaults.items():
            if getattr(self, name) is None:
                object.__setattr__(self, name, value)
        c = len(self.idx_bits)
        s = "Synapses"
        require(s, "idx_bits", self.idx_bits, np.int32, (c,))
        require(s, "delay_bits", self.delay_bits, np.int32, (c,))
        require(s, "type_bits", self.type_bits, np.int32, (c,))
        require(s, "shift", self.shift, np.int32, (c, None))
        require(s, "ring_lo", self.ring_lo, np.int64, (c + 1,))
        _in_range(s, "idx_bits", self.idx_bits, 0, MAX_IDX_BITS + 1)
        _in_range(s, "type_bits", self.type_bits, 1, MAX_TYPE_BITS + 1)
        _in_range(s, "shift", self.shift.ravel(), 0, 16)
        most = 1 << int(self.type_bits.max(initial=TYPE_BITS))
        if not max(2, most) <= self.shift.shape[1] <= 1 << MAX_TYPE_BITS:
            raise ProgramError(f"Synapses.shift has {self.shift.shape[1]} columns: one per receptor "
                               f"of the core with the most (2**type_bits = {most}), "
                               f"at most {1 << MAX_TYPE_BITS}")
        bits = self.delay_bits + self.type_bits + self.idx_bits
        if np.any(self.delay_bits < 1) or np.any(bits > RING_ADDRESS_BITS):
            c0 = int(np.argmax((self.delay_bits < 1) | (bits > RING_ADDRESS_BITS)))
            raise ProgramError(f"Synapses.delay_bits of core {c0} is {self.delay_bits[c0]}: it "
                               f"must be >= 1 and, with type_bits={self.type_bits[c0]} and idx_bits="
                               f"{self.idx_bits[c0]}, at most {RING_ADDRESS_BITS} bits in all")
        sizes = np.diff(self.ring_lo)
        want = 1 << bits.astype(np.int64)
        if self.ring_lo[0] != 0 or np.any((sizes != 0) & (sizes != want)):
            c0 = int(np.argmax((sizes != 0) & (sizes != want)))
            raise ProgramError(f"Synapses.ring_lo gives core {c0} a ring of {sizes[c0]} entries; "
                               f"a core's ring has 0 or 2**(delay_bits + type_bits + idx_bits) "
                               f"= {want[c0]}")
        for name, dtype in (("mpt_key", np.uint32), ("mpt_mask", np.uint32), ("mpt_n", np.int32),
                            ("mpt_row_lo", np.int64), ("mpt_stride", np.int32),
                            ("mpt_istride", np.int32)):
            require(s, name, getattr(self, name), dtype, (e,))
        require_offsets(s, "mpt_lo", self.mpt_lo, c, e)
        require(s, "syn", self.syn, np.uint32, (None,))
        require(s, "syn_wf", self.syn_wf, np.float64, (None,))
        if len(self.syn_wf) not in (0, len(self.syn)):
            raise ProgramError(f"Synapses.syn_wf has {len(self.syn_wf)} entries: none (fixed "
                               f"point) or one per word of syn ({len(self.syn)})")
        self._narrow_row_ptr()
        require(s, "row_ptr", self.row_ptr, np.int32, (None,))
        self._check_master_tables()
        self._check_static_rows()
        self._check_dynamics()

    def _narrow_row_ptr(self):
        # one index type for every program (one compiled kernel): int32, 4 bytes a row
        ptr = self.row_ptr
        if (isinstance(ptr, np.ndarray) and ptr.dtype != np.int32 and ptr.dtype.kind in "iu"
                and ptr.ndim == 1):
            if len(ptr) and (int(ptr.max()) > MAX_PACKED_WORDS or int(ptr.min()) < -(1 << 31)):
                raise ProgramError(f"Synapses.row_ptr holds {int(ptr.max())}: the packed rows' "
                                   f"index is int32, words 0..{MAX_PACKED_WORDS} of syn")
            object.__setattr__(self, "row_ptr", ptr.astype(np.int32))

    def _check_master_tables(self):
        if np.any(self.mpt_key & ~self.mpt_mask):
            e = int(np.argmax((self.mpt_key & ~self.mpt_mask) != 0))
            raise ProgramError(f"Synapses.mpt_key of entry {e} ({int(self.mpt_key[e]):#010x}) "
                               f"has bits outside its mask {int(self.mpt_mask[e]):#010x}")
        core = np.repeat(np.arange(len(self.idx_bits)), np.diff(self.mpt_lo))
        down = np.flatnonzero((np.diff(self.mpt_key.astype(np.int64)) < 0) & (np.diff(core) == 0))
        if len(down):
            raise ProgramError(f"Synapses.mpt_key must be sorted within each core: entry "
                               f"{down[0] + 1} of core {core[down[0]]} is below the one before")
        if np.any(self.mpt_n < 0) or np.any(self.mpt_stride < 0):
            raise ProgramError("Synapses.mpt_n and mpt_stride must be >= 0")
        if np.any(self.mpt_istride < 1):
            raise ProgramError("Synapses.mpt_istride must be >= 1")

    def _check_static_rows(self):
        strided = (self.mpt_row_lo >= 0) & (self.mpt_stride > 0)
        end = self.mpt_row_lo[strided] + self.mpt_n[strided].astype(np.int64) * self.mpt_stride[strided]
        if np.any(end > len(self.syn)):
            raise ProgramError(f"Synapses: strided static rows run to word {end.max()}, past the "
                               f"end of syn ({len(self.syn)} words)")
        packed = (self.mpt_row_lo >= 0) & (self.mpt_stride == 0)
        if not np.any(packed):
            return
        n = self.mpt_n[packed].astype(np.int64)
        lo = self.mpt_row_lo[packed]
        # the index entry that ends the entry's last row (its first row's start if none)
        hi = lo + np.maximum(n - 1, 0) * self.mpt_istride[packed] + (n > 0)
        ptr = self.row_ptr
        if (np.any(hi >= len(ptr)) or (len(ptr) and (ptr[0] < 0 or ptr[-1] > len(self.syn)))
                or np.any(ptr[1:] < ptr[:-1])):
            raise ProgramError(f"Synapses.row_ptr ({len(ptr)} entries) must index each packed "
                               f"entry's rows inside syn ({len(self.syn)} words), in order")

    def _check_dynamics(self):
        s = "Synapses"
        e = len(self.mpt_key)
        b = len(self.dyn_kind)
        require(s, "dyn_kind", self.dyn_kind, np.int32, (b,))
        require(s, "dyn_row_lo", self.dyn_row_lo, np.int64, (b,))
        require(s, "dyn_stride", self.dyn_stride, np.int32, (b,))
        require_offsets(s, "mpt_dyn_lo", self.mpt_dyn_lo, e, b)
        unknown = ~np.isin(self.dyn_kind, DYNAMICS_KINDS)
        if np.any(unknown):
            raise ProgramError(f"Synapses.dyn_kind holds {self.dyn_kind[unknown][0]}, not a "
                               f"synapse-dynamics kind {DYNAMICS_KINDS}")
        require(s, "dyn_param", self.dyn_param, np.int32, (b,))
        n = np.repeat(self.mpt_n.astype(np.int64), np.diff(self.mpt_dyn_lo))
        end = self.dyn_row_lo + n * self.dyn_stride
        if b and (np.any(self.dyn_row_lo < 0) or np.any(self.dyn_stride < 1) or end.max() > len(self.syn)):
            raise ProgramError(f"Synapses: rows with dynamics must start at >= 0, have a stride "
                               f">= 1 and end inside syn ({len(self.syn)} words)")
        require(s, "tm_lut", self.tm_lut, np.uint32, (None, 2, 256))
        require(s, "tm_tau", self.tm_tau, np.float64, (len(self.tm_lut),))

    @property
    def n_entries(self) -> int:
        return len(self.mpt_key)

    def words(self) -> np.ndarray:
        """Words of synaptic data each master-table entry takes (rows and their index)."""
        n = self.mpt_n.astype(np.int64)
        words = np.where(self.mpt_row_lo >= 0, n * self.mpt_stride, 0)
        packed = np.flatnonzero((self.mpt_row_lo >= 0) & (self.mpt_stride == 0))
        words[packed] = n[packed] + packed_words(self.mpt_row_lo[packed], n[packed],
                                                 self.mpt_istride[packed], self.row_ptr)
        per_block = np.repeat(n, np.diff(self.mpt_dyn_lo)) * self.dyn_stride
        block_entry = np.repeat(np.arange(len(n)), np.diff(self.mpt_dyn_lo))
        return words + np.bincount(block_entry, per_block, minlength=len(n)).astype(np.int64)


@dataclass(frozen=True, eq=False)
class Sources:
    """Spike-source arrays and Poisson-type sources.

    ssa_lo (C+1,) int64, ssa_tick int64, ssa_idx int32: each core's events sorted by tick
    (core-local neuron ``ssa_idx`` sends at the end of tick ``ssa_tick - 1``; its spike
    time is ``ssa_tick * dt``). Per neuron (n,): cdf_lo int64, start, end int64 (ticks
    ``[start, end)`` on), refrac int64 (ticks without draws after a spike), every int64
    (Poisson events per spike), rng0 (n, 4) uint32 (KISS state); cdf uint64, the count
    tables ``P(K <= k)`` in u0.32, each ending with 2**32 (see
    :mod:`neurochip.emulator.poisson`).

    A rate schedule (sPyNNaker's SpikeSourcePoissonVariable): neuron i's segments are
    ``sched_lo[i]:sched_lo[i+1]`` (sched_lo (n+1,) int64; empty for the other sources),
    segment j draws on the count table at ``sched_cdf_lo[j]`` from tick ``sched_tick[j]``
    on (increasing within a neuron; the first is the neuron's ``start``), until the next
    segment or ``end`` (a gap between windows is a segment of rate 0).
    """

    ssa_lo: np.ndarray
    ssa_tick: np.ndarray
    ssa_idx: np.ndarray
    cdf_lo: np.ndarray
    start: np.ndarray
    end: np.ndarray
    rng0: np.ndarray
    cdf: np.ndarray | None = None
    refrac: np.ndarray | None = None
    every: np.ndarray | None = None
    sched_lo: np.ndarray | None = None
    sched_tick: np.ndarray | None = None
    sched_cdf_lo: np.ndarray | None = None

    def __post_init__(self):
        n = len(self.cdf_lo)
        for name, value in (("cdf", np.zeros(0, np.uint64)), ("refrac", np.zeros(n, np.int64)),
                            ("every", np.ones(n, np.int64)), ("sched_lo", np.zeros(n + 1, np.int64)),
                            ("sched_tick", np.zeros(0, np.int64)),
                            ("sched_cdf_lo", np.zeros(0, np.int64))):
            if getattr(self, name) is None:
                object.__setattr__(self, name, value)
        s = "Sources"
        for name in ("cdf_lo", "start", "end", "refrac", "every"):
            require(s, name, getattr(self, name), np.int64, (n,))
        require(s, "rng0", self.rng0, np.uint32, (n, 4))
        require(s, "cdf", self.cdf, np.uint64, (None,))
        require(s, "ssa_tick", self.ssa_tick, np.int64, (None,))
        require(s, "ssa_idx", self.ssa_idx, np.int32, (len(self.ssa_tick),))
        require_offsets(s, "ssa_lo", self.ssa_lo, len(self.ssa_lo) - 1, len(self.ssa_tick))
        _in_range(s, "ssa_idx", self.ssa_idx, 0, 1 << 31)
        core = np.repeat(np.arange(len(self.ssa_lo) - 1), np.diff(self.ssa_lo))
        if np.any((np.diff(self.ssa_tick) < 0) & (np.diff(core) == 0)):
            raise ProgramError("Sources.ssa_tick must be sorted within each core")
        if np.any(self.every < 1) or np.any(self.refrac < 0):
            raise ProgramError("Sources.every must be >= 1 and Sources.refrac >= 0 for every neuron")
        if len(self.cdf) and self.cdf[-1] != COUNT_ONE:
            raise ProgramError(f"Sources.cdf must end with 2**32 (every count table does), "
                               f"got {int(self.cdf[-1])}")
        require(s, "sched_tick", self.sched_tick, np.int64, (None,))
        require(s, "sched_cdf_lo", self.sched_cdf_lo, np.int64, (len(self.sched_tick),))
        require_offsets(s, "sched_lo", self.sched_lo, n, len(self.sched_tick))
        owner = np.repeat(np.arange(n), np.diff(self.sched_lo))
        if np.any((np.diff(self.sched_tick) <= 0) & (np.diff(owner) == 0)):
            raise ProgramError("Sources.sched_tick must increase within each neuron's schedule")
        first = self.sched_lo[:-1][np.diff(self.sched_lo) > 0]
        if np.any(self.sched_tick[first] != self.start[np.diff(self.sched_lo) > 0]):
            raise ProgramError("Sources: a neuron's first schedule segment must begin at its start")

    def check_count_tables(self, poisson: np.ndarray):
        """The Poisson neurons (bool mask over neurons) must each start a count table."""
        lo = np.r_[self.cdf_lo[poisson], self.sched_cdf_lo]
        if not len(lo):
            return
        cdf = self.cdf
        if len(cdf) == 0:
            raise ProgramError(f"Sources.cdf is empty but {len(lo)} Poisson neurons need count "
                               f"tables")
        bad = (lo < 0) | (lo >= len(cdf))
        bad[~bad] = (lo[~bad] > 0) & (cdf[np.maximum(lo[~bad] - 1, 0)] != COUNT_ONE)
        if np.any(bad):
            raise ProgramError(f"Sources.cdf_lo = {int(lo[bad][0])} is not the start of a count "
                               f"table in cdf (0..{len(cdf) - 1}, each table starting after a "
                               f"2**32)")


@dataclass(frozen=True, eq=False)
class Recording:
    """What to record: spikes (n,) bool, state (n, S) bool (state columns), and the ticks
    the recording buffers hold (longer runs are split into chunks)."""

    spikes: np.ndarray
    state: np.ndarray
    max_ticks: int = 1 << 62

    def __post_init__(self):
        require("Recording", "spikes", self.spikes, np.bool_, (None,))
        require("Recording", "state", self.state, np.bool_, (len(self.spikes), None))
        if self.max_ticks < 1:
            raise ProgramError(f"Recording.max_ticks={self.max_ticks} must be >= 1")
