"""IF_curr_exp: leaky integrate-and-fire with exponential current synapses.

Parameter and state columns (REAL unless noted), and the per-neuron update in
the reference order of DESIGN.md section 4:

1. ``I_syn += ring slot << shift`` for each synapse type (done by the caller);
2. not refractory: ``V = V_inf + (V - V_inf)*P22 + I_exc*P21e - I_inh*P21i``
   (exact propagator, as NEST's iaf_psc_exp), ``V_inf = V_rest + R*(i_offset + i_inj)``
   with the injected current held over the step; refractory: count down, hold V;
3. ``V >= V_thresh``: spike, ``V = V_reset``, timer = refractory ticks;
4. ``I_syn *= exp(-dt/tau_syn)``.

``I_inh`` is kept as a positive magnitude; the host reports it with PyNN's sign.
"""

import numba

from ..fixed import decay, mul_real, mul_ufract, sat_real

NAME = "IF_curr_exp"
KIND = 0
PYNN_PARAMS = ("v_rest", "cm", "tau_m", "tau_refrac", "tau_syn_E", "tau_syn_I", "i_offset",
               "v_reset", "v_thresh")
CONDUCTANCE = False
WEIGHT_SCALE = 1.0  # ring-buffer units per PyNN weight unit (nA)

# name, format
PARAMS = (("v_inf", "REAL"), ("p22", "UFRACT"), ("p21e", "REAL"), ("p21i", "REAL"),
          ("v_thresh", "REAL"), ("v_reset", "REAL"), ("decay_e", "UFRACT"),
          ("decay_i", "UFRACT"), ("refrac_ticks", "int"), ("r_m", "REAL"))
STATE = (("v", "REAL"), ("isyn_exc", "REAL"), ("isyn_inh", "REAL"), ("refrac", "int"))
(P_V_INF, P_P22, P_P21E, P_P21I, P_V_THRESH, P_V_RESET, P_DECAY_E, P_DECAY_I,
 P_REFRAC, P_R) = range(len(PARAMS))
S_V, S_ISYN_E, S_ISYN_I, S_REFRAC = range(len(STATE))
# PyNN variable -> (state column, factor from the state's units to PyNN's)
RECORD = {"v": (S_V, 1.0), "isyn_exc": (S_ISYN_E, 1.0), "isyn_inh": (S_ISYN_I, -1.0),
          "gsyn_exc": (S_ISYN_E, 1.0), "gsyn_inh": (S_ISYN_I, 1.0)}
INPUT = (S_ISYN_E, S_ISYN_I)  # state columns that ring-buffer input adds to directly


@numba.njit(cache=True, inline="always")
def step(p, s, in_e, in_i, i_inj):
    """Advance one neuron by one tick; ``p``/``s`` are its parameter/state rows.

    ``in_e``/``in_i`` are this tick's ring-buffer inputs already shifted into REAL,
    ``i_inj`` the injected current (nA, REAL). Returns (spiked, saturations).
    """
    sat = 0
    ie = sat_real(s[S_ISYN_E] + in_e)
    ii = sat_real(s[S_ISYN_I] + in_i)
    if ie != s[S_ISYN_E] + in_e or ii != s[S_ISYN_I] + in_i:
        sat += 1
    spiked = False
    if s[S_REFRAC] > 0:
        s[S_REFRAC] -= 1
    else:
        v_inf = sat_real(p[P_V_INF] + mul_real(i_inj, p[P_R]))
        raw = (v_inf + mul_ufract(sat_real(s[S_V] - v_inf), p[P_P22])
               + mul_real(ie, p[P_P21E]) - mul_real(ii, p[P_P21I]))
        v = sat_real(raw)
        if v != raw:
            sat += 1
        if v >= p[P_V_THRESH]:
            spiked = True
            v = p[P_V_RESET]
            s[S_REFRAC] = p[P_REFRAC]
        s[S_V] = v
    s[S_ISYN_E] = decay(ie, p[P_DECAY_E])
    s[S_ISYN_I] = decay(ii, p[P_DECAY_I])
    return spiked, sat
