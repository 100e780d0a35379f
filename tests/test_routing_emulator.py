"""Packets really go through the chips' tables: every spike reaches exactly the
cores holding its targets, before and after compression, and a broken table is caught."""

import dataclasses

import numpy as np
import pytest

from neurochip.emulator import EmulatorError, load
from neurochip.mapping.compress import compress
from neurochip.mapping.graph import NetworkGraph, PopulationSpec, ProjectionSpec
from neurochip.mapping.machine import MachineSpec, spinn3, spinn5
from neurochip.mapping.pipeline import map_network

LIF = dict(v_rest=-65.0, cm=1.0, tau_m=20.0, tau_refrac=1.0, tau_syn_E=5.0, tau_syn_I=5.0,
           i_offset=0.0, v_reset=-65.0, v_thresh=-50.0)


def random_network(rng, n_src=3, n_lif=3, dt=1.0):
    pops = []
    for i in range(n_src):
        size = int(rng.integers(5, 40))
        times = [np.sort(rng.choice(np.arange(1, 50), size=int(rng.integers(0, 4)), replace=False))
                 .astype(float) for _ in range(size)]
        pops.append(PopulationSpec(
            label=f"src{i}", model="SpikeSourceArray", size=size,
            spike_lo=np.r_[0, np.cumsum([len(t) for t in times])].astype(np.int64),
            spike_times=np.concatenate(times), record={"spikes": np.ones(size, bool)},
            max_per_core=int(rng.integers(2, 9))))
    for i in range(n_lif):
        size = int(rng.integers(5, 40))
        pops.append(PopulationSpec(
            label=f"lif{i}", model="IF_curr_exp", size=size,
            params={k: np.full(size, v) for k, v in LIF.items()}, max_per_core=int(rng.integers(2, 9))))
    prjs = []
    for k in range(int(rng.integers(3, 8))):
        pre = int(rng.integers(0, n_src))
        post = n_src + int(rng.integers(0, n_lif))
        n_conn = int(rng.integers(1, 60))
        prjs.append(ProjectionSpec(
            label=f"p{k}", pre=pre, post=post, receptor="excitatory",
            pre_idx=rng.integers(0, pops[pre].size, n_conn),
            post_idx=rng.integers(0, pops[post].size, n_conn),
            weight=np.full(n_conn, 0.01), delay=rng.integers(1, 4, n_conn).astype(float) * dt))
    return NetworkGraph(dt=dt, populations=tuple(pops), projections=tuple(prjs), seed=1)


def expected_destinations(mapping):
    """For each core: the set of cores holding a target of any of its neurons."""
    g = mapping.graph
    core_of = {}
    for c, s in enumerate(mapping.slices):
        for i in range(s.lo, s.hi):
            core_of[(s.pop, i)] = c
    want = {}
    for prj in g.projections:
        for a, b in zip(prj.pre_idx, prj.post_idx):
            want.setdefault(core_of[(prj.pre, int(a))], set()).add(core_of[(prj.post, int(b))])
    return want


def expected_events(mapping):
    """Synaptic events per target core: each source spike times its synapses there."""
    g = mapping.graph
    spikes_of = {}
    for p, pop in enumerate(g.populations):
        if pop.model == "SpikeSourceArray":
            for i in range(pop.size):
                t = pop.spike_times[pop.spike_lo[i]:pop.spike_lo[i + 1]]
                spikes_of[(p, i)] = len(t)
    events = np.zeros(len(mapping.slices), np.int64)
    lo = {s.pop: c for c, s in reversed(list(enumerate(mapping.slices)))}
    width = {s.pop: s.n for s in mapping.slices if s.lo == 0}
    for prj in g.projections:
        for a, b in zip(prj.pre_idx, prj.post_idx):
            events[lo[prj.post] + int(b) // width[prj.post]] += spikes_of[(prj.pre, int(a))]
    return events


def smallest_router(graph, machine):
    big = map_network(graph, machine)
    keys = np.concatenate([big.key_base[c] + np.arange(s.n, dtype=np.uint32)
                           for c, s in enumerate(big.slices) if big.program.cores.sends[c]])
    return max(len(compress(t, keys, 10**9)) for t in big.tables_before.values())


def small_router(machine, entries):
    return dataclasses.replace(machine, router_entries=entries, name=machine.name + "-small")


@pytest.mark.parametrize("make", [spinn3, spinn5])
@pytest.mark.parametrize("seed", range(6))
def test_every_spike_reaches_exactly_its_target_cores(make, seed):
    rng = np.random.default_rng(seed)
    graph = random_network(rng)
    for machine in (make(), None):
        if machine is None:  # force compression: the router holds only what compression reaches
            machine = small_router(make(), smallest_router(graph, make()))
        m = map_network(graph, machine)
        emu = load(m.program)  # walks every key through the (compressed) tables
        want = expected_destinations(m)
        for c in range(len(m.slices)):
            lo, hi = m.program.cores.neuron_lo[c], m.program.cores.neuron_lo[c + 1]
            for gid in range(lo, hi):
                got = set(emu.dest[emu.dest_lo[gid]:emu.dest_hi[gid]].tolist())
                assert got == want.get(c, set()), (machine.name, c, gid)
        res = emu.run(60)
        assert np.array_equal(res.counter("synaptic_events"), expected_events(m))
        assert res.counter("failed_mpt_searches").sum() == 0
        assert res.dropped.sum() == 0


def test_compression_happens_and_routes_stay_exact():
    rng = np.random.default_rng(11)
    graph = random_network(rng, n_src=5, n_lif=4)
    plain = map_network(graph, spinn5())
    before = max(len(t) for t in plain.tables_before.values())
    small = map_network(graph, small_router(spinn5(), smallest_router(graph, spinn5())))
    after = max(len(t) for t in small.tables_after.values())
    assert after < before
    a = load(plain.program).run(60)
    b = load(small.program).run(60)
    # identical traffic: same packets over the same links, spikes and events
    assert np.array_equal(a.link_packets, b.link_packets)
    assert np.array_equal(a.counters, b.counters)
    assert np.array_equal(a.spike_neurons, b.spike_neurons)


def _tampered(program, fn):
    tables = program.routing.tables.copy()
    fn(tables)
    return dataclasses.replace(program, routing=dataclasses.replace(program.routing, tables=tables))


def test_load_rejects_a_broken_table():
    graph = random_network(np.random.default_rng(3))
    m = map_network(graph, spinn3())
    prog = m.program
    assert len(prog.routing.tables) > 0

    def drop_core(t):
        core_bits = t["route"] & ~np.uint32(0x3F)
        i = int(np.flatnonzero(core_bits)[0])
        bits = int(core_bits[i])
        t["route"][i] ^= np.uint32(bits & -bits)  # clear the lowest core bit

    def add_core(t):
        t["route"][0] |= np.uint32(1 << (6 + 17))

    for fn in (drop_core, add_core):
        with pytest.raises(EmulatorError, match="routing"):
            load(_tampered(prog, fn))


def test_locally_unmatched_packets_are_dropped_and_counted():
    graph = random_network(np.random.default_rng(5))
    m = map_network(graph, spinn3())
    prog = m.program
    r = prog.routing
    empty = dataclasses.replace(prog, routing=dataclasses.replace(
        r, tables=r.tables[:0], table_lo=np.zeros_like(r.table_lo)))
    emu = load(empty, check_routes=False)
    res = emu.run(60)
    sent = int(res.packets_sent.sum())
    assert sent > 0
    assert int(res.dropped.sum()) == sent
    assert res.counter("synaptic_events").sum() == 0


def test_link_counts_are_exact_on_a_line():
    """Source on chip (0,0), target 3 chips east on a 4x1 line: every packet crosses 3 links."""
    dt = 1.0
    src = PopulationSpec(label="s", model="SpikeSourceArray", size=1,
                         spike_lo=np.array([0, 5]), spike_times=np.array([1.0, 2.0, 3.0, 4.0, 5.0]))
    pops = [src] + [PopulationSpec(label=f"l{i}", model="IF_curr_exp", size=1,
                                   params={k: np.full(1, v) for k, v in LIF.items()})
                    for i in range(17 * 3 + 1)]
    prj = ProjectionSpec(label="far", pre=0, post=len(pops) - 1, receptor="excitatory",
                         pre_idx=np.array([0]), post_idx=np.array([0]),
                         weight=np.array([0.1]), delay=np.array([1.0]))
    graph = NetworkGraph(dt=dt, populations=tuple(pops), projections=(prj,))
    machine = MachineSpec(4, 1, wrap=False, name="line")
    m = map_network(graph, machine)
    assert tuple(m.placements[-1][:2]) == (3, 0)
    res = load(m.program).run(10)
    east = res.link_packets[:, 0]
    assert east.tolist() == [5, 5, 5, 0]
    assert res.link_packets.sum() == 15
    # straight-through chips need no entry: default routing carries the packets
    assert res.default_routed.tolist() == [0, 5, 5, 0]
    assert sorted(m.tables_before) == [(0, 0), (3, 0)]


def _two_clusters(placer, machine):
    """Two independent source->target clusters, created interleaved."""
    dt = 1.0
    pops, prjs = [], []
    for k in range(2):
        pops.append(PopulationSpec(
            label=f"s{k}", model="SpikeSourceArray", size=40, max_per_core=4,
            spike_lo=np.arange(0, 41) * 2, spike_times=np.tile([5.0 + k, 9.0], 40)))
    for k in range(2):
        pops.append(PopulationSpec(label=f"t{k}", model="IF_curr_exp", size=40, max_per_core=4,
                                   params={n: np.full(40, v) for n, v in LIF.items()},
                                   record={"spikes": np.ones(40, bool)}))
        prjs.append(ProjectionSpec(label=f"c{k}", pre=k, post=2 + k, receptor="excitatory",
                                   pre_idx=np.repeat(np.arange(40), 40),
                                   post_idx=np.tile(np.arange(40), 40),
                                   weight=np.full(1600, 0.5), delay=np.full(1600, 1.0)))
    graph = NetworkGraph(dt=dt, populations=tuple(pops), projections=tuple(prjs))
    return map_network(graph, machine, placer=placer)


def test_traffic_placer_cuts_link_traffic_and_keeps_spikes():
    seq = _two_clusters("sequential", spinn5())
    tra = _two_clusters("traffic", spinn5())
    a = load(seq.program).run(30)
    b = load(tra.program).run(30)
    assert b.link_packets.sum() < a.link_packets.sum()
    # placement invariance across placers: the same spikes per population neuron
    for pop in (2, 3):
        sa = np.isin(a.spike_neurons, seq.neuron_ids(pop))
        sb = np.isin(b.spike_neurons, tra.neuron_ids(pop))
        la = a.spike_neurons[sa] - seq.pop_neuron_lo[pop]
        lb = b.spike_neurons[sb] - tra.pop_neuron_lo[pop]
        assert sa.sum() > 0
        assert sorted(zip(a.spike_ticks[sa], la)) == sorted(zip(b.spike_ticks[sb], lb))


def test_event_counts_add_each_keys_packets_to_its_walks_events():
    from neurochip.emulator.routing import event_counts
    rng = np.random.default_rng(4)
    n_keys, n_chips = 50, 4
    n_ev = n_chips * 9  # EV_PER_CHIP events a chip
    lens = rng.integers(0, 6, n_keys)
    ev_lo = np.r_[0, np.cumsum(lens)[:-1]].astype(np.int64)
    ev_lo[7] = ev_lo[6]  # keys share a walk's range, as walk_keys gives them
    ev_hi = ev_lo + lens
    ev_hi[7] = ev_hi[6]
    ev = rng.integers(0, n_ev, int(ev_hi.max())).astype(np.int64)
    packets = rng.integers(0, 4, n_keys).astype(np.int64)
    counts = event_counts(packets, ev_lo, ev_hi, ev, n_chips)
    assert counts.shape == (n_chips, 9)
    counts = counts.ravel()
    want = np.zeros(n_ev, np.int64)
    for g in range(n_keys):
        for j in range(ev_lo[g], ev_hi[g]):
            want[ev[j]] += packets[g]
    assert counts.sum() > 0 and np.array_equal(counts, want)
