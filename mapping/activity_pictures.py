"""The mapping report's activity picture (``activity.png``): what the network did.

Per population that recorded spikes, a raster (at most MAX_RASTER_ROWS neurons, evenly
spaced, with a note when fewer are shown than recorded) above its population rate in
Hz, binned so that the run spans about a hundred and fifty bins. The spikes come from
the front end as plain arrays (:class:`PopulationSpikes`): this package reads no PyNN
objects.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["PopulationSpikes", "plot_activity", "rate_bin"]

MAX_RASTER_ROWS = 300
MAX_PANELS = 12        # populations drawn (the rest are named in the title)
BINS = 150             # about this many rate bins over the run
NICE_BINS = (0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0, 500.0, 1000.0)


@dataclass(frozen=True)
class PopulationSpikes:
    """The recorded spikes of one population over [t_start, t_stop) ms: ``recorded``
    (population indices of the neurons that recorded spikes), and per spike
    ``neurons`` (population index) and ``times`` (ms)."""

    label: str
    size: int
    recorded: np.ndarray
    neurons: np.ndarray
    times: np.ndarray
    t_start: float
    t_stop: float

    def __post_init__(self):
        if len(self.neurons) != len(self.times):
            raise ValueError(f"PopulationSpikes {self.label!r}: {len(self.neurons)} neuron "
                             f"indices for {len(self.times)} spike times; give one of each per spike")


def rate_bin(duration_ms: float, dt: float = 0.1) -> float:
    """A round bin width (ms, at least ``dt``) giving about BINS bins over ``duration_ms``.

    >>> rate_bin(1000.0), rate_bin(50.0)
    (10.0, 0.5)
    """
    want = max(duration_ms / BINS, dt)
    return next((b for b in NICE_BINS if b >= want - 1e-12), NICE_BINS[-1])


def _rows(n):
    """Which of ``n`` recorded neurons the raster shows (positions into ``recorded``)."""
    if n <= MAX_RASTER_ROWS:
        return np.arange(n)
    return np.unique(np.linspace(0, n - 1, MAX_RASTER_ROWS).round().astype(np.int64))


def _panel(ax_raster, ax_rate, p, dt, colour):
    n = len(p.recorded)
    rows = _rows(n)
    order = np.argsort(p.recorded, kind="stable")
    recorded = p.recorded[order]
    shown = recorded[rows]
    pos = np.searchsorted(shown, p.neurons)
    hit = (pos < len(shown)) & (shown[np.minimum(pos, len(shown) - 1)] == p.neurons)
    few = len(rows) <= 60  # ticks; dots, smaller for more rows, above that
    ax_raster.plot(p.times[hit], pos[hit], "|" if few else ".", color=colour,
                   ms=4 if few else (3 if len(rows) <= 150 else 2), mew=1 if few else 0)
    if not len(p.times):
        ax_raster.text(0.5, 0.5, "no spikes in this run", ha="center", va="center",
                       transform=ax_raster.transAxes, fontsize=10, color="0.4")
    span = max(p.t_stop - p.t_start, dt)
    note = f"{n} neurons" if n == p.size else f"the {n} of {p.size} neurons that record spikes"
    if len(rows) < n:
        note = f"{len(rows)} of {note}, evenly spaced"
    rate = len(p.times) / max(n, 1) / (span / 1000.0)
    ax_raster.set(xlim=(p.t_start, p.t_start + span), ylim=(-0.5, len(rows) - 0.5),
                  ylabel="neuron", title=f"{p.label!r}: {note}; mean rate {rate:.2f} Hz")
    ax_raster.title.set_fontsize(9)
    ticks = np.linspace(0, len(rows) - 1, min(len(rows), 5)).round().astype(int)
    ax_raster.set_yticks(ticks, [str(int(shown[t])) for t in ticks])
    ax_raster.tick_params(labelbottom=False)
    width = rate_bin(span, dt)
    edges = p.t_start + width * np.arange(int(np.ceil(span / width - 1e-9)) + 1)
    counts, _ = np.histogram(p.times, edges)
    hz = counts / max(n, 1) / (width / 1000.0)
    ax_rate.stairs(hz, edges, color=colour, lw=1)
    ax_rate.set(xlim=(p.t_start, p.t_start + span), ylim=(0, max(float(hz.max(initial=0)), 1) * 1.15),
                ylabel=f"rate (Hz)\n{width:g} ms bins", xlabel="time (ms)")


def _names(labels, at_most=8):
    labels = list(labels)
    more = f" and {len(labels) - at_most} more" if len(labels) > at_most else ""
    return ", ".join(repr(x) for x in labels[:at_most]) + more


def plot_activity(spikes, path, dt=0.1, silent=()):
    """Save the activity picture of ``spikes`` (PopulationSpikes of the populations that
    recorded spikes; empty: a picture that says so) to ``path``; ``silent`` names the
    populations that record no spikes."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    spikes = list(spikes)
    drawn = spikes[:MAX_PANELS]
    if not drawn or all(p.t_stop <= p.t_start for p in drawn):
        fig, ax = plt.subplots(figsize=(7, 2.5))
        why = ("no population recorded spikes (pop.record('spikes') before run())" if not drawn
               else "the network has not run yet: no spikes to draw")
        ax.text(0.5, 0.5, why, ha="center", va="center", fontsize=11)
        ax.set_axis_off()
        ax.set_title("activity of the last run")
        fig.savefig(path, dpi=100)
        plt.close(fig)
        return
    cols = 1 if len(drawn) <= 3 else 2
    rows = -(-len(drawn) // cols)
    fig = plt.figure(figsize=(7.5 * cols, 3.4 * rows), layout="constrained")
    grid = fig.add_gridspec(rows, cols)
    for i, p in enumerate(drawn):
        cell = grid[i // cols, i % cols].subgridspec(2, 1, height_ratios=[3, 1], hspace=0.05)
        ax_raster = fig.add_subplot(cell[0])
        _panel(ax_raster, fig.add_subplot(cell[1], sharex=ax_raster), p, dt, f"C{i % 10}")
    notes = []
    if len(spikes) > len(drawn):
        notes.append(f"not drawn: {_names(p.label for p in spikes[len(drawn):])}")
    if silent:
        notes.append(f"recording no spikes: {_names(silent)}")
    span = max(p.t_stop for p in drawn) - min(p.t_start for p in drawn)
    fig.suptitle(f"activity of the last run ({span:g} ms, timestep {dt:g} ms)"
                 + "".join(f"\n{n}" for n in notes), fontsize=11)
    fig.savefig(path, dpi=100)
    plt.close(fig)
