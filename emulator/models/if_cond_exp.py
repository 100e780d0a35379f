"""IF_cond_exp: leaky integrate-and-fire with exponentially decaying conductances.

Units on the core: mV, nS (conductances and weights, 1000 x PyNN's uS), pA for
currents (nS x mV). Per tick, in the reference order:

1. ``g_syn += ring slot << shift`` (nS) for each synapse type (done by the caller);
2. not refractory: ``n_sub`` classical Runge-Kutta (RK4) steps of
   ``C dV/dt = g_L (E_L - V) + g_e (E_e - V) + g_i (E_i - V) + I``, each using the
   conductances at the start, middle and end of the sub-step (they decay
   exactly); refractory: count down and hold V (clamped at V_reset, as NEST does);
3. ``V >= V_thresh``: spike, ``V = V_reset``, timer = refractory ticks;
4. conductances decay over the tick (exactly, sub-step by sub-step).

The voltage equation is nonlinear only through the product g*V. The midpoint
(RK2) step used before has a local error of order (h/tau_eff)**3: under strong
input (tau_eff of a millisecond or two) its 0.1 ms steps put spikes a tick or
more after NEST's (whose iaf_cond_exp integrates with an adaptive RKF45) and
lowered the VA COBA benchmark's rate; RK4's error is of order (h/tau_eff)**5, and
the spikes of ``tests/test_nest_timing.py`` fall in NEST's ticks. ``n_sub`` is
chosen on the host so that each sub-step is at most 0.1 ms.

Components: exponential conductance shaping per receptor (``EXP_COND``: the decays over
half and whole sub-steps), conductance input, the RK4 conductance membrane
(``LIF_COND_RK4``; V and the conductances advance together, so the sub-step loop is
here), static threshold. A core's neurons advance together, loop by loop over the columns
(:func:`tick_columns`): the loops run in SIMD lanes.
"""

import numba

from ..fixed import decay, mul_real, mul_ufract, ring_to_real, sat_real
from .components import columns, host_steps, index
from .components import input_type as inp
from .components import membrane as mem
from .components import shaping as sh
from .components import threshold as th

NAME = "IF_cond_exp"
COLUMNS = True  # a core's neurons in loops over its columns (tick_columns), not step
PYNN_PARAMS = ("v_rest", "cm", "tau_m", "tau_refrac", "tau_syn_E", "tau_syn_I", "i_offset",
               "v_reset", "v_thresh", "e_rev_E", "e_rev_I")
CONDUCTANCE = True
WEIGHT_SCALE = 1000.0  # uS -> nS

RECEPTORS = (("excitatory", sh.EXP_COND), ("inhibitory", sh.EXP_COND))
COMPONENTS = (mem.LIF_COND_RK4, inp.CONDUCTANCE, th.STATIC)
HOST = host_steps(RECEPTORS, COMPONENTS)
PARAMS = columns(RECEPTORS, COMPONENTS, (
    "e_leak", "e_exc", "e_inh", "g_leak", "k_full", "k_half", "k_sixth", "decay_e_half",
    "decay_i_half", "decay_e_sub", "decay_i_sub", "i_offset", "v_thresh", "v_reset",
    "refrac_ticks", "n_sub"))
STATE = columns(RECEPTORS, COMPONENTS, ("v", "gsyn_exc", "gsyn_inh", "refrac"), "state")
_P, _S = index(PARAMS), index(STATE)
(P_EL, P_EE, P_EI, P_GL, P_K, P_KH, P_K6, P_DEH, P_DIH, P_DES, P_DIS, P_IOFF, P_VTH, P_VRESET,
 P_REFRAC, P_NSUB) = (_P[n] for n, _ in PARAMS)
S_V, S_GE, S_GI, S_REFRAC = (_S[n] for n, _ in STATE)
RECORD = {"v": (S_V, 1.0), "gsyn_exc": (S_GE, 1e-3), "gsyn_inh": (S_GI, 1e-3)}
INPUT = (S_GE, S_GI)
PYNN_DOC = """
    On the machine: conductances in nS (s16.15), the voltage advanced by classical
    Runge-Kutta (RK4) sub-steps of at most 0.1 ms with exactly decaying conductances.
    """


@numba.njit(cache=True, inline="always")
def _current(g_l, e_l, e_e, e_i, v, ge, gi, i_ext):
    """Membrane current in pA (REAL) at voltage v with conductances ge, gi (nS)."""
    return sat_real(mul_real(g_l, e_l - v) + mul_real(ge, e_e - v) + mul_real(gi, e_i - v) + i_ext)


@numba.njit(cache=True, inline="always")
def tick_columns(P, S, lo, hi, slot, inh, shifts, ring, inj, fired):
    """Advance neurons ``lo .. hi - 1`` (one core) by one tick, column by column (see
    :func:`neurochip.emulator.models.if_curr_exp.tick_columns` for the arguments):
    the inputs, then each RK4 sub-step across the neurons, then the threshold, each a
    loop that runs in SIMD lanes. A neuron with fewer sub-steps than another of its core
    holds its V and conductances through the extra ones. Returns the saturations."""
    sh_e, sh_i = shifts
    m = hi - lo
    # sliced to the core and indexed from 0: see if_curr_exp.tick_columns
    e_l, e_e, e_i, g_l = P[P_EL, lo:hi], P[P_EE, lo:hi], P[P_EI, lo:hi], P[P_GL, lo:hi]
    k, k_half, k_sixth = P[P_K, lo:hi], P[P_KH, lo:hi], P[P_K6, lo:hi]
    d_e_half, d_i_half = P[P_DEH, lo:hi], P[P_DIH, lo:hi]
    d_e_sub, d_i_sub = P[P_DES, lo:hi], P[P_DIS, lo:hi]
    i_off, v_thresh, v_reset = P[P_IOFF, lo:hi], P[P_VTH, lo:hi], P[P_VRESET, lo:hi]
    ticks = P[P_REFRAC, lo:hi]
    n_sub = P[P_NSUB, lo:hi]
    vs, ges, gis, timers = S[S_V, lo:hi], S[S_GE, lo:hi], S[S_GI, lo:hi], S[S_REFRAC, lo:hi]
    ring_e, ring_i, i_inj = ring[slot:slot + m], ring[slot + inh:slot + inh + m], inj[lo:hi]
    sat = 0
    most = 0
    for i in range(m):
        ge, gi, n_in = sh.receive_pair(ges[i], gis[i], ring_to_real(ring_e[i], sh_e),
                                       ring_to_real(ring_i[i], sh_i))
        ring_e[i] = 0
        ring_i[i] = 0
        ges[i] = ge
        gis[i] = gi
        sat += n_in
        most = max(most, int(n_sub[i]))
    for sub in range(most):
        for i in range(m):
            ge = ges[i]
            gi = gis[i]
            v = vs[i]
            i_ext = sat_real(i_off[i] + i_inj[i] * 1000)  # injected current: nA -> pA
            ge_mid = mul_ufract(ge, d_e_half[i])
            gi_mid = mul_ufract(gi, d_i_half[i])
            ge_end = decay(ge, d_e_sub[i])
            gi_end = decay(gi, d_i_sub[i])
            k1 = _current(g_l[i], e_l[i], e_e[i], e_i[i], v, ge, gi, i_ext)
            k2 = _current(g_l[i], e_l[i], e_e[i], e_i[i], sat_real(v + mul_ufract(k1, k_half[i])),
                          ge_mid, gi_mid, i_ext)
            k3 = _current(g_l[i], e_l[i], e_e[i], e_i[i], sat_real(v + mul_ufract(k2, k_half[i])),
                          ge_mid, gi_mid, i_ext)
            k4 = _current(g_l[i], e_l[i], e_e[i], e_i[i], sat_real(v + mul_ufract(k3, k[i])),
                          ge_end, gi_end, i_ext)
            active = sub < n_sub[i]
            vs[i] = mem.rk4_v(v, k1, k2, k3, k4, k_sixth[i]) if active and timers[i] <= 0 else v
            ges[i] = ge_end if active else ge
            gis[i] = gi_end if active else gi
    for i in range(m):
        refractory = timers[i] > 0
        spiked = not refractory and th.reached(vs[i], v_thresh[i])
        fired[i] = spiked
        vs[i] = v_reset[i] if spiked else vs[i]
        timers[i] = timers[i] - 1 if refractory else (ticks[i] if spiked else timers[i])
    return sat
