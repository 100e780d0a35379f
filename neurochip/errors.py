"""The root exception of neurochip (defined in the emulator, the lowest layer, so that
every layer's errors derive from it), re-exported for the PyNN front end."""

from neurochip.emulator.errors import EmulatorError, NeurochipError
from neurochip.mapping.errors import MappingError

__all__ = ["NeurochipError", "MappingError", "EmulatorError", "HostMemoryError", "MachineError"]


class HostMemoryError(NeurochipError, MemoryError):
    """The network would not fit in this host's memory; the message gives the estimate."""


class MachineError(NeurochipError, RuntimeError):
    """With ``setup(strict=True)``: the emulated hardware reported a problem after a run."""
