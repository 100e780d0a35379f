"""NEST reference of sPyNNaker's IF_curr_dual_exp (``sim.extra_models.IF_curr_dual_exp``),
stored in ``tests/data/nest_dual_exp.json``.

On NEST the same cell is pyNN.nest's ``PointNeuron(LIF, excitatory=..., excitatory2=...,
inhibitory=CurrExpPostSynapticResponse(...))``: NEST's iaf_psc_exp_multisynapse with three
receptors.

- ``traces``: one input spike per receptor (30, 60, 90 ms), the membrane and the three
  currents over 200 ms, every ``EVERY``-th sample;
- ``spikes``: the cell driven through all three receptors by fixed random trains (and
  an offset current) for ``DRIVE_MS``: the spike times.

    python tests/reference/dual_exp.py      # needs pip install -e ".[reference]"

:func:`run` builds and runs the same network on pyNN.nest or pyNN.neurochip.
"""

import json
import pathlib

import numpy as np

OUT = pathlib.Path(__file__).resolve().parents[1] / "data" / "nest_dual_exp.json"
EVERY = 5
DRIVE_MS = 1000.0
LIF = {"tau_m": 15.0, "cm": 0.5, "v_rest": -65.0, "v_reset": -70.0, "v_thresh": -52.0,
       "tau_refrac": 2.0}
TAU_SYN = {"excitatory": 2.0, "excitatory2": 30.0, "inhibitory": 6.0}  # ms
PARAMETER = {"excitatory": "tau_syn_E", "excitatory2": "tau_syn_E2", "inhibitory": "tau_syn_I"}
# receptor -> (weight of the single spike of the traces case, of the drive) in nA
WEIGHTS = {"excitatory": (0.4, 0.2), "excitatory2": (0.15, 0.05), "inhibitory": (-0.5, -0.25)}
DRIVE_RATES = {"excitatory": 600.0, "excitatory2": 200.0, "inhibitory": 400.0}  # Hz
DRIVE_OFFSET = 0.65  # nA
# neurochip's variable -> NEST's (PyNN's PointNeuron names)
VARIABLES = {"v": "v", "isyn_exc": "excitatory.isyn", "isyn_exc2": "excitatory2.isyn",
             "isyn_inh": "inhibitory.isyn"}


def cell(sim, i_offset=0.0):
    """The cell on backend ``sim``: sPyNNaker's class on neurochip, PyNN's composed cell
    on NEST."""
    if sim.__name__ == "pyNN.nest":
        return sim.PointNeuron(sim.LIF(i_offset=i_offset, **LIF),
                               **{r: sim.CurrExpPostSynapticResponse(tau_syn=t)
                                  for r, t in TAU_SYN.items()})
    return sim.extra_models.IF_curr_dual_exp(
        i_offset=i_offset, **LIF, **{PARAMETER[r]: t for r, t in TAU_SYN.items()})


def drive_times(dt):
    """Fixed random spike trains on the time grid, one per receptor (ms)."""
    rng = np.random.default_rng(20260417)
    out = {}
    for r, rate in DRIVE_RATES.items():
        steps = np.flatnonzero(rng.random(int(DRIVE_MS / dt)) < rate * dt / 1000.0)
        out[r] = np.round((steps + 10) * dt, 6)  # from 1 ms on
    return out


def run(sim, drive=False, **setup):
    """Run the traces case (or, with ``drive``, the spiking case) on backend ``sim``:
    ``{variable: samples}`` (neurochip's names) or the spike times."""
    from pyNN.parameters import Sequence
    dt = 0.1
    sim.setup(timestep=dt, min_delay=dt, **setup)
    nest = sim.__name__ == "pyNN.nest"
    if nest:
        import nest as nest_kernel
        nest_kernel.SetDefaults("spike_generator", {"precise_times": False})
    pop = sim.Population(1, cell(sim, DRIVE_OFFSET if drive else 0.0),
                         initial_values={"v": LIF["v_rest"]})
    times = (drive_times(dt) if drive else
             {"excitatory": [30.0], "excitatory2": [60.0], "inhibitory": [90.0]})
    src = sim.Population(3, sim.SpikeSourceArray(spike_times=[Sequence(times[r]) for r in TAU_SYN]))
    for k, r in enumerate(TAU_SYN):
        sim.Projection(src[k:k + 1], pop, sim.AllToAllConnector(),
                       sim.StaticSynapse(weight=WEIGHTS[r][drive], delay=dt if drive else 1.5),
                       receptor_type=r)
    names = {v: (VARIABLES[v] if nest else v) for v in VARIABLES}
    pop.record(["spikes"] if drive else list(names.values()))
    sim.run(DRIVE_MS if drive else 200.0)
    seg = pop.get_data().segments[0]
    if drive:
        out = [float(t) for t in seg.spiketrains[0].magnitude]
    else:
        out = {v: np.asarray(seg.filter(name=n)[0].magnitude)[:, 0] for v, n in names.items()}
    sim.end()
    return out


def main():
    import nest
    import pyNN.nest as sim
    traces = run(sim)
    spikes = run(sim, drive=True)
    data = {"nest": nest.__version__,
            "every": EVERY,
            "traces": {v: [float(f"{x:.9g}") for x in s[::EVERY]] for v, s in traces.items()},
            "spikes": spikes}
    OUT.write_text(json.dumps(data, indent=0))
    print(f"wrote {OUT}: {len(spikes)} spikes")


if __name__ == "__main__":
    main()
