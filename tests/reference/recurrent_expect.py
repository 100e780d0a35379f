"""Float64 expectation of sPyNNaker's stochastic recurrent STDP rule (``RecurrentRule``;
``dual_fsm=False``: ``timing_recurrent_common.h`` with ``timing_recurrent_pre_stochastic``;
``dual_fsm=True``: ``timing_recurrent_dual_fsm_impl.h``), event by event, for one
synapse, driven by the machine's own random stream.

Dual FSM: a post spike seen ``0 < h < W_pre`` after the previous pre spike steps the
accumulator up (``W_pre`` the window that pre spike drew), a pre spike ``h < W_post``
after the last post spike seen steps it down (``W_post`` that post spike's window; only
once a post spike has been seen); the limits, resets and weight changes as below.

Times are the machine's stamps (a spike recorded at t ms is stamped ``round(t / dt)``);
the synapse sees a post spike one delay late. Events in time order, a post spike before a pre spike of the
same time; the pre spikes act only once some post spike has been seen (sPyNNaker: "a post
spike ever"). The state machine (IDLE, PRE_OPEN, POST_OPEN), the accumulator and the
window draws are those of the rule (see ``neurochip.emulator.recurrent``): a window is
``floor(-mean log(1 - i/2048))`` ticks with ``i`` the top 11 bits of
``draw(seed, synapse id, 2 t + kind)`` (kind 0 pre, 1 post). Potentiation: multiplicative
``A+ (w_max - w)``, additive ``A+ w_max``; depression ``A- (w - w_min)`` / ``A- w_max``;
clipped to ``[w_min, w_max]``.
"""

import math

from neurochip.emulator.stochastic import draw

__all__ = ["recurrent_synapse", "window"]

IDLE, PRE_OPEN, POST_OPEN = 0, 1, 2


def window(mean, seed, sid, t, kind):
    """The window (ticks) a synapse draws at time ``t`` (kind 0 pre, 1 post)."""
    i = draw(int(seed), int(sid), 2 * int(t) + kind) >> 21
    return min(math.floor(-mean * math.log(1.0 - i / 2048.0)), 0xFFFF)


def recurrent_synapse(pre, post, w0, delay, p, seed, sid, dependence="multiplicative",
                      dual=False):
    """``(w, accumulator, state)`` of one synapse after its last pre spike. ``pre``,
    ``post``: stamps; ``p``: accumulator_depression, accumulator_potentiation,
    mean_pre_window, mean_post_window (ticks), A_plus, A_minus, w_min, w_max."""
    events = sorted([(int(t) + delay, 0) for t in post] + [(int(t), 1) for t in pre])
    w, acc, fsm, win = float(w0), 0, IDLE, 0
    t_last, last_post = 0, None
    out = (w, acc, fsm)

    def potentiate(w):
        dw = p["A_plus"] * ((p["w_max"] - w) if dependence == "multiplicative" else p["w_max"])
        return min(w + dw, p["w_max"])

    def depress(w):
        dw = p["A_minus"] * ((w - p["w_min"]) if dependence == "multiplicative" else p["w_max"])
        return max(w - dw, p["w_min"])

    if dual:
        return _dual(events, w, p, seed, sid, potentiate, depress)
    for t, is_pre in events:
        if not is_pre:
            if fsm == IDLE:
                fsm, win = POST_OPEN, window(p["mean_post_window"], seed, sid, t, 1)
            elif fsm == POST_OPEN:
                if last_post is not None and t - last_post < win:
                    fsm = IDLE
                else:
                    win = window(p["mean_post_window"], seed, sid, t, 1)
            elif t == t_last:
                fsm = IDLE
            elif t - t_last < win:
                if acc < p["accumulator_potentiation"] - 1:
                    acc += 1
                else:
                    acc, w = 0, potentiate(w)
                fsm = IDLE
            else:
                fsm, win = POST_OPEN, window(p["mean_post_window"], seed, sid, t, 1)
            last_post = t
            continue
        if last_post is not None:
            if fsm == IDLE:
                fsm, win = PRE_OPEN, window(p["mean_pre_window"], seed, sid, t, 0)
            elif fsm == PRE_OPEN:
                if t - t_last < win:
                    fsm = IDLE
                else:
                    win = window(p["mean_pre_window"], seed, sid, t, 0)
            elif t == last_post:
                fsm = IDLE
            elif t - last_post < win:
                if acc > p["accumulator_depression"] + 1:
                    acc -= 1
                else:
                    acc, w = 0, depress(w)
                fsm = IDLE
            else:
                fsm, win = PRE_OPEN, window(p["mean_pre_window"], seed, sid, t, 0)
        t_last = t
        out = (w, acc, fsm)
    return out


def _dual(events, w, p, seed, sid, potentiate, depress):
    acc, t_last, last_post = 0, 0, None
    out = (w, acc, IDLE)
    for t, is_pre in events:
        if not is_pre:
            if t_last > 0 and 0 < t - t_last < window(p["mean_pre_window"], seed, sid, t_last, 0):
                if acc < p["accumulator_potentiation"] - 1:
                    acc += 1
                else:
                    acc, w = 0, potentiate(w)
            last_post = t
            continue
        if last_post is not None and t - last_post < window(p["mean_post_window"], seed, sid,
                                                            last_post, 1):
            if acc > p["accumulator_depression"] + 1:
                acc -= 1
            else:
                acc, w = 0, depress(w)
        t_last = t
        out = (w, acc, IDLE)
    return out
