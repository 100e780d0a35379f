"""Encode current sources (ElectrodeSpec) into the machine's Electrodes image."""

from __future__ import annotations

import numpy as np

from neurochip.emulator import fixed
from neurochip.emulator.electrodes import CS_AC, CS_NOISE, CS_STEPS, Electrodes
from neurochip.emulator.rng import seed_kiss

from .errors import MappingError
from .neurons import NEVER

__all__ = ["encode_electrodes", "step_changes"]



def _tick(t, dt):
    """Time (ms) -> tick, rounding to nearest; times beyond any run map to NEVER."""
    t = np.asarray(t, np.float64)
    return np.where(t / dt < NEVER / 2, np.rint(np.minimum(t / dt, NEVER / 2)), NEVER).astype(np.int64)


def step_changes(el, dt):
    """``(ticks, amplitudes)`` (nA) of a DCSource or StepCurrentSource, in order."""
    p = el.params
    if el.kind == "DCSource":
        start, stop = int(_tick(p["start"], dt)), int(_tick(p["stop"], dt))
        if stop <= start:
            return np.zeros(0, np.int64), np.zeros(0)
        return np.array([start, stop], np.int64), np.array([float(p["amplitude"]), 0.0])
    times = np.asarray(p["times"], np.float64).ravel()
    amps = np.asarray(p["amplitudes"], np.float64).ravel()
    if len(times) != len(amps):
        raise MappingError(f"current source {el.label!r}: {len(times)} times but {len(amps)} "
                           f"amplitudes")
    order = np.argsort(_tick(times, dt), kind="stable")  # equal ticks: the last one wins
    return _tick(times, dt)[order], amps[order]


def encode_electrodes(graph, pop_neuron_lo, fixed_point: bool) -> Electrodes:
    dt = graph.dt

    def real(v, what):
        return fixed.to_real(np.atleast_1d(v), what)[0] if fixed_point else float(v)
    rows = {k: [] for k in ("kind", "start", "stop", "interval", "amplitude", "offset", "mean",
                            "stdev", "phase0", "phase_inc", "record")}
    chg_tick, chg_amp, chg_count, tgt, tgt_count, rng = [], [], [], [], [], []
    for e, el in enumerate(graph.electrodes):
        p = el.params
        where = f"current source {el.label!r}"
        targets = [pop_neuron_lo[pop] + np.asarray(idx, np.int64) for pop, idx in el.targets]
        t = np.concatenate(targets) if targets else np.zeros(0, np.int64)
        tgt.append(t)
        tgt_count.append(len(t))
        start = int(_tick(p.get("start", 0.0), dt))
        stop = int(_tick(p.get("stop", 1e12), dt))
        kind, amp, off, mean, sd, ph0, inc, interval = CS_STEPS, 0.0, 0.0, 0.0, 0.0, 0, 0, 1
        ticks, amps = np.zeros(0, np.int64), np.zeros(0)
        if el.kind in ("DCSource", "StepCurrentSource"):
            ticks, amps = step_changes(el, dt)
        elif el.kind == "ACSource":
            kind, amp, off = CS_AC, float(p["amplitude"]), float(p["offset"])
            ph0 = int(round((float(p["phase"]) / 360.0) % 1.0 * 2 ** 32)) % 2 ** 32
            inc = int(round((float(p["frequency"]) * dt / 1000.0) % 1.0 * 2 ** 32)) % 2 ** 32
        else:
            kind, mean, sd = CS_NOISE, float(p["mean"]), float(p["stdev"])
            interval = int(round(float(p["dt"]) / dt))
            if interval < 1 or abs(interval * dt - float(p["dt"])) > 1e-9 * max(1.0, float(p["dt"])):
                raise MappingError(f"{where}: dt = {p['dt']} ms must be a multiple of the "
                                   f"timestep {dt} ms")
            if sd < 0:
                raise MappingError(f"{where}: stdev = {sd} nA must be >= 0")
        for name, value in (("kind", kind), ("start", start), ("stop", stop),
                            ("interval", interval), ("phase0", ph0), ("phase_inc", inc),
                            ("record", el.record)):
            rows[name].append(value)
        for name, value in (("amplitude", amp), ("offset", off), ("mean", mean), ("stdev", sd)):
            rows[name].append(real(value, f"{where}: {name}"))
        chg_tick.append(ticks)
        chg_amp.append(np.array([real(a, f"{where}: amplitude") for a in amps]))
        chg_count.append(len(ticks))
        rng.append(seed_kiss(el.seed, 1_000_003 + e, t))
    vdt = np.int64 if fixed_point else np.float64
    cat = np.concatenate
    return Electrodes(
        kind=np.array(rows["kind"], np.int64), start=np.array(rows["start"], np.int64),
        stop=np.array(rows["stop"], np.int64), interval=np.array(rows["interval"], np.int64),
        amplitude=np.array(rows["amplitude"], vdt), offset=np.array(rows["offset"], vdt),
        mean=np.array(rows["mean"], vdt), stdev=np.array(rows["stdev"], vdt),
        phase0=np.array(rows["phase0"], np.uint32), phase_inc=np.array(rows["phase_inc"], np.uint32),
        chg_lo=np.r_[0, np.cumsum(chg_count)].astype(np.int64),
        chg_tick=cat(chg_tick).astype(np.int64) if chg_tick else np.zeros(0, np.int64),
        chg_amp=cat(chg_amp).astype(vdt) if chg_amp else np.zeros(0, vdt),
        tgt_lo=np.r_[0, np.cumsum(tgt_count)].astype(np.int64),
        tgt=cat(tgt).astype(np.int64) if tgt else np.zeros(0, np.int64),
        rng0=cat(rng) if rng else np.zeros((0, 4), np.uint32),
        record=np.array(rows["record"], bool))
