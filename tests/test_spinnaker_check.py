"""sim.spinnaker_compatibility(): what of a network sPyNNaker could not run as it is."""

import pyNN.neurochip as sim


def test_a_plain_network_would_run():
    sim.setup(timestep=0.1)
    src = sim.Population(10, sim.SpikeSourcePoisson(rate=10.0), label="src")
    pop = sim.Population(300, sim.IF_curr_exp(), label="pop")
    sim.Projection(src, pop, sim.AllToAllConnector(), sim.STDPMechanism(
        sim.SpikePairRule(), sim.AdditiveWeightDependence(w_max=0.1), weight=0.05, delay=14.4))
    sim.DCSource(amplitude=0.1).inject_into(pop)
    assert sim.spinnaker_compatibility() == []
    sim.end()


def test_each_thing_sPyNNaker_lacks_is_named_with_its_fix():
    sim.setup(timestep=0.1)
    src = sim.Population(10, sim.SpikeSourcePoisson(rate=10.0), label="src")
    eif = sim.Population(10, sim.EIF_cond_exp_isfa_ista(), label="eif")
    pop = sim.Population(600, sim.IF_curr_exp(), label="pop", neurons_per_core=500)
    sim.Projection(src, eif, sim.AllToAllConnector(), sim.TsodyksMarkramSynapse(weight=0.01),
                   label="tm")
    sim.Projection(src, pop, sim.AllToAllConnector(), sim.STDPMechanism(
        sim.SpikePairRule(), sim.GutigWeightDependence(w_max=0.1), weight=0.05, delay=14.5),
        label="gutig")
    found = sim.spinnaker_compatibility()
    assert len(found) == 5, found
    text = "\n".join(found)
    assert "population 'eif': cell type EIF_cond_exp_isfa_ista is not one sPyNNaker has" in text
    assert "'pop': 500 neurons per core, sPyNNaker places at most 256" in text
    assert "'tm': TsodyksMarkramSynapse is not a synapse type sPyNNaker has" in text
    assert "'gutig': weight dependence GutigWeightDependence" in text
    assert "'gutig': a delay of 145 timesteps (14.5 ms), more than the 144" in text
    sim.end()
