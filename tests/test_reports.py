"""sim.mapping_report(): text, JSON, the picture of the machine, routers and load, and
the picture of the last run's activity."""

import json

import matplotlib.image
import numpy as np
import pyNN.neurochip as sim
import pytest

from neurochip import reports
from neurochip.mapping.activity_pictures import MAX_RASTER_ROWS, PopulationSpikes, plot_activity


def _network():
    sim.setup(timestep=0.1, machine="spinn3")
    sim.set_number_of_neurons_per_core(sim.IF_curr_exp, 20)  # 20 cores: two chips
    cells = sim.Population(400, sim.IF_curr_exp(i_offset=1.0), label="cells")
    sim.Projection(cells, cells, sim.FixedProbabilityConnector(0.05),
                   sim.StaticSynapse(weight=0.01, delay=1.0))
    return cells


def test_the_report_before_and_after_a_run(tmp_path):
    _network()
    before = sim.mapping_report(str(tmp_path / "before"))  # mapped, not run: no load panel
    sim.run(50.0)
    after = sim.mapping_report(str(tmp_path / "after"))
    prov = sim.provenance()
    sim.end()
    names = sorted(p.rsplit("/", 1)[1] for p in after)
    assert names == ["activity.png", "chips.png", "mapping.json", "placement.txt",
                     "routing_tables.txt"]
    data = json.loads((tmp_path / "after" / "mapping.json").read_text())
    assert len(data["cores"]) == 20 and {c["population"] for c in data["cores"]} == {"cells"}
    assert "cells" in (tmp_path / "after" / "placement.txt").read_text()
    two = matplotlib.image.imread(before[-2])
    three = matplotlib.image.imread(after[-2])
    assert two.shape[0] == three.shape[0] and three.shape[1] > two.shape[1] * 1.3
    assert prov["link_packets"] > 0  # the links panel has something to draw


def test_activity_rasters_and_rates_of_the_populations_that_record_spikes(tmp_path):
    cells = _network()
    cells[:150].record("spikes")
    quiet = sim.Population(3, sim.IF_curr_exp(), label="quiet")
    quiet.record("v")
    sim.run(100.0)  # every cell fires every ~28 ms
    spikes = reports.recorded_spikes()
    paths = sim.mapping_report(str(tmp_path))
    sim.end()
    assert [p.label for p in spikes] == ["cells"]  # 'quiet' records no spikes
    (s,) = spikes
    assert s.size == 400 and np.array_equal(s.recorded, np.arange(150)) and len(s.times) >= 3 * 150
    assert s.neurons.max() < 150 and 0 < s.times.min() and s.times.max() <= 100.0
    picture = matplotlib.image.imread(paths[-1])
    assert paths[-1].endswith("activity.png") and picture.shape[0] > 300
    assert picture[..., :3].std() > 0.05  # drawn, not blank


def test_activity_says_when_nothing_recorded_spikes(tmp_path):
    _network()
    sim.run(10.0)
    none = sim.mapping_report(str(tmp_path / "none"))[-1]
    sim.end()
    some = tmp_path / "some.png"  # beside a drawn one
    n = 2 * MAX_RASTER_ROWS  # more than a raster shows
    neurons = np.repeat(np.arange(n), 20)
    times = np.random.default_rng(1).uniform(0.0, 100.0, len(neurons))
    plot_activity([PopulationSpikes("big", n, np.arange(n), neurons, times, 0.0, 100.0)],
                  str(some))
    blank, drawn = matplotlib.image.imread(none), matplotlib.image.imread(str(some))
    def ink(image):
        return (image[..., :3].mean(axis=2) < 0.8).mean()
    assert blank.shape[0] < drawn.shape[0] and 3 * ink(blank) < ink(drawn)
    with pytest.raises(ValueError, match="3 neuron indices for 2 spike times"):
        PopulationSpikes("bad", 3, np.arange(3), np.arange(3), np.zeros(2), 0.0, 1.0)
