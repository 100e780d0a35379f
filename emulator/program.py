"""MachineProgram: everything the emulated machine is loaded with (the second contract).

A plain frozen dataclass of numpy arrays, built by ``mapping`` (or by hand in a
test). Cores are numbered ``0..n_cores-1``; neurons of all cores share one
global index space, core ``c`` owning ``[neuron_lo[c], neuron_lo[c+1])``.
Variable-length per-core data is stored flat with ``*_lo`` offset arrays
(half-open ranges). ``arithmetic`` decides the dtypes: "fixed" uses the
integer formats of DESIGN.md section 4, "float" float64 everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from .direct import DirectInputs, no_direct_inputs
from .electrodes import Electrodes, no_electrodes
from .errors import ProgramError
from .poisson import COUNT_ONE
from .routing_entry import ROUTE_ENTRY

__all__ = ["MachineProgram", "KIND_SPIKE_ARRAY", "KIND_POISSON", "TYPE_BITS",
           "RING_ADDRESS_BITS", "MAX_IDX_BITS", "ARITHMETICS"]

# core kinds: the two spike sources here, neuron models in emulator.models (KIND each)
KIND_SPIKE_ARRAY, KIND_POISSON = 1, 2
ARITHMETICS = ("fixed", "float")

# synaptic word: weight:16 | delay:D | type:TYPE_BITS | index:N, with D and N per core
# and D + TYPE_BITS + N <= 16 (the low half-word addresses the ring buffer)
TYPE_BITS = 1
RING_ADDRESS_BITS = 16
MAX_IDX_BITS = RING_ADDRESS_BITS - TYPE_BITS - 1


@dataclass(frozen=True, eq=False)
class MachineProgram:
    """Per-core images and per-chip routing tables of one emulated machine.

    Attributes (n = neurons, C = cores, K = chip slots ``width * height``)
    ----------
    dt : float
        Timestep in ms.
    arithmetic : {"fixed", "float"}
    width, height : int
        Chip grid; ``chip_id = y * width + x``.
    link_to : (K, 6) int32
        chip_id at the far end of each link, -1 where there is none.
    tables : ROUTE_ENTRY array; table_lo : (K + 1,) int64
        Routing table of chip k is ``tables[table_lo[k]:table_lo[k + 1]]``.
    core_chip, core_p, core_kind : (C,) int32
        Chip, processor number (1..17) and kind (KIND_*) of each core.
    core_key, core_mask : (C,) uint32; core_sends : (C,) bool
        Key block of each core (neuron i sends ``core_key | i``), and whether it sends.
    neuron_lo : (C + 1,) int64
    params : (n, P) int64 or float64; state0 : (n, S) int32 or float64
        Model parameters and initial state (column meaning per model).
    ring_lo : (C + 1,) int64; idx_bits, delay_bits : (C,) int32; shift : (C, 2) int32
        Ring buffers (``2 ** (delay_bits + TYPE_BITS + idx_bits)`` entries per core,
        delays up to ``2 ** delay_bits - 1`` ticks) and the weight shift per synapse type.
    mpt_lo : (C + 1,) int64; mpt_key, mpt_mask : uint32; mpt_row_lo : int64;
    mpt_stride, mpt_n : int32
        Master population tables, sorted by key within each core.
    syn : uint32; syn_wf : float64
        Synaptic rows. Strided (``mpt_stride > 0``): ``[count, word, word, ...]``, row
        ``i`` of entry ``e`` at ``mpt_row_lo[e] + i * mpt_stride[e]``. Packed
        (``mpt_stride == 0``): words only, row ``i`` is ``syn[row_ptr[k]:row_ptr[k + 1]]``
        with ``k = mpt_row_lo[e] + i`` (``mpt_n + 1`` index entries per entry).
        ``syn_wf`` holds the float weights at the same positions (float arithmetic only).
    row_ptr : int64, optional
        The index of the packed rows.
    ssa_lo : (C + 1,) int64; ssa_tick : int64; ssa_idx : int32
        Spike-source-array events per core, sorted by tick: neuron ``ssa_idx`` sends
        at the end of tick ``ssa_tick - 1`` (its spike time is ``ssa_tick * dt``).
    poisson_cdf_lo : (n,) int64; poisson_start, poisson_end : (n,) int64;
    rng0 : (n, 4) uint32; poisson_cdf : uint64
        Poisson sources: in ticks ``[poisson_start, poisson_end)`` a Poisson count of
        events per tick, from a KISS draw (per-neuron generator state) on the table
        of ``P(K <= k)`` in u0.32 starting at ``poisson_cdf[poisson_cdf_lo]`` (each
        table ends with ``2**32``; see :mod:`neurochip.emulator.poisson`).
    rec_spikes : (n,) bool; rec_state : (n, S) bool
        What to record.
    dest_lo : (C + 1,) int64; dest_core : int32
        The cores each sending core is meant to reach (checked against the tables).
    max_record_ticks : int
        Ticks the recording buffers hold; longer runs are split into chunks.
    electrodes : Electrodes, optional
        Current sources (see :mod:`neurochip.emulator.electrodes`); None: none.
    mpt_prow_lo, mpt_pstride, mpt_pkind : int64, int32, int32 (per entry), optional
        Plastic rows of each entry's source, -1 where none (the static rows'
        ``mpt_row_lo`` is -1 where an entry has only plastic rows), and their kind:
        0 Tsodyks-Markram (:mod:`neurochip.emulator.short_term`), 1 stochastic
        (:mod:`neurochip.emulator.stochastic`, drawing from ``syn_seed``).
    tm_lut : (L, 2, 256) uint32; tm_tau : (L,) float64, optional
        Decay tables and time constants (ticks) of the plastic rows
        (see :mod:`neurochip.emulator.short_term`).
    poisson_refrac, poisson_every : (n,) int64, optional
        Poisson-type sources: ticks without draws after a spike (dead time), and
        the number of Poisson events per spike (a gamma process of that order);
        default 0 and 1, the plain Poisson source.
    direct : DirectInputs, optional
        Poisson sources run on their targets' cores (see :mod:`neurochip.emulator.direct`).
    """

    dt: float
    arithmetic: str
    width: int
    height: int
    link_to: np.ndarray
    tables: np.ndarray
    table_lo: np.ndarray
    core_chip: np.ndarray
    core_p: np.ndarray
    core_kind: np.ndarray
    core_key: np.ndarray
    core_mask: np.ndarray
    core_sends: np.ndarray
    neuron_lo: np.ndarray
    params: np.ndarray
    state0: np.ndarray
    ring_lo: np.ndarray
    idx_bits: np.ndarray
    delay_bits: np.ndarray
    shift: np.ndarray
    mpt_lo: np.ndarray
    mpt_key: np.ndarray
    mpt_mask: np.ndarray
    mpt_row_lo: np.ndarray
    mpt_stride: np.ndarray
    mpt_n: np.ndarray
    syn: np.ndarray
    syn_wf: np.ndarray
    ssa_lo: np.ndarray
    ssa_tick: np.ndarray
    ssa_idx: np.ndarray
    poisson_cdf_lo: np.ndarray
    poisson_start: np.ndarray
    poisson_end: np.ndarray
    rng0: np.ndarray
    rec_spikes: np.ndarray
    rec_state: np.ndarray
    dest_lo: np.ndarray
    dest_core: np.ndarray
    max_record_ticks: int = 1 << 62
    electrodes: Electrodes | None = None
    mpt_prow_lo: np.ndarray | None = None
    mpt_pstride: np.ndarray | None = None
    tm_lut: np.ndarray | None = None
    tm_tau: np.ndarray | None = None
    poisson_refrac: np.ndarray | None = None
    poisson_every: np.ndarray | None = None
    mpt_pkind: np.ndarray | None = None
    syn_seed: int = 0
    direct: DirectInputs | None = None
    row_ptr: np.ndarray | None = None
    poisson_cdf: np.ndarray | None = None

    def __post_init__(self):
        if self.arithmetic not in ARITHMETICS:
            raise ProgramError(f"MachineProgram.arithmetic={self.arithmetic!r}; use one of {ARITHMETICS}")
        if self.max_record_ticks < 1:
            raise ProgramError(f"MachineProgram.max_record_ticks={self.max_record_ticks} must be >= 1")
        if not self.dt > 0:
            raise ProgramError(f"MachineProgram.dt={self.dt} ms must be positive")
        fixed = self.arithmetic == "fixed"
        n_mpt = len(self.mpt_key)
        defaults = {"mpt_prow_lo": np.full(n_mpt, -1, np.int64),
                    "mpt_pstride": np.zeros(n_mpt, np.int32),
                    "mpt_pkind": np.zeros(n_mpt, np.int32),
                    "tm_lut": np.zeros((0, 2, 256), np.uint32), "tm_tau": np.zeros(0),
                    "poisson_refrac": np.zeros(len(self.poisson_cdf_lo), np.int64),
                    "poisson_every": np.ones(len(self.poisson_cdf_lo), np.int64),
                    "poisson_cdf": np.zeros(0, np.uint64)}
        for name, value in defaults.items():
            if getattr(self, name) is None:
                object.__setattr__(self, name, value)
        if (self.mpt_prow_lo.shape != (n_mpt,) or self.mpt_pstride.shape != (n_mpt,)
                or self.mpt_prow_lo.dtype != np.int64 or self.mpt_pstride.dtype != np.int32):
            raise ProgramError("MachineProgram.mpt_prow_lo/mpt_pstride need one int64/int32 "
                               "entry per master-table entry")
        if (self.poisson_refrac.shape != self.poisson_cdf_lo.shape
                or self.poisson_every.shape != self.poisson_cdf_lo.shape
                or np.any(self.poisson_every < 1) or np.any(self.poisson_refrac < 0)):
            raise ProgramError("MachineProgram.poisson_refrac (>= 0) and poisson_every (>= 1) "
                               "need one entry per neuron")
        if self.tm_lut.dtype != np.uint32 or self.tm_lut.shape[1:] != (2, 256) \
                or len(self.tm_tau) != len(self.tm_lut):
            raise ProgramError("MachineProgram.tm_lut must be (L, 2, 256) uint32 with L tm_tau")
        if self.electrodes is None:
            object.__setattr__(self, "electrodes", no_electrodes(fixed))
        if self.direct is None:
            object.__setattr__(self, "direct", no_direct_inputs(len(self.core_chip)))
        if self.row_ptr is None:
            object.__setattr__(self, "row_ptr", np.zeros(0, np.int64))
        self._check_packed_rows()
        self._check_direct(fixed)
        value_dtype = np.int64 if fixed else np.float64
        for name in ("amplitude", "offset", "mean", "stdev", "chg_amp"):
            if getattr(self.electrodes, name).dtype != value_dtype:
                raise ProgramError(f"MachineProgram.electrodes.{name} must be {np.dtype(value_dtype)} "
                                   f"for {self.arithmetic} arithmetic")
        if len(self.electrodes.tgt) and (self.electrodes.tgt.min() < 0
                                         or self.electrodes.tgt.max() >= self.neuron_lo[-1]):
            raise ProgramError("MachineProgram.electrodes.tgt holds a neuron index out of range")
        want = {
            "link_to": np.int32, "table_lo": np.int64, "core_chip": np.int32,
            "core_p": np.int32, "core_kind": np.int32, "core_key": np.uint32,
            "core_mask": np.uint32, "core_sends": np.bool_, "neuron_lo": np.int64,
            "params": np.int64 if fixed else np.float64,
            "state0": np.int32 if fixed else np.float64,
            "ring_lo": np.int64, "idx_bits": np.int32, "delay_bits": np.int32, "shift": np.int32,
            "mpt_lo": np.int64, "mpt_key": np.uint32, "mpt_mask": np.uint32,
            "mpt_row_lo": np.int64, "mpt_stride": np.int32, "mpt_n": np.int32,
            "syn": np.uint32, "syn_wf": np.float64, "ssa_lo": np.int64,
            "ssa_tick": np.int64, "ssa_idx": np.int32, "poisson_cdf_lo": np.int64,
            "poisson_start": np.int64, "poisson_end": np.int64, "rng0": np.uint32,
            "rec_spikes": np.bool_, "rec_state": np.bool_, "dest_lo": np.int64,
            "dest_core": np.int32, "poisson_cdf": np.uint64,
        }
        for name, dtype in want.items():
            arr = getattr(self, name)
            if not isinstance(arr, np.ndarray) or arr.dtype != dtype:
                got = getattr(arr, "dtype", type(arr).__name__)
                raise ProgramError(
                    f"MachineProgram.{name} must be a numpy array of {np.dtype(dtype)}, got {got}")
        if self.tables.dtype != ROUTE_ENTRY:
            raise ProgramError("MachineProgram.tables must have dtype ROUTE_ENTRY")
        n_chips = self.width * self.height
        n_cores = len(self.core_chip)
        n = int(self.neuron_lo[-1]) if len(self.neuron_lo) else 0
        checks = [
            ("link_to", self.link_to.shape == (n_chips, 6)),
            ("table_lo", self.table_lo.shape == (n_chips + 1,) and self.table_lo[-1] == len(self.tables)),
            ("neuron_lo", self.neuron_lo.shape == (n_cores + 1,) and np.all(np.diff(self.neuron_lo) >= 0)),
            ("params", self.params.ndim == 2 and self.params.shape[0] == n),
            ("state0", self.state0.ndim == 2 and self.state0.shape[0] == n),
            ("rec_state", self.rec_state.shape == self.state0.shape),
            ("rec_spikes", self.rec_spikes.shape == (n,)),
            ("ring_lo", self.ring_lo.shape == (n_cores + 1,)),
            ("shift", self.shift.shape == (n_cores, 2)),
            ("mpt_lo", self.mpt_lo.shape == (n_cores + 1,) and self.mpt_lo[-1] == len(self.mpt_key)),
            ("syn_wf", fixed or self.syn_wf.shape == self.syn.shape),
            ("ssa_lo", self.ssa_lo.shape == (n_cores + 1,) and self.ssa_lo[-1] == len(self.ssa_tick)),
            ("rng0", self.rng0.shape == (n, 4)),
            ("dest_lo", self.dest_lo.shape == (n_cores + 1,) and self.dest_lo[-1] == len(self.dest_core)),
            ("core_chip", bool(np.all((self.core_chip >= 0) & (self.core_chip < n_chips)))),
            ("idx_bits", bool(np.all((self.idx_bits >= 0) & (self.idx_bits <= MAX_IDX_BITS)))),
            ("delay_bits", self.delay_bits.shape == (n_cores,) and bool(np.all(
                (self.delay_bits >= 1)
                & (self.delay_bits + TYPE_BITS + self.idx_bits <= RING_ADDRESS_BITS)))),
        ]
        for name, ok in checks:
            if not ok:
                raise ProgramError(f"MachineProgram.{name} has an inconsistent shape or value")
        self._check_count_tables()
        for c in range(n_cores):
            size = 1 << int(self.idx_bits[c])
            if self.neuron_lo[c + 1] - self.neuron_lo[c] > size:
                raise ProgramError(
                    f"core {c} holds {self.neuron_lo[c + 1] - self.neuron_lo[c]} neurons but "
                    f"idx_bits={self.idx_bits[c]} addresses only {size}")

    def _check_count_tables(self):
        sizes = np.diff(self.neuron_lo)
        lo = self.poisson_cdf_lo[np.repeat(self.core_kind == KIND_POISSON, sizes)]
        if not len(lo):
            return
        cdf = self.poisson_cdf
        if len(cdf) == 0 or cdf[-1] != COUNT_ONE:
            raise ProgramError(f"MachineProgram.poisson_cdf: the Poisson sources' count tables "
                               f"({len(cdf)} thresholds) must end with 2**32")
        bad = (lo < 0) | (lo >= len(cdf))
        bad[~bad] = (lo[~bad] > 0) & (cdf[np.maximum(lo[~bad] - 1, 0)] != COUNT_ONE)
        if np.any(bad):
            raise ProgramError(f"MachineProgram.poisson_cdf_lo = {int(lo[bad][0])} is not the "
                               f"start of a count table in poisson_cdf (0..{len(cdf) - 1}, each "
                               f"table starting after a 2**32)")

    def _check_packed_rows(self):
        packed = (self.mpt_row_lo >= 0) & (self.mpt_stride == 0)
        if not np.any(packed):
            return
        lo = self.mpt_row_lo[packed]
        hi = lo + self.mpt_n[packed]
        ptr = self.row_ptr
        if (self.row_ptr.dtype != np.int64 or np.any(hi >= len(ptr))
                or np.any(ptr[lo] < 0) or np.any(ptr[hi] > len(self.syn))
                or any(np.any(np.diff(ptr[a:b + 1]) < 0) for a, b in zip(lo, hi))):
            raise ProgramError("MachineProgram.row_ptr must be int64 and index each packed "
                               "entry's rows inside syn, in order")

    def synaptic_words(self) -> np.ndarray:
        """Words of synaptic data each master-table entry takes (rows and their index)."""
        n = self.mpt_n.astype(np.int64)
        words = np.where(self.mpt_row_lo >= 0, n * self.mpt_stride, 0)
        packed = np.flatnonzero((self.mpt_row_lo >= 0) & (self.mpt_stride == 0))
        lo = self.mpt_row_lo[packed]
        words[packed] = self.row_ptr[lo + n[packed]] - self.row_ptr[lo] + n[packed] + 1
        return words + np.where(self.mpt_prow_lo >= 0, n * self.mpt_pstride, 0)

    def _check_direct(self, fixed):
        d = self.direct
        if len(d.lo) != len(self.core_chip) + 1:
            raise ProgramError("MachineProgram.direct.lo needs one entry per core plus one")
        if d.weight.dtype != np.int64 or len(d.weight_f) != (0 if fixed else d.n):
            raise ProgramError(f"MachineProgram.direct: {self.arithmetic} arithmetic needs int64 "
                               f"weight and {'no' if fixed else 'one float'} weight_f per entry")
        if d.n:
            core = np.repeat(np.arange(len(self.core_chip)), np.diff(d.lo))
            if np.any((d.target < self.neuron_lo[core]) | (d.target >= self.neuron_lo[core + 1])):
                raise ProgramError("MachineProgram.direct.target holds a neuron of another core")
            if np.any(np.isin(self.core_kind[core], (KIND_SPIKE_ARRAY, KIND_POISSON))):
                raise ProgramError("MachineProgram.direct: only neuron cores take direct inputs")
            if np.any(d.weight < 0) or np.any(d.weight > 0xFFFF):
                raise ProgramError("MachineProgram.direct.weight must be in 0..65535 ring units")

    @property
    def n_cores(self) -> int:
        return len(self.core_chip)

    @property
    def n_neurons(self) -> int:
        return int(self.neuron_lo[-1])

    def nbytes(self) -> int:
        return sum(getattr(self, f.name).nbytes for f in fields(self)
                   if isinstance(getattr(self, f.name), np.ndarray))
