"""setup/run/reset/end and friends for neurochip."""

from __future__ import annotations

import os
import warnings

from pyNN import common
from pyNN.common.control import DEFAULT_MIN_DELAY, DEFAULT_TIMESTEP
from pyNN.recording import get_io

from neurochip.emulator import EmulatorError, check_threads
from neurochip.emulator.ranks import world
from neurochip.mapping.machine import DTCM_BYTES
from neurochip.mapping.partition import max_delay_ticks

from . import scratch, simulator
from .errors import NeurochipError
from .machine_report import default_time_scale_factor
from .spinnaker_compat import SETUP_NO_EFFECT, forget_logged, log_once, log_setup_arguments

__all__ = ["setup", "end", "run", "run_until", "run_for", "reset", "initialize",
           "get_current_time", "get_time_step", "get_min_delay", "get_max_delay",
           "num_processes", "rank", "set_number_of_neurons_per_core"]

# setup() arguments the command line (`neurochip run`) imposes on the script it runs
OVERRIDES = {}

_OWN = ("arithmetic", "machine", "placer", "seed", "rng_seed", "max_delay", "threads", "strict",
        "time_scale_factor", "progress", "spike_time_convention")
# setup(spike_time_convention=...) -> the mapping's NetworkGraph.spike_stamp
SPIKE_TIME_CONVENTIONS = {"nest": "end", "spinnaker": "start"}
# the environment's choice where the script's setup() makes none (explicit, logged)
CONVENTION_VARIABLE = "NEUROCHIP_SPIKE_TIME_CONVENTION"
# accepted for compatibility with other backends; they do not change the emulation
_IGNORED = ("t_flush", "spike_precision", "verbosity", "recording_precision",
            "rank", "num_processes", "model_binary_folder", "graph_label", "use_cvode",
            "rtol", "atol", "default_maxstep", "allow_offgrid_spikes", "recording_format",
            "split_synapse_types", "min_delay_auto")


def setup(timestep=DEFAULT_TIMESTEP, min_delay=DEFAULT_MIN_DELAY, **extra_params):
    """Start a new simulation.

    neurochip's own arguments: ``arithmetic`` ("fixed", the machine's arithmetic,
    or "float", the float64 reference through the same loop), ``machine``
    ("spinn3", "spinn5", "WxH" torus, a MachineSpec, or None: the smallest that
    fits), ``placer`` ("sequential" or "traffic"), ``seed`` (global seed of the on-core
    random generators), ``threads`` (threads the emulator shares the cores out
    among; default: one per core other processes leave free, chosen at each run; the
    results do not depend on it. The build and the mapping use up to two threads, one
    with ``threads=1``),
    ``time_scale_factor`` (as sPyNNaker's: the hardware's timestep is that many times
    longer than the model's; default ``max(1, ceil(1 ms / timestep))``; it sets the
    cycle budget the real-time check after each run uses, not the results) and
    ``strict`` (True: what the machine reports after a run, normally one
    ``MachineWarning``, is a ``MachineError``), and ``progress`` (None: a progress bar on
    runs longer than 2 s when on a terminal; True: always; False: no bar and no notice
    when the kernels compile), and ``spike_time_convention``: ``"nest"`` (the default,
    as NEST and pyNN.nest: a spike is stamped at the end of the step it happened in, and a
    SpikeSourceArray time t is sent in the step that ends at t, so nothing is sent at 0 ms)
    or ``"spinnaker"`` (as sPyNNaker: stamped at the start of its step, one timestep
    earlier, and a time t sent in the step that starts at t, so a spike at 0 ms is sent).
    The machine runs the same steps either way; what a source sends at t reaches its
    targets one step later in "spinnaker", so their spikes keep the same times. Without
    the argument, the environment variable ``NEUROCHIP_SPIKE_TIME_CONVENTION`` (or
    ``neurochip run --spike-time-convention``) chooses; scripts written for sPyNNaker are
    not told apart (they differ only in their import line) and get the default.
    """
    extra_params = {**extra_params, **OVERRIDES}
    unknown = set(extra_params) - set(_OWN) - set(_IGNORED) - set(SETUP_NO_EFFECT)
    if unknown:
        raise NeurochipError(f"setup(): unknown argument(s) {sorted(unknown)}; neurochip accepts "
                             f"{sorted(_OWN)} besides PyNN's own (and sPyNNaker's "
                             f"{sorted(SETUP_NO_EFFECT)}, which change nothing here)")
    forget_logged()
    log_setup_arguments(extra_params)
    common.setup(timestep, min_delay, **extra_params)
    if extra_params.get("spike_precision", "on_grid") != "on_grid":
        warnings.warn(f"setup(spike_precision={extra_params['spike_precision']!r}): the machine "
                      f"runs on the time grid; spikes are sent and reported at whole timesteps",
                      stacklevel=2)
    st = simulator.state
    arithmetic = extra_params.get("arithmetic", "fixed")
    if arithmetic not in ("fixed", "float"):
        raise NeurochipError(f"setup(arithmetic={arithmetic!r}): use 'fixed' (the machine) or "
                             f"'float' (the float64 reference)")
    if timestep <= 0:
        raise NeurochipError(f"setup(timestep={timestep}): the timestep must be positive")
    st.dt = float(timestep)
    st.min_delay = st.dt if min_delay == "auto" else float(min_delay)
    st.min_delay_auto = min_delay == "auto"
    max_delay = extra_params.get("max_delay", "auto")
    # the hardware limit: a one-neuron core's ring buffer (shorter is cheaper)
    st.max_delay = max_delay_ticks(DTCM_BYTES) * st.dt if max_delay == "auto" else float(max_delay)
    st.arithmetic = arithmetic
    st.machine = extra_params.get("machine")
    st.placer = extra_params.get("placer", "sequential")
    st.seed = int(extra_params.get("seed", extra_params.get("rng_seed", 0)))
    try:
        st.threads = check_threads(extra_params.get("threads"))
    except EmulatorError as e:
        raise NeurochipError(f"setup(): {e}") from None
    tsf = extra_params.get("time_scale_factor")
    if tsf is not None and (isinstance(tsf, bool) or not isinstance(tsf, (int, float)) or tsf < 1):
        raise NeurochipError(f"setup(time_scale_factor={tsf!r}): use a number >= 1 (how many "
                             f"times slower than real time the hardware runs), or None")
    st.time_scale_factor = default_time_scale_factor(st.dt) if tsf is None else tsf
    st.strict = bool(extra_params.get("strict", False))
    st.progress = extra_params.get("progress")
    if st.progress not in (None, True, False):
        raise NeurochipError(f"setup(progress={st.progress!r}): use True, False or None (a bar "
                             f"on a terminal)")
    st.spike_stamp = _spike_stamp(extra_params)
    st.neurons_per_core = {}
    try:  # under mpirun: the machine's cores are shared out among the processes
        st.comm = world()
    except EmulatorError as e:
        raise NeurochipError(f"setup(): {e}") from None
    st.mpi_rank = st.comm.Get_rank() if st.comm is not None else 0
    st.num_processes = st.comm.Get_size() if st.comm is not None else 1
    st.clear()
    st.machine_spec()  # validate the machine argument now
    return rank()


def _spike_stamp(extra_params) -> str:
    convention = extra_params.get("spike_time_convention")
    where = "setup(spike_time_convention=...)"
    if convention is None and os.environ.get(CONVENTION_VARIABLE):
        convention = os.environ[CONVENTION_VARIABLE]
        where = f"the environment variable {CONVENTION_VARIABLE}"
        log_once(("convention", convention), f"{CONVENTION_VARIABLE}={convention!r}: spikes "
                 f"are stamped with that simulator's convention (setup(spike_time_convention"
                 f"=...) chooses in the script)")
    convention = "nest" if convention is None else convention
    if convention not in SPIKE_TIME_CONVENTIONS:
        raise NeurochipError(f"{where}: {convention!r} is not a spike time convention; use "
                             f"'nest' (a spike stamped at the end of its step, the default) or "
                             f"'spinnaker' (at its start, as sPyNNaker)")
    return SPIKE_TIME_CONVENTIONS[convention]


def end(compatible_output=True):
    """Write any data requested with ``write_on_end`` and release the machine."""
    st = simulator.state
    for population, variables, filename in st.write_on_end:
        io = get_io(filename)
        population.write_data(io, variables)
    st.write_on_end = []
    for prj in st.projections:  # learned weights stay readable, as recorded data do
        prj._keep_learned_weights()
    st.emulation = None
    scratch.release()
    from . import live
    live.forget()  # the live connections close


def set_number_of_neurons_per_core(celltype, n):
    """At most ``n`` neurons of ``celltype`` on one core (as in sPyNNaker)."""
    name = celltype if isinstance(celltype, str) else celltype.__name__
    if int(n) < 1:
        raise NeurochipError(f"set_number_of_neurons_per_core({name}, {n}): n must be >= 1")
    simulator.state.neurons_per_core[name] = int(n)
    if name == "Izhikevich":  # sPyNNaker's Izhikevich is the cell Izhikevich_curr_exp here
        simulator.state.neurons_per_core["Izhikevich_curr_exp"] = int(n)
    simulator.state.mark_dirty()


run, run_until = common.build_run(simulator)
run_for = run
reset = common.build_reset(simulator)
initialize = common.initialize
get_current_time, get_time_step, _get_min_delay, get_max_delay, num_processes, rank = \
    common.build_state_queries(simulator)


def get_min_delay():
    """The minimum synaptic delay (ms); with ``min_delay='auto'`` the shortest delay of any
    projection (the timestep while there is none)."""
    st = simulator.state
    if not st.min_delay_auto:
        return st.min_delay
    delays = [prj._values("delay").min() for prj in st.projections if len(prj)]
    return float(min(delays)) if delays else st.dt
