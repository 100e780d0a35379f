"""What the machine would have reported after a run, as one warning (or, strict, an error).

sPyNNaker reads its provenance back after every run and warns about what went wrong
on the board; the emulator counts the same things (:class:`RunResult`), and this
module turns a run's counts into one message that names each finding and what to
change. Real time is judged as sPyNNaker judges it: each core has ``dt x clock x
time_scale_factor`` cycles per timestep, the factor being ``setup(time_scale_factor=)``
or sPyNNaker's default for the timestep, ``max(1, ceil(1 ms / dt))``.
"""

from __future__ import annotations

import math
import os
import pathlib
import sys
import warnings

import numpy as np
import pyNN

from neurochip.emulator.plasticity import HISTORY

from .errors import MachineError

__all__ = ["MachineWarning", "default_time_scale_factor", "findings", "speak"]


class MachineWarning(UserWarning):
    """The emulated hardware reported something after a run (see the message)."""


def default_time_scale_factor(dt: float) -> int:
    """sPyNNaker's time scale factor for a timestep of ``dt`` ms: ``max(1, ceil(1 / dt))``."""
    return max(1, math.ceil(1.0 / dt - 1e-9))


def _where(mapping, cores) -> str:
    """``'exc' (cores 3, 4)`` style: the populations of the given cores."""
    pops = {}
    for c in cores:
        s = mapping.slices[int(c)]
        pops.setdefault(mapping.graph.populations[s.pop].label, []).append(int(c))
    return ", ".join(f"{label!r} (core{'s' if len(cs) > 1 else ''} "
                     f"{', '.join(map(str, cs[:4]))}{', ...' if len(cs) > 4 else ''})"
                     for label, cs in pops.items())


def findings(result, mapping, time_scale_factor: int) -> list:
    """One sentence per thing the hardware would have reported for ``result`` (a
    RunResult of ``mapping``'s program), each saying what to change."""
    out = []
    dropped = int(result.dropped.sum())
    if dropped:
        out.append(f"{dropped} packets were dropped by routers (no routing entry matched a locally "
                   f"sent key): the routing tables do not cover every source; report this as a bug")
    for name, what, fix in (
            ("failed_mpt_searches", "packets found no master-population-table entry on their core",
             "the routing sends them to cores that have no synapses for them; report this as a bug"),
            ("ring_saturations", "ring-buffer slots saturated at 0xFFFF",
             "the input of one timestep exceeded 16 bits at the weight shift: lower the weights or "
             "the number of inputs that can arrive together"),
            ("real_saturations", "neuron state values saturated at the s16.15 limit (+-65536)",
             "a current, conductance or voltage grew beyond 65536 of its unit: check the weights, "
             "rates and time constants, or run arithmetic='float' to see the unbounded values"),
            ("stdp_history_lost", "plastic synapse updates missed post-synaptic spikes that had "
             "fallen out of the neuron's post-spike history",
             f"a neuron fired more than {HISTORY} times (the history's length, as sPyNNaker's; "
             f"under Neuromodulation each tick with dopamine spikes takes an entry too) "
             f"between two spikes of a plastic synapse's source; fewer post spikes per pre-spike "
             f"interval avoid it (sPyNNaker drops them silently)")):
        per_core = result.counter(name)
        if per_core.sum():
            out.append(f"{int(per_core.sum())} {what} in {_where(mapping, np.flatnonzero(per_core))}: "
                       f"{fix}")
    program = mapping.program
    budget = program.dt * 1e-3 * program.clock_hz * time_scale_factor
    need = result.counter("max_cycles_per_tick")
    over = np.flatnonzero(need > budget)
    if len(over):
        worst = int(over[np.argmax(need[over])])
        factor = float(need[worst]) / (program.dt * 1e-3 * program.clock_hz)
        out.append(
            f"{len(over)} of {program.n_cores} cores would overrun their real-time budget of "
            f"{budget:,.0f} cycles per timestep ({program.dt:g} ms x {program.clock_hz / 1e6:g} MHz x "
            f"time_scale_factor {time_scale_factor}); the slowest, core {worst} of "
            f"{_where(mapping, [worst])}, needs {int(need[worst]):,} cycles in its busiest "
            f"timestep: on the hardware this network needs time_scale_factor >= "
            f"{math.ceil(factor - 1e-9)} (setup(time_scale_factor=...)), or fewer neurons per core "
            f"(sim.set_number_of_neurons_per_core)")
    return out


def speak(result, mapping, state) -> None:
    """Warn (``MachineWarning``) about what ``result`` would have made the hardware report;
    with ``setup(strict=True)``, raise ``MachineError`` instead."""
    items = findings(result, mapping, state.time_scale_factor)
    if not items:
        return
    message = (f"after run() to {result.t1 * state.dt:g} ms, the machine reports: "
               + "; ".join(f"({i + 1}) {s}" for i, s in enumerate(items)))
    if state.strict:
        raise MachineError(message + " [setup(strict=True) makes this an error]")
    if state.mpi_rank > 0:  # every rank has the same result: rank 0 says it
        return
    warnings.warn(message, MachineWarning, stacklevel=_caller_level())


def _caller_level() -> int:
    """The stack level of the user's line (the first frame outside PyNN and neurochip),
    whichever of run(), run_until() or run_for() it called."""
    import pyNN.neurochip as face  # here: it imports this module
    ours = tuple(str(pathlib.Path(sys.modules[m].__file__).parent) + os.sep
                 for m in (pyNN.__name__, face.__name__, __package__, f"{__package__}.emulator",
                           f"{__package__}.mapping"))  # (apart in a source tree)
    frame, level = sys._getframe(2), 2
    while frame is not None and frame.f_code.co_filename.startswith(ours):
        frame, level = frame.f_back, level + 1
    return level
