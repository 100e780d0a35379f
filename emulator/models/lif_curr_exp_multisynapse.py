"""PyNN's ``PointNeuron(LIF, <name>=CurrExpPostSynapticResponse, ...)``: the exact LIF
membrane with any number of exponential current receptors (NEST's
iaf_psc_exp_multisynapse).

A population's receptors (PyNN's ``receptor_types``: the names, sorted) take the
receptor slots 0, 1, ... (:data:`.components.SLOTS`, at most
:data:`neurochip.emulator.contract.MAX_RECEPTORS`); ``n_receptors`` says how many are in
use. Each slot is an ``EXP_SLOT`` shaping: the current is held as a magnitude, as the
ring brings it, and the propagator ``P21_k`` carries the receptor's sign (negative for
a receptor PyNN calls inhibitory: GABA, GABAA, GABAB, inhibitory; the host reports its
``<name>.isyn`` negative, as NEST's ``I_syn_k``). Per tick, as IF_curr_exp (DESIGN.md
section 4) with the receptors' terms added in slot order:

1. ``I_k += ring slot k << shift_k`` for each receptor in use (``I_k`` held in
   ``SLOT_SCALE`` times nA, so that slow currents decay as they should: see
   :mod:`.components.shaping`);
2. not refractory: ``V = V_inf + (V - V_inf) P22 + sum_k I_k P21_k`` (NEST's exact
   propagator, signed); refractory: count down, hold V (the currents go on);
3. ``V >= V_thresh``: spike, ``V = V_reset``, timer = refractory ticks;
4. ``I_k *= exp(-dt/tau_k)``.
"""

import numba

from ..fixed import decay, mul_ufract
from .components import SLOTS, columns, host_steps, index, slot_column
from .components import input_type as inp
from .components import membrane as mem
from .components import shaping as sh
from .components import threshold as th

NAME = "LIF_curr_exp_multisynapse"
MULTI = True
# the PyNN face: PointNeuron(PYNN_NEURON, name=PYNN_RECEPTOR(...), ...)
PYNN_NEURON = "LIF"
PYNN_RECEPTOR = "CurrExpPostSynapticResponse"
PYNN_PARAMS = ("cm", "tau_refrac", "v_reset", "v_rest", "tau_m", "i_offset", "v_thresh")
# a receptor's PyNN parameter -> the slot's host parameter ({R}: s0, s1, ...), and the
# value an unused slot gets
RECEPTOR_PARAMS = {"tau_syn": ("tau_syn_{R}", 5.0)}
# a receptor's PyNN variable -> (the slot's state column, factor from its units to PyNN's;
# times -1 for an inhibitory current receptor)
RECEPTOR_RECORD = {"isyn": ("isyn_{syn}", 1.0 / sh.SLOT_SCALE)}
CONDUCTANCE = False
WEIGHT_SCALE = 1.0  # ring-buffer units per PyNN weight unit (nA)

RECEPTORS = tuple((slot, sh.EXP_SLOT) for slot in SLOTS)
COMPONENTS = (mem.LIF_EXACT, inp.CURRENT, th.STATIC)
HOST = host_steps(RECEPTORS, COMPONENTS)
PARAMS = columns(RECEPTORS, COMPONENTS)
STATE = columns(RECEPTORS, COMPONENTS, what="state")
_P, _S = index(PARAMS), index(STATE)
P_V_INF, P_P22, P_R, P_V_THRESH, P_V_RESET, P_REFRAC, P_NREC, P_UNSCALE = (
    _P[n] for n in ("v_inf", "p22", "r_m", "v_thresh", "v_reset", "refrac_ticks", "n_receptors",
                    "unscale"))
P_DECAY, P_P21 = (slot_column(PARAMS, n) for n in ("decay_{r}", "p21{r}"))
S_V, S_REFRAC = _S["v"], _S["refrac"]
S_ISYN = slot_column(STATE, "isyn_{syn}")
RECORD = {"v": (S_V, 1.0)}  # and per receptor, RECEPTOR_RECORD
INPUT = tuple(S_ISYN + k for k in range(len(SLOTS)))
INPUT_SCALE = sh.SLOT_SCALE  # the currents' units per ring unit
PYNN_DOC = """
    On the machine (as NEST's iaf_psc_exp_multisynapse): the exact LIF propagator with
    one exponential current per receptor, up to 8 receptors; receptors named GABA,
    GABAA, GABAB or inhibitory take weights <= 0, the others weights >= 0.
    """


# the exact LIF's columns, for mem.lif_exact_tick
LIF_COLS = (S_V, S_REFRAC, P_V_INF, P_R, P_P22, P_V_THRESH, P_V_RESET, P_REFRAC)


@numba.njit(cache=True, inline="always")
def step(p, s, x, i_inj):
    """Advance one neuron by one tick; ``x[k]`` is receptor slot k's ring-buffer input
    already shifted into REAL, ``i_inj`` the injected current (nA). Returns (spiked,
    saturations)."""
    sat = 0
    syn = 0 * p[P_P22]
    for k in range(int(p[P_NREC])):
        i, saturated = sh.receive_scaled(s[S_ISYN + k], x[k], sh.SLOT_SCALE)
        if saturated:
            sat = 1
        syn += inp.current_term(mul_ufract(i, p[P_UNSCALE]), p[P_P21 + k])
        s[S_ISYN + k] = decay(i, p[P_DECAY + k])
    return mem.lif_exact_tick(p, s, LIF_COLS, syn, i_inj, sat)
