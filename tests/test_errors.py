"""Bad input gives a clear error: the object's name/label, the offending value and the limit."""

import re

import numpy as np
import pyNN.neurochip as sim
import pytest
from pyNN import errors as pynn_errors
from pyNN.standardmodels import cells

from neurochip.errors import HostMemoryError, NeurochipError
from neurochip.mapping.errors import MappingError, ResourceError


@pytest.fixture(autouse=True)
def _end():
    yield
    sim.end()


def source_and_target(n_post=2, label="post"):
    src = sim.Population(1, sim.SpikeSourceArray(spike_times=[1.0]), label="src")
    post = sim.Population(n_post, sim.IF_curr_exp(), label=label)
    return src, post


# --- machine resources ------------------------------------------------------------
def _too_big_for_spinn3():
    sim.setup(timestep=0.1, machine="spinn3")
    src, post = source_and_target(4 * 17 * 256 + 1, label="huge")
    sim.Projection(src, post, sim.AllToAllConnector(), sim.StaticSynapse(weight=0.01, delay=1.0))
    sim.run(1.0)


def test_population_too_large_for_spinn3():
    with pytest.raises(ResourceError, match="SpiNN-3") as info:
        _too_big_for_spinn3()
    msg = str(info.value)
    assert "68 application cores" in msg  # the limit: 4 chips x 17 cores
    assert "70" in msg  # what the network needs (69 LIF slices + 1 source)


def test_population_too_large_names_the_population():
    with pytest.raises(ResourceError, match="huge"):
        _too_big_for_spinn3()


# --- delays ---------------------------------------------------------------------------
def _long_delay(delay):
    sim.setup(timestep=0.1)
    src, post = source_and_target()
    sim.Projection(src, post, sim.AllToAllConnector(), sim.StaticSynapse(weight=0.5, delay=delay),
                   label="slow")
    sim.run(1.0)


def test_delay_beyond_maximum_names_projection_value_and_range():
    with pytest.raises(MappingError) as info:
        _long_delay(1e4)
    msg = str(info.value)
    assert "'slow'" in msg
    assert re.search(r"\b10000(\.0)? ms", msg)
    assert re.search(r"supported delays are .*ms", msg)


@pytest.mark.parametrize("delay", [0.0, 0.04])
def test_delay_below_one_timestep(delay):
    with pytest.raises(MappingError, match=r"projection 'slow': delay .* supported delays are 1\.\."):
        _long_delay(delay)


# --- weights ----------------------------------------------------------------------------
def _signed(receptor, weight, label="signed"):
    sim.setup(timestep=0.1)
    src, post = source_and_target()
    return sim.Projection(src, post, sim.AllToAllConnector(), sim.StaticSynapse(weight=weight),
                          receptor_type=receptor, label=label)


# a positive weight onto a current-based inhibitory receptor is sPyNNaker's inhibition of
# that magnitude (tests/test_spynnaker_scripts.py); mixing the signs there is the error
@pytest.mark.parametrize("receptor, weight", [("excitatory", -0.5)])
def test_wrong_sign_weight_is_a_connection_error(receptor, weight):
    with pytest.raises(pynn_errors.ConnectionError):
        _signed(receptor, weight)


@pytest.mark.parametrize("receptor, weight", [("excitatory", -0.5)])
def test_wrong_sign_weight_names_the_projection(receptor, weight):
    with pytest.raises(pynn_errors.ConnectionError, match=r"'signed'.*0\.5"):
        _signed(receptor, weight)


@pytest.mark.parametrize("receptor, weights, text", [("excitatory", [-0.25], r"-0\.25"),
                                                      ("inhibitory", [0.25, -0.25], r"0\.25")])
def test_wrong_sign_from_list_names_the_projection(receptor, weights, text):
    sim.setup(timestep=0.1)
    src, post = source_and_target()
    conns = [(0, i, w, 1.0) for i, w in enumerate(weights)]
    with pytest.raises(pynn_errors.ConnectionError, match=rf"'fl'.*{receptor}.*{text}"):
        sim.Projection(src, post, sim.FromListConnector(conns), receptor_type=receptor, label="fl")


def test_wrong_sign_set_names_the_projection():
    prj = _signed("excitatory", 0.5, label="exc")
    with pytest.raises(pynn_errors.ConnectionError, match=r"'exc'.*-1"):
        prj.set(weight=-1.0)


def test_rejected_set_leaves_weights_unchanged():
    prj = _signed("excitatory", 0.5, label="exc")
    with pytest.raises(pynn_errors.ConnectionError):
        prj.set(weight=-1.0)
    assert [w for _, _, w in prj.get("weight", format="list")] == [0.5, 0.5]


def test_weight_too_large_for_ring_buffer():
    sim.setup(timestep=0.1)
    src, post = source_and_target()
    sim.Projection(src, post, sim.AllToAllConnector(), sim.StaticSynapse(weight=70000.0))
    with pytest.raises(MappingError, match=r"'post'.*70000 nA.*65535 nA"):
        sim.run(1.0)


# --- cell types and parameters -----------------------------------------------------------
def test_unsupported_cell_type():
    sim.setup(timestep=0.1)
    with pytest.raises(NeurochipError,
                       match=r"'hw'.*IF_facets_hardware1.*supported: .*IF_curr_exp") as info:
        sim.Population(1, cells.IF_facets_hardware1(), label="hw")
    assert "SpikeSourcePoisson" in str(info.value)


def test_cell_type_from_another_backend():
    sim.setup(timestep=0.1)
    with pytest.raises(NeurochipError, match=r"'cond'.*IF_cond_exp.*use sim\.IF_cond_exp"):
        sim.Population(1, cells.IF_cond_exp(), label="cond")


def test_parameter_outside_fixed_point_range():
    sim.setup(timestep=0.1)
    sim.Population(2, sim.IF_curr_exp(v_thresh=1e6), label="hot")
    with pytest.raises(OverflowError, match=r"'hot'.*v_thresh = 1000000\.0.*65535\.99"):
        sim.run(1.0)


def test_negative_time_constant():
    sim.setup(timestep=0.1)
    sim.Population(2, sim.IF_curr_exp(tau_m=-1.0), label="neg")
    with pytest.raises(MappingError, match=r"'neg'.*tau_m must be positive, got -1"):
        sim.run(1.0)


# --- setup and friends ---------------------------------------------------------------------
def test_setup_unknown_argument():
    with pytest.raises(NeurochipError, match=r"unknown argument.*'froboz'.*'arithmetic'"):
        sim.setup(timestep=0.1, froboz=3)


def test_setup_unknown_arithmetic():
    with pytest.raises(NeurochipError, match=r"arithmetic='double'.*'fixed'.*'float'"):
        sim.setup(timestep=0.1, arithmetic="double")


def test_setup_unknown_machine():
    with pytest.raises(NeurochipError, match=r"machine='spinn9'.*'spinn3'.*'spinn5'"):
        sim.setup(timestep=0.1, machine="spinn9")


def test_setup_bad_timestep():
    with pytest.raises(NeurochipError, match=r"timestep=-0\.1.*positive"):
        sim.setup(timestep=-0.1)


@pytest.mark.parametrize("n", [0, -3])
def test_neurons_per_core_must_be_positive(n):
    sim.setup(timestep=0.1)
    with pytest.raises(NeurochipError, match=rf"IF_curr_exp, {n}\).*>= 1"):
        sim.set_number_of_neurons_per_core(sim.IF_curr_exp, n)


def test_run_without_populations():
    sim.setup(timestep=0.1)
    with pytest.raises(NeurochipError, match="no populations"):
        sim.run(1.0)


# --- Poisson sources ---------------------------------------------------------------------
def _poisson(rate):
    sim.setup(timestep=0.1)
    noise = sim.Population(3, sim.SpikeSourcePoisson(rate=rate), label="noise")
    post = sim.Population(2, sim.IF_curr_exp(), label="post")
    sim.Projection(noise, post, sim.AllToAllConnector(), sim.StaticSynapse(weight=0.1))
    noise.record("spikes")
    sim.run(10.0)
    return noise


def test_poisson_rate_beyond_the_count_tables():
    with pytest.raises(MappingError, match=r"'noise'.*2e\+06 Hz.*more than 100 events per "
                                           r"timestep \(1e\+06 Hz at dt=0\.1 ms\)"):
        _poisson(2e6)


@pytest.mark.parametrize("rate", [1e4, 2.5e4])
def test_poisson_rate_of_a_spike_per_step_or_more_is_sent_and_recorded(rate):
    """Several spikes of one source in a tick: all sent, all recorded (PyNN's spike
    trains hold each of them; 10 ms at dt 0.1 ms)."""
    trains = _poisson(rate).get_data().segments[0].spiketrains
    sim.end()
    counts = np.array([len(t) for t in trains])
    mean = rate * 0.01
    assert np.all(np.abs(counts - mean) < 5 * np.sqrt(mean))
    times = np.asarray(trains[0])
    assert len(np.unique(times)) < len(times)  # repeated stamps: several in one tick


@pytest.mark.parametrize("rate", [float("nan"), float("inf"), [10.0, float("nan"), 3.0]])
def test_poisson_rate_not_finite(rate):
    with pytest.raises(Exception, match=r"'noise': rate contains a non-finite value"):
        _poisson(rate)


@pytest.mark.parametrize("rate", [-5.0, [10.0, -5.0, 3.0]])
def test_poisson_negative_rate(rate):
    with pytest.raises(MappingError, match=r"'noise'.*rate -5 Hz must be >= 0"):
        _poisson(rate)


def test_every_error_of_ours_is_a_neurochip_error_and_keeps_its_builtin_base():
    from neurochip.emulator.errors import EmulatorError, ProgramError
    from neurochip.mapping import MachineSpec, RoutingError

    assert issubclass(MappingError, ValueError) and issubclass(ResourceError, MappingError)
    assert issubclass(RoutingError, MappingError)
    assert issubclass(EmulatorError, RuntimeError) and issubclass(ProgramError, ValueError)
    for cls in (MappingError, ResourceError, RoutingError, EmulatorError, ProgramError):
        assert issubclass(cls, NeurochipError)
    with pytest.raises(NeurochipError, match=r"MachineSpec 'bad': width and height must be >= 1"):
        MachineSpec(0, 2, name="bad")
    with pytest.raises(ValueError):  # what callers caught before
        MachineSpec(2, 2, cores_per_chip=40)
    sim.setup(timestep=0.1)
    sim.Population(2, sim.IF_curr_exp(tau_m=-1.0))
    with pytest.raises(NeurochipError):  # a mapping error, caught as ours
        sim.run(1.0)
    sim.end()


@pytest.mark.parametrize("what", ["weight", "delay"])
def test_nan_weight_or_delay_names_the_projection_and_connection(what):
    sim.setup(timestep=0.1)
    a = sim.Population(3, sim.SpikeSourceArray(spike_times=[1.0]), label="a")
    b = sim.Population(3, sim.IF_curr_exp(), label="b")
    values = {"weight": 0.5, "delay": 1.0}
    values[what] = float("nan")
    sim.Projection(a, b, sim.AllToAllConnector(), sim.StaticSynapse(**values), label="a->b")
    with pytest.raises(MappingError, match=rf"'a->b': {what} of connection 0 .* is nan; every "
                                           rf"{what} must be a finite number"):
        sim.run(10.0)
    sim.end()


def test_get_data_before_any_run_says_so():
    sim.setup(timestep=0.1)
    pop = sim.Population(2, sim.IF_curr_exp(), label="early")
    pop.record("spikes")
    with pytest.raises(NeurochipError, match=r"get_data\(\) on 'early': nothing has been "
                                             r"recorded yet; call run\(\) first"):
        pop.get_data()
    sim.run(1.0)
    assert len(pop.get_data().segments) == 1
    sim.end()


def test_a_network_too_big_for_this_host_is_refused_before_any_allocation():
    """All-to-all on 300,000 cells: 9e10 connections. numpy failed deep inside, asking for
    671 GiB; now the projection is refused with the estimate, at once."""
    sim.setup(timestep=0.1)
    pop = sim.Population(300_000, sim.IF_curr_exp(), label="huge")
    with pytest.raises(HostMemoryError, match=r"Projection .*AllToAllConnector between 300000 and "
                                          r"300000 cells makes about 9e\+10 connections, about "
                                          r"[\d,]+ GiB .* more than the [\d.]+ GiB available"):
        sim.Projection(pop, pop, sim.AllToAllConnector(), sim.StaticSynapse(weight=0.1))
    sim.end()
    assert issubclass(HostMemoryError, MemoryError) and issubclass(HostMemoryError, NeurochipError)
