"""Brunel over MPI ranks: one process against two (one thread each), the spikes exchanged
per stretch, and a paper estimate of 16 and 64 ranks.

    python benchmarks/mpi.py [--scale 0.5] [--duration 1000] [--ranks 1 2] [--repeat 1]
                             [--json out.json]

Runs ``examples/brunel.py`` (panel C, asynchronous irregular; one Poisson source per
neuron, run on its targets' cores) with ``--threads 1`` in fresh processes (``--repeat``
times per rank count, the shortest emulation kept: on a busy machine a rank that loses its
core holds every other up at the next exchange):
one rank is the plain single-process path (no mpirun), N ranks are ``mpirun -n N`` (the
[mpi] extra: ``pip install -e ".[mpi]"``). Prints the stage times, the emulator's time and
speed-up, each rank's share (``emulator.ranks.rank_table``), the exchange volume per
stretch, and checks that both runs counted the same synaptic events and rates.

The estimate takes the two-rank run apart, per stretch: the update and delivery of a
rank's own cores (work that divides among ranks), the sort of every core's packets that
every rank does whole, and the exchange: an all-gather of the sizes and one of every
spike (8 bytes each), which recursive doubling does in ceil(log2 N) steps of latency
ALPHA and moves (N-1)/N of the gathered bytes at bandwidth BETA per rank (a usual model
of MPI_Allgatherv; ALPHA = 2 us and BETA = 5 GB/s are typical of one node's shared memory
or an InfiniBand link, not measured here). Strong scaling: this network over N ranks.
Weak scaling: the network grown with N, as many neurons per rank as in the two-rank run
(each rank then receives N/2 times the spikes, and sorts them all).
"""

import argparse
import json
import math
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from neurochip.emulator.ranks import rank_table  # noqa: E402

ALPHA = 2e-6  # s per message step
BETA = 5e9  # bytes per second into one rank
WORD = 8  # bytes per exchanged word (a spike entry or a count)


def mpirun():
    own = pathlib.Path(sys.executable).parent
    for name in ("mpiexec", "mpirun"):
        if (own / name).exists():
            return str(own / name)
    return shutil.which("mpiexec") or shutil.which("mpirun")


def run(n_ranks, args):
    """examples/brunel.py on ``n_ranks`` processes; its JSON (rank 0's) with ``wall``."""
    with tempfile.TemporaryDirectory() as tmp:
        out = pathlib.Path(tmp) / "out.json"
        cmd = [sys.executable, str(ROOT / "examples" / "brunel.py"), "--panel", "C", "--threads", "1",
               "--scale", str(args.scale), "--duration", str(args.duration), "--plot", "",
               "--json", str(out)]
        if n_ranks > 1:
            launcher = mpirun()
            if launcher is None:
                sys.exit("no mpirun: pip install -e '.[mpi]' (mpi4py and MPICH from PyPI)")
            cmd = [launcher, "-n", str(n_ranks), *cmd]
        print(f"{n_ranks} rank(s): {' '.join(cmd[-14:])}", flush=True)
        t0 = time.perf_counter()
        r = subprocess.run(cmd, capture_output=True, text=True, cwd=tmp, stdin=subprocess.DEVNULL,
                           env={**os.environ, "PYTHONWARNINGS": "ignore"})
        wall = time.perf_counter() - t0
        if r.returncode != 0 or not out.exists():
            sys.exit(f"{n_ranks} rank(s) failed (exit {r.returncode}):\n{r.stderr[-3000:]}")
        res = json.loads(out.read_text())
    res["wall"] = wall
    return res


def per_stretch(loads):
    """Seconds and words per stretch of the two-rank run, taken apart."""
    k = max(1, loads[0]["stretches"])
    return {
        "stretches": k,
        "parallel": max(r["update_s"] + r["deliver_s"] for r in loads) / k,  # the busiest rank
        "sort": sum(r["sort_s"] for r in loads) / len(loads) / k,
        "exchange": min(r["exchange_s"] for r in loads) / k,  # the rank that waited least
        "words": sum(r["words_sent"] for r in loads) / k,
    }


def allgather_s(n, words):
    """Model time of the two all-gathers of a stretch over ``n`` ranks."""
    return 2 * ALPHA * math.ceil(math.log2(n)) + WORD * words * (n - 1) / n / BETA


def estimate(ps, n_measured, ranks=(2, 16, 64)):
    """[(N, strong-scaling s per stretch, weak-scaling s per stretch, MB received per rank
    per stretch in the weak case)] from ``per_stretch`` of a run on ``n_measured`` ranks."""
    overhead = max(0.0, ps["exchange"] - allgather_s(n_measured, ps["words"]))  # Python, packing
    work = ps["parallel"] * n_measured
    rows = []
    for n in ranks:
        strong = work / n + ps["sort"] + overhead + allgather_s(n, ps["words"])
        grow = n / n_measured
        weak = ps["parallel"] + ps["sort"] * grow + overhead + allgather_s(n, ps["words"] * grow)
        rows.append((n, strong, weak, WORD * ps["words"] * grow * (n - 1) / n / 1e6))
    return overhead, rows


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", type=float, default=0.5, help="Brunel's size (in-degrees kept)")
    ap.add_argument("--duration", type=float, default=1000.0, help="ms")
    ap.add_argument("--ranks", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--repeat", type=int, default=1, help="runs per rank count (the fastest is kept)")
    ap.add_argument("--json", default="")
    args = ap.parse_args()
    results = {n: min((run(n, args) for _ in range(args.repeat)), key=lambda r: r["stages"]["emulate"])
               for n in args.ranks}
    one = results[min(results)]
    print(f"\nBrunel fig. 8C at scale {args.scale:g} ({one['n']} neurons, {one['synapses']} synapses), "
          f"{args.duration:g} ms, one thread per rank")
    print(f"{'ranks':>5} {'build s':>8} {'map s':>6} {'load s':>7} {'jit s':>6} {'emulate s':>10} "
          f"{'speed-up':>9} {'extract s':>10} {'wall s':>7} {'exc Hz':>7} {'events':>12}")
    for n, r in results.items():
        st, prov = r["stages"], r["provenance"]
        print(f"{n:>5} {r['build']:>8.2f} {st['map']:>6.2f} {st['load']:>7.2f} {st['jit']:>6.2f} "
              f"{st['emulate']:>10.2f} {one['stages']['emulate'] / st['emulate']:>9.2f} "
              f"{r['extract']:>10.2f} {r['wall']:>7.1f} {r['rates']['excitatory']:>7.2f} "
              f"{prov['synaptic_events']:>12d}")
    same = all(r["provenance"]["synaptic_events"] == one["provenance"]["synaptic_events"]
               and r["rates"] == one["rates"] for r in results.values())
    print(f"same synaptic events and rates on every rank count: {same}")
    out = {"args": vars(args), "results": {str(n): {k: r[k] for k in ("build", "run", "extract", "wall",
                                                                      "stages", "provenance", "rates")}
                                           for n, r in results.items()}}
    multi = [n for n in results if n > 1]
    if multi:
        n = min(multi)
        loads = results[n]["provenance"]["ranks"]
        print(f"\n{n} ranks, each rank's share of the run:")
        print("\n".join("  " + line for line in rank_table(loads)))
        ps = per_stretch(loads)
        ms = results[n]["provenance"]["stretch_ticks"] * 0.1  # brunel.py's dt
        spikes = ps["words"] - one["mapping"]["cores"]  # less a count per core
        print(f"exchange: {ps['words']:.0f} words ({WORD * ps['words'] / 1e3:.1f} kB: {spikes:.0f} spike "
              f"entries and a count per core) gathered per stretch of {ms:g} ms, "
              f"{WORD * ps['words'] / ms / 1e3:.1f} kB per ms of model time; per stretch "
              f"{1e6 * ps['parallel']:.0f} us own cores (busiest rank), {1e6 * ps['sort']:.0f} us "
              f"sorting all packets, {1e6 * ps['exchange']:.0f} us exchanging")
        overhead, rows = estimate(ps, n)
        print(f"\npaper estimate (ALPHA {ALPHA * 1e6:g} us, BETA {BETA / 1e9:g} GB/s; "
              f"{1e6 * overhead:.0f} us per stretch of Python and packing, measured, kept):")
        print(f"{'ranks':>5} {'strong: s per 1 s model':>24} {'speed-up':>9} {'weak: s per 1 s':>16} "
              f"{'MB in per rank per stretch':>27}")
        t1 = one["stages"]["emulate"] / args.duration * 1000.0
        for n_est, strong, weak, mb in rows:
            k = 1000.0 / ms
            print(f"{n_est:>5} {strong * k:>24.2f} {t1 / (strong * k):>9.2f} {weak * k:>16.2f} {mb:>27.3f}")
        out.update(per_stretch=ps, estimate=[dict(zip(("ranks", "strong_s_per_stretch",
                                                       "weak_s_per_stretch", "mb_per_rank"), row))
                                             for row in rows])
    if args.json:
        pathlib.Path(args.json).write_text(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
