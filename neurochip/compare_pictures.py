"""The picture of a fixed-against-float comparison (``compare.png``).

Left, per population that recorded spikes (at most MAX_POPULATIONS), the two rasters
overlaid neuron by neuron: each neuron's fixed-point spikes just above its row, its
float spikes just below, so a shifted or missing spike shows as a broken pair. Right,
the recorded trace of the neuron that differs most (both arithmetics, and their
difference beneath), and the difference of the population rates.
"""

from __future__ import annotations

import numpy as np
import quantities as pq

__all__ = ["plot_comparison"]

MAX_POPULATIONS = 4    # raster panels
MAX_ROWS = 40          # neurons per raster panel (evenly spaced above that)
FIXED, FLOAT = "tab:blue", "tab:orange"


def _raster(ax, label, a_trains, b_trains, summary):
    n = len(a_trains)
    rows = np.unique(np.linspace(0, n - 1, min(n, MAX_ROWS)).round().astype(int))
    ms = 5 if len(rows) <= 20 else 3
    for y, i in enumerate(rows):
        for trains, dy, colour in ((a_trains, 0.18, FIXED), (b_trains, -0.18, FLOAT)):
            if i < len(trains):
                t = trains[i].rescale(pq.ms).magnitude
                ax.plot(t, np.full(len(t), y + dy), "|", color=colour, ms=ms, mew=1.2)
    t0 = float(a_trains[0].t_start.rescale(pq.ms).magnitude)
    t1 = float(a_trains[0].t_stop.rescale(pq.ms).magnitude)
    shown = f"{len(rows)} of {n} neurons (evenly spaced)" if len(rows) < n else f"{n} neurons"
    same = f"{summary['identical_trains']} of {summary['compared_neurons']} trains identical"
    ax.set(xlim=(t0, t1), ylim=(-0.7, len(rows) - 0.3), ylabel="neuron",
           title=f"{label!r}: {shown}; {same}\nrate {summary['rate_fixed']:.2f} Hz fixed, "
                 f"{summary['rate_float']:.2f} Hz float; van Rossum "
                 f"{summary['van_rossum_normalised']:.3g} x chance")
    step = max(1, len(rows) // 8)
    ax.set_yticks(range(0, len(rows), step), [str(int(a_trains[i].annotations.get(
        "source_index", i))) for i in rows[::step]])
    ax.title.set_fontsize(9)


def _trace(ax, ax_diff, fixed, float_, result):
    """The trace with the largest RMS difference of the first population recording one
    (v preferred); False if none was recorded."""
    for label, p in result["populations"].items():
        names = [n for n in p["traces"] if "note" not in p["traces"][n]]
        if not names:
            continue
        name = "v" if "v" in names else names[0]
        info = p["traces"][name]
        a = next(s for s in fixed[label].analogsignals if s.name == name)
        b = next(s for s in float_[label].analogsignals if s.name == name)
        col = info["worst_column"]
        t = a.times.rescale(pq.ms).magnitude
        va = a.magnitude[:, col]
        vb = b.rescale(a.units).magnitude[:, col]
        ax.plot(t, va, color=FIXED, lw=1.2, label="fixed")
        ax.plot(t, vb, color=FLOAT, lw=1.0, ls="--", label="float")
        unit = info["unit"]
        ax.set(ylabel=f"{name} ({unit})", xlim=(t[0], t[-1]),
               title=f"{name} of {label!r} neuron {info['worst_neuron']} (largest difference)\n"
                     f"max |fixed - float| {info['max']:.3g} {unit}, RMS {info['rms']:.3g} {unit}")
        ax.title.set_fontsize(9)
        ax.legend(fontsize=8, loc="upper right")
        ax_diff.plot(t, va - vb, color="0.3", lw=0.8)
        ax_diff.axhline(0, color="0.7", lw=0.5)
        ax_diff.set(xlabel="time (ms)", ylabel=f"fixed - float\n({unit})", xlim=(t[0], t[-1]))
        return True
    return False


def _rates(ax, result):
    """Horizontal bars of fixed - float rate per population, each with both rates."""
    pops = [(label, p) for label, p in result["populations"].items() if p.get("neurons")]
    if not pops:
        ax.text(0.5, 0.5, "no population recorded spikes", ha="center", va="center",
                transform=ax.transAxes)
        ax.set_axis_off()
        return
    diff = np.array([p["rate_difference"] for _, p in pops])
    y = np.arange(len(pops))[::-1]  # the first population on top
    ax.barh(y, diff, 0.6, color="tab:purple")
    ax.axvline(0, color="0.3", lw=0.8)
    from matplotlib.ticker import MaxNLocator
    from matplotlib.transforms import blended_transform_factory
    same = not diff.any()
    top = 1.0 if same else float(np.abs(diff).max()) * 1.15  # Hz
    ax.xaxis.set_major_locator(MaxNLocator(nbins=5))
    at_left = blended_transform_factory(ax.transAxes, ax.transData)
    for yi, (_, p) in zip(y, pops):
        ax.text(0.01, yi + 0.32, f"fixed {p['rate_fixed']:.2f}, float {p['rate_float']:.2f} Hz",
                transform=at_left, va="bottom", fontsize=7, color="0.25")
    ax.set(yticks=y, xlim=(-top, top), ylim=(-0.6, len(pops) - 0.1),
           xlabel="fixed - float rate (Hz)",
           title="population rates: the same in both arithmetics" if same else
                 "population rates: fixed - float")
    ax.set_yticklabels([label for label, _ in pops], fontsize=8)
    ax.title.set_fontsize(9)


def plot_comparison(fixed, float_, result, path):
    """Save the picture of ``result`` (compare_runs) of the segments ``fixed`` and
    ``float_`` (label -> neo Segment) to ``path``."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    spiking = [label for label, p in result["populations"].items() if p.get("neurons")]
    shown = spiking[:MAX_POPULATIONS]
    n_left = max(len(shown), 1)
    fig = plt.figure(figsize=(13, max(6.5, 3.0 * n_left)), layout="constrained")
    grid = fig.add_gridspec(n_left, 2, width_ratios=[1.4, 1])
    for i, label in enumerate(shown):
        ax = fig.add_subplot(grid[i, 0])
        _raster(ax, label, fixed[label].spiketrains, float_[label].spiketrains,
                result["populations"][label])
        if i == 0:
            ax.plot([], [], "|", color=FIXED, ms=8, mew=2, label="fixed point (just above the row)")
            ax.plot([], [], "|", color=FLOAT, ms=8, mew=2, label="float64 (just below)")
            ax.legend(fontsize=8, loc="lower left", bbox_to_anchor=(0, 1.2), ncols=2,
                      frameon=False, borderaxespad=0)
        if i == len(shown) - 1:
            ax.set_xlabel("time (ms)")
    if not shown:
        ax = fig.add_subplot(grid[0, 0])
        ax.text(0.5, 0.5, "no population recorded spikes", ha="center", va="center")
        ax.set_axis_off()
    right = grid[:, 1].subgridspec(3, 1, height_ratios=[2, 1, 2])
    ax_trace, ax_diff = fig.add_subplot(right[0]), fig.add_subplot(right[1])
    if not _trace(ax_trace, ax_diff, fixed, float_, result):
        ax_trace.text(0.5, 0.5, "no state variable recorded\n(pop.record('v') to compare traces)",
                      ha="center", va="center")
        ax_trace.set_axis_off()
        ax_diff.set_axis_off()
    _rates(fig.add_subplot(right[2]), result)
    more = f" ({len(shown)} of {len(spiking)} spiking populations shown)" if len(shown) < len(spiking) else ""
    q = len(result["quantisation_warnings"])
    fig.suptitle(f"fixed point against float64: {result['script'].rsplit('/', 1)[-1]}{more}; "
                 f"{q or 'no'} quantisation warning{'s' if q != 1 else ''}", fontsize=11)
    fig.savefig(path, dpi=100)
    plt.close(fig)
