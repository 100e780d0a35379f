"""Tsodyks-Markram short-term plasticity against the tsodyks2 equations."""

import numpy as np
import pyNN.neurochip as sim
import pytest

SPIKES = [10.0, 15.0, 20.0, 25.0, 60.0, 62.0, 200.0]
DELAY = 1.0


def expected_jumps(w, U, tau_rec, tau_facil, times=SPIKES):
    """The weights NEST's tsodyks2_synapse would send, spike by spike."""
    x, u, last, out = 1.0, U, 0.0, []
    for t in times:
        h = t - last
        x = 1 + (x - x * u - 1) * np.exp(-h / tau_rec)
        u = U + u * (1 - U) * (np.exp(-h / tau_facil) if tau_facil > 0 else 0.0)
        out.append(w * u * x)
        last = t
    return np.array(out)


def measured_jumps(ar, w, U, tau_rec, tau_facil):
    sim.setup(timestep=0.1, arithmetic=ar)
    src = sim.Population(1, sim.SpikeSourceArray(spike_times=SPIKES))
    cell = sim.Population(1, sim.IF_curr_exp(tau_syn_E=2.0, v_thresh=100.0))
    syn = sim.TsodyksMarkramSynapse(weight=w, delay=DELAY, U=U, tau_rec=tau_rec,
                                    tau_facil=tau_facil)
    prj = sim.Projection(src, cell, sim.AllToAllConnector(), syn)
    cell.record("isyn_exc")
    sim.run(250.0)
    i = cell.get_data().segments[0].filter(name="isyn_exc")[0].magnitude[:, 0]
    got_u = prj.get("U", format="list")
    sim.end()
    # the current jumps by the sent weight at spike time + delay (sample index)
    idx = np.rint((np.array(SPIKES) + DELAY) / 0.1).astype(int)
    before = i[idx - 1] * np.exp(-0.1 / 2.0)
    return i[idx] - before, got_u


@pytest.mark.parametrize("ar", ["fixed", "float"])
@pytest.mark.parametrize("U,tau_rec,tau_facil", [(0.5, 100.0, 0.0), (0.1, 50.0, 300.0)])
def test_sent_weights_follow_the_tsodyks2_equations(ar, U, tau_rec, tau_facil):
    want = expected_jumps(2.0, U, tau_rec, tau_facil)
    got, got_u = measured_jumps(ar, 2.0, U, tau_rec, tau_facil)
    assert got_u == [(0, 0, U)]
    # float: exact; fixed: u0.32 state and tables, 16-bit ring weights (2 nA / 2**15 steps)
    assert np.max(np.abs(got - want)) < (1e-9 if ar == "float" else 2e-3), (got, want)
    assert not np.allclose(want, want[0])  # the synapse really depresses / facilitates


def test_state_carries_over_when_U_changes_between_runs():
    sim.setup(timestep=0.1)
    src = sim.Population(1, sim.SpikeSourceArray(spike_times=[5.0, 10.0, 300.0]))
    cell = sim.Population(1, sim.IF_curr_exp(tau_syn_E=2.0, v_thresh=100.0))
    prj = sim.Projection(src, cell, sim.OneToOneConnector(),
                         sim.TsodyksMarkramSynapse(weight=1.0, delay=1.0, U=0.5, tau_rec=50.0))
    cell.record("isyn_exc")
    sim.run(100.0)
    prj.set(U=0.9)
    sim.run(250.0)
    i = cell.get_data().segments[0].filter(name="isyn_exc")[0].magnitude[:, 0]
    sim.end()
    jumps = [i[k] - i[k - 1] * np.exp(-0.05) for k in (60, 110, 3010)]
    # tsodyks2 by hand: x and u continue across the runs, the new U applies from then on
    x, u, last, want = 1.0, 0.5, 0.0, []
    for t, U in ((5.0, 0.5), (10.0, 0.5), (300.0, 0.9)):
        x = 1 + (x - x * u - 1) * np.exp(-(t - last) / 50.0)
        u = U
        want.append(u * x)
        last = t
    assert np.allclose(jumps, want, atol=2e-3), (jumps, want)
    assert want[1] < 0.7 * want[0] and want[2] > 2 * want[0]  # depressed, then recovered
