"""Values the fixed-point machine cannot hold are reported: name, value and range."""

import pyNN.neurochip as sim
import pytest

from neurochip.mapping.pipeline import QuantisationWarning


def test_weight_that_rounds_to_zero_warns():
    sim.setup(timestep=0.1)
    src = sim.Population(2, sim.SpikeSourceArray(spike_times=[1.0]))
    post = sim.Population(1, sim.IF_curr_exp())
    # one huge weight sets the ring step (2 nA / ... ), the tiny one falls below half a step
    sim.Projection(src[0:1], post, sim.AllToAllConnector(), sim.StaticSynapse(weight=60000.0))
    sim.Projection(src[1:2], post, sim.AllToAllConnector(), sim.StaticSynapse(weight=1e-4))
    with pytest.warns(QuantisationWarning, match=r"1 non-zero weight\(s\) round to 0"):
        sim.run(2.0)
    sim.end()


def test_decay_that_rounds_to_one_warns_with_the_value():
    sim.setup(timestep=0.1)
    sim.Population(1, sim.IF_curr_exp(tau_syn_E=1e12), label="slow")
    with pytest.warns(QuantisationWarning, match=r"'slow': decay_e = exp\(-dt/tau\) = 0\.9999"):
        sim.run(1.0)
    sim.end()


def test_constant_that_rounds_to_zero_warns():
    sim.setup(timestep=0.1)
    sim.Population(1, sim.IF_curr_exp(cm=1e5, tau_m=20.0), label="big")
    with pytest.warns(QuantisationWarning, match=r"'big': p21[ei] = .* rounds to 0 in s16\.15"):
        sim.run(1.0)
    sim.end()


def test_out_of_range_is_an_error_with_the_range():
    sim.setup(timestep=0.1)
    sim.Population(1, sim.IF_curr_exp(v_reset=-1e5), label="deep")
    with pytest.raises(OverflowError, match=r"'deep': v_reset = -100000\.0 .*\[-65536\.0, 65535\.9"):
        sim.run(1.0)
    sim.end()
