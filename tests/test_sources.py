"""On-core Poisson-type sources: plain, with dead time, and gamma."""

import numpy as np
import pyNN.neurochip as sim
import pytest

from neurochip.mapping.errors import MappingError
from neurochip.mapping.graph import NetworkGraph, PopulationSpec
from neurochip.mapping.pipeline import map_network


def _trains(celltype, n, duration, seed, dt=0.1):
    """Recorded spike trains of ``n`` sources of ``celltype`` over ``duration`` ms."""
    sim.setup(timestep=dt, seed=seed)
    src = sim.Population(n, celltype)
    src.record("spikes")
    sim.run(duration)
    trains = src.get_data().segments[0].spiketrains
    sim.end()
    return trains


def _isis(celltype, n=200, duration=20000.0):
    trains = _trains(celltype, n, duration, seed=11)
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


def _counts_per_tick(celltype, n, duration, dt=0.1):
    """Spikes of each recorded source in each tick, as an (n, ticks) array."""
    trains = _trains(celltype, n, duration, seed=5, dt=dt)
    ticks = int(round(duration / dt))
    return np.array([np.bincount(np.rint(np.asarray(t) / dt).astype(np.int64) - 1,
                                 minlength=ticks)[:ticks] for t in trains])


@pytest.mark.parametrize("lam", [0.1, 0.5, 0.9, 2.0, 20.0])
def test_poisson_source_sends_a_poisson_count_every_tick(lam):
    """Mean and variance of the count per tick are both lambda (a Bernoulli draw per
    tick has variance lambda (1 - lambda): 10 times too little at 0.9)."""
    n, duration = 100, 1000.0
    counts = _counts_per_tick(sim.SpikeSourcePoisson(rate=lam * 1e4), n, duration)
    m = counts.size
    mean, var = counts.mean(), counts.var()
    assert abs(mean - lam) < 5 * np.sqrt(lam / m)
    # the sample variance of a Poisson count has variance (lam + 2 lam^2) / m
    assert abs(var - lam) < 5 * np.sqrt((lam + 2 * lam ** 2) / m)
    # and the whole distribution: P(K = 0), P(K = 1), P(K = 2)
    for k in range(3):
        p = np.exp(-lam) * lam ** k / np.prod(np.arange(1, k + 1))
        assert abs(np.mean(counts == k) - p) < 5 * np.sqrt(p * (1 - p) / m) + 1e-12


def test_fast_gamma_source_keeps_its_rate_and_order():
    # beta of two events per tick: several spikes of an order-2 gamma process per tick
    counts = _counts_per_tick(sim.SpikeSourceGamma(alpha=2, beta=2e4), 50, 500.0)
    assert abs(counts.mean() - 1.0) < 0.01  # beta / alpha spikes per tick
    assert counts.max() >= 3
    # a gamma process of order 2 has a count variance well below Poisson's over 10 ms
    window = counts.reshape(50, -1, 100).sum(axis=2)
    fano = window.var() / window.mean()
    assert 0.4 < fano < 0.6  # 1 / alpha for long windows


def test_dead_time_too_long_for_the_rate_names_the_limit():
    pop = PopulationSpec(label="ppd", model="SpikeSourcePoissonRefractory", size=1,
                         params={"rate": np.array([3000.0]), "tau_refrac": np.array([0.3]),
                                 "start": np.zeros(1), "duration": np.array([1e10])})
    with pytest.raises(MappingError, match=r"'ppd'.*3000 Hz.*0\.3 ms.*at most 2500 Hz"):
        map_network(NetworkGraph(dt=0.1, populations=(pop,)))
