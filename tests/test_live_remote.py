"""Live connections in other processes (UDP on localhost: neurochip.live_remote on the
simulation's side, neurochip.live_endpoint on the connection's, neurochip.live_wire between):
a multiprocessing child sends spikes and receives the live output; malformed datagrams,
peers that never answer and peers that go away are survived or said clearly."""

import json
import logging
import multiprocessing
import socket
import subprocess
import sys
import textwrap
import threading

import numpy as np
import pyNN.neurochip as sim
import pytest

from neurochip import live_remote, live_wire
from neurochip.errors import NeurochipError

ed = sim.external_devices


@pytest.fixture(autouse=True)
def _end():
    yield
    sim.end()


def _trains(pop):
    return [np.asarray(t.magnitude) for t in pop.get_data("spikes").segments[-1].spiketrains]


def _host_program(port, ready, out, done):
    """Another process (spawned): a connection that sends spikes of neurons 0 and 2 in its
    start callback, answers the first live-output spike it hears with a spike of neuron 4,
    and hands what it heard back at each pause/stop."""
    heard, inits = [], []
    conn = ed.SpynnakerLiveSpikesConnection(receive_labels=["cells"], local_port=None,
                                            send_labels=["inj"])
    conn.add_init_callback("inj", lambda *args: inits.append(list(args)))
    conn.add_start_resume_callback("inj", lambda label, c: c.send_spikes("inj", [0, 2]))

    def receive(label, time, neuron_ids):
        heard.append((label, time, list(neuron_ids)))
        if len(heard) == 1:
            conn.send_spike("inj", 4)

    conn.add_receive_callback("cells", receive)
    conn.add_pause_stop_callback("inj", lambda label, c: out.put((inits, list(heard))))
    port.value = conn.local_port
    ready.set()
    done.wait(120)


def _network(injector):
    inj = sim.Population(5, injector, label="inj")
    cells = sim.Population(5, sim.IF_curr_exp(), label="cells")
    sim.Projection(inj, cells, sim.OneToOneConnector(), sim.StaticSynapse(weight=5.0, delay=1))
    inj.record("spikes")
    cells.record("spikes")
    return inj, cells


def test_a_child_process_sends_at_start_and_hears_the_live_output():
    ctx = multiprocessing.get_context("spawn")
    port, ready, out, done = ctx.Value("i", 0), ctx.Event(), ctx.Queue(), ctx.Event()
    child = ctx.Process(target=_host_program, args=(port, ready, out, done), daemon=True)
    child.start()
    try:
        assert ready.wait(120)
        sim.setup(timestep=1.0)
        inj, cells = _network(ed.SpikeInjector(database_notify_port_num=port.value))
        ed.activate_live_output_for(cells, database_notify_port_num=port.value)
        sim.run(1000.0)
        first = out.get(timeout=30)
        sim.run(100.0)
        inits, heard = out.get(timeout=30)
    finally:
        done.set()
        child.join(30)
    injected, fired = _trains(inj), _trains(cells)
    sim.end()
    # the start callback's spikes leave the injector in each run's first timestep
    assert [list(t) for t in injected[:4]] == [[1.0, 1001.0], [], [1.0, 1001.0], []]
    # the answer to the first spike heard goes out later (when: the wall clock decides)
    assert len(injected[4]) == 1 and fired[0][0] + 1.0 <= injected[4][0] <= 1000.0
    # the child heard exactly the recorded spikes, in time order, with the time of the board
    times = [t for _, t, _ in heard]
    assert times == sorted(times) and {label for label, _, _ in heard} == {"cells"}
    assert first[1] == [h for h in heard if h[1] <= 1000]
    assert sorted((t, i) for _, t, ids in heard for i in ids) == sorted(
        (int(round(s)), i) for i, train in enumerate(fired) for s in train)
    assert inits == [["inj", 5, 1000.0, 1.0]]  # once: the second run has the same database
    # the injected spikes act as a spike source's spikes at the same times
    sim.setup(timestep=1.0)
    ref_inj, ref_cells = _network(sim.SpikeSourceArray(spike_times=[list(t) for t in injected]))
    sim.run(1100.0)
    for a, b in zip((injected, fired), (_trains(ref_inj), _trains(ref_cells))):
        for x, y in zip(a, b):
            np.testing.assert_array_equal(x, y)
    assert sum(len(t) for t in fired) > 4


def _rate_program(port, ready, out, done):
    """Another process: a Poisson control connection whose start callback sets neurons
    0..9 of "noise" to 500 Hz."""
    inits = []
    control = ed.SpynnakerPoissonControlConnection(poisson_labels=["noise"], local_port=None)
    control.add_init_callback("noise", lambda *args: inits.append(list(args)))
    control.add_start_resume_callback(
        "noise", lambda label, c: c.set_rates("noise", [(i, 500.0) for i in range(10)]))
    control.add_pause_stop_callback("noise", lambda label, c: out.put(inits))
    port.value = control.local_port
    ready.set()
    done.wait(120)


def _noise(control_port=None):
    sim.setup(timestep=1.0, seed=5)
    noise = sim.Population(20, sim.SpikeSourcePoisson(rate=0.0), label="noise")
    cells = sim.Population(20, sim.IF_curr_exp())
    sim.Projection(noise, cells, sim.OneToOneConnector(), sim.StaticSynapse(weight=0.5))
    ed.add_poisson_live_rate_control(noise, database_notify_port_num=control_port)
    noise.record("spikes")
    return noise


def test_a_child_process_sets_poisson_rates_as_this_process_does():
    """Rates a child sets in its start callback hold from the run's first timestep: the
    same spikes as rates set in this process before run()."""
    ctx = multiprocessing.get_context("spawn")
    port, ready, out, done = ctx.Value("i", 0), ctx.Event(), ctx.Queue(), ctx.Event()
    child = ctx.Process(target=_rate_program, args=(port, ready, out, done), daemon=True)
    child.start()
    try:
        assert ready.wait(120)
        noise = _noise(port.value)
        sim.run(200.0)
        inits = out.get(timeout=30)
    finally:
        done.set()
        child.join(30)
    remote = _trains(noise)
    sim.end()
    assert inits == [["noise_control", 20, 200.0, 1.0]]
    assert all(len(t) == 0 for t in remote[10:])
    n = sum(len(t) for t in remote[:10])  # 10 x 200 steps x 0.5 expected: 1000, sd 32
    assert abs(n - 1000) < 5 * np.sqrt(1000) and min(t.min() for t in remote[:10]) <= 3.0
    control = ed.SpynnakerPoissonControlConnection(poisson_labels=["noise"], local_port=None)
    noise = _noise()
    control.set_rates("noise", [(i, 500.0) for i in range(10)])  # held until the run
    sim.run(200.0)
    for x, y in zip(remote, _trains(noise)):
        np.testing.assert_array_equal(x, y)


class _Peer:
    """A host program written by hand on a raw socket: ``script(kind, body, reply)`` is
    called for each datagram the simulation sends."""

    def __init__(self, script):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.seen, self.closed = [], False
        self.script = script
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while not self.closed:
            try:
                data, addr = self.sock.recvfrom(70000)
            except OSError:
                continue
            kind, body = live_wire.decode(data)
            self.seen.append((kind, body))
            self.script(kind, body, lambda raw, addr=addr: self.sock.sendto(raw, addr))

    def close(self):
        self.closed = True
        self.sock.close()


def test_the_simulation_survives_malformed_datagrams_and_a_peer_that_goes_away(caplog):
    """A peer sends junk, spikes of a label it did not name, an id out of range and one
    good spike before answering the start; then it goes away: the good spike goes out in
    the first timestep, the rest is ignored with a warning, the run ends, and the peer is
    not spoken to any more."""
    peer = None

    def script(kind, body, reply):
        if kind == "D":
            reply(live_wire.encode("d", {"receive": ["cells"], "send": ["inj"]}))
        elif kind == "S":
            for junk in (b"", b"hello", live_wire.MAGIC + b"X{not json",
                         live_wire.MAGIC + b"Z{}", live_wire.MAGIC + b"X[1, 2]",
                         live_wire.encode("X", {"l": "inj", "n": "abc"}),
                         live_wire.encode("X", {"l": "cells", "n": [1]}),
                         live_wire.encode("X", {"l": "inj", "n": [7]}),
                         live_wire.encode("R", {"l": "inj", "r": [[0, 5.0]]}),
                         live_wire.encode("X", {"l": "inj", "n": [1]})):
                reply(junk)
            reply(live_wire.encode("s", {"k": body["k"]}))
            peer.close()

    peer = _Peer(script)
    sim.setup(timestep=1.0)
    inj, cells = _network(ed.SpikeInjector())
    ed.activate_live_output_for(cells)
    ed.add_database_socket_address("localhost", peer.port, None)
    with caplog.at_level(logging.WARNING, logger="neurochip.live_remote"):
        sim.run(30.0)
        sim.run(10.0)  # the peer has gone: nobody is notified, the run goes on
    assert [list(t) for t in _trains(inj)] == [[], [1.0], [], [], []]
    assert len(_trains(cells)[1]) > 0
    text = caplog.text
    assert "is not one of neurochip's" in text
    assert "not spoken to any more" in text
    assert [k for k, _ in peer.seen] == ["D", "S"]


def test_a_peer_that_never_answers_is_a_clear_error_and_nobody_listening_a_warning(
        monkeypatch, caplog):
    monkeypatch.setattr(live_remote, "ANSWER_TIMEOUT", 0.3)
    silent = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    silent.bind(("127.0.0.1", 0))
    port = silent.getsockname()[1]
    try:
        sim.setup(timestep=1.0)
        sim.Population(2, ed.SpikeInjector(database_notify_port_num=port), label="inj")
        with pytest.raises(NeurochipError, match=rf"live connection at 127\.0\.0\.1:{port} "
                           rf"\(external_devices\.SpikeInjector\(database_notify_port_num="
                           rf"{port}\)\) did not answer the database notification: no answer "
                           rf"in 0\.3 s.*give its local_port"):
            sim.run(5.0)
        sim.end()
    finally:
        silent.close()  # nothing listens at that port now
    # as synfire_if_curr_exp_live.py, whose visualiser is not running: said, and the run goes on
    sim.setup(timestep=1.0)
    pop = sim.Population(1, sim.SpikeSourceArray(spike_times=[2.0]), label="clock")
    pop.record("spikes")
    with caplog.at_level(logging.WARNING, logger="neurochip.live_remote"):
        for _ in range(2):
            ed.activate_live_output_for(pop, database_notify_host="localhost",
                                        database_notify_port_num=port)
            sim.run(5.0)
    assert [list(t) for t in _trains(pop)] == [[2.0]]
    assert caplog.text.count(f"nothing listens at 127.0.0.1:{port}") == 1
    assert "must listen there before run()" in caplog.text


def test_a_peer_with_a_label_the_network_lacks_is_told_which():
    peer = _Peer(lambda kind, body, reply: kind == "D" and reply(
        live_wire.encode("d", {"receive": ["nope"], "send": []})))
    sim.setup(timestep=1.0)
    pop = sim.Population(2, sim.IF_curr_exp(), label="pop")
    ed.activate_live_output_for(pop, database_notify_port_num=peer.port)
    with pytest.raises(NeurochipError, match=r"receive label 'nope' is not a population with "
                                             r"live output \(\['pop'\]\)"):
        sim.run(5.0)
    peer.close()
    sim.end()
    sim.setup(timestep=1.0)
    ed.add_database_socket_address(None, 7, None)
    sim.Population(2, sim.IF_curr_exp())
    sim.simulator.state.num_processes = 2  # as under mpirun with two ranks
    with pytest.raises(NeurochipError, match="runs in one process.*without mpirun"):
        sim.run(1.0)
    with pytest.raises(NeurochipError, match=r"database_notify_port_num=70000 is not a UDP port"):
        ed.SpikeInjector(database_notify_port_num=70000)


def test_a_connection_survives_junk_and_sends_only_while_the_machine_runs(caplog):
    """The connection's side, driven by a hand-written simulation: junk is counted and
    ignored, the database notification is answered with the labels, the init callback
    runs, spikes sent before the start are lost, ids out of range are an error in the
    sender's process, and spikes sent while running reach the simulation."""
    conn = ed.SpynnakerLiveSpikesConnection(receive_labels=["out"], local_port=None,
                                            send_labels=["inj"])
    inits, heard = [], []
    conn.add_init_callback("inj", lambda *args: inits.append(args))
    conn.add_receive_callback("out", lambda label, t, ids: heard.append((t, ids)))
    fake = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    fake.bind(("127.0.0.1", 0))
    fake.settimeout(5.0)
    to = ("127.0.0.1", conn.local_port)
    try:
        junk = [b"x", live_wire.MAGIC + b"D{}", live_wire.encode("D", {"labels": [1]}),
                live_wire.encode("O", {"q": 1, "s": [["out", "late", [1]]]})]
        for raw in junk:
            fake.sendto(raw, to)
        fake.sendto(live_wire.encode("D", {"labels": {"inj": 3, "out": 2}, "run_time_ms": 9.0,
                                           "dt": 1.0}), to)
        assert live_wire.decode(fake.recv(70000)) == ("d", {"receive": ["out"], "send": ["inj"]})
        assert conn._endpoint.malformed == len(junk) and inits == [("inj", 3, 9.0, 1.0)]
        with caplog.at_level(logging.WARNING, logger="neurochip.live_endpoint"):
            conn.send_spike("inj", 1)  # not running yet: lost, as on the board
        assert "while the machine is not running are lost" in caplog.text
        with pytest.raises(NeurochipError, match=r"'inj' neuron id 3 is not in 0\.\.2"):
            conn.send_spikes("inj", [0, 3])
        fake.sendto(live_wire.encode("S", {"k": 1}), to)
        assert live_wire.decode(fake.recv(70000)) == ("s", {"k": 1})
        conn.send_spikes("inj", [2, 0])
        assert live_wire.decode(fake.recv(70000)) == ("X", {"l": "inj", "n": [2, 0]})
        fake.sendto(live_wire.encode("O", {"q": 1, "s": [["out", 4, [1, 0]]]}), to)
        assert live_wire.decode(fake.recv(70000)) == ("o", {"q": 1})
    finally:
        fake.close()
    deadline = threading.Event()
    for _ in range(100):
        if heard:
            break
        deadline.wait(0.05)
    assert heard == [(4, [1, 0])]


def test_output_packets_cut_big_records_and_keep_their_order():
    records = [["a", 1, list(range(5000))], ["b", 1, [3]], ["a", 2, [7, 8]]]
    packets = list(live_wire.output_packets(records, limit=4000))
    assert len(packets) > 5
    assert all(len(live_wire.encode("O", {"q": 1, "s": p})) < 4100 for p in packets)
    flat = [r for p in packets for r in p]
    assert [(label, t) for label, t, _ in flat if (label, t) != ("a", 1)] == [("b", 1), ("a", 2)]
    assert [i for label, t, ids in flat if (label, t) == ("a", 1) for i in ids] == list(range(5000))


DEMO = """
import json, multiprocessing, time
import pyNN.neurochip as Frontend

class GUI:  # spike_io_interactive_demo_with_c_vis.py's, with a stand-in for tkinter
    def __init__(self, n_neurons, ready, port):
        self.conn = Frontend.external_devices.SpynnakerLiveSpikesConnection(
            receive_labels=None, local_port=None,
            send_labels=["spike_injector_forward", "spike_injector_backward"])
        port.value = self.conn.local_port
        self.state = "disabled"
        self.conn.add_start_resume_callback("spike_injector_forward", self.start)
        ready.set()
        t0 = time.monotonic()
        while self.state != "normal" and time.monotonic() - t0 < 120:  # mainloop
            time.sleep(0.01)
        for neuron_id, label in ((0, "spike_injector_forward"),
                                 (n_neurons - 1, "spike_injector_backward")):
            time.sleep(0.2)
            self.conn.send_spike(label, neuron_id)  # the "Inject" button

    def start(self, pop_label, connection):
        self.state = "normal"

if __name__ == "__main__":
    multiprocessing.set_start_method("fork")
    Frontend.setup(timestep=1.0, min_delay=1.0)
    n = 20
    port, event = multiprocessing.Value("i", 0), multiprocessing.Event()
    p = multiprocessing.Process(target=GUI, args=[n, event, port])
    p.start()
    event.wait()
    received = []
    receiver = Frontend.external_devices.SpynnakerLiveSpikesConnection(
        receive_labels=["pop_forward", "pop_backward"], local_port=None, send_labels=None)
    for label in ("pop_forward", "pop_backward"):
        receiver.add_receive_callback(label, lambda l, t, ids: received.extend(
            [l, t, i] for i in ids))
    cell = Frontend.IF_curr_exp(cm=0.25, tau_m=20.0, tau_refrac=2.0, tau_syn_E=5.0,
                                tau_syn_I=5.0, v_reset=-70.0, v_rest=-65.0, v_thresh=-50.0)
    pops = {}
    for way in ("forward", "backward"):
        pop = pops[way] = Frontend.Population(n, cell, label="pop_" + way)
        inj = Frontend.Population(n, Frontend.external_devices.SpikeInjector(
            database_notify_port_num=port.value), label="spike_injector_" + way)
        Frontend.Projection(inj, pop, Frontend.OneToOneConnector(),
                            Frontend.StaticSynapse(weight=2.0))
        step = [(i, i + 1, 2.0, 3) for i in range(n - 1)]
        Frontend.Projection(pop, pop, Frontend.FromListConnector(
            step if way == "forward" else [(j, i, w, d) for i, j, w, d in step]))
        pop.record("spikes")
        Frontend.external_devices.activate_live_output_for(
            pop, database_notify_host="localhost", database_notify_port_num=receiver.local_port)
    Frontend.run(3000)
    recorded = [["pop_" + way, int(round(t)), i] for way, pop in pops.items()
                for i, train in enumerate(pop.get_data("spikes").segments[0].spiketrains)
                for t in train.magnitude]
    Frontend.end()
    p.join()
    print(json.dumps({"received": received, "recorded": recorded}))
"""


def test_the_interactive_demo_with_a_gui_child_injects_and_hears(tmp_path):
    """spike_io_interactive_demo_with_c_vis.py's way, with fork as its default: the GUI
    child's connection waits for the start callback, then "Inject" sends a spike into each
    synfire chain; this process's own receive connection hears every recorded spike."""
    script = tmp_path / "demo.py"
    script.write_text(textwrap.dedent(DEMO))
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                         timeout=300, cwd=tmp_path)
    assert out.returncode == 0, out.stderr[-3000:]
    data = json.loads(out.stdout.strip().splitlines()[-1])
    received, recorded = data["received"], data["recorded"]
    assert sorted(received) == sorted(recorded)
    assert [t for _, t, _ in received] == sorted(t for _, t, _ in received)
    for label, order in (("pop_forward", 1), ("pop_backward", -1)):
        chain = sorted((t, i) for name, t, i in recorded if name == label)
        # one spike walks the whole chain, one neuron after the other
        assert [i for _, i in chain] == list(range(20))[::order]
