"""Population, PopulationView and Assembly for neurochip.

Parameters and initial values live here as numpy arrays (PyNN units); any
change marks the network dirty so that the next run maps it again.
"""

from __future__ import annotations

import numpy as np
from pyNN import common, errors
from pyNN.parameters import ParameterSpace, Sequence, simplify
from pyNN.standardmodels import StandardCellType

from neurochip.emulator import models
from neurochip.mapping.graph import PopulationSpec, receptor_sign
from neurochip.mapping.neurons import POISSON_MODELS

from . import composed, extra_cells, extra_models, extra_sources, simulator, standardmodels
from .errors import NeurochipError
from .recording import Recorder
from .spinnaker_compat import RING_STATS, population_arguments, population_size

__all__ = ["Population", "PopulationView", "Assembly"]

SUPPORTED = (*(m.NAME for m in models.NEURON_MODELS if not models.named_receptors(m)),
             "PointNeuron", "SpikeSourceArray", *POISSON_MODELS)


def machine_model(celltype):
    """The cell module of :mod:`neurochip.emulator.models` a neuron cell type runs as
    (None for a source)."""
    return getattr(celltype, "machine_model", None) or models.BY_NAME.get(type(celltype).__name__)


def record_columns(population) -> dict:
    """PyNN variable -> (state column, factor to PyNN's units) of a neuron population."""
    model = machine_model(population.celltype)
    names = tuple(population.celltype.receptor_types)
    return models.record_columns(model, names, [receptor_sign(model.NAME, r) for r in names])


class Assembly(common.Assembly):
    _simulator = simulator


class _ParameterAccess:
    """Parameter get/set shared by Population and PopulationView via ``_pmask``."""

    def get(self, parameter_names, gather=False, simplify=True):
        # every rank holds every cell (under mpirun too): nothing to gather
        return super().get(parameter_names, False, simplify)

    def _get_parameters(self, *names):
        if isinstance(self.celltype, StandardCellType):
            if any(name in self.celltype.computed_parameters() for name in names):
                native_names = self.celltype.get_native_names()
            else:
                native_names = self.celltype.get_native_names(*names)
        else:
            native_names = names
        root = self._root
        values = {}
        for name in native_names:
            value = root._parameters[name][self._pmask]
            values[name] = simplify(value)
        ps = ParameterSpace(values, shape=(self.size,))
        if isinstance(self.celltype, StandardCellType):
            ps = self.celltype.reverse_translate(ps)
        return ps

    def _set_parameters(self, parameter_space):
        root = self._root
        parameter_space.shape = (root.size,)
        mask = np.zeros(root.size, bool)
        mask[self._pmask] = True
        parameter_space.evaluate(mask=mask, simplify=False)
        for name, value in parameter_space.items():
            try:
                root._parameters[name][self._pmask] = value
            except ValueError:
                raise errors.InvalidParameterValueError(
                    f"{name} should not be of type {type(value)}") from None
        _check_spike_times(root)
        simulator.state.mark_dirty()

    def _set_initial_value_array(self, variable, initial_values):
        root = self._root
        values = np.broadcast_to(initial_values.evaluate(simplify=False), (self.size,))
        default = root.celltype.default_initial_values.get(variable, 0.0)
        arr = root._initial.setdefault(variable, np.full(root.size, default, float))
        arr[self._pmask] = values
        simulator.state.mark_dirty()


class _Record:
    """``record('all')`` as sPyNNaker takes it: every recordable of the cell type; and
    sPyNNaker's ``spinnaker_get_data``."""

    def record(self, variables, to_file=None, sampling_interval=None, locations=None):
        if isinstance(variables, str) and variables == "all":
            variables = list(self.celltype.recordable)
        super().record(variables, to_file, sampling_interval, locations)

    def spinnaker_get_data(self, variable, as_matrix=False, view_indexes=None):
        """sPyNNaker's data as numpy arrays (PyNN 0.7's form): for ``"spikes"`` rows of
        (neuron index, time in ms); for another variable rows of (neuron index, time,
        value), neuron by neuron, or with ``as_matrix`` the values, a row per sample and
        a column per neuron. ``view_indexes``: only those neurons. From the current
        segment, as ``get_data()``."""
        if not isinstance(variable, str):
            if len(variable) != 1:
                raise NeurochipError(f"spinnaker_get_data({variable!r}): one variable at a "
                                     f"time, as on sPyNNaker")
            variable = variable[0]
        seg = self.get_data(variable).segments[0]
        keep = None if view_indexes is None else {int(i) for i in view_indexes}
        if variable == "spikes":
            trains = [(int(train.annotations.get("source_index", i)), train)
                      for i, train in enumerate(seg.spiketrains)]
            rows = [(i, float(t)) for i, train in trains
                    if keep is None or i in keep for t in train.magnitude]
            return np.array(rows, dtype=float).reshape(-1, 2)
        signal = seg.filter(name=variable)[0]
        ids = np.asarray(signal.array_annotations.get("channel_index", np.arange(signal.shape[1])))
        cols = [j for j, i in enumerate(ids) if keep is None or int(i) in keep]
        data = np.asarray(signal.magnitude)[:, cols]
        if as_matrix:
            return data
        times = np.asarray(signal.times.rescale("ms").magnitude)
        return np.column_stack((np.repeat(ids[cols], len(times)), np.tile(times, len(cols)),
                                data.T.reshape(-1)))


class PopulationView(_Record, _ParameterAccess, common.PopulationView):
    _assembly_class = Assembly
    _simulator = simulator

    @property
    def _root(self):
        return self.grandparent

    @property
    def _pmask(self):
        return self.index_in_grandparent(np.arange(self.size))

    def _get_view(self, selector, label=None):
        return PopulationView(self, selector, label)


class Population(_Record, _ParameterAccess, common.Population):
    __doc__ = common.Population.__doc__ + """
    neurochip also takes sPyNNaker's extra arguments, as ``additional_parameters`` or
    keywords: ``seed`` (the population's own random draws, e.g. a Poisson source's),
    ``neurons_per_core``, and others that have no effect here (logged once, see
    :mod:`neurochip.spinnaker_compat`); a size such as ``n / 4`` (a float within 0.001 of
    a whole number) is rounded, as sPyNNaker does.
    """
    _simulator = simulator
    _recorder_class = Recorder
    _assembly_class = Assembly

    def __init__(self, size, cellclass, cellparams=None, structure=None, initial_values=None,
                 label=None, additional_parameters=None, **kwargs):
        if getattr(cellclass, "missing", False) is True:  # e.g. extra_models.IF_curr_dual_exp
            cellclass()  # says what is missing
        name = label or f"population{common.Population._nPop}"
        extra = population_arguments(name, additional_parameters, kwargs)
        size = population_size(size, name)
        self._seed = extra.get("seed")
        self._neurons_per_core = extra.get("neurons_per_core")
        self._ring_stats = {k: extra[k] for k in RING_STATS if k in extra}
        if isinstance(cellclass, type) and cellparams is None:  # Population(n, sim.IF_curr_exp)
            cellparams = {}  # sPyNNaker takes the class alone: its defaults
        initial = {**getattr(cellclass, "spinnaker_initial_values", {}), **(initial_values or {})}
        common.Population.__init__(self, size, cellclass, cellparams, structure, initial, label)

    @property
    def _root(self):
        return self

    @property
    def _pmask(self):
        return slice(None)

    def _create_cells(self):
        name = self.celltype.__class__.__name__
        if name not in SUPPORTED and getattr(self.celltype, "machine_model", None) is not None:
            name = self.celltype.machine_model.NAME
        name = getattr(self.celltype, "graph_model", name)  # a SpikeInjector is a spike array
        if name not in SUPPORTED:
            raise NeurochipError(
                f"Population {self.label!r}: cell type {name} is not "
                f"supported by neurochip yet; supported: {', '.join(SUPPORTED)}")
        if self.celltype.__class__.__module__ not in (standardmodels.__name__, composed.__name__,
                                                      extra_models.__name__, extra_cells.__name__,
                                                      extra_sources.__name__,
                                                      "neurochip.external_devices"):
            raise NeurochipError(
                f"Population {self.label!r}: the cell type {name} comes from "
                f"{self.celltype.__class__.__module__}, not from pyNN.neurochip; use sim.{name}")
        first = simulator.state.id_counter
        self.all_cells = np.array([simulator.ID(i) for i in range(first, first + self.size)],
                                  dtype=simulator.ID)
        self._mask_local = np.ones(self.size, bool)
        for cell in self.all_cells:
            cell.parent = self
        simulator.state.id_counter += self.size
        ps = self.celltype.native_parameters
        ps.shape = (self.size,)
        ps.evaluate(simplify=False)
        self._parameters = {name: _per_neuron(value, self.size) for name, value in ps.items()}
        _check_spike_times(self)
        self._initial = {}
        simulator.state.populations.append(self)
        simulator.state.mark_dirty()

    def _get_view(self, selector, label=None):
        return PopulationView(self, selector, label)

    def _record_mask(self, variable):
        mask = np.zeros(self.size, bool)
        ids = [int(i) for i in self.recorder.recorded.get(_var(variable), ())]
        if ids:
            mask[np.asarray(ids) - int(self.first_id)] = True
        return mask

    def _spec(self, index) -> PopulationSpec:
        """This population as the mapping sees it."""
        cls = self.celltype.__class__.__name__
        machine = machine_model(self.celltype)
        model = machine.NAME if machine is not None else getattr(self.celltype, "graph_model", cls)
        multi = getattr(machine, "MULTI", False)
        params, spike_lo, spike_times = {}, None, None
        if model == "SpikeSourceArray":
            seqs = self._parameters["spike_times"]
            times = [np.asarray(s.value if isinstance(s, Sequence) else s, float).ravel()
                     for s in seqs]
            spike_lo = np.r_[0, np.cumsum([len(t) for t in times])].astype(np.int64)
            spike_times = np.concatenate(times) if times else np.zeros(0)
        elif hasattr(self.celltype, "graph_parameters"):  # the model's own (ragged lists)
            params = self.celltype.graph_parameters(self._parameters, self.size)
        else:
            params = {k: _as_array(v) for k, v in self._parameters.items()}
        initial = {}
        for name, default in self.celltype.default_initial_values.items():
            initial[name] = np.broadcast_to(self._initial.get(name, default), (self.size,))
        record = {v: self._record_mask(v) for v in self.celltype.recordable}
        if getattr(self, "_live_output", False):  # the host takes every spike as it comes
            record["spikes"] = np.ones(self.size, bool)
        record = {v: m for v, m in record.items() if m.any()}
        return PopulationSpec(
            label=self.label, model=model, size=self.size, params=params,
            initial={k: np.asarray(v, float) for k, v in initial.items()}, record=record,
            spike_lo=spike_lo, spike_times=spike_times,
            max_per_core=self._neurons_per_core or simulator.state.neurons_per_core.get(
                model, simulator.state.neurons_per_core.get(cls)),
            receptors=tuple(self.celltype.receptor_types) if multi else (),
            seed=None if self._seed is None else int(self._seed), ring_stats=self._ring_stats,
            live=bool(getattr(self, "_live_rate_control", False)))


def _check_spike_times(pop):
    """A SpikeSourceArray's spike times must be in increasing order (as NEST requires)."""
    for i, seq in enumerate(pop._parameters.get("spike_times", ())):
        times = np.asarray(seq.value if isinstance(seq, Sequence) else seq, float).ravel()
        if np.any(np.diff(times) < 0):
            raise errors.InvalidParameterValueError(
                f"Population {pop.label!r}: spike_times of neuron {i} are not in increasing "
                f"order: {times.tolist()[:8]}; sort them")


def _as_array(value):
    """A parameter as float64: (size,), or (size, k) for a PyNN array parameter."""
    arr = np.asarray(value)
    if arr.dtype == object:  # ArrayParameter per neuron
        return np.stack([np.asarray(getattr(x, "value", x), float).ravel() for x in arr])
    return np.asarray(arr, float)


def _per_neuron(value, size):
    """A parameter as a writable (size,) array (Sequences kept as objects)."""
    arr = np.asarray(value)
    if arr.shape == (size,):
        return arr.copy()
    out = np.empty(size, dtype=object if arr.dtype == object else float)
    for i in range(size):
        out[i] = arr.item() if arr.ndim == 0 else arr[i]
    return out


def _var(name):
    from pyNN.recording import Variable
    return Variable(location=None, name=name, label=None)
