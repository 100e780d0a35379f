"""Placement invariance: the same script and seed give bit-identical spikes whatever
the neurons per core and machine size (fixed point, Poisson sources included)."""

import numpy as np
import pyNN.neurochip as sim
import pytest

from networks import cuba


def _run(**kw):
    return cuba(sim, n=400, duration=200.0, poisson_rate=20.0, arithmetic="fixed", **kw)


@pytest.mark.fixed
@pytest.mark.parametrize("layout", [
    {"neurons_per_core": 17},
    {"neurons_per_core": 64, "machine": "spinn5"},
    {"neurons_per_core": 5, "machine": "3x3"},
])
def test_spikes_do_not_depend_on_placement(layout):
    ref, _ = _run()
    other, _ = _run(**layout)
    assert sum(len(t) for t in ref[0]) > 100
    for a, b in zip(ref, other):
        assert len(a) == len(b)
        for ta, tb in zip(a, b):
            assert np.array_equal(ta, tb)


def _fast_sources(per_core):
    """Recorded sources of 1.5 spikes per tick (several packets of one source in a tick)
    onto cells, cut into ``per_core`` neurons per core."""
    sim.setup(timestep=0.1, min_delay=0.1, seed=9)
    sim.set_number_of_neurons_per_core(sim.SpikeSourcePoisson, per_core)
    sim.set_number_of_neurons_per_core(sim.IF_curr_exp, 2 * per_core)
    src = sim.Population(40, sim.SpikeSourcePoisson(rate=1.5e4), label="fast")
    cells = sim.Population(60, sim.IF_curr_exp(tau_refrac=1.0), label="cells")
    sim.Projection(src, cells, sim.FixedProbabilityConnector(0.2, rng=sim.NumpyRNG(4)),
                   sim.StaticSynapse(weight=0.004, delay=0.5))
    for pop in (src, cells):
        pop.record("spikes")
    sim.run(100.0)
    out = [[np.asarray(t) for t in pop.get_data("spikes").segments[0].spiketrains]
           for pop in (src, cells)]
    sim.end()
    return out


@pytest.mark.fixed
def test_several_spikes_per_tick_do_not_depend_on_placement():
    ref = _fast_sources(40)
    other = _fast_sources(7)
    assert sum(len(t) for t in ref[1]) > 100
    times = ref[0][0]
    assert len(np.unique(times)) < len(times)  # repeated stamps: several in one tick
    for a, b in zip(ref, other):
        for ta, tb in zip(a, b):
            assert np.array_equal(ta, tb)


def _cobahh(arithmetic, per_core, threads):
    """A small COBAHH (200 HH_cond_exp cells, 2% connectivity with 4x the weights, 100 ms):
    spikes and the V of a few cells; HH's step takes a data-dependent number of RK4 steps
    (one, or more around spikes), which must not depend on the layout."""
    sim.setup(timestep=0.1, min_delay=0.1, arithmetic=arithmetic, threads=threads)
    sim.set_number_of_neurons_per_core(sim.HH_cond_exp, per_core)
    rng = sim.NumpyRNG(seed=3)
    cell = sim.HH_cond_exp(gbar_Na=20.0, gbar_K=6.0, g_leak=0.01, cm=0.2, v_offset=-63.0,
                           e_rev_Na=50.0, e_rev_K=-90.0, e_rev_leak=-60.0, tau_syn_E=5.0,
                           tau_syn_I=10.0)
    pop = sim.Population(200, cell)
    pop.initialize(v=sim.RandomDistribution("normal", (-65.0, 5.0), rng=rng),
                   gsyn_exc=sim.RandomDistribution("normal", (0.04, 0.015), rng=rng))
    exc, inh = pop[:160], pop[160:]
    for pre, w, receptor in ((exc, 0.024, "excitatory"), (inh, 0.268, "inhibitory")):
        sim.Projection(pre, pop, sim.FixedProbabilityConnector(0.02, rng=rng),
                       sim.StaticSynapse(weight=w, delay=0.1), receptor_type=receptor)
    pop.record("spikes")
    pop[:5].record("v")
    sim.run(100.0)
    trains = [np.asarray(t) for t in pop.get_data("spikes").segments[0].spiketrains]
    v = np.asarray(pop[:5].get_data("v").segments[0].filter(name="v")[0].magnitude)
    sim.end()
    return trains, v


@pytest.mark.parametrize("arithmetic", ["fixed", "float"])
def test_hh_does_not_depend_on_placement_or_threads(arithmetic):
    ref, v_ref = _cobahh(arithmetic, 256, 1)
    other, v_other = _cobahh(arithmetic, 17, 2)
    assert sum(len(t) for t in ref) > 50
    assert all(np.array_equal(a, b) for a, b in zip(ref, other))
    assert np.array_equal(v_ref, v_other)
