"""The tick loop: the whole machine over a range of ticks (numba; compiled parallel over
cores and serial, see :mod:`neurochip.emulator.kernel_choice`).

Tick ``t`` covers ``[t*dt, (t+1)*dt)``. A spike produced in tick ``t`` carries
the time stamp ``(t+1)*dt`` (as in NEST) and, over a synapse of ``d`` ticks,
is added to ring slot ``t+1+d``, which tick ``t+1+d`` adds to ``I_syn``.

So no spike can reach a neuron sooner than ``d_min + 1`` ticks after it was
emitted, ``d_min`` being the shortest delay in the machine: the loop runs in
stretches of ``d_min`` ticks (at most ``MAX_STRETCH``). In each stretch:

1. current sources, tick by tick, into one row of injected current per tick;
2. every core runs its own ticks (:func:`neurochip.emulator.cores.update_cores`), the
   cores shared out among the threads;
3. the stretch's spikes are recorded and (the full kernel) queued by destination core,
   in emission order (:func:`neurochip.emulator.delivery.sort_packets`, one thread);
4. every core delivers its queue (:func:`neurochip.emulator.delivery.deliver_cores`),
   the cores shared out among the threads; in the lean kernel (static rows only) each
   group of cores takes the stretch's spikes one by one instead
   (:func:`neurochip.emulator.spikes.deliver_spikes`), the groups shared out;
5. each core's cycle estimate of each tick is checked against the budget.

Spikes of the stretch land in ring slots after its end (``t + 1 + d >= t0 +
d_min + 1``), and a core's synaptic-state samples read only the slot of the
next tick, so the result is the same as one tick at a time, on any number of
threads, bit for bit (``tests/test_bit_exact.py``). A stretch of one tick is
the plain tick loop.
"""

import types

import numba
import numpy as np
from numba import prange

from .claim import owners, set_shares
from .clock import clock
from .cores import C_MAX_CYCLES, C_OVERRUN, CYCLES, post_spikes, update_cores
from .delivery import MAX_STRETCH, deliver_cores, sort_packets
from .electrodes import apply_electrodes
from .spikes import deliver_spikes
from .views import CoreOutput, StateRecord

__all__ = ["run_ticks", "run_ticks_serial", "MAX_STRETCH"]

CYCLES_TICK = CYCLES["tick"]


def _tick_loop(t0, t1, pace, tier, cores, rings, sv, pl, st, src, di, el, rec, traffic, buffers):
    """Ticks ``[t0, t1)`` in stretches of ``stretch`` ticks; returns the packet queue and
    extra-spike arrays (grown if a stretch needed more room) for the next call.

    ``pace`` is ``(stretch, cycle budget per tick, split, cost, took, share, groups)``: the per-core
    kernels take many cores a call (numba's reference counts are per call): all of them in the
    serial loop, a thread's share in the parallel one. ``split[0]`` and ``split[1]`` are the
    cores' shares of the neuron updates and of the deliveries (call i starts on cores
    ``split[j, i] .. split[j, i + 1] - 1``), which the loop moves to balance ``cost[0]`` and
    ``cost[1]`` (see
    :func:`rebalance`); ``took[j, i]`` is what call i of phase j took on the processor's
    clock (:mod:`neurochip.emulator.clock`), which :func:`_add_costs` spreads over the cores it took;
    ``share`` the words of :mod:`neurochip.emulator.claim`, through which a thread that has
    done its range of a phase takes cores from the back of another's; ``groups`` is
    ``(grp_lo, split, share)``: the groups of cores of the lean kernel's deliveries
    (:func:`neurochip.emulator.spikes.core_groups`), the threads' first ranges of them and
    their words.
    ``tier`` the kernel's tier (:mod:`neurochip.emulator.tier`). The machine comes as the views of
    :mod:`neurochip.emulator.views`; ``buffers`` is
    ``(pkt, rec_extra)``: the packet queue and the recorded spikes beyond a source's first in a tick
    (:func:`neurochip.emulator.delivery.sort_packets`). The caller sets numba's parallel
    chunk size to 1, so that threads take one range of cores at a time.
    """
    pkt, rec_extra = buffers
    stretch, cycle_budget, split, cost, took, share, groups = pace
    grp_lo, grp_split, grp_share = groups
    n_cores = len(cores.kind)
    n_calls = split.shape[1] - 1
    counters = traffic.counters
    cyc = traffic.cyc
    # what the parallel loops read, taken out of the views beforehand: each loop launch
    # passes its variables to the threads, and a whole view costs more to pass than an array
    i_inj = el.i_inj
    neuron_lo = cores.neuron_lo
    plastic = len(pl.hist_n) > 0
    pkt_lo = traffic.pkt_lo
    out = CoreOutput(traffic.spk, traffic.spk_lo, traffic.spk_n, cyc, counters)
    state_rec = StateRecord(rec.lo, rec.neuron, rec.column, rec.state)
    t = t0
    while t < t1:
        n_ticks = min(stretch, t1 - t)
        if len(el.kind) > 0:
            for k in range(n_ticks):
                apply_electrodes(t + k, el, el.i_inj[k], rec.sources[t + k - t0])
        cyc.fill(0)  # not cyc[:, :] = 0: parallel=True would make that a parfor (a gufunc to compile)
        # the core index as int64 in both loops: numba types a prange index uint64 in the
        # threads' function and int64 when it first types this one, and each type is a
        # compilation of the whole per-core kernel (half of a first run's compile time)
        set_shares(share, split[0])  # each thread its range, then what the others leave
        for i in prange(n_calls):
            tc = clock()
            update_cores(share, np.int64(i), t, n_ticks, t0, tier, cores, rings, src, di, i_inj,
                         state_rec, out)
            took[0, np.int64(i)] = clock() - tc
        if n_calls > 1:  # the updates' cycles, before the deliveries add theirs
            _add_costs(cyc, n_ticks, share, took[0], cost, 0)
        if len(tier) > 0 and plastic:  # the post-spike histories of STDP take the stretch's spikes
            for c in prange(n_cores):
                post_spikes(np.int64(c), neuron_lo[c], t, n_ticks, pl, out)
        if len(tier) == 0:  # static rows only: spike by spike, a group of cores at a time
            pkt, rec_extra = sort_packets(n_ticks, t - t0, cores, traffic, rec, rec_extra, pkt, False)
            set_shares(grp_share, grp_split)
            for i in prange(n_calls):
                deliver_spikes(grp_share, np.int64(i), grp_lo, t, n_ticks, cores, traffic, rings, sv,
                               out)
            if n_calls > 1:
                rebalance(cost, split)
        else:
            pkt, rec_extra = sort_packets(n_ticks, t - t0, cores, traffic, rec, rec_extra, pkt, True)
            set_shares(share, split[1])  # each thread its range, then what the others leave
            for i in prange(n_calls):
                tc = clock()
                deliver_cores(share, np.int64(i), t, n_ticks, tier, pkt, pkt_lo, neuron_lo, rings,
                              sv, pl, st, out)
                took[1, np.int64(i)] = clock() - tc
            if n_calls > 1:
                _add_costs(cyc, n_ticks, share, took[1], cost, 1)
                rebalance(cost, split)
        for c in range(n_cores):
            for k in range(n_ticks):
                total = cyc[c, k] + CYCLES_TICK
                if total > counters[c, C_MAX_CYCLES]:
                    counters[c, C_MAX_CYCLES] = total
                if total > cycle_budget:
                    counters[c, C_OVERRUN] += 1
        t += n_ticks
    return pkt, rec_extra


@numba.njit(cache=True)
def _add_costs(cyc, n_ticks, share, took, cost, j):
    """Add to ``cost[j]`` what each core cost in phase ``j`` of this stretch: its estimated
    cycles (the row sums of ``cyc``; for the deliveries less the updates', which
    ``cost[2]`` keeps) times the time of the thread that took it (``took[i]``, clock ticks;
    the thread from ``share``'s record, :func:`neurochip.emulator.claim.claim`) per estimated
    cycle of the cores that thread took. The machine's estimates say which cores cost
    more than others; the clock says how much a thread's cores really took: an estimate
    that is off for a kind of core (a packet that misses the cache, a Poisson draw) then
    moves the shares as far as the time it costs. Without a clock (``took`` 0) the
    estimates alone."""
    taker = owners(share, len(took))
    est = np.zeros(len(took))
    mine = np.empty(cyc.shape[0])  # each core's estimate of this phase
    for c in range(cyc.shape[0]):
        s = 0.0
        for k in range(n_ticks):
            s += cyc[c, k]
        if j == 0:
            cost[2, c] = s
        mine[c] = s - cost[2, c] if j > 0 else s
        est[taker[c]] += mine[c]
    for c in range(cyc.shape[0]):
        i = taker[c]
        rate = took[i] / est[i] if took[i] > 0 and est[i] > 0.0 else 1.0
        cost[j, c] += rate * mine[c]


@numba.njit(cache=True)
def rebalance(cost, split):
    """Move each phase's share boundaries ``split[j]`` so that the threads' shares of
    ``cost[j]`` (per core: ``cost[0]`` the updates', ``cost[1]`` the deliveries')
    are about equal; then let the costs decay
    (halving in about 30 stretches), so that the shares follow where the spikes go. Only
    which thread takes a core changes, not what it computes: results do not depend on it."""
    n_cores = cost.shape[1]
    n_calls = split.shape[1] - 1
    for j in range(2):
        total = 0.0
        for c in range(n_cores):
            total += cost[j, c]
        run = 0.0
        i = 1
        for c in range(n_cores):
            while i < n_calls and run >= total * i / n_calls:
                split[j, i] = c
                i += 1
            run += cost[j, c]
        while i < n_calls:
            split[j, i] = n_cores
            i += 1
        for c in range(n_cores):
            cost[j, c] *= 0.977


def _renamed(fn, name: str):
    """A copy of ``fn`` under another name. numba files its disk cache under the
    function's name and keys the entries by signature and bytecode, not by the
    ``parallel`` option: two compilations of one function would take each other's."""
    copy = types.FunctionType(fn.__code__, fn.__globals__, name, fn.__defaults__, fn.__closure__)
    copy.__qualname__ = name
    copy.__doc__ = fn.__doc__
    return copy


# One tick loop, compiled twice (neurochip.emulator.kernel_choice says which a run takes):
# with parallel=True the prange loops share the cores out among numba's threads; without
# it they are plain loops, which compile in two thirds of the time (no thread functions,
# and the per-core kernels are not optimised once more inside each of them) and on one
# thread run without a thread launch per stretch
run_ticks = numba.njit(cache=True, parallel=True)(_renamed(_tick_loop, "run_ticks"))
run_ticks_serial = numba.njit(cache=True)(_renamed(_tick_loop, "run_ticks_serial"))
