"""setup(spike_time_convention="spinnaker"): spikes stamped at the start of their step and
SpikeSourceArray times sent in the step that starts at them, as sPyNNaker does; the
default ("nest") is unchanged bit for bit."""

import warnings

import numpy as np
import pyNN.neurochip as sim
import pytest
from click.testing import CliRunner
from pyNN.random import NumpyRNG

from neurochip.cli import main
from neurochip.errors import NeurochipError
from neurochip.mapping.errors import MappingError
from neurochip.mapping.graph import NetworkGraph
from neurochip.mapping.pipeline import QuantisationWarning


@pytest.fixture(autouse=True)
def _end():
    yield
    sim.end()


def _network(times, **setup):
    """A Poisson-driven recurrent network, a self-driven cell and a SpikeSourceArray onto
    a cell: every population's spikes as lists."""
    sim.setup(timestep=0.1, seed=7, **setup)
    noise = sim.Population(20, sim.SpikeSourcePoisson(rate=400.0), label="noise")
    cells = sim.Population(30, sim.IF_curr_exp(tau_syn_E=2.0), label="cells")
    driven = sim.Population(1, sim.IF_curr_exp(i_offset=1.0), label="driven")
    src = sim.Population(1, sim.SpikeSourceArray(spike_times=times), label="src")
    target = sim.Population(1, sim.IF_curr_exp(), label="target")
    sim.Projection(noise, cells, sim.FixedProbabilityConnector(0.5, rng=NumpyRNG(3)),
                   sim.StaticSynapse(weight=1.2, delay=0.5))
    sim.Projection(cells, cells, sim.FixedProbabilityConnector(0.2, rng=NumpyRNG(4)),
                   sim.StaticSynapse(weight=0.4, delay=1.0))
    sim.Projection(src, target, sim.OneToOneConnector(), sim.StaticSynapse(weight=6.0, delay=1.0))
    pops = (noise, cells, driven, src, target)
    for p in pops:
        p.record("spikes")
    sim.run(60.0)
    out = {p.label: [np.asarray(t.magnitude) for t in p.get_data("spikes").segments[0].spiketrains]
           for p in pops}
    sim.end()
    return out


def _same(a, b, shift=0):
    """Spike trains ``a`` are ``b`` moved by ``shift`` steps of 0.1 ms (each time is its
    step times 0.1 ms)."""
    for x, y in zip(a, b):
        kx, ky = np.rint(x / 0.1).astype(int), np.rint(y / 0.1).astype(int)
        if not (np.array_equal(x, kx * 0.1) and np.array_equal(kx, ky + shift)):
            return False
    return len(a) == len(b)


def test_default_is_nest_bit_for_bit_and_spinnaker_stamps_one_step_earlier():
    times = [2.0, 20.0, 40.0]
    default = _network(times)
    nest = _network(times, spike_time_convention="nest")
    spinn = _network(times, spike_time_convention="spinnaker")
    for label in default:
        assert _same(default[label], nest[label]), label
    assert sum(len(t) for t in default["cells"]) > 20 and len(default["driven"][0]) >= 2
    # what the machine computes is the same: each spike is stamped one step (0.1 ms) earlier
    for label in ("noise", "cells", "driven"):
        assert _same(spinn[label], default[label], -1), label
    # a source's time t is sent one step later, at the start of the step that begins at t:
    # its recorded times stay t and the spikes it causes keep their times
    assert _same(spinn["src"], default["src"]) and default["src"][0].tolist() == times
    assert len(default["target"][0]) >= 3 and _same(spinn["target"], default["target"])


def test_a_spike_at_0_ms_is_sent_in_the_first_step_with_the_spinnaker_convention():
    """The start of learning/simple.py: a spike at 0 ms, weight 5, delay 1 ms."""
    def run(**setup):
        sim.setup(timestep=1.0, **setup)
        pop = sim.Population(1, sim.IF_curr_exp(), label="pop_1")
        inp = sim.Population(1, sim.SpikeSourceArray(spike_times=[0]), label="input")
        sim.Projection(inp, pop, sim.OneToOneConnector(), sim.StaticSynapse(weight=5, delay=1))
        pop.record(["spikes", "v"])
        inp.record("spikes")
        sim.run(10)
        seg = pop.get_data().segments[0]
        out = (seg.spiketrains[0].magnitude.tolist(), seg.filter(name="v")[0].magnitude[:, 0],
               inp.get_data("spikes").segments[0].spiketrains[0].magnitude.tolist())
        sim.end()
        return out

    with pytest.warns(QuantisationWarning, match="before one timestep"):
        spikes, v, sent = run()
    assert spikes == [] and sent == [] and np.all(v == -65.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        spikes, v, sent = run(spike_time_convention="spinnaker")
    assert sent == [0.0] and len(spikes) == 1 and v.max() > -55.0
    # sent in step 0, as a spike at 1 ms is in "nest": the same v, spikes stamped 1 ms earlier
    sim.setup(timestep=1.0)
    pop = sim.Population(1, sim.IF_curr_exp())
    inp = sim.Population(1, sim.SpikeSourceArray(spike_times=[1]))
    sim.Projection(inp, pop, sim.OneToOneConnector(), sim.StaticSynapse(weight=5, delay=1))
    pop.record(["spikes", "v"])
    sim.run(10)
    seg = pop.get_data().segments[0]
    assert np.array_equal(seg.filter(name="v")[0].magnitude[:, 0], v)
    assert [t - 1.0 for t in seg.spiketrains[0].magnitude.tolist()] == spikes


def test_the_environment_and_the_command_line_choose_and_a_bad_name_is_an_error(
        monkeypatch, tmp_path):
    monkeypatch.setenv("NEUROCHIP_SPIKE_TIME_CONVENTION", "spinnaker")
    sim.setup(timestep=1.0)
    assert sim.simulator.state.spike_stamp == "start"
    sim.setup(timestep=1.0, spike_time_convention="nest")  # the script's word wins
    assert sim.simulator.state.spike_stamp == "end"
    monkeypatch.setenv("NEUROCHIP_SPIKE_TIME_CONVENTION", "brian")
    with pytest.raises(NeurochipError, match="NEUROCHIP_SPIKE_TIME_CONVENTION.*'brian'.*'nest'"):
        sim.setup(timestep=1.0)
    monkeypatch.delenv("NEUROCHIP_SPIKE_TIME_CONVENTION")
    with pytest.raises(NeurochipError, match="spike_time_convention.*'start'.*'spinnaker'"):
        sim.setup(timestep=1.0, spike_time_convention="start")
    with pytest.raises(MappingError, match="spike_stamp='middle'"):
        NetworkGraph(dt=0.1, populations=(), spike_stamp="middle")
    script = tmp_path / "net.py"
    script.write_text("import pyNN.neurochip as sim\nsim.setup(timestep=1.0)\n"
                      "print('stamp', sim.simulator.state.spike_stamp)\n")
    out = CliRunner().invoke(main, ["run", "--spike-time-convention", "spinnaker", str(script)])
    assert out.exit_code == 0, out.output
    assert "stamp start" in out.output
