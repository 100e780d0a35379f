"""EIF_cond_alpha_isfa_ista: AdEx (see :mod:`.eif_cond_exp_isfa_ista`) with alpha-function
conductances (NEST's aeif_cond_alpha).

Each conductance is ``g' = dg - g/tau``, ``dg' = -dg/tau``; a spike of weight w adds
``w e/tau`` to ``dg``, so that ``g`` peaks at ``w`` (nS) ``tau`` ms later. Over a
(half) sub-step of length h both are advanced exactly:
``g <- e^(-h/tau) (g + h dg)``, ``dg <- e^(-h/tau) dg``. Everything else (sub-steps and
fine sub-steps on the upstroke, threshold, reset at the crossing, adaptation,
refractoriness, units, decays that reach 0) is the exp model's; the
recorded ``gsyn_*`` are ``g`` (the input enters ``dg``): ``INPUT = (-1, -1)``.
"""

import numba

from ..fixed import mul_real, mul_ufract, sat_real
from . import eif_cond_exp_isfa_ista as _exp
from .components import host_steps
from .components import input_type as inp
from .components import membrane as mem
from .components import shaping as sh
from .components import threshold as th

NAME = "EIF_cond_alpha_isfa_ista"
INLINE = False  # called, not inlined into the core kernel: see registry.dispatch_source
PYNN_PARAMS = _exp.PYNN_PARAMS
CONDUCTANCE = True
WEIGHT_SCALE = 1000.0  # uS -> nS

# the exp model's columns first (its substep() reads them), then the alpha ones: the
# sub-step's h and h/2, then the fine sub-step's
PARAMS = _exp.PARAMS + (("g0_e", "REAL"), ("g0_i", "REAL"), ("h_full", "UFRACT"),
                        ("h_half", "UFRACT"), ("h_full_fine", "UFRACT"),
                        ("h_half_fine", "UFRACT"))
P_G0E, P_G0I, P_H, P_HH = range(len(_exp.PARAMS), len(_exp.PARAMS) + 4)
ALPHA_FINE = 2  # offset of the fine h, h/2
(P_VPEAK, P_VRESET, P_IOFF, P_DEH, P_DIH, P_DES, P_DIS, P_REFRAC, P_NSUB) = (
    _exp.P_VPEAK, _exp.P_VRESET, _exp.P_IOFF, _exp.P_DEH, _exp.P_DIH, _exp.P_DES,
    _exp.P_DIS, _exp.P_REFRAC, _exp.P_NSUB)
STATE = _exp.STATE + (("dg_exc", "REAL"), ("dg_inh", "REAL"))
S_V, S_W, S_GE, S_GI, S_REFRAC, S_DGE, S_DGI = range(len(STATE))
RECORD = {"v": (S_V, 1.0), "w": (S_W, 1e-3), "gsyn_exc": (S_GE, 1e-3), "gsyn_inh": (S_GI, 1e-3)}
INPUT = (-1, -1)  # the input enters dg, not a recorded column

# the arithmetic does not split (V, the synapses and the reset advance together in
# the sub-steps): one fused membrane holds every column; the other parts are named
MEMBRANE = mem.fused("adex", PARAMS, STATE, host="eif_cond_alpha_isfa_ista")
RECEPTORS = (("excitatory", sh.fused("alpha_cond")), ("inhibitory", sh.fused("alpha_cond")))
COMPONENTS = (MEMBRANE, inp.fused("conductance"), th.fused("peak_reset_at_crossing"))
HOST = host_steps(RECEPTORS, COMPONENTS)
PYNN_DOC = """
    On the machine (as NEST's aeif_cond_alpha): as EIF_cond_exp_isfa_ista, with alpha
    conductances advanced exactly over each sub-step.
    """


@numba.njit(cache=True, inline="always")
def alpha_mid(g, dg, h, d):
    """g after half a sub-step: ``d (g + h/2 dg)``."""
    return mul_ufract(sat_real(g + mul_ufract(dg, h)), d)


@numba.njit(cache=True, inline="always")
def step(p, s, in_e, in_i, i_inj):
    """Advance one neuron by one tick (see the module docstring); returns (spiked, sat)."""
    sat = 0
    dge_in = mul_real(in_e, p[P_G0E])
    dgi_in = mul_real(in_i, p[P_G0I])
    dge = sat_real(s[S_DGE] + dge_in)
    dgi = sat_real(s[S_DGI] + dgi_in)
    if dge != s[S_DGE] + dge_in or dgi != s[S_DGI] + dgi_in:
        sat += 1
    ge = s[S_GE]
    gi = s[S_GI]
    i_ext = sat_real(p[P_IOFF] + i_inj * 1000)  # nA -> pA
    v = s[S_V]
    w = s[S_W]
    refrac = s[S_REFRAC]
    spiked = False
    for _ in range(int(p[P_NSUB])):
        o, reps = _exp.fine(p, v, refrac)
        oa = ALPHA_FINE if o != 0 else 0
        for _ in range(reps):
            ge_mid = alpha_mid(ge, dge, p[oa + P_HH], p[o + P_DEH])
            gi_mid = alpha_mid(gi, dgi, p[oa + P_HH], p[o + P_DIH])
            v0, w0 = v, w
            v, w = _exp.substep(p, o, v, w, ge, gi, ge_mid, gi_mid, i_ext, refrac > 0)
            if refrac <= 0 and v >= p[P_VPEAK]:
                spiked = True
                w, n = _exp.reset_w(p, o, v0, v, w0, w)
                sat += n
                v = p[P_VRESET]
                refrac = p[P_REFRAC] + 1 if p[P_REFRAC] > 0 else 0
            ge = _exp.decay(sat_real(ge + mul_ufract(dge, p[oa + P_H])), p[o + P_DES])
            gi = _exp.decay(sat_real(gi + mul_ufract(dgi, p[oa + P_H])), p[o + P_DIS])
            dge = _exp.decay(dge, p[o + P_DES])
            dgi = _exp.decay(dgi, p[o + P_DIS])
    if refrac > 0:
        refrac -= 1
    s[S_V] = v
    s[S_W] = w
    s[S_GE] = ge
    s[S_GI] = gi
    s[S_REFRAC] = refrac
    s[S_DGE] = dge
    s[S_DGI] = dgi
    return spiked, sat
