"""One tick of an on-core Poisson-type source: shared by the source cores and by the
delegated sources that run on their targets' cores (:mod:`emulator.direct`), which
must draw exactly alike."""

import numba

from .rng import kiss_next

__all__ = ["source_tick"]


@numba.njit(cache=True, inline="always")
def source_tick(rng, count, i, thresh, refrac, every):
    """Source ``i`` (its KISS state ``rng[i]``, counters ``count[i]``: dead ticks left,
    events since its last spike) for one tick in which it is on; returns 1 if it spikes.
    A spike when a draw is below ``thresh[i]``, every ``every[i]``-th such event (gamma
    order), followed by ``refrac[i]`` ticks without draws (dead time)."""
    if count[i, 0] > 0:  # dead time after a spike
        count[i, 0] -= 1
    elif kiss_next(rng[i]) < thresh[i]:
        count[i, 1] += 1
        if count[i, 1] >= every[i]:  # gamma order
            count[i, 1] = 0
            count[i, 0] = refrac[i]
            return 1
    return 0
