"""Per-model host computations: PyNN parameters -> float64 constants of the core's update.

One function per neuron model, each returning ``(params, state)``: dicts of
float64 arrays keyed by the model's PARAMS and STATE column names (in the
core's units). :mod:`neurochip.mapping.neurons` quantises them.
"""

from __future__ import annotations

import math

import numpy as np

from neurochip.emulator.models.if_cond_alpha import SYN_SCALE as COND_ALPHA_SCALE
from neurochip.emulator.models.if_curr_alpha import SYN_SCALE as ALPHA_SCALE

from .errors import MappingError
from .neuron_constants_nonlinear import (
    check_positive,
    eif_cond_alpha_isfa_ista,
    eif_cond_exp_isfa_ista,
    hh_cond_exp,
    izhikevich,
)

__all__ = ["CONSTANTS", "check_positive"]

MAX_SUBSTEP_MS = 0.1  # sub-step length of the nonlinear (RK2) models


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
              "k_sixth": k / 6, "decay_e_half": np.exp(-h / (2 * p["tau_syn_E"])),
              "decay_i_half": np.exp(-h / (2 * p["tau_syn_I"])),
              "decay_e_sub": np.exp(-h / p["tau_syn_E"]), "decay_i_sub": np.exp(-h / p["tau_syn_I"]),
              "i_offset": 1000.0 * p["i_offset"], "v_thresh": p["v_thresh"],
              "v_reset": p["v_reset"], "refrac_ticks": np.rint(p["tau_refrac"] / dt),
              "n_sub": np.full(np.shape(p["cm"]), float(n_sub))}
    state = {"v": init["v"], "gsyn_exc": 1000.0 * init.get("gsyn_exc", 0.0 * init["v"]),
             "gsyn_inh": 1000.0 * init.get("gsyn_inh", 0.0 * init["v"]),
             "refrac": 0.0 * init["v"]}
    return params, state


def _alpha_psc_propagators(tau_m, tau_s, cm, dt):
    """NEST's P31, P32 of iaf_psc_alpha: the V change over one step per unit of the
    alpha current's derivative ``dI`` (nA/ms) and per unit of current ``I`` (nA).

    With ``x = dt*(1/tau_s - 1/tau_m)``: ``P32 = P22*dt/C * (1 - e^-x)/x`` and
    ``P31 = P22*dt**2/C * (1 - e^-x*(1 + x))/x**2``; both are evaluated by their
    series for ``|x| < 0.1`` (no cancellation near, and exact at, ``tau_s == tau_m``).
    """
    p22 = np.exp(-dt / tau_m)
    decay = np.exp(-dt / tau_s)
    x = dt * (1.0 / tau_s - 1.0 / tau_m)
    small = np.abs(x) < 0.1
    xs = np.where(small, x, 0.0)
    g1 = sum((-xs) ** (n - 1) / math.factorial(n) for n in range(1, 14))
    g2 = sum((-1) ** n * (n - 1) * xs ** (n - 2) / math.factorial(n) for n in range(2, 16))
    xl = np.where(small, 1.0, x)
    p32 = np.where(small, p22 * dt / cm * g1, (p22 - decay) * dt / (cm * xl))
    p31 = np.where(small, p22 * dt ** 2 / cm * g2, (p22 - decay * (1.0 + xl)) * dt ** 2 / (cm * xl ** 2))
    return p31, p32


def _alpha_rise(s, tau):
    """Growth of an alpha synapse's current per unit of its drive over a time ``s``:
    ``(s/tau) * exp(1 - s/tau)``, at most 1 (at ``s == tau``)."""
    return np.minimum(s / tau * np.exp(1.0 - s / tau), 1.0)


def if_curr_alpha(p: dict, init: dict, dt: float) -> tuple:
    check_positive(p, ("tau_m", "cm", "tau_syn_E", "tau_syn_I", "tau_refrac"),
                   allow_zero=("tau_refrac",))
    tau_m, cm = p["tau_m"], p["cm"]
    zero = 0.0 * init["v"]
    params = {"v_inf": p["v_rest"] + tau_m / cm * p["i_offset"], "p22": np.exp(-dt / tau_m),
              "v_thresh": p["v_thresh"], "v_reset": p["v_reset"],
              "refrac_ticks": np.rint(p["tau_refrac"] / dt), "r_m": tau_m / cm,
              "unscale": 1.0 / ALPHA_SCALE}
    for syn, tau in (("e", p["tau_syn_E"]), ("i", p["tau_syn_I"])):
        p31, p32 = _alpha_psc_propagators(tau_m, tau, cm, dt)
        # the drive u is NEST's dI * tau/e, so that an input of weight w adds w to it
        params.update({f"p31{syn}": p31 * np.e / tau, f"p32{syn}": p32,
                       f"decay_{syn}": np.exp(-dt / tau), f"p21{syn}": _alpha_rise(dt, tau)})
    # the synaptic state is held in nA * ALPHA_SCALE (emulator/models/if_curr_alpha.py)
    state = {"v": init["v"], "isyn_exc": ALPHA_SCALE * init.get("isyn_exc", zero),
             "isyn_inh": -ALPHA_SCALE * init.get("isyn_inh", zero), "drive_exc": zero,
             "drive_inh": zero, "refrac": zero}
    return params, state


def if_cond_alpha(p: dict, init: dict, dt: float) -> tuple:
    params, state = if_cond_exp(p, init, dt)
    h = dt / params["n_sub"]
    for syn, tau in (("e", p["tau_syn_E"]), ("i", p["tau_syn_I"])):
        params[f"rise_{syn}_half"] = _alpha_rise(h / 2, tau)
        params[f"rise_{syn}_sub"] = _alpha_rise(h, tau)
    params["unscale"] = 1.0 / COND_ALPHA_SCALE
    # the synaptic state is held in nS * COND_ALPHA_SCALE (emulator/models/if_cond_alpha.py)
    state.update(gsyn_exc=COND_ALPHA_SCALE * state["gsyn_exc"],
                 gsyn_inh=COND_ALPHA_SCALE * state["gsyn_inh"],
                 drive_exc=0.0 * init["v"], drive_inh=0.0 * init["v"])
    return params, state


def if_curr_delta(p: dict, init: dict, dt: float) -> tuple:
    check_positive(p, ("tau_m", "cm", "tau_refrac"), allow_zero=("tau_refrac",))
    tau_m, cm = p["tau_m"], p["cm"]
    params = {"v_inf": p["v_rest"] + tau_m / cm * p["i_offset"], "p22": np.exp(-dt / tau_m),
              "v_thresh": p["v_thresh"], "v_reset": p["v_reset"],
              "refrac_ticks": np.rint(p["tau_refrac"] / dt), "r_m": tau_m / cm}
    return params, {"v": init["v"], "refrac": 0.0 * init["v"]}


CONSTANTS = {"IF_curr_exp": if_curr_exp, "IF_cond_exp": if_cond_exp,
             "IF_curr_alpha": if_curr_alpha, "IF_cond_alpha": if_cond_alpha,
             "IF_curr_delta": if_curr_delta,
             "Izhikevich": izhikevich, "EIF_cond_exp_isfa_ista": eif_cond_exp_isfa_ista,
             "EIF_cond_alpha_isfa_ista": eif_cond_alpha_isfa_ista, "HH_cond_exp": hh_cond_exp}
