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

from .errors import MappingError
from .partition import delay_ticks

__all__ = ["SynapseLayout", "weight_shifts", "layout_synapses", "RECEPTOR_TYPE"]

RECEPTOR_TYPE = {"excitatory": 0, "inhibitory": 1}
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
            unit = "nS" if neuron_models.BY_NAME[pop.model].CONDUCTANCE else "nA"
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

    ``groups``: one per (target core, source slice) pair, with ``g_core``,
    ``g_src``, ``g_lo`` (first word), ``g_stride``, ``g_rows`` and ``g_synapses``.
    """

    g_core: np.ndarray
    g_src: np.ndarray
    g_lo: np.ndarray
    g_stride: np.ndarray
    g_rows: np.ndarray
    g_synapses: np.ndarray
    syn: np.ndarray
    syn_wf: np.ndarray
    quantised_to_zero: int

    def core_words(self, n_cores: int) -> np.ndarray:
        """Synaptic words held per core (for SDRAM accounting)."""
        return np.bincount(self.g_core, self.g_rows * self.g_stride, minlength=n_cores).astype(np.int64)


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
    cols = {k: [] for k in ("tc", "ss", "li", "word", "wf")}
    zeros = 0
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
        for k, v in zip(cols, (tc, ss, li, word, w_ring)):
            cols[k].append(v)
    if not cols["tc"]:
        e = np.zeros(0, np.int64)
        return SynapseLayout(e, e, e, e, e, e, np.zeros(0, np.uint32), np.zeros(0), 0)
    tc, ss, li, word, wf = (np.concatenate(cols[k]) for k in cols)
    n_sl = len(slices)
    order = np.lexsort((li, ss, tc))
    tc, ss, li, word, wf = tc[order], ss[order], li[order], word[order], wf[order]
    gkey = tc * n_sl + ss
    ukey, g_of = np.unique(gkey, return_inverse=True)
    g_core, g_src = ukey // n_sl, ukey % n_sl
    # rows: (group, local source index)
    maxw = max(s.n for s in slices)
    rkey = g_of * maxw + li
    r_first = np.flatnonzero(np.r_[True, rkey[1:] != rkey[:-1]])
    r_count = np.diff(np.r_[r_first, len(rkey)])
    r_group = g_of[r_first]
    g_stride = np.zeros(len(ukey), np.int64)
    np.maximum.at(g_stride, r_group, r_count)
    g_stride += 1
    g_rows = np.array([slices[s].n for s in g_src], np.int64)
    g_size = g_rows * g_stride
    g_lo = np.r_[0, np.cumsum(g_size)[:-1]]
    syn = np.zeros(int(g_size.sum()), np.uint32)
    syn_wf = np.zeros(len(syn))
    row_lo = g_lo[r_group] + li[r_first] * g_stride[r_group]
    syn[row_lo] = r_count
    rank = np.arange(len(rkey)) - np.repeat(r_first, r_count)
    addr = np.repeat(row_lo, r_count) + 1 + rank
    syn[addr] = word
    syn_wf[addr] = wf
    g_synapses = np.bincount(g_of, minlength=len(ukey)).astype(np.int64)
    return SynapseLayout(g_core, g_src, g_lo, g_stride, g_rows, g_synapses, syn, syn_wf, zeros)
