"""Optimisations of the emulator must not change a single bit of what it computes.

Each network below is run and everything the run returns (spikes, recorded state,
current-source samples, per-core counters including the cycle estimates, packets per key
and per link) is digested. The digests in ``data/golden_runs.json`` were taken with the
plain one-tick-at-a-time, single-thread kernel before any speed work; every later kernel
must reproduce them, whatever its chunking and number of threads. A change of semantics
on purpose regenerates them with ``NEUROCHIP_UPDATE_GOLDEN=1 pytest tests/test_bit_exact.py``
(and says why in the commit).
"""

import hashlib
import json
import os
import pathlib

import numba
import numpy as np
import pyNN.neurochip as sim
import pytest
from pyNN.random import NumpyRNG, RandomDistribution

from neurochip.machine_report import MachineWarning

GOLDEN = pathlib.Path(__file__).parent / "data" / "golden_runs.json"
UPDATE = os.environ.get("NEUROCHIP_UPDATE_GOLDEN") == "1"


def _digest(results) -> str:
    h = hashlib.sha256()
    for _, r in results:
        for name in ("spike_ticks", "spike_neurons", "state_samples", "source_samples",
                     "counters", "packets_sent", "link_packets", "router_packets", "dropped"):
            a = np.ascontiguousarray(getattr(r, name))
            h.update(name.encode())
            h.update(str(a.dtype).encode() + str(a.shape).encode())
            h.update(a.tobytes())
    return h.hexdigest()


def _balanced(arithmetic, delay, n=600, duration=300.0):
    """CUBA-like, random delays from ``delay`` up, Poisson drive, v and gsyn recorded."""
    sim.setup(timestep=0.1, min_delay=delay, arithmetic=arithmetic)
    sim.set_number_of_neurons_per_core(sim.IF_curr_exp, 100)
    rng = NumpyRNG(seed=77)
    cell = sim.IF_curr_exp(tau_m=20.0, cm=0.2, v_rest=-49.0, v_thresh=-50.0, v_reset=-60.0,
                           tau_refrac=5.0, tau_syn_E=5.0, tau_syn_I=10.0)
    exc = sim.Population(int(0.8 * n), cell, label="exc")
    inh = sim.Population(n - int(0.8 * n), cell, label="inh")
    noise = sim.Population(60, sim.SpikeSourcePoisson(rate=30.0), label="noise")
    for pop in (exc, inh):
        pop.initialize(v=RandomDistribution("uniform", low=-60.0, high=-50.0, rng=rng))
        pop.record("spikes")
    exc[:7].record(["v", "isyn_exc", "isyn_inh"])
    noise.record("spikes")
    d = RandomDistribution("uniform", low=delay, high=delay + 2.0, rng=rng)
    conn = sim.FixedProbabilityConnector(0.1, allow_self_connections=False, rng=rng)
    for pre, w, rt in ((exc, 0.02, "excitatory"), (inh, -0.1, "inhibitory")):
        for post in (exc, inh):
            sim.Projection(pre, post, conn, sim.StaticSynapse(weight=w, delay=d), receptor_type=rt)
    sim.Projection(noise, exc, sim.FixedProbabilityConnector(0.2, rng=rng),
                   sim.StaticSynapse(weight=0.08, delay=delay), receptor_type="excitatory")
    sim.run(duration / 2)
    sim.run(duration / 2)  # two runs: state carries over between calls


def _mixed(arithmetic):
    """Several models, spike arrays, plastic (TM) and stochastic rows, current sources.

    In fixed point the 4 nA step drives the Izhikevich cells' state into saturation, which
    the machine reports after the run (a MachineWarning, expected here: the digest covers
    the saturation counts too)."""
    sim.setup(timestep=0.1, min_delay=0.1, arithmetic=arithmetic)
    rng = NumpyRNG(seed=5)
    src = sim.Population(20, sim.SpikeSourceArray(
        spike_times=[np.arange(1.0 + i, 200.0, 7.0 + i % 5) for i in range(20)]), label="ssa")
    poi = sim.Population(30, sim.SpikeSourcePoisson(rate=40.0), label="poisson")
    cond = sim.Population(40, sim.IF_cond_exp(tau_refrac=2.0), label="cond")
    izh = sim.Population(25, sim.Izhikevich(), label="izh")
    alpha = sim.Population(30, sim.IF_curr_alpha(), label="alpha")
    for pop in (cond, izh, alpha):
        pop.record("spikes")
    cond[:3].record(["v", "gsyn_exc"])
    izh[:2].record("v")
    sim.Projection(src, cond, sim.FixedProbabilityConnector(0.4, rng=rng),
                   sim.TsodyksMarkramSynapse(weight=0.02, delay=0.5, U=0.3, tau_rec=200.0,
                                             tau_facil=50.0), receptor_type="excitatory")
    sim.Projection(poi, alpha, sim.FixedProbabilityConnector(0.3, rng=rng),
                   sim.SimpleStochasticSynapse(weight=0.6, delay=0.3, p=0.5),
                   receptor_type="excitatory")
    sim.Projection(poi, izh, sim.AllToAllConnector(),
                   sim.StaticSynapse(weight=0.4, delay=0.1), receptor_type="excitatory")
    sim.Projection(cond, alpha, sim.FixedProbabilityConnector(0.2, rng=rng),
                   sim.StaticSynapse(weight=-0.3, delay=1.0), receptor_type="inhibitory")
    dc = sim.DCSource(amplitude=0.3, start=20.0, stop=150.0)
    dc.inject_into(alpha[:10])
    noisy = sim.NoisyCurrentSource(mean=0.2, stdev=0.3, start=10.0, stop=180.0, dt=1.0)
    noisy.inject_into(cond[:5])
    noisy.record()
    step = sim.StepCurrentSource(times=[30.0, 90.0], amplitudes=[4.0, 0.0])
    step.inject_into(izh[:4])
    sim.run(200.0)


def _plastic(arithmetic):
    """Recurrent STDP: E->E all-to-all pairs with multiplicative weights, noise->inh
    nearest pairs with Gutig weights, random delays from 1 ms (stretches of 10 ticks), two
    runs; the learned weights join the digest (see _run_case)."""
    sim.setup(timestep=0.1, min_delay=1.0, arithmetic=arithmetic)
    sim.set_number_of_neurons_per_core(sim.IF_curr_exp, 60)
    rng = NumpyRNG(seed=31)
    cell = sim.IF_curr_exp(tau_m=20.0, cm=0.2, v_rest=-49.0, v_thresh=-50.0, v_reset=-60.0,
                           tau_refrac=5.0, tau_syn_E=5.0, tau_syn_I=10.0)
    exc = sim.Population(160, cell, label="exc")
    inh = sim.Population(40, cell, label="inh")
    noise = sim.Population(40, sim.SpikeSourcePoisson(rate=30.0), label="noise")
    for pop in (exc, inh):
        pop.initialize(v=RandomDistribution("uniform", low=-60.0, high=-50.0, rng=rng))
        pop.record("spikes")
    d = RandomDistribution("uniform", low=1.0, high=3.0, rng=rng)
    conn = sim.FixedProbabilityConnector(0.1, allow_self_connections=False, rng=rng)
    sim.Projection(exc, exc, conn, sim.STDPMechanism(
        sim.SpikePairRule(A_plus=0.02, A_minus=0.024),
        sim.MultiplicativeWeightDependence(w_max=0.06), weight=0.02, delay=d))
    sim.Projection(exc, inh, conn, sim.StaticSynapse(weight=0.02, delay=d))
    for post in (exc, inh):
        sim.Projection(inh, post, conn, sim.StaticSynapse(weight=-0.1, delay=d),
                       receptor_type="inhibitory")
    sim.Projection(noise, inh, sim.FixedProbabilityConnector(0.3, rng=rng), sim.STDPMechanism(
        sim.extra_models.SpikeNearestPairRule(A_plus=0.03, A_minus=0.03),
        sim.GutigWeightDependence(w_max=0.2, mu_plus=0.4, mu_minus=0.6), weight=0.08, delay=d))
    sim.run(150.0)
    sim.run(150.0)


def _dopamine(arithmetic):
    """Dopamine-modulated STDP: recurrent E->E additive eligibility traces and noise->E
    multiplicative ones (pair rule), under Poisson reward and punishment onto all of E,
    split over cores of 50; delays from 1 ms (stretches of 10 ticks), two runs."""
    sim.setup(timestep=0.1, min_delay=1.0, arithmetic=arithmetic)
    sim.set_number_of_neurons_per_core(sim.IF_curr_exp, 50)
    rng = NumpyRNG(seed=41)
    cell = sim.IF_curr_exp(tau_m=20.0, cm=0.2, v_rest=-60.0, v_thresh=-50.0, v_reset=-60.0,
                           tau_refrac=5.0, tau_syn_E=5.0, tau_syn_I=10.0)
    exc = sim.Population(120, cell, label="exc")
    noise = sim.Population(40, sim.SpikeSourcePoisson(rate=30.0), label="noise")
    reward = sim.Population(1, sim.SpikeSourcePoisson(rate=10.0), label="reward")
    punish = sim.Population(1, sim.SpikeSourcePoisson(rate=5.0), label="punish")
    exc.initialize(v=RandomDistribution("uniform", low=-60.0, high=-50.0, rng=rng))
    exc.record("spikes")
    d = RandomDistribution("uniform", low=1.0, high=3.0, rng=rng)
    conn = sim.FixedProbabilityConnector(0.1, allow_self_connections=False, rng=rng)
    sim.Projection(exc, exc, conn, sim.STDPMechanism(
        sim.SpikePairRule(A_plus=0.01, A_minus=0.012),
        sim.AdditiveWeightDependence(w_max=0.05), weight=0.02, delay=d))
    sim.Projection(noise, exc, sim.FixedProbabilityConnector(0.3, rng=rng), sim.STDPMechanism(
        sim.SpikePairRule(A_plus=0.3, A_minus=0.3),
        sim.MultiplicativeWeightDependence(w_max=0.05), weight=0.06, delay=d))
    nm = {"tau_c": 100.0, "tau_d": 20.0, "w_max": 0.1}
    sim.Projection(reward, exc, sim.AllToAllConnector(),
                   sim.extra_models.Neuromodulation(weight=0.2, **nm), receptor_type="reward")
    sim.Projection(punish, exc, sim.AllToAllConnector(),
                   sim.extra_models.Neuromodulation(weight=0.1, **nm), receptor_type="punishment")
    sim.run(150.0)
    sim.run(150.0)


def _recurrent(arithmetic):
    """sPyNNaker's stochastic recurrent rule: E->E and noise->E synapses, multiplicative
    and additive, split over cores of 50, delays from 1 ms, two runs."""
    sim.setup(timestep=0.1, min_delay=1.0, arithmetic=arithmetic, seed=9)
    sim.set_number_of_neurons_per_core(sim.IF_curr_exp, 50)
    rng = NumpyRNG(seed=43)
    cell = sim.IF_curr_exp(tau_m=20.0, cm=0.2, v_rest=-60.0, v_thresh=-50.0, v_reset=-60.0,
                           tau_refrac=5.0, tau_syn_E=5.0, tau_syn_I=10.0)
    exc = sim.Population(120, cell, label="exc")
    noise = sim.Population(40, sim.SpikeSourcePoisson(rate=30.0), label="noise")
    exc.initialize(v=RandomDistribution("uniform", low=-60.0, high=-50.0, rng=rng))
    exc.record("spikes")
    d = RandomDistribution("uniform", low=1.0, high=3.0, rng=rng)
    rule = {"accumulator_depression": -2, "accumulator_potentiation": 2, "mean_pre_window": 8.0,
            "mean_post_window": 12.0, "dual_fsm": False}
    sim.Projection(exc, exc, sim.FixedProbabilityConnector(0.1, allow_self_connections=False,
                                                           rng=rng), sim.STDPMechanism(
        sim.extra_models.RecurrentRule(A_plus=0.1, A_minus=0.1, **rule),
        sim.MultiplicativeWeightDependence(w_max=0.05), weight=0.02, delay=d))
    sim.Projection(noise, exc, sim.FixedProbabilityConnector(0.3, rng=rng), sim.STDPMechanism(
        sim.extra_models.RecurrentRule(A_plus=0.05, A_minus=0.05, **rule),
        sim.AdditiveWeightDependence(w_max=0.1), weight=0.06, delay=d))
    sim.run(150.0)
    sim.run(150.0)


def _expecting_saturation(case, arithmetic):
    with pytest.warns(MachineWarning, match=r"neuron state values saturated .* in 'izh'"):
        case(arithmetic)


CASES = {
    "balanced-fixed-d0.1": lambda: _balanced("fixed", 0.1),
    "balanced-fixed-d1.5": lambda: _balanced("fixed", 1.5),
    "balanced-float-d1.0": lambda: _balanced("float", 1.0),
    "mixed-fixed": lambda: _expecting_saturation(_mixed, "fixed"),
    "mixed-float": lambda: _mixed("float"),
    "plastic-fixed": lambda: _plastic("fixed"),
    "plastic-float": lambda: _plastic("float"),
    "dopamine-fixed": lambda: _dopamine("fixed"),
    "dopamine-float": lambda: _dopamine("float"),
    "recurrent-fixed": lambda: _recurrent("fixed"),
    "recurrent-float": lambda: _recurrent("float"),
}


def _run_case(name):
    CASES[name]()
    st = sim.simulator.state
    out = _digest(st.results)
    for prj in st.projections:  # learned weights (plastic projections)
        if type(prj.synapse_type).__name__ == "STDPMechanism":
            learned = _weights_digest(prj.get("weight", format="list"))
            out = hashlib.sha256((out + learned).encode()).hexdigest()
    n_spikes = sum(len(r.spike_ticks) for _, r in st.results)
    sim.end()
    return out, n_spikes


@pytest.mark.parametrize("name", sorted(CASES))
def test_runs_match_the_golden_digests(name):
    golden = json.loads(GOLDEN.read_text()) if GOLDEN.exists() else {}
    digest, n_spikes = _run_case(name)
    assert n_spikes > 50, f"{name}: too few spikes ({n_spikes}) for the digest to mean much"
    if UPDATE:
        golden[name] = digest
        GOLDEN.write_text(json.dumps(golden, indent=1, sort_keys=True) + "\n")
    assert name in golden, f"no golden digest for {name}: run with NEUROCHIP_UPDATE_GOLDEN=1"
    assert digest == golden[name], f"{name}: the run differs from the golden run"


def _weights_digest(connections) -> str:
    return hashlib.sha256(np.ascontiguousarray(connections, np.float64).tobytes()).hexdigest()


def _result_digest(result) -> str:
    return _digest([(None, result)])


@pytest.mark.parametrize("name, stretch", [("balanced-fixed-d1.5", 15),
                                           ("balanced-float-d1.0", 10), ("mixed-float", 1),
                                           ("plastic-fixed", 10), ("plastic-float", 10),
                                           ("dopamine-fixed", 10), ("dopamine-float", 10),
                                           ("recurrent-fixed", 10), ("recurrent-float", 10)])
def test_threads_and_stretches_give_the_plain_loop_bit_for_bit(name, stretch):
    """The default (several threads, stretches of the shortest delay) against one thread,
    one tick at a time, on the same loaded program."""
    from neurochip.emulator import load
    CASES[name]()
    program = sim.simulator.state.mapping.program
    n_ticks = sim.simulator.state.t_ticks
    sim.end()
    plain = load(program, threads=1, stretch=1)
    fast = load(program)
    assert fast.stretch == stretch
    many = load(program, threads=min(2, numba.config.NUMBA_NUM_THREADS))
    results = [m.run(n_ticks) for m in (plain, fast, many)]
    assert len(results[0].spike_ticks) > 50
    assert len({_result_digest(r) for r in results}) == 1
    # plastic rows (learned weights, traces) and post-spike histories, bit for bit
    assert all(np.array_equal(plain.syn, m.syn) and np.array_equal(plain.syn_wf, m.syn_wf)
               for m in (fast, many))
    assert all(np.array_equal(plain.hist_n, m.hist_n) for m in (fast, many))
    if len(plain.hist_da):  # dopamine histories: the same entries in each logical window
        assert all(_histories(plain) == _histories(m) for m in (fast, many))


def _histories(em, keep=16):
    """Each history's ``keep`` newest entries (stamp, traces, dopamine mark), as tuples."""
    cap = em.hist_t.shape[1] - 1
    out = []
    for r, n in enumerate(em.hist_n):
        q = np.arange(max(n - keep, 0), n) & cap
        out.append((tuple(em.hist_t[r, q]), tuple(em.hist_tr[r, q]), tuple(em.hist_da[r, q]),
                    tuple(em.hist_isd[r, q])))
    return out


def test_threads_out_of_range_is_refused_with_the_limit():
    with pytest.raises(Exception, match=r"threads=0: use 1 to \d+"):
        sim.setup(timestep=0.1, threads=0)
    from neurochip.emulator import EmulatorError, load
    CASES["mixed-fixed"]()
    program = sim.simulator.state.mapping.program
    sim.end()
    with pytest.raises(EmulatorError, match=r"stretch=5: use 1 to 1 \(the shortest delay"):
        load(program, stretch=5)
