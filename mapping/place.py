"""Place: slices onto (x, y, processor).

Placers share one signature, ``place(slices, machine, sdram_need=None,
traffic=None) -> (n, 3) int`` (x, y, processor per slice), and never mutate
their inputs. ``traffic`` maps ``(source slice, target slice)`` to a weight
(the number of synapses between them).
"""

from __future__ import annotations

import networkx as nx
import numpy as np
from networkx.algorithms.community import kernighan_lin_bisection

from .errors import ResourceError
from .machine import MachineSpec

__all__ = ["place_sequential", "place_traffic", "PLACERS", "chip_path"]


def _fill(order, slices, machine, need, chips):
    """Put slices, in ``order``, onto ``chips`` in turn, honouring cores and SDRAM."""
    out = np.zeros((len(slices), 3), np.int64)
    first = machine.monitor_cores
    ci, proc, used = 0, first, 0
    for i in order:
        if need[i] > machine.sdram_bytes:
            raise ResourceError(
                f"slice {i} ({slices[i]}) needs {need[i]} bytes of SDRAM, more than a chip's "
                f"{machine.sdram_bytes}; set fewer neurons per core for its population")
        if proc >= machine.cores_per_chip or used + need[i] > machine.sdram_bytes:
            ci, proc, used = ci + 1, first, 0
        if ci >= len(chips):
            raise ResourceError(
                f"the network needs more than the {machine.n_app_cores} application cores of "
                f"{machine.name} ({len(slices)} slices); use a larger machine (e.g. "
                f"setup(machine='spinn5') or a torus), or more neurons per core")
        out[i] = (chips[ci][0], chips[ci][1], proc)
        proc += 1
        used += need[i]
    return out


def place_sequential(slices, machine: MachineSpec, sdram_need=None, traffic=None) -> np.ndarray:
    """Fill chips in ``chip_id`` order, cores 1, 2, ... on each, keeping each chip's
    SDRAM within budget (``sdram_need[i]`` bytes for slice i).

    Examples
    --------
    >>> from mapping.machine import spinn3
    >>> place_sequential([None] * 3, spinn3()).tolist()
    [[0, 0, 1], [0, 0, 2], [0, 0, 3]]
    """
    need = np.zeros(len(slices), np.int64) if sdram_need is None else np.asarray(sdram_need)
    return _fill(range(len(slices)), slices, machine, need, machine.live_chips)


def chip_path(machine: MachineSpec) -> list:
    """Live chips in an order where consecutive chips are (mostly) neighbours:
    rows of the grid, alternating direction."""
    rows = []
    for y in range(machine.height):
        row = [(x, y) for x in range(machine.width) if machine.is_live(x, y)]
        rows.extend(row if y % 2 == 0 else row[::-1])
    return rows


def place_traffic(slices, machine: MachineSpec, sdram_need=None, traffic=None) -> np.ndarray:
    """Keep slices that talk to each other on the same chip or on neighbouring chips.

    Recursive Kernighan-Lin bisection of the slice graph (edge weight: synapses
    between two slices, both directions added) down to groups that fit one
    chip; groups are then laid along :func:`chip_path`, so that groups split
    late (closely related) land on nearby chips.
    """
    n = len(slices)
    need = np.zeros(n, np.int64) if sdram_need is None else np.asarray(sdram_need)
    g = nx.Graph()
    g.add_nodes_from(range(n))
    for (a, b), w in (traffic or {}).items():
        if a != b:
            g.add_edge(a, b, weight=g.get_edge_data(a, b, {"weight": 0})["weight"] + float(w))
    cap = machine.app_cores_per_chip

    def split(nodes):
        nodes = sorted(nodes)
        if len(nodes) <= cap and need[nodes].sum() <= machine.sdram_bytes:
            return [nodes]
        sub = g.subgraph(nodes)
        # seed=0: the same network always gets the same placement
        a, b = kernighan_lin_bisection(sub, weight="weight", seed=0)
        if not a or not b:
            half = len(nodes) // 2
            a, b = nodes[:half], nodes[half:]
        return split(a) + split(b)

    # groups in bisection order, packed densely: related groups end up on the same
    # or the next chip along the path
    order = [i for group in (split(range(n)) if n else []) for i in group]
    return _fill(order, slices, machine, need, chip_path(machine))


PLACERS = {"sequential": place_sequential, "traffic": place_traffic}
