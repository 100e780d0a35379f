"""Static rows built by two threads (mapping.packed_rows): the same machine as one thread."""

import numpy as np
import pytest

from neurochip.mapping import packed_rows, synapses
from neurochip.mapping.graph import NetworkGraph, PopulationSpec, ProjectionSpec
from neurochip.mapping.pipeline import map_network

LIF = dict(v_rest=-65.0, cm=1.0, tau_m=20.0, tau_refrac=1.0, tau_syn_E=5.0, tau_syn_I=5.0,
           i_offset=0.0, v_reset=-65.0, v_thresh=-50.0)


def _graph(seed):
    rng = np.random.default_rng(seed)
    pops = tuple(PopulationSpec(label=f"p{i}", model="IF_curr_exp", size=n,
                                params={k: np.full(n, v) for k, v in LIF.items()},
                                max_per_core=int(m))
                 for i, (n, m) in enumerate([(300, 32), (170, 20)]))
    prjs = []
    for k, (pre, post, n, order) in enumerate([(0, 1, 4000, "sorted"), (1, 0, 3000, "shuffled"),
                                               (0, 0, 5000, "sorted"), (1, 1, 2000, "shuffled")]):
        pre_idx = rng.integers(0, pops[pre].size, n)
        post_idx = rng.integers(0, pops[post].size, n)
        if order == "sorted":  # as the connectors store them: by target, then source
            o = np.lexsort((pre_idx, post_idx))
            pre_idx, post_idx = pre_idx[o], post_idx[o]
        # a spread of weights: some round to 0 at the target's shift (counted once)
        weight = rng.choice([0.5, 0.02, 1e-7, 0.3], n)
        prjs.append(ProjectionSpec(label=f"c{k}", pre=pre, post=post,
                                   receptor="excitatory" if k % 2 == 0 else "inhibitory",
                                   pre_idx=pre_idx, post_idx=post_idx,
                                   weight=weight if k % 2 == 0 else -weight,
                                   delay=rng.integers(1, 9, n).astype(float)))
    return NetworkGraph(dt=1.0, populations=pops, projections=tuple(prjs), seed=1)


def _mapped(graph, threads, monkeypatch, arithmetic):
    monkeypatch.setattr(packed_rows, "host_threads", lambda total, threads_asked=None: threads)
    monkeypatch.setattr(synapses, "host_threads", lambda total, threads_asked=None: threads)
    with pytest.warns(Warning):  # weights that round to 0: a QuantisationWarning
        return map_network(graph, arithmetic=arithmetic)


@pytest.mark.parametrize("arithmetic", ["fixed", "float"])
def test_two_threads_build_the_same_rows(monkeypatch, arithmetic):
    graph = _graph(3)
    one, two = (_mapped(graph, t, monkeypatch, arithmetic) for t in (1, 2))
    s1, s2 = one.program.synapses, two.program.synapses
    assert s1.syn.size > 10_000
    np.testing.assert_array_equal(s1.syn, s2.syn)
    np.testing.assert_array_equal(s1.row_ptr, s2.row_ptr)
    np.testing.assert_array_equal(s1.syn_wf, s2.syn_wf)
    assert one.notes == two.notes  # the warning counts each weight lost to 0 once
    np.testing.assert_array_equal(one.shifts, two.shifts)  # the ring totals' chunks in order


def test_ring_totals_are_the_same_on_two_threads(monkeypatch):
    """weight_shifts' totals per neuron, chunk by chunk in a thread pool, are the one-thread
    totals bit for bit (each chunk's sums added in chunk order)."""
    from concurrent.futures import ThreadPoolExecutor

    monkeypatch.setattr(synapses, "CHUNK", 1000)  # many chunks a projection
    graph = _graph(3)
    out = []
    for run in (map, ThreadPoolExecutor(2).map):
        totals, into, biggest = {}, {}, {}
        synapses._add_totals(graph, {}, run, totals, into, biggest)
        out.append((totals, biggest))
    (t1, b1), (t2, b2) = out
    assert t1.keys() == t2.keys() and b1 == b2
    for key in t1:
        np.testing.assert_array_equal(t1[key], t2[key])
        assert t1[key].sum() > 0


def test_core_shares_split_the_synapses_evenly():
    counts = np.array([5, 0, 5, 10, 0, 0, 20])
    shares = packed_rows.core_shares(counts, 2)
    assert shares[0][0] == 0 and shares[0][1] == shares[1][0] and shares[1][1] == len(counts)
    assert [counts[a:b].sum() for a, b in shares] == [20, 20]
    three = packed_rows.core_shares(np.ones(9, np.int64), 3)
    assert three == [(0, 3), (3, 6), (6, 9)]
    for counts in (np.array([7]), np.zeros(3, np.int64)):  # a share may be empty
        shares = packed_rows.core_shares(counts, 2)
        assert shares[0][0] == 0 and shares[-1][1] == len(counts)
        assert sum(counts[a:b].sum() for a, b in shares) == counts.sum()


def test_setup_threads_1_keeps_the_host_on_one_thread(monkeypatch):
    """setup(threads=1) (a sweep running jobs side by side): the packed rows and the
    connectors' draws take one thread; the default takes two on two cores."""
    import os

    import pyNN.neurochip as sim
    from pyNN.random import NumpyRNG, RandomDistribution

    import neurochip.connectors as nc
    monkeypatch.setattr(packed_rows, "MIN_SHARED", 0)
    monkeypatch.setattr(nc, "SIDE_BY_SIDE", 0)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    seen = {"shares": [], "pools": 0}
    real_in_threads = packed_rows._in_threads

    def in_threads(work, shares):
        seen["shares"].append(len(shares))
        return real_in_threads(work, shares)

    class Pool(nc.ThreadPoolExecutor):
        def __init__(self, *a, **k):
            seen["pools"] += 1
            super().__init__(*a, **k)

    monkeypatch.setattr(packed_rows, "_in_threads", in_threads)
    monkeypatch.setattr(nc, "ThreadPoolExecutor", Pool)
    for threads, expect in ((1, 1), (None, 2)):
        seen["shares"].clear()
        seen["pools"] = 0
        sim.setup(timestep=0.1, threads=threads)
        a, b = sim.Population(300, sim.IF_curr_exp()), sim.Population(300, sim.IF_curr_exp())
        rng = NumpyRNG(seed=2)
        sim.Projection(a, b, sim.FixedTotalNumberConnector(5000, rng=rng),
                       sim.StaticSynapse(weight=RandomDistribution("normal", mu=0.1, sigma=0.01,
                                                                   rng=rng),
                                         delay=RandomDistribution("normal_clipped", mu=1.0,
                                                                  sigma=0.2, low=0.1,
                                                                  high=5.0, rng=rng)))
        sim.run(1.0)
        sim.end()
        assert seen["shares"] and set(seen["shares"]) == {expect}
        assert seen["pools"] == (0 if threads == 1 else 1)
