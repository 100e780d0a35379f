"""NetworkGraph -> MachineProgram: partition, place, keys, route, tables, compress, encode."""

from .errors import MappingError, ResourceError, RoutingError
from .machine import MachineSpec

__all__ = ["MachineSpec", "MappingError", "ResourceError", "RoutingError"]
