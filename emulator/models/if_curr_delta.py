"""IF_curr_delta: leaky integrate-and-fire whose synaptic inputs are voltage jumps.

A weight is a step change of the membrane potential in mV (PyNN's IF_curr_delta,
NEST's iaf_psc_delta); inhibitory weights are negative and the ring buffer holds
their magnitude. A jump acts at its arrival time: the tick that *ends* there reads
its ring slot (``INPUT_LEAD = 1``), as NEST adds a spike's jump in the step that
ends at its arrival and checks the threshold at once. Per tick, NEST's order:

1. not refractory: the exact leak ``V = V_inf + (V - V_inf)*P22`` with
   ``V_inf = V_rest + R*(i_offset + i_inj)``, then ``V += in_exc - in_inh``;
   refractory: the input is dropped, V held at V_reset, the timer counts down;
2. ``V >= V_thresh``: spike, ``V = V_reset``, refractory for ``R = round(tau_refrac/dt)``
   ticks.

Refractoriness follows NEST's iaf_psc_delta (``refractory_input`` false): after a
spike in tick ``n`` the ticks ``n+1 .. n+R`` discard their input and hold V, and
tick ``n+R+1`` integrates again (with ``R = 0``, at once). A jump alone that
crosses the threshold fires in the tick of its arrival, stamped at its arrival
time, as in NEST.

The tick's jumps are also kept (``input_exc``, ``input_inh``: magnitudes, even where
refractoriness drops them) to be recorded as ``gsyn_exc``, ``gsyn_inh`` (mV), as
sPyNNaker records the input of its delta cells.
"""

import numba

from .components import columns, host_steps, index
from .components import input_type as inp
from .components import membrane as mem
from .components import shaping as sh
from .components import threshold as th

NAME = "IF_curr_delta"
PYNN_PARAMS = ("v_rest", "cm", "tau_m", "tau_refrac", "i_offset", "v_reset", "v_thresh")
CONDUCTANCE = False
WEIGHT_SCALE = 1.0  # ring-buffer units per PyNN weight unit (mV)
WEIGHT_UNIT = "mV"

RECEPTORS = (("excitatory", sh.DELTA), ("inhibitory", sh.DELTA))
COMPONENTS = (mem.LIF_EXACT, inp.CURRENT, th.STATIC)
HOST = host_steps(RECEPTORS, COMPONENTS)
PARAMS = columns(RECEPTORS, COMPONENTS, ("v_inf", "p22", "v_thresh", "v_reset", "refrac_ticks",
                                         "r_m"))
STATE = columns(RECEPTORS, COMPONENTS, ("v", "refrac", "input_exc", "input_inh"), "state")
_P, _S = index(PARAMS), index(STATE)
P_V_INF, P_P22, P_V_THRESH, P_V_RESET, P_REFRAC, P_R = (_P[n] for n, _ in PARAMS)
S_V, S_REFRAC, S_IN_E, S_IN_I = (_S[n] for n, _ in STATE)
RECORD = {"v": (S_V, 1.0), "gsyn_exc": (S_IN_E, 1.0), "gsyn_inh": (S_IN_I, 1.0)}
PYNN_UNITS = {"gsyn_exc": "mV", "gsyn_inh": "mV"}
INPUT = (-1, -1)  # no synaptic state: a jump shows in v from the sample at its arrival
INPUT_LEAD = 1  # a jump acts in the tick that ends at its arrival time
PYNN_DOC = """
    On the machine: a weight is a voltage jump in mV (inhibitory negative), applied at
    the start of the step of its arrival and dropped while the neuron is refractory
    (NEST's iaf_psc_delta); the leak is integrated exactly. As sPyNNaker, neurochip
    records ``gsyn_exc`` and ``gsyn_inh``: the jumps arriving in each step (mV, as
    magnitudes).
    """


@numba.njit(cache=True, inline="always")
def step(p, s, in_e, in_i, i_inj):
    """Advance one neuron by one tick (see the module docstring); returns (spiked, sat)."""
    s[S_IN_E] = in_e
    s[S_IN_I] = in_i
    refractory, timer = th.count_down(s[S_REFRAC])
    if refractory:  # the input is discarded and V held, as by NEST
        s[S_REFRAC] = timer
        return False, 0
    raw = mem.lif_leak(s[S_V], mem.lif_v_inf(p, P_V_INF, P_R, i_inj), p[P_P22]) + in_e - in_i
    v, spiked, timer, sat = th.fire_raw(raw, p[P_V_THRESH], p[P_V_RESET], p[P_REFRAC], timer)
    s[S_V] = v
    s[S_REFRAC] = timer
    return spiked, sat
