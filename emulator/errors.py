"""Exceptions raised by the emulator."""

__all__ = ["EmulatorError", "ProgramError"]


class EmulatorError(RuntimeError):
    """The emulated machine cannot run the program as given."""


class ProgramError(EmulatorError, ValueError):
    """A MachineProgram is inconsistent; the message names the field and the fix."""
