"""PyNN's ``PointNeuron(AdExp, <name>=CondAlphaPostSynapticResponse, ...)``: AdEx with
any number of alpha-function conductances (NEST's aeif_cond_alpha_multisynapse).

The arithmetic is EIF_cond_alpha_isfa_ista's (:mod:`.eif_cond_alpha_isfa_ista`: midpoint
sub-steps of (V, w) with exactly advanced alpha conductances, fine sub-steps on the
upstroke, the reset at the crossing), with the two receptors replaced by the receptor
slots a population uses (its PyNN ``receptor_types``, sorted, in slots 0, 1, ...; at
most :data:`neurochip.emulator.contract.MAX_RECEPTORS`): the synaptic current of a
(half) sub-step is ``sum_k g_k (E_k - V)`` in slot order, each ``g_k`` taken at the
start or the middle of the sub-step. ``g_k`` (nS) is recorded as ``<name>.gsyn`` (uS);
the input enters ``dg_k``, which is held in ``DG_SCALE`` times its units (nS/ms): a
slow receptor's ``dg`` decays by a factor of ``1 - h/tau`` (``1 - 0.0025`` at tau_syn = 20
ms) per sub-step, which rounding stops below ``0.5 / (h/tau)`` LSB; unscaled, that
is 0.006 nS/ms, and the conductance's tail fell 10 % short of NEST's 100 ms after an
input (the decay then steps by one LSB, too fast). The host folds the scale into
``g0_k`` and the sub-step lengths (``h_*`` are ``h / DG_SCALE``).

The columns begin with the exp model's (its :func:`fine`, :func:`reset_w` and
:func:`dw` read them there); its two receptors' columns (``e_rev_E``, ``e_rev_I`` and
the ``decay_e_*``/``decay_i_*`` step constants) are unused here.
"""

import numba

from ..fixed import decay, mul_real, mul_ufract, sat_real
from . import eif_cond_exp_isfa_ista as _exp
from .components import SLOTS, columns, host_steps, index, slot_column
from .components import input_type as inp
from .components import membrane as mem
from .components import shaping as sh
from .components import threshold as th
from .eif_cond_alpha_isfa_ista import ALPHA_FINE, alpha_mid

NAME = "AdExp_cond_alpha_multisynapse"
MULTI = True
PYNN_NEURON = "AdExp"
PYNN_RECEPTOR = "CondAlphaPostSynapticResponse"
PYNN_PARAMS = ("cm", "tau_refrac", "v_spike", "v_reset", "v_rest", "tau_m", "i_offset", "a", "b",
               "delta_T", "tau_w", "v_thresh")
RECEPTOR_PARAMS = {"tau_syn": ("tau_syn_{R}", 5.0), "e_syn": ("e_rev_{R}", 0.0)}
DG_SCALE = 64  # dg is held in units of nS/ms / DG_SCALE (a power of two)
RECEPTOR_RECORD = {"gsyn": ("gsyn_{syn}", 1e-3)}  # nS -> uS
CONDUCTANCE = True
WEIGHT_SCALE = 1000.0  # uS -> nS

# per slot: reversal potential, the drive per unit of input (e/tau), and the decays
# over half and whole sub-steps, then the same for the fine sub-steps
_SLOT_PARAMS = (("e_rev_{r}", "REAL"), ("g0_{r}", "REAL"), ("dh_{r}", "UFRACT"),
                ("ds_{r}", "UFRACT"), ("dh_fine_{r}", "UFRACT"), ("ds_fine_{r}", "UFRACT"))
MEMBRANE = mem.fused(
    "adex_multi",
    _exp.PARAMS + (("h_full", "UFRACT"), ("h_half", "UFRACT"), ("h_full_fine", "UFRACT"),
                   ("h_half_fine", "UFRACT"), ("n_receptors", "int")) + _SLOT_PARAMS,
    (("v", "REAL"), ("w", "REAL"), ("refrac", "int"), ("gsyn_{syn}", "REAL"), ("dg_{syn}", "REAL")),
    host="adexp_cond_alpha_multisynapse")
RECEPTORS = tuple((slot, sh.fused("alpha_cond")) for slot in SLOTS)
COMPONENTS = (MEMBRANE, inp.fused("conductance"), th.fused("peak_reset_at_crossing"))
HOST = host_steps(RECEPTORS, COMPONENTS)
PARAMS = columns(RECEPTORS, COMPONENTS)
STATE = columns(RECEPTORS, COMPONENTS, what="state")
assert PARAMS[:len(_exp.PARAMS)] == _exp.PARAMS
_P, _S = index(PARAMS), index(STATE)
P_H, P_HH, P_NREC = _P["h_full"], _P["h_half"], _P["n_receptors"]
P_E, P_G0, P_DH, P_DS = (slot_column(PARAMS, n) for n in ("e_rev_{r}", "g0_{r}", "dh_{r}", "ds_{r}"))
SLOT_FINE = slot_column(PARAMS, "dh_fine_{r}") - P_DH  # offset of the fine decays
assert slot_column(PARAMS, "ds_fine_{r}") - P_DS == SLOT_FINE
S_V, S_W, S_REFRAC = _S["v"], _S["w"], _S["refrac"]
S_G, S_DG = slot_column(STATE, "gsyn_{syn}"), slot_column(STATE, "dg_{syn}")
RECORD = {"v": (S_V, 1.0), "w": (S_W, 1e-3)}  # and per receptor, RECEPTOR_RECORD
INPUT = (-1,) * len(SLOTS)  # the input enters dg, not a recorded column
PYNN_DOC = """
    On the machine (as NEST's aeif_cond_alpha_multisynapse): as EIF_cond_alpha_isfa_ista,
    with one alpha conductance per receptor, up to 8 receptors.
    """


@numba.njit(cache=True, inline="always")
def _current(p, s, n, v, w, i_ext, mid, oa, od):
    """The membrane current (pA) at ``v``: leak, ``sum_k g_k (E_k - V)`` with the
    conductances at the start of the sub-step or (``mid``) its middle, ``i_ext - w``."""
    total = mul_real(p[_exp.P_GL], p[_exp.P_EL] - v)
    for k in range(n):
        g = s[S_G + k]
        if mid:
            g = alpha_mid(g, s[S_DG + k], p[oa + P_HH], p[P_DH + od + k])
        total += inp.conductance_current(g, p[P_E + k], v)
    return sat_real(total + i_ext - w)


@numba.njit(cache=True, inline="always")
def _substep(p, s, n, o, oa, od, v, w, i_ext, refractory):
    """:func:`.eif_cond_exp_isfa_ista.substep` with the receptors' conductances of the
    state row ``s``; returns the new (v, w)."""
    if refractory:
        w_mid = w + _exp.dw(p, v, w, p[o + _exp.P_KWH])
        return v, sat_real(w + _exp.dw(p, v, w_mid, p[o + _exp.P_KW]))
    vpk = p[_exp.P_VPEAK]
    ve = v if v < vpk else vpk
    i = _current(p, s, n, ve, w, i_ext, False, oa, od)
    v_mid = sat_real(v + _exp.dv_of_current(p, ve, i, p[o + _exp.P_KH], p[o + _exp.P_VTH]))
    w_mid = sat_real(w + _exp.dw(p, ve, w, p[o + _exp.P_KWH]))
    vm = v_mid if v_mid < vpk else vpk
    i = _current(p, s, n, vm, w_mid, i_ext, True, oa, od)
    v = sat_real(v + _exp.dv_of_current(p, vm, i, p[o + _exp.P_K], p[o + _exp.P_VTF]))
    w = sat_real(w + _exp.dw(p, vm, w_mid, p[o + _exp.P_KW]))
    return v, w


@numba.njit(cache=True, inline="always")
def step(p, s, x, i_inj):
    """Advance one neuron by one tick; ``x[k]`` is receptor slot k's ring-buffer input
    (nS, REAL). Returns (spiked, saturations)."""
    sat = 0
    n = int(p[P_NREC])
    for k in range(n):
        raw = s[S_DG + k] + mul_real(x[k], p[P_G0 + k])
        dg = sat_real(raw)
        if dg != raw:
            sat = 1
        s[S_DG + k] = dg
    i_ext = sat_real(p[_exp.P_IOFF] + i_inj * 1000)  # nA -> pA
    v = s[S_V]
    w = s[S_W]
    refrac = s[S_REFRAC]
    spiked = False
    for _ in range(int(p[_exp.P_NSUB])):
        o, reps = _exp.fine(p, v, refrac)
        oa = ALPHA_FINE if o != 0 else 0
        od = SLOT_FINE if o != 0 else 0
        for _ in range(reps):
            v0, w0 = v, w
            v, w = _substep(p, s, n, o, oa, od, v, w, i_ext, refrac > 0)
            if refrac <= 0 and v >= p[_exp.P_VPEAK]:
                spiked = True
                w, m = _exp.reset_w(p, o, v0, v, w0, w)
                sat += m
                v = p[_exp.P_VRESET]
                refrac = p[_exp.P_REFRAC] + 1 if p[_exp.P_REFRAC] > 0 else 0
            for k in range(n):
                d = p[P_DS + od + k]
                dg = s[S_DG + k]
                s[S_G + k] = decay(sat_real(s[S_G + k] + mul_ufract(dg, p[oa + P_H])), d)
                s[S_DG + k] = decay(dg, d)
    if refrac > 0:
        refrac -= 1
    s[S_V] = v
    s[S_W] = w
    s[S_REFRAC] = refrac
    return spiked, sat
