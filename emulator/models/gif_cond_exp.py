"""GIF_cond_exp: the generalised integrate-and-fire neuron (Mensi et al. 2012, Pozzorini
et al. 2015) with exponential conductances, NEST's gif_cond_exp (pyNN.nest's).

``C dV/dt = g_L (E_L - V) + g_e (E_e - V) + g_i (E_i - V) - eta + I``; spikes are
stochastic (escape noise): rate ``lambda_0 exp((V - V_T)/Delta_V)`` with
``V_T = v_t_star + gamma``; ``eta`` (a current, ``i_eta``) and ``gamma`` (a threshold
offset, ``v_t - v_t_star``) are sums of three exponential kernels each, which jump by
``a_eta[j]`` (nA) and ``a_gamma[j]`` (mV) at each spike and decay with ``tau_eta[j]``,
``tau_gamma[j]``.

Units on the core as IF_cond_exp: mV, nS, pA. Per tick, in NEST's order:

1. ``g_e, g_i += ring slot << shift`` (nS);
2. ``eta`` and ``V_T`` are the kernels' sums at the tick's start (recorded as ``i_eta``
   and ``v_t``); the kernels then decay over the tick;
3. not refractory: ``n_sub`` RK4 sub-steps of V (at most 0.1 ms) with ``I = i_offset
   + i_inj - eta`` held over the tick and the conductances decaying exactly
   (:func:`.components.membrane.rk4_cond_tick`);
4. refractory: count down and set V to v_reset (NEST clamps V in the ticks after a
   spike, not in the tick of the spike); free: one draw of the neuron's KISS
   generator against ``1 - exp(-lambda dt)`` (:mod:`.components.escape`); a spike adds
   the kernels' jumps and starts ``round(tau_refrac/dt)`` refractory ticks.

Components: exponential conductance shaping per receptor, conductance input, the RK4
conductance membrane, three spike-triggered currents (``eta1..3``) and three
spike-triggered threshold offsets (``gamma1..3``), the escape-noise threshold.
The check against NEST is statistical (tests/test_cells.py: rate and interval CV
under DC over many neurons).
"""

import numba

from ..fixed import decay, mul_real, sat_real
from ..rng import column_draw
from .components import adaptation as ad
from .components import columns, host_steps, index
from .components import escape as esc
from .components import input_type as inp
from .components import membrane as mem
from .components import shaping as sh

NAME = "GIF_cond_exp"
INLINE = False  # called, not inlined into the core kernel: see registry.dispatch_source
PYNN_PARAMS = ("v_rest", "cm", "tau_m", "tau_refrac", "tau_syn_E", "tau_syn_I", "e_rev_E",
               "e_rev_I", "v_reset", "i_offset", "delta_v", "v_t_star", "lambda0", "tau_eta",
               "tau_gamma", "a_eta", "a_gamma")
CONDUCTANCE = True
WEIGHT_SCALE = 1000.0  # uS -> nS
N_KERNELS = 3  # PyNN's tau_eta, a_eta, tau_gamma, a_gamma are arrays of 3
RNG = True  # the host seeds the rng columns (see components.escape)

RECEPTORS = (("excitatory", sh.EXP_COND), ("inhibitory", sh.EXP_COND))
COMPONENTS = (mem.LIF_COND_RK4, inp.CONDUCTANCE, ad.spike_current("eta1"),
              ad.spike_current("eta2"), ad.spike_current("eta3"), ad.SPIKE_CURRENT_TOTAL,
              ad.spike_threshold("gamma1"), ad.spike_threshold("gamma2"),
              ad.spike_threshold("gamma3"), esc.ESCAPE)
HOST = host_steps(RECEPTORS, COMPONENTS)
PARAMS = columns(RECEPTORS, COMPONENTS)
STATE = columns(RECEPTORS, COMPONENTS, (
    "v", "gsyn_exc", "gsyn_inh", "i_eta", "v_t", "refrac", "i_eta1", "i_eta2", "i_eta3",
    "v_gamma1", "v_gamma2", "v_gamma3", "rng0", "rng1", "rng2", "rng3"), "state")
_P, _S = index(PARAMS), index(STATE)
RK4 = tuple(_P[n] for n in ("g_leak", "e_leak", "e_exc", "e_inh", "k_full", "k_half", "k_sixth",
                            "decay_e_half", "decay_i_half", "decay_e_sub", "decay_i_sub",
                            "n_sub"))
P_IOFF, P_VTSTAR, P_INVDV, P_LOGLDT, P_VRESET, P_REFRAC = (_P[n] for n in (
    "i_offset", "v_t_star", "inv_delta_v", "log_lambda_dt", "v_reset", "refrac_ticks"))
P_QE1, P_QE2, P_QE3, P_DE1, P_DE2, P_DE3 = (_P[n] for n in (
    "q_eta1", "q_eta2", "q_eta3", "decay_eta1", "decay_eta2", "decay_eta3"))
P_QG1, P_QG2, P_QG3, P_DG1, P_DG2, P_DG3 = (_P[n] for n in (
    "q_gamma1", "q_gamma2", "q_gamma3", "decay_gamma1", "decay_gamma2", "decay_gamma3"))
(S_V, S_GE, S_GI, S_IETA, S_VT, S_REFRAC, S_E1, S_E2, S_E3, S_G1, S_G2, S_G3, S_R0, S_R1, S_R2,
 S_R3) = range(len(STATE))
RECORD = {"v": (S_V, 1.0), "gsyn_exc": (S_GE, 1e-3), "gsyn_inh": (S_GI, 1e-3),
          "i_eta": (S_IETA, 1e-3), "v_t": (S_VT, 1.0)}
INPUT = (S_GE, S_GI)
PYNN_DOC = """
    As pyNN.nest (NEST's gif_cond_exp): three spike-triggered current kernels (eta)
    and three threshold kernels (gamma), escape-noise spiking. On the machine: RK4
    sub-steps of at most 0.1 ms, conductances in nS, a per-neuron KISS generator
    seeded from the global seed (spikes do not depend on placement); the firing
    probability per step is computed in u0.32.
    """
@numba.njit(cache=True, inline="always")
def step(p, s, in_e, in_i, i_inj):
    """Advance one neuron by one tick (see the module docstring); returns (spiked, sat)."""
    ge, gi, sat = sh.receive_pair(s[S_GE], s[S_GI], in_e, in_i)
    e1, e2, e3 = s[S_E1], s[S_E2], s[S_E3]
    g1, g2, g3 = s[S_G1], s[S_G2], s[S_G3]
    eta = sat_real(e1 + e2 + e3)
    v_t = sat_real(p[P_VTSTAR] + g1 + g2 + g3)
    s[S_IETA] = eta
    s[S_VT] = v_t
    e1, e2, e3 = decay(e1, p[P_DE1]), decay(e2, p[P_DE2]), decay(e3, p[P_DE3])
    g1, g2, g3 = decay(g1, p[P_DG1]), decay(g2, p[P_DG2]), decay(g3, p[P_DG3])
    i_ext = sat_real(p[P_IOFF] + i_inj * 1000 - eta)  # pA
    v, ge, gi = mem.rk4_cond_tick(p, RK4, s[S_V], ge, gi, i_ext, s[S_REFRAC] > 0)
    spiked = False
    if s[S_REFRAC] > 0:
        s[S_REFRAC] -= 1
        v = p[P_VRESET]
    else:
        y = sat_real(mul_real(sat_real(v - v_t), p[P_INVDV]) + p[P_LOGLDT])
        prob = esc.escape_probability(y)
        draw, s[S_R0], s[S_R1], s[S_R2], s[S_R3] = column_draw(s[S_R0], s[S_R1], s[S_R2],
                                                               s[S_R3])
        if draw < prob:
            spiked = True
            s[S_REFRAC] = p[P_REFRAC]
            e1, n1 = ad.jump(e1, p[P_QE1])
            e2, n2 = ad.jump(e2, p[P_QE2])
            e3, n3 = ad.jump(e3, p[P_QE3])
            g1, m1 = ad.jump(g1, p[P_QG1])
            g2, m2 = ad.jump(g2, p[P_QG2])
            g3, m3 = ad.jump(g3, p[P_QG3])
            if n1 or n2 or n3 or m1 or m2 or m3:
                sat += 1
    s[S_V] = v
    s[S_GE] = ge
    s[S_GI] = gi
    s[S_E1], s[S_E2], s[S_E3] = e1, e2, e3
    s[S_G1], s[S_G2], s[S_G3] = g1, g2, g3
    return spiked, sat
