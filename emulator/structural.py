"""Structural plasticity (synaptic rewiring) on the core, as sPyNNaker's synaptogenesis.

A *rewiring set* is one structurally plastic projection onto a population. Its rows
(static, kind ``DYN_STRUCTURAL``, STDP rows, or dopamine-modulated STDP rows: ``header``
words, then ``words`` per synapse, the synaptic word first) have room for every synapse
that may form, and every core of the post population has a master-table entry and a row
for every pre neuron, connected or not. Each post neuron has ``s_max`` slots (the
post-to-pre table: the pre neuron of each synapse it has, -1 for a free slot).

At every tick (before that tick's packets are delivered), ``per_tick`` attempts (f_rew
above one per tick) or one attempt every ``period`` ticks are made per post
*population*, as sPyNNaker's shared seed does: the post neuron of an attempt comes from
a population-wide stream that every core of the population replays, and only the core
holding the neuron acts. An attempt (all further draws from the post neuron's own
stream, so that nothing depends on how the population was cut into cores):

1. a random slot of the post neuron; an occupied slot names a pre neuron, a free one
   asks the partner selection for one: uniformly among the pre population
   (``RandomSelection``) or among the spikes of the structural pre population the core
   received in the previous tick (``LastNeuronSelection``; the buffer keeps the
   ``spike_buffer_size`` smallest pre neuron numbers of that tick, so that it does not
   depend on the order packets arrive in; sPyNNaker keeps the first ones to arrive);
2. the pre neuron's row on this core is searched for the post neuron: an occupied slot
   whose synapse is there is a candidate for elimination (``RandomByWeightElimination``:
   removed with ``p_elim_depressed`` below the threshold weight, ``p_elim_potentiated``
   otherwise; the row's later synapses move down one place, all their words, so that a
   post neuron's synapses keep the order they formed in whatever else the row holds);
3. otherwise a formation (``DistanceDependentFormation``): ``p * exp(-d2 / 2 sigma^2)``
   quantised to 16 bits as sPyNNaker's table, ``d2`` the squared distance on the
   periodic grid, lateral (pre population = post population) or feed-forward; a new
   synapse gets the initial weight and a delay drawn in ``[delay_lo, delay_hi]``; its
   other words start at 0 (a dopamine-modulated synapse's eligibility trace, as
   sPyNNaker's ``synapse_dynamics_add_neuron``).
   Without replacement, a pre neuron already connected to the post neuron forms no
   second synapse.

Draws are 32-bit KISS words; "uniform in n" is ``(draw * n) >> 32`` and probabilities
compare as sPyNNaker's (``draw > p * (2**32 - 1)`` fails; formation ``(draw * 65535) >> 32
> p16`` fails).
"""

from __future__ import annotations

from collections import namedtuple
from dataclasses import dataclass

import numba
import numpy as np

from .errors import ProgramError
from .fixed import sat_ring_add
from .groups import require
from .rng import kiss_next

__all__ = ["Structural", "no_structural", "StructView", "SET_I", "SET_F", "rewire", "note_spike",
           "STRUCT_HEADER", "STRUCT_WORDS", "structural_row", "carry_structural_row"]

STRUCT_HEADER = 1  # a static row with room: [count, word, ...]
STRUCT_WORDS = 1

# columns of a rewiring set's integer parameters
SET_I = ("n_post", "s_max", "per_tick", "period", "last_neuron", "buffer", "replace", "w_field",
         "delay_lo", "delay_hi", "type", "threshold", "p_dep", "p_pot", "lateral", "grid_x",
         "grid_y", "n_pre", "prob_lo", "prob_n", "kind", "capacity", "header", "words")
(SI_N_POST, SI_SMAX, SI_PER_TICK, SI_PERIOD, SI_LAST, SI_BUF, SI_REPLACE, SI_WFIELD, SI_DLO,
 SI_DHI, SI_TYPE, SI_THRESH, SI_PDEP, SI_PPOT, SI_LATERAL, SI_GX, SI_GY, SI_N_PRE, SI_PROB_LO,
 SI_PROB_N, SI_KIND, SI_CAP, SI_HEAD, SI_WORDS) = range(len(SET_I))
# ... and float ones (float arithmetic: ring units)
SET_F = ("weight", "threshold")
SF_WEIGHT, SF_THRESH = range(len(SET_F))

# what the kernels see: the group's arrays and the emulation's state of it
StructView = namedtuple("StructView", "core_set core_n core_pop_lo set_i set_f probs row_lo row_addr "
                        "entry_pre_lo slot_of slots rng pop_rng buf buf_n buf_t counts")


@dataclass(frozen=True, eq=False)
class Structural:
    """Rewiring sets (S), per core (C), per master-table entry (E), per neuron (n).

    set_i (S, SET_I) int64, set_f (S, SET_F) float64, probs int64 (the sets' formation
    tables, ``probs[prob_lo:prob_lo + prob_n]`` per set); core_set (C,) int32 (-1: none),
    core_n (C,) int64 the core's neurons, core_pop_lo (C,) int64 (population index of the
    core's first neuron); row_lo (C+1,) int64 and row_addr int64: the word address of pre
    neuron i's row on core c is ``row_addr[row_lo[c] + i]``; entry_pre_lo (E,) int64: for
    an entry from the structural pre population of its core's set, the pre index of its
    first neuron (-1 otherwise);
    slot_of (n,) int64: a post neuron's first slot (-1: none), slots0 int32 the initial
    post-to-pre table; rng0 (n, 4) uint32 per post neuron, pop_rng0 (C, 4) uint32 (the
    same for all cores of a set).
    """

    set_i: np.ndarray
    set_f: np.ndarray
    probs: np.ndarray
    core_set: np.ndarray
    core_n: np.ndarray
    core_pop_lo: np.ndarray
    row_lo: np.ndarray
    row_addr: np.ndarray
    entry_pre_lo: np.ndarray
    slot_of: np.ndarray
    slots0: np.ndarray
    rng0: np.ndarray
    pop_rng0: np.ndarray

    def __post_init__(self):
        s = "Structural"
        require(s, "set_i", self.set_i, np.int64, (None, len(SET_I)))
        n_sets = len(self.set_i)
        require(s, "set_f", self.set_f, np.float64, (n_sets, len(SET_F)))
        require(s, "probs", self.probs, np.int64, (None,))
        require(s, "core_set", self.core_set, np.int32, (None,))
        c = len(self.core_set)
        require(s, "core_n", self.core_n, np.int64, (c,))
        require(s, "core_pop_lo", self.core_pop_lo, np.int64, (c,))
        require(s, "row_lo", self.row_lo, np.int64, (c + 1,))
        require(s, "row_addr", self.row_addr, np.int64, (None,))
        require(s, "entry_pre_lo", self.entry_pre_lo, np.int64, (None,))
        require(s, "slot_of", self.slot_of, np.int64, (None,))
        require(s, "slots0", self.slots0, np.int32, (None,))
        require(s, "rng0", self.rng0, np.uint32, (len(self.slot_of), 4))
        require(s, "pop_rng0", self.pop_rng0, np.uint32, (c, 4))
        if len(self.core_set) and self.core_set.max(initial=-1) >= n_sets:
            raise ProgramError(f"Structural.core_set names a set outside 0..{n_sets - 1}")
        for k in range(n_sets):
            si = self.set_i[k]
            if si[SI_SMAX] < 1 or si[SI_N_POST] < 1 or si[SI_N_PRE] < 1:
                raise ProgramError(f"Structural set {k}: s_max, n_post and n_pre must be >= 1")
            if si[SI_PER_TICK] < 0 or si[SI_PERIOD] < 1:
                raise ProgramError(f"Structural set {k}: per_tick >= 0 and period >= 1 needed")
            if si[SI_PROB_LO] < 0 or si[SI_PROB_LO] + si[SI_PROB_N] > len(self.probs):
                raise ProgramError(f"Structural set {k}: its formation table is outside probs")
            if si[SI_HEAD] < 1 or si[SI_WORDS] < 1:
                raise ProgramError(f"Structural set {k}: rows of {si[SI_HEAD]} header words and "
                                   f"{si[SI_WORDS]} words per synapse; at least 1 each needed")
            if not 1 <= si[SI_DLO] <= si[SI_DHI]:
                raise ProgramError(f"Structural set {k}: delays {si[SI_DLO]}..{si[SI_DHI]} ticks; "
                                   f"1 <= delay_lo <= delay_hi needed")

    @property
    def n_sets(self) -> int:
        return len(self.set_i)

    def shortest_delay(self) -> int:
        """The shortest delay a formed synapse may have (ticks); large if no sets."""
        return int(self.set_i[:, SI_DLO].min(initial=1 << 30))


def no_structural(n_cores: int, n_neurons: int, n_entries: int) -> Structural:
    """No structural plasticity."""
    return Structural(
        set_i=np.zeros((0, len(SET_I)), np.int64), set_f=np.zeros((0, len(SET_F))),
        probs=np.zeros(0, np.int64), core_set=np.full(n_cores, -1, np.int32),
        core_n=np.zeros(n_cores, np.int64),
        core_pop_lo=np.zeros(n_cores, np.int64), row_lo=np.zeros(n_cores + 1, np.int64),
        row_addr=np.zeros(0, np.int64), entry_pre_lo=np.full(n_entries, -1, np.int64),
        slot_of=np.full(n_neurons, -1, np.int64), slots0=np.zeros(0, np.int32),
        rng0=np.zeros((n_neurons, 4), np.uint32), pop_rng0=np.zeros((n_cores, 4), np.uint32))


@numba.njit(cache=True)
def structural_row(syn, syn_wf, row, ring, base, rmask, tt, float_syn):
    """A static row with room (``[count, word, ...]``): add its weights to the ring;
    returns (synapses, saturations)."""
    cnt = np.int64(syn[row])
    sat = 0
    for w in range(row + 1, row + 1 + cnt):
        word = np.int64(syn[w])
        slot = base + ((word + tt) & rmask)
        if float_syn:
            ring[slot] += syn_wf[w]
        else:
            sat += sat_ring_add(ring, slot, word >> 16)
    return cnt, sat


def carry_structural_row(syn, syn_wf, old_syn, old_wf, row):
    """Carry a rewired row over to a program of the same layout: its count and words."""
    n = int(old_syn[row])
    syn[row:row + 1 + n] = old_syn[row:row + 1 + n]
    if len(syn_wf):
        syn_wf[row:row + 1 + n] = old_wf[row:row + 1 + n]


@numba.njit(cache=True, inline="always")
def _uniform(st, n):
    return np.int64((np.uint64(kiss_next(st)) * np.uint64(n)) >> np.uint64(32))


@numba.njit(cache=True)
def note_spike(dc, stamp, pre, st):
    """Core ``dc`` received a spike of pre neuron ``pre`` (of its set's structural pre
    population) stamped ``stamp``: kept for LastNeuronSelection, the ``buffer`` smallest
    pre numbers of each tick in order."""
    s = st.core_set[dc]
    size = st.set_i[s, SI_BUF]
    if st.set_i[s, SI_LAST] == 0 or size == 0:
        return
    par = stamp & 1
    if st.buf_t[dc, par] != stamp:
        st.buf_t[dc, par] = stamp
        st.buf_n[dc, par] = 0
    n = st.buf_n[dc, par]
    buf = st.buf[dc, par]
    if n == size and pre >= buf[n - 1]:
        return
    k = n if n < size else size - 1
    while k > 0 and buf[k - 1] > pre:
        if k < size:
            buf[k] = buf[k - 1]
        k -= 1
    buf[k] = pre
    if n < size:
        st.buf_n[dc, par] = n + 1


@numba.njit(cache=True)
def _distance2(pre, post, gx, gy):
    px, qx, py, qy = 0, 0, 0, 0
    if gx > 1:
        px, qx = pre // gx, post // gx
    if gy > 1:
        py, qy = pre % gy, post % gy
    dx, dy = abs(px - qx), abs(py - qy)
    if gx > 1 and dx > gx >> 1:
        dx -= gx
    if gy > 1 and dy > gy >> 1:
        dy -= gy
    return dx * dx + dy * dy


@numba.njit(cache=True)
def _attempt(dc, stamp, local, nlo, st, syn, syn_wf, at, float_syn):
    """One rewiring attempt for post neuron ``local`` of core ``dc`` (see the module)."""
    s = st.core_set[dc]
    si = st.set_i[s]
    g = nlo + local
    rng = st.rng[g]
    smax = si[SI_SMAX]
    slot = st.slot_of[g] + _uniform(rng, smax)
    pre = np.int64(st.slots[slot])
    occupied = pre >= 0
    if not occupied:
        if si[SI_LAST]:
            par = (stamp - 1) & 1
            if st.buf_t[dc, par] != stamp - 1 or st.buf_n[dc, par] == 0:
                return
            pre = st.buf[dc, par, _uniform(rng, st.buf_n[dc, par])]
        else:
            pre = _uniform(rng, si[SI_N_PRE])
    row = st.row_addr[st.row_lo[dc] + pre]
    head, words = si[SI_HEAD], si[SI_WORDS]
    nb, tb = at[3], at[4]
    imask = (np.int64(1) << nb) - 1
    cnt = np.int64(syn[row])
    hit = -1
    for k in range(cnt):
        if (np.int64(syn[row + head + words * k]) & imask) == local:
            hit = k
            break
    if occupied and hit >= 0:  # elimination
        a = row + head + words * hit
        if float_syn:
            depressed = syn_wf[a] < st.set_f[s, SF_THRESH]
        else:
            depressed = (np.int64(syn[a]) >> 16) < si[SI_THRESH]
        r = np.int64(kiss_next(rng))
        if r > (si[SI_PDEP] if depressed else si[SI_PPOT]):
            return
        # the later synapses move down, every word of each: the row keeps its order, so
        # the synapses of one post neuron stay in the order they formed whatever else
        # the row holds (which multapse goes, the order of float sums into the ring)
        end = row + head + words * cnt
        for w in range(a, end - words):
            syn[w] = syn[w + words]
            if float_syn:
                syn_wf[w] = syn_wf[w + words]
        syn[row] = np.uint32(cnt - 1)
        st.slots[slot] = -1
        st.counts[dc, 1] += 1
        return
    if hit >= 0 and si[SI_REPLACE] == 0:
        return
    if cnt >= si[SI_CAP]:
        return
    post = st.core_pop_lo[dc] + local
    d2 = _distance2(pre, post, si[SI_GX], si[SI_GY])
    if d2 >= si[SI_PROB_N]:
        return
    r16 = (np.int64(kiss_next(rng)) * 65535) >> 32
    if r16 > st.probs[si[SI_PROB_LO] + d2]:
        return
    d = si[SI_DLO]
    if si[SI_DHI] > d:
        d += _uniform(rng, si[SI_DHI] - d + 1)
    a = row + head + words * cnt
    word = (si[SI_WFIELD] << 16) | (d << tb) | (si[SI_TYPE] << nb) | local
    syn[a] = np.uint32(word)
    for j in range(1, words):  # a new synapse's other words (an eligibility trace) start at 0
        syn[a + j] = np.uint32(0)
    if float_syn:
        syn_wf[a] = st.set_f[s, SF_WEIGHT]
        for j in range(1, words):
            syn_wf[a + j] = 0.0
    syn[row] = np.uint32(cnt + 1)
    st.slots[slot] = np.int32(pre)
    st.counts[dc, 0] += 1


@numba.njit(cache=True)
def rewire(dc, stamp, nlo, n_local, st, syn, syn_wf, at, float_syn):
    """The rewiring attempts of core ``dc`` (neurons ``[nlo, nlo + n_local)``) at the tick
    whose packets are stamped ``stamp``."""
    s = st.core_set[dc]
    if s < 0:
        return
    si = st.set_i[s]
    per = si[SI_PER_TICK]
    if per == 0:
        if (stamp - 1) % si[SI_PERIOD] != 0:
            return
        per = 1
    lo = st.core_pop_lo[dc]
    prng = st.pop_rng[dc]
    for _ in range(per):
        post = _uniform(prng, si[SI_N_POST])
        if lo <= post < lo + n_local:
            _attempt(dc, stamp, post - lo, nlo, st, syn, syn_wf, at, float_syn)
