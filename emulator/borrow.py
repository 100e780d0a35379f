"""Arrays a kernel borrows: the same data, without numba's reference counting.

numba counts the references to every array it passes, binds or slices, with an atomic
operation on a counter that lives with the array's memory (its meminfo). Most of these
cancel out at compile time, but not all: the row ``params[g]`` (and ``state[g]``) made for
each neuron and handed to a cell's step kept two atomic increments and two decrements per
neuron, whichever function made the row (a step's branches let a row die at different
points, and LLVM then merges the decrements where numba's pruning no longer finds them).
perf put 23 % of COBAHH's emulation on one thread in those four operations.

:func:`borrowed` gives the array with no meminfo: numba then has nothing to count (its
``NRT_incref``/``NRT_decref`` return at once on a null meminfo). The caller must keep the
original alive for as long as the borrowed array is used, as a kernel's caller does for
its arguments; never return a borrowed array to Python.
"""

from numba import types
from numba.core import cgutils
from numba.extending import intrinsic

__all__ = ["borrowed"]


@intrinsic
def borrowed(typingctx, arr):
    """``arr`` (any numba array) with a null meminfo: views and copies of the struct made
    from it are not reference counted."""
    if not isinstance(arr, types.Array):
        return None

    def codegen(context, builder, sig, args):
        src = context.make_array(sig.args[0])(context, builder, value=args[0])
        out = context.make_array(sig.return_type)(context, builder, value=src._getvalue())
        out.meminfo = cgutils.get_null_value(out.meminfo.type)
        out.parent = cgutils.get_null_value(out.parent.type)
        return out._getvalue()

    return arr(arr), codegen
