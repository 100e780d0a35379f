"""The mapping report's picture: the machine, its routers and its cores' real-time load.

Three panels, readable at a glance: the chips (shaded by the application cores used,
with the links drawn by the packets they carried in the last run), the routing
tables of the used chips before and after compression against the router's size,
and each core's cycles in its busiest timestep against the real-time budget (which
cores would overrun, and the time scale factor the network would need).
"""

from __future__ import annotations

import math

import numpy as np

from .machine import LINK_DELTAS

__all__ = ["plot_machine"]


def _chip_panel(ax, fig, mapping, used, result):
    from matplotlib import cm, colors
    m = mapping.machine
    cores_norm = colors.Normalize(0, m.app_cores_per_chip)
    shade = cm.Blues
    for x, y in m.live_chips:
        n = used[m.chip_id(x, y)]
        ax.add_patch(_square(x, y, shade(cores_norm(n)), zorder=1))
        if n:
            entries = len(mapping.tables_after.get((x, y), ()))
            ax.text(x, y, f"{n}\n{entries} e", ha="center", va="center", fontsize=7, zorder=3,
                    color="white" if n > m.app_cores_per_chip / 2 else "black")
    fig.colorbar(cm.ScalarMappable(cores_norm, shade), ax=ax, shrink=0.7, pad=0.02,
                 label=f"application cores used (of {m.app_cores_per_chip})")
    if result is not None and result.link_packets.sum():
        load = result.link_packets
        norm = colors.LogNorm(1, max(int(load.max()), 2))
        for c in np.flatnonzero(load.sum(axis=1)):
            x, y = c % m.width, c // m.width
            for link in np.flatnonzero(load[c]):
                dx, dy = LINK_DELTAS[link]
                # to the right of its direction, so that the two ways of a link do not overlap
                ox, oy = 0.1 * dy / math.hypot(dx, dy), -0.1 * dx / math.hypot(dx, dy)
                ax.annotate("", (x + 0.55 * dx + ox, y + 0.55 * dy + oy),
                            (x + 0.15 * dx + ox, y + 0.15 * dy + oy),
                            arrowprops=dict(arrowstyle="-|>", lw=1.5,
                                            color=cm.Reds(norm(load[c, link]))), zorder=4)
        fig.colorbar(cm.ScalarMappable(norm, cm.Reds), ax=ax, shrink=0.7, pad=0.08,
                     label="packets sent over the link in the last run")
    ax.set(xlim=(-0.7, m.width - 0.3), ylim=(-0.7, m.height - 0.3), xlabel="chip x",
           ylabel="chip y", xticks=range(m.width), yticks=range(m.height), aspect="equal",
           title=f"{m.name}: cores used, routing entries (e)")


def _square(x, y, colour, zorder):
    from matplotlib.patches import Rectangle
    return Rectangle((x - 0.4, y - 0.4), 0.8, 0.8, facecolor=colour, edgecolor="0.4", lw=0.8,
                     zorder=zorder)


def _router_panel(ax, mapping):
    m = mapping.machine
    chips = sorted({*mapping.tables_before, *mapping.tables_after}, key=lambda c: m.chip_id(*c))
    before = [len(mapping.tables_before.get(c, ())) for c in chips]
    after = [len(mapping.tables_after.get(c, ())) for c in chips]
    if not any(before) and not any(after):
        ax.text(0.5, 0.5, "no routing entries:\nno core sends packets", ha="center", va="center",
                transform=ax.transAxes, fontsize=10)
        ax.set(xticks=[], yticks=[], title="routing tables of the chips with entries")
        return
    x = np.arange(len(chips))
    ax.bar(x - 0.2, before, 0.4, label="before compression", color="0.7")
    ax.bar(x + 0.2, after, 0.4, label="after", color="tab:blue")
    ax.axhline(m.router_entries, color="tab:red", ls="--", lw=1)
    ax.text(len(chips) - 0.5, m.router_entries, f"router size {m.router_entries}", color="tab:red",
            ha="right", va="bottom", fontsize=8)
    ax.set(xticks=x, xticklabels=[f"{cx},{cy}" for cx, cy in chips], xlabel="chip (x,y)",
           ylabel="routing entries", ylim=(0, max(m.router_entries, *before, 1) * 1.12),
           title="routing tables of the chips with entries")
    ax.tick_params(axis="x", labelrotation=90 if len(chips) > 12 else 0, labelsize=7)
    ax.legend(loc="center right", fontsize=8)


def _cycles_panel(ax, mapping, result):
    program = mapping.program
    budget = program.dt * 1e-3 * program.clock_hz
    need = result.counter("max_cycles_per_tick")
    labels = [mapping.graph.populations[s.pop].label for s in mapping.slices]
    names = list(dict.fromkeys(labels))
    colour = {n: f"C{i % 10}" for i, n in enumerate(names)}
    ax.bar(np.arange(len(need)), need, 0.8, color=[colour[n] for n in labels])
    ax.axhline(budget, color="tab:red", ls="--", lw=1)
    factor = float(need.max(initial=0)) / budget
    ax.text(len(need) - 0.5, budget, f"real time: {budget:,.0f} cycles per {program.dt:g} ms",
            color="tab:red", ha="right", va="bottom", fontsize=8, zorder=5,
            bbox=dict(facecolor="white", alpha=0.85, lw=0))
    from matplotlib.patches import Patch
    from matplotlib.ticker import MaxNLocator
    ax.legend(handles=[Patch(color=colour[n], label=n) for n in names[:10]], fontsize=8,
              loc="upper left", title="population", title_fontsize=8)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set(xlabel="core", xlim=(-0.6, len(need) - 0.4), ylabel="CPU cycles in the busiest timestep",
           ylim=(0, max(need.max(initial=0), budget) * 1.25),
           title=f"real-time load: {int((need > budget).sum())} of {len(need)} cores over budget\n"
                 f"the hardware would need time_scale_factor {max(1, math.ceil(factor - 1e-9))}")


def plot_machine(mapping, result, path):
    """Save the report's picture of ``mapping`` (and of the run ``result``, if any) to
    ``path``."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    m = mapping.machine
    used = np.zeros(m.width * m.height, np.int64)
    for x, y, _ in mapping.placements:
        used[m.chip_id(int(x), int(y))] += 1
    panels = 3 if result is not None else 2
    side = max(5.0, 0.75 * max(m.width, m.height) + 2)  # inches of the chip panel
    fig, axes = plt.subplots(1, panels, figsize=(side + 2 + 6 * (panels - 1), side),
                             gridspec_kw={"width_ratios": [side + 2] + [6] * (panels - 1)},
                             layout="constrained")
    _chip_panel(axes[0], fig, mapping, used, result)
    _router_panel(axes[1], mapping)
    if result is not None:
        _cycles_panel(axes[2], mapping, result)
    fig.savefig(path, dpi=110)
    plt.close(fig)
