"""The package's kernels load from numba's cache without numba's compiler set-up
(emulator.cache_load), compute what they computed when compiled, and leave every other
function, and any compilation, to numba's own path."""

import json
import subprocess
import sys
import textwrap
from types import SimpleNamespace

import numba
from numba.core import caching

from neurochip.emulator import cache_load

# a fresh process: one run of a small network, its spikes, and whether numba's typing
# context took its registries (its refresh) before and after a compilation of our own
SCRIPT = textwrap.dedent("""
    import json, numba, numpy as np
    import pyNN.neurochip as sim
    from numba.core.registry import cpu_target
    sim.setup(timestep=0.1, threads=1)  # the one-thread loop: no choice to compile another
    rng = sim.NumpyRNG(seed=7)
    p = sim.Population(300, sim.IF_curr_exp(i_offset=1.0, tau_refrac=2.0))
    p.initialize(v=sim.RandomDistribution("uniform", (-65.0, -55.0), rng=rng))
    sim.Projection(p, p, sim.FixedProbabilityConnector(0.1, rng=rng),
                   sim.StaticSynapse(weight=0.05, delay=0.5))
    p.record("spikes")
    sim.run(200.0)
    trains = [[float(t) for t in st] for st in p.get_data("spikes").segments[0].spiketrains]
    refreshed = len(cpu_target.typing_context._registries) > 0

    @numba.njit
    def twice(x):
        return 2 * x
    compiled = twice(np.arange(3)).tolist()
    print(json.dumps({"trains": trains, "refreshed": refreshed, "compiled": compiled,
                      "after": len(cpu_target.typing_context._registries) > 0}))
""")


def _fresh_process():
    r = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, cwd="/")
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout.strip().splitlines()[-1])


def test_kernels_load_without_numbas_refresh_and_compute_the_same_spikes():
    """The first process may compile the kernels (then numba refreshes, as it must); the
    second finds them all in the cache and loads them without the refresh. Both have the
    same spikes, and a function compiled afterwards in the second gets numba's refresh."""
    first = _fresh_process()
    second = _fresh_process()
    if second["refreshed"]:
        # other test workers compiling the same kernels at the same time can overwrite
        # numba's index of a kernel with theirs; the second process then compiles again and
        # writes the entry back, so a third finds every kernel (a broken loader never does)
        second = _fresh_process()
    assert sum(map(len, first["trains"])) > 100  # the network fires
    assert second["trains"] == first["trains"]
    assert not second["refreshed"]  # every kernel came from the cache, none refreshed numba
    assert second["compiled"] == [0, 2, 4] and second["after"]


def test_only_the_packages_functions_skip_the_refresh():
    assert cache_load.installed()
    ours = SimpleNamespace(_py_func=cache_load.install)  # what a Cache holds of its function
    theirs = SimpleNamespace(_py_func=textwrap.dedent)
    assert cache_load._ours(ours) and not cache_load._ours(theirs)
    assert caching.Cache.load_overload is cache_load._load_overload
    assert numba.njit(cache=False)(lambda x: x + 1)(1) == 2  # compiling still works
