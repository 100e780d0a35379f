"""Small PyNN networks shared by tests (plain functions taking the sim module)."""

import numpy as np
from pyNN.random import NumpyRNG, RandomDistribution


def cuba(sim, n=1000, p=0.08, duration=500.0, seed=4242, poisson_rate=None,
         neurons_per_core=None, **setup):
    """Brette et al. (2007) CUBA at reduced size (in-degree kept by raising p).

    Returns ``(exc_spikes, inh_spikes)`` as lists of spike-time arrays, and the rates in Hz.
    """
    sim.setup(timestep=0.1, min_delay=0.1, **setup)
    if neurons_per_core:
        sim.set_number_of_neurons_per_core(sim.IF_curr_exp, neurons_per_core)
        sim.set_number_of_neurons_per_core(sim.SpikeSourcePoisson, max(neurons_per_core // 4, 1))
    cell = sim.IF_curr_exp(tau_m=20.0, cm=0.2, v_rest=-49.0, v_thresh=-50.0, v_reset=-60.0,
                           tau_refrac=5.0, tau_syn_E=5.0, tau_syn_I=10.0)
    rng = NumpyRNG(seed=seed)
    n_exc = int(n * 0.8)
    exc = sim.Population(n_exc, cell, label="exc")
    inh = sim.Population(n - n_exc, cell, label="inh")
    for pop in (exc, inh):
        pop.initialize(v=RandomDistribution("uniform", low=-60.0, high=-50.0, rng=rng))
        pop.record("spikes")
    conn = sim.FixedProbabilityConnector(p, allow_self_connections=False, rng=rng)
    for pre, w, receptor in ((exc, 0.0162, "excitatory"), (inh, -0.09, "inhibitory")):
        for post in (exc, inh):
            sim.Projection(pre, post, conn, sim.StaticSynapse(weight=w, delay=0.2),
                           receptor_type=receptor)
    if poisson_rate:
        noise = sim.Population(50, sim.SpikeSourcePoisson(rate=poisson_rate), label="noise")
        noise.record("spikes")
        sim.Projection(noise, exc, sim.FixedProbabilityConnector(0.1, rng=rng),
                       sim.StaticSynapse(weight=0.05, delay=1.0), receptor_type="excitatory")
    sim.run(duration)
    trains = [[np.asarray(st.times.magnitude) for st in pop.get_data("spikes").segments[0].spiketrains]
              for pop in (exc, inh)]
    rates = [sum(len(t) for t in tr) / len(tr) / (duration / 1000.0) for tr in trains]
    sim.end()
    return trains, rates


def run_twice(sim, first=200.0, second=150.0, threads=None, stretch=None):
    """Run the network set up so far for ``first`` then ``second`` ms (the second run
    goes on from the machine's state), on a machine loaded with ``threads`` threads and
    stretches of ``stretch`` ticks when ``stretch`` is given (the invariance tests)."""
    if stretch is not None:
        from neurochip.emulator import load
        sim.simulator.state._prepare()
        em = sim.simulator.state.emulation
        sim.simulator.state.emulation = load(em.program, threads=threads, stretch=stretch)
    sim.run(first)
    sim.run(second)
