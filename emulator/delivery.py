"""Packet delivery: sorting a stretch's spikes into per-core queues, then each core's
master-table searches and synaptic rows.

``sort_packets`` (one thread) walks the spikes of a stretch of ticks in the order
the machine emits them (tick, then core, then the core's own order) and appends
one packet per destination core of the key to that core's queue: a packet is
``source core << CORE_SHIFT | key << TICK_BITS | tick offset``, so that the deliveries
read neither the key nor the source core from arrays indexed by neuron (two cache misses
a packet on a large machine, where a spike is a packet to hundreds of cores).
``deliver_cores`` then works through one core's queue in that order, so every core sees
its packets in the same order whatever the number of threads: float sums and short-term
plasticity come out bit-identical. It first searches the master population table for
every packet of a block of the queue, then walks the block's rows, prefetching the rows
of later packets while it adds the weights of the current one into the ring buffer. (The
lean kernel delivers spike by spike instead: :mod:`neurochip.emulator.spikes`.)

The search's result depends only on the core and the key, and every key of a source core
usually falls in one entry: ``memo_searches`` finds that entry once per (core, source
core) when the emulation is loaded, where the binary search would end on it for each of
the source's keys, and a packet then reads it from the memo instead of searching (the
other packets are searched). The entry, the packet's local index and the counters are
the search's; the cycles charged for a packet are the hardware's search, as before.
Brunel at 100,000 neurons, 392 cores: emulation 11.6 -> 8.2 s.

A memo record holds what a packet needs of its entry (MEMO_FIELDS), and the records of one
source core lie side by side: a spike on a group of neighbouring cores reads one short run
of them instead of one line of each of the master table's arrays per core.
"""

import numba
import numpy as np
from numba import types
from numba.extending import overload

from .claim import WORD_STRIDE, claim
from .cores import (
    C_FAILED_MPT,
    C_PKTS_RX,
    C_RING_SAT,
    C_STDP_LOST,
    C_SYN_EVENTS,
    CYCLES,
    SPIKE_MULT_SHIFT,
    SPIKE_NEURON_MASK,
)
from .fixed import sat_ring_add
from .jit_cache import INNER
from .prefetch import prefetch
from .structural import note_spike, rewire
from .synapse_dynamics import dynamic_row

__all__ = ["sort_packets", "deliver_cores", "ring_add", "memo_searches", "entry_rows", "TICK_BITS",
           "MAX_STRETCH", "MEMO_MAX", "MEMO_FIELDS", "MAX_CORES"]

TICK_BITS = 7
CORE_SHIFT = TICK_BITS + 32  # a packet's source core, above its 32-bit key
MAX_CORES = 1 << (63 - CORE_SHIFT)  # cores a machine may have, for packets to stay int64
MAX_STRETCH = 1 << TICK_BITS  # ticks in one stretch, at most
AHEAD = 16  # packets between a row's prefetch and its use
BLOCK = 1024  # packets of a core searched, then delivered, at a time
LINES = 4  # 64-byte lines of a row prefetched, at most
MEMO_MAX = 1 << 23  # (core, source core) pairs memoised at most (2,896 cores): 256 MiB of records
# a memo record (int64 words): the entry (-1: search the packets), its first static row
# (mpt_row_lo), its local-index mask (~mpt_mask, 32 bits) | mpt_n << 32, and its
# mpt_stride | mpt_istride << 32
MEMO_FIELDS = 4
CYCLES_PACKET = CYCLES["packet"]
CYCLES_SYNAPSE = CYCLES["synapse"]


def ring_add(ring, i, word, wf):
    """Add one synaptic word's weight to ring slot ``i``; returns 1 on saturation."""
    return sat_ring_add(ring, i, int(word) >> 16)


@overload(ring_add)
def _ring_add(ring, i, word, wf):
    if isinstance(ring.dtype, types.Integer):
        def impl(ring, i, word, wf):
            return sat_ring_add(ring, i, np.int64(word) >> np.int64(16))
        return impl

    def fimpl(ring, i, word, wf):
        ring[i] += wf
        return 0
    return fimpl


@numba.njit(cache=True)  # (called from Python too: emulator.ranks)
def sort_packets(n_ticks, r_off, cores, traffic, rec, rec_extra, pkt, queue):
    """Record the stretch's spikes and (``queue``) queue their packets by destination core.

    Spikes of tick offset ``k`` go to row ``k + r_off`` of ``rec.spikes`` (one bit per
    recorded neuron); a source's second and later spikes of one tick go to
    ``rec_extra[rec.n_extra[0]:]`` as ``row << 32 | bit``, one entry each. A spike entry
    of ``m`` spikes (see :data:`neurochip.emulator.cores.SPIKE_MULT_SHIFT`) sends ``m``
    packets. Fills ``traffic.pkt_lo`` (``n_cores + 1``) and returns the queue and
    extra-spike arrays (the ones given, or larger ones when they are too small).
    """
    neuron_lo = cores.neuron_lo
    sends = cores.sends
    key_of = cores.key_of
    spk, spk_lo, spk_n = traffic.spk, traffic.spk_lo, traffic.spk_n
    dest_lo, dest_hi, dest = traffic.dest_lo, traffic.dest_hi, traffic.dest
    pkt_lo = traffic.pkt_lo
    n_extra = rec.n_extra
    n_cores = len(neuron_lo) - 1
    off = np.empty(n_cores, np.int64)
    pkt_lo[:] = 0
    for c in range(n_cores):  # pass 1: record, count packets per destination core
        off[c] = spk_lo[c]
    for k in range(n_ticks):
        r = k + r_off
        for c in range(n_cores):
            a = off[c]
            b = a + spk_n[c, k]
            off[c] = b
            for s in range(a, b):
                g = spk[s] & SPIKE_NEURON_MASK
                m = (spk[s] >> SPIKE_MULT_SHIFT) + 1
                pos = rec.spk_pos[g]
                if pos >= 0:
                    rec.spikes[r, pos >> 5] |= np.uint32(1) << np.uint32(pos & 31)
                    if m > 1:
                        if n_extra[0] + m - 1 > len(rec_extra):
                            grown = np.empty(2 * (n_extra[0] + m), np.int64)
                            for i in range(n_extra[0]):  # not a slice copy: see routing._append
                                grown[i] = rec_extra[i]
                            rec_extra = grown
                        for _ in range(m - 1):
                            rec_extra[n_extra[0]] = (np.int64(r) << 32) | pos
                            n_extra[0] += 1
                if sends[c]:
                    traffic.packets[g] += m
                    if queue:
                        for j in range(dest_lo[g], dest_hi[g]):
                            pkt_lo[dest[j] + 1] += m
    if not queue:  # delivered spike by spike (emulator.spikes)
        return pkt, rec_extra
    for c in range(n_cores):
        pkt_lo[c + 1] += pkt_lo[c]
    if pkt_lo[n_cores] > len(pkt):
        pkt = np.empty(2 * pkt_lo[n_cores], np.int64)
    fill = pkt_lo[:-1].copy()
    for c in range(n_cores):  # pass 2: the queues, in emission order
        off[c] = spk_lo[c]
    for k in range(n_ticks):
        for c in range(n_cores):
            a = off[c]
            b = a + spk_n[c, k]
            off[c] = b
            if not sends[c]:
                continue
            for s in range(a, b):
                g = spk[s] & SPIKE_NEURON_MASK
                word = (np.int64(c) << CORE_SHIFT) | (np.int64(key_of[g]) << TICK_BITS) | k
                for _ in range((spk[s] >> SPIKE_MULT_SHIFT) + 1):
                    for j in range(dest_lo[g], dest_hi[g]):
                        dc = dest[j]
                        pkt[fill[dc]] = word
                        fill[dc] += 1
    return pkt, rec_extra


@numba.njit(cache=True, inline="always")
def mpt_search(dc, key, sv):
    """Master population table of core ``dc`` (``sv``, a SynapseView): binary search for
    the last entry whose key is <= ``key``; returns ``(entry, local index)``, entry -1
    when none matches."""
    mpt_lo, mpt_key, mpt_mask, mpt_n = sv.mpt_lo, sv.mpt_key, sv.mpt_mask, sv.mpt_n
    a = mpt_lo[dc]
    b = mpt_lo[dc + 1]
    while a < b:
        m = (a + b) >> 1
        if np.int64(mpt_key[m]) <= key:
            a = m + 1
        else:
            b = m
    e = a - 1
    if e < mpt_lo[dc] or (key & np.int64(mpt_mask[e])) != np.int64(mpt_key[e]):
        return -1, np.int64(0)
    local = key & ~np.int64(mpt_mask[e]) & np.int64(0xFFFFFFFF)
    if local >= mpt_n[e]:
        return -1, np.int64(0)
    return e, local


@numba.njit(cache=True)
def memo_searches(sv, core_key, core_n, sends, memo):
    """``memo[s * n + dc]`` (``n`` cores), a record of MEMO_FIELDS words: the entry of core
    ``dc``'s master population table that :func:`mpt_search` finds for every key of source
    core ``s`` (first key ``core_key[s]``, the others that OR'd with the neuron index below
    ``core_n[s]``) with the fields a packet reads of it, or -1 where it may differ between
    keys (or finds none, or ``s`` sends nothing): those packets are searched one by one. An
    entry serves them all when its mask leaves the neuron bits free, the first key matches
    it and the next entry's key lies above the last key: the binary search then ends on it
    for each of them."""
    n = len(core_key)
    memo[:] = -1
    for dc in range(len(sv.mpt_lo) - 1):
        end = sv.mpt_lo[dc + 1]
        if end == sv.mpt_lo[dc]:
            continue
        for s in range(n):
            if not sends[s] or core_n[s] == 0:
                continue
            first = np.int64(core_key[s])
            e, _ = mpt_search(dc, first, sv)
            if e < 0:
                continue
            bits = np.int64(1)
            while bits < core_n[s]:
                bits <<= 1
            free = bits - 1  # the neuron bits of the keys
            mask = np.int64(sv.mpt_mask[e])
            if mask & free != 0 or (first & mask) != np.int64(sv.mpt_key[e]):
                continue
            if e + 1 < end and np.int64(sv.mpt_key[e + 1]) <= (first | free):
                continue
            p = s * n + dc
            memo[p, 0] = e
            memo[p, 2] = (~mask & 0xFFFFFFFF) | (np.int64(sv.mpt_n[e]) << 32)
            memo[p, 1], memo[p, 3] = entry_rows(e, sv)


@numba.njit(cache=True, inline="always")
def entry_rows(e, sv):
    """Where master-table entry ``e`` keeps its static rows, as a memo record holds it:
    ``(mpt_row_lo, mpt_stride | mpt_istride << 32)`` (a stride of 0: packed rows, found
    through the row index ``mpt_istride`` words apart)."""
    return (np.int64(sv.mpt_row_lo[e]),
            np.int64(sv.mpt_stride[e]) | (np.int64(sv.mpt_istride[e]) << 32))


@numba.njit(cache=True, inline="always")
def _static_row(words, weights, core_ring, tt, rmask):
    """Add a static row's synaptic ``words`` (float weights ``weights``, empty in fixed
    point) into the core's ring buffer ``core_ring`` at arrival time ``tt`` (the stamp,
    shifted into the words' delay field); returns the saturations. The row is a slice
    indexed from 0 and the ring index unsigned: numba then adds no wrap-around of a
    negative index to either access (1.6 against 0.9 ns a synaptic event, measured)."""
    um = np.uint64(rmask)
    ut = np.uint64(tt)
    float_syn = len(weights) > 0
    sat = 0
    for w in range(len(words)):
        word = np.uint64(words[w])
        sat += ring_add(core_ring, (word + ut) & um, word, weights[w] if float_syn else 0.0)
    return sat


@numba.njit(**INNER)
def deliver_cores(share, i, t0, n_ticks, tier, pkt, pkt_lo, neuron_lo, rings, sv, pl, st, out):
    """Deliver, for each core ``dc`` that thread ``i`` takes from the ranges ``share``
    (:func:`neurochip.emulator.claim.claim`: its own range first, then what the others
    have left), its packets
    ``pkt[pkt_lo[dc]:pkt_lo[dc + 1]]`` (its neurons start at ``neuron_lo[dc]``) of the
    stretch of ``n_ticks`` ticks starting at tick ``t0``; ``sv`` is the
    :class:`neurochip.emulator.views.SynapseView`, ``pl`` the PlasticView, ``st`` the
    StructView (rewiring: a tick's attempts come before its packets, see
    :mod:`neurochip.emulator.structural`), ``out`` the CoreOutput (cycles and provenance
    counters), ``tier`` the kernel's tier (:mod:`neurochip.emulator.tier`: the lean kernel
    has no rewiring and no learning rows). Many cores a call, for the reason of
    :func:`neurochip.emulator.cores.update_cores`.

    A core's queue goes in blocks of BLOCK packets: the block's master-table searches,
    then its rows' index entries, then its rows. Their results are kept in four rows of
    BLOCK entries (not in rows the length of the whole stretch's queue: 32 bytes a packet
    of the stretch, 150 MB at 100,000 neurons); the searches, rows and sums come in the
    queue's order, as before."""
    pend = np.empty((4, BLOCK), np.int64)
    row_of = pend[0]
    local_of = pend[1]
    entry_of = pend[2]
    cnt_of = pend[3]
    mpt_lo, mpt_key, mpt_mask, mpt_n = sv.mpt_lo, sv.mpt_key, sv.mpt_mask, sv.mpt_n
    mpt_stride, row_ptr = sv.mpt_stride, sv.row_ptr
    dyn_lo, dyn_row_lo, dyn_stride = sv.mpt_dyn_lo, sv.dyn_row_lo, sv.dyn_stride
    syn = sv.syn
    syn_wf = sv.syn_wf
    ring = rings.ring
    float_syn = len(syn_wf) > 0
    tmask = (1 << TICK_BITS) - 1
    kmask = np.int64(0xFFFFFFFF)
    n_calls = len(share) // WORD_STRIDE
    memo = sv.mpt_memo
    memoised = len(memo) > 0
    n_cores = np.int64(len(neuron_lo) - 1)
    while True:
        dc = claim(share, i, n_calls)
        if dc < 0:
            break
        plo = pkt_lo[dc]
        phi = pkt_lo[dc + 1]
        nlo = neuron_lo[dc]
        failed = 0
        end = mpt_lo[dc + 1]
        # packets come in runs from one source core, so the entry the previous search
        # found is tried first: when it matches and the next entry's key is above this
        # key, the binary search would end on it too
        last = np.int64(-1)
        nb = rings.idx_bits[dc]
        tb = rings.type_bits[dc] + nb
        rmask = (np.int64(1) << (rings.delay_bits[dc] + tb)) - 1
        base = rings.lo[dc]
        at = (np.int64(base), rmask, np.int64(nlo), np.int64(nb), np.int64(tb),
              (np.int64(1) << rings.delay_bits[dc]) - 1)
        core_ring = ring[base:base + rmask + 1]
        sat = 0
        events = 0
        lost = 0
        rewiring = st.core_set[dc] >= 0
        n_local = st.core_n[dc]
        kk = 0  # the next tick offset whose rewiring attempts are still to make
        for blo in range(plo, phi, BLOCK):  # the block's searches, index entries, rows
            bhi = min(blo + BLOCK, phi)
            for p in range(blo, bhi):
                key = (pkt[p] >> TICK_BITS) & kmask
                m = (pkt[p] >> CORE_SHIFT) * n_cores + dc
                e = memo[m, 0] if memoised else np.int64(-1)
                if e >= 0:  # the search's entry for every key of the packet's source core:
                    # what the packet needs of it is in the record, one cache line
                    local = key & memo[m, 2] & kmask
                    if local >= memo[m, 2] >> 32:
                        e = -1
                    row_lo, strides = memo[m, 1], memo[m, 3]
                else:
                    if (last >= 0 and (key & np.int64(mpt_mask[last])) == np.int64(mpt_key[last])
                            and (last + 1 == end or np.int64(mpt_key[last + 1]) > key)):
                        e = last
                        local = key & ~np.int64(mpt_mask[e]) & kmask
                        if local >= mpt_n[e]:
                            e = -1
                    else:
                        e, local = mpt_search(dc, key, sv)
                        if e >= 0:
                            last = e
                    row_lo, strides = entry_rows(e, sv) if e >= 0 else (np.int64(-1), np.int64(0))
                entry_of[p - blo] = e
                row_of[p - blo] = -1
                local_of[p - blo] = local
                if e < 0:
                    failed += 1
                    continue
                if row_lo >= 0:
                    if strides & kmask == 0:  # packed: the row's index entry, read below
                        row_of[p - blo] = row_lo + local * (strides >> 32)
                        cnt_of[p - blo] = -2
                        prefetch(row_ptr, row_of[p - blo])
                    else:  # strided: the count is the row's first word
                        row_of[p - blo] = row_lo + local * (strides & kmask)
                        cnt_of[p - blo] = -1
            for p in range(blo, bhi):  # packed rows: first word and count from the index
                if cnt_of[p - blo] == -2 and row_of[p - blo] >= 0:
                    k = row_of[p - blo]
                    row_of[p - blo] = row_ptr[k]
                    cnt_of[p - blo] = row_ptr[k + 1] - row_ptr[k]
            for p in range(blo, min(blo + AHEAD, bhi)):
                if row_of[p - blo] >= 0:
                    prefetch(syn, row_of[p - blo])
            for p in range(blo, bhi):  # the rows
                q = p + AHEAD
                if q < bhi:
                    j = q - blo
                    if row_of[j] >= 0:  # every cache line of the row, up to LINES of them
                        r = row_of[j]
                        n = cnt_of[j] if cnt_of[j] >= 0 else np.int64(mpt_stride[entry_of[j]])
                        for w in range(r, r + min(n, LINES * 16), 16):
                            prefetch(syn, w)
                    eq = entry_of[j]
                    # the first row with dynamics (none in the lean kernel: its packets then
                    # read one array of the master table less, a cache miss on a large machine)
                    if len(tier) > 0 and eq >= 0 and dyn_lo[eq + 1] > dyn_lo[eq]:
                        b = dyn_lo[eq]
                        prefetch(syn, dyn_row_lo[b] + local_of[j] * dyn_stride[b])
                k = pkt[p] & tmask
                if len(tier) > 0 and rewiring:
                    while kk <= k:
                        rewire(dc, t0 + kk + 1, nlo, n_local, st, syn, syn_wf, at, float_syn)
                        kk += 1
                e = entry_of[p - blo]
                if e < 0:
                    continue
                stamp = t0 + k + 1
                if len(tier) > 0 and rewiring and st.entry_pre_lo[e] >= 0:
                    note_spike(dc, stamp, st.entry_pre_lo[e] + local_of[p - blo], st)
                tt = np.int64(stamp) << tb
                cnt = np.int64(0)
                row = row_of[p - blo]
                if row >= 0:  # static row
                    cnt = cnt_of[p - blo]
                    if cnt < 0:
                        cnt = np.int64(syn[row])
                        row += 1
                    sat += _static_row(syn[row:row + cnt], syn_wf[row:row + cnt] if float_syn else syn_wf,
                                       core_ring, tt, rmask)
                if len(tier) > 0:  # rows with dynamics, kind by kind (the full kernel's only)
                    for b in range(dyn_lo[e], dyn_lo[e + 1]):
                        pc, ps, pls = dynamic_row(b, dyn_row_lo[b] + local_of[p - blo] * dyn_stride[b],
                                                  stamp, tt, at, sv, pl, ring, float_syn)
                        cnt += pc
                        sat += ps
                        lost += pls
                events += cnt
                out.cyc[dc, k] += CYCLES_PACKET + CYCLES_SYNAPSE * cnt
        if len(tier) > 0 and rewiring:
            while kk < n_ticks:
                rewire(dc, t0 + kk + 1, nlo, n_local, st, syn, syn_wf, at, float_syn)
                kk += 1
        counters = out.counters
        counters[dc, C_PKTS_RX] += phi - plo
        counters[dc, C_FAILED_MPT] += failed
        counters[dc, C_RING_SAT] += sat
        counters[dc, C_SYN_EVENTS] += events
        counters[dc, C_STDP_LOST] += lost
