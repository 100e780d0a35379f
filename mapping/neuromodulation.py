"""Dopamine-modulated STDP on the host: which STDP projections the dopamine modulates.

sPyNNaker's ``extra_models.Neuromodulation`` projection (dynamics ``"neuromodulation"``,
receptor ``'reward'`` or ``'punishment'``) brings dopamine to a population; every STDP
projection onto that population then learns through an eligibility trace instead of
changing its weight directly (:mod:`neurochip.emulator.neuromodulation`). The graph says
so by giving those projections the dynamics ``"stdp_neuromod"`` with the Neuromodulation's
parameters (``tau_c``, ``tau_d``, ``nm_w_min``, ``nm_w_max``; as sPyNNaker, every
Neuromodulation projection onto one population must agree on them). A
``StructuralMechanismSTDP`` projection there is rewired on those rows too
(:mod:`neurochip.emulator.structural`).
"""

from __future__ import annotations

import dataclasses

from neurochip.emulator import models as neuron_models

from .errors import MappingError
from .plasticity import value_of

__all__ = ["neuromodulate", "NM_PARAMS", "NM_TIMING"]

NM_PARAMS = ("tau_c", "tau_d", "w_min", "w_max")
NM_TIMING = ("pair", "nearest")  # the timing rules an eligibility trace takes here
RECEPTORS = ("reward", "punishment")


def neuromodulate(graph):
    """``graph`` with its STDP projections onto populations with dopamine input as
    ``"stdp_neuromod"`` (the same graph when there is none)."""
    dopamine = {}  # population -> (parameters, projection label)
    for prj in graph.projections:
        if prj.dynamics == "neuromodulation" and len(prj.pre_idx):
            if prj.receptor not in RECEPTORS:
                raise MappingError(f"projection {prj.label!r}: a Neuromodulation projection "
                                   f"targets receptor_type 'reward' or 'punishment', not "
                                   f"{prj.receptor!r}")
            p = tuple(value_of(prj, name) for name in NM_PARAMS)
            if not (p[0] > 0 and p[1] > 0 and 0 <= p[2] < p[3]):
                raise MappingError(f"projection {prj.label!r}: Neuromodulation needs tau_c, tau_d "
                                   f"> 0 and 0 <= w_min < w_max, got "
                                   + ", ".join(f"{n}={v:g}" for n, v in zip(NM_PARAMS, p)))
            known = dopamine.setdefault(prj.post, (p, prj.label))
            if known[0] != p:
                pop = graph.populations[prj.post].label
                raise MappingError(
                    f"Neuromodulation projections {known[1]!r} and {prj.label!r} onto population "
                    f"{pop!r} differ in (tau_c, tau_d, w_min, w_max): {known[0]} vs {p}; a "
                    f"population has one dopamine trace and one rule (as on sPyNNaker): give "
                    f"them the same parameters")
        elif prj.receptor in RECEPTORS:
            raise MappingError(f"projection {prj.label!r}: receptor_type {prj.receptor!r} takes "
                               f"sim.extra_models.Neuromodulation synapses only")
    if not dopamine:
        return graph
    projections = []
    modulated = set()
    for prj in graph.projections:
        if prj.dynamics == "stdp" and prj.post in dopamine:
            timing = prj.dyn_params["timing"]
            if timing not in NM_TIMING:
                raise MappingError(
                    f"projection {prj.label!r}: STDP with the {timing} timing rule onto "
                    f"{graph.populations[prj.post].label!r}, which receives Neuromodulation: "
                    f"dopamine-modulated STDP takes SpikePairRule or SpikeNearestPairRule")
            tau_c, tau_d, nm_w_min, nm_w_max = dopamine[prj.post][0]
            scale = neuron_models.BY_NAME[graph.populations[prj.post].model].WEIGHT_SCALE
            prj = dataclasses.replace(prj, dynamics="stdp_neuromod", dyn_params={
                **prj.dyn_params, "tau_c": tau_c, "tau_d": tau_d, "nm_w_min": nm_w_min,
                "nm_w_max": nm_w_max, "ring_scale": scale})
            modulated.add(prj.post)
        projections.append(prj)
    for pop, (_, label) in dopamine.items():
        if pop not in modulated:
            raise MappingError(
                f"projection {label!r}: Neuromodulation onto population "
                f"{graph.populations[pop].label!r}, which receives no STDP projection; dopamine "
                f"modulates STDP synapses (sim.STDPMechanism) onto the same population, as on "
                f"sPyNNaker")
    return dataclasses.replace(graph, projections=tuple(projections))
