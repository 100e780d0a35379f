"""Dopamine-modulated STDP on the core (sPyNNaker's ``izhikevich_neuromodulation``).

Izhikevich (2007): each plastic synapse has a weight ``w`` and an eligibility trace
``c``; STDP changes ``c`` (the STDP rule's timing and weight dependence, ``c`` held in
the weight dependence's ``[w_min, w_max]``), ``c`` decays with ``tau_c``, and the weight
follows ``dw/dt = c D`` with ``D`` the neuron's dopamine trace (decays with ``tau_d``,
``+concentration`` at each reward spike, ``-concentration`` at each punishment spike).
Between two events ``c`` and ``D`` are exponentials, so the change is exact:
``dw = c D K (1 - exp(-dt/tau_c) exp(-dt/tau_d))``, ``K = 1 / (1/tau_c + 1/tau_d)`` (ms).

Two row kinds:

- ``DYN_DOPAMINE`` (the reward and punishment projections): ``[count, then per synapse
  the static word]`` whose weight half is the signed concentration (s4.11, int16); a spike
  through the row puts a *dopamine entry* into each target's post-spike history at the
  spike's stamp (no ring-buffer input, the delay is not used, as sPyNNaker's).
- ``DYN_NEUROMOD`` (the STDP projections onto a population with dopamine input): the
  STDP row's header, then per synapse ``[word, c]``: the word's weight half relative to
  the Neuromodulation's ``w_max`` (as :mod:`neurochip.emulator.stdp`), ``c`` in the
  STDP update's ``W`` units relative to the weight dependence's ``w_max``.

A history entry is ``(stamp, post trace, dopamine trace D, dopamine increment,
is-dopamine)``: a post spike adds 1 to the decayed post trace and decays D; a dopamine
entry decays the post trace and adds its increment to the decayed D (sPyNNaker's
``post_events_with_da.h``). A post spike comes before a dopamine entry of the same
stamp; dopamine entries of one stamp merge (sPyNNaker keeps one entry per packet: the
same weights, fewer history slots). Dopamine packets arrive in the deliveries, after the
stretch's post spikes are in the history: an entry is inserted at its stamp's place and
the traces after it are worked out again in stamp order, so the history is what a
tick-by-tick machine holds (the ring has room for two entries per tick of a stretch).

At a pre spike stamped ``t`` through a synapse of delay ``d`` (as sPyNNaker's
``synapse_dynamics_stdp_izhikevich_neuromodulation.c``): starting at the last pre
stamp with ``D`` of the entry before the window (decayed to it), every entry seen
(stamp + d) in ``(t_last, t]`` in turn adds ``dw`` over the time since the previous
event with the previous entry's ``D``, decays ``c`` and, for a post spike, potentiates
``c`` with the pre trace; then the pre spike adds ``dw`` up to ``t``, decays ``c`` and
depresses it with the post trace (entries seen strictly before ``t``, as
:mod:`neurochip.emulator.stdp`). The weight is clipped to the Neuromodulation's
``[w_min, w_max]`` once, at the end (as sPyNNaker), ``c`` after every change.

Fixed point: traces s4.11, decays from the tables of :func:`neurochip.emulator.stdp.trace_tables`;
D saturates at +-``DA_MAX`` (s4.11 words); ``dw`` in ``W`` units is
``((c (D (1 - e_c e_d))) coef) >> shift``, products rounded to nearest.
"""

import numba
import numpy as np
from numba import types
from numba.extending import overload

from .contract import DYN_DOPAMINE, DYN_NEUROMOD
from .fixed import sat_ring_add
from .jit_cache import INNER
from .stdp import (
    HALF_TRACE,
    RF_NM_COEF,
    RF_NM_WMAX,
    RF_NM_WMIN,
    RI_NM_COEF,
    RI_NM_SHIFT,
    RI_NM_WMAX,
    RI_NM_WMIN,
    RI_PRE_LUT,
    RI_TAU_C,
    RI_TAU_D,
    RI_TIMING,
    RI_TO_RING,
    T_NEAREST,
    TRACE_BITS,
    TRACE_ONE,
    W16,
    carry_learned,
    decay_trace,
    depress,
    like,
    potentiate,
    seen_since,
    trace_one,
    unit_like,
)

__all__ = ["NM_HEADER", "NM_WORDS", "DA_HEADER", "DA_WORDS", "DA_MAX", "neuromod_row",
           "dopamine_row", "retrace", "record_post_dopamine", "carry_neuromod_state",
           "target_without_dopamine"]

NM_HEADER = 4  # as the STDP row: count, last pre stamp, pre trace, (unused)
NM_WORDS = 2   # the word, the eligibility trace c
DA_HEADER = 1
DA_WORDS = 1
DA_MAX = (1 << 20) - 1  # |D| in s4.11 words (512.0): keeps dw's products in 64 bits


@numba.njit(cache=True)
def retrace(hr, q0, pl):
    """Work out the traces of history ``hr``'s entries ``q0`` on (in its neuron's count)
    from the entry before each: post trace and dopamine trace D (see the module)."""
    hist_t, hist_tr, hist_da = pl.hist_t, pl.hist_tr, pl.hist_da
    cap = hist_t.shape[1] - 1
    ref = hist_tr[hr, 0]
    one = trace_one(hist_tr)
    zero = one * 0
    lut_p, lut_d = pl.hist_lut[hr], pl.hist_lut_d[hr]
    nearest = pl.hist_nearest[hr]
    for q in range(q0, pl.hist_n[hr]):
        p = q & cap
        dop = pl.hist_isd[hr, p] != 0
        tr = zero
        da = zero
        if q > 0:
            pp = (q - 1) & cap
            dt = hist_t[hr, p] - hist_t[hr, pp]
            tr = decay_trace(like(hist_tr[hr, pp], ref), dt, pl.lut, pl.lut_shift, pl.lut_tau, lut_p)
            da = decay_trace(like(hist_da[hr, pp], ref), dt, pl.lut, pl.lut_shift, pl.lut_tau, lut_d)
        if dop:
            da += like(pl.hist_inc[hr, p], ref)
        elif nearest:
            tr = one
        else:
            tr += one
        hist_tr[hr, p] = tr
        hist_da[hr, p] = clamp_da(da)


@numba.njit(**INNER)
def record_post_dopamine(spk, a, b, stamp, pl):
    """Append the spikes ``spk[a:b]`` (stamped ``stamp``) of neurons whose history keeps a
    dopamine trace to it (:func:`neurochip.emulator.stdp.record_post_spikes` does the
    others)."""
    cap = pl.hist_t.shape[1] - 1
    for s in range(a, b):
        hr = pl.hist_row[spk[s]]
        if hr < 0 or pl.hist_lut_d[hr] < 0:
            continue
        n = pl.hist_n[hr]
        pl.hist_t[hr, n & cap] = stamp
        pl.hist_isd[hr, n & cap] = 0
        pl.hist_inc[hr, n & cap] = 0
        pl.hist_n[hr] = n + 1
        retrace(hr, n, pl)


@numba.njit(cache=True)
def _insert_dopamine(hr, stamp, conc, pl):
    """A dopamine entry of increment ``conc`` at ``stamp`` in history ``hr``: after every
    entry of stamp <= ``stamp``, merged with a dopamine entry of the same stamp."""
    hist_t = pl.hist_t
    cap = hist_t.shape[1] - 1
    n = pl.hist_n[hr]
    p = n
    while p > 0 and hist_t[hr, (p - 1) & cap] > stamp:
        p -= 1
    if p > 0 and hist_t[hr, (p - 1) & cap] == stamp and pl.hist_isd[hr, (p - 1) & cap] != 0:
        pl.hist_inc[hr, (p - 1) & cap] += conc
        retrace(hr, p - 1, pl)
        return
    for q in range(n, p, -1):  # the later entries move up one place
        s, e = (q - 1) & cap, q & cap
        hist_t[hr, e] = hist_t[hr, s]
        pl.hist_isd[hr, e] = pl.hist_isd[hr, s]
        pl.hist_inc[hr, e] = pl.hist_inc[hr, s]
    hist_t[hr, p & cap] = stamp
    pl.hist_isd[hr, p & cap] = 1
    pl.hist_inc[hr, p & cap] = conc
    pl.hist_n[hr] = n + 1
    retrace(hr, p, pl)


@numba.njit(**INNER)
def dopamine_row(syn, syn_wf, row, stamp, at, pl, float_syn):
    """A reward or punishment spike stamped ``stamp`` through the row at ``syn[row]``:
    a dopamine entry in each target's history. Returns (synapses, 0, 0)."""
    lo, nb = at[2], at[3]
    imask = (np.int64(1) << nb) - 1
    cnt = np.int64(syn[row])
    ref = pl.hist_tr[0, 0]
    for k in range(cnt):
        a = row + DA_HEADER + k
        word = np.int64(syn[a])
        hr = np.int64(pl.hist_row[lo + (word & imask)])
        v = (word >> 16) & 0xFFFF
        if v >= 0x8000:
            v -= 0x10000
        conc = like(syn_wf[a], ref) if float_syn else like(v, ref)
        _insert_dopamine(hr, np.int64(stamp), conc, pl)
    return cnt, 0, 0


def reward_step(w, c, D, dt, pid, pl):
    """``(w, c)`` after ``dt`` ticks with dopamine trace ``D`` (at the start): w gains
    ``c D K (1 - e_c e_d)``, c decays by ``e_c`` (jitted only: see the overload)."""
    raise NotImplementedError("jitted only")


@overload(reward_step)
def _reward_step(w, c, D, dt, pid, pl):
    if isinstance(c, types.Float):
        def fimpl(w, c, D, dt, pid, pl):
            ri = pl.rule_i[pid]
            ec = decay_trace(1.0, dt, pl.lut, pl.lut_shift, pl.lut_tau, ri[RI_TAU_C])
            if D != 0:
                ed = decay_trace(1.0, dt, pl.lut, pl.lut_shift, pl.lut_tau, ri[RI_TAU_D])
                w += pl.rule_f[pid, RF_NM_COEF] * c * D * (1.0 - ec * ed)
            return w, c * ec
        return fimpl

    def impl(w, c, D, dt, pid, pl):
        ri = pl.rule_i[pid]
        one = np.int64(TRACE_ONE)
        ec = decay_trace(one, dt, pl.lut, pl.lut_shift, pl.lut_tau, ri[RI_TAU_C])
        if D != 0:
            ed = decay_trace(one, dt, pl.lut, pl.lut_shift, pl.lut_tau, ri[RI_TAU_D])
            e = (ec * ed + HALF_TRACE) >> TRACE_BITS
            z = (D * (TRACE_ONE - e) + HALF_TRACE) >> TRACE_BITS
            t = (c * z + HALF_TRACE) >> TRACE_BITS
            s = ri[RI_NM_SHIFT]
            w += (t * ri[RI_NM_COEF] + (np.int64(1) << (s - 1))) >> s
        return w, (c * ec + HALF_TRACE) >> TRACE_BITS
    return impl


def clip_weight(w, pid, pl):
    """``w`` clipped to the Neuromodulation's ``[w_min, w_max]`` (jitted only)."""
    raise NotImplementedError("jitted only")


@overload(clip_weight)
def _clip_weight(w, pid, pl):
    if isinstance(w, types.Float):
        return lambda w, pid, pl: min(max(w, pl.rule_f[pid, RF_NM_WMIN]), pl.rule_f[pid, RF_NM_WMAX])
    return lambda w, pid, pl: min(max(w, pl.rule_i[pid, RI_NM_WMIN]), pl.rule_i[pid, RI_NM_WMAX])


def clamp_da(da):
    """A dopamine trace held to +-DA_MAX in fixed point (float: as it is)."""
    return da if isinstance(da, float) else min(max(int(da), -DA_MAX), DA_MAX)


@overload(clamp_da)
def _clamp_da(da):
    if isinstance(da, types.Float):
        return lambda da: da
    return lambda da: min(max(da, -DA_MAX), DA_MAX)


@numba.njit(cache=True)
def _nm_learn(w, c, kpre, t_last, stamp, d, hr, pid, pl):
    """One synapse's ``(w, c, lost)`` after a pre spike stamped ``stamp`` (delay ``d``)
    onto history ``hr``; ``kpre`` the pre trace just after ``t_last`` (see the module)."""
    hist_t, hist_isd = pl.hist_t, pl.hist_isd
    cap = hist_t.shape[1] - 1
    ri = pl.rule_i[pid]
    zero = unit_like(kpre) * 0
    # the history a tick-by-tick machine holds at this pre spike: entries of stamp <=
    # stamp, less the dopamine entries of this very stamp (they come after the pre spikes)
    m = pl.hist_n[hr]
    while m > 0 and (hist_t[hr, (m - 1) & cap] > stamp
                     or (hist_t[hr, (m - 1) & cap] == stamp and hist_isd[hr, (m - 1) & cap] != 0)):
        m -= 1
    oldest, j, lost = seen_since(hist_t, hr, cap, m, pl.history, d, t_last)
    D = zero
    if j - 1 >= oldest:  # the dopamine trace at t_last
        p = (j - 1) & cap
        D = decay_trace(like(pl.hist_da[hr, p], kpre), t_last - hist_t[hr, p] - d, pl.lut,
                        pl.lut_shift, pl.lut_tau, pl.hist_lut_d[hr])
    prev = t_last
    for q in range(j, m):
        p = q & cap
        seen = hist_t[hr, p] + d
        if seen > stamp:
            break
        w, c = reward_step(w, c, D, seen - prev, pid, pl)
        if hist_isd[hr, p] == 0:
            c = potentiate(c, decay_trace(kpre, seen - t_last, pl.lut, pl.lut_shift, pl.lut_tau,
                                          ri[RI_PRE_LUT]), zero, pid, pl)
        D = like(pl.hist_da[hr, p], kpre)
        prev = seen
    w, c = reward_step(w, c, D, stamp - prev, pid, pl)
    e = m - 1  # the newest entry seen strictly before the pre spike: the post trace
    while e >= oldest and hist_t[hr, e & cap] + d >= stamp:
        e -= 1
    kpost = zero
    if e >= oldest:
        kpost = decay_trace(like(pl.hist_tr[hr, e & cap], kpre), stamp - d - hist_t[hr, e & cap],
                            pl.lut, pl.lut_shift, pl.lut_tau, pl.hist_lut[hr])
    c = depress(c, kpost, zero, pid, pl)
    return clip_weight(w, pid, pl), c, lost


@numba.njit(**INNER)
def neuromod_row(syn, syn_wf, row, stamp, ring, tt, at, pid, pl, float_syn):
    """Process the neuromodulated plastic row at ``syn[row]`` (parameter set ``pid``) for
    a pre spike stamped ``stamp`` (arguments as :func:`neurochip.emulator.stdp.stdp_row`).
    Returns (synapses, ring saturations, synapses whose history entries fell out)."""
    base, rmask, lo, nb, tb, dmask = at
    cnt = np.int64(syn[row])
    stamp = np.int64(stamp)
    t_last = np.int64(syn[row + 1])
    ri = pl.rule_i[pid]
    imask = (np.int64(1) << nb) - 1
    h = stamp - t_last
    kpre = np.int64(syn[row + 2])
    kpre_f = syn_wf[row + 2] if float_syn else 0.0
    sat = 0
    lost = 0
    for k in range(cnt):
        a = row + NM_HEADER + NM_WORDS * k
        word = np.int64(syn[a])
        d = (word >> tb) & dmask
        hr = np.int64(pl.hist_row[lo + (word & imask)])
        slot = base + ((word + tt) & rmask)
        if float_syn:
            w, c, miss = _nm_learn(syn_wf[a], syn_wf[a + 1], kpre_f, t_last, stamp, d, hr, pid, pl)
            syn_wf[a] = w
            syn_wf[a + 1] = c
            ring[slot] += w
        else:
            W, C, miss = _nm_learn((word >> 16) << 16, np.int64(syn[a + 1]), kpre, t_last, stamp,
                                   d, hr, pid, pl)
            w16 = min((W + 0x8000) >> 16, W16)
            syn[a] = np.uint32((w16 << 16) | (word & 0xFFFF))
            syn[a + 1] = np.uint32(C)
            sat += sat_ring_add(ring, slot, (w16 * ri[RI_TO_RING] + (np.int64(1) << 31)) >> 32)
        lost += miss
    nearest = ri[RI_TIMING] == T_NEAREST
    if float_syn:
        syn_wf[row + 2] = 1.0 if nearest else decay_trace(
            kpre_f, h, pl.lut, pl.lut_shift, pl.lut_tau, ri[RI_PRE_LUT]) + 1.0
    syn[row + 2] = np.uint32(TRACE_ONE if nearest else decay_trace(
        kpre, h, pl.lut, pl.lut_shift, pl.lut_tau, ri[RI_PRE_LUT]) + TRACE_ONE)
    syn[row + 1] = np.uint32(stamp)
    return cnt, sat, lost


def carry_neuromod_state(syn, syn_wf, old_syn, old_wf, row):
    """Carry a neuromodulated row over (:func:`~.stdp.carry_learned`): its last pre stamp,
    pre trace, learned weights and eligibility traces."""
    carry_learned(syn, syn_wf, old_syn, old_wf, row, NM_HEADER, NM_WORDS, whole=(1,))


@numba.njit(cache=True)
def target_without_dopamine(sv, hist_row, hist_lut_d, neuron_lo, idx_bits):
    """The first neuron a neuromodulated or dopamine synapse of ``sv`` targets that keeps
    no dopamine trace in its history, -1 if none (a program check)."""
    for dc in range(len(sv.mpt_lo) - 1):
        imask = (np.int64(1) << idx_bits[dc]) - 1
        for e in range(sv.mpt_lo[dc], sv.mpt_lo[dc + 1]):
            for b in range(sv.mpt_dyn_lo[e], sv.mpt_dyn_lo[e + 1]):
                kind = sv.dyn_kind[b]
                if kind != DYN_NEUROMOD and kind != DYN_DOPAMINE:
                    continue
                head, step = (NM_HEADER, NM_WORDS) if kind == DYN_NEUROMOD else (DA_HEADER, DA_WORDS)
                for local in range(sv.mpt_n[e]):
                    row = sv.dyn_row_lo[b] + local * sv.dyn_stride[b]
                    for k in range(np.int64(sv.syn[row])):
                        g = neuron_lo[dc] + (np.int64(sv.syn[row + head + step * k]) & imask)
                        if hist_row[g] < 0 or hist_lut_d[hist_row[g]] < 0:
                            return g
    return -1
