"""A tick of a core's two-receptor neurons: one loop per cell type.

The core kernel calls :func:`cells_tick` with the step of its cell type
(:mod:`.dispatch`, generated), or :func:`columns_tick` with its column loop for a cell
that has one (``COLUMNS``): the choice of cell is made once per core and tick, not
once per neuron. A loop that asks each neuron its kind (``if kind == ...`` inside the
loop, with two or more cells' steps inlined behind it) took twice as long per neuron
(measured on IF_curr_exp in fixed point, 4000 neurons: 15 ns against 7 ns): LLVM
keeps the parameter and state rows of both branches apart and schedules neither well.
"""

import numba
import numpy as np

from ..fixed import ring_to_real

__all__ = ["cells_tick", "columns_tick"]


@numba.njit(cache=True, inline="always")
def cells_tick(step, kind, lo, hi, slot, inh, shifts, ring, params, state, inj, spk, end):
    """Neurons ``lo .. hi - 1`` (one core, all of model ``kind``) by one tick through
    ``step(kind, params, state, g, in_e, in_i, i_inj)`` (which takes the rows of neuron
    ``g`` itself: see :func:`.registry.dispatch_source`). Each neuron takes its two ring slots
    (``slot + i`` and ``slot + inh + i``, shifted by ``shifts``) and clears them; a
    spike appends its neuron to ``spk`` from ``end``. Returns (the new end, saturations)."""
    sh_e, sh_i = shifts
    sat = 0
    for i in range(hi - lo):
        g = lo + i
        in_e = ring_to_real(ring[slot + i], sh_e)
        in_i = ring_to_real(ring[slot + inh + i], sh_i)
        ring[slot + i] = 0
        ring[slot + inh + i] = 0
        spiked, s = step(kind, params, state, g, in_e, in_i, inj[g])
        sat += s
        if spiked:
            spk[end] = g
            end += 1
    return end, sat


@numba.njit(cache=True, inline="always")
def columns_tick(tick, kind, lo, hi, slot, inh, shifts, ring, params, state, inj, spk, end):
    """As :func:`cells_tick` (``kind`` unused) for a cell whose update is one loop over the core's columns,
    ``tick(P, S, lo, hi, slot, inh, shifts, ring, inj, fired)`` with ``P``/``S`` the
    parameters and state as ``[column, neuron]`` (``params``/``state`` are in Fortran
    order, so each column is contiguous and the loop vectorises) and ``fired[i]``
    whether neuron ``lo + i`` spiked. The spikes are appended afterwards, in neuron
    order, as :func:`cells_tick` appends them."""
    fired = np.empty(hi - lo, np.bool_)
    sat = tick(params.T, state.T, lo, hi, slot, inh, shifts, ring, inj, fired)
    for i in range(hi - lo):
        if fired[i]:
            spk[end] = lo + i
            end += 1
    return end, sat
