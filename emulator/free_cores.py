"""How many cores other processes leave free, for the default number of threads.

The emulator's threads wait for each other at every stretch of ticks. numba's OpenMP
threads spin while they wait, so on a machine where another process holds a core
two threads ran CUBA 2 times slower than one, and beside another two-thread run 25
times slower (33 s against 1.3 s). The default therefore uses only the cores the
rest of the machine left idle since the last look: the CPU time the whole machine
spent busy (``/proc/stat``) less this process's own, over the wall time between
two looks. The result does not depend on the number of threads (bit for bit), so
the choice changes only the speed. Where ``/proc/stat`` cannot be read, every core
counts as free.
"""

from __future__ import annotations

import os
import time

__all__ = ["FreeCores"]

MIN_WINDOW_S = 0.1  # shorter looks say little: the last estimate stands


def _snapshot():
    """(wall s, machine busy CPU s, this process's CPU s), or None."""
    try:
        with open("/proc/stat") as f:
            values = [int(x) for x in f.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    idle = values[3] + (values[4] if len(values) > 4 else 0)  # idle + iowait
    own = os.times()
    return (time.monotonic(), (sum(values) - idle) / os.sysconf("SC_CLK_TCK"),
            own.user + own.system)


class FreeCores:
    """Cores the other processes left idle since the previous :meth:`others` call."""

    def __init__(self, snapshot=_snapshot):
        self._snapshot = snapshot
        self._last = snapshot()
        self._others = 0.0

    def others(self) -> float:
        """Cores' worth of CPU the other processes used since the last look."""
        now = self._snapshot()
        if now is None or self._last is None:
            return 0.0
        wall = now[0] - self._last[0]
        if wall < MIN_WINDOW_S:
            return self._others
        self._others = max(0.0, (now[1] - self._last[1] - (now[2] - self._last[2])) / wall)
        self._last = now
        return self._others

    def threads(self, most: int, cores: int | None = None) -> int:
        """Threads for a run: at most ``most``, one per core the others left free."""
        cores = cores or os.cpu_count() or 1
        return max(1, min(most, int(cores - self.others() + 0.5)))
