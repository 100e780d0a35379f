"""The simulation's side of live connections in other processes: the notify addresses
(``database_notify_port_num=``, ``add_database_socket_address``), their notifications,
the spikes and rates they send, and the live output sent to them
(:mod:`neurochip.live` says when; :mod:`neurochip.live_wire` what the datagrams hold).

An address that a connection of the simulation's own process listens on is not notified
over UDP: that connection takes the in-process path.
"""

from __future__ import annotations

import logging
import select
import socket
import time

import numpy as np

from . import live_wire as wire
from .errors import NeurochipError

__all__ = ["ADDRESSES", "register", "Bridge", "ANSWER_TIMEOUT", "WINDOW"]

logger = logging.getLogger(__name__)

ADDRESSES = {}  # (host, port) -> what registered it; until end()
ANSWER_TIMEOUT = 10.0  # s: how long the simulation waits for a connection's answer
WINDOW = 8  # datagrams of live output a connection may have unanswered


def register(host, port, what) -> None:
    """Notify ``host:port`` of each run (``what`` registered it, for the messages)."""
    if port is None:
        return
    if isinstance(port, bool) or not isinstance(port, (int, np.integer)) or not 0 < port < 65536:
        raise NeurochipError(f"{what}: database_notify_port_num={port!r} is not a UDP port "
                             f"(1..65535); give the connection's local_port")
    host = "127.0.0.1" if host in (None, "localhost", "") else str(host)
    ADDRESSES.setdefault((host, int(port)), what)


class _Remote:
    """One notified address: a connected socket (so that an address nobody listens on is
    refused at once) and what its connection said."""

    def __init__(self, address, what):
        self.address, self.what = address, what
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1" if address[0] == "127.0.0.1" else "", 0))
        self.sock.connect(address)
        self.sock.setblocking(False)
        self.mapping = None  # the mapping its database notification described
        self.receive, self.send = (), ()
        self.answered = None  # the kind of answer awaited has come
        self.seq = self.acked = 0
        self.gone = None  # why it is no longer spoken to

    def name(self):
        return f"the live connection at {self.address[0]}:{self.address[1]} ({self.what})"

    def post(self, kind, body) -> bool:
        try:
            self.sock.send(wire.encode(kind, body))
            return True
        except OSError as e:
            self.gone = e
            return False


class Bridge:
    """The remote connections of one simulation process, kept from run to run."""

    def __init__(self):
        self.remotes = {}
        self.run_no = 0
        self.malformed = 0
        self._said = set()

    def close(self):
        for r in self.remotes.values():
            r.sock.close()
        self.remotes.clear()

    def active(self, local_ports):
        """The remotes to speak to in this run (none at a port of this process's own
        connections)."""
        for address, what in ADDRESSES.items():
            if address not in self.remotes and address[1] not in local_ports:
                self.remotes[address] = _Remote(address, what)
        return [r for r in self.remotes.values() if r.address[1] not in local_ports
                and r.gone is None]

    # --- waiting and receiving ------------------------------------------------
    def pump(self, session, remotes, done=lambda: True, timeout=0.0):
        """Take in what the remotes sent until ``done()`` or ``timeout`` s; spikes and rates
        go to the in-process queue (:mod:`neurochip.live`)."""
        deadline = time.monotonic() + timeout
        while True:
            socks = [r.sock for r in remotes if r.gone is None]
            wait = max(0.0, deadline - time.monotonic())
            ready = select.select(socks, [], [], min(wait, 0.05))[0] if socks else []
            for r in remotes:
                if r.sock in ready:
                    self._read(session, r)
            if done() or (time.monotonic() >= deadline and not ready):
                return done()

    def _read(self, session, r):
        from . import live
        while True:
            try:
                data = r.sock.recv(wire.MAX_DATAGRAM + 8)
            except BlockingIOError:
                return
            except OSError as e:  # ECONNREFUSED: nothing listens there (any more)
                r.gone = e
                return
            message = wire.decode(data)
            try:
                ok = message is not None and self._take(session, r, *message, live)
            except (KeyError, TypeError, ValueError, AttributeError):
                ok = False
            if not ok:
                self.malformed += 1
                self._say("malformed", f"live I/O: a datagram from {r.name()} is not one of "
                          f"neurochip's (neurochip.live_wire); ignored")

    def _take(self, session, r, kind, body, live) -> bool:
        if kind == "d":
            r.receive = [str(x) for x in body["receive"]]
            r.send = [str(x) for x in body["send"]]
            r.answered = "d"
        elif kind == "s":
            if int(body["k"]) == self.run_no:
                r.answered = "s"
        elif kind == "o":
            r.acked = max(r.acked, int(body["q"]))
        elif kind in "XR":
            label = str(body["l"])
            pop = (session.injectors if kind == "X" else session.rated).get(label)
            if pop is None or label not in r.send:
                return False
            if kind == "X":
                ids = [int(i) for i in body["n"]]
                if any(not 0 <= i < pop.size for i in ids):
                    return False
                live.queue_spikes(label, ids)
            else:
                pairs = [(int(i), float(x)) for i, x in body["r"]]
                if any(not 0 <= i < pop.size or not (x >= 0 and np.isfinite(x))
                       for i, x in pairs):
                    return False
                live.queue_rates(label, pairs)
        else:
            return False
        return True

    def _say(self, key, message):
        if key not in self._said:
            self._said.add(key)
            logger.warning(message)

    def _drop(self, r, when):
        self._say(("gone", r.address), f"live I/O: {r.name()} {when} "
                  f"({r.gone or f'no answer in {ANSWER_TIMEOUT:g} s'}); it is not spoken to "
                  f"any more (has its process ended?)")
        if r.gone is None:
            r.gone = "no answer"

    # --- the steps of a run ------------------------------------------------------
    def database(self, session, remotes, sizes, run_time_ms, dt):
        """Tell each remote that has not heard of this mapping what the live populations
        are and wait for its answer; check its labels. Where nothing listens, say so and go
        on (an external visualiser that is not running, as synfire_if_curr_exp_live.py's);
        a listener that does not answer is a NeurochipError. Returns the remotes of the run."""
        todo = [r for r in remotes if r.mapping is not session.state.mapping]
        body = {"labels": sizes, "run_time_ms": run_time_ms, "dt": dt}
        for r in todo:
            r.answered = None
            r.seq = r.acked = 0
            r.post("D", body)
        self.pump(session, todo, lambda: all(r.answered == "d" or r.gone for r in todo),
                  ANSWER_TIMEOUT)
        for r in todo:
            if r.answered != "d" and r.gone is not None:
                self._say(("nobody", r.address), f"live I/O: nothing listens at "
                          f"{r.address[0]}:{r.address[1]} ({r.what}): not notified; a live "
                          f"connection (in any process) must listen there before run()")
                r.sock.close()
                del self.remotes[r.address]  # tried again at the next run
                continue
            if r.answered != "d":
                raise NeurochipError(
                    f"live I/O: {r.name()} did not answer the database notification: no "
                    f"answer in {ANSWER_TIMEOUT:g} s. Make the SpynnakerLiveSpikesConnection "
                    f"(in any process) before run() and give its local_port, or leave "
                    f"database_notify_port_num out (sPyNNaker's external visualisers speak "
                    f"EIEIO, which neurochip does not)")
            r.mapping = session.state.mapping
            for label in r.receive:
                if label not in session.outputs:
                    raise NeurochipError(
                        f"{r.name()}: receive label {label!r} is not a population with live "
                        f"output ({sorted(session.outputs) or 'none'}); call "
                        f"sim.external_devices.activate_live_output_for(population) first")
            for label in r.send:
                if label not in session.injectors and label not in session.rated:
                    raise NeurochipError(
                        f"{r.name()}: send label {label!r} is not a SpikeInjector population "
                        f"nor a Poisson source with live rate control")
        return [r for r in remotes if r.address in self.remotes]

    def start(self, session, remotes):
        """Start/resume: each remote runs its start callbacks; what they send before it
        answers goes out in the run's first timestep."""
        self.run_no += 1
        for r in remotes:
            r.answered = None
            r.post("S", {"k": self.run_no})
        self.pump(session, remotes, lambda: all(r.answered == "s" or r.gone for r in remotes),
                  ANSWER_TIMEOUT)
        for r in remotes:
            if r.answered != "s":
                self._drop(r, "did not answer the start notification")

    def output(self, session, remotes, result, offset):
        """The stretch's spikes of live-output populations to the remotes that receive
        them, in simulated-time order."""
        for r in remotes:
            if r.gone is not None:  # refused on the way (its socket closed)
                self._drop(r, "went away")
        takers = [r for r in remotes if r.gone is None and r.receive]
        if not takers or not len(result.spike_ticks):
            return
        labels = sorted({x for r in takers for x in r.receive})
        lo = {x: session.neurons(session.outputs[x], [0], "live output")[0] for x in labels}
        ticks, neurons = result.spike_ticks, result.spike_neurons
        for r in takers:
            records = []
            for tick in np.unique(ticks):
                at = neurons[ticks == tick]
                for label in r.receive:
                    ids = at[(at >= lo[label]) & (at < lo[label] + session.outputs[label].size)]
                    if len(ids):
                        records.append([label, int(tick) + offset, (ids - lo[label]).tolist()])
            for packet in wire.output_packets(records):
                if not self.pump(session, [r], lambda r=r: r.seq - r.acked < WINDOW or r.gone,
                                 ANSWER_TIMEOUT) or r.gone:
                    self._drop(r, "stopped taking live output")
                    break
                r.seq += 1
                if not r.post("O", {"q": r.seq, "s": packet}):
                    self._drop(r, "stopped taking live output")
                    break

    def stop(self, session, remotes):
        self.pump(session, remotes)
        for r in remotes:
            if r.gone is not None:
                self._drop(r, "went away")
            if r.gone is None:
                r.post("P", {"k": self.run_no})
