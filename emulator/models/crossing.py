"""Where in a sub-step a threshold was crossed (the threshold models' resets).

A model that checks its threshold at the end of a sub-step and resets there lags the
true crossing by up to a sub-step at every spike; over a second of regular firing the
lags add up to several timesteps (Izhikevich: 1.1 ms at 213 spikes with 0.01 ms
sub-steps; AdEx: w integrated past the crossing with V at ``v_peak`` instead of
``V_reset``). With V linear over the sub-step, the crossing is at the fraction
``theta = (v_peak - v0) / (v1 - v0)`` of it, and the models apply the reset there.
"""

import numpy as np
from numba import types
from numba.extending import overload

from ..fixed import UFRACT_ONE

__all__ = ["crossing"]


def crossing(v0, v1, v_peak):
    """``(theta, 1 - theta)`` for a sub-step that went from ``v0`` to ``v1 >= v_peak``,
    as u0.32 integers (``1 - theta`` can be exactly ``2**32``); Python-integer reference.

    ``theta`` is rounded down (exactly ``floor((v_peak - v0) 2^32 / (v1 - v0))``): two
    integer divisions per spike (on the hardware a software divide, which a spike can
    afford)."""
    num, den = int(v_peak) - int(v0), int(v1) - int(v0)
    if num <= 0 or den <= 0:  # already at or above the threshold when the sub-step began
        return 0, UFRACT_ONE
    if num >= den:  # not below v1: the end of the sub-step
        return UFRACT_ONE, 0
    theta = (num << 32) // den
    return theta, UFRACT_ONE - theta


@overload(crossing)
def _crossing(v0, v1, v_peak):
    if isinstance(v0, types.Integer):
        def impl(v0, v1, v_peak):
            num = np.int64(v_peak) - np.int64(v0)
            den = np.int64(v1) - np.int64(v0)
            one = np.int64(UFRACT_ONE)
            if num <= 0 or den <= 0:
                return np.int64(0), one
            if num >= den:
                return one, np.int64(0)
            # floor(num * 2^32 / den) in two 16-bit steps: num < den < 2^32, so no
            # product leaves int64 (num << 32 would)
            sixteen = np.int64(16)
            q1 = (num << sixteen) // den
            r1 = (num << sixteen) - q1 * den
            theta = (q1 << sixteen) + (r1 << sixteen) // den
            return theta, one - theta
        return impl

    def fimpl(v0, v1, v_peak):
        num = v_peak - v0
        den = v1 - v0
        if num <= 0.0 or den <= 0.0:
            return 0.0, 1.0
        if num >= den:
            return 1.0, 0.0
        theta = num / den
        return theta, 1.0 - theta
    return fimpl
