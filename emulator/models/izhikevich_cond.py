"""Izhikevich_cond: sPyNNaker's Izhikevich neuron with conductance-based exponential
synapses (``sim.extra_models.Izhikevich_cond``; sPyNNaker's IZK_cond_exp).

``dv/dt = 0.04 v^2 + 5 v + 140 - u + I``, ``du/dt = a (b v - u)``; ``v >= 30 mV``: spike,
``v = c``, ``u += d``; no refractory period. ``I = i_offset + g_e (e_rev_E - v) +
g_i (e_rev_I - v)`` plus any injected current, the conductances decaying with
``tau_syn_E``/``tau_syn_I``; a weight (uS) adds to its receptor's conductance at the
spike's arrival. Units are sPyNNaker's: v in mV, u and I in mV/ms, currents in nA taken
as mV/ms (a membrane of 1 nF: sPyNNaker's IZK models add nA to dv/dt as they are, where
pyNN.nest's ``Izhikevich`` takes 1000 x i_offset), conductances in uS (nS on the core).

Per tick (the arithmetic of :mod:`.izhikevich`, with the conductances):

1. ``g_e, g_i += ring slot << shift`` (nS);
2. ``n_sub`` midpoint (RK2) sub-steps of ``(v, u)`` of at most 0.01 ms, each using the
   conductances at the start and the middle of the sub-step (they decay exactly); a
   sub-step that begins with ``v >= -40`` mV is done as ``n_fine`` = 4 sub-steps of a
   quarter of the length. After a sub-step that ends with ``v >= 30``, the crossing is
   placed by linear interpolation (:func:`.crossing.crossing`): u is taken there,
   ``v = c``, ``u += d``, and the rest of the sub-step is one Euler step from the reset
   (with the mid-sub-step conductances);
3. a spike is stamped at the end of the tick (several crossings in one tick send one).

The right-hand side sees ``min(v, 30)``. Fixed point: as :mod:`.izhikevich` (u held as
``128 u``); the synaptic current ``g (E - v)`` is computed in pA (nS x mV) and brought to
mV/ms by a u0.32 multiplier of 0.001.

sPyNNaker itself takes one midpoint step per timestep (with a 1.85 x longer first step
after a spike, its "threshold correction"); this integration is the exact one to a
tick. ``tests/test_izhikevich_cond.py`` checks it against a high-precision integration
of the same equations (``tests/reference/izhikevich_cond.py``: scipy DOP853, rtol 1e-10,
reset at the exact crossing): the voltage and conductances under synaptic input, and the
spike times of a driven cell (each within one timestep of the exact one), in both
arithmetics.
"""

import numba

from ..fixed import decay, mul_real, mul_ufract, sat_real
from .components import host_steps
from .components import input_type as inp
from .components import membrane as mem
from .components import shaping as sh
from .components import threshold as th
from .crossing import crossing
from .izhikevich import U_SCALE

NAME = "Izhikevich_cond"
INLINE = False  # called, not inlined into the core kernel: see registry.dispatch_source
PYNN_MODULE = "extra_models"  # the PyNN class is sim.extra_models.Izhikevich_cond
PYNN_PARAMS = ("a", "b", "c", "d", "i_offset", "tau_syn_E", "tau_syn_I", "e_rev_E", "e_rev_I")
CONDUCTANCE = True
WEIGHT_SCALE = 1000.0  # uS -> nS
G_TO_MV_MS = 0.001  # nS x mV = pA -> nA, which sPyNNaker's units take as mV/ms

# two sets of step constants, the sub-step's and the fine one's, in the same order
PARAMS = (("k_sq", "UFRACT"), ("k_lin", "REAL"), ("i_const", "REAL"), ("b_scaled", "REAL"),
          ("inv_u_scale", "UFRACT"), ("g_to_mv_ms", "UFRACT"), ("e_exc", "REAL"),
          ("e_inh", "REAL"),
          ("h_full", "UFRACT"), ("h_half", "UFRACT"), ("ah_full", "UFRACT"), ("ah_half", "UFRACT"),
          ("decay_e_half", "UFRACT"), ("decay_e_sub", "UFRACT"), ("decay_i_half", "UFRACT"),
          ("decay_i_sub", "UFRACT"),
          ("h_fine_full", "UFRACT"), ("h_fine_half", "UFRACT"), ("ah_fine_full", "UFRACT"),
          ("ah_fine_half", "UFRACT"), ("decay_e_fine_half", "UFRACT"),
          ("decay_e_fine_sub", "UFRACT"), ("decay_i_fine_half", "UFRACT"),
          ("decay_i_fine_sub", "UFRACT"),
          ("v_peak", "REAL"), ("c", "REAL"), ("d_scaled", "REAL"), ("v_fine", "REAL"),
          ("n_sub", "int"), ("n_fine", "int"))
STATE = (("v", "REAL"), ("u_scaled", "REAL"), ("gsyn_exc", "REAL"), ("gsyn_inh", "REAL"))
(P_KSQ, P_KLIN, P_ICONST, P_BS, P_INVS, P_GK, P_EE, P_EI,
 P_H, P_HH, P_AH, P_AHH, P_DEH, P_DES, P_DIH, P_DIS,
 P_FH, P_FHH, P_FAH, P_FAHH, P_FDEH, P_FDES, P_FDIH, P_FDIS,
 P_VPEAK, P_C, P_DS, P_VFINE, P_NSUB, P_NFINE) = range(len(PARAMS))
FINE = P_FH - P_H  # offset of the fine set
assert P_FDIS - P_DIS == FINE
S_V, S_U, S_GE, S_GI = range(len(STATE))
RECORD = {"v": (S_V, 1.0), "u": (S_U, 1.0 / U_SCALE), "gsyn_exc": (S_GE, 1e-3),
          "gsyn_inh": (S_GI, 1e-3)}
INPUT = (S_GE, S_GI)
PYNN_UNITS = {"u": "mV/ms", "gsyn_exc": "uS", "gsyn_inh": "uS"}

# V, u, the conductances and the reset advance together in the sub-steps: one fused
# membrane holds every column; the other parts are named
MEMBRANE = mem.fused("izhikevich_cond", PARAMS, STATE, host="izhikevich_cond")
RECEPTORS = (("excitatory", sh.fused("exp_cond")), ("inhibitory", sh.fused("exp_cond")))
COMPONENTS = (MEMBRANE, inp.fused("conductance"), th.fused("peak_reset_at_crossing"))
HOST = host_steps(RECEPTORS, COMPONENTS)
PYNN_DOC = """
    On the machine: sPyNNaker's units (a current of 1 nA is 1 mV/ms; conductances in
    uS, nS on the core), threshold 30 mV, no refractory period; midpoint (RK2)
    sub-steps of at most 0.01 ms with exactly decaying conductances and the reset at
    the crossing (see neurochip/emulator/models/izhikevich_cond.py). neurochip
    records ``v``, ``u`` and the conductances ``gsyn_exc``, ``gsyn_inh`` (uS); the
    initial conductances are sPyNNaker's ``isyn_exc``, ``isyn_inh`` (uS).
    """


@numba.njit(cache=True, inline="always")
def _dv(p, v, us, i_ext, ge, gi):
    """dv/dt in mV/ms (REAL) at v, ``us = 128 u`` and conductances ge, gi (nS)."""
    syn = mul_ufract(mul_real(ge, p[P_EE] - v) + mul_real(gi, p[P_EI] - v), p[P_GK])
    return sat_real(mul_ufract(mul_real(v, v), p[P_KSQ]) + mul_real(v, p[P_KLIN]) + i_ext
                    - mul_ufract(us, p[P_INVS]) + syn)


@numba.njit(cache=True, inline="always")
def _substep(p, o, v, u, i_ext, ge, gi, ge_mid, gi_mid):
    """One midpoint sub-step of (v, u) with the step constants at offset ``o``."""
    vpk = p[P_VPEAK]
    ve = v if v < vpk else vpk
    k1 = _dv(p, ve, u, i_ext, ge, gi)
    l1 = sat_real(mul_real(ve, p[P_BS]) - u)
    v_mid = sat_real(v + mul_ufract(k1, p[o + P_HH]))
    u_mid = sat_real(u + mul_ufract(l1, p[o + P_AHH]))
    vm = v_mid if v_mid < vpk else vpk
    k2 = _dv(p, vm, u_mid, i_ext, ge_mid, gi_mid)
    l2 = sat_real(mul_real(vm, p[P_BS]) - u_mid)
    return sat_real(v + mul_ufract(k2, p[o + P_H])), sat_real(u + mul_ufract(l2, p[o + P_AH]))


@numba.njit(cache=True, inline="always")
def step(p, s, in_e, in_i, i_inj):
    """Advance one neuron by one tick (see the module docstring); returns (spiked, sat)."""
    ge, gi, sat = sh.receive_pair(s[S_GE], s[S_GI], in_e, in_i)
    v = s[S_V]
    u = s[S_U]
    i_ext = sat_real(p[P_ICONST] + i_inj)  # nA, taken as mV/ms (sPyNNaker's units)
    spiked = False
    vpk = p[P_VPEAK]
    for _ in range(int(p[P_NSUB])):
        o, reps = 0, 1
        if v >= p[P_VFINE]:
            o, reps = FINE, int(p[P_NFINE])
        for _ in range(reps):
            ge_mid = mul_ufract(ge, p[o + P_DEH])
            gi_mid = mul_ufract(gi, p[o + P_DIH])
            v0, u0 = v, u
            v, u = _substep(p, o, v, u, i_ext, ge, gi, ge_mid, gi_mid)
            if v >= vpk:
                spiked = True
                theta, rest = crossing(v0, v, vpk)
                raw = u0 + mul_ufract(u - u0, theta) + p[P_DS]
                u = sat_real(raw)
                if u != raw:
                    sat += 1
                # the rest of the sub-step from the reset: one Euler step
                c = p[P_C]
                k = _dv(p, c, u, i_ext, ge_mid, gi_mid)
                l = sat_real(mul_real(c, p[P_BS]) - u)
                v = sat_real(c + mul_ufract(k, mul_ufract(p[o + P_H], rest)))
                u = sat_real(u + mul_ufract(l, mul_ufract(p[o + P_AH], rest)))
            ge = decay(ge, p[o + P_DES])
            gi = decay(gi, p[o + P_DIS])
    s[S_V] = v
    s[S_U] = u
    s[S_GE] = ge
    s[S_GI] = gi
    return spiked, sat
