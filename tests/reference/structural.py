"""A plain-Python, event-by-event reference of the rewiring process (structural plasticity
with RandomSelection, and elimination that does not look at the weights: static ones, or
the same probability below and above the threshold; the process then does not depend on
the spikes, and each synapse's learning can be worked out apart, see
``tests/reference/neuromod_expect.py``).

Written from sPyNNaker's synaptogenesis (``topographic_map_impl.c``, the partner, formation
and elimination rules) and neurochip's documented choices (per-post-neuron streams after a
population-wide post draw, see ``neurochip.emulator.structural``), on Python integers and
float64 weights, one attempt at a time, per post neuron: nothing about cores or rows.
"""

import math

from neurochip.emulator.rng import kiss_next_py, seed_kiss

NEURON_STREAM, POPULATION_STREAM = 0x5EED0000, 0x5EED8000


def _uniform(st, n):
    return (kiss_next_py(st) * n) >> 32


def table(grid, p, sigma):
    """Formation probabilities (16 bits) by squared distance."""
    gx, gy = grid
    largest = sum((g // 2) ** 2 for g in (gx, gy) if g > 1)
    out = []
    for d2 in range(largest + 1):
        q = int(p * math.exp(-d2 / (2.0 * sigma ** 2)) * 65535.0)
        if q <= 0:
            break
        out.append(q)
    return out


def distance2(pre, post, grid):
    gx, gy = grid
    px = pre // gx if gx > 1 else 0
    qx = post // gx if gx > 1 else 0
    py = pre % gy if gy > 1 else 0
    qy = post % gy if gy > 1 else 0
    dx, dy = abs(px - qx), abs(py - qy)
    if gx > 1 and dx > gx >> 1:
        dx -= gx
    if gy > 1 and dy > gy >> 1:
        dy -= gy
    return dx * dx + dy * dy


def rewire(seed, post_pop, n_pre, n_post, s_max, per_tick, n_ticks, grid, p, sigma, p_dep, p_pot,
           weight, threshold, with_replacement=True, initial=()):
    """The synapses ``(pre, post)`` (a sorted list, multapses repeated) after ``n_ticks``
    ticks of ``per_tick`` attempts from the ``initial`` ones (all of weight ``weight``)."""
    return sorted((pre, post) for pre, post, _, _ in rewire_synapses(
        seed, post_pop, n_pre, n_post, s_max, per_tick, n_ticks, grid, p, sigma, p_dep, p_pot,
        weight < threshold, with_replacement, initial))


def rewire_synapses(seed, post_pop, n_pre, n_post, s_max, per_tick, n_ticks, grid, p, sigma,
                    p_dep, p_pot, depressed, with_replacement=True, initial=(), delays=(1, 1)):
    """The synapses after ``n_ticks`` ticks of ``per_tick`` attempts, each as ``(pre, post,
    delay, stamp)``: its delay (ticks, drawn in ``delays = (lo, hi)`` at formation, the
    initial ones' ``lo``) and the stamp of the attempt that formed it (attempts of stamp
    ``s`` come before the packets of stamp ``s``, i.e. of spikes of tick ``s - 1``; the
    initial synapses: 0). ``depressed``: every synapse counts as below the threshold
    weight (elimination does not depend on the spikes; with ``p_dep == p_pot`` it does not
    matter). Eliminating ``(pre, post)`` removes its oldest synapse."""
    pop = [int(w) for w in seed_kiss(seed, POPULATION_STREAM + post_pop, [0])[0]]
    own = [[int(w) for w in row] for row in seed_kiss(seed, NEURON_STREAM + post_pop, range(n_post))]
    slots = [[-1] * s_max for _ in range(n_post)]
    synapses = {q: [] for q in range(n_post)}  # post -> its synapses (pre, delay, stamp), oldest first
    for pre, post in initial:
        slots[post][slots[post].index(-1)] = pre
        synapses[post].append((pre, delays[0], 0))
    probs = table(grid, p, sigma)
    p_dep_i, p_pot_i = int(p_dep * 0xFFFFFFFF), int(p_pot * 0xFFFFFFFF)
    for a in range(n_ticks * per_tick):
        post = _uniform(pop, n_post)
        st = own[post]
        k = _uniform(st, s_max)
        pre = slots[post][k]
        occupied = pre >= 0
        if not occupied:
            pre = _uniform(st, n_pre)
        hit = [i for i, syn in enumerate(synapses[post]) if syn[0] == pre]
        if occupied and hit:
            if kiss_next_py(st) > (p_dep_i if depressed else p_pot_i):
                continue
            del synapses[post][hit[0]]
            slots[post][k] = -1
            continue
        if hit and not with_replacement:
            continue
        d2 = distance2(pre, post, grid)
        if d2 >= len(probs) or (kiss_next_py(st) * 65535) >> 32 > probs[d2]:
            continue
        d = delays[0]
        if delays[1] > d:
            d += _uniform(st, delays[1] - d + 1)
        synapses[post].append((pre, d, a // per_tick + 1))
        slots[post][k] = pre
    return sorted((pre, post, d, stamp) for post, syns in synapses.items() for pre, d, stamp in syns)
