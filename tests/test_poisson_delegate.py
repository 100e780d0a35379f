"""Poisson sources with one synapse per neuron run on their targets' cores.

The delegated source must give its targets exactly what the same source on its own
cores gives them (the same generator, draw for draw), several spikes per tick included.
"""

import numba
import numpy as np
import pyNN.neurochip as sim
import pytest

from neurochip.emulator import load
from neurochip.mapping.neurons import count_table


def _net(record_source, arithmetic="fixed", rate=200.0, model=None, two_runs=False):
    sim.setup(timestep=0.1, min_delay=0.1, arithmetic=arithmetic)
    cells = sim.Population(60, sim.IF_curr_exp(tau_m=10.0, tau_refrac=1.0), label="cells")
    source = sim.Population(60, model or sim.SpikeSourcePoisson(rate=rate), label="drive")
    if record_source:
        source.record("spikes")
    cells.record(["spikes", "v", "isyn_exc"])
    sim.Projection(source, cells, sim.OneToOneConnector(),
                   sim.StaticSynapse(weight=3.0, delay=0.7), receptor_type="excitatory")
    sim.Projection(cells, cells, sim.FixedProbabilityConnector(0.2, rng=sim.NumpyRNG(3)),
                   sim.StaticSynapse(weight=-0.3, delay=0.3), receptor_type="inhibitory")
    sim.run(150.0)
    if two_runs:
        source.set(rate=rate / 2)
        sim.run(150.0)
    seg = cells.get_data().segments[0]
    out = ([np.asarray(st) for st in seg.spiketrains],
           np.asarray(seg.filter(name="v")[0]), np.asarray(seg.filter(name="isyn_exc")[0]))
    st = sim.simulator.state
    cores = len(st.mapping.slices)
    events = sum(int(r.counters[:, 2].sum()) for _, r in st.results)
    sim.end()
    return out, cores, events


@pytest.mark.parametrize("model", [None, "9 kHz", "refractory", "gamma", "fast gamma"])
def test_delegated_source_gives_the_targets_what_its_own_cores_give(model):
    """Also where a source sends several spikes in a tick: packets on its own cores, a
    count times the weight on its targets' cores."""
    kind = {None: None, "9 kHz": sim.SpikeSourcePoisson(rate=9000.0),
            "refractory": sim.SpikeSourcePoissonRefractory(rate=120.0, tau_refrac=3.0),
            "gamma": sim.SpikeSourceGamma(alpha=2, beta=300.0),
            "fast gamma": sim.SpikeSourceGamma(alpha=3, beta=2.5e4)}[model]
    (spikes_a, v_a, i_a), cores_a, events_a = _net(record_source=True, model=kind)
    (spikes_b, v_b, i_b), cores_b, events_b = _net(record_source=False, model=kind)
    assert cores_b < cores_a  # the delegated source has no cores of its own
    assert sum(len(s) for s in spikes_a) > 60
    for a, b in zip(spikes_a, spikes_b):
        assert np.array_equal(a, b)
    assert np.array_equal(v_a, v_b) and np.array_equal(i_a, i_b)
    assert events_a == events_b  # every input spike is still a synaptic event


def test_delegated_source_carries_on_across_runs_and_rate_changes():
    a, _, _ = _net(record_source=True, two_runs=True)
    b, _, _ = _net(record_source=False, two_runs=True)
    for x, y in zip(a[0], b[0]):
        assert np.array_equal(x, y)
    assert np.array_equal(a[1], b[1])


def test_rates_of_several_spikes_per_tick_arrive_as_poisson_counts():
    lam = 2.0  # 20 kHz at dt = 0.1 ms
    sim.setup(timestep=0.1)
    cells = sim.Population(200, sim.IF_curr_exp(v_thresh=1e3, tau_m=1e4), label="cells")
    drive = sim.Population(200, sim.SpikeSourcePoisson(rate=lam * 1e4), label="drive")
    sim.Projection(drive, cells, sim.OneToOneConnector(), sim.StaticSynapse(weight=1e-3))
    sim.run(100.0)
    counts = sim.simulator.state.results[0][1].counters[:, 2].sum()
    sim.end()
    want = 200 * 1000 * lam  # sources x ticks x mean count
    assert abs(counts - want) < 5 * np.sqrt(want)


@pytest.mark.parametrize("lam", [1.0, 2.0, 37.5])
def test_count_table_is_the_poisson_distribution(lam):
    from math import exp, factorial
    t = count_table(lam)
    assert t[-1] == 1 << 32 and np.all(np.diff(t.astype(np.int64)) >= 0)
    for k in range(min(len(t) - 1, 10)):
        want = sum(exp(-lam) * lam ** j / factorial(j) for j in range(k + 1))
        assert abs(int(t[k]) / 2.0 ** 32 - want) < 1e-9


def test_delegated_sources_are_the_same_on_any_threads_and_stretch_in_float():
    sim.setup(timestep=0.1, arithmetic="float")
    cells = sim.Population(80, sim.IF_cond_exp(), label="cells")
    drive = sim.Population(80, sim.SpikeSourcePoisson(rate=3e4), label="drive")
    cells.record("spikes")
    sim.Projection(drive, cells, sim.OneToOneConnector(),
                   sim.StaticSynapse(weight=0.002, delay=1.0), receptor_type="excitatory")
    sim.Projection(cells, cells, sim.FixedProbabilityConnector(0.3, rng=sim.NumpyRNG(1)),
                   sim.StaticSynapse(weight=0.01, delay=1.0), receptor_type="inhibitory")
    sim.run(1.0)
    program = sim.simulator.state.mapping.program
    sim.end()
    assert program.direct.n == 80 and np.all(program.direct.cdf_lo >= 0)
    plain = load(program, threads=1, stretch=1).run(2000)
    fast = load(program, threads=min(2, numba.config.NUMBA_NUM_THREADS)).run(2000)
    assert len(plain.spike_ticks) > 100
    assert np.array_equal(plain.spike_ticks, fast.spike_ticks)
    assert np.array_equal(plain.spike_neurons, fast.spike_neurons)
    assert np.array_equal(plain.counters, fast.counters)


def test_provenance_tells_how_the_host_ran_it():
    sim.setup(timestep=0.1, threads=1)
    cells = sim.Population(30, sim.IF_curr_exp(), label="cells")
    drive = sim.Population(30, sim.SpikeSourcePoisson(rate=50.0), label="drive")
    sim.Projection(drive, cells, sim.OneToOneConnector(), sim.StaticSynapse(weight=0.5, delay=2.0))
    sim.run(10.0)
    prov = sim.provenance()
    sim.end()
    # no rows at all (the only synapses are delegated): the longest stretch
    assert prov["threads"] == 1 and prov["stretch_ticks"] == 64
    assert prov["delegated_poisson_synapses"] == 30


