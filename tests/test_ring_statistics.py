"""sPyNNaker's ring-buffer statistics (spikes_per_second, ring_buffer_sigma,
max_expected_summed_weight) choose the weight shift from the expected input; what goes
beyond it saturates, and the machine says so."""

import math

import numpy as np
import pyNN.neurochip as sim
import pytest

from neurochip.errors import NeurochipError
from neurochip.machine_report import MachineWarning


def _shift(bound_na):
    """The smallest shift whose 16-bit slot holds ``bound_na`` (nA)."""
    s = 0
    while s < 15 and round(bound_na * 2.0 ** (15 - s)) > 0xFFFF:
        s += 1
    return s


def _network(n_pre, weight, source, **stats):
    sim.setup(timestep=0.1, strict=False)
    pre = sim.Population(n_pre, source, label="pre")
    post = sim.Population(4, sim.IF_curr_exp(), label="post", **stats)
    post.record("spikes")
    sim.Projection(pre, post, sim.AllToAllConnector(), sim.StaticSynapse(weight=weight, delay=1.0))
    return post


def test_the_shift_follows_the_expected_input():
    """1000 inputs of 0.1 nA at 10 Hz, sigma 5: lambda = 1 spike per 0.1 ms step, bound
    0.1 + 5 * 0.1 = 0.6 nA (shift 0) instead of the worst case's 100 nA (shift 6)."""
    times = [[5.0 + i % 7] for i in range(1000)]
    _network(1000, 0.1, sim.SpikeSourceArray(spike_times=times))
    sim.run(1.0)
    worst = sim.simulator.state.mapping.shifts[1, 0]
    sim.end()
    _network(1000, 0.1, sim.SpikeSourceArray(spike_times=times), spikes_per_second=10.0,
             ring_buffer_sigma=5.0)
    sim.run(1.0)
    stat = sim.simulator.state.mapping.shifts[1, 0]
    sim.end()
    lam = 1000 * 10.0 * 0.1e-3
    assert (worst, stat) == (_shift(100.0), _shift(lam * 0.1 + 5.0 * math.sqrt(lam * 0.01)))
    assert (worst, stat) == (6, 0)


def test_a_poisson_source_counts_at_its_own_rate_and_the_summed_weight_is_taken_as_given():
    _network(200, 0.05, sim.SpikeSourcePoisson(rate=400.0), spikes_per_second=1.0,
             ring_buffer_sigma=3.0)
    sim.run(1.0)
    lam = 200 * 400.0 * 0.1e-3  # the source's rate, not spikes_per_second
    assert sim.simulator.state.mapping.shifts[1, 0] == _shift(
        lam * 0.05 + 3.0 * math.sqrt(lam * 0.05 ** 2))
    sim.end()
    _network(200, 0.05, sim.SpikeSourcePoisson(rate=400.0), max_expected_summed_weight=[5.0, 1.0])
    sim.run(1.0)
    assert sim.simulator.state.mapping.shifts[1, 0] == _shift(5.0) == 2
    sim.end()


def test_input_beyond_the_bound_saturates_and_is_reported():
    """All 1000 inputs in one step (100 nA) against a bound of 0.6 nA: every slot that
    receives them saturates at 2 nA; the report names the saturations."""
    post = _network(1000, 0.1, sim.SpikeSourceArray(spike_times=[5.0]), spikes_per_second=10.0,
                    ring_buffer_sigma=5.0)
    post.record("isyn_exc")
    with pytest.warns(MachineWarning, match=r"4 ring-buffer slots saturated"):
        sim.run(10.0)
    isyn = np.asarray(post.get_data().segments[0].filter(name="isyn_exc")[0])
    assert isyn.max() == pytest.approx(0xFFFF / 2.0 ** 15, rel=1e-3)  # clipped, not 100 nA
    sim.end()


def test_bad_statistics_are_refused():
    sim.setup(timestep=0.1)
    with pytest.raises(NeurochipError, match=r"spikes_per_second=-5.*a number > 0"):
        sim.Population(2, sim.IF_curr_exp(), spikes_per_second=-5)
    with pytest.raises(NeurochipError, match=r"max_expected_summed_weight=\[0, 1\]"):
        sim.Population(2, sim.IF_curr_exp(), max_expected_summed_weight=[0, 1])
    sim.end()
