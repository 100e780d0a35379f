"""IF_curr_dual_exp: sPyNNaker's leaky integrate-and-fire cell with two excitatory
exponential current synapses and one inhibitory (``sim.extra_models.IF_curr_dual_exp``).

Receptors ``excitatory`` (``tau_syn_E``), ``excitatory2`` (``tau_syn_E2``) and
``inhibitory`` (``tau_syn_I``); the other parameters are IF_curr_exp's, with sPyNNaker's
defaults. The membrane is NEST's exact propagator, as IF_curr_exp's (DESIGN.md section
4; NEST's iaf_psc_exp_multisynapse with three receptors is the same cell). Per tick:

1. ``I_k += ring slot k << shift_k`` for the three receptors (``I_k`` held as a magnitude
   in ``SLOT_SCALE`` times nA, so that a slow second excitatory current decays as it
   should: see :mod:`.components.shaping`, ``EXP_SCALED``);
2. not refractory: ``V = V_inf + (V - V_inf) P22 + sum_k I_k P21_k`` (the propagators
   signed: negative for the inhibitory receptor); refractory: count down, hold V;
3. ``V >= V_thresh``: spike, ``V = V_reset``, timer = refractory ticks;
4. ``I_k *= exp(-dt/tau_k)``; ``gsyn_exc = I_exc + I_exc2``.

A multi-receptor cell (three synapse types: two type bits in the synaptic words) with
fixed receptor names (``RECEPTOR_NAMES``). Recordables: ``v``, ``isyn_exc``,
``isyn_exc2``, ``isyn_inh`` (nA, the inhibitory one negative, as IF_curr_exp's), and
what sPyNNaker records: ``gsyn_exc`` (the two excitatory currents' sum) and ``gsyn_inh``
(the inhibitory current's magnitude), in nA. Weights onto ``inhibitory`` are <= 0
(PyNN's convention) or, as on sPyNNaker, >= 0 taken as inhibition of that magnitude.

sPyNNaker's own update differs in its approximations (input held constant over the
step, scaled by ``tau/dt (1 - exp(-dt/tau))``); this one is exact, as NEST's.
``tests/test_extra_cells.py`` checks it against NEST 3.10's iaf_psc_exp_multisynapse
(``tests/reference/dual_exp.py``).
"""

import numba

from ..fixed import decay, mul_ufract, sat_real
from .components import columns, host_steps, index, slot_column
from .components import input_type as inp
from .components import membrane as mem
from .components import shaping as sh
from .components import threshold as th

NAME = "IF_curr_dual_exp"
MULTI = True  # three receptors: the multi-receptor step (an input per receptor slot)
PYNN_MODULE = "extra_models"  # the PyNN class is sim.extra_models.IF_curr_dual_exp
RECEPTOR_NAMES = ("excitatory", "excitatory2", "inhibitory")  # in slot order
PYNN_PARAMS = ("v_rest", "cm", "tau_m", "tau_refrac", "tau_syn_E", "tau_syn_E2", "tau_syn_I",
               "i_offset", "v_reset", "v_thresh")
CONDUCTANCE = False
WEIGHT_SCALE = 1.0  # ring-buffer units per PyNN weight unit (nA)

RECEPTORS = tuple((r, sh.EXP_SCALED) for r in RECEPTOR_NAMES)
COMPONENTS = (mem.LIF_EXACT, inp.CURRENT, inp.EXCITATORY_TOTAL, th.STATIC)
HOST = host_steps(RECEPTORS, COMPONENTS)
PARAMS = columns(RECEPTORS, COMPONENTS)
STATE = columns(RECEPTORS, COMPONENTS, what="state")
_P, _S = index(PARAMS), index(STATE)
P_V_INF, P_P22, P_R, P_V_THRESH, P_V_RESET, P_REFRAC, P_UNSCALE = (
    _P[n] for n in ("v_inf", "p22", "r_m", "v_thresh", "v_reset", "refrac_ticks", "unscale"))
P_DECAY, P_P21 = (slot_column(PARAMS, n, RECEPTOR_NAMES) for n in ("decay_{r}", "p21{r}"))
S_V, S_REFRAC, S_TOTAL = _S["v"], _S["refrac"], _S["gsyn_exc"]
S_ISYN = slot_column(STATE, "isyn_{syn}", RECEPTOR_NAMES)
N_EXCITATORY = 2  # the first two receptors are excitatory
_K = 1.0 / sh.SLOT_SCALE
RECORD = {"v": (S_V, 1.0), "isyn_exc": (S_ISYN, _K), "isyn_exc2": (S_ISYN + 1, _K),
          "isyn_inh": (S_ISYN + 2, -_K), "gsyn_exc": (S_TOTAL, _K), "gsyn_inh": (S_ISYN + 2, _K)}
INPUT = (S_ISYN, S_ISYN + 1, S_ISYN + 2)
INPUT_ALSO = (S_TOTAL, S_TOTAL, -1)  # gsyn_exc shows both excitatory inputs when recorded
INPUT_SCALE = sh.SLOT_SCALE  # the currents' units per ring unit
PYNN_UNITS = {"isyn_exc2": "nA", "gsyn_exc": "nA", "gsyn_inh": "nA", "tau_syn_E2": "ms"}
PYNN_DOC = """
    On the machine: NEST's exact propagator with three exponential currents (as NEST's
    iaf_psc_exp_multisynapse); receptors ``excitatory``, ``excitatory2`` and
    ``inhibitory``. neurochip records ``v``, ``isyn_exc``, ``isyn_exc2``, ``isyn_inh``
    (nA, inhibitory negative) and sPyNNaker's ``gsyn_exc`` (the two excitatory currents'
    sum) and ``gsyn_inh`` (the inhibitory current's magnitude).
    """


# the exact LIF's columns, for mem.lif_exact_tick
LIF_COLS = (S_V, S_REFRAC, P_V_INF, P_R, P_P22, P_V_THRESH, P_V_RESET, P_REFRAC)


@numba.njit(cache=True, inline="always")
def step(p, s, x, i_inj):
    """Advance one neuron by one tick; ``x[k]`` is receptor k's ring-buffer input already
    shifted into REAL, ``i_inj`` the injected current (nA). Returns (spiked, saturations)."""
    sat = 0
    syn = 0 * p[P_P22]
    total = 0 * p[P_P22]
    for k in range(len(RECEPTOR_NAMES)):
        i, saturated = sh.receive_scaled(s[S_ISYN + k], x[k], sh.SLOT_SCALE)
        if saturated:
            sat = 1
        syn += inp.current_term(mul_ufract(i, p[P_UNSCALE]), p[P_P21 + k])
        i = decay(i, p[P_DECAY + k])
        s[S_ISYN + k] = i
        if k < N_EXCITATORY:
            total += i
    s[S_TOTAL] = sat_real(total)
    return mem.lif_exact_tick(p, s, LIF_COLS, syn, i_inj, sat)
