"""Host constants of the nonlinear neuron models (Izhikevich, AdEx, Hodgkin-Huxley).

Same contract as :mod:`neurochip.mapping.neuron_constants`: one function per model,
``(pynn_params, initial_values, dt) -> (params, state)`` as float64 arrays in the
core's units, quantised by :mod:`neurochip.mapping.neurons`.

Constants derived from a PyNN parameter (a current in other units, an inverse, a
shifted threshold) are range-checked here, in both arithmetics, so that the error
names the PyNN parameter and its value; the float arithmetic runs the same machine
program and keeps its limits.
"""

from __future__ import annotations

import numpy as np

from neurochip.emulator.models import eif_cond_exp_isfa_ista as _eif_model
from neurochip.emulator.models import hh_cond_exp as _hh
from neurochip.emulator.models import izhikevich as _izh

from .errors import MappingError

__all__ = ["izhikevich", "eif_cond_exp_isfa_ista", "eif_cond_alpha_isfa_ista",
           "hh_cond_exp", "IZH_MAX_SUBSTEP_MS", "EIF_MAX_SUBSTEP_MS", "HH_MAX_SUBSTEP_MS",
           "HH_MAX_FINE_MS", "HH_TOLERANCE_MV", "HH_TOLERANCE_GATE"]

REAL_LIMIT = 65536.0  # |x| of an s16.15 value (one LSB less at the top)
IZH_MAX_SUBSTEP_MS = 0.01
EIF_MAX_SUBSTEP_MS = 0.05
HH_MAX_SUBSTEP_MS = 0.1  # HH_cond_exp's RK4 step between spikes
HH_MAX_FINE_MS = 0.025  # and around them (emulator/models/hh_cond_exp.py)
HH_TOLERANCE_MV = 0.01  # largest |RK4 - RK2| in V of a step of HH_MAX_SUBSTEP_MS kept
HH_TOLERANCE_GATE = 1e-3  # and in m, h, n


def check_positive(p: dict, names, allow_zero=()):
    """Every value of parameters ``names`` must be positive (``>= 0`` for those in
    ``allow_zero``); mapping.neuron_constants uses it too (it imports this module)."""
    for name in names:
        v = np.asarray(p[name])
        bad = v < 0 if name in allow_zero else v <= 0
        if np.any(bad):
            limit = ">= 0" if name in allow_zero else "positive"
            raise MappingError(f"{name} must be {limit}, got {v[bad][0]:g}")


def _n_sub(dt, max_h):
    return max(1, int(np.ceil(dt / max_h - 1e-9)))


def _check_real(p, name, unit, value, what):
    """``value`` (derived from PyNN parameter ``name``) must fit s16.15."""
    value = np.broadcast_to(np.asarray(value, np.float64), np.shape(p[name]))
    bad = ~(np.abs(value) < REAL_LIMIT)
    if np.any(bad):
        i = int(np.argmax(bad))
        raise MappingError(
            f"parameter {name} = {np.ravel(p[name])[i]:g} {unit} gives {what} = "
            f"{np.ravel(value)[i]:g}, outside the s16.15 fixed-point range "
            f"[-65536, 65536); rescale the parameter")


def _check_fraction(p, name, unit, value, what, fix):
    value = np.asarray(value, np.float64)
    if np.any(value >= 1.0):
        i = int(np.argmax(np.ravel(value >= 1.0)))
        raise MappingError(f"parameter {name} = {np.ravel(p[name])[i]:g} {unit} makes {what} "
                           f"= {np.ravel(value)[i]:g} >= 1 (a u0.32 multiplier); {fix}")


def izhikevich(p: dict, init: dict, dt: float) -> tuple:
    a = np.asarray(p["a"], np.float64)
    if np.any(a < 0):
        raise MappingError(f"a must be >= 0, got {a[a < 0][0]:g}")
    n_sub = _n_sub(dt, IZH_MAX_SUBSTEP_MS)
    h = dt / n_sub
    _check_fraction(p, "a", "/ms", a * h, f"a * h (sub-step {h:g} ms)", "use a smaller a")
    i_const = 140.0 + 1000.0 * p["i_offset"]
    _check_real(p, "i_offset", "nA", i_const, "140 + 1000 * i_offset (mV/ms)")
    scale = _izh.U_SCALE
    _check_real(p, "b", "/ms", scale * np.asarray(p["b"]), f"{scale:g} b (u is held as {scale:g} u)")
    _check_real(p, "d", "mV/ms", scale * np.asarray(p["d"]), f"{scale:g} d (u is held as {scale:g} u)")
    ones = np.ones(np.shape(a))
    hf = h / _izh.N_FINE
    params = {"k_sq": 0.04 * ones, "k_lin": 5.0 * ones, "i_const": i_const,
              "b_scaled": scale * np.asarray(p["b"]), "inv_u_scale": ones / scale,
              "h_full": h * ones, "h_half": h / 2 * ones, "ah_full": a * h, "ah_half": a * h / 2,
              "h_fine_full": hf * ones, "h_fine_half": hf / 2 * ones, "ah_fine_full": a * hf,
              "ah_fine_half": a * hf / 2, "v_peak": _izh.V_PEAK * ones, "c": p["c"],
              "d_scaled": scale * np.asarray(p["d"]), "v_fine": _izh.V_FINE * ones,
              "n_sub": n_sub * ones, "n_fine": _izh.N_FINE * ones}
    state = {"v": init["v"], "u_scaled": scale * init.get("u", _izh.U_INIT * ones)}
    return params, state


def _eif_step(p, h, d_t, tau_m, has_exp):
    """The step constants of an AdEx sub-step of length ``h`` (ms)."""
    cm = np.asarray(p["cm"], np.float64)
    k = h / (1000.0 * cm)  # mV per pA over one sub-step
    _check_fraction(p, "cm", "nF", k, f"h / (1000 cm) (sub-step {h:g} ms)", "use a larger cm")
    kw = h / np.asarray(p["tau_w"], np.float64)
    _check_fraction(p, "tau_w", "ms", kw, f"h / tau_w (sub-step {h:g} ms)", "use a larger tau_w")
    safe_dt = np.where(has_exp, d_t, 1.0)
    # V's change from the exponential term over a sub-step s is exp((V - V_s)/delta_T)
    v_t_full = np.where(has_exp, p["v_thresh"] - safe_dt * np.log(h * safe_dt / tau_m), 0.0)
    v_t_half = np.where(has_exp, p["v_thresh"] - safe_dt * np.log(h / 2 * safe_dt / tau_m), 0.0)
    _check_real(p, "delta_T", "mV", v_t_half,
                f"v_thresh - delta_T ln(delta_T h / (2 tau_m)) (mV, sub-step {h:g} ms)")
    out = {"k_full": k, "k_half": k / 2, "kw_full": kw, "kw_half": kw / 2,
           "v_t_full": v_t_full, "v_t_half": v_t_half}
    for syn, tau in (("e", p["tau_syn_E"]), ("i", p["tau_syn_I"])):
        out[f"decay_{syn}_half"] = np.exp(-h / (2 * tau))
        out[f"decay_{syn}_sub"] = np.exp(-h / tau)
    return out


def _eif(p: dict, init: dict, dt: float) -> tuple:
    """Constants shared by both AdEx models (conductances in nS, currents in pA)."""
    check_positive(p, ("cm", "tau_m", "tau_w", "tau_syn_E", "tau_syn_I", "tau_refrac", "delta_T"),
                   allow_zero=("tau_refrac", "delta_T"))
    n_sub = _n_sub(dt, EIF_MAX_SUBSTEP_MS)
    h = dt / n_sub
    cm, tau_m, d_t = (np.asarray(p[k], np.float64) for k in ("cm", "tau_m", "delta_T"))
    has_exp = d_t > 0
    g_leak = 1000.0 * cm / tau_m
    inv_dt = np.where(has_exp, 1.0 / np.where(has_exp, d_t, 1.0), 0.0)
    v_peak = np.where(has_exp, p["v_spike"], p["v_thresh"])
    for name, unit, value, what in (
            ("tau_m", "ms", g_leak, "g_L = 1000 cm / tau_m (nS)"),
            ("a", "nS", p["a"], "a (nS)"),
            ("b", "nA", 1000.0 * p["b"], "b (pA)"),
            ("i_offset", "nA", 1000.0 * p["i_offset"], "i_offset (pA)"),
            ("delta_T", "mV", inv_dt, "1 / delta_T (/mV)")):
        _check_real(p, name, unit, value, what)
    ones = np.ones(np.shape(cm))
    # without the exponential term there is no fast upstroke: never fine (v_peak)
    v_fine = np.where(has_exp, p["v_thresh"] - _eif_model.FINE_BELOW * d_t, v_peak)
    _check_real(p, "delta_T", "mV", v_fine, "v_thresh - 3 delta_T (mV)")
    params = {"v_rest": p["v_rest"], "e_rev_E": p["e_rev_E"], "e_rev_I": p["e_rev_I"],
              "g_leak": g_leak, "a": p["a"], "b": 1000.0 * p["b"],
              "i_offset": 1000.0 * p["i_offset"], "inv_delta_t": inv_dt,
              "has_exp": has_exp.astype(np.float64), "v_peak": v_peak, "v_reset": p["v_reset"],
              "v_fine": v_fine, "refrac_ticks": np.rint(p["tau_refrac"] / dt),
              "n_sub": n_sub * ones, "n_fine": _eif_model.N_FINE * ones}
    params.update(_eif_step(p, h, d_t, tau_m, has_exp))
    fine = _eif_step(p, h / _eif_model.N_FINE, d_t, tau_m, has_exp)
    params.update({name + "_fine": value for name, value in fine.items()})
    zero = 0.0 * ones
    state = {"v": init["v"], "w": 1000.0 * init.get("w", zero),
             "gsyn_exc": 1000.0 * init.get("gsyn_exc", zero),
             "gsyn_inh": 1000.0 * init.get("gsyn_inh", zero), "refrac": zero, "v_res": zero}
    return params, state


def eif_cond_exp_isfa_ista(p: dict, init: dict, dt: float) -> tuple:
    return _eif(p, init, dt)


def eif_cond_alpha_isfa_ista(p: dict, init: dict, dt: float) -> tuple:
    params, state = _eif(p, init, dt)
    params["g0_e"] = np.e / np.asarray(p["tau_syn_E"], np.float64)
    params["g0_i"] = np.e / np.asarray(p["tau_syn_I"], np.float64)
    h = params["h_full"] = dt / params["n_sub"]
    params["h_half"] = h / 2
    params["h_full_fine"] = h / _eif_model.N_FINE
    params["h_half_fine"] = h / (2 * _eif_model.N_FINE)
    state.update(dg_exc=0.0 * state["v"], dg_inh=0.0 * state["v"])
    return params, state


def hh_cond_exp(p: dict, init: dict, dt: float) -> tuple:
    check_positive(p, ("cm", "tau_syn_E", "tau_syn_I", "gbar_Na", "gbar_K", "g_leak"),
                   allow_zero=("gbar_Na", "gbar_K", "g_leak"))
    n_coarse = _n_sub(dt, HH_MAX_SUBSTEP_MS)
    step = dt / n_coarse
    n_fine = _n_sub(step, HH_MAX_FINE_MS)
    u = step / (2 * n_fine)  # the slopes' time unit: half a fine step
    cm = np.asarray(p["cm"], np.float64)
    k = u / cm  # mV per nA over u
    _check_fraction(p, "cm", "nF", k, f"u / cm (half a fine step, u = {u:g} ms)",
                    "use a larger cm")
    scale = _hh.GATE_SCALE
    for name in ("gbar_Na", "gbar_K", "g_leak"):
        _check_fraction(p, name, "uS", np.asarray(p[name], np.float64) / scale,
                        f"{name} / {scale:g}", f"channel conductances must be below {scale:g} uS")
    _check_real(p, "v_offset", "mV", np.asarray(p["v_offset"]) + _hh.SPIKE_ABOVE,
                "the spike threshold v_offset + 30 (mV)")
    reject = HH_TOLERANCE_MV * 6.0 * cm / step  # nA: see hh_cond_exp's docstring
    _check_real(p, "cm", "nF", reject, f"the rejection current 0.01 mV * 6 cm / {step:g} ms")
    ones = np.ones(np.shape(cm))
    params = {"e_rev_Na": p["e_rev_Na"], "e_rev_K": p["e_rev_K"], "e_rev_leak": p["e_rev_leak"],
              "e_rev_E": p["e_rev_E"], "e_rev_I": p["e_rev_I"], "g_na_256": p["gbar_Na"] / scale,
              "g_k_256": p["gbar_K"] / scale, "g_leak_256": p["g_leak"] / scale,
              "v_offset": p["v_offset"], "v_spike": p["v_offset"] + _hh.SPIKE_ABOVE,
              "i_offset": p["i_offset"], "u": u * ones, "k_u": k, "k_u3": k / 3,
              "milli": 1e-3 * ones, "reject": reject,
              "reject_gate": HH_TOLERANCE_GATE * scale * 3.0 / n_fine * ones,
              "refrac_ticks": np.rint(_hh.T_REF / dt) * ones, "n_coarse": n_coarse * ones,
              "n_fine": n_fine * ones}
    for syn, tau in (("e", p["tau_syn_E"]), ("i", p["tau_syn_I"])):
        for level, h in (("coarse", step), ("fine", step / n_fine)):
            params[f"decay_{syn}_{level}_half"] = np.exp(-h / (2 * tau))
            params[f"decay_{syn}_{level}"] = np.exp(-h / tau)
    zero = 0.0 * ones
    state = {"v": init["v"], "gsyn_exc": 1000.0 * init.get("gsyn_exc", zero),
             "gsyn_inh": 1000.0 * init.get("gsyn_inh", zero), "refrac": zero, "v_res": zero}
    for gate, default in _hh.INITIAL_GATES.items():
        state[gate] = scale * np.asarray(init.get(gate, default * ones), np.float64)
    return params, state
