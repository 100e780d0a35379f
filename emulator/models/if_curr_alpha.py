"""IF_curr_alpha: leaky integrate-and-fire with alpha-shaped current synapses.

One input of weight ``w`` (nA, PyNN's peak current) arriving at ``t0`` gives
``I(t) = w * (t - t0)/tau_syn * exp(1 - (t - t0)/tau_syn)``: it peaks at ``w`` one
``tau_syn`` after arrival. Each synapse type carries two state variables, the
current ``I`` and its drive ``u``, with

    du/dt = -u / tau_syn,        dI/dt = (e / tau_syn) * u - I / tau_syn,

and an input of weight ``w`` adds ``w`` to ``u``. This is NEST's iaf_psc_alpha
(``dI``, ``I``, an input adding ``e/tau_syn * w`` to ``dI``) with ``u = dI * tau_syn/e``:
``u`` is in nA, so the ring-buffer input adds to it with no multiplication, and
every propagator below is a number in [0, 1] or a modest REAL.

Precision: ``u`` and ``I`` are held in REAL scaled by ``SYN_SCALE`` (64: a resolution
of 2**-21 nA, a range of +-1024 nA). Every product truncates (DESIGN.md), and in the
chain ``u -> I -> V`` the half-LSB lost per step accumulates over ``tau_syn/dt`` steps
twice: unscaled, a steady current came out ~120 LSB (3.6e-3 nA) low, 0.36 mV of V at
R = 100 MOhm; scaled, the synaptic error is below the voltage's own truncation.
``I`` and ``u`` are brought back to nA (``* 1/SYN_SCALE``, exact in u0.32) where V uses them.

Per tick, in the reference order of DESIGN.md section 4:

1. ``u += (ring slot << shift) * SYN_SCALE`` for each synapse type (``u_inh`` as a
   positive magnitude);
2. not refractory: exact propagation of the linear system (Rotter & Diesmann 1999),
   ``V = V_inf + (V - V_inf)*P22 + u_e*P31e + I_e*P32e - u_i*P31i - I_i*P32i`` with
   ``V_inf = V_rest + R*(i_offset + i_inj)`` (injected current held over the step);
   refractory: count down, hold V;
3. ``V >= V_thresh``: spike, ``V = V_reset``, timer = refractory ticks;
4. ``I = I*P11 + u*P21``, ``u = u*P11`` with ``P11 = exp(-dt/tau_syn)`` and
   ``P21 = (dt/tau_syn)*exp(1 - dt/tau_syn)`` (at most 1, at ``dt = tau_syn``).

The host computes P31, P32 in float64 (series form near ``tau_syn == tau_m``).
Recorded ``isyn_exc``/``isyn_inh`` are ``I``, which the ring input does not touch
directly (it enters ``u``), hence ``INPUT = (-1, -1)``: the sample at ``t`` is NEST's.
"""

import numba

from ..fixed import decay, mul_real, mul_ufract, sat_real

NAME = "IF_curr_alpha"
KIND = 4
PYNN_PARAMS = ("v_rest", "cm", "tau_m", "tau_refrac", "tau_syn_E", "tau_syn_I", "i_offset",
               "v_reset", "v_thresh")
CONDUCTANCE = False
WEIGHT_SCALE = 1.0  # ring-buffer units per PyNN weight unit (nA, the peak current)
SYN_SCALE = 64  # synaptic state units per nA (a power of two: scaling is exact)

PARAMS = (("v_inf", "REAL"), ("p22", "UFRACT"), ("p31e", "REAL"), ("p32e", "REAL"),
          ("p31i", "REAL"), ("p32i", "REAL"), ("v_thresh", "REAL"), ("v_reset", "REAL"),
          ("decay_e", "UFRACT"), ("decay_i", "UFRACT"), ("p21e", "UFRACT"), ("p21i", "UFRACT"),
          ("refrac_ticks", "int"), ("r_m", "REAL"), ("unscale", "UFRACT"))
STATE = (("v", "REAL"), ("isyn_exc", "REAL"), ("isyn_inh", "REAL"), ("drive_exc", "REAL"),
         ("drive_inh", "REAL"), ("refrac", "int"))
(P_V_INF, P_P22, P_P31E, P_P32E, P_P31I, P_P32I, P_V_THRESH, P_V_RESET, P_DECAY_E, P_DECAY_I,
 P_P21E, P_P21I, P_REFRAC, P_R, P_UNSCALE) = range(len(PARAMS))
S_V, S_ISYN_E, S_ISYN_I, S_U_E, S_U_I, S_REFRAC = range(len(STATE))
RECORD = {"v": (S_V, 1.0), "isyn_exc": (S_ISYN_E, 1.0 / SYN_SCALE),
          "isyn_inh": (S_ISYN_I, -1.0 / SYN_SCALE), "gsyn_exc": (S_ISYN_E, 1.0 / SYN_SCALE),
          "gsyn_inh": (S_ISYN_I, 1.0 / SYN_SCALE)}
INPUT = (-1, -1)  # the input enters the drive u, not a recorded column


@numba.njit(cache=True, inline="always")
def step(p, s, in_e, in_i, i_inj):
    """Advance one neuron by one tick (see the module docstring); returns (spiked, sat)."""
    sat = 0
    raw_ue = s[S_U_E] + in_e * SYN_SCALE
    raw_ui = s[S_U_I] + in_i * SYN_SCALE
    ue = sat_real(raw_ue)
    ui = sat_real(raw_ui)
    if ue != raw_ue or ui != raw_ui:
        sat += 1
    ie = s[S_ISYN_E]
    ii = s[S_ISYN_I]
    spiked = False
    if s[S_REFRAC] > 0:
        s[S_REFRAC] -= 1
    else:
        v_inf = sat_real(p[P_V_INF] + mul_real(i_inj, p[P_R]))
        k = p[P_UNSCALE]  # back to nA
        raw = (v_inf + mul_ufract(sat_real(s[S_V] - v_inf), p[P_P22])
               + mul_real(mul_ufract(ue, k), p[P_P31E]) + mul_real(mul_ufract(ie, k), p[P_P32E])
               - mul_real(mul_ufract(ui, k), p[P_P31I]) - mul_real(mul_ufract(ii, k), p[P_P32I]))
        v = sat_real(raw)
        if v != raw:
            sat += 1
        if v >= p[P_V_THRESH]:
            spiked = True
            v = p[P_V_RESET]
            s[S_REFRAC] = p[P_REFRAC]
        s[S_V] = v
    raw_e = decay(ie, p[P_DECAY_E]) + mul_ufract(ue, p[P_P21E])
    raw_i = decay(ii, p[P_DECAY_I]) + mul_ufract(ui, p[P_P21I])
    s[S_ISYN_E] = sat_real(raw_e)
    s[S_ISYN_I] = sat_real(raw_i)
    if s[S_ISYN_E] != raw_e or s[S_ISYN_I] != raw_i:
        sat += 1
    s[S_U_E] = decay(ue, p[P_DECAY_E])
    s[S_U_I] = decay(ui, p[P_DECAY_I])
    return spiked, sat
