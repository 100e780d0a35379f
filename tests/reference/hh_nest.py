"""NEST references of HH_cond_exp (NEST's hh_cond_exp_traub, GSL's adaptive RKF45), stored
in ``tests/data/nest_hh.json``: one cell per case, 1 s at dt = 0.1 ms, from V = -65 mV,
m = 0, h = 1, n = 0 (PyNN's defaults otherwise):

- ``step I``: a DC step of I nA (``i_offset``) from t = 0, I in 0.2, 0.5, 1, 2;
- ``poisson k``: the 20 excitatory and 5 inhibitory trains of
  :mod:`reference.nest_timing` (seeds 1 + 10 k, 2 + 10 k) through synapses of weights
  0.02 / 0.02 uS (k = 0, PyNN's default tau_syn) and 0.03 / 0.05 uS (k = 1, tau_syn 5 / 10
  ms, as COBAHH).

Stored: the spike times (rounded to 1e-4 ms) and V at every step of the first
``V_MS`` = 100 ms (to 1e-3 mV).

    python tests/reference/hh_nest.py        # needs pip install -e ".[reference]"
"""

import json
import pathlib

import numpy as np

try:
    from . import nest_timing
except ImportError:  # run as a script
    import nest_timing

OUT = pathlib.Path(__file__).resolve().parents[1] / "data" / "nest_hh.json"
DT, DURATION, DELAY = 0.1, 1000.0, 0.1
AMPS = (0.2, 0.5, 1.0, 2.0)
V_MS = 100.0
POISSON = ((0.02, 0.02, {}), (0.03, 0.05, {"tau_syn_E": 5.0, "tau_syn_I": 10.0}))


def run(sim, **setup):
    """{case: (spike times, V every step)} on ``sim`` (a pyNN backend module)."""
    sim.setup(timestep=DT, min_delay=DELAY, **setup)
    if sim.__name__ == "pyNN.nest":  # see reference.nest_timing.run
        import nest
        nest.SetDefaults("spike_generator", {"precise_times": False})
    pops = {}
    cells = sim.Population(len(AMPS), sim.HH_cond_exp(i_offset=list(AMPS)))
    for k, (w_e, w_i, params) in enumerate(POISSON):
        cell = sim.Population(1, sim.HH_cond_exp(**params))
        exc = sim.Population(20, sim.SpikeSourceArray(
            spike_times=nest_timing.trains(20, 300.0, 1 + 10 * k)))
        inh = sim.Population(5, sim.SpikeSourceArray(
            spike_times=nest_timing.trains(5, 100.0, 2 + 10 * k)))
        sim.Projection(exc, cell, sim.AllToAllConnector(),
                       sim.StaticSynapse(weight=w_e, delay=DELAY), receptor_type="excitatory")
        sim.Projection(inh, cell, sim.AllToAllConnector(),
                       sim.StaticSynapse(weight=w_i, delay=DELAY), receptor_type="inhibitory")
        pops[f"poisson {k}"] = cell
    for pop in (cells, *pops.values()):
        pop.initialize(v=-65.0)
        pop.record(["spikes", "v"])
    sim.run(DURATION)
    out = {}
    seg = cells.get_data().segments[0]
    v = np.asarray(seg.filter(name="v")[0].magnitude)
    trains = {int(st.annotations["source_index"]): st for st in seg.spiketrains}
    for i, amp in enumerate(AMPS):
        out[f"step {amp:g}"] = (np.asarray(trains[i].times.magnitude, float), v[:, i])
    for name, pop in pops.items():
        seg = pop.get_data().segments[0]
        out[name] = (np.asarray(seg.spiketrains[0].times.magnitude, float),
                     np.asarray(seg.filter(name="v")[0].magnitude)[:, 0])
    sim.end()
    return out


def main():
    import nest
    import pyNN.nest as sim
    res = run(sim)
    n_v = int(round(V_MS / DT)) + 1
    out = {"nest": nest.__version__, "dt": DT, "duration": DURATION, "v_ms": V_MS, "cases": {
        name: {"spikes": [round(float(t), 4) for t in sp],
               "v": [round(float(x), 3) for x in v[:n_v]]}
        for name, (sp, v) in res.items()}}
    OUT.write_text(json.dumps(out, separators=(",", ":")))
    for name, (sp, _) in res.items():
        print(f"{name:10s} {len(sp):4d} spikes")


if __name__ == "__main__":
    main()
