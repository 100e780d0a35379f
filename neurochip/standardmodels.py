"""Standard cell and synapse types supported by neurochip.

Native names are PyNN's own names (identity translations): the mapping
package takes PyNN units directly and does its own fixed-point encoding.
"""

from pyNN.standardmodels import build_translations, cells, synapses

from .simulator import state

__all__ = ["IF_curr_exp", "IF_cond_exp", "IF_curr_alpha", "IF_cond_alpha", "IF_curr_delta",
           "Izhikevich", "EIF_cond_exp_isfa_ista", "EIF_cond_alpha_isfa_ista", "HH_cond_exp",
           "SpikeSourceArray", "SpikeSourcePoisson", "SpikeSourcePoissonRefractory", "SpikeSourceGamma",
           "StaticSynapse", "TsodyksMarkramSynapse", "SimpleStochasticSynapse"]


def _identity(celltype):
    return build_translations(*[(name, name) for name in celltype.default_parameters])


class IF_curr_exp(cells.IF_curr_exp):
    __doc__ = cells.IF_curr_exp.__doc__ + """
    neurochip also records the synaptic currents: ``isyn_exc`` and ``isyn_inh`` (nA,
    inhibitory negative, as PyNN's weights), and, as sPyNNaker scripts ask for them,
    ``gsyn_exc``/``gsyn_inh``: the same currents as positive magnitudes (nA).
    """
    translations = _identity(cells.IF_curr_exp)
    recordable = ["spikes", "v", "isyn_exc", "isyn_inh", "gsyn_exc", "gsyn_inh"]
    units = {**cells.IF_curr_exp.units, "gsyn_exc": "nA", "gsyn_inh": "nA"}


class IF_cond_exp(cells.IF_cond_exp):
    __doc__ = cells.IF_cond_exp.__doc__ + """
    On the machine: conductances in nS (s16.15), the voltage advanced by midpoint
    (RK2) sub-steps of at most 0.1 ms with exactly decaying conductances.
    """
    translations = _identity(cells.IF_cond_exp)


class IF_curr_alpha(cells.IF_curr_alpha):
    __doc__ = cells.IF_curr_alpha.__doc__ + """
    On the machine: NEST's exact integration (iaf_psc_alpha); a weight (nA) is the peak
    of the synaptic current, reached tau_syn after arrival. Recordable as IF_curr_exp:
    ``isyn_exc``/``isyn_inh`` (nA, inhibitory negative) and ``gsyn_exc``/``gsyn_inh``
    (the same currents as positive magnitudes, nA).
    """
    translations = _identity(cells.IF_curr_alpha)
    recordable = ["spikes", "v", "isyn_exc", "isyn_inh", "gsyn_exc", "gsyn_inh"]
    units = {**cells.IF_curr_alpha.units, "gsyn_exc": "nA", "gsyn_inh": "nA"}


class IF_cond_alpha(cells.IF_cond_alpha):
    __doc__ = cells.IF_cond_alpha.__doc__ + """
    On the machine: conductances in nS (s16.15), advanced exactly; a weight (uS) is the
    peak conductance. The voltage is advanced by midpoint (RK2) sub-steps of at most 0.1 ms.
    """
    translations = _identity(cells.IF_cond_alpha)


class IF_curr_delta(cells.IF_curr_delta):
    __doc__ = cells.IF_curr_delta.__doc__ + """
    On the machine: a weight is a voltage jump in mV (inhibitory negative), applied at
    the start of the step of its arrival and dropped while the neuron is refractory
    (NEST's iaf_psc_delta); the leak is integrated exactly.
    """
    translations = _identity(cells.IF_curr_delta)


class Izhikevich(cells.Izhikevich):
    __doc__ = cells.Izhikevich.__doc__ + """
    As pyNN.nest (NEST's izhikevich): the threshold is 30 mV, I = 1000 * i_offset
    (mV/ms), a weight is a voltage jump in mV (inhibitory negative). On the machine:
    midpoint (RK2) sub-steps of at most 0.01 ms; the reset is applied at the end of
    the sub-step that crosses.
    """
    translations = _identity(cells.Izhikevich)


class EIF_cond_exp_isfa_ista(cells.EIF_cond_exp_isfa_ista):
    __doc__ = cells.EIF_cond_exp_isfa_ista.__doc__ + """
    On the machine (as NEST's aeif_cond_exp): conductances in nS, currents and w in pA,
    midpoint (RK2) sub-steps of at most 0.05 ms with exactly decaying conductances, the
    exponential term from a fixed-point exp; reset at the end of the crossing sub-step.
    """
    translations = _identity(cells.EIF_cond_exp_isfa_ista)


class EIF_cond_alpha_isfa_ista(cells.EIF_cond_alpha_isfa_ista):
    __doc__ = cells.EIF_cond_alpha_isfa_ista.__doc__ + """
    On the machine (as NEST's aeif_cond_alpha): as EIF_cond_exp_isfa_ista, with alpha
    conductances advanced exactly over each sub-step.
    """
    translations = _identity(cells.EIF_cond_alpha_isfa_ista)


class HH_cond_exp(cells.HH_cond_exp):
    __doc__ = cells.HH_cond_exp.__doc__ + """
    As pyNN.nest (NEST's hh_cond_exp_traub): a spike is sent at the end of the first
    timestep over which V fell while at or above v_offset + 30 mV, then none for 2 ms.
    On the machine: midpoint (RK2) sub-steps of at most 0.01 ms, tabulated rate
    functions, channel conductances below 256 uS. neurochip also records the gating
    variables ``m``, ``h`` and ``n``.
    """
    translations = _identity(cells.HH_cond_exp)
    recordable = ["spikes", "v", "gsyn_exc", "gsyn_inh", "m", "h", "n"]


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

    def _get_minimum_delay(self):
        return state.min_delay  # setup() resolves "auto" to the timestep


class StaticSynapse(synapses.StaticSynapse):
    __doc__ = synapses.StaticSynapse.__doc__
    translations = build_translations(("weight", "weight"), ("delay", "delay"))

    def _get_minimum_delay(self):
        return state.min_delay  # setup() resolves "auto" to the timestep
