"""How a Projection holds its connections: per-connection delays as whole timesteps
(2 bytes instead of 8), with the same values read back and the same run."""

import numpy as np
import pyNN.neurochip as sim
import pytest
from pyNN.random import NumpyRNG, RandomDistribution

from neurochip import projections
from neurochip.errors import MappingError
from neurochip.mapping.post_runs import PostRuns, as_runs, post_counts
from neurochip.mapping.split_index import SplitIndex, as_split


@pytest.fixture(autouse=True)
def _end():
    yield
    sim.end()


def _network(delays, n=60, seed=3):
    """60 cells driven by Poisson input, all-to-all among themselves with ``delays``;
    returns (projection, population)."""
    sim.setup(timestep=0.1, seed=seed)
    src = sim.Population(n, sim.SpikeSourcePoisson(rate=80.0), label="src")
    pop = sim.Population(n, sim.IF_curr_exp(tau_refrac=2.0), label="pop")
    sim.Projection(src, pop, sim.OneToOneConnector(), sim.StaticSynapse(weight=1.5, delay=0.5))
    prj = sim.Projection(pop, pop, sim.AllToAllConnector(allow_self_connections=False),
                         sim.StaticSynapse(weight=0.05, delay=delays), label="rec")
    pop.record("spikes")
    return prj, pop


def _spikes(pop):
    return [np.asarray(t).tolist() for t in pop.get_data("spikes").segments[0].spiketrains]


def test_random_delays_are_held_as_timesteps_and_read_back_rounded():
    rng = NumpyRNG(seed=11)
    prj, _ = _network(RandomDistribution("uniform", (0.1, 6.0), rng=rng))
    held = prj._all()["delay"]
    assert held.dtype == np.uint16 and held.nbytes == 2 * len(prj)
    rng = NumpyRNG(seed=11)  # the same draws, as the connector made them
    drawn = RandomDistribution("uniform", (0.1, 6.0), rng=rng).next(len(prj))
    got = np.array(prj.get("delay", format="list"))[:, 2]
    # what pyNN.nest returns too: the delay the machine runs, a whole number of steps
    np.testing.assert_array_equal(np.sort(got), np.sort(np.rint(drawn / 0.1) * 0.1))


def test_a_run_is_the_same_whether_delays_are_held_in_ms_or_in_timesteps(monkeypatch):
    delays = RandomDistribution("uniform", (0.1, 4.0), rng=NumpyRNG(seed=5))
    prj, pop = _network(delays)
    assert prj._all()["delay"].dtype == np.uint16
    sim.run(200.0)
    ticked = _spikes(pop)
    sim.end()
    monkeypatch.setattr(projections, "_MIN_TICKED", 10 ** 9)  # every delay in ms
    delays = RandomDistribution("uniform", (0.1, 4.0), rng=NumpyRNG(seed=5))
    prj, pop = _network(delays)
    assert prj._all()["delay"].dtype == np.float64
    sim.run(200.0)
    assert sum(map(len, ticked)) > 100  # the recurrent delays matter to a network that fires
    assert _spikes(pop) == ticked


def test_setting_delays_after_they_are_held_as_timesteps():
    prj, _ = _network(RandomDistribution("uniform", (0.1, 4.0), rng=NumpyRNG(seed=2)))
    prj.set(delay=2.35)
    assert prj._all()["delay"].dtype == np.float64  # written in ms, as given
    assert set(np.round(np.array(prj.get("delay", format="list"))[:, 2], 9)) == {2.4}
    prj[7].delay = 1.0
    assert prj[7].delay == pytest.approx(1.0)


def test_delays_the_machine_cannot_run_keep_their_value_for_the_message():
    """A delay below one timestep is not held as timesteps: the mapping's error names it."""
    d = np.full((60, 60), 1.0)
    d[4, 9] = 0.04
    prj, _ = _network(d)
    assert prj._all()["delay"].dtype == np.float64
    with pytest.raises(MappingError, match=r"delay 0.04 ms is 0 timesteps"):
        sim.run(1.0)


# --- sources of 17-18 bits split (neurochip.mapping.split_index) -------------------

@pytest.mark.parametrize("size", [(1 << 16) + 1, 80_000, 1 << 18])
def test_split_indices_read_as_the_array_they_stand_for(size):
    rng = np.random.default_rng(5)
    pre = rng.integers(0, size, 5003).astype(np.int32)
    pre[[0, 9, 5002]] = [size - 1, 0, 1 << 16]
    split = as_split(pre, size)
    assert isinstance(split, SplitIndex) and len(split) == len(pre)
    assert split.nbytes < 0.6 * pre.nbytes
    np.testing.assert_array_equal(np.asarray(split), pre)
    for lo, hi in [(0, 5003), (0, 1), (5002, 5003), (123, 123), (7, 2301), (2000, 9999)]:
        np.testing.assert_array_equal(split[lo:hi], pre[lo:hi])
    for k in (0, 1, 2499, 5002, -1):
        assert split[k] == pre[k]
    mask = rng.random(5003) < 0.3
    np.testing.assert_array_equal(split[mask], pre[mask])
    assert (split.min(), split.max()) == (pre.min(), pre.max())
    with pytest.raises(IndexError):
        split[5003]


def test_only_long_indices_of_17_or_18_bits_are_split():
    pre = np.arange(2000, dtype=np.int32) * 40
    assert isinstance(as_split(pre, 80_000), SplitIndex)
    assert not isinstance(as_split(pre, 1 << 16), SplitIndex)  # uint16 holds them
    assert not isinstance(as_split(pre, (1 << 18) + 1), SplitIndex)  # int32 costs little more
    assert not isinstance(as_split(pre[:500], 80_000), SplitIndex)  # too short to gain
    assert not isinstance(as_split(pre, 60_000), SplitIndex)  # out of range: left to the checks


def test_a_projection_from_80000_cells_holds_split_sources_and_runs_the_same(monkeypatch):
    """Brunel's excitatory side at 8x: the same connections, weights and spikes whether the
    sources are split or int32."""
    def build():
        sim.setup(timestep=0.1, seed=3)
        src = sim.Population(80_000, sim.SpikeSourcePoisson(rate=5.0), label="src")
        pop = sim.Population(50, sim.IF_curr_exp(), label="pop")
        prj = sim.Projection(src, pop, sim.FixedNumberPreConnector(400, rng=NumpyRNG(seed=4)),
                             sim.StaticSynapse(weight=0.1, delay=1.0))
        pop.record("spikes")
        return prj, pop

    prj, pop = build()
    assert isinstance(prj._all()["pre"], SplitIndex)
    listed = prj.get(["weight"], format="list")
    assert max(c[0] for c in listed) >= 1 << 16
    assert prj[19_999].presynaptic_index == listed[19_999][0]
    sim.run(50.0)
    split_spikes = _spikes(pop)
    sim.end()
    monkeypatch.setattr(projections, "as_split", lambda pre, n: pre)
    prj, pop = build()
    assert not isinstance(prj._all()["pre"], SplitIndex)
    assert prj.get(["weight"], format="list") == listed
    sim.run(50.0)
    assert sum(map(len, split_spikes)) > 20
    assert _spikes(pop) == split_spikes


# --- post indices as runs (neurochip.mapping.post_runs) ----------------------------

def test_post_runs_read_as_the_array_they_stand_for():
    rng = np.random.default_rng(4)
    post = np.sort(rng.integers(0, 300, 5000)).astype(np.int32)
    post[post == 17] = 18  # a target without connections
    runs = as_runs(post, 301)  # and one past the last index used
    assert isinstance(runs, PostRuns) and len(runs) == len(post) and runs.nbytes < post.nbytes
    np.testing.assert_array_equal(np.asarray(runs), post)
    for lo, hi in [(0, 5000), (0, 1), (4999, 5000), (123, 123), (17, 2300), (2000, 9999)]:
        np.testing.assert_array_equal(runs[lo:hi], post[lo:hi])
    for k in (0, 1, 2499, 4999, -1):
        assert runs[k] == post[k]
    mask = rng.random(5000) < 0.3
    np.testing.assert_array_equal(runs[mask], post[mask])
    np.testing.assert_array_equal(post_counts(runs, 301), np.bincount(post, minlength=301))
    assert (runs.min(), runs.max()) == (post.min(), post.max())
    with pytest.raises(IndexError):
        runs[5000]


def test_only_sorted_long_index_arrays_become_runs():
    post = np.repeat(np.arange(100, dtype=np.int32), 30)
    assert isinstance(as_runs(post, 100), PostRuns)
    assert as_runs(post[::-1].copy(), 100) is not None and not isinstance(
        as_runs(post[::-1].copy(), 100), PostRuns)
    assert not isinstance(as_runs(post[:500], 100), PostRuns)  # too short to gain
    assert not isinstance(as_runs(post, 50), PostRuns)  # out of range: left to the checks


def _fixed_total(n_conn=20000, seed=9):
    sim.setup(timestep=0.1, seed=seed)
    src = sim.Population(200, sim.SpikeSourcePoisson(rate=20.0), label="src")
    pop = sim.Population(150, sim.IF_curr_exp(), label="pop")
    prj = sim.Projection(src, pop, sim.FixedTotalNumberConnector(n_conn, rng=NumpyRNG(seed=1)),
                         sim.StaticSynapse(weight=RandomDistribution(
                             "uniform", (0.05, 0.3), rng=NumpyRNG(seed=2)), delay=1.0))
    pop.record("spikes")
    return prj, pop


def test_a_projection_in_target_order_holds_runs_and_runs_the_same(monkeypatch):
    prj, pop = _fixed_total()
    assert isinstance(prj._all()["post"], PostRuns)
    listed = prj.get(["weight"], format="list")
    assert [prj[k].postsynaptic_index for k in (0, 321, 19999)] == [
        listed[k][1] for k in (0, 321, 19999)]
    sim.run(100.0)
    with_runs = _spikes(pop)
    sim.end()
    monkeypatch.setattr(projections, "as_runs", lambda post, n: np.asarray(post))  # spread
    prj, pop = _fixed_total()
    assert isinstance(prj._all()["post"], np.ndarray)
    assert prj.get(["weight"], format="list") == listed
    assert prj[321].postsynaptic_index == listed[321][1]
    sim.run(100.0)
    assert sum(map(len, with_runs)) > 50
    assert _spikes(pop) == with_runs


@pytest.mark.parametrize("n_src", [1 << 16, (1 << 16) + 1])
def test_the_last_source_of_a_large_population_reaches_its_target(n_src):
    """Source indices are held in uint16 up to 2**16 cells, int32 beyond: the last cell's
    connection is neither truncated nor wrapped."""
    sim.setup(timestep=1.0)
    times = [[] for _ in range(n_src)]
    times[-1] = [5.0]
    times[1] = [30.0]
    src = sim.Population(n_src, sim.SpikeSourceArray(spike_times=times), label="src")
    pop = sim.Population(2, sim.IF_curr_exp(), label="pop")
    prj = sim.Projection(src, pop, sim.FromListConnector([(n_src - 1, 0), (1, 1)]),
                         sim.StaticSynapse(weight=5.0, delay=1.0))
    assert prj._all()["pre"].dtype == (np.uint16 if n_src <= 1 << 16 else np.int32)
    assert [c.presynaptic_index for c in prj.connections] == [n_src - 1, 1]
    pop.record("spikes")
    sim.run(50.0)
    first = [float(t[0]) if len(t) else None for t in pop.get_data("spikes").segments[0].spiketrains]
    assert first[0] is not None and 6.0 <= first[0] < 15.0
    assert first[1] is not None and 31.0 <= first[1] < 40.0


def test_split_indices_are_made_in_chunks_that_join_exactly(monkeypatch):
    from neurochip.mapping import split_index
    monkeypatch.setattr(split_index, "_CHUNK", 16)  # many chunks, a partial last one
    rng = np.random.default_rng(5)
    for n, bits in ((0, 17), (5, 17), (16, 18), (1000, 17), (1003, 18)):
        idx = rng.integers(0, 1 << bits, n).astype(np.int32)
        s = SplitIndex.of(idx, bits)
        assert np.array_equal(s.low, (idx & 0xFFFF).astype(np.uint16))
        for b, plane in zip(range(16, bits), s.planes):
            assert np.array_equal(plane, np.packbits(((idx >> b) & 1).astype(np.uint8)))
        assert np.array_equal(np.asarray(s), idx)


@pytest.mark.parametrize("dtype,n_post", [(np.uint16, 65536), (np.uint16, 300), (np.int32, 80000),
                                          (np.int64, 7000)])
def test_runs_of_indices_in_their_own_type(dtype, n_post):
    # the targets are searched in the indices' own type (no wider copy of the indices),
    # a side of 2**16 cells in uint16 included
    rng = np.random.default_rng(2)
    post = np.sort(rng.integers(0, n_post, 5 * n_post)).astype(dtype)
    post[-3:] = n_post - 1
    runs = as_runs(post, n_post)
    assert isinstance(runs, PostRuns)
    assert runs.ptr.dtype == np.int64
    assert np.array_equal(runs.ptr, np.searchsorted(post.astype(np.int64), np.arange(n_post + 1)))
    assert np.array_equal(np.asarray(runs), post)
