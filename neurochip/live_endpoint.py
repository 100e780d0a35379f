"""The UDP end of one live connection, in whatever process made it (the simulation's or
another): a socket bound on localhost, a listener thread that answers the simulation's
notifications (:mod:`neurochip.live_wire`), and a thread that runs the receive callbacks
in simulated-time order.

A connection that has heard from a simulation over UDP sends its spikes and rates there;
one that has not (the simulation runs in its own process) uses the in-process queue of
:mod:`neurochip.live`, as before.
"""

from __future__ import annotations

import logging
import queue
import socket
import threading
import time

from . import live_wire as wire
from .errors import NeurochipError

__all__ = ["Endpoint", "START_WAIT"]

logger = logging.getLogger(__name__)

START_WAIT = 1.0  # s: how long the answer to a start notification waits for the callbacks
_RECEIVE_BUFFER = 1 << 22  # bytes asked of the kernel (Linux caps it at rmem_max)


class Endpoint:
    """The socket of ``conn`` on ``port`` (None or 0: a port the OS chooses)."""

    def __init__(self, conn, port, host=None):
        self.conn = conn
        self.host = "127.0.0.1" if host in (None, "localhost", "") else host
        self.sim = None  # the address of the simulation that notified us
        self.sizes = {}  # label -> n_neurons, from its database notification
        self.running = False
        self.malformed = 0
        self.lost = 0
        self._last_seq = 0
        self._said = set()
        self._closed = False
        self.sock = self._bind(port)
        self.port = self.sock.getsockname()[1]
        self._inbox = queue.SimpleQueue()
        for target, name in ((self._listen, "listener"), (self._dispatch, "receive callbacks")):
            threading.Thread(target=target, daemon=True,
                             name=f"live connection {self.port} {name}").start()

    def _bind(self, port):
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, _RECEIVE_BUFFER)
        except OSError:
            pass
        try:
            sock.bind((self.host, int(port or 0)))
        except OSError as e:
            if not port:
                sock.close()
                raise NeurochipError(f"{type(self.conn).__name__}: no UDP port on "
                                     f"{self.host}: {e}") from None
            sock.bind((self.host, 0))
            logger.warning("%s(local_port=%d): the port is in use (%s); listening on %d "
                           "instead (local_port=None chooses a free port; give the "
                           "simulation connection.local_port)", type(self.conn).__name__,
                           port, e.strerror, sock.getsockname()[1])
        sock.settimeout(0.25)  # the listener looks at _closed this often
        return sock

    def close(self):
        self._closed = True
        self.sock.close()
        self._inbox.put(None)

    # --- the simulation's side of the conversation --------------------------
    def _reply(self, kind, body, addr):
        try:
            self.sock.sendto(wire.encode(kind, body), addr)
        except OSError:  # the simulation has gone: nothing to answer
            pass

    def _listen(self):
        while not self._closed:
            try:
                data, addr = self.sock.recvfrom(wire.MAX_DATAGRAM + 8)
            except TimeoutError:
                continue
            except OSError:
                if self._closed:
                    return
                continue  # e.g. an ICMP error after an answer to a simulation that has gone
            message = wire.decode(data)
            try:
                if message is None or not self._handle(*message, addr):
                    self.malformed += 1
            except (KeyError, TypeError, ValueError, AttributeError):
                self.malformed += 1

    def _handle(self, kind, body, addr) -> bool:
        if kind == "D":
            sizes = {str(k): int(v) for k, v in body["labels"].items()}
            run_time, dt = float(body["run_time_ms"]), float(body["dt"])
            self.sim, self.sizes, self._last_seq = addr, sizes, 0
            for label, callback in self.conn.callbacks("init"):
                n = sizes.get(self.conn.target_label(label))
                if n is not None:
                    self._call(callback, label, n, run_time, dt)
            self._reply("d", {"receive": list(self.conn.receive_labels),
                              "send": [self.conn.target_label(x) for x in self.conn.send_labels]},
                        addr)
        elif kind == "S" and addr == self.sim:
            k = int(body["k"])
            self.running = True
            threads = [threading.Thread(target=self._call, args=(cb, label, self.conn),
                                        daemon=True, name=f"start callback for {label}")
                       for label, cb in self.conn.callbacks("start_resume")]
            for t in threads:
                t.start()
            deadline = time.monotonic() + START_WAIT
            for t in threads:
                t.join(max(0.0, deadline - time.monotonic()))
            self._reply("s", {"k": k}, addr)
        elif kind == "O" and addr == self.sim:
            seq, records = int(body["q"]), body["s"]
            checked = [(str(label), int(t), [int(i) for i in ids]) for label, t, ids in records]
            self._reply("o", {"q": seq}, addr)
            if seq <= self._last_seq:
                return True  # seen already
            if seq > self._last_seq + 1:
                self.lost += seq - self._last_seq - 1
                self._say("lost", f"live connection {self.port}: {self.lost} datagram(s) of "
                          f"live output lost")
            self._last_seq = seq
            self._inbox.put(("O", checked))
        elif kind == "P" and addr == self.sim:
            self.running = False
            self._inbox.put(("P", None))
        else:
            return False
        return True

    def _dispatch(self):
        while True:
            item = self._inbox.get()
            if item is None:
                return
            kind, records = item
            if kind == "O":
                for label, t, ids in records:
                    self._call(self.conn.deliver, label, t, ids)
            else:
                for label, callback in self.conn.callbacks("pause_stop"):
                    threading.Thread(target=self._call, args=(callback, label, self.conn),
                                     daemon=True, name=f"stop callback for {label}").start()

    @staticmethod
    def _call(fn, *args):
        try:
            fn(*args)
        except Exception:  # a host program's callback: say it, keep listening
            logger.exception("live connection callback %s failed", getattr(fn, "__name__", fn))

    def _say(self, key, message):
        if key not in self._said:
            self._said.add(key)
            logger.warning(message)

    # --- what the host program sends ----------------------------------------
    def send(self, kind, label, body, n_ids) -> None:
        """Send spikes (``X``) or rates (``R``) of ``label`` to the simulation."""
        size = self.sizes.get(label)
        if size is None:
            raise NeurochipError(f"{type(self.conn).__name__}: the simulation has no live "
                                 f"population {label!r} ({sorted(self.sizes)})")
        if n_ids and (min(n_ids) < 0 or max(n_ids) >= size):
            raise NeurochipError(f"{type(self.conn).__name__}: {label!r} neuron id "
                                 f"{max(n_ids) if max(n_ids) >= size else min(n_ids)} is not "
                                 f"in 0..{size - 1}")
        if kind == "X" and not self.running:
            self._say(("dropped", label), f"spikes sent to {label!r} while the machine is not "
                      f"running are lost, as on the board")
            return
        try:
            self.sock.sendto(wire.encode(kind, body), self.sim)
        except OSError as e:
            self._say(("gone", label), f"live connection {self.port}: the simulation at "
                      f"{self.sim} cannot be reached ({e}); what is sent is lost")
