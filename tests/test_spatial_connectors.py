"""PyNN's spatial and index-based connectors through neurochip (PyNN's per-target path)."""

import numpy as np
import pyNN.neurochip as sim
import pytest
from pyNN.core import IndexBasedExpression
from pyNN.random import NumpyRNG, RandomDistribution
from pyNN.space import Grid2D, Line, RandomStructure, Space, Sphere


@pytest.fixture
def grid():
    sim.setup(timestep=0.1)
    a = sim.Population(100, sim.IF_curr_exp(), structure=Grid2D(dx=1.0, dy=1.0))
    yield a
    sim.end()


def _pairs(prj):
    return np.array([(int(i), int(j)) for i, j, *_ in prj.get("weight", format="list")])


def test_distance_dependent_connects_only_near_neighbours(grid):
    prj = sim.Projection(grid, grid, sim.DistanceDependentProbabilityConnector(
        "d < 1.5", allow_self_connections=False, rng=NumpyRNG(1)),
        sim.StaticSynapse(weight=0.1, delay="0.2 + 0.1*d"))
    pairs = _pairs(prj)
    pos = grid.positions.T
    d = np.linalg.norm(pos[pairs[:, 0]] - pos[pairs[:, 1]], axis=1)
    assert len(pairs) > 0 and d.max() < 1.5 and d.min() > 0
    # inner nodes of a 10x10 grid have 8 neighbours within 1.5
    assert np.bincount(pairs[:, 1], minlength=100).max() == 8
    delays = np.array(prj.get("delay", format="list"))[:, 2]
    assert np.allclose(delays, np.rint((0.2 + 0.1 * d) / 0.1) * 0.1)


def test_displacement_index_based_array_and_clone(grid):
    disp = sim.Projection(grid, grid, sim.DisplacementDependentProbabilityConnector(
        lambda d: (np.abs(d[0] - 1.0) < 0.5) & (np.abs(d[1]) < 0.5), rng=NumpyRNG(2)),
        sim.StaticSynapse(weight=0.1))
    assert len(disp) == 90  # one neighbour one step along x, for every node but one column
    src = sim.Population(10, sim.SpikeSourcePoisson(rate=5.0), structure=Line())
    idx = sim.Projection(src, grid, sim.IndexBasedProbabilityConnector(
        _EvenToEven(), rng=NumpyRNG(3)), sim.StaticSynapse(weight=0.1))
    pairs = _pairs(idx)
    assert len(pairs) == 5 * 50 and np.all(pairs % 2 == 0)
    arr = np.zeros((10, 100), bool)
    arr[3, 7] = arr[9, 0] = True
    a = sim.Projection(src, grid, sim.ArrayConnector(arr), sim.StaticSynapse(weight=0.2))
    assert sorted(map(tuple, _pairs(a))) == [(3, 7), (9, 0)]
    clone = sim.Projection(src, grid, sim.CloneConnector(a), sim.StaticSynapse(weight=0.3))
    assert sorted(map(tuple, _pairs(clone))) == [(3, 7), (9, 0)]
    sim.run(10.0)  # and it all maps and runs


class _EvenToEven(IndexBasedExpression):
    """Connect even sources to even targets."""

    def __call__(self, i, j):
        return ((i % 2 == 0) & (j % 2 == 0)).astype(float)


def test_small_world_is_local_before_rewiring_and_rewires_the_asked_fraction():
    sim.setup(timestep=0.1)
    pop = sim.Population(200, sim.IF_curr_exp(), structure=Line(dx=1.0))

    def far(p):
        prj = sim.Projection(pop, pop, sim.SmallWorldConnector(
            degree=3.5, rewiring=p, allow_self_connections=False, rng=NumpyRNG(7)),
            sim.StaticSynapse(weight=0.1))
        pairs = _pairs(prj)
        return len(pairs), np.mean(np.abs(pairs[:, 0] - pairs[:, 1]) > 3.5), pairs
    n0, f0, pairs0 = far(0.0)
    assert n0 == 200 * 6 - 2 * (3 + 2 + 1) and f0 == 0.0  # 3 neighbours on each side
    assert not np.any(pairs0[:, 0] == pairs0[:, 1])
    n1, f1, _ = far(0.2)
    assert n1 == n0 and abs(f1 - 0.2 * (1 - 6 / 199)) < 0.04  # rewired ends land anywhere
    sim.end()


def test_small_world_and_random_structure():
    sim.setup(timestep=0.1)
    pop = sim.Population(60, sim.IF_curr_exp(),
                         structure=RandomStructure(boundary=Sphere(5.0), rng=NumpyRNG(4)))
    assert pop.positions.shape == (3, 60)
    assert np.all(np.linalg.norm(pop.positions, axis=0) <= 5.0 + 1e-9)
    sw = sim.Projection(pop, pop, sim.SmallWorldConnector(degree=2.0, rewiring=0.1, rng=NumpyRNG(5)),
                        sim.StaticSynapse(weight=RandomDistribution("uniform", (0.1, 0.2),
                                                                    rng=NumpyRNG(6))),
                        space=Space())
    w = np.array(sw.get("weight", format="list"))[:, 2]
    assert len(w) > 0 and w.min() >= 0.1 and w.max() <= 0.2
    sim.run(5.0)
    sim.end()
