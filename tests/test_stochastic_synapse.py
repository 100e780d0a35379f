"""SimpleStochasticSynapse: transmission probability, placement independence, references."""

import numpy as np
import pyNN.neurochip as sim
import pytest

from neurochip.emulator.stochastic import P_ALWAYS, _draw, draw


def _transmitted(p, neurons_per_core=None, arithmetic="fixed", n_spikes=400):
    sim.setup(timestep=0.1, seed=5, arithmetic=arithmetic)
    if neurons_per_core:
        sim.set_number_of_neurons_per_core(sim.IF_curr_exp, neurons_per_core)
    src = sim.Population(1, sim.SpikeSourceArray(spike_times=np.arange(1, n_spikes + 1) * 5.0))
    post = sim.Population(20, sim.IF_curr_exp(tau_syn_E=0.5, v_thresh=100.0))
    sim.Projection(src, post, sim.AllToAllConnector(),
                   sim.SimpleStochasticSynapse(weight=1.0, delay=1.0, p=p))
    sim.run(n_spikes * 5.0 + 10)
    prov = sim.provenance()
    sim.end()
    return prov["synaptic_events"]


@pytest.mark.parametrize("p", [0.0, 0.3, 1.0])
def test_transmission_probability(p):
    n = 400 * 20
    got = _transmitted(p)
    if p in (0.0, 1.0):
        assert got == p * n
    else:
        assert abs(got - p * n) < 4 * np.sqrt(n * p * (1 - p))


def test_draws_do_not_depend_on_placement_or_arithmetic():
    a = _transmitted(0.5)
    assert a == _transmitted(0.5, neurons_per_core=3) == _transmitted(0.5, arithmetic="float")


def test_draw_matches_its_reference():
    njit_draw = [int(_draw(np.uint64(s), np.uint32(i), np.int64(t)))
                 for s, i, t in ((0, 0, 1), (5, 123, 999), (2**40, 2**32 - 1, 10**6))]
    assert njit_draw == [draw(s, i, t) for s, i, t in ((0, 0, 1), (5, 123, 999),
                                                      (2**40, 2**32 - 1, 10**6))]
    assert P_ALWAYS == 2**32 - 1
