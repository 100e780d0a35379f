"""What every example does around its network: the command line, setup options, the
``out/`` folder, stage timing, the summary report, the JSON and the figure.

Imports no PyNN, so that an example runs on any backend by changing its import line;
the statistics come from :mod:`neurochip.analysis`.

>>> args = example_parser(__doc__, duration=1000.0, seed=1).parse_args()  # doctest: +SKIP
>>> clock = Stopwatch()                                                   # doctest: +SKIP
>>> ...  # build                                                          # doctest: +SKIP
>>> clock.lap("build")                                                    # doctest: +SKIP
>>> with figure(args, __file__, "net.png", figsize=(8, 4)) as ax:         # doctest: +SKIP
...     if ax is not None:
...         spike_raster(ax, trains)
"""

from __future__ import annotations

import argparse
import contextlib
import json
import pathlib
import resource
import time

import numpy as np

from neurochip.analysis import network_stats, population_rate
from neurochip.emulator.ranks import launched_rank, rank_table

__all__ = ["example_parser", "setup_options", "out_file", "Stopwatch", "report", "save_json",
           "figure", "spike_raster", "raster_and_rate"]


def example_parser(doc, *, duration, seed, scale=True, transient=0.0):
    """The examples' common command line: --duration --seed --arithmetic --threads --json
    --out (figure folder; --plot '' for no figure) --transient (ms left out of the
    statistics) and, with ``scale``, --scale."""
    p = argparse.ArgumentParser(description=doc.splitlines()[0])
    if scale:
        p.add_argument("--scale", type=float, default=1.0, help="fraction of the full size")
    p.add_argument("--duration", type=float, default=duration, help="ms")
    p.add_argument("--transient", type=float, default=transient,
                   help="ms at the start left out of the statistics")
    p.add_argument("--seed", type=int, default=seed)
    p.add_argument("--arithmetic", default="fixed", choices=["fixed", "float"])
    p.add_argument("--threads", type=int, default=None, help="emulator threads (neurochip)")
    p.add_argument("--json", default="", help="also write the results to this JSON file")
    p.add_argument("--out", default="", help="figure folder (default: out/ at the repository root)")
    p.add_argument("--plot", default=None, help="figure file name in --out ('' for none)")
    return p


def setup_options(sim, args):
    """setup() arguments of one backend, so that the one-word switch to pyNN.nest works:
    neurochip's arithmetic, threads and global seed (of its Poisson sources and noise);
    NEST's kernel seed, on-grid spikes (as neurochip's, and the reference the
    examples are compared with; PyNN's default, off-grid, runs NEST's precise models) and
    its threads, if --threads is given."""
    if sim.__name__.endswith("neurochip"):
        return {"arithmetic": args.arithmetic, "threads": args.threads, "seed": args.seed}
    if sim.__name__.endswith("nest"):
        return {"rng_seed": args.seed, "spike_precision": "on_grid",
                **({"threads": args.threads} if args.threads else {})}
    return {}


def out_file(args, script, default):
    """Where the example ``script`` (its __file__) saves its figure, or None for none:
    --out (default ``out/`` at the repository root, created) / --plot (default ``default``)."""
    name = default if args.plot is None else args.plot
    if not name:
        return None
    folder = pathlib.Path(args.out) if args.out else pathlib.Path(script).resolve().parents[1] / "out"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / name


class Stopwatch:
    """Wall time of an example's stages, each from the previous lap (or the start).

    >>> clock = Stopwatch()
    >>> _ = clock.lap("build"); _ = clock.lap("run")
    >>> list(clock.times)
    ['build', 'run']
    """

    def __init__(self):
        self.times = {}
        self._last = time.perf_counter()

    def lap(self, stage):
        """Record the time since the last lap as ``stage`` (s) and return it."""
        now = time.perf_counter()
        self.times[stage] = now - self._last
        self._last = now
        return self.times[stage]


def _simulator_name(sim):
    name = sim.__name__.split(".")[-1]
    return f"{name} {sim.simulator.state.arithmetic}" if name == "neurochip" else name


def report(sim, title, groups, args, times, regime=False, extra=None, save=True):
    """Print what the machine reported (neurochip), the statistics of ``groups``
    (label -> spike trains) over [args.transient, args.duration) and the times
    (``{"build": s, "run": s, "extract": s}``, a Stopwatch's ``times``). Returns the
    results (``stats`` per group, ``rates``, the times, ``extra``, the machine's reports),
    also written to ``--json`` (later, by ``save_json``, if not ``save``). Under mpirun
    rank 0 prints and writes (every rank holds the same results)."""
    # the process's peak so far: the simulator's own (build, map, run, extract), before
    # this report's statistics of the spike trains
    rss_sim = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # MiB (kB on Linux)
    stats = network_stats(groups, args.transient, args.duration, regime=regime)
    out = {"simulator": sim.__name__, "network": title, "args": vars(args), **times,
           "rss_sim": rss_sim,
           "stats": stats, "rates": {k: v["rate"] for k, v in stats.items()}, **(extra or {})}
    if launched_rank() > 0:
        return out
    print(f"{title} on {_simulator_name(sim)}, {args.duration:g} ms (statistics from "
          f"{args.transient:g} ms), seed {args.seed}")
    if hasattr(sim, "mapping_summary"):
        s, prov = sim.mapping_summary(), sim.provenance()
        # the hardware's pace: how much slower than real time its busiest core would run
        pace = prov["max_cycles_per_tick"] / prov["cycle_budget_per_tick"]
        print(f"  machine: {s['chips_used']} chips, {s['cores']} cores; {prov['synaptic_events']} "
              f"synaptic events, {prov['dropped_packets']} dropped packets, "
              f"{prov['ring_saturations']} ring saturations; on the hardware the busiest core "
              f"would need {pace:.1f}x real time (time_scale_factor {prov['time_scale_factor']} "
              f"{'is enough' if pace <= prov['time_scale_factor'] else 'is too small'})")
        if prov.get("ranks"):  # under mpirun: each process's share
            print("\n".join("  " + line for line in rank_table(prov["ranks"])))
        out.update(stages=sim.simulator.state.timings, mapping=s, provenance=prov)
    for label, st in stats.items():
        line = (f"  {label:12} {st['n']:6d} cells  rate {st['rate']:8.2f} Hz  CV {st['cv']:5.2f}  "
                f"Fano {st['fano']:7.2f}  sync {st['sync']:6.3f}")
        if "regime" in st:
            line += f"  spectral peak {st['f_peak']:5.0f} Hz  regime {st['regime']}"
        print(line)
    print("  time: " + ", ".join(f"{k} {v:.2f} s" for k, v in times.items()))
    if save:
        save_json(args, out)
    return out


def save_json(args, results):
    """Write ``results`` to ``--json``, if given (rank 0 under mpirun)."""
    if args.json and launched_rank() == 0:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1, default=str)


@contextlib.contextmanager
def figure(args, script, default, **layout):
    """The example's figure (see out_file), saved on leaving the block at 120 dpi with a
    tight bounding box, then closed. Yields the axes of ``plt.subplots(**layout)`` (or of
    ``plt.subplot_mosaic(mosaic, **layout)`` given ``mosaic``), or None when no figure is
    asked for (--plot ''), so the block starts with ``if ax is not None:``. The backend is
    Agg: no window, also without a display."""
    path = out_file(args, script, default) if launched_rank() == 0 else None
    if path is None:
        yield None
        return
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    mosaic = layout.pop("mosaic", None)
    fig, axes = plt.subplots(**layout) if mosaic is None else plt.subplot_mosaic(mosaic, **layout)
    try:
        yield axes
        fig.savefig(path, dpi=120, bbox_inches="tight")
    finally:
        plt.close(fig)
    print(f"figure saved to {path}")


def spike_raster(ax, trains, offset=0, marker="|", ms=2, **kw):
    """Draw ``trains`` as a raster on ``ax``, rows from ``offset`` up."""
    if not len(trains):
        return
    t = np.concatenate([st.magnitude for st in trains])
    y = np.concatenate([np.full(len(st), offset + i) for i, st in enumerate(trains)])
    ax.plot(t, y, marker, ms=ms, ls="none", **kw)


def raster_and_rate(args, script, default, trains, t_range, title, bin_size=0.1, n_cells=None,
                    rate_max=None, seed=0):
    """The example's figure (see figure) as Brian's examples draw a network: a raster of
    ``n_cells`` random cells (all if None) of ``trains`` over ``t_range`` (ms) above the
    population rate of all of them in bins of ``bin_size`` ms."""
    with figure(args, script, default, nrows=2, figsize=(5, 6), sharex=True,
                gridspec_kw={"height_ratios": [4, 1], "hspace": 0}) as axes:
        if axes is None:
            return
        ax_s, ax_r = axes
        trains = list(trains)
        shown = (np.arange(len(trains)) if n_cells is None else
                 np.sort(np.random.default_rng(seed).choice(len(trains), n_cells, replace=False)))
        few = len(shown) <= 100
        spike_raster(ax_s, [trains[i] for i in shown], marker="|" if few else ".",
                     ms=4 if few else 1, color="tab:blue")
        lo, hi = t_range
        t, rate = population_rate(trains, lo, hi, bin_size)
        ax_r.plot(t, rate, lw=0.7)
        ax_s.set(yticks=[], ylabel=f"{len(shown)} cells", xlim=(lo, hi),
                 ylim=(-0.5, len(shown) - 0.5), title=title)
        ax_r.set(xlabel="t (ms)", ylabel="rate (Hz)", ylim=(0, rate_max))
