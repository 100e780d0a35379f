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
- ``SEMD``: sPyNNaker's spiking elementary motion detector (its synapse type "sEMD"):
  the second excitatory current drives the membrane times a ``multiplicator`` that
  latches the first excitatory current when the second one rises (:func:`semd_latch`)
  and times ``scaling_factor``; the first one does not act on the membrane by itself
  (:func:`semd_current`). Host ``semd_input``.
"""

import numba

from ...fixed import REAL_MAX, mul_real
from . import Component

__all__ = ["CURRENT", "CONDUCTANCE", "EXCITATORY_TOTAL", "SEMD", "fused", "current_term",
           "conductance_current", "semd_latch", "semd_current"]

CURRENT = Component("current", "input")
CONDUCTANCE = Component("conductance", "input", params=(("e_{syn}", "REAL"),),
                        host="conductance")
EXCITATORY_TOTAL = Component("excitatory_total", "input", state=(("gsyn_exc", "REAL"),),
                             host="excitatory_total")

# sPyNNaker's sEMD: scaling_factor / SLOT_SCALE (the currents are held in SLOT_SCALE times
# nA), the 0.001 nA under which the second current counts as off (times SLOT_SCALE), the
# latched multiplicator and the second current of the tick before (SLOT_SCALE times nA),
# and the current that drives the membrane (SLOT_SCALE times nA, sPyNNaker's gsyn_exc)
SEMD = Component("semd", "input", params=(("semd_gain", "REAL"), ("semd_threshold", "REAL")),
                 state=(("multiplicator", "REAL"), ("exc2_old", "REAL"), ("gsyn_exc", "REAL")),
                 host="semd_input")


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


@numba.njit(cache=True, inline="always")
def semd_latch(mult, old, exc, exc2, threshold):
    """sPyNNaker's sEMD rule, once a tick after the tick's input: the multiplicator takes
    the first excitatory current ``exc`` when the second, ``exc2``, is on (``>=
    threshold``) while it was off the tick before (``old < threshold``) and nothing is
    latched; it is 0 while ``exc2`` is off. (sPyNNaker asks for ``old == 0``; its fixed
    point reaches 0 a few ticks after ``threshold``, how many depending on its rounding;
    a float never does: the threshold makes both arithmetics agree.)"""
    if exc2 >= threshold and mult == 0 and old < threshold:
        return exc
    if exc2 < threshold:
        return 0 * mult
    return mult


@numba.njit(cache=True, inline="always")
def semd_current(exc2, mult, gain):
    """``exc2 * mult * scaling_factor`` (``gain`` = scaling_factor / SLOT_SCALE) and
    whether it saturated."""
    g = mul_real(mult, gain)
    i = mul_real(exc2, g)
    return i, g == REAL_MAX or g == -REAL_MAX - 1 or i == REAL_MAX or i == -REAL_MAX - 1
