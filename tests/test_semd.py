"""sPyNNaker's spiking elementary motion detector (``sim.extra_models.IF_curr_exp_sEMD``)
against a float64 reference of sPyNNaker's equations (``tests/reference/semd.py``: the
latch rule once a step, matrix exponentials over the step), in both arithmetics."""

import numpy as np
import pyNN.neurochip as sim
import pytest
from reference import semd as ref

RECORD = ("v", "isyn_exc", "isyn_exc2", "isyn_inh", "gsyn_exc", "multiplicator")
# largest |neurochip - reference| (mV; nA), float and fixed, over the driven cases below.
# Measured (dt 1 ms; 0.1 ms): float v 7.1e-13; 5.6e-13 mV, the rest <= 5e-14; fixed v
# 6.4e-4; 1.3e-3 mV, currents and multiplicator 2.5e-5 nA, gsyn_exc (up to ~40 nA) 1.0e-3 nA.
TOL = {"v": (1e-9, 0.005), "isyn_exc": (1e-12, 1e-4), "isyn_exc2": (1e-12, 1e-4),
       "isyn_inh": (1e-12, 1e-4), "gsyn_exc": (1e-11, 0.004), "multiplicator": (1e-12, 1e-4)}


def _inputs(dt, t_end):
    """Fixed random trains onto the three receptors (arrival times): 12 facilitating
    spikes of 0.8 nA, 10 triggers of 0.5 nA, 8 inhibitory of 0.3 nA."""
    rng = np.random.default_rng(5)
    n = int(t_end / dt)
    out = []
    for receptor, k, w in (("excitatory", 12, 0.8), ("excitatory2", 10, 0.5),
                           ("inhibitory", 8, -0.3)):
        times = np.sort(rng.choice(np.arange(2, n), k, replace=False)) * dt
        out += [(round(t, 6), receptor, w) for t in times]
    return out


@pytest.mark.parametrize("arithmetic", ["float", "fixed"])
@pytest.mark.parametrize("dt,t_end", [(1.0, 500.0), (0.1, 300.0)])
def test_driven_cell_matches_the_reference(arithmetic, dt, t_end):
    """Random facilitation, triggers and inhibition: the same spikes in the same steps
    (44 at dt = 1 ms, 48 at 0.1 ms) and every trace within TOL; the multiplicator latched
    several different values and went back to 0 between them."""
    inputs = _inputs(dt, t_end)
    want, want_traces = ref.simulate(t_end, inputs, dt=dt)
    got, traces = ref.run(sim, t_end, inputs, dt=dt, record=RECORD, arithmetic=arithmetic)
    assert len(want) > 40
    np.testing.assert_array_equal(np.rint(got / dt), np.rint(want / dt))
    for var in RECORD:
        err = np.max(np.abs(traces[var] - want_traces[var]))
        assert err <= TOL[var][arithmetic == "fixed"], (var, err)
    m = want_traces["multiplicator"]
    onsets = np.flatnonzero((m[1:] > 0) & (m[:-1] == 0))
    assert len(onsets) >= 3 and len(np.unique(np.round(m[onsets + 1], 6))) == len(onsets)


def _pair(interval, arithmetic="fixed", facilitation=True, trigger=True):
    inputs = ([(4.0, "excitatory", 1.0)] if facilitation else []) + (
        [(4.0 + interval, "excitatory2", 1.0)] if trigger else [])
    return ref.run(sim, 150.0, inputs, record=("v", "gsyn_exc"), arithmetic=arithmetic)


@pytest.mark.parametrize("arithmetic", ["float", "fixed"])
def test_the_response_falls_with_the_time_between_facilitation_and_trigger(arithmetic):
    """The motion detector: the sooner the trigger follows the facilitation, the more
    spikes (the reference's counts); neither input alone makes the cell move from rest."""
    counts = []
    for interval in (2.0, 8.0, 16.0, 32.0, 64.0):
        spikes, _ = _pair(interval, arithmetic)
        want, _ = ref.simulate(150.0, [(4.0, "excitatory", 1.0),
                                       (4.0 + interval, "excitatory2", 1.0)])
        assert spikes.tolist() == want.tolist()
        counts.append(len(spikes))
    assert counts == sorted(counts, reverse=True) and counts[0] >= 4 * counts[-1] > 0
    for alone in ({"trigger": False}, {"facilitation": False}):
        spikes, traces = _pair(16.0, arithmetic, **alone)
        assert len(spikes) == 0 and np.all(traces["v"] == -60.0)
        assert np.all(traces["gsyn_exc"] == 0.0)


@pytest.mark.parametrize("arithmetic", ["float", "fixed"])
def test_the_multiplicator_latches_once_per_trigger_onset(arithmetic):
    """A second trigger while the trigger current is still on keeps the value latched at
    the first (no new latch, though the facilitation grew meanwhile); once the trigger
    current has fallen under 0.001 nA the multiplicator is 0, and the next trigger
    latches the facilitation of its own moment."""
    inputs = [(5.0, "excitatory", 1.0), (10.0, "excitatory2", 0.5), (12.0, "excitatory2", 0.5),
              (11.0, "excitatory", 1.0), (150.0, "excitatory", 1.0), (160.0, "excitatory2", 0.5)]
    inputs.sort()
    _, want = ref.simulate(220.0, inputs)
    _, got = ref.run(sim, 220.0, inputs, record=("multiplicator", "isyn_exc"), arithmetic=arithmetic)
    m = got["multiplicator"]
    tol = TOL["multiplicator"][arithmetic == "fixed"]
    # sample k + 1 holds the multiplicator of the step from k ms
    assert m[11] == pytest.approx(np.exp(-5.0 / 20.0), abs=tol)  # latched at 10 ms
    assert m[14] == m[11] and got["isyn_exc"][12] > 1.5 * m[11]  # not again at 11, 12 ms
    off = np.flatnonzero(m[11:] == 0)[0] + 11  # the trigger current went under 0.001 nA
    assert 40 < off < 150 and np.all(m[off:161] == 0)
    assert m[161] > 0.6 and m[161] == pytest.approx(want["multiplicator"][161], abs=tol)
    np.testing.assert_allclose(m, want["multiplicator"], atol=tol)


def test_initial_values_as_sPyNNaker_takes_them():
    """IF_curr_exp_sEMD(multiplicator=0.5, isyn_exc2=0.2): the trigger current drives the
    cell from the first step with 100 * 0.5 * 0.2 = 10 nA."""
    sim.setup(timestep=1.0)
    pop = sim.Population(1, sim.extra_models.IF_curr_exp_sEMD(
        **{**ref.CELL, "v_thresh": 0.0}, v=-60.0, multiplicator=0.5, isyn_exc2=0.2, exc2_old=0.2))
    pop.record(["v", "gsyn_exc", "multiplicator"])
    sim.run(10.0)
    seg = pop.get_data().segments[0]
    v, drive, m = (np.asarray(seg.filter(name=n)[0].magnitude)[:, 0]
                   for n in ("v", "gsyn_exc", "multiplicator"))
    sim.end()
    assert drive[0] == pytest.approx(10.0, abs=1e-3) and m[1] == pytest.approx(0.5, abs=1e-4)
    assert v[1] > -55.0


def test_a_negative_scaling_factor_says_which():
    sim.setup(timestep=1.0)
    sim.Population(1, sim.extra_models.IF_curr_exp_sEMD(scaling_factor=-1.0))
    with pytest.raises(Exception, match="scaling_factor must be >= 0"):
        sim.run(1.0)
    sim.end()
