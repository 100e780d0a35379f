"""The emulated machine: geometry, links and the hardware limits (SpiNNaker 1 numbers).

A :class:`MachineSpec` is a frozen value. Chips are addressed ``(x, y)`` and
numbered ``chip_id = y * width + x``; links follow the SpiNNaker convention
(0 E, 1 NE, 2 N, 3 W, 4 SW, 5 S) and the opposite of link ``l`` is ``(l + 3) % 6``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from neurochip.emulator.contract import CLOCK_HZ

from .errors import MappingError, ResourceError

__all__ = [
    "MachineSpec",
    "spinn3",
    "spinn5",
    "torus",
    "smallest_machine",
    "LINK_NAMES",
    "LINK_DELTAS",
    "CORES_PER_CHIP",
    "MONITOR_CORES",
    "DTCM_BYTES",
    "SDRAM_BYTES",
    "SDRAM_USABLE_BYTES",
    "ROUTER_ENTRIES",
    "ROUTER_USABLE_ENTRIES",
    "CLOCK_HZ",
    "opposite_link",
]

# --- hardware limits (SpiNNaker 1) -----------------------------------------
CORES_PER_CHIP = 18
MONITOR_CORES = 1  # core 0 runs the monitor; cores 1..17 run applications
DTCM_BYTES = 64 * 1024
SDRAM_BYTES = 128 * 1024 * 1024
SDRAM_USABLE_BYTES = 123 * 1000 * 1000
ROUTER_ENTRIES = 1024
ROUTER_USABLE_ENTRIES = 1023

LINK_NAMES = ("E", "NE", "N", "W", "SW", "S")
LINK_DELTAS = ((1, 0), (1, 1), (0, 1), (-1, 0), (-1, -1), (0, -1))


def opposite_link(link: int) -> int:
    """The link a packet arrives on when sent out of ``link`` by a neighbour."""
    return (link + 3) % 6


def _spinn5_chips() -> frozenset:
    # The 48-chip SpiNN-5 board: row y holds x in [max(0, y - 3), min(7, y + 4)].
    return frozenset(
        (x, y) for y in range(8) for x in range(max(0, y - 3), min(7, y + 4) + 1)
    )


@dataclass(frozen=True)
class MachineSpec:
    """Geometry and limits of an emulated machine.

    Parameters
    ----------
    width, height : int
        Bounding box in chips.
    wrap : bool
        Whether links wrap around into a (triangular) torus.
    chips : frozenset of (x, y) or None
        Chips that exist inside the bounding box (None: all of them).
    dead_chips, dead_links : frozenset
        Chips ``(x, y)`` and links ``(x, y, link)`` that do not work.
    name : str
        A label for reports.

    Examples
    --------
    >>> m = spinn3()
    >>> m.n_chips, m.app_cores_per_chip
    (4, 17)
    """

    width: int
    height: int
    wrap: bool = False
    chips: frozenset | None = None
    dead_chips: frozenset = field(default_factory=frozenset)
    dead_links: frozenset = field(default_factory=frozenset)
    cores_per_chip: int = CORES_PER_CHIP
    monitor_cores: int = MONITOR_CORES
    dtcm_bytes: int = DTCM_BYTES
    sdram_bytes: int = SDRAM_USABLE_BYTES
    router_entries: int = ROUTER_USABLE_ENTRIES
    clock_hz: int = CLOCK_HZ
    name: str = "machine"

    def __post_init__(self):
        if self.width < 1 or self.height < 1:
            raise MappingError(
                f"MachineSpec {self.name!r}: width and height must be >= 1, "
                f"got {self.width}x{self.height}"
            )
        if not (self.monitor_cores < self.cores_per_chip <= 32):
            raise MappingError(
                f"MachineSpec {self.name!r}: cores_per_chip={self.cores_per_chip} must be "
                f"more than monitor_cores={self.monitor_cores} and at most 32"
            )
        if not 1 <= self.router_entries <= ROUTER_ENTRIES:
            raise MappingError(
                f"MachineSpec {self.name!r}: router_entries={self.router_entries} must be "
                f"in [1, {ROUTER_ENTRIES}]"
            )

    # --- chips ---------------------------------------------------------------
    @property
    def n_chips(self) -> int:
        """Number of live chips."""
        return len(self.live_chips)

    @property
    def app_cores_per_chip(self) -> int:
        return self.cores_per_chip - self.monitor_cores

    @property
    def live_chips(self) -> tuple:
        """Live chips in ``chip_id`` order."""
        return tuple(
            (x, y)
            for y in range(self.height)
            for x in range(self.width)
            if self.is_live(x, y)
        )

    def is_live(self, x: int, y: int) -> bool:
        if not (0 <= x < self.width and 0 <= y < self.height):
            return False
        if self.chips is not None and (x, y) not in self.chips:
            return False
        return (x, y) not in self.dead_chips

    def chip_id(self, x: int, y: int) -> int:
        return y * self.width + x

    def chip_xy(self, chip_id: int) -> tuple:
        return chip_id % self.width, chip_id // self.width

    def neighbour(self, x: int, y: int, link: int):
        """The chip at the far end of ``link`` from ``(x, y)``, or None."""
        if (x, y, link) in self.dead_links:
            return None
        dx, dy = LINK_DELTAS[link]
        nx, ny = x + dx, y + dy
        if self.wrap:
            nx %= self.width
            ny %= self.height
        if not self.is_live(nx, ny):
            return None
        # a link is dead when either end says so
        if (nx, ny, opposite_link(link)) in self.dead_links:
            return None
        return nx, ny

    def link_table(self) -> np.ndarray:
        """``(width * height, 6)`` int32: chip_id at the far end of each link, -1 if none."""
        table = np.full((self.width * self.height, 6), -1, dtype=np.int32)
        for x, y in self.live_chips:
            for link in range(6):
                nb = self.neighbour(x, y, link)
                if nb is not None:
                    table[self.chip_id(x, y), link] = self.chip_id(*nb)
        return table

    @property
    def n_app_cores(self) -> int:
        return self.n_chips * self.app_cores_per_chip


def spinn3() -> MachineSpec:
    """A SpiNN-3 board: 2x2 chips, no wrap-around."""
    return MachineSpec(2, 2, wrap=False, name="SpiNN-3")


def spinn5() -> MachineSpec:
    """A SpiNN-5 board: 48 chips in an 8x8 bounding box, no wrap-around."""
    return MachineSpec(8, 8, wrap=False, chips=_spinn5_chips(), name="SpiNN-5")


def torus(width: int, height: int) -> MachineSpec:
    """A ``width`` x ``height`` triangular torus of chips."""
    return MachineSpec(width, height, wrap=True, name=f"{width}x{height} torus")


def smallest_machine(n_cores: int) -> MachineSpec:
    """The smallest preset with at least ``n_cores`` application cores.

    SpiNN-3, then SpiNN-5, then the smallest square-ish torus.
    """
    for make in (spinn3, spinn5):
        m = make()
        if m.n_app_cores >= n_cores:
            return m
    chips = math.ceil(n_cores / (CORES_PER_CHIP - MONITOR_CORES))
    side = math.ceil(math.sqrt(chips))
    height = math.ceil(chips / side)
    if side * height > 256 * 256:
        raise ResourceError(
            f"the network needs {n_cores} application cores, more than the largest "
            f"supported machine (256x256 chips); reduce the network size"
        )
    return torus(side, height)
