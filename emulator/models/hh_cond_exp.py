"""HH_cond_exp: the single-compartment Hodgkin-Huxley neuron of Traub and Miles (1991)
with exponentially decaying conductances, as NEST's hh_cond_exp_traub (pyNN.nest's).

``C dV/dt = -g_Na m^3 h (V - E_Na) - g_K n^4 (V - E_K) - g_L (V - E_L)
+ g_e (E_e - V) + g_i (E_i - V) + I``, ``dx/dt = alpha_x(V_rel) - (alpha_x + beta_x) x`` for
x in m, h, n, with ``V_rel = V - v_offset`` and NEST's rate functions (:func:`rates`).
There is no reset: a spike is sent, as by NEST, at the end of the first timestep over
which V fell while at or above ``v_offset + 30`` mV, and no other spike is sent for the
next 2 ms (NEST's default ``t_ref``, which PyNN does not set).

Units on the core: mV, nA (currents), uS for the channel conductances and nS for the
synaptic ones (weights), ms. Per tick:

1. ``g += ring slot << shift`` (nS) for each synapse type;
2. ``n_sub`` midpoint (RK2) sub-steps of (V, m, h, n) of at most 0.01 ms, each using the
   conductances at the start and the middle of the sub-step (they decay exactly);
3. the spike rule above, on V at the tick's start and end.

Fixed point: the gating variables are held as ``256 x`` (23 fractional bits). A gate's
change over a sub-step ``s`` is ``a - x c`` with ``a = 256 s alpha`` and ``c = s (alpha +
beta)``, which :func:`hh_gates` gives: in fixed point by linear interpolation in a
table of the rates (in Q24, every 1/8 mV of ``V_rel`` over [-96, 160] mV, clamped
outside), in float from NEST's formulas. The rates' relative error is below 6e-5
(measured in tests/test_model_nonlinear.py; 4.2e-4/ms at most, at V_rel = -96 mV where
alpha_h is 68/ms). The table is 2049 x 6 entries (48 KiB as 32-bit words,
``TABLE_BYTES``), which the mapping counts in a core's DTCM; at 1/2 mV steps
(12 KiB) the rates' error grows to 8e-4 and V's median error in fixed point from 0.001 to
0.005 mV (measured). ``m^3 h`` and ``n^4`` are built from
products rescaled by 2^-8 so that none leaves s16.15, and each current is
``(256 x (V - E)) * (g / 256)`` with ``g / 256`` as u0.32: channel conductances must
be below 256 uS.
"""

import math

import numba
import numpy as np
from numba import types
from numba.extending import overload

from ..fixed import REAL_ONE, decay, mul_real, mul_ufract, sat_real
from .components import host_steps
from .components import input_type as inp
from .components import membrane as mem
from .components import shaping as sh
from .components import threshold as th

NAME = "HH_cond_exp"
INLINE = False  # called, not inlined into the core kernel: see registry.dispatch_source
PYNN_PARAMS = ("gbar_Na", "gbar_K", "g_leak", "cm", "v_offset", "e_rev_Na", "e_rev_K",
               "e_rev_leak", "e_rev_E", "e_rev_I", "tau_syn_E", "tau_syn_I", "i_offset")
CONDUCTANCE = True
WEIGHT_SCALE = 1000.0  # uS -> nS
GATE_SCALE = 256.0
T_REF = 2.0  # ms: NEST's t_ref of hh_cond_exp_traub
SPIKE_ABOVE = 30.0  # mV above v_offset
INITIAL_GATES = {"m": 0.0, "h": 1.0, "n": 0.0}  # PyNN's default initial values

PARAMS = (("e_rev_Na", "REAL"), ("e_rev_K", "REAL"), ("e_rev_leak", "REAL"), ("e_rev_E", "REAL"),
          ("e_rev_I", "REAL"), ("g_na_256", "UFRACT"), ("g_k_256", "UFRACT"),
          ("g_leak_256", "UFRACT"), ("v_offset", "REAL"), ("v_spike", "REAL"),
          ("i_offset", "REAL"), ("k_full", "UFRACT"), ("k_half", "UFRACT"), ("h_full", "UFRACT"),
          ("h_half", "UFRACT"), ("decay_e_half", "UFRACT"), ("decay_i_half", "UFRACT"),
          ("decay_e_sub", "UFRACT"), ("decay_i_sub", "UFRACT"), ("inv_256", "UFRACT"),
          ("milli", "UFRACT"), ("refrac_ticks", "int"), ("n_sub", "int"))
(P_ENA, P_EK, P_EL, P_EE, P_EI, P_GNA, P_GK, P_GL, P_VT, P_VSPIKE, P_IOFF, P_K, P_KH, P_H, P_HH,
 P_DEH, P_DIH, P_DES, P_DIS, P_INV256, P_MILLI, P_REFRAC, P_NSUB) = range(len(PARAMS))
STATE = (("v", "REAL"), ("gsyn_exc", "REAL"), ("gsyn_inh", "REAL"), ("m", "REAL"), ("h", "REAL"),
         ("n", "REAL"), ("refrac", "int"), ("v_res", "int"))
S_V, S_GE, S_GI, S_M, S_H, S_N, S_REFRAC, S_VRES = range(len(STATE))
V_RES_BITS = 8  # V's sub-step increments are summed with 8 more fractional bits
RECORD = {"v": (S_V, 1.0), "gsyn_exc": (S_GE, 1e-3), "gsyn_inh": (S_GI, 1e-3),
          "m": (S_M, 1 / GATE_SCALE), "h": (S_H, 1 / GATE_SCALE), "n": (S_N, 1 / GATE_SCALE)}
INPUT = (S_GE, S_GI)

# the arithmetic does not split (V, the synapses and the reset advance together in
# the sub-steps): one fused membrane holds every column; the other parts are named
MEMBRANE = mem.fused("hh_traub", PARAMS, STATE, host="hh_cond_exp")
RECEPTORS = (("excitatory", sh.fused("exp_cond")), ("inhibitory", sh.fused("exp_cond")))
COMPONENTS = (MEMBRANE, inp.fused("conductance"), th.fused("falling_edge"))
HOST = host_steps(RECEPTORS, COMPONENTS)
PYNN_DOC = """
    As pyNN.nest (NEST's hh_cond_exp_traub): a spike is sent at the end of the first
    timestep over which V fell while at or above v_offset + 30 mV, then none for 2 ms.
    On the machine: midpoint (RK2) sub-steps of at most 0.01 ms, tabulated rate
    functions, channel conductances below 256 uS. neurochip also records the gating
    variables ``m``, ``h`` and ``n``.
    """


# --- the rate functions (NEST's hh_cond_exp_traub), tabulated for fixed point -----
def _ratio(y, s):
    """``y / (exp(y/s) - 1)``, continuous at 0 (where it is s)."""
    y = np.asarray(y, np.float64)
    small = np.abs(y) < 1e-9
    return np.where(small, s - y / 2, y / np.expm1(np.where(small, 1.0, y) / s))


def rates(v_rel):
    """(alpha_m, beta_m, alpha_h, beta_h, alpha_n, beta_n) in 1/ms at V - V_T (mV)."""
    v = np.asarray(v_rel, np.float64)
    return (0.32 * _ratio(13.0 - v, 4.0), 0.28 * _ratio(v - 40.0, 5.0),
            0.128 * np.exp((17.0 - v) / 18.0), 4.0 / (1.0 + np.exp((40.0 - v) / 5.0)),
            0.032 * _ratio(15.0 - v, 5.0), 0.5 * np.exp((10.0 - v) / 40.0))


TABLE_LO_MV = -96.0
TABLE_STEP_BITS = 12  # 1/8 mV = 2^12 REAL LSB
TABLE_N = 2049  # [-96, 160] mV
RATE_BITS = 24
_v = TABLE_LO_MV + np.arange(TABLE_N) * 2.0 ** (TABLE_STEP_BITS - 15)
_r = rates(_v)
# columns: alpha_m, alpha_m + beta_m, alpha_h, alpha_h + beta_h, alpha_n, alpha_n + beta_n
RATE_TABLE = np.rint(np.stack([_r[0], _r[0] + _r[1], _r[2], _r[2] + _r[3], _r[4], _r[4] + _r[5]],
                              axis=1) * 2.0 ** RATE_BITS).astype(np.int64)
_TABLE = tuple(tuple(int(x) for x in row) for row in RATE_TABLE)
TABLE_LO = int(TABLE_LO_MV * REAL_ONE)
TABLE_BYTES = RATE_TABLE.size * 4  # as 32-bit words on a core (Q24 rates < 2^31)
del _v, _r


def hh_gates(v_rel, s):
    """Per gate (m, h, n): ``a = 256 s alpha`` (REAL) and ``c = s (alpha + beta)`` (UFRACT)
    at ``v_rel`` (REAL, mV) over a sub-step ``s`` (UFRACT, ms). Python-integer reference."""
    pos = min(max(int(v_rel) - TABLE_LO, 0), (TABLE_N - 1) << TABLE_STEP_BITS)
    i = min(pos >> TABLE_STEP_BITS, TABLE_N - 2)
    f = pos - (i << TABLE_STEP_BITS)
    half = 1 << (TABLE_STEP_BITS - 1)
    out = []
    for col in range(6):
        lo, hi = _TABLE[i][col], _TABLE[i + 1][col]
        r = lo + (((hi - lo) * f + half) >> TABLE_STEP_BITS)
        if col % 2 == 0:  # alpha: Q24 x Q32 -> REAL of 256 s alpha (Q23 of s alpha)
            out.append((r * int(s) + (1 << 32)) >> 33)
        else:  # alpha + beta: Q24 x Q32 -> Q32
            out.append((r * int(s) + (1 << 23)) >> 24)
    return tuple(out)


@numba.njit(cache=True, inline="always")
def _interp(i, col, f):
    lo = RATE_TABLE[i, col]
    return lo + (((RATE_TABLE[i + 1, col] - lo) * f + np.int64(1 << (TABLE_STEP_BITS - 1)))
                 >> np.int64(TABLE_STEP_BITS))


@overload(hh_gates)
def _hh_gates(v_rel, s):
    if isinstance(v_rel, types.Integer):
        top = np.int64((TABLE_N - 1) << TABLE_STEP_BITS)

        def impl(v_rel, s):
            pos = np.int64(v_rel) - np.int64(TABLE_LO)
            pos = min(max(pos, np.int64(0)), top)
            i = min(pos >> np.int64(TABLE_STEP_BITS), np.int64(TABLE_N - 2))
            f = pos - (i << np.int64(TABLE_STEP_BITS))
            ss = np.int64(s)
            a_sh = np.int64(33)
            a_rn = np.int64(1 << 32)
            c_sh = np.int64(24)
            c_rn = np.int64(1 << 23)
            return ((_interp(i, 0, f) * ss + a_rn) >> a_sh, (_interp(i, 1, f) * ss + c_rn) >> c_sh,
                    (_interp(i, 2, f) * ss + a_rn) >> a_sh, (_interp(i, 3, f) * ss + c_rn) >> c_sh,
                    (_interp(i, 4, f) * ss + a_rn) >> a_sh, (_interp(i, 5, f) * ss + c_rn) >> c_sh)
        return impl

    def fimpl(v_rel, s):
        am = 0.32 * _fratio(13.0 - v_rel, 4.0)
        bm = 0.28 * _fratio(v_rel - 40.0, 5.0)
        ah = 0.128 * math.exp((17.0 - v_rel) / 18.0)
        bh = 4.0 / (1.0 + math.exp((40.0 - v_rel) / 5.0))
        an = 0.032 * _fratio(15.0 - v_rel, 5.0)
        bn = 0.5 * math.exp((10.0 - v_rel) / 40.0)
        return (256.0 * s * am, s * (am + bm), 256.0 * s * ah, s * (ah + bh),
                256.0 * s * an, s * (an + bn))
    return fimpl


@numba.njit(cache=True, inline="always")
def _fratio(y, s):
    if abs(y) < 1e-9:
        return s - y / 2
    return y / math.expm1(y / s)


@numba.njit(cache=True, inline="always")
def _current(p, v, m, hh, n, ge, gi, i_ext):
    """Membrane current in nA at V and gates m, hh, n (held as 256 x)."""
    r = p[P_INV256]
    m3 = mul_real(mul_ufract(mul_real(m, m), r), m)  # 2^16 m^3
    x_na = mul_ufract(mul_real(mul_ufract(m3, r), hh), r)  # 2^8 m^3 h
    n2 = mul_ufract(mul_real(n, n), r)  # 2^8 n^2
    x_k = mul_ufract(mul_real(n2, n2), r)  # 2^8 n^4
    i_na = mul_ufract(mul_real(x_na, v - p[P_ENA]), p[P_GNA])
    i_k = mul_ufract(mul_real(x_k, v - p[P_EK]), p[P_GK])
    i_l = mul_ufract(sat_real((v - p[P_EL]) * 256), p[P_GL])
    i_syn = mul_ufract(sat_real(mul_real(ge, p[P_EE] - v) + mul_real(gi, p[P_EI] - v)), p[P_MILLI])
    return sat_real(i_ext - i_na - i_k - i_l + i_syn)


def add_current(v, res, i, k):
    """``v + i k`` (a sub-step's change of V from the current ``i``): in fixed point the
    change is taken in units of 2^-8 LSB and what V cannot hold is carried in ``res`` to
    the next sub-step, so that V's 2^-15 mV resolution does not round every increment
    (near rheobase a bias of about 1e-4 nA in a 0.03 nA drive, spikes up to 1.9 ms
    early over a second). Returns (v, res); Python-integer reference."""
    total = int(res) + mul_ufract(int(i) << V_RES_BITS, k)
    whole = total >> V_RES_BITS
    return sat_real(int(v) + whole), total - (whole << V_RES_BITS)


@overload(add_current)
def _add_current(v, res, i, k):
    if isinstance(v, types.Integer):
        # mul_ufract(i << 8, k) without its int64 overflow (i k 256 passes 2**63 once
        # |i| k passes 2**23 LSB: about 256 nA at k near 1): (256 i k + 2**31) >> 32 is
        # (i k + 2**23) >> 24, and i k fits 63 bits for a REAL i
        half, drop = np.int64(1 << (31 - V_RES_BITS)), np.int64(32 - V_RES_BITS)

        def impl(v, res, i, k):
            total = np.int64(res) + ((np.int64(i) * np.int64(k) + half) >> drop)
            whole = total >> np.int64(V_RES_BITS)
            return sat_real(np.int64(v) + whole), total - (whole << np.int64(V_RES_BITS))
        return impl

    def fimpl(v, res, i, k):
        return v + mul_ufract(i, k), res
    return fimpl


@numba.njit(cache=True, inline="always")
def step(p, s, in_e, in_i, i_inj):
    """Advance one neuron by one tick (see the module docstring); returns (spiked, sat)."""
    sat = 0
    ge = sat_real(s[S_GE] + in_e)
    gi = sat_real(s[S_GI] + in_i)
    if ge != s[S_GE] + in_e or gi != s[S_GI] + in_i:
        sat += 1
    i_ext = sat_real(p[P_IOFF] + i_inj)  # nA
    v_old = s[S_V]
    v = v_old
    m = s[S_M]
    hh = s[S_H]
    n = s[S_N]
    res = s[S_VRES]
    for _ in range(int(p[P_NSUB])):
        ge_mid = mul_ufract(ge, p[P_DEH])
        gi_mid = mul_ufract(gi, p[P_DIH])
        # half a sub-step at the start values
        am, cm, ah, ch, an, cn = hh_gates(v - p[P_VT], p[P_HH])
        i1 = _current(p, v, m, hh, n, ge, gi, i_ext)
        v_mid = sat_real(v + mul_ufract(i1, p[P_KH]))
        m_mid = sat_real(m + am - mul_ufract(m, cm))
        h_mid = sat_real(hh + ah - mul_ufract(hh, ch))
        n_mid = sat_real(n + an - mul_ufract(n, cn))
        # the full sub-step at the midpoint values
        am, cm, ah, ch, an, cn = hh_gates(v_mid - p[P_VT], p[P_H])
        i2 = _current(p, v_mid, m_mid, h_mid, n_mid, ge_mid, gi_mid, i_ext)
        v, res = add_current(v, res, i2, p[P_K])
        m = sat_real(m + am - mul_ufract(m_mid, cm))
        hh = sat_real(hh + ah - mul_ufract(h_mid, ch))
        n = sat_real(n + an - mul_ufract(n_mid, cn))
        ge = decay(ge, p[P_DES])
        gi = decay(gi, p[P_DIS])
    spiked = False
    refrac = s[S_REFRAC]
    if refrac > 0:
        refrac -= 1
    elif v >= p[P_VSPIKE] and v_old > v:
        spiked = True
        refrac = p[P_REFRAC]
    s[S_V] = v
    s[S_GE] = ge
    s[S_GI] = gi
    s[S_M] = m
    s[S_H] = hh
    s[S_N] = n
    s[S_REFRAC] = refrac
    s[S_VRES] = res
    return spiked, sat
