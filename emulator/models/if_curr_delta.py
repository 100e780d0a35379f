"""IF_curr_delta: leaky integrate-and-fire whose synaptic inputs are voltage jumps.

A weight is a step change of the membrane potential in mV (PyNN's IF_curr_delta,
NEST's iaf_psc_delta); inhibitory weights are negative and the ring buffer holds
their magnitude. Per tick, in the reference order of DESIGN.md section 4:

1. not refractory: ``V += in_exc - in_inh`` (this tick's ring slots), then the exact
   leak ``V = V_inf + (V - V_inf)*P22`` with ``V_inf = V_rest + R*(i_offset + i_inj)``;
   refractory: the input is dropped and V held (see below);
2. ``V >= V_thresh``: spike, ``V = V_reset``, refractory for ``refrac_ticks + 1`` ticks.

Refractoriness follows NEST's iaf_psc_delta (``with_refr_input`` false): input that
arrives while the neuron is refractory is discarded. NEST adds a jump at the end of
the step before its arrival time and checks the threshold at once; here the jump
lands at the start of the tick of its arrival time (the same instant) and the
threshold is checked at the tick's end. NEST discards the arrivals at
``T, T+dt, ..., T+R*dt`` after a spike stamped ``T`` (``R = round(tau_refrac/dt)``,
the one at ``T`` lost to the reset) and lets V evolve from ``T+R*dt``; so here the
timer is ``R + 1``: V is held while it counts down from ``R + 1`` to 1 and the tick
in which it reaches 0 advances V from V_reset but still drops its input.

A spike caused by a jump alone is therefore stamped one step after NEST's (the end
of the tick that starts with the jump, after one step of leak), as it is by the
grid-constrained reference; the voltage record, sampled at the end of each tick,
shows a jump from the sample after its arrival time (``INPUT = (-1, -1)``).
"""

import numba

from ..fixed import mul_real, mul_ufract, sat_real

NAME = "IF_curr_delta"
KIND = 6
PYNN_PARAMS = ("v_rest", "cm", "tau_m", "tau_refrac", "i_offset", "v_reset", "v_thresh")
CONDUCTANCE = False
WEIGHT_SCALE = 1.0  # ring-buffer units per PyNN weight unit (mV)
WEIGHT_UNIT = "mV"

PARAMS = (("v_inf", "REAL"), ("p22", "UFRACT"), ("v_thresh", "REAL"), ("v_reset", "REAL"),
          ("refrac_ticks", "int"), ("r_m", "REAL"))
STATE = (("v", "REAL"), ("refrac", "int"))
P_V_INF, P_P22, P_V_THRESH, P_V_RESET, P_REFRAC, P_R = range(len(PARAMS))
S_V, S_REFRAC = range(len(STATE))
RECORD = {"v": (S_V, 1.0)}
INPUT = (-1, -1)  # the jump is recorded from the next sample, after the leak


@numba.njit(cache=True, inline="always")
def step(p, s, in_e, in_i, i_inj):
    """Advance one neuron by one tick (see the module docstring); returns (spiked, sat)."""
    sat = 0
    spiked = False
    hold = False
    v = s[S_V]
    if s[S_REFRAC] > 0:  # refractory: the input is discarded, as by NEST
        s[S_REFRAC] -= 1
        hold = s[S_REFRAC] > 0
    else:
        jumped = sat_real(v + in_e - in_i)
        if jumped != v + in_e - in_i:
            sat += 1
        v = jumped
    if not hold:
        v_inf = sat_real(p[P_V_INF] + mul_real(i_inj, p[P_R]))
        raw = v_inf + mul_ufract(sat_real(v - v_inf), p[P_P22])
        v = sat_real(raw)
        if v != raw:
            sat += 1
        if v >= p[P_V_THRESH]:
            spiked = True
            v = p[P_V_RESET]
            s[S_REFRAC] = p[P_REFRAC] + 1
        s[S_V] = v
    return spiked, sat
