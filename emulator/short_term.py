"""Tsodyks-Markram short-term plasticity on the core (plastic synaptic rows).

A plastic row is ``[count, last_tick, then per synapse: word, U, u, x, lut_ids]``
(``TM_WORDS`` words per synapse). On each packet, with ``h`` the ticks since the
row's previous spike (the tsodyks2 form of Fuhrmann et al. 2002, as NEST's
``tsodyks2_synapse``)::

    x <- 1 + (x - x*u - 1) * exp(-h/tau_rec)
    u <- U + u * (1 - U) * exp(-h/tau_facil)      (u = U when tau_facil = 0)
    weight sent to the ring buffer = w * u * x

Fixed point: U, u, x are u0.32 (uint32; 1.0 is held as 2**32 - 1); the decays
come from two 256-entry u0.32 tables per time constant, ``exp(-h/tau) =
hi[h >> 8] * lo[h & 255]`` (exact factorisation), zero beyond 2**16 ticks.
Float: the same words hold floats in ``syn_wf`` and the decays are math.exp.
"""

import math

import numba
import numpy as np

from .fixed import sat_ring_add
from .jit_cache import INNER

__all__ = ["TM_WORDS", "TM_HEADER", "NO_LUT", "tm_row", "decay_tables", "carry_tm_state"]

TM_WORDS = 5
TM_HEADER = 2
NO_LUT = 0xFFFF  # a time constant of 0: no memory from one spike to the next
ONE = np.uint64(1 << 32)
U32_MAX = np.uint64((1 << 32) - 1)


def decay_tables(tau_ticks) -> np.ndarray:
    """``(len(tau_ticks), 2, 256)`` uint32: exp(-256k/tau) and exp(-k/tau) in u0.32."""
    tau = np.asarray(tau_ticks, np.float64)[:, None]
    k = np.arange(256)[None, :]
    hi = np.exp(-256.0 * k / tau)
    lo = np.exp(-1.0 * k / tau)
    out = np.stack([hi, lo], axis=1) * 2.0 ** 32
    return np.minimum(np.rint(out), 2.0 ** 32 - 1).astype(np.uint32)


@numba.njit(cache=True, inline="always")
def _decay_fixed(luts, lid, h):
    if lid == NO_LUT or h >= 65536:
        return np.uint64(0)
    return (np.uint64(luts[lid, 0, h >> 8]) * np.uint64(luts[lid, 1, h & 255])) >> np.uint64(32)


@numba.njit(cache=True, inline="always")
def _decay_float(taus, lid, h):
    if lid == NO_LUT:
        return 0.0
    return math.exp(-h / taus[lid])


@numba.njit(**INNER)
def tm_row(syn, syn_wf, row, stamp, ring, base, rmask, tt, luts, taus, float_syn):
    """Process one plastic row for a spike stamped ``stamp``; returns (synapses, saturations).

    ``ring[base + ((word + tt) & rmask)]`` is each synapse's ring slot, as for static rows.
    """
    cnt = np.int64(syn[row])
    h = np.int64(stamp) - np.int64(syn[row + 1])
    syn[row + 1] = np.uint32(stamp)
    sat = 0
    for k in range(cnt):
        a = row + TM_HEADER + TM_WORDS * k
        word = np.int64(syn[a])
        lids = np.int64(syn[a + 4])
        lid_rec = lids & 0xFFFF
        lid_fac = lids >> 16
        slot = base + ((word + tt) & rmask)
        if float_syn:
            U = syn_wf[a + 1]
            u = syn_wf[a + 2]
            x = syn_wf[a + 3]
            x = 1.0 + (x - x * u - 1.0) * _decay_float(taus, lid_rec, h)
            u = U + u * (1.0 - U) * _decay_float(taus, lid_fac, h)
            syn_wf[a + 2] = u
            syn_wf[a + 3] = x
            ring[slot] += syn_wf[a] * u * x
        else:
            U = np.uint64(syn[a + 1])
            u = np.uint64(syn[a + 2])
            x = np.uint64(syn[a + 3])
            used = ONE - x + ((x * u) >> np.uint64(32))  # 1 - x + x*u, at most 1.0
            x = ONE - ((used * _decay_fixed(luts, lid_rec, h)) >> np.uint64(32))
            u = U + ((((u * (ONE - U)) >> np.uint64(32)) * _decay_fixed(luts, lid_fac, h))
                     >> np.uint64(32))
            x = min(x, U32_MAX)
            u = min(u, U32_MAX)
            syn[a + 2] = np.uint32(u)
            syn[a + 3] = np.uint32(x)
            q = (((np.uint64(word) >> np.uint64(16)) * u) >> np.uint64(32)) * x >> np.uint64(32)
            sat += sat_ring_add(ring, slot, np.int64(q))
    return cnt, sat


def carry_tm_state(syn, syn_wf, old_syn, old_wf, row):
    """Carry the row's last spike tick and each synapse's u and x over from an emulation
    of the same layout (weights, U and the time constants come from the new program)."""
    syn[row + 1] = old_syn[row + 1]
    for k in range(int(syn[row])):
        a = row + TM_HEADER + TM_WORDS * k
        syn[a + 2:a + 4] = old_syn[a + 2:a + 4]
        if len(syn_wf):
            syn_wf[a + 2:a + 4] = old_wf[a + 2:a + 4]
