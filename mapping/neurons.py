"""Neuron encoding: PyNN parameters -> per-neuron parameter/state rows, and sources.

Quantisation is decided per population, never per core, so that results do
not depend on how the network was cut.
"""

from __future__ import annotations

import numpy as np

from emulator import fixed, lif
from emulator.rng import seed_kiss

from .errors import MappingError

__all__ = ["lif_rows", "spike_array_events", "poisson_arrays", "lif_propagators", "NEVER"]

NEVER = np.int64(1) << 62


def lif_propagators(p: dict, dt: float) -> dict:
    """Float64 per-neuron constants of the exact IF_curr_exp update (NEST's propagators)."""
    tau_m, cm = p["tau_m"], p["cm"]
    for name in ("tau_m", "cm", "tau_syn_E", "tau_syn_I"):
        if np.any(p[name] <= 0):
            raise MappingError(f"{name} must be positive, got {np.min(p[name]):g}")
    if np.any(p["tau_refrac"] < 0):
        raise MappingError(f"tau_refrac must be >= 0, got {np.min(p['tau_refrac']):g}")
    p22 = np.exp(-dt / tau_m)
    out = {"v_inf": p["v_rest"] + tau_m / cm * p["i_offset"], "p22": p22,
           "v_thresh": p["v_thresh"], "v_reset": p["v_reset"],
           "refrac_ticks": np.rint(p["tau_refrac"] / dt)}
    for syn, tau_s in (("e", p["tau_syn_E"]), ("i", p["tau_syn_I"])):
        decay = np.exp(-dt / tau_s)
        near = np.abs(tau_s - tau_m) < 1e-9 * tau_m
        with np.errstate(divide="ignore", invalid="ignore"):
            p21 = tau_m * tau_s / (cm * (tau_s - tau_m)) * (decay - p22)
        out["p21" + syn] = np.where(near, dt / cm * p22, p21)
        out["decay_" + syn] = decay
    return out


def lif_rows(pop, dt: float, fixed_point: bool, warn) -> tuple:
    """``(params, state0)`` of a population: ``(size, P)`` and ``(size, S)`` arrays."""
    try:
        prop = lif_propagators(pop.params, dt)
    except MappingError as e:
        raise MappingError(f"population {pop.label!r}: {e}") from None
    names = [name for name, _ in lif.PARAMS]
    init = {"v": pop.initial.get("v", pop.params["v_rest"]),
            "isyn_exc": pop.initial.get("isyn_exc", np.zeros(pop.size)),
            "isyn_inh": -pop.initial.get("isyn_inh", np.zeros(pop.size)),
            "refrac": np.zeros(pop.size)}
    if not fixed_point:
        params = np.stack([prop[n] for n in names], axis=1).astype(np.float64)
        state = np.stack([init[n] for n, _ in lif.STATE], axis=1).astype(np.float64)
        return params, state
    params = np.zeros((pop.size, len(names)), np.int64)
    for j, (name, fmt) in enumerate(lif.PARAMS):
        where = f"population {pop.label!r}: {name}"
        if fmt == "REAL":
            params[:, j] = fixed.to_real(prop[name], where)
        elif fmt == "UFRACT":
            params[:, j] = fixed.to_ufract(prop[name], where)
            if name.startswith("decay") and np.any(params[:, j] == fixed.UFRACT_MAX):
                warn(f"population {pop.label!r}: {name} = exp(-dt/tau) rounds to 1.0 in u0.32; "
                     f"the synaptic current will not decay (time constant too long for dt={dt})")
        else:
            params[:, j] = prop[name].astype(np.int64)
    for name in ("p21e", "p21i"):
        j = names.index(name)
        if np.any((params[:, j] == 0) & (prop[name] != 0)):
            warn(f"population {pop.label!r}: {name} = {prop[name].max():g} mV/nA rounds to 0 in "
                 f"s16.15: synaptic input will have no effect; use a smaller cm or larger dt")
    state = np.zeros((pop.size, len(lif.STATE)), np.int32)
    for j, (name, fmt) in enumerate(lif.STATE):
        state[:, j] = fixed.to_real(init[name], f"population {pop.label!r}: initial {name}") \
            if fmt == "REAL" else init[name].astype(np.int32)
    return params, state


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


def poisson_arrays(pop, pop_index: int, dt: float, seed: int) -> tuple:
    """``(thresh, start, end, rng0)`` per neuron of a SpikeSourcePoisson population."""
    rate = np.asarray(pop.params["rate"], np.float64)
    if np.any(rate < 0):
        raise MappingError(f"population {pop.label!r}: rate {rate.min():g} Hz must be >= 0")
    prob = rate * dt / 1000.0
    if np.any(prob >= 1.0):
        raise MappingError(
            f"population {pop.label!r}: rate {rate.max():g} Hz is at least one spike per "
            f"timestep ({1000.0 / dt:g} Hz at dt={dt} ms); the on-core generator sends at most "
            f"one spike per timestep: use a lower rate or several sources")
    thresh = np.minimum(np.rint(prob * 2.0 ** 32), 2.0 ** 32 - 1).astype(np.uint32)
    start = np.rint(np.asarray(pop.params["start"]) / dt).astype(np.int64) + 1
    stop = np.asarray(pop.params["start"], np.float64) + np.asarray(pop.params["duration"])
    end = np.full(pop.size, NEVER)
    finite = np.isfinite(stop)
    end[finite] = np.rint(stop[finite] / dt).astype(np.int64) + 1
    return thresh, start, end, seed_kiss(seed, pop_index, np.arange(pop.size))
