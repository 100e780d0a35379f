"""sPyNNaker's statistical ring-buffer bound: the weight shift chosen from the expected
input rather than the worst case, for populations made with sPyNNaker's
``spikes_per_second``, ``ring_buffer_sigma`` or ``max_expected_summed_weight``.

The input one ring slot of a neuron receives in a timestep from projection ``i`` is a
compound Poisson sum: ``n_i`` synapses (the most any neuron of the population has from
that projection), each firing at ``rate_i`` (a Poisson source's own largest rate, else
``spikes_per_second``), so ``lambda_i = n_i rate_i dt`` spikes on average, with weights of
mean ``mu_i`` and spread ``sigma_w,i`` (a plastic projection at its ``w_max``). Its mean is
``sum lambda_i mu_i`` and its variance ``sum lambda_i (mu_i**2 + sigma_w,i**2)``; the bound
is the mean plus ``ring_buffer_sigma`` standard deviations (sPyNNaker's
``_ring_buffer_expected_upper_bound``, which sums the weight variance over a truncated
Poisson distribution instead: the same to within its truncation), never more than the worst
case and never less than the largest single weight. ``max_expected_summed_weight`` (one
value per receptor, PyNN units) gives the bound directly. Inputs beyond the bound saturate
the ring slot: counted, and named in the machine's report after the run.
"""

from __future__ import annotations

import math

import numpy as np

from neurochip.emulator import models as neuron_models

from .errors import MappingError
from .post_runs import post_counts

__all__ = ["SPIKES_PER_SECOND", "RING_BUFFER_SIGMA", "statistical_bound"]

SPIKES_PER_SECOND = 30.0  # sPyNNaker's defaults
RING_BUFFER_SIGMA = 5.0
_POISSON = ("SpikeSourcePoisson", "SpikeSourcePoissonRefractory", "SpikeSourceGamma")


def statistical_bound(graph, pop_i: int, receptor: int, prjs, worst: float, biggest: float) -> float:
    """The ring-unit bound of receptor slot ``receptor`` of population ``pop_i`` (its
    ``ring_stats``) from the projections ``prjs`` onto it; ``worst``: the worst-case
    total, ``biggest``: the largest single weight (both ring units)."""
    pop = graph.populations[pop_i]
    stats = pop.ring_stats
    model = neuron_models.BY_NAME[pop.model]
    expected = stats.get("max_expected_summed_weight")
    if expected is not None:
        values = np.ravel(np.asarray(expected, np.float64))
        if receptor >= len(values):
            raise MappingError(f"population {pop.label!r}: max_expected_summed_weight has "
                               f"{len(values)} values, one per receptor type is needed "
                               f"(receptor {receptor} receives input)")
        return max(float(values[receptor]) * model.WEIGHT_SCALE, biggest)
    rate_default = float(stats.get("spikes_per_second") or SPIKES_PER_SECOND)
    sigma = float(stats.get("ring_buffer_sigma") or RING_BUFFER_SIGMA)
    mean = var = 0.0
    for prj in prjs:
        if not len(prj.weight):
            continue
        pre = graph.populations[prj.pre]
        rate = rate_default
        if pre.model in _POISSON and "rate" in pre.params:
            rate = float(np.max(pre.params["rate"]))
        w = np.abs(np.asarray(prj.weight, np.float64)) * model.WEIGHT_SCALE
        if prj.dynamics == "stdp":
            w = np.full(len(w), float(np.max(prj.dyn_params["w_max"])) * model.WEIGHT_SCALE)
        n_in = int(post_counts(prj.post_idx, graph.populations[prj.post].size).max())
        lam = n_in * rate * graph.dt / 1000.0
        mean += lam * float(w.mean())
        var += lam * float(np.mean(w ** 2))
    return min(worst, max(mean + sigma * math.sqrt(var), biggest))
