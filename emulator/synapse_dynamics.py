"""Synapse dynamics on the core: the registry of row kinds, dispatched in one place.

A master-table entry has its static rows (:class:`neurochip.emulator.groups.Synapses`,
walked by :func:`neurochip.emulator.delivery.deliver_cores` itself) and any number of
blocks of rows with per-synapse dynamics, each of one kind of
:data:`neurochip.emulator.contract.DYNAMICS_KINDS`. A kind is a row layout
(``header`` words, then ``words`` per synapse, the synaptic word first) and a row
function that processes the row for a spike stamped ``stamp`` and returns (synapses,
ring saturations, STDP history losses).
Adding a kind: its module, a constant in the contract, one :data:`DYNAMICS` entry and
one branch of :func:`dynamic_row` (only the full kernel has rows with dynamics:
:mod:`neurochip.emulator.tier`); its encoder lives in
:mod:`neurochip.mapping.synapse_dynamics`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numba

from .contract import (
    DYN_DOPAMINE,
    DYN_NEUROMOD,
    DYN_RECURRENT,
    DYN_STDP,
    DYN_STOCHASTIC,
    DYN_STRUCTURAL,
    DYN_TSODYKS_MARKRAM,
    DYNAMICS_KINDS,
)
from .neuromodulation import (
    DA_HEADER,
    DA_WORDS,
    NM_HEADER,
    NM_WORDS,
    carry_neuromod_state,
    dopamine_row,
    neuromod_row,
)
from .recurrent import RC_HEADER, RC_WORDS, carry_recurrent_state, recurrent_row
from .short_term import TM_HEADER, TM_WORDS, carry_tm_state, tm_row
from .stdp import STDP_HEADER, STDP_WORDS, carry_stdp_state, stdp_row
from .stochastic import ST_HEADER, ST_WORDS, stochastic_row
from .structural import STRUCT_HEADER, STRUCT_WORDS, carry_structural_row, structural_row

__all__ = ["Dynamics", "DYNAMICS", "HEADER", "WORDS", "dynamic_row"]


@dataclass(frozen=True)
class Dynamics:
    """One row kind: its PyNN-facing name, layout, and (optional) host function carrying
    its synapses' state over to a new program of the same layout (a parameter change
    between runs): ``carry(syn, syn_wf, old_syn, old_wf, row)``."""

    name: str
    header: int
    words: int
    carry: Callable | None = None


DYNAMICS = {
    DYN_TSODYKS_MARKRAM: Dynamics("tsodyks_markram", TM_HEADER, TM_WORDS, carry_tm_state),
    DYN_STOCHASTIC: Dynamics("stochastic", ST_HEADER, ST_WORDS),
    DYN_STDP: Dynamics("stdp", STDP_HEADER, STDP_WORDS, carry_stdp_state),
    DYN_NEUROMOD: Dynamics("stdp_neuromod", NM_HEADER, NM_WORDS, carry_neuromod_state),
    DYN_DOPAMINE: Dynamics("neuromodulation", DA_HEADER, DA_WORDS),
    DYN_RECURRENT: Dynamics("stdp_recurrent", RC_HEADER, RC_WORDS, carry_recurrent_state),
    DYN_STRUCTURAL: Dynamics("structural", STRUCT_HEADER, STRUCT_WORDS, carry_structural_row),
}
if list(DYNAMICS) != list(DYNAMICS_KINDS) or list(DYNAMICS_KINDS) != list(range(len(DYNAMICS))):
    raise ImportError(f"synapse dynamics: kinds {list(DYNAMICS)} must be the contract's "
                      f"{list(DYNAMICS_KINDS)}, numbered from 0")
# per kind, as constant tuples for the kernels
HEADER = tuple(DYNAMICS[k].header for k in DYNAMICS_KINDS)
WORDS = tuple(DYNAMICS[k].words for k in DYNAMICS_KINDS)


@numba.njit(cache=True, inline="always")
def dynamic_row(b, row, stamp, tt, at, sv, pl, ring, float_syn):
    """Process the row at ``sv.syn[row]`` of block ``b`` (its kind ``sv.dyn_kind[b]``) for
    a spike stamped ``stamp``; ``at`` is the target core's ``(ring base, ring mask, first
    neuron, index bits, type + index bits, delay mask)``, ``tt`` the stamp's ring offset,
    ``sv`` the :class:`neurochip.emulator.views.SynapseView`, ``pl`` the PlasticView;
    returns (synapses, saturations, STDP history losses)."""
    kind = sv.dyn_kind[b]
    syn, syn_wf = sv.syn, sv.syn_wf
    if kind == DYN_TSODYKS_MARKRAM:
        n, s = tm_row(syn, syn_wf, row, stamp, ring, at[0], at[1], tt, sv.tm_lut, sv.tm_tau,
                      float_syn)
        return n, s, 0
    elif kind == DYN_STOCHASTIC:
        n, s = stochastic_row(syn, syn_wf, row, stamp, ring, at[0], at[1], tt, sv.seed, float_syn)
        return n, s, 0
    elif kind == DYN_STDP:
        return stdp_row(syn, syn_wf, row, stamp, ring, tt, at, sv.dyn_param[b], pl, float_syn)
    elif kind == DYN_NEUROMOD:
        return neuromod_row(syn, syn_wf, row, stamp, ring, tt, at, sv.dyn_param[b], pl, float_syn)
    elif kind == DYN_DOPAMINE:
        return dopamine_row(syn, syn_wf, row, stamp, at, pl, float_syn)
    elif kind == DYN_RECURRENT:
        return recurrent_row(syn, syn_wf, row, stamp, ring, tt, at, sv.dyn_param[b], pl, sv.seed,
                             float_syn)
    elif kind == DYN_STRUCTURAL:
        n, s = structural_row(syn, syn_wf, row, ring, at[0], at[1], tt, float_syn)
        return n, s, 0
    return 0, 0, 0
