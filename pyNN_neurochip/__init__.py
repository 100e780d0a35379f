"""``pyNN.neurochip``: PyNN's name for the neurochip backend (a thin alias).

Installed as the subpackage ``pyNN.neurochip`` (see ``package-dir`` in
pyproject.toml); it re-exports :mod:`neurochip` and registers its modules
under this name so that ``pyNN.neurochip.simulator`` is the same object.
"""

import sys

import neurochip
from neurochip import *  # noqa: F401,F403
from neurochip import (  # noqa: F401
    control,
    list_standard_models,  # noqa: F401
    populations,
    procedural_api,
    projections,
    recording,
    simulator,
    standardmodels,
)

for _name in ("control", "populations", "procedural_api", "projections", "recording",
              "simulator", "standardmodels", "reports", "errors"):
    sys.modules[f"{__name__}.{_name}"] = sys.modules[f"neurochip.{_name}"]

__all__ = neurochip.__dict__.get("__all__", [n for n in dir(neurochip) if not n.startswith("_")])
