"""Synapse dynamics on the host: one encoder per kind of synaptic row.

The registry :data:`ENCODERS` maps a projection's ``dynamics`` (as the graph names
it) to its row layout and an encoder that turns the synapses' static words into the
words of its rows. The emulator's side of each kind is in
:mod:`neurochip.emulator.synapse_dynamics` (the same ``kind``, header and words).
Static rows are packed (:func:`neurochip.mapping.synapses.layout_synapses`); the
others are strided, one block of rows per master-table entry and kind.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from neurochip.emulator.contract import (
    DYN_DOPAMINE,
    DYN_NEUROMOD,
    DYN_RECURRENT,
    DYN_STDP,
    DYN_STOCHASTIC,
    DYN_STRUCTURAL,
    DYN_TSODYKS_MARKRAM,
)
from neurochip.emulator.recurrent import ACC_BIAS
from neurochip.emulator.short_term import NO_LUT, decay_tables
from neurochip.emulator.stdp import TRACE_ONE, W16, W_ONE
from neurochip.emulator.stochastic import P_ALWAYS
from neurochip.emulator.synapse_dynamics import DYNAMICS

from .errors import MappingError

__all__ = ["Encoder", "ENCODERS", "EncodeContext", "PLASTIC"]

PLASTIC = ("stdp", "stdp_neuromod", "stdp_recurrent")  # the graph's dynamics with a parameter set (STDP)


@dataclass
class EncodeContext:
    """What encoders share while one machine's rows are built: the Tsodyks-Markram
    time constants (ticks -> table index) and the stochastic synapses' ids."""

    dt: float
    luts: dict = field(default_factory=dict)
    first_sid: dict = field(default_factory=dict)
    next_sid: int = 0

    def synapse_ids(self, prj, n: int) -> int:
        """The first id of ``prj``'s synapses: each projection asking gets its own range,
        in the order they ask (the order of the projections of one kind)."""
        if id(prj) not in self.first_sid:
            self.first_sid[id(prj)] = self.next_sid
            self.next_sid += len(prj.pre_idx)
        return self.first_sid[id(prj)]

    def decay_tables(self):
        """``(tm_lut, tm_tau)`` of the time constants seen."""
        tau = np.array(sorted(self.luts, key=self.luts.get), float)
        return (decay_tables(tau) if len(tau) else np.zeros((0, 2, 256), np.uint32)), tau


@dataclass(frozen=True)
class Encoder:
    """A row kind on the host: ``kind`` (None: the static rows), ``header`` words per
    row, ``words`` per synapse, and ``encode(ctx, prj, lo, word, w_ring) -> (words,
    floats)``, each ``(n, words)``, for synapses ``lo..lo + n - 1`` of ``prj`` whose static
    words are ``word`` and ring-unit weights ``w_ring``; ``params``: the per-connection
    parameters a projection of this kind carries (PyNN units), ``pynn``: the PyNN
    synapse type that asks for it."""

    kind: int | None
    header: int
    words: int
    encode: Callable
    params: tuple = ()
    pynn: str = ""


def _static(ctx, prj, lo, word, w_ring):
    return word[:, None], w_ring[:, None]


def _tsodyks_markram(ctx, prj, lo, word, w_ring):
    """Per synapse [word, U, u, x, lut ids] and their float twins."""
    p = prj.dyn_params
    n = len(word)
    U = np.broadcast_to(np.asarray(p["U"], float), (len(prj.pre_idx),))[lo:lo + n]
    if np.any((U <= 0) | (U > 1)):
        raise MappingError(f"projection {prj.label!r}: U must be in (0, 1], got "
                           f"{U[(U <= 0) | (U > 1)][0]:g}")
    lids = []
    for name in ("tau_rec", "tau_facil"):
        tau = np.broadcast_to(np.asarray(p[name], float), (len(prj.pre_idx),))[lo:lo + n] / ctx.dt
        if np.any(tau < 0):
            raise MappingError(f"projection {prj.label!r}: {name} must be >= 0")
        ids = np.full(n, NO_LUT, np.int64)
        for value in np.unique(tau[tau > 0]):
            ids[tau == value] = ctx.luts.setdefault(float(value), len(ctx.luts))
        lids.append(ids)
    u0 = np.minimum(np.rint(U * 2.0 ** 32), 2.0 ** 32 - 1)
    words = np.stack([word, u0, u0, np.full(n, 2.0 ** 32 - 1), lids[0] | (lids[1] << 16)],
                     axis=1).astype(np.uint64)
    floats = np.stack([w_ring, U, U, np.ones(n), np.zeros(n)], axis=1)
    return words, floats


def _stochastic(ctx, prj, lo, word, w_ring):
    """Per synapse [word, threshold, synapse id] and their float twins."""
    n = len(word)
    prob = np.broadcast_to(np.asarray(prj.dyn_params["p"], float), (len(prj.pre_idx),))[lo:lo + n]
    if np.any((prob < 0) | (prob > 1)):
        raise MappingError(f"projection {prj.label!r}: p must be in [0, 1], got "
                           f"{prob[(prob < 0) | (prob > 1)][0]:g}")
    sid = ctx.synapse_ids(prj, n) + lo + np.arange(n)
    thresh = np.rint(prob * float(P_ALWAYS))
    return (np.stack([word, thresh, sid], axis=1).astype(np.uint64),
            np.stack([w_ring, prob, np.zeros(n)], axis=1))


def _stdp(ctx, prj, lo, word, w_ring):
    """Per synapse one word: the static word with the weight half relative to w_max
    (emulator.stdp); the float twin is the ring-unit weight. The row header (last pre
    stamp, pre trace) starts at 0: no pre spike yet."""
    n = len(word)
    w = np.abs(np.asarray(prj.weight[lo:lo + n], np.float64))
    w_max = float(np.asarray(prj.dyn_params["w_max"], np.float64).flat[0])
    w16 = np.minimum(np.rint(w / w_max * W16), W16).astype(np.int64)
    return ((w16 << 16) | (word & 0xFFFF))[:, None], w_ring[:, None]


def _stdp_neuromod(ctx, prj, lo, word, w_ring):
    """Per synapse [word, c] (emulator.neuromodulation): the word's weight half relative
    to the Neuromodulation's w_max, the eligibility trace c at the weight dependence's
    w_min (0 unless w_min > 0) in W units relative to its w_max; float twins in ring units."""
    n = len(word)
    w = np.abs(np.asarray(prj.weight[lo:lo + n], np.float64))
    nm_w_max = float(np.asarray(prj.dyn_params["nm_w_max"], np.float64).flat[0])
    w_min, w_max = (float(np.asarray(prj.dyn_params[k], np.float64).flat[0]) for k in ("w_min", "w_max"))
    w16 = np.minimum(np.rint(w / nm_w_max * W16), W16).astype(np.int64)
    c0 = np.full(n, round(w_min / w_max * W_ONE), np.int64)
    scale = float(prj.dyn_params["ring_scale"])  # PyNN units -> ring units
    return (np.stack([(w16 << 16) | (word & 0xFFFF), c0], axis=1).astype(np.uint64),
            np.stack([w_ring, np.full(n, w_min * scale)], axis=1))


def _stdp_recurrent(ctx, prj, lo, word, w_ring):
    """Per synapse [word, state, synapse id] (emulator.recurrent): the word as STDP's, the
    state machine idle with its accumulator at 0, the id of the synapse's draws (as the
    stochastic synapses')."""
    n = len(word)
    w16_word = _stdp(ctx, prj, lo, word, w_ring)[0][:, 0]
    state = np.full(n, ACC_BIAS << 24, np.int64)
    sid = ctx.synapse_ids(prj, n) + lo + np.arange(n)
    return (np.stack([w16_word, state, sid], axis=1).astype(np.uint64),
            np.stack([w_ring, np.zeros(n), np.zeros(n)], axis=1))


def _dopamine(ctx, prj, lo, word, w_ring):
    """Per synapse the static word with the signed concentration (s4.11, int16; negative
    onto 'punishment') in the weight half (emulator.neuromodulation); float twin: the
    concentration."""
    n = len(word)
    conc = np.abs(np.asarray(prj.weight[lo:lo + n], np.float64))
    sign = -1.0 if prj.receptor == "punishment" else 1.0
    q = np.rint(conc * TRACE_ONE).astype(np.int64)
    if np.any(q > 0x7FFF):
        raise MappingError(f"projection {prj.label!r}: a Neuromodulation weight (dopamine "
                           f"concentration) of {conc.max():g} is above the {0x7FFF / TRACE_ONE:g} "
                           f"an s4.11 trace step holds; lower it")
    half = (np.int64(sign) * q) & 0xFFFF
    return ((half << 16) | (word & 0xFFFF))[:, None], (sign * conc)[:, None]


def _kind(kind, encode, params, pynn):
    d = DYNAMICS[kind]
    return Encoder(kind, d.header, d.words, encode, params, pynn)


ENCODERS = {
    "static": Encoder(None, 0, 1, _static, (), "StaticSynapse"),
    "tsodyks_markram": _kind(DYN_TSODYKS_MARKRAM, _tsodyks_markram, ("U", "tau_rec", "tau_facil"),
                             "TsodyksMarkramSynapse"),
    "stochastic": _kind(DYN_STOCHASTIC, _stochastic, ("p",), "SimpleStochasticSynapse"),
    "stdp": _kind(DYN_STDP, _stdp, ("timing", "dependence", "w_min", "w_max"), "STDPMechanism"),
    # dopamine-modulated STDP: the graph's STDP projections onto a population with
    # dopamine input become these (mapping.neuromodulation), and the reward/punishment
    # projections are the second
    "stdp_neuromod": _kind(DYN_NEUROMOD, _stdp_neuromod,
                           ("timing", "dependence", "w_min", "w_max", "tau_c", "tau_d",
                            "nm_w_min", "nm_w_max"), ""),
    "neuromodulation": _kind(DYN_DOPAMINE, _dopamine, ("tau_c", "tau_d", "w_min", "w_max"),
                             "Neuromodulation"),
    # sPyNNaker's RecurrentRule: the graph's STDP projections with that timing rule
    # (mapping.plasticity.plastic_kinds)
    "stdp_recurrent": _kind(DYN_RECURRENT, _stdp_recurrent, ("timing", "dependence", "w_min",
                                                             "w_max"), ""),
    # static weights on rows with room for rewiring (the "rewiring" parameters:
    # neurochip.mapping.structural)
    "structural": _kind(DYN_STRUCTURAL, _static, ("rewiring",), "StructuralMechanismStatic"),
}
for _name, _enc in ENCODERS.items():  # the emulator's side must agree on every kind
    if _enc.kind is not None and DYNAMICS[_enc.kind].name != _name:
        raise ImportError(f"synapse dynamics {_name!r}: the emulator names kind {_enc.kind} "
                          f"{DYNAMICS[_enc.kind].name!r}")
