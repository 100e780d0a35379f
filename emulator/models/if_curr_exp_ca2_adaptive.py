"""IFCurrExpCa2Adaptive: sPyNNaker's leaky integrate-and-fire cell with exponential current
synapses and a calcium-activated adaptation current (``sim.extra_models.IFCurrExpCa2Adaptive``;
Liu and Wang 2001, sPyNNaker's additional_input_ca2_adaptive).

IF_curr_exp plus a current ``i_ca2`` (nA) that jumps by ``i_alpha`` at each of the
neuron's spikes and decays with ``tau_ca2``, and is subtracted from the membrane's input:
``C dV/dt = (V_rest - V) C/tau_m + I_exc - I_inh - i_ca2 + i_offset``,
``di_ca2/dt = -i_ca2 / tau_ca2``. So a positive ``i_alpha`` (sPyNNaker's default 0.1 nA)
adapts: each spike lowers the input for the next ones. (sPyNNaker's C code returns
``-i_ca2`` as the additional input in one version and ``+i_ca2`` subtracted by the
neuron model in another; both mean this; PyNNExamples' spike-frequency-adaptation
example, with ``i_alpha = 0.1``, expects the rate to fall.)

Per tick, as IF_curr_exp (DESIGN.md section 4), the calcium current taken through its
own exact propagator (:func:`.components.adaptation.spike_current_lif`):

1. ``I_syn += ring slot << shift`` for each receptor;
2. not refractory: ``V = V_inf + (V - V_inf) P22 + I_exc P21e - I_inh P21i + i_ca2 P21ca``
   (``P21ca``: NEST's P21 for ``tau_ca2``, negative); refractory: count down, hold V;
3. ``V >= V_thresh``: spike, ``V = V_reset``, timer = refractory ticks;
4. ``I_syn`` and ``i_ca2`` decay over the tick; at a spike ``i_ca2 += i_alpha`` (the
   current jumps at the spike time and acts from the next tick on, as sPyNNaker's,
   which adds it after the tick's update).

``i_ca2`` is held in 64 times nA (a slow current decays as it should in fixed point).
sPyNNaker's own update holds the current over the step (and decays it first); this one
is exact. ``tests/test_ca2_adaptive.py`` checks it against a closed-form reference (the
linear system's matrix exponential, float64: ``tests/reference/ca2_adaptive.py``) and
against IF_curr_exp with ``i_alpha = 0``, in both arithmetics.
"""

import numba

from ..fixed import decay, mul_ufract
from .components import adaptation as ad
from .components import columns, host_steps, index
from .components import input_type as inp
from .components import membrane as mem
from .components import shaping as sh
from .components import threshold as th

NAME = "IFCurrExpCa2Adaptive"
PYNN_MODULE = "extra_models"  # the PyNN class is sim.extra_models.IFCurrExpCa2Adaptive
PYNN_PARAMS = ("tau_m", "cm", "v_rest", "v_reset", "v_thresh", "tau_syn_E", "tau_syn_I",
               "tau_refrac", "i_offset", "tau_ca2", "i_alpha")
CONDUCTANCE = False
WEIGHT_SCALE = 1.0  # ring-buffer units per PyNN weight unit (nA)
CA2_SCALE = sh.SLOT_SCALE  # i_ca2 units per nA

RECEPTORS = (("excitatory", sh.EXP), ("inhibitory", sh.EXP))
COMPONENTS = (mem.LIF_EXACT, inp.CURRENT, ad.spike_current_lif("ca2"), th.STATIC)
HOST = host_steps(RECEPTORS, COMPONENTS)
PARAMS = columns(RECEPTORS, COMPONENTS)
STATE = columns(RECEPTORS, COMPONENTS, what="state")
_P, _S = index(PARAMS), index(STATE)
(P_V_INF, P_P22, P_R, P_P21E, P_P21I, P_DECAY_E, P_DECAY_I, P_V_THRESH, P_V_RESET, P_REFRAC,
 P_QCA, P_DECAY_CA, P_P21CA, P_UNSCALE_CA) = (_P[n] for n in (
    "v_inf", "p22", "r_m", "p21e", "p21i", "decay_e", "decay_i", "v_thresh", "v_reset",
    "refrac_ticks", "q_ca2", "decay_ca2", "p21ca2", "unscale_ca2"))
S_V, S_ISYN_E, S_ISYN_I, S_CA, S_REFRAC = (_S[n] for n in ("v", "isyn_exc", "isyn_inh", "i_ca2",
                                                           "refrac"))
RECORD = {"v": (S_V, 1.0), "isyn_exc": (S_ISYN_E, 1.0), "isyn_inh": (S_ISYN_I, -1.0),
          "gsyn_exc": (S_ISYN_E, 1.0), "gsyn_inh": (S_ISYN_I, 1.0),
          "i_ca2": (S_CA, 1.0 / CA2_SCALE)}
INPUT = (S_ISYN_E, S_ISYN_I)
PYNN_UNITS = {"gsyn_exc": "nA", "gsyn_inh": "nA", "i_ca2": "nA"}
PYNN_DOC = """
    On the machine: IF_curr_exp's exact propagator, with the calcium current i_ca2
    (subtracted from the input; +i_alpha at each spike, decaying with tau_ca2) through
    its own propagator. neurochip records ``v``, ``isyn_exc``, ``isyn_inh`` (nA,
    inhibitory negative), ``gsyn_exc``/``gsyn_inh`` (the currents' magnitudes, as
    sPyNNaker scripts ask for them) and ``i_ca2`` (nA).
    """


@numba.njit(cache=True, inline="always")
def step(p, s, in_e, in_i, i_inj):
    """Advance one neuron by one tick (see the module docstring); returns (spiked, sat)."""
    ie, ii, sat = sh.receive_pair(s[S_ISYN_E], s[S_ISYN_I], in_e, in_i)
    ca = s[S_CA]
    spiked = False
    refractory, timer = th.count_down(s[S_REFRAC])
    if not refractory:
        raw = mem.lif_leak(s[S_V], mem.lif_v_inf(p, P_V_INF, P_R, i_inj), p[P_P22])
        raw = raw + inp.current_term(ie, p[P_P21E])
        raw = raw - inp.current_term(ii, p[P_P21I])
        raw = raw + inp.current_term(mul_ufract(ca, p[P_UNSCALE_CA]), p[P_P21CA])
        v, spiked, timer, n = th.fire_raw(raw, p[P_V_THRESH], p[P_V_RESET], p[P_REFRAC], timer)
        sat += n
        s[S_V] = v
    s[S_REFRAC] = timer
    s[S_ISYN_E] = decay(ie, p[P_DECAY_E])
    s[S_ISYN_I] = decay(ii, p[P_DECAY_I])
    ca = ad.decay_over(ca, p[P_DECAY_CA])
    if spiked:
        ca, saturated = ad.jump(ca, p[P_QCA])
        if saturated:
            sat += 1
    s[S_CA] = ca
    return spiked, sat
