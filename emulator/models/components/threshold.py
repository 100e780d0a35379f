"""Thresholds: when a neuron spikes, and what a spike resets.

- ``STATIC``: ``V >= v_thresh`` -> spike, ``V = v_reset``, refractory for
  ``refrac_ticks`` ticks (host ``static_threshold``).
- ``ADAPTIVE``: as ``STATIC`` against ``v_thresh + theta``, where ``theta`` jumps by
  ``theta_jump`` at each spike and decays back to 0 by ``decay_theta`` each tick
  (host ``adaptive_threshold``).
- :func:`fused` names a threshold its membrane applies inside its sub-steps (a reset at
  the crossing time, HH's falling-edge rule, escape noise).
"""

import numba

from ...fixed import decay, sat_real
from . import Component

__all__ = ["STATIC", "ADAPTIVE", "fused", "count_down", "reached", "fire", "fire_raw",
           "adaptive_fire"]

STATIC = Component("static", "threshold",
                   params=(("v_thresh", "REAL"), ("v_reset", "REAL"), ("refrac_ticks", "int")),
                   state=(("refrac", "int"),), host="static_threshold")
ADAPTIVE = Component("adaptive", "threshold",
                     params=(("v_thresh", "REAL"), ("v_reset", "REAL"), ("refrac_ticks", "int"),
                             ("theta_jump", "REAL"), ("decay_theta", "UFRACT")),
                     state=(("refrac", "int"), ("theta", "REAL")), host="adaptive_threshold")


def fused(name):
    """A threshold applied by a fused membrane."""
    return Component(name, "threshold", fused=True)


# Every jitted component is a pure function of values: the cell's step reads and writes
# the state row. (An inlined function that stores into an array in a branch cost the
# exact LIF step 10x: 2 -> 20 ns per neuron and tick, measured.)
@numba.njit(cache=True, inline="always")
def count_down(timer):
    """``(refractory, timer)``: a refractory neuron (timer > 0) counts down."""
    if timer > 0:
        return True, timer - 1
    return False, timer


@numba.njit(cache=True, inline="always")
def reached(v, thresh):
    """Whether V is at or over the threshold (the cell then resets V and sets the timer,
    in its own branch: the cheapest form where V is held in a register)."""
    return v >= thresh


@numba.njit(cache=True, inline="always")
def fire(v, thresh, reset, ticks, timer):
    """``(v, spiked, timer)``: at or over ``thresh``, V is reset and the timer set."""
    if v >= thresh:
        return reset, True, ticks
    return v, False, timer


@numba.njit(cache=True, inline="always")
def fire_raw(raw, thresh, reset, ticks, timer):
    """:func:`fire` on ``V = sat_real(raw)`` (the unsaturated V of the update):
    ``(v, spiked, timer, saturations)``, the last 1 if V saturated."""
    v = sat_real(raw)
    sat = 1 if v != raw else 0
    v, spiked, timer = fire(v, thresh, reset, ticks, timer)
    return v, spiked, timer, sat


@numba.njit(cache=True, inline="always")
def adaptive_fire(v, theta, thresh, reset, ticks, timer, jump, d):
    """As :func:`fire` against ``thresh + theta``; theta decays by ``d`` each tick and
    jumps by ``jump`` at a spike. Returns ``(v, theta, spiked, timer, saturated)``."""
    v, spiked, timer = fire(v, sat_real(thresh + theta), reset, ticks, timer)
    theta = decay(theta, d)
    raw = theta + jump if spiked else theta
    theta = sat_real(raw)
    return v, theta, spiked, timer, theta != raw
