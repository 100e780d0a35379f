"""Mapping summaries, reports and provenance of the current network."""

from __future__ import annotations

import json
import os

import numpy as np

from neurochip.emulator.contract import CLOCK_HZ
from neurochip.emulator.emulate import cycle_budget
from neurochip.emulator.ranks import rank_table
from neurochip.mapping.activity_pictures import PopulationSpikes
from neurochip.mapping.reports import write_reports

from . import simulator
from .errors import NeurochipError

__all__ = ["mapping_summary", "mapping_report", "recorded_spikes", "provenance", "rank_table"]


def _mapping():
    st = simulator.state
    if st.mapping is None or st.dirty:
        st._prepare()
    return st.mapping


def mapping_summary() -> dict:
    """Chips, cores, neurons per core, routing entries before/after compression, worst chip."""
    return _mapping().summary()


def mapping_report(folder: str) -> list:
    """Write placement, per-core resources, routing tables and key space reports
    (text, JSON and a PNG of the chip grid) and the picture of the current segment's
    recorded spikes (``activity.png``: rasters and population rates) into ``folder``;
    returns the paths. Under mpirun, rank 0 writes them (every rank holds the same), with
    ``ranks.txt``: each process's share of the last run."""
    st = simulator.state
    mapping = _mapping()
    if st.mpi_rank > 0:
        return []
    os.makedirs(folder, exist_ok=True)
    last = st.results[-1][1] if st.results else None
    paths = write_reports(mapping, folder, last, spikes=recorded_spikes())
    loads = st.emulation.rank_loads if st.emulation is not None else []
    if loads:
        path = os.path.join(folder, "ranks.txt")
        with open(path, "w") as f:
            f.write("\n".join(rank_table(loads)) + "\n")
        paths.append(path)
    return paths



def recorded_spikes() -> list:
    """The spikes of the current segment (since the last reset() or get_data(clear=True))
    of every population that records spikes, as PopulationSpikes."""
    st = simulator.state
    out = []
    for pop in st.populations:
        ids = set().union(*(ids for var, ids in pop.recorder.recorded.items()
                            if getattr(var, "name", var) == "spikes"))
        if not ids:
            continue
        first = int(pop.first_id)
        ids = sorted(int(i) for i in ids)
        neurons, times = pop.recorder._get_spiketimes(ids)
        out.append(PopulationSpikes(
            label=pop.label, size=pop.size, recorded=np.asarray(ids, np.int64) - first,
            neurons=np.asarray(neurons, np.int64) - first, times=np.asarray(times, np.float64),
            t_start=pop.recorder._first_tick() * st.dt, t_stop=st.t))
    return out


def provenance() -> dict:
    """Provenance of all runs of the current segment, as the hardware reports it."""
    st = simulator.state
    if not st.results:
        raise NeurochipError("provenance(): nothing has run yet in this segment; call run() first")
    totals = {}
    for _, res in st.results:
        for k, v in res.provenance().items():
            totals[k] = max(totals.get(k, 0), v) if k == "max_cycles_per_tick" else totals.get(k, 0) + v
    clock = st.mapping.program.clock_hz if st.mapping is not None else CLOCK_HZ
    totals["cycle_budget_per_tick"] = cycle_budget(st.dt, clock)  # real time
    totals["time_scale_factor"] = st.time_scale_factor  # the budget the post-run check uses
    if st.emulation is not None:  # how the host ran it (the results do not depend on it)
        totals["threads"] = st.emulation.threads_now
        totals["stretch_ticks"] = st.emulation.stretch
        totals["delegated_poisson_synapses"] = st.emulation.program.direct.n
        if st.emulation.rank_loads:  # under mpirun: each process's share of the last run
            totals["ranks"] = st.emulation.rank_loads
    return json.loads(json.dumps(totals))
