"""IFCondExpStoc: sPyNNaker's conductance-based leaky integrate-and-fire cell with a
stochastic threshold (``sim.extra_models.IFCondExpStoc``; Habenschuss, Jonke and Maass 2013).

The membrane, synapses and units are IF_cond_exp's (mV, nS on the core, pA): RK4
sub-steps of at most 0.1 ms of ``C dV/dt = g_L (E_L - V) + g_e (E_e - V) + g_i (E_i - V)
+ I`` with exactly decaying conductances (:func:`.components.membrane.rk4_cond_tick`).
The threshold is sPyNNaker's stochastic one (:mod:`.components.maass`): a free neuron
spikes in a tick with probability ``P = 0.8 (1 - exp(-exp((V - v_thresh)/du_th) dt /
(10 tau_th)))``, ``P = 0.8`` once ``(V - v_thresh)/du_th >= 5``, drawn from its own
generator. Per tick:

1. ``g_e, g_i += ring slot << shift`` (nS);
2. not refractory: the RK4 sub-steps of V; refractory: count down, V held at v_reset
   (the conductances go on);
3. free: one draw against P(V); a spike sets ``V = v_reset`` and starts
   ``round(tau_refrac/dt)`` refractory ticks.

sPyNNaker's membrane update holds the input over the step (its closed form); this is
IF_cond_exp's, checked against NEST. ``tests/test_cond_exp_stoc.py`` checks the threshold
statistically against the formula (V held at a value: the spike count's mean and
variance per neuron, and the intervals) and the membrane against IF_cond_exp's, bit
for bit, in both arithmetics.
"""

import numba

from ..fixed import mul_real, sat_real
from .components import columns, host_steps, index
from .components import input_type as inp
from .components import maass as mas
from .components import membrane as mem
from .components import shaping as sh

NAME = "IFCondExpStoc"
INLINE = False  # called, not inlined into the core kernel: see registry.dispatch_source
PYNN_MODULE = "extra_models"  # the PyNN class is sim.extra_models.IFCondExpStoc
PYNN_PARAMS = ("tau_m", "cm", "v_rest", "v_reset", "v_thresh", "tau_syn_E", "tau_syn_I",
               "tau_refrac", "i_offset", "e_rev_E", "e_rev_I", "du_th", "tau_th")
CONDUCTANCE = True
WEIGHT_SCALE = 1000.0  # uS -> nS
RNG = True  # the host seeds the rng columns (see components.maass)
# sPyNNaker's names of the initial synaptic state -> the state's (conductances, uS)
INITIAL_ALIASES = {"isyn_exc": "gsyn_exc", "isyn_inh": "gsyn_inh"}

RECEPTORS = (("excitatory", sh.EXP_COND), ("inhibitory", sh.EXP_COND))
COMPONENTS = (mem.LIF_COND_RK4, inp.CONDUCTANCE, mas.MAASS)
HOST = host_steps(RECEPTORS, COMPONENTS)
PARAMS = columns(RECEPTORS, COMPONENTS)
STATE = columns(RECEPTORS, COMPONENTS, what="state")
_P, _S = index(PARAMS), index(STATE)
RK4 = tuple(_P[n] for n in ("g_leak", "e_leak", "e_exc", "e_inh", "k_full", "k_half", "k_sixth",
                            "decay_e_half", "decay_i_half", "decay_e_sub", "decay_i_sub",
                            "n_sub"))
P_IOFF, P_VTH, P_INVDU, P_LOGDT, P_YSAT, P_PSAT, P_VRESET, P_REFRAC = (_P[n] for n in (
    "i_offset", "v_thresh", "inv_du_th", "log_dt_tau_th", "y_saturate", "p_saturate", "v_reset",
    "refrac_ticks"))
S_V, S_GE, S_GI, S_REFRAC, S_R0, S_R1, S_R2, S_R3 = (_S[n] for n in (
    "v", "gsyn_exc", "gsyn_inh", "refrac", "rng0", "rng1", "rng2", "rng3"))
RECORD = {"v": (S_V, 1.0), "gsyn_exc": (S_GE, 1e-3), "gsyn_inh": (S_GI, 1e-3)}
INPUT = (S_GE, S_GI)
PYNN_DOC = """
    On the machine: IF_cond_exp's membrane (RK4 sub-steps of at most 0.1 ms,
    conductances in nS) and sPyNNaker's stochastic threshold, drawn from a per-neuron
    KISS generator seeded from the global seed (spikes do not depend on placement);
    the probability per step is computed in u0.32. The initial conductances are
    sPyNNaker's ``isyn_exc``, ``isyn_inh`` (uS).
    """


@numba.njit(cache=True, inline="always")
def step(p, s, in_e, in_i, i_inj):
    """Advance one neuron by one tick (see the module docstring); returns (spiked, sat)."""
    ge, gi, sat = sh.receive_pair(s[S_GE], s[S_GI], in_e, in_i)
    i_ext = sat_real(p[P_IOFF] + i_inj * 1000)  # pA
    refractory = s[S_REFRAC] > 0
    v, ge, gi = mem.rk4_cond_tick(p, RK4, s[S_V], ge, gi, i_ext, refractory)
    spiked = False
    if refractory:
        s[S_REFRAC] -= 1
    else:
        y = sat_real(mul_real(sat_real(v - p[P_VTH]), p[P_INVDU]))
        prob = mas.spike_probability(y, p[P_LOGDT], p[P_YSAT], p[P_PSAT])
        draw, r0, r1, r2, r3 = mas.next_draw(s[S_R0], s[S_R1], s[S_R2], s[S_R3])
        s[S_R0] = r0
        s[S_R1] = r1
        s[S_R2] = r2
        s[S_R3] = r3
        if draw < prob:
            spiked = True
            v = p[P_VRESET]
            s[S_REFRAC] = p[P_REFRAC]
    s[S_V] = v
    s[S_GE] = ge
    s[S_GI] = gi
    return spiked, sat
