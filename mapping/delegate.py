"""Poisson sources run by their targets' cores (sPyNNaker's Poisson delegate).

A Poisson-type source population whose neurons each have at most one synapse
(typically a OneToOneConnector onto a population), static, and whose spikes are
not recorded, gets no cores and sends no packets: each of its synapses becomes
an entry of :class:`neurochip.emulator.direct.DirectInputs` on the target's core, which
runs the source there with the source's own generator. Results are the same as
with the source on its own cores (the packets' work is simply not done).
"""

from __future__ import annotations

import numpy as np

from neurochip.emulator.direct import DirectInputs, no_direct_inputs

from .neurons import POISSON_MODELS, CountTables, count_table
from .partition import delay_ticks
from .rate_schedule import SCHEDULED_MODELS
from .synapses import quantise_weights, receptor_type

__all__ = ["delegated_sources", "encode_direct", "count_factors"]


def delegated_sources(graph) -> frozenset:
    """Indices of the populations whose synapses run on their targets' cores."""
    out = set()
    for i, pop in enumerate(graph.populations):
        if (pop.model not in POISSON_MODELS or np.any(pop.record.get("spikes", False))
                or pop.live):  # a source the host controls keeps cores of its own
            continue
        if pop.model in SCHEDULED_MODELS:  # a rate schedule runs on the source's own cores
            continue
        prjs = [p for p in graph.projections if p.pre == i]
        if not prjs or any(p.dynamics != "static" for p in prjs):
            continue
        fan_out = np.zeros(pop.size, np.int64)
        for p in prjs:
            fan_out += np.bincount(np.asarray(p.pre_idx), minlength=pop.size)
        if fan_out.max() <= 1:
            out.add(i)
    return frozenset(out)


# a source whose rate a host sets live has no known rate when the network is mapped: its
# synapses' weight shift allows this rate (above it ring slots may saturate, reported)
LIVE_RATE_HZ = 1000.0


def count_factors(graph, sources) -> dict:
    """Projection index -> most spikes one synapse can bring in one tick: a Poisson-type
    source (``sources``: population index -> its :class:`neurochip.mapping.neurons.PoissonArrays`) sends a
    Poisson count, at most its count table's last count (for a live source, that of
    ``LIVE_RATE_HZ`` if more)."""
    live_most = len(count_table(LIVE_RATE_HZ * graph.dt / 1000.0)) - 1
    out = {}
    for j, p in enumerate(graph.projections):
        if p.pre in sources and len(p.pre_idx):
            most = int(sources[p.pre].most[np.asarray(p.pre_idx)].max())
            out[j] = max(most, live_most) if graph.populations[p.pre].live else most
    for j, p in enumerate(graph.projections):  # rewiring may connect any source neuron
        if p.pre in sources and "rewiring" in p.dyn_params:
            out[j] = int(sources[p.pre].most.max(initial=1))
    return out


def encode_direct(graph, sources, pop_neuron_lo, neuron_lo, shifts, fixed_point: bool):
    """The DirectInputs of the delegated populations (``sources``: population index ->
    its :class:`neurochip.mapping.neurons.PoissonArrays`), and how many of their
    non-zero weights round to zero in the ring format."""
    cols = {k: [] for k in ("target", "type", "weight", "weight_f", "delay", "start",
                            "end", "refrac", "every", "rng0", "cdf_lo")}
    tables, zeros = CountTables(), 0
    for i, src in sorted(sources.items()):
        offset = tables.offset(i, src)
        for prj in graph.projections:
            if prj.pre != i or not len(prj.pre_idx):
                continue
            t = receptor_type(graph, prj)
            w_ring, q, z = quantise_weights(graph, prj, np.asarray(prj.weight, np.float64),
                                            shifts)
            zeros += z
            s = np.asarray(prj.pre_idx)
            cols["target"].append(pop_neuron_lo[prj.post] + np.asarray(prj.post_idx, np.int64))
            cols["type"].append(np.full(len(s), t, np.int32))
            cols["weight"].append(q if fixed_point else np.zeros(len(s), np.int64))
            cols["weight_f"].append(np.zeros(0) if fixed_point else w_ring)
            cols["delay"].append(delay_ticks(prj, graph.dt))
            for name in ("start", "end", "refrac", "every", "rng0"):
                cols[name].append(getattr(src, name)[s])
            cols["cdf_lo"].append(src.cdf_lo[s] + offset)
    if not cols["target"]:
        return no_direct_inputs(len(neuron_lo) - 1), zeros
    arrays = {k: np.concatenate(v) for k, v in cols.items()}
    core = np.searchsorted(neuron_lo, arrays["target"], side="right") - 1
    order = np.argsort(core, kind="stable")  # by core; projection and synapse order within
    arrays = {k: (v[order] if len(v) == len(order) else v) for k, v in arrays.items()}
    lo = np.r_[0, np.cumsum(np.bincount(core, minlength=len(neuron_lo) - 1))].astype(np.int64)
    return DirectInputs(lo=lo, cdf=tables.array(),
                        **arrays), zeros
