"""Exceptions raised while mapping a network onto the machine."""

from neurochip.emulator.errors import NeurochipError

__all__ = ["MappingError", "ResourceError", "RoutingError"]


class MappingError(NeurochipError, ValueError):
    """A network cannot be mapped as asked; the message names the object, the
    value, the limit and the fix."""


class ResourceError(MappingError):
    """A machine resource (cores, DTCM, SDRAM, router entries, keys) is exceeded."""


class RoutingError(MappingError):
    """Routing tables are inconsistent, do not fit, or do not route as intended."""
