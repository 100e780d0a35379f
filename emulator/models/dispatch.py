"""One neuron update, dispatched on the core's kind (numba has no dynamic dispatch).

GENERATED from the registry (:mod:`.registry`) by
``python -m neurochip.emulator.models.registry``: do not edit; tests/test_cells.py
checks that it matches the registry.
"""

import numba

from . import (
    adexp_cond_alpha_multisynapse,
    eif_cond_alpha_isfa_ista,
    eif_cond_exp_isfa_ista,
    gif_cond_exp,
    hh_cond_exp,
    if_cond_alpha,
    if_cond_exp,
    if_cond_exp_gsfa_grr,
    if_cond_exp_stoc,
    if_curr_alpha,
    if_curr_delta,
    if_curr_dual_exp,
    if_curr_exp,
    if_curr_exp_ca2_adaptive,
    if_curr_exp_semd,
    izhikevich,
    izhikevich_cond,
    izhikevich_curr_exp,
    lif_curr_exp_multisynapse,
)
from .loop import cells_tick, columns_tick

__all__ = ["neuron_loop", "neuron_loop_lean", "neuron_step_multi"]


@numba.njit(cache=True)
def _if_cond_alpha(p, s, in_e, in_i, i_inj):
    return if_cond_alpha.step(p, s, in_e, in_i, i_inj)


@numba.njit(cache=True)
def _izhikevich(p, s, in_e, in_i, i_inj):
    return izhikevich.step(p, s, in_e, in_i, i_inj)


@numba.njit(cache=True)
def _eif_cond_exp_isfa_ista(p, s, in_e, in_i, i_inj):
    return eif_cond_exp_isfa_ista.step(p, s, in_e, in_i, i_inj)


@numba.njit(cache=True)
def _eif_cond_alpha_isfa_ista(p, s, in_e, in_i, i_inj):
    return eif_cond_alpha_isfa_ista.step(p, s, in_e, in_i, i_inj)


@numba.njit(cache=True)
def _hh_cond_exp(p, s, in_e, in_i, i_inj):
    return hh_cond_exp.step(p, s, in_e, in_i, i_inj)


@numba.njit(cache=True)
def _if_cond_exp_gsfa_grr(p, s, in_e, in_i, i_inj):
    return if_cond_exp_gsfa_grr.step(p, s, in_e, in_i, i_inj)


@numba.njit(cache=True)
def _gif_cond_exp(p, s, in_e, in_i, i_inj):
    return gif_cond_exp.step(p, s, in_e, in_i, i_inj)


@numba.njit(cache=True)
def _izhikevich_cond(p, s, in_e, in_i, i_inj):
    return izhikevich_cond.step(p, s, in_e, in_i, i_inj)


@numba.njit(cache=True)
def _if_cond_exp_stoc(p, s, in_e, in_i, i_inj):
    return if_cond_exp_stoc.step(p, s, in_e, in_i, i_inj)


@numba.njit(cache=True)
def _izhikevich_curr_exp(p, s, in_e, in_i, i_inj):
    return izhikevich_curr_exp.step(p, s, in_e, in_i, i_inj)


@numba.njit(cache=True, inline="always")
def _if_curr_alpha_k(kind, p, s, in_e, in_i, i_inj):
    return if_curr_alpha.step(p, s, in_e, in_i, i_inj)


@numba.njit(cache=True, inline="always")
def _if_curr_delta_k(kind, p, s, in_e, in_i, i_inj):
    return if_curr_delta.step(p, s, in_e, in_i, i_inj)


@numba.njit(cache=True, inline="always")
def _if_curr_exp_ca2_adaptive_k(kind, p, s, in_e, in_i, i_inj):
    return if_curr_exp_ca2_adaptive.step(p, s, in_e, in_i, i_inj)


@numba.njit(cache=True, inline="always")
def _called_step(kind, p, s, in_e, in_i, i_inj):
    """The called cells' steps, chosen per neuron (each costs tens of ns: the choice
    is nothing beside it)."""
    if kind == 5:  # if_cond_alpha
        return _if_cond_alpha(p, s, in_e, in_i, i_inj)
    elif kind == 7:  # izhikevich
        return _izhikevich(p, s, in_e, in_i, i_inj)
    elif kind == 8:  # eif_cond_exp_isfa_ista
        return _eif_cond_exp_isfa_ista(p, s, in_e, in_i, i_inj)
    elif kind == 9:  # eif_cond_alpha_isfa_ista
        return _eif_cond_alpha_isfa_ista(p, s, in_e, in_i, i_inj)
    elif kind == 10:  # hh_cond_exp
        return _hh_cond_exp(p, s, in_e, in_i, i_inj)
    elif kind == 11:  # if_cond_exp_gsfa_grr
        return _if_cond_exp_gsfa_grr(p, s, in_e, in_i, i_inj)
    elif kind == 12:  # gif_cond_exp
        return _gif_cond_exp(p, s, in_e, in_i, i_inj)
    elif kind == 16:  # izhikevich_cond
        return _izhikevich_cond(p, s, in_e, in_i, i_inj)
    elif kind == 18:  # if_cond_exp_stoc
        return _if_cond_exp_stoc(p, s, in_e, in_i, i_inj)
    elif kind == 19:  # izhikevich_curr_exp
        return _izhikevich_curr_exp(p, s, in_e, in_i, i_inj)
    return False, 0


@numba.njit(cache=True, inline="always")
def neuron_loop_lean(kind, lo, hi, slot, inh, shifts, ring, params, state, inj, spk, end):
    """A tick of a core of the lean kernel's cells (:data:`LEAN_CELLS`):
    :func:`.loop.cells_tick` with the step of the core's ``kind``; returns (the spike
    buffer's new end, saturations)."""
    if kind == 0:  # if_curr_exp
        return columns_tick(if_curr_exp.tick_columns, kind, lo, hi, slot, inh, shifts,
                            ring, params, state, inj, spk, end)
    elif kind == 3:  # if_cond_exp
        return columns_tick(if_cond_exp.tick_columns, kind, lo, hi, slot, inh, shifts,
                            ring, params, state, inj, spk, end)
    return end, 0


@numba.njit(cache=True, inline="always")
def neuron_loop(kind, lo, hi, slot, inh, shifts, ring, params, state, inj, spk, end):
    """A tick of a core of the other two-receptor cells:
    :func:`.loop.cells_tick` with the step of the core's ``kind``; returns (the spike
    buffer's new end, saturations)."""
    if kind == 4:  # if_curr_alpha
        return cells_tick(_if_curr_alpha_k, kind, lo, hi, slot, inh, shifts,
                          ring, params, state, inj, spk, end)
    elif kind == 6:  # if_curr_delta
        return cells_tick(_if_curr_delta_k, kind, lo, hi, slot, inh, shifts,
                          ring, params, state, inj, spk, end)
    elif kind == 17:  # if_curr_exp_ca2_adaptive
        return cells_tick(_if_curr_exp_ca2_adaptive_k, kind, lo, hi, slot, inh, shifts,
                          ring, params, state, inj, spk, end)
    return cells_tick(_called_step, kind, lo, hi, slot, inh, shifts,
                      ring, params, state, inj, spk, end)


@numba.njit(cache=True)
def neuron_step_multi(kind, p, s, x, i_inj):
    """Advance one neuron of model ``kind`` by one tick (``x``: an input per receptor slot);
    returns (spiked, saturations)."""
    if kind == 13:  # lif_curr_exp_multisynapse
        return lif_curr_exp_multisynapse.step(p, s, x, i_inj)
    elif kind == 14:  # adexp_cond_alpha_multisynapse
        return adexp_cond_alpha_multisynapse.step(p, s, x, i_inj)
    elif kind == 15:  # if_curr_dual_exp
        return if_curr_dual_exp.step(p, s, x, i_inj)
    elif kind == 20:  # if_curr_exp_semd
        return if_curr_exp_semd.step(p, s, x, i_inj)
    return False, 0
