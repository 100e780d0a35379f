"""The machine split over MPI processes gives one process's answer, bit for bit.

``tests/mpi_cases.py`` runs networks of ``test_bit_exact`` under ``mpirun -n N`` and prints
their digests (spikes, recorded state, per-core counters including the cycle estimates,
packets, link counts and learned STDP weights); they must be the golden digests of one
process. Skipped when mpi4py or an mpirun is missing (``pip install -e ".[mpi]"``).
"""

import json
import os
import pathlib
import shutil
import subprocess
import sys

import numpy as np
import pytest

from neurochip.emulator import EmulatorError
from neurochip.emulator.ranks import launched_size, split_cores, world

HERE = pathlib.Path(__file__).parent
GOLDEN = json.loads((HERE / "data" / "golden_runs.json").read_text())


def _mpirun():
    """The launcher of mpi4py's MPI: the one beside this Python (the [mpi] extra's), else
    the first on PATH."""
    try:
        import mpi4py  # noqa: F401  (the package only: mpi4py.MPI would start MPI here)
    except ImportError:
        return None
    own = pathlib.Path(sys.executable).parent
    for name in ("mpiexec", "mpirun"):
        if (own / name).exists():
            return str(own / name)
    return shutil.which("mpiexec") or shutil.which("mpirun")


MPIRUN = _mpirun()
needs_mpi = pytest.mark.skipif(MPIRUN is None, reason="mpi4py or mpirun missing: pip install -e '.[mpi]'")


def _run(n, cases):
    env = {k: v for k, v in os.environ.items() if k not in ("PMI_SIZE", "OMPI_COMM_WORLD_SIZE")}
    r = subprocess.run([MPIRUN, "-n", str(n), sys.executable, str(HERE / "mpi_cases.py"), *cases],
                       capture_output=True, text=True, timeout=1500, env=env, stdin=subprocess.DEVNULL)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    lines = [line for line in r.stdout.splitlines() if line.startswith("{")]
    assert len(lines) == 1, r.stdout[-3000:]  # rank 0 prints, the others do not
    return json.loads(lines[0])


def _check(found, n, cases):
    for name in cases:
        got = found[name]
        assert got["num_processes"] == n and got["rank"] == 0
        assert got["digest"] == GOLDEN[name], f"{name} on {n} ranks differs from one process"
        assert got["get_data_spikes"] == got["result_spikes"] > 50
        loads = got["ranks"]
        assert [r["rank"] for r in loads] == list(range(n))
        assert all(r["cores"] > 0 and r["stretches"] > 0 for r in loads)
        assert sum(r["words_sent"] for r in loads) == sum(r["words_received"] for r in loads) / (n - 1)


@needs_mpi
def test_two_ranks_give_one_process_bit_for_bit():
    """Plastic rows (STDP weights), Tsodyks-Markram and stochastic rows, current sources,
    spike arrays, saturations, two runs with state carried over, stretches of 10 and 15
    ticks: the fixed-point networks of the golden digests."""
    cases = ["plastic-fixed", "mixed-fixed", "balanced-fixed-d1.5", "dopamine-fixed",
             "recurrent-fixed"]
    _check(_run(2, cases), 2, cases)


@pytest.mark.slow
@needs_mpi
@pytest.mark.parametrize("n, cases", [
    (2, ["plastic-float", "mixed-float", "balanced-float-d1.0", "dopamine-float",
         "recurrent-float"]),
    (4, ["plastic-fixed", "mixed-fixed", "balanced-fixed-d1.5"]),
])
def test_more_ranks_and_float_give_one_process_bit_for_bit(n, cases):
    _check(_run(n, cases), n, cases)


def test_split_cores_cuts_contiguous_runs_of_equal_load():
    assert split_cores(np.array([1, 1, 1, 1, 1, 1, 6.0]), 2).tolist() == [0] * 6 + [1]
    assert split_cores(np.array([3, 1, 1, 1, 3, 3.0]), 3).tolist() == [0, 0, 1, 1, 1, 2]
    assert np.all(np.diff(split_cores(np.random.default_rng(1).random(50), 4)) >= 0)
    assert split_cores(np.ones(3), 5).tolist() == [0, 2, 4]  # fewer cores than ranks
    assert split_cores(np.ones(8), 1).tolist() == [0] * 8


def test_one_process_imports_no_mpi(monkeypatch):
    for name in ("PMI_SIZE", "OMPI_COMM_WORLD_SIZE", "NEUROCHIP_MPI"):
        monkeypatch.delenv(name, raising=False)
    assert launched_size() == 1
    assert world() is None


def test_mpirun_without_mpi4py_says_what_to_install(monkeypatch):
    monkeypatch.setenv("PMI_SIZE", "2")
    monkeypatch.setitem(sys.modules, "mpi4py", None)  # as if not installed
    with pytest.raises(EmulatorError, match=r"one of 2 .* mpi4py is not installed: pip install"):
        world()
