"""Place: slices onto (x, y, processor).

Placers share one signature, ``place(slices, machine, sdram_need) -> (n, 3) int``,
and never mutate their inputs.
"""

from __future__ import annotations

import numpy as np

from .errors import ResourceError
from .machine import MachineSpec

__all__ = ["place_sequential", "PLACERS"]


def place_sequential(slices, machine: MachineSpec, sdram_need=None) -> np.ndarray:
    """Fill chips in ``chip_id`` order, cores 1, 2, ... on each, keeping each chip's
    SDRAM within budget (``sdram_need[i]`` bytes for slice i).

    Examples
    --------
    >>> from mapping.machine import spinn3
    >>> place_sequential([None] * 3, spinn3()).tolist()
    [[0, 0, 1], [0, 0, 2], [0, 0, 3]]
    """
    need = np.zeros(len(slices), np.int64) if sdram_need is None else np.asarray(sdram_need)
    out = np.zeros((len(slices), 3), np.int64)
    chips = machine.live_chips
    first = machine.monitor_cores
    ci, proc, used = 0, first, 0
    for i in range(len(slices)):
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


PLACERS = {"sequential": place_sequential}
