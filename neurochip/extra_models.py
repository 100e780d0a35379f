"""``sim.extra_models``: sPyNNaker's extra models under sPyNNaker's names.

What neurochip has is given under that name (``IFCurDelta`` is PyNN's IF_curr_delta;
``AllButMeConnector`` without groups is an all-to-all connector without self
connections; the neuron models are those of :mod:`neurochip.extra_cells`, each a cell
of the registry; ``SpikeSourcePoissonVariable`` is :mod:`neurochip.extra_sources`'s).
What it does not have yet is a class whose use raises a :class:`NeurochipError` naming
what is missing (never an ``AttributeError``, so that a script fails where the model is
used, with the reason).
"""

from __future__ import annotations

from pyNN.connectors import AllToAllConnector
from pyNN.standardmodels import build_translations, synapses

from neurochip.emulator.models import BY_NAME

from . import plasticity
from .errors import NeurochipError
from .extra_cells import EXTRA_CELLS
from .extra_sources import SpikeSourcePoissonVariable  # noqa: F401 (in __all__, by HAVE)
from .plasticity import SpikePairRule
from .simulator import state
from .spinnaker_compat import log_once
from .standardmodels import IF_curr_delta


class SpikeNearestPairRule(SpikePairRule):
    """sPyNNaker's nearest-pair STDP timing rule (NEST's ``stdp_nn_symm_synapse``): each
    post spike pairs with the last pre spike before it and each pre spike with the last
    post spike before it (the traces restart at 1 at every spike instead of adding up);
    the parameters are SpikePairRule's."""

    timing = "nearest"

    def __init__(self, tau_plus=20.0, tau_minus=20.0, A_plus=None, A_minus=None):
        super().__init__(tau_plus=tau_plus, tau_minus=tau_minus, A_plus=A_plus, A_minus=A_minus)


class PfisterSpikeTriplet(synapses.STDPTimingDependence):
    """sPyNNaker's triplet STDP rule (Pfister and Gerstner 2006, all-to-all; NEST's
    ``stdp_triplet_synapse``), with WeightDependenceAdditiveTriplet: pre traces r1
    (``tau_plus``) and r2 (``tau_x``), post traces o1 (``tau_minus``) and o2 (``tau_y``), all
    +1 at each spike; a post spike potentiates by ``w_max r1 (A_plus + A3_plus o2)`` and a
    pre spike depresses by ``w_max o1 (A_minus + A3_minus r2)``, o2 and r2 taken just before
    the spike (deferred to the next pre spike, as every rule here). The amplitudes are
    relative to ``w_max``, as the additive pair rule's."""

    default_parameters = {"tau_plus": 16.8, "tau_minus": 33.7, "tau_x": 101.0, "tau_y": 125.0,
                          "A_plus": 0.005, "A_minus": 0.007}
    translations = build_translations(*[(n, n) for n in default_parameters])
    timing = "triplet"

    def __init__(self, tau_plus=16.8, tau_minus=33.7, tau_x=101.0, tau_y=125.0, A_plus=0.005,
                 A_minus=0.007):
        super().__init__(tau_plus=tau_plus, tau_minus=tau_minus, tau_x=tau_x, tau_y=tau_y,
                         A_plus=A_plus, A_minus=A_minus)


class WeightDependenceAdditiveTriplet(synapses.STDPWeightDependence):
    """sPyNNaker's additive weight dependence of the triplet rule: ``w_min``, ``w_max``
    and the triplet amplitudes ``A3_plus``, ``A3_minus`` (relative to ``w_max``); see
    PfisterSpikeTriplet."""

    default_parameters = {"w_min": 0.0, "w_max": 1.0, "A3_plus": 0.01, "A3_minus": 0.01}
    translations = build_translations(*[(n, n) for n in default_parameters])
    dependence = "additive_triplet"

    def __init__(self, w_min=0.0, w_max=1.0, A3_plus=0.01, A3_minus=0.01):
        super().__init__(w_min=w_min, w_max=w_max, A3_plus=A3_plus, A3_minus=A3_minus)


class Vogels2011Rule(plasticity.Vogels2011Rule):
    """sPyNNaker's Vogels et al. (2011) inhibitory rule, ``Vogels2011Rule(alpha, tau=20.0,
    A_plus=0.01, A_minus=0.01)``: PyNN's ``sim.Vogels2011Rule`` under sPyNNaker's
    parameters. sPyNNaker, like NEST, changes the weight by ``A_plus * (K_post - alpha)`` at
    a pre spike and ``A_plus * K_pre`` at a post spike, traces all-to-all with time
    constant ``tau`` (ms); PyNN writes ``eta`` for the amplitude and ``rho`` (Hz) for the
    target rate, ``alpha = 2 rho tau``. So here ``rho = alpha * 1000 / (2 tau)`` and, in
    the STDPMechanism, ``eta = A_plus * w_max`` of its weight dependence: A_plus relative to
    w_max as every A_plus on neurochip (PyNN's additive meaning, sPyNNaker's before its
    amplitudes became absolute; with w_max = 1 all agree). ``A_minus`` is not used, as on
    sPyNNaker (the depression is the ``alpha`` term)."""

    def __init__(self, alpha, tau=20.0, A_plus=0.01, A_minus=None):
        if not tau > 0:
            raise NeurochipError(f"extra_models.Vogels2011Rule(tau={tau!r}): tau must be > 0 ms")
        super().__init__(tau=tau, eta=A_plus, rho=alpha * 1000.0 / (2.0 * tau))
        self.spinnaker_A_plus = A_plus  # eta = A_plus * w_max, set by the STDPMechanism
        self.alpha = alpha
        if A_minus is not None:
            log_once(("vogels", "A_minus"),
                     f"extra_models.Vogels2011Rule(A_minus={A_minus!r}): no effect, as on "
                     f"sPyNNaker: the rule's depression is its alpha term")


class RecurrentRule(synapses.STDPTimingDependence):
    """sPyNNaker's stochastic recurrent STDP rule, ``RecurrentRule(accumulator_depression=-6,
    accumulator_potentiation=6, mean_pre_window=35.0, mean_post_window=35.0,
    dual_fsm=True, A_plus=0.01, A_minus=0.01)``: pre and post spikes open windows of
    random length (exponential, mean ``mean_pre_window``/``mean_post_window`` ms); a post
    spike inside a pre window steps an accumulator up, a pre spike inside a post window
    steps it down; at ``accumulator_potentiation`` (``accumulator_depression``) it resets
    and the weight dependence potentiates (depresses) once with a trace of 1
    (multiplicative: ``A_plus (w_max - w)``; additive: ``A_plus w_max``, as every A_plus
    here). ``dual_fsm=False``: one state machine per synapse (sPyNNaker's
    ``timing_recurrent_pre_stochastic``); ``dual_fsm=True``: every pre and post spike
    opens its window (``timing_recurrent_dual_fsm``). Deferred to the pre spikes, the
    delay dendritic; windows are drawn per synapse and time from the seed, so results do
    not depend on placement (see :mod:`neurochip.emulator.recurrent`)."""

    default_parameters = {"accumulator_depression": -6, "accumulator_potentiation": 6,
                          "mean_pre_window": 35.0, "mean_post_window": 35.0, "dual_fsm": 1.0,
                          "A_plus": 0.01, "A_minus": 0.01}
    translations = build_translations(*[(n, n) for n in default_parameters])
    timing = "recurrent"

    def __init__(self, accumulator_depression=-6, accumulator_potentiation=6,
                 mean_pre_window=35.0, mean_post_window=35.0, dual_fsm=True, A_plus=0.01,
                 A_minus=0.01):
        super().__init__(accumulator_depression=accumulator_depression,
                         accumulator_potentiation=accumulator_potentiation,
                         mean_pre_window=mean_pre_window, mean_post_window=mean_post_window,
                         dual_fsm=1.0 if dual_fsm else 0.0, A_plus=A_plus, A_minus=A_minus)


class Neuromodulation(synapses.StandardSynapseType):
    """sPyNNaker's dopamine synapse, ``extra_models.Neuromodulation(weight, tau_c=1000.0,
    tau_d=200.0, w_min=0.0, w_max=1.0)``, for a projection with ``receptor_type='reward'``
    (or ``'punishment'``) onto a population that also receives STDP projections
    (``sim.STDPMechanism`` with SpikePairRule or extra_models.SpikeNearestPairRule).
    Izhikevich (2007), as sPyNNaker runs it: each STDP synapse of that population then has
    an eligibility trace ``c``, which the STDP rule changes instead of the weight (``c`` in
    the weight dependence's ``[w_min, w_max]``; additive amplitudes as they are, not
    times w_max, as NEST's stdp_dopamine_synapse and sPyNNaker) and which decays with
    ``tau_c`` (ms); the neuron's dopamine trace ``D`` decays with ``tau_d`` and steps by
    ``weight`` at each reward spike (minus ``weight`` at each punishment spike); the
    weight follows ``dw/dt = c D`` (per ms), clipped to this ``[w_min, w_max]``, applied at
    the synapse's pre spikes (deferred, as all STDP here). Every Neuromodulation projection
    onto one population must have the same ``tau_c``, ``tau_d``, ``w_min``, ``w_max``.
    The delay is not used (a reward acts at its spike's time, seen one synaptic delay later
    by each STDP synapse, as a post spike)."""

    default_parameters = {"weight": 0.0, "delay": None, "tau_c": 1000.0, "tau_d": 200.0,
                          "w_min": 0.0, "w_max": 1.0}
    translations = build_translations(*[(n, n) for n in default_parameters])

    def __init__(self, weight=0.0, tau_c=1000.0, tau_d=200.0, w_min=0.0, w_max=1.0, delay=None):
        if w_min < 0 or w_max < 0:
            raise NeurochipError(f"extra_models.Neuromodulation(w_min={w_min!r}, w_max={w_max!r}): "
                                 f"the weight bounds must be >= 0 (as on sPyNNaker)")
        super().__init__(weight=weight, delay=delay, tau_c=tau_c, tau_d=tau_d, w_min=w_min,
                         w_max=w_max)

    def _get_minimum_delay(self):
        return state.min_delay


class IFCurDelta(IF_curr_delta):
    __doc__ = IF_curr_delta.__doc__ + """
    sPyNNaker's name (``extra_models.IFCurDelta``): the same parameters as PyNN's
    IF_curr_delta; like sPyNNaker's, it also takes the initial ``v`` as an argument
    (``isyn_exc``, ``isyn_inh``: a delta synapse holds no current, so only 0).
    """
    machine_model = BY_NAME["IF_curr_delta"]

    def __init__(self, v=None, isyn_exc=0.0, isyn_inh=0.0, **parameters):
        for name, value in (("isyn_exc", isyn_exc), ("isyn_inh", isyn_inh)):
            if value != 0:
                raise NeurochipError(f"IFCurDelta({name}={value!r}): a delta synapse holds no "
                                     f"current between timesteps; leave {name} at 0")
        super().__init__(**parameters)
        # read by Population as initial values (PyNN's cell types take only parameters)
        self.spinnaker_initial_values = {} if v is None else {"v": v}


class AllButMeConnector(AllToAllConnector):
    """sPyNNaker's AllButMeConnector: every pre-synaptic neuron to every post-synaptic
    one but itself. Only the plain form: groups (``n_neurons_per_group``) and a weight
    matrix (``weights``) are not in neurochip yet."""

    def __init__(self, n_neurons_per_group=None, weights=None, safe=True, callback=None,
                 verbose=None):
        if n_neurons_per_group is not None or weights is not None:
            raise NeurochipError("extra_models.AllButMeConnector: n_neurons_per_group and "
                                 "weights are not in neurochip yet; give the connections with "
                                 "FromListConnector")
        super().__init__(allow_self_connections=False, safe=safe, callback=callback)


HAVE = ("IFCurDelta", "AllButMeConnector", "SpikeNearestPairRule", "PfisterSpikeTriplet",
        "WeightDependenceAdditiveTriplet", "Vogels2011Rule", "Neuromodulation", "RecurrentRule", *EXTRA_CELLS,
        "SpikeSourcePoissonVariable")
HAVE_TEXT = (f"sPyNNaker's extra models neurochip has: {', '.join(HAVE)} (see "
             f"sim.list_standard_models() for the rest)")
HAVE_STDP = ("the STDP neurochip runs: sim.STDPMechanism with sim.SpikePairRule, "
             "sim.Vogels2011Rule, sim.extra_models.SpikeNearestPairRule or "
             "sim.extra_models.Vogels2011Rule, and sim.AdditiveWeightDependence, "
             "sim.MultiplicativeWeightDependence, sim.AdditivePotentiationMultiplicativeDepression "
             "or sim.GutigWeightDependence; or sim.extra_models.PfisterSpikeTriplet with "
             "sim.extra_models.WeightDependenceAdditiveTriplet; sim.extra_models.RecurrentRule; "
             "sim.extra_models.Neuromodulation onto populations with STDP")


class _Missing(type):
    """The type of a missing model's stand-in: reading an attribute of the class (e.g.
    sPyNNaker's ``ExternalFPGARetinaDevice.MODE_128``) raises its NeurochipError too."""

    def __getattr__(cls, attr):
        if attr.startswith("__"):
            raise AttributeError(attr)
        cls()  # raises the NeurochipError that says what is missing


def _missing(name: str, what: str, where: str = "sim.extra_models.", have: str = HAVE_TEXT):
    """A class standing for sPyNNaker's ``name``: making one raises NeurochipError."""

    def __init__(self, *args, **kwargs):
        raise NeurochipError(f"{where}{name} ({what}) is not in neurochip yet; {have}")

    return _Missing(name, (), {"__init__": __init__, "__module__": __name__, "missing": True,
                               "__doc__": f"sPyNNaker's {what}: not in neurochip yet."})


_STDP_MISSING = {
    "TimingDependencePFPC": "the cerebellar parallel-fibre to Purkinje-cell plasticity rule",
    "WeightDependencePFPC": "the cerebellar parallel-fibre to Purkinje-cell plasticity rule",
    "TimingDependenceMFVN": "the cerebellar mossy-fibre to vestibular-nuclei plasticity rule",
    "WeightDependenceMFVN": "the cerebellar mossy-fibre to vestibular-nuclei plasticity rule",
}
_MISSING = {
    "IFCondExpCerebellum": "the iCub VOR cerebellum neuron",
}
globals().update(EXTRA_CELLS)
globals().update({name: _missing(name, what) for name, what in _MISSING.items()})
globals().update({name: _missing(name, what, have=HAVE_STDP) for name, what in _STDP_MISSING.items()})

__all__ = [*HAVE, *_MISSING, *_STDP_MISSING]  # noqa: PLE0604
