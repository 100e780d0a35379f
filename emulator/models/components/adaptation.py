"""Spike-triggered adaptation: a variable that jumps at each of the neuron's own spikes
and decays back to 0 between them.

- :func:`spike_conductance` ``(name)``: a conductance ``g_<name>`` (nS) with reversal
  potential ``e_<name>`` that jumps by ``q_<name>`` at a spike and decays with
  ``tau_<name>``, over the membrane's sub-steps (NEST's iaf_cond_exp_sfa_rr ``g_sfa``,
  ``g_rr``); host ``spike_conductance_<name>`` from PyNN's ``q_<name>``,
  ``e_rev_<name>``, ``tau_<name>``.
- :func:`spike_current` ``(name)``: a current ``i_<name>`` (pA) that jumps by
  ``q_<name>`` and decays once per tick (GIF's spike-triggered currents eta); host
  ``spike_current_<name>``; ``SPIKE_CURRENT_TOTAL`` keeps their sum (``i_eta``, pA) for
  recording.
- :func:`spike_threshold` ``(name)``: a threshold offset ``v_<name>`` (mV) that jumps by
  ``q_<name>`` and decays once per tick (GIF's threshold kernels gamma); host
  ``spike_threshold_<name>``.
- :func:`spike_current_lif` ``(name)``: a current ``i_<name>`` that jumps by ``q_<name>``
  at a spike, decays once per tick and drives an exact LIF membrane through its own
  propagator ``p21<name>`` (NEST's P21 for its time constant, negative: the current
  is subtracted, an adaptation current); held as a magnitude in ``SLOT_SCALE`` times
  nA (so that a slow current decays as it should, see :mod:`.shaping`), brought back by
  ``unscale_<name>`` (sPyNNaker's calcium-activated current of IFCurrExpCa2Adaptive);
  host ``spike_current_lif_<name>``.
"""

import numba

from ...fixed import decay
from . import Component
from .shaping import receive

__all__ = ["spike_conductance", "spike_current", "spike_threshold", "spike_current_lif",
           "SPIKE_CURRENT_TOTAL", "jump", "decay_over"]

SPIKE_CURRENT_TOTAL = Component("spike_current_total", "adaptation", state=(("i_eta", "REAL"),),
                                host="spike_current_total")


def spike_conductance(name):
    return Component(f"spike_conductance_{name}", "adaptation",
                     params=((f"q_{name}", "REAL"), (f"e_{name}", "REAL"),
                             (f"decay_{name}_half", "UFRACT"), (f"decay_{name}_sub", "UFRACT")),
                     state=((f"g_{name}", "REAL"),), host=f"spike_conductance_{name}")


def spike_current(name):
    return Component(f"spike_current_{name}", "adaptation",
                     params=((f"q_{name}", "REAL"), (f"decay_{name}", "UFRACT")),
                     state=((f"i_{name}", "REAL"),), host=f"spike_current_{name}")


def spike_threshold(name):
    return Component(f"spike_threshold_{name}", "adaptation",
                     params=((f"q_{name}", "REAL"), (f"decay_{name}", "UFRACT")),
                     state=((f"v_{name}", "REAL"),), host=f"spike_threshold_{name}")


def spike_current_lif(name):
    return Component(f"spike_current_lif_{name}", "adaptation",
                     params=((f"q_{name}", "REAL"), (f"decay_{name}", "UFRACT"),
                             (f"p21{name}", "REAL"), (f"unscale_{name}", "UFRACT")),
                     state=((f"i_{name}", "REAL"),), host=f"spike_current_lif_{name}")


# a jump at a spike, ``x + q`` saturated: (value, saturated), the sum a receptor's input takes
jump = receive


@numba.njit(cache=True, inline="always")
def decay_over(x, d):
    """``x`` decayed by ``d`` (reaches 0)."""
    return decay(x, d)
