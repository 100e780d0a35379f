"""benchmarks/perf_map.py names numba's cached code for perf: the map gives each function
of a library loaded from the cache the address it runs at."""

import os
import pathlib
import shutil
import subprocess
import sys
import textwrap

import pytest

BENCHMARKS = pathlib.Path(__file__).resolve().parents[1] / "benchmarks"

KERNEL = """
import numba

@numba.njit(cache=True)
def twice_plus(x):
    return 2 * x + 1
"""

PROBE = """
import sys
sys.path.insert(0, {benchmarks!r})
sys.path.insert(0, {here!r})
import perf_map
perf_map.install()
import probe_kernel
assert probe_kernel.twice_plus(3) == 7
n = perf_map.write({objects!r}, {map_path!r})
cres = next(iter(probe_kernel.twice_plus.overloads.values()))
name = cres.fndesc.llvm_func_name
print(n, name, hex(cres.library.get_pointer_to_function(name)))
"""


@pytest.mark.skipif(shutil.which("nm") is None, reason="needs binutils' nm")
def test_the_map_gives_a_cached_function_the_address_it_runs_at(tmp_path):
    (tmp_path / "probe_kernel.py").write_text(KERNEL)
    env = dict(os.environ, NUMBA_CACHE_DIR=str(tmp_path / "cache"))
    compile_it = (f"import sys; sys.path.insert(0, {str(tmp_path)!r}); import probe_kernel; "
                  f"probe_kernel.twice_plus(3)")
    subprocess.run([sys.executable, "-c", compile_it], check=True, env=env)  # into the cache
    map_path = tmp_path / "perf.map"
    probe = textwrap.dedent(PROBE).format(benchmarks=str(BENCHMARKS), here=str(tmp_path),
                                         objects=str(tmp_path / "objects"), map_path=str(map_path))
    out = subprocess.run([sys.executable, "-c", probe], check=True, env=env, capture_output=True,
                         text=True).stdout.split()
    n, name, addr = int(out[0]), out[1], int(out[2], 16)
    entries = {line.split()[2]: int(line.split()[0], 16) for line in map_path.read_text().splitlines()}
    assert n == len(entries) > 0
    assert entries[name] == addr  # where the function the process calls really is
    assert (tmp_path / "objects" / "bases.txt").read_text().strip()
