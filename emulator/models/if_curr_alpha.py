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

from .components import columns, host_steps, index
from .components import input_type as inp
from .components import membrane as mem
from .components import shaping as sh
from .components import threshold as th

NAME = "IF_curr_alpha"
PYNN_PARAMS = ("v_rest", "cm", "tau_m", "tau_refrac", "tau_syn_E", "tau_syn_I", "i_offset",
               "v_reset", "v_thresh")
CONDUCTANCE = False
WEIGHT_SCALE = 1.0  # ring-buffer units per PyNN weight unit (nA, the peak current)
SYN_SCALE = sh.ALPHA_SCALE  # synaptic state units per nA (a power of two: scaling is exact)

RECEPTORS = (("excitatory", sh.ALPHA), ("inhibitory", sh.ALPHA))
COMPONENTS = (mem.LIF_EXACT, inp.CURRENT, th.STATIC)
HOST = host_steps(RECEPTORS, COMPONENTS)
PARAMS = columns(RECEPTORS, COMPONENTS, (
    "v_inf", "p22", "p31e", "p32e", "p31i", "p32i", "v_thresh", "v_reset", "decay_e", "decay_i",
    "p21e", "p21i", "refrac_ticks", "r_m", "unscale"))
STATE = columns(RECEPTORS, COMPONENTS, ("v", "isyn_exc", "isyn_inh", "drive_exc", "drive_inh",
                                        "refrac"), "state")
_P, _S = index(PARAMS), index(STATE)
(P_V_INF, P_P22, P_P31E, P_P32E, P_P31I, P_P32I, P_V_THRESH, P_V_RESET, P_DECAY_E, P_DECAY_I,
 P_P21E, P_P21I, P_REFRAC, P_R, P_UNSCALE) = (_P[n] for n, _ in PARAMS)
S_V, S_ISYN_E, S_ISYN_I, S_U_E, S_U_I, S_REFRAC = (_S[n] for n, _ in STATE)
RECORD = {"v": (S_V, 1.0), "isyn_exc": (S_ISYN_E, 1.0 / SYN_SCALE),
          "isyn_inh": (S_ISYN_I, -1.0 / SYN_SCALE), "gsyn_exc": (S_ISYN_E, 1.0 / SYN_SCALE),
          "gsyn_inh": (S_ISYN_I, 1.0 / SYN_SCALE)}
INPUT = (-1, -1)  # the input enters the drive u, not a recorded column
PYNN_UNITS = {"gsyn_exc": "nA", "gsyn_inh": "nA"}
PYNN_DOC = """
    On the machine: NEST's exact integration (iaf_psc_alpha); a weight (nA) is the peak
    of the synaptic current, reached tau_syn after arrival. Recordable as IF_curr_exp:
    ``isyn_exc``/``isyn_inh`` (nA, inhibitory negative) and ``gsyn_exc``/``gsyn_inh``
    (the same currents as positive magnitudes, nA).
    """


@numba.njit(cache=True, inline="always")
def step(p, s, in_e, in_i, i_inj):
    """Advance one neuron by one tick (see the module docstring); returns (spiked, sat)."""
    sat = 0
    ue, sat_e = sh.receive_scaled(s[S_U_E], in_e, SYN_SCALE)
    ui, sat_i = sh.receive_scaled(s[S_U_I], in_i, SYN_SCALE)
    if sat_e or sat_i:
        sat += 1
    ie = s[S_ISYN_E]
    ii = s[S_ISYN_I]
    spiked = False
    refractory, timer = th.count_down(s[S_REFRAC])
    if not refractory:
        k = p[P_UNSCALE]  # back to nA
        ue_31, ie_32 = sh.alpha_terms(ue, ie, k, p[P_P31E], p[P_P32E])
        ui_31, ii_32 = sh.alpha_terms(ui, ii, k, p[P_P31I], p[P_P32I])
        raw = mem.lif_leak(s[S_V], mem.lif_v_inf(p, P_V_INF, P_R, i_inj), p[P_P22])
        raw = raw + ue_31
        raw = raw + ie_32
        raw = raw - ui_31
        raw = raw - ii_32
        v, spiked, timer, n = th.fire_raw(raw, p[P_V_THRESH], p[P_V_RESET], p[P_REFRAC], timer)
        sat += n
        s[S_V] = v
    s[S_REFRAC] = timer
    ie, ue, sat_e = sh.alpha_advance(ie, ue, p[P_DECAY_E], p[P_P21E])
    ii, ui, sat_i = sh.alpha_advance(ii, ui, p[P_DECAY_I], p[P_P21I])
    s[S_ISYN_E] = ie
    s[S_ISYN_I] = ii
    s[S_U_E] = ue
    s[S_U_I] = ui
    if sat_e or sat_i:
        sat += 1
    return spiked, sat
