"""A software prefetch for numba code: ``prefetch(array, index)``.

Delivering a packet starts with the row's first word, which is almost never in
cache (the synaptic matrix is tens of megabytes and packets arrive in random
order), so the tick loop asks for rows a few packets ahead. A prefetch never
faults and never changes a value: it only moves a cache line closer.
"""

from llvmlite import ir
from numba import types
from numba.core import cgutils
from numba.extending import intrinsic

__all__ = ["prefetch"]


@intrinsic
def prefetch(typingctx, arr, idx):
    """Hint that ``arr[idx]`` (of a 2-d array: its row ``idx``) will be read soon (LLVM's
    ``llvm.prefetch``)."""
    if not isinstance(arr, types.Array) or arr.ndim > 2 or not isinstance(idx, types.Integer):
        return None

    def codegen(context, builder, sig, args):
        aryty = sig.args[0]
        ary = context.make_array(aryty)(context, builder, args[0])
        at = [context.cast(builder, args[1], sig.args[1], types.intp)]
        at += [context.get_constant(types.intp, 0)] * (aryty.ndim - 1)
        ptr = cgutils.get_item_pointer(context, builder, aryty, ary, at, wraparound=False)
        i32 = ir.IntType(32)
        if getattr(ptr.type, "is_opaque", False):  # LLVM 15 and later
            name = "llvm.prefetch.p0"
        else:
            ptr = builder.bitcast(ptr, ir.IntType(8).as_pointer())
            name = "llvm.prefetch.p0i8"
        fnty = ir.FunctionType(ir.VoidType(), [ptr.type, i32, i32, i32])
        fn = cgutils.get_or_insert_function(builder.module, fnty, name)
        builder.call(fn, [ptr, i32(0), i32(3), i32(1)])  # read, keep in all levels, data
        return context.get_dummy_value()

    return types.void(arr, idx), codegen
