"""Which compiled tick loop a run takes: the serial one or the parallel one.

:mod:`neurochip.emulator.kernel` compiles one tick loop twice: ``run_ticks`` with numba's
``parallel=True`` (threads share out the cores at every stretch) and ``run_ticks_serial``
without it. The serial loop compiles in about two thirds of the time (a first-ever CUBA
run: 15 s against 22 s of compiling) and on one thread it saves the thread launches, so:

- one thread (``setup(threads=1)``, or one free core by default): the serial loop;
- ``setup(threads=N)``, N > 1: the parallel loop, compiled if need be;
- the default, with more than one free core: the parallel loop once it is compiled (in
  this process or in numba's disk cache). Until then runs take the serial loop, and the
  time each loses by it (its emulation time times ``1 - 1/threads``) is added up in the
  kernel cache's folder. The parallel loop is compiled when that time, with what the rest
  of the current run would lose (measured on its first ticks), reaches the compile time:
  the ski-rental rule, which never waits more than twice as long as the best choice made
  knowing every future run. A short first run therefore does not wait for a compilation
  that would not pay for itself, and a long one (the microcircuit) compiles at once.

Either loop gives the same results bit for bit (``tests/test_bit_exact.py``,
``tests/test_kernel_choice.py``): the choice changes only the speed.
"""

from __future__ import annotations

import json
import os

import numba
from numba.core.compiler_lock import global_compiler_lock

__all__ = ["compiled", "compile_notice", "LoopChoice", "COMPILE_S", "PARALLEL_EXTRA_S",
           "PROBE_TICKS", "probe_ticks"]

COMPILE_S = {"lean": 15, "full": 55}  # a kernel's first loop's compile time, on two cores

# the parallel loop's compile time once the serial one is compiled (the per-core kernels are
# shared), measured by `neurochip warmup` on two cores with a cold cache: lean 10 s, full 18-21 s
PARALLEL_EXTRA_S = {"lean": 10.0, "full": 20.0}
PROBE_TICKS = 100  # the serial loop's speed is measured on the first 1/50 of a run, at least this
LEDGER = "serial-runs.json"


def compile_notice(tier: str, arithmetic: str, parallel: bool, second: bool) -> str:
    """What a first run says while numba compiles the ``tier`` kernel's loop (the
    ``parallel`` one; ``second``: after the other loop, whose per-core kernels it shares)."""
    what = ("the standard cells and synapses" if tier == "lean"
            else "every cell type and kind of plasticity")
    loop = "multi-thread" if parallel else "one-thread"
    about = PARALLEL_EXTRA_S[tier] if parallel and second else COMPILE_S[tier]
    return (f"neurochip: compiling the emulator's {tier} kernel ({what}) for {arithmetic} "
            f"arithmetic, {loop} loop: once per version of the emulator, about {about:.0f} s on "
            f"two cores; it is kept in {numba.config.CACHE_DIR} for later runs\n")


def probe_ticks(n_ticks: int) -> int:
    """Ticks of the run that measure the serial loop's speed."""
    return max(PROBE_TICKS, n_ticks // 50)


def compiled(dispatcher, args) -> bool:
    """Whether ``dispatcher(*args)`` runs without compiling: compiled already in this process,
    or found in numba's disk cache (numba's own lookup, as its ``compile`` does first)."""
    sig = tuple(dispatcher.typeof_pyval(a) for a in args)
    if sig in dispatcher.overloads:
        return True
    cache = getattr(dispatcher, "_cache", None)
    if cache is None:  # a numba that keeps its cache elsewhere: assume a compilation
        return False
    try:
        # under numba's compiler lock, as its own loads are (and timed with them: the
        # kernels stage of run(), neurochip.simulator)
        with global_compiler_lock:
            cres = cache.load_overload(sig, dispatcher.targetctx)
    except (AttributeError, OSError, ValueError):
        return False
    if cres is None:
        return False
    # keep what was loaded, as numba's own compile does with a cache hit: the call that
    # follows would otherwise load the whole kernel from disk a second time (0.05 s on
    # CUBA, two copies of the code in memory)
    try:
        with global_compiler_lock:
            if sig not in dispatcher.overloads:
                dispatcher.targetctx.insert_user_function(cres.entry_point, cres.fndesc,
                                                          [cres.library])
                dispatcher.add_overload(cres)
    except (AttributeError, TypeError):
        pass
    return True


class LoopChoice:
    """The ski-rental rule of one kernel (``key``: tier and arithmetic, e.g. ``lean-fixed``)
    over the runs of every process that shares the kernel cache ``folder``."""

    def __init__(self, key: str, tier: str, folder: str | None = None):
        self.key = key
        self.cost = PARALLEL_EXTRA_S[tier]
        self.path = os.path.join(folder or numba.config.CACHE_DIR, LEDGER)

    def lost(self) -> float:
        """Seconds the serial loop has cost this kernel's runs so far, as far as is known."""
        try:
            with open(self.path) as f:
                return float(json.load(f).get(self.key, 0.0))
        except (OSError, ValueError, AttributeError):
            return 0.0

    def paid_off(self, more: float = 0.0) -> bool:
        """Whether the serial loop's losses (with ``more`` seconds to come) reach the
        parallel loop's compile time."""
        return self.lost() + more >= self.cost

    def worth_now(self, seconds_per_tick: float, ticks_left: int, threads: int) -> bool:
        """After the first ticks of a run: compile the parallel loop for the rest of it?"""
        return self.paid_off(loss(seconds_per_tick * ticks_left, threads))

    def add(self, serial_seconds: float, threads: int) -> None:
        """A run took the serial loop for ``serial_seconds`` instead of ``threads`` threads."""
        try:
            with open(self.path) as f:
                book = json.load(f)
        except (OSError, ValueError):
            book = {}
        if not isinstance(book, dict):
            book = {}
        book[self.key] = float(book.get(self.key, 0.0)) + loss(serial_seconds, threads)
        try:
            os.makedirs(os.path.dirname(self.path), exist_ok=True)
            tmp = f"{self.path}.{os.getpid()}"
            with open(tmp, "w") as f:
                json.dump(book, f)
            os.replace(tmp, self.path)
        except OSError:  # a read-only cache: each run decides on its own ticks
            pass


def loss(serial_seconds: float, threads: int) -> float:
    """What ``threads`` threads would have saved on a serial run of ``serial_seconds``."""
    return serial_seconds * (1.0 - 1.0 / threads)
