"""PyNN behaviour through pyNN.neurochip: segments, runs, recording, initial values, I/O."""

import neo
import numpy as np
import pyNN.neurochip as sim
import pytest
from neo.io import PickleIO

ARITH = pytest.mark.parametrize("arithmetic", ["fixed", "float"])
DT = 0.1
TIMES = [[5.0, 20.0, 30.0, 60.0, 61.0, 62.0], [10.0, 70.0]]


@pytest.fixture(autouse=True)
def _end():
    yield
    sim.end()


def network(arithmetic="fixed", weight=3.0, record=("v", "spikes")):
    """Two spike-array sources driving three IF_curr_exp cells: deterministic."""
    sim.setup(timestep=DT, arithmetic=arithmetic)
    src = sim.Population(2, sim.SpikeSourceArray(spike_times=TIMES), label="src")
    cells = sim.Population(3, sim.IF_curr_exp(tau_refrac=2.0), label="cells")
    sim.Projection(src, cells, sim.AllToAllConnector(), sim.StaticSynapse(weight=weight, delay=1.0))
    cells.record(list(record))
    return src, cells


def signal(segment, name):
    return segment.filter(name=name)[0]


def spikes(segment):
    return [np.asarray(t.rescale("ms").magnitude) for t in segment.spiketrains]


@ARITH
def test_get_data_is_a_block_with_signals_and_spikes(arithmetic):
    _, cells = network(arithmetic)
    sim.run(20.0)
    block = cells.get_data()
    assert isinstance(block, neo.Block)
    assert len(block.segments) == 1
    seg = block.segments[0]
    v = signal(seg, "v")
    assert v.shape == (201, 3)
    assert float(v.sampling_period.rescale("ms")) == pytest.approx(DT)
    assert str(v.units.dimensionality) == "mV"
    assert len(seg.spiketrains) == 3
    assert all(len(t) >= 1 for t in seg.spiketrains)  # 3 nA at 5 ms fires each cell
    assert np.all(np.asarray(v) <= -50.0 + 1e-9)  # never above threshold in the record


@ARITH
def test_consecutive_runs_equal_one_run(arithmetic):
    _, cells = network(arithmetic)
    sim.run(50.0)
    sim.run(50.0)
    split = cells.get_data().segments[0]
    _, cells = network(arithmetic)
    sim.run(100.0)
    whole = cells.get_data().segments[0]
    v_split, v_whole = np.asarray(signal(split, "v")), np.asarray(signal(whole, "v"))
    assert v_split.shape == (1001, 3)
    np.testing.assert_array_equal(v_split, v_whole)
    for a, b in zip(spikes(split), spikes(whole)):
        np.testing.assert_array_equal(a, b)
        assert np.any(a < 50.0) and np.any(a > 50.0)  # spike times continue after 50 ms


def test_reset_starts_a_new_segment():
    _, cells = network()
    sim.run(30.0)
    v0 = np.asarray(signal(cells.get_data().segments[0], "v")).copy()
    s0 = spikes(cells.get_data().segments[0])
    sim.reset()
    assert sim.get_current_time() == 0.0
    sim.run(30.0)
    block = cells.get_data()
    assert len(block.segments) == 2
    np.testing.assert_array_equal(np.asarray(signal(block.segments[0], "v")), v0)
    np.testing.assert_array_equal(np.asarray(signal(block.segments[1], "v")), v0)  # same again
    for a, b in zip(spikes(block.segments[1]), s0):
        np.testing.assert_array_equal(a, b)
        assert a.max() < 30.0
    sim.reset()
    sim.run(10.0)
    block = cells.get_data()
    assert len(block.segments) == 3
    assert signal(block.segments[2], "v").shape == (101, 3)


def test_time_queries_and_run_until():
    _, cells = network()
    assert sim.get_time_step() == DT
    assert sim.get_current_time() == 0.0
    sim.run(10.0)
    assert sim.get_current_time() == pytest.approx(10.0)
    sim.run_until(25.0)
    assert sim.get_current_time() == pytest.approx(25.0)
    assert signal(cells.get_data().segments[0], "v").shape == (251, 3)
    with pytest.raises(ValueError):
        sim.run_until(5.0)


def test_record_on_view_records_only_those_neurons():
    sim.setup(timestep=DT)
    pop = sim.Population(5, sim.IF_curr_exp(i_offset=[0.0, 0.5, 1.0, 1.5, 2.0]), label="pop")
    pop[1:3].record("v")
    sim.run(10.0)
    v = signal(pop.get_data().segments[0], "v")
    assert v.shape == (101, 2)
    np.testing.assert_array_equal(v.array_annotations["channel_index"], [1, 2])
    # neuron 2 has the larger drive: it climbs faster than neuron 1
    assert float(v[-1, 1]) > float(v[-1, 0]) > -65.0


@ARITH
def test_initialize_sets_first_sample(arithmetic):
    sim.setup(timestep=DT, arithmetic=arithmetic)
    pop = sim.Population(4, sim.IF_curr_exp(), label="pop")
    pop.initialize(v=np.array([-60.0, -61.3, -70.0, -52.5]))
    pop.record("v")
    sim.run(5.0)
    v = np.asarray(signal(pop.get_data().segments[0], "v"))
    np.testing.assert_allclose(v[0], [-60.0, -61.3, -70.0, -52.5], atol=1e-4)
    assert v[1, 2] > -70.0 and v[1, 3] < -52.5  # and the cells relax from there towards v_rest


def test_write_data_pickle_round_trip(tmp_path):
    _, cells = network()
    sim.run(80.0)
    path = tmp_path / "cells.pkl"
    cells.write_data(str(path))
    block = PickleIO(str(path)).read_block()
    counts = cells.get_spike_counts()
    assert sum(counts.values()) > 3
    assert [len(t) for t in block.segments[0].spiketrains] == [counts[i] for i in sorted(counts)]
    np.testing.assert_array_equal(np.asarray(signal(block.segments[0], "v")),
                                  np.asarray(signal(cells.get_data().segments[0], "v")))


@ARITH
def test_set_between_runs_changes_second_run(arithmetic):
    sim.setup(timestep=DT, arithmetic=arithmetic)
    pop = sim.Population(2, sim.IF_curr_exp(i_offset=0.0), label="pop")
    pop.record("spikes")
    sim.run(50.0)
    pop.set(i_offset=2.0)
    sim.run(50.0)
    pop.set(i_offset=0.0)
    sim.run(50.0)
    for t in spikes(pop.get_data().segments[0]):
        assert len(t) >= 3
        assert t.min() > 50.0  # nothing before the current was switched on
        assert t.max() < 105.0  # and nothing long after it was switched off


@ARITH
def test_isyn_exc_jumps_after_input(arithmetic):
    sim.setup(timestep=DT, arithmetic=arithmetic)
    src = sim.Population(1, sim.SpikeSourceArray(spike_times=[5.0]), label="src")
    pop = sim.Population(1, sim.IF_curr_exp(tau_syn_E=5.0), label="pop")
    sim.Projection(src, pop, sim.AllToAllConnector(), sim.StaticSynapse(weight=1.5, delay=1.0))
    pop.record("isyn_exc")
    sim.run(15.0)
    sig = signal(pop.get_data().segments[0], "isyn_exc")
    assert str(sig.units.dimensionality) == "nA"
    i = np.asarray(sig).ravel()
    assert np.all(i[:60] == 0.0)  # nothing arrives before 5 ms + 1 ms delay
    k = int(np.argmax(i))
    assert 60 <= k <= 61
    assert 1.5 * np.exp(-DT / 5.0) - 1e-3 <= i[k] <= 1.5 + 1e-3
    np.testing.assert_allclose(i[k + 1:k + 40] / i[k:k + 39], np.exp(-DT / 5.0), rtol=1e-3)


@ARITH
def test_isyn_inh_is_negative_after_inhibitory_input(arithmetic):
    sim.setup(timestep=DT, arithmetic=arithmetic)
    src = sim.Population(1, sim.SpikeSourceArray(spike_times=[5.0]), label="src")
    pop = sim.Population(1, sim.IF_curr_exp(), label="pop")
    sim.Projection(src, pop, sim.AllToAllConnector(), sim.StaticSynapse(weight=-0.75, delay=2.0),
                   receptor_type="inhibitory")
    pop.record(["isyn_inh", "isyn_exc", "v"])
    sim.run(15.0)
    seg = pop.get_data().segments[0]
    inh = np.asarray(signal(seg, "isyn_inh")).ravel()
    assert np.all(inh <= 0.0)
    assert np.all(inh[:70] == 0.0)
    assert -0.75 - 1e-3 <= inh.min() <= -0.75 * np.exp(-DT / 5.0) + 1e-3
    assert np.all(np.asarray(signal(seg, "isyn_exc")) == 0.0)
    v = np.asarray(signal(seg, "v")).ravel()
    assert v[:70].min() == pytest.approx(-65.0) and v.min() < -65.1  # hyperpolarised


def test_fixed_and_float_agree():
    traces = {}
    for arithmetic in ("fixed", "float"):
        _, cells = network(arithmetic)
        sim.run(100.0)
        seg = cells.get_data().segments[0]
        traces[arithmetic] = (np.asarray(signal(seg, "v")), spikes(seg))
        sim.end()
    (v_fix, s_fix), (v_flt, s_flt) = traces["fixed"], traces["float"]
    assert not np.array_equal(v_fix, v_flt)  # the two arithmetics really differ
    np.testing.assert_allclose(v_fix, v_flt, atol=0.05)
    for a, b in zip(s_fix, s_flt):
        np.testing.assert_allclose(a, b, atol=DT + 1e-9)


def test_get_data_clear_keeps_only_new_data():
    _, cells = network()
    sim.run(40.0)
    first = cells.get_data(clear=True).segments[0]
    sim.run(40.0)
    second = cells.get_data().segments[0]
    assert signal(first, "v").shape[0] == 401
    v2 = signal(second, "v")
    assert v2.shape[0] == 401 and float(v2.t_start.rescale("ms")) == pytest.approx(40.0)
    for a, b in zip(spikes(first), spikes(second)):
        assert a.max() <= 40.0 and b.min() > 40.0


def test_record_started_after_a_run():
    _, cells = network(record=("spikes",))
    sim.run(20.0)
    cells.record("v")
    sim.run(20.0)
    late = signal(cells.get_data().segments[0], "v")
    _, ref_cells = network()
    sim.run(40.0)
    ref = np.asarray(signal(ref_cells.get_data().segments[0], "v"))
    times = late.times.rescale("ms").magnitude
    assert times[-1] == pytest.approx(40.0) and times[0] <= 20.0 + DT + 1e-9
    rows = np.rint(times / DT).astype(int)
    got = np.asarray(late)
    assert not np.isnan(got[times > 20.0 + 1e-9]).any()  # NaN only for before recording began
    keep = ~np.isnan(got).any(axis=1)
    np.testing.assert_array_equal(got[keep], ref[rows[keep]])


def test_sampling_interval_keeps_every_kth_sample():
    def v_of(interval):
        sim.setup(timestep=0.1)
        p = sim.Population(2, sim.IF_curr_exp(i_offset=0.5))
        p.record("v", sampling_interval=interval)
        sim.run(30.0)
        sig = p.get_data().segments[0].analogsignals[0]
        sim.end()
        return sig
    fine, coarse = v_of(0.1), v_of(0.5)
    assert coarse.shape == (61, 2)
    assert float(coarse.sampling_period.rescale("ms")) == 0.5
    assert np.array_equal(np.asarray(coarse), np.asarray(fine)[::5])
    with pytest.raises(ValueError, match="multiple of the timestep"):
        sim.setup(timestep=0.1)
        sim.Population(1, sim.IF_curr_exp()).record("v", sampling_interval=0.25)
