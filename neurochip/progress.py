"""What a user sees while a run goes on: a progress bar (tqdm) and the compile notice.

The bar appears on runs that last longer than ``SHOW_AFTER`` seconds, on a terminal;
``setup(progress=True)`` shows it anywhere, ``progress=False`` never, and silences the
one-line notice the emulator gives when its kernels compile on a first run.
"""

from __future__ import annotations

import sys

__all__ = ["RunProgress", "SHOW_AFTER"]

SHOW_AFTER = 2.0  # s: shorter runs show no bar
CHUNKS = 200  # updates of the bar in a run, at most
MIN_CHUNK_TICKS = 100  # ticks per kernel call, at least (each call costs ~0.1 ms)


class RunProgress:
    """The bar of one run of ``n_ticks`` ticks of ``dt`` ms (nothing when switched off)."""

    def __init__(self, setting, n_ticks: int, dt: float, t_start: float):
        self.on = setting if setting is not None else sys.stderr.isatty()
        self.dt = dt
        self.bar = None
        self.chunk_ticks = max(MIN_CHUNK_TICKS, n_ticks // CHUNKS) if self.on else None
        if self.on:
            from tqdm import tqdm  # only when a bar may be shown
            self.bar = tqdm(total=round(n_ticks * dt, 6), initial=0, unit="ms", delay=SHOW_AFTER,
                            desc=f"neurochip run from {t_start:g} ms", leave=False,
                            bar_format="{desc}: {percentage:3.0f}%|{bar}| {n:.0f}/{total:.0f} ms "
                                       "[{elapsed}<{remaining}]")

    def update(self, ticks: int):
        if self.bar is not None:
            self.bar.update(round(ticks * self.dt, 6))

    def close(self):
        if self.bar is not None:
            self.bar.close()
