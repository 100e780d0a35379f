"""Host constants of the multi-receptor cells (PyNN's ``PointNeuron``).

A population's receptors take the slots of :data:`neurochip.emulator.models.components.SLOTS`
in their (sorted) order: :func:`slot_parameters` renames receptor ``name``'s PyNN
parameters and initial values to the slot's (``"AMPA.tau_syn"`` -> ``tau_syn_s0``, through
the cell's ``RECEPTOR_PARAMS``), fills the unused slots with harmless values, and adds
``n_receptors`` and each slot's sign. The host functions (``exp_current_slot`` of
:mod:`.neuron_constants`, :func:`adexp_cond_alpha_multisynapse` here) then see ordinary
parameters, ``tau_syn_s0`` as the two-receptor cells' ``tau_syn_E``.
"""

from __future__ import annotations

import numpy as np

from neurochip.emulator.models import adexp_cond_alpha_multisynapse as _cell
from neurochip.emulator.models import eif_cond_exp_isfa_ista as _eif_model
from neurochip.emulator.models.components import RECEPTOR_SUFFIX, SLOTS

from .graph import receptor_sign
from .neuron_constants_nonlinear import _eif, check_positive

__all__ = ["slot_parameters", "adexp_cond_alpha_multisynapse"]


def slot_parameters(pop, model) -> tuple:
    """``(params, initial)`` of a multi-receptor population with its receptors' values
    in slots (see the module docstring); ``params`` also has ``n_receptors`` and
    ``sign_s0``, ... (-1 for an inhibitory current receptor)."""
    p = {k: v for k, v in pop.params.items() if "." not in k}
    init = {k: v for k, v in pop.initial.items() if "." not in k}
    ones = np.ones(pop.size)
    names = tuple(pop.receptors)
    for k, slot in enumerate(SLOTS):
        big, syn = RECEPTOR_SUFFIX[slot][2], RECEPTOR_SUFFIX[slot][1]
        for q, (pattern, default) in model.RECEPTOR_PARAMS.items():
            value = pop.params[f"{names[k]}.{q}"] if k < len(names) else default
            p[pattern.format(R=big)] = np.asarray(value, np.float64) * ones
        p[f"sign_{big}"] = (receptor_sign(pop.model, names[k]) if k < len(names) else 1) * ones
        for var, (column, _) in model.RECEPTOR_RECORD.items():
            if k < len(names) and f"{names[k]}.{var}" in pop.initial:
                # the host converts units as for the two-receptor cells' initial values
                init[column.format(r=big, syn=syn)] = pop.initial[f"{names[k]}.{var}"]
    p["n_receptors"] = len(names) * ones
    return p, init


def adexp_cond_alpha_multisynapse(p: dict, init: dict, dt: float) -> tuple:
    """The AdEx constants (of EIF_cond_alpha_isfa_ista's arithmetic) and, per slot, the
    reversal potential, the drive per unit of input and the decays over (fine) half and
    whole sub-steps; conductances in nS."""
    slots = [RECEPTOR_SUFFIX[s][2] for s in SLOTS]
    check_positive(p, tuple(f"tau_syn_{k}" for k in slots))
    ones = np.ones(np.shape(p["cm"]))
    # the exp model's two receptors are unused here: harmless values for its columns
    params, state = _eif({**p, "tau_syn_E": ones, "tau_syn_I": ones, "e_rev_E": 0 * ones,
                          "e_rev_I": 0 * ones}, init, dt)
    h = dt / params["n_sub"]
    scale = _cell.DG_SCALE  # dg is held scaled: the sub-step lengths that multiply it are not
    params["h_full"] = h / scale
    params["h_half"] = h / (2 * scale)
    params["h_full_fine"] = h / (_eif_model.N_FINE * scale)
    params["h_half_fine"] = h / (2 * _eif_model.N_FINE * scale)
    params["n_receptors"] = p["n_receptors"]
    for k in slots:
        tau = np.asarray(p[f"tau_syn_{k}"], np.float64)
        params[f"e_rev_{k}"] = p[f"e_rev_{k}"]
        params[f"g0_{k}"] = scale * np.e / tau
        for suffix, step in (("", h), ("_fine", h / _eif_model.N_FINE)):
            params[f"dh{suffix}_{k}"] = np.exp(-step / (2 * tau))
            params[f"ds{suffix}_{k}"] = np.exp(-step / tau)
        state[f"gsyn_{k}"] = 1000.0 * init.get(f"gsyn_{k}", 0.0 * ones)
        state[f"dg_{k}"] = 0.0 * ones
    return params, state
