"""High-precision reference solutions of the integrate-and-fire models.

Each solver integrates the model's ODEs with scipy (rtol 1e-10) between input
events, finds threshold crossings by event location, and applies reset and
refractoriness as PyNN/NEST define them. Inputs are ``(time, weight)`` pairs:
a conductance (uS) or current (nA) step at that time.

A right-hand side builder's function may carry ``y0`` (its initial state, V first)
and ``targets`` (the state indices that excitatory and inhibitory inputs add to,
default (1, 2)); alpha synapses take their input in a drive ``u`` (the peak the
current or conductance will reach), delta synapses in V itself (index 0), and
those V jumps are dropped while the neuron is refractory, as NEST's iaf_psc_delta
does.
"""

import numpy as np
from scipy.integrate import solve_ivp


def cond_exp(p, exc, inh, t_end, i_offset=0.0):
    """IF_cond_exp: returns (spike times, callable v(t) on a grid)."""
    return _integrate(cond_exp_rhs(p, i_offset), [p["v_rest"], 0.0, 0.0], p, exc, inh, t_end)


def curr_exp(p, exc, inh, t_end, i_offset=0.0):
    """IF_curr_exp (inhibitory weights negative, as in PyNN)."""
    return _integrate(curr_exp_rhs(p, i_offset), [p["v_rest"], 0.0, 0.0], p, exc, inh, t_end)


def curr_alpha(p, exc, inh, t_end, i_offset=0.0):
    """IF_curr_alpha: a weight (nA) is the peak current, tau_syn after arrival."""
    rhs = curr_alpha_rhs(p, i_offset)
    return _integrate(rhs, rhs.y0, p, exc, inh, t_end)


def cond_alpha(p, exc, inh, t_end, i_offset=0.0):
    """IF_cond_alpha: a weight (uS) is the peak conductance, tau_syn after arrival."""
    rhs = cond_alpha_rhs(p, i_offset)
    return _integrate(rhs, rhs.y0, p, exc, inh, t_end)


def curr_delta(p, exc, inh, t_end, i_offset=0.0):
    """IF_curr_delta: a weight (mV) is a jump of V."""
    rhs = curr_delta_rhs(p, i_offset)
    return _integrate(rhs, rhs.y0, p, exc, inh, t_end)


def on_grid(rhs_of, p, exc, inh, t_end, dt, i_offset=0.0):
    """The same model constrained to the time grid, as NEST runs it: threshold checked
    at the end of each step, reset there, refractory for R = round(tau_refrac/dt) whole
    steps (V held, synapses decaying). Synaptic input arriving at time A enters its
    state at the start of the step beginning at A; a V jump (delta synapse) is added at
    the end of the step ending at A, before the threshold check, and dropped in
    refractory steps (NEST's iaf_psc_delta). Returns the spike times (ms)."""
    rhs = rhs_of(p, i_offset)
    n_ref = int(round(p["tau_refrac"] / dt))
    y = np.array(getattr(rhs, "y0", [p["v_rest"], 0.0, 0.0]), float)
    events = _events(rhs, exc, inh)
    jumps = [e for e in events if e[1] == 0]
    events = [e for e in events if e[1] != 0]
    k = kj = 0
    counter, spikes = 0, []
    for step in range(int(round(t_end / dt))):
        t0 = step * dt
        while k < len(events) and events[k][0] <= t0 + 1e-9:
            y[events[k][1]] += events[k][2]
            k += 1
        frozen = counter > 0  # refractory: V held, synapses decay
        if frozen:
            counter -= 1

        def f(tt, yy, frozen=frozen):
            d = rhs(tt, yy)
            return [0.0, *d[1:]] if frozen else d
        y = solve_ivp(f, (t0, t0 + dt), y, rtol=1e-10, atol=1e-12).y[:, -1]
        while kj < len(jumps) and jumps[kj][0] <= t0 + dt + 1e-9:
            if not frozen:
                y[0] += jumps[kj][2]
            kj += 1
        if not frozen and y[0] >= p["v_thresh"]:
            spikes.append(t0 + dt)
            y[0] = p["v_reset"]
            counter = n_ref
    return np.array(spikes)


def cond_exp_rhs(p, i_offset):
    g_l = p["cm"] / p["tau_m"]

    def rhs(t, y):
        v, ge, gi = y
        return [(g_l * (p["v_rest"] - v) + ge * (p["e_rev_E"] - v) + gi * (p["e_rev_I"] - v)
                 + i_offset) / p["cm"], -ge / p["tau_syn_E"], -gi / p["tau_syn_I"]]
    return rhs


def curr_exp_rhs(p, i_offset):
    def rhs(t, y):
        v, ie, ii = y
        return [(p["v_rest"] - v) / p["tau_m"] + (ie + ii + i_offset) / p["cm"],
                -ie / p["tau_syn_E"], -ii / p["tau_syn_I"]]
    return rhs


def _alpha(tau_e, tau_i):
    """Right-hand sides of two alpha synapses, state ``(u_e, u_i, x_e, x_i)``: the drive u
    decays, ``dx/dt = (e/tau) u - x/tau``, so an input w added to u makes x peak at w."""
    def syn(y):
        ue, ui, xe, xi = y
        return [-ue / tau_e, -ui / tau_i, (np.e * ue - xe) / tau_e, (np.e * ui - xi) / tau_i]
    return syn


def curr_alpha_rhs(p, i_offset):
    syn = _alpha(p["tau_syn_E"], p["tau_syn_I"])

    def rhs(t, y):
        v, _, _, ie, ii = y
        return [(p["v_rest"] - v) / p["tau_m"] + (ie + ii + i_offset) / p["cm"], *syn(y[1:])]
    rhs.y0 = [p["v_rest"], 0.0, 0.0, 0.0, 0.0]
    return rhs


def cond_alpha_rhs(p, i_offset):
    g_l = p["cm"] / p["tau_m"]
    syn = _alpha(p["tau_syn_E"], p["tau_syn_I"])

    def rhs(t, y):
        v, _, _, ge, gi = y
        return [(g_l * (p["v_rest"] - v) + ge * (p["e_rev_E"] - v) + gi * (p["e_rev_I"] - v)
                 + i_offset) / p["cm"], *syn(y[1:])]
    rhs.y0 = [p["v_rest"], 0.0, 0.0, 0.0, 0.0]
    return rhs


def curr_delta_rhs(p, i_offset):
    def rhs(t, y):
        return [(p["v_rest"] - y[0]) / p["tau_m"] + i_offset / p["cm"]]
    rhs.y0 = [p["v_rest"]]
    rhs.targets = (0, 0)
    return rhs


def _events(rhs, exc, inh):
    """Input events ``(time, state index, weight)``; a rhs may name the state variables
    that excitatory and inhibitory inputs add to (``rhs.targets``, default (1, 2))."""
    te, ti = getattr(rhs, "targets", (1, 2))
    return sorted([(t, te, w) for t, w in exc] + [(t, ti, w) for t, w in inh])


def _integrate(rhs, y0, p, exc, inh, t_end):
    events = _events(rhs, exc, inh)
    v_jumps = 0 in getattr(rhs, "targets", (1, 2))
    y = np.array(y0, float)
    t = 0.0
    spikes = []
    ts, vs = [0.0], [y[0]]
    refractory_until = -1.0
    boundaries = [e[0] for e in events] + [t_end]
    k = 0

    def crossing(tt, yy):
        return yy[0] - p["v_thresh"]
    crossing.terminal = True
    crossing.direction = 1

    for stop in boundaries:
        while t < stop - 1e-12:
            if t < refractory_until:  # V clamped at reset; synapses keep decaying
                seg_end = min(stop, refractory_until)
                sol = solve_ivp(lambda tt, yy: [0.0, *rhs(tt, yy)[1:]], (t, seg_end), y,
                                rtol=1e-10, atol=1e-12, dense_output=True)
                y = sol.y[:, -1]
                y[0] = p["v_reset"]
                t = seg_end
                continue
            sol = solve_ivp(rhs, (t, stop), y, rtol=1e-10, atol=1e-12, events=crossing,
                            dense_output=True)
            grid = np.linspace(t, sol.t[-1], max(2, int((sol.t[-1] - t) / 0.005)))
            ts.extend(grid)
            vs.extend(sol.sol(grid)[0])
            y = sol.y[:, -1]
            t = sol.t[-1]
            if sol.status == 1:  # threshold
                spikes.append(t)
                y[0] = p["v_reset"]
                refractory_until = t + p["tau_refrac"]
        while k < len(events) and events[k][0] <= stop + 1e-12:
            if events[k][1] != 0 or events[k][0] > refractory_until + 1e-9:
                y[events[k][1]] += events[k][2]  # V jumps are dropped while refractory (NEST)
            k += 1
        if v_jumps and y[0] >= p["v_thresh"] and t > refractory_until + 1e-9:  # jumped over
            spikes.append(t)
            y[0] = p["v_reset"]
            refractory_until = t + p["tau_refrac"]
    return np.array(spikes), (np.array(ts), np.array(vs))
