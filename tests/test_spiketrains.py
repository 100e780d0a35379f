"""neurochip.spiketrains: the SpikeTrains get_data hands out are neo's own, made faster."""

import numpy as np
import pyNN.neurochip as sim
import pytest
import quantities as pq
from neo.core.spiketrainlist import SpikeTrainList

from neurochip.spiketrains import SpikeTrains


def _pair(ids, times, channels, **annotations):
    kw = dict(t_start=0.0 * pq.ms, t_stop=100.0 * pq.ms, units="ms", **annotations)
    return (SpikeTrains.from_spike_time_array(times, ids, channels, **kw),
            SpikeTrainList.from_spike_time_array(times, ids, channels, **kw))


def _same(fast, neo):
    fast, neo = list(fast), list(neo)
    assert len(fast) == len(neo)
    for a, b in zip(fast, neo):
        assert np.array_equal(a.magnitude, b.magnitude)
        assert a.units == b.units and a.t_start == b.t_start and a.t_stop == b.t_stop
        assert a.annotations.keys() == b.annotations.keys()
        for k in a.annotations:
            assert np.all(a.annotations[k] == b.annotations[k]), k


def test_trains_equal_neos_with_unsorted_spikes_empty_trains_and_annotations():
    rng = np.random.default_rng(3)
    ids = rng.integers(0, 40, 2000)
    times = rng.uniform(0.0, 100.0, 2000)          # not sorted: each train keeps this order
    channels = np.array([7, 3, 45, 0, *range(8, 40)])  # neuron 45 never fires; 1, 2 ... not asked
    fast, neo = _pair(ids, times, channels, source_population="p",
                      source_index=np.arange(len(channels)))
    _same(fast, neo)
    assert len(fast[2]) == 0 and fast[0].annotations["channel_id"] == 7
    assert fast[1].annotations["source_index"] == 1 and fast[1].annotations["source_population"] == "p"


def test_a_sum_of_two_lists_keeps_the_class_and_its_trains():
    fast_a, neo_a = _pair(np.array([0, 1, 0]), np.array([5.0, 2.0, 1.0]), [0, 1])
    fast_b, neo_b = _pair(np.array([2, 2]), np.array([9.0, 3.0]), [2])
    fast, neo = fast_a + fast_b, neo_a + neo_b   # neo then holds its channels as a set
    assert type(fast) is SpikeTrains
    _same(fast, neo)


def test_get_data_hands_out_spike_trains_made_by_one_sort():
    sim.setup(timestep=0.1)
    src = sim.Population(60, sim.SpikeSourcePoisson(rate=80.0), label="src")
    cells = sim.Population(5, sim.IF_curr_exp(), label="cells")
    sim.Projection(src, cells, sim.AllToAllConnector(), sim.StaticSynapse(weight=0.5, delay=1.0))
    (src + cells).record("spikes")
    sim.run(200.0)
    block = src.get_data("spikes")
    trains = block.segments[0].spiketrains
    assert isinstance(trains, SpikeTrains)
    ids, times = trains.multiplexed
    assert len(ids) > 500
    neo = SpikeTrainList.from_spike_time_array(
        times, ids, list(trains._all_channel_ids), units="ms", **trains._spiketrain_metadata,
        **trains._annotations)
    _same(trains, neo)
    assert all(t.segment is block.segments[0] for t in trains)
    # an Assembly's block: its populations' trains one after the other
    whole = list((src + cells).get_data("spikes").segments[0].spiketrains)
    parts = list(trains) + list(cells.get_data("spikes").segments[0].spiketrains)
    assert [list(t.magnitude) for t in whole] == [list(t.magnitude) for t in parts]
    assert sum(len(t) for t in parts[60:]) > 0
    sim.end()


def test_string_channel_ids_are_left_to_neo():
    fast, neo = _pair(np.array(["a", "b", "a"]), np.array([1.0, 2.0, 3.0]), ["a", "b"])
    _same(fast, neo)
    assert [len(t) for t in fast] == [2, 1]


if __name__ == "__main__":
    pytest.main([__file__, "-v"])
