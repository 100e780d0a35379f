"""Rate schedules of sPyNNaker's SpikeSourcePoissonVariable: each neuron's windows
``(rate, start, duration)`` become segments on the time grid.

sPyNNaker's meaning: a neuron's rate k is on from ``starts[k]`` for ``durations[k]`` ms, and
at most until ``starts[k+1]`` (the next rate takes over there); outside the windows
(before the first start, in gaps, after the last) it sends nothing. Times follow the
other Poisson sources (:func:`neurochip.mapping.neurons.poisson_window`): a window
``[start, stop)`` sends spikes stamped in ticks ``[round(start/dt) + 1, round(stop/dt) + 1)``.

The parameters are ``(size, k)`` arrays (``rates`` Hz, ``starts`` and ``durations`` ms);
a neuron with fewer windows fills the rest with windows of duration 0, which send
nothing. A segment begins at a tick and draws at one rate until the next segment
begins: a window is a segment at its rate, a gap a segment at rate 0.
"""

from __future__ import annotations

import numpy as np

from .errors import MappingError

__all__ = ["rate_segments", "SCHEDULED_MODELS"]

SCHEDULED_MODELS = ("SpikeSourcePoissonVariable",)


def _per_neuron(pop, name):
    a = np.asarray(pop.params[name], np.float64)
    return a.reshape(pop.size, -1) if a.ndim < 2 else a


def rate_segments(pop, dt: float) -> tuple:
    """``(seg_lo, seg_tick, seg_rate, start, end)`` of a SpikeSourcePoissonVariable
    population: neuron i's segments are ``seg_lo[i]:seg_lo[i+1]`` (the tick each begins
    at, its rate in Hz), and it is on in ticks ``[start[i], end[i])`` (both 0: never)."""
    where = f"population {pop.label!r}"
    rates, starts, durations = (_per_neuron(pop, n) for n in ("rates", "starts", "durations"))
    if not rates.shape == starts.shape == durations.shape:
        raise MappingError(f"{where}: rates {rates.shape[1:]}, starts {starts.shape[1:]} and "
                           f"durations {durations.shape[1:]} must give one value per window: "
                           f"give a start and a duration for each rate")
    for name, a in (("rate", rates), ("start", starts), ("duration", durations)):
        if np.any(a < 0):
            i, k = np.argwhere(a < 0)[0]
            raise MappingError(f"{where}: neuron {i}: {name} {a[i, k]:g} of window {k} must be "
                               f">= 0")
    bad = np.diff(starts, axis=1) < 0
    if np.any(bad):
        i = int(np.argwhere(bad)[0][0])
        raise MappingError(f"{where}: the starts of neuron {i}, {starts[i].tolist()} ms, are not "
                           f"in increasing order; give each neuron's rates, starts and "
                           f"durations in time order")
    first = np.rint(starts / dt).astype(np.int64) + 1
    last = np.rint((starts + durations) / dt).astype(np.int64) + 1
    lo, ticks, seg_rates = [0], [], []
    start = np.zeros(pop.size, np.int64)
    end = np.zeros(pop.size, np.int64)
    for i in range(pop.size):
        segs = []  # (tick, rate), ticks increasing
        stop = 0
        for k in range(rates.shape[1]):
            a = first[i, k]
            b = last[i, k] if k + 1 == rates.shape[1] else min(last[i, k], first[i, k + 1])
            if b <= a:
                continue  # an empty window
            if segs and stop < a:
                segs.append((stop, 0.0))  # a gap since the last window
            if segs and segs[-1][0] == a:
                segs.pop()
            segs.append((a, float(rates[i, k])))
            stop = b
        if segs:
            start[i], end[i] = segs[0][0], stop
        ticks += [t for t, _ in segs]
        seg_rates += [r for _, r in segs]
        lo.append(len(ticks))
    return (np.array(lo, np.int64), np.array(ticks, np.int64), np.array(seg_rates, np.float64),
            start, end)
