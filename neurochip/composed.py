"""PyNN's composed cells on the machine: ``PointNeuron(neuron, name=receptor, ...)``.

A ``PointNeuron`` joins a neuron component (``LIF``, ``AdExp``) with any number of
named post-synaptic receptors of one class (``CurrExpPostSynapticResponse``,
``CondAlphaPostSynapticResponse`` alias ``AlphaPSR``); projections name a receptor with
``receptor_type="AMPA"``. Each supported pair is a multi-receptor cell of the
registry (``MULTI``, ``PYNN_NEURON``, ``PYNN_RECEPTOR``: NEST's
iaf_psc_exp_multisynapse and aeif_cond_alpha_multisynapse), found from here.

Parameters are flat on the population, as pyNN.nest gives them: the neuron's by
their own names, a receptor's as ``"GABAA.e_syn"``; its variables are recorded as
``"AMPA.gsyn"`` (uS) or ``"AMPA.isyn"`` (nA, negative for an inhibitory receptor).
All translations are the identity: the mapping takes PyNN's units.
"""

from __future__ import annotations

from pyNN import errors
from pyNN.parameters import ParameterSpace
from pyNN.standardmodels import build_translations, cells, receptors

from neurochip.emulator.contract import MAX_RECEPTORS
from neurochip.emulator.models import NEURON_MODELS, named_receptors

from .errors import NeurochipError

__all__ = ["PointNeuron", "LIF", "AdExp", "CurrExpPostSynapticResponse",
           "CondAlphaPostSynapticResponse", "AlphaPSR", "COMPOSED"]

# (neuron component, receptor class) -> the multi-receptor cell of the registry
COMPOSED = {(m.PYNN_NEURON, m.PYNN_RECEPTOR): m for m in NEURON_MODELS if named_receptors(m)}
_IGNORED = ("locations",)  # a receptor parameter of multi-compartment cells only


def _identity(names):
    return build_translations(*[(name, name) for name in names])


class LIF(cells.LIF):
    __doc__ = cells.LIF.__doc__
    translations = _identity(cells.LIF.default_parameters)


class AdExp(cells.AdExp):
    __doc__ = cells.AdExp.__doc__
    translations = _identity(cells.AdExp.default_parameters)


class CurrExpPostSynapticResponse(receptors.CurrExpPostSynapticResponse):
    __doc__ = receptors.CurrExpPostSynapticResponse.__doc__
    translations = _identity(receptors.CurrExpPostSynapticResponse.default_parameters)
    recordable = ["isyn"]


class CondAlphaPostSynapticResponse(receptors.CondAlphaPostSynapticResponse):
    __doc__ = receptors.CondAlphaPostSynapticResponse.__doc__
    translations = _identity(receptors.CondAlphaPostSynapticResponse.default_parameters)
    recordable = ["gsyn"]


AlphaPSR = CondAlphaPostSynapticResponse


class PointNeuron(cells.PointNeuron):
    __doc__ = (cells.PointNeuron.__doc__ or "") + """
    On the machine: a cell of up to 8 named receptors of one class, as pyNN.nest's
    multisynapse models: LIF with CurrExpPostSynapticResponse (NEST's
    iaf_psc_exp_multisynapse) or AdExp with CondAlphaPostSynapticResponse/AlphaPSR
    (aeif_cond_alpha_multisynapse). Current-based receptors named GABA, GABAA, GABAB or
    inhibitory take weights <= 0, every other receptor weights >= 0.
    """

    def __init__(self, neuron, **post_synaptic_receptors):
        where = f"PointNeuron({type(neuron).__name__}, {', '.join(post_synaptic_receptors)})"
        kinds = {type(r).__name__ for r in post_synaptic_receptors.values()}
        pair = (type(neuron).__name__, next(iter(kinds)) if len(kinds) == 1 else None)
        supported = ", ".join(f"{n} with {r}" for n, r in COMPOSED)
        if pair not in COMPOSED or any(
                type(c).__module__ != __name__ for c in (neuron, *post_synaptic_receptors.values())):
            raise NeurochipError(
                f"{where}: neurochip runs a PointNeuron of {supported}, all receptors of one "
                f"class, each from pyNN.neurochip (sim.LIF, sim.AlphaPSR, ...); got "
                f"{type(neuron).__name__} with {sorted(kinds) or 'no receptors'}")
        if len(post_synaptic_receptors) > MAX_RECEPTORS:
            raise NeurochipError(
                f"{where}: {len(post_synaptic_receptors)} receptors; a core's synaptic words "
                f"address at most {MAX_RECEPTORS}: let several projections share a receptor")
        super().__init__(neuron, **post_synaptic_receptors)
        self.machine_model = COMPOSED[pair]
        self.default_parameters = {**neuron.default_parameters, **{
            f"{name}.{k}": v for name, psr in post_synaptic_receptors.items()
            for k, v in psr.default_parameters.items() if k not in _IGNORED}}
        self.translations = _identity(self.default_parameters)

    def get_schema(self):
        return {name: float for name in self.default_parameters}

    def has_parameter(self, name):
        return name in self.default_parameters

    def get_parameter_names(self):
        return list(self.default_parameters)

    @property
    def native_parameters(self):
        """The neuron's parameters and each receptor's as ``"name.parameter"``, flat."""
        values = dict(self.neuron.parameter_space.items())
        for name, psr in self.post_synaptic_receptors.items():
            values.update({f"{name}.{k}": v for k, v in psr.parameter_space.items()
                           if k not in _IGNORED})
        return ParameterSpace(values, schema=None, shape=self.parameter_space.shape)

    def get_native_names(self, *names):
        return list(names or self.default_parameters)

    def translate(self, parameters, copy=True):
        """The identity (the names are the native names), for the parameters it has."""
        unknown = [name for name in parameters.keys() if name not in self.default_parameters]
        if unknown:
            raise errors.NonExistentParameterError(unknown[0], self, self.get_parameter_names())
        return ParameterSpace(dict(parameters.items()), schema=None, shape=parameters.shape)

    def reverse_translate(self, native_parameters):
        return ParameterSpace(dict(native_parameters.items()), schema=self.get_schema(),
                              shape=native_parameters.shape)

    def computed_parameters(self):
        return []

    def computed_parameters_include(self, parameter_names):
        return False
