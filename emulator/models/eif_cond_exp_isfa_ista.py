"""EIF_cond_exp_isfa_ista: the adaptive exponential integrate-and-fire neuron (AdEx) of
Brette and Gerstner (2005) with exponentially decaying conductances (NEST's aeif_cond_exp).

``C dV/dt = g_L (E_L - V) + g_L D_T exp((V - V_T)/D_T) - w + g_e (E_e - V) + g_i (E_i - V) + I``,
``tau_w dw/dt = a (V - E_L) - w``; ``V >= V_peak`` (PyNN's ``v_spike``; ``v_thresh`` if
``delta_T`` is 0, as in NEST): spike, ``V = V_reset``, ``w += b``, refractory.

Units on the core: mV, nS (conductances, weights and ``a``), pA (currents and w),
ms. The exponential term is kept apart and computed directly as V's change over a
(half) sub-step of length s: ``s g_L D_T/C exp((V - V_T)/D_T) = exp((V - V_s)/D_T)``
with ``V_s = V_T - D_T ln(s D_T/tau_m)``, by :func:`neurochip.emulator.fixed.exp_real` (one
rounding, no multiply), which saturates at 65536 mV: a neuron that far up its
upstroke is past any ``v_spike`` after the sub-step. As in NEST, the right-hand
side sees ``min(V, V_peak)``, and a refractory neuron is held at ``V_reset`` while w and
the conductances go on.

Per tick:

1. ``g += ring slot << shift`` (nS) for each synapse type;
2. ``n_sub`` midpoint (RK2) sub-steps of ``(V, w)`` of at most 0.05 ms, each using the
   conductances at the start and the middle of the sub-step (they decay exactly). A
   sub-step that begins, not refractory, with ``V >= v_thresh - 3 delta_T`` (the
   upstroke, where the exponential term grows e-fold every few microseconds) is done
   as ``n_fine`` = 10 sub-steps of a tenth of the length.
   A sub-step that ends with ``V >= V_peak`` resets ``V`` and adds ``b`` to ``w`` there,
   as NEST does inside its step, and starts the refractory period (``refrac_ticks + 1``
   counted down at each tick's end, as NEST's ``r``: V is held at V_reset for the rest
   of the crossing's timestep and ``round(tau_refrac / dt)`` more, w and the
   conductances go on, the threshold is not checked); w is taken at the crossing
   (linear in V over the sub-step, :func:`.crossing.crossing`) and advanced with V at
   V_reset over the rest of the sub-step. With no refractory period the integration
   goes on at once. Several crossings in one tick send one spike;
3. the spike is stamped at the end of the tick.

Accuracy (tests/test_model_dc.py: scipy at rtol 1e-10 with the exact crossing and
NEST's refractoriness, 1 s of DC at dt = 0.1 ms, 9 to 146 spikes): every spike in the
timestep of the true crossing or the next one, in both arithmetics. Two errors had put
spikes several timesteps late (0.9 ms after 146 spikes): the upstroke at 0.05 ms
sub-steps, and w integrated up to the end of the crossing sub-step with V at
``v_peak`` (0.85 pA/ms at PyNN's defaults) instead of V_reset. The crossing's timestep
decides when the refractory period ends, so a crossing error of microseconds can move
a spike, and all after it, by a timestep: NEST's aeif_cond_exp, whose reset is at the
end of its adaptive step, is up to 0.103 ms from the true crossing too.
Conductances decay with :func:`decay`, which reaches 0.
"""

import numba

from ..fixed import decay, exp_real, mul_real, mul_ufract, sat_real
from .components import host_steps
from .components import input_type as inp
from .components import membrane as mem
from .components import shaping as sh
from .components import threshold as th
from .crossing import crossing

NAME = "EIF_cond_exp_isfa_ista"
INLINE = False  # called, not inlined into the core kernel: see registry.dispatch_source
PYNN_PARAMS = ("cm", "tau_refrac", "v_spike", "v_reset", "v_rest", "tau_m", "i_offset", "a", "b",
               "delta_T", "tau_w", "v_thresh", "e_rev_E", "tau_syn_E", "e_rev_I", "tau_syn_I")
CONDUCTANCE = True
WEIGHT_SCALE = 1000.0  # uS -> nS

N_FINE = 10  # fine sub-steps per sub-step on the upstroke
FINE_BELOW = 0.0  # the upstroke: V >= v_thresh - FINE_BELOW * delta_T

# the common columns, then two sets of step constants in the same order: the sub-step's
# and the fine sub-step's
STEP = (("k_full", "UFRACT"), ("k_half", "UFRACT"), ("kw_full", "UFRACT"),
        ("kw_half", "UFRACT"), ("v_t_full", "REAL"), ("v_t_half", "REAL"),
        ("decay_e_half", "UFRACT"), ("decay_i_half", "UFRACT"), ("decay_e_sub", "UFRACT"),
        ("decay_i_sub", "UFRACT"))
PARAMS = ((("v_rest", "REAL"), ("e_rev_E", "REAL"), ("e_rev_I", "REAL"), ("g_leak", "REAL"),
           ("a", "REAL"), ("b", "REAL"), ("i_offset", "REAL"), ("inv_delta_t", "REAL"),
           ("has_exp", "int"), ("v_peak", "REAL"), ("v_reset", "REAL"), ("v_fine", "REAL"),
           ("refrac_ticks", "int"), ("n_sub", "int"), ("n_fine", "int"))
          + STEP + tuple((name + "_fine", fmt) for name, fmt in STEP))
(P_EL, P_EE, P_EI, P_GL, P_A, P_B, P_IOFF, P_IDT, P_HASEXP, P_VPEAK, P_VRESET, P_VFINE,
 P_REFRAC, P_NSUB, P_NFINE, P_K, P_KH, P_KW, P_KWH, P_VTF, P_VTH, P_DEH, P_DIH, P_DES,
 P_DIS) = range(len(PARAMS) - len(STEP))
FINE = len(STEP)  # offset of the fine set
STATE = (("v", "REAL"), ("w", "REAL"), ("gsyn_exc", "REAL"), ("gsyn_inh", "REAL"),
         ("refrac", "int"))
S_V, S_W, S_GE, S_GI, S_REFRAC = range(len(STATE))
RECORD = {"v": (S_V, 1.0), "w": (S_W, 1e-3), "gsyn_exc": (S_GE, 1e-3), "gsyn_inh": (S_GI, 1e-3)}
INPUT = (S_GE, S_GI)

# the arithmetic does not split (V, the synapses and the reset advance together in
# the sub-steps): one fused membrane holds every column; the other parts are named
MEMBRANE = mem.fused("adex", PARAMS, STATE, host="eif_cond_exp_isfa_ista")
RECEPTORS = (("excitatory", sh.fused("exp_cond")), ("inhibitory", sh.fused("exp_cond")))
COMPONENTS = (MEMBRANE, inp.fused("conductance"), th.fused("peak_reset_at_crossing"))
HOST = host_steps(RECEPTORS, COMPONENTS)
PYNN_DOC = """
    On the machine (as NEST's aeif_cond_exp): conductances in nS, currents and w in pA,
    midpoint (RK2) sub-steps of at most 0.05 ms (finer on the upstroke) with exactly
    decaying conductances, the exponential term from a fixed-point exp; the reset is
    applied at the crossing within the sub-step.
    """


@numba.njit(cache=True, inline="always")
def dv(p, v, w, ge, gi, i_ext, k, v_s):
    """V's change over a (half) sub-step at (v, w, ge, gi): the currents (pA) times ``k``
    (mV/pA) plus the exponential term, ``exp((v - v_s)/D_T)`` (mV)."""
    i = sat_real(mul_real(p[P_GL], p[P_EL] - v) + mul_real(ge, p[P_EE] - v)
                 + mul_real(gi, p[P_EI] - v) + i_ext - w)
    return dv_of_current(p, v, i, k, v_s)


@numba.njit(cache=True, inline="always")
def dv_of_current(p, v, i, k, v_s):
    """V's change over a (half) sub-step at ``v`` with the membrane current ``i`` (pA):
    ``i k`` plus the exponential term."""
    out = mul_ufract(i, k)
    if p[P_HASEXP] != 0:
        out += exp_real(mul_real(v - v_s, p[P_IDT]))
    return out


@numba.njit(cache=True, inline="always")
def dw(p, v, w, kw):
    """w's change over a (half) sub-step: ``kw (a (v - E_L) - w)``, kw = h/tau_w."""
    return mul_ufract(sat_real(mul_real(p[P_A], v - p[P_EL]) - w), kw)


@numba.njit(cache=True, inline="always")
def substep(p, o, v, w, ge, gi, ge_mid, gi_mid, i_ext, refractory):
    """One midpoint sub-step of (v, w) with the step constants at offset ``o``; returns
    the new (v, w). A refractory neuron's v is held (at V_reset) and w follows it."""
    if refractory:
        w_mid = w + dw(p, v, w, p[o + P_KWH])
        return v, sat_real(w + dw(p, v, w_mid, p[o + P_KW]))
    vpk = p[P_VPEAK]
    ve = v if v < vpk else vpk
    v_mid = sat_real(v + dv(p, ve, w, ge, gi, i_ext, p[o + P_KH], p[o + P_VTH]))
    w_mid = sat_real(w + dw(p, ve, w, p[o + P_KWH]))
    vm = v_mid if v_mid < vpk else vpk
    v = sat_real(v + dv(p, vm, w_mid, ge_mid, gi_mid, i_ext, p[o + P_K], p[o + P_VTF]))
    w = sat_real(w + dw(p, vm, w_mid, p[o + P_KW]))
    return v, w


@numba.njit(cache=True, inline="always")
def reset_w(p, o, v0, v1, w0, w1):
    """w after a sub-step (offset ``o``) that took V from ``v0`` over V_peak to ``v1``
    and w from ``w0`` to ``w1``: w at the crossing, plus b, advanced with V at V_reset
    over the rest of the sub-step. Returns (w, saturations)."""
    theta, rest = crossing(v0, v1, p[P_VPEAK])
    raw = w0 + mul_ufract(w1 - w0, theta) + p[P_B]
    w = sat_real(raw)
    return sat_real(w + mul_ufract(dw(p, p[P_VRESET], w, p[o + P_KW]), rest)), int(w != raw)


@numba.njit(cache=True, inline="always")
def fine(p, v, refrac):
    """(offset, repeats) of the next sub-step: fine on a free neuron's upstroke."""
    if refrac <= 0 and v >= p[P_VFINE]:
        return FINE, int(p[P_NFINE])
    return 0, 1


@numba.njit(cache=True, inline="always")
def step(p, s, in_e, in_i, i_inj):
    """Advance one neuron by one tick (see the module docstring); returns (spiked, sat)."""
    sat = 0
    ge = sat_real(s[S_GE] + in_e)
    gi = sat_real(s[S_GI] + in_i)
    if ge != s[S_GE] + in_e or gi != s[S_GI] + in_i:
        sat += 1
    i_ext = sat_real(p[P_IOFF] + i_inj * 1000)  # nA -> pA
    v = s[S_V]
    w = s[S_W]
    refrac = s[S_REFRAC]
    spiked = False
    for _ in range(int(p[P_NSUB])):
        o, reps = fine(p, v, refrac)
        for _ in range(reps):
            ge_mid = mul_ufract(ge, p[o + P_DEH])
            gi_mid = mul_ufract(gi, p[o + P_DIH])
            v0, w0 = v, w
            v, w = substep(p, o, v, w, ge, gi, ge_mid, gi_mid, i_ext, refrac > 0)
            if refrac <= 0 and v >= p[P_VPEAK]:
                spiked = True
                w, n = reset_w(p, o, v0, v, w0, w)
                sat += n
                v = p[P_VRESET]
                refrac = p[P_REFRAC] + 1 if p[P_REFRAC] > 0 else 0
            ge = decay(ge, p[o + P_DES])
            gi = decay(gi, p[o + P_DIS])
    if refrac > 0:
        refrac -= 1
    s[S_V] = v
    s[S_W] = w
    s[S_GE] = ge
    s[S_GI] = gi
    s[S_REFRAC] = refrac
    return spiked, sat
