"""sPyNNaker's SpikeSourcePoissonVariable (``sim.extra_models.SpikeSourcePoissonVariable``):
a Poisson process in each rate window (the count's mean and variance, as
tests/test_sources.py checks the other Poisson sources), nothing outside the windows,
sPyNNaker's parameter forms, placement independence, and the errors."""

import numpy as np
import pyNN.neurochip as sim
import pytest

from neurochip.errors import NeurochipError
from neurochip.mapping.errors import MappingError

DT = 0.1
# windows: (rate Hz, start ms, duration ms); 400-500 and 1300-1500 ms are gaps, and the
# rate of 500-700 ms is 0
RATES, STARTS, DURATIONS = [20.0, 0.0, 80.0, 5.0], [0.0, 500.0, 700.0, 1500.0], [400.0, 200.0,
                                                                               600.0, 500.0]
BIN = 100.0  # ms: counts per neuron and bin of this length


def _trains(n, duration, celltype, seed=7, arithmetic="fixed", per_core=None):
    sim.setup(timestep=DT, seed=seed, arithmetic=arithmetic)
    if per_core:
        sim.set_number_of_neurons_per_core(sim.extra_models.SpikeSourcePoissonVariable, per_core)
    src = sim.Population(n, celltype)
    src.record("spikes")
    sim.run(duration)
    trains = [np.asarray(t.magnitude) for t in src.get_data().segments[0].spiketrains]
    sim.end()
    return trains


def _binned(trains, duration):
    """Spike counts per neuron and BIN (n, bins)."""
    edges = np.arange(0.0, duration + BIN / 2, BIN)
    # a spike stamped at t belongs to the tick (t - dt, t]: its bin is that of t - dt/2
    return np.array([np.histogram(t - DT / 2, edges)[0] for t in trains])


@pytest.fixture(scope="module")
def schedule_counts():
    trains = _trains(200, 2000.0, sim.extra_models.SpikeSourcePoissonVariable(
        rates=RATES, starts=STARTS, durations=DURATIONS))
    return _binned(trains, 2000.0), trains


@pytest.mark.parametrize("window", [(0, 400, 20.0), (700, 1300, 80.0), (1500, 2000, 5.0)])
def test_each_window_is_a_poisson_process_at_its_rate(schedule_counts, window):
    """The counts per neuron and 100 ms bin of a window: mean rate x 100 ms, and a
    variance equal to the mean (Fano factor 1), each within 5 standard errors."""
    counts, _ = schedule_counts
    a, b, rate = window
    c = counts[:, int(a / BIN):int(b / BIN)].ravel()
    lam, m = rate * BIN / 1000.0, c.size
    assert abs(c.mean() - lam) < 5 * np.sqrt(lam / m), (c.mean(), lam)
    # the sample variance of a Poisson count has variance (lam + 2 lam^2) / m
    assert abs(c.var(ddof=1) - lam) < 5 * np.sqrt((lam + 2 * lam ** 2) / m), (c.var(ddof=1), lam)
    assert 0.85 < c.var(ddof=1) / c.mean() < 1.15  # Fano factor


def test_nothing_outside_the_windows_nor_at_rate_zero(schedule_counts):
    counts, trains = schedule_counts
    for a, b in ((400, 500), (500, 700), (1300, 1500)):
        assert counts[:, int(a / BIN):int(b / BIN)].sum() == 0, (a, b)
    times = np.concatenate(trains)
    # the windows' edges, to the timestep: spikes stamped in (start, stop]
    assert times.min() > 0.0 and times.max() <= 2000.0
    for a, b in ((0, 400), (700, 1300), (1500, 2000)):
        inside = times[(times > a - 10) & (times < b + 10)]
        assert inside.min() >= a + DT - 1e-9 and inside.max() <= b + 1e-9, (a, b)


def test_per_neuron_lists_and_sPyNNaker_s_defaults():
    """A list of lists gives each neuron its own windows (of its own number); one rate
    needs no start; without durations a rate lasts until the next start, the last for
    ever."""
    cell = sim.extra_models.SpikeSourcePoissonVariable(
        rates=[[50.0], [10.0, 200.0], [0.0, 100.0, 0.0]],
        starts=[[], [0.0, 300.0], [0.0, 100.0, 200.0]])
    trains = _trains(3, 600.0, cell)
    n0, n1, n2 = trains
    assert 15 < len(n0) < 50  # 50 Hz for 600 ms: 30
    assert np.sum(n1 <= 300.0) < 10 and np.sum(n1 > 300.0) > 40  # 10 Hz, then 200 Hz
    assert len(n2) > 3 and n2.min() > 100.0 and n2.max() <= 200.0  # 100 Hz for 100 ms


def test_spikes_do_not_depend_on_placement_or_arithmetic_and_follow_the_seed():
    cell = sim.extra_models.SpikeSourcePoissonVariable(rates=[30.0, 300.0], starts=[0.0, 100.0],
                                                       durations=[100.0, 50.0])
    a = _trains(60, 200.0, cell)
    b = _trains(60, 200.0, cell, per_core=7)
    c = _trains(60, 200.0, cell, arithmetic="float")
    d = _trains(60, 200.0, cell, seed=8)
    assert sum(len(t) for t in a) > 500
    assert all(np.array_equal(x, y) for x, y in zip(a, b))
    assert all(np.array_equal(x, y) for x, y in zip(a, c))
    assert not all(np.array_equal(x, y) for x, y in zip(a, d))


def test_one_to_one_onto_cells_is_delivered_in_the_window():
    """A variable source with one synapse per neuron (what a SpikeSourcePoisson would run
    on its targets' cores) reaches its targets: they fire in its window only."""
    sim.setup(timestep=DT, seed=2)
    src = sim.Population(20, sim.extra_models.SpikeSourcePoissonVariable(
        rates=[0.0, 400.0], starts=[0.0, 100.0], durations=[100.0, 100.0]))
    cells = sim.Population(20, sim.IF_curr_exp(tau_refrac=1.0))
    sim.Projection(src, cells, sim.OneToOneConnector(), sim.StaticSynapse(weight=5.0, delay=1.0))
    cells.record("spikes")
    sim.run(300.0)
    times = np.concatenate([np.asarray(t) for t in cells.get_data().segments[0].spiketrains])
    sim.end()
    assert len(times) > 100
    assert times.min() > 100.0 and times.max() < 215.0


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(rates=[10.0, 20.0], starts=[50.0, 10.0]), MappingError,
     r"starts of neuron 0, \[50.0, 10.0\] ms, are not in increasing order"),
    (dict(rates=[10.0, 20.0], starts=[0.0]), NeurochipError, "2 rates but 1 starts"),
    (dict(rates=[10.0, 20.0], starts=[0.0, 5.0], durations=[1.0]), NeurochipError,
     "2 rates but 1 durations"),
    (dict(rates=[10.0, -20.0], starts=[0.0, 5.0]), MappingError,
     "neuron 0: rate -20 of window 1 must be >= 0"),
])
def test_bad_windows_say_what_to_change(kwargs, error, match):
    sim.setup(timestep=DT)
    sim.Population(2, sim.extra_models.SpikeSourcePoissonVariable(**kwargs))
    with pytest.raises(error, match=match):
        sim.run(10.0)
    sim.end()
