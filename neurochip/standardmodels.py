"""Standard cell and synapse types supported by neurochip.

Native names are PyNN's own names (identity translations): the mapping
package takes PyNN units directly and does its own fixed-point encoding.

The neuron cell types are made from the registry (:mod:`neurochip.emulator.models`):
each is PyNN's class of the same name with the cell module's ``PYNN_DOC`` added to
its docstring, its ``RECORD`` as the recordable variables and ``PYNN_UNITS`` added
to the units; a new cell module needs nothing here.
"""

import numpy as np
from pyNN.standardmodels import build_translations, cells, check_weights, synapses

from neurochip.emulator.models import BY_NAME, NEURON_MODELS

from .composed import (
    LIF,
    AdExp,
    AlphaPSR,
    CondAlphaPostSynapticResponse,
    CurrExpPostSynapticResponse,
    PointNeuron,
)
from .plasticity import (
    AdditivePotentiationMultiplicativeDepression,
    AdditiveWeightDependence,
    GutigWeightDependence,
    MultiplicativeWeightDependence,
    SpikePairRule,
    STDPMechanism,
    Vogels2011Rule,
)
from .simulator import state

# PyNN's standard cells (PointNeuron's are in .composed, sPyNNaker's extra models in
# .extra_cells)
NEURON_CELLS = tuple(m.NAME for m in NEURON_MODELS if not getattr(m, "MULTI", False)
                     and getattr(m, "PYNN_MODULE", None) is None)
__all__ = [*NEURON_CELLS, "PointNeuron", "LIF", "AdExp", "CurrExpPostSynapticResponse",
           "CondAlphaPostSynapticResponse", "AlphaPSR",
           "SpikeSourceArray", "SpikeSourcePoisson", "SpikeSourcePoissonRefractory", "SpikeSourceGamma",
           "StaticSynapse", "TsodyksMarkramSynapse", "SimpleStochasticSynapse",
           "STDPMechanism", "SpikePairRule", "Vogels2011Rule", "AdditiveWeightDependence",
           "MultiplicativeWeightDependence", "AdditivePotentiationMultiplicativeDepression",
           "GutigWeightDependence"]


def _check_weights(weights, projection):
    """PyNN's weight check, except that weights >= 0 onto the 'inhibitory' receptor of a
    current-based cell, and <= 0 onto that of a conductance-based cell, pass: sPyNNaker's
    inhibition of that magnitude (the Projection decides)."""
    if projection.receptor_type == "inhibitory" and (
            (projection.post.conductance_based is False and np.all(np.asarray(weights) >= 0))
            or (projection.post.conductance_based is True and np.all(np.asarray(weights) <= 0))):
        return
    check_weights(weights, projection)


def _identity(celltype):
    return build_translations(*[(name, name) for name in celltype.default_parameters])


def _cell_class(model):
    """The PyNN class of a registered cell module: PyNN's class of that name, with the
    machine's notes, recordables and units."""
    base = getattr(cells, model.NAME)
    return type(model.NAME, (base,), {
        "__module__": __name__, "__doc__": (base.__doc__ or "") + model.PYNN_DOC,
        "translations": _identity(base), "recordable": ["spikes", *model.RECORD],
        "units": {**base.units, **getattr(model, "PYNN_UNITS", {})}})


globals().update({name: _cell_class(BY_NAME[name]) for name in NEURON_CELLS})

# sPyNNaker's Izhikevich has exponential current synapses (tau_syn_E, tau_syn_I, initial
# currents isyn_exc, isyn_inh) and sPyNNaker's units; PyNN's (pyNN.nest's) has voltage
# jumps and 1000 x i_offset. One of these arguments says the script is sPyNNaker's.
SPINNAKER_IZHIKEVICH = ("tau_syn_E", "tau_syn_I", "isyn_exc", "isyn_inh")


class Izhikevich(globals()["Izhikevich"]):
    __doc__ = globals()["Izhikevich"].__doc__ + """
    Given sPyNNaker's ``tau_syn_E``, ``tau_syn_I`` (or its initial currents ``isyn_exc``,
    ``isyn_inh``), ``sim.Izhikevich(...)`` is sPyNNaker's Izhikevich, the cell
    ``Izhikevich_curr_exp`` (exponential current synapses, a current of 1 nA is 1 mV/ms:
    see neurochip/emulator/models/izhikevich_curr_exp.py); without them it is PyNN's
    as above. Both also take the initial ``v`` and ``u`` as arguments, as sPyNNaker does.
    """

    def __new__(cls, v=None, u=None, **parameters):
        if cls is Izhikevich and any(k in parameters for k in SPINNAKER_IZHIKEVICH):
            # imported here: extra_cells needs the registry, not this module
            from .extra_cells import EXTRA_CELLS
            return EXTRA_CELLS["Izhikevich_curr_exp"](v=v, u=u, **parameters)
        return super().__new__(cls)

    def __init__(self, v=None, u=None, **parameters):
        super().__init__(**parameters)
        # read by Population as initial values (PyNN's cell types take only parameters)
        self.spinnaker_initial_values = {k: x for k, x in (("v", v), ("u", u)) if x is not None}


class SpikeSourceArray(cells.SpikeSourceArray):
    __doc__ = cells.SpikeSourceArray.__doc__
    translations = _identity(cells.SpikeSourceArray)


class SpikeSourcePoisson(cells.SpikeSourcePoisson):
    __doc__ = cells.SpikeSourcePoisson.__doc__
    translations = _identity(cells.SpikeSourcePoisson)


class SpikeSourcePoissonRefractory(cells.SpikeSourcePoissonRefractory):
    __doc__ = cells.SpikeSourcePoissonRefractory.__doc__ + """
    On the machine: no draws for round(tau_refrac/dt) steps after a spike, and a
    per-step probability chosen so that the mean interval is 1000/rate ms.
    """
    translations = _identity(cells.SpikeSourcePoissonRefractory)


class SpikeSourceGamma(cells.SpikeSourceGamma):
    __doc__ = cells.SpikeSourceGamma.__doc__ + """
    On the machine: every alpha-th event of a Poisson process of rate beta (alpha a
    whole number), i.e. gamma-distributed intervals of mean alpha/beta.
    """
    translations = _identity(cells.SpikeSourceGamma)


class SimpleStochasticSynapse(synapses.SimpleStochasticSynapse):
    __doc__ = synapses.SimpleStochasticSynapse.__doc__ + """
    On the machine: each synapse transmits a spike when a draw keyed to the synapse
    and the spike time (emulator/stochastic.py) falls below p.
    """
    translations = build_translations(("weight", "weight"), ("delay", "delay"), ("p", "p"))
    parameter_checks = {"weight": _check_weights}

    def _get_minimum_delay(self):
        return state.min_delay  # setup() resolves "auto" to the timestep


class TsodyksMarkramSynapse(synapses.TsodyksMarkramSynapse):
    __doc__ = synapses.TsodyksMarkramSynapse.__doc__ + """
    On the machine: the tsodyks2 form (Fuhrmann et al. 2002, NEST's tsodyks2_synapse),
    u and x per synapse in u0.32, decays from per-time-constant tables
    (emulator/short_term.py).
    """
    translations = build_translations(("weight", "weight"), ("delay", "delay"), ("U", "U"),
                                      ("tau_rec", "tau_rec"), ("tau_facil", "tau_facil"))
    parameter_checks = {"weight": _check_weights}

    def _get_minimum_delay(self):
        return state.min_delay  # setup() resolves "auto" to the timestep


class StaticSynapse(synapses.StaticSynapse):
    __doc__ = synapses.StaticSynapse.__doc__
    translations = build_translations(("weight", "weight"), ("delay", "delay"))
    parameter_checks = {"weight": _check_weights}

    def _get_minimum_delay(self):
        return state.min_delay  # setup() resolves "auto" to the timestep


STDPMechanism.parameter_checks = {"weight": _check_weights}
