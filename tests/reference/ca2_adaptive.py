"""Closed-form reference of sPyNNaker's IFCurrExpCa2Adaptive
(``sim.extra_models.IFCurrExpCa2Adaptive``), float64, computed where used (no stored data).

The cell between spikes is linear: with ``x = (V, I_exc, I_inh, i_ca2, 1)``,
``dx/dt = M x`` where ``C dV/dt = (V_rest - V) C/tau_m + I_exc - I_inh - i_ca2 + i_offset``
and each current decays with its time constant; one timestep is ``x <- expm(M dt) x``
(scipy's matrix exponential: the propagators of the exact integration, computed
independently of NEST's formulas that the machine uses). On the time grid, as NEST's
iaf_psc_exp: an input arriving at ``t`` adds its weight to its current at ``t``; after a
step ``V >= v_thresh`` is a spike at the step's end, ``V = v_reset``, V held for
``round(tau_refrac/dt)`` steps (the currents go on), and ``i_ca2 += i_alpha``.

:func:`simulate` runs it; :func:`run` runs the same cell and inputs on pyNN.neurochip.
"""

import numpy as np
from scipy.linalg import expm

DT = 0.1
CELL = {"tau_m": 20.0, "cm": 0.5, "v_rest": -70.0, "v_reset": -60.0, "v_thresh": -54.0,
        "tau_syn_E": 3.0, "tau_syn_I": 8.0, "tau_refrac": 2.0, "i_offset": 0.0,
        "tau_ca2": 50.0, "i_alpha": 0.1}


def _propagator(p, dt, refractory):
    """``expm(M dt)`` of the state (V, I_exc, I_inh, i_ca2, 1); refractory: V held."""
    m = np.zeros((5, 5))
    if not refractory:
        m[0] = [-1.0 / p["tau_m"], 1.0 / p["cm"], -1.0 / p["cm"], -1.0 / p["cm"],
                p["v_rest"] / p["tau_m"] + p["i_offset"] / p["cm"]]
    m[1, 1] = -1.0 / p["tau_syn_E"]
    m[2, 2] = -1.0 / p["tau_syn_I"]
    m[3, 3] = -1.0 / p["tau_ca2"]
    return expm(m * dt)


def simulate(t_end, inputs=(), dt=DT, **cell):
    """``(spike times, traces)``: ``traces`` is ``{"v", "isyn_exc", "isyn_inh", "i_ca2"}``
    at every step from 0 to t_end (each sample the state at that time, inputs arriving
    then included; isyn_inh negative, as PyNN's); ``inputs`` are ``(arrival time ms,
    "excitatory"/"inhibitory", weight nA)`` (inhibitory weights <= 0)."""
    p = {**CELL, **cell}
    free, held = _propagator(p, dt, False), _propagator(p, dt, True)
    n = int(round(t_end / dt))
    add = np.zeros((n + 1, 5))
    for t, receptor, w in inputs:
        add[int(round(t / dt)), 1 if receptor == "excitatory" else 2] += w if receptor == "excitatory" else -w
    x = np.array([p["v_rest"], 0.0, 0.0, 0.0, 1.0])
    refrac_steps = int(round(p["tau_refrac"] / dt))
    out = np.zeros((n + 1, 4))
    spikes, timer = [], 0
    x += add[0]
    out[0] = x[:4]
    for k in range(n):
        x = (held if timer > 0 else free) @ x
        if timer > 0:
            timer -= 1
        elif x[0] >= p["v_thresh"]:
            spikes.append((k + 1) * dt)
            x[0] = p["v_reset"]
            x[3] += p["i_alpha"]
            timer = refrac_steps
        x += add[k + 1]
        out[k + 1] = x[:4]
    traces = {"v": out[:, 0], "isyn_exc": out[:, 1], "isyn_inh": -out[:, 2], "i_ca2": out[:, 3]}
    return np.array(spikes), traces


def run(sim, t_end, inputs=(), model="IFCurrExpCa2Adaptive", record=("v",), **setup_and_cell):
    """The same cell (``model``: or ``"IF_curr_exp"``, without the calcium current) and
    inputs on pyNN.neurochip: ``(spike times, {variable: samples})``."""
    setup = {k: setup_and_cell.pop(k) for k in ("arithmetic",) if k in setup_and_cell}
    p = {**CELL, **setup_and_cell}
    sim.setup(timestep=DT, min_delay=DT, **setup)
    if model == "IF_curr_exp":
        cell = sim.IF_curr_exp(**{k: v for k, v in p.items() if k not in ("tau_ca2", "i_alpha")})
    else:
        cell = sim.extra_models.IFCurrExpCa2Adaptive(**p)
    pop = sim.Population(1, cell, initial_values={"v": p["v_rest"]})
    for receptor in ("excitatory", "inhibitory"):
        mine = [(t, w) for t, r, w in inputs if r == receptor]
        if mine:  # one source per receptor (one weight each), delay one step
            weights = {w for _, w in mine}
            if len(weights) > 1:
                raise ValueError(f"one weight per receptor, got {sorted(weights)}")
            src = sim.Population(1, sim.SpikeSourceArray(
                spike_times=[sorted(round(t - DT, 6) for t, _ in mine)]))
            sim.Projection(src, pop, sim.AllToAllConnector(),
                           sim.StaticSynapse(weight=weights.pop(), delay=DT),
                           receptor_type=receptor)
    pop.record(["spikes", *record])
    sim.run(t_end)
    seg = pop.get_data().segments[0]
    out = {n: np.asarray(seg.filter(name=n)[0].magnitude)[:, 0] for n in record}
    spikes = np.asarray(seg.spiketrains[0].magnitude)
    sim.end()
    return spikes, out
