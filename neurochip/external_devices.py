"""``sim.external_devices``: sPyNNaker's live input and output through a physical board's
Ethernet.

Streaming a population's spikes off the board to a program on the host
(``activate_live_output_for``) changes nothing of the run: it is accepted and logged once
(``record("spikes")`` and ``get_data()`` give the spikes after the run). The rest (live
spike injection, live connections, robot and retina devices) needs a board and a host
program talking to it: each is a class whose use raises a :class:`NeurochipError`.
"""

from __future__ import annotations

from .extra_models import _missing
from .spinnaker_compat import log_once

__all__ = ["activate_live_output_for"]


def activate_live_output_for(population, *args, **kwargs) -> None:
    """sPyNNaker: send ``population``'s spikes to a host program while the board runs.
    Accepted and logged: no effect on the run."""
    label = getattr(population, "label", population)
    log_once(("live_output", label),
             f"external_devices.activate_live_output_for({label!r}): no effect on neurochip: it "
             f"streams spikes off a physical board while it runs; record('spikes') and "
             f"get_data() give them after the run")


def __getattr__(name: str):
    if name.startswith("__"):
        raise AttributeError(name)
    return _missing(name, "live input or output through a physical board",
                    "sim.external_devices.", "neurochip runs no board to talk to; "
                    "sim.external_devices has activate_live_output_for (no effect)")
