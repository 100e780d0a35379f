"""Recorder for neurochip: turns the emulator's raw records into PyNN's data.

Core-local records come back from the emulator as global neuron indices and
fixed-point samples; here they become population order, PyNN units and signs.
"""

from __future__ import annotations

import numpy as np
from pyNN import recording

from neurochip.emulator.fixed import from_real

from . import simulator
from .errors import NeurochipError
from .spiketrains import fast_spiketrains

__all__ = ["Recorder"]


class Recorder(recording.Recorder):
    _simulator = simulator

    def __init__(self, population, file=None):
        super().__init__(population, file)
        self._cleared = (-1, 0)  # (segment, tick) of the last clear

    def _record(self, variable, new_ids, sampling_interval=None):
        if sampling_interval is not None:
            dt = simulator.state.dt
            m = round(sampling_interval / dt)
            if m < 1 or abs(m * dt - sampling_interval) > 1e-9 * sampling_interval:
                raise ValueError(
                    f"{self.population.label}: sampling_interval={sampling_interval} ms must be a "
                    f"multiple of the timestep {dt} ms")
            self.sampling_interval = sampling_interval
        simulator.state.mark_dirty()

    def _reset(self):
        simulator.state.mark_dirty()

    def get(self, variables, gather=False, filter_ids=None, clear=False, annotations=None,
            locations=None):
        if not simulator.state.running and next(iter(self.cache), None) is None:
            # no segment at all: PyNN's core would fail with an IndexError
            raise NeurochipError(f"get_data() on {self.population.label!r}: nothing has been "
                                 f"recorded yet; call run() first")
        # under mpirun every rank holds the whole run's records (neurochip.emulator.ranks
        # merges them after each run): PyNN's gather would repeat them once per rank
        return fast_spiketrains(
            super().get(variables, False, filter_ids, clear, annotations, locations))

    def count(self, variable, gather=True, filter_ids=None):
        return super().count(variable, False, filter_ids)

    def _clear_simulator(self):
        st = simulator.state
        self._cleared = (st.segment_counter, st.t_ticks)

    def _first_tick(self):
        st = simulator.state
        seg, tick = self._cleared
        return tick if seg == st.segment_counter else 0

    def _get_spiketimes(self, ids, clear=False):
        st = simulator.state
        pop = _index_of(self.population)
        first_id = int(self.population.first_id)
        want = np.asarray([int(i) for i in ids], np.int64) - first_id
        k0 = self._first_tick()
        out_ids, out_t = [], []
        for mapping, res in st.results:
            lo = mapping.pop_neuron_lo[pop]
            if lo < 0:  # a source run on its targets' cores: no spikes of its own
                continue
            local = res.spike_neurons - lo
            keep = (local >= 0) & (local < self.population.size) & (res.spike_ticks >= k0)
            keep[keep] = np.isin(local[keep], want)
            out_ids.append(local[keep] + first_id)
            out_t.append((res.spike_ticks[keep] + st.stamp_offset) * st.dt)
        if not out_ids:
            return np.zeros(0, np.int64), np.zeros(0)
        return np.concatenate(out_ids), np.concatenate(out_t)

    def _get_all_signals(self, variable, ids, clear=False):
        st = simulator.state
        name = variable.name
        from .populations import record_columns  # populations imports this module
        col, factor = record_columns(self.population)[name]
        pop = _index_of(self.population)
        local = np.asarray([int(i) for i in ids], np.int64) - int(self.population.first_id)
        k0 = self._first_tick()
        rows = []
        if k0 == 0:
            mapping = st.results[0][0] if st.results else st.mapping
            if mapping is None:
                return np.zeros((0, len(local))), None
            init = mapping.program.cores.state0[mapping.pop_neuron_lo[pop] + local, col]
            rows.append(_to_float(mapping, init)[None, :])
        for mapping, res in st.results:
            where = np.full(mapping.program.n_neurons, -1, np.int64)
            sel = res.state_column == col
            where[res.state_neuron[sel]] = np.flatnonzero(sel)
            cols = where[mapping.pop_neuron_lo[pop] + local]
            first = max(k0 - 1 - res.t0, 0)
            if res.state_samples.shape[1] == 0:  # nothing recorded in that run
                data = np.full((res.t1 - res.t0 - first, len(cols)), np.nan)
            else:
                data = _to_float(mapping, res.state_samples[first:, np.maximum(cols, 0)])
                data[:, cols < 0] = np.nan
            rows.append(data)
        if not rows:
            return np.zeros((0, len(local))), None
        # the cores sample every step; a coarser sampling_interval keeps the samples at
        # multiples of it (the first kept one at or after the start of this recording)
        every = max(1, round(self.sampling_interval / st.dt))
        first = (-k0) % every
        return factor * np.concatenate(rows)[first::every], None

    def _local_count(self, variable, filter_ids=None):
        ids = sorted(self.filter_recorded(variable, filter_ids))
        id_arr, _ = self._get_spiketimes(ids)
        counts = dict.fromkeys((int(i) for i in ids), 0)
        u, c = np.unique(id_arr, return_counts=True)
        counts.update({int(i): int(n) for i, n in zip(u, c)})
        return counts


def _to_float(mapping, values):
    if mapping.program.arithmetic == "fixed":
        return from_real(values)
    return np.array(values, dtype=np.float64)


def _index_of(population):
    for i, p in enumerate(simulator.state.populations):
        if p is population:
            return i
    raise LookupError(f"population {population.label!r} is not part of the current network")
