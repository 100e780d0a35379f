"""Neuron encoding: PyNN parameters -> per-neuron parameter/state rows, and sources.

Quantisation is decided per population, never per core, so that results do
not depend on how the network was cut.
"""

from __future__ import annotations

import numpy as np

from emulator import fixed, models
from emulator.rng import seed_kiss

from .errors import MappingError
from .neuron_constants import CONSTANTS

__all__ = ["neuron_rows", "spike_array_events", "poisson_arrays", "poisson_window", "NEVER",
           "POISSON_MODELS"]

NEVER = np.int64(1) << 62


def neuron_rows(pop, dt: float, fixed_point: bool, warn) -> tuple:
    """``(params, state0)`` of a neuron population: ``(size, P)`` and ``(size, S)`` arrays
    in the model's column order, quantised to the model's formats in fixed point."""
    model = models.BY_NAME[pop.model]
    init = {k: np.broadcast_to(np.asarray(v, float), (pop.size,)) for k, v in pop.initial.items()}
    init.setdefault("v", np.asarray(pop.params.get("v_rest", np.full(pop.size, -65.0)), float))
    try:
        consts, state0 = CONSTANTS[pop.model](pop.params, init, dt)
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


def spike_array_events(pop, lo: int, hi: int, dt: float, warn) -> tuple:
    """``(ticks, local_index)`` of the slice's spikes, sorted by tick (stable)."""
    a, b = pop.spike_lo[lo], pop.spike_lo[hi]
    times = np.asarray(pop.spike_times[a:b], np.float64)
    idx = np.repeat(np.arange(hi - lo), np.diff(pop.spike_lo[lo:hi + 1]))
    # NEST's spike_generator rule: a time within half a microsecond of a step is
    # that step, any other time moves to the end of the step that contains it
    near = np.rint(times / dt)
    ticks = np.where(np.abs(times - near * dt) < 5e-4, near, np.ceil(times / dt)).astype(np.int64)
    early = ticks < 1
    if np.any(early):
        warn(f"population {pop.label!r}: {int(early.sum())} spike time(s) before one timestep "
             f"({dt} ms) cannot be sent and are ignored")
        ticks, idx = ticks[~early], idx[~early]
    order = np.argsort(ticks, kind="stable")
    return ticks[order], idx[order].astype(np.int32)


POISSON_MODELS = ("SpikeSourcePoisson", "SpikeSourcePoissonRefractory", "SpikeSourceGamma")


def poisson_arrays(pop, pop_index: int, dt: float, seed: int) -> tuple:
    """``(thresh, start, end, refrac, every, rng0)`` per neuron of a Poisson-type source:
    SpikeSourcePoisson, SpikeSourcePoissonRefractory (dead time) or SpikeSourceGamma
    (every alpha-th event of a Poisson process of rate beta)."""
    p = pop.params
    where = f"population {pop.label!r}"
    refrac = np.zeros(pop.size, np.int64)
    every = np.ones(pop.size, np.int64)
    if pop.model == "SpikeSourceGamma":
        alpha = np.asarray(p["alpha"], np.float64)
        if np.any((alpha < 1) | (alpha != np.rint(alpha))):
            raise MappingError(f"{where}: alpha = {alpha[(alpha < 1) | (alpha != np.rint(alpha))][0]:g}"
                               f"; the on-core gamma generator needs a whole number >= 1")
        every = alpha.astype(np.int64)
        rate = np.asarray(p["beta"], np.float64)  # Poisson events per second
    else:
        rate = np.asarray(p["rate"], np.float64)
    if np.any(rate < 0):
        raise MappingError(f"{where}: rate {rate.min():g} Hz must be >= 0")
    prob = rate * dt / 1000.0
    if pop.model == "SpikeSourcePoissonRefractory":
        tau = np.asarray(p["tau_refrac"], np.float64)
        refrac = np.rint(tau / dt).astype(np.int64)
        free = np.where(rate > 0, 1000.0 / np.maximum(rate, 1e-300), np.inf) - refrac * dt
        if np.any((rate > 0) & (free <= 0)):
            raise MappingError(f"{where}: a rate of {rate.max():g} Hz leaves no time between "
                               f"dead times of {tau.max():g} ms; lower the rate or tau_refrac")
        prob = np.where(rate > 0, dt / free, 0.0)  # mean interval: dead time + dt / p
    if np.any(prob >= 1.0):
        raise MappingError(
            f"{where}: rate {rate.max():g} Hz is at least one spike per "
            f"timestep ({1000.0 / dt:g} Hz at dt={dt} ms); a source core sends at most "
            f"one spike per timestep: use a lower rate or several sources, or connect it "
            f"one-to-one (each source to one neuron, spikes not recorded), so that it runs on "
            f"its targets' cores, which draw Poisson counts")
    thresh = np.minimum(np.rint(prob * 2.0 ** 32), 2.0 ** 32 - 1).astype(np.uint32)
    start, end = poisson_window(pop, dt)
    return thresh, start, end, refrac, every, seed_kiss(seed, pop_index, np.arange(pop.size))


def poisson_window(pop, dt: float) -> tuple:
    """``(start, end)`` per neuron: the source sends spikes stamped in ticks [start, end)."""
    p = pop.params
    start = np.rint(np.asarray(p["start"]) / dt).astype(np.int64) + 1
    stop = np.asarray(p["start"], np.float64) + np.asarray(p["duration"])
    end = np.full(pop.size, NEVER)
    finite = np.isfinite(stop)
    end[finite] = np.rint(stop[finite] / dt).astype(np.int64) + 1
    return np.broadcast_to(start, (pop.size,)).copy(), end
