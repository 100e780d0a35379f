"""sPyNNaker's stochastic recurrent STDP rule (extra_models.RecurrentRule, dual_fsm=False):
every synapse's weight, accumulator and state against the float64 event-by-event
reference driven by the machine's own draws, the draws' statistics, and the errors."""

import numpy as np
import pyNN.neurochip as sim
import pytest
from pyNN.parameters import Sequence
from pyNN.random import NumpyRNG, RandomDistribution
from reference.recurrent_expect import recurrent_synapse, window

from neurochip.emulator.recurrent import ACC_BIAS
from neurochip.mapping.errors import MappingError

RULE = {"accumulator_depression": -3, "accumulator_potentiation": 2, "mean_pre_window": 10.0,
        "mean_post_window": 8.0, "A_plus": 0.2, "A_minus": 0.15}
BOUNDS = {"w_min": 0.0, "w_max": 4.0}


def recurrent_network(arithmetic, dependence="multiplicative", dt=1.0, seed=3, duration=2000.0,
                      dual=False, split=False):
    """Random pre trains through recurrent-rule synapses of random delays onto cells driven
    to fire; returns everything the reference needs and the machine's synapse states.
    ``split``: two runs with a rebuild of the machine between them."""
    rng = np.random.default_rng(seed)
    sim.setup(timestep=dt, min_delay=1.0, arithmetic=arithmetic, seed=seed)
    n_pre, n_post = 8, 3
    trains = [np.unique(np.round(rng.uniform(2.0, duration - 5.0, rng.poisson(duration * 0.03)) / dt)
                        * dt) for _ in range(n_pre)]
    pre = sim.Population(n_pre, sim.SpikeSourceArray(spike_times=[Sequence(t) for t in trains]))
    drive = sim.Population(n_post, sim.SpikeSourcePoisson(rate=30.0))
    post = sim.Population(n_post, sim.IF_curr_exp(tau_refrac=2.0, tau_syn_E=1.0))
    for pop in (pre, post):
        pop.record("spikes")
    sim.Projection(drive, post, sim.OneToOneConnector(), sim.StaticSynapse(weight=25.0, delay=1.0))
    wdep = (sim.MultiplicativeWeightDependence(**BOUNDS) if dependence == "multiplicative"
            else sim.AdditiveWeightDependence(**BOUNDS))
    w0 = RandomDistribution("uniform", low=1.0, high=3.0, rng=NumpyRNG(seed=seed))
    delay = RandomDistribution("uniform", low=1.0, high=3.0, rng=NumpyRNG(seed=seed + 1))
    prj = sim.Projection(pre, post, sim.AllToAllConnector(), sim.STDPMechanism(
        sim.extra_models.RecurrentRule(dual_fsm=dual, **RULE), wdep, weight=w0, delay=delay))
    initial = np.array(prj.get("weight", format="list"))
    if split:
        sim.run(round(0.4 * duration))
        post.set(tau_refrac=2.0)  # a rebuild, nothing changed
        sim.run(duration - round(0.4 * duration))
    else:
        sim.run(duration)
    learned = np.array(prj.get(["weight", "delay"], format="list"))
    st = sim.simulator.state
    j = next(k for k, p in enumerate(st.mapping.graph.projections) if p.dynamics == "stdp_recurrent")
    addr = st.mapping.plastic_addr[j]
    state, sid = st.emulation.syn[addr + 1].astype(np.int64), st.emulation.syn[addr + 2]
    seed_ = st.mapping.program.synapses.seed
    # stamps: a spike recorded at t ms is stamped round(t / dt)
    spikes = [[np.round(s.magnitude / dt).astype(int) for s in pop.get_data("spikes")
               .segments[0].spiketrains] for pop in (pre, post)]
    lost = sim.provenance()["stdp_history_lost"]
    sim.end()
    return dict(initial=initial, learned=learned, state=state, sid=sid, seed=seed_,
                spikes=spikes, lost=lost, dt=dt, dual=dual)


def expectation(run, dependence):
    p = {**RULE, **BOUNDS}
    for name in ("mean_pre_window", "mean_post_window"):
        p[name] = RULE[name] / run["dt"]
    pre, post = run["spikes"]
    return [recurrent_synapse(pre[int(i)], post[int(j)], w, round(d / run["dt"]), p,
                              run["seed"], int(s), dependence, run["dual"])
            for (i, j, w), (_, _, _, d), s in zip(run["initial"], run["learned"], run["sid"])]


@pytest.mark.parametrize("dependence, dual", [("multiplicative", False), ("additive", False),
                                             ("multiplicative", True)])
@pytest.mark.parametrize("arithmetic, tolerance", [("float", 1e-12), ("fixed", 1e-4)])
def test_recurrent_rule_matches_the_reference(dependence, dual, arithmetic, tolerance):
    """The state machines (accumulator, state) exactly, the weights to rounding (float)
    or within 1e-4 of w_max (fixed; measured 1e-5), on the run's own spikes and draws."""
    run = recurrent_network(arithmetic, dependence, dual=dual)
    assert min(len(t) for t in run["spikes"][1]) > 40 and run["lost"] == 0
    expect = expectation(run, dependence)
    w = np.array([e[0] for e in expect])
    acc = (run["state"] >> 24) - ACC_BIAS
    fsm = (run["state"] >> 16) & 3
    assert acc.tolist() == [e[1] for e in expect]
    assert fsm.tolist() == [e[2] for e in expect]
    changed = np.abs(w - run["initial"][:, 2]) > 1e-9
    assert changed.sum() >= len(w) // 2  # most synapses learned
    assert np.abs(run["learned"][:, 2] - w).max() <= tolerance * BOUNDS["w_max"]


@pytest.mark.parametrize("arithmetic", ["fixed", "float"])
def test_learning_carries_over_a_rebuild_between_runs(arithmetic):
    """run + rebuild + run learns what one run learns, bit for bit: the rows' weights,
    state machines and last pre stamps carry over (emulator.recurrent.carry_recurrent_state)."""
    one = recurrent_network(arithmetic, duration=1000.0)
    two = recurrent_network(arithmetic, duration=1000.0, split=True)
    assert np.abs(one["learned"][:, 2] - one["initial"][:, 2]).max() > 0.05
    assert np.array_equal(one["learned"], two["learned"])
    assert np.array_equal(one["state"], two["state"])
    assert [[list(t) for t in pop] for pop in one["spikes"]] == [
        [list(t) for t in pop] for pop in two["spikes"]]


def test_window_draws_are_exponential_with_the_mean():
    """The windows drawn over many synapses and times: mean ``mean - 1/2`` (the table
    floors) within 3 %, P(window >= mean) = e^-1 within 0.02, and independent of the
    kind (pre/post) and of neighbouring synapse ids."""
    mean = 20.0
    draws = np.array([[window(mean, 7, sid, t, kind) for t in range(200)]
                      for kind in (0, 1) for sid in range(25)], float).reshape(2, -1)
    for d in draws:
        assert abs(d.mean() - (mean - 0.5)) < 0.03 * mean
        assert abs(np.mean(d >= mean) - np.exp(-1)) < 0.02
    assert abs(np.corrcoef(draws[0], draws[1])[0, 1]) < 0.05


def test_recurrent_rule_errors():
    sim.setup(timestep=1.0)
    a = sim.Population(1, sim.SpikeSourceArray(spike_times=[5.0]))
    b = sim.Population(1, sim.IF_curr_exp())
    sim.Projection(a, b, sim.AllToAllConnector(), sim.STDPMechanism(
        sim.extra_models.RecurrentRule(accumulator_depression=-200, dual_fsm=False),
        sim.MultiplicativeWeightDependence(), weight=0.1))
    with pytest.raises(MappingError, match="accumulator_depression=-200"):
        sim.run(10.0)
    sim.end()
