"""Single neurons under DC over 1 s: neurochip (fixed, float) and NEST against the
reference of :mod:`reference.dc`. Prints, per model and amplitude, the spike counts, the
largest |spike - reference| (ms; HH: the peaks) and the range of spike - grid reference
in timesteps (:func:`reference.dc.grid_spikes`). Needs NEST (``pip install .[reference]``):

    python tests/reference/dc_compare.py [model ...]

NEST runs in a child process: NEST and the numba kernels in one process crash.
"""

import json
import subprocess
import sys

import numpy as np

sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parents[1]))
from reference import dc  # noqa: E402

INIT = {"Izhikevich": dc.IZH_INIT, "HH_cond_exp": dc.HH_INIT,
        "EIF_cond_exp_isfa_ista": dc.EIF_INIT, "EIF_cond_alpha_isfa_ista": dc.EIF_INIT}


def run(sim, model, i_offset, t_end=dc.T_END, dt=dc.DT, **setup):
    """Spike times of one cell of PyNN type ``model`` under ``i_offset``."""
    sim.setup(timestep=dt, **setup)
    cell = sim.Population(1, getattr(sim, model)(i_offset=i_offset))
    cell.initialize(**INIT[model])
    cell.record("spikes")
    sim.run(t_end)
    out = np.asarray(cell.get_data().segments[0].spiketrains[0].times.magnitude, float)
    sim.end()
    return out


def worst(got, want, grid, dt=dc.DT):
    """``max |got - want|`` (ms) and the range of ``got - grid`` in steps, over matching
    spikes (on a count mismatch, up to the shorter train)."""
    n = min(len(got), len(want))
    if not n:
        return "      -        "
    steps = np.rint((got[:n] - grid[:n]) / dt).astype(int)
    return f"{np.max(np.abs(got[:n] - want[:n])):7.3f} {steps.min():+3d}{steps.max():+3d}"


def _nest_spikes(models):
    """{(model, amp): spike times} from pyNN.nest, on grid, in a child process."""
    out = subprocess.run([sys.executable, __file__, "--nest", *models], check=True,
                         capture_output=True, text=True).stdout
    rows = json.loads(out.strip().splitlines()[-1])
    return {(m, a): np.array(t) for m, a, t in rows}


def main(models):
    import pyNN.neurochip as nc
    nest = _nest_spikes(models)
    head = " | ".join(f"{name:>5s} {'max|dt|':>7s} {'steps':>6s}" for name in
                      ("fixed", "float", "NEST"))
    print(f"{'model':26s} {'I (nA)':>7s} {'ref':>4s} | {head}")
    for model in models:
        for amp in dc.AMPLITUDES[model]:
            want, grid = dc.spikes(model, amp), dc.grid_spikes(model, amp)
            row = [f"{model:26s} {amp:7.4f} {len(want):4d}"]
            for arithmetic in ("fixed", "float", None):
                got = nest[model, amp] if arithmetic is None else run(nc, model, amp,
                                                                       arithmetic=arithmetic)
                row.append(f"{len(got):5d} {worst(got, want, grid)}")
            print(" | ".join(row), flush=True)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--nest"]:
        import pyNN.nest as nest_sim
        models = sys.argv[2:]
        print(json.dumps([(m, a, run(nest_sim, m, a, spike_precision="on_grid").tolist())
                          for m in models for a in dc.AMPLITUDES[m]]))
    else:
        main(sys.argv[1:] or list(dc.AMPLITUDES))
