"""The static synapses' packed rows, built by as many threads as there are cores.

A row belongs to one target core, so a thread that takes the synapses onto a range of
target cores writes rows no other thread touches, and it writes them in the order of the
jobs: the rows are the same word for word whatever the number of threads. The target
cores are shared out by their synapse counts. A job's synapses come sorted by target
(connectors store them so): each thread places and encodes only its own span of a job; a
job that is not sorted is placed and encoded whole by every thread, each keeping its own
cores' synapses (the same words, more work).

The kernels release the GIL. On the microcircuit (299 M synapses, 607 cores) the rows took
10.2 s on one thread.

Within each group of cores whose ring buffers fit in the processor's cache together
(:func:`neurochip.emulator.spikes.ring_groups`), the index interleaves the rows of one
source slice: the rows of its neuron i on the group's target cores come one after the
other (row ``i`` of group ``g`` is entry ``rlo[g] + i * istride[g]`` of ``row_ptr``,
``istride`` the slice's (target core, source slice) groups there, see :func:`interleave`).
The spike-major delivery (:mod:`neurochip.emulator.spikes`) then finds a spike's rows on
a group of cores side by side in ``syn``: one stretch of memory instead of one cache miss
per core.
"""

from __future__ import annotations

import os
import threading

import numba
import numpy as np

from neurochip.emulator.contract import MAX_PACKED_WORDS
from neurochip.emulator.groups import packed_words

from .errors import MappingError
from .synapse_kernels import packed_index, shift_index

__all__ = ["packed_rows", "core_shares", "interleave"]

MIN_SHARED = 1 << 20  # fewer synapses than this: one thread (starting threads costs more)


def core_starts(tc: np.ndarray):
    """``(first core, where each core from it on starts)`` of a job's target cores ``tc``
    if they are in order (connectors store synapses by target), else None: the synapses
    onto cores [c0, c1) are then ``tc[starts[c0 - first]:starts[c1 - first]]`` (cores
    clipped to the job's)."""
    if len(tc) == 0 or np.any(tc[1:] < tc[:-1]):
        return None
    first = int(tc[0])
    return first, np.searchsorted(tc, np.arange(first, int(tc[-1]) + 2))


def _span(starts, c0, c1, n):
    """``(a, b)``: the synapses of a job (``n`` of them, ``starts`` from
    :func:`core_starts`, None: not in order, all) that may go onto cores [c0, c1)."""
    if starts is None:
        return 0, n
    first, at = starts
    last = first + len(at) - 1
    return (int(at[min(max(c0, first), last) - first]),
            int(at[min(max(c1, first), last) - first]))


def interleave(ukey: np.ndarray, n_sl: int, g_rows: np.ndarray, ring_group: np.ndarray):
    """``(rlo, istride)`` of the groups ``ukey`` (``target core * n_sl + source slice``, in
    order; ``g_rows`` the slice's neurons; ``ring_group`` the group of cores of each core,
    :func:`neurochip.emulator.spikes.ring_groups`): the index entry of each group's row 0
    and the entries between two of its rows. The rows come group of cores by group of
    cores, then source slice by source slice, neuron by neuron, target core by target
    core: a spike's rows on a group of cores lie side by side, and the rows onto one core
    stay among those of its group (the rows are written core by core)."""
    core, src = ukey // n_sl, ukey % n_sl
    order = np.lexsort((core, src, ring_group[core]))
    block = ring_group[core[order]] * n_sl + src[order]
    start = np.flatnonzero(np.r_[True, block[1:] != block[:-1]])  # each block's first group
    per = np.diff(np.r_[start, len(order)])  # groups in each block
    rows = g_rows[order[start]] * per
    base = np.r_[0, np.cumsum(rows)[:-1]].astype(np.int64)
    of = np.repeat(np.arange(len(start)), per)  # the block of each group, in order
    rlo = np.empty(len(ukey), np.int64)
    istride = np.empty(len(ukey), np.int64)
    rlo[order] = base[of] + np.arange(len(order)) - start[of]
    istride[order] = per[of]
    return rlo, istride


@numba.njit(cache=True, nogil=True)
def _count_share(tc, ss, li, n_sl, group_of, rlo, istride, c0, c1, counts):
    """``counts[row] += 1`` for the synapses onto cores [c0, c1)."""
    for k in range(len(tc)):
        c = tc[k]
        if c0 <= c < c1:
            g = group_of[c * n_sl + ss[k]]
            counts[rlo[g] + li[k] * istride[g]] += 1


@numba.njit(cache=True, nogil=True)
def _fill_share(tc, ss, li, n_sl, group_of, rlo, istride, c0, c1, words, floats, cursor, syn,
                syn_wf):
    """Append the word (and float twin) of each synapse onto cores [c0, c1) to its row:
    ``cursor[rlo + neuron * istride]`` is where the row's next word goes (the row index
    itself, which ends one row on, see
    :func:`~neurochip.mapping.synapse_kernels.shift_index`)."""
    for k in range(len(tc)):
        c = tc[k]
        if c0 <= c < c1:
            g = group_of[c * n_sl + ss[k]]
            r = rlo[g] + li[k] * istride[g]
            a = cursor[r]
            cursor[r] = a + 1
            syn[a] = words[k, 0]
            if len(syn_wf):
                syn_wf[a] = floats[k, 0]


def core_shares(core_syn: np.ndarray, threads: int) -> list:
    """``threads`` ranges ``(c0, c1)`` of target cores, in order, with about equal
    synapses (``core_syn`` per core)."""
    n = len(core_syn)
    cum = np.cumsum(core_syn)
    total = int(cum[-1]) if n else 0
    cuts = [0] + [int(np.searchsorted(cum, total * i / threads, side="right"))
                  for i in range(1, threads)] + [n]
    cuts = np.maximum.accumulate(np.minimum(cuts, n))
    return [(int(cuts[i]), int(cuts[i + 1])) for i in range(threads)]


def usable_threads(threads: int | None = None) -> int:
    """Host threads the build and the mapping may use: ``threads`` if given
    (``setup(threads=N)``), else two where this process may use two cores."""
    if threads is not None:
        return max(1, int(threads))
    try:
        return max(1, min(2, len(os.sched_getaffinity(0))))
    except AttributeError:  # no affinity on this platform
        return max(1, min(2, os.cpu_count() or 1))


def host_threads(total: int, threads: int | None = None) -> int:
    """Threads for ``total`` synapses: one below MIN_SHARED, else :func:`usable_threads`."""
    return 1 if total < MIN_SHARED else usable_threads(threads)


def _in_threads(work, shares):
    """``work(c0, c1, first)`` for each share, the first in this thread; errors raised here."""
    errors = []

    def run(c0, c1, first):
        try:
            work(c0, c1, first)
        except BaseException as e:  # raised again in the caller's thread
            errors.append(e)

    others = [threading.Thread(target=run, args=(*s, False), daemon=True) for s in shares[1:]]
    for t in others:
        t.start()
    run(*shares[0], True)
    for t in others:
        t.join()
    if errors:
        raise errors[0]


def packed_rows(jobs, job_starts, place, encode, n_sl, groups, core_syn, with_floats,
                threads=None, ring_group=None):
    """The packed rows of the static ``jobs`` (``(projection, lo, hi)``), as
    :func:`neurochip.mapping.synapses._rows` returns them; ``job_starts`` their
    :func:`core_starts`. ``groups`` is ``(ukey, group_of, g_rows, row_base)``: the groups'
    keys, the group of each key, and the rows of each group and where they start;
    ``core_syn`` the synapses onto each core. ``encode(prj, lo, hi, count)`` counts the
    weights that round to zero only if ``count``. ``threads``: the user's
    ``setup(threads=N)`` (None: see :func:`host_threads`); ``ring_group`` the group of cores
    of each core (:func:`interleave`; None: each core its own)."""
    ukey, group_of, g_rows, row_base = groups
    shares = core_shares(core_syn, host_threads(int(core_syn.sum()), threads))
    if ring_group is None:
        ring_group = np.arange(n_sl)
    rlo, istride = interleave(ukey, n_sl, g_rows, ring_group)
    counts = np.zeros(row_base[-1], np.int32)  # a row's synapses (a few: 4 bytes a row)

    def spans(c0, c1):  # (job, span, placed synapses of the span) of this thread's share
        for (prj, lo, hi), starts in zip(jobs, job_starts):
            a, b = _span(starts, c0, c1, hi - lo)
            if a < b:
                yield (prj, lo, hi), (a, b, starts is not None), place(prj, lo + a, lo + b)

    def count(c0, c1, first):
        for _, _, placed in spans(c0, c1):
            _count_share(*placed, n_sl, group_of, rlo, istride, c0, c1, counts)
            del placed  # before the next job's are made: one job's temporaries a thread

    _in_threads(count, shares)
    total = int(counts.sum(dtype=np.int64))
    if total > MAX_PACKED_WORDS:
        raise MappingError(
            f"the network's static synapses take {total:,} words of packed rows in one "
            f"machine; the row index (int32) addresses at most {MAX_PACKED_WORDS:,}: "
            f"map fewer static synapses (a smaller network) into one machine program")
    # row i of group g: row_ptr[rlo[g] + i * istride[g]] up to the entry after it; the
    # running total of the synapses before each row, then all of them, in int32 (4 bytes
    # a row, no temporaries)
    row_ptr = np.empty(len(counts) + 1, np.int32)
    packed_index(counts, row_ptr)
    syn = np.zeros(total, np.uint32)
    syn_wf = np.zeros(total if with_floats else 0)
    no_floats = np.zeros((0, 1))

    def fill(c0, c1, first):
        # each row is found by its row_ptr entry and filled through it; the entry ends on
        # the next row's start (shift_index puts the starts back)
        for (prj, lo, hi), (a, b, in_order), placed in spans(c0, c1):
            # not in order: every thread has the whole job, one counts its zeros
            words, floats = (encode(prj, lo + a, lo + b, True) if in_order
                             else encode(prj, lo, hi, first))
            _fill_share(*placed, n_sl, group_of, rlo, istride, c0, c1, words.astype(np.uint32),
                        floats if with_floats else no_floats, row_ptr, syn, syn_wf)
            del placed, words, floats  # before the next job's are made

    _in_threads(fill, shares)
    shift_index(row_ptr)
    g_syn = packed_words(rlo, g_rows, istride, row_ptr)
    return (ukey, rlo, np.zeros(len(ukey), np.int64), g_syn, syn, syn_wf, row_ptr, g_syn + g_rows,
            istride)
