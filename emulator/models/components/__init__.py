"""Components of neuron models, in the spirit of sPyNNaker's neuron_impl_standard.

A neuron update is synaptic shaping (per receptor) -> input type -> membrane ->
threshold, with optional spike-triggered adaptation (conductances or currents that
jump at each spike and decay; :mod:`.adaptation`). Each component is a
:class:`Component`: a name, its role, its own parameter and state columns (name,
fixed-point format) and the name of its host constants (a function of
:mod:`neurochip.mapping.neuron_constants`, found there by this name), beside small
``@numba.njit(inline="always")`` functions in the role's module (:mod:`.shaping`,
:mod:`.input_type`, :mod:`.membrane`, :mod:`.adaptation`, :mod:`.threshold`).

A column name may hold ``{r}`` (``e``/``i``, ``s0``...``s7`` for the slots of a
multi-receptor cell) or ``{syn}`` (``exc``/``inh``, the same for slots): a
shaping component's columns are repeated per receptor. A cell type lists its
components (see :func:`columns`); its column tables are their union, in its own
order where it gives one (the existing cells keep their historical order, which
fixes the order of recorded samples and so the golden digests).

Jitted components are functions of values (some also read the parameter row at
column numbers the cell passes, module-level constants that numba freezes); the
cell's step reads and writes the state row itself. An inlined function that stores
into an array inside a branch made the exact LIF step ten times slower (2 -> 20 ns
per neuron and tick, measured), so components never write arrays.
"""

from __future__ import annotations

from dataclasses import dataclass

from ...contract import MAX_RECEPTORS

__all__ = ["Component", "ROLES", "RECEPTOR_SUFFIX", "SLOTS", "columns", "host_steps", "index",
           "slot_column"]

ROLES = ("shaping", "input", "membrane", "adaptation", "threshold")
# the receptor slots of a multi-receptor cell (PyNN's PointNeuron): a population's
# receptors, in PyNN's (sorted) order, take slots 0, 1, ...
SLOTS = tuple(f"slot{k}" for k in range(MAX_RECEPTORS))
# receptor -> suffixes of its columns ({r}, {syn}) and of its host parameters (tau_syn_E)
# (sPyNNaker's IF_curr_dual_exp names a second excitatory receptor "excitatory2":
# tau_syn_E2, isyn_exc2)
RECEPTOR_SUFFIX = {"excitatory": ("e", "exc", "E"), "inhibitory": ("i", "inh", "I"),
                   "excitatory2": ("e2", "exc2", "E2"),
                   **{slot: (f"s{k}",) * 3 for k, slot in enumerate(SLOTS)}}


@dataclass(frozen=True)
class Component:
    """One part of a neuron update: its role, columns and host constants.

    ``fused`` names the cell module whose step integrates this part together with
    others (where the arithmetic does not split: sub-steps that advance V and the
    conductances together, resets at the crossing time); its columns then belong
    to the membrane that holds the arithmetic.
    """

    name: str
    role: str  # one of ROLES
    params: tuple = ()  # (name, format): format "REAL", "UFRACT" or "int"
    state: tuple = ()
    host: str | None = None  # host-constant function in mapping.neuron_constants.HOST
    fused: bool = False

    def __post_init__(self):
        if self.role not in ROLES:
            raise ValueError(f"component {self.name!r}: unknown role {self.role!r}")


def _expand(table, receptors):
    out = []
    for name, fmt in table:
        if "{" in name:
            out += [(name.format(r=RECEPTOR_SUFFIX[rec][0], syn=RECEPTOR_SUFFIX[rec][1]), fmt)
                    for rec in receptors]
        else:
            out.append((name, fmt))
    return out


def host_steps(receptors, components):
    """``(host name, receptors)`` in the order the host constants are computed: the
    membrane, each shaping (with the receptors that use it), the input type, the
    threshold; components without host constants are left out."""
    steps = []
    for c in components:
        if c.role == "shaping":
            raise ValueError(f"{c.name}: shaping components are given per receptor")
        if c.role == "membrane":
            steps.append((c.host, tuple(r for r, _ in receptors)))
            for sh in dict.fromkeys(sh for _, sh in receptors):
                steps.append((sh.host, tuple(r for r, s in receptors if s == sh)))
        else:
            steps.append((c.host, tuple(r for r, _ in receptors)))
    return tuple((h, r) for h, r in steps if h is not None)


def columns(receptors, components, order=None, what="params"):
    """The column table (``(name, format)`` tuples) of a cell.

    ``receptors`` is the cell's ``((receptor name, shaping component), ...)``: a
    shaping's ``{r}``/``{syn}`` columns repeat for the receptors that use it, other
    components' for all receptors. ``order`` (optional) lists the column names in the
    cell's order and must be a permutation of the components' columns."""
    names = [r for r, _ in receptors]
    table = {}
    parts = [(getattr(c, what), names) for c in components if c.role == "membrane"]
    for sh in dict.fromkeys(sh for _, sh in receptors):
        parts.append((getattr(sh, what), [r for r, s in receptors if s == sh]))
    parts += [(getattr(c, what), names) for c in components if c.role not in ("membrane",)]
    for cols, recs in parts:
        for name, fmt in _expand(cols, recs):
            if table.setdefault(name, fmt) != fmt:
                raise ValueError(f"column {name!r}: formats {table[name]} and {fmt}")
    if order is None:
        return tuple(table.items())
    if sorted(order) != sorted(table) or len(set(order)) != len(order):
        raise ValueError(f"{what} order {order} is not a permutation of the components' "
                         f"columns {tuple(table)}")
    return tuple((name, table[name]) for name in order)


def index(table) -> dict:
    """Column name -> column number."""
    return {name: j for j, (name, _) in enumerate(table)}


def slot_column(table, name: str, receptors=SLOTS) -> int:
    """The column of slot 0 of the per-slot column ``name`` (``"decay_{r}"``, ...) of a
    multi-receptor cell (``receptors``: its receptors in slot order, by default the
    slots of a PyNN PointNeuron): receptor k's is k further on (checked: the step reads
    them so)."""
    at = index(table)
    cols = [at[name.format(r=RECEPTOR_SUFFIX[s][0], syn=RECEPTOR_SUFFIX[s][1])]
            for s in receptors]
    if cols != list(range(cols[0], cols[0] + len(cols))):
        raise ValueError(f"the slots of column {name!r} are not consecutive: {cols}")
    return cols[0]
