"""sPyNNaker's extensions of PyNN, so that a script written for ``pyNN.spiNNaker`` runs
with its import line changed to ``pyNN.neurochip``.

What changes nothing on an emulator (board allocation, databases, core splitting) is
accepted and named once in a log line (logger
``neurochip.spinnaker_compat``, level INFO); what would change the results and is not
supported is a :class:`NeurochipError`. "Once" is once per ``setup()``.
"""

from __future__ import annotations

import logging

import numpy as np

from . import simulator
from .errors import NeurochipError

__all__ = ["name", "get_machine", "set_number_of_synapse_cores", "set_allow_delay_extensions",
           "SETUP_NO_EFFECT", "RING_STATS", "population_arguments", "population_size", "log_once",
           "forget_logged"]

logger = logging.getLogger(__name__)

# setup() arguments of sPyNNaker that choose or describe the physical machine, or its
# databases and files: nothing of the emulation depends on them
SETUP_NO_EFFECT = {
    "label": "names the run in sPyNNaker's database",
    "filename": "names sPyNNaker's report files",
    "db_name": "names sPyNNaker's database",
    "database_socket_addresses": "is for live I/O through a physical board",
    "n_chips_required": "asks for a physical board allocation",
    "n_boards_required": "asks for a physical board allocation",
}

# Population arguments that choose the ring-buffer weight shift from the expected input,
# as sPyNNaker does (mapping/ring_statistics.py); without them the shift is the worst case
RING_STATS = ("spikes_per_second", "ring_buffer_sigma", "max_expected_summed_weight")

# Population keyword arguments (or additional_parameters) of sPyNNaker with no effect here
POPULATION_NO_EFFECT = {
    "spikes_per_second": None,           # used: see RING_STATS
    "ring_buffer_sigma": None,
    "max_expected_summed_weight": None,
    "incoming_spike_buffer_size": "sizes the hardware's spike input queue; the emulator "
                                  "counts dropped packets instead",
    "drop_late_spikes": "drops spikes that arrive after the hardware's timestep ends; the "
                        "emulator delivers every spike",
    "splitter": "chooses how sPyNNaker splits a population over cores; neurochip partitions "
                "by its own rules (set_number_of_neurons_per_core)",
    "splitter_object": "chooses how sPyNNaker splits a population over cores (its older "
                       "name for splitter); neurochip partitions by its own rules",
    "n_synapse_cores": "splits synapse processing onto separate cores; results do not "
                       "depend on it",
    "allow_delay_extensions": "delays are held on the target core up to setup(max_delay=...)",
    "n_steps_per_timestep": "neurochip's cells choose their own sub-steps",
    "max_rate": "sizes a Poisson source's buffers on the board",
    "virtual_key": "chooses the routing key of a live injector on the board; neurochip "
                   "allocates the keys itself (send_spike takes neuron ids either way)",
    "neurons_per_core": None,  # used: see population_arguments
    "seed": None,              # used
}
# would change the results and neurochip cannot follow them
POPULATION_UNSUPPORTED = {
    "rb_left_shifts": "neurochip chooses each population's ring-buffer shift itself (the "
                      "worst case, see sim.mapping_summary()); remove rb_left_shifts",
}

_logged: set = set()


def log_once(key, message: str) -> None:
    """Log ``message`` (INFO) the first time ``key`` is seen since ``setup()``."""
    if key not in _logged:
        _logged.add(key)
        logger.info(message)


def forget_logged() -> None:
    """Called by ``setup()``: every message may be logged once again."""
    _logged.clear()


def name() -> str:
    """The simulator's name, as sPyNNaker's ``sim.name()`` gives it (PyNN's other backends
    hold it as ``simulator.name``)."""
    return simulator.name


def get_machine():
    """sPyNNaker's ``sim.get_machine()``: the machine the network runs on, a
    :class:`neurochip.mapping.MachineSpec` (chips, cores, links, router size). sPyNNaker
    allocates it at this call; here, if ``setup(machine=...)`` chose none (the smallest
    that fits), it becomes one SpiNN-5 board (48 chips), logged once: placement does not
    change the results."""
    st = simulator.state
    if st.machine is None:
        st.machine = "spinn5"
        st.mark_dirty()
        log_once(("get_machine",), "get_machine(): the network runs on one SpiNN-5 board "
                 "(48 chips), as sPyNNaker allocates one; setup(machine=...) chooses another")
    return st.machine_spec()


def _type_name(neuron_type) -> str:
    return neuron_type if isinstance(neuron_type, str) else getattr(
        neuron_type, "__name__", type(neuron_type).__name__)


def set_number_of_synapse_cores(neuron_type, n_synapse_cores) -> None:
    """sPyNNaker: how many separate synapse cores a model's populations use. Accepted and
    logged: the emulator's results do not depend on how synapse work is split."""
    log_once(("synapse_cores", _type_name(neuron_type)),
             f"set_number_of_synapse_cores({_type_name(neuron_type)}, {n_synapse_cores!r}): "
             f"no effect on neurochip (results do not depend on how synapse processing is "
             f"split over cores)")


def set_allow_delay_extensions(neuron_type, allow_delay_extensions) -> None:
    """sPyNNaker: whether a model may use delay-extension cores. Accepted and logged: the
    target cores hold every delay up to ``setup(max_delay=...)``."""
    log_once(("delay_extensions", _type_name(neuron_type)),
             f"set_allow_delay_extensions({_type_name(neuron_type)}, "
             f"{allow_delay_extensions!r}): no effect on neurochip (target cores hold every "
             f"delay up to get_max_delay() = {simulator.state.max_delay:g} ms)")


def population_arguments(label: str, additional_parameters, kwargs) -> dict:
    """sPyNNaker's extra Population arguments (``additional_parameters`` and keyword
    arguments): those with no effect are logged once, the unsupported ones raise, unknown
    ones raise. Returns those neurochip uses: ``seed``, ``neurons_per_core`` and the
    ring-buffer statistics ``RING_STATS``."""
    extra = {**(additional_parameters or {}), **kwargs}
    used = {}
    for key, value in extra.items():
        if key in POPULATION_UNSUPPORTED:
            raise NeurochipError(f"Population {label!r}: {key}={value!r} is not supported: "
                                 f"{POPULATION_UNSUPPORTED[key]}")
        if key not in POPULATION_NO_EFFECT:
            raise NeurochipError(
                f"Population {label!r}: unknown argument {key!r}; neurochip accepts PyNN's "
                f"and sPyNNaker's {sorted([*POPULATION_NO_EFFECT, *POPULATION_UNSUPPORTED])}")
        if POPULATION_NO_EFFECT[key] is None:
            used[key] = value
        else:
            log_once(("population", key), f"Population argument {key} (first on {label!r}): "
                     f"no effect on neurochip: it {POPULATION_NO_EFFECT[key]}")
    if "seed" in used:
        seed = used["seed"]
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, (int, np.integer))
                                 or seed < 0):
            raise NeurochipError(f"Population {label!r}: seed={seed!r}; use a whole number >= 0 "
                                 f"(or None: from setup(seed=...))")
    for key in ("spikes_per_second", "ring_buffer_sigma"):
        value = used.get(key)
        if value is not None and (np.ndim(value) != 0 or not float(value) > 0):
            raise NeurochipError(f"Population {label!r}: {key}={value!r}; use a number > 0 "
                                 f"(or leave it out: the worst-case weight shift)")
    mesw = used.get("max_expected_summed_weight")
    if mesw is not None and (np.any(~np.isfinite(np.asarray(mesw, float)))
                             or np.any(np.asarray(mesw, float) <= 0)):
        raise NeurochipError(f"Population {label!r}: max_expected_summed_weight={mesw!r}; give "
                             f"one number > 0 per receptor type (nA or uS)")
    npc = used.get("neurons_per_core")
    if npc is not None and (np.ndim(npc) != 0 or int(npc) < 1):
        raise NeurochipError(f"Population {label!r}: neurons_per_core={npc!r}; use a whole "
                             f"number >= 1")
    return used


def population_size(size, label: str):
    """A size given as a float within 0.001 of a whole number (``n / 4``) is that number,
    as sPyNNaker rounds it (logged once); anything else goes to PyNN as given."""
    if isinstance(size, (float, np.floating)) and np.isfinite(size):
        whole = int(round(size))
        if abs(whole - size) < 0.001:
            log_once(("population_size", label), f"Population {label!r}: size {size!r} rounded to "
                     f"{whole}, as sPyNNaker does; give a whole number")
            return whole
    return size


def log_setup_arguments(extra_params: dict) -> None:
    """Name once each of sPyNNaker's ``setup()`` arguments that change nothing here."""
    for key in sorted(set(extra_params) & set(SETUP_NO_EFFECT)):
        log_once(("setup", key), f"setup({key}={extra_params[key]!r}): no effect on neurochip: "
                 f"it {SETUP_NO_EFFECT[key]}")
