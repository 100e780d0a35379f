"""After each run the machine speaks: one warning of what the hardware would have
reported, each finding with what to change; setup(strict=True) makes it an error."""

import warnings

import numpy as np
import pyNN.neurochip as sim
import pytest

from neurochip.errors import MachineError, NeurochipError
from neurochip.machine_report import MachineWarning, default_time_scale_factor


def _saturating_network(**setup):
    """600 cells (three cores at 256 per core) and ten of them driven into saturation:
    100 Poisson sources at 500 Hz, 100 nA each, onto a 1 s synaptic current."""
    sim.setup(timestep=0.1, **setup)
    cells = sim.Population(600, sim.IF_curr_exp(i_offset=1.0, tau_syn_E=1000.0), label="big")
    cells.record("spikes")
    drive = sim.Population(100, sim.SpikeSourcePoisson(rate=500.0), label="drive")
    sim.Projection(drive, cells[:10], sim.AllToAllConnector(),
                   sim.StaticSynapse(weight=100.0, delay=0.1))
    return cells


def test_one_warning_names_saturations_and_overruns_with_the_fix():
    cells = _saturating_network(time_scale_factor=1)
    with pytest.warns(MachineWarning) as caught:
        sim.run(20.0)
    assert len(caught) == 1
    text = str(caught[0].message)
    assert caught[0].filename == __file__  # it points at the user's run() line
    prov = sim.provenance()
    assert f"(1) {prov['real_saturations']} neuron state values saturated" in text
    assert "in 'big' (core 0)" in text and "run arithmetic='float'" in text
    # 256 neurons x 120 cycles + the tick's 1000 > 0.1 ms x 200 MHz = 20,000 cycles
    assert "(2) 2 of 4 cores would overrun their real-time budget of 20,000 cycles" in text
    need = int(prov["max_cycles_per_tick"])
    assert f"needs {need:,} cycles" in text
    assert f"time_scale_factor >= {int(np.ceil(need / 20000))}" in text
    assert len(cells.get_data().segments[0].spiketrains) == 600
    sim.end()


def test_strict_makes_it_an_error_and_keeps_the_recordings():
    cells = _saturating_network(time_scale_factor=1, strict=True)
    with pytest.raises(MachineError, match=r"saturated.*strict=True") as info:
        sim.run(20.0)
    assert isinstance(info.value, NeurochipError)
    assert sim.get_current_time() == pytest.approx(20.0)  # the run happened
    assert sum(len(s) for s in cells.get_data().segments[0].spiketrains) > 0
    sim.end()


def test_the_default_time_scale_factor_is_spynnakers():
    assert [default_time_scale_factor(dt) for dt in (1.0, 0.5, 0.1, 0.01, 2.0)] == [1, 2, 10, 100, 1]
    sim.setup(timestep=0.1)
    cells = sim.Population(600, sim.IF_curr_exp(i_offset=1.0), label="quiet")
    with warnings.catch_warnings():
        warnings.simplefilter("error", MachineWarning)
        sim.run(10.0)  # 31,720 cycles fit 10 x 20,000: nothing to report
    assert sim.provenance()["time_scale_factor"] == 10
    assert cells.size == 600
    sim.end()


@pytest.mark.parametrize("bad", [0.5, "ten", True])
def test_a_bad_time_scale_factor_is_a_clear_error(bad):
    with pytest.raises(NeurochipError, match=r"time_scale_factor=.*use a number >= 1"):
        sim.setup(timestep=0.1, time_scale_factor=bad)
