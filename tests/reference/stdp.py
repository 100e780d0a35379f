"""NEST references for STDP (issue 10), stored in ``tests/data/nest_stdp.json``.

1. ``window``: the learning window of PyNN's ``SpikePairRule`` through pyNN.nest (NEST's
   ``stdp_synapse``), with ``AdditiveWeightDependence`` and
   ``MultiplicativeWeightDependence``. The pairing protocol (:func:`pairing`):

   - one IF_curr_exp ``post`` cell per weight dependence, made to fire at set times by a
     current pulse (StepCurrentSource, ``DRIVE_I`` nA for ``DRIVE_MS``) every ``PERIOD``
     ms, ``N_PAIRINGS`` times (a current, not a strong synapse, so that the plastic
     synapses' fixed-point weight scale on neurochip is their own);
   - ``len(OFFSETS)`` SpikeSourceArray ``pre`` sources; source ``i`` fires once per pairing,
     at ``t_pre = t_post + DELAY - OFFSETS[i]``, and once more ``PERIOD / 2`` after the last
     pairing (that spike applies the last pairing's potentiation, which NEST, like the
     machine, defers to the next pre spike; without it a window's positive side holds
     one pairing fewer than its negative side); each source projects onto every post
     cell through one plastic synapse of ``W0`` nA, delay ``DELAY`` ms (too weak to move
     the post spikes: checked);
   - the final weights, ``prj.get("weight", format="array")``, against the offset.

   Pairings are ``PERIOD`` = 500 ms apart, 25 time constants: each pre spike pairs with
   one post spike only (all-to-all and nearest-pair give the same window here).

   **The Δt convention.** NEST's ``stdp_synapse`` (and pyNN.nest, which allows only
   ``dendritic_delay_fraction=1``) treats the whole delay ``d`` as dendritic: the synapse
   sees the pre spike when it is emitted and the post spike ``d`` after it is emitted
   (back-propagation), so its timing difference is

       dt = t_post + d - t_pre        (t_pre: emission, t_post: the post spike; ms)

   potentiation for dt > 0, depression for dt < 0, nothing at dt = 0 (measured here: the
   sign flips at ``t_pre - t_post = +d``, not at 0 and not at ``-d``). In terms of the pre
   spike's *arrival* at the post cell (``t_pre + d``): ``dt = 2 d - (arrival - t_post)``.
   The data stores ``dt`` (the axis of the window), ``dt_emission = t_pre - t_post`` and
   ``dt_arrival = t_pre + d - t_post`` per source, from the recorded spike times.

2. ``cuba_stdp``: ``examples/cuba_stdp.py --simulator nest`` (the CUBA-STDP benchmark,
   NEST's ``brette_et_al_2007/cuba_stdp.py``) at ``CUBA_ARGS``: rates and the final E->E
   weights (mean, std, histogram).

    python tests/reference/stdp.py            # needs pip install -e ".[reference]"
    python tests/reference/stdp.py --window   # the learning window only (seconds)

:func:`pairing` builds and runs the protocol on any PyNN backend that has STDP.
"""

import argparse
import json
import pathlib
import subprocess
import sys
import tempfile
import time

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[2]
OUT = ROOT / "tests" / "data" / "nest_stdp.json"

DT = 0.1                      # ms
DELAY = 1.0                   # ms, delay of the plastic synapses (all dendritic)
PERIOD = 500.0                # ms between pairings
N_PAIRINGS = 40
FIRST = 100.0                 # ms, first driver spike
OFFSETS = np.arange(-50.0, 50.0 + 0.5, 1.0)   # ms, dt = t_post + DELAY - t_pre (aimed)
TIMING = {"tau_plus": 20.0, "tau_minus": 20.0, "A_plus": 0.01, "A_minus": 0.012}
W_MAX = 0.01                  # nA
W0 = 0.5 * W_MAX              # nA, initial weight of every plastic synapse
DRIVE_I = 200.0               # nA, for DRIVE_MS: the post cell crosses threshold in one step
DRIVE_MS = 0.5                # (and stays refractory to the end of the pulse)
CELL = {"tau_m": 20.0, "cm": 1.0, "v_rest": -65.0, "v_reset": -65.0, "v_thresh": -50.0,
        "tau_refrac": 2.0, "tau_syn_E": 5.0, "tau_syn_I": 5.0, "i_offset": 0.0}
DEPENDENCES = ("additive", "multiplicative")
CUBA_ARGS = ["--scale", "0.2", "--duration", "1000", "--seed", "238"]


def drive_times():
    """The start of each current pulse (ms, on the grid)."""
    return np.round(FIRST + PERIOD * np.arange(N_PAIRINGS), 6)


def drive(sim, post, starts):
    """The current pulses that make ``post`` fire once at each of ``starts``."""
    times = np.round(np.ravel(np.c_[starts, starts + DRIVE_MS]), 6)
    amps = np.tile([DRIVE_I, 0.0], len(starts))
    src = sim.StepCurrentSource(times=times.tolist(), amplitudes=amps.tolist())
    src.inject_into(post)
    return src


def post_latency(sim, **setup):
    """ms from the start of a pulse to the post spike it causes, measured on ``sim`` with
    no plastic input."""
    _setup(sim, **setup)
    post = sim.Population(1, sim.IF_curr_exp(**CELL))
    drive(sim, post, np.array([FIRST]))
    post.record("spikes")
    sim.run(FIRST + 20.0)
    t = post.get_data("spikes").segments[0].spiketrains[0].magnitude
    sim.end()
    if len(t) != 1:
        raise RuntimeError(f"the driver made the post cell fire {len(t)} times, not once")
    return round(float(t[0]) - FIRST, 6)


def _setup(sim, **setup):
    if sim.__name__ == "pyNN.nest":  # grid-based models (PyNN's default runs NEST's precise ones)
        setup = {"spike_precision": "on_grid", **setup}
    sim.setup(timestep=DT, min_delay=DT, **setup)
    if sim.__name__ == "pyNN.nest":
        import nest
        nest.SetDefaults("spike_generator", {"precise_times": False})


def weight_dependence(sim, name):
    """PyNN's weight-dependence object of ``name`` (w_min 0, w_max ``W_MAX``)."""
    cls = {"additive": sim.AdditiveWeightDependence,
           "multiplicative": sim.MultiplicativeWeightDependence}[name]
    return cls(w_min=0.0, w_max=W_MAX)


def pairing(sim, latency, **setup):
    """Run the pairing protocol on backend ``sim`` (``latency``: see
    :func:`post_latency`); returns per weight dependence the final weights (nA, one per
    offset), and the recorded pre emission and post spike times (ms)."""
    from pyNN.parameters import Sequence
    _setup(sim, **setup)
    starts = drive_times()
    post_aim = starts + latency
    pre_times = np.c_[post_aim[None, :] + DELAY - OFFSETS[:, None],
                      np.full(len(OFFSETS), post_aim[-1] + PERIOD / 2)]
    pre_times = np.round(np.round(pre_times / DT) * DT, 6)
    if pre_times.min() <= DT:
        raise ValueError("the first pre spike must come after the first step")
    pre = sim.Population(len(OFFSETS), sim.SpikeSourceArray(
        spike_times=[Sequence(t) for t in pre_times]), label="pre")
    pre.record("spikes")
    out = {}
    for name in DEPENDENCES:
        post = sim.Population(1, sim.IF_curr_exp(**CELL), label=f"post_{name}")
        post.record("spikes")
        drive(sim, post, starts)
        stdp = sim.STDPMechanism(timing_dependence=sim.SpikePairRule(**TIMING),
                                 weight_dependence=weight_dependence(sim, name),
                                 weight=W0, delay=DELAY)
        prj = sim.Projection(pre, post, sim.AllToAllConnector(), stdp,
                             receptor_type="excitatory", label=f"plastic_{name}")
        out[name] = (post, prj)
    sim.run(float(starts[-1]) + PERIOD)
    result = {}
    pre_rec = [st.magnitude for st in pre.get_data("spikes").segments[0].spiketrains]
    for name, (post, prj) in out.items():
        t_post = post.get_data("spikes").segments[0].spiketrains[0].magnitude
        w = np.asarray(prj.get("weight", format="array"), float)[:, 0]
        result[name] = {"post": t_post, "w": w}
    sim.end()
    result["pre"] = pre_rec
    return result


def window_reference():
    """The learning window on NEST, with both Δt conventions and where the sign flips."""
    import pyNN.nest as sim
    latency = post_latency(sim)
    res = pairing(sim, latency)
    pre = res.pop("pre")
    out = {"params": {"dt": DT, "delay": DELAY, "period": PERIOD, "n_pairings": N_PAIRINGS,
                      "first_drive": FIRST, "w0": W0, "w_max": W_MAX, "drive_current": DRIVE_I,
                      "drive_ms": DRIVE_MS,
                      "post_latency": latency, "cell": CELL, **TIMING},
           "offsets_aimed": OFFSETS.tolist()}
    for name, r in res.items():
        t_post = r["post"]
        if len(t_post) != N_PAIRINGS or not np.allclose(t_post, drive_times() + latency):
            raise RuntimeError(f"{name}: the post cell fired at {t_post[:5]}..., not once per "
                               "drive at the aimed time: the plastic input moved it")
        # each source's pairing offset, from its recorded spikes (all but the last) and the
        # post spikes they were aimed at
        dt_em = np.array([np.unique(np.round(p[:-1] - t_post, 6)) for p in pre])
        if dt_em.shape != (len(OFFSETS), 1):
            raise RuntimeError(f"{name}: a source's pre spikes are not at one offset")
        dt_em = dt_em[:, 0]
        dw = r["w"] - W0
        out[name] = {"dt": np.round(DELAY - dt_em, 6).tolist(), "dt_emission": dt_em.tolist(),
                     "dt_arrival": np.round(dt_em + DELAY, 6).tolist(),
                     "w_final": r["w"].tolist(), "dw": dw.tolist(),
                     "post_spikes": t_post.tolist()}
        if name == DEPENDENCES[0]:
            out["pre_spikes"] = [p.tolist() for p in pre]
        tol = 1e-3 * np.abs(dw).max()  # "unchanged": below 0.1 % of the largest change
        dt = DELAY - dt_em
        out[name]["flip"] = {"potentiated_dt_min": float(np.min(dt[dw > tol])),
                             "depressed_dt_max": float(np.max(dt[dw < -tol])),
                             "unchanged_dt": np.round(dt[np.abs(dw) <= tol], 6).tolist()}
    return out


def cuba_stdp_reference():
    """``examples/cuba_stdp.py --simulator nest`` at CUBA_ARGS: its JSON results."""
    with tempfile.TemporaryDirectory() as tmp:
        path = pathlib.Path(tmp) / "cuba_stdp.json"
        cmd = [sys.executable, str(ROOT / "examples" / "cuba_stdp.py"), "--simulator", "nest",
               *CUBA_ARGS, "--plot", "", "--json", str(path)]
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, cwd=tmp)
        r = json.loads(path.read_text())
    keep = ("network", "args", "rates", "stats", "weights", "n", "synapses")
    return {"command": "python examples/cuba_stdp.py --simulator nest " + " ".join(CUBA_ARGS),
            "wall_s": round(time.perf_counter() - t0, 1), **{k: r[k] for k in keep if k in r}}


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--window", action="store_true", help="the learning window only")
    p.add_argument("--out", default=str(OUT))
    args = p.parse_args()
    import nest
    data = json.loads(pathlib.Path(args.out).read_text()) if pathlib.Path(args.out).exists() else {}
    data["nest_version"] = nest.__version__
    t0 = time.perf_counter()
    data["window"] = window_reference()
    print(f"learning window: {time.perf_counter() - t0:.1f} s")
    for name in DEPENDENCES:
        w = data["window"][name]
        print(f"  {name}: peak dw {max(w['dw']):+.3e} nA, {min(w['dw']):+.3e} nA; flip {w['flip']}")
    if not args.window:
        data["cuba_stdp"] = cuba_stdp_reference()
        print(f"cuba_stdp: rates {data['cuba_stdp']['rates']}, E->E weights "
              f"{ {k: v for k, v in data['cuba_stdp']['weights'].items() if k != 'histogram'} }")
    pathlib.Path(args.out).write_text(json.dumps(data, indent=1) + "\n")
    print(f"written {args.out}")


if __name__ == "__main__":
    main()
