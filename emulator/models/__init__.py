"""Neuron models: one cell type per module, built from components.

A cell module names its components (:mod:`.components`: synaptic shaping per
receptor -> input type -> membrane -> threshold) and defines ``NAME`` (the PyNN cell
type), ``PARAMS``/``STATE`` (column name and fixed-point format, the union of its
components' columns), ``RECORD`` (PyNN variable -> state column and unit factor),
``INPUT`` (the state columns ring-buffer input adds to, for recording),
``CONDUCTANCE``, ``WEIGHT_SCALE`` (ring units per PyNN weight unit), ``PYNN_PARAMS``
(the PyNN parameters the host needs), ``HOST`` (its host-constant components, in
order, with the receptors each serves), ``PYNN_DOC`` (what the PyNN class adds to
PyNN's docstring), optionally ``PYNN_UNITS``, ``INPUT_LEAD`` (1 where input acts in
the tick that ends at its arrival time, as a voltage jump does; default 0, the tick
that starts there) and ``WEIGHT_UNIT``, and a jitted
``step(p, s, in_e, in_i, i_inj) -> (spiked, saturations)``.

:mod:`.registry` lists the cell modules and gives each its ``KIND``;
:mod:`.dispatch` (generated from the registry) calls the steps. The host constants
(:mod:`neurochip.mapping.neuron_constants`) and the PyNN classes
(:mod:`neurochip.standardmodels`) are found from the registry too.
"""

import numpy as np

from . import registry

__all__ = ["NEURON_MODELS", "BY_NAME", "BY_KIND", "input_columns", "INPUT_LEAD"]

NEURON_MODELS = registry.load()
BY_NAME = {m.NAME: m for m in NEURON_MODELS}
BY_KIND = {m.KIND: m for m in NEURON_MODELS}
# per kind (a constant tuple, for numba): ring slots ahead of the tick its input is read in
INPUT_LEAD = tuple(getattr(BY_KIND.get(k), "INPUT_LEAD", 0) for k in range(max(BY_KIND) + 1))


def input_columns() -> np.ndarray:
    """``(max kind + 1, 2)`` int64: per kind, the state columns that take ring input."""
    out = np.full((max(BY_KIND) + 1, 2), -1, np.int64)
    for kind, m in BY_KIND.items():
        out[kind] = m.INPUT
    return out
