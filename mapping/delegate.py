"""Poisson sources run by their targets' cores (sPyNNaker's Poisson delegate).

A Poisson-type source population whose neurons each have at most one synapse
(typically a OneToOneConnector onto a population), static, and whose spikes are
not recorded, gets no cores and sends no packets: each of its synapses becomes
an entry of :class:`emulator.direct.DirectInputs` on the target's core, which
runs the source there with the source's own generator. Results are the same as
with the source on its own cores (the packets' work is simply not done); rates
of one spike per timestep or more, which a source core cannot send, draw
Poisson counts there instead (plain SpikeSourcePoisson only).
"""

from __future__ import annotations

import numpy as np

from emulator.direct import DirectInputs, no_direct_inputs
from emulator.rng import seed_kiss

from .errors import MappingError
from .neurons import POISSON_MODELS, poisson_arrays, poisson_window
from .synapses import RECEPTOR_TYPE, quantise_weights

__all__ = ["delegated_sources", "encode_direct", "count_table", "count_factors", "MAX_COUNT_RATE"]

MAX_COUNT_RATE = 100.0  # expected spikes per tick of one source, at most


def delegated_sources(graph) -> frozenset:
    """Indices of the populations whose synapses run on their targets' cores."""
    out = set()
    for i, pop in enumerate(graph.populations):
        if pop.model not in POISSON_MODELS or np.any(pop.record.get("spikes", False)):
            continue
        prjs = [p for p in graph.projections if p.pre == i]
        if not prjs or any(p.dynamics != "static" for p in prjs):
            continue
        fan_out = np.zeros(pop.size, np.int64)
        for p in prjs:
            fan_out += np.bincount(p.pre_idx, minlength=pop.size)
        if fan_out.max() <= 1:
            out.add(i)
    return frozenset(out)


def count_table(lam: float) -> np.ndarray:
    """``P(K <= k)`` of a Poisson count of mean ``lam``, in u0.32 (uint64), for k = 0, 1,
    ... until it reaches ``2**32`` (the last entry is ``2**32``: every draw stops)."""
    pmf = np.exp(-lam)
    cum, out, k = pmf, [], 0
    while True:
        q = min(int(np.rint(cum * 2.0 ** 32)), 1 << 32)
        if q >= (1 << 32) or k > lam + 40.0 * np.sqrt(lam) + 40:
            out.append(1 << 32)
            return np.array(out, np.uint64)
        out.append(q)
        k += 1
        pmf *= lam / k
        cum += pmf


def count_factors(graph, pops, dt: float) -> dict:
    """Projection index -> most spikes per tick one synapse can bring (count tables)."""
    factors = {}
    for i in pops:
        pop = graph.populations[i]
        lam = _rates(pop) * dt / 1000.0
        if pop.model == "SpikeSourcePoisson" and np.any(lam >= 1.0):
            k_max = max(len(count_table(v)) - 1 for v in np.unique(lam))
            for j, p in enumerate(graph.projections):
                if p.pre == i:
                    factors[j] = k_max
    return factors


def _rates(pop):
    key = "beta" if pop.model == "SpikeSourceGamma" else "rate"
    return np.broadcast_to(np.asarray(pop.params[key], np.float64), (pop.size,))


def _source_arrays(graph, i):
    """Per source neuron: thresh, start, end, refrac, every, rng0, table index (-1: none),
    and the count tables."""
    pop = graph.populations[i]
    lam = _rates(pop) * graph.dt / 1000.0
    if pop.model != "SpikeSourcePoisson" and np.any(lam >= 1.0):
        raise MappingError(f"population {pop.label!r}: a {pop.model} of {lam.max() * 1000.0 / graph.dt:g} "
                           f"Hz is at least one event per timestep; only a plain SpikeSourcePoisson "
                           f"draws several spikes per timestep (on its targets' cores): use one, or "
                           f"a rate below {1000.0 / graph.dt:g} Hz")
    if pop.model != "SpikeSourcePoisson" or not np.any(lam >= 1.0):
        return (*poisson_arrays(pop, i, graph.dt, graph.seed), np.full(pop.size, -1, np.int64),
                [])
    if np.any(lam > MAX_COUNT_RATE):
        raise MappingError(f"population {pop.label!r}: rate {lam.max() * 1000.0 / graph.dt:g} Hz "
                           f"is more than {MAX_COUNT_RATE:g} spikes per timestep; split it into "
                           f"several sources")
    values, which = np.unique(lam, return_inverse=True)
    tables = [count_table(v) for v in values]
    first = np.r_[0, np.cumsum([len(t) for t in tables])[:-1]].astype(np.int64)
    start, end = poisson_window(pop, graph.dt)
    z = np.zeros(pop.size, np.int64)
    return (np.zeros(pop.size, np.uint32), start, end, z, z + 1,
            seed_kiss(graph.seed, i, np.arange(pop.size)), first[which], tables)


def encode_direct(graph, pops, pop_neuron_lo, neuron_lo, shifts, fixed_point: bool):
    """The DirectInputs of the delegated populations ``pops``, and how many of their
    non-zero weights round to zero in the ring format."""
    cols = {k: [] for k in ("target", "type", "weight", "weight_f", "delay", "thresh", "start",
                            "end", "refrac", "every", "rng0", "cdf_lo")}
    cdf, zeros = [], 0
    for i in sorted(pops):
        src = _source_arrays(graph, i)
        offset = sum(len(t) for t in cdf)
        cdf += src[7]
        for prj in graph.projections:
            if prj.pre != i or not len(prj.pre_idx):
                continue
            t = RECEPTOR_TYPE[prj.receptor]
            w_ring, q, z = quantise_weights(graph, prj, np.asarray(prj.weight, np.float64),
                                            shifts)
            zeros += z
            s = prj.pre_idx
            cols["target"].append(pop_neuron_lo[prj.post] + prj.post_idx.astype(np.int64))
            cols["type"].append(np.full(len(s), t, np.int32))
            cols["weight"].append(q if fixed_point else np.zeros(len(s), np.int64))
            cols["weight_f"].append(np.zeros(0) if fixed_point else w_ring)
            cols["delay"].append(np.rint(np.asarray(prj.delay, np.float64) / graph.dt)
                                 .astype(np.int64))
            for k, name in enumerate(("thresh", "start", "end", "refrac", "every", "rng0")):
                cols[name].append(src[k][s])
            cdf_lo = src[6][s]
            cols["cdf_lo"].append(np.where(cdf_lo >= 0, cdf_lo + offset, -1))
    if not cols["target"]:
        return no_direct_inputs(len(neuron_lo) - 1), zeros
    arrays = {k: np.concatenate(v) for k, v in cols.items()}
    core = np.searchsorted(neuron_lo, arrays["target"], side="right") - 1
    order = np.argsort(core, kind="stable")  # by core; projection and synapse order within
    arrays = {k: (v[order] if len(v) == len(order) else v) for k, v in arrays.items()}
    lo = np.r_[0, np.cumsum(np.bincount(core, minlength=len(neuron_lo) - 1))].astype(np.int64)
    return DirectInputs(lo=lo, cdf=np.concatenate(cdf) if cdf else np.zeros(0, np.uint64),
                        **arrays), zeros
