"""Escape noise: a stochastic threshold (GIF, Mensi et al. 2012; NEST's gif_cond_exp).

A free neuron spikes in a tick with probability ``1 - exp(-lambda dt)``,
``lambda = lambda_0 exp((V - V_T)/Delta_V)``, drawn from its own KISS generator (four
state columns ``rng0..rng3``, seeded on the host per neuron from the global seed, the
population and the neuron's index, so that spikes do not depend on placement).
``V_T`` is ``v_t_star`` plus the neuron's spike-triggered threshold kernels
(:func:`.adaptation.spike_threshold`), kept in the state column ``v_t`` for recording.
After a spike the neuron is refractory for ``refrac_ticks`` ticks, in which V is held
at ``v_reset`` (as NEST clamps it; NEST does not reset V in the tick of the spike).

The probability is computed from ``y = (V - V_T)/Delta_V + ln(lambda_0 dt)`` by
:func:`escape_probability`, in u0.32 in fixed point (see there) and from the formula in
float; both arithmetics draw the same numbers.
"""

import math

import numpy as np
from numba import types
from numba.extending import overload

from ...fixed import UFRACT_ONE, exp_real
from . import Component

__all__ = ["ESCAPE", "escape_probability", "LN2_16", "SERIES_BELOW"]

ESCAPE = Component("escape", "threshold",
                   params=(("v_t_star", "REAL"), ("inv_delta_v", "REAL"),
                           ("log_lambda_dt", "REAL"), ("v_reset", "REAL"),
                           ("refrac_ticks", "int")),
                   state=(("refrac", "int"), ("v_t", "REAL"), ("rng0", "int"), ("rng1", "int"),
                          ("rng2", "int"), ("rng3", "int")), host="escape")
LN2_16 = 363409  # round(16 ln 2 * 2^15): exp_real(y + 16 ln 2) is e^y in Q31
SERIES_BELOW = 1 << 27  # lambda dt below 1/16 (Q31): the series, else exp_real


def escape_probability(y):
    """``P = 1 - exp(-e^y)`` (the chance of a spike in a tick, ``e^y = lambda dt``) as u0.32
    (``0 .. 2**32``), ``y`` in REAL; Python-integer reference.

    ``e^y >= 1``: ``1 - exp_real(-exp_real(y))`` (REAL resolution, 3e-5 absolute, where
    P > 0.63); ``1/16 <= e^y < 1``: the same from ``e^y`` in Q31 (absolute error ~3e-5,
    P > 0.06); below: ``z - z^2/2 + z^3/6 - z^4/24`` with ``z = e^y`` in Q31 (error below
    1e-8 relative: near threshold lambda dt is ~1e-4, which REAL would hold to 3 LSB)."""
    y = int(y)
    if y >= 0:
        lam = exp_real(y)
        return UFRACT_ONE - (exp_real(-lam) << 17)
    z = exp_real(y + LN2_16)  # e^y in Q31 (y < 0: below 2^31)
    if z >= SERIES_BELOW:
        return UFRACT_ONE - (exp_real(-(z >> 16)) << 17)
    z2 = (z * z) >> 31
    z3 = (z2 * z) >> 31
    z4 = (z3 * z) >> 31
    return (z - z2 // 2 + z3 // 6 - z4 // 24) << 1


@overload(escape_probability)
def _escape_probability(y):
    if isinstance(y, types.Integer):
        def impl(y):
            y = np.int64(y)
            one = np.int64(UFRACT_ONE)
            if y >= 0:
                lam = exp_real(y)
                return one - (exp_real(-lam) << np.int64(17))
            z = exp_real(y + np.int64(LN2_16))
            if z >= np.int64(SERIES_BELOW):
                return one - (exp_real(-(z >> np.int64(16))) << np.int64(17))
            s31 = np.int64(31)
            z2 = (z * z) >> s31
            z3 = (z2 * z) >> s31
            z4 = (z3 * z) >> s31
            return (z - z2 // np.int64(2) + z3 // np.int64(6) - z4 // np.int64(24)) << np.int64(1)
        return impl

    def fimpl(y):
        return -math.expm1(-math.exp(y)) * float(UFRACT_ONE)
    return fimpl

