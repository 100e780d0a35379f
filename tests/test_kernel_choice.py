"""Which tick loop a run takes (emulator.kernel_choice): the ski-rental rule, numba's
cache lookup, and the same spikes whichever loop ran, a switch in mid-run included."""

import importlib
import sys
import textwrap

import numba
import numpy as np
import pyNN.neurochip as sim
import pytest

from neurochip.emulator import emulate, kernel_choice
from neurochip.emulator.kernel_choice import LoopChoice, compiled, probe_ticks

TWO = pytest.mark.skipif(numba.config.NUMBA_NUM_THREADS < 2, reason="needs two numba threads")


def test_the_ledger_adds_up_losses_and_compares_them_with_the_compile_time(tmp_path):
    lean = LoopChoice("lean-fixed", "lean", folder=str(tmp_path))
    assert lean.cost == kernel_choice.PARALLEL_EXTRA_S["lean"] == 10.0
    assert lean.lost() == 0.0 and not lean.paid_off()
    lean.add(8.0, threads=2)  # 8 s serial: two threads would have saved 4
    lean.add(2.0, threads=4)  # and 1.5
    assert lean.lost() == pytest.approx(5.5)
    assert not lean.paid_off(4.4) and lean.paid_off(4.5)
    # 4.5 s of the run left on the serial loop at 2 threads: 2.25 s lost, not enough
    assert not lean.worth_now(seconds_per_tick=1e-3, ticks_left=4500, threads=2)
    assert lean.worth_now(seconds_per_tick=1e-3, ticks_left=9000, threads=2)
    other = LoopChoice("lean-float", "lean", folder=str(tmp_path))  # each kernel its own
    assert other.lost() == 0.0
    (tmp_path / kernel_choice.LEDGER).write_text("not json")  # a broken file counts nothing
    assert lean.lost() == 0.0
    lean.add(2.0, threads=2)
    assert lean.lost() == pytest.approx(1.0)


def test_the_probe_is_a_fiftieth_of_the_run_and_at_least_a_hundred_ticks():
    assert probe_ticks(10) == 100 and probe_ticks(10_000) == 200 and probe_ticks(100_000) == 2000


def test_compiled_sees_this_process_and_numbas_disk_cache(tmp_path, monkeypatch):
    (tmp_path / "choice_probe_kernel.py").write_text(textwrap.dedent("""
        import numba

        @numba.njit(cache=True)
        def twice(x):
            return 2 * x
    """))
    monkeypatch.setattr(numba.config, "CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.syspath_prepend(str(tmp_path))
    mod = importlib.import_module("choice_probe_kernel")
    try:
        assert not compiled(mod.twice, (1.5,))
        assert mod.twice(1.5) == 3.0
        assert compiled(mod.twice, (1.5,))  # in this process
        assert not compiled(mod.twice, (np.int32(3),))  # another signature
        fresh = importlib.reload(mod).twice  # a new dispatcher, as in the next process
        assert not fresh.overloads
        assert compiled(fresh, (1.5,))  # found on disk
        assert not compiled(fresh, (np.int32(3),))
        # what the disk gave is kept: the call runs it, with no second load from disk
        assert len(fresh.overloads) == 1
        hits = sum(fresh.stats.cache_hits.values())
        assert fresh(1.5) == 3.0
        assert sum(fresh.stats.cache_hits.values()) == hits
    finally:
        sys.modules.pop("choice_probe_kernel", None)


def _spikes(duration=300.0, **setup):
    sim.setup(timestep=0.1, seed=11, **setup)
    cells = sim.Population(200, sim.IF_curr_exp(i_offset=0.2, tau_syn_E=2.0))
    noise = sim.Population(40, sim.SpikeSourcePoisson(rate=150.0))
    sim.Projection(noise, cells, sim.FixedProbabilityConnector(0.2), sim.StaticSynapse(weight=0.3))
    sim.Projection(cells, cells, sim.FixedProbabilityConnector(0.05),
                   sim.StaticSynapse(weight=0.1, delay=0.5))
    cells.record("spikes")
    sim.run(duration)
    trains = [np.asarray(t) for t in cells.get_data().segments[0].spiketrains]
    em = sim.simulator.state.emulation
    threads = sim.provenance()["threads"]
    sim.end()
    return trains, em, threads


@pytest.fixture
def two_free_cores_and_no_parallel_loop(tmp_path, monkeypatch):
    """The default threads see two free cores; the parallel loop counts as not compiled;
    the ledger starts empty in tmp_path."""
    monkeypatch.setattr(emulate.FREE_CORES, "threads", lambda most, cores=None: 2)
    monkeypatch.setattr(emulate, "compiled", lambda dispatcher, args: False)
    monkeypatch.setattr(emulate, "LoopChoice",
                        lambda key, tier: LoopChoice(key, tier, folder=str(tmp_path)))
    return LoopChoice("lean-fixed", "lean", folder=str(tmp_path))


@TWO
def test_a_short_run_takes_the_serial_loop_and_books_what_it_lost(
        two_free_cores_and_no_parallel_loop):
    ledger = two_free_cores_and_no_parallel_loop
    plain, _, threads = _spikes(threads=1)
    assert threads == 1 and sum(len(t) for t in plain) > 200
    got, em, threads = _spikes()
    assert threads == 1 and em._warm == {"serial"}  # 0.3 s of emulation repays no compile
    assert all(np.array_equal(a, b) for a, b in zip(plain, got))
    assert 0.0 < ledger.lost() < 1.0  # half of this run's emulation time
    # once the losses reach the compile time, the default takes the parallel loop
    ledger.add(2 * ledger.cost, threads=2)
    got, em, threads = _spikes()
    assert threads == 2 and em._warm == {"parallel"}
    assert all(np.array_equal(a, b) for a, b in zip(plain, got))


@TWO
def test_a_long_run_measures_the_serial_loop_then_goes_on_in_parallel(
        two_free_cores_and_no_parallel_loop, monkeypatch):
    monkeypatch.setitem(kernel_choice.PARALLEL_EXTRA_S, "lean", 1e-9)  # any run repays it
    plain, _, _ = _spikes(threads=1)
    got, em, threads = _spikes()
    # the first probe_ticks(3000) = 100 ticks on the serial loop, the rest in parallel
    assert threads == 2 and em._warm == {"serial", "parallel"}
    assert all(np.array_equal(a, b) for a, b in zip(plain, got))


@TWO
def test_explicit_threads_take_the_parallel_loop_whatever_it_costs(
        two_free_cores_and_no_parallel_loop):
    _, em, threads = _spikes(duration=20.0, threads=2)
    assert threads == 2 and em._warm == {"parallel"}


def test_run_reports_the_time_numba_took_to_ready_its_kernels():
    """timings["kernels"]: numba's start-up and kernel loading inside run(), part of the
    stages' time. A fresh process has no kernel loaded, so its first run holds numba's
    compiler lock for some time; a second run of the same network loads nothing more."""
    import subprocess
    code = textwrap.dedent("""
        import json, pyNN.neurochip as sim
        sim.setup(timestep=0.1)
        p = sim.Population(20, sim.IF_curr_exp(i_offset=1.0))
        sim.run(5.0)
        first = dict(sim.simulator.state.timings)
        sim.run(5.0)
        print(json.dumps([first, sim.simulator.state.timings]))
    """)
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd="/")
    assert r.returncode == 0, r.stderr
    first, second = __import__("json").loads(r.stdout.strip().splitlines()[-1])
    stages = sum(first[k] for k in ("graph", "map", "load", "jit", "emulate"))
    assert 0.0 < first["kernels"] <= stages
    assert second["kernels"] == first["kernels"]  # the same kernels: nothing loaded again
