"""Float64 expectation of dopamine-modulated STDP (sPyNNaker's ``Neuromodulation``),
event by event, written from Izhikevich (2007) and sPyNNaker's
``synapse_dynamics_stdp_izhikevich_neuromodulation.c``.

One synapse, times in ticks. The synapse sees each post spike and each dopamine spike
of its neuron one delay ``d`` late (``t + d``), and a pre spike at its emission. Between
two events, with ``Kms = 1 / (1/tau_c + 1/tau_d)`` in ms (``dt`` ms a tick):

    w += Kms c D (1 - exp(-h/tau_c - h/tau_d)),   c *= exp(-h/tau_c),   D *= exp(-h/tau_d)

(the exact integral of ``dw/dt = c D`` per ms). At a post spike (seen): ``c += F(c, K+)``
with the pre trace K+ of the pre spikes strictly before it, then ``c`` clipped to at most
the STDP ``w_max``; at a dopamine spike: ``D += concentration`` (negative: punishment); at
a pre spike: ``c -= G(c, K-)`` with the post trace of the post spikes seen strictly
before it, ``c`` clipped to at least ``w_min``, and the weight clipped to the
Neuromodulation's ``[nm_w_min, nm_w_max]``. Events at one time: post spikes, then
dopamine, then the pre spike. Additive: ``F = A+ K+``, ``G = A- K-`` (not times w_max);
multiplicative: ``F = A+ (w_max - c) K+``, ``G = A- (c - w_min) K-``. All-to-all traces
add up; nearest-pair traces count the latest spike only. ``c`` starts at 0 clipped to the bounds, the
clock at tick -1 (the machine stamps a spike of tick u as u + 1, its rows start at 0).
The weight read back is the one after the last pre spike (updates are deferred to them).

Where NEST's ``stdp_dopamine_synapse`` differs: it clips the weight at every event (here:
at pre spikes), leaves ``c`` unbounded, and steps its dopamine trace by ``1/tau_n`` per
spike (here: by the Neuromodulation's weight).
"""

import math

import numpy as np

__all__ = ["neuromod_synapse"]


def _trace(times, t, tau, nearest):
    """The trace at ``t`` of the spikes at ``times`` strictly before ``t``."""
    before = times[times < t]
    if not len(before):
        return 0.0
    if nearest:
        return math.exp(-(t - before[-1]) / tau)
    return float(np.sum(np.exp(-(t - before) / tau)))


def neuromod_synapse(pre, post, dopamine, w0, delay, p, rule="all", dependence="additive",
                     start=None):
    """``(w, c)`` of one synapse after its last pre spike. ``pre``, ``post``: spike ticks;
    ``dopamine``: ``(tick, signed concentration)`` pairs; ``p``: tau_plus, tau_minus,
    tau_c, tau_d (ticks), dt (ms), A_plus, A_minus, w_min, w_max (the eligibility's
    bounds), nm_w_min, nm_w_max (the weight's). ``start`` (ticks): a synapse that
    structural plasticity formed, whose row's last pre spike before it was at ``start``
    (-1: none): the events up to ``start`` are behind its row when it forms, so it starts
    there at ``w0`` with ``c = 0`` (sPyNNaker's ``synapse_dynamics_add_neuron``), the
    traces (pre, post, dopamine) going on as they were."""
    pre = np.sort(np.asarray(pre, float))
    seen_post = np.sort(np.asarray(post, float)) + delay
    events = [(s, 0, 0.0) for s in seen_post]
    events += [(float(t) + delay, 1, float(conc)) for t, conc in dopamine]
    events += [(t, 2, 0.0) for t in pre]
    events.sort(key=lambda e: (e[0], e[1]))
    k_ms = 1.0 / (1.0 / (p["tau_c"] * p["dt"]) + 1.0 / (p["tau_d"] * p["dt"]))
    w, c, D, now = float(w0), min(max(0.0, p["w_min"]), p["w_max"]), 0.0, -1.0
    w_out, c_out = w, c
    nearest = rule == "nearest"
    fresh = start is not None
    for t, kind, conc in events:
        if fresh and t > start:  # the synapse forms
            w, c, fresh = float(w0), 0.0, False
            w_out, c_out = w, c
        h = t - now
        ec, ed = math.exp(-h / p["tau_c"]), math.exp(-h / p["tau_d"])
        w += k_ms * c * D * (1.0 - ec * ed)
        c *= ec
        D *= ed
        now = t
        if kind == 0:
            k = _trace(pre, t, p["tau_plus"], nearest)
            dc = p["A_plus"] * ((p["w_max"] - c) if dependence == "multiplicative" else 1.0) * k
            c = min(c + dc, p["w_max"])
        elif kind == 1:
            D += conc
        else:
            k = _trace(seen_post, t, p["tau_minus"], nearest)
            dc = p["A_minus"] * ((c - p["w_min"]) if dependence == "multiplicative" else 1.0) * k
            c = max(c - dc, p["w_min"])
            w = min(max(w, p["nm_w_min"]), p["nm_w_max"])
            w_out, c_out = w, c
    if fresh:
        w_out, c_out = float(w0), 0.0
    return w_out, c_out


if __name__ == "__main__":  # the docstring case of PyNNExamples' stdp_neuromodulation_test.py
    par = dict(tau_plus=10.0, tau_minus=12.0, tau_c=1000.0, tau_d=200.0, dt=1.0, A_plus=1.0,
               A_minus=1.0, w_min=0.0, w_max=20.0, nm_w_min=0.0, nm_w_max=20.0)
    print(neuromod_synapse([1500, 2400], [1503], [(1600, 0.1)], 0.0, 1, par))  # 10.0552710...
