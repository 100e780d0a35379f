"""Reports of a Mapping: placement, per-core resources, routing tables, key space,
link loads after a run; as text, JSON, a PNG picture of the chip grid and one of the
last run's activity."""

from __future__ import annotations

import json
import os

import numpy as np

from .activity_pictures import plot_activity
from .report_pictures import plot_machine
from .tables import format_table

__all__ = ["write_reports", "placement_rows"]


def placement_rows(mapping) -> list:
    """One dict per core: where it is and what it holds."""
    prog = mapping.program
    sy = prog.synapses
    rows = []
    entry_words = sy.words()
    words = np.array([int(entry_words[sy.mpt_lo[c]:sy.mpt_lo[c + 1]].sum())
                      for c in range(prog.n_cores)], np.int64)
    for c, s in enumerate(mapping.slices):
        x, y, p = (int(v) for v in mapping.placements[c])
        rows.append({
            "core": c, "x": x, "y": y, "p": p,
            "population": mapping.graph.populations[s.pop].label, "lo": s.lo, "hi": s.hi,
            "key": f"{int(mapping.key_base[c]):#010x}" if prog.cores.sends[c] else None,
            "mask": f"{int(mapping.key_mask[c]):#010x}" if prog.cores.sends[c] else None,
            "master_table_entries": int(sy.mpt_lo[c + 1] - sy.mpt_lo[c]),
            "synaptic_bytes": int(words[c] * 4),
            "ring_buffer_bytes": int(2 * (sy.ring_lo[c + 1] - sy.ring_lo[c])),
            "delay_bits": int(sy.delay_bits[c]), "weight_shift": sy.shift[c].tolist(),
        })
    return rows


def write_reports(mapping, folder: str, result=None, spikes=None) -> list:
    """Write ``placement.txt``, ``routing_tables.txt``, ``mapping.json``, ``chips.png``
    and, given ``spikes`` (PopulationSpikes of the populations that recorded spikes, maybe
    none), ``activity.png`` into ``folder``; returns the paths written."""
    rows = placement_rows(mapping)
    paths = []
    p = os.path.join(folder, "placement.txt")
    with open(p, "w") as f:
        f.write(f"machine: {mapping.machine.name} ({mapping.machine.n_chips} chips)\n")
        f.write(f"{'core':>5} {'x':>3} {'y':>3} {'p':>3}  {'population':<20} {'neurons':<13} "
                f"{'key':<11} {'mpt':>4} {'syn bytes':>10}\n")
        for r in rows:
            f.write(f"{r['core']:>5} {r['x']:>3} {r['y']:>3} {r['p']:>3}  {r['population'][:20]:<20} "
                    f"{r['lo']:>5}..{r['hi'] - 1:<6} {r['key'] or '-':<11} "
                    f"{r['master_table_entries']:>4} {r['synaptic_bytes']:>10}\n")
    paths.append(p)
    p = os.path.join(folder, "routing_tables.txt")
    with open(p, "w") as f:
        for chip in sorted(mapping.tables_before):
            before, after = mapping.tables_before[chip], mapping.tables_after[chip]
            f.write(f"chip {chip}: {len(before)} entries, {len(after)} after compression\n")
            f.write(format_table(after) + "\n\n")
    paths.append(p)
    data = {"summary": {k: (list(v) if isinstance(v, tuple) else v)
                        for k, v in mapping.summary().items()},
            "cores": rows, "notes": list(mapping.notes),
            "tables": {f"{x},{y}": {"before": len(mapping.tables_before[(x, y)]),
                                    "after": len(mapping.tables_after[(x, y)])}
                       for x, y in mapping.tables_before}}
    if result is not None:
        data["provenance"] = result.provenance()
        data["link_packets"] = {f"{c % mapping.machine.width},{c // mapping.machine.width}":
                                result.link_packets[c].tolist()
                                for c in np.flatnonzero(result.link_packets.sum(axis=1))}
    p = os.path.join(folder, "mapping.json")
    with open(p, "w") as f:
        json.dump(data, f, indent=1)
    paths.append(p)
    p = os.path.join(folder, "chips.png")
    plot_machine(mapping, result, p)
    paths.append(p)
    if spikes is not None:
        p = os.path.join(folder, "activity.png")
        spiking = {s.label for s in spikes}
        silent = [q.label for q in mapping.graph.populations if q.label not in spiking]
        plot_activity(spikes, p, dt=mapping.graph.dt, silent=silent)
        paths.append(p)
    return paths
