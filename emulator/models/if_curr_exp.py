"""IF_curr_exp: leaky integrate-and-fire with exponential current synapses.

Parameter and state columns (REAL unless noted), and the per-neuron update in
the reference order of DESIGN.md section 4:

1. ``I_syn += ring slot << shift`` for each synapse type (done by the caller);
2. not refractory: ``V = V_inf + (V - V_inf)*P22 + I_exc*P21e - I_inh*P21i``
   (exact propagator, as NEST's iaf_psc_exp), ``V_inf = V_rest + R*(i_offset + i_inj)``
   with the injected current held over the step; refractory: count down, hold V;
3. ``V >= V_thresh``: spike, ``V = V_reset``, timer = refractory ticks;
4. ``I_syn *= exp(-dt/tau_syn)``.

The cell updates a core's neurons in one loop over its columns (:func:`tick_columns`,
``COLUMNS``), not one neuron at a time through ``step``: the loop runs in SIMD lanes.

``I_inh`` is kept as a positive magnitude; the host reports it with PyNN's sign.
"""

import numba
import numpy as np

from ..fixed import decay, ring_to_real
from .components import columns, host_steps, index
from .components import input_type as inp
from .components import membrane as mem
from .components import shaping as sh
from .components import threshold as th

NAME = "IF_curr_exp"
COLUMNS = True  # a core's neurons in one vectorised loop (tick_columns), not step
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
def tick_columns(P, S, lo, hi, slot, inh, shifts, ring, inj, fired):
    """Advance neurons ``lo .. hi - 1`` (one core) by one tick, column by column.

    ``P``/``S`` are the machine's parameters and state as ``[column, neuron]`` (the
    emulator's Fortran-ordered arrays transposed: each column contiguous), so the loop
    runs in SIMD lanes, several neurons at once. Neuron ``lo + i`` takes ring slots
    ``slot + i`` and ``slot + inh + i`` (shifted into REAL by ``shifts``) and clears them;
    ``inj[g]`` is its injected current (nA, REAL); ``fired[i]`` says whether it spiked.
    Returns the saturations. Every branch is a select (:func:`mem.lif_exact_fire`): a
    refractory neuron computes the update too and keeps its old V.
    """
    sh_e, sh_i = shifts
    # indices unsigned: LLVM then needs no wrap-around of negative indices, and only then
    # does the loop vectorise; not slices of the columns, which cost numba an atomic
    # reference count each, per core and tick (as much as the loop itself for 256 neurons)
    u0 = np.uint64(lo)
    r_e = np.uint64(slot)
    r_i = np.uint64(slot + inh)
    sat = 0
    for j in range(np.uint64(hi - lo)):
        n = u0 + j
        in_e = ring_to_real(ring[r_e + j], sh_e)
        in_i = ring_to_real(ring[r_i + j], sh_i)
        ring[r_e + j] = 0
        ring[r_i + j] = 0
        ie, ii, n_in = sh.receive_pair(S[S_ISYN_E, n], S[S_ISYN_I, n], in_e, in_i)
        raw = mem.lif_leak(S[S_V, n], mem.v_inf_with(P[P_V_INF, n], P[P_R, n], inj[n]), P[P_P22, n])
        raw = raw + inp.current_term(ie, P[P_P21E, n])
        raw = raw - inp.current_term(ii, P[P_P21I, n])
        v, timer, spiked, n_v = mem.lif_exact_fire(S[S_V, n], S[S_REFRAC, n], raw, P[P_V_THRESH, n],
                                                    P[P_V_RESET, n], P[P_REFRAC, n])
        S[S_V, n] = v
        S[S_REFRAC, n] = timer
        fired[j] = spiked
        sat += n_in + n_v
        S[S_ISYN_E, n] = decay(ie, P[P_DECAY_E, n])
        S[S_ISYN_I, n] = decay(ii, P[P_DECAY_I, n])
    return sat
