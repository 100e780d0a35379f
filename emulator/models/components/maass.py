"""sPyNNaker's stochastic threshold (Habenschuss, Jonke and Maass 2013;
threshold_type_maass_stochastic): a free neuron spikes in a tick with probability

``P = 0.8 (1 - exp(-hazard dt / 10))``, ``hazard = exp((V - v_thresh) / du_th) / tau_th``

(dt and tau_th in ms: sPyNNaker writes ``-dt/10`` as the step's factor, so the hazard
acts over a tenth of the timestep), and ``P = 0.8`` (sPyNNaker's ``PROB_SATURATION``)
as soon as ``(V - v_thresh) / du_th >= 5``, as sPyNNaker cuts it (so P jumps there, from
0.057 to 0.8 at dt = 0.1 ms and tau_th = 20 ms). After a spike V is reset to
``v_reset`` and the neuron is refractory for ``round(tau_refrac/dt)`` ticks, in which V is
held and nothing is drawn (sPyNNaker draws then too, with V at v_reset, where the
chance is of order exp(-30)).

The draw is the next number of the neuron's own KISS generator (four state columns
``rng0..rng3``, seeded on the host from the global seed, the population and the
neuron's index, as the escape noise of :mod:`.escape`: the spikes do not depend on
placement, and both arithmetics draw the same numbers), compared with P in u0.32
(sPyNNaker compares 16 bits of its draw). P is :func:`.escape.escape_probability` of
``y + ln(dt / (10 tau_th))``, ``y = (V - v_thresh)/du_th``, times 0.8 (host
``maass_stochastic``).
"""

import numpy as np
from numba import types
from numba.extending import overload

from ...rng import column_draw
from . import Component
from .escape import escape_probability

__all__ = ["MAASS", "Y_SATURATE", "P_SATURATE", "spike_probability", "next_draw"]

MAASS = Component("maass_stochastic", "threshold",
                  params=(("v_thresh", "REAL"), ("inv_du_th", "REAL"), ("log_dt_tau_th", "REAL"),
                          ("y_saturate", "REAL"), ("p_saturate", "UFRACT"), ("v_reset", "REAL"),
                          ("refrac_ticks", "int")),
                  state=(("refrac", "int"), ("rng0", "int"), ("rng1", "int"), ("rng2", "int"),
                         ("rng3", "int")), host="maass_stochastic")
Y_SATURATE = 5.0  # sPyNNaker's exponent above which P is P_SATURATE
P_SATURATE = 0.8  # sPyNNaker's PROB_SATURATION
_WORD = np.int64(1) << np.int64(32)


def spike_probability(y, log_dt_tau, y_sat, p_sat):
    """The spike probability as u0.32 (``0 .. 2**32``) from ``y = (V - v_thresh)/du_th``
    (REAL), ``ln(dt/(10 tau_th))`` (REAL), the cut ``y_sat`` (REAL) and ``p_sat`` (u0.32);
    Python-integer reference: ``p_sat`` times :func:`escape_probability`, rounded."""
    if int(y) >= int(y_sat):
        return int(p_sat)
    prob = escape_probability(int(y) + int(log_dt_tau))
    return ((prob >> 1) * int(p_sat) + (1 << 30)) >> 31


@overload(spike_probability)
def _spike_probability(y, log_dt_tau, y_sat, p_sat):
    if isinstance(y, types.Integer):
        def impl(y, log_dt_tau, y_sat, p_sat):
            if y >= y_sat:
                return np.int64(p_sat)
            prob = escape_probability(np.int64(y) + np.int64(log_dt_tau))
            # prob <= 2**32 and p_sat < 2**32: (prob >> 1) * p_sat < 2**63
            return ((prob >> np.int64(1)) * np.int64(p_sat) + (np.int64(1) << np.int64(30))) \
                >> np.int64(31)
        return impl

    def fimpl(y, log_dt_tau, y_sat, p_sat):
        if y >= y_sat:
            return p_sat * float(_WORD)
        return escape_probability(y + log_dt_tau) * p_sat
    return fimpl


next_draw = column_draw  # the cell's generator in its state columns (emulator.rng)
