"""PyNN connectors through pyNN.neurochip: counts, indices, weights, delays, get/set."""

import numpy as np
import pyNN.neurochip as sim
import pytest


@pytest.fixture
def dt01():
    sim.setup(timestep=0.1)
    yield
    sim.end()


def cells(n, label=None):
    return sim.Population(n, sim.IF_curr_exp(), label=label)


def pairs(prj):
    return [(int(c[0]), int(c[1])) for c in prj.get("weight", format="list")]


def in_degree(prj, n_post):
    return np.bincount([j for _, j in pairs(prj)], minlength=n_post)


def out_degree(prj, n_pre):
    return np.bincount([i for i, _ in pairs(prj)], minlength=n_pre)


def test_all_to_all(dt01):
    pre, post = cells(7), cells(5)
    prj = sim.Projection(pre, post, sim.AllToAllConnector(), sim.StaticSynapse(weight=0.5, delay=1.0))
    assert len(prj) == 35
    assert sorted(pairs(prj)) == [(i, j) for i in range(7) for j in range(5)]
    w, d = prj.get(["weight", "delay"], format="array")
    assert w.shape == (7, 5) and np.all(w == 0.5) and np.all(d == 1.0)


def test_all_to_all_without_self_connections(dt01):
    p = cells(9)
    prj = sim.Projection(p, p, sim.AllToAllConnector(allow_self_connections=False),
                         sim.StaticSynapse(weight=0.1, delay=0.5))
    assert len(prj) == 9 * 8
    assert all(i != j for i, j in pairs(prj))
    w = prj.get("weight", format="array")
    assert np.all(np.isnan(np.diag(w)))
    assert np.count_nonzero(~np.isnan(w)) == 72


def test_all_to_all_with_self_connections(dt01):
    p = cells(6)
    prj = sim.Projection(p, p, sim.AllToAllConnector(allow_self_connections=True), sim.StaticSynapse())
    assert len(prj) == 36


def test_one_to_one(dt01):
    pre, post = cells(11), cells(11)
    prj = sim.Projection(pre, post, sim.OneToOneConnector(), sim.StaticSynapse(weight=0.2, delay=0.3))
    assert len(prj) == 11
    assert sorted(pairs(prj)) == [(i, i) for i in range(11)]
    w = prj.get("weight", format="array")
    np.testing.assert_array_equal(np.isnan(w), ~np.eye(11, dtype=bool))


def test_one_to_one_from_spike_source(dt01):
    src = sim.Population(4, sim.SpikeSourceArray(spike_times=[1.0]))
    prj = sim.Projection(src, cells(4), sim.OneToOneConnector(), sim.StaticSynapse(weight=1.0))
    assert sorted(pairs(prj)) == [(i, i) for i in range(4)]


@pytest.mark.parametrize("p", [0.05, 0.3])
def test_fixed_probability(dt01, p):
    n_pre, n_post = 600, 300
    prj = sim.Projection(cells(n_pre), cells(n_post),
                         sim.FixedProbabilityConnector(p, rng=sim.NumpyRNG(seed=1234)),
                         sim.StaticSynapse(weight=0.01))
    k = in_degree(prj, n_post)
    se = np.sqrt(n_pre * p * (1 - p) / n_post)
    assert abs(k.mean() - p * n_pre) < 4 * se
    # in-degrees spread like a binomial, not all equal
    assert 0.5 < k.std() / np.sqrt(n_pre * p * (1 - p)) < 1.5
    assert len(set(pairs(prj))) == len(prj)  # no duplicate pairs


def test_fixed_probability_is_reproducible(dt01):
    pre, post = cells(50), cells(40)
    a = sim.Projection(pre, post, sim.FixedProbabilityConnector(0.2, rng=sim.NumpyRNG(seed=9)))
    b = sim.Projection(pre, post, sim.FixedProbabilityConnector(0.2, rng=sim.NumpyRNG(seed=9)))
    c = sim.Projection(pre, post, sim.FixedProbabilityConnector(0.2, rng=sim.NumpyRNG(seed=10)))
    assert sorted(pairs(a)) == sorted(pairs(b))
    assert sorted(pairs(a)) != sorted(pairs(c))


def test_fixed_number_pre(dt01):
    n_pre, n_post, k = 40, 30, 7
    prj = sim.Projection(cells(n_pre), cells(n_post),
                         sim.FixedNumberPreConnector(k, rng=sim.NumpyRNG(seed=3)), sim.StaticSynapse())
    assert len(prj) == n_post * k
    np.testing.assert_array_equal(in_degree(prj, n_post), np.full(n_post, k))
    assert len(set(pairs(prj))) == len(prj)  # without replacement by default


def test_fixed_number_post(dt01):
    n_pre, n_post, k = 25, 40, 6
    prj = sim.Projection(cells(n_pre), cells(n_post),
                         sim.FixedNumberPostConnector(k, rng=sim.NumpyRNG(seed=4)), sim.StaticSynapse())
    assert len(prj) == n_pre * k
    np.testing.assert_array_equal(out_degree(prj, n_pre), np.full(n_pre, k))


def test_fixed_total_number(dt01):
    prj = sim.Projection(cells(30), cells(20),
                         sim.FixedTotalNumberConnector(123, rng=sim.NumpyRNG(seed=5)),
                         sim.StaticSynapse(weight=0.3))
    assert len(prj) == 123
    assert len(prj.get("weight", format="list")) == 123
    assert all(0 <= i < 30 and 0 <= j < 20 for i, j in pairs(prj))


def test_from_list_exact(dt01):
    conns = [(0, 1, 0.5, 1.0), (2, 0, 0.25, 2.3), (3, 3, 1.5, 0.1), (1, 2, 0.125, 1.26)]
    prj = sim.Projection(cells(4), cells(4), sim.FromListConnector(conns, column_names=["weight", "delay"]))
    assert len(prj) == 4
    got = sorted(prj.get(["weight", "delay"], format="list"))
    want = sorted((i, j, w, round(d / 0.1) * 0.1) for i, j, w, d in conns)
    assert len(got) == len(want)
    for g, e in zip(got, want):
        assert (int(g[0]), int(g[1])) == e[:2]
        assert g[2] == e[2]
        assert g[3] == pytest.approx(e[3], abs=1e-12)
    w, d = prj.get(["weight", "delay"], format="array")
    assert w[1, 2] == 0.125 and d[1, 2] == pytest.approx(1.3)  # 1.26 ms runs as 13 steps
    assert d[2, 0] == pytest.approx(2.3) and np.isnan(w[0, 0])
    assert np.count_nonzero(~np.isnan(w)) == 4


def test_from_list_inhibitory(dt01):
    conns = [(0, 0, -0.5, 1.0), (1, 0, -0.75, 2.0)]
    prj = sim.Projection(cells(2), cells(1), sim.FromListConnector(conns, column_names=["weight", "delay"]),
                         receptor_type="inhibitory")
    assert sorted(w for _, _, w in prj.get("weight", format="list")) == [-0.75, -0.5]


def test_set_weight_scalar_and_array(dt01):
    pre, post = cells(3), cells(4)
    prj = sim.Projection(pre, post, sim.AllToAllConnector(), sim.StaticSynapse(weight=0.5, delay=1.0))
    prj.set(weight=0.75)
    assert np.all(prj.get("weight", format="array") == 0.75)
    new = np.arange(12, dtype=float).reshape(3, 4) / 10
    prj.set(weight=new)
    np.testing.assert_array_equal(prj.get("weight", format="array"), new)
    for i, j, w in prj.get("weight", format="list"):
        assert w == new[int(i), int(j)]
    prj.set(delay=0.52)
    assert np.allclose(prj.get("delay", format="array"), 0.5)


def test_set_weight_on_sparse_projection(dt01):
    conns = [(0, 1, 0.5, 1.0), (2, 0, 0.25, 1.0)]
    prj = sim.Projection(cells(3), cells(2), sim.FromListConnector(conns, column_names=["weight", "delay"]))
    new = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    prj.set(weight=new)
    assert sorted(prj.get("weight", format="list")) == [(0, 1, 2.0), (2, 0, 5.0)]


def test_random_weights_reproducible(dt01):
    pre, post = cells(20), cells(15)

    def make(seed):
        w = sim.RandomDistribution("uniform", (0.1, 1.0), rng=sim.NumpyRNG(seed=seed))
        return sim.Projection(pre, post, sim.AllToAllConnector(), sim.StaticSynapse(weight=w, delay=1.0))

    a, b, c = (make(s).get("weight", format="array") for s in (77, 77, 78))
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    assert a.min() >= 0.1 and a.max() <= 1.0 and len(np.unique(a)) == a.size


def test_projection_maps_and_runs(dt01):
    """Connections built by a connector reach the machine: each post neuron fires."""
    src = sim.Population(20, sim.SpikeSourceArray(spike_times=[2.0]))
    post = cells(10)
    sim.Projection(src, post, sim.FixedNumberPreConnector(5, rng=sim.NumpyRNG(seed=1)),
                   sim.StaticSynapse(weight=2.0, delay=1.0))
    post.record("spikes")
    sim.run(20.0)
    trains = post.get_data().segments[0].spiketrains
    assert all(len(t) >= 1 for t in trains)
