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
here), static threshold.
"""

import numba

from ..fixed import decay, mul_real, mul_ufract, sat_real
from .components import columns, host_steps, index
from .components import input_type as inp
from .components import membrane as mem
from .components import shaping as sh
from .components import threshold as th

NAME = "IF_cond_exp"
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
def _current(p, v, ge, gi, i_ext):
    """Membrane current in pA (REAL) at voltage v with conductances ge, gi (nS)."""
    return sat_real(mul_real(p[P_GL], p[P_EL] - v) + mul_real(ge, p[P_EE] - v)
                    + mul_real(gi, p[P_EI] - v) + i_ext)


@numba.njit(cache=True, inline="always")
def step(p, s, in_e, in_i, i_inj):
    """Advance one neuron by one tick (see the module docstring); returns (spiked, sat)."""
    ge, gi, sat = sh.receive_pair(s[S_GE], s[S_GI], in_e, in_i)
    # injected current: nA -> pA
    i_ext = sat_real(p[P_IOFF] + i_inj * 1000)
    spiked = False
    v = s[S_V]
    refractory = s[S_REFRAC] > 0
    for _ in range(int(p[P_NSUB])):
        ge_mid = mul_ufract(ge, p[P_DEH])
        gi_mid = mul_ufract(gi, p[P_DIH])
        ge_end = decay(ge, p[P_DES])
        gi_end = decay(gi, p[P_DIS])
        if not refractory:
            k1 = _current(p, v, ge, gi, i_ext)
            k2 = _current(p, sat_real(v + mul_ufract(k1, p[P_KH])), ge_mid, gi_mid, i_ext)
            k3 = _current(p, sat_real(v + mul_ufract(k2, p[P_KH])), ge_mid, gi_mid, i_ext)
            k4 = _current(p, sat_real(v + mul_ufract(k3, p[P_K])), ge_end, gi_end, i_ext)
            v = mem.rk4_v(v, k1, k2, k3, k4, p[P_K6])
        ge = ge_end
        gi = gi_end
    if refractory:
        s[S_REFRAC] -= 1
    elif th.reached(v, p[P_VTH]):
        spiked = True
        v = p[P_VRESET]
        s[S_REFRAC] = p[P_REFRAC]
    s[S_V] = v
    s[S_GE] = ge
    s[S_GI] = gi
    return spiked, sat
