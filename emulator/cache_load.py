"""Loading the package's kernels from numba's disk cache without setting up numba's compiler.

Before numba loads a cached function, it refreshes its target context: it imports some
thirty modules of its own (typed containers, linear algebra, random generators, datetime,
jitclass, ...), installs their lowering registries, and builds a typing template for each
of the thousand or so ``@overload`` functions it knows. All of that serves compilation. A
cached kernel is machine code, and what it needs at load is numba's runtime (NRT: its
allocator and reference counts, whose helper functions the refresh compiles and
registers) and the modules its environments name, which the unpickling imports by itself.

For a function defined in this package (``neurochip.*``), :func:`install` has numba's
``Cache.load_overload`` initialise the runtime alone and load. Everything else takes numba's
own path unchanged: another package's cached functions (their code may use symbols that
only the refresh registers, such as the hash secrets of ``numba.cpython.hashing`` or a
third-party extension's), and any compilation, which refreshes both contexts itself.

Measured on CUBA (15 kernels loaded in a fresh process): 0.05 s less of ``sim.run()``, the
same spikes; ``timings["kernels"]`` went from 0.19-0.20 s to 0.14-0.15 s as it was then
counted (without the multi-thread loop's load, which it now counts: 0.15-0.17 s in all).
"""

from numba.core import caching
from numba.core.runtime import rtsys

__all__ = ["install", "installed", "PACKAGE"]

PACKAGE = "neurochip."
_NUMBAS = caching.Cache.load_overload


def _ours(cache) -> bool:
    """Whether ``cache`` is the cache of a function defined in this package."""
    func = getattr(cache, "_py_func", None)
    return (getattr(func, "__module__", None) or "").startswith(PACKAGE)


def _load_overload(self, sig, target_context):
    """numba's ``Cache.load_overload`` (see the module's text): for this package's kernels,
    the runtime initialised instead of the whole context refreshed."""
    if not _ours(self):
        return _NUMBAS(self, sig, target_context)
    rtsys.initialize(target_context)
    with self._guard_against_spurious_io_errors():
        return self._load_overload(sig, target_context)


def install() -> bool:
    """Route numba's cache loads through :func:`_load_overload`; False (and numba left as it
    is) where this numba has not the internals it relies on."""
    needed = (hasattr(caching.Cache, "_load_overload")
              and hasattr(caching.Cache, "_guard_against_spurious_io_errors")
              and hasattr(rtsys, "initialize"))
    if needed:
        caching.Cache.load_overload = _load_overload
    return needed


def installed() -> bool:
    """Whether :func:`install` has taken effect."""
    return caching.Cache.load_overload is _load_overload
