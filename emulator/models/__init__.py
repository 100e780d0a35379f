"""Neuron models: one cell type per module, built from components.

A cell module names its components (:mod:`.components`: synaptic shaping per
receptor -> input type -> membrane -> threshold) and defines ``NAME`` (the PyNN cell
type), ``PARAMS``/``STATE`` (column name and fixed-point format, the union of its
components' columns), ``RECORD`` (PyNN variable -> state column and unit factor),
``INPUT`` (the state columns ring-buffer input adds to, for recording),
``CONDUCTANCE``, ``WEIGHT_SCALE`` (ring units per PyNN weight unit), ``PYNN_PARAMS``
(the PyNN parameters the host needs), ``HOST`` (its host-constant components, in
order, with the receptors each serves), ``PYNN_DOC`` (what the PyNN class adds to
PyNN's docstring), optionally ``PYNN_UNITS``, ``INPUT_SCALE`` (the INPUT columns' units
per ring unit, default 1), ``INPUT_ALSO`` (per receptor, a second state column its
ring input shows in when recorded, -1 for none: a sum of receptors' currents),
``INPUT_LEAD`` (1 where input acts in
the tick that ends at its arrival time, as a voltage jump does; default 0, the tick
that starts there) and ``WEIGHT_UNIT``, and a jitted
``step(p, s, in_e, in_i, i_inj) -> (spiked, saturations)``, or (``COLUMNS = True``)
``tick_columns(P, S, lo, hi, slot, inh, shifts, ring, inj, fired) -> saturations``: a
core's neurons in one loop over its parameter and state columns, which vectorises
(:mod:`.loop`).

A multi-receptor cell (``MULTI = True``: PyNN's ``PointNeuron`` of a neuron component
``PYNN_NEURON`` and receptors of class ``PYNN_RECEPTOR``) holds its per-receptor columns
in slots (:data:`.components.SLOTS`), says how a receptor's PyNN parameters and
variables reach them (``RECEPTOR_PARAMS``, ``RECEPTOR_RECORD``), gives ``INPUT`` per
slot and has ``step(p, s, x, i_inj)`` with ``x`` the inputs of the slots. A
multi-receptor cell with fixed receptors (``RECEPTOR_NAMES``: sPyNNaker's
IF_curr_dual_exp) has the ``step(p, s, x, i_inj)`` of a multi-receptor cell and flat
PyNN parameters; see :func:`named_receptors`.

A cell whose PyNN class is one of sPyNNaker's extra models (``sim.extra_models``) says
``PYNN_MODULE = "extra_models"``; its PyNN class is made there (by
:mod:`neurochip.extra_cells`), not from PyNN's standard cells.

:mod:`.registry` lists the cell modules and gives each its ``KIND``;
:mod:`.dispatch` (generated from the registry) calls the steps. The host constants
(:mod:`neurochip.mapping.neuron_constants`) and the PyNN classes
(:mod:`neurochip.standardmodels`) are found from the registry too.
"""

import numpy as np

from ..contract import MAX_RECEPTORS
from . import registry
from .components import RECEPTOR_SUFFIX, SLOTS

__all__ = ["NEURON_MODELS", "BY_NAME", "BY_KIND", "input_columns", "INPUT_LEAD", "INPUT_SCALE",
           "MULTI", "LEAN_KIND", "named_receptors", "record_columns"]

NEURON_MODELS = registry.load()
BY_NAME = {m.NAME: m for m in NEURON_MODELS}
BY_KIND = {m.KIND: m for m in NEURON_MODELS}
# per kind (a constant tuple, for numba): ring slots ahead of the tick its input is read in
INPUT_LEAD = tuple(getattr(BY_KIND.get(k), "INPUT_LEAD", 0) for k in range(max(BY_KIND) + 1))
# per kind: whether it is a multi-receptor cell (its step takes one input per slot)
MULTI = tuple(bool(getattr(BY_KIND.get(k), "MULTI", False)) for k in range(max(BY_KIND) + 1))
# per kind: whether it is one of the lean kernel's cells (dispatch.neuron_loop_lean runs it)
LEAN_KIND = tuple(registry.lean_cell(getattr(BY_KIND.get(k), "__name__", ".").rsplit(".", 1)[-1])
                  for k in range(max(BY_KIND) + 1))
# per kind: state units per ring unit of the INPUT columns (a power of two; default 1)
INPUT_SCALE = tuple(int(getattr(BY_KIND.get(k), "INPUT_SCALE", 1)) for k in range(max(BY_KIND) + 1))


def named_receptors(model) -> bool:
    """Whether a cell's receptors are named by its population (PyNN's ``PointNeuron``:
    per-receptor parameters ``"AMPA.tau_syn"``), not fixed by the cell."""
    return getattr(model, "MULTI", False) and not getattr(model, "RECEPTOR_NAMES", None)


def input_columns() -> np.ndarray:
    """``(max kind + 1, MAX_RECEPTORS, 2)`` int64: per kind and receptor, the state
    column that the receptor's ring input adds to (``[..., 0]``) and a second column it
    also shows in when recorded (``[..., 1]``, the cell's ``INPUT_ALSO``); -1: none."""
    out = np.full((max(BY_KIND) + 1, MAX_RECEPTORS, 2), -1, np.int64)
    for kind, m in BY_KIND.items():
        out[kind, :len(m.INPUT), 0] = m.INPUT
        also = getattr(m, "INPUT_ALSO", ())
        out[kind, :len(also), 1] = also
    return out


def record_columns(model, receptors=(), signs=None) -> dict:
    """PyNN variable -> (state column, factor to PyNN's units) of a cell ``model`` whose
    population has the receptors ``receptors`` (a multi-receptor cell's variables of
    receptor ``name`` are ``"name.isyn"``, ...; they follow the model's ``RECORD``), each
    factor times the receptor's sign in ``signs`` where given (a current held as a
    magnitude)."""
    out = dict(model.RECORD)
    at = {name: j for j, (name, _) in enumerate(model.STATE)}
    names = tuple(receptors) if named_receptors(model) else ()
    for k, (name, slot) in enumerate(zip(names, SLOTS)):
        suffix = RECEPTOR_SUFFIX[slot]
        sign = 1 if signs is None else signs[k]
        for var, (column, factor) in model.RECEPTOR_RECORD.items():
            out[f"{name}.{var}"] = (at[column.format(r=suffix[0], syn=suffix[1])], sign * factor)
    return out
