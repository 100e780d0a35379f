"""sPyNNaker's SpikeSourcePoissonVariable (given as ``sim.extra_models``): a Poisson source
whose rate changes at given times.

``SpikeSourcePoissonVariable(rates, starts, durations=None)``: ``rates`` (Hz) with the
``starts`` (ms) at which each takes over and, optionally, how long each lasts
(``durations``, ms; by default until the next start, the last one for ever). Each is a
list for every neuron, or a list of lists, one per neuron (each neuron may have its
own number of rates). As on sPyNNaker, rate k is on from ``starts[k]`` for
``durations[k]`` and at most until ``starts[k+1]``; outside its windows a neuron sends
nothing. One rate needs no start (it starts at 0).

On the machine it is a Poisson-type source as SpikeSourcePoisson (a Poisson count of
spikes every timestep, from the neuron's own generator, seeded per neuron), whose count
table changes with its rate (:mod:`neurochip.mapping.rate_schedule`); it runs on its own
cores (never delegated to its targets').
"""

from __future__ import annotations

import numpy as np
from pyNN.parameters import ArrayParameter
from pyNN.standardmodels import StandardCellType, build_translations

from .errors import NeurochipError

__all__ = ["SpikeSourcePoissonVariable", "FOREVER"]

FOREVER = 1e10  # ms: a duration that does not end (PyNN's default duration)


class SpikeSourcePoissonVariable(StandardCellType):
    """sPyNNaker's Poisson source with rates that change at given times:
    ``SpikeSourcePoissonVariable(rates, starts, durations=None)``, each a list for every
    neuron or a list of lists, one per neuron (see :mod:`neurochip.extra_sources`)."""

    default_parameters = {"rates": ArrayParameter([]), "starts": ArrayParameter([]),
                          "durations": ArrayParameter([])}
    default_initial_values = {}
    recordable = ["spikes"]
    receptor_types = ()
    injectable = False
    conductance_based = False
    units = {"rates": "Hz", "starts": "ms", "durations": "ms"}
    translations = build_translations(*[(n, n) for n in default_parameters])
    spinnaker_initial_values = {}

    def __init__(self, rates, starts=None, durations=None):
        if rates is None:
            raise NeurochipError("SpikeSourcePoissonVariable: rates is required (Hz, a list for "
                                 "every neuron or a list per neuron)")
        super().__init__(rates=rates, starts=[] if starts is None else starts,
                         durations=[] if durations is None else durations)

    @staticmethod
    def graph_parameters(parameters: dict, size: int) -> dict:
        """The mapping's ``(size, k)`` arrays of the per-neuron lists in ``parameters``
        (the Population's, one ArrayParameter per neuron): a neuron with fewer windows
        gets windows of duration 0 after its own (they send nothing); a missing start is
        0 (one rate), a missing duration lasts for ever."""
        lists = {n: [np.asarray(getattr(v, "value", v), np.float64).ravel()
                     for v in np.broadcast_to(np.asarray(parameters[n], dtype=object), (size,))]
                 for n in ("rates", "starts", "durations")}
        width = max(max((len(r) for r in lists["rates"]), default=0), 1)
        out = {n: np.zeros((size, width)) for n in lists}
        for i in range(size):
            rates, starts, durations = (lists[n][i] for n in ("rates", "starts", "durations"))
            where = f"SpikeSourcePoissonVariable, neuron {i}"
            if len(starts) == 0 and len(rates) <= 1:
                starts = np.zeros(len(rates))
            if len(starts) != len(rates):
                raise NeurochipError(f"{where}: {len(rates)} rates but {len(starts)} starts; "
                                     f"give each rate the time (ms) it starts at")
            if len(durations) == 0:
                durations = np.full(len(rates), FOREVER)
            if len(durations) != len(rates):
                raise NeurochipError(f"{where}: {len(rates)} rates but {len(durations)} "
                                     f"durations; give each rate a duration (ms), or none")
            k = len(rates)
            out["rates"][i, :k] = rates
            out["starts"][i, :k] = starts
            # empty windows after the last, where it ends (a window ends at the next start)
            out["starts"][i, k:] = starts[-1] + durations[-1] if k else 0.0
            out["durations"][i, :k] = durations
        return out
