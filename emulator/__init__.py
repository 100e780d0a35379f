"""The emulated machine: load a MachineProgram, run ticks, return a RunResult.

Imports neither ``mapping`` nor ``neurochip``.
"""

from .emulate import Emulation, load
from .errors import EmulatorError, ProgramError
from .program import MachineProgram
from .results import RunResult

__all__ = ["load", "Emulation", "MachineProgram", "RunResult", "EmulatorError", "ProgramError"]
