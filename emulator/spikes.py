"""Spike-major delivery of the static rows: a group of target cores at a time, each spike of
the stretch in the order the machine emits them, to every core of the group the spike's key
reaches (the lean kernel's path; see :mod:`neurochip.emulator.kernel`).

:func:`neurochip.emulator.delivery.deliver_cores` takes one core at a time and its queue of
packets: on a large machine every packet's row is somewhere else in memory, two cache
misses a packet (its index entry, then its words), and a Brunel network of 100,000 neurons
spends most of its emulation waiting on them (392 cores, a spike is a packet to ~375 of
them, rows of ~3 synapses). The mapping lays the packed rows of one source neuron on the
cores of a group of neighbouring cores side by side
(:func:`neurochip.mapping.packed_rows.interleave`), so here a spike's rows on a group are
one short stretch of ``row_ptr`` and of ``syn``, read in order and fetched ahead, while
the group's ring buffers stay in the processor's cache (``RING_GROUP_ENTRIES``). Brunel
at 100,000 neurons, 200 ms: emulation 8.2-8.7 s -> 4.2-6.7 s, then 4.3-4.5 s once each
thread read its list of the stretch's spikes in order and the master-table memo's records
of a source lay side by side.

Each core still receives its packets in emission order (tick, source core, the source's
order, a spike of ``m`` packets ``m`` times in a row), as in ``deliver_cores``: the ring
sums (saturations and float rounding included), counters and cycle estimates are the same
bit for bit (``tests/test_bit_exact.py``, ``tests/test_spike_major.py``). The master-table
search is the same search (the memo by source core, else the binary search).
"""

import numba
import numpy as np

from .borrow import borrowed
from .claim import WORD_STRIDE, claim
from .cores import C_FAILED_MPT, C_PKTS_RX, C_RING_SAT, C_SYN_EVENTS, SPIKE_MULT_SHIFT, SPIKE_NEURON_MASK
from .delivery import CORE_SHIFT, CYCLES_PACKET, CYCLES_SYNAPSE, TICK_BITS, entry_rows, mpt_search, ring_add
from .jit_cache import INNER
from .prefetch import prefetch
from .sorted_search import lower_bound

__all__ = ["deliver_spikes", "core_groups", "ring_groups", "RING_GROUP_ENTRIES"]

RING_GROUP_ENTRIES = 1 << 17  # ring entries of one group of cores, at most (256 KiB in fixed point)
BLOCK = 512  # spikes whose rows are looked up and prefetched before they are delivered
AHEAD = 16  # spikes between the prefetch of a spike's words and its delivery
LINES = 4  # 64-byte lines of a spike's rows on a group prefetched, at most


def ring_groups(entries: np.ndarray) -> np.ndarray:
    """Boundaries (``G + 1``) of the groups of consecutive cores whose ring buffers
    (``entries`` per core) hold at most ``RING_GROUP_ENTRIES`` together (a core with a
    larger ring is a group of its own). The mapping interleaves the packed rows within
    these groups (:func:`neurochip.mapping.packed_rows.interleave`).

    The size is a compromise measured on two networks (emulation seconds, 2 threads, group
    size in KiB of fixed-point rings, 32 KiB a core in Brunel, 128 KiB in the microcircuit;
    with the rows interleaved over all the cores, not group by group):
    Brunel at 100,000 neurons 8.3 (64), 6.7 (128), 5.8 (256), 5.8 (768), 5.7 (2048); the
    microcircuit 13.0 (128), 13.7 (256), 14.7 (768), 15.3 (4096): the rings of a group
    must stay in the processor's cache, and a group costs a walk over the stretch's spikes."""
    bounds = [0]
    held = 0
    for c in range(len(entries)):
        n = int(entries[c])
        if held > 0 and held + n > RING_GROUP_ENTRIES:
            bounds.append(c)
            held = 0
        held += n
    if len(entries):
        bounds.append(len(entries))
    return np.array(bounds, np.int64)


def core_groups(entries: np.ndarray, threads: int) -> np.ndarray:
    """The delivery's groups of cores: :func:`ring_groups`, with the groups of most cores
    cut in two until every thread has two groups to take (where there are cores enough: a
    thread done with its groups takes the others' last ones)."""
    bounds = list(ring_groups(entries))
    while len(bounds) - 1 < 2 * threads:
        sizes = np.diff(bounds)
        if len(sizes) == 0 or sizes.max() < 2:
            break
        g = int(np.argmax(sizes))
        bounds.insert(g + 1, bounds[g] + sizes[g] // 2)
    return np.array(bounds, np.int64)


@numba.njit(**INNER)
def deliver_spikes(share, i, grp_lo, t0, n_ticks, cores, traffic, rings, sv, out):
    """Deliver the stretch of ``n_ticks`` ticks from tick ``t0`` to each group of cores
    ``grp_lo[q] .. grp_lo[q + 1] - 1`` that thread ``i`` takes from the ranges of groups
    ``share`` (:func:`neurochip.emulator.claim.claim`): the stretch's spikes
    (``traffic.spk``, the spikes of core ``c`` in tick offset ``k`` are the next
    ``traffic.spk_n[c, k]`` from ``traffic.spk_lo[c]``) in emission order, each to the cores
    of the group among its destinations (``traffic.dest``, sorted for each neuron). ``sv``
    is the SynapseView (static rows only: the lean kernel), ``out`` the CoreOutput.

    The thread first lists the stretch's spikes, a row each: packet word, spike entry and
    where its destinations continue and end, so that a group reads them in order, not
    from arrays indexed by neuron. A spike's destinations go on from the previous group's
    where the thread takes the groups in order (else they are searched). The spikes go in
    blocks of BLOCK: for each, its rows' index entries on the group (prefetched); then the
    deliveries, each AHEAD spikes after the prefetch of its rows' words (up to LINES
    lines), so that the memory of later spikes is on its way while a spike is delivered
    (prefetched for the whole block at once, they had left the first-level cache by then:
    Brunel at 100,000 neurons 5.1-5.4 against 4.9-5.3 s). The master-table
    memo's records of a source core lie side by side (``sv.mpt_memo``,
    :func:`neurochip.emulator.delivery.memo_searches`)."""
    spk, spk_lo, spk_n = traffic.spk, traffic.spk_lo, traffic.spk_n
    dest_lo, dest_hi = traffic.dest_lo, traffic.dest_hi
    dest = borrowed(traffic.dest)  # read per spike, also through lower_bound (emulator.borrow)
    sends, key_of = cores.sends, cores.key_of
    row_ptr = sv.row_ptr
    syn, syn_wf = sv.syn, sv.syn_wf
    float_syn = len(syn_wf) > 0
    ring = rings.ring
    memo = sv.mpt_memo
    memoised = len(memo) > 0
    kmask = np.int64(0xFFFFFFFF)
    tmask = np.int64((1 << TICK_BITS) - 1)
    n_cores = np.int64(len(sends))
    un = np.uint64(n_cores)
    n_calls = len(share) // WORD_STRIDE
    off = np.empty(n_cores, np.int64)
    n_spk = np.int64(0)
    for c in range(n_cores):
        if sends[c]:
            for k in range(n_ticks):
                n_spk += spk_n[c, k]
    # the sending spikes in emission order: packet word (source core, key, tick offset),
    # spike entry (neuron, multiplicity), the next and the end of its destinations
    spikes = np.empty((n_spk, 4), np.int64)
    pend = np.empty((2, BLOCK), np.int64)  # per spike of a block: first and last row index
    for c in range(n_cores):
        off[c] = spk_lo[c]
    ne = 0
    for k in range(n_ticks):
        for c in range(n_cores):
            s0 = off[c]
            off[c] = s0 + spk_n[c, k]
            if sends[c]:
                for s in range(s0, off[c]):
                    g = spk[s] & SPIKE_NEURON_MASK
                    spikes[ne, 0] = (np.int64(c) << CORE_SHIFT) | (np.int64(key_of[g]) << TICK_BITS) | k
                    spikes[ne, 1] = spk[s]
                    spikes[ne, 2] = dest_lo[g]
                    spikes[ne, 3] = dest_hi[g]
                    ne += 1
    prev_b = np.int64(-1)  # the end of the thread's last group: the spikes' destinations go on there
    while True:
        q = claim(share, i, n_calls)
        if q < 0:
            break
        a = grp_lo[q]
        b = grp_lo[q + 1]
        ua = np.uint64(a)
        n = b - a
        base = np.empty(n, np.int64)  # each core's ring, and its layout
        rmask = np.empty(n, np.int64)
        tbits = np.empty(n, np.int64)
        # per core of the group and tick offset: packets, failed searches, synaptic events
        # (the cycles follow from them); per core: saturations
        tally = np.zeros((3, n, n_ticks), np.int64)
        sats = np.zeros(n, np.int64)
        for dc in range(a, b):
            tb = rings.type_bits[dc] + rings.idx_bits[dc]
            base[dc - a] = rings.lo[dc]
            rmask[dc - a] = (np.int64(1) << (rings.delay_bits[dc] + tb)) - 1
            tbits[dc - a] = tb
        for blo in range(0, ne, BLOCK):
            bhi = min(blo + BLOCK, ne)
            for x in range(blo, bhi):  # each spike's first destination in the group, its rows
                j = spikes[x, 2]
                j1 = spikes[x, 3]
                if a != prev_b:  # the first destination >= a (a binary search)
                    if a < prev_b:
                        j = dest_lo[spikes[x, 1] & SPIKE_NEURON_MASK]
                    j = lower_bound(dest, j, j1, a)
                    spikes[x, 2] = j
                pend[0, x - blo] = -1
                j0 = j
                while j < j1 and dest[j] < b:
                    j += 1
                if j > j0 and memoised:  # the spike's destinations in the group: j0 .. j - 1
                    w = spikes[x, 0]
                    rec = (w >> CORE_SHIFT) * n_cores
                    p = rec + dest[j0]
                    for pp in range(p + 1, rec + dest[j - 1] + 1, 2):  # the lines of its other records
                        prefetch(memo, pp)
                    if memo[p, 0] >= 0 and memo[p, 1] >= 0 and memo[p, 3] & kmask == 0:
                        local = (w >> TICK_BITS) & memo[p, 2] & kmask
                        if local < memo[p, 2] >> 32:  # packed rows, through the index
                            r = memo[p, 1] + local * (memo[p, 3] >> 32)
                            # the group's rows of the spike usually follow this one in the index
                            last = min(r + j - j0, len(row_ptr) - 1)
                            pend[0, x - blo] = r
                            pend[1, x - blo] = last
                            prefetch(row_ptr, r)
                            prefetch(row_ptr, last)
            for x in range(blo - AHEAD, bhi):
                z = x + AHEAD  # the words of a later spike's rows (up to LINES lines)
                if z < bhi and pend[0, z - blo] >= 0:
                    lo = np.int64(row_ptr[pend[0, z - blo]])
                    hi = min(np.int64(row_ptr[pend[1, z - blo]]), lo + 16 * LINES)
                    for v in range(lo, max(hi, lo + 1), 16):
                        prefetch(syn, v)
                if x < blo:
                    continue
                # the deliveries
                # (unsigned indices here: numba adds no wrap-around of a negative index)
                w = spikes[x, 0]
                uc = np.uint64(w >> CORE_SHIFT)
                uk = np.uint64(w & tmask)
                key = (w >> TICK_BITS) & kmask
                m = (spikes[x, 1] >> SPIKE_MULT_SHIFT) + 1
                rec = uc * un if memoised else np.uint64(0)
                stamp = np.int64(t0) + (w & tmask) + 1
                j1 = np.uint64(spikes[x, 3])
                j = np.uint64(spikes[x, 2])
                while j < j1 and dest[j] < b:
                    dc = np.uint64(dest[j])
                    j += np.uint64(1)
                    y = dc - ua
                    tally[0, y, uk] += m
                    p = rec + dc
                    if memoised and memo[p, 0] >= 0:  # the search's entry for every key of c
                        local = key & memo[p, 2] & kmask
                        if local >= memo[p, 2] >> 32:
                            tally[1, y, uk] += m
                            continue
                        row_lo = memo[p, 1]
                        strides = memo[p, 3]
                    else:
                        e, local = mpt_search(np.int64(dc), key, sv)
                        if e < 0:
                            tally[1, y, uk] += m
                            continue
                        row_lo, strides = entry_rows(e, sv)
                    if row_lo < 0:  # no static rows (the lean kernel has no others)
                        continue
                    if strides & kmask == 0:  # packed: through the index
                        r = np.uint64(row_lo + local * (strides >> 32))
                        ul = np.uint64(row_ptr[r])
                        cnt = np.uint64(row_ptr[r + np.uint64(1)]) - ul
                    else:  # strided: the count is the row's first word
                        r = np.uint64(row_lo + local * (strides & kmask))
                        cnt = np.uint64(syn[r])
                        ul = r + np.uint64(1)
                    # the row into the core's ring at arrival time tt, as delivery._static_row
                    # adds it, but on the whole arrays: a slice or a call taking arrays may
                    # change their reference counts, atomically, and the threads share them
                    # (a cache line taken from core to core at every packet)
                    um = np.uint64(rmask[y])
                    ut = np.uint64(stamp << tbits[y])
                    ub = np.uint64(base[y])
                    sat = 0
                    for _ in range(m):
                        for v in range(cnt):
                            word = np.uint64(syn[ul + v])
                            sat += ring_add(ring, ub + ((word + ut) & um), word,
                                            syn_wf[ul + v] if float_syn else 0.0)
                    if sat:
                        sats[y] += sat
                    tally[2, y, uk] += m * np.int64(cnt)
                spikes[x, 2] = np.int64(j)
        prev_b = b
        counters = out.counters
        for dc in range(a, b):
            y = dc - a
            for k in range(n_ticks):  # a packet costs its search, and its row if it has one
                pk, failed, events = tally[0, y, k], tally[1, y, k], tally[2, y, k]
                out.cyc[dc, k] += CYCLES_PACKET * (pk - failed) + CYCLES_SYNAPSE * events
                counters[dc, C_PKTS_RX] += pk
                counters[dc, C_FAILED_MPT] += failed
                counters[dc, C_SYN_EVENTS] += events
            counters[dc, C_RING_SAT] += sats[y]
