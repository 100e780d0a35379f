"""Izhikevich_curr_exp: sPyNNaker's Izhikevich neuron (its IZK_curr_exp), with exponential
current synapses: what ``sim.Izhikevich(..., tau_syn_E=..., tau_syn_I=...)`` gives a script
written for sPyNNaker (PyNN's ``sim.Izhikevich`` without them is :mod:`.izhikevich`).

``dv/dt = 0.04 v^2 + 5 v + 140 - u + I``, ``du/dt = a (b v - u)``; ``v >= 30 mV``: spike,
``v = c``, ``u += d``; no refractory period. ``I = i_offset + I_e - I_i`` plus any injected
current, the synaptic currents decaying with ``tau_syn_E``/``tau_syn_I``; a weight (nA)
adds to its receptor's current at the spike's arrival (an inhibitory one as a magnitude).
Units are sPyNNaker's: v in mV, u and I in mV/ms, currents in nA taken as mV/ms (a
membrane of 1 nF, as sPyNNaker's IZK models add nA to dv/dt; pyNN.nest's ``Izhikevich``
takes 1000 x i_offset).

Per tick (the arithmetic of :mod:`.izhikevich`, whose parameter columns come first here,
with the currents):

1. ``I_e, I_i += ring slot << shift`` (nA);
2. ``n_sub`` midpoint (RK2) sub-steps of ``(v, u)`` of at most 0.01 ms, each using the
   currents at the start and the middle of the sub-step (they decay exactly); a sub-step
   that begins with ``v >= -40`` mV is done as ``n_fine`` = 4 sub-steps of a quarter of
   the length. After a sub-step that ends with ``v >= 30``, the crossing is placed by
   linear interpolation (:func:`.crossing.crossing`): u is taken there, ``v = c``,
   ``u += d``, and the rest of the sub-step is one Euler step from the reset (with the
   mid-sub-step currents);
3. a spike is stamped at the end of the tick (several crossings in one tick send one).

sPyNNaker itself takes one midpoint step per timestep and scales its exponential
synapses' input by ``tau/dt (1 - exp(-dt/tau))``; this is the exact integration to a
tick (DESIGN.md section 4). ``tests/test_izhikevich_curr_exp.py`` checks it against a
high-precision integration of the same equations (``tests/reference/izhikevich_curr_exp.py``:
scipy DOP853 at rtol 1e-10, the reset at the exact crossing), in both arithmetics.
"""

import numba

from ..fixed import decay, mul_real, mul_ufract, sat_real
from . import izhikevich as izh
from .components import host_steps
from .components import input_type as inp
from .components import membrane as mem
from .components import shaping as sh
from .components import threshold as th
from .crossing import crossing

NAME = "Izhikevich_curr_exp"
INLINE = False  # called, not inlined into the core kernel: see registry.dispatch_source
PYNN_MODULE = "extra_models"  # the PyNN class is made by neurochip.extra_cells
PYNN_PARAMS = ("a", "b", "c", "d", "i_offset", "tau_syn_E", "tau_syn_I")
CONDUCTANCE = False
WEIGHT_SCALE = 1.0  # ring units per PyNN weight unit (nA)

# Izhikevich's columns (its step constants index them), then the currents' decays over
# the (fine) half and whole sub-steps, the fine set at DFINE from the other
PARAMS = (*izh.PARAMS,
          ("decay_e_half", "UFRACT"), ("decay_e_sub", "UFRACT"), ("decay_i_half", "UFRACT"),
          ("decay_i_sub", "UFRACT"), ("decay_e_fine_half", "UFRACT"),
          ("decay_e_fine_sub", "UFRACT"), ("decay_i_fine_half", "UFRACT"),
          ("decay_i_fine_sub", "UFRACT"))
P_DEH, P_DES, P_DIH, P_DIS = range(len(izh.PARAMS), len(izh.PARAMS) + 4)
DFINE = 4
STATE = (("v", "REAL"), ("u_scaled", "REAL"), ("isyn_exc", "REAL"), ("isyn_inh", "REAL"))
S_V, S_U, S_IE, S_II = range(len(STATE))
# PyNN variable -> (state column, factor to PyNN's units); gsyn_* as sPyNNaker scripts
# record them from current-based cells: the currents as magnitudes
RECORD = {"v": (S_V, 1.0), "u": (S_U, 1.0 / izh.U_SCALE), "isyn_exc": (S_IE, 1.0),
          "isyn_inh": (S_II, -1.0), "gsyn_exc": (S_IE, 1.0), "gsyn_inh": (S_II, 1.0)}
INPUT = (S_IE, S_II)
PYNN_UNITS = {"u": "mV/ms", "isyn_exc": "nA", "isyn_inh": "nA", "gsyn_exc": "nA",
              "gsyn_inh": "nA"}

# V, u, the currents and the reset advance together in the sub-steps: one fused
# membrane holds every column; the other parts are named
MEMBRANE = mem.fused("izhikevich_curr_exp", PARAMS, STATE, host="izhikevich_curr_exp")
RECEPTORS = (("excitatory", sh.fused("exp")), ("inhibitory", sh.fused("exp")))
COMPONENTS = (MEMBRANE, inp.fused("current"), th.fused("peak_reset_at_crossing"))
HOST = host_steps(RECEPTORS, COMPONENTS)
PYNN_DOC = """
    On the machine: sPyNNaker's units (a current of 1 nA is 1 mV/ms on dv/dt), threshold
    30 mV, no refractory period; midpoint (RK2) sub-steps of at most 0.01 ms with exactly
    decaying currents and the reset at the crossing (see
    neurochip/emulator/models/izhikevich_curr_exp.py). neurochip records ``v``, ``u``, the
    currents ``isyn_exc``, ``isyn_inh`` (nA, inhibitory negative) and, as sPyNNaker scripts
    ask for them, ``gsyn_exc``, ``gsyn_inh``: the same currents as magnitudes (nA).
    """


@numba.njit(cache=True, inline="always")
def _substep(p, o, v, u, i0, i_mid):
    """One midpoint sub-step of (v, u) with the step constants at offset ``o`` and the
    input (mV/ms) ``i0`` at its start, ``i_mid`` at its middle."""
    vpk = p[izh.P_VPEAK]
    ve = v if v < vpk else vpk
    k1 = izh._dv(p, ve, u, i0)
    l1 = sat_real(mul_real(ve, p[izh.P_BS]) - u)
    v_mid = sat_real(v + mul_ufract(k1, p[o + izh.P_HH]))
    u_mid = sat_real(u + mul_ufract(l1, p[o + izh.P_AHH]))
    vm = v_mid if v_mid < vpk else vpk
    k2 = izh._dv(p, vm, u_mid, i_mid)
    l2 = sat_real(mul_real(vm, p[izh.P_BS]) - u_mid)
    return sat_real(v + mul_ufract(k2, p[o + izh.P_H])), sat_real(u + mul_ufract(l2, p[o + izh.P_AH]))


@numba.njit(cache=True, inline="always")
def step(p, s, in_e, in_i, i_inj):
    """Advance one neuron by one tick (see the module docstring); returns (spiked, sat)."""
    ie, ii, sat = sh.receive_pair(s[S_IE], s[S_II], in_e, in_i)
    v = s[S_V]
    u = s[S_U]
    i_ext = sat_real(p[izh.P_ICONST] + i_inj)  # nA, taken as mV/ms (sPyNNaker's units)
    spiked = False
    vpk = p[izh.P_VPEAK]
    for _ in range(int(p[izh.P_NSUB])):
        o, od, reps = 0, 0, 1
        if v >= p[izh.P_VFINE]:
            o, od, reps = izh.FINE, DFINE, int(p[izh.P_NFINE])
        for _ in range(reps):
            ie_mid = mul_ufract(ie, p[od + P_DEH])
            ii_mid = mul_ufract(ii, p[od + P_DIH])
            i_mid = sat_real(i_ext + ie_mid - ii_mid)
            v0, u0 = v, u
            v, u = _substep(p, o, v, u, sat_real(i_ext + ie - ii), i_mid)
            if v >= vpk:
                spiked = True
                theta, rest = crossing(v0, v, vpk)
                raw = u0 + mul_ufract(u - u0, theta) + p[izh.P_DS]
                u = sat_real(raw)
                if u != raw:
                    sat += 1
                # the rest of the sub-step from the reset: one Euler step
                c = p[izh.P_C]
                k = izh._dv(p, c, u, i_mid)
                l = sat_real(mul_real(c, p[izh.P_BS]) - u)
                v = sat_real(c + mul_ufract(k, mul_ufract(p[o + izh.P_H], rest)))
                u = sat_real(u + mul_ufract(l, mul_ufract(p[o + izh.P_AH], rest)))
            ie = decay(ie, p[od + P_DES])
            ii = decay(ii, p[od + P_DIS])
    s[S_V] = v
    s[S_U] = u
    s[S_IE] = ie
    s[S_II] = ii
    return spiked, sat
