"""STDP (issue 10): the learning window against NEST, every rule and weight dependence
against the closed form, read-back and write-back of the learned weights, and the
errors a user meets. Bit-exactness over threads and stretches is in test_bit_exact.py."""

import json
import math
import pathlib

import numpy as np
import pyNN.neurochip as sim
import pytest
from pyNN.parameters import Sequence
from pyNN.random import NumpyRNG, RandomDistribution
from reference import stdp as ref
from reference.stdp_expect import synapse_weight, triplet_weight

from neurochip.errors import NeurochipError
from neurochip.machine_report import MachineWarning
from neurochip.mapping.errors import MappingError

DATA = pathlib.Path(__file__).parent / "data" / "nest_stdp.json"


@pytest.fixture(scope="module")
def nest_window():
    return json.loads(DATA.read_text())["window"]


@pytest.mark.parametrize("arithmetic, tolerance", [("float", 1e-9), ("fixed", 3e-3)])
def test_learning_window_matches_nest(nest_window, arithmetic, tolerance):
    """PyNN's SpikePairRule through pyNN.nest (NEST's stdp_synapse) against neurochip on the
    same script: 101 pre-post offsets, 40 pairings each, additive and multiplicative."""
    latency = ref.post_latency(sim, arithmetic=arithmetic)
    assert latency == nest_window["params"]["post_latency"]
    res = ref.pairing(sim, latency, arithmetic=arithmetic)
    for name in ref.DEPENDENCES:
        nest = nest_window[name]
        assert np.allclose(res[name]["post"], nest["post_spikes"])  # the same pairings
        dw = res[name]["w"] - ref.W0
        want = np.array(nest["dw"])
        peak = np.abs(want).max()
        assert np.abs(dw - want).max() <= tolerance * peak, name
        # the sign flips where NEST's does: potentiation for dt = t_post + d - t_pre > 0
        dt = np.array(nest["dt"])
        assert np.all(dw[dt >= 1.0] > 0) and np.all(dw[dt <= -1.0] < 0), name


def _closed_form_network(arithmetic, timing, dependence, seed=3, duration=2000.0):
    """Random pre trains through plastic synapses of random delays onto cells driven to fire
    irregularly; returns the projection's learned weights, the expectation of
    stdp_expect.synapse_weight for each synapse from the recorded spikes, and w_max."""
    rng = np.random.default_rng(seed)
    sim.setup(timestep=0.1, min_delay=1.0, arithmetic=arithmetic)
    n_pre, n_post = 12, 3
    trains = [np.round(np.sort(rng.uniform(2.0, duration - 5.0, rng.poisson(duration * 0.012))), 1)
              for _ in range(n_pre)]
    pre = sim.Population(n_pre, sim.SpikeSourceArray(spike_times=[Sequence(t) for t in trains]))
    drive = sim.Population(n_post, sim.SpikeSourcePoisson(rate=25.0))
    post = sim.Population(n_post, sim.IF_curr_exp(tau_refrac=2.0, tau_syn_E=1.0))
    for pop in (pre, post):
        pop.record("spikes")
    sim.Projection(drive, post, sim.OneToOneConnector(), sim.StaticSynapse(weight=25.0, delay=1.0))
    params = {"tau_plus": 16.8, "tau_minus": 33.7, "A_plus": 0.05, "A_minus": 0.06}
    w_max, w_min = 0.01, 0.001
    triplet = {"tau_x": 101.0, "tau_y": 125.0}, {"A3_plus": 0.02, "A3_minus": 0.01}
    wdep = {"additive_triplet": sim.extra_models.WeightDependenceAdditiveTriplet(
                w_min=w_min, w_max=w_max, **triplet[1]),
            "additive": sim.AdditiveWeightDependence(w_min=w_min, w_max=w_max),
            "multiplicative": sim.MultiplicativeWeightDependence(w_min=w_min, w_max=w_max),
            "additive_multiplicative": sim.AdditivePotentiationMultiplicativeDepression(
                w_min=w_min, w_max=w_max),
            "gutig": sim.GutigWeightDependence(w_min=w_min, w_max=w_max, mu_plus=0.3,
                                               mu_minus=0.7)}[dependence]
    rule = (sim.SpikePairRule(**params) if timing == "all"
            else sim.extra_models.PfisterSpikeTriplet(**params, **triplet[0]) if timing == "triplet"
            else sim.extra_models.SpikeNearestPairRule(**params))
    w0 = RandomDistribution("uniform", low=0.2 * w_max, high=0.8 * w_max, rng=NumpyRNG(seed=seed))
    delay = RandomDistribution("uniform", low=1.0, high=4.0, rng=NumpyRNG(seed=seed + 1))
    prj = sim.Projection(pre, post, sim.AllToAllConnector(),
                         sim.STDPMechanism(rule, wdep, weight=w0, delay=delay))
    initial = np.array(prj.get("weight", format="list"))
    sim.run(duration)
    learned = np.array(prj.get(["weight", "delay"], format="list"))
    t_pre = [st.magnitude for st in pre.get_data("spikes").segments[0].spiketrains]
    t_post = [st.magnitude for st in post.get_data("spikes").segments[0].spiketrains]
    lost = sim.provenance()["stdp_history_lost"]
    sim.end()
    assert min(len(t) for t in t_post) > 20, "the post cells must fire"
    # in ticks, so that coincidences (post spike seen exactly at a pre spike) are exact
    p = dict(params, w_max=w_max, w_min=w_min, mu_plus=0.3, mu_minus=0.7, **triplet[0],
             **triplet[1])
    for name in ("tau_plus", "tau_minus", "tau_x", "tau_y"):
        p[name] = p[name] / 0.1
    tick = [np.round(np.asarray(t) / 0.1) for t in t_pre], [np.round(np.asarray(t) / 0.1) for t in t_post]
    expect = np.array([
        triplet_weight(tick[0][int(i)], tick[1][int(j)], w, round(d / 0.1), p)
        if timing == "triplet" else
        synapse_weight(tick[0][int(i)], tick[1][int(j)], w, round(d / 0.1), p, dependence, timing)
        for (i, j, w), (_, _, _, d) in zip(initial, learned)])
    assert lost == 0
    return learned[:, 2], expect, initial[:, 2], w_max


DEPENDENCES = ("additive", "multiplicative", "additive_multiplicative", "gutig")


@pytest.mark.parametrize("timing, dependence", [
    *((t, d) for t in ("all", "nearest") for d in DEPENDENCES), ("triplet", "additive_triplet")])
@pytest.mark.parametrize("arithmetic, tolerance", [("float", 1e-12), ("fixed", 2e-3)])
def test_rules_match_the_closed_form(timing, dependence, arithmetic, tolerance):
    """Every pair rule x weight dependence, and the triplet rule, event by event, against
    the float64 closed form on the run's own spikes (float: to rounding; fixed: within 0.2 %
    of w_max)."""
    learned, expect, initial, w_max = _closed_form_network(arithmetic, timing, dependence)
    assert np.abs(expect - initial).max() > 0.05 * w_max  # the weights did learn
    assert np.abs(learned - expect).max() <= tolerance * w_max


def _vogels(pre, post, w0, delay, tau, eta, rho, w_min, w_max):
    """Vogels et al. (2011) with all-to-all traces, deferred to the pre spikes (float64)."""
    alpha = 2.0 * rho * tau / 1000.0
    seen = np.sort(post) + delay
    w, k_pre, t_last, j = w0, 0.0, -math.inf, 0
    k_post, t_post = 0.0, -math.inf
    for t in np.sort(pre):
        while j < len(seen) and seen[j] <= t:
            s = seen[j]
            if k_pre > 0:
                w = min(w + eta * k_pre * math.exp(-(s - t_last) / tau), w_max)
            if s < t:
                k_post = k_post * math.exp(-(s - t_post) / tau) + 1.0
                t_post = s
                j += 1
            else:
                break
        k = k_post * math.exp(-(t - t_post) / tau) if t_post > -math.inf else 0.0
        w = max(min(w + eta * k, w_max) - eta * alpha, w_min)
        k_pre = (k_pre * math.exp(-(t - t_last) / tau) if t_last > -math.inf else 0.0) + 1.0
        t_last = t
        while j < len(seen) and seen[j] == t:
            k_post = k_post * math.exp(-(seen[j] - t_post) / tau) + 1.0
            t_post = seen[j]
            j += 1
    return w


@pytest.mark.parametrize("arithmetic, tolerance", [("float", 1e-12), ("fixed", 2e-3)])
def test_vogels2011_rule_on_an_inhibitory_synapse(arithmetic, tolerance):
    sim.setup(timestep=0.1, arithmetic=arithmetic)
    rng = np.random.default_rng(8)
    trains = [np.round(np.sort(rng.uniform(2.0, 995.0, 15)), 1) for _ in range(6)]
    pre = sim.Population(6, sim.SpikeSourceArray(spike_times=[Sequence(t) for t in trains]))
    post = sim.Population(2, sim.IF_cond_exp(i_offset=0.9, tau_refrac=2.0))
    for pop in (pre, post):
        pop.record("spikes")
    w_max, eta, rho, tau = 0.02, 0.0005, 10.0, 20.0
    prj = sim.Projection(pre, post, sim.AllToAllConnector(), sim.STDPMechanism(
        sim.Vogels2011Rule(tau=tau, eta=eta, rho=rho), sim.AdditiveWeightDependence(w_max=w_max),
        weight=0.01, delay=1.5), receptor_type="inhibitory")
    sim.run(1000.0)
    learned = np.array(prj.get("weight", format="list"))
    t_pre = [st.magnitude for st in pre.get_data("spikes").segments[0].spiketrains]
    t_post = [st.magnitude for st in post.get_data("spikes").segments[0].spiketrains]
    sim.end()
    ticks = [np.round(np.asarray(t) / 0.1) for t in t_pre], [np.round(np.asarray(t) / 0.1) for t in t_post]
    expect = np.array([_vogels(ticks[0][int(i)], ticks[1][int(j)], 0.01, 15, tau / 0.1, eta, rho * 0.1,
                               0.0, w_max) for i, j, _ in learned])
    assert np.abs(expect - 0.01).max() > 0.1 * w_max
    assert np.abs(learned[:, 2] - expect).max() <= tolerance * w_max


def _small_plastic(arithmetic="fixed"):
    sim.setup(timestep=0.1, arithmetic=arithmetic)
    src = sim.Population(20, sim.SpikeSourcePoisson(rate=40.0), label="src")
    post = sim.Population(5, sim.IF_curr_exp(i_offset=1.2, tau_refrac=2.0), label="post")
    stdp = sim.STDPMechanism(sim.SpikePairRule(A_plus=0.02, A_minus=0.02),
                             sim.AdditiveWeightDependence(w_max=0.1), weight=0.05, delay=1.0)
    prj = sim.Projection(src, post, sim.AllToAllConnector(), stdp, label="plastic")
    return prj


@pytest.mark.parametrize("arithmetic", ["fixed", "float"])
def test_weights_are_read_back_set_and_reset(arithmetic):
    prj = _small_plastic(arithmetic)
    w0 = prj.get("weight", format="array")
    sim.run(300.0)
    w1 = prj.get("weight", format="array")
    assert not np.allclose(w1, w0) and np.all((w1 >= 0) & (w1 <= 0.1))
    # list and array, and Connection objects, say the same
    lst = np.array(prj.get("weight", format="list"))
    assert np.allclose(w1[lst[:, 0].astype(int), lst[:, 1].astype(int)], lst[:, 2])
    assert prj[3].weight == pytest.approx(lst[3, 2])
    # set() between runs writes the machine's weights; learning goes on from them
    prj.set(weight=0.07)
    assert np.allclose(prj.get("weight", format="array"), 0.07, atol=0.1 / 65535)
    sim.run(100.0)
    w2 = prj.get("weight", format="array")
    assert not np.allclose(w2, 0.07)
    # reset() returns to the initial weights (PyNN: projections to their initial state)
    sim.reset()
    assert np.allclose(prj.get("weight", format="array"), w0)
    sim.run(300.0)
    assert np.array_equal(prj.get("weight", format="array"), w1)  # the same learning again
    sim.end()
    assert np.array_equal(prj.get("weight", format="array"), w1)  # still there after end()


def test_two_runs_learn_as_one():
    """run(150) + run(150), with a parameter change of another projection in between that
    rebuilds the machine, learns what run(300) learns, bit for bit."""
    prj = _small_plastic()
    sim.run(300.0)
    one = prj.get("weight", format="array")
    sim.end()
    prj = _small_plastic()
    other = sim.Projection(prj.pre[:5], prj.post, sim.OneToOneConnector(),
                           sim.StaticSynapse(weight=0.0, delay=1.0))
    sim.run(150.0)
    other.set(weight=0.0)  # marks the network changed: a new program carries the state over
    assert sim.simulator.state.dirty
    sim.run(150.0)
    assert np.array_equal(prj.get("weight", format="array"), one)
    sim.end()


def test_weights_recorded_during_a_run_with_pyNN_callbacks():
    """PyNN's way of recording weights during a run (run(..., callbacks=[...]), as its
    simple_STDP example's WeightRecorder): each sample is what get() says at that time."""
    prj = _small_plastic()
    samples = {}

    def record(t):
        samples[t] = prj.get("weight", format="array")
        return t + 50.0

    sim.run(300.0, callbacks=[record])
    assert sorted(samples) == [0.0, 50.0, 100.0, 150.0, 200.0, 250.0, 300.0]
    assert np.array_equal(samples[300.0], prj.get("weight", format="array"))
    changes = [np.abs(samples[t + 50.0] - samples[t]).max() for t in sorted(samples)[:-1]]
    assert min(changes) > 0  # learning goes on between the samples
    sim.end()
    prj = _small_plastic()
    sim.run(150.0)  # the same network without callbacks: the same weights at 150 ms
    assert np.array_equal(prj.get("weight", format="array"), samples[150.0])
    sim.end()


def test_history_overflow_is_counted_and_reported():
    """A post cell firing ~20 times between two pre spikes loses post spikes from its
    16-entry history: the machine says so after the run (an error in strict mode)."""
    sim.setup(timestep=0.1, strict=False)
    pre = sim.Population(1, sim.SpikeSourceArray(spike_times=[5.0, 200.0, 400.0]))
    post = sim.Population(1, sim.IF_curr_exp(i_offset=5.0, tau_refrac=1.0))
    post.record("spikes")
    sim.Projection(pre, post, sim.AllToAllConnector(), sim.STDPMechanism(
        sim.SpikePairRule(), sim.AdditiveWeightDependence(w_max=0.1), weight=0.05, delay=1.0))
    with pytest.warns(MachineWarning, match=r"missed post-synaptic spikes .* more than 16 times"):
        sim.run(450.0)
    assert sim.provenance()["stdp_history_lost"] == 2
    assert len(post.get_data().segments[0].spiketrains[0]) > 40
    sim.end()


def test_errors_name_the_fix():
    sim.setup(timestep=0.1)
    a = sim.Population(2, sim.SpikeSourceArray(spike_times=[1.0]))
    b = sim.Population(2, sim.IF_curr_exp())
    with pytest.raises(ValueError, match=r"dendritic_delay_fraction=0.5.*use 1"):
        sim.STDPMechanism(sim.SpikePairRule(), sim.AdditiveWeightDependence(),
                          dendritic_delay_fraction=0.5)
    with pytest.raises(NeurochipError, match=r"SpikePairRule with "
                                             r"WeightDependenceAdditiveTriplet: the triplet rule"):
        sim.STDPMechanism(sim.SpikePairRule(),
                          sim.extra_models.WeightDependenceAdditiveTriplet(w_max=0.1))
    with pytest.raises(NeurochipError, match=r"TimingDependencePFPC .* not in neurochip"):
        sim.extra_models.TimingDependencePFPC()
    sim.Projection(a, b, sim.AllToAllConnector(), sim.STDPMechanism(
        sim.SpikePairRule(), sim.AdditiveWeightDependence(w_max=0.01), weight=0.02),
        label="too heavy")
    with pytest.raises(MappingError, match=r"'too heavy': an initial weight \(0.02\) is above "
                                           r"w_max=0.01"):
        sim.run(1.0)
    sim.end()
    sim.setup(timestep=0.1)
    a = sim.Population(2, sim.SpikeSourceArray(spike_times=[1.0]))
    b = sim.Population(2, sim.IF_curr_exp(), label="b")
    for label, tau in (("first", 20.0), ("second", 30.0)):
        sim.Projection(a, b, sim.AllToAllConnector(), sim.STDPMechanism(
            sim.SpikePairRule(tau_minus=tau), sim.AdditiveWeightDependence(w_max=0.1),
            weight=0.02), label=label)
    with pytest.raises(MappingError, match=r"'first' and 'second' onto population 'b' need "
                                           r"different post-synaptic traces \(tau_minus 20 ms, "
                                           r"all-pair vs tau_minus 30 ms"):
        sim.run(1.0)
    sim.end()
