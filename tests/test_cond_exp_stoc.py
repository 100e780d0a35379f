"""sPyNNaker's IFCondExpStoc (``sim.extra_models.IFCondExpStoc``): its stochastic threshold
against sPyNNaker's formula (threshold_type_maass_stochastic), statistically, and its
membrane against IF_cond_exp's (checked against NEST), bit for bit.
"""

import numba
import numpy as np
import pyNN.neurochip as sim
import pytest

from neurochip.emulator.fixed import REAL_ONE, UFRACT_ONE
from neurochip.emulator.models.components.maass import P_SATURATE, Y_SATURATE, spike_probability

DT = 0.1
TAU_TH, DU_TH, V_THRESH = 20.0, 0.5, -50.0


def formula(v, dt=DT, tau_th=TAU_TH, du_th=DU_TH, v_thresh=V_THRESH):
    """sPyNNaker's spike probability per step (threshold_type_maass_stochastic.h)."""
    y = (v - v_thresh) / du_th
    if y >= Y_SATURATE:
        return P_SATURATE
    return P_SATURATE * -np.expm1(-np.exp(y) / tau_th * dt / 10.0)


def _held_counts(v0, arithmetic, n=500, steps=1000, seed=0, per_core=None):
    """Spike counts of ``n`` neurons whose V stays at ``v0`` (v_rest = v_reset = v0, no
    input, no refractory period): every step one draw against P(v0)."""
    sim.setup(timestep=DT, arithmetic=arithmetic, seed=seed)
    if per_core:
        sim.set_number_of_neurons_per_core(sim.extra_models.IFCondExpStoc, per_core)
    pop = sim.Population(n, sim.extra_models.IFCondExpStoc(
        v_rest=v0, v_reset=v0, tau_refrac=0.0, v_thresh=V_THRESH, du_th=DU_TH, tau_th=TAU_TH),
        initial_values={"v": v0})
    pop.record("spikes")
    sim.run(steps * DT)
    trains = [np.asarray(st.magnitude) for st in pop.get_data().segments[0].spiketrains]
    sim.end()
    return trains


# V held at: (V - v_thresh)/du_th = 0, 3, 4, 4.9 (P from 4e-4 to 0.052) and 5 (sPyNNaker's
# cut: P = 0.8)
HELD = (-50.0, -48.5, -48.0, -47.55, -47.5)


@pytest.mark.parametrize("arithmetic", ["fixed", "float"])
@pytest.mark.parametrize("v0", HELD)
def test_spike_counts_are_binomial_with_sPyNNaker_s_probability(v0, arithmetic):
    """500 neurons x 1000 steps at a fixed V: the mean count per neuron within 4 standard
    errors of steps x P(V), and the counts' variance that of a binomial, steps P (1 - P),
    within 25 % (Fano factor 1 - P); the intervals' mean is 1/P steps."""
    steps, n = 1000, 500
    counts = np.array([len(t) for t in _held_counts(v0, arithmetic, n, steps)])
    p = formula(v0)
    mean, var = steps * p, steps * p * (1 - p)
    assert abs(counts.mean() - mean) <= 4 * np.sqrt(var / n), (counts.mean(), mean)
    assert 0.75 <= counts.var(ddof=1) / var <= 1.25, (counts.var(ddof=1), var)


def test_the_intervals_are_geometric():
    """At P = 0.052 the intervals (in steps) have mean 1/P and variance (1 - P)/P^2."""
    trains = _held_counts(-47.55, "fixed")
    isi = np.concatenate([np.diff(np.rint(t / DT)) for t in trains])
    p = formula(-47.55)
    assert len(isi) > 20000
    assert isi.mean() == pytest.approx(1 / p, rel=0.03)
    assert isi.var() == pytest.approx((1 - p) / p ** 2, rel=0.06)
    assert isi.min() == 1


def test_draws_do_not_depend_on_placement_and_follow_the_seed():
    a = _held_counts(-48.0, "fixed", n=200, steps=300)
    b = _held_counts(-48.0, "fixed", n=200, steps=300, per_core=37)
    c = _held_counts(-48.0, "fixed", n=200, steps=300, seed=5)
    f = _held_counts(-48.0, "float", n=200, steps=300)
    assert sum(len(t) for t in a) > 500
    assert all(np.array_equal(x, y) for x, y in zip(a, b))
    assert all(np.array_equal(x, y) for x, y in zip(a, f))  # the same draws, the same P here
    assert not all(np.array_equal(x, y) for x, y in zip(a, c))


def test_fixed_point_probability_is_the_formula():
    """The machine's P in u0.32 (numba and its Python reference) against the formula, from
    far below the threshold to the cut."""
    log_term = int(round(np.log(DT / (10 * TAU_TH)) * REAL_ONE))
    y_sat, p_sat = int(Y_SATURATE * REAL_ONE), int(round(P_SATURATE * UFRACT_ONE))
    nb = numba.njit(lambda y: spike_probability(y, np.int64(log_term), np.int64(y_sat),
                                                np.int64(p_sat)))
    for y in np.r_[np.linspace(-20, 6, 521), 4.999]:
        q = int(np.rint(y * REAL_ONE))
        got = nb(np.int64(q))
        assert got == spike_probability(q, log_term, y_sat, p_sat)
        want = formula(V_THRESH + DU_TH * q / REAL_ONE)
        assert abs(got / UFRACT_ONE - want) <= max(4e-5, 2e-4 * want), y


def _membrane(model, arithmetic):
    sim.setup(timestep=DT, min_delay=DT, arithmetic=arithmetic)
    params = dict(tau_m=15.0, cm=0.4, v_rest=-62.0, v_reset=-70.0, tau_syn_E=2.0, tau_syn_I=6.0,
                  e_rev_E=0.0, e_rev_I=-75.0, i_offset=0.2, tau_refrac=2.0)
    if model == "IFCondExpStoc":  # P = 0 far below v_thresh: never fires
        cell = sim.extra_models.IFCondExpStoc(v_thresh=0.0, **params)
    else:
        cell = sim.IF_cond_exp(v_thresh=0.0, **params)
    pop = sim.Population(2, cell, initial_values={"v": -65.0})
    rng = np.random.default_rng(11)
    times = [np.round(np.sort(rng.choice(np.arange(5, 2000), k, replace=False)) * DT, 6)
             for k in (300, 100)]
    src = sim.Population(2, sim.SpikeSourceArray(spike_times=[list(t) for t in times]))
    for k, (r, w) in enumerate((("excitatory", 0.004), ("inhibitory", 0.01))):
        sim.Projection(src[k:k + 1], pop, sim.AllToAllConnector(), sim.StaticSynapse(weight=w),
                       receptor_type=r)
    pop.record(["v", "gsyn_exc", "gsyn_inh", "spikes"])
    sim.run(200.0)
    seg = pop.get_data().segments[0]
    out = {n: np.asarray(seg.filter(name=n)[0].magnitude) for n in ("v", "gsyn_exc", "gsyn_inh")}
    out["spikes"] = sum(len(t) for t in seg.spiketrains)
    sim.end()
    return out


@pytest.mark.parametrize("arithmetic", ["fixed", "float"])
def test_membrane_is_if_cond_exp_s(arithmetic):
    a, b = _membrane("IFCondExpStoc", arithmetic), _membrane("IF_cond_exp", arithmetic)
    assert a["spikes"] == b["spikes"] == 0
    assert np.ptp(a["v"]) > 5.0  # the input moves V
    for var in ("v", "gsyn_exc", "gsyn_inh"):
        np.testing.assert_array_equal(a[var], b[var])


def test_bad_parameters_say_which():
    sim.setup(timestep=DT)
    sim.Population(1, sim.extra_models.IFCondExpStoc(du_th=0.0))
    with pytest.raises(Exception, match="du_th must be positive, got 0"):
        sim.run(1.0)
    sim.end()
