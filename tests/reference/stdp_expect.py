"""Closed-form float expectation of PyNN's spike-pair STDP, event by event (numpy).

What one plastic synapse's weight becomes, given its pre spike times (emission), the
post cell's spike times and the synapse's delay ``d`` (all dendritic, as pyNN.nest and
sPyNNaker count it), as PyNN's standard model defines it through pyNN.nest (NEST's
``stdp_synapse``: ``lambda = A_plus``, ``alpha = A_minus / A_plus``, ``Wmax = w_max``,
``mu_plus``/``mu_minus`` from the weight dependence):

- the synapse sees the pre spike at its emission ``t_pre`` and each post spike at
  ``t_post + d``;
- the update is deferred to the pre spikes: at a pre spike at ``t``, first every post
  spike seen in ``(t_last + 0, t]`` (``t_last``: the previous pre spike) potentiates,
  one after another, by ``F(w, K+)`` with ``K+`` the pre trace just after ``t_last``
  decayed to that post spike; then the pre spike depresses by ``D(w, K-)`` with ``K-``
  the post trace just *before* ``t`` (a post spike seen exactly at ``t`` does not
  count); then ``K+ <- K+ exp(-(t - t_last)/tau_plus) + 1``. A post spike seen after the
  last pre spike has not acted yet: the weight read back does not hold it;
- all-to-all (``rule="all"``, PyNN's SpikePairRule, Song and Abbott): the traces add up
  every spike, ``K <- K exp(-h/tau) + 1``; nearest-pair (``rule="nearest"``, sPyNNaker's
  ``SpikeNearestPairRule`` and NEST's ``stdp_nn_symm_synapse``): a trace is reset to 1
  at each spike, so each post spike pairs with the last pre spike before it and each pre
  spike with the last post spike before it;
- the weight dependences, ``x = w / w_max`` (``w_min`` only clips: NEST has none):

  ============================================  =========================  ==========================
  PyNN                                          potentiation F             depression D
  ============================================  =========================  ==========================
  AdditiveWeightDependence                      A+ w_max K+                A- w_max K-
  MultiplicativeWeightDependence                A+ (w_max - w) K+          A- (w - w_min) K-
  AdditivePotentiationMultiplicativeDepression  A+ w_max K+                A- (w - w_min) K-
  GutigWeightDependence                         A+ w_max (1 - x)^mu+ K+    A- w_max x^mu- K-
  ============================================  =========================  ==========================

  and the weight is clipped to ``[w_min, w_max]`` after every single change.

    python tests/reference/stdp_expect.py     # compares with tests/data/nest_stdp.json
"""

import json
import math
import pathlib

import numpy as np

DATA = pathlib.Path(__file__).resolve().parents[1] / "data" / "nest_stdp.json"

__all__ = ["synapse_weight", "triplet_weight", "window", "DEPENDENCES"]


def _potentiate(dep, w, k, p):
    if dep in ("additive", "additive_multiplicative"):
        dw = p["A_plus"] * p["w_max"] * k
    elif dep == "multiplicative":
        dw = p["A_plus"] * (p["w_max"] - w) * k
    elif dep == "gutig":
        dw = p["A_plus"] * p["w_max"] * (1.0 - w / p["w_max"]) ** p["mu_plus"] * k
    else:
        raise ValueError(f"weight dependence {dep!r}: use one of {DEPENDENCES}")
    return min(w + dw, p["w_max"])


def _depress(dep, w, k, p):
    if dep == "additive":
        dw = p["A_minus"] * p["w_max"] * k
    elif dep in ("multiplicative", "additive_multiplicative"):
        dw = p["A_minus"] * (w - p.get("w_min", 0.0)) * k
    elif dep == "gutig":
        dw = p["A_minus"] * p["w_max"] * (w / p["w_max"]) ** p["mu_minus"] * k
    else:
        raise ValueError(f"weight dependence {dep!r}: use one of {DEPENDENCES}")
    return max(w - dw, p.get("w_min", 0.0))


DEPENDENCES = ("additive", "multiplicative", "additive_multiplicative", "gutig")


def synapse_weight(pre, post, w0, delay, params, dependence="additive", rule="all"):
    """The weight of one plastic synapse after pre spikes ``pre`` (emission times, ms)
    and post spikes ``post`` (ms), from ``w0``; ``params``: tau_plus, tau_minus, A_plus,
    A_minus, w_max (and w_min, mu_plus, mu_minus). Float64, event by event, in NEST's
    order of operations."""
    if rule not in ("all", "nearest"):
        raise ValueError(f"rule {rule!r}: use 'all' or 'nearest'")
    pre = np.sort(np.asarray(pre, float))
    seen = np.sort(np.asarray(post, float)) + delay  # post spikes as the synapse sees them
    tp, tm = params["tau_plus"], params["tau_minus"]
    w = float(w0)
    k_plus = 0.0          # pre trace just after the last pre spike
    t_last = -math.inf    # last pre spike
    k_minus = 0.0         # post trace just after the last post spike processed
    t_post_last = -math.inf
    j = 0                 # next post spike (as seen) not yet folded into k_minus
    for t in pre:
        # post spikes seen in (t_last, t]: potentiation with the pre trace
        while j < len(seen) and seen[j] <= t:
            s = seen[j]
            if s > t_last and k_plus > 0.0:
                w = _potentiate(dependence, w, k_plus * math.exp(-(s - t_last) / tp), params)
            if s < t:  # the post trace as the depression below reads it
                decay = math.exp(-(s - t_post_last) / tm) if t_post_last > -math.inf else 0.0
                k_minus = (k_minus * decay if rule == "all" else 0.0) + 1.0
                t_post_last = s
                j += 1
            else:      # seen exactly at t: potentiates now, enters the post trace after
                break
        if t_post_last > -math.inf:
            w = _depress(dependence, w, k_minus * math.exp(-(t - t_post_last) / tm), params)
        decay = math.exp(-(t - t_last) / tp) if t_last > -math.inf else 0.0
        k_plus = (k_plus * decay if rule == "all" else 0.0) + 1.0
        t_last = t
        # a post spike seen exactly at this pre spike: into the post trace, not paired again
        while j < len(seen) and seen[j] == t:
            decay = math.exp(-(seen[j] - t_post_last) / tm) if t_post_last > -math.inf else 0.0
            k_minus = (k_minus * decay if rule == "all" else 0.0) + 1.0
            t_post_last = seen[j]
            j += 1
    return w


def triplet_weight(pre, post, w0, delay, params):
    """The weight of one synapse under sPyNNaker's PfisterSpikeTriplet with
    WeightDependenceAdditiveTriplet (Pfister and Gerstner 2006, all-to-all, NEST's
    ``stdp_triplet_synapse`` order of operations with amplitudes relative to ``w_max``):
    pre traces r1 (tau_plus), r2 (tau_x), post traces o1 (tau_minus), o2 (tau_y), each +1
    at its spike; each post spike seen in ``(t_last, t]`` potentiates by
    ``w_max r1 (A_plus + A3_plus o2)``, o2 just before that post spike; the pre spike
    depresses by ``w_max o1 (A_minus + A3_minus r2)``, r2 just before it; clipped to
    ``[w_min, w_max]`` after each change."""
    p = params
    pre = np.sort(np.asarray(pre, float))
    seen = np.sort(np.asarray(post, float)) + delay
    w, r1, r2, t_last = float(w0), 0.0, 0.0, -math.inf
    o1, o2, t_post = 0.0, 0.0, -math.inf
    j = 0

    def o2_at(s):
        return o2 * math.exp(-(s - t_post) / p["tau_y"]) if t_post > -math.inf else 0.0

    def fold(s):
        nonlocal o1, o2, t_post
        if t_post > -math.inf:
            o1 = o1 * math.exp(-(s - t_post) / p["tau_minus"])
        o2 = o2_at(s)
        o1, o2, t_post = o1 + 1.0, o2 + 1.0, s

    for t in pre:
        while j < len(seen) and seen[j] <= t:
            s = seen[j]
            if t_last > -math.inf:
                r1_s = r1 * math.exp(-(s - t_last) / p["tau_plus"])
                w = min(w + p["w_max"] * r1_s * (p["A_plus"] + p["A3_plus"] * o2_at(s)),
                        p["w_max"])
            if s < t:
                fold(s)
                j += 1
            else:
                break
        r2_before = r2 * math.exp(-(t - t_last) / p["tau_x"]) if t_last > -math.inf else 0.0
        if t_post > -math.inf:
            o1_t = o1 * math.exp(-(t - t_post) / p["tau_minus"])
            w = max(w - p["w_max"] * o1_t * (p["A_minus"] + p["A3_minus"] * r2_before),
                    p.get("w_min", 0.0))
        r1 = (r1 * math.exp(-(t - t_last) / p["tau_plus"]) if t_last > -math.inf else 0.0) + 1.0
        r2 = r2_before + 1.0
        t_last = t
        while j < len(seen) and seen[j] == t:
            fold(seen[j])
            j += 1
    return w


def window(pre_spikes, post_spikes, w0, delay, params, dependence, rule="all"):
    """Final weight of each source of the pairing protocol (``pre_spikes``: one array of
    emission times per source; ``post_spikes``: the post cell's spikes)."""
    return np.array([synapse_weight(p, post_spikes, w0, delay, params, dependence, rule)
                     for p in pre_spikes])


def compare(data):
    """Closed form (both rules) against the stored NEST window; returns a summary dict."""
    win = data["window"]
    par = win["params"]
    p = {k: par[k] for k in ("tau_plus", "tau_minus", "A_plus", "A_minus")}
    p.update(w_max=par["w_max"], w_min=0.0)
    out = {}
    for dep in ("additive", "multiplicative"):
        nest_w = np.array(win[dep]["w_final"])
        peak = np.abs(nest_w - par["w0"]).max()
        for rule in ("all", "nearest"):
            w = window(win["pre_spikes"], win[dep]["post_spikes"], par["w0"], par["delay"], p,
                       dep, rule)
            dw = w - par["w0"]
            out[f"{dep}/{rule}"] = {
                "peak_potentiation": float(dw.max()), "peak_depression": float(dw.min()),
                "nest_peak_potentiation": float((nest_w - par["w0"]).max()),
                "nest_peak_depression": float((nest_w - par["w0"]).min()),
                "max_abs_diff": float(np.abs(w - nest_w).max()),
                "max_diff_rel_peak": float(np.abs(w - nest_w).max() / peak)}
    return out


if __name__ == "__main__":
    res = compare(json.loads(DATA.read_text()))
    for key, r in res.items():
        print(f"{key:24} peak dw {r['peak_potentiation']:+.6e} {r['peak_depression']:+.6e} nA  "
              f"(NEST {r['nest_peak_potentiation']:+.6e} {r['nest_peak_depression']:+.6e}); "
              f"largest difference {r['max_abs_diff']:.2e} nA = {r['max_diff_rel_peak']:.1e} "
              "of the peak change")
