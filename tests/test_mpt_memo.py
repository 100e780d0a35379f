"""The master population tables' searches memoised by source core (emulator.delivery):
the memo gives what the binary search gives, and the runs are the searches' runs."""

import dataclasses

import numpy as np
import pytest

import neurochip.emulator.emulate as emulate
from neurochip.emulator import load
from neurochip.emulator.delivery import mpt_search
from neurochip.emulator.views import synapse_view
from neurochip.mapping.graph import NetworkGraph, PopulationSpec, ProjectionSpec
from neurochip.mapping.machine import spinn3
from neurochip.mapping.pipeline import map_network

LIF = dict(v_rest=-65.0, cm=1.0, tau_m=20.0, tau_refrac=1.0, tau_syn_E=5.0, tau_syn_I=5.0,
           i_offset=0.0, v_reset=-65.0, v_thresh=-50.0)


def _network(n_src=1500, n_tgt=1500, n_syn=60_000, seed=3):
    """Sources over several cores, each spiking a few times, onto cells over several."""
    rng = np.random.default_rng(seed)
    times = np.sort(rng.uniform(1.0, 40.0, (n_src, 4)), axis=1).ravel().round(1)
    src = PopulationSpec(label="src", model="SpikeSourceArray", size=n_src,
                         spike_lo=np.arange(0, 4 * n_src + 1, 4), spike_times=times)
    tgt = PopulationSpec(label="tgt", model="IF_curr_exp", size=n_tgt,
                         params={n: np.full(n_tgt, v) for n, v in LIF.items()},
                         record={"spikes": np.ones(n_tgt, bool)})
    post = np.sort(rng.integers(0, n_tgt, n_syn))
    prj = ProjectionSpec(label="in", pre=0, post=1, receptor="excitatory",
                         pre_idx=rng.integers(0, n_src, n_syn), post_idx=post,
                         weight=np.full(n_syn, 0.4), delay=rng.integers(1, 30, n_syn) * 0.1)
    graph = NetworkGraph(dt=0.1, populations=(src, tgt), projections=(prj,))
    return map_network(graph, spinn3())


def test_the_memo_is_the_search_for_every_key_of_a_source():
    em = load(_network().program)
    p = em.program
    sv = synapse_view(p.synapses, p.synapses.syn, p.synapses.syn_wf)
    n = p.n_cores
    records = em.mpt_memo.reshape(n, n, -1)  # [source core, core]
    memo = records[:, :, 0].T
    assert n >= 6 and np.count_nonzero(memo >= 0) >= 6  # sources of 2 cores onto 6
    lo = p.cores.neuron_lo
    sy = p.synapses
    for dc, s in zip(*np.nonzero(memo >= 0)):
        for g in range(lo[s], lo[s + 1]):
            e, local = mpt_search(dc, np.int64(em.key_of[g]), sv)
            assert e == memo[dc, s] and local == g - lo[s]
        # the record holds the entry's fields that a packet reads
        e = memo[dc, s]
        row, masks, strides = records[s, dc, 1:]
        assert row == sy.mpt_row_lo[e]
        assert masks & 0xFFFFFFFF == ~np.int64(sy.mpt_mask[e]) & 0xFFFFFFFF
        assert masks >> 32 == sy.mpt_n[e]
        assert strides & 0xFFFFFFFF == sy.mpt_stride[e] and strides >> 32 == sy.mpt_istride[e]
    for dc in range(n):  # a core without a table, or a source that sends nowhere: no memo
        if p.synapses.mpt_lo[dc + 1] == p.synapses.mpt_lo[dc]:
            assert np.all(memo[dc] < 0)


def _spikes_and_counters(program):
    res = load(program).run(600)
    return res.spike_neurons, res.spike_ticks, res.counters


@pytest.mark.parametrize("coarse", [False, True])
def test_runs_with_the_memo_are_runs_of_the_searches(monkeypatch, coarse):
    """The same spikes and counters with the memo as searching every packet. ``coarse``:
    every master-table mask also covers the neuron bits (an entry then matches only the
    key of a source's first neuron), so no source is memoised and the packets of the
    others fail their searches as they must."""
    program = _network().program
    if coarse:
        sy = program.synapses
        program = dataclasses.replace(program, synapses=dataclasses.replace(
            sy, mpt_mask=np.full_like(sy.mpt_mask, 0xFFFFFFFF)))
        assert np.all(load(program).mpt_memo[:, 0] < 0)
    with_memo = _spikes_and_counters(program)
    monkeypatch.setattr(emulate, "MEMO_MAX", 0)
    assert len(load(program).mpt_memo) == 0
    searched = _spikes_and_counters(program)
    for a, b in zip(with_memo, searched):
        assert np.array_equal(a, b)
    failed = with_memo[2][:, list(emulate.COUNTERS).index("failed_mpt_searches")].sum()
    assert (failed > 0) == coarse
