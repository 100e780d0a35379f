"""Synaptic shaping: how one receptor's input becomes a current or a conductance.

Every shaping component is per receptor: its ``{r}``/``{syn}`` columns repeat for
each receptor a cell names. The ring-buffer input of a tick (already shifted into
REAL) enters through :func:`receive`; the shaping then advances its state.

- ``EXP``: ``x += in``, ``x *= exp(-dt/tau)`` each tick (host ``exp_current``: the decay
  and NEST's propagator P21 into an exact LIF membrane).
- ``EXP_COND``: as ``EXP``, decayed over the membrane's sub-steps (host ``exp_cond``:
  the decays over half and whole sub-steps).
- ``ALPHA``: a drive ``u`` (the input enters it, scaled by ``ALPHA_SCALE``) and the
  current ``I``: ``I = I*P11 + u*P21``, ``u = u*P11`` (host ``alpha_current``: also
  NEST's P31, P32 into an exact LIF membrane).
- ``EXP_SLOT``: as ``EXP`` for a receptor slot of a multi-receptor cell: the current is
  held as a magnitude (the ring's) in ``SLOT_SCALE`` times nA, brought back by
  ``unscale`` before the propagator ``p21{r}``, which carries the receptor's sign
  (negative for an inhibitory receptor); ``n_receptors`` says how many slots are in use
  (host ``exp_current_slot``). Unscaled, a slow current stops decaying in rounding
  below ``0.5 / (1 - exp(-dt/tau))`` LSB (100 LSB, 3 pA, at tau = 20 ms, dt = 0.1 ms)
  and then steps down one LSB a tick: a 5 pA NMDA current reached 0 in 16 ms instead
  of decaying with its 20 ms.
- ``EXP_SCALED``: as ``EXP_SLOT`` for the fixed receptors of a cell (sPyNNaker's
  IF_curr_dual_exp: excitatory, excitatory2, inhibitory): the current held as a
  magnitude in ``SLOT_SCALE`` times nA, ``unscale`` brings it back, the propagator
  ``p21{r}`` carries the sign (host ``exp_current_scaled``).
- ``DELTA``: the input is a voltage jump the membrane adds; ``input_{syn}`` holds the
  tick's jump (mV, a magnitude), only to be recorded (sPyNNaker's ``gsyn_exc``,
  ``gsyn_inh`` of a delta cell; host ``delta_input``).
- :func:`fused` names a shaping that a fused membrane integrates itself.
"""

import numba

from ...fixed import decay, mul_real, mul_ufract, sat_real
from . import Component

__all__ = ["EXP", "EXP_COND", "EXP_SLOT", "EXP_SCALED", "ALPHA", "DELTA", "ALPHA_SCALE",
           "SLOT_SCALE", "fused", "receive", "receive_pair", "receive_scaled", "alpha_terms", "alpha_advance"]

ALPHA_SCALE = 64  # alpha state units per nA (a power of two: scaling is exact)
SLOT_SCALE = 64  # EXP_SLOT state units per nA (a power of two)

EXP = Component("exp", "shaping", params=(("decay_{r}", "UFRACT"), ("p21{r}", "REAL")),
                state=(("isyn_{syn}", "REAL"),), host="exp_current")
EXP_COND = Component("exp_cond", "shaping",
                     params=(("decay_{r}_half", "UFRACT"), ("decay_{r}_sub", "UFRACT")),
                     state=(("gsyn_{syn}", "REAL"),), host="exp_cond")
ALPHA = Component("alpha", "shaping",
                  params=(("p31{r}", "REAL"), ("p32{r}", "REAL"), ("decay_{r}", "UFRACT"),
                          ("p21{r}", "UFRACT"), ("unscale", "UFRACT")),
                  state=(("isyn_{syn}", "REAL"), ("drive_{syn}", "REAL")), host="alpha_current")
EXP_SLOT = Component("exp_slot", "shaping",
                     params=(("decay_{r}", "UFRACT"), ("p21{r}", "REAL"), ("n_receptors", "int"),
                             ("unscale", "UFRACT")),
                     state=(("isyn_{syn}", "REAL"),), host="exp_current_slot")
EXP_SCALED = Component("exp_scaled", "shaping",
                       params=(("decay_{r}", "UFRACT"), ("p21{r}", "REAL"), ("unscale", "UFRACT")),
                       state=(("isyn_{syn}", "REAL"),), host="exp_current_scaled")
DELTA = Component("delta", "shaping", state=(("input_{syn}", "REAL"),), host="delta_input")


def fused(name):
    """A shaping integrated by a fused membrane (its columns are the membrane's)."""
    return Component(name, "shaping", fused=True)


@numba.njit(cache=True, inline="always")
def receive(old, x):
    """The state ``old`` plus this tick's input ``x``, saturated: (value, saturated)."""
    raw = old + x
    v = sat_real(raw)
    return v, v != raw


@numba.njit(cache=True, inline="always")
def receive_pair(old_e, old_i, x_e, x_i):
    """:func:`receive` for the excitatory and inhibitory receptors: (e, i, saturations),
    the last 1 if either saturated (a cell's update counts one)."""
    e, sat_e = receive(old_e, x_e)
    i, sat_i = receive(old_i, x_i)
    return e, i, 1 if (sat_e or sat_i) else 0


@numba.njit(cache=True, inline="always")
def receive_scaled(old, x, scale):
    """As :func:`receive` with the input scaled by ``scale`` (a power of two)."""
    raw = old + x * scale
    v = sat_real(raw)
    return v, v != raw


@numba.njit(cache=True, inline="always")
def alpha_terms(u, i, k, p31, p32):
    """The two terms of an alpha current's V change over a tick (``u``, ``I`` brought
    back to nA by ``k``): ``(u*P31, I*P32)``; the caller adds them in this order."""
    return mul_real(mul_ufract(u, k), p31), mul_real(mul_ufract(i, k), p32)


@numba.njit(cache=True, inline="always")
def alpha_advance(i, u, d, p21):
    """``(I, u)`` advanced over the tick, and whether ``I`` saturated."""
    raw = decay(i, d) + mul_ufract(u, p21)
    i = sat_real(raw)
    return i, decay(u, d), i != raw
