"""Stochastic synapses (PyNN's SimpleStochasticSynapse) on the core.

A stochastic row is ``[count, then per synapse: word, threshold, synapse id]``.
Each spike crosses each synapse with probability p: the synapse draws
``u = hash(seed, synapse id, spike tick)`` (a splitmix64 finaliser; the draw is
a function of the synapse and the time only, so it does not depend on where
the synapse was placed) and transmits when ``u < threshold`` (``threshold =
round(p * (2**32 - 1))``; the largest value always transmits).
"""

import numba
import numpy as np

from .fixed import sat_ring_add
from .jit_cache import INNER

__all__ = ["ST_WORDS", "ST_HEADER", "stochastic_row", "draw", "P_ALWAYS"]

ST_WORDS = 3
ST_HEADER = 1
P_ALWAYS = 0xFFFFFFFF


def draw(seed, sid, stamp):
    """The uint32 draw of synapse ``sid`` for a spike stamped ``stamp`` (reference)."""
    m = (1 << 64) - 1
    z = (seed ^ (sid * 0x9E3779B97F4A7C15) ^ (stamp * 0xD1B54A32D192ED03)) & m
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & m
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & m
    return (z ^ (z >> 31)) >> 32


@numba.njit(cache=True, inline="always")
def _draw(seed, sid, stamp):
    z = np.uint64(seed) ^ (np.uint64(sid) * np.uint64(0x9E3779B97F4A7C15)) \
        ^ (np.uint64(stamp) * np.uint64(0xD1B54A32D192ED03))
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return (z ^ (z >> np.uint64(31))) >> np.uint64(32)


@numba.njit(**INNER)
def stochastic_row(syn, syn_wf, row, stamp, ring, base, rmask, tt, seed, float_syn):
    """Process one stochastic row; returns (synapses that transmitted, saturations)."""
    cnt = np.int64(syn[row])
    sent = 0
    sat = 0
    for k in range(cnt):
        a = row + ST_HEADER + ST_WORDS * k
        thresh = np.uint64(syn[a + 1])
        if thresh != np.uint64(P_ALWAYS) and _draw(seed, syn[a + 2], stamp) >= thresh:
            continue
        word = np.int64(syn[a])
        slot = base + ((word + tt) & rmask)
        sent += 1
        if float_syn:
            ring[slot] += syn_wf[a]
        else:
            sat += sat_ring_add(ring, slot, word >> 16)
    return sent, sat
