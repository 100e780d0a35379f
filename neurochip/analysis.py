"""Statistics of spiking networks, shared by the examples, benchmarks/seed_networks.py and the tests.

Per population (a list of neo SpikeTrains, any backend): the mean firing rate, the mean
coefficient of variation of the inter-spike intervals, and the Fano factor of the
population spike count in 1 ms bins (1 for independent Poisson neurons, large when they
fire together). For a whole network, the population-rate spectrum and from it the
regime of Brunel (2000): synchronous regular ``SR``, fast oscillation ``SI-fast``,
asynchronous irregular ``AI`` or slow oscillation ``SI-slow``. Rates, CVs, time
histograms and spectra come from Elephant.

Then the comparison of an example's statistics with stored NEST reference statistics.
What the examples do around their networks (command line, timing, summary, figure) is
in :mod:`neurochip.example_tools`.

>>> stats = population_stats(segment.spiketrains, 100.0, 1000.0)   # doctest: +SKIP
>>> stats["rate"], stats["cv"], stats["fano"]                        # doctest: +SKIP
"""

from __future__ import annotations

import math
import warnings

import neo
import numpy as np
import quantities as pq
from elephant import spectral, statistics
from neo.core.spiketrainlist import SpikeTrainList

from .spiketrains import channel_slices

__all__ = ["population_stats", "population_rate", "rate_spectrum", "network_stats",
           "classify_regime", "pulse_packet", "REGIMES", "compare_to_reference", "regimes_of"]

REGIMES = ("SR", "SI-fast", "AI", "SI-slow")
MIN_CV_NEURONS = 5         # fewer neurons with 3 spikes or more: no CV

# Regime thresholds (see classify_regime), set from NEST runs of the four panels at
# --scale 0.2 (in-degrees kept).
SR_MAX_CV = 0.15           # below: neurons fire regularly
SLOW_MAX_HZ = 40.0         # spectral peak below, with sync >= SLOW_MIN_SYNC: slow oscillation
SLOW_MIN_SYNC = 0.02
FAST_MIN_SYNC = 0.06       # sync at or above (peak not slow): fast oscillation


def _multiplexed_ms(spiketrains):
    """Each train's spike times (ms, float64) straight from a SpikeTrainList that neo
    still holds as two arrays (as PyNN's get_data makes it), without making a SpikeTrain
    per neuron (neo's cost is some 60 microseconds each, and a plain SpikeTrainList
    makes them by a scan of every spike per neuron); None for anything else."""
    if (not isinstance(spiketrains, SpikeTrainList) or spiketrains._items is not None
            or getattr(spiketrains, "_spike_time_array", None) is None
            or getattr(spiketrains, "_all_channel_ids", None) is None):
        return None
    ids, times = spiketrains.multiplexed
    order, lo, hi = channel_slices(ids, np.asarray(spiketrains._all_channel_ids))
    t = np.asarray(times.rescale(pq.ms).magnitude, np.float64)[order]
    return [t[a:b] for a, b in zip(lo, hi)]


def _times(spiketrains, t_start, t_stop):
    """Each train's spike times in ms in [t_start, t_stop], as float64 arrays: a
    quantities operation per train costs a millisecond, so units are converted once
    per distinct unit (a population's trains share theirs)."""
    whole = _multiplexed_ms(spiketrains)
    if whole is None:
        whole = []
        scale = {}
        for st in spiketrains:
            unit = st.units
            key = id(unit)
            if key not in scale:
                scale[key] = float(pq.Quantity(1.0, unit).rescale(pq.ms).magnitude)
            whole.append(np.asarray(st.magnitude, np.float64) * scale[key])
    return [t[(t >= t_start) & (t <= t_stop)] for t in whole]


def _histogram(times, bin_size, t_start, t_stop):
    """Elephant's time histogram (counts) of the spike ``times`` (ms arrays, within
    [t_start, t_stop]) over [t_start, t_stop) ms (quietly leaving out a spike at t_stop,
    which Elephant warns about). Elephant bins each spike on its own: all spikes go in as
    one train (one train per neuron costs Elephant a units check per train)."""
    merged = np.sort(np.concatenate(times)) if len(times) else np.zeros(0)
    train = neo.SpikeTrain(merged, units="ms", t_start=t_start, t_stop=t_stop)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Binning discarded")
        return statistics.time_histogram([train], bin_size * pq.ms, t_start * pq.ms,
                                         t_stop * pq.ms, output="counts").magnitude.ravel()


def population_stats(spiketrains, t_start, t_stop, bin_size=1.0):
    """Rate (Hz), CV of ISI and population Fano factor of ``spiketrains`` in
    [t_start, t_stop) ms.

    ``rate`` is the mean over all neurons of their firing rates; ``cv`` the mean over
    the ``n_cv`` neurons with at least 3 spikes of CV(ISI) (nan if fewer than
    MIN_CV_NEURONS: a CV of one or two neurons says nothing of a population); ``fano`` the variance
    over the mean of the summed spike count in bins of ``bin_size`` ms (nan if no spikes);
    ``sync`` = (fano - 1) / (n - 1), the mean pairwise correlation of the neurons' counts
    in those bins, which does not grow with the number of neurons recorded; ``n`` the
    number of neurons and ``spikes`` their spikes.
    """
    return _stats_of_times(_times(spiketrains, t_start, t_stop), t_start, t_stop, bin_size)


def _stats_of_times(times, t_start, t_stop, bin_size=1.0):
    """population_stats of each neuron's spike times (ms arrays, within the window)."""
    n = len(times)
    if n == 0:
        return {"n": 0, "spikes": 0, "rate": float("nan"), "n_cv": 0, "cv": float("nan"),
                "fano": float("nan"), "sync": float("nan")}
    # Elephant on plain arrays (ms): rates in 1/ms; it refuses an empty train, whose rate is 0
    rates = [1000.0 * statistics.mean_firing_rate(t, t_start, t_stop) if len(t) else 0.0
             for t in times]
    # CV of ISI as Elephant's statistics.cv (scipy's variation: std / mean), without its
    # per-call NaN-policy wrapper, which costs half a millisecond a train
    cvs = [float(d.std() / d.mean()) for d in (statistics.isi(t) for t in times if len(t) >= 3)]
    spikes = sum(len(t) for t in times)
    fano = float("nan")
    if spikes:
        counts = _histogram(times, bin_size, t_start, t_stop)
        fano = float(counts.var() / counts.mean())
    return {"n": n, "spikes": int(spikes), "rate": float(np.mean(rates)), "n_cv": len(cvs),
            "cv": float(np.mean(cvs)) if len(cvs) >= MIN_CV_NEURONS else float("nan"),
            "fano": fano,
            "sync": (fano - 1.0) / (n - 1) if n > 1 else float("nan")}


def population_rate(spiketrains, t_start, t_stop, bin_size):
    """The population rate of ``spiketrains`` over [t_start, t_stop) ms in bins of
    ``bin_size`` ms: (bin start times in ms, rate in Hz)."""
    return _rate_of_times(_times(spiketrains, t_start, t_stop), t_start, t_stop, bin_size)


def _rate_of_times(times, t_start, t_stop, bin_size):
    """population_rate of each neuron's spike times (ms arrays, within the window): the
    counts over (neurons x bin), as Elephant's time_histogram(output="rate")."""
    counts = _histogram(times, bin_size, t_start, t_stop)
    rate = counts / (max(len(times), 1) * bin_size) * 1000.0  # 1/ms -> Hz
    return t_start + np.arange(len(counts)) * bin_size, rate


def rate_spectrum(spiketrains, t_start, t_stop, bin_size=0.5, resolution=5.0):
    """Welch power spectrum of the population rate (Hz) of ``spiketrains`` over
    [t_start, t_stop) ms in bins of ``bin_size`` ms: (frequencies in Hz, power)."""
    return _spectrum_of_times(_times(spiketrains, t_start, t_stop), t_start, t_stop, bin_size,
                              resolution)


def _spectrum_of_times(times, t_start, t_stop, bin_size=0.5, resolution=5.0):
    _, rate = _rate_of_times(times, t_start, t_stop, bin_size)
    fs = 1000.0 / bin_size
    resolution = max(resolution, 2.0 * fs / len(rate))  # at least two segments
    freqs, psd = spectral.welch_psd(rate, frequency_resolution=resolution, fs=fs)
    return np.asarray(freqs), np.asarray(psd)


def network_stats(groups, t_start, t_stop, regime=False):
    """Statistics of every group (label -> spike trains) and of all of them together
    (``"all"``); with ``regime``, also the population-rate spectrum's peak (``f_peak``
    in Hz, above 5 Hz) and Brunel's regime (``regime``) of the whole network."""
    times = {label: _times(trains, t_start, t_stop) for label, trains in groups.items()}
    out = {label: _stats_of_times(t, t_start, t_stop) for label, t in times.items()}
    everything = [t for group in times.values() for t in group]
    if len(groups) > 1:
        out["all"] = _stats_of_times(everything, t_start, t_stop)
    if regime:
        whole = out["all"] if len(groups) > 1 else next(iter(out.values()))
        freqs, psd = _spectrum_of_times(everything, t_start, t_stop)
        band = freqs > 5.0
        whole["f_peak"] = float(freqs[band][np.argmax(psd[band])]) if whole["spikes"] else 0.0
        whole["regime"] = classify_regime(whole["cv"], whole["sync"], whole["f_peak"])
    return out


def pulse_packet(spiketrains, half_width=5.0):
    """The synchronous volley of a group (a synfire chain's pulse packet): the spikes
    within ``half_width`` ms of the peak of the group's 1 ms time histogram. Returns
    ``a`` (those spikes per neuron), ``t`` (their mean time, ms) and ``sigma`` (their
    standard deviation, ms); nan times if the group is silent."""
    times = np.concatenate([st.magnitude for st in spiketrains]) if len(spiketrains) else []
    if not len(times):
        return {"a": 0.0, "t": float("nan"), "sigma": float("nan")}
    t_stop = float(spiketrains[0].t_stop.rescale(pq.ms).magnitude)
    hist = _histogram(_times(spiketrains, 0.0, t_stop), 1.0, 0.0, t_stop)
    peak = np.argmax(np.convolve(hist, np.ones(3), "same")) + 0.5    # ms, bin centre
    near = times[np.abs(times - peak) <= half_width]
    return {"a": len(near) / len(spiketrains), "t": float(near.mean()),
            "sigma": float(near.std())}


def classify_regime(cv, sync, f_peak):
    """Brunel's (2000) regime from the mean CV of ISI, the population synchrony ``sync``
    (see population_stats) and the population-rate spectral peak ``f_peak`` (Hz):
    regular firing is ``SR``; irregular firing with a slow peak and some synchrony is
    ``SI-slow``; with strong synchrony ``SI-fast``; else ``AI``. A silent network is
    ``"silent"``. The thresholds are set so that NEST's runs of fig. 8 A-D at --scale 0.2
    get the paper's labels; at other sizes the synchrony of the same regime differs, and
    ``sync`` falls with the rate: Brunel & Hakim's network at 3.5 Hz shows its fast
    oscillation as a steady ~150 Hz spectral peak but is labelled AI."""
    if not np.isfinite(sync):
        return "silent"
    if np.isfinite(cv) and cv < SR_MAX_CV:
        return "SR"
    if f_peak < SLOW_MAX_HZ and sync >= SLOW_MIN_SYNC:
        return "SI-slow"
    return "SI-fast" if sync >= FAST_MIN_SYNC else "AI"


# --- comparison with stored reference statistics -------------------------------------

# Smallest tolerances: a few seeds can agree closely by chance.
FLOORS = {"rate": lambda mean: 0.5 + 0.05 * abs(mean), "cv": lambda mean: 0.05,
          "f_peak": lambda mean: 25.0, "a": lambda mean: 0.1, "t": lambda mean: 0.5}
STEADY_PEAK_SD = 10.0      # Hz: a reference spectral peak this steady over seeds is compared
MIN_CV_COMPARE = 20        # a reference CV from fewer neurons (in any run) is not compared


def _regime_inputs(stats):
    """The group that holds the whole network's regime inputs, or None."""
    for group in ("all", *stats):
        if group in stats and "f_peak" in stats[group]:
            return stats[group]
    return None


def regimes_of(reference):
    """The regimes of a reference entry's runs, classified again from its stored CV, sync
    and spectral peak (so that they follow the current thresholds)."""
    whole = _regime_inputs(reference["stats"])
    if whole is None:
        return []
    return [classify_regime(cv, sync, f) for cv, sync, f in
            zip(whole["cv"]["values"], whole["sync"]["values"], whole["f_peak"]["values"])]


def compare_to_reference(results, reference, n_sd=3.0):
    """What in ``results`` (an example's JSON) is off from ``reference`` (a stored entry of
    mean/sd/values per statistic): each group's rate and CV (if the reference's came from
    at least MIN_CV_COMPARE neurons) must lie within
    max(n_sd x the seed-to-seed sd, a floor) of the reference mean, the regime must be one
    the reference runs had, so must the population-rate spectral peak where the reference's
    is steady (an oscillation), and a synfire chain's pulse packets must arrive alike.
    Returns a list of problems (empty: agrees)."""
    problems = []

    def check(what, got, ref, key):
        values = ref["values"]
        if not all(v is not None and math.isfinite(v) for v in values):
            return  # the statistic is undefined in some reference run: not compared
        tol = max(n_sd * ref["sd"], FLOORS[key](ref["mean"]))
        if got is None or not math.isfinite(got) or abs(got - ref["mean"]) > tol:
            problems.append(f"{what} {got:.3g}, NEST {ref['mean']:.3g} +- {tol:.3g}")

    for group, ref in reference["stats"].items():
        got = results["stats"].get(group, {})
        check(f"{group} rate", got.get("rate", float("nan")), ref["rate"], "rate")
        if min(ref.get("n_cv", {}).get("values", [MIN_CV_COMPARE])) >= MIN_CV_COMPARE:
            check(f"{group} cv", got.get("cv", float("nan")), ref["cv"], "cv")
    nest_regimes = regimes_of(reference)
    if nest_regimes:
        whole = _regime_inputs(results["stats"])
        regime = classify_regime(whole["cv"], whole["sync"], whole["f_peak"])
        if regime not in nest_regimes:
            problems.append(f"regime {regime}, NEST {'/'.join(sorted(set(nest_regimes)))}")
        peak = _regime_inputs(reference["stats"])["f_peak"]
        if peak["sd"] <= STEADY_PEAK_SD:
            check("spectral peak", whole["f_peak"], peak, "f_peak")
    for group, ref in reference.get("packets", {}).items():
        for key in ("a", "t"):
            check(f"{group} packet {key}", results["packets"][group][key], ref[key], key)
    return problems
