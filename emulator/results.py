"""RunResult: what one run of the emulated machine gives back."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .cores import COUNTERS

__all__ = ["RunResult"]


@dataclass(frozen=True, eq=False)
class RunResult:
    """Raw recordings and provenance of ticks ``[t0, t1)``.

    Attributes
    ----------
    t0, t1 : int
        Tick range run.
    spike_ticks, spike_neurons : (m,) int64
        Recorded spikes: the tick each was produced in (time stamp
        ``(tick + 1) * dt``) and the global neuron index, in tick order (a source that
        sends m spikes in one tick appears m times).
    state_samples : (t1 - t0, k) int32 or float64
        Recorded state; sample ``r`` is the state at time ``(t0 + r + 1) * dt``.
    state_neuron, state_column : (k,) int64
        Which neuron and state column each recorded column is.
    counters : (n_cores, len(COUNTERS)) int64
        Per-core provenance for this run (``max_cycles_per_tick`` is a maximum).
    link_packets : (n_chips, 6) int64; router_packets, default_routed, dropped : (n_chips,) int64
        Exact packet counts through each link and router in this run.
    packets_sent : (n_neurons,) int64
        Packets sent per neuron (key).
    source_samples : (t1 - t0, n_sources) int32 or float64
        Each current source's value in each tick (REAL nA in fixed point).
    """

    t0: int
    t1: int
    spike_ticks: np.ndarray
    spike_neurons: np.ndarray
    state_samples: np.ndarray
    state_neuron: np.ndarray
    state_column: np.ndarray
    counters: np.ndarray
    link_packets: np.ndarray
    router_packets: np.ndarray
    default_routed: np.ndarray
    dropped: np.ndarray
    packets_sent: np.ndarray
    source_samples: np.ndarray

    def counter(self, name: str) -> np.ndarray:
        """Per-core values of provenance counter ``name`` (see ``COUNTERS``)."""
        return self.counters[:, COUNTERS.index(name)]

    def provenance(self) -> dict:
        """Machine-wide totals, as the hardware's provenance reports them."""
        out = {name: int(self.counters[:, i].sum()) for i, name in enumerate(COUNTERS)
               if name != "max_cycles_per_tick"}
        out["max_cycles_per_tick"] = int(self.counter("max_cycles_per_tick").max(initial=0))
        out["cores_overrunning"] = int((self.counter("overrun_ticks") > 0).sum())
        out["dropped_packets"] = int(self.dropped.sum())
        out["default_routed_packets"] = int(self.default_routed.sum())
        out["link_packets"] = int(self.link_packets.sum())
        return out
