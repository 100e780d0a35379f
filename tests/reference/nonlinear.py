"""High-precision reference solutions of the nonlinear neuron models (scipy, rtol 1e-9).

A model is its right-hand side in the units of NEST (mV, ms, pA, nS, pF), the index
of V, the spike threshold ``v_peak``, a reset and a refractory period. As NEST does,
the right-hand side sees ``min(V, v_peak)`` and a refractory neuron is held at
``V_reset``. Inputs are ``(time, state index, increment)`` triples applied at that time.

:func:`simulate` gives two solutions:

* ``grid=None``: the continuous model: reset and spike at the exact crossing time,
  refractory for exactly ``t_ref``;
* ``grid=(dt, n_sub)``: the same equations, solved just as precisely, on NEST's time
  grid (as the machine runs them): the reset is at the crossing, the spike is stamped
  at the end of its timestep and the refractory period is the rest of that timestep
  plus ``round(t_ref / dt)`` timesteps. (``n_sub`` is not used any more: the machine
  places its resets at the crossing within a sub-step.)

The second isolates the integration error of a machine model from the effect of
the time grid; the first is what the model means.
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.integrate import solve_ivp

RTOL = 1e-9
ATOL = 1e-9


@dataclass
class Model:
    rhs: Callable  # rhs(y, refractory) -> dy/dt (V index 0)
    y0: np.ndarray
    v_peak: float
    reset: Callable  # reset(y) -> y after a spike
    t_ref: float = 0.0


def simulate(model, inputs, t_end, grid=None, sample=None):
    """Returns (spike times, (sample times, V samples)); ``sample``: a time grid for V."""
    events = sorted(inputs)
    y = np.array(model.y0, float)
    t, k = 0.0, 0
    spikes, ts, vs = [], [], []
    refractory_until = -1.0

    def crossing(tt, yy):
        return yy[0] - model.v_peak
    crossing.terminal = True
    crossing.direction = 1

    def run(t0, t1, y0, refractory, event):
        sol = solve_ivp(lambda tt, yy: model.rhs(yy, refractory), (t0, t1), y0, method="DOP853",
                        rtol=RTOL, atol=ATOL, events=crossing if event else None,
                        dense_output=sample is not None)
        if sample is not None:
            keep = (sample >= t0) & (sample < sol.t[-1])
            if keep.any():
                ts.extend(sample[keep])
                vs.extend(sol.sol(sample[keep])[0])
        return sol

    while t < t_end - 1e-12:
        nxt = events[k][0] if k < len(events) else t_end
        nxt = min(nxt, t_end)
        if t < refractory_until - 1e-12:
            stop = min(nxt, refractory_until)
            sol = run(t, stop, y, True, False)
            y, t = sol.y[:, -1], stop
        elif y[0] >= model.v_peak:  # an input took V over the threshold
            t, y = _spike(model, t, y, grid, spikes, run)
            refractory_until = _refractory_end(model, t, grid)
            continue
        else:
            sol = run(t, nxt, y, False, True) if nxt > t else None
            if sol is not None:
                y, t = sol.y[:, -1], sol.t[-1]
                if sol.status == 1:
                    t, y = _spike(model, t, y, grid, spikes, run)
                    refractory_until = _refractory_end(model, t, grid)
                    continue
            t = nxt
        while k < len(events) and events[k][0] <= t + 1e-12:
            y[events[k][1]] += events[k][2]
            k += 1
    return np.array(spikes), (np.array(ts), np.array(vs))


def _spike(model, t, y, grid, spikes, run):
    """The threshold is crossed at t: returns the time and state after the reset."""
    if grid is None:
        spikes.append(t)
        return t, model.reset(y.copy())
    dt, _ = grid
    spikes.append(np.ceil(t / dt - 1e-9) * dt)
    return t, model.reset(y.copy())


def _refractory_end(model, t, grid):
    if grid is None:
        return t + model.t_ref
    dt, _ = grid
    n_ref = int(round(model.t_ref / dt))
    return np.ceil(t / dt - 1e-9) * dt + n_ref * dt if n_ref > 0 else t


# --- the models ------------------------------------------------------------------
def izhikevich(a, b, c, d, i_offset, v0=-70.0, u0=-14.0, v_peak=30.0):
    """PyNN's Izhikevich as NEST runs it: I = 1000 * i_offset; state (v, u)."""
    i_e = 1000.0 * i_offset

    def rhs(y, refractory):
        v = min(y[0], v_peak)
        return [0.04 * v * v + 5.0 * v + 140.0 - y[1] + i_e, a * (b * v - y[1])]

    def reset(y):
        y[0] = c
        y[1] += d
        return y
    return Model(rhs, np.array([v0, u0]), v_peak, reset)


def adex(p, v0=None, w0=0.0, alpha=False):
    """EIF_cond_{exp,alpha}_isfa_ista in NEST's units; state (V, w, g_e, g_i[, dg_e, dg_i]),
    g in nS, w in pA. An input of weight W uS adds 1000 W to g (exp) or 1000 W e/tau to
    dg (alpha)."""
    c_m = 1000.0 * p["cm"]
    g_l = c_m / p["tau_m"]
    d_t = p["delta_T"]
    v_peak = p["v_spike"] if d_t > 0 else p["v_thresh"]
    i_e, b = 1000.0 * p["i_offset"], 1000.0 * p["b"]
    te, ti = p["tau_syn_E"], p["tau_syn_I"]

    def rhs(y, refractory):
        v = p["v_reset"] if refractory else min(y[0], v_peak)
        w, ge, gi = y[1], y[2], y[3]
        spike = g_l * d_t * np.exp((v - p["v_thresh"]) / d_t) if d_t > 0 else 0.0
        dv = 0.0 if refractory else (-g_l * (v - p["v_rest"]) + spike - ge * (v - p["e_rev_E"])
                                     - gi * (v - p["e_rev_I"]) - w + i_e) / c_m
        dw = (p["a"] * (v - p["v_rest"]) - w) / p["tau_w"]
        if alpha:
            return [dv, dw, y[4] - ge / te, y[5] - gi / ti, -y[4] / te, -y[5] / ti]
        return [dv, dw, -ge / te, -gi / ti]

    def reset(y):
        y[0] = p["v_reset"]
        y[1] += b
        return y
    y0 = [p["v_rest"] if v0 is None else v0, 1000.0 * w0, 0.0, 0.0] + ([0.0, 0.0] if alpha else [])
    return Model(rhs, np.array(y0), v_peak, reset, p["tau_refrac"])


def adex_inputs(p, exc, inh, alpha=False):
    """(time, index, increment) for excitatory/inhibitory (time, weight uS) lists."""
    if alpha:
        return ([(t, 4, 1000.0 * w * np.e / p["tau_syn_E"]) for t, w in exc]
                + [(t, 5, 1000.0 * w * np.e / p["tau_syn_I"]) for t, w in inh])
    return [(t, 2, 1000.0 * w) for t, w in exc] + [(t, 3, 1000.0 * w) for t, w in inh]


def hh(p, v0=-65.0, gates=(0.0, 1.0, 0.0)):
    """HH_cond_exp as NEST's hh_cond_exp_traub, in nA, uS, nF, mV, ms; state
    (V, m, h, n, g_e, g_i) with g in uS. No reset and no threshold: use
    :func:`hh_spikes` on the solution."""
    vt = p["v_offset"]

    def rhs(y, refractory):
        v, m, h, n, ge, gi = y
        x = v - vt
        am = 0.32 * _ratio(13.0 - x, 4.0)
        bm = 0.28 * _ratio(x - 40.0, 5.0)
        ah = 0.128 * np.exp((17.0 - x) / 18.0)
        bh = 4.0 / (1.0 + np.exp((40.0 - x) / 5.0))
        an = 0.032 * _ratio(15.0 - x, 5.0)
        bn = 0.5 * np.exp((10.0 - x) / 40.0)
        i = (-p["gbar_Na"] * m ** 3 * h * (v - p["e_rev_Na"]) - p["gbar_K"] * n ** 4 * (v - p["e_rev_K"])
             - p["g_leak"] * (v - p["e_rev_leak"]) - ge * (v - p["e_rev_E"]) - gi * (v - p["e_rev_I"])
             + p["i_offset"])
        return [i / p["cm"], am - (am + bm) * m, ah - (ah + bh) * h, an - (an + bn) * n,
                -ge / p["tau_syn_E"], -gi / p["tau_syn_I"]]
    return Model(rhs, np.array([v0, *gates, 0.0, 0.0]), np.inf, lambda y: y)


def _ratio(y, s):
    return s - y / 2 if abs(y) < 1e-9 else y / np.expm1(y / s)


def hh_inputs(exc, inh):
    return [(t, 4, w) for t, w in exc] + [(t, 5, w) for t, w in inh]


def hh_spikes(times, v, v_offset, dt, t_ref=2.0):
    """NEST's rule on V sampled at the ends of timesteps (``times`` = k dt): a spike at
    the end of the first step over which V fell while at or above v_offset + 30, then
    none for round(t_ref / dt) steps. Also returns the peaks' times (continuous)."""
    out, refractory = [], 0
    for k in range(1, len(v)):
        if refractory > 0:
            refractory -= 1
        elif v[k] >= v_offset + 30.0 and v[k - 1] > v[k]:
            out.append(times[k])
            refractory = int(round(t_ref / dt))
    return np.array(out)
