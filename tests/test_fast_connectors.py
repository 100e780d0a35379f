"""The vectorised connectors give what PyNN's generic per-target path gives."""

import numpy as np
import pyNN.neurochip as sim
import pytest
from pyNN.random import NumpyRNG, RandomDistribution

import neurochip.projections


def _build(connector_factory, n_pre=60, n_post=50, same=False, weight=0.1, fast=True,
           monkeypatch=None):
    if not fast:
        monkeypatch.setattr(neurochip.projections, "fast_connect", lambda prj, conn, threads=None: False)
    sim.setup(timestep=0.1)
    a = sim.Population(n_pre, sim.IF_curr_exp())
    b = a if same else sim.Population(n_post, sim.IF_curr_exp())
    prj = sim.Projection(a, b, connector_factory(), sim.StaticSynapse(weight=weight, delay=0.5))
    out = np.array(prj.get(["weight", "delay"], format="list"))
    sim.end()
    if not fast:
        monkeypatch.undo()
    return out


DETERMINISTIC = {
    "all_to_all": lambda: sim.AllToAllConnector(),
    "all_to_all_no_self": lambda: sim.AllToAllConnector(allow_self_connections=False),
    "from_list": lambda: sim.FromListConnector([(0, 1, 0.2, 0.3), (5, 1, 0.4, 1.0), (3, 0, 0.1, 0.2)],
                                               column_names=["weight", "delay"]),
}


@pytest.mark.parametrize("name", sorted(DETERMINISTIC))
@pytest.mark.parametrize("same", [False, True])
def test_deterministic_connectors_match_pynn(name, same, monkeypatch):
    fast = _build(DETERMINISTIC[name], same=same, n_post=60)
    slow = _build(DETERMINISTIC[name], same=same, n_post=60, fast=False, monkeypatch=monkeypatch)
    assert len(fast) > 0
    assert sorted(map(tuple, fast)) == sorted(map(tuple, slow))


def test_one_to_one_matches_pynn_and_handles_size_one():
    out = _build(lambda: sim.OneToOneConnector(), n_pre=7, n_post=7)
    assert np.array_equal(out[:, 0], out[:, 1]) and len(out) == 7
    # PyNN 0.13's generic path fails here with numpy 2 (nonzero on a 0-d array)
    assert len(_build(lambda: sim.OneToOneConnector(), n_pre=1, n_post=1)) == 1


def _degrees(out, n, column):
    return np.bincount(out[:, column].astype(int), minlength=n)


@pytest.mark.parametrize("same", [False, True])
def test_fixed_probability_statistics(same):
    p = 0.1
    out = _build(lambda: sim.FixedProbabilityConnector(p, allow_self_connections=not same,
                                                       rng=NumpyRNG(1)),
                 n_pre=500, n_post=400, same=same)
    n_pre = 500
    pool = n_pre - 1 if same else n_pre
    indeg = _degrees(out, 500 if same else 400, 1)
    # binomial in-degrees: mean p*pool, variance p(1-p)*pool
    assert abs(indeg.mean() - p * pool) < 4 * np.sqrt(p * (1 - p) * pool / len(indeg))
    assert abs(indeg.var() / (p * (1 - p) * pool) - 1) < 0.25
    pairs = set(map(tuple, out[:, :2].astype(int)))
    assert len(pairs) == len(out)  # no duplicates
    if same:
        assert not np.any(out[:, 0] == out[:, 1])


def test_fixed_probability_is_reproducible_and_seed_dependent():
    def run(seed):
        return _build(lambda: sim.FixedProbabilityConnector(0.05, rng=NumpyRNG(seed)), 200, 200)
    assert np.array_equal(run(3), run(3))
    assert not np.array_equal(run(3), run(4))


@pytest.mark.parametrize("replace", [False, True])
def test_fixed_number_pre_and_post(replace):
    out = _build(lambda: sim.FixedNumberPreConnector(7, with_replacement=replace,
                                                     allow_self_connections=False, rng=NumpyRNG(2)),
                 n_pre=30, same=True)
    assert np.all(_degrees(out, 30, 1) == 7)
    assert not np.any(out[:, 0] == out[:, 1])
    if not replace:
        for j in range(30):
            pres = out[out[:, 1] == j, 0]
            assert len(set(pres)) == 7
    out = _build(lambda: sim.FixedNumberPostConnector(5, with_replacement=replace, rng=NumpyRNG(2)),
                 n_pre=20, n_post=40)
    assert np.all(_degrees(out, 20, 0) == 5)


def test_fixed_total_number_without_replacement_is_distinct():
    out = _build(lambda: sim.FixedTotalNumberConnector(300, with_replacement=False, rng=NumpyRNG(5)),
                 n_pre=20, n_post=20)
    assert len(out) == 300
    assert len(set(map(tuple, out[:, :2].astype(int)))) == 300


def test_random_weights_are_drawn_per_connection():
    out = _build(lambda: sim.AllToAllConnector(), n_pre=10, n_post=10,
                 weight=RandomDistribution("uniform", low=0.1, high=0.2, rng=NumpyRNG(9)))
    w = out[:, 2]
    assert np.all((w >= 0.1) & (w <= 0.2)) and len(np.unique(w)) == 100


def test_no_self_connections_between_overlapping_views():
    sim.setup(timestep=0.1)
    pop = sim.Population(10, sim.IF_cond_exp())
    a, b = pop[[2, 3, 4]], pop[[3, 4, 5, 6]]
    prj = sim.Projection(a, b, sim.AllToAllConnector(allow_self_connections=False),
                         sim.StaticSynapse(weight=0.01, delay=1.0))
    pairs = {(int(c[0]), int(c[1])) for c in prj.get("weight", format="list")}
    sim.end()
    # cells 3 and 4 are in both views: (view a 1 -> view b 0) and (a 2 -> b 1) are self
    assert len(pairs) == 3 * 4 - 2
    assert (1, 0) not in pairs and (2, 1) not in pairs and (0, 0) in pairs


def test_distinct_sampling_is_uniform_and_distinct():
    from neurochip.connectors import _distinct
    rs = np.random.RandomState(0)
    out = _distinct(rs, 4000, 50, 10)  # sparse path: draw, sort, pick
    assert out.shape == (4000, 10)
    assert all(len(set(row)) == 10 for row in out[:200])
    counts = np.bincount(out.ravel(), minlength=50)  # each index expected 800 times
    assert counts.min() > 800 - 5 * np.sqrt(800) and counts.max() < 800 + 5 * np.sqrt(800)
    dense = _distinct(rs, 100, 12, 10)  # dense path
    assert all(len(set(row)) == 10 and max(row) < 12 for row in dense)


def test_chunked_draws_are_the_one_draw_they_replace(monkeypatch):
    """FixedTotalNumberConnector with replacement draws in chunks: the same pairs as one
    draw of the same size, and the generator left in the same state (later draws, e.g.
    the weights, are unchanged)."""
    from neurochip import connectors

    monkeypatch.setattr(connectors, "CHUNK", 1000)
    a, b = NumpyRNG(seed=8).rng, NumpyRNG(seed=8).rng
    got = connectors._draw_prefix(a, 123_456_789, 4321, 2 * 4321 + 16)
    np.testing.assert_array_equal(got, b.randint(0, 123_456_789, size=2 * 4321 + 16)[:4321])
    np.testing.assert_array_equal(a.random_sample(5), b.random_sample(5))
    pre, post, _ = connectors._split(got, 20_000, 6173)  # in any order: sorted on the way
    assert pre.dtype == np.uint16 and post.dtype == np.int32
    np.testing.assert_array_equal(post.astype(np.int64) * 20_000 + pre, np.sort(got))


@pytest.mark.parametrize("n_pre, n_post", [(20_000, 300), (70_000, 40), (1, 5000), (3, 1)])
def test_counting_sort_gives_the_sorted_pairs(n_pre, n_post):
    """The pair numbers post * n_pre + pre, drawn with repeats and in any order, come out
    as np.sort then divmod gave them: sources in (target, source) order, repeats kept,
    the targets as runs (read back as the same array), sources in the smallest type."""
    from neurochip import connectors
    from neurochip.mapping.post_runs import PostRuns

    flat = np.random.RandomState(3).randint(0, n_pre * n_post, size=50_000)
    flat[:100] = flat[100:200]  # repeats (multapses) are kept, side by side
    pre, post, _ = connectors._split(flat, n_pre, n_post)
    want_post, want_pre = np.divmod(np.sort(flat), n_pre)
    np.testing.assert_array_equal(np.asarray(pre, np.int64), want_pre)
    np.testing.assert_array_equal(np.asarray(post, np.int64), want_post)
    assert pre.dtype == (np.uint16 if n_pre <= 1 << 16 else np.int32)
    assert isinstance(post, PostRuns) == (n_post < 20_000)
    assert post[17] == want_post[17] and np.array_equal(post[40:4000], want_post[40:4000])


@pytest.mark.parametrize("seed", [1, 2])
def test_compiled_draws_are_numpys(seed):
    """mt_draws gives RandomState.normal's numbers for any count (odd counts keep a value
    for the next draw, as numpy does) and randint's (kept prefixes of longer draws, every
    mask width up to 2**32), and leaves the generator where numpy does (words of the
    state twisted many times over); normal_clipped as PyNN's redraws."""
    from neurochip.mt_draws import randint_prefix

    a, b = np.random.RandomState(seed), np.random.RandomState(seed)
    for high in (2, 3, 1000, 453_000_000, (1 << 32) - 1, 1 << 32):
        for keep, consume in ((10, 10), (5, 20), (1000, 2016), (0, 7)):
            np.testing.assert_array_equal(randint_prefix(b, high, keep, consume),
                                          a.randint(0, high, size=consume)[:keep])
            np.testing.assert_array_equal(b.normal(size=3), a.normal(size=3))
    assert randint_prefix(b, 1, 5, 5) is None and randint_prefix(b, (1 << 32) + 1, 5, 5) is None
    # the last draw is the last accepted word of a block whose final words are rejected:
    # the position stops after it, not at the block's end
    for s in range(100):
        words = np.random.RandomState(s).randint(0, 1 << 32, size=624, dtype=np.uint64)
        if words[-1] & 3 == 3:  # (words & 3) <= 2 are draws of randint(0, 3)
            break
    accepted = int(np.count_nonzero(words & 3 <= 2))
    for keep in (0, 1, accepted):
        a, b = np.random.RandomState(s), np.random.RandomState(s)
        np.testing.assert_array_equal(randint_prefix(b, 3, keep, accepted),
                                      a.randint(0, 3, size=accepted)[:keep])
        assert b.get_state()[2] == a.get_state()[2] < 624
    from neurochip.mt_draws import draw, legacy_normal

    for n in (1, 2, 3, 7, 1000, 123_457, 5):
        np.testing.assert_array_equal(legacy_normal(b, 0.3, 1.7, n), a.normal(0.3, 1.7, size=n))
        np.testing.assert_array_equal(b.normal(size=3), a.normal(size=3))
        np.testing.assert_array_equal(b.random_sample(2), a.random_sample(2))
    # candidates of four words from every offset in a block of the state (0 to 3 words
    # carried into the next block), ending at every point of a candidate pair
    for offset in range(8):
        np.testing.assert_array_equal(b.randint(0, 1 << 32, size=offset, dtype=np.uint64),
                                      a.randint(0, 1 << 32, size=offset, dtype=np.uint64))
        for n in (155, 156, 157, 312, 313):
            np.testing.assert_array_equal(legacy_normal(b, 0.0, 1.0, n), a.normal(size=n))
        assert b.get_state()[2] == a.get_state()[2]  # the same position in the state
    r1, r2 = NumpyRNG(seed=seed), NumpyRNG(seed=seed)
    for n in (1, 999, 100_003):
        d1, d2 = (RandomDistribution("normal_clipped", mu=0.5, sigma=0.4, low=0.1, high=0.9,
                                     rng=r) for r in (r1, r2))
        got = draw(d2, n)
        np.testing.assert_array_equal(got, d1.next(n))
        assert got.min() >= 0.1 and got.max() <= 0.9
    np.testing.assert_array_equal(r2.rng.normal(size=5), r1.rng.normal(size=5))


def test_pairs_sorted_in_the_background_are_the_same(monkeypatch):
    """FixedTotalNumberConnector's pairs sorted in a thread while the weights and delays
    are drawn: the same connections, weights and delays as sorted first."""
    from neurochip import connectors

    def build():
        sim.setup(timestep=0.1)
        a, b = sim.Population(300, sim.IF_curr_exp()), sim.Population(200, sim.IF_curr_exp())
        rng = NumpyRNG(seed=11)
        prj = sim.Projection(a, b, sim.FixedTotalNumberConnector(40_000, rng=rng),
                             sim.StaticSynapse(
                                 weight=RandomDistribution("normal_clipped", mu=0.1, sigma=0.05,
                                                           low=0.0, high=1.0, rng=rng),
                                 delay=RandomDistribution("uniform", (0.5, 3.0), rng=rng)))
        out = prj.get(["weight", "delay"], format="list")
        sim.end()
        return out

    monkeypatch.setattr(connectors, "BACKGROUND_SORT", 1 << 40)
    first = build()
    monkeypatch.setattr(connectors, "BACKGROUND_SORT", 0)
    calls = []

    class Counted(connectors.SortingPairs):
        def __init__(self, *args, **kw):
            calls.append(kw.get("background", True))
            super().__init__(*args, **kw)

    monkeypatch.setattr(connectors, "SortingPairs", Counted)
    assert build() == first and calls == [True]



def test_one_thread_asked_sorts_the_pairs_on_the_main_thread(monkeypatch):
    """setup(threads=1): FixedTotalNumberConnector's pairs are sorted before the draws,
    not in a second thread (the user asked for one); the connections are the same."""
    from neurochip import connectors
    monkeypatch.setattr(connectors, "BACKGROUND_SORT", 0)
    made = []

    class Counted(connectors.SortingPairs):
        def __init__(self, *args, **kw):
            made.append(1)
            super().__init__(*args, **kw)

    monkeypatch.setattr(connectors, "SortingPairs", Counted)
    got = {}
    for threads in (1, 2):
        sim.setup(timestep=0.1, threads=threads)
        a, b = sim.Population(300, sim.IF_curr_exp()), sim.Population(200, sim.IF_curr_exp())
        prj = sim.Projection(a, b, sim.FixedTotalNumberConnector(30_000, rng=NumpyRNG(seed=4)),
                             sim.StaticSynapse(weight=0.1, delay=1.0))
        got[threads] = prj.get("weight", format="list")
        sim.end()
        assert len(made) == threads - 1  # none on one thread, then one on two
    assert got[1] == got[2] and len(got[1]) == 30_000

def _counting_pools(monkeypatch):
    import neurochip.connectors as nc
    pools = []

    class Counted(nc.ThreadPoolExecutor):
        def __init__(self, *a, **k):
            pools.append(a)
            super().__init__(*a, **k)

    monkeypatch.setattr(nc, "ThreadPoolExecutor", Counted)
    return nc, pools


def test_parameters_drawn_side_by_side_are_the_sequential_numbers(monkeypatch):
    """Weights and delays drawn in two threads (each from its own copy of the generator,
    as PyNN gives them) are the numbers drawn one after the other."""
    nc, pools = _counting_pools(monkeypatch)

    def build(side_by_side):
        monkeypatch.setattr(nc, "SIDE_BY_SIDE", 0 if side_by_side else 1 << 62)
        sim.setup(timestep=0.1)
        a, b = sim.Population(300, sim.IF_curr_exp()), sim.Population(200, sim.IF_curr_exp())
        rng = NumpyRNG(seed=11)
        w = RandomDistribution("normal_clipped", mu=0.2, sigma=0.05, low=0.0, high=np.inf, rng=rng)
        d = RandomDistribution("normal_clipped", mu=1.5, sigma=0.7, low=0.1, high=np.inf, rng=rng)
        prj = sim.Projection(a, b, sim.FixedTotalNumberConnector(20_000, rng=NumpyRNG(seed=5)),
                             sim.StaticSynapse(weight=w, delay=d))
        out = np.array(prj.get(["weight", "delay"], format="list"))
        sim.end()
        return out

    apart = build(True)
    assert len(pools) == 1
    together = build(False)
    assert len(pools) == 1
    assert len(apart) == 20_000 and np.unique(apart[:, 2]).size > 1000
    np.testing.assert_array_equal(apart, together)


def test_parameters_sharing_a_generator_are_drawn_one_after_the_other(monkeypatch):
    """Two distributions on one generator object: the weights take its first numbers,
    the delays the next, never side by side."""
    from neurochip.mt_draws import draw
    nc, pools = _counting_pools(monkeypatch)
    monkeypatch.setattr(nc, "SIDE_BY_SIDE", 0)
    rng = NumpyRNG(seed=11)
    params = {"weight": RandomDistribution("normal", mu=0.2, sigma=0.05, rng=rng),
              "delay": RandomDistribution("normal", mu=1.5, sigma=0.7, rng=rng)}
    stub = type("P", (), {"_drawn_delays": staticmethod(lambda dist, n: draw(dist, n))})
    n = 5000
    got = nc._values(stub, params, {}, np.zeros(n, np.int64), np.zeros(n, np.int64))
    assert pools == []
    numbers = np.random.RandomState(11).normal(size=2 * n)
    np.testing.assert_allclose(got["weight"], 0.2 + 0.05 * numbers[:n], rtol=0, atol=1e-15)
    np.testing.assert_allclose(got["delay"], 1.5 + 0.7 * numbers[n:], rtol=0, atol=1e-14)
