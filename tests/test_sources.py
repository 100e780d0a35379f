"""On-core Poisson-type sources: plain, with dead time, and gamma."""

import numpy as np
import pyNN.neurochip as sim
import pytest

from mapping.errors import MappingError
from mapping.graph import NetworkGraph, PopulationSpec
from mapping.pipeline import map_network


def _isis(celltype, n=200, duration=20000.0):
    sim.setup(timestep=0.1, seed=11)
    src = sim.Population(n, celltype)
    src.record("spikes")
    sim.run(duration)
    trains = src.get_data().segments[0].spiketrains
    sim.end()
    return np.concatenate([np.diff(np.asarray(t)) for t in trains]), trains


def test_poisson_interval_statistics():
    isi, _ = _isis(sim.SpikeSourcePoisson(rate=20.0))
    assert abs(isi.mean() - 50.0) < 1.5
    assert abs(isi.std() / isi.mean() - 1.0) < 0.05  # exponential: CV = 1


def test_dead_time_is_respected_and_the_rate_kept():
    isi, _ = _isis(sim.SpikeSourcePoissonRefractory(rate=50.0, tau_refrac=5.0))
    assert isi.min() >= 5.0 - 1e-9
    assert abs(isi.mean() - 20.0) < 0.5  # 1000 / rate, dead time included
    assert abs((isi - 5.0).std() / (isi - 5.0).mean() - 1.0) < 0.05  # shifted exponential


@pytest.mark.parametrize("alpha", [2, 4])
def test_gamma_intervals(alpha):
    isi, _ = _isis(sim.SpikeSourceGamma(alpha=alpha, beta=100.0))
    assert abs(isi.mean() - 1000.0 * alpha / 100.0) < 0.03 * 1000.0 * alpha / 100.0
    assert abs(isi.std() / isi.mean() - 1 / np.sqrt(alpha)) < 0.05  # CV of a gamma process


def test_gamma_needs_a_whole_order():
    pop = PopulationSpec(label="g", model="SpikeSourceGamma", size=1,
                         params={"alpha": np.array([2.5]), "beta": np.array([10.0]),
                                 "start": np.zeros(1), "duration": np.array([1e10])})
    with pytest.raises(MappingError, match=r"'g': alpha = 2\.5"):
        map_network(NetworkGraph(dt=0.1, populations=(pop,)))


@pytest.mark.parametrize("arithmetic", ["fixed", "float"])
def test_poisson_rate_changed_between_runs(arithmetic):
    sim.setup(timestep=0.1, seed=3, arithmetic=arithmetic)
    src = sim.Population(100, sim.SpikeSourcePoisson(rate=10.0))
    src.record("spikes")
    sim.run(2000.0)
    src.set(rate=50.0)
    sim.run(2000.0)
    trains = src.get_data().segments[0].spiketrains
    sim.end()
    times = np.concatenate([np.asarray(t) for t in trains])
    first = np.sum(times <= 2000.0) / 100 / 2.0
    second = np.sum(times > 2000.0) / 100 / 2.0
    assert abs(first - 10.0) < 1.0 and abs(second - 50.0) < 2.5
