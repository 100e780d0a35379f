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

__all__ = ["STATIC", "ADAPTIVE", "fused", "count_down", "fire", "adaptive_fire", "fire_at"]

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


@numba.njit(cache=True, inline="always")
def count_down(s, col):
    """A refractory neuron (timer in ``col`` > 0) counts down: returns True; else False."""
    if s[col] > 0:
        s[col] -= 1
        return True
    return False


@numba.njit(cache=True, inline="always")
def fire(p, s, v, c_thresh, c_reset, c_ticks, s_refrac):
    """``(v, spiked)``: at or over ``p[c_thresh]``, V is reset and the timer set."""
    if v >= p[c_thresh]:
        s[s_refrac] = p[c_ticks]
        return p[c_reset], True
    return v, False


@numba.njit(cache=True, inline="always")
def fire_at(p, s, v, thresh, c_reset, c_ticks, s_refrac):
    """As :func:`fire` against the threshold value ``thresh``."""
    if v >= thresh:
        s[s_refrac] = p[c_ticks]
        return p[c_reset], True
    return v, False


@numba.njit(cache=True, inline="always")
def adaptive_fire(p, s, v, c_thresh, c_reset, c_ticks, c_jump, c_decay, s_refrac, s_theta):
    """As :func:`fire` against ``v_thresh + theta``; theta decays each tick and jumps
    by ``theta_jump`` at a spike. Returns ``(v, spiked, saturated)``."""
    theta = s[s_theta]
    v, spiked = fire_at(p, s, v, sat_real(p[c_thresh] + theta), c_reset, c_ticks, s_refrac)
    theta = decay(theta, p[c_decay])
    raw = theta + p[c_jump] if spiked else theta
    s[s_theta] = sat_real(raw)
    return v, spiked, s[s_theta] != raw
