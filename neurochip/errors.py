"""The root exception of the PyNN front end."""

from mapping.errors import MappingError

__all__ = ["NeurochipError", "MappingError"]


class NeurochipError(Exception):
    """Something the PyNN front end cannot do as asked; the message says what to change."""
