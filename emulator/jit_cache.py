"""Where numba caches the emulator's compiled kernels.

numba decides whether a cached kernel is stale from the source file of the
jitted function alone; a kernel inlines helpers from other files (fixed point,
models), so a change there would silently reuse an old kernel. The cache
therefore lives in a folder named after a hash of every emulator source file:
any change to the emulator starts a fresh cache. ``NUMBA_CACHE_DIR`` set by the
user wins.

Each folder holds 30-60 MB of kernels, and every upgrade (or edit) of the emulator
makes a new one: :func:`keep_recent` removes those of the versions not used lately.
"""

import hashlib
import os
import pathlib
import re
import shutil

import numba

__all__ = ["use_versioned_cache", "keep_recent", "in_room", "INNER", "KEEP"]

KEEP = 4  # kernel folders kept: those of the emulator versions used last
STAMP = "last_used"  # a folder's file touched by every process that uses it
_FOLDER = re.compile(r"numba-[0-9a-f]{16}\Z")  # the folders use_versioned_cache names


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
    keep_recent(folder)
    return folder


def keep_recent(folder: str, keep: int = KEEP) -> list:
    """Stamp the kernel folder ``folder`` as used now, and remove those beside it beyond
    the ``keep`` used last (by their stamps; a folder never stamped by its modification
    time). Only folders named as :func:`use_versioned_cache` names them are touched.
    Returns the paths removed; where the cache cannot be written, nothing."""
    base = os.path.dirname(folder)
    try:
        os.makedirs(folder, exist_ok=True)
        pathlib.Path(folder, STAMP).touch()
        names = [n for n in os.listdir(base) if _FOLDER.match(n)]
    except OSError:
        return []

    def used(name):
        for path in (os.path.join(base, name, STAMP), os.path.join(base, name)):
            try:
                return os.stat(path).st_mtime
            except OSError:
                pass
        return 0.0

    gone = []
    for name in sorted(names, key=used, reverse=True)[keep:]:
        path = os.path.join(base, name)
        if os.path.abspath(path) != os.path.abspath(folder):
            shutil.rmtree(path, ignore_errors=True)
            gone.append(path)
    return gone


# numba's options for a kernel that only other kernels call. numba gives every compiled
# function a CPython wrapper (which unboxes each argument: for a per-core kernel taking
# views of the whole machine, 0.2-0.4 s of a first compile, and as much again in LLVM) and a
# C wrapper (for first-class function use); a kernel never called from Python needs neither.
# A first-ever CUBA run compiled 2 s less without them. Called from Python, such a kernel
# crashes the interpreter (numba does not check): only for kernels Python never calls.
INNER = {"cache": True, "no_cpython_wrapper": True, "no_cfunc_wrapper": True}


# Room for numba's compiler on CPython's frame stack. CPython 3.11 keeps Python frames in
# chunks of 16 KiB and unmaps a chunk as soon as the stack shrinks back out of it; numba's
# compiler, recursing up and down across a chunk's edge, then maps and unmaps memory at
# every crossing. A first-ever CUBA run took 700,000 page faults and 4 s of system time
# (its compile 3-4 s longer) or 280,000, depending only on the depth of the script's call to
# run(). A frame that declares this many stack slots (8 bytes each) needs a chunk of its own,
# which CPython sizes to the next power of two (256 KiB): the ~125 KiB left above the frame
# hold the compiler's deepest recursion, and no chunk edge is crossed (100,000 page faults,
# 0.5 s of system time, whatever the depth).
ROOM_SLOTS = 16384


def in_room(fn, *args):
    """``fn(*args)`` with about 125 KiB of free frame stack above it (see ``ROOM_SLOTS``):
    for calls that may compile kernels."""
    return fn(*args)


in_room.__code__ = in_room.__code__.replace(co_stacksize=ROOM_SLOTS)
