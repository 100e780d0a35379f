"""Structural plasticity (sPyNNaker's synaptic rewiring) on the machine.

The rewiring runs in the emulator (neurochip.emulator.structural): these tests read its
outcome back through ``Projection.get`` and the machine's formation/elimination counts
(``Emulation.st_counts``), and compare with the formulas of sPyNNaker's rules and with an
event-by-event reference of the process (tests/reference/structural.py).
"""

import hashlib
import math
import pathlib
import sys
import warnings

import numba
import numpy as np
import pyNN.neurochip as sim
import pytest
from pyNN.random import NumpyRNG
from scipy import stats

from neurochip.errors import NeurochipError
from neurochip.mapping.errors import MappingError
from neurochip.mapping.structural import formation_table

sys.path.insert(0, str(pathlib.Path(__file__).parent))
from reference import structural as ref  # noqa: E402

from networks import run_twice  # noqa: E402


def _counts():
    return sim.simulator.state.emulation.st_counts.sum(axis=0)  # (formed, eliminated)


def _mechanism(partner=None, grid=(4, 4), p=1.0, sigma=1.0, p_lat=1.0, sigma_lat=1.0,
               threshold=0.5, p_dep=0.0, p_pot=0.0, f_rew=10_000, s_max=64, weight=1.0, delay=2.0,
               seed=7, replace=True, stdp=False):
    rules = (partner or sim.RandomSelection(),
             sim.DistanceDependentFormation(grid=list(grid), p_form_forward=p, sigma_form_forward=sigma,
                                            p_form_lateral=p_lat, sigma_form_lateral=sigma_lat),
             sim.RandomByWeightElimination(threshold=threshold, prob_elim_depressed=p_dep,
                                           prob_elim_potentiated=p_pot))
    common = dict(f_rew=f_rew, initial_weight=weight, initial_delay=delay, s_max=s_max,
                  with_replacement=replace, seed=seed, weight=weight,
                  delay=delay if np.ndim(delay) == 0 else delay[0])
    if stdp:
        return sim.StructuralMechanismSTDP(
            *rules, timing_dependence=sim.SpikePairRule(tau_plus=20.0, tau_minus=20.0, A_plus=0.1,
                                                        A_minus=0.12),
            weight_dependence=sim.AdditiveWeightDependence(w_min=0.0, w_max=2.0), **common)
    return sim.StructuralMechanismStatic(*rules, **common)


def _pairs(prj):
    return sorted((int(c[0]), int(c[1])) for c in prj.get("delay", format="list"))


def test_formation_table_is_spynnakers_formula():
    t = formation_table((4, 4), 0.5, 1.5)
    d2 = np.arange(len(t))
    np.testing.assert_array_equal(t, np.floor(0.5 * np.exp(-d2 / 4.5) * 65535).astype(int))
    assert len(t) == 2 ** 2 + 2 ** 2 + 1  # the largest squared distance on a 4 x 4 torus is 8
    assert len(formation_table((10, 10), 0.16, 0.5)) < 10  # cut where it reaches 0
    assert formation_table((3, 3), 1.0, 1.0).tolist() == ref.table((3, 3), 1.0, 1.0)


@pytest.mark.parametrize("lateral", [False, True])
def test_formed_synapses_follow_the_distance_dependent_probability(lateral):
    """Which pre neurons a formation picks, by squared distance: each formation stage of an
    attempt draws a pre neuron uniformly and forms with p(d2) (no elimination here), so the
    formed synapses of each distance class are ~ n_class * p(d2); chi-square over 4800
    attempts."""
    sim.setup(timestep=1.0)
    grid = (6, 6)
    post = sim.Population(36, sim.IF_curr_exp(), label="post")
    pre = post if lateral else sim.Population(36, sim.IF_curr_exp(), label="pre")
    mech = _mechanism(grid=grid, p=0.9, sigma=1.2, p_lat=0.7, sigma_lat=2.0, s_max=256, f_rew=12_000,
                      weight=0.01)
    prj = sim.Projection(pre, post, sim.FixedProbabilityConnector(0.0), mech)
    sim.run(400)
    pairs = _pairs(prj)
    formed, eliminated = _counts()
    sim.end()
    assert eliminated == 0 and formed == len(pairs) > 300
    p16 = ref.table(grid, *((0.7, 2.0) if lateral else (0.9, 1.2)))
    got = np.zeros(len(p16))
    for a, b in pairs:
        got[ref.distance2(a, b, grid)] += 1
    classes = np.zeros(len(p16))
    for a in range(36):
        for b in range(36):
            d2 = ref.distance2(a, b, grid)
            if d2 < len(p16):
                classes[d2] += 1
    expect = classes * (np.array(p16) + 1) / 65536.0
    keep = expect > 0
    expect = expect[keep] / expect[keep].sum() * got[keep].sum()
    chi2, pval = stats.chisquare(got[keep], expect)
    assert pval > 1e-4, (got, expect)
    assert got[~keep].sum() == 0


def test_elimination_probability_depends_on_the_weight():
    """Every slot full at the start (all-to-all, s_max = n_pre), no formation: a slot is
    eliminated at each of the A attempts with probability p / (n_post s_max), p the
    depressed probability below the threshold weight and the potentiated one above it.
    Binomial bounds on both populations' counts."""
    sim.setup(timestep=1.0)
    n = 16
    pres = [sim.Population(n, sim.IF_curr_exp(), label=f"pre{i}") for i in range(2)]
    posts = [sim.Population(n, sim.IF_curr_exp(), label=f"post{i}") for i in range(2)]
    # weight 0.5: below the threshold 1.0 (depressed) and above the threshold 0.2
    prjs = [sim.Projection(pres[i], posts[i], sim.AllToAllConnector(),
                           _mechanism(p=0.0, threshold=thr, p_dep=0.3, p_pot=0.05, s_max=n,
                                      weight=0.5, f_rew=2000, seed=11 + i))
            for i, thr in enumerate((1.0, 0.2))]
    sim.run(500)  # 1000 attempts per population
    left = [len(prj.get("delay", format="list")) for prj in prjs]
    sim.end()
    slots, attempts = n * n, 1000
    for kept, p in zip(left, (0.3, 0.05)):
        q = 1.0 - (1.0 - p / slots) ** attempts
        mean, sd = slots * q, math.sqrt(slots * q * (1 - q))
        assert abs((slots - kept) - mean) < 5 * sd, (slots - kept, mean, sd)
    assert left[0] < left[1]


def test_rewiring_matches_the_event_by_event_reference():
    """RandomSelection with static weights: formation and elimination of every attempt,
    synapse for synapse, against the plain-Python process (initial synapses, multapses,
    eliminations and formations all happen); fixed and float arithmetic."""
    kw = dict(seed=5, post_pop=1, n_pre=12, n_post=9, s_max=6, per_tick=3, n_ticks=300, grid=(3, 3),
              p=0.8, sigma=1.0, p_dep=0.0, p_pot=0.04, weight=0.3, threshold=0.2)
    init = [(i % 12, (5 * i) % 9) for i in range(20)]
    want = ref.rewire(**kw, initial=init)
    for arithmetic in ("fixed", "float"):
        sim.setup(timestep=1.0, arithmetic=arithmetic)
        sim.set_number_of_neurons_per_core(sim.IF_curr_exp, 4)
        pre = sim.Population(12, sim.IF_curr_exp(), label="pre")
        post = sim.Population(9, sim.IF_curr_exp(), label="post")
        prj = sim.Projection(pre, post, sim.FromListConnector(init),
                             _mechanism(grid=(3, 3), p=0.8, sigma=1.0, p_pot=0.04, s_max=6,
                                        f_rew=3000, weight=0.3, threshold=0.2, seed=5))
        sim.run(300)
        got = prj.get(["weight", "delay"], format="list")
        formed, eliminated = _counts()
        sim.end()
        assert sorted((int(a), int(b)) for a, b, _, _ in got) == want
        assert formed > 10 and eliminated > 3
        w = np.array([c[2] for c in got])
        assert np.all(np.abs(w - 0.3) < (1e-4 if arithmetic == "fixed" else 1e-12))
        assert {d for *_, d in got} == {2.0}


def test_last_neuron_selection_picks_only_neurons_that_spiked():
    """Pre neurons 0, 3, 6, ... spike (a spike array); every formation from an empty slot
    picks among last tick's spikes: no synapse from a silent neuron."""
    sim.setup(timestep=1.0)
    times = [[float(t) for t in range(5, 300, 7)] if i % 3 == 0 else [] for i in range(16)]
    pre = sim.Population(16, sim.SpikeSourceArray(spike_times=times), label="pre")
    post = sim.Population(16, sim.IF_curr_exp(), label="post")
    prj = sim.Projection(pre, post, sim.FixedProbabilityConnector(0.0),
                         _mechanism(partner=sim.LastNeuronSelection(spike_buffer_size=4), p=1.0,
                                    sigma=50.0, weight=0.01))
    sim.run(300)
    pairs = _pairs(prj)
    sim.end()
    pres = {a for a, _ in pairs}
    assert len(pairs) > 30 and pres <= set(range(0, 16, 3))
    # the buffer keeps the 4 smallest of last tick's six spiking neurons
    assert pres == {0, 3, 6, 9}


def test_s_max_is_never_exceeded():
    sim.setup(timestep=1.0)
    pre = sim.Population(20, sim.IF_curr_exp(), label="pre")
    post = sim.Population(10, sim.IF_curr_exp(), label="post")
    prj = sim.Projection(pre, post, sim.FixedProbabilityConnector(0.0),
                         _mechanism(grid=(1, 20), p=1.0, sigma=100.0, s_max=3, weight=0.01))
    sim.run(100)
    pairs = _pairs(prj)
    formed, _ = _counts()
    sim.end()
    per_post = np.bincount([b for _, b in pairs], minlength=10)
    assert per_post.max() == 3 and per_post.min() == 3 and formed == 30


def test_initial_synapses_beyond_s_max_are_refused():
    sim.setup(timestep=1.0)
    pre = sim.Population(5, sim.IF_curr_exp(), label="pre")
    post = sim.Population(5, sim.IF_curr_exp(), label="post")
    sim.Projection(pre, post, sim.AllToAllConnector(), _mechanism(s_max=4))
    with pytest.raises(MappingError, match=r"post neuron 0 has 5 initial synapses, more than s_max=4"):
        sim.run(1)
    sim.end()


def test_two_rewiring_projections_onto_one_population_are_refused():
    sim.setup(timestep=1.0)
    a, b, post = (sim.Population(4, sim.IF_curr_exp(), label=x) for x in "abc")
    for pre in (a, b):
        sim.Projection(pre, post, sim.FixedProbabilityConnector(0.0), _mechanism(), label=pre.label)
    with pytest.raises(MappingError, match=r"'a' and 'b' both rewire population 'c'"):
        sim.run(1)
    sim.end()


def test_unknown_rule_says_what_neurochip_has():
    with pytest.raises(NeurochipError, match=r"use DistanceDependentFormation"):
        sim.StructuralMechanismStatic(sim.RandomSelection(), sim.RandomSelection(),
                                      sim.RandomByWeightElimination(0.5))


def test_formed_synapses_deliver_spikes_as_a_static_synapse():
    """One pre neuron, one post neuron, p = 1: the first attempt forms the synapse (weight
    and delay as given); then the pre spikes reach the post neuron exactly as through a
    StaticSynapse of that weight and delay (a twin pair of populations)."""
    sim.setup(timestep=1.0)
    spikes = sim.SpikeSourceArray(spike_times=[20.0, 60.0, 61.0, 90.0])
    pre, twin_pre = (sim.Population(1, spikes, label=x) for x in ("pre", "twin_pre"))
    post, twin = (sim.Population(1, sim.IF_curr_exp(), label=x) for x in ("post", "twin"))
    prj = sim.Projection(pre, post, sim.FixedProbabilityConnector(0.0),
                         _mechanism(grid=(1, 1), s_max=1, weight=1.5, delay=4.0, f_rew=1000))
    sim.Projection(twin_pre, twin, sim.OneToOneConnector(), sim.StaticSynapse(weight=1.5, delay=4.0))
    for p in (post, twin):
        p.record(["v", "spikes"])
    sim.run(120)
    v, v_twin = (p.get_data().segments[0].filter(name="v")[0].magnitude[:, 0] for p in (post, twin))
    got = prj.get(["weight", "delay"], format="list")
    sim.end()
    assert got == [(0, 0, 1.5, 4.0)]
    np.testing.assert_array_equal(v, v_twin)
    assert v[30] > v[20] + 1.0  # the PSP of the spike at 20 ms is there


def structural_net(per_core=24, threads=None, stretch=None):
    """STDP rewiring with LastNeuronSelection, two runs (also an MPI case: tests/mpi_cases.py);
    returns the projection."""
    sim.setup(timestep=1.0, threads=threads)
    sim.set_number_of_neurons_per_core(sim.IF_curr_exp, per_core)
    noise = sim.Population(24, sim.SpikeSourcePoisson(rate=40.0), label="noise")
    pre = sim.Population(24, sim.IF_curr_exp(), label="pre")
    post = sim.Population(24, sim.IF_curr_exp(), label="post")
    sim.Projection(noise, pre, sim.OneToOneConnector(), sim.StaticSynapse(weight=3.0, delay=2.0))
    sim.Projection(noise, post, sim.OneToOneConnector(), sim.StaticSynapse(weight=1.0, delay=3.0))
    prj = sim.Projection(pre, post, sim.FixedProbabilityConnector(0.1, rng=NumpyRNG(seed=3)),
                         _mechanism(partner=sim.LastNeuronSelection(8), grid=(4, 6), p=0.6,
                                    sigma=1.5, threshold=1.0, p_dep=0.01, p_pot=0.001, s_max=16,
                                    weight=0.8, delay=(2.0, 5.0), stdp=True))
    post.record("spikes")
    run_twice(sim, 200, 150, threads, stretch)  # the second run goes on from the machine's rows
    return prj


def _invariance_run(per_core, threads=None, stretch=None):
    prj = structural_net(per_core, threads, stretch)
    post = prj.post
    conns = prj.get(["weight", "delay"], format="list")
    spikes = [list(s.magnitude) for s in post.get_data().segments[0].spiketrains]
    counts = tuple(_counts())
    sim.end()
    return hashlib.sha256(repr((conns, spikes)).encode()).hexdigest(), counts, len(conns)


@pytest.mark.slow
def test_rewiring_does_not_depend_on_cores_threads_or_stretches():
    """STDP structural plasticity with LastNeuronSelection, delays in a range: the same
    connections, weights and spikes whatever the neurons per core, threads and stretch."""
    base = _invariance_run(24)
    assert base[1][0] > 20 and base[1][1] > 0 and base[2] > 40
    for per_core, threads, stretch in ((5, None, None), (7, 1, 1),
                                       (24, min(2, numba.config.NUMBA_NUM_THREADS), 1)):
        assert _invariance_run(per_core, threads, stretch) == base


@pytest.mark.slow
def test_rewiring_on_two_mpi_ranks_is_one_process_bit_for_bit():
    import mpi_cases
    import test_mpi
    if test_mpi.MPIRUN is None:
        pytest.skip("mpi4py or mpirun missing")
    one = mpi_cases.run_case("structural-fixed")
    two = test_mpi._run(2, ["structural-fixed"])["structural-fixed"]
    assert two["num_processes"] == 2 and two["digest"] == one["digest"]


def test_get_before_a_run_gives_the_connectors_synapses_and_reset_restores_them():
    sim.setup(timestep=1.0)
    pre = sim.Population(6, sim.IF_curr_exp(), label="pre")
    post = sim.Population(6, sim.IF_curr_exp(), label="post")
    prj = sim.Projection(pre, post, sim.OneToOneConnector(),
                         _mechanism(grid=(1, 6), p=1.0, sigma=10.0, s_max=4, weight=0.2))
    assert _pairs(prj) == [(i, i) for i in range(6)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sim.run(50)
    after = _pairs(prj)
    sim.reset()
    assert len(after) == 24  # every slot filled
    sim.run(50)  # the same seed: the same rewiring again
    again = _pairs(prj)
    sim.end()
    assert again == after
    assert _pairs(prj) == after  # after end(), as they were


@pytest.mark.parametrize("f_rew, attempts", [(3000, 3 * 40), (100, 4)])
def test_attempts_come_at_f_rew_per_population(f_rew, attempts):
    """Formation and elimination with p = 1: every attempt forms (a free slot) or eliminates
    (an occupied one), so the two counts add up to the attempts:
    f_rew above 1/dt gives int(f_rew dt) per tick, below it one every int(1 / (f_rew dt))
    ticks (sPyNNaker's fast and slow rewiring), per post population."""
    sim.setup(timestep=1.0)
    sim.set_number_of_neurons_per_core(sim.IF_curr_exp, 3)
    pre = sim.Population(5, sim.IF_curr_exp(), label="pre")
    post = sim.Population(8, sim.IF_curr_exp(), label="post")
    prj = sim.Projection(pre, post, sim.FixedProbabilityConnector(0.0),
                         _mechanism(grid=(1, 1), s_max=4, f_rew=f_rew, weight=0.01, p_dep=1.0,
                                    p_pot=1.0))
    sim.run(40)
    n = len(_pairs(prj))
    formed, eliminated = _counts()
    sim.end()
    assert formed + eliminated == attempts and n == formed - eliminated


def test_a_rebuild_between_runs_keeps_the_rewired_synapses():
    """A parameter change after a run maps the network again; the machine's rows (and the
    rewiring state) carry over. set() on the rewiring projection itself is refused."""
    sim.setup(timestep=1.0)
    pre = sim.Population(6, sim.IF_curr_exp(), label="pre")
    post = sim.Population(6, sim.IF_curr_exp(), label="post")
    prj = sim.Projection(pre, post, sim.FixedProbabilityConnector(0.0),
                         _mechanism(grid=(1, 6), p=1.0, sigma=10.0, s_max=4, f_rew=200,
                                    weight=0.2, stdp=True))
    sim.run(30)
    before = _pairs(prj)
    pre.set(tau_m=15.0)
    sim.run(1)
    after = _pairs(prj)
    with pytest.raises(NeurochipError, match=r"set\(\) on a structurally plastic projection"):
        prj.set(weight=0.1)
    sim.end()
    assert len(before) >= 4 and set(before) <= set(after)


def test_a_program_whose_rewiring_points_outside_its_rows_is_refused():
    import dataclasses

    from neurochip.emulator.errors import ProgramError
    sim.setup(timestep=1.0)
    pre = sim.Population(3, sim.IF_curr_exp(), label="pre")
    post = sim.Population(3, sim.IF_curr_exp(), label="post")
    sim.Projection(pre, post, sim.FixedProbabilityConnector(0.0), _mechanism(s_max=2))
    sim.run(1)
    program = sim.simulator.state.mapping.program
    sim.end()
    st = program.structural
    bad = dataclasses.replace(st, row_addr=st.row_addr + len(program.synapses.syn))
    with pytest.raises(ProgramError, match=r"row_addr points outside the \d+ synaptic words"):
        dataclasses.replace(program, structural=bad)
    bad = dataclasses.replace(st, slot_of=st.slot_of + len(st.slots0))
    with pytest.raises(ProgramError, match=r"slot_of: a neuron's slots lie outside"):
        dataclasses.replace(program, structural=bad)


def test_rewiring_from_a_poisson_source_bounds_the_ring_by_its_most_spikes_per_tick():
    """A Poisson source may send several spikes in a tick: the ring shift takes s_max
    synapses each bringing the source's most, so the ring cannot saturate."""
    sim.setup(timestep=1.0)
    src = sim.Population(4, sim.SpikeSourcePoisson(rate=900.0), label="src")
    post = sim.Population(4, sim.IF_curr_exp(), label="post")
    sim.Projection(src, post, sim.FixedProbabilityConnector(0.0),
                   _mechanism(grid=(2, 2), s_max=4, weight=2.0, f_rew=4000, delay=1.0))
    sim.run(100)
    m = sim.simulator.state.mapping
    counters = sim.simulator.state.results[-1][1].counters
    sim.end()
    from neurochip.emulator.cores import C_RING_SAT
    assert counters[:, C_RING_SAT].sum() == 0
    assert m.shifts[1, 0] >= 4  # 4 synapses x 2 nA x several spikes > the 2 nA a shift of 1 holds


def test_len_and_connections_of_a_rewiring_projection_are_the_machines_synapses():
    """len(projection) and projection.size(): the connector's synapses before a run, the
    machine's after it (as sPyNNaker reads them back), as they were after end(); the
    connections iterate over the same synapses as get()."""
    sim.setup(timestep=1.0)
    pre = sim.Population(6, sim.IF_curr_exp(), label="pre")
    post = sim.Population(6, sim.IF_curr_exp(), label="post")
    prj = sim.Projection(pre, post, sim.OneToOneConnector(),
                         _mechanism(grid=(1, 6), p=1.0, sigma=10.0, s_max=4, weight=0.2))
    assert len(prj) == prj.size() == 6
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sim.run(50)
    pairs = _pairs(prj)
    assert len(pairs) == 24 and len(prj) == prj.size() == 24  # every slot filled
    assert sorted((c.presynaptic_index, c.postsynaptic_index) for c in prj.connections) == pairs
    assert (prj[0].presynaptic_index, prj[0].postsynaptic_index) == pairs[0]
    sim.reset()
    assert len(prj) == 6  # the connector's again
    sim.run(50)
    sim.end()
    assert len(prj) == 24 and _pairs(prj) == pairs
