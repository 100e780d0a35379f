"""Where numba caches the emulator's compiled kernels.

numba decides whether a cached kernel is stale from the source file of the
jitted function alone; a kernel inlines helpers from other files (fixed point,
models), so a change there would silently reuse an old kernel. The cache
therefore lives in a folder named after a hash of every emulator source file:
any change to the emulator starts a fresh cache. ``NUMBA_CACHE_DIR`` set by the
user wins.
"""

import hashlib
import os
import pathlib

import numba

__all__ = ["use_versioned_cache"]


def _source_hash() -> str:
    root = pathlib.Path(__file__).resolve().parent
    h = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        h.update(str(path.relative_to(root)).encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def use_versioned_cache() -> str:
    """Point numba's cache at the versioned folder (before any kernel is defined)."""
    if os.environ.get("NUMBA_CACHE_DIR"):
        return numba.config.CACHE_DIR
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    folder = os.path.join(base, "neurochip", f"numba-{_source_hash()}")
    numba.config.CACHE_DIR = folder
    return folder
