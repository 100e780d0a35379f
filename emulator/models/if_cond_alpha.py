"""IF_cond_alpha: leaky integrate-and-fire with alpha-shaped conductances.

Units on the core as for IF_cond_exp: mV, nS (conductances and weights, 1000 x
PyNN's uS), pA for currents. One input of weight ``w`` arriving at ``t0`` gives
``g(t) = w * (t - t0)/tau_syn * exp(1 - (t - t0)/tau_syn)``, peaking at ``w`` one
``tau_syn`` later (NEST's iaf_cond_alpha). Each synapse type carries ``g`` and its
drive ``u`` (nS): ``du/dt = -u/tau_syn``, ``dg/dt = (e/tau_syn)*u - g/tau_syn``, an
input adding ``w`` to ``u`` (NEST's ``dg`` times ``tau_syn/e``). Per tick:

1. ``u += (ring slot << shift) * SYN_SCALE`` for each synapse type;
2. not refractory: ``n_sub`` midpoint (RK2) steps of
   ``C dV/dt = g_L (E_L - V) + g_e (E_e - V) + g_i (E_i - V) + I``, each using the
   conductances at the start and at the middle of the sub-step, both exact:
   ``g(t + s) = g*exp(-s/tau) + u*(s/tau)*exp(1 - s/tau)``; refractory: count down
   and hold V;
3. ``V >= V_thresh``: spike, ``V = V_reset``, timer = refractory ticks;
4. the pairs ``(u, g)`` advance exactly over the tick, sub-step by sub-step.

``n_sub`` is chosen on the host so that each sub-step is at most 0.1 ms. The
recorded ``gsyn_*`` are ``g`` (the input enters ``u``): ``INPUT = (-1, -1)``.

Precision: as in IF_curr_alpha, ``u`` and ``g`` are held scaled by ``SYN_SCALE`` (16:
a resolution of 2**-19 nS, a range of +-4096 nS), because the half LSB that each
truncating product loses accumulates through ``u -> g`` over ``tau_syn/dt`` steps
twice (unscaled: ~120 LSB, 3.7e-3 nS, a steady 1e-3 of a 4 nS peak); ``g`` is brought
back to nS (``* 1/SYN_SCALE``, exact in u0.32) where the membrane current uses it.
"""

import numba

from ..fixed import decay, mul_real, mul_ufract, sat_real
from .components import host_steps
from .components import input_type as inp
from .components import membrane as mem
from .components import shaping as sh
from .components import threshold as th

NAME = "IF_cond_alpha"
INLINE = False  # called, not inlined into the core kernel: see registry.dispatch_source
PYNN_PARAMS = ("v_rest", "cm", "tau_m", "tau_refrac", "tau_syn_E", "tau_syn_I", "i_offset",
               "v_reset", "v_thresh", "e_rev_E", "e_rev_I")
CONDUCTANCE = True
WEIGHT_SCALE = 1000.0  # uS -> nS
SYN_SCALE = 16  # synaptic state units per nS (a power of two: scaling is exact)

PARAMS = (("e_leak", "REAL"), ("e_exc", "REAL"), ("e_inh", "REAL"), ("g_leak", "REAL"),
          ("k_full", "UFRACT"), ("k_half", "UFRACT"),
          ("decay_e_half", "UFRACT"), ("decay_i_half", "UFRACT"),
          ("rise_e_half", "UFRACT"), ("rise_i_half", "UFRACT"),
          ("decay_e_sub", "UFRACT"), ("decay_i_sub", "UFRACT"),
          ("rise_e_sub", "UFRACT"), ("rise_i_sub", "UFRACT"),
          ("i_offset", "REAL"), ("v_thresh", "REAL"), ("v_reset", "REAL"),
          ("refrac_ticks", "int"), ("n_sub", "int"), ("unscale", "UFRACT"))
STATE = (("v", "REAL"), ("gsyn_exc", "REAL"), ("gsyn_inh", "REAL"), ("drive_exc", "REAL"),
         ("drive_inh", "REAL"), ("refrac", "int"))
(P_EL, P_EE, P_EI, P_GL, P_K, P_KH, P_DEH, P_DIH, P_REH, P_RIH, P_DES, P_DIS, P_RES, P_RIS,
 P_IOFF, P_VTH, P_VRESET, P_REFRAC, P_NSUB, P_UNSCALE) = range(len(PARAMS))
S_V, S_GE, S_GI, S_UE, S_UI, S_REFRAC = range(len(STATE))
RECORD = {"v": (S_V, 1.0), "gsyn_exc": (S_GE, 1e-3 / SYN_SCALE),
          "gsyn_inh": (S_GI, 1e-3 / SYN_SCALE)}
INPUT = (-1, -1)  # the input enters the drive u, not a recorded column

# the arithmetic does not split (V, the synapses and the reset advance together in
# the sub-steps): one fused membrane holds every column; the other parts are named
MEMBRANE = mem.fused("lif_cond_alpha_rk2", PARAMS, STATE, host="if_cond_alpha")
RECEPTORS = (("excitatory", sh.fused("alpha_cond")), ("inhibitory", sh.fused("alpha_cond")))
COMPONENTS = (MEMBRANE, inp.fused("conductance"), th.fused("static"))
HOST = host_steps(RECEPTORS, COMPONENTS)
PYNN_DOC = """
    On the machine: conductances in nS (s16.15), advanced exactly; a weight (uS) is the
    peak conductance. The voltage is advanced by midpoint (RK2) sub-steps of at most 0.1 ms.
    """


@numba.njit(cache=True, inline="always")
def _current(p, v, ge, gi, i_ext):
    """Membrane current in pA (REAL) at voltage v with scaled conductances ge, gi."""
    k = p[P_UNSCALE]  # back to nS
    return sat_real(mul_real(p[P_GL], p[P_EL] - v) + mul_real(mul_ufract(ge, k), p[P_EE] - v)
                    + mul_real(mul_ufract(gi, k), p[P_EI] - v) + i_ext)


@numba.njit(cache=True, inline="always")
def step(p, s, in_e, in_i, i_inj):
    """Advance one neuron by one tick (see the module docstring); returns (spiked, sat)."""
    sat = 0
    raw_ue = s[S_UE] + in_e * SYN_SCALE
    raw_ui = s[S_UI] + in_i * SYN_SCALE
    ue = sat_real(raw_ue)
    ui = sat_real(raw_ui)
    if ue != raw_ue or ui != raw_ui:
        sat += 1
    ge = s[S_GE]
    gi = s[S_GI]
    i_ext = sat_real(p[P_IOFF] + i_inj * 1000)  # nA -> pA
    spiked = False
    v = s[S_V]
    refractory = s[S_REFRAC] > 0
    for _ in range(int(p[P_NSUB])):
        if not refractory:
            ge_mid = sat_real(mul_ufract(ge, p[P_DEH]) + mul_ufract(ue, p[P_REH]))
            gi_mid = sat_real(mul_ufract(gi, p[P_DIH]) + mul_ufract(ui, p[P_RIH]))
            k1 = _current(p, v, ge, gi, i_ext)
            v_mid = sat_real(v + mul_ufract(k1, p[P_KH]))
            k2 = _current(p, v_mid, ge_mid, gi_mid, i_ext)
            v = sat_real(v + mul_ufract(k2, p[P_K]))
        ge = sat_real(decay(ge, p[P_DES]) + mul_ufract(ue, p[P_RES]))
        gi = sat_real(decay(gi, p[P_DIS]) + mul_ufract(ui, p[P_RIS]))
        ue = decay(ue, p[P_DES])
        ui = decay(ui, p[P_DIS])
    if refractory:
        s[S_REFRAC] -= 1
    elif v >= p[P_VTH]:
        spiked = True
        v = p[P_VRESET]
        s[S_REFRAC] = p[P_REFRAC]
    s[S_V] = v
    s[S_GE] = ge
    s[S_GI] = gi
    s[S_UE] = ue
    s[S_UI] = ui
    return spiked, sat
