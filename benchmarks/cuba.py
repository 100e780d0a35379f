"""CUBA benchmark: neurochip (fixed and float) beside NEST, in one invocation.

Runs ``examples/cuba.py`` as it is, and again with its import line changed from
``pyNN.neurochip`` to ``pyNN.nest`` (if NEST is installed: ``pip install -e .[reference]``),
each in a fresh process, and prints per-stage times, synaptic events per second and ratios.

    python benchmarks/cuba.py [--n 4000] [--repeat 2]
"""

import argparse
import json
import os
import pathlib
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "cuba.py"


def run(source, args, label):
    with tempfile.TemporaryDirectory() as tmp:
        script = pathlib.Path(tmp) / "cuba_run.py"
        script.write_text(source)
        out = pathlib.Path(tmp) / "out.json"
        cmd = [sys.executable, str(script), "--plot", "", "--json", str(out), *args]
        r = subprocess.run(cmd, capture_output=True, text=True, cwd=tmp,
                           env={**os.environ, "PYTHONWARNINGS": "ignore"})
        if r.returncode != 0:
            print(f"{label}: failed\n{r.stderr[-2000:]}")
            return None
        return json.loads(out.read_text())


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=4000)
    ap.add_argument("--repeat", type=int, default=2, help="runs per simulator (best is kept)")
    a = ap.parse_args()
    src = EXAMPLE.read_text()
    variants = [("neurochip fixed", src, ["--arithmetic", "fixed"]),
                ("neurochip float", src, ["--arithmetic", "float"])]
    try:
        import nest  # noqa: F401
        variants.append(("NEST", src.replace("import pyNN.neurochip as sim", "import pyNN.nest as sim"), []))
    except ImportError:
        print("NEST is not installed (pip install -e .[reference]): no reference column")
    results = {}
    for label, source, extra in variants:
        best = None
        for _ in range(a.repeat):
            r = run(source, ["--n", str(a.n), *extra], label)
            if r and (best is None or r["run"] < best["run"]):
                best = r
        if best:
            results[label] = best
    print(f"\nCUBA, {a.n} neurons, 1 s at dt = 0.1 ms (best of {a.repeat}, fresh process each)")
    print(f"{'':18}{'build':>8}{'run':>8}{'extract':>9}{'exc Hz':>8}{'inh Hz':>8}")
    for label, r in results.items():
        print(f"{label:18}{r['build']:8.2f}{r['run']:8.2f}{r['extract']:9.2f}"
              f"{r['rates']['excitatory']:8.2f}{r['rates']['inhibitory']:8.2f}")
    for label, r in results.items():
        if "stages" in r:
            st = r["stages"]
            ev = r["provenance"]["synaptic_events"]
            print(f"{label}: " + ", ".join(f"{k} {v:.3f} s" for k, v in st.items())
                  + f"; {ev / st['emulate'] / 1e6:.1f} M synaptic events/s in the emulator")
    if "NEST" in results:
        ref = results["NEST"]
        for label, r in results.items():
            if label != "NEST":
                print(f"{label} / NEST: build {r['build'] / ref['build']:.2f}x, "
                      f"run {r['run'] / ref['run']:.2f}x (below 1 is faster than NEST)")


if __name__ == "__main__":
    main()
