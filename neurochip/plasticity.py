"""PyNN's STDP classes on neurochip (the machine side is :mod:`neurochip.emulator.stdp`).

``sim.STDPMechanism(timing_dependence, weight_dependence, weight=..., delay=...)`` with
the timing rules ``SpikePairRule`` (all-to-all pairs) and ``Vogels2011Rule``, and the
weight dependences ``AdditiveWeightDependence``, ``MultiplicativeWeightDependence``,
``AdditivePotentiationMultiplicativeDepression`` and ``GutigWeightDependence``;
sPyNNaker's ``SpikeNearestPairRule`` is in :mod:`neurochip.extra_models`. Parameters
mean what PyNN's standard models say, as pyNN.nest (NEST's ``stdp_synapse``) runs them:

- the whole delay is dendritic (``dendritic_delay_fraction`` must be 1, as in pyNN.nest):
  the synapse sees a pre spike when it is emitted and a post spike one delay after it;
- additive: ``dw = +A_plus * w_max * K+`` / ``-A_minus * w_max * K-`` (PyNN's and NEST's
  meaning; newer sPyNNaker versions take ``A_plus`` as an absolute change instead);
  multiplicative: ``+A_plus (w_max - w) K+``, ``-A_minus (w - w_min) K-``; Gutig:
  ``A_plus w_max (1 - w/w_max)**mu_plus K+``, ``A_minus w_max (w/w_max)**mu_minus K-``;
  the weight is clipped to ``[w_min, w_max]`` after every change;
- Vogels2011Rule (inhibitory plasticity): ``w += eta K-`` at a pre spike and ``w += eta
  K+`` at a post spike, ``w -= eta alpha`` at every pre spike, ``alpha = 2 rho tau``
  (rho in Hz, tau in ms: ``alpha = 2 * rho * tau / 1000``); ``eta`` in PyNN weight units
  (nA or uS), traces all-to-all with time constant ``tau``;
- updates are applied at the next pre spike (deferred, as NEST and the hardware), so
  ``Projection.get("weight")`` does not yet show the effect of post spikes after a
  synapse's last pre spike.
"""

from __future__ import annotations

from pyNN.standardmodels import build_translations, synapses

from .errors import NeurochipError
from .simulator import state

__all__ = ["STDPMechanism", "SpikePairRule", "Vogels2011Rule", "AdditiveWeightDependence",
           "MultiplicativeWeightDependence", "AdditivePotentiationMultiplicativeDepression",
           "GutigWeightDependence", "stdp_rule"]


def _identity(cls):
    return build_translations(*[(name, name) for name in cls.default_parameters])


class STDPMechanism(synapses.STDPMechanism):
    __doc__ = synapses.STDPMechanism.__doc__ + __doc__
    base_translations = build_translations(("weight", "weight"), ("delay", "delay"),
                                           ("dendritic_delay_fraction", "dendritic_delay_fraction"))

    def __init__(self, timing_dependence=None, weight_dependence=None, voltage_dependence=None,
                 dendritic_delay_fraction=1.0, weight=0.0, delay=None, **spinnaker):
        if dendritic_delay_fraction != 1:
            raise ValueError(f"STDPMechanism(dendritic_delay_fraction={dendritic_delay_fraction!r}): "
                             f"neurochip, like NEST, takes every delay as dendritic for STDP "
                             f"(the synapse sees the post spike one delay late); use 1")
        if voltage_dependence is not None:
            raise NeurochipError("STDPMechanism(voltage_dependence=...): no voltage-dependent "
                                 "plasticity on neurochip")
        backprop = spinnaker.pop("backprop_delay", True)  # sPyNNaker's name for the same
        if not backprop:
            raise NeurochipError("STDPMechanism(backprop_delay=False): neurochip compares the "
                                 "post spike delayed by the synaptic delay (backprop_delay=True)")
        if spinnaker:
            raise TypeError(f"STDPMechanism() got unexpected arguments {sorted(spinnaker)}")
        if timing_dependence is None or weight_dependence is None:
            raise NeurochipError("STDPMechanism needs a timing_dependence (e.g. SpikePairRule) "
                                 "and a weight_dependence (e.g. AdditiveWeightDependence)")
        super().__init__(timing_dependence, weight_dependence, None, 1.0, weight, delay)
        stdp_rule(self)  # an unsupported combination fails here, where it is made

    def _build_translations(self):  # PyNN's updates the class's own dict in place
        self.translations = dict(self.base_translations)
        for component in (self.timing_dependence, self.weight_dependence):
            self.translations.update(component.translations)

    def _get_minimum_delay(self):
        return state.min_delay  # setup() resolves "auto" to the timestep


def _component(base, **marks):
    """PyNN's timing or weight-dependence class ``base`` with identity translations and
    the name the mapping knows it by (``timing=`` or ``dependence=``)."""
    return type(base.__name__, (base,), {"__module__": __name__, "__doc__": base.__doc__,
                                         "translations": _identity(base), **marks})


SpikePairRule = _component(synapses.SpikePairRule, timing="pair")
Vogels2011Rule = _component(synapses.Vogels2011Rule, timing="vogels")
AdditiveWeightDependence = _component(synapses.AdditiveWeightDependence, dependence="additive")
MultiplicativeWeightDependence = _component(synapses.MultiplicativeWeightDependence,
                                            dependence="multiplicative")
AdditivePotentiationMultiplicativeDepression = _component(
    synapses.AdditivePotentiationMultiplicativeDepression, dependence="additive_multiplicative")


class GutigWeightDependence(synapses.GutigWeightDependence):
    __doc__ = synapses.GutigWeightDependence.__doc__
    translations = _identity(synapses.GutigWeightDependence)
    dependence = "gutig"

    def __init__(self, w_min=0.0, w_max=1.0, mu_plus=0.5, mu_minus=0.5):
        # PyNN's own __init__ drops mu_plus and mu_minus (they stay 0.5)
        synapses.STDPWeightDependence.__init__(self, w_min=w_min, w_max=w_max, mu_plus=mu_plus,
                                               mu_minus=mu_minus)


def stdp_rule(mechanism) -> tuple:
    """``(timing, dependence)`` names of an STDPMechanism as the mapping knows them
    (:mod:`neurochip.mapping.plasticity`), or a NeurochipError naming what runs."""
    td, wd = mechanism.timing_dependence, mechanism.weight_dependence
    timing = getattr(td, "timing", None)
    dependence = getattr(wd, "dependence", None)
    if timing is None:
        raise NeurochipError(
            f"STDPMechanism: the timing dependence {type(td).__name__} is not in neurochip "
            f"yet; it has SpikePairRule, Vogels2011Rule, extra_models.SpikeNearestPairRule and "
            f"extra_models.PfisterSpikeTriplet")
    if dependence is None:
        raise NeurochipError(
            f"STDPMechanism: the weight dependence {type(wd).__name__} is not in neurochip "
            f"yet; it has AdditiveWeightDependence, MultiplicativeWeightDependence, "
            f"AdditivePotentiationMultiplicativeDepression, GutigWeightDependence and "
            f"extra_models.WeightDependenceAdditiveTriplet")
    if (timing == "triplet") != (dependence == "additive_triplet"):
        raise NeurochipError(
            f"STDPMechanism: {type(td).__name__} with {type(wd).__name__}: the triplet rule "
            f"(extra_models.PfisterSpikeTriplet) takes extra_models.WeightDependenceAdditiveTriplet "
            f"and that weight dependence only the triplet rule, as in sPyNNaker")
    return timing, dependence
