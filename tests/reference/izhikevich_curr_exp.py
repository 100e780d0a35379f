"""High-precision reference of sPyNNaker's Izhikevich (its IZK_curr_exp; on neurochip
``sim.Izhikevich(..., tau_syn_E=..., tau_syn_I=...)``, the cell Izhikevich_curr_exp),
stored in ``tests/data/izhikevich_curr_exp.json``.

The equations of sPyNNaker's IZK_curr_exp (its units: currents in nA taken as mV/ms):
``dv/dt = 0.04 v^2 + 5 v + 140 - u + i_offset + I_e - I_i``, ``du/dt = a (b v - u)``,
``dI/dt = -I / tau_syn``; a weight (nA) adds to its current at the spike's arrival;
``v >= 30``: ``v = c``, ``u += d``. Integrated by
scipy's DOP853 (rtol 1e-10, atol 1e-12) from one input arrival to the next, the
threshold crossing located by the root finder and the reset applied there. As for
neurochip's Izhikevich, the right-hand side sees ``min(v, 30)``.

- ``traces``: an excitatory (20.5 ms) and an inhibitory (60.5 ms) input spike, v, u and the
  currents at every ``EVERY``-th timestep over 100 ms (each sample the state at that
  time, an input arriving then included);
- ``spikes``: the cell driven by fixed random trains onto both receptors and an offset
  current for ``DRIVE_MS``: the exact crossing times.

    python tests/reference/izhikevich_curr_exp.py      # about 10 s

:func:`run` builds and runs the same network on pyNN.neurochip.
"""

import json
import pathlib

import numpy as np

try:
    from . import izhikevich_ode as ode
except ImportError:  # run as a script
    import izhikevich_ode as ode

OUT = pathlib.Path(__file__).resolve().parents[1] / "data" / "izhikevich_curr_exp.json"
RTOL, ATOL = 1e-10, 1e-12
DT = 0.1
EVERY = 5
DRIVE_MS = 1000.0
TRACE_MS = 100.0
V_PEAK = 30.0
CELL = {"a": 0.02, "b": 0.2, "c": -65.0, "d": 6.0, "tau_syn_E": 1.7, "tau_syn_I": 2.5}
INIT = {"v": -70.0, "u": -14.0}
DELAY = DT  # ms, every projection
# receptor -> (weight of the traces case's spike, of the drive) in nA, and the drive's rate
WEIGHTS = {"excitatory": (4.0, 0.6), "inhibitory": (4.0, 0.8)}
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
    ``arrivals``: ``[(time, receptor index, weight nA), ...]``; the inhibitory current is
    held as its magnitude."""
    spikes, out = ode.integrate(CELL, INIT, lambda v, i_e, i_i: i_e - i_i, arrivals, i_offset, t_end,
                                samples, rtol=RTOL, atol=ATOL, v_peak=V_PEAK)
    out[:, 3] *= -1  # PyNN's sign
    names = ("v", "u", "isyn_exc", "isyn_inh")
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
    """The traces case (or, with ``drive``, the spiking case) on pyNN.neurochip, written as
    for sPyNNaker:
    ``{variable: samples}`` (every timestep) or the spike times."""
    from pyNN.parameters import Sequence
    sim.setup(timestep=DT, min_delay=DT, **setup)
    pop = sim.Population(1, sim.Izhikevich(i_offset=DRIVE_OFFSET if drive else 0.0, **CELL,
                                           **INIT))  # sPyNNaker's form: v, u as arguments
    times = drive_times() if drive else {r: [t] for r, t in TRACE_TIMES.items()}
    src = sim.Population(2, sim.SpikeSourceArray(spike_times=[Sequence(times[r]) for r in WEIGHTS]))
    for k, r in enumerate(WEIGHTS):
        sim.Projection(src[k:k + 1], pop, sim.AllToAllConnector(),
                       sim.StaticSynapse(weight=WEIGHTS[r][drive], delay=DELAY), receptor_type=r)
    names = ("v", "u", "isyn_exc", "isyn_inh")
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
