"""CUBA benchmark: neurochip (fixed and float) beside NEST, in one invocation.

Runs ``examples/cuba.py`` as it is, and again with its import line changed from
``pyNN.neurochip`` to ``pyNN.nest`` (if NEST is installed: ``pip install -e .[reference]``),
each in a fresh process, and prints per-stage times, synaptic events per second, peak
memory and ratios. A shorthand for ``python benchmarks/run.py cuba``.

    python benchmarks/cuba.py [--n 4000] [--repeat 2]
"""

import argparse
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from run import report, run_all  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=4000)
    ap.add_argument("--repeat", type=int, default=2, help="runs per simulator (best is kept)")
    a = ap.parse_args()
    results = run_all("cuba", ["--n", str(a.n)], repeat=a.repeat, scale=a.n / 4000)
    report(f"CUBA, {a.n} neurons, 1 s at dt = 0.1 ms (best of {a.repeat}, fresh process each)",
           results, 1000.0)


if __name__ == "__main__":
    main()
