"""One neuron update, dispatched on the core's kind (numba has no dynamic dispatch).

Adding a model: import its module here and add one ``elif`` branch.
"""

import numba

from . import if_cond_exp, if_curr_exp

__all__ = ["neuron_step"]


@numba.njit(cache=True, inline="always")
def neuron_step(kind, p, s, in_e, in_i, i_inj):
    """Advance one neuron of model ``kind`` by one tick; returns (spiked, saturations)."""
    if kind == if_curr_exp.KIND:
        return if_curr_exp.step(p, s, in_e, in_i, i_inj)
    elif kind == if_cond_exp.KIND:
        return if_cond_exp.step(p, s, in_e, in_i, i_inj)
    return False, 0
