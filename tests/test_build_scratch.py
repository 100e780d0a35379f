"""The build's temporaries come from reused scratch buffers (neurochip.scratch) and delays
are drawn in chunks straight into timesteps: the same numbers as numpy's own draws, the
same stored arrays as before, and nothing held once the build is over."""

from copy import deepcopy as copy_rng

import numpy as np
import pyNN.neurochip as sim
import pytest
from pyNN.random import NumpyRNG, RandomDistribution

from neurochip import connectors, mt_draws, scratch
from neurochip.connector_kernels import as_ticks


def test_take_grows_reuses_and_releases():
    scratch.release()
    a = scratch.take("t", 1000, np.uint32)
    assert a.dtype == np.uint32 and a.shape == (1000,) and scratch.held_bytes() == 4000
    a[:] = 7
    b = scratch.take("t", 300, np.uint16)  # smaller: the same memory, another type
    assert b.shape == (300,) and np.shares_memory(a, b)
    c = scratch.take("t", 2000, np.float64)  # larger: grown (at least 16000 bytes)
    assert c.shape == (2000,) and not np.shares_memory(a, c) and scratch.held_bytes() >= 16000
    d = scratch.take("u", 5, np.int64)
    assert not np.shares_memory(c, d)
    assert scratch.take("t", 0, np.int32).shape == (0,)
    scratch.release()
    assert scratch.held_bytes() == 0


def _numpy_ticks(dist_factory, seed, n, dt, prime):
    """PyNN's own draw (numpy's normal, PyNN's _clipped), then as Projection stores it."""
    rng = NumpyRNG(seed=seed)
    if prime:
        rng.rng.normal(size=prime)
    d = dist_factory(rng).next(n)
    return as_ticks(d, dt), rng


@pytest.mark.parametrize("prime", [0, 1, 2])  # 1: a kept normal carried into the first call
@pytest.mark.parametrize("n, chunk", [(1, 1000), (999, 1000), (1000, 1000), (1001, 1000),
                                      (7_777, 1000), (7_777, 333), (20_000, 1 << 20)])
def test_chunked_delay_ticks_are_numpys(monkeypatch, n, chunk, prime):
    """draw_ticks in chunks (seams inside and at chunk ends, odd chunks carrying numpy's
    kept normal from one call to the next, redraw rounds after all chunks): the
    timesteps of PyNN's own draw, and the generator left where PyNN's leaves it."""
    monkeypatch.setattr(mt_draws, "DELAY_CHUNK", chunk)
    dt = 0.1

    def dist(rng):  # ~32 % outside: several redraw rounds, from every chunk
        return RandomDistribution("normal_clipped", mu=1.5, sigma=1.0, low=1.0, high=2.5,
                                  rng=rng)

    want, ref = _numpy_ticks(dist, 5, n, dt, prime)
    rng = NumpyRNG(seed=5)
    if prime:
        rng.rng.normal(size=prime)
    got = mt_draws.draw_ticks(dist(rng), n, dt)
    assert got.dtype == np.uint16
    np.testing.assert_array_equal(got, want)
    assert got.min() >= 10 and got.max() <= 25
    np.testing.assert_array_equal(rng.rng.normal(size=3), ref.rng.normal(size=3))
    np.testing.assert_array_equal(rng.rng.random_sample(2), ref.rng.random_sample(2))


def test_chunked_delay_ticks_decline_what_they_cannot_keep():
    """Bounds whose timesteps leave [1, 65535], unclipped normals, other distributions:
    None, and nothing drawn (the caller draws in ms as before)."""
    rng = NumpyRNG(seed=2)
    before = rng.rng.get_state()[1].copy()
    for dist in (RandomDistribution("normal_clipped", mu=1.0, sigma=0.5, low=0.0, high=3.0,
                                    rng=rng),  # rint(0 / dt) = 0
                 RandomDistribution("normal_clipped", mu=1.0, sigma=0.5, low=0.1, high=np.inf,
                                    rng=rng),
                 RandomDistribution("normal_clipped", mu=1.0, sigma=0.5, low=0.1, high=7000.0,
                                    rng=rng),  # 70000 timesteps
                 RandomDistribution("normal", mu=1.0, sigma=0.5, rng=rng),
                 RandomDistribution("uniform", low=1.0, high=2.0, rng=rng)):
        assert mt_draws.draw_ticks(dist, 5000, 0.1) is None
    np.testing.assert_array_equal(rng.rng.get_state()[1], before)


def test_pair_numbers_into_a_uint32_buffer_are_numpys():
    a, b = np.random.RandomState(4), np.random.RandomState(4)
    for high in (3, 453_000_000, 1 << 32):
        out = np.full(500, 99, np.uint32)
        assert mt_draws.randint_prefix(b, high, 500, 1016, out=out) is out
        np.testing.assert_array_equal(out, a.randint(0, high, size=1016)[:500])
    np.testing.assert_array_equal(b.normal(size=3), a.normal(size=3))
    with pytest.raises(ValueError, match="uint16"):
        mt_draws.randint_prefix(b, 1 << 20, 5, 5, out=np.empty(5, np.uint16))


SIZES = [(300, 200, 40_000), (120, 90, 3_000), (400, 500, 150_000), (50, 60, 2_500),
         (500, 400, 90_000)]  # grown, shrunk (stale contents), grown past, ...


def _numpy_network(seed, dt):
    """What the projections must hold, from numpy and PyNN's own draws: FixedTotalNumber
    pairs (2n + 16 drawn with replacement, the first n kept) sorted by (post, pre), then
    the weights and the delays drawn per connection in that order (each by the copy of
    the generator that PyNN's native synapse parameters hold: as it was before the
    pairs, a copy per parameter)."""
    rng = NumpyRNG(seed=seed)
    out = []
    for n_pre, n_post, n in SIZES:
        w = _weight(copy_rng(rng)).next(n)
        d = np.rint(_delay(copy_rng(rng)).next(n) / dt) * dt
        flat = np.sort(rng.rng.randint(0, n_pre * n_post, size=2 * n + 16)[:n])
        post, pre = np.divmod(flat, n_pre)
        out.append((pre, post, w, d))
    return out


def _weight(rng):
    return RandomDistribution("normal_clipped", mu=0.2, sigma=0.05, low=0.1, high=np.inf,
                              rng=rng)


def _delay(rng):
    return RandomDistribution("normal_clipped", mu=1.5, sigma=0.75, low=0.1, high=3.0, rng=rng)


@pytest.mark.parametrize("background", [False, True])
def test_projections_of_different_sizes_hold_numpys_arrays(monkeypatch, background):
    """Projections built one after the other through the same scratch buffers (grown,
    then reused with a smaller projection's stale numbers in them), pairs sorted in the
    background or not, delays in chunks of 1000: each holds the arrays numpy's own draws
    give; delays stored as timesteps, drawn as float64 a chunk at a time (and PyNN's
    redraw rounds);
    the scratch let go by run(), and a second network's by reset() and end()."""
    monkeypatch.setattr(connectors, "BACKGROUND_SORT", 0 if background else 1 << 40)
    monkeypatch.setattr(mt_draws, "DELAY_CHUNK", 1000)
    sizes = []
    normal = mt_draws.legacy_normal

    def counted(rs, loc, scale, n, out=None):
        if loc == 1.5:  # a delay draw
            sizes.append(n)
        return normal(rs, loc, scale, n, out)

    monkeypatch.setattr(mt_draws, "legacy_normal", counted)
    dt = 0.1
    want = _numpy_network(9, dt)
    sim.setup(timestep=dt)
    rng = NumpyRNG(seed=9)
    prjs = []
    for n_pre, n_post, n in SIZES:
        a, b = sim.Population(n_pre, sim.IF_curr_exp()), sim.Population(n_post, sim.IF_curr_exp())
        prjs.append(sim.Projection(a, b, sim.FixedTotalNumberConnector(n, rng=rng),
                                   sim.StaticSynapse(weight=_weight(rng), delay=_delay(rng))))
    assert scratch.held_bytes() >= 150_000 * 4
    for prj, (pre, post, w, d) in zip(prjs, want):
        assert prj._all()["delay"].dtype == np.uint16
        np.testing.assert_array_equal(np.asarray(prj._pre, np.int64), pre)
        np.testing.assert_array_equal(prj._post, post)
        np.testing.assert_array_equal(prj._values("weight"), w)
        np.testing.assert_array_equal(prj._values("delay"), d)
    # whole chunks of 1000, the rest of each projection, then the redraw rounds (a fifth)
    assert sizes.count(1000) >= sum(n // 1000 for *_, n in SIZES)
    assert max(sizes) < 0.3 * 150_000 and sum(sizes) > sum(n for *_, n in SIZES)
    sim.run(0.2)
    assert scratch.held_bytes() == 0
    sim.end()
    sim.setup(timestep=dt)
    a = sim.Population(100, sim.IF_curr_exp())
    for release in (sim.reset, sim.end):
        sim.Projection(a, a, sim.FixedTotalNumberConnector(5000, rng=NumpyRNG(seed=1)),
                       sim.StaticSynapse(weight=0.1, delay=1.0))
        assert scratch.held_bytes() > 0
        release()
        assert scratch.held_bytes() == 0
    assert scratch.held_bytes() == 0
