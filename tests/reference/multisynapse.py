"""NEST references of PyNN's composed multi-receptor cells, stored in
``tests/data/nest_multisynapse.json``.

Two cells, as PyNN's own scenario (test_composed_neuron_model_homogeneous_receptors):
``PointNeuron(AdExp, AMPA/NMDA/GABAA = AlphaPSR)`` (NEST's aeif_cond_alpha_multisynapse)
and ``PointNeuron(LIF, ... = CurrExpPostSynapticResponse)`` (iaf_psc_exp_multisynapse).

- ``traces``: one input spike per receptor (30, 60, 90 ms), the membrane and every
  receptor's variable over 200 ms, every ``EVERY``-th sample;
- ``spikes``: the same cells driven through all three receptors by fixed random trains
  (and an offset current) for ``DRIVE_MS``: the spike times.

    python tests/reference/multisynapse.py      # needs pip install -e ".[reference]"

:func:`run` builds and runs the same network on any PyNN backend.
"""

import json
import pathlib

import numpy as np

OUT = pathlib.Path(__file__).resolve().parents[1] / "data" / "nest_multisynapse.json"
EVERY = 5
DRIVE_MS = 1000.0
RECEPTORS = {"AMPA": (1.0, 0.0), "NMDA": (20.0, 0.0), "GABAA": (1.5, -70.0)}  # tau_syn, e_syn
# receptor -> (weight onto the AdExp cell (uS), onto the LIF cell (nA)) for the drive
DRIVE_WEIGHTS = {"AMPA": (0.004, 0.3), "NMDA": (0.0015, 0.08), "GABAA": (0.01, -0.4)}
DRIVE_OFFSETS = (0.4, 0.5)  # nA, onto the AdExp and the LIF cell
DRIVE_RATES = {"AMPA": 800.0, "NMDA": 300.0, "GABAA": 400.0}  # Hz, one train per receptor
VARIABLES = (("v", "AMPA.gsyn", "NMDA.gsyn", "GABAA.gsyn"), ("v", "AMPA.isyn", "NMDA.isyn",
                                                            "GABAA.isyn"))


def cells(sim, i_offset=(0.0, 0.0)):
    """The two composed cell types of PyNN's scenario (with offset currents, nA)."""
    adex = sim.PointNeuron(sim.AdExp(tau_m=10.0, v_rest=-60.0, i_offset=i_offset[0]),
                           **{r: sim.AlphaPSR(tau_syn=t, e_syn=e) for r, (t, e) in RECEPTORS.items()})
    lif = sim.PointNeuron(sim.LIF(tau_m=10.0, v_rest=-60.0, i_offset=i_offset[1]),
                          **{r: sim.CurrExpPostSynapticResponse(tau_syn=t)
                             for r, (t, _) in RECEPTORS.items()})
    return adex, lif


def drive_times(dt):
    """Fixed random spike trains on the time grid, one per receptor (ms)."""
    rng = np.random.default_rng(20261206)
    out = {}
    for r, rate in DRIVE_RATES.items():
        steps = np.flatnonzero(rng.random(int(DRIVE_MS / dt)) < rate * dt / 1000.0)
        out[r] = np.round((steps + 10) * dt, 6)  # from 1 ms on
    return out


def run(sim, drive=False, **setup):
    """Run the traces case (or, with ``drive``, the spiking case) on backend ``sim``:
    ``{"adex": {variable: samples}, "lif": {...}}`` or the spike times of each cell."""
    from pyNN.parameters import Sequence
    dt = 0.1
    sim.setup(timestep=dt, min_delay=dt, **setup)
    if sim.__name__ == "pyNN.nest":
        import nest
        nest.SetDefaults("spike_generator", {"precise_times": False})
    adex, lif = (sim.Population(1, c, initial_values={"v": -60.0}, label=n)
                 for c, n in zip(cells(sim, DRIVE_OFFSETS if drive else (0.0, 0.0)),
                                 ("adex", "lif")))
    if drive:
        times = drive_times(dt)
        src = sim.Population(3, sim.SpikeSourceArray(spike_times=[Sequence(times[r]) for r in
                                                                  RECEPTORS]))
        weights = DRIVE_WEIGHTS
    else:
        src = sim.Population(3, sim.SpikeSourceArray(
            spike_times=[Sequence([30.0]), Sequence([60.0]), Sequence([90.0])]))
        weights = {"AMPA": (0.01, 0.01), "NMDA": (0.005, 0.005), "GABAA": (0.1, -0.1)}
    for k, r in enumerate(RECEPTORS):
        for pop, w in zip((adex, lif), weights[r]):
            sim.Projection(src[k:k + 1], pop, sim.AllToAllConnector(),
                           sim.StaticSynapse(weight=w, delay=1.5 if not drive else dt),
                           receptor_type=r)
    for pop, variables in zip((adex, lif), VARIABLES):
        pop.record(["spikes"] if drive else list(variables))
    sim.run(DRIVE_MS if drive else 200.0)
    out = {}
    for pop, variables in zip((adex, lif), VARIABLES):
        seg = pop.get_data().segments[0]
        if drive:
            out[pop.label] = [float(t) for t in seg.spiketrains[0].magnitude]
        else:
            out[pop.label] = {v: np.asarray(seg.filter(name=v)[0].magnitude)[:, 0]
                              for v in variables}
    sim.end()
    return out


def main():
    import pyNN.nest as sim
    traces = run(sim)
    spikes = run(sim, drive=True)
    data = {"every": EVERY,
            "traces": {c: {v: [float(f"{x:.9g}") for x in s[::EVERY]] for v, s in d.items()}
                       for c, d in traces.items()},
            "spikes": spikes}
    OUT.write_text(json.dumps(data, indent=0))
    print(f"wrote {OUT}: spikes {[len(s) for s in spikes.values()]}")


if __name__ == "__main__":
    main()
