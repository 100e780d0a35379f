"""Name numba's compiled code for ``perf``: a perf map of every kernel loaded from the cache.

``perf`` sees numba's code as anonymous memory. Run a script under this one and, at its
exit, every library numba loaded from its disk cache is written out: its functions' addresses
to ``/tmp/perf-<pid>.map`` (which ``perf report`` reads), and its object file with the
address it was loaded at to ``--objects`` (for ``objdump -d``, to count samples per
instruction). The kernels must be in the cache: a run that compiles them names nothing,
so run the script once before.

    perf record -k mono -F 499 -o perf.data -- \\
        python benchmarks/perf_map.py [--objects DIR] examples/microcircuit.py --scale 1
    perf report -i perf.data --no-children --sort sym

``--threads 2`` on the example keeps the kernel choice (emulator.kernel_choice) from
loading the loop a second time before the run. The emulation's window is printed
(``perf_map: emulate <start> <end>``, CLOCK_MONOTONIC as ``perf record -k mono``):
``perf report --time start,end`` keeps to it.
"""

from __future__ import annotations

import atexit
import os
import runpy
import subprocess
import sys
import time

__all__ = ["install", "write"]

_LIBS = []


def install():
    """Keep the object code of every library numba loads from its cache from now on."""
    from numba.core import codegen

    if getattr(codegen.CPUCodeLibrary, "_perf_map", False):
        return
    plain = codegen.CPUCodeLibrary._unserialize.__func__

    def unserialize(cls, codegen_, state):
        lib = plain(cls, codegen_, state)
        if state[1] == "object":
            _LIBS.append((lib, state[2][0]))
        return lib

    codegen.CPUCodeLibrary._unserialize = classmethod(unserialize)
    codegen.CPUCodeLibrary._perf_map = True


def _symbols(path):
    """``{name: (offset, size)}`` of the code symbols of an object file, and its global ones."""
    syms, strong = {}, []
    out = subprocess.run(["nm", "-S", "--defined-only", path], capture_output=True, text=True)
    for line in out.stdout.splitlines():
        p = line.split()
        if len(p) == 4 and p[2] in "tTwW":
            syms[p[3]] = (int(p[0], 16), int(p[1], 16))
            if p[2] == "T":
                strong.append(p[3])
    return syms, strong


def write(objects: str, map_path: str | None = None) -> int:
    """Write the perf map (default ``/tmp/perf-<pid>.map``) and the object files with their
    load addresses (``objects/bases.txt``: index, address, library); returns the symbols."""
    os.makedirs(objects, exist_ok=True)
    lines, bases = [], []
    for k, (lib, obj) in enumerate(_LIBS):
        path = os.path.join(objects, f"{k}.o")
        with open(path, "wb") as f:
            f.write(obj)
        syms, strong = _symbols(path)
        base = None
        for name in strong:  # a global symbol of this library alone gives where it lies
            addr = lib.get_pointer_to_function(name)
            if addr:
                base = addr - syms[name][0]
                break
        if base is None:
            continue
        bases.append(f"{k} {base:x} {lib.name}\n")
        lines += [f"{base + off:x} {size:x} {name[:200]}\n" for name, (off, size) in syms.items()]
    with open(map_path or f"/tmp/perf-{os.getpid()}.map", "w") as f:
        f.writelines(lines)
    with open(os.path.join(objects, "bases.txt"), "w") as f:
        f.writelines(bases)
    return len(lines)


def _time_emulation():
    from neurochip.emulator import emulate

    plain = emulate.Emulation.run

    def run(self, *a, **k):
        t = time.monotonic()
        try:
            return plain(self, *a, **k)
        finally:
            print(f"perf_map: emulate {t:.6f} {time.monotonic():.6f}", file=sys.stderr)

    emulate.Emulation.run = run


def main():
    args = sys.argv[1:]
    objects = "perf-objects"
    if args[:1] == ["--objects"]:
        objects, args = args[1], args[2:]
    if not args:
        sys.exit(__doc__)
    install()
    _time_emulation()
    atexit.register(lambda: print(f"perf_map: {write(objects)} symbols, objects in {objects}",
                                  file=sys.stderr))
    sys.argv = args
    runpy.run_path(args[0], run_name="__main__")


if __name__ == "__main__":
    main()
