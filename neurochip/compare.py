"""Fixed point against float64: one PyNN script run in both arithmetics, compared.

The script runs twice, as ``neurochip run`` runs it, with ``arithmetic`` forced to
"fixed" and then to "float" (:data:`neurochip.control.OVERRIDES`). After each run
the recordings of the last network's populations are taken (``get_data()``, last
segment) and the warnings raised are kept (a fixed-point run's QuantisationWarnings
say which values the machine could not hold). Per population the report gives:

- the mean rate in each arithmetic and their difference (Hz);
- how many neurons' spike trains are identical, and the mean over neurons of the van
  Rossum distance (time constant ``tau``) and of the Victor-Purpura distance (cost
  ``1 / tau``, so that moving a spike by more than ``2 tau`` costs as much as deleting
  and inserting it), from Elephant. Each mean is also divided by the mean distance of
  independent Poisson trains of the same rates (one pair per neuron pair, drawn again
  until there are BASELINE_PAIRS): 0 is the same spikes, about 1 is as unrelated as
  chance;
- per recorded state variable, the maximum and root-mean-square of
  ``|fixed - float|`` over all samples and neurons;
- per plastic (STDP) projection, the learned weights in each arithmetic: their means and
  the largest and root-mean-square difference, also relative to ``w_max``.

>>> result = compare_script("examples/synfire.py", "out/synfire-compare")  # doctest: +SKIP
>>> result["populations"]["group 0"]["van_rossum_normalised"]            # doctest: +SKIP
"""

from __future__ import annotations

import json
import math
import os
import runpy
import shlex
import sys
import warnings
from dataclasses import dataclass, field

import neo
import numpy as np
import quantities as pq
from elephant import spike_train_dissimilarity as dissimilarity

from . import control, simulator
from .errors import NeurochipError

__all__ = ["compare_script", "run_script", "compare_runs", "ScriptRun"]

TAU_MS = 10.0          # van Rossum time constant; the Victor-Purpura cost is 1 / TAU_MS
MAX_PAIRS = 500        # neuron pairs compared per population (evenly spaced above that)
BASELINE_PAIRS = 200   # independent Poisson pairs per population for the normalisation


@dataclass
class ScriptRun:
    """What one run of a script left: the last neo Segment of each population that
    recorded something (by label) and the warnings raised, as (category, message)."""

    arithmetic: str
    segments: dict
    warnings: list = field(default_factory=list)
    weights: dict = field(default_factory=dict)  # plastic projection -> (weights, w_max)


def run_script(path, args=(), arithmetic="fixed") -> ScriptRun:
    """Run the PyNN script ``path`` with command line ``args`` and ``setup(arithmetic=...)``
    forced; return its populations' last recorded segments and the warnings it raised
    (caught here, also those that strict tests turn into errors)."""
    saved, argv = dict(control.OVERRIDES), sys.argv
    control.OVERRIDES.update(arithmetic=arithmetic)
    sys.argv = [str(path), *map(str, args)]
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                runpy.run_path(str(path), run_name="__main__")
            except SystemExit as e:
                if e.code not in (None, 0):
                    raise
            segments = _segments()
            learned = _learned_weights()
    finally:
        sys.argv = argv
        control.OVERRIDES.clear()
        control.OVERRIDES.update(saved)
    found = [(w.category.__name__, str(w.message)) for w in caught]
    return ScriptRun(arithmetic, segments, list(dict.fromkeys(found)), learned)


def _learned_weights():
    """The weights of every plastic projection of the current network after the script
    (connection order) and its w_max, by label."""
    out = {}
    for prj in simulator.state.projections:
        syn = prj.synapse_type
        if type(syn).__name__ == "STDPMechanism":
            w_max = float(np.max(syn.weight_dependence.parameter_space["w_max"].base_value))
            out[prj.label] = (np.abs(np.asarray(prj.get("weight", format="list",
                                                             with_address=False), float)), w_max)
    return out


def _segments():
    """The last segment of every population of the current network that recorded
    something (the script has usually called end(), which keeps the data)."""
    out = {}
    for i, pop in enumerate(simulator.state.populations):
        if not any(pop.recorder.recorded.values()):
            continue
        label = pop.label if pop.label not in out else f"{pop.label} #{i}"
        out[label] = pop.get_data().segments[-1]
    return out


def compare_script(path, folder, args=(), *, tau=TAU_MS, seed=0) -> dict:
    """Run the script ``path`` (with command line ``args``) in fixed point and in float,
    compare what its populations recorded and write ``compare.txt``, ``compare.json``
    and ``compare.png`` into ``folder``. Returns the comparison (as in the JSON), with
    ``paths``, the files written."""
    runs = {"fixed": run_script(path, args, "fixed")}
    if not runs["fixed"].segments:
        raise NeurochipError(f"compare: {path} recorded nothing in its last network; record "
                             f"spikes or a state variable (pop.record(...)) to compare them")
    runs["float"] = run_script(path, args, "float")
    result = {"script": str(path), "args": [str(a) for a in args],
              **compare_runs(runs["fixed"], runs["float"], tau=tau, seed=seed)}
    os.makedirs(folder, exist_ok=True)
    paths = [os.path.join(folder, n) for n in ("compare.txt", "compare.json", "compare.png")]
    with open(paths[0], "w") as f:
        f.write(format_comparison(result))
    with open(paths[1], "w") as f:
        json.dump(_json_safe(result), f, indent=1)
    from .compare_pictures import plot_comparison
    plot_comparison(runs["fixed"].segments, runs["float"].segments, result, paths[2])
    result["paths"] = paths
    return result


def compare_runs(fixed: ScriptRun, float_: ScriptRun, *, tau=TAU_MS, seed=0) -> dict:
    """The comparison of two runs of one script, population by population (see the
    module's description)."""
    rng = np.random.default_rng(seed)
    pops = {}
    for label, seg in fixed.segments.items():
        other = float_.segments.get(label)
        if other is None:
            continue
        pops[label] = {**_compare_spikes(seg.spiketrains, other.spiketrains, tau, rng),
                       "traces": _compare_traces(seg.analogsignals, other.analogsignals)}
    plastic = {}
    for label, (wa, w_max) in fixed.weights.items():
        wb = float_.weights.get(label, (None,))[0]
        if wb is None or len(wb) != len(wa):
            continue
        d = np.abs(wa - wb)
        plastic[label] = {"synapses": len(wa), "w_max": w_max, "mean_fixed": float(wa.mean()),
                          "mean_float": float(wb.mean()), "max_difference": float(d.max(initial=0)),
                          "rms_difference": float(np.sqrt(np.mean(d ** 2))) if len(d) else 0.0}
    return {"tau_ms": tau, "victor_purpura_cost_per_ms": 1.0 / tau, "populations": pops,
            "plastic": plastic,
            "missing_in_float": sorted(set(fixed.segments) - set(float_.segments)),
            "quantisation_warnings": [m for c, m in fixed.warnings if c == "QuantisationWarning"],
            "machine_warnings": {r.arithmetic: [m for c, m in r.warnings if c == "MachineWarning"]
                                 for r in (fixed, float_)}}


def _times(train):
    return np.asarray(train.rescale(pq.ms).magnitude, np.float64)


def _compare_spikes(a_trains, b_trains, tau, rng):
    """Rates and spike-train distances of matching neurons (by ``source_index``)."""
    by_index = {int(t.annotations.get("source_index", i)): t for i, t in enumerate(b_trains)}
    pairs = [(a, by_index[k]) for i, a in enumerate(a_trains)
             if (k := int(a.annotations.get("source_index", i))) in by_index]
    if not pairs:
        return {"neurons": 0}
    t0 = float(a_trains[0].t_start.rescale(pq.ms).magnitude)
    t1 = float(a_trains[0].t_stop.rescale(pq.ms).magnitude)
    span_s = max(t1 - t0, 1e-12) / 1000.0
    rate_a = sum(len(a) for a, _ in pairs) / len(pairs) / span_s
    rate_b = sum(len(b) for _, b in pairs) / len(pairs) / span_s
    shown = pairs
    if len(pairs) > MAX_PAIRS:
        shown = [pairs[i] for i in np.linspace(0, len(pairs) - 1, MAX_PAIRS).round().astype(int)]
    times = [(_times(a), _times(b)) for a, b in shown]
    same = sum(len(a) == len(b) and np.array_equal(a, b) for a, b in times)
    vr, vp = _distances(times, t0, t1, tau)
    reps = max(1, math.ceil(BASELINE_PAIRS / len(times)))
    chance = [(_poisson(rng, len(a), t0, t1), _poisson(rng, len(b), t0, t1))
              for _ in range(reps) for a, b in times]
    vr0, vp0 = _distances(chance, t0, t1, tau)
    return {"neurons": len(pairs), "compared_neurons": len(times), "t_start_ms": t0,
            "t_stop_ms": t1, "rate_fixed": rate_a, "rate_float": rate_b,
            "rate_difference": rate_a - rate_b, "identical_trains": int(same),
            "spikes_fixed": int(sum(len(a) for a, _ in pairs)),
            "spikes_float": int(sum(len(b) for _, b in pairs)),
            "van_rossum": vr, "van_rossum_poisson": vr0, "van_rossum_normalised": _ratio(vr, vr0),
            "victor_purpura": vp, "victor_purpura_poisson": vp0,
            "victor_purpura_normalised": _ratio(vp, vp0)}


def _poisson(rng, n_like, t0, t1):
    """A Poisson train over [t0, t1) ms with the rate of a train of ``n_like`` spikes."""
    return np.sort(rng.uniform(t0, t1, rng.poisson(n_like)))


def _distances(pairs, t0, t1, tau):
    """Mean van Rossum and Victor-Purpura distances (Elephant) over pairs of spike-time
    arrays (ms). Identical trains are 0 without asking Elephant, whose van Rossum
    distance of a train to itself is a rounding error (~1e-7), not 0."""
    vr, vp = [], []
    for a, b in pairs:
        if len(a) == len(b) and np.array_equal(a, b):
            vr.append(0.0)
            vp.append(0.0)
            continue
        trains = [neo.SpikeTrain(x, t_start=t0, t_stop=max(t1, *x[-1:], t0), units="ms")
                  for x in (a, b)]
        vr.append(float(dissimilarity.van_rossum_distance(trains, time_constant=tau * pq.ms)[0, 1]))
        vp.append(float(dissimilarity.victor_purpura_distance(
            trains, cost_factor=1.0 / (tau * pq.ms))[0, 1]))
    return float(np.mean(vr)), float(np.mean(vp))


def _ratio(d, chance):
    return d / chance if chance > 0 else (0.0 if d == 0 else float("nan"))


def _compare_traces(a_signals, b_signals):
    """max and RMS of |fixed - float| per recorded variable (and the neuron, by
    channel index, whose RMS difference is largest)."""
    out = {}
    others = {s.name: s for s in b_signals}
    for a in a_signals:
        b = others.get(a.name)
        if b is None:
            continue
        if a.shape != b.shape:
            out[a.name] = {"note": f"shapes differ: {a.shape} fixed, {b.shape} float"}
            continue
        diff = np.abs(np.asarray(a.magnitude, np.float64)
                      - np.asarray(b.rescale(a.units).magnitude, np.float64))
        per_neuron = np.sqrt(np.nanmean(diff ** 2, axis=0))
        channels = a.array_annotations.get("channel_index", np.arange(a.shape[1]))
        worst = int(np.nanargmax(per_neuron)) if np.isfinite(per_neuron).any() else 0
        out[a.name] = {"unit": a.units.dimensionality.string, "max": float(np.nanmax(diff)),
                       "rms": float(np.sqrt(np.nanmean(diff ** 2))),
                       "worst_neuron": int(channels[worst]), "worst_column": worst}
    return out


def _json_safe(value):
    """nan and inf as null: the JSON standard has neither."""
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def format_comparison(result) -> str:
    """The comparison as the text of ``compare.txt``."""
    lines = [f"fixed point against float64: {shlex.join([result['script'], *result['args']])}",
             f"spike-train distances: van Rossum (tau {result['tau_ms']:g} ms), Victor-Purpura "
             f"(cost {result['victor_purpura_cost_per_ms']:g} per ms of shift); 'x chance' is the",
             "mean distance over that of independent Poisson trains of the same rates "
             "(0: the same spikes, ~1: unrelated)", ""]
    for label, p in result["populations"].items():
        lines.append(f"population {label!r}")
        if p.get("neurons"):
            sub = (f" ({p['compared_neurons']} evenly spaced compared)"
                   if p["compared_neurons"] < p["neurons"] else "")
            lines += [
                f"  spikes of {p['neurons']} neurons{sub}, {p['t_start_ms']:g}-{p['t_stop_ms']:g} ms: "
                f"{p['identical_trains']} of {p['compared_neurons']} trains identical",
                f"  rate      fixed {p['rate_fixed']:9.3f} Hz   float {p['rate_float']:9.3f} Hz   "
                f"difference {p['rate_difference']:+.3f} Hz",
                f"  van Rossum      {p['van_rossum']:9.4f}   (Poisson {p['van_rossum_poisson']:.4f}, "
                f"{p['van_rossum_normalised']:.3g} x chance)",
                f"  Victor-Purpura  {p['victor_purpura']:9.4f}   (Poisson "
                f"{p['victor_purpura_poisson']:.4f}, {p['victor_purpura_normalised']:.3g} x chance)"]
        else:
            lines.append("  no spikes recorded")
        for name, t in p["traces"].items():
            if "note" in t:
                lines.append(f"  {name}: not compared, {t['note']}")
            else:
                lines.append(f"  {name:<15} |fixed - float| max {t['max']:.4g} {t['unit']}, "
                             f"RMS {t['rms']:.4g} {t['unit']} (largest in neuron {t['worst_neuron']})")
        lines.append("")
    for label, w in result.get("plastic", {}).items():
        lines += [f"plastic projection {label!r} ({w['synapses']} synapses, w_max {w['w_max']:g})",
                  f"  mean weight  fixed {w['mean_fixed']:.6g}   float {w['mean_float']:.6g}",
                  f"  |fixed - float| max {w['max_difference']:.4g} "
                  f"({100 * w['max_difference'] / w['w_max']:.3g} % of w_max), RMS "
                  f"{w['rms_difference']:.4g} ({100 * w['rms_difference'] / w['w_max']:.3g} % of "
                  f"w_max)", ""]
    if result["missing_in_float"]:
        lines += [f"recorded only in the fixed run: {', '.join(result['missing_in_float'])}", ""]
    q = result["quantisation_warnings"]
    lines.append(f"quantisation warnings of the fixed run: {len(q) or 'none'}")
    lines += [f"  - {m}" for m in q]
    for arithmetic, ms in result["machine_warnings"].items():
        if ms:
            lines.append(f"the machine reported after the {arithmetic} run:")
            lines += [f"  - {m}" for m in ms]
    return "\n".join(lines) + "\n"
