"""The emulated machine: load a MachineProgram, run ticks, return a RunResult.

Imports neither :mod:`neurochip.mapping` nor the PyNN face (nor PyNN).
"""

from . import cache_load
from .jit_cache import use_versioned_cache

CACHE_DIR = use_versioned_cache()  # before any kernel module is imported
cache_load.install()  # kernels loaded without numba's compiler set-up (emulator.cache_load)

from .direct import DirectInputs  # noqa: E402
from .electrodes import Electrodes  # noqa: E402
from .emulate import Emulation, check_threads, load  # noqa: E402
from .errors import EmulatorError, ProgramError  # noqa: E402
from .program import Cores, MachineProgram, Recording, Routing, Sources, Synapses  # noqa: E402
from .results import RunResult  # noqa: E402

__all__ = ["load", "Emulation", "check_threads", "MachineProgram", "Routing", "Cores", "Synapses",
           "Sources", "Recording", "Electrodes", "DirectInputs", "RunResult", "EmulatorError",
           "ProgramError"]
