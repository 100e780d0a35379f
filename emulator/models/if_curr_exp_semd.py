"""IF_curr_exp_sEMD: sPyNNaker's spiking elementary motion detector
(``sim.extra_models.IF_curr_exp_sEMD``; Milde et al. 2018, sPyNNaker's synapse type
"sEMD", https://www.cit-ec.de/en/nbs/spiking-insect-vision).

A leaky integrate-and-fire cell with three exponential current synapses: ``excitatory``
(``tau_syn_E``, the facilitating input), ``excitatory2`` (``tau_syn_E2``, the trigger)
and ``inhibitory`` (``tau_syn_I``). The facilitating current does not drive the membrane
by itself: when the trigger current switches on, the facilitating current of that moment
is latched as the ``multiplicator``, and the membrane is driven by
``scaling_factor * multiplicator * I_exc2`` (so the response grows the closer the
trigger follows the facilitation: the time of travel between two points of an image).
The multiplicator returns to 0 when the trigger current falls under 0.001 nA. Per tick:

1. ``I_k += ring slot k << shift_k`` for the three receptors (held as magnitudes in
   ``SLOT_SCALE`` times nA, as IF_curr_dual_exp's);
2. sPyNNaker's rule (:func:`.components.input_type.semd_latch`): ``I_exc2 >= 0.001`` nA
   while it was under 0.001 nA the tick before and nothing is latched: ``multiplicator =
   I_exc``; ``I_exc2 < 0.001`` nA: ``multiplicator = 0``;
3. not refractory: ``V = V_inf + (V - V_inf) P22 + g I_exc2 P21_E2 - I_inh P21_I`` with
   ``g = scaling_factor * multiplicator`` held over the tick (NEST's exact propagators,
   DESIGN.md section 4); refractory: count down, hold V;
4. ``V >= V_thresh``: spike, ``V = V_reset``, timer = refractory ticks;
5. ``I_k *= exp(-dt/tau_k)``; ``gsyn_exc = g I_exc2`` (the current that drives the
   membrane, as sPyNNaker records it).

sPyNNaker's own update holds the inputs constant over the step and scales each weight by
``tau/dt (1 - exp(-dt/tau))``; this one is exact, as NEST's would be. The latch waits
for the trigger current to have been under 0.001 nA, not at exactly 0 as sPyNNaker's
code asks (its fixed point gets there a few ticks later, a float never does).
``tests/test_semd.py`` checks it against a float64 reference of these equations
(``tests/reference/semd.py``, matrix exponentials), in both arithmetics.
"""

import numba

from ..fixed import decay, mul_ufract
from .components import columns, host_steps, index, slot_column
from .components import input_type as inp
from .components import membrane as mem
from .components import shaping as sh
from .components import threshold as th

NAME = "IF_curr_exp_sEMD"
MULTI = True  # three receptors: the multi-receptor step (an input per receptor slot)
PYNN_MODULE = "extra_models"  # the PyNN class is sim.extra_models.IF_curr_exp_sEMD
RECEPTOR_NAMES = ("excitatory", "excitatory2", "inhibitory")  # in slot order
PYNN_PARAMS = ("v_rest", "cm", "tau_m", "tau_refrac", "tau_syn_E", "tau_syn_E2", "tau_syn_I",
               "i_offset", "v_reset", "v_thresh", "scaling_factor")
CONDUCTANCE = False
WEIGHT_SCALE = 1.0  # ring-buffer units per PyNN weight unit (nA)

RECEPTORS = tuple((r, sh.EXP_SCALED) for r in RECEPTOR_NAMES)
COMPONENTS = (mem.LIF_EXACT, inp.CURRENT, inp.SEMD, th.STATIC)
HOST = host_steps(RECEPTORS, COMPONENTS)
PARAMS = columns(RECEPTORS, COMPONENTS)
STATE = columns(RECEPTORS, COMPONENTS, what="state")
_P, _S = index(PARAMS), index(STATE)
(P_V_INF, P_P22, P_R, P_V_THRESH, P_V_RESET, P_REFRAC, P_UNSCALE, P_GAIN, P_THRESHOLD) = (
    _P[n] for n in ("v_inf", "p22", "r_m", "v_thresh", "v_reset", "refrac_ticks", "unscale",
                    "semd_gain", "semd_threshold"))
P_DECAY, P_P21 = (slot_column(PARAMS, n, RECEPTOR_NAMES) for n in ("decay_{r}", "p21{r}"))
S_V, S_REFRAC, S_MULT, S_OLD, S_DRIVE = (_S[n] for n in ("v", "refrac", "multiplicator",
                                                           "exc2_old", "gsyn_exc"))
S_ISYN = slot_column(STATE, "isyn_{syn}", RECEPTOR_NAMES)
_K = 1.0 / sh.SLOT_SCALE
RECORD = {"v": (S_V, 1.0), "isyn_exc": (S_ISYN, _K), "isyn_exc2": (S_ISYN + 1, _K),
          "isyn_inh": (S_ISYN + 2, -_K), "gsyn_exc": (S_DRIVE, _K), "gsyn_inh": (S_ISYN + 2, _K),
          "multiplicator": (S_MULT, _K)}
INPUT = (S_ISYN, S_ISYN + 1, S_ISYN + 2)
INPUT_SCALE = sh.SLOT_SCALE  # the currents' units per ring unit
PYNN_UNITS = {"isyn_exc2": "nA", "gsyn_exc": "nA", "gsyn_inh": "nA", "multiplicator": "nA",
              "tau_syn_E2": "ms", "scaling_factor": "1/nA", "exc2_old": "nA"}
PYNN_DOC = """
    On the machine: NEST's exact propagators with three exponential currents; receptors
    ``excitatory`` (facilitation), ``excitatory2`` (trigger) and ``inhibitory``; the
    trigger current drives the membrane times ``scaling_factor`` times the facilitation
    current latched when the trigger current switched on (over 0.001 nA). neurochip
    records ``v``, ``isyn_exc``, ``isyn_exc2``, ``isyn_inh`` (nA, inhibitory negative),
    ``multiplicator`` (nA) and sPyNNaker's ``gsyn_exc`` (the current that drives the
    membrane, nA) and ``gsyn_inh`` (the inhibitory current's magnitude).
    """


# the exact LIF's columns, for mem.lif_exact_tick
LIF_COLS = (S_V, S_REFRAC, P_V_INF, P_R, P_P22, P_V_THRESH, P_V_RESET, P_REFRAC)


@numba.njit(cache=True, inline="always")
def step(p, s, x, i_inj):
    """Advance one neuron by one tick; ``x[k]`` is receptor k's ring-buffer input already
    shifted into REAL, ``i_inj`` the injected current (nA). Returns (spiked, saturations)."""
    sat = 0
    ie, s0 = sh.receive_scaled(s[S_ISYN], x[0], sh.SLOT_SCALE)
    ie2, s1 = sh.receive_scaled(s[S_ISYN + 1], x[1], sh.SLOT_SCALE)
    ii, s2 = sh.receive_scaled(s[S_ISYN + 2], x[2], sh.SLOT_SCALE)
    if s0 or s1 or s2:
        sat = 1
    threshold = p[P_THRESHOLD]
    mult = inp.semd_latch(s[S_MULT], s[S_OLD], ie, ie2, threshold)
    s[S_MULT] = mult
    s[S_OLD] = ie2
    drive, saturated = inp.semd_current(ie2, mult, p[P_GAIN])
    if saturated:
        sat += 1
    unscale = p[P_UNSCALE]
    syn = (inp.current_term(mul_ufract(drive, unscale), p[P_P21 + 1])
           + inp.current_term(mul_ufract(ii, unscale), p[P_P21 + 2]))
    ie2 = decay(ie2, p[P_DECAY + 1])
    s[S_ISYN] = decay(ie, p[P_DECAY])
    s[S_ISYN + 1] = ie2
    s[S_ISYN + 2] = decay(ii, p[P_DECAY + 2])
    s[S_DRIVE] = inp.semd_current(ie2, mult, p[P_GAIN])[0]
    return mem.lif_exact_tick(p, s, LIF_COLS, syn, i_inj, sat)
