"""Spike-major delivery (emulator.spikes) and the interleaved packed rows it reads
(mapping.packed_rows.interleave): the same machine, the same answer as the core-by-core
delivery of the full kernel, bit for bit."""

import numba
import numpy as np
import pyNN.neurochip as sim
import pytest

from neurochip.emulator import emulate, load, spikes
from neurochip.emulator.spikes import core_groups, ring_groups
from neurochip.emulator.tier import FULL, LEAN, tier_of
from neurochip.mapping.packed_rows import interleave


def _program(arithmetic="fixed", per_core=40):
    """A lean network over many small cores: a Poisson source fast enough to send several
    spikes in one tick (packets of multiplicity > 1), recurrent excitation and inhibition
    with two delays onto 280 neurons, 1-tick and longer delays."""
    sim.setup(timestep=0.1, seed=11, arithmetic=arithmetic)
    sim.set_number_of_neurons_per_core(sim.IF_curr_exp, per_core)
    cells = sim.Population(280, sim.IF_curr_exp(tau_refrac=2.0, v_thresh=-54.0))
    noise = sim.Population(60, sim.SpikeSourcePoisson(rate=4000.0))
    noise.record("spikes")
    rng = sim.NumpyRNG(seed=5)
    sim.Projection(noise, cells, sim.FixedProbabilityConnector(0.2, rng=rng),
                   sim.StaticSynapse(weight=0.02, delay=0.3))
    delays = sim.RandomDistribution("uniform", low=0.3, high=2.0, rng=rng)
    sim.Projection(cells[:200], cells, sim.FixedProbabilityConnector(0.1, rng=rng),
                   sim.StaticSynapse(weight=0.05, delay=delays))
    sim.Projection(cells[200:], cells, sim.FixedProbabilityConnector(0.2, rng=rng),
                   sim.StaticSynapse(weight=0.1, delay=0.7), receptor_type="inhibitory")
    sim.run(0.1)
    program = sim.simulator.state.mapping.program
    sim.end()
    return program


def _run(program, threads, tier=None, monkeypatch=None, ticks=600):
    if tier is not None:
        monkeypatch.setattr(emulate, "tier_of", lambda p: tier)
    res = load(program, threads=threads).run(ticks)
    if tier is not None:
        monkeypatch.undo()
    return res


@pytest.mark.parametrize("arithmetic", ["fixed", "float"])
def test_spike_major_delivery_is_the_core_by_core_delivery(arithmetic, monkeypatch):
    program = _program(arithmetic)
    assert tier_of(program) == LEAN
    assert program.n_cores >= 8
    # small groups of cores: many groups, a spike's rows on each found through the index
    monkeypatch.setattr(spikes, "RING_GROUP_ENTRIES", 1 << 12)
    threads = [1, 2] if numba.config.NUMBA_NUM_THREADS >= 2 else [1]
    runs = [_run(program, t) for t in threads]
    core_by_core = _run(program, 1, FULL, monkeypatch)
    packets = core_by_core.counter("packets_received").sum()
    events = core_by_core.counter("synaptic_events").sum()
    assert packets > 10_000 and events > 50_000
    # the source sends several spikes in one tick (a spike entry of several packets)
    once = np.unique(np.c_[core_by_core.spike_ticks, core_by_core.spike_neurons], axis=0)
    assert len(once) < len(core_by_core.spike_ticks)
    for res in runs:
        np.testing.assert_array_equal(res.spike_ticks, core_by_core.spike_ticks)
        np.testing.assert_array_equal(res.spike_neurons, core_by_core.spike_neurons)
        np.testing.assert_array_equal(res.counters, core_by_core.counters)


def test_failed_searches_and_packets_are_counted_per_core(monkeypatch):
    """Keys that match no entry: every packet counted, as failed, on the core it reached."""
    import dataclasses

    program = _program()
    sy = program.synapses
    wrong = sy.mpt_key ^ np.uint32(1 << 30)
    bad = dataclasses.replace(program, synapses=dataclasses.replace(sy, mpt_key=wrong))
    monkeypatch.setattr(spikes, "RING_GROUP_ENTRIES", 1 << 12)
    lean = load(bad, check_routes=False).run(200)
    full = _run(bad, 1, FULL, monkeypatch, ticks=200)
    assert lean.counter("failed_mpt_searches").sum() > 100
    assert lean.counter("synaptic_events").sum() == 0
    np.testing.assert_array_equal(lean.counters, full.counters)


def test_the_index_interleaves_a_neuron_s_rows_within_a_group_of_cores():
    program = _program()
    sy = program.synapses
    packed = np.flatnonzero((sy.mpt_row_lo >= 0) & (sy.mpt_stride == 0))
    n = sy.mpt_n[packed].astype(np.int64)
    rows = np.concatenate([sy.mpt_row_lo[e] + np.arange(sy.mpt_n[e]) * sy.mpt_istride[e]
                           for e in packed])
    # every row of the index belongs to exactly one (entry, neuron)
    assert len(rows) == n.sum() == len(sy.row_ptr) - 1
    np.testing.assert_array_equal(np.sort(rows), np.arange(len(rows)))
    assert sy.row_ptr[0] == 0 and sy.row_ptr[-1] == len(sy.syn)
    assert np.all(np.diff(sy.row_ptr) >= 0)
    assert sy.mpt_istride[packed].max() > 1  # some slices reach several cores of a group
    # a source neuron's rows on the cores of one group of cores are side by side
    core = np.repeat(np.arange(program.n_cores), np.diff(sy.mpt_lo))
    group = np.searchsorted(ring_groups(np.diff(sy.ring_lo)), core, side="right") - 1
    for e in packed:
        same = packed[(sy.mpt_key[packed] == sy.mpt_key[e]) & (group[packed] == group[e])]
        firsts = np.sort(sy.mpt_row_lo[same])
        assert len(same) == sy.mpt_istride[e]
        np.testing.assert_array_equal(firsts, firsts[0] + np.arange(len(same)))


def test_interleave_orders_rows_by_group_source_neuron_then_core():
    n_sl = 5
    # (target core, source slice) pairs; cores 0-2 in group 0, cores 3-4 in group 1
    pairs = [(0, 1), (1, 1), (2, 1), (2, 4), (3, 1), (4, 1), (4, 4)]
    ukey = np.array([c * n_sl + s for c, s in pairs])
    g_rows = np.array([3 if s == 1 else 2 for _, s in pairs])
    rlo, istride = interleave(ukey, n_sl, g_rows, np.array([0, 0, 0, 1, 1]))
    # group 0: slice 1 onto cores 0, 1, 2 (3 rows each, interleaved), then slice 4 onto
    # core 2; group 1: slice 1 onto cores 3, 4, then slice 4 onto core 4
    assert rlo.tolist() == [0, 1, 2, 9, 11, 12, 17]
    assert istride.tolist() == [3, 3, 3, 1, 2, 2, 1]


def test_groups_of_cores_hold_their_rings_and_give_each_thread_two():
    entries = np.array([1 << 15] * 6 + [0, 1 << 18, 1 << 10])
    assert ring_groups(entries).tolist() == [0, 4, 7, 8, 9]
    assert core_groups(entries, 1).tolist() == [0, 4, 7, 8, 9]
    assert core_groups(entries, 3).tolist() == [0, 2, 4, 5, 7, 8, 9]
    assert core_groups(np.array([1 << 20]), 2).tolist() == [0, 1]
    assert core_groups(np.zeros(0, np.int64), 2).tolist() == [0]
