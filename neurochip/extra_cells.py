"""sPyNNaker's extra neuron models as PyNN cell types (given as ``sim.extra_models``).

Each is a cell module of the registry with ``PYNN_MODULE = "extra_models"``
(:mod:`neurochip.emulator.models`); its PyNN class is made here, under sPyNNaker's name,
from sPyNNaker's parameters, defaults and initial values (``SPINNAKER`` below) and the
cell module's recordables, units and notes. As sPyNNaker's classes do, they also take
initial values as arguments (``IF_curr_dual_exp(v=-70.0)``); ``initial_values=`` of the
Population, or ``initialize()``, take precedence. Parameter names are the native names
(identity translations): the mapping takes PyNN's units.
"""

from __future__ import annotations

from pyNN.standardmodels import StandardCellType, build_translations

from neurochip.emulator.models import BY_NAME

__all__ = ["EXTRA_CELLS", "SPINNAKER"]

_LIF = {"tau_m": 20.0, "cm": 1.0, "v_rest": -65.0, "v_reset": -65.0, "v_thresh": -50.0,
        "tau_refrac": 0.1, "i_offset": 0.0}
_LIF_UNITS = {"v": "mV", "v_rest": "mV", "cm": "nF", "tau_m": "ms", "tau_refrac": "ms",
              "i_offset": "nA", "v_reset": "mV", "v_thresh": "mV"}

# name -> (sPyNNaker's description, parameters with its defaults, initial values, units)
SPINNAKER = {
    "IF_curr_dual_exp": (
        "Leaky integrate-and-fire neuron with two exponentially decaying excitatory\n"
        "    current inputs (receptors 'excitatory' and 'excitatory2') and one\n"
        "    exponentially decaying inhibitory current input (sPyNNaker's IF_curr_dual_exp).\n",
        {**_LIF, "tau_syn_E": 5.0, "tau_syn_E2": 5.0, "tau_syn_I": 5.0},
        {"v": -65.0, "isyn_exc": 0.0, "isyn_exc2": 0.0, "isyn_inh": 0.0},
        {**_LIF_UNITS, "tau_syn_E": "ms", "tau_syn_E2": "ms", "tau_syn_I": "ms",
         "isyn_exc": "nA", "isyn_exc2": "nA", "isyn_inh": "nA"}),
    "Izhikevich_cond": (
        "Izhikevich neuron model with conductance-based exponential synapses (sPyNNaker's\n"
        "    Izhikevich_cond): dv/dt = 0.04 v^2 + 5 v + 140 - u + I, du/dt = a (b v - u),\n"
        "    v >= 30 mV: v = c, u += d; I = i_offset + g_e (e_rev_E - v) + g_i (e_rev_I - v).\n",
        {"a": 0.02, "b": 0.2, "c": -65.0, "d": 2.0, "i_offset": 0.0, "tau_syn_E": 5.0,
         "tau_syn_I": 5.0, "e_rev_E": 0.0, "e_rev_I": -70.0},
        {"v": -70.0, "u": -14.0, "isyn_exc": 0.0, "isyn_inh": 0.0},
        {"a": "1/ms", "b": "1/ms", "c": "mV", "d": "mV/ms", "i_offset": "nA", "tau_syn_E": "ms",
         "tau_syn_I": "ms", "e_rev_E": "mV", "e_rev_I": "mV", "v": "mV", "isyn_exc": "uS",
         "isyn_inh": "uS"}),
    "Izhikevich_curr_exp": (
        "Izhikevich neuron model with exponential current synapses (sPyNNaker's Izhikevich,\n"
        "    its IZK_curr_exp; what sim.Izhikevich(..., tau_syn_E=..., tau_syn_I=...) gives):\n"
        "    dv/dt = 0.04 v^2 + 5 v + 140 - u + I, du/dt = a (b v - u), v >= 30 mV: v = c,\n"
        "    u += d; I = i_offset + I_e - I_i, the currents decaying with tau_syn_E, tau_syn_I.\n",
        {"a": 0.02, "b": 0.2, "c": -65.0, "d": 2.0, "i_offset": 0.0, "tau_syn_E": 5.0,
         "tau_syn_I": 5.0},
        {"v": -70.0, "u": -14.0, "isyn_exc": 0.0, "isyn_inh": 0.0},
        {"a": "1/ms", "b": "1/ms", "c": "mV", "d": "mV/ms", "i_offset": "nA", "tau_syn_E": "ms",
         "tau_syn_I": "ms", "v": "mV", "isyn_exc": "nA", "isyn_inh": "nA"}),
    "IFCurrExpCa2Adaptive": (
        "Leaky integrate-and-fire neuron with exponential current synapses and a calcium-\n"
        "    activated adaptation current (Liu and Wang 2001; sPyNNaker's IFCurrExpCa2Adaptive):\n"
        "    i_ca2 jumps by i_alpha at each spike, decays with tau_ca2 and is subtracted from\n"
        "    the membrane's input.\n",
        {**_LIF, "tau_syn_E": 5.0, "tau_syn_I": 5.0, "tau_ca2": 50.0, "i_alpha": 0.1},
        {"v": -65.0, "isyn_exc": 0.0, "isyn_inh": 0.0, "i_ca2": 0.0},
        {**_LIF_UNITS, "tau_syn_E": "ms", "tau_syn_I": "ms", "tau_ca2": "ms", "i_alpha": "nA",
         "isyn_exc": "nA", "isyn_inh": "nA", "i_ca2": "nA"}),
    "IF_curr_exp_sEMD": (
        "Spiking elementary motion detector (sPyNNaker's IF_curr_exp_sEMD): a leaky\n"
        "    integrate-and-fire neuron whose second excitatory current (the trigger,\n"
        "    receptor 'excitatory2') drives the membrane times scaling_factor times the first\n"
        "    excitatory current (the facilitation, receptor 'excitatory') latched when the\n"
        "    trigger current switched on; one exponentially decaying inhibitory current.\n",
        {**_LIF, "tau_syn_E": 5.0, "tau_syn_E2": 5.0, "tau_syn_I": 5.0, "scaling_factor": 1.0},
        {"v": -65.0, "isyn_exc": 0.0, "isyn_exc2": 0.0, "isyn_inh": 0.0, "multiplicator": 0.0,
         "exc2_old": 0.0},
        {**_LIF_UNITS, "tau_syn_E": "ms", "tau_syn_E2": "ms", "tau_syn_I": "ms",
         "scaling_factor": "1/nA", "isyn_exc": "nA", "isyn_exc2": "nA", "isyn_inh": "nA",
         "multiplicator": "nA", "exc2_old": "nA"}),
    "IFCondExpStoc": (
        "Leaky integrate-and-fire neuron with exponentially decaying conductances and a\n"
        "    stochastic threshold (Habenschuss, Jonke and Maass 2013; sPyNNaker's\n"
        "    IFCondExpStoc): a spike in a step with probability 0.8 (1 - exp(-exp((v -\n"
        "    v_thresh)/du_th) dt / (10 tau_th))), 0.8 once (v - v_thresh)/du_th >= 5.\n",
        {**_LIF, "tau_syn_E": 5.0, "tau_syn_I": 5.0, "e_rev_E": 0.0, "e_rev_I": -70.0,
         "du_th": 0.5, "tau_th": 20.0},
        {"v": -65.0, "isyn_exc": 0.0, "isyn_inh": 0.0},
        {**_LIF_UNITS, "tau_syn_E": "ms", "tau_syn_I": "ms", "e_rev_E": "mV", "e_rev_I": "mV",
         "du_th": "mV", "tau_th": "ms", "isyn_exc": "uS", "isyn_inh": "uS", "gsyn_exc": "uS",
         "gsyn_inh": "uS"}),
}


def _cell_class(name: str):
    """The PyNN class of the extra cell ``name``."""
    model = BY_NAME[name]
    doc, parameters, initial, units = SPINNAKER[name]

    def __init__(self, **kwargs):
        values = {k: kwargs.pop(k) for k in list(kwargs) if k in initial}
        StandardCellType.__init__(self, **kwargs)
        # read by Population as initial values (PyNN's cell types take only parameters)
        self.spinnaker_initial_values = {k: v for k, v in values.items() if v is not None}

    __init__.__doc__ = (f"Parameters: {', '.join(parameters)}; initial values (optional, "
                        f"as sPyNNaker takes them): {', '.join(initial)}.")
    return type(name, (StandardCellType,), {
        "__module__": __name__, "__doc__": doc + model.PYNN_DOC, "__init__": __init__,
        "default_parameters": dict(parameters), "default_initial_values": dict(initial),
        "recordable": ["spikes", *model.RECORD], "units": {**units, **getattr(model, "PYNN_UNITS", {})},
        "receptor_types": tuple(getattr(model, "RECEPTOR_NAMES", ("excitatory", "inhibitory"))),
        "conductance_based": model.CONDUCTANCE,
        "translations": build_translations(*[(n, n) for n in parameters]),
        "machine_model": model, "spinnaker_initial_values": {}})


EXTRA_CELLS = {name: _cell_class(name) for name in SPINNAKER}
globals().update(EXTRA_CELLS)
