"""STDP on the host: the parameter sets of the plastic projections, their decay tables and
the post-spike histories, encoded for :mod:`neurochip.emulator.stdp`.

A plastic projection (``dynamics == "stdp"``) carries in ``dyn_params`` its ``timing``
rule (``"pair"``, ``"nearest"``, ``"vogels"`` or ``"triplet"``), its weight ``dependence``
(``"additive"``, ``"multiplicative"``, ``"additive_multiplicative"``, ``"gutig"``, or
``"additive_triplet"``, the only one the triplet rule takes) and
the parameters of both in PyNN units (one value per connection, all equal). A population
that receives plastic synapses keeps one post trace per neuron (NEST's ``tau_minus`` is a
neuron parameter too): every plastic projection onto it must agree on its time constant
and on all-to-all versus nearest-pair.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from neurochip.emulator import models as neuron_models
from neurochip.emulator.plasticity import Plasticity, no_plasticity
from neurochip.emulator.recurrent import ACC_BIAS, WINDOW_ENTRIES, window_tables
from neurochip.emulator.stdp import (
    D_ADD_MULT,
    D_ADDITIVE,
    D_GUTIG,
    D_MULTIPLICATIVE,
    POW_POINTS,
    RF_AM3,
    RF_NM_COEF,
    RF_NM_WMAX,
    RF_NM_WMIN,
    RI_ACC_DEP,
    RI_ACC_POT,
    RI_AM3,
    RI_DUAL,
    RI_NM_COEF,
    RI_NM_SHIFT,
    RI_NM_WMAX,
    RI_NM_WMIN,
    RI_TAU_C,
    RI_TAU_D,
    RULE_F,
    RULE_I,
    T_NEAREST,
    T_PAIR,
    T_RECURRENT,
    T_TRIPLET,
    T_VOGELS,
    W_ONE,
    trace_tables,
)

from .errors import MappingError
from .synapse_dynamics import PLASTIC

__all__ = ["TIMING", "DEPENDENCE", "PlasticSets", "timing_params", "DEPENDENCE_PARAMS",
           "plastic_kinds"]

TIMING = {"pair": T_PAIR, "nearest": T_NEAREST, "vogels": T_VOGELS, "triplet": T_TRIPLET,
          "recurrent": T_RECURRENT}
DEPENDENCE = {"additive": D_ADDITIVE, "multiplicative": D_MULTIPLICATIVE,
              "additive_multiplicative": D_ADD_MULT, "gutig": D_GUTIG,
              "additive_triplet": D_ADDITIVE}
TIMING_PARAMS = {"pair": ("tau_plus", "tau_minus", "A_plus", "A_minus"),
                 "nearest": ("tau_plus", "tau_minus", "A_plus", "A_minus"),
                 "vogels": ("tau", "eta", "rho"),
                 "triplet": ("tau_plus", "tau_minus", "tau_x", "tau_y", "A_plus", "A_minus"),
                 "recurrent": ("accumulator_depression", "accumulator_potentiation",
                               "mean_pre_window", "mean_post_window", "dual_fsm", "A_plus",
                               "A_minus")}
DEPENDENCE_PARAMS = {"additive": ("w_min", "w_max"), "multiplicative": ("w_min", "w_max"),
                     "additive_multiplicative": ("w_min", "w_max"),
                     "gutig": ("w_min", "w_max", "mu_plus", "mu_minus"),
                     "additive_triplet": ("w_min", "w_max", "A3_plus", "A3_minus")}


def timing_params(timing: str) -> tuple:
    return TIMING_PARAMS[timing]


def _value(prj, name) -> float:
    """The one value of parameter ``name`` over ``prj``'s connections."""
    v = np.asarray(prj.dyn_params[name], np.float64)
    if v.ndim and len(v) and np.ptp(v) > 1e-12 * max(1.0, float(np.abs(v).max())):
        raise MappingError(f"projection {prj.label!r}: STDP parameter {name!r} varies over the "
                           f"connections ({v.min():g} to {v.max():g}); neurochip holds one "
                           f"value per projection: make one projection per value")
    value = float(v.flat[0]) if v.size else float("nan")
    if not math.isfinite(value):
        raise MappingError(f"projection {prj.label!r}: STDP parameter {name!r} is {value}")
    return value


value_of = _value  # (mapping.neuromodulation)


def plastic_kinds(graph):
    """``graph`` with its STDP projections of sPyNNaker's RecurrentRule as
    ``"stdp_recurrent"`` (rows of their own kind: a state machine per synapse)."""
    if not any(p.dynamics == "stdp" and p.dyn_params.get("timing") == "recurrent"
               for p in graph.projections):
        return graph
    return dataclasses.replace(graph, projections=tuple(
        dataclasses.replace(p, dynamics="stdp_recurrent")
        if p.dynamics == "stdp" and p.dyn_params.get("timing") == "recurrent" else p
        for p in graph.projections))


class PlasticSets:
    """The parameter sets (one per plastic projection of ``graph``, numbered in projection
    order), their decay tables, and each target population's post trace."""

    def __init__(self, graph, shifts, receptor_of):
        self.graph = graph
        self.dt = graph.dt
        self.index = {}      # projection number -> parameter set
        self.taus = {}       # time constant (ticks) -> decay table
        self.post = {}       # population -> (post tau in ticks, nearest, projection label)
        self.dopamine = {}   # population -> the decay table of its dopamine trace (tau_d)
        self.windows = {}    # parameter set -> mean pre and post windows (ticks), recurrent rule
        rows_i, rows_f, pows = [], [], []
        for j, prj in enumerate(graph.projections):
            if prj.dynamics not in PLASTIC or not (len(prj.pre_idx)
                                                   or "rewiring" in prj.dyn_params):
                continue
            self.index[j] = self._current = len(rows_i)
            ri, rf, pw = self._encode(prj, shifts[prj.post, receptor_of(prj)])
            rows_i.append(ri)
            rows_f.append(rf)
            pows.append(pw)
        self.rule_i = np.array(rows_i, np.int64).reshape(-1, len(RULE_I))
        self.rule_f = np.array(rows_f, np.float64).reshape(-1, len(RULE_F))
        self.wpow = np.array(pows, np.int64).reshape(-1, 2, POW_POINTS + 1)
        self.window_lut = np.zeros((len(rows_i), 2, WINDOW_ENTRIES if self.windows else 0), np.int32)
        for pid, means in self.windows.items():
            self.window_lut[pid] = window_tables(means)

    def _lut(self, tau_ms, prj, name) -> int:
        if not tau_ms > 0:
            raise MappingError(f"projection {prj.label!r}: STDP {name}={tau_ms:g} ms must be > 0")
        return self.taus.setdefault(tau_ms / self.dt, len(self.taus))

    def _encode(self, prj, shift):
        timing, dep = prj.dyn_params["timing"], prj.dyn_params["dependence"]
        if (timing == "triplet") != (dep == "additive_triplet"):
            raise MappingError(f"projection {prj.label!r}: the triplet rule (PfisterSpikeTriplet) "
                               f"and the additive triplet weight dependence "
                               f"(WeightDependenceAdditiveTriplet) go together, as in sPyNNaker; "
                               f"got {timing} timing with {dep} weights")
        v = {name: _value(prj, name) for name in TIMING_PARAMS[timing] + DEPENDENCE_PARAMS[dep]}
        w_min, w_max = v["w_min"], v["w_max"]
        if not 0 <= w_min < w_max:
            raise MappingError(f"projection {prj.label!r}: STDP needs 0 <= w_min < w_max, got "
                               f"w_min={w_min:g}, w_max={w_max:g}")
        neuromod = prj.dynamics == "stdp_neuromod"
        # the weight's bound: the Neuromodulation's w_max (STDP's bounds the eligibility)
        bound = _value(prj, "nm_w_max") if neuromod else w_max
        w0 = np.abs(np.asarray(prj.weight, np.float64))
        if w0.max(initial=0.0) > bound * (1 + 1e-12):
            raise MappingError(f"projection {prj.label!r}: an initial weight ({w0.max():g}) is above "
                               f"w_max={bound:g}; a plastic weight is held between 0 and w_max: "
                               f"raise w_max or lower the weight")
        model = neuron_models.BY_NAME[self.graph.populations[prj.post].model]
        scale = model.WEIGHT_SCALE  # PyNN units -> ring units
        w_max_q = bound * scale * 2.0 ** (15 - int(shift))  # the bound in the ring's 16 bits
        if timing == "vogels":
            tau_pre = tau_post = v["tau"]
            a_plus = a_minus = 0.0
            eta = v["eta"]
            alpha_eta = 2.0 * v["rho"] * v["tau"] / 1000.0 * eta  # rho in Hz, tau in ms
            ap_abs, am_abs = eta, 0.0
        elif timing == "recurrent":
            tau_pre = tau_post = self.dt  # (no traces: the history keeps the spike times)
            a_plus, a_minus = v["A_plus"], v["A_minus"]
            alpha_eta = 0.0
            ap_abs, am_abs = a_plus * w_max, a_minus * w_max
            self._recurrent(prj, v)
        else:
            tau_pre, tau_post = v["tau_plus"], v["tau_minus"]
            a_plus, a_minus = v["A_plus"], v["A_minus"]
            alpha_eta = 0.0
            # an eligibility trace takes additive amplitudes as they are (NEST's
            # stdp_dopamine_synapse, sPyNNaker), not relative to w_max
            ap_abs, am_abs = (a_plus, a_minus) if neuromod else (a_plus * w_max, a_minus * w_max)
        pre_lut = self._lut(tau_pre, prj, "tau_plus" if timing != "vogels" else "tau")
        post_lut = self._lut(tau_post, prj, "tau_minus" if timing != "vogels" else "tau")
        tau_y = v["tau_y"] / self.dt if timing == "triplet" else None
        post = (tau_post / self.dt, timing == "nearest", tau_y, prj.label)
        known = self.post.setdefault(prj.post, post)
        if known[:3] != post[:3]:
            pop = self.graph.populations[prj.post].label

            def say(p):
                return (f"tau_minus {p[0] * self.dt:g} ms, {'nearest' if p[1] else 'all'}-pair"
                        + (f", tau_y {p[2] * self.dt:g} ms" if p[2] is not None else ""))
            raise MappingError(
                f"projections {known[3]!r} and {prj.label!r} onto population {pop!r} need "
                f"different post-synaptic traces ({say(known)} vs {say(post)}); a neuron keeps "
                f"one post trace (as NEST's tau_minus, a neuron parameter): give them the same "
                f"timing rule")
        pre2_lut = self._lut(v["tau_x"], prj, "tau_x") if timing == "triplet" else 0
        if tau_y is not None:
            self._lut(v["tau_y"], prj, "tau_y")
        ri = np.zeros(len(RULE_I), np.int64)
        rf = np.zeros(len(RULE_F))
        ri[:4] = TIMING[timing], DEPENDENCE[dep] if timing != "vogels" else D_ADDITIVE, pre_lut, post_lut
        a3_plus, a3_minus = v.get("A3_plus", 0.0), v.get("A3_minus", 0.0)  # relative to w_max
        ri[4:RI_AM3 + 1] = (round(ap_abs / w_max * W_ONE), round(am_abs / w_max * W_ONE),
                  round(a_plus * 2 ** 24), round(a_minus * 2 ** 24), round(w_min / w_max * W_ONE),
                  W_ONE, round(w_max_q / 0xFFFF * 2.0 ** 32), round(alpha_eta / w_max * W_ONE),
                  pre2_lut, round(a3_plus * W_ONE), round(a3_minus * W_ONE))
        rf[:RF_AM3 + 1] = (ap_abs * scale, am_abs * scale, a_plus, a_minus, w_min * scale, w_max * scale,
                 v.get("mu_plus", 1.0), v.get("mu_minus", 1.0), alpha_eta * scale,
                 a3_plus * w_max * scale, a3_minus * w_max * scale)
        if neuromod:
            self._neuromod(prj, ri, rf, w_max, scale)
        if timing == "recurrent":  # sPyNNaker's limits: depression + 1, potentiation - 1
            ri[[RI_ACC_DEP, RI_ACC_POT, RI_DUAL]] = (round(v["accumulator_depression"]) + 1,
                                                     round(v["accumulator_potentiation"]) - 1,
                                                     v["dual_fsm"] != 0)
        x = np.arange(POW_POINTS + 1) / POW_POINTS
        pw = np.rint(np.stack([x ** rf[6], x ** rf[7]]) * 65536).astype(np.int64)
        return ri, rf, pw

    def _recurrent(self, prj, v):
        """The recurrent rule's checks and its mean windows (ticks)."""
        dep, pot = v["accumulator_depression"], v["accumulator_potentiation"]
        if not (dep == round(dep) and pot == round(pot) and -ACC_BIAS < dep <= 0 <= pot < ACC_BIAS):
            raise MappingError(f"projection {prj.label!r}: RecurrentRule accumulator_depression="
                               f"{dep:g}, accumulator_potentiation={pot:g}: whole numbers with "
                               f"{-ACC_BIAS + 1} <= depression <= 0 <= potentiation <= {ACC_BIAS - 1}")
        means = [v["mean_pre_window"] / self.dt, v["mean_post_window"] / self.dt]
        if not all(0 < m <= 4096 for m in means):
            raise MappingError(f"projection {prj.label!r}: RecurrentRule mean windows "
                               f"{v['mean_pre_window']:g}, {v['mean_post_window']:g} ms must be > 0 "
                               f"and at most 4096 timesteps (windows are 16-bit tick counts)")
        self.windows[self._current] = means

    def _neuromod(self, prj, ri, rf, w_max, scale):
        """The columns of dopamine-modulated STDP (emulator.neuromodulation): the weight
        gains ``c D K (1 - e_c e_d)``, K = 1 / (1/tau_c + 1/tau_d) in ms; in W units of
        the weight (relative to the Neuromodulation's w_max) from c's (relative to the STDP
        weight dependence's w_max) that is ``coef = K w_max / nm_w_max``, held as a
        20-bit mantissa and a shift."""
        tau_c, tau_d, nm_w_min, nm_w_max = (_value(prj, n) for n in ("tau_c", "tau_d", "nm_w_min",
                                                                    "nm_w_max"))
        k_ms = 1.0 / (1.0 / tau_c + 1.0 / tau_d)
        coef = k_ms * w_max / nm_w_max
        shift = 19 - math.floor(math.log2(coef))
        if not 1 <= shift <= 60:
            raise MappingError(f"projection {prj.label!r}: dopamine-modulated STDP's weight step "
                               f"1/(1/tau_c + 1/tau_d) * w_max / Neuromodulation w_max = {coef:g} "
                               f"is outside what the machine holds (2**-40 to 2**18); bring the "
                               f"two w_max closer")
        ri[[RI_TAU_C, RI_TAU_D, RI_NM_COEF, RI_NM_SHIFT, RI_NM_WMIN, RI_NM_WMAX]] = (
            self._lut(tau_c, prj, "tau_c"), self._lut(tau_d, prj, "tau_d"), round(coef * 2.0 ** shift),
            shift, round(nm_w_min / nm_w_max * W_ONE), W_ONE)
        rf[[RF_NM_COEF, RF_NM_WMIN, RF_NM_WMAX]] = k_ms, nm_w_min * scale, nm_w_max * scale
        self.dopamine[prj.post] = int(ri[RI_TAU_D])

    def of(self, j: int) -> int:
        """The parameter set of projection number ``j``."""
        return self.index[j]

    def program(self, slices, neuron_lo, n_neurons: int) -> Plasticity:
        """The Plasticity group: a post-spike history for every neuron of a population with
        plastic input."""
        if not self.index:
            return no_plasticity(n_neurons)
        hist_row = np.full(n_neurons, -1, np.int32)
        lut_of, lut2_of, nearest, lut_d = [], [], [], []
        rows = 0
        for i, s in enumerate(slices):
            if s.pop in self.post:
                tau, near, tau_y, _ = self.post[s.pop]
                hist_row[neuron_lo[i]:neuron_lo[i + 1]] = rows + np.arange(s.n)
                rows += s.n
                lut_of += [self.taus[tau]] * s.n
                lut2_of += [-1 if tau_y is None else self.taus[tau_y]] * s.n
                nearest += [near] * s.n
                lut_d += [self.dopamine.get(s.pop, -1)] * s.n
        taus = np.array(sorted(self.taus, key=self.taus.get), np.float64)
        lut, shift = trace_tables(taus)
        return Plasticity(hist_row=hist_row, hist_lut=np.array(lut_of, np.int32),
                          hist_lut2=np.array(lut2_of, np.int32),
                          hist_nearest=np.array(nearest, bool), lut=lut, lut_shift=shift,
                          hist_lut_d=np.array(lut_d, np.int32), window_lut=self.window_lut,
                          lut_tau=taus, rule_i=self.rule_i, rule_f=self.rule_f, wpow=self.wpow)
