"""Live spike I/O between the stretches of a run (``sim.external_devices``' machinery).

On the board a run goes in real time: the live packet gatherer sends the spikes of
populations with live output to host programs as they happen, host programs send spikes
to injector cores and rates to Poisson sources whenever they like, and their callbacks
run in threads of their own. Here the run goes in stretches (:func:`run`):

- after each stretch, the spikes of the live-output populations go to the receive
  callbacks, tick by tick in simulated-time order, in this thread (``time``: the spike's
  timestep, its recorded time over dt);
- what host programs sent meanwhile (from a callback or from a thread of their own) is
  applied before the next stretch: the spikes go out of the injector's core in the next
  timestep, through the routing tables; a new rate holds from the next timestep;
- with live input in the network, the stretches are one timestep long and the run is
  paced to the wall clock (``dt * time_scale_factor`` ms of wall time per timestep, as
  the board's timer), because a script that sends from its own thread with
  ``time.sleep`` counts on real time; a machine slower than that is said once.

So an echo (a receive callback that answers each spike with an injected one) is
deterministic: the answer to a spike of timestep k goes out in timestep k + 1, whatever
the wall clock does. Start/resume callbacks run in threads at the start of each run,
pause/stop callbacks at its end, init callbacks once per mapping of the network, as on
the board.

Connections in other processes (a GUI in a multiprocessing child, another script) are
reached over UDP on localhost, in the steps of sPyNNaker's notification protocol
(SpiNNFrontEndCommon's ``NotificationProtocol``, SpiNNMan's ``DatabaseConnection`` and
``LiveEventConnection``):

1. every connection, in whatever process, listens on a UDP port (``local_port``); the
   simulation is given it by ``database_notify_port_num=`` (``SpikeInjector``,
   ``activate_live_output_for``, ``add_poisson_live_rate_control``) or
   ``add_database_socket_address``, as sPyNNaker's notify addresses;
2. once per mapping of the network the simulation says "database ready" to each address
   and waits for its answer (sPyNNaker's read confirmation): the connection runs its init
   callbacks and answers with its labels, which the simulation checks as it checks its own
   connections'. No answer in ``live_remote.ANSWER_TIMEOUT`` s (10) is a NeurochipError
   naming the address and what registered it; an address where nothing listens (a
   visualiser that is not running) is said once and tried again at the next run;
3. at each run's start, "start/resume": the connection runs its start callbacks in
   threads and answers once they have returned (at most ``live_endpoint.START_WAIT``,
   1 s, later); spikes and rates it sent before answering go out in the run's first
   timestep, later ones at the next stretch boundary after they arrive (the wall clock
   decides which), through the same queue as this process's own (:func:`queue_spikes`);
4. after each stretch the spikes of the populations it receives go to it, in simulated-time
   order; its receive callbacks run in a thread of its own process, one after the other;
5. at the run's end, "pause/stop": its pause/stop callbacks run after the receive
   callbacks of the run.

Simplified against the board: the datagrams are neurochip's own (:mod:`neurochip.live_wire`:
labels, timesteps and neuron ids in JSON, not EIEIO packets of keys), there is no
database file (the notification carries the live populations' sizes), no reverse IP tags
and no live packet gatherer; only addresses given explicitly are notified (sPyNNaker also
notifies its configured default port, 19999); a port this process's own connections
listen on is not notified over UDP (they take the in-process path above, unchanged). A
peer that stops answering during a run (its process ended) is said once and no longer
spoken to; the run goes on, as the board's would. Live output is sent with a window of
``live_remote.WINDOW`` unanswered datagrams, so a slow receiver slows the simulation
rather than losing spikes. Under MPI, live I/O remains an error.
"""

from __future__ import annotations

import logging
import os
import threading
import time

import numpy as np

from neurochip.emulator import live as machine_live
from neurochip.emulator.results import RunResult

from . import live_remote
from .errors import NeurochipError

__all__ = ["CONNECTIONS", "run", "queue_spikes", "queue_rates", "forget", "clear_pending"]

logger = logging.getLogger(__name__)

CONNECTIONS = []  # the live connections made since the last end()
_lock = threading.Lock()
_pending = {"spikes": [], "rates": []}  # what host programs sent, applied at the next boundary
_running = {"on": False, "dropped": 0}
_said = set()
_bridge = {"now": None}  # the live_remote.Bridge of this process, once a remote is notified


def forget() -> None:
    """Called by ``end()``: the connections are closed, nothing is pending."""
    for conn in list(CONNECTIONS):
        conn.close()
    CONNECTIONS.clear()
    live_remote.ADDRESSES.clear()
    if _bridge["now"] is not None:
        _bridge["now"].close()
        _bridge["now"] = None
    clear_pending()
    _said.clear()


def clear_pending() -> None:
    """Called by ``reset()`` too: what was sent for the old segment is not sent in the new."""
    with _lock:
        _pending["spikes"].clear()
        _pending["rates"].clear()


def _say_once(key, message):
    if key not in _said:
        _said.add(key)
        logger.warning(message)


def queue_spikes(label: str, neuron_ids) -> None:
    """A host program sends spikes from injector ``label`` (thread-safe)."""
    with _lock:
        if not _running["on"]:
            _running["dropped"] += len(neuron_ids)
            _say_once(("dropped", label), f"spikes sent to {label!r} while the machine is not "
                      f"running are lost, as on the board")
            return
        _pending["spikes"].append((label, list(neuron_ids)))


def queue_rates(label: str, neuron_id_rates) -> None:
    """A host program sets Poisson rates of ``label`` (thread-safe)."""
    with _lock:
        _pending["rates"].append((label, list(neuron_id_rates)))


class _Session:
    """The live parts of one run: populations by label, connections, pacing."""

    def __init__(self, state):
        self.state = state
        pops = state.populations
        self.outputs = {p.label: p for p in pops if getattr(p, "_live_output", False)}
        self.injectors = {p.label: p for p in pops if getattr(p.celltype, "live_injector", False)}
        self.rated = {p.label: p for p in pops if getattr(p, "_live_rate_control", False)}
        self.live_input = bool(self.injectors or self.rated)
        self.active = bool(self.outputs or self.live_input or CONNECTIONS
                           or live_remote.ADDRESSES)

    def check(self):
        known = {**self.outputs, **self.injectors, **self.rated}
        for conn in CONNECTIONS:
            for label in conn.receive_labels:
                if label not in self.outputs:
                    raise NeurochipError(
                        f"{type(conn).__name__}: receive label {label!r} is not a population "
                        f"with live output ({sorted(self.outputs) or 'none'}); call "
                        f"sim.external_devices.activate_live_output_for(population) first")
            for label in conn.send_labels:
                base = conn.target_label(label)
                if base not in self.injectors and base not in self.rated:
                    raise NeurochipError(
                        f"{type(conn).__name__}: send label {label!r} is not a SpikeInjector "
                        f"population nor a Poisson source with live rate control (live: "
                        f"{sorted(known) or 'none'})")
        if self.active and self.state.num_processes > 1:
            raise NeurochipError("live I/O (sim.external_devices) runs in one process: the host "
                                 "program's callbacks cannot be shared among MPI ranks; run "
                                 "this script without mpirun")

    def neurons(self, pop, ids, what):
        ids = np.asarray(ids, np.int64)
        if len(ids) and (ids.min() < 0 or ids.max() >= pop.size):
            raise NeurochipError(f"{what} {pop.label!r}: neuron id {int(ids.max())} is not in "
                                 f"0..{pop.size - 1}")
        index = next(i for i, p in enumerate(self.state.populations) if p is pop)
        return self.state.mapping.pop_neuron_lo[index] + ids


def _apply_pending(session, em):
    with _lock:
        spikes, rates = list(_pending["spikes"]), list(_pending["rates"])
        _pending["spikes"].clear()
        _pending["rates"].clear()
    dt = session.state.dt
    for label, pairs in rates:
        pop = session.rated.get(label)
        if pop is None:
            raise NeurochipError(f"set_rates({label!r}): not a Poisson source with live rate "
                                 f"control ({sorted(session.rated) or 'none'})")
        by_rate = {}
        for neuron_id, rate in pairs:
            if not (rate >= 0 and np.isfinite(rate)):
                raise NeurochipError(f"set_rate({label!r}, {neuron_id}, {rate!r}): a rate is "
                                     f"a number of Hz >= 0")
            by_rate.setdefault(float(rate), []).append(neuron_id)
        from neurochip.mapping.neurons import MAX_COUNT_RATE, count_table
        for rate, ids in by_rate.items():
            lam = rate * dt / 1000.0
            if lam > MAX_COUNT_RATE:
                raise NeurochipError(f"set_rate({label!r}, ..., {rate:g}): more than "
                                     f"{MAX_COUNT_RATE:g} events per timestep; at most "
                                     f"{MAX_COUNT_RATE * 1000.0 / dt:g} Hz")
            machine_live.set_rates(em, session.neurons(pop, ids, "set_rate"), count_table(lam))
    if spikes:
        neurons = []
        for label, ids in spikes:
            pop = session.injectors.get(label)
            if pop is None:
                raise NeurochipError(f"send_spikes({label!r}): not a SpikeInjector population "
                                     f"({sorted(session.injectors) or 'none'})")
            neurons.append(session.neurons(pop, ids, "send_spikes"))
        machine_live.inject(em, np.concatenate(neurons))


def _deliver(session, result, offset):
    """The stretch's spikes of the live-output populations to the receive callbacks."""
    if not session.outputs or not len(result.spike_ticks):
        return
    receivers = [(c, label) for c in CONNECTIONS for label in c.receive_labels]
    if not receivers:
        return
    ranges = {label: session.neurons(pop, [0], "live output")[0]
              for label, pop in session.outputs.items()}
    ticks, neurons = result.spike_ticks, result.spike_neurons
    for tick in np.unique(ticks):
        at = neurons[ticks == tick]
        for conn, label in receivers:
            lo, size = ranges[label], session.outputs[label].size
            ids = at[(at >= lo) & (at < lo + size)] - lo
            if len(ids):
                conn.deliver(label, int(tick) + offset, ids.tolist())


def _launch(kind):
    for conn in list(CONNECTIONS):
        for label, callback in conn.callbacks(kind):
            threading.Thread(target=callback, args=(label, conn), daemon=True,
                             name=f"{kind} callback for {label}").start()


def run(state, n_ticks, bar) -> RunResult | None:
    """Run ``n_ticks`` of ``state``'s emulation with its live I/O; None when the network
    has none (the caller runs it plainly)."""
    session = _Session(state)
    if not session.active:
        return None
    session.check()
    em = state.emulation
    sizes = {**{k: p.size for k, p in session.outputs.items()},
             **{k: p.size for k, p in session.injectors.items()},
             **{k: p.size for k, p in session.rated.items()}}
    if getattr(state, "_live_initialised", None) is not state.mapping:  # the board's database
        state._live_initialised = state.mapping
        for conn in list(CONNECTIONS):
            for label, callback in conn.callbacks("init"):
                callback(label, sizes[conn.target_label(label)], n_ticks * state.dt, state.dt)
    bridge, remotes = None, []
    if live_remote.ADDRESSES:  # connections in other processes, over UDP
        bridge = _bridge["now"] = _bridge["now"] or live_remote.Bridge()
        remotes = bridge.active({c.local_port for c in CONNECTIONS})
        remotes = bridge.database(session, remotes, sizes, n_ticks * state.dt, state.dt)
        bridge.pump(session, remotes)  # sent while the machine was not running: lost
    stretch = 1 if session.live_input else n_ticks
    wall_per_tick = state.dt * state.time_scale_factor / 1000.0  # s, as the board's timer
    offset = state.stamp_offset
    results = _Merged()
    with _lock:
        _running["on"] = True
    try:
        _launch("start_resume")
        if bridge:
            bridge.start(session, remotes)
        t_wall = time.monotonic()
        done = 0
        while done < n_ticks:
            if bridge:
                bridge.pump(session, remotes)
            _apply_pending(session, em)
            k = min(stretch, n_ticks - done)
            result = em.run(k, progress=bar.update, chunk_ticks=bar.chunk_ticks)
            results.add(result)
            done += k
            _deliver(session, result, offset)
            if bridge:
                bridge.output(session, remotes, result, offset)
            if session.live_input:
                lag = t_wall + done * wall_per_tick - time.monotonic()
                if lag > 0:
                    time.sleep(lag)
                elif lag < -1.0:
                    _say_once(("slow", os.getpid()), f"live run: the emulator runs slower than "
                              f"real time (dt x time_scale_factor = {wall_per_tick * 1e3:g} ms "
                              f"of wall time per timestep); host programs that count on the "
                              f"wall clock see the machine late")
    finally:
        with _lock:
            _running["on"] = False
        _launch("pause_stop")
        if bridge:
            bridge.stop(session, remotes)
    return results.result()


class _Merged:
    """Consecutive RunResults added one by one, given back as one (:meth:`result`)."""

    SUMS = ("link_packets", "router_packets", "default_routed", "dropped", "packets_sent")
    JOINS = ("spike_ticks", "spike_neurons", "state_samples", "source_samples")

    def __init__(self):
        self.first = self.last = None
        self.parts = {name: [] for name in self.JOINS}
        self.sums = {}

    def add(self, r: RunResult):
        from neurochip.emulator.cores import COUNTERS
        if self.first is None:
            self.first = r
            self.sums = {name: getattr(r, name).copy() for name in self.SUMS}
            self.counters = r.counters.copy()
        else:
            for name in self.SUMS:
                self.sums[name] += getattr(r, name)
            j = COUNTERS.index("max_cycles_per_tick")
            most = np.maximum(self.counters[:, j], r.counters[:, j])
            self.counters += r.counters
            self.counters[:, j] = most
        for name in self.JOINS:
            self.parts[name].append(getattr(r, name))
        self.last = r

    def result(self) -> RunResult:
        if self.first is self.last:
            return self.first
        return RunResult(t0=self.first.t0, t1=self.last.t1,
                         state_neuron=self.first.state_neuron,
                         state_column=self.first.state_column, counters=self.counters,
                         **{k: np.concatenate(v) for k, v in self.parts.items()}, **self.sums)
