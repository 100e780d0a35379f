"""Float64 reference of sPyNNaker's IF_curr_exp_sEMD (``sim.extra_models.IF_curr_exp_sEMD``),
written from sPyNNaker's synapse type "sEMD" (synapse_types_semd_impl.h), computed where
used (no stored data).

Three exponential currents, ``I_exc`` (facilitation), ``I_exc2`` (trigger), ``I_inh``.
Once a step, after the inputs arriving at its start are added: if ``I_exc2 >= 0.001`` nA
while the multiplicator ``m`` is 0 and ``I_exc2`` was under 0.001 nA at the step before,
``m = I_exc``; if ``I_exc2 < 0.001`` nA, ``m = 0`` (sPyNNaker's rule; it asks for the
previous ``I_exc2`` to be exactly 0, which only its fixed point reaches). Over the step,
with ``m`` held, the cell is linear: with ``x = (V, I_exc, I_exc2, I_inh, 1)``,
``C dV/dt = (V_rest - V) C/tau_m + scaling_factor m I_exc2 - I_inh + i_offset`` and each
current decays with its time constant, so one step is ``x <- expm(M dt) x`` (scipy's
matrix exponential, independent of the propagator formulas the machine uses). After a
step ``V >= v_thresh`` is a spike at the step's end, ``V = v_reset``, V held for
``round(tau_refrac/dt)`` steps (the currents and the rule go on).

:func:`simulate` runs it; :func:`run` runs the same cell and inputs on pyNN.neurochip.
"""

import numpy as np
from scipy.linalg import expm

THRESHOLD = 0.001  # nA
# the cell of PyNNExamples' IF_curr_exp_sEMD.py
CELL = {"cm": 0.25, "i_offset": 0.0, "tau_m": 10.0, "tau_refrac": 1.0, "tau_syn_E": 20.0,
        "tau_syn_E2": 5.0, "tau_syn_I": 20.0, "v_reset": -85.0, "v_rest": -60.0,
        "v_thresh": -50.0, "scaling_factor": 100.0}
RECEPTORS = ("excitatory", "excitatory2", "inhibitory")


def _propagator(p, dt, gain, refractory):
    """``expm(M dt)`` of (V, I_exc, I_exc2, I_inh, 1) with the trigger's gain held."""
    m = np.zeros((5, 5))
    if not refractory:
        m[0] = [-1.0 / p["tau_m"], 0.0, gain / p["cm"], -1.0 / p["cm"],
                p["v_rest"] / p["tau_m"] + p["i_offset"] / p["cm"]]
    m[1, 1] = -1.0 / p["tau_syn_E"]
    m[2, 2] = -1.0 / p["tau_syn_E2"]
    m[3, 3] = -1.0 / p["tau_syn_I"]
    return expm(m * dt)


def simulate(t_end, inputs=(), dt=1.0, **cell):
    """``(spike times, traces)``: ``traces`` holds ``v``, ``isyn_exc``, ``isyn_exc2``,
    ``isyn_inh`` (negative, as PyNN's) at every step from 0 to t_end (the state then,
    inputs arriving then included), and ``gsyn_exc`` (``scaling_factor m I_exc2``, the
    current driving the membrane at the end of each step) and ``multiplicator`` (``m``
    of the step that ends there); ``inputs`` are ``(arrival time ms, receptor, weight
    nA)``, inhibitory weights <= 0."""
    p = {**CELL, **cell}
    cache = {}

    def prop(gain, refractory):
        if (gain, refractory) not in cache:
            cache[gain, refractory] = _propagator(p, dt, gain, refractory)
        return cache[gain, refractory]

    n = int(round(t_end / dt))
    add = np.zeros((n + 1, 5))
    for t, receptor, w in inputs:
        add[int(round(t / dt)), 1 + RECEPTORS.index(receptor)] += abs(w)
    x = np.array([p["v_rest"], 0.0, 0.0, 0.0, 1.0])
    refrac_steps = int(round(p["tau_refrac"] / dt))
    out = np.zeros((n + 1, 6))
    spikes, timer, mult, old = [], 0, 0.0, 0.0
    x += add[0]
    out[0] = [*x[:4], 0.0, 0.0]
    for k in range(n):
        if x[2] >= THRESHOLD and mult == 0 and old < THRESHOLD:
            mult = x[1]
        elif x[2] < THRESHOLD:
            mult = 0.0
        old = x[2]
        gain = p["scaling_factor"] * mult
        x = prop(gain, timer > 0) @ x
        if timer > 0:
            timer -= 1
        elif x[0] >= p["v_thresh"]:
            spikes.append((k + 1) * dt)
            x[0] = p["v_reset"]
            timer = refrac_steps
        drive = gain * x[2]
        x += add[k + 1]
        out[k + 1] = [*x[:4], drive, mult]
    traces = {"v": out[:, 0], "isyn_exc": out[:, 1], "isyn_exc2": out[:, 2],
              "isyn_inh": -out[:, 3], "gsyn_exc": out[:, 4], "multiplicator": out[:, 5]}
    return np.array(spikes), traces


def run(sim, t_end, inputs=(), dt=1.0, record=("v",), arithmetic="fixed", **cell):
    """The same cell and inputs on pyNN.neurochip (one source per receptor, delay one
    step): ``(spike times, {variable: samples})``."""
    p = {**CELL, **cell}
    sim.setup(timestep=dt, min_delay=dt, arithmetic=arithmetic)
    pop = sim.Population(1, sim.extra_models.IF_curr_exp_sEMD(**p), label="sEMD")
    pop.initialize(v=p["v_rest"])
    for receptor in RECEPTORS:
        mine = [(t, w) for t, r, w in inputs if r == receptor]
        if mine:
            weights = {w for _, w in mine}
            if len(weights) > 1:
                raise ValueError(f"one weight per receptor, got {sorted(weights)}")
            src = sim.Population(1, sim.SpikeSourceArray(
                spike_times=[sorted(round(t - dt, 6) for t, _ in mine)]))
            sim.Projection(src, pop, sim.AllToAllConnector(),
                           sim.StaticSynapse(weight=weights.pop(), delay=dt),
                           receptor_type=receptor)
    pop.record(["spikes", *record])
    sim.run(t_end)
    seg = pop.get_data().segments[0]
    out = {n: np.asarray(seg.filter(name=n)[0].magnitude)[:, 0] for n in record}
    spikes = np.asarray(seg.spiketrains[0].magnitude)
    sim.end()
    return spikes, out
