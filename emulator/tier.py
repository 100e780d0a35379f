"""Which kernel a program runs on: the lean one, or the full one.

A first run waits for numba to compile the tick loop, and the loop's compile time
grows with everything it may call: every cell type, every kind of row with dynamics,
rewiring. A network that uses only the common parts should not wait for the rest, so
the kernels take a ``tier`` argument, a tuple whose length numba reads from its type:

- :data:`LEAN` ``()``: the cells of :data:`LEAN_CELLS` (``IF_curr_exp`` and ``IF_cond_exp``,
  :data:`neurochip.emulator.models.registry.LEAN_CELLS`), static rows, spike sources,
  current sources and delegated Poisson sources;
- :data:`FULL` ``(1,)``: everything (the other cells, short-term plasticity, stochastic
  synapses, STDP and its relatives, rewiring).

In the kernels, ``if len(tier) > 0:`` guards every call the lean kernel leaves out:
numba folds ``len`` of a tuple argument to a constant and prunes the branch before it
types anything, so the lean kernel never compiles what is behind it. Only a function
whose own argument is ``tier`` can prune that way (a branch in an inlined function is
not pruned), so the guards stand at the call sites: the cell loops
(``neuron_loop_lean`` or ``neuron_loop``, :mod:`neurochip.emulator.models.dispatch`) in
``cores.update_cores``, the rows with dynamics
(:func:`neurochip.emulator.synapse_dynamics.dynamic_row`) and rewiring in
``delivery.deliver_cores``, the post-spike histories in the tick loops. (An ``overload``
on the tier also works, but numba compiles its chosen body once more on its own.)
Both tiers compute the same thing for a program the lean tier can run, bit for bit
(``tests/test_tier.py``); :func:`tier_of` gives the full tier to every other program.
"""

from __future__ import annotations

import numpy as np

from .contract import SOURCE_KINDS
from .models import NEURON_MODELS
from .models.registry import lean_cell

__all__ = ["LEAN", "FULL", "LEAN_CELLS", "tier_of", "tier_name"]

LEAN = ()
FULL = (1,)
LEAN_CELLS = tuple(sorted(m.KIND for m in NEURON_MODELS if lean_cell(m.__name__.rsplit(".", 1)[-1])))


def tier_of(program) -> tuple:
    """:data:`LEAN` if the program uses only what the lean kernel runs, else :data:`FULL`."""
    kinds = np.unique(program.cores.kind)
    cells_ok = bool(np.isin(kinds, LEAN_CELLS + SOURCE_KINDS).all())
    rows_ok = len(program.synapses.dyn_kind) == 0  # static rows only
    plastic = bool((program.plasticity.hist_row >= 0).any())  # post-spike histories
    rewiring = bool((program.structural.core_set >= 0).any())
    return LEAN if cells_ok and rows_ok and not plastic and not rewiring else FULL


def tier_name(tier: tuple) -> str:
    """"lean" or "full"."""
    return "full" if len(tier) else "lean"
