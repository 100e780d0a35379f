"""Routing trees, per-chip tables and their compression, checked by walking packets."""

from collections import deque

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from neurochip.emulator.routing_entry import ROUTE_ENTRY, make_route, route_cores, route_links
from neurochip.mapping.compress import check_equivalent, compress, compress_tables
from neurochip.mapping.errors import RoutingError
from neurochip.mapping.machine import MachineSpec, spinn3, spinn5, torus
from neurochip.mapping.route import route
from neurochip.mapping.tables import build_tables, format_entry, format_table, lookup

FEW = settings(max_examples=50, deadline=None)

MACHINES = {
    "spinn3": spinn3(),
    "spinn5": spinn5(),
    "torus4x3": torus(4, 3),
    "damaged": MachineSpec(
        5, 4, wrap=True, dead_chips=frozenset({(1, 1), (2, 1)}),
        dead_links=frozenset({(0, 0, 0), (3, 2, 2)}), name="damaged torus",
    ),
}


# --- slow, obviously correct references --------------------------------------
def distances(machine, source):
    dist = {source: 0}
    todo = deque([source])
    while todo:
        chip = todo.popleft()
        for link in range(6):
            nb = machine.neighbour(*chip, link)
            if nb is not None and nb not in dist:
                dist[nb] = dist[chip] + 1
                todo.append(nb)
    return dist


def first_match(table, key):
    for entry in table:
        if key & int(entry["mask"]) == int(entry["key"]):
            return int(entry["route"])
    return None


def walk(machine, tables, source, key, hop_limit=500):
    """Deliveries ``[(chip, core)]`` of one packet sent from a core of ``source``."""
    delivered = []
    todo = [(source, -1)]
    for _ in range(hop_limit):
        if not todo:
            return delivered
        chip, in_link = todo.pop()
        word = first_match(tables.get(chip, ()), key)
        if word is None:
            if in_link == -1:
                continue  # a locally sent packet that matches nothing is dropped
            links, cores = [(in_link + 3) % 6], []
        else:
            links, cores = route_links(word), route_cores(word)
        delivered += [(chip, c) for c in cores]
        for link in links:
            nb = machine.neighbour(*chip, link)
            assert nb is not None, f"key {key:#x} sent from {chip} into dead link {link}"
            todo.append((nb, (link + 3) % 6))
    raise AssertionError(f"key {key:#x} still travelling after {hop_limit} hops")


# --- trees ---------------------------------------------------------------------
@st.composite
def tree_request(draw, machine):
    live = machine.live_chips
    source = draw(st.sampled_from(live))
    reach = sorted(distances(machine, source))
    chips = draw(st.lists(st.sampled_from(reach), min_size=1, max_size=8))
    cores = draw(st.lists(st.integers(1, 17), min_size=len(chips), max_size=len(chips)))
    return source, [(x, y, c) for (x, y), c in zip(chips, cores)]


@FEW
@given(data=st.data(), name=st.sampled_from(sorted(MACHINES)))
def test_tree_is_a_shortest_path_tree_reaching_exactly_the_targets(data, name):
    machine = MACHINES[name]
    source, targets = data.draw(tree_request(machine))
    [tree] = route(machine, [(0x400, 0xFFFFFC00, source, targets)])
    assert (tree.key, tree.mask, tree.source) == (0x400, 0xFFFFFC00, source)
    chips = [h.chip for h in tree.hops]
    assert len(set(chips)) == len(chips)
    assert chips[0] == source and tree.hops[0].in_link == -1
    assert all(machine.is_live(*c) for c in chips)
    hop_of = {h.chip: h for h in tree.hops}
    index = {c: i for i, c in enumerate(chips)}
    # follow the out links: each chip entered once, on the link the hop names
    depth, seen, todo = {source: 0}, [source], [source]
    while todo:
        chip = todo.pop()
        for link in hop_of[chip].out_links:
            nb = machine.neighbour(*chip, link)
            assert nb is not None and nb in hop_of and nb not in depth
            assert hop_of[nb].in_link == (link + 3) % 6
            assert index[nb] > index[chip]  # parent before child
            depth[nb] = depth[chip] + 1
            seen.append(nb)
            todo.append(nb)
    assert sorted(seen) == sorted(chips)
    delivered = {(h.chip, c) for h in tree.hops for c in h.cores}
    assert delivered == {((x, y), c) for x, y, c in targets}
    dist = distances(machine, source)
    for x, y, _ in targets:
        assert depth[(x, y)] == dist[(x, y)]


def test_route_is_deterministic_and_shares_source_chips():
    m = spinn5()
    reqs = [(i << 8, 0xFFFFFF00, (1, 1), [(5, 6, 2), (7, 4, 3), (0, 2, 1)]) for i in range(3)]
    a, b = route(m, reqs), route(m, reqs)
    assert a == b
    assert a[0].hops == a[1].hops == a[2].hops


def test_target_on_source_chip_is_local_delivery():
    [tree] = route(spinn3(), [(0, 0xFFFFFFFF, (1, 0), [(1, 0, 4), (1, 0, 5)])])
    assert [(h.chip, h.in_link, h.out_links, h.cores) for h in tree.hops] == [
        ((1, 0), -1, (), (4, 5))
    ]


def test_unreachable_target_raises_naming_source_and_target():
    cut = frozenset((1, 1, link) for link in range(6))
    m = MachineSpec(2, 2, dead_links=cut, name="cut")
    with pytest.raises(RoutingError, match=r"\(1, 1\).*\(0, 0\)|\(0, 0\).*\(1, 1\)"):
        route(m, [(0, 0xFFFFFFFF, (0, 0), [(1, 1, 1)])])
    with pytest.raises(RoutingError, match="not a live chip"):
        route(spinn5(), [(0, 0xFFFFFFFF, (0, 0), [(7, 0, 1)])])


# --- tables --------------------------------------------------------------------
def test_straight_line_needs_no_entry_on_the_middle_chip():
    m = torus(4, 3)
    tables = build_tables(m, route(m, [(0x100, 0xFFFFFF00, (0, 0), [(2, 0, 1)])]))
    assert sorted(tables) == [(0, 0), (2, 0)]
    assert lookup(tables[(0, 0)], [0x123]).tolist() == [make_route([0])]
    assert lookup(tables[(2, 0)], [0x123]).tolist() == [make_route([], [1])]


def test_a_turn_needs_an_entry():
    m = torus(6, 6)
    [tree] = route(m, [(0x100, 0xFFFFFF00, (0, 0), [(3, 1, 1)])])
    tables = build_tables(m, [tree])
    turns = [h for h in tree.hops[1:-1] if h.out_links != ((h.in_link + 3) % 6,)]
    assert len(tables) == 2 + len(turns)
    assert len(turns) == 1  # straight runs are preferred: one turn is enough


def test_overlapping_keys_with_different_routes_raise():
    m = spinn3()
    trees = route(m, [(0x100, 0xFFFFFF00, (0, 0), [(0, 0, 1)]),
                      (0x180, 0xFFFFFF80, (0, 0), [(0, 0, 2)])])
    with pytest.raises(RoutingError, match=r"chip \(0, 0\).*overlap"):
        build_tables(m, trees)


def test_entry_of_another_tree_may_not_capture_a_straight_through_key():
    m = torus(4, 3)
    trees = route(m, [(0x100, 0xFFFFFF00, (0, 0), [(2, 0, 1)]),  # straight through (1, 0)
                      (0x000, 0xFFFFFE00, (1, 0), [(1, 0, 3)])])
    with pytest.raises(RoutingError, match=r"chip \(1, 0\)"):
        build_tables(m, trees)


def random_network(rng, machine, n_pops):
    """Populations of 1-4 slices with 16-key blocks, one source chip per slice."""
    live = machine.live_chips
    requests, blocks = [], []
    for p in range(n_pops):
        n_slices = int(rng.integers(1, 5))
        home = live[rng.integers(len(live))]
        size_bits = int(rng.integers(0, 5))
        targets = [(*live[rng.integers(len(live))], int(rng.integers(1, 18)))
                   for _ in range(int(rng.integers(1, 4)))]
        for s in range(n_slices):
            key = (p << 8) | (s << 4)
            mask = 0xFFFFFFFF & ~((1 << size_bits) - 1)
            source = home if rng.random() < 0.7 else live[rng.integers(len(live))]
            requests.append((key, mask, source, targets))
            blocks.append((key, size_bits, source, targets))
    keys = np.array([k + i for k, b, _, _ in blocks for i in range(1 << b)], np.uint32)
    return requests, blocks, keys


def assert_delivers(machine, tables, blocks):
    for key, size_bits, source, targets in blocks:
        want = sorted({((x, y), c) for x, y, c in targets})
        for k in range(key, key + (1 << size_bits)):
            got = walk(machine, tables, source, k)
            assert sorted(got) == want, f"key {k:#x}"


@pytest.mark.parametrize("name", ["spinn3", "spinn5"])
def test_packets_reach_exactly_their_targets_before_and_after_compression(name):
    machine = MACHINES[name]
    rng = np.random.default_rng(7)
    compressed = failed = 0
    for _ in range(12):
        requests, blocks, keys = random_network(rng, machine, int(rng.integers(2, 7)))
        tables = build_tables(machine, route(machine, requests))
        assert_delivers(machine, tables, blocks)
        small = {}
        for chip, table in tables.items():
            # a table needs at least one entry per distinct route: ask for that
            target = max(2, len(np.unique(table["route"])))
            try:
                small.update(compress_tables(machine, {chip: table}, keys, target=target))
            except RoutingError as err:
                assert f"target of {target}" in str(err)
                small[chip] = table
                failed += 1
            else:
                compressed += len(small[chip]) < len(table)
                assert len(small[chip]) <= target
        assert_delivers(machine, small, blocks)
    assert compressed > 3 * failed


# --- compression ---------------------------------------------------------------
ROUTES = [make_route([0]), make_route([2], [3]), make_route([], [1, 2]), make_route([4, 5])]


@st.composite
def block_table(draw):
    """Disjoint key blocks inside 64 slots of 16 keys, few routes, plus unused keys."""
    slots = draw(st.lists(st.integers(0, 63), min_size=1, max_size=24, unique=True))
    rows = []
    for slot in slots:
        bits = draw(st.integers(0, 4))
        sub = draw(st.integers(0, (16 >> bits) - 1))
        rows.append(((slot << 4) | (sub << bits), 0xFFFFFFFF & ~((1 << bits) - 1),
                     draw(st.sampled_from(ROUTES))))
    table = np.array(rows, dtype=ROUTE_ENTRY)
    used = [k for key, mask, _ in rows for k in range(key, key + (~mask & 0xFFFFFFFF) + 1)]
    extra = draw(st.lists(st.integers(0, 1023), max_size=40))
    return table, np.array(used + extra, dtype=np.uint32)


@FEW
@given(block_table())
def test_compressed_table_is_equivalent_and_not_longer(case):
    table, keys = case
    small = compress(table, keys, target=len(table))
    assert small.dtype == ROUTE_ENTRY and len(small) <= len(table)
    check_equivalent(table, small, keys)
    for k in keys.tolist():
        assert first_match(small, k) == first_match(table, k)


@FEW
@given(block_table(), st.data())
def test_checker_catches_a_flipped_route_bit(case, data):
    table, keys = case
    small = compress(table, keys, target=len(table))
    # flip a bit of an entry that some key in use matches first
    ids = small.copy()
    ids["route"] = np.arange(len(small))
    used = sorted(set(lookup(ids, keys).tolist()) - {-1})
    broken = small.copy()
    broken["route"][data.draw(st.sampled_from(used))] ^= 1 << data.draw(st.integers(0, 23))
    with pytest.raises(RoutingError, match="differently"):
        check_equivalent(table, broken, keys)


def test_lookup_is_first_match():
    table = np.array([(0x10, 0xFFFFFFF0, 1), (0x00, 0xFFFFFF00, 2), (0x12, 0xFFFFFFFF, 3)],
                     dtype=ROUTE_ENTRY)
    keys = np.array([0x12, 0x1F, 0x20, 0x100, 0xFFFFFFFF], np.uint32)
    assert lookup(table, keys).tolist() == [1, 1, 2, -1, -1]
    assert lookup(table[:0], keys).tolist() == [-1] * 5
    big = np.arange(50_000, dtype=np.uint32)  # more than one chunk
    want = [first_match(table, k) for k in big.tolist()]
    assert lookup(table, big).tolist() == [-1 if w is None else w for w in want]


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_lookup_matches_the_entry_by_entry_reference(data):
    """lookup tests each entry only on the keys in [key, key | ~mask]: any masks (holes in
    the middle, key bits outside the mask), repeated and unsorted keys, as first_match."""
    word = st.integers(0, 0xFFFFFFFF)
    n = data.draw(st.integers(1, 12))
    table = np.array([(data.draw(word) & 0xFF0F, data.draw(st.sampled_from(
        [0xFFFFFFFF, 0xFFFFFF00, 0xFFFFFFF0, 0xFFFF0F0F, 0xFFFF00FF, 0xFFFF0000]))
        | data.draw(st.integers(0, 0xFF)), k) for k in range(n)], dtype=ROUTE_ENTRY)
    table["key"] &= table["mask"] | data.draw(st.sampled_from([0, 0x10]))  # some never match
    keys = np.array(data.draw(st.lists(st.integers(0, 0xFFFF), min_size=1, max_size=300)),
                    np.uint32)
    want = [first_match(table, k) for k in keys.tolist()]
    assert lookup(table, keys).tolist() == [-1 if w is None else w for w in want]


def test_exact_merging_makes_one_entry():
    table = np.array([(k, 0xFC, 5) for k in (0x00, 0x04, 0x08, 0x0C)], dtype=ROUTE_ENTRY)
    keys = np.arange(256, dtype=np.uint32)
    small = compress(table, keys, target=1)
    assert small.tolist() == [(0x00, 0xF0, 5)]


def test_covering_uses_order():
    route_a, route_b = make_route([0]), make_route([3])
    table = np.array([(0, 0xFF, route_a), (1, 0xFF, route_b), (2, 0xFF, route_a),
                      (3, 0xFF, route_a)], dtype=ROUTE_ENTRY)
    keys = np.arange(4, dtype=np.uint32)
    small = compress(table, keys, target=2)
    assert small.tolist() == [(1, 0xFF, route_b), (0, 0xFC, route_a)]
    # key 2 in use but unrouted: the A entries may not be generalised over it
    holed = table[[0, 1, 3]]
    assert len(compress(holed, keys, target=3)) == 3
    assert len(compress(holed, keys[[0, 1, 3]], target=2)) == 2


@pytest.fixture
def pair():
    route_a, route_b = make_route([0]), make_route([], [3])
    table = np.array([(0x00, 0xF0, route_a), (0x10, 0xF0, route_b), (0x20, 0xF0, route_a),
                      (0x30, 0xF0, route_a), (0x80, 0xF0, route_b)], dtype=ROUTE_ENTRY)
    keys = np.arange(0, 0xA0, dtype=np.uint32)  # 0x40-0x7F and 0x90-0x9F have no entry
    return table, keys, compress(table, keys, target=3)


def test_checker_catches_a_removed_entry(pair):
    table, keys, small = pair
    check_equivalent(table, small, keys)
    for i in range(len(small)):
        with pytest.raises(RoutingError, match=r"chip \(3, 4\).*differently"):
            check_equivalent(table, np.delete(small, i), keys, chip=(3, 4))


def test_checker_catches_an_over_general_entry(pair):
    table, keys, small = pair
    general = np.array([(0x00, 0x00, make_route([0]))], dtype=ROUTE_ENTRY)
    with pytest.raises(RoutingError, match=r"0100_0000 -> no match originally, E compressed"):
        check_equivalent(table, np.concatenate([small, general]), keys)


def test_impossible_target_raises_with_the_numbers():
    table = np.array([(0x00, 0xF0, 1), (0x10, 0xF0, 2), (0x20, 0xF0, 4)], dtype=ROUTE_ENTRY)
    keys = np.arange(0x40, dtype=np.uint32)
    with pytest.raises(RoutingError, match=r"chip \(1, 2\) needs 3 .*3 after.*target of 2.*"
                                           r"set_number_of_neurons_per_core"):
        compress(table, keys, target=2, chip=(1, 2))


def test_compress_tables_leaves_small_tables_alone():
    m = spinn3()
    small = np.array([(0x00, 0xF0, 1)], dtype=ROUTE_ENTRY)
    big = np.array([(k, 0xFC, 5) for k in (0x00, 0x04, 0x08, 0x0C)], dtype=ROUTE_ENTRY)
    before = big.copy()
    keys = np.arange(0x20, dtype=np.uint32)
    out = compress_tables(m, {(0, 0): small, (1, 0): big}, keys, target=2)
    assert out[(0, 0)] is small and len(out[(1, 0)]) == 1
    np.testing.assert_array_equal(big, before)  # inputs are not mutated
    assert compress_tables(m, {(1, 0): big}, keys)[(1, 0)] is big  # default 1023


def test_format_entry():
    entry = np.array([(0x10000, 0xFFFFF000, make_route([0, 1], [3]))], dtype=ROUTE_ENTRY)[0]
    assert format_entry(entry) == "0000_0000_0000_0001_0000_XXXX_XXXX_XXXX -> E, NE, core 3"
    assert format_entry((0xFFFFFFFF, 0xFFFFFFFF, 0)).endswith("1111_1111 -> nothing")
    table = np.array([(0, 0, make_route([5])), (1, 1, make_route([], [17]))], dtype=ROUTE_ENTRY)
    assert format_table(table).splitlines() == [
        "XXXX_XXXX_XXXX_XXXX_XXXX_XXXX_XXXX_XXXX -> S",
        "XXXX_XXXX_XXXX_XXXX_XXXX_XXXX_XXXX_XXX1 -> core 17",
    ]
