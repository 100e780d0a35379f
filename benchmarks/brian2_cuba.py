"""CUBA (examples/cuba.py) in Brian2's C++ standalone mode: the reference that
``benchmarks/run.py cuba`` puts beside neurochip and NEST when Brian2 is there.

Brian2 2.9 does not import beside numpy 2.4 (the project's), so it lives in a venv of its
own, which run.py finds through ``--brian2-python`` or ``$BRIAN2_PYTHON``:

    python3 -m venv ~/brian2-venv && ~/brian2-venv/bin/pip install brian2 "numpy<2.4"
    ~/brian2-venv/bin/python benchmarks/brian2_cuba.py [--n 4000] [--duration 1000] [--json F]

This script imports nothing of neurochip. The network is the same as examples/cuba.py: 4000
(or --n) leaky integrate-and-fire cells, 4/5 excitatory, exponential current synapses (5 ms /
10 ms) with PyNN's VAbenchmarks currents (0.0162 nA and -0.09 nA, i.e. 1.62 mV and -9 mV
across R = tau_m / c_m = 100 MOhm), connection probability 0.02 without self-connections,
delay 0.2 ms, refractory 5 ms, initial V uniform in [-60, -50) mV, dt 0.1 ms, one thread.

Times, as Brian2 measures them: ``run`` is the compiled program's simulation loop
(``device._last_run_time``), ``build`` the rest of that program (creating the synapses,
starting, writing results), ``compile`` the code generation and C++ compile (short once the
generated code is unchanged: the C++ project is kept in the cache folder).
"""

import argparse
import json
import os
import pathlib
import time

import numpy as np


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=4000)
    p.add_argument("--duration", type=float, default=1000.0, help="ms")
    p.add_argument("--seed", type=int, default=4242)
    p.add_argument("--json", default="")
    p.add_argument("--plot", default="", help="ignored (run.py passes it to every script)")
    p.add_argument("--build-dir", default=None, help="Brian2's C++ project folder")
    args = p.parse_args()
    t0 = time.perf_counter()
    import brian2 as b2
    n, n_exc = args.n, int(args.n * 0.8)
    cache = pathlib.Path(os.environ.get("XDG_CACHE_HOME", pathlib.Path.home() / ".cache"))
    build_dir = args.build_dir or str(cache / "neurochip" / f"brian2-cuba-{n}")
    b2.set_device("cpp_standalone", directory=build_dir, build_on_run=False)
    b2.prefs.devices.cpp_standalone.openmp_threads = 0
    b2.defaultclock.dt = 0.1 * b2.ms
    b2.seed(args.seed)
    ms, mV = b2.ms, b2.mV
    eqs = """dv/dt = (ge + gi - (v - El)) / taum : volt (unless refractory)
             dge/dt = -ge / taue : volt
             dgi/dt = -gi / taui : volt"""
    ns = {"taum": 20 * ms, "taue": 5 * ms, "taui": 10 * ms, "El": -49 * mV, "n_exc": n_exc}
    P = b2.NeuronGroup(n, eqs, threshold="v > -50*mV", reset="v = -60*mV",
                       refractory=5 * ms, method="exact", namespace=ns)
    P.v = "-60*mV + rand() * 10*mV"
    Ce = b2.Synapses(P, P, on_pre="ge += 1.62*mV", delay=0.2 * ms, namespace=ns)
    Ci = b2.Synapses(P, P, on_pre="gi += -9*mV", delay=0.2 * ms, namespace=ns)
    Ce.connect("i < n_exc and i != j", p=0.02)
    Ci.connect("i >= n_exc and i != j", p=0.02)
    spikes = b2.SpikeMonitor(P)
    b2.run(args.duration * ms)
    b2.device.build(directory=build_dir, compile=True, run=False)
    t2 = time.perf_counter()
    b2.device.run(directory=build_dir, with_output=False, run_args=[])
    t3 = time.perf_counter()
    loop = float(b2.device._last_run_time)
    i = np.asarray(spikes.i[:])
    rates = {"excitatory": float(np.sum(i < n_exc)) / n_exc / (args.duration / 1000.0),
             "inhibitory": float(np.sum(i >= n_exc)) / (n - n_exc) / (args.duration / 1000.0)}
    t4 = time.perf_counter()
    synapses = int(len(Ce) + len(Ci))
    out = {"simulator": f"brian2 {b2.__version__} cpp_standalone", "n": n, "synapses": synapses,
           "build": (t3 - t2) - loop, "run": loop, "extract": t4 - t3, "compile": t2 - t0,
           "rates": rates}
    print(f"CUBA ({n} neurons, {synapses} synapses) on Brian2 {b2.__version__} C++ standalone, "
          f"{args.duration:g} ms: rates exc {rates['excitatory']:.2f} Hz, inh "
          f"{rates['inhibitory']:.2f} Hz; code generation and compile {t2 - t0:.1f} s, program "
          f"{t3 - t2:.3f} s of which the simulation loop {loop:.3f} s")
    if args.json:
        pathlib.Path(args.json).write_text(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
