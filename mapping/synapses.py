"""Synaptic encoding: weight shifts, synaptic rows and master population tables.

Everything is vectorised over connections. A fixed synapse is one 32-bit word
``weight:16 | delay:D | type:1 | index:N`` (D and N of the target core). Rows
start with a count word and have a fixed stride per (target core, source slice).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from emulator import models as neuron_models
from emulator.program import TYPE_BITS
from emulator.short_term import NO_LUT, TM_HEADER, decay_tables
from emulator.stochastic import P_ALWAYS, ST_HEADER

from .errors import MappingError
from .partition import delay_ticks

__all__ = ["SynapseLayout", "weight_shifts", "layout_synapses", "RECEPTOR_TYPE",
           "PLASTIC_TM", "PLASTIC_STOCHASTIC"]

RECEPTOR_TYPE = {"excitatory": 0, "inhibitory": 1}
PLASTIC_TM, PLASTIC_STOCHASTIC = 0, 1
U16_MAX = 0xFFFF


def _ring_weights(graph, prj) -> np.ndarray:
    """Weight magnitudes of a projection in the target model's ring units (e.g. nS)."""
    model = neuron_models.BY_NAME[graph.populations[prj.post].model]
    return np.abs(np.asarray(prj.weight, np.float64)) * model.WEIGHT_SCALE


def weight_shifts(graph) -> np.ndarray:
    """``(n_pops, 2)`` shift per population x synapse type.

    The shift is the smallest in [0, 15] for which the largest total weight that
    one ring slot of any neuron can receive (every input spiking into the same
    slot) still fits 16 bits: ring slots can then never saturate.
    """
    shifts = np.zeros((len(graph.populations), 2), np.int32)
    bound = np.zeros((len(graph.populations), 2))
    for pop_i, pop in enumerate(graph.populations):
        for t in (0, 1):
            total = np.zeros(pop.size)
            for prj in graph.projections:
                if prj.post == pop_i and RECEPTOR_TYPE[prj.receptor] == t and len(prj.weight):
                    total += np.bincount(prj.post_idx, _ring_weights(graph, prj),
                                         minlength=pop.size)
            bound[pop_i, t] = total.max(initial=0.0)
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
                f"{('excitatory', 'inhibitory')[t]} weight of {b:g} {unit} in one timestep, more "
                f"than the {U16_MAX * 2.0 ** (s - 15):g} {unit} a ring-buffer slot can hold; "
                f"scale the weights down")
        shifts[pop_i, t] = s
    return shifts


@dataclass(frozen=True, eq=False)
class SynapseLayout:
    """Synaptic data of all target cores, before keys are known.

    One group per (target core, source slice) pair: ``g_core``, ``g_src``, ``g_rows``
    (source neurons), ``g_synapses``, the static rows ``g_lo``/``g_stride`` and the
    plastic rows ``g_plo``/``g_pstride`` (``-1``/``0`` where a group has none) of kind
    ``g_pkind`` (PLASTIC_TM or PLASTIC_STOCHASTIC). ``tm_lut``/``tm_tau`` are the decay
    tables and time constants (ticks).
    """

    g_core: np.ndarray
    g_src: np.ndarray
    g_lo: np.ndarray
    g_stride: np.ndarray
    g_plo: np.ndarray
    g_pstride: np.ndarray
    g_pkind: np.ndarray
    g_rows: np.ndarray
    g_synapses: np.ndarray
    syn: np.ndarray
    syn_wf: np.ndarray
    quantised_to_zero: int
    tm_lut: np.ndarray
    tm_tau: np.ndarray

    def core_words(self, n_cores: int) -> np.ndarray:
        """Synaptic words held per core (for SDRAM accounting)."""
        words = self.g_rows * (self.g_stride + self.g_pstride)
        return np.bincount(self.g_core, words, minlength=n_cores).astype(np.int64)


def _rows(tc, ss, li, words, floats, header, slices):
    """Rows of ``words.shape[1]`` words per synapse behind ``header`` words, one row per
    source neuron, fixed stride per (target core, source slice) group.

    Returns ``(group keys, group first word, group stride, group synapse count, syn,
    syn_wf)``; word 0 of each row is its synapse count.
    """
    n_sl = len(slices)
    per = words.shape[1]
    maxw = max(s.n for s in slices)
    gkey = tc * n_sl + ss
    # one stable sort on a combined key: (target core, source slice, source neuron)
    order = np.argsort(gkey * maxw + li, kind="stable")
    gkey, li, words, floats = gkey[order], li[order], words[order], floats[order]
    g_first = np.flatnonzero(np.r_[True, gkey[1:] != gkey[:-1]])
    ukey = gkey[g_first]
    g_of = np.repeat(np.arange(len(g_first)), np.diff(np.r_[g_first, len(gkey)]))
    rkey = g_of * maxw + li
    r_first = np.flatnonzero(np.r_[True, rkey[1:] != rkey[:-1]])
    r_count = np.diff(np.r_[r_first, len(rkey)])
    r_group = g_of[r_first]
    # rows come grouped: each group's widest row, without a scattered maximum
    rg_first = np.flatnonzero(np.r_[True, r_group[1:] != r_group[:-1]])
    g_stride = np.maximum.reduceat(r_count * per, rg_first).astype(np.int64) + header
    g_rows = np.array([slices[s].n for s in ukey % n_sl], np.int64)
    g_size = g_rows * g_stride
    g_lo = np.r_[0, np.cumsum(g_size)[:-1]].astype(np.int64)
    syn = np.zeros(int(g_size.sum()), np.uint32)
    syn_wf = np.zeros(len(syn))
    row_lo = g_lo[r_group] + li[r_first] * g_stride[r_group]
    syn[row_lo] = r_count
    rank = np.arange(len(rkey)) - np.repeat(r_first, r_count)
    addr = np.repeat(row_lo, r_count) + header + per * rank
    for k in range(per):
        syn[addr + k] = words[:, k]
        syn_wf[addr + k] = floats[:, k]
    g_syn = np.bincount(g_of, minlength=len(ukey)).astype(np.int64)
    return ukey, g_lo, g_stride, g_syn, syn, syn_wf


def _tm_words(graph, prj, word, w_ring, luts):
    """Per-synapse plastic words [word, U, u, x, lut ids] and their float twins."""
    p = prj.dyn_params
    n = len(word)
    U = np.broadcast_to(np.asarray(p["U"], float), (n,))
    if np.any((U <= 0) | (U > 1)):
        raise MappingError(f"projection {prj.label!r}: U must be in (0, 1], got "
                           f"{U[(U <= 0) | (U > 1)][0]:g}")
    lids = []
    for name in ("tau_rec", "tau_facil"):
        tau = np.broadcast_to(np.asarray(p[name], float), (n,)) / graph.dt
        if np.any(tau < 0):
            raise MappingError(f"projection {prj.label!r}: {name} must be >= 0")
        ids = np.full(n, NO_LUT, np.int64)
        for value in np.unique(tau[tau > 0]):
            ids[tau == value] = luts.setdefault(float(value), len(luts))
        lids.append(ids)
    u0 = np.minimum(np.rint(U * 2.0 ** 32), 2.0 ** 32 - 1)
    words = np.stack([word, u0, u0, np.full(n, 2.0 ** 32 - 1), lids[0] | (lids[1] << 16)],
                     axis=1).astype(np.uint64)
    floats = np.stack([w_ring, U, U, np.ones(n), np.zeros(n)], axis=1)
    return words, floats


def layout_synapses(graph, slices, idx_bits, delay_bits, shifts) -> SynapseLayout:
    """Build every synaptic row. ``idx_bits``/``delay_bits`` are per slice (core); the
    delays have been checked by :func:`mapping.partition.partition`, which also chose
    ``delay_bits`` to hold the longest delay into each population."""
    pop_first = {}
    pop_width = {}
    for i, s in enumerate(slices):
        pop_first.setdefault(s.pop, i)
        if s.lo == 0:
            pop_width[s.pop] = s.n
    static = {k: [] for k in ("tc", "ss", "li", "words", "floats")}
    plastic = {k: [] for k in ("tc", "ss", "li", "words", "floats")}
    stochastic = {k: [] for k in ("tc", "ss", "li", "words", "floats")}
    luts = {}
    zeros = 0
    next_sid = 0
    for prj in graph.projections:
        if not len(prj.pre_idx):
            continue
        t = RECEPTOR_TYPE[prj.receptor]
        post = graph.populations[prj.post]
        w = np.asarray(prj.weight, np.float64)
        conductance = neuron_models.BY_NAME[post.model].CONDUCTANCE
        if (t == 0 or conductance) and np.any(w < 0):
            raise MappingError(
                f"projection {prj.label!r}: weights onto {post.model}'s {prj.receptor} synapses "
                f"must be >= 0, got {w.min():g}; use receptor_type='inhibitory' for inhibition")
        if t == 1 and not conductance and np.any(w > 0):
            raise MappingError(
                f"projection {prj.label!r}: inhibitory weights onto the current-based "
                f"{post.model} must be <= 0 (PyNN's sign convention), got {w.max():g} nA")
        d = delay_ticks(prj, graph.dt)
        tc = pop_first[prj.post] + prj.post_idx // pop_width[prj.post]
        ss = pop_first[prj.pre] + prj.pre_idx // pop_width[prj.pre]
        li = prj.pre_idx % pop_width[prj.pre]
        pl = prj.post_idx % pop_width[prj.post]
        w_ring = _ring_weights(graph, prj)
        q = np.rint(w_ring * 2.0 ** (15 - shifts[prj.post, t])).astype(np.int64)
        zeros += int(np.count_nonzero((q == 0) & (w != 0)))
        nb = idx_bits[tc].astype(np.int64)
        word = (q << 16) | (d << (TYPE_BITS + nb)) | (t << nb) | pl
        if prj.dynamics == "tsodyks_markram":
            words, floats = _tm_words(graph, prj, word, w_ring, luts)
            target = plastic
        elif prj.dynamics == "stochastic":
            prob = np.broadcast_to(np.asarray(prj.dyn_params["p"], float), word.shape)
            if np.any((prob < 0) | (prob > 1)):
                raise MappingError(f"projection {prj.label!r}: p must be in [0, 1], got "
                                   f"{prob[(prob < 0) | (prob > 1)][0]:g}")
            sid = next_sid + np.arange(len(word))
            next_sid += len(word)
            thresh = np.rint(prob * float(P_ALWAYS))
            words = np.stack([word, thresh, sid], axis=1).astype(np.uint64)
            floats = np.stack([w_ring, prob, np.zeros(len(word))], axis=1)
            target = stochastic
        else:
            words, floats = word[:, None], w_ring[:, None]
            target = static
        for k, v in zip(target, (tc, ss, li, words, floats)):
            target[k].append(v)
    n_sl = len(slices)
    parts = []
    for cols, header in ((static, 1), (plastic, TM_HEADER), (stochastic, ST_HEADER)):
        if cols["tc"]:
            parts.append(_rows(*(np.concatenate(cols[k]) for k in cols), header, slices))
        else:
            parts.append(None)
    keys = np.unique(np.concatenate([p[0] for p in parts if p is not None] or [np.zeros(0, int)]))
    g = len(keys)
    g_lo, g_stride = np.full(g, -1, np.int64), np.zeros(g, np.int64)
    g_plo, g_pstride = np.full(g, -1, np.int64), np.zeros(g, np.int64)
    g_pkind = np.zeros(g, np.int32)
    g_syn = np.zeros(g, np.int64)
    syn, syn_wf, offset = [], [], 0
    for kind, part in enumerate(parts):
        if part is None:
            continue
        ukey, p_lo, p_stride, p_syn, p_words, p_floats = part
        at = np.searchsorted(keys, ukey)
        if kind == 0:
            g_lo[at], g_stride[at] = p_lo + offset, p_stride
        else:
            if np.any(g_plo[at] >= 0):
                raise MappingError(
                    "a source neuron group reaches one core through both Tsodyks-Markram and "
                    "stochastic synapses; the machine keeps one plastic row kind per source "
                    "and core: use a separate source population for one of them")
            g_plo[at], g_pstride[at] = p_lo + offset, p_stride
            g_pkind[at] = PLASTIC_TM if kind == 1 else PLASTIC_STOCHASTIC
        g_syn[at] += p_syn
        syn.append(p_words)
        syn_wf.append(p_floats)
        offset += len(p_words)
    tau = np.array(sorted(luts, key=luts.get), float)
    return SynapseLayout(
        g_core=keys // n_sl, g_src=keys % n_sl, g_lo=g_lo, g_stride=g_stride, g_plo=g_plo,
        g_pstride=g_pstride, g_pkind=g_pkind, g_rows=np.array([slices[s].n for s in keys % n_sl], np.int64),
        g_synapses=g_syn, syn=np.concatenate(syn) if syn else np.zeros(0, np.uint32),
        syn_wf=np.concatenate(syn_wf) if syn_wf else np.zeros(0), quantised_to_zero=zeros,
        tm_lut=decay_tables(tau) if len(tau) else np.zeros((0, 2, 256), np.uint32), tm_tau=tau)
