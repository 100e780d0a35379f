"""One neuron update, dispatched on the core's kind (numba has no dynamic dispatch).

Adding a model: import its module here and add one ``elif`` branch.
"""

import numba

from . import (
    eif_cond_alpha_isfa_ista,
    eif_cond_exp_isfa_ista,
    hh_cond_exp,
    if_cond_alpha,
    if_cond_exp,
    if_curr_alpha,
    if_curr_delta,
    if_curr_exp,
    izhikevich,
)

__all__ = ["neuron_step"]


@numba.njit(cache=True, inline="always")
def neuron_step(kind, p, s, in_e, in_i, i_inj):
    """Advance one neuron of model ``kind`` by one tick; returns (spiked, saturations)."""
    if kind == if_curr_exp.KIND:
        return if_curr_exp.step(p, s, in_e, in_i, i_inj)
    elif kind == if_cond_exp.KIND:
        return if_cond_exp.step(p, s, in_e, in_i, i_inj)
    elif kind == if_curr_alpha.KIND:
        return if_curr_alpha.step(p, s, in_e, in_i, i_inj)
    elif kind == if_cond_alpha.KIND:
        return if_cond_alpha.step(p, s, in_e, in_i, i_inj)
    elif kind == if_curr_delta.KIND:
        return if_curr_delta.step(p, s, in_e, in_i, i_inj)
    elif kind == izhikevich.KIND:
        return izhikevich.step(p, s, in_e, in_i, i_inj)
    elif kind == eif_cond_exp_isfa_ista.KIND:
        return eif_cond_exp_isfa_ista.step(p, s, in_e, in_i, i_inj)
    elif kind == eif_cond_alpha_isfa_ista.KIND:
        return eif_cond_alpha_isfa_ista.step(p, s, in_e, in_i, i_inj)
    elif kind == hh_cond_exp.KIND:
        return hh_cond_exp.step(p, s, in_e, in_i, i_inj)
    return False, 0
