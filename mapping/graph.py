"""NetworkGraph: the network as the mapping sees it (the first contract).

Populations and projections as numpy arrays, in PyNN's units (mV, nA, nF, ms,
Hz) and sign conventions (inhibitory current weights are negative). Anyone can
build one by hand; the PyNN front end builds it from a script.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from neurochip.emulator import models as neuron_models
from neurochip.emulator.contract import MAX_RECEPTORS

from .errors import MappingError
from .synapse_dynamics import ENCODERS

__all__ = ["PopulationSpec", "ProjectionSpec", "ElectrodeSpec", "NetworkGraph", "MODELS",
           "RECEPTORS", "ELECTRODES", "INHIBITORY_RECEPTORS", "receptors_of", "receptor_index",
           "receptor_sign"]

# model name -> (parameters it needs, recordable state variables)
MODELS = {
    **{m.NAME: (m.PYNN_PARAMS, tuple(m.RECORD)) for m in neuron_models.NEURON_MODELS},
    "SpikeSourceArray": ((), ()),
    "SpikeSourcePoisson": (("rate", "start", "duration"), ()),
    "SpikeSourcePoissonRefractory": (("rate", "tau_refrac", "start", "duration"), ()),
    "SpikeSourceGamma": (("alpha", "beta", "start", "duration"), ()),
    # sPyNNaker's: (size, k) windows per neuron (mapping.rate_schedule)
    "SpikeSourcePoissonVariable": (("rates", "starts", "durations"), ()),
}
RECEPTORS = ("excitatory", "inhibitory")  # of the cells that are not multi-receptor
# PyNN's names of inhibitory receptors: current-based weights onto them are <= 0
INHIBITORY_RECEPTORS = ("inhibitory", "GABA", "GABAA", "GABAB")
# synapse dynamics -> per-connection parameters (PyNN units), from the registry
DYNAMICS = {name: enc.params for name, enc in ENCODERS.items()}
# current source -> its parameters (PyNN units: nA, ms, Hz, degrees)
ELECTRODES = {
    "DCSource": ("amplitude", "start", "stop"),
    "StepCurrentSource": ("times", "amplitudes"),
    "ACSource": ("amplitude", "start", "stop", "frequency", "offset", "phase"),
    "NoisyCurrentSource": ("mean", "stdev", "start", "stop", "dt"),
}


@dataclass(frozen=True, eq=False)
class PopulationSpec:
    """One population.

    Parameters
    ----------
    label : str
    model : str
        A key of ``MODELS``.
    size : int
    params : dict name -> (size,) float64, or (size, k) for a PyNN array parameter
    initial : dict name -> (size,) float64
        Initial values of state variables (``v``, ``isyn_exc``, ``isyn_inh``).
    record : dict variable -> (size,) bool
        ``"spikes"`` and/or state variables.
    receptors : tuple of str
        A multi-receptor cell's receptor names (PyNN's ``receptor_types``, sorted), at
        most ``MAX_RECEPTORS``; receptor ``name``'s parameters are ``"name.tau_syn"``,
        ..., its variables ``"name.isyn"``, ... Other cells have ``RECEPTORS``, or their
        model's fixed ``RECEPTOR_NAMES`` (leave it empty).
    spike_lo, spike_times : arrays or None
        SpikeSourceArray only: neuron i's spike times (ms) are
        ``spike_times[spike_lo[i]:spike_lo[i+1]]``.
    max_per_core : int or None
        Largest slice on one core (None: the model's default).
    seed : int or None
        The population's own seed of its on-core random draws (a Poisson source's, a
        stochastic cell's), whatever the network around it; None: from the network's
        ``seed`` and the population's index.
    ring_stats : dict
        sPyNNaker's ``spikes_per_second``, ``ring_buffer_sigma`` and
        ``max_expected_summed_weight`` where given: the weight shift then comes from the
        expected input (:mod:`neurochip.mapping.ring_statistics`), not the worst case.    live : bool
        A host program changes it while it runs (a Poisson source whose rate is set
        live): it keeps cores of its own, never delegated to its targets' cores.
    """

    label: str
    model: str
    size: int
    params: dict = field(default_factory=dict)
    initial: dict = field(default_factory=dict)
    record: dict = field(default_factory=dict)
    spike_lo: np.ndarray | None = None
    spike_times: np.ndarray | None = None
    max_per_core: int | None = None
    receptors: tuple = ()
    seed: int | None = None
    ring_stats: dict = field(default_factory=dict)
    live: bool = False

    def __post_init__(self):
        where = f"population {self.label!r}"
        if self.model not in MODELS:
            raise MappingError(f"{where}: cell type {self.model!r} is not supported by neurochip; "
                               f"supported: {sorted(MODELS)}")
        if self.size < 1:
            raise MappingError(f"{where}: size {self.size} must be at least 1")
        needed, recordable = MODELS[self.model]
        model = neuron_models.BY_NAME.get(self.model)
        fixed = getattr(model, "RECEPTOR_NAMES", None)
        if fixed is not None:
            if self.receptors and tuple(self.receptors) != tuple(fixed):
                raise MappingError(f"{where}: a {self.model} has the receptors {tuple(fixed)}, "
                                   f"not {tuple(self.receptors)}; leave receptors empty")
        elif getattr(model, "MULTI", False):
            _check_receptors(where, self.receptors)
            needed = (*needed, *(f"{r}.{q}" for r in self.receptors for q in model.RECEPTOR_PARAMS))
            recordable = tuple(neuron_models.record_columns(model, self.receptors))
        elif self.receptors and tuple(self.receptors) != RECEPTORS:
            raise MappingError(f"{where}: a {self.model} has the receptors {RECEPTORS}, not "
                               f"{tuple(self.receptors)}; leave receptors empty")
        for name in needed:
            if name not in self.params:
                raise MappingError(f"{where}: parameter {name!r} is missing")
        for name, value in list(self.params.items()) + list(self.initial.items()):
            # a PyNN array parameter (e.g. GIF's tau_eta) is (size, k): one row per neuron
            if np.shape(value)[:1] != (self.size,) or np.ndim(value) > 2:
                raise MappingError(f"{where}: {name} has shape {np.shape(value)}, "
                                   f"expected ({self.size},) or ({self.size}, k)")
            if not np.all(np.isfinite(value)):
                raise MappingError(f"{where}: {name} contains a non-finite value")
        for var, mask in self.record.items():
            if var != "spikes" and var not in recordable:
                raise MappingError(f"{where}: cannot record {var!r}; recordable: "
                                   f"{['spikes', *recordable]}")
            if np.shape(mask) != (self.size,):
                raise MappingError(f"{where}: record[{var!r}] must be a ({self.size},) bool mask")
        if self.model == "SpikeSourceArray":
            if self.spike_lo is None or self.spike_times is None or len(self.spike_lo) != self.size + 1:
                raise MappingError(f"{where}: a SpikeSourceArray needs spike_lo ({self.size + 1},) "
                                   f"and spike_times")
        if self.max_per_core is not None and self.max_per_core < 1:
            raise MappingError(f"{where}: max_per_core={self.max_per_core} must be >= 1")


def _check_receptors(where, receptors):
    if not receptors:
        raise MappingError(f"{where}: a multi-receptor cell needs at least one receptor name")
    if len(receptors) > MAX_RECEPTORS:
        raise MappingError(f"{where}: {len(receptors)} receptors {tuple(receptors)}; a core's "
                           f"synaptic words address at most {MAX_RECEPTORS}: use fewer receptor "
                           f"types (several projections may share one)")
    if len(set(receptors)) != len(receptors) or any("." in r or not r for r in receptors):
        raise MappingError(f"{where}: receptor names {tuple(receptors)} must be distinct, "
                           f"non-empty and without '.'")


def receptors_of(pop) -> tuple:
    """The receptor names of a population, in slot order (a cell's fixed
    ``RECEPTOR_NAMES``, else the two of the standard cells, where the population names
    none)."""
    return tuple(pop.receptors) or tuple(getattr(neuron_models.BY_NAME.get(pop.model),
                                                 "RECEPTOR_NAMES", RECEPTORS))


def receptor_index(pop, name: str) -> int:
    """The slot (synapse type) of receptor ``name`` on ``pop``'s cores."""
    return receptors_of(pop).index(name)


def receptor_sign(model: str, name: str) -> int:
    """+1 if weights onto receptor ``name`` of cell type ``model`` are >= 0, -1 if <= 0:
    a current-based receptor that PyNN calls inhibitory (``INHIBITORY_RECEPTORS``); the
    ring holds magnitudes, so a receptor has one sign."""
    cell = neuron_models.BY_NAME[model]
    return -1 if (not cell.CONDUCTANCE and name in INHIBITORY_RECEPTORS) else 1


@dataclass(frozen=True, eq=False)
class ProjectionSpec:
    """Connections ``pre_idx[k] -> post_idx[k]`` between two populations."""

    label: str
    pre: int
    post: int
    receptor: str
    pre_idx: np.ndarray
    post_idx: np.ndarray
    weight: np.ndarray
    delay: np.ndarray  # ms, or whole timesteps if delay_in_ticks (see partition.delay_ticks)
    dynamics: str = "static"
    dyn_params: dict = field(default_factory=dict)
    delay_in_ticks: bool = False

    def __post_init__(self):
        if self.dynamics not in DYNAMICS:
            raise MappingError(f"projection {self.label!r}: synapse dynamics {self.dynamics!r} "
                               f"are not supported; supported: {sorted(DYNAMICS)}")
        for name in DYNAMICS[self.dynamics]:
            if name not in self.dyn_params:
                raise MappingError(f"projection {self.label!r}: parameter {name!r} is missing")
        if not isinstance(self.receptor, str):
            raise MappingError(f"projection {self.label!r}: receptor_type {self.receptor!r} "
                               f"must be a receptor name")
        n = len(self.pre_idx)
        for name in ("post_idx", "weight", "delay"):
            if len(getattr(self, name)) != n:
                raise MappingError(f"projection {self.label!r}: {name} has "
                                   f"{len(getattr(self, name))} entries, pre_idx has {n}")
        for name in ("weight",) if self.delay_in_ticks else ("weight", "delay"):
            # a NaN would become an arbitrary integer (timesteps are whole numbers already)
            values = np.asarray(getattr(self, name), np.float64)
            bad = ~np.isfinite(values)
            if np.any(bad):
                k = int(np.argmax(bad))
                raise MappingError(
                    f"projection {self.label!r}: {name} of connection {k} (pre {self.pre_idx[k]} "
                    f"-> post {self.post_idx[k]}) is {values[k]}; every {name} must be a finite "
                    f"number: check the expression or distribution that made it")


@dataclass(frozen=True, eq=False)
class ElectrodeSpec:
    """A current source injected into neurons ``targets``: ``(population, indices)`` pairs."""

    label: str
    kind: str
    params: dict
    targets: tuple
    record: bool = False
    seed: int = 0

    def __post_init__(self):
        if self.kind not in ELECTRODES:
            raise MappingError(f"current source {self.label!r}: {self.kind} is not supported; "
                               f"supported: {sorted(ELECTRODES)}")
        for name in ELECTRODES[self.kind]:
            if name not in self.params:
                raise MappingError(f"current source {self.label!r}: parameter {name!r} is missing")


SPIKE_STAMPS = ("end", "start")


@dataclass(frozen=True, eq=False)
class NetworkGraph:
    """A whole network: ``dt`` in ms, populations, projections, the global seed.

    ``spike_stamp`` is the time convention of spikes: ``"end"`` (NEST's, the default) stamps
    a spike sent in step k (the step from k dt to (k+1) dt) at (k+1) dt, and a
    SpikeSourceArray spike at time t goes out in the step that ends at t; ``"start"``
    (sPyNNaker's) stamps it k dt, and a spike at time t goes out in the step that starts at
    t (so a spike at 0 ms is sent in step 0). The machine runs the same steps either way.
    """

    dt: float
    populations: tuple
    projections: tuple = ()
    seed: int = 0
    electrodes: tuple = ()
    spike_stamp: str = "end"

    def __post_init__(self):
        if not self.dt > 0:
            raise MappingError(f"NetworkGraph: timestep dt={self.dt} ms must be positive")
        if self.spike_stamp not in SPIKE_STAMPS:
            raise MappingError(f"NetworkGraph: spike_stamp={self.spike_stamp!r}; use one of "
                               f"{SPIKE_STAMPS} (the end or the start of a spike's step)")
        for prj in self.projections:
            for end, idx in (("pre", prj.pre), ("post", prj.post)):
                if not 0 <= idx < len(self.populations):
                    raise MappingError(f"projection {prj.label!r}: {end} population {idx} "
                                       f"does not exist")
            pre = self.populations[prj.pre]
            post = self.populations[prj.post]
            if len(prj.pre_idx) and (prj.pre_idx.min() < 0 or prj.pre_idx.max() >= pre.size):
                raise MappingError(f"projection {prj.label!r}: presynaptic index out of range "
                                   f"[0, {pre.size})")
            if len(prj.post_idx) and (prj.post_idx.min() < 0 or prj.post_idx.max() >= post.size):
                raise MappingError(f"projection {prj.label!r}: postsynaptic index out of range "
                                   f"[0, {post.size})")
            if post.model not in neuron_models.BY_NAME:
                raise MappingError(f"projection {prj.label!r}: the target population "
                                   f"{post.label!r} is a {post.model}, which has no synapses")
            dopamine = prj.dynamics == "neuromodulation"  # reward/punishment (mapping.neuromodulation)
            if prj.receptor not in receptors_of(post) and not dopamine:
                raise MappingError(f"projection {prj.label!r}: receptor_type {prj.receptor!r} is "
                                   f"not a receptor of {post.label!r} ({post.model}); use one "
                                   f"of {receptors_of(post)}")

        for el in self.electrodes:
            for pop, idx in el.targets:
                if not 0 <= pop < len(self.populations):
                    raise MappingError(f"current source {el.label!r}: population {pop} does not exist")
                target = self.populations[pop]
                if target.model not in neuron_models.BY_NAME:
                    raise MappingError(f"current source {el.label!r}: cannot inject current into "
                                       f"{target.label!r}, a {target.model}")
                if len(idx) and (np.min(idx) < 0 or np.max(idx) >= target.size):
                    raise MappingError(f"current source {el.label!r}: neuron index out of range "
                                       f"[0, {target.size}) of {target.label!r}")

    @property
    def n_neurons(self) -> int:
        return sum(p.size for p in self.populations)
