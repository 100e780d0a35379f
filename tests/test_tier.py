"""The lean and the full kernel (emulator.tier): which programs run on which, and the
same answer from both for a program the lean one can run."""

import itertools
from types import SimpleNamespace

import numba
import numpy as np
import pyNN.neurochip as sim
import pytest

from neurochip.emulator import emulate
from neurochip.emulator.models import BY_NAME, NEURON_MODELS
from neurochip.emulator.tier import FULL, LEAN, LEAN_CELLS, tier_of


def _network(cell, synapse=None, current=True):
    """A small network: Poisson and array sources onto ``cell``, recurrent static (or
    ``synapse``) connections, a DC source; returns the cells."""
    cells = sim.Population(120, cell)
    noise = sim.Population(40, sim.SpikeSourcePoisson(rate=80.0))
    times = sim.Population(5, sim.SpikeSourceArray(spike_times=[[2.0, 9.0, 30.0]] * 5))
    rng = sim.NumpyRNG(seed=7)
    sim.Projection(noise, cells, sim.FixedProbabilityConnector(0.3, rng=rng),
                   sim.StaticSynapse(weight=0.03, delay=1.0))
    sim.Projection(times, cells, sim.AllToAllConnector(), sim.StaticSynapse(weight=0.003, delay=0.5))
    sim.Projection(cells, cells, sim.FixedProbabilityConnector(0.1, rng=rng),
                   synapse or sim.StaticSynapse(weight=0.02, delay=1.5), receptor_type="inhibitory")
    if current:
        sim.DCSource(amplitude=1.0, start=20.0, stop=80.0).inject_into(cells[:60])
    return cells


def _tier_of_script(cell, synapse=None):
    sim.setup(timestep=0.1, seed=1)
    _network(cell, synapse)
    sim.run(1.0)
    tier = tier_of(sim.simulator.state.mapping.program)
    sim.end()
    return tier


def test_the_standard_cells_with_static_synapses_run_on_the_lean_kernel():
    assert sorted(BY_NAME[n].KIND for n in ("IF_curr_exp", "IF_cond_exp")) == list(LEAN_CELLS)
    assert _tier_of_script(sim.IF_curr_exp(tau_syn_E=2.0)) == LEAN
    assert _tier_of_script(sim.IF_cond_exp()) == LEAN


@pytest.mark.parametrize("case", ["cell", "tsodyks_markram", "stdp"])
def test_anything_else_takes_the_full_kernel(case):
    if case == "cell":
        assert _tier_of_script(sim.Izhikevich()) == FULL
        assert _tier_of_script(sim.IF_curr_alpha()) == FULL
    elif case == "tsodyks_markram":
        assert _tier_of_script(sim.IF_curr_exp(), sim.TsodyksMarkramSynapse(weight=0.002)) == FULL
    else:
        stdp = sim.STDPMechanism(timing_dependence=sim.SpikePairRule(),
                                 weight_dependence=sim.AdditiveWeightDependence(w_max=0.01),
                                 weight=0.002, delay=1.5)
        assert _tier_of_script(sim.IF_curr_exp(), stdp) == FULL


def test_every_cell_outside_the_lean_set_takes_the_full_kernel():
    """tier_of reads the cores' kinds: a lean kernel would skip any other cell's update."""
    sim.setup(timestep=0.1)
    _network(sim.IF_curr_exp())
    sim.run(1.0)
    program = sim.simulator.state.mapping.program
    sim.end()
    neuron = ~np.isin(program.cores.kind, (1, 2))
    assert tier_of(program) == LEAN
    for m in NEURON_MODELS:
        kind = program.cores.kind.copy()
        kind[np.flatnonzero(neuron)[0]] = m.KIND
        other = SimpleNamespace(cores=SimpleNamespace(kind=kind), synapses=program.synapses,
                                plasticity=program.plasticity, structural=program.structural)
        assert tier_of(other) == (LEAN if m.KIND in LEAN_CELLS else FULL), m.NAME


@pytest.mark.parametrize("arithmetic", ["fixed", "float"])
def test_the_full_kernel_gives_a_lean_program_s_answer_bit_for_bit(arithmetic, monkeypatch):
    def run():
        sim.setup(timestep=0.1, seed=3, arithmetic=arithmetic)
        exc = _network(sim.IF_curr_exp(tau_syn_E=2.0, tau_refrac=2.0, v_thresh=-52.0))
        cond = _network(sim.IF_cond_exp(tau_refrac=2.0))
        for pop in (exc, cond):
            pop.record(["spikes", "v"])
        sim.run(100.0)
        out = []
        for pop in (exc, cond):
            seg = pop.get_data().segments[0]
            out.append([np.asarray(t) for t in seg.spiketrains])
            out.append(np.asarray(seg.filter(name="v")[0]))
        out.append(sim.simulator.state.results[-1][1].counters)
        sim.end()
        return out

    lean = run()
    monkeypatch.setattr(emulate, "tier_of", lambda program: FULL)
    full = run()
    assert sum(len(t) for t in lean[0]) > 100 and sum(len(t) for t in lean[2]) > 20
    for a, b in zip(lean, full):
        if isinstance(a, list):
            assert all(np.array_equal(x, y) for x, y in zip(a, b))
        else:
            assert np.array_equal(a, b)


def test_one_kernel_per_tier_and_arithmetic_whatever_the_network_records():
    """Every argument of the tick loop has one type per tier and arithmetic: a second
    type (e.g. a strided array of the recorded columns) would compile the whole kernel
    again. Networks that record nothing, spikes, v of one neuron or of many, with and
    without current sources, must share one compiled kernel."""
    from neurochip.emulator.kernel import run_ticks, run_ticks_serial

    loops = {1: run_ticks_serial, 2: run_ticks}  # one thread takes the serial loop
    threads = [n for n in loops if n <= numba.config.NUMBA_NUM_THREADS]
    for record, current in ((None, False), ("spikes", True), ("v", False), (["v", "spikes"], True)):
        for n_recorded, n_threads in itertools.product((1, 7), threads):
            sim.setup(timestep=0.1, seed=2, threads=n_threads)
            cells = _network(sim.IF_curr_exp(), current=current)
            if record:
                cells[:n_recorded].record(record)
            sim.run(5.0)
            sim.end()
    for n in threads:
        lean_fixed = [sig for sig in loops[n].signatures
                      if len(sig[3]) == 0 and str(sig[5].types[0].dtype) != "float64"]
        assert len(lean_fixed) == 1, "\n".join(str(s) for s in lean_fixed)
