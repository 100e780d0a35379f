"""Reference spike times of single neurons under DC input (scipy, rtol 1e-10, atol 1e-12).

Each model is solved with exact event handling: the threshold crossing is located by
``solve_ivp``'s root finder, the reset is applied at that time and integration goes on
from there. What the spike time means:

* Izhikevich and the AdEx models: the time at which V reaches the threshold (30 mV,
  ``v_spike``). A simulator on a time grid stamps a spike at the end of the step that
  holds it, so its spike is in ``(t, t + dt]`` when its integration is exact.
* HH_cond_exp (no reset): the time of V's peak (dV/dt = 0, falling, at or above
  ``v_offset + 30``); NEST's rule sends the spike at the end of the first step over
  which V fell, again in ``(t, t + dt]``.

Refractoriness of the AdEx models (``refractory="grid"``, the default) is NEST's
on-grid one (aeif_cond_exp, aeif_cond_alpha): V is held at V_reset, w and the
conductances go on, from the crossing to the end of its timestep and then for
``round(tau_refrac / dt)`` more steps; ``refractory="exact"`` holds it for exactly
``tau_refrac``. The right-hand side sees ``min(V, v_peak)``, as NEST's does.

Units are NEST's: mV, ms, pA, nS, pF (HH: nA, uS, nF). Parameters are PyNN's.
:func:`main` writes both, ``spikes`` and ``grid`` (:func:`grid_spikes`), to
``tests/data/dc_reference.json``: ``python tests/reference/dc.py`` (about 20 s).
"""

import json
import pathlib

import numpy as np
from scipy.integrate import solve_ivp

RTOL = 1e-10
ATOL = 1e-12
T_END = 1000.0
DT = 0.1
DATA = pathlib.Path(__file__).resolve().parents[1] / "data" / "dc_reference.json"

# PyNN's default parameters (pyNN.standardmodels.cells), with i_offset set per case
IZH = dict(a=0.02, b=0.2, c=-65.0, d=2.0)
IZH_INIT = dict(v=-70.0, u=-14.0)
EIF = dict(cm=0.281, tau_refrac=0.1, v_spike=-40.0, v_reset=-70.6, v_rest=-70.6, tau_m=9.3667,
           a=4.0, b=0.0805, delta_T=2.0, tau_w=144.0, v_thresh=-50.4, e_rev_E=0.0, tau_syn_E=5.0,
           e_rev_I=-80.0, tau_syn_I=5.0)
EIF_INIT = dict(v=-70.6, w=0.0)
HH = dict(gbar_Na=20.0, gbar_K=6.0, g_leak=0.01, cm=0.2, v_offset=-63.0, e_rev_Na=50.0,
          e_rev_K=-90.0, e_rev_leak=-65.0, e_rev_E=0.0, e_rev_I=-80.0, tau_syn_E=0.2,
          tau_syn_I=2.0)
HH_INIT = dict(v=-65.0, m=0.0, h=1.0, n=0.0)

# i_offset (nA) per model: near rheobase, mid, strong
AMPLITUDES = {
    "Izhikevich": (0.0045, 0.01, 0.03),
    "EIF_cond_exp_isfa_ista": (0.7, 1.5, 3.0),
    "EIF_cond_alpha_isfa_ista": (0.7, 1.5, 3.0),
    "HH_cond_exp": (0.03, 0.2, 1.0),
}


def _solve(rhs, t0, t1, y0, events=None):
    return solve_ivp(rhs, (t0, t1), y0, method="DOP853", rtol=RTOL, atol=ATOL, events=events)


def _threshold_run(rhs, y0, v_peak, reset, t_end, refractory_end):
    """Integrate with a terminal threshold event; ``rhs(t, y, refractory)``,
    ``reset(y) -> y``, ``refractory_end(t_spike) -> t`` (the end of the clamp)."""
    def crossing(t, y):
        return y[0] - v_peak
    crossing.terminal = True
    crossing.direction = 1
    t, y, spikes = 0.0, np.array(y0, float), []
    while t < t_end:
        sol = _solve(lambda tt, yy: rhs(tt, yy, False), t, t_end, y, crossing)
        t, y = sol.t[-1], sol.y[:, -1].copy()
        if sol.status != 1:
            break
        spikes.append(t)
        y[0] = v_peak  # the event's V, exactly
        y = reset(y)
        t_free = min(refractory_end(t), t_end)
        if t_free > t:
            y = _solve(lambda tt, yy: rhs(tt, yy, True), t, t_free, y).y[:, -1].copy()
            t = t_free
    return np.array(spikes)


def izhikevich(i_offset, t_end=T_END, params=IZH, init=IZH_INIT):
    """PyNN's Izhikevich with NEST's units (I = 1000 i_offset, mV/ms), threshold 30 mV."""
    a, b, c, d = (params[k] for k in "abcd")
    i_e = 1000.0 * i_offset

    def rhs(t, y, refractory):
        v = min(y[0], 30.0)
        return [0.04 * v * v + 5.0 * v + 140.0 - y[1] + i_e, a * (b * v - y[1])]

    def reset(y):
        y[0] = c
        y[1] += d
        return y
    return _threshold_run(rhs, [init["v"], init["u"]], 30.0, reset, t_end, lambda t: t)


def adex(i_offset, alpha=False, t_end=T_END, dt=DT, refractory="grid", params=EIF, init=EIF_INIT):
    """EIF_cond_{exp,alpha}_isfa_ista under DC (no synaptic input, so the conductances
    stay 0 and are left out): state (V mV, w pA)."""
    p = params
    c_m = 1000.0 * p["cm"]
    g_l = c_m / p["tau_m"]
    d_t, v_t, e_l = p["delta_T"], p["v_thresh"], p["v_rest"]
    v_peak = p["v_spike"] if d_t > 0 else v_t
    i_e, b = 1000.0 * i_offset, 1000.0 * p["b"]

    def rhs(t, y, is_refractory):
        v = p["v_reset"] if is_refractory else min(y[0], v_peak)
        dw = (p["a"] * (v - e_l) - y[1]) / p["tau_w"]
        if is_refractory:
            return [0.0, dw]
        spike = g_l * d_t * np.exp((v - v_t) / d_t) if d_t > 0 else 0.0
        return [(-g_l * (v - e_l) + spike - y[1] + i_e) / c_m, dw]

    def reset(y):
        y[0] = p["v_reset"]
        y[1] += b
        return y

    n_ref = int(round(p["tau_refrac"] / dt))
    if refractory == "exact":
        def free(t):
            return t + p["tau_refrac"]
    elif n_ref > 0:
        def free(t):  # NEST: the rest of the crossing's step, then n_ref steps
            return (np.floor(t / dt) + 1 + n_ref) * dt
    else:
        def free(t):
            return t
    return _threshold_run(rhs, [init["v"], 1000.0 * init["w"]], v_peak, reset, t_end, free)


def _hh_rates(x):
    def ratio(y, s):
        return s - y / 2 if abs(y) < 1e-9 else y / np.expm1(y / s)
    return (0.32 * ratio(13.0 - x, 4.0), 0.28 * ratio(x - 40.0, 5.0),
            0.128 * np.exp((17.0 - x) / 18.0), 4.0 / (1.0 + np.exp((40.0 - x) / 5.0)),
            0.032 * ratio(15.0 - x, 5.0), 0.5 * np.exp((10.0 - x) / 40.0))


def hh(i_offset, t_end=T_END, params=HH, init=HH_INIT, grid=None):
    """HH_cond_exp (NEST's hh_cond_exp_traub) under DC: the times of V's peaks at or
    above v_offset + 30 mV; with ``grid=dt``, NEST's rule applied to the solution at
    the ends of the timesteps instead (a spike at the end of the first step over which
    V fell while at or above v_offset + 30, then none for 2 ms). State (V, m, h, n)."""
    p = params

    def dv(y):
        v, m, h, n = y
        return (-p["gbar_Na"] * m ** 3 * h * (v - p["e_rev_Na"])
                - p["gbar_K"] * n ** 4 * (v - p["e_rev_K"])
                - p["g_leak"] * (v - p["e_rev_leak"]) + i_offset) / p["cm"]

    def rhs(t, y):
        am, bm, ah, bh, an, bn = _hh_rates(y[0] - p["v_offset"])
        return [dv(y), am - (am + bm) * y[1], ah - (ah + bh) * y[2], an - (an + bn) * y[3]]

    def peak(t, y):
        return dv(y)
    peak.direction = -1
    y0 = [init[k] for k in ("v", "m", "h", "n")]
    if grid is not None:
        n = int(round(t_end / grid))
        v = solve_ivp(rhs, (0.0, t_end), y0, method="DOP853", rtol=RTOL, atol=ATOL,
                      t_eval=np.arange(n + 1) * grid).y[0]
        out, refractory = [], 0
        for k in range(1, n + 1):
            if refractory > 0:
                refractory -= 1
            elif v[k] >= p["v_offset"] + 30.0 and v[k - 1] > v[k]:
                out.append(k * grid)
                refractory = int(round(2.0 / grid))
        return np.array(out)
    sol = _solve(rhs, 0.0, t_end, y0, peak)
    times, states = sol.t_events[0], sol.y_events[0]
    return times[states[:, 0] >= p["v_offset"] + 30.0]


def spikes(model, i_offset, **kw):
    """Reference spike times (ms) of ``model`` (a PyNN cell type name) at ``i_offset``:
    threshold crossings, or HH's peaks."""
    if model == "Izhikevich":
        return izhikevich(i_offset, **kw)
    if model == "HH_cond_exp":
        return hh(i_offset, **kw)
    return adex(i_offset, alpha=model == "EIF_cond_alpha_isfa_ista", **kw)


def grid_spikes(model, i_offset, dt=DT, **kw):
    """What an exact simulator on a grid of ``dt`` sends: each crossing stamped at the
    end of its timestep; HH: NEST's rule on the exact V at the ends of timesteps."""
    if model == "HH_cond_exp":
        return hh(i_offset, grid=dt, **kw)
    return np.ceil(spikes(model, i_offset, **kw) / dt) * dt


def main():
    out = {"t_end": T_END, "dt": DT, "rtol": RTOL, "atol": ATOL, "cases": []}
    for model, amps in AMPLITUDES.items():
        for amp in amps:
            t = spikes(model, amp)
            g = grid_spikes(model, amp)
            out["cases"].append({"model": model, "i_offset": amp,
                                 "spikes": [round(x, 9) for x in t],
                                 "grid": [round(x, 9) for x in g]})
            print(f"{model:26s} {amp:7.4f} nA: {len(t):4d} spikes, {len(g):4d} on the grid")
    DATA.write_text(json.dumps(out, indent=1) + "\n")


if __name__ == "__main__":
    main()
