"""Exceptions raised by the emulator, and the root of every neurochip error.

``NeurochipError`` lives here, in the lowest layer, so that the emulator, the mapping
and the PyNN face can all derive from it (imports run neurochip -> mapping ->
emulator); ``except NeurochipError`` catches every failure of ours, and each class
keeps its builtin base (``except ValueError`` still catches a bad program).
"""

__all__ = ["NeurochipError", "EmulatorError", "ProgramError"]


class NeurochipError(Exception):
    """Something neurochip cannot do as asked; the message says what to change."""


class EmulatorError(NeurochipError, RuntimeError):
    """The emulated machine cannot run the program as given."""


class ProgramError(EmulatorError, ValueError):
    """A MachineProgram is inconsistent; the message names the field and the fix."""
