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
2. ``n_coarse`` steps of (V, m, h, n) of at most 0.1 ms (one at dt = 0.1 ms), each a
   classical Runge-Kutta (RK4) step, with the conductances at the start, middle and end
   of the step (they decay exactly). A step is kept if it differs from the midpoint (RK2)
   step built from the same stages by at most 0.01 mV in V (``reject``, a current:
   ``|I1 - 4 I2 + 2 I3 + I4| <= 0.01 mV * 6 C / step``) and 1e-3 in each gate
   (``reject_gate``: V's test alone let a step at a spike's peak through, 5.8 mV off
   where V's slopes cancelled); otherwise (around a spike, where
   V moves by up to 1000 mV/ms) it is redone as ``n_fine`` RK4 steps of at most 0.025 ms,
   the first reusing the rejected step's first stage. Between spikes a tick costs 4
   evaluations of the rates and currents; with a spike in it, 4 + 3 + 4 (n_fine - 1)
   (19 at dt = 0.1 ms, with 4 fine steps of 0.025 ms); the RK2 sub-steps of 0.01 ms used
   before cost 20 in every tick and were less accurate (tests/test_hh_nest.py,
   tests/test_model_dc.py). At dt <= 0.025 ms a tick is one RK4 step (4 evaluations where
   RK2 took 2);
3. the spike rule above, on V at the tick's start and end.

Fixed point: the gating variables are held as ``256 x`` (23 fractional bits). A stage's
slopes are taken over ``u`` = half a fine step: a gate's change is ``a - x c`` with ``a
= 256 u alpha`` and ``c = u (alpha + beta)``, which :func:`hh_gates` gives: in fixed point
by linear interpolation in a table of the rates (in Q24, every 1/8 mV of ``V_rel`` over
[-96, 160] mV, clamped outside), in float from NEST's formulas; a coarse step scales the
slopes by ``n_fine``, and RK4's weighted sum is divided by 3 in integers
(:func:`third`). The rates' relative error is below 6e-5
(measured in tests/test_model_nonlinear.py; 4.2e-4/ms at most, at V_rel = -96 mV where
alpha_h is 68/ms). The table is 2049 x 6 entries (48 KiB as 32-bit words,
``TABLE_BYTES``), which the mapping counts in a core's DTCM; at 1/2 mV steps
(12 KiB) the rates' error grows to 8e-4 and V's median error in fixed point from 0.001 to
0.005 mV (measured with the RK2 sub-steps). ``m^3 h`` and ``n^4`` are built from
products rescaled by 2^-8 (:func:`div256`) so that none leaves s16.15, and each current is
``(256 x (V - E)) * (g / 256)`` with ``g / 256`` as u0.32: channel conductances must
be below 256 uS. V's step is ``(I1 + 2 I2 + 2 I3 + I4) u / (3 C)`` (times ``n_fine``
for a coarse step), summed with 8 more fractional bits carried between steps
(:func:`add_current`).
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
          ("i_offset", "REAL"), ("u", "UFRACT"), ("k_u", "UFRACT"), ("k_u3", "UFRACT"),
          ("decay_e_coarse_half", "UFRACT"), ("decay_i_coarse_half", "UFRACT"),
          ("decay_e_coarse", "UFRACT"), ("decay_i_coarse", "UFRACT"),
          ("decay_e_fine_half", "UFRACT"), ("decay_i_fine_half", "UFRACT"),
          ("decay_e_fine", "UFRACT"), ("decay_i_fine", "UFRACT"),
          ("milli", "UFRACT"), ("reject", "REAL"), ("reject_gate", "REAL"),
          ("refrac_ticks", "int"), ("n_coarse", "int"), ("n_fine", "int"))
(P_ENA, P_EK, P_EL, P_EE, P_EI, P_GNA, P_GK, P_GL, P_VT, P_VSPIKE, P_IOFF, P_U, P_KU, P_KU3,
 P_DECH, P_DICH, P_DEC, P_DIC, P_DEFH, P_DIFH, P_DEF, P_DIF, P_MILLI, P_REJECT,
 P_REJECT_GATE, P_REFRAC, P_NC, P_NF) = range(len(PARAMS))
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
    On the machine: one Runge-Kutta (RK4) step per 0.1 ms, redone as RK4 steps of
    at most 0.025 ms where it differs from the midpoint rule by more than 0.01 mV (around
    spikes); tabulated rate functions, channel conductances below 256 uS. neurochip also records the gating
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
_EXP_M5 = math.exp(-5.0)
TABLE_STEP_BITS = 12  # 1/8 mV = 2^12 REAL LSB
TABLE_N = 2049  # [-96, 160] mV
RATE_BITS = 24
_v = TABLE_LO_MV + np.arange(TABLE_N) * 2.0 ** (TABLE_STEP_BITS - 15)
_r = rates(_v)
# columns: alpha_m, alpha_m + beta_m, alpha_h, alpha_h + beta_h, alpha_n, alpha_n + beta_n
_q = np.rint(np.stack([_r[0], _r[0] + _r[1], _r[2], _r[2] + _r[3], _r[4], _r[4] + _r[5]],
                      axis=1) * 2.0 ** RATE_BITS)
if _q.max() >= 2 ** 31:
    raise RuntimeError("a rate of the HH table does not fit 32 bits")
RATE_TABLE = _q.astype(np.int32)  # int32 as on a core: half the cache lines of int64
_TABLE = tuple(tuple(int(x) for x in row) for row in RATE_TABLE)
TABLE_LO = int(TABLE_LO_MV * REAL_ONE)
TABLE_BYTES = RATE_TABLE.size * 4  # as 32-bit words on a core (Q24 rates < 2^31)
del _v, _r, _q


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
    lo = np.int64(RATE_TABLE[i, col])
    return lo + (((np.int64(RATE_TABLE[i + 1, col]) - lo) * f
                  + np.int64(1 << (TABLE_STEP_BITS - 1))) >> np.int64(TABLE_STEP_BITS))


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
        # four exponentials, not six: beta_m, beta_h and alpha_n share exp((40 - V_rel)/5)
        # (as e^-5 e5 for alpha_n); expm1 only within 1 mV of their removable singularities
        # (elsewhere exp - 1 loses under 5 ulp, and glibc's expm1 took 30 % of a float
        # COBAHH run, five times as long as an exp)
        e5 = math.exp((40.0 - v_rel) / 5.0)
        y = 13.0 - v_rel
        am = 0.32 * (_fratio(y, 4.0) if abs(y) < 1.0 else y / (math.exp(y / 4.0) - 1.0))
        y = v_rel - 40.0
        bm = 0.28 * (_fratio(y, 5.0) if abs(y) < 1.0 else y / (1.0 / e5 - 1.0))
        ah = 0.128 * math.exp((17.0 - v_rel) / 18.0)
        bh = 4.0 / (1.0 + e5)
        y = 15.0 - v_rel
        an = 0.032 * (_fratio(y, 5.0) if abs(y) < 1.0 else y / (e5 * _EXP_M5 - 1.0))
        bn = 0.5 * math.exp((10.0 - v_rel) / 40.0)
        return (256.0 * s * am, s * (am + bm), 256.0 * s * ah, s * (ah + bh),
                256.0 * s * an, s * (an + bn))
    return fimpl


@numba.njit(cache=True, inline="always")
def _fratio(y, s):
    if abs(y) < 1e-9:
        return s - y / 2
    return y / math.expm1(y / s)


def div256(x):
    """``x / 256`` rounded to nearest (halves up): ``mul_ufract(x, 2^24)`` bit for bit,
    as a shift; Python-integer reference."""
    return (int(x) + 128) >> 8


@overload(div256)
def _div256(x):
    if isinstance(x, types.Integer):
        def impl(x):
            return (np.int64(x) + np.int64(128)) >> np.int64(8)
        return impl
    return lambda x: x * (1.0 / 256.0)


@numba.njit(cache=True, inline="always")
def _current(p, v, m, hh, n, ge, gi, i_ext):
    """Membrane current in nA at V and gates m, hh, n (held as 256 x)."""
    m3 = mul_real(div256(mul_real(m, m)), m)  # 2^16 m^3
    x_na = div256(mul_real(div256(m3), hh))  # 2^8 m^3 h
    n2 = div256(mul_real(n, n))  # 2^8 n^2
    x_k = div256(mul_real(n2, n2))  # 2^8 n^4
    i_na = mul_ufract(mul_real(x_na, v - p[P_ENA]), p[P_GNA])
    i_k = mul_ufract(mul_real(x_k, v - p[P_EK]), p[P_GK])
    i_l = mul_ufract(sat_real((v - p[P_EL]) * 256), p[P_GL])
    i_syn = mul_ufract(sat_real(mul_real(ge, p[P_EE] - v) + mul_real(gi, p[P_EI] - v)), p[P_MILLI])
    return sat_real(i_ext - i_na - i_k - i_l + i_syn)


def add_current(v, res, i, k):
    """``v + i k`` (a step's change of V from the current sum ``i``): in fixed point the
    change is taken in units of 2^-8 LSB and what V cannot hold is carried in ``res`` to
    the next step, so that V's 2^-15 mV resolution does not round every increment
    (near rheobase a bias of about 1e-4 nA in a 0.03 nA drive, spikes up to 1.9 ms
    early over a second with the RK2 sub-steps). ``i`` may exceed REAL (|i| < 2^46).
    Returns (v, res); Python-integer reference."""
    total = int(res) + ((int(i) * int(k) + (1 << (31 - V_RES_BITS))) >> (32 - V_RES_BITS))
    whole = total >> V_RES_BITS
    return sat_real(int(v) + whole), total - (whole << V_RES_BITS)


@overload(add_current)
def _add_current(v, res, i, k):
    if isinstance(v, types.Integer):
        rnd = np.int64(1 << (31 - V_RES_BITS))
        drop = np.int64(32 - V_RES_BITS - 16)

        def impl(v, res, i, k):
            # (i k + 2**23) >> 24 without int64 overflow for |i| < 2**46 (RK4's weighted
            # sum of four currents, times n_fine, can pass REAL): split i at bit 16
            x = np.int64(i)
            kk = np.int64(k)
            hi = x >> np.int64(16)
            lo = x - (hi << np.int64(16))
            prod = (hi * kk + ((lo * kk + rnd) >> np.int64(16))) >> drop
            total = np.int64(res) + prod
            whole = total >> np.int64(V_RES_BITS)
            return sat_real(np.int64(v) + whole), total - (whole << np.int64(V_RES_BITS))
        return impl

    def fimpl(v, res, i, k):
        return v + i * k, res
    return fimpl


def third(x):
    """x / 3 rounded to nearest (halves up); Python-integer reference."""
    return (2 * int(x) + 3) // 6


@overload(third)
def _third(x):
    if isinstance(x, types.Integer):
        def impl(x):
            return (np.int64(2) * np.int64(x) + np.int64(3)) // np.int64(6)
        return impl
    return lambda x: x / 3.0


@numba.njit(cache=True, inline="always")
def _slopes(p, v, m, hh, n, ge, gi, i_ext):
    """Membrane current (nA) and the gates' changes over ``u`` (256 x) at one state."""
    am, cm, ah, ch, an, cn = hh_gates(v - p[P_VT], p[P_U])
    return (_current(p, v, m, hh, n, ge, gi, i_ext), am - mul_ufract(m, cm),
            ah - mul_ufract(hh, ch), an - mul_ufract(n, cn))


@numba.njit(cache=True, inline="always")
def _rk4(p, y, k1, g, i_ext, mult, coarse):
    """One RK4 step of ``2 mult u`` ms from y = (v, res, m, h, n) whose first slopes are
    k1; g = (ge, gi) at the step's start. Returns (v, res, m, h, n, V's error as a current,
    the gates' error in units of their slopes)."""
    v, res, m, hh, n = y
    i1, dm1, dh1, dn1 = k1
    ge, gi = g
    if coarse:
        ge_h, gi_h = mul_ufract(ge, p[P_DECH]), mul_ufract(gi, p[P_DICH])
        ge_f, gi_f = mul_ufract(ge, p[P_DEC]), mul_ufract(gi, p[P_DIC])
    else:
        ge_h, gi_h = mul_ufract(ge, p[P_DEFH]), mul_ufract(gi, p[P_DIFH])
        ge_f, gi_f = mul_ufract(ge, p[P_DEF]), mul_ufract(gi, p[P_DIF])
    ku = p[P_KU]
    i2, dm2, dh2, dn2 = _slopes(p, sat_real(v + mul_ufract(sat_real(i1 * mult), ku)),
                                sat_real(m + dm1 * mult), sat_real(hh + dh1 * mult),
                                sat_real(n + dn1 * mult), ge_h, gi_h, i_ext)
    i3, dm3, dh3, dn3 = _slopes(p, sat_real(v + mul_ufract(sat_real(i2 * mult), ku)),
                                sat_real(m + dm2 * mult), sat_real(hh + dh2 * mult),
                                sat_real(n + dn2 * mult), ge_h, gi_h, i_ext)
    i4, dm4, dh4, dn4 = _slopes(p, sat_real(v + mul_ufract(sat_real(i3 * (2 * mult)), ku)),
                                sat_real(m + dm3 * (2 * mult)), sat_real(hh + dh3 * (2 * mult)),
                                sat_real(n + dn3 * (2 * mult)), ge_f, gi_f, i_ext)
    v, res = add_current(v, res, (i1 + 2 * i2 + 2 * i3 + i4) * mult, p[P_KU3])
    m = sat_real(m + third((dm1 + 2 * dm2 + 2 * dm3 + dm4) * mult))
    hh = sat_real(hh + third((dh1 + 2 * dh2 + 2 * dh3 + dh4) * mult))
    n = sat_real(n + third((dn1 + 2 * dn2 + 2 * dn3 + dn4) * mult))
    # RK4 - RK2 (midpoint) from the same stages, for V (as a current) and the gates
    err_gate = max(abs(dm1 - 4 * dm2 + 2 * dm3 + dm4), abs(dh1 - 4 * dh2 + 2 * dh3 + dh4),
                   abs(dn1 - 4 * dn2 + 2 * dn3 + dn4))
    return v, res, m, hh, n, abs(i1 - 4 * i2 + 2 * i3 + i4), err_gate


@numba.njit(cache=True, inline="always")
def step(p, s, in_e, in_i, i_inj):
    """Advance one neuron by one tick (see the module docstring); returns (spiked, sat)."""
    sat = 0
    ge = sat_real(s[S_GE] + in_e)
    gi = sat_real(s[S_GI] + in_i)
    if ge != s[S_GE] + in_e or gi != s[S_GI] + in_i:
        sat += 1
    i_ext = sat_real(p[P_IOFF] + i_inj)
    v_old = s[S_V]
    y = (v_old, s[S_VRES], s[S_M], s[S_H], s[S_N])
    nf = int(p[P_NF])
    for _ in range(int(p[P_NC])):
        v, res, m, hh, n = y
        k1 = _slopes(p, v, m, hh, n, ge, gi, i_ext)
        v2, res2, m2, h2, n2, err, err_gate = _rk4(p, y, k1, (ge, gi), i_ext, nf, True)
        if (err <= p[P_REJECT] and err_gate <= p[P_REJECT_GATE]) or nf == 1:
            y = (v2, res2, m2, h2, n2)
        else:  # too fast for one step (a spike): n_fine steps, the first from k1
            fe, fi = ge, gi
            for j in range(nf):
                if j > 0:
                    v, res, m, hh, n = y
                    k1 = _slopes(p, v, m, hh, n, fe, fi, i_ext)
                v, res, m, hh, n, _, _ = _rk4(p, y, k1, (fe, fi), i_ext, 1, False)
                y = (v, res, m, hh, n)
                fe = decay(fe, p[P_DEF])
                fi = decay(fi, p[P_DIF])
        ge = decay(ge, p[P_DEC])
        gi = decay(gi, p[P_DIC])
    v, res, m, hh, n = y
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
