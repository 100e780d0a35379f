"""sim.mapping_report(): text, JSON and the picture of the machine, routers and load."""

import json

import matplotlib.image
import pyNN.neurochip as sim


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
    assert names == ["chips.png", "mapping.json", "placement.txt", "routing_tables.txt"]
    data = json.loads((tmp_path / "after" / "mapping.json").read_text())
    assert len(data["cores"]) == 20 and {c["population"] for c in data["cores"]} == {"cells"}
    assert "cells" in (tmp_path / "after" / "placement.txt").read_text()
    two = matplotlib.image.imread(before[-1])
    three = matplotlib.image.imread(after[-1])
    assert two.shape[0] == three.shape[0] and three.shape[1] > two.shape[1] * 1.3
    assert prov["link_packets"] > 0  # the links panel has something to draw
