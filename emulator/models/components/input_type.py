"""Input types: how a receptor's shaped value acts on the membrane.

- ``CURRENT``: the value is a current (nA); an exact LIF membrane takes it through its
  receptor's propagator (which the shaping's host constants give), inhibitory as a
  magnitude that is subtracted. No columns of its own.
- ``CONDUCTANCE``: the value is a conductance (nS) with a reversal potential per
  receptor: the current is ``g (E_rev - V)`` (pA).
- ``EXCITATORY_TOTAL``: the sum of a cell's excitatory currents in a column of its own,
  ``gsyn_exc`` (sPyNNaker records the excitatory receptors' total under that name);
  the column takes every excitatory receptor's ring input when it is recorded (the
  cell's ``INPUT_ALSO``). Host ``excitatory_total``.
"""

import numba

from ...fixed import mul_real
from . import Component

__all__ = ["CURRENT", "CONDUCTANCE", "EXCITATORY_TOTAL", "fused", "current_term", "conductance_current"]

CURRENT = Component("current", "input")
CONDUCTANCE = Component("conductance", "input", params=(("e_{syn}", "REAL"),),
                        host="conductance")
EXCITATORY_TOTAL = Component("excitatory_total", "input", state=(("gsyn_exc", "REAL"),),
                             host="excitatory_total")


def fused(name):
    """An input type integrated by a fused membrane."""
    return Component(name, "input", fused=True)


@numba.njit(cache=True, inline="always")
def current_term(x, coef):
    """A current's V change over the tick: ``x * coef`` (coef: the propagator)."""
    return mul_real(x, coef)


@numba.njit(cache=True, inline="always")
def conductance_current(g, e_rev, v):
    """``g (E_rev - V)``: pA from nS and mV."""
    return mul_real(g, e_rev - v)
