"""Neuron models, one module each.

A model module defines ``NAME`` (the PyNN cell type), ``KIND`` (its number on
the machine), ``PARAMS``/``STATE`` (column name and fixed-point format),
``RECORD`` (PyNN variable -> state column and unit factor), ``INPUT`` (the state
columns ring-buffer input adds to, for recording), ``CONDUCTANCE``,
``WEIGHT_SCALE`` (ring units per PyNN weight unit), ``PYNN_PARAMS`` (the PyNN
parameters the host needs), optionally ``INPUT_LEAD`` (1 where input acts in the
tick that ends at its arrival time, as a voltage jump does; default 0, the tick
that starts there) and a jitted
``step(p, s, in_e, in_i, i_inj) -> (spiked, saturations)``, which
:mod:`neurochip.emulator.models.dispatch` calls. Host-side constants live in
:mod:`neurochip.mapping.neuron_constants`, the PyNN class in :mod:`neurochip.standardmodels`.
"""

import numpy as np

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

__all__ = ["NEURON_MODELS", "BY_NAME", "BY_KIND", "input_columns", "INPUT_LEAD"]

NEURON_MODELS = (if_curr_exp, if_cond_exp, if_curr_alpha, if_cond_alpha, if_curr_delta,
                 izhikevich, eif_cond_exp_isfa_ista, eif_cond_alpha_isfa_ista, hh_cond_exp)
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
