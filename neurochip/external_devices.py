"""``sim.external_devices``: sPyNNaker's live spike I/O, as Python callbacks between the
stretches of a run (:mod:`neurochip.live` says how a run goes with them).

- ``SpikeInjector()`` populations: spikes a host program sends
  (``SpynnakerLiveSpikesConnection.send_spike(s)``) leave the injector's core in the next
  timestep as packets through the routing tables, as on the board;
- ``activate_live_output_for(population)``: its spikes go to the receive callbacks of the
  connections that name it (``add_receive_callback(label, fn(label, time, neuron_ids))``,
  ``time`` the spikes' timestep: their recorded time over dt);
- ``add_poisson_live_rate_control(population)`` and ``SpynnakerPoissonControlConnection``'s
  ``set_rate(s)``: a Poisson source's rates change from the next timestep;
- init, start/resume and pause/stop callbacks as sPyNNaker calls them.

A connection is known from when it is made until ``end()``. A connection made in the
simulation's process is tied to populations by its labels; one made in another process
(a GUI in a multiprocessing child, another script) listens on a UDP port of localhost
(``local_port``), which the simulation is given as sPyNNaker's is:
``database_notify_port_num=`` of ``SpikeInjector``, ``activate_live_output_for`` or
``add_poisson_live_rate_control``, or ``add_database_socket_address``. The other
Ethernet arguments (tags, keys, prefixes, hosts of a board) change nothing here. The
physical devices (robots, retinas, motors, SpiNNaker-link and SPIF devices) need a board:
each is a class whose use raises a :class:`NeurochipError`.
"""

from __future__ import annotations

from . import live, live_remote, simulator
from .errors import NeurochipError
from .extra_models import _missing
from .live_endpoint import Endpoint
from .spinnaker_compat import log_once
from .standardmodels import SpikeSourceArray

__all__ = ["SpikeInjector", "SpynnakerLiveSpikesConnection", "SpynnakerPoissonControlConnection",
           "activate_live_output_for", "add_poisson_live_rate_control",
           "add_database_socket_address", "register_database_notification_request"]

NOTIFY_PORT = 19999  # sPyNNaker's default database notification port
_NOTIFY = ("database_notify_host", "database_notify_port_num", "database_ack_port_num")
_NO_EFFECT = _NOTIFY + (
              "notify", "port", "host", "tag", "board_address", "use_prefix", "key_prefix",
              "prefix_type", "message_type", "right_shift", "payload_as_time_stamps",
              "use_payload_prefix", "payload_prefix", "payload_right_shift",
              "number_of_packets_sent_per_time_step", "partition_ids", "strip_sdp",
              "reserve_reverse_ip_tag", "receive_port", "receive_sdp_port", "receive_tag",
              "virtual_key", "prefix", "check_keys", "label", "translate_keys",
              "max_rate", "splitter")


def _accept(what, kwargs):
    unknown = set(kwargs) - set(_NO_EFFECT)
    if unknown:
        raise NeurochipError(f"{what}: unknown argument(s) {sorted(unknown)}; neurochip accepts "
                             f"sPyNNaker's {sorted(_NO_EFFECT)} (the database notification "
                             f"address; the others address the board's Ethernet and change "
                             f"nothing here)")
    port = kwargs.get("database_notify_port_num")
    live_remote.register(kwargs.get("database_notify_host"), port,
                         f"{what}(database_notify_port_num={port!r})")
    quiet = set(kwargs) - set(_NOTIFY)
    if quiet:
        log_once(("live_args", what), f"{what}({', '.join(sorted(quiet))}): no effect on "
                 f"neurochip (they address a board over Ethernet; labels tie live connections "
                 f"to populations here)")


class SpikeInjector(SpikeSourceArray):
    """sPyNNaker's SpikeInjector: a population whose spikes a host program sends while the
    machine runs (``SpynnakerLiveSpikesConnection(send_labels=[label]).send_spike(label,
    neuron_id)``); they leave its core in the next timestep. Its sPyNNaker arguments
    (``virtual_key`` and the other Ethernet ones) change nothing here but
    ``database_notify_port_num``: the port of a live connection in another process."""

    live_injector = True
    graph_model = "SpikeSourceArray"  # a spike-array core whose events the host adds

    def __init__(self, **kwargs):
        _accept("external_devices.SpikeInjector", kwargs)
        super().__init__(spike_times=[])


def activate_live_output_for(population, **kwargs) -> None:
    """sPyNNaker: send ``population``'s spikes to host programs while the machine runs. The
    receive callbacks of the connections naming its label get them after each stretch of
    the run (see :mod:`neurochip.live`)."""
    _accept("external_devices.activate_live_output_for", kwargs)
    root = getattr(population, "grandparent", None) or population
    root._live_output = True
    simulator.state.mark_dirty()


def add_poisson_live_rate_control(poisson_population, **kwargs) -> None:
    """sPyNNaker: let a host program set the rates of a Poisson source while it runs
    (``SpynnakerPoissonControlConnection.set_rate(s)``). The source keeps cores of its own."""
    _accept("external_devices.add_poisson_live_rate_control", kwargs)
    name = type(poisson_population.celltype).__name__
    if name != "SpikeSourcePoisson":
        raise NeurochipError(f"add_poisson_live_rate_control({poisson_population.label!r}): a "
                             f"{name} has no live rate; use a SpikeSourcePoisson")
    poisson_population._live_rate_control = True
    simulator.state.mark_dirty()


def add_database_socket_address(database_notify_host=None, database_notify_port_num=None,
                                database_ack_port_num=None) -> None:
    """sPyNNaker: where to notify a host program that the database is ready (and when each
    run starts and stops). The live connections of this process hear of each run anyway;
    one in another process listens at ``database_notify_port_num`` (its ``local_port``)."""
    live_remote.register(database_notify_host, database_notify_port_num,
                         f"add_database_socket_address({database_notify_port_num!r})")


register_database_notification_request = add_database_socket_address


class SpynnakerLiveSpikesConnection:
    """sPyNNaker's live spikes connection: receive the spikes of populations with live
    output (``receive_labels``) and send spikes from SpikeInjector populations
    (``send_labels``), with callbacks (see the module docstring)."""

    def __init__(self, receive_labels=None, local_port=NOTIFY_PORT, send_labels=None,
                 local_host=None, live_packet_gather_label=None):
        self.receive_labels = list(receive_labels or ())
        self.send_labels = list(send_labels or ())
        self.local_ip_address = local_host or "localhost"
        self._callbacks = {"receive": [], "init": [], "start_resume": [], "pause_stop": []}
        self._closed = False
        self._endpoint = Endpoint(self, local_port, local_host)
        live.CONNECTIONS.append(self)

    @property
    def local_port(self) -> int:
        """The UDP port (of localhost) this connection listens on: give it to the
        simulation (``database_notify_port_num=``) when the connection is in another
        process."""
        return self._endpoint.port

    def target_label(self, label: str) -> str:
        """The population a label names."""
        return label

    def callback_label(self, label: str) -> str:
        """The label callbacks are given."""
        return label

    def _check_label(self, label, receive=False):
        labels = self.receive_labels if receive else self.receive_labels + self.send_labels
        if label not in labels and self.target_label(label) not in [
                self.target_label(x) for x in labels]:
            raise NeurochipError(f"{type(self).__name__}: label {label!r} is not one of its "
                                 f"{'receive' if receive else 'receive or send'} labels "
                                 f"{labels}; give it when making the connection")

    def add_receive_label(self, label):
        self.receive_labels.append(label)

    def add_send_label(self, label):
        self.send_labels.append(label)

    def add_receive_callback(self, label, live_event_callback, translate_key=True):
        """``live_event_callback(label, time, neuron_ids)`` after each stretch with spikes
        of ``label`` (``time``: their timestep)."""
        self._check_label(label, receive=True)
        if not translate_key:
            raise NeurochipError(f"add_receive_callback({label!r}, translate_key=False): "
                                 f"neurochip gives neuron ids, not the board's keys")
        self._callbacks["receive"].append((label, live_event_callback))

    def add_init_callback(self, label, init_callback):
        """``init_callback(label, n_neurons, run_time_ms, timestep_ms)`` when the network
        is mapped (the board's database is written)."""
        self._check_label(label)
        self._callbacks["init"].append((self.callback_label(label), init_callback))

    def add_start_resume_callback(self, label, start_resume_callback):
        """``start_resume_callback(label, connection)`` in a thread of its own at the start
        of each run."""
        self._check_label(label)
        self._callbacks["start_resume"].append((self.callback_label(label), start_resume_callback))

    add_start_callback = add_start_resume_callback

    def add_pause_stop_callback(self, label, pause_stop_callback):
        """``pause_stop_callback(label, connection)`` in a thread of its own at the end of
        each run."""
        self._check_label(label)
        self._callbacks["pause_stop"].append((self.callback_label(label), pause_stop_callback))

    def callbacks(self, kind):
        return [] if self._closed else list(self._callbacks[kind])

    def deliver(self, label, time, neuron_ids):
        for name, callback in self.callbacks("receive"):
            if name == label:
                callback(label, time, neuron_ids)

    def send_spike(self, label, neuron_id, send_full_keys=False):
        """Send one spike from neuron ``neuron_id`` of SpikeInjector ``label``."""
        self.send_spikes(label, [neuron_id], send_full_keys)

    def send_spikes(self, label, neuron_ids, send_full_keys=False):
        """Send spikes from ``neuron_ids`` of SpikeInjector ``label`` (in the next
        timestep of the run; lost when the machine is not running, as on the board)."""
        if label not in self.send_labels:
            raise NeurochipError(f"send_spikes({label!r}): not one of the connection's send "
                                 f"labels {self.send_labels}")
        ids = [int(i) for i in neuron_ids]
        if self._endpoint.sim is None:  # the simulation runs in this process
            live.queue_spikes(label, ids)
            return
        for lo in range(0, max(len(ids), 1), 4096):  # a datagram holds some 7000 ids
            part = ids[lo:lo + 4096]
            self._endpoint.send("X", label, {"l": label, "n": part}, part)

    send_event, send_events = send_spike, send_spikes

    def close(self):
        self._closed = True
        self._endpoint.close()
        if self in live.CONNECTIONS:
            live.CONNECTIONS.remove(self)


class SpynnakerPoissonControlConnection(SpynnakerLiveSpikesConnection):
    """sPyNNaker's connection that sets the rates of Poisson sources with live rate control
    (``poisson_labels``) while the machine runs: ``set_rate(label, neuron_id, rate)``,
    ``set_rates(label, [(neuron_id, rate), ...])`` (Hz), from the next timestep. The
    labels may carry sPyNNaker's control extension (``label + "_control"``)."""

    def __init__(self, poisson_labels=None, local_port=NOTIFY_PORT, local_host=None,
                 control_label_extension="_control"):
        self._extension = control_label_extension or ""
        super().__init__(None, local_port, [self.callback_label(x) for x in poisson_labels or ()],
                         local_host)

    def target_label(self, label: str) -> str:
        if self._extension and label.endswith(self._extension):
            return label[:-len(self._extension)]
        return label

    def callback_label(self, label: str) -> str:
        """sPyNNaker's control label: ``label + control_label_extension``."""
        return self.target_label(label) + self._extension

    def add_receive_callback(self, label, live_event_callback, translate_key=True):
        raise NeurochipError("SpynnakerPoissonControlConnection can't receive data (as on "
                             "sPyNNaker): use a SpynnakerLiveSpikesConnection")

    def set_rate(self, label, neuron_id, rate):
        """Set the rate (Hz) of neuron ``neuron_id`` of Poisson source ``label``."""
        self.set_rates(label, [(neuron_id, rate)])

    def set_rates(self, label, neuron_id_rates):
        """Set the rates (Hz) of Poisson source ``label``: ``[(neuron_id, rate), ...]``."""
        target = self.target_label(label)
        if target not in [self.target_label(x) for x in self.send_labels]:
            raise NeurochipError(f"set_rates({label!r}): not one of the connection's Poisson "
                                 f"labels {self.send_labels}")
        pairs = [(int(i), float(r)) for i, r in neuron_id_rates]
        if self._endpoint.sim is None:  # the simulation runs in this process
            live.queue_rates(target, pairs)
            return
        for lo in range(0, max(len(pairs), 1), 2048):
            part = pairs[lo:lo + 2048]
            self._endpoint.send("R", target, {"l": target, "r": part}, [i for i, _ in part])


_DEVICES = "a physical device on a board (robot, retina, motor, SpiNNaker-link or SPIF device)"


_HOST = {  # sPyNNaker's host-side functions neurochip does not have
    "run_forever": "a run until request_stop() (use run(t) for a fixed time)",
    "request_stop": "the stop of run_forever() (use run(t) for a fixed time)",
    "activate_live_output_to": "live output into a device or population on the board",
    "SpynnakerExternalDevicePluginManager": "sPyNNaker's device plug-in manager",
    "EthernetControlConnection": "control of a device over the board's Ethernet",
    "EthernetCommandConnection": "commands to a device over the board's Ethernet",
    "SPIFLiveSpikesConnection": "live spikes through a SPIF board",
}


def __getattr__(name: str):
    if name.startswith("__"):
        raise AttributeError(name)
    if name in _HOST:
        return _missing(name, _HOST[name], "sim.external_devices.",
                        "sim.external_devices has SpikeInjector, activate_live_output_for, "
                        "add_poisson_live_rate_control, SpynnakerLiveSpikesConnection and "
                        "SpynnakerPoissonControlConnection")
    return _missing(name, _DEVICES, "sim.external_devices.",
                    "neurochip runs no board to attach devices to; sim.external_devices has "
                    "SpikeInjector, activate_live_output_for, add_poisson_live_rate_control, "
                    "SpynnakerLiveSpikesConnection and SpynnakerPoissonControlConnection")
