"""One tick of an on-core Poisson-type source: shared by the source cores and by the
delegated sources that run on their targets' cores (:mod:`neurochip.emulator.direct`), which
must draw exactly alike.

Every Poisson-type source draws a Poisson *count* of events per tick, as NEST's
``poisson_generator`` and sPyNNaker's fast sources do: one uniform u0.32 draw of
the source's KISS generator, inverted through the table ``P(K <= k)`` of its mean
count per tick (u0.32 thresholds, the last ``2**32``; one table per distinct mean).
A Bernoulli draw per tick would have the right mean but the variance of a
Bernoulli variable, ``p(1 - p)`` instead of ``p``: 10 times too little at 0.9
spikes per tick. A source may so send several spikes in one tick.

A source with a rate schedule (sPyNNaker's SpikeSourcePoissonVariable) draws, each tick,
on the count table of the schedule's segment that holds the tick (:func:`rate_segment`).
"""

import numba
import numpy as np

from .rng import kiss_next

__all__ = ["source_tick", "spikes_of_draw", "rate_segment", "count_draw", "guide_tables", "GUIDE_BITS",
           "COUNT_ONE"]

GUIDE_BITS = 8  # the count search starts from a guide indexed by the draw's top bits
COUNT_ONE = 1 << 32  # the last threshold of every count table: every draw stops there


@numba.njit(cache=True, inline="always")
def count_draw(u, lo, cdf, guide, guide_lo):
    """The count ``k`` of a draw ``u`` (uint64 below ``2**32``) on the table starting at
    ``cdf[lo]``: the number of thresholds ``cdf[lo + j] <= u``."""
    # unsigned indices: no wrap-around of a negative index for numba to add
    j = np.uint64(lo + guide[np.uint64(guide_lo + np.int64(u >> np.uint64(32 - GUIDE_BITS)))])
    while u >= cdf[j]:
        j += np.uint64(1)
    return np.int64(j) - lo


@numba.njit(cache=True, inline="always")
def source_tick(src, i):
    """Source ``i`` of ``src`` (a SourceView or DirectView of :mod:`neurochip.emulator.views`:
    its KISS state ``rng[i]``, counters ``count[i]``: dead ticks left, events since its
    last spike) for one tick in which it is on; returns the number of spikes it sends. A
    Poisson count of events on its table (``cdf_lo[i]``, guide row ``guide_lo[i]``); every
    ``every[i]``-th event is a spike (a gamma process of that order), and ``refrac[i]``
    ticks without draws follow a spike (dead time: a source with one sends at most one
    spike per tick)."""
    count = src.count
    if count[i, 0] > 0:  # dead time after a spike
        count[i, 0] -= 1
        return 0
    return spikes_of_draw(src, i, np.uint64(kiss_next(src.rng[i])))


@numba.njit(cache=True, inline="always")
def spikes_of_draw(src, i, u):
    """The rest of :func:`source_tick` once source ``i`` has drawn ``u`` (out of its dead
    time): the count of events on its table, and the spikes they make."""
    count = src.count
    k = count_draw(u, src.cdf_lo[i], src.cdf, src.guide, src.guide_lo[i])
    every = src.every[i]
    refrac = src.refrac[i]
    if every == 1 and refrac == 0:  # the plain Poisson source
        return k
    if k == 0:
        return 0
    events = count[i, 1] + k
    spikes = events // every
    count[i, 1] = events - spikes * every
    if spikes > 0 and refrac > 0:
        count[i, 0] = refrac
        count[i, 1] = 0
        return 1
    return spikes


@numba.njit(cache=True, inline="always")
def rate_segment(src, i, tick):
    """Point source ``i`` of ``src`` (a SourceView) at the count table of its schedule's
    segment that holds ``tick`` (the last one beginning at or before it; ``tick`` is at
    or after the first, the source's start)."""
    a, b = src.sched_lo[i], src.sched_lo[i + 1]
    j = a + np.searchsorted(src.sched_tick[a:b], tick, side="right") - 1
    src.cdf_lo[i] = src.sched_cdf_lo[j]
    src.guide_lo[i] = src.sched_guide_lo[j]


def guide_tables(cdf_lo, cdf):
    """Per count table and value of a draw's top ``GUIDE_BITS`` bits, the first count the
    search can end on (every threshold before it is at most the bucket's lowest draw):
    ``(guide, guide_lo)``, ``guide_lo[e]`` the guide row of entry ``e``. Derived at
    load, like the routing walk; the counts are the plain search's."""
    cdf_lo = np.asarray(cdf_lo, np.int64)
    starts = np.unique(cdf_lo)
    bounds = np.r_[starts, len(cdf)]
    buckets = np.arange(1 << GUIDE_BITS, dtype=np.uint64) << np.uint64(32 - GUIDE_BITS)
    guide = np.zeros(max(len(starts), 1) << GUIDE_BITS, np.int64)
    for r, (a, b) in enumerate(zip(bounds[:-1], bounds[1:])):
        guide[r << GUIDE_BITS:(r + 1) << GUIDE_BITS] = np.searchsorted(cdf[a:b], buckets,
                                                                      side="right")
    row = np.searchsorted(starts, cdf_lo)
    return guide, (row << GUIDE_BITS).astype(np.int64)
