"""Per-model host computations: PyNN parameters -> float64 constants of the core's update.

One function per neuron model, each returning ``(params, state)``: dicts of
float64 arrays keyed by the model's PARAMS and STATE column names (in the
core's units). :mod:`mapping.neurons` quantises them.
"""

from __future__ import annotations

import numpy as np

from .errors import MappingError

__all__ = ["CONSTANTS", "check_positive"]

MAX_SUBSTEP_MS = 0.1  # sub-step length of the nonlinear (RK2) models


def check_positive(p: dict, names, allow_zero=()):
    for name in names:
        v = np.asarray(p[name])
        bad = v < 0 if name in allow_zero else v <= 0
        if np.any(bad):
            limit = ">= 0" if name in allow_zero else "positive"
            raise MappingError(f"{name} must be {limit}, got {v[bad][0]:g}")


def _exp_psc_propagator(tau_m, tau_s, cm, dt):
    """NEST's P21 of iaf_psc_exp: V change per unit of exponentially decaying current."""
    p22 = np.exp(-dt / tau_m)
    decay = np.exp(-dt / tau_s)
    near = np.abs(tau_s - tau_m) < 1e-9 * tau_m
    with np.errstate(divide="ignore", invalid="ignore"):
        p21 = tau_m * tau_s / (cm * (tau_s - tau_m)) * (decay - p22)
    return np.where(near, dt / cm * p22, p21)


def if_curr_exp(p: dict, init: dict, dt: float) -> tuple:
    check_positive(p, ("tau_m", "cm", "tau_syn_E", "tau_syn_I", "tau_refrac"),
                   allow_zero=("tau_refrac",))
    tau_m, cm = p["tau_m"], p["cm"]
    params = {"v_inf": p["v_rest"] + tau_m / cm * p["i_offset"], "p22": np.exp(-dt / tau_m),
              "p21e": _exp_psc_propagator(tau_m, p["tau_syn_E"], cm, dt),
              "p21i": _exp_psc_propagator(tau_m, p["tau_syn_I"], cm, dt),
              "v_thresh": p["v_thresh"], "v_reset": p["v_reset"],
              "decay_e": np.exp(-dt / p["tau_syn_E"]), "decay_i": np.exp(-dt / p["tau_syn_I"]),
              "refrac_ticks": np.rint(p["tau_refrac"] / dt), "r_m": tau_m / cm}
    state = {"v": init["v"], "isyn_exc": init.get("isyn_exc", 0.0 * init["v"]),
             "isyn_inh": -init.get("isyn_inh", 0.0 * init["v"]), "refrac": 0.0 * init["v"]}
    return params, state


def if_cond_exp(p: dict, init: dict, dt: float) -> tuple:
    check_positive(p, ("tau_m", "cm", "tau_syn_E", "tau_syn_I", "tau_refrac"),
                   allow_zero=("tau_refrac",))
    n_sub = max(1, int(np.ceil(dt / MAX_SUBSTEP_MS - 1e-9)))
    h = dt / n_sub
    k = h / (1000.0 * p["cm"])  # mV per pA over one sub-step
    if np.any(k >= 1.0):
        raise MappingError(f"cm = {np.min(p['cm']):g} nF is too small for a sub-step of {h:g} ms "
                           f"(h / (1000 cm) must be < 1); use a larger cm")
    params = {"e_leak": p["v_rest"], "e_exc": p["e_rev_E"], "e_inh": p["e_rev_I"],
              "g_leak": 1000.0 * p["cm"] / p["tau_m"], "k_full": k, "k_half": k / 2,
              "decay_e_half": np.exp(-h / (2 * p["tau_syn_E"])),
              "decay_i_half": np.exp(-h / (2 * p["tau_syn_I"])),
              "decay_e_sub": np.exp(-h / p["tau_syn_E"]), "decay_i_sub": np.exp(-h / p["tau_syn_I"]),
              "i_offset": 1000.0 * p["i_offset"], "v_thresh": p["v_thresh"],
              "v_reset": p["v_reset"], "refrac_ticks": np.rint(p["tau_refrac"] / dt),
              "n_sub": np.full(np.shape(p["cm"]), float(n_sub))}
    state = {"v": init["v"], "gsyn_exc": 1000.0 * init.get("gsyn_exc", 0.0 * init["v"]),
             "gsyn_inh": 1000.0 * init.get("gsyn_inh", 0.0 * init["v"]),
             "refrac": 0.0 * init["v"]}
    return params, state


CONSTANTS = {"IF_curr_exp": if_curr_exp, "IF_cond_exp": if_cond_exp}
