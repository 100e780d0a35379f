"""Current sources for neurochip: DCSource, StepCurrentSource, ACSource, NoisyCurrentSource.

The sources run on the cores (see emulator/electrodes.py); here they keep
their parameters and targets, and give back their recorded current.
"""

from __future__ import annotations

import numpy as np
from pyNN import common
from pyNN.parameters import ParameterSpace, Sequence
from pyNN.random import NumpyRNG
from pyNN.standardmodels import build_translations, electrodes

from neurochip.emulator.fixed import from_real
from neurochip.mapping.graph import ElectrodeSpec

from . import simulator

__all__ = ["DCSource", "StepCurrentSource", "ACSource", "NoisyCurrentSource"]


class _CurrentSource:
    """What the four sources share: parameters, targets, recording."""

    def __init__(self, **parameters):
        object.__setattr__(self, "_native", {})
        object.__setattr__(self, "_targets", [])  # (population, indices)
        object.__setattr__(self, "_record", False)
        rng = parameters.pop("rng", None)
        object.__setattr__(self, "_seed", getattr(rng, "seed", None))
        super().__init__(**parameters)
        ps = ParameterSpace(self.default_parameters, self.get_schema(), shape=(1,))
        ps.update(**parameters)
        self.set_native_parameters(self.translate(ps))
        simulator.state.current_sources.append(self)

    def get_native_parameters(self):
        return ParameterSpace(dict(self._native))

    def set_native_parameters(self, parameters):
        parameters.evaluate(simplify=True)
        values = {}
        for name, value in parameters.items():
            if isinstance(value, Sequence):
                value = value.value
            values[name] = np.array(value, float) if np.ndim(value) else float(value)
        self._native.update(self._normalise(values))
        simulator.state.mark_dirty()

    def _normalise(self, values):
        """Check new parameter values; return them as they will run."""
        return values

    def inject_into(self, cells):
        """Inject into a Population, PopulationView, Assembly or list of IDs."""
        if isinstance(cells, common.Assembly):
            for pop in cells.populations:
                self.inject_into(pop)
            return
        if isinstance(cells, (common.Population, common.PopulationView)):
            if not cells.celltype.injectable:
                raise TypeError(f"can't inject current into {cells.label!r}, a spike source")
            root = cells.grandparent if isinstance(cells, common.PopulationView) else cells
            idx = (cells.index_in_grandparent(np.arange(cells.size))
                   if isinstance(cells, common.PopulationView) else np.arange(cells.size))
            self._targets.append((root, np.asarray(idx, np.int64)))
        else:
            for cell in cells:
                if not cell.celltype.injectable:
                    raise TypeError(f"can't inject current into cell {int(cell)}, a spike source")
                self._targets.append((cell.parent, np.array([cell.parent.id_to_index(cell)])))
        simulator.state.mark_dirty()

    def record(self):
        object.__setattr__(self, "_record", True)
        simulator.state.mark_dirty()

    def _spec(self, index, pop_index):
        targets = tuple((pop_index[id(pop)], idx) for pop, idx in self._targets)
        seed = self._seed if self._seed is not None else simulator.state.seed * 7919 + index
        return ElectrodeSpec(label=f"{type(self).__name__}#{index}", kind=type(self).__name__,
                             params=dict(self._native), targets=targets, record=self._record,
                             seed=int(seed))

    def _get_data(self):
        st = simulator.state
        index = st.current_sources.index(self)
        values = []
        for mapping, res in st.results:
            col = res.source_samples[:, index]
            values.append(from_real(col) if mapping.program.arithmetic == "fixed" else col)
        i = np.concatenate(values) if values else np.zeros(0)
        # sample k is the current during tick k; the last sample repeats the final value
        i = np.r_[i, i[-1:] if len(i) else [0.0]]
        return np.arange(len(i)) * st.dt, i


def _identity(cls):
    return build_translations(*[(name, name) for name in cls.default_parameters])


class DCSource(_CurrentSource, electrodes.DCSource):
    __doc__ = electrodes.DCSource.__doc__
    translations = _identity(electrodes.DCSource)


class StepCurrentSource(_CurrentSource, electrodes.StepCurrentSource):
    __doc__ = electrodes.StepCurrentSource.__doc__
    translations = _identity(electrodes.StepCurrentSource)

    def _normalise(self, values):
        """Times must be >= 0 and increasing; they run rounded to the nearest step, and
        of several times on one step the last amplitude is kept (as PyNN specifies)."""
        times = np.atleast_1d(values.get("times", self._native.get("times", []))).astype(float)
        amps = np.atleast_1d(values.get("amplitudes", self._native.get("amplitudes", []))).astype(float)
        if len(times) != len(amps):
            raise ValueError(f"StepCurrentSource: {len(times)} times but {len(amps)} amplitudes")
        if np.any(times < 0):
            raise ValueError(f"StepCurrentSource: times must be >= 0, got {times.min()}")
        if np.any(np.diff(times) < 0):
            raise ValueError("StepCurrentSource: times must be in increasing order, got "
                             f"{times.tolist()}")
        dt = simulator.state.dt
        ticks = np.rint(times / dt).astype(np.int64)
        last = np.r_[ticks[1:] != ticks[:-1], True] if len(ticks) else np.zeros(0, bool)
        return {**values, "times": ticks[last] * dt, "amplitudes": amps[last]}


class ACSource(_CurrentSource, electrodes.ACSource):
    __doc__ = electrodes.ACSource.__doc__
    translations = _identity(electrodes.ACSource)


class NoisyCurrentSource(_CurrentSource, electrodes.NoisyCurrentSource):
    __doc__ = electrodes.NoisyCurrentSource.__doc__
    translations = _identity(electrodes.NoisyCurrentSource)

    def __init__(self, **parameters):
        parameters.setdefault("dt", simulator.state.dt)
        if "rng" in parameters and not isinstance(parameters["rng"], (NumpyRNG, type(None))):
            raise TypeError("NoisyCurrentSource: use a NumpyRNG (its seed seeds the on-core "
                            "generator) or no rng")
        super().__init__(**parameters)
