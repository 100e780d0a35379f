"""What a user sees during a run: the compile notice and the progress bar; neither
changes a result."""

import time

import numpy as np
import pyNN.neurochip as sim
import pytest

from neurochip.emulator import emulate
from neurochip.errors import NeurochipError
from neurochip.progress import RunProgress


def _spikes(**setup):
    sim.setup(timestep=0.1, seed=3, **setup)
    cells = sim.Population(300, sim.IF_curr_exp(i_offset=0.5, tau_syn_E=2.0))
    noise = sim.Population(50, sim.SpikeSourcePoisson(rate=200.0))
    sim.Projection(noise, cells, sim.FixedProbabilityConnector(0.2), sim.StaticSynapse(weight=0.2))
    cells.record("spikes")
    sim.run(300.0)
    trains = cells.get_data().segments[0].spiketrains
    emulation = sim.simulator.state.emulation
    sim.end()
    return [np.asarray(t) for t in trains], emulation


def test_the_bar_runs_in_chunks_and_changes_nothing():
    plain, _ = _spikes(progress=False)
    shown, _ = _spikes(progress=True)
    assert sum(len(t) for t in plain) > 100
    assert all(np.array_equal(a, b) for a, b in zip(plain, shown))


def test_the_bar_counts_the_whole_run_in_ms():
    bar = RunProgress(True, 3000, 0.1, 0.0)
    assert bar.chunk_ticks == 100  # at least 100 ticks a kernel call
    for _ in range(30):
        bar.update(100)
    assert bar.bar.n == pytest.approx(300.0) and bar.bar.total == pytest.approx(300.0)
    bar.close()
    off = RunProgress(False, 3000, 0.1, 0.0)
    assert off.bar is None and off.chunk_ticks is None


def test_a_slow_first_call_says_that_the_kernels_compile(monkeypatch):
    _, emulation = _spikes(progress=False)
    said = []
    emulation.reset()
    emulation._warm.clear()
    emulation.compile_notice = lambda: said.append(time.perf_counter())
    kernel = emulation._kernel

    def slow_kernel(*args):  # as numba compiling: the first call waits
        time.sleep(0.3)
        return kernel(*args)

    monkeypatch.setattr(emulate, "NOTICE_AFTER", 0.05)
    monkeypatch.setattr(emulation, "_kernel", slow_kernel)
    emulation.run(10)
    assert len(said) == 1
    said.clear()
    emulation._warm.clear()
    monkeypatch.setattr(emulate, "NOTICE_AFTER", 5.0)
    emulation.run(10)  # a quick load from the cache: no notice
    assert said == []


def test_the_notice_names_the_kernel_and_the_cache(capsys, monkeypatch):
    _, emulation = _spikes(progress=False)
    assert emulation.compile_notice is None  # progress=False: no notice
    emulation.threads_now = 1
    emulation._say_compiling()
    err = capsys.readouterr().err
    assert "compiling the emulator's lean kernel" in err and "for fixed arithmetic" in err
    assert "one-thread loop" in err
    assert "about 15 s" in err and emulate.numba.config.CACHE_DIR in err
    emulation.threads_now = 2  # after the one-thread loop ran: only the parallel loop is new
    emulation._say_compiling()
    err = capsys.readouterr().err
    assert "multi-thread loop" in err and "about 10 s" in err
    emulation.threads_now = 1
    monkeypatch.setattr(emulate, "tier_of", lambda program: (1,))  # as a plastic network's
    emulation._say_compiling()
    err = capsys.readouterr().err
    assert "compiling the emulator's full kernel" in err and "about 55 s" in err


def test_a_bad_progress_setting_is_a_clear_error():
    with pytest.raises(NeurochipError, match=r"setup\(progress='yes'\): use True, False or None"):
        sim.setup(progress="yes")
