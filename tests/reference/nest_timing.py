"""Spike times of one cell of each model under synaptic input, from NEST (the float
reference the machine must match), stored in ``tests/data/nest_timing.json``.

Each case drives one cell with the same spike trains (on the time grid, drawn here
with a fixed seed) through excitatory and inhibitory synapses, with and without a
refractory period, for 1 s at dt = 0.1 ms, on ``pyNN.nest`` with on-grid spiking
(``spike_precision="on_grid"``: iaf_psc_delta, not its precise twin). ``min_delay``
is set explicitly: with "auto", pyNN.nest 0.13 shifts SpikeSourceArray spikes by
the difference between the timestep and the smallest delay; and its spike
generators are put back on the grid (see :func:`run`).

    python tests/reference/nest_timing.py        # needs pip install -e ".[reference]"

``tests/test_nest_timing.py`` runs the same cases on neurochip.
"""

import json
import pathlib

import numpy as np

OUT = pathlib.Path(__file__).resolve().parents[1] / "data" / "nest_timing.json"
DT, DURATION, DELAY = 0.1, 1000.0, 0.1

# name -> (PyNN cell type, its parameters, excitatory and inhibitory weights, rates of
# the 20 excitatory and 5 inhibitory trains (Hz), tau_refrac values)
CASES = {
    "IF_curr_delta": ("IF_curr_delta", dict(tau_m=10.0, cm=0.25, v_rest=0.0, v_reset=0.0,
                                            v_thresh=10.0), 1.5, -1.5, 500.0, 100.0),
    "IF_curr_exp": ("IF_curr_exp", dict(tau_syn_E=2.0, tau_syn_I=5.0), 0.4, -0.5, 300.0, 100.0),
    "IF_curr_alpha": ("IF_curr_alpha", dict(tau_syn_E=1.0, tau_syn_I=3.0), 0.3, -0.3, 300.0,
                      100.0),
    "IF_cond_exp": ("IF_cond_exp", dict(tau_syn_E=2.0, tau_syn_I=5.0), 0.012, 0.02, 300.0, 100.0),
    "IF_cond_alpha": ("IF_cond_alpha", dict(tau_syn_E=1.0, tau_syn_I=3.0), 0.008, 0.01, 300.0,
                      100.0),
    "EIF_cond_exp_isfa_ista": ("EIF_cond_exp_isfa_ista", dict(tau_syn_E=2.0, tau_syn_I=5.0),
                               0.015, 0.02, 300.0, 100.0),
    "EIF_cond_alpha_isfa_ista": ("EIF_cond_alpha_isfa_ista", dict(tau_syn_E=1.0,
                                                                  tau_syn_I=3.0),
                                 0.01, 0.01, 300.0, 100.0),
    "HH_cond_exp": ("HH_cond_exp", {}, 0.02, 0.02, 300.0, 100.0),
    "Izhikevich": ("Izhikevich", {}, 2.0, -2.0, 300.0, 100.0),
}
REFRAC = {"IF_curr_delta": (0.0, 2.0), "IF_curr_exp": (0.0, 2.0), "IF_curr_alpha": (0.0, 2.0),
          "IF_cond_exp": (0.0, 2.0), "IF_cond_alpha": (0.0, 2.0),
          "EIF_cond_exp_isfa_ista": (0.0, 2.0), "EIF_cond_alpha_isfa_ista": (0.0, 2.0),
          "HH_cond_exp": (None,), "Izhikevich": (None,)}


def trains(n, rate, seed):
    """``n`` Poisson trains on the grid (ms), from ``seed``."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        t = np.cumsum(rng.exponential(1000.0 / rate, int(rate * DURATION / 1000.0 * 1.5) + 20))
        t = np.unique(np.round(t[t < DURATION - 1.0], 1))
        out.append(t[t >= DT])
    return out


def run(sim, name, tau_refrac, **setup):
    """Spike times of the case's cell on ``sim`` (a pyNN backend module)."""
    model, params, w_e, w_i, rate_e, rate_i = CASES[name]
    sim.setup(timestep=DT, min_delay=DELAY, **setup)
    if sim.__name__ == "pyNN.nest":
        # pyNN.nest makes spike_generator take "precise" times: 4.4 ms, a double a hair
        # above the grid point, then arrives at 4.5 ms
        import nest
        nest.SetDefaults("spike_generator", {"precise_times": False})
    extra = {} if tau_refrac is None else {"tau_refrac": tau_refrac}
    cell = sim.Population(1, getattr(sim, model)(**params, **extra))
    v0 = params.get("v_rest", cell.celltype.default_initial_values["v"])
    cell.initialize(v=v0)
    if sim.__name__ == "pyNN.nest":  # pyNN.nest cannot set iaf_psc_delta's V_m
        cell.node_collection.set(V_m=v0)
    exc = sim.Population(20, sim.SpikeSourceArray(spike_times=trains(20, rate_e, 1)))
    inh = sim.Population(5, sim.SpikeSourceArray(spike_times=trains(5, rate_i, 2)))
    sim.Projection(exc, cell, sim.AllToAllConnector(),
                   sim.StaticSynapse(weight=w_e, delay=DELAY), receptor_type="excitatory")
    sim.Projection(inh, cell, sim.AllToAllConnector(),
                   sim.StaticSynapse(weight=w_i, delay=DELAY), receptor_type="inhibitory")
    cell.record("spikes")
    sim.run(DURATION)
    times = np.asarray(cell.get_data().segments[0].spiketrains[0].times.magnitude)
    sim.end()
    return times


def key(name, tau_refrac):
    return name if tau_refrac is None else f"{name} tau_refrac={tau_refrac:g}"


def main():
    import nest
    import pyNN.nest as sim
    out = {"nest": nest.__version__, "dt": DT, "duration": DURATION, "cases": {}}
    for name in CASES:
        for tau_refrac in REFRAC[name]:
            t = run(sim, name, tau_refrac, spike_precision="on_grid")
            out["cases"][key(name, tau_refrac)] = [round(float(x), 4) for x in t]
            print(f"{key(name, tau_refrac):40s} {len(t):5d} spikes")
    OUT.write_text(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
