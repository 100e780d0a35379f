"""Structural plasticity (synaptic rewiring) on the host: the rewiring sets of a machine.

A projection whose ``dyn_params`` hold ``"rewiring"`` (a dict, PyNN units, made by
:mod:`neurochip.structural`) is structurally plastic: its rows have room for every
synapse that may form (:func:`row_room`), every (post core, pre slice) pair has a row
block and so a route and a master-table entry, and :func:`encode_structural` builds the
:class:`neurochip.emulator.structural.Structural` group that the emulator rewires from.
"""

from __future__ import annotations

import numpy as np

from neurochip.emulator import models as neuron_models
from neurochip.emulator.contract import DYN_NEUROMOD, DYN_STDP, DYN_STRUCTURAL
from neurochip.emulator.rng import seed_kiss
from neurochip.emulator.stdp import W16
from neurochip.emulator.structural import SET_F, SET_I, Structural, no_structural
from neurochip.emulator.synapse_dynamics import DYNAMICS

from .errors import MappingError

__all__ = ["rewiring_of", "formation_table", "rewiring_weight_bound", "row_room",
           "rewiring_delays", "encode_structural", "REWIRED_KINDS"]

# the graph's dynamics a rewiring projection may have -> (row kind, the dynamics parameter
# its weight half is relative to; None: the ring format's weight)
REWIRED_KINDS = {"structural": (DYN_STRUCTURAL, None), "stdp": (DYN_STDP, "w_max"),
                 "stdp_neuromod": (DYN_NEUROMOD, "nm_w_max")}

# generator streams of rewiring, apart from every other per-neuron stream of a seed
_NEURON_STREAM = 0x5EED0000
_POPULATION_STREAM = 0x5EED8000


def rewiring_of(prj) -> dict | None:
    """The rewiring parameters of projection spec ``prj``, None if it does not rewire."""
    return prj.dyn_params.get("rewiring")


def rewiring_delays(rw: dict, dt: float) -> tuple:
    """``(lo, hi)`` ticks of a formed synapse's delay."""
    d = rw["initial_delay"]
    lo, hi = (d, d) if np.ndim(d) == 0 else (d[0], d[1])
    return int(np.rint(lo / dt)), int(np.rint(hi / dt))


def formation_table(grid, p: float, sigma: float) -> np.ndarray:
    """Formation probability by squared distance on the periodic ``grid``, in 16 bits, as
    sPyNNaker's ``DistanceDependentFormation``: ``floor(p exp(-d2 / 2 sigma^2) 65535)``
    for d2 up to the largest on the grid, cut where it reaches 0."""
    gx, gy = (int(g) for g in grid)
    largest = sum((g // 2) ** 2 for g in (gx, gy) if g > 1)
    d2 = np.arange(largest + 1, dtype=np.float64)
    q = (p * np.exp(-d2 / (2.0 * sigma ** 2)) * 65535.0).astype(np.int64)
    zero = np.flatnonzero(q <= 0)
    return q[:zero[0]] if len(zero) else q


def rewiring_weight_bound(prj) -> float:
    """The largest weight (PyNN units) one synapse of a rewiring projection may have (a
    plastic one: its w_max; under dopamine the Neuromodulation's)."""
    rw = rewiring_of(prj)
    top = REWIRED_KINDS.get(prj.dynamics, (None, None))[1]
    if top is not None:
        return float(np.asarray(prj.dyn_params[top], np.float64).flat[0])
    return max(abs(float(rw["initial_weight"])),
               float(np.abs(np.asarray(prj.weight, np.float64)).max(initial=0.0)))


def row_room(rw: dict, n_post_on_core: int) -> int:
    """Synapses a pre neuron's row on a core of ``n_post_on_core`` post neurons can need:
    one per post neuron, or s_max each with replacement (several synapses per pair)."""
    return int(n_post_on_core * (rw["s_max"] if rw["with_replacement"] else 1))


def _rates(rw: dict, dt: float, label: str) -> tuple:
    """``(per_tick, period)``: attempts per tick (fast rewiring) or ticks between attempts,
    as sPyNNaker's (``p_rew = 1 / f_rew``)."""
    f = float(rw["f_rew"])
    if not f > 0:
        raise MappingError(f"projection {label!r}: f_rew={f:g} Hz must be > 0")
    p_rew_ms = 1000.0 / f
    if p_rew_ms < dt:
        return int(dt / p_rew_ms + 1e-9), 1
    return 0, max(1, int(p_rew_ms / dt + 1e-9))


def encode_structural(graph, slices, neuron_lo, struct_rows, g_core, g_src, shifts,
                      receptor_of) -> Structural:
    """The Structural group. ``struct_rows``: projection number -> ``(group core, group
    source slice, first row word, stride)`` arrays of its row blocks; ``g_core``, ``g_src``:
    the master-table entries' core and source slice, in entry order."""
    n_cores = len(slices)
    n_neurons = int(neuron_lo[-1])
    if not struct_rows:
        return no_structural(n_cores, n_neurons, len(g_core))
    set_i, set_f, probs = [], [], []
    core_set = np.full(n_cores, -1, np.int32)
    core_pop_lo = np.array([s.lo for s in slices], np.int64)
    core_n = np.diff(neuron_lo).astype(np.int64)
    row_lo = np.zeros(n_cores + 1, np.int64)
    row_parts = {}
    slot_of = np.full(n_neurons, -1, np.int64)
    slots, n_slots = [], 0
    rng0 = np.zeros((n_neurons, 4), np.uint32)
    pop_rng0 = np.zeros((n_cores, 4), np.uint32)
    pre_of_set = []
    for j, (bc, bs, blo, bstride) in sorted(struct_rows.items()):
        prj = graph.projections[j]
        rw = rewiring_of(prj)
        post_pop, pre_pop = graph.populations[prj.post], graph.populations[prj.pre]
        s = len(set_i)
        if np.any(core_set[bc] >= 0):
            other = graph.projections[sorted(struct_rows)[int(core_set[bc][core_set[bc] >= 0][0])]]
            raise MappingError(
                f"projections {other.label!r} and {prj.label!r} both rewire population "
                f"{post_pop.label!r}; sPyNNaker draws each attempt's pre population among "
                f"them, neurochip rewires a population from one structurally plastic "
                f"projection (not built yet): make one pre population of the two (the second's "
                f"neurons after the first's) or give one of them a StaticSynapse or "
                f"STDPMechanism")
        model = neuron_models.BY_NAME[post_pop.model]
        t = receptor_of(prj)
        shift = int(shifts[prj.post, t])
        w0 = abs(float(rw["initial_weight"]))
        thr = float(rw["threshold"])
        if prj.dynamics not in REWIRED_KINDS:
            raise MappingError(
                f"projection {prj.label!r}: structural plasticity on {prj.dynamics!r} rows "
                f"(StructuralMechanismSTDP with the RecurrentRule) is not built; rewiring takes "
                f"static synapses and STDP with the other timing rules (dopamine-modulated or "
                f"not): use one of those, or sim.STDPMechanism without rewiring")
        kind, top = REWIRED_KINDS[prj.dynamics]
        if top is not None:  # plastic: the weight half is relative to w_max
            w_max = float(np.asarray(prj.dyn_params[top], np.float64).flat[0])
            if w0 > w_max * (1 + 1e-12):
                what = "the Neuromodulation's w_max" if top == "nm_w_max" else "w_max"
                raise MappingError(f"projection {prj.label!r}: initial_weight={w0:g} is above "
                                   f"{what}={w_max:g}; lower it or raise {what}")
            w_field = int(min(np.rint(w0 / w_max * W16), W16))
            thr_field = int(np.rint(thr / w_max * W16))
        else:
            w_field = int(np.rint(w0 * model.WEIGHT_SCALE * 2.0 ** (15 - shift)))
            thr_field = int(np.rint(thr * model.WEIGHT_SCALE * 2.0 ** (15 - shift)))
            if w_field > 0xFFFF:
                raise MappingError(f"projection {prj.label!r}: initial_weight={w0:g} does not fit "
                                   f"the ring format of {post_pop.label!r}")
        per_tick, period = _rates(rw, graph.dt, prj.label)
        d_lo, d_hi = rewiring_delays(rw, graph.dt)
        if d_lo < 1 or d_hi < d_lo:
            raise MappingError(f"projection {prj.label!r}: initial_delay={rw['initial_delay']!r} "
                               f"must be at least one timestep ({graph.dt:g} ms), lo <= hi")
        lateral = prj.pre == prj.post
        grid = np.asarray(rw["grid"], np.int64).reshape(-1)
        if len(grid) != 2 or np.any(grid < 1):
            raise MappingError(f"projection {prj.label!r}: grid={rw['grid']!r} must be two "
                               f"positive integers (x, y)")
        p, sigma = ((rw["p_form_lateral"], rw["sigma_form_lateral"]) if lateral
                    else (rw["p_form_forward"], rw["sigma_form_forward"]))
        if not (0 <= p <= 1 and sigma > 0):
            raise MappingError(f"projection {prj.label!r}: formation needs 0 <= p <= 1 and "
                               f"sigma > 0, got p={p:g}, sigma={sigma:g}")
        table = formation_table(grid, p, sigma)
        prob_lo = sum(len(x) for x in probs)
        probs.append(table)
        pd, pp = (float(rw[k]) for k in ("prob_elim_depressed", "prob_elim_potentiated"))
        for name, v in (("prob_elim_depressed", pd), ("prob_elim_potentiated", pp)):
            if not 0 <= v <= 1:
                raise MappingError(f"projection {prj.label!r}: {name}={v:g} must be in [0, 1]")
        s_max = int(rw["s_max"])
        if s_max < 1:
            raise MappingError(f"projection {prj.label!r}: s_max={s_max} must be >= 1")
        cores = np.unique(bc)
        cap = max(row_room(rw, int(core_n[c])) for c in cores)
        set_i.append((post_pop.size, s_max, per_tick, period, int(rw["partner"] == "last"),
                      int(rw.get("spike_buffer_size", 64)), int(bool(rw["with_replacement"])),
                      w_field, d_lo, d_hi, t, thr_field, int(pd * 0xFFFFFFFF),
                      int(pp * 0xFFFFFFFF), int(lateral), int(grid[0]), int(grid[1]), pre_pop.size,
                      prob_lo, len(table), kind, cap, DYNAMICS[kind].header,
                      DYNAMICS[kind].words))
        set_f.append((w0 * model.WEIGHT_SCALE, thr * model.WEIGHT_SCALE))
        pre_of_set.append(prj.pre)
        seed = graph.seed if rw.get("seed") is None else int(rw["seed"])
        pop_rng0[cores] = seed_kiss(seed, _POPULATION_STREAM + prj.post, [0])[0]
        # the post-to-pre tables, with the connector's synapses in the first slots
        post_idx = np.asarray(prj.post_idx, np.int64)
        counts = np.bincount(post_idx, minlength=post_pop.size)
        if counts.max(initial=0) > s_max:
            k = int(np.argmax(counts))
            raise MappingError(f"projection {prj.label!r}: post neuron {k} has {counts[k]} initial "
                               f"synapses, more than s_max={s_max}: raise s_max or connect fewer")
        table_p = np.full((post_pop.size, s_max), -1, np.int32)
        order = np.argsort(post_idx, kind="stable")
        rank = np.arange(len(order)) - np.repeat(np.cumsum(counts) - counts, counts)
        table_p[post_idx[order], rank] = np.asarray(prj.pre_idx, np.int64)[order]
        for c in cores:
            core_set[c] = s
            sl = slices[c]
            g = np.arange(neuron_lo[c], neuron_lo[c + 1])
            slot_of[g] = n_slots + np.arange(sl.n) * s_max
            n_slots += sl.n * s_max
            slots.append(table_p[sl.lo:sl.hi].reshape(-1))
            rng0[g] = seed_kiss(seed, _NEURON_STREAM + prj.post, np.arange(sl.lo, sl.hi))
            addr = np.full(pre_pop.size, -1, np.int64)
            for k in np.flatnonzero(bc == c):
                src = slices[bs[k]]
                addr[src.lo:src.hi] = blo[k] + np.arange(src.n) * bstride[k]
            if np.any(addr < 0):
                raise MappingError(f"projection {prj.label!r}: a pre neuron has no row on core {c}")
            row_parts[c] = addr
    for c in range(n_cores):
        row_lo[c + 1] = row_lo[c] + (len(row_parts[c]) if c in row_parts else 0)
    row_addr = (np.concatenate([row_parts[c] for c in sorted(row_parts)]) if row_parts
                else np.zeros(0, np.int64))
    entry_pre_lo = np.full(len(g_core), -1, np.int64)
    for e, (c, src) in enumerate(zip(g_core, g_src)):
        s = core_set[c]
        if s >= 0 and slices[src].pop == pre_of_set[s]:
            entry_pre_lo[e] = slices[src].lo
    return Structural(
        set_i=np.array(set_i, np.int64).reshape(-1, len(SET_I)),
        set_f=np.array(set_f, np.float64).reshape(-1, len(SET_F)),
        probs=np.concatenate(probs).astype(np.int64), core_set=core_set, core_n=core_n,
        core_pop_lo=core_pop_lo, row_lo=row_lo, row_addr=row_addr, entry_pre_lo=entry_pre_lo,
        slot_of=slot_of, slots0=np.concatenate(slots).astype(np.int32) if slots else
        np.zeros(0, np.int32), rng0=rng0, pop_rng0=pop_rng0)
