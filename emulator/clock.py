"""A time-stamp counter for numba code: ``clock()``, the processor's tick count.

The tick loop times each thread's share of the cores with it (two reads a share and
phase), so that the shares follow the time the cores really take, not only the
machine's cycle estimates (:func:`neurochip.emulator.kernel.rebalance`). It reads
``rdtsc`` on x86-64 and the virtual counter ``cntvct_el0`` on 64-bit ARM, both readable
from user code and constant-rate; elsewhere it returns 0 and the shares follow the
estimates alone (:data:`HAS_CLOCK`). Only which thread takes a core depends on it, never
a result.
"""

import platform

from llvmlite import ir
from numba import types
from numba.core import cgutils
from numba.extending import intrinsic

__all__ = ["clock", "HAS_CLOCK"]

_MACHINE = platform.machine().lower()
_X86 = _MACHINE in ("x86_64", "amd64")
_ARM = _MACHINE in ("aarch64", "arm64")
HAS_CLOCK = _X86 or _ARM


@intrinsic
def clock(typingctx):
    """The processor's time-stamp counter (int64), or 0 where there is none."""

    def codegen(context, builder, sig, args):
        i64 = ir.IntType(64)
        if _X86:
            fn = cgutils.get_or_insert_function(builder.module, ir.FunctionType(i64, []),
                                                "llvm.readcyclecounter")
            return builder.call(fn, [])
        if _ARM:  # llvm.readcyclecounter reads PMCCNTR there, which user code may not
            asm = ir.InlineAsm(ir.FunctionType(i64, []), "mrs $0, cntvct_el0", "=r",
                               side_effect=True)
            return builder.call(asm, [])
        return context.get_constant(types.int64, 0)

    return types.int64(), codegen
