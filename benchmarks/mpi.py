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

The estimate takes the two-rank run apart, per stretch: W, the update and delivery of
the ranks' own cores (work that divides among ranks); S, the pass over every spike of the
stretch that every rank makes (recording them all, queueing the packets of its own
cores; taken as not shrinking with N, an upper bound); H, the host's fixed cost of a
stretch (HOST_S: four kernel calls and the packing, measured on this machine with no
cores to run); and the exchange: an all-gather of the sizes and one of every spike entry
(8 bytes each, V words in all), which recursive doubling does in ceil(log2 N) steps of
latency ALPHA and which moves (N-1)/N of the gathered bytes at bandwidth BETA into each
rank (a usual model of MPI_Allgatherv; ALPHA = 2 us and BETA = 5 GB/s are typical of an
InfiniBand link, assumed, not measured; the two all-gathers between two ranks of this
machine are measured apart, ``--probe``). Strong scaling, this network on N ranks:
W/N + S + H + exchange(N, V). Weak scaling, the network grown with N (as many neurons per
rank as in the two-rank run): W/2 + S N/2 + H + exchange(N, V N/2), each rank receiving
and passing over every spike. The time a rank waits for the slowest (load imbalance, or
here a core lost to other work) is measured but not extrapolated: the estimate assumes balanced ranks.
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

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from neurochip.emulator.ranks import rank_table  # noqa: E402

ALPHA = 2e-6  # s per message step
BETA = 5e9  # bytes per second into one rank
WORD = 8  # bytes per exchanged word (a spike entry or a count)
HOST_S = 70e-6  # s per stretch: update_own 33, sort_packets 10, deliver_own 19, packing 8 us


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
    """Seconds and words per stretch of a run on several ranks, taken apart."""
    k = max(1, loads[0]["stretches"])
    return {
        "stretches": k,
        "work": sum(r["update_s"] + r["deliver_s"] for r in loads) / k,  # all ranks' own cores
        "sort": sum(r["sort_s"] for r in loads) / len(loads) / k,
        "exchange": sum(r["exchange_s"] for r in loads) / len(loads) / k,  # waiting included
        "words": sum(r["words_sent"] for r in loads) / k,
    }


def allgather_s(n, words):
    """Model time of the two all-gathers of a stretch over ``n`` ranks."""
    return 2 * ALPHA * math.ceil(math.log2(n)) + WORD * words * (n - 1) / n / BETA


def estimate(ps, n_measured, ranks=(2, 16, 64)):
    """[(N, strong-scaling s per stretch, weak-scaling s per stretch, MB received per rank
    per stretch in the weak case)] from ``per_stretch`` of a run on ``n_measured`` ranks."""
    rows = []
    for n in ranks:
        grow = n / n_measured
        strong = ps["work"] / n + ps["sort"] + HOST_S + allgather_s(n, ps["words"])
        weak = ps["work"] / n_measured + ps["sort"] * grow + HOST_S + allgather_s(n, ps["words"] * grow)
        rows.append((n, strong, weak, WORD * ps["words"] * grow * (n - 1) / n / 1e6))
    return rows


def probe(words, repeat=3000):
    """Under mpirun: the median time of the stretch's two all-gathers (``words`` in all)."""
    from mpi4py import MPI
    comm = MPI.COMM_WORLD
    n = comm.Get_size()
    mine = max(1, words // n)
    send, recv = np.ones(mine, np.int64), np.empty(mine * n, np.int64)
    size, sizes = np.array([mine], np.int64), np.empty(n, np.int64)
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        comm.Allgather([size, MPI.INT64_T], [sizes, MPI.INT64_T])
        comm.Allgatherv([send, MPI.INT64_T], [recv, (sizes, np.arange(n) * mine), MPI.INT64_T])
        times.append(time.perf_counter() - t0)
    if comm.Get_rank() == 0:
        print(json.dumps({"median_s": float(np.median(times)), "words": mine * n}))


def run_probe(words):
    r = subprocess.run([mpirun(), "-n", "2", sys.executable, __file__, "--probe", str(int(words))],
                       capture_output=True, text=True, stdin=subprocess.DEVNULL)
    return json.loads(r.stdout.strip().splitlines()[-1])["median_s"] if r.returncode == 0 else float("nan")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", type=float, default=0.5, help="Brunel's size (in-degrees kept)")
    ap.add_argument("--duration", type=float, default=1000.0, help="ms")
    ap.add_argument("--ranks", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--repeat", type=int, default=1, help="runs per rank count (the fastest is kept)")
    ap.add_argument("--json", default="")
    ap.add_argument("--probe", type=int, default=0, help=argparse.SUPPRESS)  # under mpirun
    args = ap.parse_args()
    if args.probe:
        return probe(args.probe)
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
              f"{1e6 * ps['work'] / n:.0f} us own cores (mean rank), {1e6 * ps['sort']:.0f} us "
              f"sorting (every spike, own packets), {1e6 * ps['exchange']:.0f} us exchanging (waiting "
              f"included)")
        alone = run_probe(ps["words"]) if n == 2 else float("nan")
        print(f"the two all-gathers alone between two ranks here: {1e6 * alone:.0f} us (median); the "
              f"rest of the exchange, {1e6 * (ps['exchange'] - alone):.0f} us a stretch, is waiting for "
              f"the other rank")
        rows = estimate(ps, n)
        print(f"\npaper estimate (ALPHA {ALPHA * 1e6:g} us, BETA {BETA / 1e9:g} GB/s, host "
              f"{HOST_S * 1e6:.0f} us a stretch; balanced ranks):")
        print(f"{'ranks':>5} {'strong: s per 1 s model':>24} {'speed-up':>9} {'weak: s per 1 s':>16} "
              f"{'MB in per rank per stretch':>27}")
        t1 = one["stages"]["emulate"] / args.duration * 1000.0
        for n_est, strong, weak, mb in rows:
            k = 1000.0 / ms
            print(f"{n_est:>5} {strong * k:>24.2f} {t1 / (strong * k):>9.2f} {weak * k:>16.2f} {mb:>27.3f}")
        names = ("ranks", "strong_s_per_stretch", "weak_s_per_stretch", "mb_per_rank")
        out.update(per_stretch=ps, allgathers_alone_s=alone,
                   estimate=[dict(zip(names, row)) for row in rows])
    if args.json:
        pathlib.Path(args.json).write_text(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
