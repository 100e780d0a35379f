"""The emulated machine: load a MachineProgram, run ticks, return a RunResult.

Imports neither ``mapping`` nor ``neurochip``.
"""

from .jit_cache import use_versioned_cache

CACHE_DIR = use_versioned_cache()  # before any kernel module is imported

from .emulate import Emulation, check_threads, load  # noqa: E402
from .errors import EmulatorError, ProgramError  # noqa: E402
from .program import MachineProgram  # noqa: E402
from .results import RunResult  # noqa: E402

__all__ = ["load", "Emulation", "check_threads", "MachineProgram", "RunResult", "EmulatorError",
           "ProgramError"]
