"""Synaptic encoding: weight shifts, synaptic rows and master population tables.

Everything is vectorised over connections. A fixed synapse is one 32-bit word
``weight:16 | delay:D | type:1 | index:N`` (D and N of the target core). Static
rows are packed one after the other, found through a row index (one word per row
and one per group: a row runs to where the next begins), so a static synapse costs
its one word and a share of its row's index word, with no padding. Plastic rows
start with a count word and have a fixed stride per (target core, source slice).
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numba
import numpy as np

from neurochip.emulator import models as neuron_models
from neurochip.emulator.contract import TYPE_BITS
from neurochip.emulator.fixed import U16_MAX
from neurochip.emulator.spikes import ring_groups

from .errors import MappingError
from .graph import INHIBITORY_RECEPTORS, receptor_index, receptor_sign, receptors_of
from .packed_rows import core_starts, host_threads, packed_rows
from .partition import bits_for
from .ring_statistics import statistical_bound
from .structural import rewiring_of, rewiring_weight_bound, row_room
from .synapse_dynamics import ENCODERS, PLASTIC, EncodeContext
from .synapse_kernels import group_rows, mark_groups, place_range, ring_totals, static_words

# synapses handled at a time: bounds the host's temporary memory (about 50 bytes a synapse
# of a range, one range in each of the packed rows' two threads)
CHUNK = 1 << 18

__all__ = ["SynapseLayout", "weight_shifts", "layout_synapses", "quantise_weights",
           "receptor_type"]


def receptor_type(graph, prj) -> int:
    """The synapse type (receptor slot) of ``prj``'s synapses on its target's cores
    (dopamine synapses, which reach no receptor: 0)."""
    if prj.dynamics == "neuromodulation":
        return 0
    return receptor_index(graph.populations[prj.post], prj.receptor)


def _ring_weights(graph, prj, w=None) -> np.ndarray:
    """Weight magnitudes (of ``w``, default all of the projection's) in the target model's
    ring units (e.g. nS)."""
    model = neuron_models.BY_NAME[graph.populations[prj.post].model]
    return np.abs(np.asarray(prj.weight if w is None else w, np.float64)) * model.WEIGHT_SCALE


def quantise_weights(graph, prj, w, shifts) -> tuple:
    """``(w_ring, q, zeros)`` of weights ``w`` of ``prj``: ring-unit magnitudes (the float
    twins), their 16-bit ring weights at the target's shift, and how many non-zero
    weights round to 0. Rows and delegated Poisson sources both encode weights here."""
    w_ring = _ring_weights(graph, prj, w)
    q = np.rint(w_ring * 2.0 ** (15 - shifts[prj.post, receptor_type(graph, prj)]))
    q = q.astype(np.int64)
    return w_ring, q, int(np.count_nonzero((q == 0) & (np.asarray(w) != 0)))


class _ChunkSums:
    """One projection's ring totals over synapses ``lo .. lo + CHUNK - 1``: ``(the totals per
    post neuron, the largest magnitude)`` (:func:`ring_totals`; ``w`` its learning's upper
    weights, else None for its own)."""

    def __init__(self, prj, w, scale, n_post):
        self.prj, self.w, self.scale, self.n_post = prj, w, scale, n_post

    def __call__(self, lo):
        hi = lo + CHUNK
        part = np.zeros(self.n_post)
        top = ring_totals(_float64(self.prj.weight[lo:hi] if self.w is None else self.w[lo:hi]),
                          np.asarray(self.prj.post_idx[lo:hi]), self.scale, part)
        return part, top


def _add_totals(graph, factors, run, totals, into, biggest):
    """Each (population, synapse type)'s total ring input per neuron (``totals``), its
    projections (``into``) and largest weight (``biggest``); ``run`` maps a projection's
    chunks (``map``, or a thread pool's, which gives them in order too)."""
    for j, prj in enumerate(graph.projections):
        if len(prj.weight) and rewiring_of(prj) is None:
            key = (prj.post, receptor_type(graph, prj))
            into.setdefault(key, []).append(prj)
            total = totals.setdefault(key, np.zeros(graph.populations[prj.post].size))
            w = None
            if prj.dynamics == "neuromodulation":  # dopamine: no ring input
                continue
            if prj.dynamics in PLASTIC:  # learning may take every weight up to w_max
                top = "nm_w_max" if prj.dynamics == "stdp_neuromod" else "w_max"
                w = np.broadcast_to(np.abs(np.asarray(prj.dyn_params[top], np.float64)),
                                    (len(prj.weight),))
            scale = neuron_models.BY_NAME[graph.populations[prj.post].model].WEIGHT_SCALE
            chunk_sums = _ChunkSums(prj, w, scale, len(total))
            for part, top in run(chunk_sums, range(0, len(prj.weight), CHUNK)):  # in order
                biggest[key] = max(biggest.get(key, 0.0), top)
                total += part * factors.get(j, 1)
        if rewiring_of(prj) is not None:  # s_max synapses per neuron, each at its largest
            key = (prj.post, receptor_type(graph, prj))
            into.setdefault(key, []).append(prj)
            total = totals.setdefault(key, np.zeros(graph.populations[prj.post].size))
            w_most = _ring_weights(graph, prj, [rewiring_weight_bound(prj)])[0]
            biggest[key] = max(biggest.get(key, 0.0), w_most)
            total += int(rewiring_of(prj)["s_max"]) * w_most * factors.get(j, 1)


def weight_shifts(graph, factors: dict | None = None, threads: int | None = None) -> np.ndarray:
    """``(n_pops, R)`` shift per population x synapse type (receptor), R the most
    receptors a population's cores have (at least 2).

    The shift is the smallest in [0, 15] for which the largest total weight that
    one ring slot of any neuron can receive (every input spiking into the same
    slot, plastic synapses at their w_max) still fits 16 bits: ring slots can then
    never saturate. ``factors``:
    projection index -> spikes one synapse can bring in one tick (default 1). A
    population made with sPyNNaker's ring-buffer statistics (``ring_stats``) takes the
    bound of :func:`neurochip.mapping.ring_statistics.statistical_bound` instead.
    ``threads``: the user's ``setup(threads=N)`` (None: two where the process may use
    two cores); the chunks' sums are added in chunk order, so the totals do not depend on it.
    """
    factors = factors or {}
    n_types = max([1 << TYPE_BITS] + [1 << bits_for(len(receptors_of(p)))
                                      for p in graph.populations if p.model in neuron_models.BY_NAME])
    shifts = np.zeros((len(graph.populations), n_types), np.int32)
    bound = np.zeros((len(graph.populations), n_types))
    totals = {}  # (population, synapse type) -> total weight per neuron
    into = {}  # (population, synapse type) -> its projections
    biggest = {}  # (population, synapse type) -> its largest single weight (ring units)
    n_syn = sum(len(prj.weight) for prj in graph.projections)
    pool = ThreadPoolExecutor(2) if host_threads(n_syn, threads) > 1 else None
    try:
        _add_totals(graph, factors, pool.map if pool is not None else map, totals, into, biggest)
    finally:
        if pool is not None:
            pool.shutdown()
    for key, total in totals.items():
        bound[key] = total.max(initial=0.0)
        if graph.populations[key[0]].ring_stats:  # sPyNNaker's expected-input bound
            bound[key] = statistical_bound(graph, key[0], key[1], into[key], bound[key],
                                           biggest[key])
    for (pop_i, t), b in np.ndenumerate(bound):
        s = 0
        while s < 15 and np.rint(b * 2.0 ** (15 - s)) > U16_MAX:
            s += 1
        if np.rint(b * 2.0 ** (15 - s)) > U16_MAX:
            pop = graph.populations[pop_i]
            model = neuron_models.BY_NAME[pop.model]
            unit = getattr(model, "WEIGHT_UNIT", "nS" if model.CONDUCTANCE else "nA")
            raise MappingError(
                f"population {pop.label!r}: one neuron can receive a total "
                f"{receptors_of(pop)[t]} weight of {b:g} {unit} in one timestep, more "
                f"than the {U16_MAX * 2.0 ** (s - 15):g} {unit} a ring-buffer slot can hold; "
                f"scale the weights down")
        shifts[pop_i, t] = s
    return shifts


@dataclass(frozen=True, eq=False)
class SynapseLayout:
    """Synaptic data of all target cores, before keys are known.

    One group per (target core, source slice) pair: ``g_core``, ``g_src``, ``g_rows``
    (source neurons), ``g_synapses``, the static rows ``g_lo`` (the group's first entry
    of ``row_ptr``, -1 where none; ``g_stride`` 0; ``g_istride`` the entries from one of
    its rows to the next, see :func:`neurochip.mapping.packed_rows.interleave`), the
    blocks of rows with dynamics ``[g_dyn_lo[g], g_dyn_lo[g + 1])`` (``dyn_kind``, first
    word ``dyn_row_lo`` and
    ``dyn_stride`` per block), ``g_words`` the words each group takes (index included).
    ``tm_lut``/``tm_tau`` are the decay tables and time constants (ticks); ``dyn_param``
    each block's parameter set; ``plastic_addr`` maps a plastic projection's number to its
    synapses' word addresses in ``syn``, in connection order (the learned weights);
    ``struct_rows`` maps a rewiring projection's number to its blocks' ``(core, source
    slice, first word, stride)`` arrays (:mod:`neurochip.mapping.structural`).
    """

    g_core: np.ndarray
    g_src: np.ndarray
    g_lo: np.ndarray
    g_stride: np.ndarray
    g_istride: np.ndarray
    g_dyn_lo: np.ndarray
    dyn_kind: np.ndarray
    dyn_row_lo: np.ndarray
    dyn_stride: np.ndarray
    g_rows: np.ndarray
    g_synapses: np.ndarray
    g_words: np.ndarray
    row_ptr: np.ndarray
    syn: np.ndarray
    syn_wf: np.ndarray
    quantised_to_zero: int
    tm_lut: np.ndarray
    tm_tau: np.ndarray
    dyn_param: np.ndarray
    plastic_addr: dict
    struct_rows: dict = None

    def core_words(self, n_cores: int) -> np.ndarray:
        """Synaptic words held per core (for SDRAM accounting)."""
        return np.bincount(self.g_core, self.g_words, minlength=n_cores).astype(np.int64)




@numba.njit(cache=True)
def _count(rows, counts):
    for r in rows:
        counts[r] += 1


@numba.njit(cache=True)
def _fill(rows, row_addr, fill, words, floats, syn, syn_wf, addr):
    """Append each synapse's words (and float twins) to its row, in the given order;
    ``addr[k]`` (if not empty) takes synapse k's first word's address."""
    per = words.shape[1]
    for k in range(len(rows)):
        r = rows[k]
        a = row_addr[r] + per * fill[r]
        if len(addr):
            addr[k] = a
        fill[r] += 1
        for j in range(per):
            syn[a + j] = words[k, j]
        if len(syn_wf):
            for j in range(per):
                syn_wf[a + j] = floats[k, j]


def _rows(jobs, place, encode, header, per, slices, with_floats, packed=False, addresses=None,
          room=None, threads=None, ring_group=None):
    """Rows of ``per`` words per synapse behind ``header`` words, one row per source
    neuron, fixed stride per (target core, source slice) group, synapses in each row in
    the order of ``jobs`` (``(projection, lo, hi)`` ranges of synapses). ``packed``: no
    header and no stride; rows one after the other, found through ``row_ptr``.

    ``place(prj, lo, hi)`` gives the ``(target core, source slice, source neuron)`` of the
    range, ``encode(prj, lo, hi)`` its ``(words, floats)``, each ``(hi - lo, per)``. A
    counting sort in two passes: the host never holds more than one range's temporaries
    besides the rows themselves. Returns ``(group keys, group first word (packed: first
    row_ptr entry), group stride (packed: 0), group synapse count, syn, syn_wf, row_ptr,
    group words, group index stride (packed: see
    :func:`neurochip.mapping.packed_rows.interleave`; strided: 1))``; word 0 of each
    strided row is its synapse count. ``room``: ``(group
    keys, synapses)`` of groups that must exist with room for that many synapses per row
    (structural plasticity), whether or not they have synapses now.
    """
    n_sl = len(slices)
    present = np.zeros(n_sl * n_sl, bool)  # (target core, source slice) groups with synapses
    core_syn = np.zeros(n_sl, np.int64)  # synapses onto each core
    job_starts = []  # packed: where each target core's synapses start in each job
    for job in jobs:
        tc, ss, _ = place(*job)
        mark_groups(tc, ss, n_sl, present, core_syn)
        if packed:
            job_starts.append(core_starts(tc))
    if room is not None:
        present[room[0]] = True
    ukey = np.flatnonzero(present)
    group_of = np.full(n_sl * n_sl, -1, np.int64)
    group_of[ukey] = np.arange(len(ukey))
    del present
    g_rows = np.array([slices[s].n for s in ukey % n_sl], np.int64)
    row_base = np.r_[0, np.cumsum(g_rows)].astype(np.int64)
    if packed:  # no header, no stride: rows one after the other
        return packed_rows(jobs, job_starts, place, encode, n_sl, (ukey, group_of, g_rows, row_base),
                           core_syn, with_floats, threads, ring_group)
    counts = np.zeros(row_base[-1], np.int32)  # a row's synapses (a few: 4 bytes a row)
    g_syn = np.zeros(len(ukey), np.int64)
    for job in jobs:  # pass 1: synapses per row
        tc, ss, li = place(*job)
        rows = np.empty(len(tc), np.int64)
        group_rows(tc, ss, li, n_sl, group_of, row_base, rows, g_syn)
        _count(rows, counts)
    most = (np.maximum.reduceat(counts, row_base[:-1]).astype(np.int64) if len(counts)
            else np.zeros(len(ukey), np.int64))
    if room is not None:
        need = np.zeros(n_sl * n_sl, np.int64)
        need[room[0]] = room[1]
        most = np.maximum(most, need[ukey])
    g_stride = most * per + header
    g_words = g_rows * g_stride
    g_lo = np.r_[0, np.cumsum(g_words)[:-1]].astype(np.int64)
    row_group = np.repeat(np.arange(len(ukey)), g_rows)
    row_start = (g_lo[row_group]
                 + (np.arange(len(counts)) - row_base[row_group]) * g_stride[row_group])
    syn = np.zeros(int(g_words.sum()), np.uint32)
    syn[row_start] = counts
    row_start += header  # each row's first synapse word
    fill = counts  # the counts are spent: each row's synapses written so far
    fill[:] = 0
    syn_wf = np.zeros(len(syn) if with_floats else 0)
    for job in jobs:  # pass 2: the words
        tc, ss, li = place(*job)
        rows = np.empty(len(tc), np.int64)
        group_rows(tc, ss, li, n_sl, group_of, row_base, rows, np.zeros(len(ukey), np.int64))
        words, floats = encode(*job)
        floats = floats if with_floats else np.zeros((0, per))
        addr = np.zeros(len(rows) if addresses is not None else 0, np.int64)
        _fill(rows, row_start, fill, words.astype(np.uint32), floats, syn, syn_wf, addr)
        if addresses is not None:
            addresses.append(addr)
    return (ukey, g_lo, g_stride, g_syn, syn, syn_wf, np.zeros(0, np.int32), g_words,
            np.ones(len(ukey), np.int64))


def _check_signs(graph, prj):
    if prj.dynamics == "neuromodulation":  # reward or punishment: magnitudes
        return
    post = graph.populations[prj.post]
    w = np.asarray(prj.weight, np.float64)
    if receptor_sign(post.model, prj.receptor) > 0 and np.any(w < 0):
        inhibitory = [r for r in receptors_of(post) if receptor_sign(post.model, r) < 0]
        fix = (f"use receptor_type={inhibitory[0]!r} for inhibition" if inhibitory else
               "a conductance is never negative: inhibition is a receptor with a low e_syn"
               if neuron_models.BY_NAME[post.model].CONDUCTANCE else
               f"name an inhibitory receptor one of {INHIBITORY_RECEPTORS}")
        raise MappingError(
            f"projection {prj.label!r}: weights onto {post.model}'s {prj.receptor!r} synapses "
            f"must be >= 0, got {w.min():g}; {fix}")
    if receptor_sign(post.model, prj.receptor) < 0 and np.any(w > 0):
        raise MappingError(
            f"projection {prj.label!r}: {prj.receptor!r} (inhibitory) weights onto the "
            f"current-based {post.model} must be <= 0 (PyNN's sign convention), got "
            f"{w.max():g} nA")


def layout_synapses(graph, slices, idx_bits, delay_bits, shifts, with_floats: bool = True,
                    skip_pre: frozenset = frozenset(), type_bits=None, plastic=None,
                    threads: int | None = None) -> SynapseLayout:
    """Build every synaptic row. ``idx_bits``/``delay_bits``/``type_bits`` (default
    TYPE_BITS, two receptors) are per slice (core); the
    delays have been checked by :func:`neurochip.mapping.partition.partition`, which also
    chose ``delay_bits`` to hold the longest delay into each population. ``with_floats``:
    also the float twins of the words (float arithmetic). Projections from the
    populations in ``skip_pre`` get no rows (see :mod:`neurochip.mapping.delegate`). Each
    projection's rows are those of its dynamics (:mod:`neurochip.mapping.synapse_dynamics`);
    ``plastic`` (:class:`neurochip.mapping.plasticity.PlasticSets`) numbers the STDP
    projections' parameter sets, one block of rows each. ``threads``: host threads for the
    packed rows (``setup(threads=N)``; None: as many as this process may use, up to two)."""
    pop_first = {}
    pop_width = {}
    for i, s in enumerate(slices):
        pop_first.setdefault(s.pop, i)
        if s.lo == 0:
            pop_width[s.pop] = s.n
    ctx = EncodeContext(dt=graph.dt)
    zeros = [0]
    counting = threading.Lock()
    t_bits = (np.full(len(slices), TYPE_BITS, np.int64) if type_bits is None
              else np.asarray(type_bits, np.int64))

    idx_bits64 = np.asarray(idx_bits, np.int64)
    # the groups of cores whose rings fit in cache together (neuron cores have rings)
    is_neuron = np.array([graph.populations[s.pop].model in neuron_models.BY_NAME for s in slices], bool)
    entries = np.where(is_neuron, np.int64(1) << (np.asarray(delay_bits, np.int64) + t_bits + idx_bits64), 0)
    bounds = ring_groups(entries)
    ring_group = np.repeat(np.arange(len(bounds) - 1), np.diff(bounds))

    def place(prj, lo, hi):  # the ends may be held in small types (uint16, PostRuns)
        return place_range(np.asarray(prj.pre_idx[lo:hi]), np.asarray(prj.post_idx[lo:hi]),
                           pop_first[prj.pre], pop_width[prj.pre], pop_first[prj.post],
                           pop_width[prj.post])

    def encode(prj, lo, hi, count=True):  # count: add its weights that round to 0
        t = receptor_type(graph, prj)
        model = neuron_models.BY_NAME[graph.populations[prj.post].model]
        w = _float64(prj.weight[lo:hi])
        d = prj.delay[lo:hi]
        if not isinstance(d, np.ndarray) or d.dtype.kind not in "fiu":
            d = np.asarray(d, np.int64 if prj.delay_in_ticks else np.float64)
        word, w_ring, z = static_words(
            w, d, prj.delay_in_ticks, graph.dt, np.asarray(prj.post_idx[lo:hi]),
            pop_first[prj.post], pop_width[prj.post], model.WEIGHT_SCALE,
            int(shifts[prj.post, t]), t, idx_bits64, t_bits,
            with_ring=with_floats or prj.dynamics != "static")
        # a plastic weight, and a dopamine concentration, has its own scale
        if count and prj.dynamics not in (*PLASTIC, "neuromodulation"):
            with counting:  # packed rows are encoded in two threads
                zeros[0] += z
        return ENCODERS[prj.dynamics].encode(ctx, prj, lo, word, w_ring)

    jobs = {}  # (dynamics, parameter set, rewiring projection or -1) -> (projection, first, end)
    owners = {}  # id of a plastic projection -> its number (its weights are read back)
    rooms = {}  # job of a rewiring projection -> (group keys, room per row)
    n_sl = len(slices)
    for j, prj in enumerate(graph.projections):
        n = len(prj.pre_idx)
        rw = rewiring_of(prj)
        if not n and rw is None:
            continue
        _check_signs(graph, prj)
        if prj.pre in skip_pre:
            continue
        if rw is not None:  # its own rows, with room for what may form on every core
            key = (prj.dynamics, plastic.of(j) if prj.dynamics in PLASTIC else 0, j)
            jobs[key] = [(prj, 0, n)]
            post_cores = [i for i, sl in enumerate(slices) if sl.pop == prj.post]
            pre_cores = [i for i, sl in enumerate(slices) if sl.pop == prj.pre]
            gk = np.array([c * n_sl + q for c in post_cores for q in pre_cores], np.int64)
            cap = np.array([row_room(rw, slices[c].n) for c in post_cores for _ in pre_cores],
                           np.int64)
            rooms[key] = (gk, cap)
        elif ENCODERS[prj.dynamics].kind is None:  # in ranges: the host's temporaries stay small
            jobs.setdefault((prj.dynamics, 0, -1), []).extend(
                (prj, lo, min(lo + CHUNK, n)) for lo in range(0, n, CHUNK))
        elif prj.dynamics in PLASTIC:  # a block of rows per parameter set
            jobs.setdefault((prj.dynamics, plastic.of(j), -1), []).append((prj, 0, n))
            owners[id(prj)] = j
        else:
            jobs.setdefault((prj.dynamics, 0, -1), []).append((prj, 0, n))
    parts, addresses = {}, {}
    for key, todo in sorted(jobs.items(), key=lambda kv: (ENCODERS[kv[0][0]].kind is not None,
                                                          kv[0])):
        name = key[0]
        enc = ENCODERS[name]
        addr = [] if name in PLASTIC and key[2] < 0 else None
        parts[key] = _rows(todo, place, encode, enc.header, enc.words, slices, with_floats,
                           packed=enc.kind is None, addresses=addr, room=rooms.get(key),
                           threads=threads, ring_group=ring_group)
        if addr is not None:
            addresses[key] = [(owners[id(job[0])], a) for job, a in zip(todo, addr)]
    keys = np.unique(np.concatenate([p[0] for p in parts.values()] or [np.zeros(0, int)]))
    g = len(keys)
    g_lo, g_stride = np.full(g, -1, np.int64), np.zeros(g, np.int64)
    g_istride = np.ones(g, np.int64)
    g_syn = np.zeros(g, np.int64)
    g_words = np.zeros(g, np.int64)
    row_ptr = np.zeros(0, np.int32)
    blocks = []  # (group, kind, first word, stride, parameter set) of the rows with dynamics
    plastic_addr = {}  # plastic projection number -> its synapses' word addresses
    syn, syn_wf, offset = [], [], 0
    struct_rows = {}  # rewiring projection -> (core, source slice, first word, stride) of its blocks
    for (name, pset, rj), part in parts.items():  # static first: its index points into syn as is
        ukey, p_lo, p_stride, p_syn, p_words, p_floats, p_ptr, p_gwords, p_istride = part
        at = np.searchsorted(keys, ukey)
        g_words[at] += p_gwords
        kind = ENCODERS[name].kind
        if kind is None:
            g_lo[at], g_stride[at], g_istride[at] = p_lo, p_stride, p_istride
            row_ptr = p_ptr
        else:
            blocks += [(a, kind, lo + offset, st, pset) for a, lo, st in zip(at, p_lo, p_stride)]
        if rj >= 0:
            struct_rows[rj] = (ukey // n_sl, ukey % n_sl, p_lo + offset, p_stride)
        for j, a in addresses.get((name, pset, rj), ()):
            plastic_addr[j] = a + offset
        g_syn[at] += p_syn
        syn.append(p_words)
        syn_wf.append(p_floats)
        offset += len(p_words)
    blocks.sort(key=lambda b: (b[0], b[1], b[4]))  # by group, then kind and parameter set
    blk = np.array(blocks, np.int64).reshape(-1, 5)
    tm_lut, tm_tau = ctx.decay_tables()
    return SynapseLayout(
        g_core=keys // n_sl, g_src=keys % n_sl, g_lo=g_lo, g_stride=g_stride, g_istride=g_istride,
        g_dyn_lo=np.searchsorted(blk[:, 0], np.arange(g + 1)).astype(np.int64),
        dyn_kind=blk[:, 1].astype(np.int32), dyn_row_lo=blk[:, 2], dyn_stride=blk[:, 3].astype(np.int32),
        dyn_param=blk[:, 4].astype(np.int32), plastic_addr=plastic_addr, struct_rows=struct_rows,
        g_rows=np.array([slices[s].n for s in keys % n_sl], np.int64),
        g_synapses=g_syn, g_words=g_words, row_ptr=row_ptr, syn=_joined(syn, np.uint32),
        syn_wf=_joined(syn_wf, np.float64), quantised_to_zero=zeros[0], tm_lut=tm_lut, tm_tau=tm_tau)


def _float64(a):
    """``a`` as float64 (an array already of that type as it is, strides and all)."""
    return a if isinstance(a, np.ndarray) and a.dtype == np.float64 else np.asarray(a, np.float64)


def _joined(parts, dtype):
    """One array of the parts (the only part itself, without a copy)."""
    if not parts:
        return np.zeros(0, dtype)
    return parts[0] if len(parts) == 1 else np.concatenate(parts)
