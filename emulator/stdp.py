"""Spike-timing-dependent plasticity on the core, as the hardware does it.

A plastic row (kind ``DYN_STDP``) is ``[count, last pre stamp, pre trace r1, second pre
trace r2 (the triplet rule's), then per synapse one word]``; the word is the static
synaptic word (weight:16 | delay:D | type:T | index:N), its weight half the learned
weight, held relative to the projection's ``w_max`` (``w = w16 / 65535 * w_max``: 16 bits
of resolution for the learning whatever the ring's weight shift; sPyNNaker holds it in
ring units, which at a large shift leaves a weight only a few bits). Float arithmetic
keeps the weight (ring units) and the pre traces in the float twins ``syn_wf`` at the
same places.

Everything is deferred to the pre-synaptic spikes (NEST's ``stdp_synapse`` and
sPyNNaker's ``synapse_dynamics_stdp_mad``). The whole delay ``d`` is dendritic: the
synapse sees a pre spike at its emission stamp ``t`` and a post spike of stamp ``p`` at
``p + d``. At a pre spike through the row, for each synapse:

1. every post spike seen in ``(t_last, t]`` potentiates, oldest first, by the weight
   dependence's F(w, K+), K+ the pre trace just after ``t_last`` decayed to ``p + d``;
2. the pre spike depresses by D(w, K-), K- the post trace at ``t`` (post spikes seen
   strictly before ``t``); Vogels2011 instead adds ``eta K-`` and takes ``eta alpha``;
   the Pfister triplet rule (all-to-all, as NEST's ``stdp_triplet_synapse``) potentiates
   by ``w_max r1 (A+ + A3+ o2)`` with o2 the slow post trace just before the post spike,
   and depresses by ``w_max o1 (A- + A3- r2)`` with r2 the slow pre trace just before the
   pre spike;
3. the weight (clipped to ``[w_min, w_max]`` after every change) goes to the ring buffer.

Then the row's pre trace and ``t_last`` are updated. Post spikes come from a per-neuron
history (:func:`record_post_spikes`, filled with each stretch's spikes before its deliveries): an
entry is ``(stamp, post trace just after the spike)``, ``history`` (H) entries long as
sPyNNaker's. The physical ring holds ``H + stretch`` entries and a pre spike stamped
``t`` reads only "the H most recent entries of stamp <= t", exactly what a
tick-by-tick machine with H entries holds at that moment: weights do not depend on the
stretch or the threads. A pre spike whose window reaches past the oldest of those H
entries while an older one would have counted is counted (``stdp_history_lost``).

Fixed point: traces are s4.11 (``TRACE_ONE`` = 2048) held in 32 bits; decays come from a
table per time constant (:func:`trace_tables`) indexed by the tick difference; products
round to nearest. Weights are updated in ``W = w16 << 16`` (16 more fraction bits) within
one pre spike and rounded back to 16 bits when written.
"""

import math

import numba
import numpy as np
from numba import types
from numba.extending import overload

from .contract import DYN_STDP
from .fixed import sat_ring_add
from .jit_cache import INNER

__all__ = ["STDP_HEADER", "STDP_WORDS", "TRACE_ONE", "W_ONE", "T_PAIR", "T_NEAREST", "T_VOGELS", "T_TRIPLET",
           "D_ADDITIVE", "D_MULTIPLICATIVE", "D_ADD_MULT", "D_GUTIG", "RULE_I", "RULE_F",
           "POW_POINTS", "stdp_row", "record_post_spikes", "trace_tables", "carry_learned",
           "carry_stdp_state", "decay_trace", "trace_one", "target_without_history", "copy_histories"]

STDP_HEADER = 4
STDP_WORDS = 1
TRACE_BITS = 11
TRACE_ONE = 1 << TRACE_BITS       # 1.0 in s4.11
HALF_TRACE = 1 << (TRACE_BITS - 1)
W16 = 0xFFFF                      # w_max in the weight half of a plastic word
W_ONE = W16 << 16                 # w_max in the update's W units
LUT_MAX = 4096                    # longest decay table; beyond it the tick difference is coarsened
POW_POINTS = 1024                 # intervals of the Gutig power tables

# timing rules and weight dependences (the codes of rule_i[:, RI_TIMING / RI_DEP])
T_PAIR, T_NEAREST, T_VOGELS, T_TRIPLET = 0, 1, 2, 3
D_ADDITIVE, D_MULTIPLICATIVE, D_ADD_MULT, D_GUTIG = 0, 1, 2, 3

# columns of a parameter set (one per plastic projection): integer (fixed point) ...
RULE_I = ("timing", "dependence", "pre_lut", "post_lut", "a_plus", "a_minus", "a_plus24",
          "a_minus24", "w_min", "w_max", "to_ring", "alpha_eta", "pre2_lut", "a3_plus",
          "a3_minus")
(RI_TIMING, RI_DEP, RI_PRE_LUT, RI_POST_LUT, RI_AP, RI_AM, RI_AP24, RI_AM24, RI_WMIN, RI_WMAX,
 RI_TO_RING, RI_AE, RI_PRE2_LUT, RI_AP3, RI_AM3) = range(len(RULE_I))
# ... and float (float arithmetic; weights in ring units)
RULE_F = ("a_plus", "a_minus", "a_plus_rel", "a_minus_rel", "w_min", "w_max", "mu_plus",
          "mu_minus", "alpha_eta", "a3_plus", "a3_minus")
(RF_AP, RF_AM, RF_APR, RF_AMR, RF_WMIN, RF_WMAX, RF_MUP, RF_MUM, RF_AE, RF_AP3,
 RF_AM3) = range(len(RULE_F))
# dopamine-modulated STDP (emulator.neuromodulation) adds its own columns: decay tables
# of the eligibility (tau_c) and dopamine (tau_d) traces, the weight update's constant
# (mantissa, shift) and the weight's bounds
RULE_I = RULE_I + ("tau_c_lut", "tau_d_lut", "nm_coef", "nm_shift", "nm_w_min", "nm_w_max")
RI_TAU_C, RI_TAU_D, RI_NM_COEF, RI_NM_SHIFT, RI_NM_WMIN, RI_NM_WMAX = range(RI_AM3 + 1, len(RULE_I))
RULE_F = RULE_F + ("nm_coef", "nm_w_min", "nm_w_max")
RF_NM_COEF, RF_NM_WMIN, RF_NM_WMAX = range(RF_AM3 + 1, len(RULE_F))
# sPyNNaker's recurrent rule (emulator.recurrent): its accumulator limits, as sPyNNaker
# holds them (depression + 1, potentiation - 1)
T_RECURRENT = 4
RULE_I = RULE_I + ("acc_dep_plus_one", "acc_pot_minus_one", "dual_fsm")
RI_ACC_DEP, RI_ACC_POT, RI_DUAL = range(RI_NM_WMAX + 1, len(RULE_I))


def trace_tables(tau_ticks) -> tuple:
    """``(lut, shift)``: per time constant (ticks) a table of ``exp(-i * 2**shift / tau)``
    in s4.11, long enough to reach 0 (at most ``LUT_MAX`` entries: a longer time constant
    reads it at ``2**shift``-tick resolution, rounding the difference to nearest), zero-padded
    to one width."""
    tau = np.asarray(tau_ticks, np.float64)
    need = np.ceil(tau * math.log(2.0 * TRACE_ONE)).astype(np.int64) + 2
    shift = np.zeros(len(tau), np.int32)
    while np.any(need > LUT_MAX << shift):
        shift += need > LUT_MAX << shift
    width = int(max(1, min(LUT_MAX, int(need.max(initial=1)))))
    i = np.arange(width)[None, :] * (1 << shift.astype(np.int64))[:, None]
    lut = np.rint(np.exp(-i / tau[:, None]) * TRACE_ONE).astype(np.int32)
    return lut, shift


def decay_trace(k, dt, luts, shift, taus, lid):
    """Trace ``k`` decayed over ``dt`` ticks with time constant ``lid`` (reference)."""
    if isinstance(k, float):
        return k * math.exp(-dt / taus[lid])
    i = (dt + ((1 << shift[lid]) >> 1)) >> shift[lid]
    return 0 if i >= luts.shape[1] else (int(k) * int(luts[lid, i]) + HALF_TRACE) >> TRACE_BITS


@overload(decay_trace)
def _decay_trace(k, dt, luts, shift, taus, lid):
    if isinstance(k, types.Float):
        def fimpl(k, dt, luts, shift, taus, lid):
            return k * math.exp(-dt / taus[lid])
        return fimpl

    def impl(k, dt, luts, shift, taus, lid):
        s = np.int64(shift[lid])
        i = (np.int64(dt) + ((np.int64(1) << s) >> 1)) >> s
        if i >= luts.shape[1]:
            return np.int64(0)
        return (np.int64(k) * np.int64(luts[lid, i]) + HALF_TRACE) >> TRACE_BITS
    return impl


def trace_one(hist_tr):
    """1.0 in the arithmetic of the trace array ``hist_tr`` (reference)."""
    return 1.0 if hist_tr.dtype.kind == "f" else TRACE_ONE


@overload(trace_one)
def _trace_one(hist_tr):
    if isinstance(hist_tr.dtype, types.Float):
        return lambda hist_tr: 1.0
    return lambda hist_tr: np.int64(TRACE_ONE)


@numba.njit(**INNER)
def record_post_spikes(spk, a, b, stamp, pl):
    """Append the spikes ``spk[a:b]`` (global neuron indices, stamped ``stamp``) of neurons
    with a post-spike history to it (``pl``: the PlasticView). An entry's trace is the
    post trace just after the spike: all-to-all, the previous one decayed plus 1;
    nearest-pair, 1; a history with a second (triplet) time constant keeps that trace too."""
    hist_t, hist_tr, hist_tr2 = pl.hist_t, pl.hist_tr, pl.hist_tr2
    cap = hist_t.shape[1] - 1
    one = trace_one(hist_tr)
    for s in range(a, b):
        hr = pl.hist_row[spk[s]]
        if hr < 0 or (len(pl.hist_da) > 0 and pl.hist_lut_d[hr] >= 0):
            continue  # (a history with dopamine: emulator.neuromodulation records it)
        n = pl.hist_n[hr]
        tr = one
        if n > 0 and not pl.hist_nearest[hr]:
            prev = (n - 1) & cap
            tr = decay_trace(hist_tr[hr, prev], stamp - hist_t[hr, prev], pl.lut, pl.lut_shift,
                             pl.lut_tau, pl.hist_lut[hr]) + one
        lid2 = pl.hist_lut2[hr]
        if lid2 >= 0:
            tr2 = one
            if n > 0:
                prev = (n - 1) & cap
                tr2 = decay_trace(hist_tr2[hr, prev], stamp - hist_t[hr, prev], pl.lut,
                                  pl.lut_shift, pl.lut_tau, lid2) + one
            hist_tr2[hr, n & cap] = tr2
        hist_t[hr, n & cap] = stamp
        hist_tr[hr, n & cap] = tr
        pl.hist_n[hr] = n + 1


@numba.njit(cache=True, inline="always")
def _pow_fx(wpow, pid, which, num, den):
    """``(num / den) ** mu`` in u0.16 from the parameter set's table (linear between its
    ``POW_POINTS + 1`` points); ``num`` in ``[0, den]``."""
    if num <= 0:
        return wpow[pid, which, 0]
    f = num << 10
    i = f // den
    if i >= POW_POINTS:
        return wpow[pid, which, POW_POINTS]
    lo = wpow[pid, which, i]
    return lo + ((wpow[pid, which, i + 1] - lo) * (f - i * den)) // den


@numba.njit(cache=True, inline="always")
def _potentiate_fx(W, K, ri, wpow, pid):
    dep = ri[RI_DEP]
    if dep == D_MULTIPLICATIVE:
        dW = ((((ri[RI_WMAX] - W) * ri[RI_AP24]) >> 24) * K + HALF_TRACE) >> TRACE_BITS
    elif dep == D_GUTIG:
        x = _pow_fx(wpow, pid, 0, ri[RI_WMAX] - W, ri[RI_WMAX])
        dW = (((ri[RI_AP] * x) >> 16) * K + HALF_TRACE) >> TRACE_BITS
    else:
        dW = (ri[RI_AP] * K + HALF_TRACE) >> TRACE_BITS
    return min(W + dW, ri[RI_WMAX])


@numba.njit(cache=True, inline="always")
def _depress_fx(W, K, ri, wpow, pid):
    dep = ri[RI_DEP]
    if dep == D_MULTIPLICATIVE or dep == D_ADD_MULT:
        dW = ((((W - ri[RI_WMIN]) * ri[RI_AM24]) >> 24) * K + HALF_TRACE) >> TRACE_BITS
    elif dep == D_GUTIG:
        x = _pow_fx(wpow, pid, 1, W, ri[RI_WMAX])
        dW = (((ri[RI_AM] * x) >> 16) * K + HALF_TRACE) >> TRACE_BITS
    else:
        dW = (ri[RI_AM] * K + HALF_TRACE) >> TRACE_BITS
    return max(W - dW, ri[RI_WMIN])


@numba.njit(cache=True, inline="always")
def _potentiate_f(w, K, rf, dep):
    if dep == D_MULTIPLICATIVE:
        dw = rf[RF_APR] * (rf[RF_WMAX] - w) * K
    elif dep == D_GUTIG:
        dw = rf[RF_AP] * max(1.0 - w / rf[RF_WMAX], 0.0) ** rf[RF_MUP] * K
    else:
        dw = rf[RF_AP] * K
    return min(w + dw, rf[RF_WMAX])


@numba.njit(cache=True, inline="always")
def _depress_f(w, K, rf, dep):
    if dep == D_MULTIPLICATIVE or dep == D_ADD_MULT:
        dw = rf[RF_AMR] * (w - rf[RF_WMIN]) * K
    elif dep == D_GUTIG:
        dw = rf[RF_AM] * max(w / rf[RF_WMAX], 0.0) ** rf[RF_MUM] * K
    else:
        dw = rf[RF_AM] * K
    return max(w - dw, rf[RF_WMIN])


def like(x, ref):
    """``x`` in the arithmetic of ``ref``: int64 for an integer, float64 for a float
    (reference; both branches of a row compile for both arithmetics)."""
    return float(x) if isinstance(ref, float) else int(x)


@overload(like)
def _like(x, ref):
    if isinstance(ref, types.Float):
        return lambda x, ref: np.float64(x)
    return lambda x, ref: np.int64(x)


def unit_like(ref):
    """A trace of 1.0 in the arithmetic of ``ref`` (s4.11 for an integer; reference)."""
    return 1.0 if isinstance(ref, float) else TRACE_ONE


@overload(unit_like)
def _unit_like(ref):
    if isinstance(ref, types.Float):
        return lambda ref: 1.0
    return lambda ref: np.int64(TRACE_ONE)


def potentiate(w, k, o2, pid, pl):
    """Weight ``w`` after one post spike seen with pre trace ``k`` (and, for the triplet
    rule, slow post trace ``o2`` just before it), clipped (reference: see the overload)."""
    raise NotImplementedError("jitted only")


@overload(potentiate)
def _potentiate(w, k, o2, pid, pl):
    if isinstance(w, types.Float):
        def fimpl(w, k, o2, pid, pl):
            rf = pl.rule_f[pid]
            if pl.rule_i[pid, RI_TIMING] == T_TRIPLET:
                return min(w + k * (rf[RF_AP] + rf[RF_AP3] * o2), rf[RF_WMAX])
            return _potentiate_f(w, k, rf, pl.rule_i[pid, RI_DEP])
        return fimpl

    def impl(w, k, o2, pid, pl):
        ri = pl.rule_i[pid]
        if ri[RI_TIMING] == T_TRIPLET:
            dW = ((ri[RI_AP] * k + HALF_TRACE) >> TRACE_BITS) + (
                (((ri[RI_AP3] * k + HALF_TRACE) >> TRACE_BITS) * o2 + HALF_TRACE) >> TRACE_BITS)
            return min(w + dW, ri[RI_WMAX])
        return _potentiate_fx(w, k, ri, pl.wpow, pid)
    return impl


def depress(w, k, r2, pid, pl):
    """Weight ``w`` after the pre spike with post trace ``k`` (and, for the triplet rule,
    slow pre trace ``r2`` just before it), clipped (reference: see the overload)."""
    raise NotImplementedError("jitted only")


@overload(depress)
def _depress(w, k, r2, pid, pl):
    if isinstance(w, types.Float):
        def fimpl(w, k, r2, pid, pl):
            rf = pl.rule_f[pid]
            timing = pl.rule_i[pid, RI_TIMING]
            if timing == T_VOGELS:  # eta K- up, eta alpha down
                return max(_potentiate_f(w, k, rf, D_ADDITIVE) - rf[RF_AE], rf[RF_WMIN])
            if timing == T_TRIPLET:
                return max(w - k * (rf[RF_AM] + rf[RF_AM3] * r2), rf[RF_WMIN])
            return _depress_f(w, k, rf, pl.rule_i[pid, RI_DEP])
        return fimpl

    def impl(w, k, r2, pid, pl):
        ri = pl.rule_i[pid]
        timing = ri[RI_TIMING]
        if timing == T_VOGELS:
            return max(_potentiate_fx(w, k, ri, pl.wpow, pid) - ri[RI_AE], ri[RI_WMIN])
        if timing == T_TRIPLET:
            dW = ((ri[RI_AM] * k + HALF_TRACE) >> TRACE_BITS) + (
                (((ri[RI_AM3] * k + HALF_TRACE) >> TRACE_BITS) * r2 + HALF_TRACE) >> TRACE_BITS)
            return max(w - dW, ri[RI_WMIN])
        return _depress_fx(w, k, ri, pl.wpow, pid)
    return impl


@numba.njit(cache=True, inline="always")
def seen_since(hist_t, hr, cap, m, history, d, t_last):
    """Of post-spike history ``hr`` as a tick-by-tick machine holds it at a pre spike (its
    ``history`` most recent entries before the spike count ``m``, from ``oldest``): the
    first entry seen after ``t_last`` through delay ``d``. Returns ``(oldest, j, lost)``,
    ``lost`` 1 if post spikes that were needed fell out of the history."""
    oldest = max(m - history, 0)
    j = m
    while j > oldest and hist_t[hr, (j - 1) & cap] + d > t_last:
        j -= 1
    lost = 1 if (t_last > 0 and j == oldest and oldest > 0
                 and hist_t[hr, (oldest - 1) & cap] + d > t_last) else 0
    return oldest, j, lost


@numba.njit(cache=True, inline="always")
def _learn(w, kpre, r2, t_last, stamp, d, hr, pid, pl):
    """One synapse's weight ``w`` (W units in fixed point, ring units in float) after a pre
    spike stamped ``stamp`` through it (delay ``d``) onto history ``hr``: the post spikes
    seen since ``t_last`` potentiate with the pre trace ``kpre`` (just after ``t_last``),
    then the pre spike depresses (``r2``: the triplet rule's slow pre trace just before
    it). Returns (the new weight, 1 if post spikes it needed fell out of the history)."""
    hist_t = pl.hist_t
    cap = hist_t.shape[1] - 1
    ri = pl.rule_i[pid]
    one = unit_like(kpre)
    # the history as a tick-by-tick machine holds it at this pre spike: the `history`
    # most recent entries of stamp <= stamp, [oldest, m) in the neuron's spike count
    m = pl.hist_n[hr]
    while m > 0 and hist_t[hr, (m - 1) & cap] > stamp:
        m -= 1
    oldest, j, lost = seen_since(hist_t, hr, cap, m, pl.history, d, t_last)
    for q in range(j, m):
        seen = hist_t[hr, q & cap] + d
        if seen > stamp:
            break
        o2 = like(pl.hist_tr2[hr, q & cap], kpre) - one if ri[RI_TIMING] == T_TRIPLET else one * 0
        w = potentiate(w, decay_trace(kpre, seen - t_last, pl.lut, pl.lut_shift, pl.lut_tau,
                                      ri[RI_PRE_LUT]), o2, pid, pl)
    e = m - 1  # the newest entry seen strictly before the pre spike: the post trace
    while e >= oldest and hist_t[hr, e & cap] + d >= stamp:
        e -= 1
    kpost = one * 0
    if e >= oldest:
        kpost = decay_trace(like(pl.hist_tr[hr, e & cap], kpre), stamp - d - hist_t[hr, e & cap],
                            pl.lut, pl.lut_shift, pl.lut_tau, pl.hist_lut[hr])
    return depress(w, kpost, r2, pid, pl), lost


@numba.njit(**INNER)
def stdp_row(syn, syn_wf, row, stamp, ring, tt, at, pid, pl, float_syn):
    """Process the plastic row at ``syn[row]`` (parameter set ``pid``) for a pre spike
    stamped ``stamp``; ``at`` is the target core's ``(ring base, ring mask, first neuron,
    index bits, type + index bits, delay mask)``, ``tt`` the stamp's ring offset. Returns
    (synapses, ring saturations, synapses whose post spikes fell out of the history)."""
    base, rmask, lo, nb, tb, dmask = at
    cnt = np.int64(syn[row])
    stamp = np.int64(stamp)
    t_last = np.int64(syn[row + 1])
    ri = pl.rule_i[pid]
    timing = ri[RI_TIMING]
    luts, shifts, taus = pl.lut, pl.lut_shift, pl.lut_tau
    imask = (np.int64(1) << nb) - 1
    h = stamp - t_last
    # the row's pre traces: r1 just after the last pre spike, r2 (the triplet rule's)
    # just before this one, in each arithmetic
    triplet = timing == T_TRIPLET
    kpre = np.int64(syn[row + 2])
    r2 = decay_trace(np.int64(syn[row + 3]), h, luts, shifts, taus, ri[RI_PRE2_LUT]) \
        if triplet else np.int64(0)
    kpre_f = syn_wf[row + 2] if float_syn else 0.0
    r2_f = decay_trace(syn_wf[row + 3], h, luts, shifts, taus, ri[RI_PRE2_LUT]) \
        if float_syn and triplet else 0.0
    sat = 0
    lost = 0
    for k in range(cnt):
        a = row + STDP_HEADER + k
        word = np.int64(syn[a])
        d = (word >> tb) & dmask
        hr = np.int64(pl.hist_row[lo + (word & imask)])
        slot = base + ((word + tt) & rmask)
        if float_syn:
            w, miss = _learn(syn_wf[a], kpre_f, r2_f, t_last, stamp, d, hr, pid, pl)
            syn_wf[a] = w
            ring[slot] += w
        else:
            W, miss = _learn((word >> 16) << 16, kpre, r2, t_last, stamp, d, hr, pid, pl)
            w16 = min((W + 0x8000) >> 16, W16)
            syn[a] = np.uint32((w16 << 16) | (word & 0xFFFF))
            sat += sat_ring_add(ring, slot, (w16 * ri[RI_TO_RING] + (np.int64(1) << 31)) >> 32)
        lost += miss
    # the row's pre traces just after this spike, and its stamp
    if float_syn:
        syn_wf[row + 2] = 1.0 if timing == T_NEAREST else decay_trace(
            kpre_f, h, luts, shifts, taus, ri[RI_PRE_LUT]) + 1.0
        syn_wf[row + 3] = r2_f + 1.0 if triplet else 0.0
    syn[row + 2] = np.uint32(TRACE_ONE if timing == T_NEAREST else decay_trace(
        kpre, h, luts, shifts, taus, ri[RI_PRE_LUT]) + TRACE_ONE)
    if triplet:
        syn[row + 3] = np.uint32(r2 + TRACE_ONE)
    syn[row + 1] = np.uint32(stamp)
    return cnt, sat, lost


def carry_learned(syn, syn_wf, old_syn, old_wf, row, header, per=1, whole=()):
    """Carry a learning row (``header`` words, then ``per`` words per synapse) over from an
    emulation of the same layout: its header after the count (last pre stamp, traces),
    each synapse's learned weight (the high half of its first word) and its words at
    offsets ``whole`` (an eligibility trace, a state machine), with their float twins; the
    control halves, parameters and other words come from the new program. The row kinds
    of plain STDP, dopamine-modulated STDP and the recurrent rule carry theirs with it."""
    syn[row + 1:row + header] = old_syn[row + 1:row + header]
    n = int(syn[row])
    a = row + header
    words = slice(a, a + per * n, per)
    syn[words] = (old_syn[words] & 0xFFFF0000) | (syn[words] & 0xFFFF)
    for k in whole:
        kept = slice(a + k, a + per * n, per)
        syn[kept] = old_syn[kept]
    if len(syn_wf):
        syn_wf[row + 2:row + header] = old_wf[row + 2:row + header]
        syn_wf[a:a + per * n] = old_wf[a:a + per * n]


def carry_stdp_state(syn, syn_wf, old_syn, old_wf, row):
    """Carry a plastic row over (:func:`carry_learned`): its last pre stamp, pre traces
    and learned weights."""
    carry_learned(syn, syn_wf, old_syn, old_wf, row, STDP_HEADER)


@numba.njit(cache=True)
def target_without_history(sv, hist_row, neuron_lo, idx_bits):
    """The first neuron a plastic synapse of ``sv`` (a SynapseView) targets that keeps no
    post-spike history, -1 if none (a program check)."""
    for dc in range(len(sv.mpt_lo) - 1):
        imask = (np.int64(1) << idx_bits[dc]) - 1
        for e in range(sv.mpt_lo[dc], sv.mpt_lo[dc + 1]):
            for b in range(sv.mpt_dyn_lo[e], sv.mpt_dyn_lo[e + 1]):
                if sv.dyn_kind[b] != DYN_STDP:
                    continue
                for local in range(sv.mpt_n[e]):
                    row = sv.dyn_row_lo[b] + local * sv.dyn_stride[b]
                    for k in range(np.int64(sv.syn[row])):
                        g = neuron_lo[dc] + (np.int64(sv.syn[row + STDP_HEADER + k]) & imask)
                        if hist_row[g] < 0:
                            return g
    return -1


def copy_histories(old_n, new_n, pairs):
    """Carry post-spike histories over to rings of another length (a new stretch): the
    most recent entries that fit both; ``pairs``: (old, new) arrays of the entries
    (stamps and traces)."""
    new_n[:] = old_n
    pairs = [(o, n) for o, n in pairs if len(o) and len(n)]  # (no triplet trace: none)
    if not pairs:
        return
    keep = min(min(o.shape[1] for o, _ in pairs), min(n.shape[1] for _, n in pairs))
    for back in range(1, keep + 1):
        seq = old_n - back
        ok = seq >= 0
        rows = np.flatnonzero(ok)
        for old, new in pairs:
            new[rows, seq[ok] & (new.shape[1] - 1)] = old[rows, seq[ok] & (old.shape[1] - 1)]
