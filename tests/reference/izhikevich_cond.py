"""High-precision reference of sPyNNaker's Izhikevich_cond (``sim.extra_models.Izhikevich_cond``),
stored in ``tests/data/izhikevich_cond.json``.

The equations of sPyNNaker's IZK_cond_exp (its units: currents in nA taken as mV/ms,
conductances in uS): ``dv/dt = 0.04 v^2 + 5 v + 140 - u + i_offset + g_e (E_e - v) +
g_i (E_i - v)``, ``du/dt = a (b v - u)``, ``dg/dt = -g / tau_syn``; a weight adds to its
conductance at the spike's arrival; ``v >= 30``: ``v = c``, ``u += d``. Integrated by
scipy's DOP853 (rtol 1e-10, atol 1e-12) from one input arrival to the next, the
threshold crossing located by the root finder and the reset applied there. As for
neurochip's Izhikevich, the right-hand side sees ``min(v, 30)``.

- ``traces``: an excitatory (20.5 ms) and an inhibitory (60.5 ms) input spike, v, u and the
  conductances at every ``EVERY``-th timestep over 100 ms (each sample the state at that
  time, an input arriving then included);
- ``spikes``: the cell driven by fixed random trains onto both receptors and an offset
  current for ``DRIVE_MS``: the exact crossing times.

    python tests/reference/izhikevich_cond.py      # about 10 s

:func:`run` builds and runs the same network on pyNN.neurochip.
"""

import json
import pathlib

import numpy as np

try:
    from . import izhikevich_ode as ode
except ImportError:  # run as a script
    import izhikevich_ode as ode

OUT = pathlib.Path(__file__).resolve().parents[1] / "data" / "izhikevich_cond.json"
RTOL, ATOL = 1e-10, 1e-12
DT = 0.1
EVERY = 5
DRIVE_MS = 1000.0
TRACE_MS = 100.0
V_PEAK = 30.0
CELL = {"a": 0.02, "b": 0.2, "c": -65.0, "d": 2.0, "tau_syn_E": 3.0, "tau_syn_I": 8.0,
        "e_rev_E": 0.0, "e_rev_I": -75.0}
INIT = {"v": -70.0, "u": -14.0}
DELAY = DT  # ms, every projection
# receptor -> (weight of the traces case's spike, of the drive) in uS, and the drive's rate
WEIGHTS = {"excitatory": (0.05, 0.004), "inhibitory": (0.05, 0.01)}
TRACE_TIMES = {"excitatory": 20.4, "inhibitory": 60.4}  # arriving at 20.5, 60.5 ms
DRIVE_RATES = {"excitatory": 2000.0, "inhibitory": 500.0}  # Hz
DRIVE_OFFSET = 8.0  # nA, as mV/ms


def drive_times():
    """Fixed random spike trains on the time grid, one per receptor (ms)."""
    rng = np.random.default_rng(20260418)
    out = {}
    for r, rate in DRIVE_RATES.items():
        steps = np.flatnonzero(rng.random(int(DRIVE_MS / DT)) < rate * DT / 1000.0)
        out[r] = np.round((steps + 10) * DT, 6)  # from 1 ms on
    return out


def integrate(arrivals, i_offset, t_end, samples=()):
    """``(spike times, {variable: values at the times in samples})`` for input
    ``arrivals``: ``[(time, receptor index, weight uS), ...]``."""
    e_rev = np.array([CELL["e_rev_E"], CELL["e_rev_I"]])

    def i_syn(v, g_e, g_i):
        return g_e * (e_rev[0] - v) + g_i * (e_rev[1] - v)
    spikes, out = ode.integrate(CELL, INIT, i_syn, arrivals, i_offset, t_end, samples,
                                rtol=RTOL, atol=ATOL, v_peak=V_PEAK)
    names = ("v", "u", "gsyn_exc", "gsyn_inh")
    return spikes, {n: out[:, j] for j, n in enumerate(names)}


def reference():
    """The stored cases: ``{"traces": {variable: samples}, "spikes": [...]}``."""
    arrivals = [(TRACE_TIMES[r] + DELAY, j, WEIGHTS[r][0]) for j, r in enumerate(WEIGHTS)]
    grid = np.arange(0, int(round(TRACE_MS / DT)) + 1, EVERY) * DT
    _, traces = integrate(arrivals, 0.0, TRACE_MS, grid)
    drive = drive_times()
    arrivals = [(float(t) + DELAY, j, WEIGHTS[r][1]) for j, r in enumerate(WEIGHTS)
                for t in drive[r]]
    spikes, _ = integrate(arrivals, DRIVE_OFFSET, DRIVE_MS)
    return {"traces": {v: s.tolist() for v, s in traces.items()}, "spikes": spikes.tolist()}


def run(sim, drive=False, **setup):
    """The traces case (or, with ``drive``, the spiking case) on pyNN.neurochip:
    ``{variable: samples}`` (every timestep) or the spike times."""
    from pyNN.parameters import Sequence
    sim.setup(timestep=DT, min_delay=DT, **setup)
    pop = sim.Population(1, sim.extra_models.Izhikevich_cond(
        i_offset=DRIVE_OFFSET if drive else 0.0, **CELL), initial_values=INIT)
    times = drive_times() if drive else {r: [t] for r, t in TRACE_TIMES.items()}
    src = sim.Population(2, sim.SpikeSourceArray(spike_times=[Sequence(times[r]) for r in WEIGHTS]))
    for k, r in enumerate(WEIGHTS):
        sim.Projection(src[k:k + 1], pop, sim.AllToAllConnector(),
                       sim.StaticSynapse(weight=WEIGHTS[r][drive], delay=DELAY), receptor_type=r)
    names = ("v", "u", "gsyn_exc", "gsyn_inh")
    pop.record(["spikes"] if drive else list(names))
    sim.run(DRIVE_MS if drive else TRACE_MS)
    seg = pop.get_data().segments[0]
    if drive:
        out = [float(t) for t in seg.spiketrains[0].magnitude]
    else:
        out = {n: np.asarray(seg.filter(name=n)[0].magnitude)[:, 0] for n in names}
    sim.end()
    return out


def main():
    data = {"dt": DT, "every": EVERY, "rtol": RTOL, **reference()}
    OUT.write_text(json.dumps(data, indent=0))
    print(f"wrote {OUT}: {len(data['spikes'])} spikes")


if __name__ == "__main__":
    main()
