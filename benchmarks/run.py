"""Benchmarks of the examples: neurochip (fixed, and float) beside NEST, in one invocation.

Runs ``examples/<name>.py`` as it is, and again with its import line changed from
``pyNN.neurochip`` to ``pyNN.nest`` (if NEST is installed: ``pip install -e .[reference]``),
each in a fresh process, and prints per-stage times, synaptic events per second, the peak
resident memory of each process and the ratios to NEST.

    python benchmarks/run.py cuba|coba|cobahh|brunel|cuba_stdp|microcircuit [--scale 1]
                             [--duration 1000]
                             [--repeat 1]
                             [--no-nest] [--no-float] [--one-thread] [--json out.json]
                             [--brian2-python PATH] [--nest-threads 2]

cuba also runs ``benchmarks/brian2_cuba.py`` (Brian2's C++ standalone, one thread) when
``--brian2-python`` or ``$BRIAN2_PYTHON`` names a Python with Brian2 installed (see that
script: Brian2 2.9 needs numpy < 2.4, so a venv of its own). Its ``build`` is the compiled
program's time outside its simulation loop (creating the synapses), its ``run`` that loop.

--scale is the fraction of the example's full size: neurons for cuba/coba (--n = 4000
scale) and cobahh (4000 Hodgkin-Huxley cells at 1), populations at fixed in-degree for
brunel and cuba_stdp (above 0.1), neurons and
in-degrees for microcircuit (so scale^2 of its 298.9 million synapses; NEST builds about
20,000 a second here: keep it at 0.1 or below). float is not run for brunel unless --float
is given. cuba_stdp also prints the E->E weights learned on
each simulator and the bytes a plastic synapse takes in the machine image.
"""

import argparse
import json
import os
import pathlib
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
IMPORT = "import pyNN.neurochip as sim"


def have_nest():
    try:
        import nest  # noqa: F401
        return True
    except ImportError:
        return False


def run_example(source, args, label, timeout=None, python=sys.executable):
    """Run ``source`` (a script) in a fresh process with ``args`` and ``--json``; return its
    JSON dict with ``wall`` (s) and ``rss`` (peak resident memory of that process, MiB)
    added, or None if it failed."""
    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        script = tmp / "example_run.py"
        script.write_text(source)
        out = tmp / "out.json"
        cmd = [python, str(script), "--plot", "", "--json", str(out), *args]
        with open(tmp / "stdout", "w") as so, open(tmp / "stderr", "w") as se:
            t0 = time.perf_counter()
            p = subprocess.Popen(cmd, stdout=so, stderr=se, cwd=tmp,
                                 env={**os.environ, "PYTHONWARNINGS": "ignore"})
            while True:  # os.wait4, not p.wait: it gives this child's own rusage
                pid, status, ru = os.wait4(p.pid, os.WNOHANG)
                if pid:
                    break
                if timeout and time.perf_counter() - t0 > timeout:
                    p.kill()
                    print(f"{label}: killed after {timeout} s")
                    _, status, ru = os.wait4(p.pid, 0)
                    break
                time.sleep(0.05)
            p.returncode = os.waitstatus_to_exitcode(status)
            wall = time.perf_counter() - t0
        rc = p.returncode
        if rc != 0 or not out.exists():
            print(f"{label}: failed (exit {rc})\n{(tmp / 'stderr').read_text()[-2000:]}")
            return None
        r = json.loads(out.read_text())
        r["wall"] = wall
        r["rss"] = ru.ru_maxrss / 1024.0  # kB on Linux
        r["stdout"] = (tmp / "stdout").read_text()
        return r


def events(r, duration):
    """Synaptic events: the emulator's count on neurochip, else the example's estimate, else
    synapses x (0.8 exc + 0.2 inh rate) x duration (uniform connectivity, as cuba/coba)."""
    if "provenance" in r and r["provenance"]:
        return r["provenance"]["synaptic_events"]
    if r.get("estimated_events"):
        return r["estimated_events"]
    rt = r["rates"]
    return r["synapses"] * (0.8 * rt["excitatory"] + 0.2 * rt["inhibitory"]) * duration / 1000.0


def variants(name, use_nest=True, use_float=True, one_thread=False, brian2_python="",
             nest_threads=0):
    """(label, script source, extra arguments, python) of each run."""
    src = (EXAMPLES / f"{name}.py").read_text()
    assert IMPORT in src, f"{name}.py has no line {IMPORT!r}"
    py = sys.executable
    v = [("neurochip fixed", src, ["--arithmetic", "fixed"], py)]
    if one_thread:
        v.append(("neurochip 1 thread", src, ["--arithmetic", "fixed", "--threads", "1"], py))
    if use_float:
        v.append(("neurochip float", src, ["--arithmetic", "float"], py))
    if use_nest:
        if have_nest():
            on_nest = src.replace(IMPORT, "import pyNN.nest as sim")
            v.append(("NEST", on_nest, [], py))
            if nest_threads > 1:
                v.append((f"NEST {nest_threads} threads", on_nest, ["--threads", str(nest_threads)],
                          py))
        else:
            print("NEST is not installed (pip install -e .[reference]): no reference column")
    if name == "cuba" and brian2_python:
        v.append(("Brian2 C++", (ROOT / "benchmarks" / "brian2_cuba.py").read_text(), [],
                  brian2_python))
    return v


def size_args(name, scale, duration):
    a = ["--duration", str(duration)]
    if name in ("brunel", "cuba_stdp", "microcircuit", "cobahh"):
        return ["--scale", str(scale), *a]
    return ["--n", str(int(round(4000 * scale))), *a]


# connections of each example at scale 1, and how fast pyNN.nest builds them on this
# 2-core machine (cuba: 320,000 in 6.4 s; brunel at scale 0.2: 3.1 million in about 60 s)
SYNAPSES = {"cuba": 320_000, "coba": 320_000, "cobahh": 320_000, "brunel": 15_600_000,
            "cuba_stdp": 12_656_250,
            "microcircuit": 298_900_000}
NEST_BUILD_PER_S = 50_000


def expected_seconds(name, scale, label):
    """A rough wall time of one process, said before it starts (long runs should say so)."""
    synapses = SYNAPSES[name] * (scale ** 2 if name in ("cuba", "coba", "cobahh", "microcircuit")
                                 else scale)
    if label.startswith("NEST"):
        return 5 + synapses / NEST_BUILD_PER_S
    if label.startswith("Brian2"):
        return 5  # generating and compiling its C++ (about 30 s the first time)
    return 3 + synapses / 2_000_000  # neurochip maps about 2 million connections a second


def run_all(name, args, use_nest=True, use_float=True, repeat=1, timeout=None, one_thread=False,
            scale=1.0, brian2_python="", nest_threads=0):
    """{label: best result (shortest run) of ``repeat`` fresh processes}."""
    results = {}
    runs = list(variants(name, use_nest, use_float, one_thread, brian2_python, nest_threads))
    for i, (label, source, extra, python) in enumerate(runs):
        best = None
        for k in range(repeat):
            note = "" if not label.startswith("neurochip") else (
                " (a first run also compiles the kernels: about 20 s, 80 s with plasticity)")
            print(f"[{i + 1}/{len(runs)}] {label}, run {k + 1} of {repeat}: about "
                  f"{expected_seconds(name, scale, label):.0f} s{note}", flush=True)
            r = run_example(source, [*args, *extra], label, timeout, python)
            if r and (best is None or r["run"] < best["run"]):
                best = r
        if best:
            results[label] = best
    return results


def report(title, results, duration):
    print(f"\n{title}")
    print(f"{'':17}{'neurons':>8}{'synapses':>11}{'build':>8}{'run':>8}{'extract':>8}{'wall':>7}"
          f"{'RSS MiB':>9}{'exc Hz':>8}{'inh Hz':>8}{'Mev/s run':>10}")
    for label, r in results.items():
        ev = events(r, duration)
        evs = f"{ev / r['run'] / 1e6:10.1f}"
        print(f"{label:17}{r['n']:8d}{r['synapses']:11d}{r['build']:8.2f}{r['run']:8.2f}"
              f"{r['extract']:8.2f}{r['wall']:7.1f}{r['rss']:9.0f}{r['rates']['excitatory']:8.2f}"
              f"{r['rates']['inhibitory']:8.2f}{evs}")
    for label, r in results.items():
        if r.get("stages"):
            st = r["stages"]
            ev = r["provenance"]["synaptic_events"]
            print(f"{label}: " + ", ".join(f"{k} {v:.3f} s" for k, v in st.items())
                  + f"; {ev:.3g} synaptic events, {ev / st['emulate'] / 1e6:.1f} M/s in the "
                  f"emulator; {r['provenance']['cores_overrunning']} cores overrun real time")
    for label, r in results.items():
        w = r.get("weights")
        if w:
            print(f"{label}: E->E weights {1e3 * w['initial_mean']:.3f} -> {1e3 * w['mean']:.3f} pA "
                  f"mean, {1e3 * w['initial_std']:.3f} -> {1e3 * w['std']:.3f} pA std"
                  + (f"; {r['mapping']['plastic_bytes_per_synapse']:.2f} bytes per plastic "
                     f"synapse in the machine image" if "plastic_bytes_per_synapse"
                     in r.get("mapping", {}) else ""))
    for label, r in results.items():
        if r.get("full_rates"):  # microcircuit: every population, and the full model's
            print(f"{label}: rates (Hz) " + ", ".join(f"{p} {r['rates'][p]:.2f}"
                                                       for p in r["full_rates"]))
    first = next(iter(results.values()), {})
    if first.get("full_rates"):
        print("full-scale reference: rates (Hz) "
              + ", ".join(f"{p} {v:.2f}" for p, v in first["full_rates"].items()))
    if "NEST" in results:
        ref = results["NEST"]
        for label, r in results.items():
            if label != "NEST":
                print(f"{label} / NEST: build {r['build'] / ref['build']:.2f}x, "
                      f"run {r['run'] / ref['run']:.2f}x, build+run "
                      f"{(r['build'] + r['run']) / (ref['build'] + ref['run']):.2f}x, "
                      f"wall {r['wall'] / ref['wall']:.2f}x, RSS {r['rss'] / ref['rss']:.2f}x "
                      f"(below 1: less than NEST)")
    for nest_label in [k for k in results if k.startswith("NEST ")]:  # NEST on several threads
        ref = results[nest_label]
        for label, r in results.items():
            if label.startswith("neurochip"):
                print(f"{label} / {nest_label}: run {r['run'] / ref['run']:.2f}x, build+run "
                      f"{(r['build'] + r['run']) / (ref['build'] + ref['run']):.2f}x")
    if "Brian2 C++" in results:
        ref = results["Brian2 C++"]
        program = ref["build"] + ref["run"]
        print(f"Brian2 C++: code generation and compile {ref['compile']:.1f} s (outside its "
              f"build and run), compiled program {program:.3f} s, of which its loop "
              f"{ref['run']:.3f} s")
        for label, r in results.items():
            if label.startswith("neurochip"):
                em = r.get("stages", {}).get("emulate")
                kernels = r.get("stages", {}).get("kernels")
                # like for like: Brian2's program does not contain its code generation and
                # compile; run() contains numba's start-up and kernel loading (stage kernels)
                print(f"{label} / Brian2 C++: sim.run() / program {r['run'] / program:.2f}x"
                      + (f", sim.run() less numba's kernels / program "
                         f"{(r['run'] - kernels) / program:.2f}x" if kernels is not None else "")
                      + f", build+run / program {(r['build'] + r['run']) / program:.2f}x"
                      + (f", emulate / loop {em / ref['run']:.2f}x" if em else "")
                      + f", wall {r['wall'] / ref['wall']:.2f}x")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("name", choices=["cuba", "coba", "cobahh", "brunel", "cuba_stdp",
                                        "microcircuit"])
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--duration", type=float, default=1000.0, help="ms")
    ap.add_argument("--repeat", type=int, default=1, help="runs per simulator (best is kept)")
    ap.add_argument("--no-nest", action="store_true")
    ap.add_argument("--no-float", action="store_true")
    ap.add_argument("--float", action="store_true", help="also float for brunel")
    ap.add_argument("--one-thread", action="store_true", help="also neurochip on one thread")
    ap.add_argument("--timeout", type=float, default=None, help="s per process")
    ap.add_argument("--json", default="", help="write all results to this file")
    ap.add_argument("--nest-threads", type=int, default=0,
                    help="also NEST with this many threads (its column beside the 1-thread one)")
    ap.add_argument("--brian2-python", default=os.environ.get("BRIAN2_PYTHON", ""),
                    help="a Python with Brian2 (cuba: adds its C++ standalone run)")
    a = ap.parse_args()
    use_float = not a.no_float and (a.name != "brunel" or a.float)
    results = run_all(a.name, size_args(a.name, a.scale, a.duration), not a.no_nest, use_float,
                      a.repeat, a.timeout, a.one_thread, a.scale, a.brian2_python,
                      a.nest_threads)
    report(f"{a.name}, scale {a.scale:g}, {a.duration:g} ms at dt = 0.1 ms (best of {a.repeat}, "
           f"fresh process each; RSS = peak resident memory of that process; Mev/s run = synaptic "
           f"events per second of sim.run(), NEST's estimated from the rates)", results, a.duration)
    if a.json:
        with open(a.json, "w") as f:
            json.dump({k: {kk: vv for kk, vv in v.items() if kk != "stdout"}
                       for k, v in results.items()}, f, indent=1, default=str)


if __name__ == "__main__":
    main()
