"""Multicast routing: one tree per source key block over the chip graph.

Each request asks for packets of one key block, sent from one chip, to reach a
set of ``(x, y, core)`` targets. The tree is the union of shortest paths from
the source chip to every target chip, taken from one breadth-first tree per
source chip, so that paths to different targets share their prefixes and no
chip is entered twice.

Examples
--------
>>> from mapping.machine import spinn3
>>> [tree] = route(spinn3(), [(0x100, 0xFFFFFF00, (0, 0), [(1, 1, 3)])])
>>> [(h.chip, h.in_link, h.out_links, h.cores) for h in tree.hops]
[((0, 0), -1, (1,), ()), ((1, 1), 4, (), (3,))]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .errors import RoutingError
from .machine import MachineSpec, opposite_link

__all__ = ["Hop", "MulticastTree", "route"]


@dataclass(frozen=True)
class Hop:
    """One chip of a multicast tree.

    Parameters
    ----------
    chip : tuple
        ``(x, y)`` of the chip.
    in_link : int
        Link of this chip that the packet arrives on; -1 at the source chip.
    out_links : tuple of int
        Links the packet leaves by, ascending.
    cores : tuple of int
        Local cores the packet is delivered to, ascending.
    """

    chip: tuple
    in_link: int
    out_links: tuple
    cores: tuple


@dataclass(frozen=True)
class MulticastTree:
    """The route of one key block: hops listed parent before child (BFS order).

    Parameters
    ----------
    key, mask : int
        The key block (a packet with ``packet_key & mask == key`` belongs to it).
    source : tuple
        ``(x, y)`` of the chip the packets are sent from.
    hops : tuple of Hop
        Every chip the packets visit; empty when there are no targets.
    """

    key: int
    mask: int
    source: tuple
    hops: tuple


def _bfs_tree(machine: MachineSpec, source: tuple) -> dict:
    """``chip -> (parent chip, link out of the parent, order)`` for every reachable chip.

    Chips are visited layer by layer so that, among parents at the same distance,
    the one giving the path fewest turns (then one going straight on) can be
    chosen: a hop that goes straight on and has no local core needs no routing
    entry (default routing).
    """
    parents = {source: (None, -1, 0)}
    turns = {source: 0}
    frontier = [source]

    def cost(option):
        parent, link = option
        bend = int(parents[parent][1] not in (-1, link))
        return turns[parent] + bend, bend

    while frontier:
        candidates: dict = {}
        for chip in frontier:
            for link in range(6):
                nb = machine.neighbour(chip[0], chip[1], link)
                if nb is not None and nb not in parents:
                    candidates.setdefault(nb, []).append((chip, link))
        frontier = []
        for child, options in candidates.items():
            parent, link = min(options, key=cost)
            parents[child] = (parent, link, len(parents))
            turns[child] = cost((parent, link))[0]
            frontier.append(child)
    return parents


def _check_chip(machine: MachineSpec, chip: tuple, what: str) -> None:
    if not machine.is_live(chip[0], chip[1]):
        raise RoutingError(
            f"{what} chip {chip} is not a live chip of {machine.name!r} "
            f"({machine.width}x{machine.height}, {len(machine.dead_chips)} dead); "
            f"place the population on a live chip"
        )


def _cores_on(machine, parents, key, source, targets) -> dict:
    """``(x, y) -> set of cores`` of a request's targets (an ``(n, 3)`` array or an iterable
    of ``(x, y, core)``), checked: every core a core of the machine, every chip reachable.
    Grouped by chip with numpy: a source of the microcircuit has 550 target cores on a
    few dozen chips."""
    t = np.asarray(targets if isinstance(targets, np.ndarray) else list(targets),
                   dtype=np.int64).reshape(-1, 3)
    bad = (t[:, 2] < 0) | (t[:, 2] >= machine.cores_per_chip)
    if bad.any():
        x, y, core = (int(v) for v in t[int(np.argmax(bad))])
        raise RoutingError(
            f"key 0x{key:08x}: target core {core} on chip {(x, y)} is outside "
            f"[0, {machine.cores_per_chip}); use a core number of the machine"
        )
    order = np.lexsort((t[:, 1], t[:, 0]))
    xy = t[order, :2]
    firsts = np.r_[0, np.flatnonzero(np.any(xy[1:] != xy[:-1], axis=1)) + 1] if len(t) else np.zeros(0, int)
    cores_on: dict = {}
    for a, b in zip(firsts, np.r_[firsts[1:], len(order)]):
        x, y = (int(v) for v in t[order[a], :2])
        chip = (x, y)
        if chip not in parents:
            _check_chip(machine, chip, f"key 0x{key:08x}: target")
            raise RoutingError(
                f"key 0x{key:08x}: target chip {chip} cannot be reached from source "
                f"chip {source} on {machine.name!r} because of dead chips or links "
                f"({len(machine.dead_chips)} dead chips, {len(machine.dead_links)} dead "
                f"links); place the target on a chip connected to the source"
            )
        cores_on[chip] = set(t[order[a:b], 2].tolist())
    return cores_on


def _one_tree(machine, parents, key, mask, source, targets) -> MulticastTree:
    cores_on = _cores_on(machine, parents, key, source, targets)

    out_links: dict = {}
    for chip in cores_on:
        # climb towards the root until the path joins chips already in the tree
        while chip != source:
            parent, link, _ = parents[chip]
            joined = parent in out_links
            out_links.setdefault(parent, set()).add(link)
            out_links.setdefault(chip, set())
            if joined:
                break
            chip = parent
    chips = set(out_links) | set(cores_on)
    hops = []
    for chip in sorted(chips, key=lambda c: parents[c][2]):
        parent, link, _ = parents[chip]
        hops.append(Hop(
            chip=chip,
            in_link=-1 if parent is None else opposite_link(link),
            out_links=tuple(sorted(out_links.get(chip, ()))),
            cores=tuple(sorted(cores_on.get(chip, ()))),
        ))
    return MulticastTree(key=key, mask=mask, source=source, hops=tuple(hops))


def route(machine: MachineSpec, requests) -> list:
    """Build one multicast tree per request.

    Parameters
    ----------
    machine : MachineSpec
        The machine whose live chips and links may be used.
    requests : sequence of (key, mask, source_xy, targets)
        ``targets`` is an iterable of ``(x, y, core)``; a target on the source
        chip is delivered locally.

    Returns
    -------
    list of MulticastTree
        In the order of ``requests``. Every target chip is reached by a shortest
        path; among equally short paths, straight runs are preferred.

    Raises
    ------
    RoutingError
        If the source or a target is not live, a core number is out of range, or
        a target chip cannot be reached over live links.
    """
    bfs: dict = {}
    trees = []
    for key, mask, source, targets in requests:
        source = (int(source[0]), int(source[1]))
        if source not in bfs:
            _check_chip(machine, source, f"key 0x{int(key):08x}: source")
            bfs[source] = _bfs_tree(machine, source)
        trees.append(_one_tree(machine, bfs[source], int(key), int(mask), source, targets))
    return trees

