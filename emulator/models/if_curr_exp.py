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

from ..fixed import decay
from .components import columns, host_steps, index
from .components import input_type as inp
from .components import membrane as mem
from .components import shaping as sh
from .components import threshold as th

NAME = "IF_curr_exp"
PYNN_PARAMS = ("v_rest", "cm", "tau_m", "tau_refrac", "tau_syn_E", "tau_syn_I", "i_offset",
               "v_reset", "v_thresh")
CONDUCTANCE = False
WEIGHT_SCALE = 1.0  # ring-buffer units per PyNN weight unit (nA)

RECEPTORS = (("excitatory", sh.EXP), ("inhibitory", sh.EXP))
COMPONENTS = (mem.LIF_EXACT, inp.CURRENT, th.STATIC)
HOST = host_steps(RECEPTORS, COMPONENTS)
PARAMS = columns(RECEPTORS, COMPONENTS, ("v_inf", "p22", "p21e", "p21i", "v_thresh", "v_reset",
                                         "decay_e", "decay_i", "refrac_ticks", "r_m"))
STATE = columns(RECEPTORS, COMPONENTS, ("v", "isyn_exc", "isyn_inh", "refrac"), "state")
_P, _S = index(PARAMS), index(STATE)
(P_V_INF, P_P22, P_P21E, P_P21I, P_V_THRESH, P_V_RESET, P_DECAY_E, P_DECAY_I, P_REFRAC,
 P_R) = (_P[n] for n, _ in PARAMS)
S_V, S_ISYN_E, S_ISYN_I, S_REFRAC = (_S[n] for n, _ in STATE)
# PyNN variable -> (state column, factor from the state's units to PyNN's)
RECORD = {"v": (S_V, 1.0), "isyn_exc": (S_ISYN_E, 1.0), "isyn_inh": (S_ISYN_I, -1.0),
          "gsyn_exc": (S_ISYN_E, 1.0), "gsyn_inh": (S_ISYN_I, 1.0)}
INPUT = (S_ISYN_E, S_ISYN_I)  # state columns that ring-buffer input adds to directly
PYNN_UNITS = {"gsyn_exc": "nA", "gsyn_inh": "nA"}
PYNN_DOC = """
    neurochip also records the synaptic currents: ``isyn_exc`` and ``isyn_inh`` (nA,
    inhibitory negative, as PyNN's weights), and, as sPyNNaker scripts ask for them,
    ``gsyn_exc``/``gsyn_inh``: the same currents as positive magnitudes (nA).
    """


@numba.njit(cache=True, inline="always")
def step(p, s, in_e, in_i, i_inj):
    """Advance one neuron by one tick; ``p``/``s`` are its parameter/state rows.

    ``in_e``/``in_i`` are this tick's ring-buffer inputs already shifted into REAL,
    ``i_inj`` the injected current (nA, REAL). Returns (spiked, saturations).
    """
    ie, ii, sat = sh.receive_pair(s[S_ISYN_E], s[S_ISYN_I], in_e, in_i)
    spiked = False
    refractory, timer = th.count_down(s[S_REFRAC])
    if not refractory:
        raw = mem.lif_leak(s[S_V], mem.lif_v_inf(p, P_V_INF, P_R, i_inj), p[P_P22])
        raw = raw + inp.current_term(ie, p[P_P21E])
        raw = raw - inp.current_term(ii, p[P_P21I])
        v, spiked, timer, n = th.fire_raw(raw, p[P_V_THRESH], p[P_V_RESET], p[P_REFRAC], timer)
        sat += n
        s[S_V] = v
    s[S_REFRAC] = timer
    s[S_ISYN_E] = decay(ie, p[P_DECAY_E])
    s[S_ISYN_I] = decay(ii, p[P_DECAY_I])
    return spiked, sat
