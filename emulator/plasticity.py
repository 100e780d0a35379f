"""The machine's plasticity data (a MachineProgram group): the STDP parameter sets, the
trace decay tables and which neurons keep a post-spike history
(:mod:`neurochip.emulator.stdp`)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .errors import ProgramError
from .groups import require
from .stdp import POW_POINTS, RI_POST_LUT, RI_PRE_LUT, RULE_F, RULE_I

__all__ = ["Plasticity", "no_plasticity", "HISTORY"]

HISTORY = 16  # post spikes a neuron's history holds, as sPyNNaker's post_events.h


@dataclass(frozen=True, eq=False)
class Plasticity:
    """hist_row (N,) int32: each neuron's post-spike history (-1: none, it has no plastic
    input); per history hist_lut (R,) int32, the decay table of its post trace, and
    hist_nearest (R,) bool (nearest-pair: the trace restarts at 1 at each spike), and
    hist_lut2 (R,) int32, the decay table of a second (triplet) post trace, -1 none;
    ``history``: entries a history holds. lut (L, W) int32 s4.11 decay tables, lut_shift
    (L,) int32 (a table's tick resolution is ``2**shift``), lut_tau (L,) float64 (ticks,
    float arithmetic); per parameter set (one per plastic projection) rule_i (P, RULE_I)
    int64, rule_f (P, RULE_F) float64 and wpow (P, 2, POW_POINTS + 1) int64, the Gutig
    power tables ((1 - x)**mu_plus, x**mu_minus in u0.16)."""

    hist_row: np.ndarray
    hist_lut: np.ndarray
    hist_nearest: np.ndarray
    lut: np.ndarray
    lut_shift: np.ndarray
    lut_tau: np.ndarray
    rule_i: np.ndarray
    rule_f: np.ndarray
    wpow: np.ndarray
    history: int = HISTORY
    hist_lut2: np.ndarray | None = None
    # dopamine-modulated STDP (emulator.neuromodulation): per history the decay table of
    # its dopamine trace, -1 none (no dopamine input)
    hist_lut_d: np.ndarray | None = None
    # the recurrent rule (emulator.recurrent): per parameter set its pre and post window
    # tables (P, 2, W) int32, ticks (W = 0 without the rule)
    window_lut: np.ndarray | None = None

    def __post_init__(self):
        s = "Plasticity"
        require(s, "hist_row", self.hist_row, np.int32, (None,))
        r = int(self.hist_row.max(initial=-1)) + 1
        if self.hist_lut2 is None:
            object.__setattr__(self, "hist_lut2", np.full(len(self.hist_lut), -1, np.int32))
        require(s, "hist_lut2", self.hist_lut2, np.int32, (r,))
        if self.hist_lut_d is None:
            object.__setattr__(self, "hist_lut_d", np.full(len(self.hist_lut), -1, np.int32))
        require(s, "hist_lut_d", self.hist_lut_d, np.int32, (r,))
        if self.window_lut is None:
            object.__setattr__(self, "window_lut", np.zeros((len(self.rule_i), 2, 0), np.int32))
        require(s, "window_lut", self.window_lut, np.int32, (len(self.rule_i), 2, None))
        require(s, "hist_lut", self.hist_lut, np.int32, (r,))
        require(s, "hist_nearest", self.hist_nearest, np.bool_, (r,))
        n_lut = len(self.lut_shift)
        require(s, "lut", self.lut, np.int32, (n_lut, None))
        require(s, "lut_shift", self.lut_shift, np.int32, (n_lut,))
        require(s, "lut_tau", self.lut_tau, np.float64, (n_lut,))
        p = len(self.rule_i)
        require(s, "rule_i", self.rule_i, np.int64, (p, len(RULE_I)))
        require(s, "rule_f", self.rule_f, np.float64, (p, len(RULE_F)))
        require(s, "wpow", self.wpow, np.int64, (p, 2, POW_POINTS + 1))
        if not 1 <= self.history <= 1 << 12:
            raise ProgramError(f"Plasticity.history={self.history}: use 1 to 4096 entries")
        lut2 = self.hist_lut2[self.hist_lut2 >= 0]
        for name, ids in (("hist_lut", self.hist_lut), ("hist_lut2", lut2),
                          ("hist_lut_d", self.hist_lut_d[self.hist_lut_d >= 0]),
                          ("rule_i[:, pre_lut]", self.rule_i[:, RI_PRE_LUT]),
                          ("rule_i[:, post_lut]", self.rule_i[:, RI_POST_LUT])):
            if len(ids) and (ids.min() < 0 or ids.max() >= n_lut):
                raise ProgramError(f"Plasticity.{name} names a decay table outside 0..{n_lut - 1}")
        if np.any(self.lut_tau <= 0):
            raise ProgramError("Plasticity.lut_tau must be > 0 ticks")

    @property
    def dopamine(self) -> bool:
        """Whether any history keeps a dopamine trace."""
        return bool(np.any(self.hist_lut_d >= 0))

    @property
    def n_sets(self) -> int:
        return len(self.rule_i)


def no_plasticity(n_neurons: int) -> Plasticity:
    """No plastic synapses."""
    return Plasticity(hist_row=np.full(n_neurons, -1, np.int32), hist_lut=np.zeros(0, np.int32),
                      hist_nearest=np.zeros(0, bool), lut=np.zeros((0, 1), np.int32),
                      lut_shift=np.zeros(0, np.int32), lut_tau=np.zeros(0),
                      rule_i=np.zeros((0, len(RULE_I)), np.int64),
                      rule_f=np.zeros((0, len(RULE_F))), wpow=np.zeros((0, 2, POW_POINTS + 1), np.int64))
