"""sPyNNaker's stochastic recurrent STDP rule on the core (``RecurrentRule``; with
``dual_fsm=False`` ``timing_recurrent_pre_stochastic`` with ``timing_recurrent_common.h``,
with ``dual_fsm=True`` ``timing_recurrent_dual_fsm``).

Each synapse is a small state machine with an accumulator. A pre spike opens a *pre
window*, a post spike a *post window*, each of a random length drawn from an exponential
distribution (a table of ``floor(-mean log(1 - i/2048))`` ticks, ``i`` uniform in
0..2047, as sPyNNaker's). States IDLE, PRE_OPEN, POST_OPEN:

- post spike: IDLE -> POST_OPEN (draw a post window); POST_OPEN: within the window of
  the previous post spike -> IDLE, else a new post window; PRE_OPEN: at the pre spike's
  own time -> IDLE; within the pre window -> the accumulator steps up (at
  ``accumulator_potentiation`` it resets to 0 and the weight is potentiated once) and
  IDLE; else -> POST_OPEN with a new post window;
- pre spike (only once the neuron has fired: sPyNNaker's "a post spike ever"): IDLE ->
  PRE_OPEN (draw); PRE_OPEN: within the window -> IDLE, else a new pre window; POST_OPEN:
  at the last post spike's time -> IDLE; within the post window -> the accumulator steps
  down (at ``accumulator_depression``: reset, depression) and IDLE; else PRE_OPEN with a
  new pre window.

With ``dual_fsm=True`` there is no state machine per synapse, only its accumulator: every
pre spike draws a pre window and every post spike a post window; a post spike (seen)
``0 < h < pre window`` after the previous pre spike steps the accumulator up, a pre spike
``h < post window`` after the last post spike seen steps it down (once the neuron has
fired), with the same limits and resets. sPyNNaker draws one pre window per row (shared
by the synapses of a source on a core) and one post window per neuron; here each
synapse draws its own (the same distribution; drawn again from the hash when needed, so
nothing is stored).

Potentiation and depression are the weight dependence's with a trace of 1 (multiplicative:
``A+ (w_max - w)``, ``A- (w - w_min)``; additive ``A± w_max``). Deferred to the pre spikes
as all STDP here: the whole delay is dendritic, post spikes are seen one delay late, and
"within" means a time difference ``0 < h < window`` (h counted between the seen times).

The draws: sPyNNaker takes them from one generator per core, in the order the core
works; here a draw is ``hash(seed, synapse id, 2 t + kind)`` (:func:`neurochip.emulator.stochastic.draw`,
top 11 bits; kind 0 a pre window at pre time t, 1 a post window at seen time t), a
function of the synapse and the time only, so results do not depend on placement,
threads or stretches, and a float64 reference can draw the same numbers.

Row kind ``DYN_RECURRENT``: the STDP row's header, then per synapse ``[word, state,
synapse id]``; ``state = window | fsm << 16 | (accumulator + 128) << 24``. The weight half
of the word as :mod:`neurochip.emulator.stdp` (relative to w_max); float arithmetic keeps
the weight in ``syn_wf`` (the state is integer in both).
"""

import numba
import numpy as np

from .fixed import sat_ring_add
from .jit_cache import INNER
from .stdp import (
    RI_ACC_DEP,
    RI_ACC_POT,
    RI_DUAL,
    RI_TO_RING,
    TRACE_ONE,
    W16,
    carry_learned,
    depress,
    potentiate,
    seen_since,
    unit_like,
)
from .stochastic import _draw

__all__ = ["RC_HEADER", "RC_WORDS", "IDLE", "PRE_OPEN", "POST_OPEN", "ACC_BIAS", "WINDOW_ENTRIES",
           "recurrent_row", "window_tables", "carry_recurrent_state", "RI_ACC_DEP", "RI_ACC_POT"]

RC_HEADER = 4
RC_WORDS = 3
IDLE, PRE_OPEN, POST_OPEN = 0, 1, 2
ACC_BIAS = 128            # the accumulator is held in 8 bits, biased
WINDOW_ENTRIES = 2048     # STDP_FIXED_POINT_ONE entries, as sPyNNaker's tables
DRAW_SHIFT = 21           # a 32-bit draw -> 11 bits
NONE = -(1 << 40)         # "no post spike yet"
# (the parameter set's window tables: Plasticity.window_lut[set, 0 pre / 1 post])


def window_tables(mean_ticks) -> np.ndarray:
    """``(len(mean_ticks), WINDOW_ENTRIES)`` int32: ``floor(-mean log(1 - i/2048))``
    (sPyNNaker's ``_write_exp_dist_lut``)."""
    i = np.arange(WINDOW_ENTRIES) / float(WINDOW_ENTRIES)
    m = np.asarray(mean_ticks, np.float64)[:, None]
    return np.minimum(np.floor(-m * np.log(1.0 - i)[None, :]), 0xFFFF).astype(np.int32)


@numba.njit(cache=True, inline="always")
def _window(pl, pid, which, seed, sid, time):
    u = _draw(seed, sid, np.int64(2) * time + which) >> np.uint64(DRAW_SHIFT)
    return np.int64(pl.window_lut[pid, which, u])


@numba.njit(cache=True)
def _step(w, st, post, time, t_last, last_post, pid, pl, seed, sid):
    """One event through the state machine: a post spike seen at ``time`` (``post``) or
    the pre spike at ``time``; returns (w, st)."""
    win = st & 0xFFFF
    fsm = (st >> 16) & 3
    acc = ((st >> 24) & 0xFF) - ACC_BIAS
    ri = pl.rule_i[pid]
    one = unit_like(w)
    if post:
        if fsm == IDLE:
            fsm, win = POST_OPEN, _window(pl, pid, 1, seed, sid, time)
        elif fsm == POST_OPEN:
            if last_post != NONE and time - last_post < win:
                fsm = IDLE
            else:
                win = _window(pl, pid, 1, seed, sid, time)
        else:  # PRE_OPEN
            h = time - t_last
            if h == 0:
                fsm = IDLE
            elif h < win:
                if acc < ri[RI_ACC_POT]:
                    acc += 1
                else:
                    acc = 0
                    w = potentiate(w, one, one * 0, pid, pl)
                fsm = IDLE
            else:
                fsm, win = POST_OPEN, _window(pl, pid, 1, seed, sid, time)
    else:
        if fsm == IDLE:
            fsm, win = PRE_OPEN, _window(pl, pid, 0, seed, sid, time)
        elif fsm == PRE_OPEN:
            if time - t_last < win:
                fsm = IDLE
            else:
                win = _window(pl, pid, 0, seed, sid, time)
        else:  # POST_OPEN
            h = time - last_post
            if h == 0:
                fsm = IDLE
            elif h < win:
                if acc > ri[RI_ACC_DEP]:
                    acc -= 1
                else:
                    acc = 0
                    w = depress(w, one, one * 0, pid, pl)
                fsm = IDLE
            else:
                fsm, win = PRE_OPEN, _window(pl, pid, 0, seed, sid, time)
    return w, win | (fsm << 16) | ((acc + ACC_BIAS) << 24)


@numba.njit(cache=True)
def _dual(w, st, post, time, t_last, last_post, pid, pl, seed, sid):
    """One event of the dual-FSM form: (w, st), st holding only the accumulator."""
    acc = ((st >> 24) & 0xFF) - ACC_BIAS
    ri = pl.rule_i[pid]
    one = unit_like(w)
    if post:
        h = time - t_last
        if t_last > 0 and 0 < h < _window(pl, pid, 0, seed, sid, t_last):
            if acc < ri[RI_ACC_POT]:
                acc += 1
            else:
                acc = 0
                w = potentiate(w, one, one * 0, pid, pl)
    elif time - last_post < _window(pl, pid, 1, seed, sid, last_post):
        if acc > ri[RI_ACC_DEP]:
            acc -= 1
        else:
            acc = 0
            w = depress(w, one, one * 0, pid, pl)
    return w, (acc + ACC_BIAS) << 24


@numba.njit(cache=True)
def _learn(w, st, t_last, stamp, d, hr, pid, pl, seed, sid):
    """One synapse's (w, state, lost) after a pre spike stamped ``stamp`` (delay ``d``)
    onto history ``hr``: the post spikes seen in ``(t_last, stamp]``, then the pre spike."""
    hist_t = pl.hist_t
    cap = hist_t.shape[1] - 1
    m = pl.hist_n[hr]
    while m > 0 and hist_t[hr, (m - 1) & cap] > stamp:
        m -= 1
    oldest, j, lost = seen_since(hist_t, hr, cap, m, pl.history, d, t_last)
    last_post = hist_t[hr, (j - 1) & cap] + d if j - 1 >= oldest else np.int64(NONE)
    dual = pl.rule_i[pid, RI_DUAL] != 0
    for q in range(j, m):
        seen = hist_t[hr, q & cap] + d
        if seen > stamp:
            break
        if dual:
            w, st = _dual(w, st, True, seen, t_last, last_post, pid, pl, seed, sid)
        else:
            w, st = _step(w, st, True, seen, t_last, last_post, pid, pl, seed, sid)
        last_post = seen
    if last_post != NONE:  # sPyNNaker: the pre spike acts once the neuron has fired
        if dual:
            w, st = _dual(w, st, False, stamp, t_last, last_post, pid, pl, seed, sid)
        else:
            w, st = _step(w, st, False, stamp, t_last, last_post, pid, pl, seed, sid)
    return w, st, lost


@numba.njit(**INNER)
def recurrent_row(syn, syn_wf, row, stamp, ring, tt, at, pid, pl, seed, float_syn):
    """Process the recurrent-rule row at ``syn[row]`` (parameter set ``pid``) for a pre
    spike stamped ``stamp`` (arguments as :func:`neurochip.emulator.stdp.stdp_row`, and
    the draws' ``seed``). Returns (synapses, ring saturations, history losses)."""
    base, rmask, lo, nb, tb, dmask = at
    cnt = np.int64(syn[row])
    stamp = np.int64(stamp)
    t_last = np.int64(syn[row + 1])
    ri = pl.rule_i[pid]
    imask = (np.int64(1) << nb) - 1
    sat = 0
    lost = 0
    for k in range(cnt):
        a = row + RC_HEADER + RC_WORDS * k
        word = np.int64(syn[a])
        st = np.int64(syn[a + 1])
        sid = np.int64(syn[a + 2])
        d = (word >> tb) & dmask
        hr = np.int64(pl.hist_row[lo + (word & imask)])
        slot = base + ((word + tt) & rmask)
        if float_syn:
            w, st, miss = _learn(syn_wf[a], st, t_last, stamp, d, hr, pid, pl, seed, sid)
            syn_wf[a] = w
            ring[slot] += w
        else:
            W, st, miss = _learn((word >> 16) << 16, st, t_last, stamp, d, hr, pid, pl, seed, sid)
            w16 = min((W + 0x8000) >> 16, W16)
            syn[a] = np.uint32((w16 << 16) | (word & 0xFFFF))
            sat += sat_ring_add(ring, slot, (w16 * ri[RI_TO_RING] + (np.int64(1) << 31)) >> 32)
        syn[a + 1] = np.uint32(st)
        lost += miss
    syn[row + 1] = np.uint32(stamp)
    syn[row + 2] = np.uint32(TRACE_ONE)  # (no pre trace: marks that a pre spike came)
    return cnt, sat, lost


def carry_recurrent_state(syn, syn_wf, old_syn, old_wf, row):
    """Carry a recurrent-rule row over (:func:`~.stdp.carry_learned`): its last pre stamp,
    learned weights and state machines (the synapse ids come from the new program; of the
    float twins only the weights' are ever read)."""
    carry_learned(syn, syn_wf, old_syn, old_wf, row, RC_HEADER, RC_WORDS, whole=(1,))
