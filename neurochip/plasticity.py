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

Older forms that sPyNNaker scripts use are taken with the same meaning:

- ``AdditiveWeightDependence(w_min, w_max, A_plus, A_minus)`` and
  ``MultiplicativeWeightDependence(w_min, w_max, A_plus, A_minus)``: PyNN 0.7 and sPyNNaker
  before PyNN 0.8 held the amplitudes on the weight dependence (sPyNNaker wrote additive
  ``A_plus * w_max``, multiplicative ``A_plus`` relative: PyNN's meaning); they move to the
  timing rule, where PyNN 0.8 put them. Given on both with different values: an error.
  ``A3_plus``/``A3_minus`` (the triplet terms) are an error naming the triplet classes;
- ``SpikePairRule(tau_plus, tau_minus, nearest=True)`` (the same sPyNNaker): nearest-pair
  timing, as ``extra_models.SpikeNearestPairRule``;
- ``STDPMechanism(..., mad=True)`` (older sPyNNaker: the deferred, dendritic-delay scheme
  neurochip runs) and ``pad_to_length=...`` (rows padded for structural plasticity) change
  nothing and are logged once; ``mad=False`` is an error;
- ``extra_models.Vogels2011Rule(alpha, tau, A_plus, A_minus)`` (sPyNNaker's own) is PyNN's
  rule with ``rho = alpha / (2 tau)`` and ``eta = A_plus * w_max`` (A_plus relative to
  w_max, as every A_plus here; the same as sPyNNaker's absolute A_plus when w_max = 1).
"""

from __future__ import annotations

import copy

from pyNN.standardmodels import build_translations, synapses

from .errors import NeurochipError
from .simulator import state
from .spinnaker_compat import log_once

AMPLITUDES = ("A_plus", "A_minus")

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
        _spinnaker_arguments(spinnaker)
        if timing_dependence is None or weight_dependence is None:
            raise NeurochipError("STDPMechanism needs a timing_dependence (e.g. SpikePairRule) "
                                 "and a weight_dependence (e.g. AdditiveWeightDependence)")
        timing_dependence = _spinnaker_timing(timing_dependence, weight_dependence)
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


class SpikePairRule(_component(synapses.SpikePairRule, timing="pair")):
    __doc__ = synapses.SpikePairRule.__doc__ + """
    ``nearest=True`` (older sPyNNaker): nearest-pair timing, as
    ``extra_models.SpikeNearestPairRule``.
    """

    def __init__(self, tau_plus=20.0, tau_minus=20.0, A_plus=None, A_minus=None, nearest=False):
        # which amplitudes the script gave (an older script gives them to the weight
        # dependence instead: see STDPMechanism)
        self.amplitudes_given = {name for name, v in zip(AMPLITUDES, (A_plus, A_minus))
                                 if v is not None}
        super().__init__(tau_plus=tau_plus, tau_minus=tau_minus,
                         A_plus=0.01 if A_plus is None else A_plus,
                         A_minus=0.01 if A_minus is None else A_minus)
        if nearest:
            self.timing = "nearest"


Vogels2011Rule = _component(synapses.Vogels2011Rule, timing="vogels")


_OLD_AMPLITUDES = """
    ``A_plus``, ``A_minus`` (PyNN 0.7, older sPyNNaker): the amplitudes, moved to the timing
    rule by STDPMechanism (PyNN's meaning, as sPyNNaker then wrote them).
    """


def _old_amplitudes(name, A_plus, A_minus, A3_plus=None, A3_minus=None) -> dict:
    for term, value in (("A3_plus", A3_plus), ("A3_minus", A3_minus)):
        if value is not None:
            raise NeurochipError(
                f"{name}({term}={value!r}): older sPyNNaker's triplet term on the additive "
                f"weight dependence; give it to extra_models.WeightDependenceAdditiveTriplet("
                f"w_min, w_max, A3_plus, A3_minus), with extra_models.PfisterSpikeTriplet("
                f"tau_plus, tau_minus, tau_x, tau_y, A_plus, A_minus)")
    return {k: v for k, v in zip(AMPLITUDES, (A_plus, A_minus)) if v is not None}


class AdditiveWeightDependence(_component(synapses.AdditiveWeightDependence,
                                          dependence="additive")):
    __doc__ = synapses.AdditiveWeightDependence.__doc__ + _OLD_AMPLITUDES

    def __init__(self, w_min=0.0, w_max=1.0, A_plus=None, A_minus=None, A3_plus=None,
                 A3_minus=None):
        super().__init__(w_min=w_min, w_max=w_max)
        self.old_amplitudes = _old_amplitudes(type(self).__name__, A_plus, A_minus, A3_plus,
                                              A3_minus)


class MultiplicativeWeightDependence(_component(synapses.MultiplicativeWeightDependence,
                                                dependence="multiplicative")):
    __doc__ = synapses.MultiplicativeWeightDependence.__doc__ + _OLD_AMPLITUDES

    def __init__(self, w_min=0.0, w_max=1.0, A_plus=None, A_minus=None):
        super().__init__(w_min=w_min, w_max=w_max)
        self.old_amplitudes = _old_amplitudes(type(self).__name__, A_plus, A_minus)


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


def _spinnaker_arguments(extra: dict) -> None:
    """sPyNNaker's further STDPMechanism arguments: those with no effect here are logged
    once, the others raise."""
    backprop = extra.pop("backprop_delay", True)  # sPyNNaker's name for the same
    if not backprop:
        raise NeurochipError("STDPMechanism(backprop_delay=False): neurochip compares the "
                             "post spike delayed by the synaptic delay (backprop_delay=True)")
    mad = extra.pop("mad", None)
    if mad:
        log_once(("stdp", "mad"), "STDPMechanism(mad=True): no effect on neurochip: it runs "
                 "this scheme (updates deferred to the next pre spike, the delay dendritic)")
    elif mad is not None:
        raise NeurochipError("STDPMechanism(mad=False): older sPyNNaker's non-MAD STDP is not in "
                             "neurochip; it runs the MAD scheme (updates deferred to the next pre "
                             "spike, the whole delay dendritic): leave mad out or give mad=True")
    pad = extra.pop("pad_to_length", None)
    if pad is not None:
        log_once(("stdp", "pad_to_length"),
                 f"STDPMechanism(pad_to_length={pad!r}): no effect on neurochip: it pads "
                 f"sPyNNaker's synaptic rows for structural plasticity, which neurochip does "
                 f"not run")
    if extra:
        raise TypeError(f"STDPMechanism() got unexpected arguments {sorted(extra)}")


def _spinnaker_timing(td, wd):
    """The timing rule the mechanism runs: ``td``, or a copy of it that takes the
    amplitudes an older script gave the weight dependence, or sPyNNaker's Vogels2011Rule
    with its ``eta`` from ``w_max``."""
    old = getattr(wd, "old_amplitudes", {})
    if old:
        if not all(name in td.get_parameter_names() for name in old):
            raise NeurochipError(
                f"{type(wd).__name__}({', '.join(f'{k}={v!r}' for k, v in old.items())}): "
                f"{type(td).__name__} takes no such amplitudes; leave them out of the weight "
                f"dependence")
        given = getattr(td, "amplitudes_given", set(AMPLITUDES))
        for name, value in old.items():
            mine = td.parameter_space[name].base_value
            if name in given and mine != value:
                raise NeurochipError(
                    f"STDPMechanism: {name} is given twice, {name}={mine!r} on "
                    f"{type(td).__name__} and {name}={value!r} on {type(wd).__name__} (the "
                    f"older place); give it once, on the timing rule (PyNN's place)")
        td = copy.deepcopy(td)
        td.parameter_space.update(**old)
        td.amplitudes_given = getattr(td, "amplitudes_given", set()) | set(old)
    a_plus = getattr(td, "spinnaker_A_plus", None)
    if a_plus is not None:  # sPyNNaker's extra_models.Vogels2011Rule
        w_max = wd.parameter_space["w_max"].base_value
        td = copy.deepcopy(td)
        td.parameter_space.update(eta=a_plus * w_max)
    return td


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
