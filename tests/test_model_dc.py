"""Single neurons under DC over 1 s at dt = 0.1 ms against a high-precision reference.

The reference (tests/reference/dc.py, scipy DOP853 at rtol 1e-10, atol 1e-12, the
threshold crossing located exactly and the reset applied there; NEST's on-grid
refractoriness for the AdEx models; NEST's spike rule for HH) is stored in
tests/data/dc_reference.json: per model and DC amplitude (near rheobase, mid, strong)
the true spike times and those an exact simulator on the grid sends (each crossing
stamped at the end of its timestep). The machine must give the same number of spikes,
each within one timestep of the grid reference, in fixed and float arithmetic.
Regenerate the data with ``python tests/reference/dc.py``.

Measured: the largest |spike - true crossing| in ms (HH: the peak) and the range of
spike - grid reference in timesteps; NEST from tests/reference/dc_compare.py (pyNN.nest,
on grid, the same script):

=====================  ======  ====  ===============  ===============  ====================
model                  I (nA)  ref   fixed            float            NEST (count)
=====================  ======  ====  ===============  ===============  ====================
Izhikevich             0.0045  15    0.098 [0, 0]     0.098 [0, 0]     10.06 [2, 100] (15)
Izhikevich             0.01    56    0.098 [0, 0]     0.100 [0, 1]     17.7 [2, 177] (55)
Izhikevich             0.03    213   0.102 [0, 1]     0.101 [0, 1]     25.0 [2, 250] (208)
EIF_cond_*_isfa_ista   0.7     9     0.168 [0, 1]     0.082 [0, 0]     0.103 [-1, 1]
EIF_cond_*_isfa_ista   1.5     61    0.100 [0, 0]     0.100 [0, 0]     0.102 [0, 1]
EIF_cond_*_isfa_ista   3.0     146   0.101 [0, 1]     0.100 [0, 1]     0.102 [0, 1]
HH_cond_exp            0.03    8     1.74 [-19, -3]   0.133 [-1, 0]    0.162 [0, 0]
HH_cond_exp            0.2     39    0.151 [-1, 0]    0.151 [0, 0]     0.168 [0, 1]
HH_cond_exp            1.0     128   0.195 [0, 1]     0.208 [0, 1]     0.167 [0, 1]
=====================  ======  ====  ===============  ===============  ====================

NEST's izhikevich takes one forward-Euler step per timestep (``consistent_integration``)
and is the one that is off; before the resets were placed at the crossing, neurochip's
Izhikevich lagged by 0.46 to 1.09 ms and its AdEx by 0.37 to 0.90 ms (both arithmetics).
A spike one timestep after the grid reference is a crossing that the machine puts
just after a step's end where the true one is just before it; with NEST's on-grid
refractoriness that step also ends the refractory period, so the spikes after it can
stay one step off.
"""

import json
import pathlib

import numba
import numpy as np
import pyNN.neurochip as sim
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from neurochip.emulator.fixed import REAL_MAX, REAL_MIN
from neurochip.emulator.models.crossing import crossing
from neurochip.emulator.models.hh_cond_exp import add_current, third

DATA = json.loads((pathlib.Path(__file__).parent / "data" / "dc_reference.json").read_text())
DT = DATA["dt"]
INIT = {"Izhikevich": dict(v=-70.0, u=-14.0), "HH_cond_exp": dict(v=-65.0, m=0.0, h=1.0, n=0.0),
        "EIF_cond_exp_isfa_ista": dict(v=-70.6, w=0.0),
        "EIF_cond_alpha_isfa_ista": dict(v=-70.6, w=0.0)}
MODELS = list(INIT)
CASES = {(c["model"], c["i_offset"]): c for c in DATA["cases"]}
_RUNS = {}


def _run(model, arithmetic):
    """Spike times of one cell per amplitude of ``model`` (PyNN defaults otherwise),
    all in one population; cached per model and arithmetic."""
    key = (model, arithmetic)
    if key not in _RUNS:
        amps = [a for m, a in CASES if m == model]
        sim.setup(timestep=DT, arithmetic=arithmetic)
        cells = sim.Population(len(amps), getattr(sim, model)(i_offset=amps))
        cells.initialize(**INIT[model])
        cells.record("spikes")
        sim.run(DATA["t_end"])
        trains = cells.get_data().segments[0].spiketrains
        sim.end()
        by_index = {int(st.annotations["source_index"]): st for st in trains}
        _RUNS[key] = {a: np.asarray(by_index[i].times.magnitude, float)
                      for i, a in enumerate(amps)}
    return _RUNS[key]


def _params():
    for model, amp in CASES:
        for arithmetic in ("fixed", "float"):
            marks = [pytest.mark.fixed if arithmetic == "fixed" else pytest.mark.float]
            if model == "HH_cond_exp" and amp < 0.05 and arithmetic == "fixed":
                # near rheobase (110 ms interspike intervals) fixed point fires early: 1.9 ms
                # by the 8th spike when each 0.01 ms sub-step's change of V was rounded to
                # 2^-15 mV, 0.9 ms since V carries 8 more bits between sub-steps
                # (hh_cond_exp.add_current); the rest is the currents' and gates' rounding
                marks.append(pytest.mark.xfail(strict=True, reason="HH fixed point near "
                                               "rheobase: the currents' resolution"))
            yield pytest.param(model, amp, arithmetic, marks=marks,
                               id=f"{model}-{amp:g}nA-{arithmetic}")


@pytest.mark.parametrize("model, amp, arithmetic", list(_params()))
def test_dc_spike_times_against_reference(model, amp, arithmetic):
    case = CASES[model, amp]
    grid, true = np.array(case["grid"]), np.array(case["spikes"])
    got = _run(model, arithmetic)[amp]
    assert len(grid) >= 8
    assert len(got) == len(grid), (len(got), len(grid))
    off = np.abs(got - grid)
    assert np.all(off <= DT + 1e-6), (got[off > DT + 1e-6], grid[off > DT + 1e-6])
    if model != "HH_cond_exp":  # HH's grid rule itself is up to two steps after the peak
        # within two timesteps of the true crossing, never before it by more than one
        assert np.all(got - true > -DT - 1e-6) and np.all(got - true < 2 * DT + 1e-6)


def test_reference_data_is_the_scripts():
    """The stored reference is what tests/reference/dc.py computes (one short case)."""
    from reference import dc
    case = CASES["Izhikevich", 0.01]
    again = dc.spikes("Izhikevich", 0.01, t_end=100.0)
    want = np.array(case["spikes"])
    assert np.allclose(again, want[want < 100.0], atol=1e-6)
    assert np.allclose(dc.grid_spikes("Izhikevich", 0.01, t_end=100.0),
                       np.array(case["grid"])[:len(again)])


nb_crossing = numba.njit(lambda v0, v1, vp: crossing(v0, v1, vp))
I32 = st.integers(-(2 ** 31), 2 ** 31 - 1)


@settings(max_examples=300, deadline=None, database=None)
@given(I32, I32, I32)
def test_crossing_bit_for_bit(v0, v1, v_peak):
    """The fixed-point crossing fraction: numba as the Python reference, in [0, 2^32],
    and within 2^-31 of the exact fraction where the sub-step did cross."""
    want = crossing(v0, v1, v_peak)
    assert tuple(int(x) for x in nb_crossing(np.int64(v0), np.int64(v1), np.int64(v_peak))) == want
    assert tuple(int(x) for x in nb_crossing(np.int32(v0), np.int32(v1), np.int32(v_peak))) == want
    theta, rest = want
    assert 0 <= theta <= 2 ** 32 and theta + rest == 2 ** 32
    if v0 < v_peak <= v1:
        assert abs(theta / 2 ** 32 - (v_peak - v0) / (v1 - v0)) <= 2.0 ** -31


def test_crossing_float_twin():
    assert nb_crossing(-50.0, 50.0, 30.0) == pytest.approx((0.8, 0.2))
    assert nb_crossing(31.0, 40.0, 30.0) == (0.0, 1.0)  # began above: the start


@pytest.mark.parametrize("model", ["EIF_cond_exp_isfa_ista", "EIF_cond_alpha_isfa_ista"])
def test_adex_refractoriness_as_nest(model):
    """NEST's aeif_cond_exp/alpha: V held at V_reset from the crossing to the end of its
    step and round(tau_refrac / dt) more (the spike's sample and 20 after it at 2 ms),
    w going on meanwhile, the threshold not checked. Measured against pyNN.nest (DC 1.5
    nA, 200 ms, both arithmetics): the same 15 spike times, the same 21 clamped samples,
    w within 4e-5 nA and V within 0.02 mV."""
    sim.setup(timestep=DT, arithmetic="fixed")
    cell = sim.Population(1, getattr(sim, model)(i_offset=1.5, tau_refrac=2.0))
    cell.initialize(**INIT[model])
    cell.record(["spikes", "v", "w"])
    sim.run(200.0)
    seg = cell.get_data().segments[0]
    v = np.asarray(seg.filter(name="v")[0].magnitude)[:, 0]
    w = np.asarray(seg.filter(name="w")[0].magnitude)[:, 0]
    ticks = np.rint(np.asarray(seg.spiketrains[0].magnitude) / DT).astype(int)
    sim.end()
    assert len(ticks) == 15
    for k in ticks[:-1]:
        assert np.all(np.abs(v[k:k + 21] + 70.6) < 1e-4) and abs(v[k + 21] + 70.6) > 1e-3
        assert np.all(np.diff(w[k:k + 21]) < 0)  # w decays towards a (V_reset - E_L) = 0


nb_add_current = numba.njit(lambda v, res, i, k: add_current(v, res, i, k))


@settings(max_examples=300, deadline=None, database=None)
@given(st.integers(-(2 ** 22), 2 ** 22), st.integers(0, 255),
       st.one_of(st.integers(-(2 ** 31), 2 ** 31 - 1), st.integers(-(2 ** 46) + 1, 2 ** 46 - 1)),
       st.integers(0, 2 ** 32 - 1))
def test_hh_add_current_carries_what_v_cannot_hold(v, res, i, k):
    """V's step change in units of 2^-8 LSB, the remainder carried: numba as the
    Python reference, the carry in [0, 256), and v * 256 + res is the exact sum to within
    the product's rounding. Over the whole REAL range of the current and beyond (RK4's
    weighted sum of four currents times n_fine, up to 2^46): numba had computed
    (i << 8) * k in int64, which wrapped once |i| k passed 2**23 (one run in a few hundred
    drew such a case); i k itself wraps past 2^63, so the product is split at bit 16."""
    want = add_current(v, res, i, k)
    got = nb_add_current(np.int64(v), np.int64(res), np.int64(i), np.int64(k))
    assert tuple(int(x) for x in got) == want
    v1, res1 = want
    assert 0 <= res1 < 256
    exact = (v * 256 + res) + i * 256 * k / 2 ** 32
    if REAL_MIN * 256 <= exact < (REAL_MAX + 1) * 256:
        assert abs((v1 * 256 + res1) - exact) <= 0.5 + 1e-9
    else:  # beyond what V can hold: V saturates on the side the sum went
        assert v1 == (REAL_MAX if exact > 0 else REAL_MIN)
    assert nb_add_current(-65.0, 0.0, 1.5, 0.05) == (-65.0 + 1.5 * 0.05, 0.0)  # float twin


def test_hh_add_current_at_the_edges():
    """The largest current and propagator: no int64 wrap (the sum keeps its sign), and V
    saturates where the sum leaves its range."""
    for v, i, want in ((0, REAL_MAX, REAL_MAX - 1), (0, REAL_MIN, REAL_MIN),
                       (REAL_MAX // 2, REAL_MAX, REAL_MAX), (REAL_MIN // 2, REAL_MIN, REAL_MIN)):
        got = tuple(int(x) for x in nb_add_current(np.int64(v), np.int64(0), np.int64(i),
                                                   np.int64(2 ** 32 - 1)))
        assert got == add_current(v, 0, i, 2 ** 32 - 1)
        assert got[0] == want
    for i in (2 ** 46 - 1, -(2 ** 46) + 1, 30 * REAL_MAX, 30 * REAL_MIN):  # the RK4 sums
        got = tuple(int(x) for x in nb_add_current(np.int64(0), np.int64(255), np.int64(i),
                                                   np.int64(2 ** 32 - 1)))
        assert got == add_current(0, 255, i, 2 ** 32 - 1)


nb_third = numba.njit(lambda x: third(x))


@settings(max_examples=300, deadline=None, database=None)
@given(st.integers(-(2 ** 40), 2 ** 40))
def test_hh_third_rounds_to_nearest(x):
    """RK4's weighted sum of gate changes / 3: numba as the Python reference, and the
    nearest integer to x / 3."""
    want = third(x)
    assert int(nb_third(np.int64(x))) == want
    assert abs(want - x / 3) < 0.5
    assert nb_third(1.5) == 0.5
