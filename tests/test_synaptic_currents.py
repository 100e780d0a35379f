"""Recorded synaptic currents: NEST's timing, PyNN's signs, sPyNNaker's gsyn names."""

import numpy as np
import pyNN.neurochip as sim
import pytest


def _one_input(arithmetic, receptor, weight, variables, duration=10.0):
    sim.setup(timestep=0.1, arithmetic=arithmetic)
    src = sim.Population(1, sim.SpikeSourceArray(spike_times=[2.0]))
    cell = sim.Population(1, sim.IF_curr_exp(tau_syn_E=5.0, tau_syn_I=10.0))
    sim.Projection(src, cell, sim.OneToOneConnector(), sim.StaticSynapse(weight=weight, delay=1.0),
                   receptor_type=receptor)
    cell.record(variables)
    sim.run(duration)
    seg = cell.get_data().segments[0]
    out = {v: np.asarray(seg.filter(name=v)[0].magnitude)[:, 0] for v in variables}
    sim.end()
    return out


@pytest.mark.parametrize("arithmetic", ["fixed", "float"])
def test_current_jumps_at_spike_time_plus_delay_then_decays(arithmetic):
    rec = _one_input(arithmetic, "excitatory", 0.5, ["isyn_exc", "gsyn_exc"])
    i = rec["isyn_exc"]
    # spike at 2.0 ms, delay 1.0 ms: the full weight shows at sample 30 (3.0 ms), as in NEST
    assert np.all(i[:30] == 0.0)
    assert i[30] == pytest.approx(0.5, abs=1e-4)
    assert i[40] == pytest.approx(0.5 * np.exp(-1.0 / 5.0), abs=1e-3)
    assert np.array_equal(rec["gsyn_exc"], i)


@pytest.mark.parametrize("arithmetic", ["fixed", "float"])
def test_inhibitory_current_is_negative_and_gsyn_is_its_magnitude(arithmetic):
    rec = _one_input(arithmetic, "inhibitory", -0.25, ["isyn_inh", "gsyn_inh", "v"])
    assert rec["isyn_inh"][30] == pytest.approx(-0.25, abs=1e-4)
    assert rec["isyn_inh"].max() <= 0.0
    assert np.allclose(rec["gsyn_inh"], -rec["isyn_inh"])
    assert rec["v"][35] < rec["v"][29]  # the current hyperpolarises


def test_a_synaptic_current_decays_all_the_way_to_zero_in_fixed_point():
    i = _one_input("fixed", "excitatory", 0.5, ["isyn_exc"], duration=300.0)["isyn_exc"]
    assert i[30] > 0
    assert i[-1] == 0.0  # rounding to nearest alone would stall ~25 LSB above zero
