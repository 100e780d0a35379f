"""Live spike I/O (``sim.external_devices``): receive callbacks between stretches, spikes
injected through SpikeInjector cores, Poisson rates set live, init/start/stop callbacks,
determinism when the callbacks are deterministic, and clear errors."""

import threading
import time

import numpy as np
import pyNN.neurochip as sim
import pytest

from neurochip.errors import NeurochipError

ed = sim.external_devices


@pytest.fixture(autouse=True)
def _end():
    yield
    sim.end()


def _trains(pop):
    return [np.asarray(t.magnitude) for t in pop.get_data("spikes").segments[-1].spiketrains]


def _echo(convention="nest", t_end=200.0, per_core=None, reset=False, **setup):
    """Ten self-driven cells with live output; a receive callback answers each spike with
    a spike of the same neuron of a SpikeInjector, which inhibits the cells (so the
    answers change what the cells do next). Returns (cells' trains, injector's trains,
    what the callback got)."""
    got = []
    conn = ed.SpynnakerLiveSpikesConnection(receive_labels=["cells"], local_port=None,
                                            send_labels=["echo"])

    def answer(label, time, neuron_ids):
        got.append((label, time, list(neuron_ids)))
        conn.send_spikes("echo", neuron_ids)

    conn.add_receive_callback("cells", answer)
    sim.setup(timestep=1.0, min_delay=1.0, spike_time_convention=convention, **setup)
    if per_core:
        sim.set_number_of_neurons_per_core(sim.IF_curr_exp, per_core)
        sim.set_number_of_neurons_per_core(sim.SpikeSourceArray, per_core)
    cells = sim.Population(10, sim.IF_curr_exp(i_offset=np.linspace(0.8, 2.0, 10)),
                           label="cells")
    echo = sim.Population(10, ed.SpikeInjector(database_notify_port_num=conn.local_port),
                          label="echo")
    sim.Projection(echo, cells, sim.OneToOneConnector(), sim.StaticSynapse(weight=-1.5, delay=2),
                   receptor_type="inhibitory")
    cells.record("spikes")
    echo.record("spikes")
    ed.activate_live_output_for(cells, database_notify_port_num=conn.local_port)
    if reset:  # a first segment whose injected spikes must not come back after reset()
        sim.run(t_end * 0.7)
        sim.reset()
        got.clear()
    sim.run(t_end / 2)
    sim.run(t_end / 2)  # two runs: the answers to the first run's last spikes go out in the next
    out = _trains(cells), _trains(echo), got
    sim.end()
    return out


@pytest.mark.parametrize("convention", ["nest", "spinnaker"])
def test_an_echo_answers_each_spike_one_timestep_later_and_is_deterministic(convention):
    cells, echo, got = _echo(convention)
    assert sum(len(t) for t in cells) > 40
    for c, e in zip(cells, echo):  # every spike answered in the next timestep (1 ms)
        np.testing.assert_array_equal(np.rint(e), np.rint(c + 1.0))
    # the callback got each timestep's spikes once, in time order, time = recorded time / dt
    times = [t for _, t, _ in got]
    assert times == sorted(times) and len(set(times)) == len(times)
    heard = sorted((t, i) for _, t, ids in got for i in ids)
    recorded = sorted((int(round(s)), i) for i, train in enumerate(cells) for s in train)
    assert heard == recorded
    again = _echo(convention)
    for a, b in zip((cells, echo), again[:2]):
        for x, y in zip(a, b):
            np.testing.assert_array_equal(x, y)
    assert again[2] == got


def test_the_echo_does_not_depend_on_the_cores_and_reset_starts_it_again():
    """The same spikes with 3 neurons per core (the injector over 4 cores) on one thread,
    and after a first segment and reset() (its injected spikes are gone from the
    injector's core)."""
    cells, echo, got = _echo()
    for other in (_echo(per_core=3, threads=1), _echo(reset=True)):
        for a, b in zip((cells, echo), other[:2]):
            for x, y in zip(a, b):
                np.testing.assert_array_equal(x, y)
        assert other[2] == got


def test_without_answers_the_cells_fire_more():
    cells, _, _ = _echo()
    sim.setup(timestep=1.0, min_delay=1.0)
    alone = sim.Population(10, sim.IF_curr_exp(i_offset=np.linspace(0.8, 2.0, 10)))
    alone.record("spikes")
    sim.run(200.0)
    free = _trains(alone)
    assert sum(len(t) for t in free) > sum(len(t) for t in cells) + 10


def _rate_control(t_end=300.0):
    """A Poisson source at 0 Hz under live control; a clock with live output at 100 ms and
    200 ms sets 20 of its neurons to 500 Hz, then back to 0 Hz."""
    control = ed.SpynnakerPoissonControlConnection(poisson_labels=["noise"], local_port=None)
    clock_conn = ed.SpynnakerLiveSpikesConnection(receive_labels=["clock"], local_port=None)
    rates = iter([500.0, 0.0])

    def tick(label, time, neuron_ids):
        rate = next(rates)
        control.set_rates("noise", [(i, rate) for i in range(20)])

    clock_conn.add_receive_callback("clock", tick)
    inits = []
    control.add_init_callback("noise", lambda *a: inits.append(a))
    sim.setup(timestep=1.0, seed=3)
    clock = sim.Population(1, sim.SpikeSourceArray(spike_times=[100.0, 200.0]), label="clock")
    noise = sim.Population(30, sim.SpikeSourcePoisson(rate=0.0), label="noise")
    cells = sim.Population(30, sim.IF_curr_exp())
    sim.Projection(noise, cells, sim.OneToOneConnector(), sim.StaticSynapse(weight=0.5))
    ed.add_poisson_live_rate_control(noise, database_notify_port_num=control.local_port)
    ed.activate_live_output_for(clock)
    noise.record("spikes")
    sim.run(t_end)
    out = _trains(noise), inits
    sim.end()
    return out


def test_poisson_rates_set_live_hold_from_the_next_timestep():
    trains, inits = _rate_control()
    assert inits == [("noise_control", 30, 300.0, 1.0)]
    every = np.concatenate(trains)
    # the clock's spike at 100 ms (sent in the step that ends there) is heard after that
    # step: 500 Hz from the next one (its spikes stamped from 101 ms) to the step that
    # ends at 200 ms, the one in which the clock's second spike is sent
    assert every.min() >= 101.0 and every.max() <= 200.0
    assert all(len(t) == 0 for t in trains[20:])
    n = sum(len(t) for t in trains[:20])
    # 20 neurons x 100 steps x 0.5 expected events: 1000, sd 32 (Poisson)
    assert abs(n - 1000) < 5 * np.sqrt(1000)
    again, _ = _rate_control()
    for x, y in zip(trains, again):
        np.testing.assert_array_equal(x, y)


def test_a_thread_that_sends_with_sleep_reaches_the_injector():
    """spike_io.py's way: a start/resume callback sends from its own thread with
    time.sleep; the run is paced to the wall clock, and every spike sent while the
    machine runs leaves the injector (when, depends on the wall clock)."""
    conn = ed.SpynnakerLiveSpikesConnection(receive_labels=None, local_port=None,
                                            send_labels=["inj"])
    calls = []

    def sender(label, connection):
        calls.append(("start", label, threading.current_thread() is threading.main_thread()))
        for neuron_id in (3, 7, 1):
            time.sleep(0.05)
            connection.send_spike(label, neuron_id, send_full_keys=True)

    conn.add_start_resume_callback("inj", sender)
    conn.add_pause_stop_callback("inj", lambda label, c: calls.append(("stop", label)))
    sim.setup(timestep=1.0)
    inj = sim.Population(10, ed.SpikeInjector(), label="inj",
                         additional_parameters={"virtual_key": 0x70000})
    inj.record("spikes")
    sim.run(3000.0)  # 3 s of wall time: the thread has long sent its three spikes
    trains = _trains(inj)
    sent = sorted(i for i, t in enumerate(trains) for _ in t)
    assert sent == [1, 3, 7]
    assert all(0 < s <= 3000.0 for t in trains for s in t)
    assert calls[0] == ("start", "inj", False)
    deadline = time.monotonic() + 10
    while ("stop", "inj") not in calls and time.monotonic() < deadline:
        time.sleep(0.01)
    assert ("stop", "inj") in calls


def test_live_errors_name_the_label_and_the_fix():
    conn = ed.SpynnakerLiveSpikesConnection(receive_labels=["pop"], send_labels=["inj"])
    with pytest.raises(NeurochipError, match="label 'other' is not one of its receive labels"):
        conn.add_receive_callback("other", print)
    sim.setup(timestep=1.0)
    sim.Population(2, sim.IF_curr_exp(), label="pop")
    sim.Population(2, ed.SpikeInjector(), label="inj")
    with pytest.raises(NeurochipError, match="'pop' is not a population with live output.*"
                                             "activate_live_output_for"):
        sim.run(1.0)
    with pytest.raises(NeurochipError, match="not one of the connection's send labels"):
        conn.send_spike("pop", 0)
    with pytest.raises(NeurochipError, match="SpikeInjector: unknown argument.*'colour'"):
        ed.SpikeInjector(colour="red")
    with pytest.raises(NeurochipError, match="SpikeSourceArray has no live rate"):
        ed.add_poisson_live_rate_control(sim.Population(1, sim.SpikeSourceArray()))
    with pytest.raises(NeurochipError, match="physical device"):
        ed.MunichMotorDevice()
    with pytest.raises(NeurochipError, match="can't receive"):
        ed.SpynnakerPoissonControlConnection(poisson_labels=["x"]).add_receive_callback("x", print)


def test_live_io_under_mpi_is_a_clear_error():
    conn = ed.SpynnakerLiveSpikesConnection(receive_labels=["pop"])
    conn.add_receive_callback("pop", print)
    sim.setup(timestep=1.0)
    pop = sim.Population(2, sim.IF_curr_exp(), label="pop")
    ed.activate_live_output_for(pop)
    sim.simulator.state.num_processes = 2  # as under mpirun with two ranks
    with pytest.raises(NeurochipError, match="runs in one process.*without mpirun"):
        sim.run(1.0)


def test_an_injected_neuron_id_out_of_range_says_which():
    conn = ed.SpynnakerLiveSpikesConnection(receive_labels=["clock"], send_labels=["inj"])
    conn.add_receive_callback("clock", lambda label, t, ids: conn.send_spike("inj", 5))
    sim.setup(timestep=1.0)
    clock = sim.Population(1, sim.SpikeSourceArray(spike_times=[3.0]), label="clock")
    sim.Population(2, ed.SpikeInjector(), label="inj")
    ed.activate_live_output_for(clock)
    with pytest.raises(NeurochipError, match="send_spikes 'inj': neuron id 5 is not in 0..1"):
        sim.run(10.0)


def test_the_machine_gives_back_its_own_sources_on_reset():
    """emulator.live: injected spikes and live rates change the emulation's working copy of
    the sources; Emulation.reset() gives back the program's own (a replay of the same
    ticks then sends nothing the host sent)."""
    from neurochip.emulator import live as machine_live
    from neurochip.mapping.neurons import count_table

    sim.setup(timestep=1.0)
    inj = sim.Population(4, ed.SpikeInjector(), label="inj")
    noise = sim.Population(3, sim.SpikeSourcePoisson(rate=0.0), label="noise")
    ed.add_poisson_live_rate_control(noise)
    sim.Population(1, sim.IF_curr_exp())
    inj.record("spikes")
    noise.record("spikes")
    sim.run(1.0)
    st = sim.simulator.state
    em, program = st.emulation, st.mapping.program
    lo = st.mapping.pop_neuron_lo
    machine_live.inject(em, [lo[0] + 2, lo[0] + 2, lo[0] + 3])
    machine_live.set_rates(em, [lo[1]], count_table(2.0))
    result = em.run(3)
    mine = (result.spike_neurons >= lo[0]) & (result.spike_neurons < lo[0] + 4)
    # one spike each (the neuron given twice sends once), in the next tick
    assert result.spike_neurons[mine].tolist() == [lo[0] + 2, lo[0] + 3]
    assert result.spike_ticks[mine].tolist() == [1, 1]
    noisy = result.spike_neurons[~mine]
    assert len(noisy) > 0 and set(noisy.tolist()) == {lo[1]}  # 2 events a tick, one neuron
    assert em.program.sources is not program.sources and em.src_cdf_lo[lo[1]] != 0
    em.reset()
    assert em.program.sources is program.sources
    np.testing.assert_array_equal(em.src_cdf_lo, program.sources.cdf_lo)
    again = em.run(4)
    assert len(again.spike_neurons) == 0  # nothing injected, every rate 0 again
    with pytest.raises(Exception, match="not on a spike-array core"):
        machine_live.inject(em, [lo[2]])
    with pytest.raises(Exception, match="not on a Poisson source core"):
        machine_live.set_rates(em, [lo[0]], count_table(1.0))
