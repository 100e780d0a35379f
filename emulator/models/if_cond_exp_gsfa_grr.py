"""IF_cond_exp_gsfa_grr: conductance LIF with spike-frequency adaptation and relative
refractoriness (Dayan and Abbott 2001), NEST's iaf_cond_exp_sfa_rr (pyNN.nest's).

``C dV/dt = g_L (E_L - V) + g_e (E_e - V) + g_i (E_i - V) + g_sfa (E_sfa - V)
+ g_rr (E_rr - V) + I``; the four conductances decay exponentially (``tau_syn_E``,
``tau_syn_I``, ``tau_sfa``, ``tau_rr``), and each spike adds ``q_sfa`` to ``g_sfa`` and
``q_rr`` to ``g_rr`` (nS).

Units on the core as IF_cond_exp: mV, nS (conductances, weights, ``q_*``), pA. Per
tick, in NEST's order:

1. ``g_e, g_i += ring slot << shift`` (nS);
2. not refractory: ``n_sub`` RK4 sub-steps of V (at most 0.1 ms each), each using the
   four conductances at the start, middle and end of the sub-step (they decay
   exactly); refractory: count down and hold V (at V_reset, as NEST clamps it);
3. ``V >= V_thresh``: spike, ``V = V_reset``, timer = refractory ticks, and
   ``g_sfa += q_sfa``, ``g_rr += q_rr`` (after their decay over the tick: they act from
   the next tick, as in NEST).

The currents are held in pA (s16.15, below 65.5 nA): ``q_rr`` of 3000 nS at 20 mV
from ``E_rr`` is 60 nA; a larger product saturates and is counted.

Components: exponential conductance shaping per receptor, conductance input, the RK4
conductance membrane, two spike-triggered conductances (adaptation ``sfa`` and ``rr``),
static threshold. PyNN records ``g_s`` and ``g_r`` (nS).
"""

import numba

from ..fixed import decay, mul_real, mul_ufract, sat_real
from .components import adaptation as ad
from .components import columns, host_steps, index
from .components import input_type as inp
from .components import membrane as mem
from .components import shaping as sh
from .components import threshold as th

NAME = "IF_cond_exp_gsfa_grr"
INLINE = False  # called, not inlined into the core kernel: see registry.dispatch_source
PYNN_PARAMS = ("v_rest", "cm", "tau_m", "tau_refrac", "tau_syn_E", "tau_syn_I", "e_rev_E",
               "e_rev_I", "v_thresh", "v_reset", "i_offset", "tau_sfa", "e_rev_sfa", "q_sfa",
               "tau_rr", "e_rev_rr", "q_rr")
CONDUCTANCE = True
WEIGHT_SCALE = 1000.0  # uS -> nS

RECEPTORS = (("excitatory", sh.EXP_COND), ("inhibitory", sh.EXP_COND))
COMPONENTS = (mem.LIF_COND_RK4, inp.CONDUCTANCE, ad.spike_conductance("sfa"),
              ad.spike_conductance("rr"), th.STATIC)
HOST = host_steps(RECEPTORS, COMPONENTS)
PARAMS = columns(RECEPTORS, COMPONENTS)
STATE = columns(RECEPTORS, COMPONENTS, ("v", "gsyn_exc", "gsyn_inh", "g_sfa", "g_rr", "refrac"),
                "state")
_P, _S = index(PARAMS), index(STATE)
P_EL, P_GL, P_K, P_KH, P_K6, P_IOFF, P_NSUB = (_P[n] for n in (
    "e_leak", "g_leak", "k_full", "k_half", "k_sixth", "i_offset", "n_sub"))
P_DEH, P_DIH, P_DES, P_DIS, P_EE, P_EI = (_P[n] for n in (
    "decay_e_half", "decay_i_half", "decay_e_sub", "decay_i_sub", "e_exc", "e_inh"))
P_QS, P_ES, P_DSH, P_DSS, P_QR, P_ER, P_DRH, P_DRS = (_P[n] for n in (
    "q_sfa", "e_sfa", "decay_sfa_half", "decay_sfa_sub", "q_rr", "e_rr", "decay_rr_half",
    "decay_rr_sub"))
P_VTH, P_VRESET, P_REFRAC = (_P[n] for n in ("v_thresh", "v_reset", "refrac_ticks"))
S_V, S_GE, S_GI, S_GS, S_GR, S_REFRAC = range(len(STATE))
RECORD = {"v": (S_V, 1.0), "g_r": (S_GR, 1.0), "g_s": (S_GS, 1.0), "gsyn_exc": (S_GE, 1e-3),
          "gsyn_inh": (S_GI, 1e-3)}
INPUT = (S_GE, S_GI)
PYNN_DOC = """
    As pyNN.nest (NEST's iaf_cond_exp_sfa_rr). On the machine: conductances in nS
    (s16.15), the voltage advanced by RK4 sub-steps of at most 0.1 ms with the four
    conductances decaying exactly; ``g_s`` and ``g_r`` are recorded in nS.
    """


@numba.njit(cache=True, inline="always")
def _current(p, v, ge, gi, gs, gr, i_ext):
    """Membrane current (pA) at V with the synaptic and adaptation conductances (nS)."""
    return sat_real(mul_real(p[P_GL], p[P_EL] - v) + inp.conductance_current(ge, p[P_EE], v)
                    + inp.conductance_current(gi, p[P_EI], v)
                    + inp.conductance_current(gs, p[P_ES], v)
                    + inp.conductance_current(gr, p[P_ER], v) + i_ext)


@numba.njit(cache=True, inline="always")
def step(p, s, in_e, in_i, i_inj):
    """Advance one neuron by one tick (see the module docstring); returns (spiked, sat)."""
    ge, gi, sat = sh.receive_pair(s[S_GE], s[S_GI], in_e, in_i)
    i_ext = sat_real(p[P_IOFF] + i_inj * 1000)  # nA -> pA
    spiked = False
    v = s[S_V]
    gs = s[S_GS]
    gr = s[S_GR]
    refractory = s[S_REFRAC] > 0
    for _ in range(int(p[P_NSUB])):
        ge_mid = mul_ufract(ge, p[P_DEH])
        gi_mid = mul_ufract(gi, p[P_DIH])
        gs_mid = mul_ufract(gs, p[P_DSH])
        gr_mid = mul_ufract(gr, p[P_DRH])
        ge_end = decay(ge, p[P_DES])
        gi_end = decay(gi, p[P_DIS])
        gs_end = decay(gs, p[P_DSS])
        gr_end = decay(gr, p[P_DRS])
        if not refractory:
            k1 = _current(p, v, ge, gi, gs, gr, i_ext)
            k2 = _current(p, sat_real(v + mul_ufract(k1, p[P_KH])), ge_mid, gi_mid, gs_mid,
                          gr_mid, i_ext)
            k3 = _current(p, sat_real(v + mul_ufract(k2, p[P_KH])), ge_mid, gi_mid, gs_mid,
                          gr_mid, i_ext)
            k4 = _current(p, sat_real(v + mul_ufract(k3, p[P_K])), ge_end, gi_end, gs_end,
                          gr_end, i_ext)
            v = mem.rk4_v(v, k1, k2, k3, k4, p[P_K6])
        ge = ge_end
        gi = gi_end
        gs = gs_end
        gr = gr_end
    refractory, timer = th.count_down(s[S_REFRAC])
    if not refractory:
        v, spiked, timer = th.fire(v, p[P_VTH], p[P_VRESET], p[P_REFRAC], timer)
    s[S_REFRAC] = timer
    if spiked:
        gs, sat_s = ad.jump(gs, p[P_QS])
        gr, sat_r = ad.jump(gr, p[P_QR])
        if sat_s or sat_r:
            sat += 1
    s[S_V] = v
    s[S_GE] = ge
    s[S_GI] = gi
    s[S_GS] = gs
    s[S_GR] = gr
    return spiked, sat
