"""Projections from and onto Assemblies (of populations and views)."""

import numpy as np
import pyNN.neurochip as sim


def _network(use_assembly):
    sim.setup(timestep=0.1)
    a = sim.Population(3, sim.SpikeSourceArray(spike_times=[5.0]), label="a")
    b = sim.Population(2, sim.SpikeSourceArray(spike_times=[9.0]), label="b")
    c = sim.Population(4, sim.IF_curr_exp(), label="c")
    d = sim.Population(5, sim.IF_curr_exp(), label="d")
    syn = sim.StaticSynapse(weight=5.0, delay=1.0)
    if use_assembly:
        # assembly indices: a = 0..2, b[1:2] = 3; c = 0..3, d = 4..8
        sim.Projection(a + b[1:2], c + d, sim.FromListConnector([(0, 0), (3, 8), (2, 5)]), syn)
    else:
        sim.Projection(a, c, sim.FromListConnector([(0, 0)]), syn)
        sim.Projection(b, d, sim.FromListConnector([(1, 4)]), syn)
        sim.Projection(a, d, sim.FromListConnector([(2, 1)]), syn)
    for pop in (c, d):
        pop.record("spikes")
    sim.run(30.0)
    graph = sim.simulator.state.build_graph()
    pairs = {(s.pre, s.post, tuple(s.pre_idx), tuple(s.post_idx)) for s in graph.projections}
    trains = [[np.asarray(t) for t in pop.get_data().segments[0].spiketrains] for pop in (c, d)]
    sim.end()
    return pairs, trains


def test_assembly_projection_is_the_same_as_its_population_projections():
    pairs, trains = _network(True)
    assert pairs == {(0, 2, (0,), (0,)), (1, 3, (1,), (4,)), (0, 3, (2,), (1,))}
    _, direct = _network(False)
    fired = [(p, i) for p, tr in enumerate(trains) for i, t in enumerate(tr) if len(t)]
    assert fired == [(0, 0), (1, 1), (1, 4)]
    for x, y in zip(trains, direct):
        for tx, ty in zip(x, y):
            assert np.array_equal(tx, ty)
    # b's neuron fires 4 ms after a's: its target fires later by the same amount
    assert abs((trains[1][4][0] - trains[1][1][0]) - 4.0) < 1e-9
