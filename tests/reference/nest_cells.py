"""NEST references of the cell types added with the component registry, stored in
``tests/data/nest_cells.json``.

- ``IF_cond_exp_gsfa_grr`` (NEST's iaf_cond_exp_sfa_rr): spike times under the
  synaptic input of :mod:`reference.nest_timing` (same trains, same setup), with the
  default and a 2 ms refractory period;
- ``GIF_cond_exp`` (NEST's gif_cond_exp): escape-noise spiking is random, so the
  reference is statistical: under DC currents, per NEST seed, the mean rate and the
  coefficient of variation of the inter-spike intervals over many neurons.

    python tests/reference/nest_cells.py        # needs pip install -e ".[reference]"

NEST runs in this process only (never with numba kernels: the two in one process
have been seen to crash).
"""

import json
import pathlib

import numpy as np

try:
    from . import nest_timing
except ImportError:  # run as a script
    import nest_timing

OUT = pathlib.Path(__file__).resolve().parents[1] / "data" / "nest_cells.json"

# the synaptic-input cases (see reference.nest_timing.CASES)
TIMING = {
    "IF_cond_exp_gsfa_grr": ("IF_cond_exp_gsfa_grr", dict(tau_syn_E=2.0, tau_syn_I=5.0), 0.015,
                             0.02, 300.0, 100.0),
}
TIMING_REFRAC = {"IF_cond_exp_gsfa_grr": (0.1, 2.0)}
nest_timing.CASES.update(TIMING)

# GIF under DC: cases of (i_offset nA), population size, duration (ms), NEST seeds
GIF_CURRENTS = (1.0, 1.5, 2.5)
GIF_N, GIF_DURATION, GIF_SEEDS = 200, 2000.0, (1, 2, 3, 4, 5, 6, 7, 8)
GIF_PARAMS = {}  # PyNN's defaults


def gif_stats(times_per_neuron, duration):
    """(mean rate in Hz, CV of all the neurons' inter-spike intervals pooled)."""
    rate = np.mean([len(t) for t in times_per_neuron]) * 1000.0 / duration
    isi = np.concatenate([np.diff(t) for t in times_per_neuron if len(t) > 1] or [np.zeros(0)])
    cv = float(np.std(isi) / np.mean(isi)) if len(isi) > 1 else float("nan")
    return float(rate), cv


def run_gif(sim, i_offset, seed=None, **setup):
    """Spike trains of GIF_N GIF_cond_exp neurons under DC ``i_offset`` on ``sim``."""
    sim.setup(timestep=nest_timing.DT, min_delay=nest_timing.DELAY, **setup)
    if sim.__name__ == "pyNN.nest":
        import nest
        nest.rng_seed = seed
    pop = sim.Population(GIF_N, sim.GIF_cond_exp(i_offset=i_offset, **GIF_PARAMS))
    pop.record("spikes")
    sim.run(GIF_DURATION)
    trains = [np.asarray(st.times.magnitude) for st in pop.get_data().segments[0].spiketrains]
    sim.end()
    return trains


def main():
    import nest
    import pyNN.nest as sim
    out = {"nest": nest.__version__, "dt": nest_timing.DT, "timing": {}, "gif": {}}
    # pyNN.nest 0.13 maps PyNN's g_rr/g_sfa, but the cell type's initial values are named
    # g_r/g_s (PyNN's recordables): without these entries it cannot build the population
    cell = sim.IF_cond_exp_gsfa_grr
    cell.variable_map = {**cell.variable_map, "g_r": "g_rr", "g_s": "g_sfa"}
    cell.scale_factors = {**cell.scale_factors, "g_r": 1.0, "g_s": 1.0}
    for name in TIMING:
        for tau_refrac in TIMING_REFRAC[name]:
            t = nest_timing.run(sim, name, tau_refrac, spike_precision="on_grid")
            out["timing"][nest_timing.key(name, tau_refrac)] = [round(float(x), 4) for x in t]
            print(f"{nest_timing.key(name, tau_refrac):40s} {len(t):5d} spikes")
    for i in GIF_CURRENTS:
        stats = [gif_stats(run_gif(sim, i, seed, spike_precision="on_grid"), GIF_DURATION)
                 for seed in GIF_SEEDS]
        out["gif"][f"{i:g}"] = {"rate": [s[0] for s in stats], "cv": [s[1] for s in stats]}
        print(f"GIF i_offset={i:g}: rates {[round(s[0], 2) for s in stats]}, "
              f"CVs {[round(s[1], 3) for s in stats]}")
    out["gif_setup"] = {"n": GIF_N, "duration": GIF_DURATION, "seeds": list(GIF_SEEDS)}
    OUT.write_text(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
