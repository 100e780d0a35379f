"""sPyNNaker's structural plasticity (synaptic rewiring), as ``sim.StructuralMechanismStatic``
and ``sim.StructuralMechanismSTDP`` with their rules.

The same names, arguments and meaning as sPyNNaker 7 (``spynnaker.pyNN.models.neuron.
structural_plasticity`` and ``synapse_dynamics_structural_*``); the machine rewires as
:mod:`neurochip.emulator.structural` describes. Differences, all for placement invariance
(the same seed rewires the same whatever the neurons per core, threads, stretch or MPI
ranks): the attempts' post neurons come from one population-wide stream (as
sPyNNaker's shared seed) but every further draw from the post neuron's own stream
(sPyNNaker draws them from one stream per core); LastNeuronSelection keeps the smallest
pre numbers of last tick's spikes of the structural pre population (sPyNNaker the first
``spike_buffer_size`` spikes of any population to arrive); a pre neuron's row on a core has
room for every synapse its post neurons' ``s_max`` allows (sPyNNaker also refuses a
formation when that row holds ``s_max`` synapses, which depends on the cores); a
formation beyond the distance table never happens (sPyNNaker reads one entry past it).
One structurally plastic projection per post population.
"""

from __future__ import annotations

import numpy as np

from neurochip.emulator import models as neuron_models
from neurochip.emulator.stdp import W16
from neurochip.emulator.structural import SI_TYPE
from neurochip.emulator.synapse_dynamics import DYNAMICS
from neurochip.mapping.structural import REWIRED_KINDS

from .errors import NeurochipError
from .plasticity import STDPMechanism
from .standardmodels import StaticSynapse

__all__ = ["StructuralMechanismStatic", "StructuralMechanismSTDP", "RandomSelection",
           "LastNeuronSelection", "DistanceDependentFormation", "RandomByWeightElimination",
           "read_rewired"]


class RandomSelection:
    """Partner selection: a pre neuron drawn uniformly from the pre population."""

    def params(self) -> dict:
        return {"partner": "random"}


class LastNeuronSelection:
    """Partner selection: a pre neuron drawn uniformly among those whose spikes the post
    neuron's core received in the previous timestep (at most ``spike_buffer_size``)."""

    def __init__(self, spike_buffer_size=64):
        if int(spike_buffer_size) < 1:
            raise NeurochipError(f"LastNeuronSelection(spike_buffer_size={spike_buffer_size!r}): "
                                 f"use at least 1")
        self.spike_buffer_size = int(spike_buffer_size)

    def params(self) -> dict:
        return {"partner": "last", "spike_buffer_size": self.spike_buffer_size}


class DistanceDependentFormation:
    """Formation with probability ``p * exp(-d^2 / (2 sigma^2))``, ``d`` the distance of
    the two neurons on a periodic ``grid`` (neuron ``i`` at ``(i // grid[0], i %
    grid[1])``); feed-forward (pre population is not the post population) or lateral."""

    def __init__(self, grid=(16, 16), p_form_forward=0.16, sigma_form_forward=2.5,
                 p_form_lateral=1.0, sigma_form_lateral=1.0):
        self.grid = np.asarray(grid, dtype=int)
        if self.grid.shape != (2,) or np.any(self.grid < 1):
            raise NeurochipError(f"DistanceDependentFormation(grid={grid!r}): two positive sizes "
                                 f"(x, y) are needed")
        self.p_form_forward = float(p_form_forward)
        self.sigma_form_forward = float(sigma_form_forward)
        self.p_form_lateral = float(p_form_lateral)
        self.sigma_form_lateral = float(sigma_form_lateral)

    def params(self) -> dict:
        return {"grid": tuple(int(g) for g in self.grid), "p_form_forward": self.p_form_forward,
                "sigma_form_forward": self.sigma_form_forward,
                "p_form_lateral": self.p_form_lateral, "sigma_form_lateral": self.sigma_form_lateral}


class RandomByWeightElimination:
    """Elimination with probability ``prob_elim_depressed`` below ``threshold`` (a weight)
    and ``prob_elim_potentiated`` at or above it (static synapses: their weight decides)."""

    def __init__(self, threshold, prob_elim_depressed=0.0245, prob_elim_potentiated=1.36e-4):
        self.threshold = float(threshold)
        self.prob_elim_depressed = float(prob_elim_depressed)
        self.prob_elim_potentiated = float(prob_elim_potentiated)
        for name in ("prob_elim_depressed", "prob_elim_potentiated"):
            if not 0 <= getattr(self, name) <= 1:
                raise NeurochipError(f"RandomByWeightElimination({name}={getattr(self, name)!r}): "
                                     f"a probability in [0, 1] is needed")

    def params(self) -> dict:
        return {"threshold": self.threshold, "prob_elim_depressed": self.prob_elim_depressed,
                "prob_elim_potentiated": self.prob_elim_potentiated}


def _rules(partner_selection, formation, elimination) -> dict:
    for arg, cls, what in ((partner_selection, (RandomSelection, LastNeuronSelection),
                            "RandomSelection or LastNeuronSelection"),
                           (formation, DistanceDependentFormation, "DistanceDependentFormation"),
                           (elimination, RandomByWeightElimination, "RandomByWeightElimination")):
        if not isinstance(arg, cls):
            raise NeurochipError(f"structural plasticity: {type(arg).__name__} is not a rule "
                                 f"neurochip has; use {what} (sim.{what.split()[0]})")
    return {**partner_selection.params(), **formation.params(), **elimination.params()}


class _Rewiring:
    """What the two mechanisms share: the rewiring parameters (sPyNNaker's
    SynapseDynamicsStructuralCommon)."""

    def _init_rewiring(self, partner_selection, formation, elimination, f_rew, initial_weight,
                       initial_delay, s_max, with_replacement, seed):
        if not float(f_rew) > 0:
            raise NeurochipError(f"{type(self).__name__}(f_rew={f_rew!r}): the rewiring frequency "
                                 f"(Hz) must be > 0")
        if int(s_max) < 1:
            raise NeurochipError(f"{type(self).__name__}(s_max={s_max!r}): at least 1")
        d = np.asarray(initial_delay, float)
        if d.size not in (1, 2) or np.any(d <= 0) or (d.size == 2 and d[1] < d[0]):
            raise NeurochipError(f"{type(self).__name__}(initial_delay={initial_delay!r}): a "
                                 f"delay > 0 ms, or a range (lo, hi) with 0 < lo <= hi")
        self.partner_selection, self.formation, self.elimination = (
            partner_selection, formation, elimination)
        self.f_rew = float(f_rew)
        self.initial_weight = float(initial_weight)
        self.initial_delay = float(d) if d.size == 1 else (float(d[0]), float(d[1]))
        self.s_max = int(s_max)
        self.with_replacement = bool(with_replacement)
        self.seed = None if seed is None else int(seed)
        self._rewiring = {**_rules(partner_selection, formation, elimination),
                          "f_rew": self.f_rew, "initial_weight": self.initial_weight,
                          "initial_delay": self.initial_delay, "s_max": self.s_max,
                          "with_replacement": self.with_replacement, "seed": self.seed}

    def rewiring_params(self) -> dict:
        """The parameters the mapping takes (:mod:`neurochip.mapping.structural`)."""
        return dict(self._rewiring)

    @property
    def p_rew(self) -> float:
        """The period of rewiring (s), as sPyNNaker."""
        return 1.0 / self.f_rew


class StructuralMechanismStatic(_Rewiring, StaticSynapse):
    """sPyNNaker's structural plasticity with static weights: synapses form (with
    ``initial_weight``, ``initial_delay``) and are eliminated at ``f_rew`` attempts per
    second per post population, up to ``s_max`` per post neuron; the connector's synapses
    (``weight``, ``delay``) are there at the start."""

    def __init__(self, partner_selection, formation, elimination, f_rew=10 ** 4,
                 initial_weight=0.0, initial_delay=1.0, s_max=32, with_replacement=True,
                 seed=None, weight=0.0, delay=1.0):
        self._init_rewiring(partner_selection, formation, elimination, f_rew, initial_weight,
                            initial_delay, s_max, with_replacement, seed)
        StaticSynapse.__init__(self, weight=weight, delay=delay)


class StructuralMechanismSTDP(_Rewiring, STDPMechanism):
    """sPyNNaker's structural plasticity with STDP on the rewired synapses
    (``timing_dependence``, ``weight_dependence`` as for ``STDPMechanism``; a formed synapse
    starts at ``initial_weight``)."""

    def __init__(self, partner_selection, formation, elimination, timing_dependence=None,
                 weight_dependence=None, voltage_dependence=None, dendritic_delay_fraction=1.0,
                 f_rew=10 ** 4, initial_weight=0.0, initial_delay=1.0, s_max=32,
                 with_replacement=True, seed=None, weight=0.0, delay=1.0, backprop_delay=True):
        self._init_rewiring(partner_selection, formation, elimination, f_rew, initial_weight,
                            initial_delay, s_max, with_replacement, seed)
        STDPMechanism.__init__(self, timing_dependence, weight_dependence, voltage_dependence,
                               dendritic_delay_fraction, weight, delay,
                               backprop_delay=backprop_delay)


def read_rewired(mapping, emulation, j: int) -> dict:
    """The synapses of rewiring projection number ``j`` (of ``mapping``'s graph) in the
    rows of ``emulation`` now, sorted by (pre, post, delay, weight) so that the list does
    not depend on the cores: ``presynaptic_index``, ``postsynaptic_index`` (population
    indices), ``weight`` (PyNN units, magnitude) and ``delay`` (ms)."""
    graph, program = mapping.graph, mapping.program
    prj = graph.projections[j]
    model = neuron_models.BY_NAME[graph.populations[prj.post].model]
    scale = model.WEIGHT_SCALE
    sy = program.synapses
    kind, top = REWIRED_KINDS[prj.dynamics]
    head, per = DYNAMICS[kind].header, DYNAMICS[kind].words  # a synapse's word comes first
    plastic = top is not None  # the weight half is relative to w_max (the Neuromodulation's)
    w_max = float(np.asarray(prj.dyn_params[top], float).flat[0]) if plastic else 0.0
    float_syn = len(emulation.syn_wf) > 0
    cores, srcs, los, strides = mapping.struct_rows[j]
    out = {"presynaptic_index": [], "postsynaptic_index": [], "weight": [], "delay": []}
    for c, q, lo, stride in zip(cores, srcs, los, strides):
        src, tgt = mapping.slices[q], mapping.slices[c]
        n, stride = src.n, int(stride)
        block = emulation.syn[lo:lo + n * stride].reshape(n, stride)
        count = block[:, 0].astype(np.int64)
        k = np.arange((stride - head) // per)
        have = k[None, :] < count[:, None]
        r, col = np.nonzero(have)
        words = block[r, head + per * col].astype(np.int64)
        nb, tb = int(sy.idx_bits[c]), int(sy.idx_bits[c] + sy.type_bits[c])
        out["presynaptic_index"].append(src.lo + r)
        out["postsynaptic_index"].append(tgt.lo + (words & ((1 << nb) - 1)))
        out["delay"].append(((words >> tb) & ((1 << int(sy.delay_bits[c])) - 1)) * graph.dt)
        if float_syn:
            wf = emulation.syn_wf[lo:lo + n * stride].reshape(n, stride)[r, head + per * col]
            out["weight"].append(wf / scale)
        elif plastic:
            out["weight"].append((words >> 16) * (w_max / W16))
        else:
            shift = int(mapping.shifts[prj.post, int(program.structural.set_i[
                program.structural.core_set[c], SI_TYPE])])
            out["weight"].append((words >> 16) * 2.0 ** (shift - 15) / scale)
    got = {k: np.concatenate(v) if v else np.zeros(0) for k, v in out.items()}
    order = np.lexsort((got["weight"], got["delay"], got["postsynaptic_index"],
                        got["presynaptic_index"]))
    return {k: v[order] for k, v in got.items()}
