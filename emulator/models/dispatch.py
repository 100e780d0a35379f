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


@numba.njit(cache=True, inline="always")
def _if_curr_alpha_k(kind, params, state, g, in_e, in_i, i_inj):
    return if_curr_alpha.step(params[g], state[g], in_e, in_i, i_inj)


@numba.njit(cache=True, inline="always")
def _if_cond_alpha_k(kind, params, state, g, in_e, in_i, i_inj):
    return if_cond_alpha.step(params[g], state[g], in_e, in_i, i_inj)


@numba.njit(cache=True, inline="always")
def _if_curr_delta_k(kind, params, state, g, in_e, in_i, i_inj):
    return if_curr_delta.step(params[g], state[g], in_e, in_i, i_inj)


@numba.njit(cache=True, inline="always")
def _izhikevich_k(kind, params, state, g, in_e, in_i, i_inj):
    return izhikevich.step(params[g], state[g], in_e, in_i, i_inj)


@numba.njit(cache=True, inline="always")
def _eif_cond_exp_isfa_ista_k(kind, params, state, g, in_e, in_i, i_inj):
    return eif_cond_exp_isfa_ista.step(params[g], state[g], in_e, in_i, i_inj)


@numba.njit(cache=True, inline="always")
def _eif_cond_alpha_isfa_ista_k(kind, params, state, g, in_e, in_i, i_inj):
    return eif_cond_alpha_isfa_ista.step(params[g], state[g], in_e, in_i, i_inj)


@numba.njit(cache=True, inline="always")
def _hh_cond_exp_k(kind, params, state, g, in_e, in_i, i_inj):
    return hh_cond_exp.step(params[g], state[g], in_e, in_i, i_inj)


@numba.njit(cache=True, inline="always")
def _if_cond_exp_gsfa_grr_k(kind, params, state, g, in_e, in_i, i_inj):
    return if_cond_exp_gsfa_grr.step(params[g], state[g], in_e, in_i, i_inj)


@numba.njit(cache=True, inline="always")
def _gif_cond_exp_k(kind, params, state, g, in_e, in_i, i_inj):
    return gif_cond_exp.step(params[g], state[g], in_e, in_i, i_inj)


@numba.njit(cache=True, inline="always")
def _izhikevich_cond_k(kind, params, state, g, in_e, in_i, i_inj):
    return izhikevich_cond.step(params[g], state[g], in_e, in_i, i_inj)


@numba.njit(cache=True, inline="always")
def _if_curr_exp_ca2_adaptive_k(kind, params, state, g, in_e, in_i, i_inj):
    return if_curr_exp_ca2_adaptive.step(params[g], state[g], in_e, in_i, i_inj)


@numba.njit(cache=True, inline="always")
def _if_cond_exp_stoc_k(kind, params, state, g, in_e, in_i, i_inj):
    return if_cond_exp_stoc.step(params[g], state[g], in_e, in_i, i_inj)


@numba.njit(cache=True, inline="always")
def _izhikevich_curr_exp_k(kind, params, state, g, in_e, in_i, i_inj):
    return izhikevich_curr_exp.step(params[g], state[g], in_e, in_i, i_inj)


@numba.njit(cache=True)
def _if_cond_alpha(kind, lo, hi, slot, inh, shifts, ring, params, state, inj, spk, end):
    return cells_tick(_if_cond_alpha_k, kind, lo, hi, slot, inh, shifts,
                      ring, params, state, inj, spk, end)


@numba.njit(cache=True)
def _izhikevich(kind, lo, hi, slot, inh, shifts, ring, params, state, inj, spk, end):
    return cells_tick(_izhikevich_k, kind, lo, hi, slot, inh, shifts,
                      ring, params, state, inj, spk, end)


@numba.njit(cache=True)
def _eif_cond_exp_isfa_ista(kind, lo, hi, slot, inh, shifts, ring, params, state, inj, spk, end):
    return cells_tick(_eif_cond_exp_isfa_ista_k, kind, lo, hi, slot, inh, shifts,
                      ring, params, state, inj, spk, end)


@numba.njit(cache=True)
def _eif_cond_alpha_isfa_ista(kind, lo, hi, slot, inh, shifts, ring, params, state, inj, spk, end):
    return cells_tick(_eif_cond_alpha_isfa_ista_k, kind, lo, hi, slot, inh, shifts,
                      ring, params, state, inj, spk, end)


@numba.njit(cache=True)
def _hh_cond_exp(kind, lo, hi, slot, inh, shifts, ring, params, state, inj, spk, end):
    return cells_tick(_hh_cond_exp_k, kind, lo, hi, slot, inh, shifts,
                      ring, params, state, inj, spk, end)


@numba.njit(cache=True)
def _if_cond_exp_gsfa_grr(kind, lo, hi, slot, inh, shifts, ring, params, state, inj, spk, end):
    return cells_tick(_if_cond_exp_gsfa_grr_k, kind, lo, hi, slot, inh, shifts,
                      ring, params, state, inj, spk, end)


@numba.njit(cache=True)
def _gif_cond_exp(kind, lo, hi, slot, inh, shifts, ring, params, state, inj, spk, end):
    return cells_tick(_gif_cond_exp_k, kind, lo, hi, slot, inh, shifts,
                      ring, params, state, inj, spk, end)


@numba.njit(cache=True)
def _izhikevich_cond(kind, lo, hi, slot, inh, shifts, ring, params, state, inj, spk, end):
    return cells_tick(_izhikevich_cond_k, kind, lo, hi, slot, inh, shifts,
                      ring, params, state, inj, spk, end)


@numba.njit(cache=True)
def _if_cond_exp_stoc(kind, lo, hi, slot, inh, shifts, ring, params, state, inj, spk, end):
    return cells_tick(_if_cond_exp_stoc_k, kind, lo, hi, slot, inh, shifts,
                      ring, params, state, inj, spk, end)


@numba.njit(cache=True)
def _izhikevich_curr_exp(kind, lo, hi, slot, inh, shifts, ring, params, state, inj, spk, end):
    return cells_tick(_izhikevich_curr_exp_k, kind, lo, hi, slot, inh, shifts,
                      ring, params, state, inj, spk, end)


@numba.njit(cache=True, inline="always")
def neuron_loop_lean(kind, lo, hi, slot, inh, shifts, ring, params, state, inj, spk, end):
    """A tick of a core of the lean kernel's cells (:data:`LEAN_CELLS`):
    the core's ``kind``, through :func:`.loop.columns_tick` with its column loop or
    :func:`.loop.cells_tick` with its step; returns (the spike buffer's new end,
    saturations)."""
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
    the core's ``kind``, through :func:`.loop.columns_tick` with its column loop or
    :func:`.loop.cells_tick` with its step; returns (the spike buffer's new end,
    saturations)."""
    if kind == 4:  # if_curr_alpha
        return cells_tick(_if_curr_alpha_k, kind, lo, hi, slot, inh, shifts,
                          ring, params, state, inj, spk, end)
    elif kind == 6:  # if_curr_delta
        return cells_tick(_if_curr_delta_k, kind, lo, hi, slot, inh, shifts,
                          ring, params, state, inj, spk, end)
    elif kind == 17:  # if_curr_exp_ca2_adaptive
        return cells_tick(_if_curr_exp_ca2_adaptive_k, kind, lo, hi, slot, inh, shifts,
                          ring, params, state, inj, spk, end)
    elif kind == 5:  # if_cond_alpha
        return _if_cond_alpha(kind, lo, hi, slot, inh, shifts, ring, params, state, inj, spk, end)
    elif kind == 7:  # izhikevich
        return _izhikevich(kind, lo, hi, slot, inh, shifts, ring, params, state, inj, spk, end)
    elif kind == 8:  # eif_cond_exp_isfa_ista
        return _eif_cond_exp_isfa_ista(kind, lo, hi, slot, inh, shifts, ring, params, state, inj, spk, end)
    elif kind == 9:  # eif_cond_alpha_isfa_ista
        return _eif_cond_alpha_isfa_ista(kind, lo, hi, slot, inh, shifts, ring, params, state, inj, spk, end)
    elif kind == 10:  # hh_cond_exp
        return _hh_cond_exp(kind, lo, hi, slot, inh, shifts, ring, params, state, inj, spk, end)
    elif kind == 11:  # if_cond_exp_gsfa_grr
        return _if_cond_exp_gsfa_grr(kind, lo, hi, slot, inh, shifts, ring, params, state, inj, spk, end)
    elif kind == 12:  # gif_cond_exp
        return _gif_cond_exp(kind, lo, hi, slot, inh, shifts, ring, params, state, inj, spk, end)
    elif kind == 16:  # izhikevich_cond
        return _izhikevich_cond(kind, lo, hi, slot, inh, shifts, ring, params, state, inj, spk, end)
    elif kind == 18:  # if_cond_exp_stoc
        return _if_cond_exp_stoc(kind, lo, hi, slot, inh, shifts, ring, params, state, inj, spk, end)
    elif kind == 19:  # izhikevich_curr_exp
        return _izhikevich_curr_exp(kind, lo, hi, slot, inh, shifts, ring, params, state, inj, spk, end)
    return end, 0


@numba.njit(cache=True)
def neuron_step_multi(kind, params, state, g, x, i_inj):
    """Advance one neuron of model ``kind`` by one tick (``x``: an input per receptor slot);
    returns (spiked, saturations)."""
    if kind == 13:  # lif_curr_exp_multisynapse
        return lif_curr_exp_multisynapse.step(params[g], state[g], x, i_inj)
    elif kind == 14:  # adexp_cond_alpha_multisynapse
        return adexp_cond_alpha_multisynapse.step(params[g], state[g], x, i_inj)
    elif kind == 15:  # if_curr_dual_exp
        return if_curr_dual_exp.step(params[g], state[g], x, i_inj)
    elif kind == 20:  # if_curr_exp_semd
        return if_curr_exp_semd.step(params[g], state[g], x, i_inj)
    return False, 0
