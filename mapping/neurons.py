"""Neuron encoding: PyNN parameters -> per-neuron parameter/state rows, and sources.

Quantisation is decided per population, never per core, so that results do
not depend on how the network was cut.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from neurochip.emulator import fixed, models
from neurochip.emulator.rng import seed_kiss

from .errors import MappingError
from .neuron_constants import CONSTANTS
from .neuron_constants_multi import slot_parameters
from .rate_schedule import SCHEDULED_MODELS, rate_segments

__all__ = ["neuron_rows", "spike_array_events", "poisson_arrays", "poisson_window", "NEVER",
           "POISSON_MODELS", "PoissonArrays", "CountTables", "count_table", "MAX_COUNT_RATE"]

NEVER = np.int64(1) << 62
# the stream of a population with a seed of its own (PopulationSpec.seed) in place of its
# index: the same seed gives the same draws wherever the population is in the network
OWN_SEED_STREAM = 2**31 - 1


def draw_seed(pop, pop_index: int, seed: int) -> tuple:
    """``(seed, stream)`` of a population's on-core generators: its own ``pop.seed`` if it
    has one, else the network's ``seed`` and the population's index."""
    return (seed, pop_index) if pop.seed is None else (int(pop.seed), OWN_SEED_STREAM)


def neuron_rows(pop, dt: float, fixed_point: bool, warn, seed: int = 0, index: int = 0) -> tuple:
    """``(params, state0)`` of a neuron population: ``(size, P)`` and ``(size, S)`` arrays
    in the model's column order, quantised to the model's formats in fixed point. A
    stochastic cell (``RNG``) seeds each neuron's generator from the global ``seed``, the
    population's ``index`` (or the population's own seed, see :func:`draw_seed`) and the
    neuron's, whatever the placement."""
    model = models.BY_NAME[pop.model]
    params, initial = (slot_parameters(pop, model) if models.named_receptors(model)
                       else (pop.params, pop.initial))
    init = {k: np.broadcast_to(np.asarray(v, float), (pop.size,)) for k, v in initial.items()}
    if getattr(model, "RNG", False):
        seed, index = draw_seed(pop, index, seed)
        init.setdefault("rng_seed", np.full(pop.size, float(seed)))
        init.setdefault("rng_population", np.full(pop.size, float(index)))
    init.setdefault("v", np.asarray(params.get("v_rest", np.full(pop.size, -65.0)), float))
    try:
        consts, state0 = CONSTANTS[pop.model](params, init, dt)
    except MappingError as e:
        raise MappingError(f"population {pop.label!r}: {e}") from None
    return (_quantise(consts, model.PARAMS, pop, fixed_point, warn, np.int64),
            _quantise(state0, model.STATE, pop, fixed_point, warn, np.int32, "initial "))


def _quantise(values, table, pop, fixed_point, warn, int_dtype, what=""):
    out = np.zeros((pop.size, len(table)), int_dtype if fixed_point else np.float64)
    for j, (name, fmt) in enumerate(table):
        v = np.broadcast_to(np.asarray(values[name], np.float64), (pop.size,))
        where = f"population {pop.label!r}: {what}{name}"
        if not fixed_point or fmt == "int":
            out[:, j] = v
        elif fmt == "REAL":
            out[:, j] = fixed.to_real(v, where)
            if np.any((out[:, j] == 0) & (v != 0)):
                warn(f"{where} = {v[v != 0][0]:g} rounds to 0 in s16.15 (resolution "
                     f"{1 / fixed.REAL_ONE:g}): it will have no effect")
        else:  # UFRACT
            out[:, j] = fixed.to_ufract(v, where)
            if name.startswith("decay") and np.any(out[:, j] == fixed.UFRACT_MAX):
                bad = float(v[out[:, j] == fixed.UFRACT_MAX][0])
                warn(f"{where} = exp(-dt/tau) = {bad!r} rounds to 1.0 in u0.32 (largest value "
                     f"below 1: 1 - 2**-32): it will not decay; its time constant is more than "
                     f"about 2**32 timesteps")
    return out


def spike_array_events(pop, lo: int, hi: int, dt: float, warn, stamp: str = "end") -> tuple:
    """``(ticks, local_index)`` of the slice's spikes, sorted by tick (stable): a spike
    of tick k goes out in step k - 1. ``stamp="start"`` (sPyNNaker's convention, see
    :class:`~neurochip.mapping.graph.NetworkGraph`) sends each one step later: a spike at
    time t in the step that starts at t."""
    a, b = pop.spike_lo[lo], pop.spike_lo[hi]
    times = np.asarray(pop.spike_times[a:b], np.float64)
    idx = np.repeat(np.arange(hi - lo), np.diff(pop.spike_lo[lo:hi + 1]))
    # NEST's spike_generator rule: a time within half a microsecond of a step is
    # that step, any other time moves to the end of the step that contains it
    near = np.rint(times / dt)
    ticks = np.where(np.abs(times - near * dt) < 5e-4, near, np.ceil(times / dt)).astype(np.int64)
    if stamp == "start":  # sPyNNaker's rule (it floors times to whole microseconds first)
        ticks += 1
    early = ticks < 1
    if np.any(early):
        first = "0 ms" if stamp == "start" else f"one timestep ({dt} ms)"
        hint = ("" if stamp == "start" else "; setup(spike_time_convention='spinnaker') sends "
                "a spike at 0 ms in the first step, as sPyNNaker does")
        warn(f"population {pop.label!r}: {int(early.sum())} spike time(s) before {first} "
             f"cannot be sent and are ignored{hint}")
        ticks, idx = ticks[~early], idx[~early]
    order = np.argsort(ticks, kind="stable")
    return ticks[order], idx[order].astype(np.int32)


POISSON_MODELS = ("SpikeSourcePoisson", "SpikeSourcePoissonRefractory", "SpikeSourceGamma",
                  *SCHEDULED_MODELS)
MAX_COUNT_RATE = 100.0  # expected events per tick of one source, at most


@dataclass(frozen=True, eq=False)
class PoissonArrays:
    """Per neuron of a Poisson-type source population: its count table (``cdf_lo`` into
    the concatenation of ``tables``), the most spikes it can send in one tick, its
    window, dead time and gamma order, and its generator's initial state; a rate
    schedule (SpikeSourcePoissonVariable): neuron i's segments ``sched_lo[i]:sched_lo[i+1]``
    begin at ticks ``sched_tick`` and draw on the tables at ``sched_cdf_lo`` (see
    :class:`neurochip.emulator.groups.Sources`)."""

    cdf_lo: np.ndarray   # (size,) int64
    tables: list         # uint64 arrays, P(K <= k) in u0.32 (see count_table)
    most: np.ndarray     # (size,) int64
    start: np.ndarray    # (size,) int64
    end: np.ndarray      # (size,) int64
    refrac: np.ndarray   # (size,) int64
    every: np.ndarray    # (size,) int64
    rng0: np.ndarray     # (size, 4) uint32
    sched_lo: np.ndarray | None = None      # (size + 1,) int64
    sched_tick: np.ndarray | None = None    # int64
    sched_cdf_lo: np.ndarray | None = None  # int64

    def __post_init__(self):
        if self.sched_lo is None:
            object.__setattr__(self, "sched_lo", np.zeros(len(self.cdf_lo) + 1, np.int64))
            object.__setattr__(self, "sched_tick", np.zeros(0, np.int64))
            object.__setattr__(self, "sched_cdf_lo", np.zeros(0, np.int64))


class CountTables:
    """The count tables of several source populations, one after the other (a machine's
    ``poisson_cdf`` or ``DirectInputs.cdf``): :meth:`offset` places a population's
    tables once and says where they start."""

    def __init__(self):
        self._tables, self._at, self._size = [], {}, 0

    def offset(self, pop_index: int, src: PoissonArrays) -> int:
        if pop_index not in self._at:
            self._at[pop_index] = self._size
            self._tables += src.tables
            self._size += sum(len(t) for t in src.tables)
        return self._at[pop_index]

    def array(self) -> np.ndarray:
        return np.concatenate(self._tables) if self._tables else np.zeros(0, np.uint64)


def count_table(lam: float) -> np.ndarray:
    """``P(K <= k)`` of a Poisson count of mean ``lam``, in u0.32 (uint64), for k = 0, 1,
    ... until it reaches ``2**32`` (the last entry is ``2**32``: every draw stops)."""
    pmf = np.exp(-lam)
    cum, out, k = pmf, [], 0
    while True:
        q = min(int(np.rint(cum * 2.0 ** 32)), 1 << 32)
        if q >= (1 << 32) or k > lam + 40.0 * np.sqrt(lam) + 40:
            out.append(1 << 32)
            return np.array(out, np.uint64)
        out.append(q)
        k += 1
        pmf *= lam / k
        cum += pmf


def poisson_arrays(pop, pop_index: int, dt: float, seed: int) -> PoissonArrays:
    """The :class:`PoissonArrays` of a Poisson-type source: SpikeSourcePoisson,
    SpikeSourcePoissonRefractory (dead time) or SpikeSourceGamma (every alpha-th
    event of a Poisson process of rate beta). Each tick draws a Poisson count of
    events (a source may send several spikes in one tick, as NEST's generators do).
    The generators are seeded as :func:`draw_seed` says."""
    p = pop.params
    where = f"population {pop.label!r}"
    if pop.model in SCHEDULED_MODELS:
        return _scheduled_arrays(pop, pop_index, dt, seed)
    refrac = np.zeros(pop.size, np.int64)
    every = np.ones(pop.size, np.int64)
    if pop.model == "SpikeSourceGamma":
        alpha = np.broadcast_to(np.asarray(p["alpha"], np.float64), (pop.size,))
        if np.any((alpha < 1) | (alpha != np.rint(alpha))):
            raise MappingError(f"{where}: alpha = {alpha[(alpha < 1) | (alpha != np.rint(alpha))][0]:g}"
                               f"; the on-core gamma generator needs a whole number >= 1")
        every = alpha.astype(np.int64)
        rate = np.asarray(p["beta"], np.float64)  # Poisson events per second
    else:
        rate = np.asarray(p["rate"], np.float64)
    rate = np.broadcast_to(rate, (pop.size,))
    if np.any(~(rate >= 0)):
        raise MappingError(f"{where}: rate {rate[~(rate >= 0)][0]:g} Hz must be >= 0 (and finite)")
    lam = rate * dt / 1000.0  # mean events per tick
    if pop.model == "SpikeSourcePoissonRefractory":
        tau = np.broadcast_to(np.asarray(p["tau_refrac"], np.float64), (pop.size,))
        refrac = np.rint(tau / dt).astype(np.int64)
        # after the dead time, a spike in a tick with probability dt / (mean interval -
        # dead time) (NEST's ppd generator's hazard), so the mean interval is the rate's
        dead = refrac > 0
        free = np.where(rate > 0, 1000.0 / np.maximum(rate, 1e-300), np.inf) - refrac * dt
        prob = np.where(rate > 0, dt / np.where(free > 0, free, 1.0), 0.0)
        bad = dead & (rate > 0) & ((free <= 0) | (prob >= 1.0))
        if np.any(bad):
            k = np.flatnonzero(bad)[0]
            raise MappingError(
                f"{where}: a rate of {rate[k]:g} Hz with a dead time of {tau[k]:g} ms leaves "
                f"less than one timestep between dead times; on the time grid the rate is "
                f"at most {1000.0 / ((refrac[k] + 1) * dt):g} Hz: lower the rate or tau_refrac")
        lam = np.where(dead, -np.log1p(-np.where(dead, prob, 0.0)), lam)
    _check_count_rate(where, lam, dt)
    tables, first, sizes, which = _tables(lam)
    k_max = (sizes - 1)[which]
    most = np.where(refrac > 0, np.minimum(k_max, 1), (every - 1 + k_max) // every)
    start, end = poisson_window(pop, dt)
    return PoissonArrays(cdf_lo=first[which].astype(np.int64), tables=tables,
                         most=most.astype(np.int64), start=start, end=end, refrac=refrac,
                         every=every,
                         rng0=seed_kiss(*draw_seed(pop, pop_index, seed), np.arange(pop.size)))


def _check_count_rate(where, lam, dt):
    if np.any(lam > MAX_COUNT_RATE):
        raise MappingError(f"{where}: rate {lam.max() * 1000.0 / dt:g} Hz is more than "
                           f"{MAX_COUNT_RATE:g} events per timestep ({MAX_COUNT_RATE * 1000.0 / dt:g} "
                           f"Hz at dt={dt} ms); split it into several sources")


def _tables(lam):
    """``(tables, first, sizes, which)``: one count table per distinct mean of ``lam``,
    where each starts in their concatenation and its length, and each mean's table."""
    values, which = np.unique(lam, return_inverse=True)
    tables = [count_table(v) for v in values]
    sizes = np.array([len(t) for t in tables], np.int64)
    first = np.r_[0, np.cumsum(sizes)[:-1]].astype(np.int64)
    return tables, first, sizes, which.reshape(np.shape(lam))


def _scheduled_arrays(pop, pop_index, dt, seed) -> PoissonArrays:
    """The PoissonArrays of a SpikeSourcePoissonVariable: a count table per segment of
    each neuron's rate schedule (:mod:`neurochip.mapping.rate_schedule`); a neuron's own
    table is that of rate 0 (its segments' are drawn on)."""
    seg_lo, seg_tick, seg_rate, start, end = rate_segments(pop, dt)
    lam = seg_rate * dt / 1000.0
    _check_count_rate(f"population {pop.label!r}", lam, dt)
    tables, first, sizes, which = _tables(np.r_[0.0, lam])
    k_max = (sizes - 1)[which]
    most = np.zeros(pop.size, np.int64)
    owner = np.repeat(np.arange(pop.size), np.diff(seg_lo))
    np.maximum.at(most, owner, k_max[1:])
    ones = np.ones(pop.size, np.int64)
    return PoissonArrays(cdf_lo=np.full(pop.size, first[which[0]], np.int64), tables=tables,
                         most=most, start=start, end=end, refrac=0 * ones, every=ones,
                         rng0=seed_kiss(*draw_seed(pop, pop_index, seed), np.arange(pop.size)),
                         sched_lo=seg_lo, sched_tick=seg_tick,
                         sched_cdf_lo=first[which[1:]].astype(np.int64))


def poisson_window(pop, dt: float) -> tuple:
    """``(start, end)`` per neuron: the source sends spikes stamped in ticks [start, end)."""
    p = pop.params
    start = np.rint(np.asarray(p["start"]) / dt).astype(np.int64) + 1
    stop = np.asarray(p["start"], np.float64) + np.asarray(p["duration"])
    end = np.full(pop.size, NEVER)
    finite = np.isfinite(stop)
    end[finite] = np.rint(stop[finite] / dt).astype(np.int64) + 1
    return np.broadcast_to(start, (pop.size,)).copy(), end
