"""Izhikevich: the quadratic integrate-and-fire model of Izhikevich (2003).

``dv/dt = 0.04 v^2 + 5 v + 140 - u + I``, ``du/dt = a (b v - u)``; ``v >= 30 mV``:
spike, ``v = c``, ``u += d``. Units as PyNN and NEST's ``izhikevich`` (which pyNN.nest
uses): v in mV, u and I in mV/ms, with ``I = 1000 * i_offset`` (PyNN's nA become NEST's
``I_e`` in pA, used as mV/ms) plus 1000 x any injected current. Synapses are voltage
jumps, as in NEST (pyNN.nest undoes its nA -> pA weight scaling for this model): a
weight is a jump of v in mV; inhibitory weights are negative and the ring holds
their magnitude. There is no refractory period.

Per tick:

1. ``n_sub`` midpoint (RK2) sub-steps of ``(v, u)`` of at most 0.01 ms each (chosen
   on the host); a sub-step that begins with ``v >= -40`` mV (the upstroke: below the
   unstable fixed point the cell is slow) is done as ``n_fine`` = 4 sub-steps of a
   quarter of the length. After a sub-step that ends with ``v >= 30``, the crossing is
   placed by linear interpolation (:func:`.crossing.crossing`): u is taken there,
   ``v = c``, ``u += d``, and the rest of the sub-step is one Euler step from the reset;
2. ``v += in_exc - in_inh`` (the jumps arriving at the tick's end), and ``v >= 30``:
   ``v = c``, ``u += d``;
3. a spike is stamped at the end of the tick.

Accuracy (tests/test_model_dc.py, against scipy at rtol 1e-10 with the reset at the
exact crossing, 1 s of DC at dt = 0.1 ms, 15 to 213 spikes): every spike in the
timestep of the true crossing or the next one, in both arithmetics; the largest
|spike - crossing| 0.101 ms. Resetting at the end of the crossing sub-step instead
(as before) lagged by half a sub-step per spike on average, 1.1 ms after 213 spikes;
NEST's izhikevich (one forward-Euler step per timestep, ``consistent_integration``)
is 10 to 25 ms off over that second and loses 1 to 5 spikes.

As NEST does for its AdEx models, the right-hand side sees ``min(v, 30)``, which keeps
``v*v`` in range in the sub-step that crosses. Fixed point: ``0.04 v^2`` is ``(v*v) * 0.04``
with 0.04 as u0.32; the step lengths ``h``, ``h/2``, ``a h`` and ``a h/2`` are u0.32
multipliers (products round to nearest). u is held as ``128 u``: its change over a
0.01 ms sub-step, ``a h (b v - u)``, is a few LSB of s16.15 (a = 0.02), which left u
stuck up to 0.08 mV/ms from ``b v`` and v 0.02 mV off at rest; 7 more bits cut that
128-fold and still hold |u| < 512 mV/ms.
A jump acts at its arrival time, as in NEST: the tick that ends there integrates,
then adds the jump and checks the threshold (``INPUT_LEAD = 1``), so a jump that alone
takes v past 30 mV spikes at its arrival time, and the voltage record shows it from
the sample at that time.
"""

import numba

from ..fixed import mul_real, mul_ufract, sat_real
from .components import host_steps
from .components import input_type as inp
from .components import membrane as mem
from .components import shaping as sh
from .components import threshold as th
from .crossing import crossing

NAME = "Izhikevich"
INLINE = False  # called, not inlined into the core kernel: see registry.dispatch_source
PYNN_PARAMS = ("a", "b", "c", "d", "i_offset")
CONDUCTANCE = False
WEIGHT_SCALE = 1.0  # ring units per PyNN weight unit (mV)
WEIGHT_UNIT = "mV"
V_PEAK = 30.0  # mV: NEST's V_th of izhikevich (PyNN does not expose it)
U_INIT = -14.0  # mV/ms: PyNN's default initial u
U_SCALE = 128.0  # u is held as 128 u: 7 more fractional bits, |u| < 512 mV/ms
V_FINE = -40.0  # mV: sub-steps from here up are split in N_FINE
N_FINE = 4

# two sets of step constants, the sub-step's and the fine one's, in the same order
PARAMS = (("k_sq", "UFRACT"), ("k_lin", "REAL"), ("i_const", "REAL"), ("b_scaled", "REAL"),
          ("inv_u_scale", "UFRACT"), ("h_full", "UFRACT"), ("h_half", "UFRACT"),
          ("ah_full", "UFRACT"), ("ah_half", "UFRACT"), ("h_fine_full", "UFRACT"),
          ("h_fine_half", "UFRACT"), ("ah_fine_full", "UFRACT"), ("ah_fine_half", "UFRACT"),
          ("v_peak", "REAL"), ("c", "REAL"), ("d_scaled", "REAL"), ("v_fine", "REAL"),
          ("n_sub", "int"), ("n_fine", "int"))
STATE = (("v", "REAL"), ("u_scaled", "REAL"))
(P_KSQ, P_KLIN, P_ICONST, P_BS, P_INVS, P_H, P_HH, P_AH, P_AHH, P_FH, P_FHH, P_FAH, P_FAHH,
 P_VPEAK, P_C, P_DS, P_VFINE, P_NSUB, P_NFINE) = range(len(PARAMS))
FINE = P_FH - P_H  # offset of the fine set
S_V, S_U = range(len(STATE))
RECORD = {"v": (S_V, 1.0), "u": (S_U, 1.0 / U_SCALE)}
INPUT = (-1, -1)  # no synaptic state: a jump shows in v from the sample at its arrival

# the arithmetic does not split (V, the synapses and the reset advance together in
# the sub-steps): one fused membrane holds every column; the other parts are named
MEMBRANE = mem.fused("izhikevich", PARAMS, STATE, host="izhikevich")
RECEPTORS = (("excitatory", sh.fused("delta")), ("inhibitory", sh.fused("delta")))
COMPONENTS = (MEMBRANE, inp.fused("current"), th.fused("peak_reset_at_crossing"))
HOST = host_steps(RECEPTORS, COMPONENTS)
PYNN_DOC = """
    As pyNN.nest (NEST's izhikevich): the threshold is 30 mV, I = 1000 * i_offset
    (mV/ms), a weight is a voltage jump in mV (inhibitory negative). On the machine:
    midpoint (RK2) sub-steps of at most 0.01 ms; the reset is applied at the crossing,
    placed by linear interpolation within the sub-step that crosses.
    """
INPUT_LEAD = 1  # a jump acts in the tick that ends at its arrival time


@numba.njit(cache=True, inline="always")
def _dv(p, v, us, i_ext):
    """dv/dt in mV/ms (REAL) at v and ``us = 128 u``."""
    return sat_real(mul_ufract(mul_real(v, v), p[P_KSQ]) + mul_real(v, p[P_KLIN]) + i_ext
                    - mul_ufract(us, p[P_INVS]))


@numba.njit(cache=True, inline="always")
def _substep(p, o, v, u, i_ext):
    """One midpoint sub-step of (v, u) with the step constants at offset ``o``."""
    vpk = p[P_VPEAK]
    ve = v if v < vpk else vpk
    k1 = _dv(p, ve, u, i_ext)
    l1 = sat_real(mul_real(ve, p[P_BS]) - u)
    v_mid = sat_real(v + mul_ufract(k1, p[o + P_HH]))
    u_mid = sat_real(u + mul_ufract(l1, p[o + P_AHH]))
    vm = v_mid if v_mid < vpk else vpk
    k2 = _dv(p, vm, u_mid, i_ext)
    l2 = sat_real(mul_real(vm, p[P_BS]) - u_mid)
    return sat_real(v + mul_ufract(k2, p[o + P_H])), sat_real(u + mul_ufract(l2, p[o + P_AH]))


@numba.njit(cache=True, inline="always")
def step(p, s, in_e, in_i, i_inj):
    """Advance one neuron by one tick (see the module docstring); returns (spiked, sat)."""
    sat = 0
    v = s[S_V]
    u = s[S_U]
    i_ext = sat_real(p[P_ICONST] + i_inj * 1000)  # nA -> mV/ms, as NEST's pA
    spiked = False
    vpk = p[P_VPEAK]
    for _ in range(int(p[P_NSUB])):
        o, reps = 0, 1
        if v >= p[P_VFINE]:
            o, reps = FINE, int(p[P_NFINE])
        for _ in range(reps):
            v0, u0 = v, u
            v, u = _substep(p, o, v, u, i_ext)
            if v >= vpk:
                spiked = True
                theta, rest = crossing(v0, v, vpk)
                raw = u0 + mul_ufract(u - u0, theta) + p[P_DS]
                u = sat_real(raw)
                if u != raw:
                    sat += 1
                # the rest of the sub-step from the reset: one Euler step
                c = p[P_C]
                k = _dv(p, c, u, i_ext)
                l = sat_real(mul_real(c, p[P_BS]) - u)
                v = sat_real(c + mul_ufract(k, mul_ufract(p[o + P_H], rest)))
                u = sat_real(u + mul_ufract(l, mul_ufract(p[o + P_AH], rest)))
    # the jumps that arrive at the end of this tick, then the threshold (NEST's order)
    raw = v + in_e - in_i
    v = sat_real(raw)
    if v != raw:
        sat += 1
    if v >= vpk:
        spiked = True
        v = p[P_C]
        raw = u + p[P_DS]
        u = sat_real(raw)
        if u != raw:
            sat += 1
    s[S_V] = v
    s[S_U] = u
    return spiked, sat
