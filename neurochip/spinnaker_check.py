"""Would this network run on SpiNNaker? ``sim.spinnaker_compatibility()``.

neurochip runs more than sPyNNaker does (models, plasticity, long delays on the core, more
neurons per core). Before taking a network to a board, this says what of it sPyNNaker
(version 7) could not run as it is, each finding with what to change; an empty list: nothing
found. It checks the current network (the PyNN objects of this ``setup()``), without mapping
or running it.
"""

from __future__ import annotations

import numpy as np

from . import simulator

__all__ = ["spinnaker_compatibility", "SPINNAKER_CELLS", "SPINNAKER_MAX_DELAY_TICKS",
           "SPINNAKER_NEURONS_PER_CORE"]

# cell types sPyNNaker runs (PyNN's standard names and its extra_models)
SPINNAKER_CELLS = frozenset({
    "IF_curr_exp", "IF_cond_exp", "IF_curr_alpha", "IF_curr_delta", "Izhikevich",
    "SpikeSourceArray", "SpikeSourcePoisson", "IFCurDelta", "IF_curr_dual_exp",
    "IFCurrExpCa2Adaptive", "Izhikevich_cond", "Izhikevich_curr_exp", "IFCondExpStoc", "IF_curr_exp_sEMD",
    "SpikeSourcePoissonVariable", "SpikeInjector"})
SPINNAKER_TIMING = frozenset({"SpikePairRule", "SpikeNearestPairRule", "PfisterSpikeTriplet"})
SPINNAKER_WEIGHTS = frozenset({"AdditiveWeightDependence", "MultiplicativeWeightDependence",
                               "WeightDependenceAdditiveTriplet"})
SPINNAKER_SOURCES = frozenset({"DCSource", "ACSource", "StepCurrentSource", "NoisyCurrentSource"})
# the longest delay a core holds without delay-extension cores (ticks), and neurons per core
SPINNAKER_MAX_DELAY_TICKS = 144
SPINNAKER_NEURONS_PER_CORE = 256


def spinnaker_compatibility() -> list:
    """What sPyNNaker could not run as it is, one sentence per finding naming the object,
    the value, sPyNNaker's limit and the fix; ``[]`` when nothing is found."""
    st = simulator.state
    out = []
    for pop in st.populations:
        name = type(pop.celltype).__name__
        if name not in SPINNAKER_CELLS:
            out.append(f"population {pop.label!r}: cell type {name} is not one sPyNNaker has "
                       f"(it has {', '.join(sorted(SPINNAKER_CELLS))}); choose one of those")
        per_core = pop._neurons_per_core or st.neurons_per_core.get(name)
        if name not in ("SpikeSourceArray", "SpikeSourcePoisson") and (
                per_core is not None and per_core > SPINNAKER_NEURONS_PER_CORE):
            out.append(f"population {pop.label!r}: {per_core} neurons per core, sPyNNaker "
                       f"places at most {SPINNAKER_NEURONS_PER_CORE}; "
                       f"set_number_of_neurons_per_core({name}, {SPINNAKER_NEURONS_PER_CORE})")
    for prj in st.projections:
        out += _projection(prj, st.dt)
    for src in st.current_sources:
        name = type(src).__name__
        if name not in SPINNAKER_SOURCES:
            out.append(f"current source {name} is not one sPyNNaker has "
                       f"({', '.join(sorted(SPINNAKER_SOURCES))})")
    return out


def _projection(prj, dt) -> list:
    out = []
    syn = prj.synapse_type
    kind = type(syn).__name__
    if kind == "STDPMechanism":
        td, wd = type(syn.timing_dependence).__name__, type(syn.weight_dependence).__name__
        spinnaker_vogels = getattr(syn.timing_dependence, "spinnaker_A_plus", None) is not None
        if td not in SPINNAKER_TIMING and not spinnaker_vogels:
            out.append(f"projection {prj.label!r}: timing rule {td} is not one sPyNNaker has "
                       f"({', '.join(sorted(SPINNAKER_TIMING))}; its Vogels2011Rule takes "
                       f"alpha, tau, A_plus, A_minus)")
        if wd not in SPINNAKER_WEIGHTS:
            out.append(f"projection {prj.label!r}: weight dependence {wd} is not one sPyNNaker "
                       f"has ({', '.join(sorted(SPINNAKER_WEIGHTS))})")
        old = getattr(syn.weight_dependence, "old_amplitudes", {})
        if old:
            out.append(f"projection {prj.label!r}: {wd}({', '.join(old)}=...): the amplitudes on "
                       f"the weight dependence are older sPyNNaker's (and PyNN 0.7's) form; "
                       f"sPyNNaker 7 takes them on the timing rule ({td}(..., A_plus, A_minus))")
        if td == "SpikePairRule" and syn.timing_dependence.timing == "nearest":
            out.append(f"projection {prj.label!r}: SpikePairRule(nearest=True) is older "
                       f"sPyNNaker's form; sPyNNaker 7 has extra_models.SpikeNearestPairRule")
    elif kind != "StaticSynapse":
        out.append(f"projection {prj.label!r}: {kind} is not a synapse type sPyNNaker has "
                   f"(StaticSynapse, STDPMechanism)")
    if getattr(prj.post.celltype, "receptor_types", None) and kind == "STDPMechanism" and (
            prj.receptor_type not in ("excitatory", "inhibitory")):
        out.append(f"projection {prj.label!r}: plasticity onto receptor {prj.receptor_type!r}; "
                   f"sPyNNaker's plastic synapses target 'excitatory' or 'inhibitory'")
    if len(prj._pre):  # the connector's synapses (a rewiring projection's len() is the machine's)
        d = int(np.rint(np.max(prj._attr("delay")) / dt))
        if d > SPINNAKER_MAX_DELAY_TICKS:
            out.append(f"projection {prj.label!r}: a delay of {d} timesteps "
                       f"({d * dt:g} ms), more than the {SPINNAKER_MAX_DELAY_TICKS} a SpiNNaker "
                       f"core holds; sPyNNaker needs delay extensions for it "
                       f"(set_allow_delay_extensions(..., True), its default) or shorter delays")
    return out
