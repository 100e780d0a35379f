"""Vectorised connection generation for PyNN's common connectors.

PyNN's generic path calls ``Projection._convergent_connect`` once per target
neuron. For the connectors below the whole connection list is generated in
numpy at once (in chunks where a dense matrix would be large); anything else
(distance expressions, native RNGs, random in-degrees) falls back to PyNN's
path, which still stores connections as arrays.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from pyNN import common, errors
from pyNN import connectors as pc
from pyNN.random import NumpyRNG, RandomDistribution

from neurochip.mapping.packed_rows import usable_threads

from . import scratch
from .connector_kernels import SortingPairs, runs_of_pairs
from .errors import HostMemoryError
from .mt_draws import draw, randint_prefix

__all__ = ["fast_connect"]

CHUNK = 1 << 22  # random draws per chunk
BACKGROUND_SORT = 1 << 20  # pairs from which a thread sorts them while weights are drawn


def pre_dtype(size: int):
    """The type that holds the source indices of a side of ``size`` cells: uint16 up to
    2**16 cells (most populations), else int32. Post indices are int32."""
    return np.uint16 if size <= 1 << 16 else np.int32


def fast_connect(projection, connector, threads=None) -> bool:
    """Connect ``projection`` with a vectorised ``connector``; False if not handled.
    ``threads``: the user's ``setup(threads=N)`` (1: no draws side by side)."""
    gen = _GENERATORS.get(type(connector))
    if gen is None:
        return False
    overlap = _overlapping(projection, connector)
    if overlap and (type(connector) not in (pc.AllToAllConnector, pc.FixedProbabilityConnector)
                    or _has_assembly(projection)):
        return False  # fixed numbers over overlapping cells: PyNN's per-target path
    rng = getattr(connector, "rng", None)
    if rng is not None and not isinstance(rng, NumpyRNG):
        return False
    params = _parameter_maps(projection)
    if params is None:
        return False
    _check_host_memory(projection, connector)
    pairs = gen(projection, connector, threads)
    if pairs is None:
        return False
    pre, post, given = pairs
    sorting = pre if isinstance(pre, SortingPairs) else None
    if sorting is not None and any(not isinstance(params[k], (float, RandomDistribution))
                                   for k in params if k not in given):
        pre, post = sorting.result()  # arrays of values are read at the pairs
    if overlap:
        pre, post = _drop_same_cells(projection, pre, post)
    try:  # while the pairs are sorted (the draws need only their number)
        values = _values(projection, params, given, pre, post, threads)
    finally:  # the sort's scratch is free again (also when a draw failed)
        if sorting is not None:
            pre, post = sorting.result()
    projection._store(pre, post, values)
    return True


SIDE_BY_SIDE = 1 << 20  # connections from which two generators' draws go side by side


def _values(projection, params, given, pre, post, threads=None) -> dict:
    """Each synapse parameter's values at the pairs. PyNN gives each parameter's
    distribution a copy of its generator, so the draws of one do not move another's:
    with many connections, parameters drawn from generators of their own are drawn in
    threads side by side (the compiled draws release the GIL), the same numbers as one
    after the other."""
    def value(name):
        if name in given:
            return np.asarray(given[name], float)
        if name == "delay" and isinstance(params[name], RandomDistribution):
            return projection._drawn_delays(params[name], len(pre))
        return _evaluate(params[name], pre, post)

    drawn = [k for k in params if k not in given and isinstance(params[k], RandomDistribution)]
    states = [getattr(params[k].rng, "rng", params[k].rng) for k in drawn]
    apart = len({id(g) for g in states}) == len(states)  # no generator shared
    if len(pre) < SIDE_BY_SIDE or len(drawn) < 2 or not apart or usable_threads(threads) < 2:
        return {name: value(name) for name in params}
    with ThreadPoolExecutor(len(drawn) - 1, thread_name_prefix="neurochip-draws") as pool:
        later = {k: pool.submit(value, k) for k in drawn[1:]}
        values = {name: value(name) for name in params if name not in later}
        values.update({k: f.result() for k, f in later.items()})
    return {name: values[name] for name in params}


# host bytes per connection while a projection is built: int64 pre and post indices
# and their int32 copies, a float64 weight and delay (the synaptic rows come later)
BUILD_BYTES_PER_CONNECTION = 40


def _expected_connections(projection, connector) -> float:
    n_pre, n_post = projection.pre.size, projection.post.size
    kind = type(connector)
    if kind is pc.AllToAllConnector:
        return float(n_pre) * n_post
    if kind is pc.FixedProbabilityConnector:
        return float(connector.p_connect) * n_pre * n_post
    if kind in (pc.FixedNumberPreConnector, pc.FixedNumberPostConnector) and isinstance(
            connector.n, (int, np.integer)):
        return float(connector.n) * (n_post if kind is pc.FixedNumberPreConnector else n_pre)
    if kind is pc.FixedTotalNumberConnector and isinstance(connector.n, (int, np.integer)):
        return float(connector.n)
    return 0.0  # one-to-one, lists, small worlds: bounded by what the script holds already


def available_memory() -> int:
    """Bytes of memory this machine can still give (MemAvailable, else all of it)."""
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")


def _check_host_memory(projection, connector):
    """Refuse, before allocating anything, a projection whose connections alone would
    not fit in this machine's memory (numpy would fail deep inside with a bare
    allocation error)."""
    n = _expected_connections(projection, connector)
    need = n * BUILD_BYTES_PER_CONNECTION
    have = available_memory()
    if need > have:
        raise HostMemoryError(
            f"Projection {projection.label!r}: {type(connector).__name__} between "
            f"{projection.pre.size} and {projection.post.size} cells makes about {n:.3g} "
            f"connections, about {need / 2 ** 30:,.0f} GiB to build on this host "
            f"({BUILD_BYTES_PER_CONNECTION} bytes each), more than the {have / 2 ** 30:.1f} GiB "
            f"available: use a sparser connector or a smaller network (--scale)")


def _parameter_maps(projection):
    ps = projection.synapse_type.native_parameters
    ps.shape = (projection.pre.size, projection.post.size)
    maps = {}
    for name in projection._params:
        m = ps[name]
        if m.is_homogeneous:
            maps[name] = float(m.evaluate(simplify=True))
        elif m.operations:
            return None
        elif isinstance(m.base_value, RandomDistribution):
            if not isinstance(m.base_value.rng, NumpyRNG):
                return None
            maps[name] = m.base_value
        elif isinstance(m.base_value, np.ndarray) and m.base_value.shape == ps.shape:
            maps[name] = m.base_value
        else:  # callables, distance and index expressions
            return None
    return maps


def _evaluate(value, pre, post):
    if isinstance(value, float):  # one value for all: held once (see Projection._store)
        return np.float64(value)
    if isinstance(value, RandomDistribution):  # normal ones compiled, the same numbers
        return draw(value, len(pre)).reshape(len(pre)) if len(pre) else np.zeros(0)
    return np.asarray(value[pre, np.asarray(post)], float)


def _no_self(projection, connector):
    """True when self-connections must be left out and pre and post are the same cells
    in the same order (then "self" is the diagonal)."""
    return (not getattr(connector, "allow_self_connections", True)
            and projection.pre == projection.post)


def _root_ids(side):
    """Root-population identity of each neuron of a Population or PopulationView."""
    if isinstance(side, common.PopulationView):
        return id(side.grandparent), np.asarray(side.index_in_grandparent(np.arange(side.size)))
    return id(side), np.arange(side.size)


def _overlapping(projection, connector):
    """Self-connections must go, and pre and post share cells without being the same
    sequence (overlapping views): "self" is then a pair of the same root cell."""
    if getattr(connector, "allow_self_connections", True) or _no_self(projection, connector):
        return False
    if _has_assembly(projection):
        return True
    (ra, ia), (rb, ib) = _root_ids(projection.pre), _root_ids(projection.post)
    return ra == rb and bool(np.intersect1d(ia, ib).size)


def _has_assembly(projection):
    return isinstance(projection.pre, common.Assembly) or isinstance(projection.post, common.Assembly)


def _drop_same_cells(projection, pre, post):
    _, ia = _root_ids(projection.pre)
    _, ib = _root_ids(projection.post)
    keep = ia[pre] != ib[post]
    return pre[keep], post[keep]


def _all_to_all(projection, connector, threads=None):
    n_pre, n_post = projection.pre.size, projection.post.size
    post = np.repeat(np.arange(n_post, dtype=np.int32), n_pre)
    pre = np.tile(np.arange(n_pre, dtype=pre_dtype(n_pre)), n_post)
    if _no_self(projection, connector):
        keep = pre != post
        pre, post = pre[keep], post[keep]
    return pre, post, {}


def _one_to_one(projection, connector, threads=None):
    if projection.pre.size != projection.post.size:
        raise errors.ConnectionError(
            f"OneToOneConnector: pre ({projection.pre.size}) and post ({projection.post.size}) "
            f"must have the same size")
    idx = np.arange(projection.pre.size)
    return idx, idx.copy(), {}


def _fixed_probability(projection, connector, threads=None):
    """Independent Bernoulli trials over all pairs, by geometric skips (no dense matrix)."""
    n_pre, n_post = projection.pre.size, projection.post.size
    p = connector.p_connect
    total = n_pre * n_post
    if p <= 0 or total == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), {}
    if p >= 1:
        return _all_to_all(projection, connector)
    rs = connector.rng.rng
    chunks, pos = [], -1
    while True:
        n = int(min(max(1.2 * (total - pos) * p + 100, 100), CHUNK))
        gaps = rs.geometric(p, n)
        flat = pos + np.cumsum(gaps)
        inside = flat < total
        chunks.append(flat[inside])
        if not inside.all():
            break
        pos = int(flat[-1])
    flat = np.concatenate(chunks)
    post, pre = np.divmod(flat, n_pre)  # post-major order, as PyNN connects
    if _no_self(projection, connector):
        keep = pre != post
        pre, post = pre[keep], post[keep]
    return pre, post, {}


def _distinct(rs, n_rows, pool, k):
    """``(n_rows, k)``: k distinct indices in [0, pool) per row, uniformly, in random order.

    Draws a few more than k with replacement, sorts each row (O(k log k), not O(pool)),
    and picks k of the distinct values at random; rows short of k distinct draw again.
    The distinct values of uniform draws are a uniform subset given their number, so
    the k picked are a uniform k-subset.
    """
    if 2 * k > pool:  # dense: a random permutation prefix costs little more here
        return np.argsort(rs.random_sample((n_rows, pool)), axis=1)[:, :k]
    m = min(pool, k + int(2.0 * k * k / pool) + 16)
    out = np.empty((n_rows, k), np.int64)
    todo = np.arange(n_rows)
    while len(todo):
        s = np.sort(rs.randint(0, pool, size=(len(todo), m)), axis=1)
        dup = np.zeros(s.shape, bool)
        dup[:, 1:] = s[:, 1:] == s[:, :-1]
        ok = (m - dup.sum(axis=1)) >= k
        keys = rs.random_sample(s.shape)
        keys[dup] = 2.0  # duplicates sort last and are never picked
        pick = np.argsort(keys[ok], axis=1)[:, :k]
        out[todo[ok]] = np.take_along_axis(s[ok], pick, axis=1)
        todo = todo[~ok]
    return out


def _sample(rs, n_rows, size, k, replace, exclude_diag, dtype=np.int64):
    """k indices in [0, size) for each of n_rows rows (excluding index == row if asked),
    as ``dtype``."""
    pool = size - 1 if exclude_diag else size
    if not replace and k > pool:
        raise errors.ConnectionError(
            f"cannot choose {k} distinct partners out of {pool} without replacement")
    out = np.empty((n_rows, k), dtype)
    step = max(1, CHUNK // max(k if replace or 2 * k <= pool else pool, 1))
    for a in range(0, n_rows, step):
        b = min(n_rows, a + step)
        if replace:
            idx = rs.randint(0, pool, size=(b - a, k))
        else:
            idx = _distinct(rs, b - a, pool, k)
        if exclude_diag:
            idx = idx + (idx >= np.arange(a, b)[:, None])
        out[a:b] = idx
    return out


def _fixed_number_pre(projection, connector, threads=None):
    if not isinstance(connector.n, (int, np.integer)):
        return None
    n_pre, n_post = projection.pre.size, projection.post.size
    idx = _sample(connector.rng.rng, n_post, n_pre, int(connector.n), connector.with_replacement,
                  _no_self(projection, connector), pre_dtype(n_pre))
    return idx.ravel(), np.repeat(np.arange(n_post, dtype=np.int32), int(connector.n)), {}


def _fixed_number_post(projection, connector, threads=None):
    if not isinstance(connector.n, (int, np.integer)):
        return None
    n_pre, n_post = projection.pre.size, projection.post.size
    idx = _sample(connector.rng.rng, n_pre, n_post, int(connector.n), connector.with_replacement,
                  _no_self(projection, connector))
    pre = np.repeat(np.arange(n_pre), int(connector.n))
    post = idx.ravel()
    order = np.lexsort((pre, post))
    return pre[order], post[order], {}


def _fixed_total_number(projection, connector, threads=None):
    if (not isinstance(connector.n, (int, np.integer))
            or connector.allow_self_connections not in (True, False)):  # e.g. "NoMutual"
        return None
    n_pre, n_post = projection.pre.size, projection.post.size
    no_self = _no_self(projection, connector)
    total = n_pre * n_post
    n = int(connector.n)
    rs = connector.rng.rng
    if connector.with_replacement and not no_self:  # every draw taken: in chunks
        flat = _draw_prefix(rs, total, n, 2 * n + 16)
        return _split(flat, n_pre, n_post, threads)
    flat = np.zeros(0, np.int64)
    while len(flat) < n:
        draw = rs.randint(0, total, size=2 * (n - len(flat)) + 16)
        if no_self:
            draw = draw[draw // n_pre != draw % n_pre]
        if connector.with_replacement:
            flat = np.concatenate((flat, draw))[:n]
        else:
            _, first = np.unique(np.concatenate((flat, draw)), return_index=True)
            merged = np.concatenate((flat, draw))[np.sort(first)]
            flat = merged[:n]
            if len(flat) < n and len(merged) >= total - (n_pre if no_self else 0):
                raise errors.ConnectionError(
                    f"FixedTotalNumberConnector: {n} distinct connections asked, only "
                    f"{len(merged)} pairs exist")
    return _split(flat, n_pre, n_post, threads)


def _draw_prefix(rs, high, keep, consume):
    """The first ``keep`` of ``consume`` uniform draws in [0, high), drawing in chunks
    (the generator ends where one draw of ``consume`` leaves it, the host never holds
    more than ``keep`` of them). They are the build's scratch (:mod:`neurochip.scratch`,
    "pairs"; uint32 where they fit, else int64): valid until the next projection's."""
    small = high <= 1 << 32
    out = randint_prefix(rs, high, keep, consume,  # numpy's draws, compiled
                         out=scratch.take("pairs", keep, np.uint32 if small else np.int64))
    if out is not None:
        return out
    out = scratch.take("pairs", keep, np.int64)
    done = 0
    while done < consume:
        m = min(CHUNK, consume - done)
        draw = rs.randint(0, high, size=m)
        if done < keep:
            take = min(m, keep - done)
            out[done:done + take] = draw[:take]
        done += m
    return out


def _split(flat, n_pre, n_post, threads=None):
    """(pre, post) of the pair numbers ``post * n_pre + pre`` in sorted order, in compact
    types (post as runs); many pairs are sorted in the background (``SortingPairs``, the
    pre of the result) while fast_connect draws their weights and delays, unless the
    user's ``setup(threads=1)`` (``threads``) keeps the build on one thread."""
    if len(flat) >= BACKGROUND_SORT and usable_threads(threads) > 1:
        return SortingPairs(flat, n_pre, n_post, pre_dtype(n_pre)), None, {}
    pre, post = runs_of_pairs(flat, n_pre, n_post, pre_dtype(n_pre))
    if len(pre) < max(1024, 2 * (n_post + 1)):  # runs would save nothing: Projection decides
        post = np.asarray(post)
    return pre, post, {}


def _from_list(projection, connector, threads=None):
    conn = np.asarray(connector.conn_list, float)
    if conn.size == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), {}
    pre = conn[:, 0].astype(np.int64)
    post = conn[:, 1].astype(np.int64)
    if pre.min() < 0 or pre.max() >= projection.pre.size:
        raise errors.ConnectionError(
            f"FromListConnector: source index {int(pre.max())} out of range [0, {projection.pre.size})")
    if post.min() < 0 or post.max() >= projection.post.size:
        raise errors.ConnectionError(
            f"FromListConnector: target index {int(post.max())} out of range [0, {projection.post.size})")
    names = projection.synapse_type.get_parameter_names()
    given = {}
    for col, name in enumerate(connector.column_names, 2):
        if name not in names:
            raise ValueError(f"{name} is not a valid parameter for "
                             f"{projection.synapse_type.__class__.__name__}")
        given[name] = conn[:, col]
    order = np.argsort(post, kind="stable")  # PyNN connects target by target
    return pre[order], post[order], {k: v[order] for k, v in given.items()}


def _small_world(projection, connector, threads=None):
    """Local edges (distance below ``degree``, or the ``n_connections`` nearest targets of
    each source), then each edge's target rewired with probability ``rewiring`` to a
    uniformly drawn cell (PyNN 0.13 leaves this connector unimplemented)."""
    if connector.allow_self_connections not in (True, False):
        return None
    pre_pos, post_pos = projection.pre.positions, projection.post.positions
    d = projection.space.distances(pre_pos.T, post_pos.T).reshape(pre_pos.shape[1], -1)
    no_self = _no_self(projection, connector)
    if no_self:
        np.fill_diagonal(d, np.inf)
    degree = float(connector.d_expression.split("<")[1])
    if connector.n_connections is None:
        pre, post = np.nonzero(d < degree)
    else:
        k = int(connector.n_connections)
        post = np.argsort(d, axis=1, kind="stable")[:, :k].ravel()
        pre = np.repeat(np.arange(d.shape[0]), k)
    rs = connector.rng.rng
    rewire = rs.random_sample(len(pre)) < connector.rewiring
    n_post = projection.post.size
    new = rs.randint(0, n_post - 1 if no_self else n_post, size=int(rewire.sum()))
    if no_self:
        new = new + (new >= pre[rewire])  # never onto the source itself
    post = post.copy()
    post[rewire] = new
    order = np.lexsort((pre, post))
    return pre[order], post[order], {}


# connector type -> generator(projection, connector, threads): (pre, post, given values) or
# None (not handled here); ``threads`` is the user's setup(threads=N), None for the default
_GENERATORS = {
    pc.AllToAllConnector: _all_to_all,
    pc.OneToOneConnector: _one_to_one,
    pc.FixedProbabilityConnector: _fixed_probability,
    pc.FixedNumberPreConnector: _fixed_number_pre,
    pc.FixedNumberPostConnector: _fixed_number_post,
    pc.FixedTotalNumberConnector: _fixed_total_number,
    pc.FromListConnector: _from_list,
    pc.SmallWorldConnector: _small_world,
}
