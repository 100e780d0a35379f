"""The seed networks on neurochip (fixed, float) beside NEST: rates, CV, regime, wall times.

Each network is one of the examples at the size and duration of the stored NEST
reference (NETWORKS below; the slow test tests/test_seed_networks.py runs the same), run
in a fresh process per simulator, as benchmarks/run.py does; NEST runs the same script
with its import line changed (on-grid spikes, one thread).

    python benchmarks/seed_networks.py [NAME ...] [--seed 1] [--no-float] [--no-nest]
    python benchmarks/seed_networks.py --make-reference [NAME ...] [--seeds 1 2 3]

--make-reference runs each network on NEST over the seeds and stores, per statistic,
the mean, the seed-to-seed standard deviation and the values in
tests/data/nest_seed_stats.json (networks not named are kept).
"""

import argparse
import json
import math
import pathlib
import platform
import sys
import time

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from run import EXAMPLES, IMPORT, have_nest, run_example  # noqa: E402

from neurochip.analysis import compare_to_reference, regimes_of  # noqa: E402

REFERENCE = HERE.parent / "tests" / "data" / "nest_seed_stats.json"

# name: (example, arguments). Brunel at --scale 0.2 keeps the in-degrees (2,500 neurons,
# connection probability 0.5); durations as short as the statistics allow.
NETWORKS = {
    "brunel_A": ("brunel", ["--panel", "A", "--scale", "0.2", "--duration", "300"]),
    "brunel_B": ("brunel", ["--panel", "B", "--scale", "0.2", "--duration", "600"]),
    "brunel_C": ("brunel", ["--panel", "C", "--scale", "0.2", "--duration", "600"]),
    "brunel_D": ("brunel", ["--panel", "D", "--scale", "0.2", "--duration", "1200",
                            "--transient", "200"]),
    "random_network": ("random_network", ["--duration", "1000"]),
    "synfire": ("synfire", ["--duration", "100"]),
    "brunel_hakim": ("brunel_hakim", ["--duration", "300", "--transient", "50"]),
    "topographic_map": ("topographic_map", ["--duration", "1000"]),
    "cobahh": ("cobahh", ["--duration", "1000"]),
    "coba": ("coba", ["--duration", "1000"]),
}


def source(example, simulator):
    """The example's script for ``simulator`` ("neurochip" or "nest")."""
    src = (EXAMPLES / f"{example}.py").read_text()
    if IMPORT not in src:
        raise SystemExit(f"{example}.py has no line {IMPORT!r}")
    return src if simulator == "neurochip" else src.replace(IMPORT, f"import pyNN.{simulator} as sim")


def run(name, simulator, seed, arithmetic="fixed", timeout=None):
    """One run of network ``name``: the example's JSON results plus ``wall`` (s), or None."""
    example, args = NETWORKS[name]
    extra = ["--arithmetic", arithmetic] if simulator == "neurochip" else []
    return run_example(source(example, simulator), [*args, "--seed", str(seed), *extra],
                       f"{name} on {simulator}", timeout)


def _summary(values):
    finite = [v for v in values if v is not None and math.isfinite(v)]
    if len(finite) < len(values):
        return {"mean": float("nan"), "sd": float("nan"), "values": values}
    mean = sum(finite) / len(finite)
    sd = math.sqrt(sum((v - mean) ** 2 for v in finite) / max(len(finite) - 1, 1))
    return {"mean": mean, "sd": sd, "values": values}


def reference_entry(name, results, seeds):
    """The stored NEST statistics of ``name`` from its runs ``results`` (one per seed)."""
    example, args = NETWORKS[name]
    stats = {}
    for group in results[0]["stats"]:
        keys = [k for k, v in results[0]["stats"][group].items() if isinstance(v, (int, float))]
        stats[group] = {k: _summary([r["stats"][group][k] for r in results]) for k in keys}
    entry = {"example": example, "args": args, "seeds": seeds, "stats": stats,
             "wall": _summary([r["wall"] for r in results]),
             "run": _summary([r["run"] for r in results])}
    if "packets" in results[0]:
        entry["packets"] = {g: {k: _summary([r["packets"][g][k] for r in results])
                                for k in ("a", "t", "sigma")} for g in results[0]["packets"]}
    return entry


def make_reference(names, seeds, timeout):
    import nest
    ref = json.loads(REFERENCE.read_text()) if REFERENCE.exists() else {"networks": {}}
    ref["about"] = ("NEST statistics of the seed networks (examples/), made by "
                    "benchmarks/seed_networks.py --make-reference: pyNN.nest, on-grid spikes, "
                    "one thread; mean, seed-to-seed sd and values over the seeds.")
    ref["nest"] = nest.__version__ if hasattr(nest, "__version__") else str(nest.build_info)
    ref["python"] = platform.python_version()
    for name in names:
        t0 = time.perf_counter()
        results = [run(name, "nest", s, timeout=timeout) for s in seeds]
        if any(r is None for r in results):
            print(f"{name}: a NEST run failed; not stored")
            continue
        ref["networks"][name] = reference_entry(name, results, seeds)
        REFERENCE.parent.mkdir(parents=True, exist_ok=True)
        REFERENCE.write_text(json.dumps(ref, indent=1, sort_keys=True) + "\n")
        st = ref["networks"][name]["stats"]
        whole = st.get("all") or next(iter(st.values()))
        print(f"{name}: NEST rate {whole['rate']['mean']:.2f} +- {whole['rate']['sd']:.2f} Hz, "
              f"CV {whole['cv']['mean']:.2f} +- {whole['cv']['sd']:.2f}, regimes "
              f"{regimes_of(ref['networks'][name])} ({time.perf_counter() - t0:.0f} s)")


def _whole(stats):
    return stats.get("all") or next(iter(stats.values()))


def benchmark(names, seed, use_float, use_nest, timeout):
    ref = json.loads(REFERENCE.read_text())["networks"] if REFERENCE.exists() else {}
    rows = []
    for name in names:
        runs = [("neurochip fixed", run(name, "neurochip", seed, "fixed", timeout))]
        if use_float:
            runs.append(("neurochip float", run(name, "neurochip", seed, "float", timeout)))
        if use_nest and have_nest():
            runs.append(("NEST", run(name, "nest", seed, timeout=timeout)))
        for label, r in runs:
            if r is None:
                rows.append((name, label, None, None, "failed", None, None, ""))
                continue
            w = _whole(r["stats"])
            problems = compare_to_reference(r, ref[name]) if name in ref else ["no reference"]
            rows.append((name, label, w["rate"], w["cv"], w.get("regime", "-"), r["run"], r["wall"],
                         "ok" if not problems else "; ".join(problems)))
    print(f"\nseed networks, seed {seed} (whole network; 'vs NEST ref' compares with the stored "
          f"NEST statistics, within 3 sd of seeds)")
    print(f"{'network':16}{'simulator':17}{'rate Hz':>9}{'CV':>6}{'regime':>9}{'run s':>8}"
          f"{'wall s':>8}  vs NEST ref")
    for name, label, rate, cv, regime, t_run, wall, verdict in rows:
        if rate is None:
            print(f"{name:16}{label:17}{'failed':>9}")
            continue
        print(f"{name:16}{label:17}{rate:9.2f}{cv:6.2f}{regime:>9}{t_run:8.1f}{wall:8.1f}  {verdict}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("names", nargs="*", help=f"networks (default all): {', '.join(NETWORKS)}")
    ap.add_argument("--make-reference", action="store_true")
    ap.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3], help="reference seeds")
    ap.add_argument("--seed", type=int, default=1, help="benchmark seed")
    ap.add_argument("--no-float", action="store_true")
    ap.add_argument("--no-nest", action="store_true")
    ap.add_argument("--timeout", type=float, default=None, help="s per process")
    a = ap.parse_args()
    names = a.names or list(NETWORKS)
    unknown = set(names) - set(NETWORKS)
    if unknown:
        ap.error(f"unknown networks {sorted(unknown)}; known: {', '.join(NETWORKS)}")
    if a.make_reference:
        make_reference(names, a.seeds, a.timeout)
    else:
        benchmark(names, a.seed, not a.no_float, not a.no_nest, a.timeout)


if __name__ == "__main__":
    main()
