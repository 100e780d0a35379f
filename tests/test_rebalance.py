"""The threads' shares of the cores follow the time the cores take (kernel.rebalance),
and moving them changes nothing but the speed."""

import numba
import numpy as np
import pyNN.neurochip as sim
import pytest

from neurochip.emulator import load
from neurochip.emulator.claim import WORD_STRIDE, share_words
from neurochip.emulator.clock import HAS_CLOCK, clock
from neurochip.emulator.kernel import _add_costs, rebalance


def test_rebalance_splits_each_phase_by_its_cost():
    cost = np.array([[1.0, 1, 1, 1, 10, 10],     # updates: the last two cores cost most
                     [5.0, 5, 5, 5, 0, 0]])      # deliveries: the first four
    split = np.array([[0, 3, 6], [0, 3, 6]])
    rebalance(cost, split)
    assert split.tolist() == [[0, 5, 6], [0, 2, 6]]
    np.testing.assert_allclose(cost[0], 0.977 * np.array([1, 1, 1, 1, 10, 10]))
    three = np.array([[0, 2, 4, 6], [0, 2, 4, 6]])
    rebalance(np.ones((2, 6)), three)
    assert three.tolist() == [[0, 2, 4, 6], [0, 2, 4, 6]]
    idle = np.array([[0, 3, 6], [0, 3, 6]])
    rebalance(np.zeros((2, 6)), idle)  # nothing to share: every range still within the cores
    assert np.all(np.diff(idle, axis=1) >= 0) and np.all(idle[:, -1] == 6)


def _share(owners):
    """Share words of two threads whose last phase took the cores as ``owners`` says."""
    share = share_words(2, len(owners))
    share[2 * WORD_STRIDE:] = owners
    return share


def test_costs_follow_the_time_each_thread_took():
    """Each core's estimated cycles, times its thread's measured time per estimated cycle
    of the cores it took: a thread that took twice as long for the same estimate costs
    twice as much; the deliveries' cycles are the stretch's less the updates'."""
    cyc = np.array([[10.0, 0], [30, 0], [20, 0], [20, 0]])  # 4 cores, 1 tick of 2
    share = _share([0, 0, 1, 1])
    cost = np.zeros((3, 4))
    _add_costs(cyc, 1, share, np.array([400, 800]), cost, 0)  # 10 and 20 ticks a cycle
    np.testing.assert_allclose(cost[0], [100, 300, 400, 400])
    np.testing.assert_allclose(cost[2], [10, 30, 20, 20])  # the updates' cycles, kept
    cyc[:, 0] += [5, 0, 10, 10]  # the deliveries add theirs: 5, 0, 10, 10
    _add_costs(cyc, 1, share, np.array([50, 20]), cost, 1)
    np.testing.assert_allclose(cost[1], [50, 0, 10, 10])  # 10 and 1 tick a cycle
    np.testing.assert_allclose(cost[0], [100, 300, 400, 400])  # untouched
    none = np.zeros((3, 4))
    _add_costs(cyc, 1, share, np.zeros(2, np.int64), none, 0)  # no clock: the estimates
    np.testing.assert_allclose(none[0], [15, 30, 30, 30])


def test_a_stolen_core_counts_for_the_thread_that_took_it():
    """Thread 1 took core 1 from thread 0's range: its time is thread 1's, and thread 0's
    rate is its time over the one core it did (not over its whole range)."""
    cyc = np.array([[10.0], [30], [20], [20]])
    cost = np.zeros((3, 4))
    _add_costs(cyc, 1, _share([0, 1, 1, 1]), np.array([100, 700]), cost, 0)
    np.testing.assert_allclose(cost[0], [100, 300, 200, 200])  # 10 ticks a cycle each


def test_the_clock_counts_up():
    @numba.njit
    def spin(n):
        a = clock()
        s = 0
        for i in range(n):
            s += i ^ (s >> 3)
        return clock() - a, s

    took = spin(1_000_000)[0]
    assert took > 0 if HAS_CLOCK else took == 0


@pytest.mark.skipif(numba.config.NUMBA_NUM_THREADS < 2, reason="needs two threads")
def test_uneven_cores_move_the_shares_and_keep_the_spikes(monkeypatch):
    """A population without input on the first cores and a busy one after it: the
    deliveries' shares move towards the busy cores, and the spikes are those of one thread.
    (The full kernel: the lean one delivers by groups of cores, emulator.spikes.)"""
    from neurochip.emulator import emulate
    from neurochip.emulator.tier import FULL

    monkeypatch.setattr(emulate, "tier_of", lambda program: FULL)
    sim.setup(timestep=0.1, min_delay=0.1, time_scale_factor=40)  # (busy cores: no overrun warning)
    sim.Population(2000, sim.IF_curr_exp(i_offset=0.0), label="quiet")  # on the first cores
    # four busy cores of about equal load: where the shares settle depends on the threads'
    # measured times, and with two busy cores a thread held up by the host could move the
    # boundary to either end of them
    busy = sim.Population(1000, sim.IF_curr_exp(i_offset=0.0), label="busy")
    drive = sim.Population(400, sim.SpikeSourcePoisson(rate=60.0), label="drive")
    rng = sim.NumpyRNG(seed=3)
    sim.Projection(drive, busy, sim.FixedProbabilityConnector(0.2, rng=rng),
                   sim.StaticSynapse(weight=0.3, delay=0.1))
    sim.Projection(busy, busy, sim.FixedProbabilityConnector(0.1, rng=rng),
                   sim.StaticSynapse(weight=0.05, delay=0.1))
    busy.record("spikes")
    sim.run(200.0)
    program = sim.simulator.state.mapping.program
    sim.end()
    one = load(program, threads=1)
    two = load(program, threads=2)
    a, b = one.run(2000), two.run(2000)
    assert len(a.spike_ticks) > 1000
    np.testing.assert_array_equal(a.spike_ticks, b.spike_ticks)
    np.testing.assert_array_equal(a.spike_neurons, b.spike_neurons)
    np.testing.assert_array_equal(a.counters, b.counters)
    even = np.minimum(np.arange(3) * -(-program.n_cores // 2), program.n_cores)
    busy_cores = np.flatnonzero(a.counters[:, 1] > 0)  # the cores that receive packets
    assert busy_cores.min() >= even[1]  # an even split gives them all to the second thread
    assert len(busy_cores) >= 4
    assert busy_cores.min() < two.split[1, 1] <= busy_cores.max()  # now both take some
