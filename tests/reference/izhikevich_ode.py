"""The Izhikevich neuron with two exponentially decaying synaptic variables, integrated
to high precision (scipy's DOP853) from one input arrival to the next, the threshold
crossing located by the root finder and the reset applied there; the right-hand side sees
``min(v, v_peak)``. Shared by the references of sPyNNaker's Izhikevich_cond and
Izhikevich_curr_exp, which differ only in how the synaptic variables drive v."""

import numpy as np
from scipy.integrate import solve_ivp

__all__ = ["integrate"]


def integrate(cell, init, i_syn, arrivals, i_offset, t_end, samples=(), *, rtol, atol,
              v_peak=30.0):
    """``(spike times, (len(samples), 4) array of v, u and the two synaptic variables at
    the times in samples)``. ``cell``: a, b, c, d, tau_syn_E, tau_syn_I; ``init``: v, u;
    ``i_syn(v, s_exc, s_inh)``: the synaptic current (mV/ms); ``arrivals``: ``[(time,
    receptor index, weight), ...]``, a weight adding to its variable at its arrival."""
    p = cell
    tau = np.array([p["tau_syn_E"], p["tau_syn_I"]])

    def rhs(t, y):
        v = min(y[0], v_peak)
        return [0.04 * v * v + 5.0 * v + 140.0 - y[1] + i_offset + i_syn(v, y[2], y[3]),
                p["a"] * (p["b"] * v - y[1]), -y[2] / tau[0], -y[3] / tau[1]]

    def crossing(t, y):
        return y[0] - v_peak
    crossing.terminal = True
    crossing.direction = 1
    samples = np.asarray(samples, np.float64)
    out = np.full((len(samples), 4), np.nan)
    y = np.array([init["v"], init["u"], 0.0, 0.0])
    t, spikes, k = 0.0, [], 0
    bounds = sorted({a[0] for a in arrivals if a[0] < t_end} | {t_end})
    queue = sorted(arrivals)
    q = 0
    for t_next in bounds:
        while t < t_next:
            sol = solve_ivp(rhs, (t, t_next), y, method="DOP853", rtol=rtol, atol=atol,
                            events=crossing, dense_output=True)
            t_stop = sol.t[-1]
            while k < len(samples) and samples[k] < t_stop - 1e-12 and samples[k] >= t - 1e-12:
                out[k] = sol.sol(samples[k])
                k += 1
            t, y = t_stop, sol.y[:, -1].copy()
            if sol.status == 1:  # a crossing: the reset, and on from there
                spikes.append(t)
                y[0] = p["c"]
                y[1] += p["d"]
        while q < len(queue) and queue[q][0] <= t_next + 1e-9:  # inputs arriving now
            y[2 + queue[q][1]] += queue[q][2]
            q += 1
        while k < len(samples) and abs(samples[k] - t) < 1e-9:  # the state, inputs included
            out[k] = y
            k += 1
    return np.array(spikes), out
