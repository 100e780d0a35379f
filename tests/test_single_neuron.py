"""One IF_curr_exp neuron with a constant current against the analytic solution."""

import numpy as np
import pyNN.neurochip as sim
import pytest

CASES = [  # tau_m, cm, i_offset, v_rest, v_thresh, v_reset, tau_refrac, dt
    (20.0, 1.0, 1.0, -65.0, -50.0, -65.0, 2.0, 0.1),
    (10.0, 0.25, 0.5, -70.0, -55.0, -75.0, 5.0, 0.1),
    (30.0, 0.5, 0.8, -60.0, -45.0, -60.0, 1.0, 1.0),
    (15.0, 0.2, 2.0, -65.0, -40.0, -70.0, 0.0, 0.1),
]


def _run(arithmetic, case, duration=200.0):
    tau_m, cm, i_off, v_rest, v_th, v_reset, t_ref, dt = case
    sim.setup(timestep=dt, arithmetic=arithmetic)
    p = sim.Population(1, sim.IF_curr_exp(tau_m=tau_m, cm=cm, i_offset=i_off, v_rest=v_rest,
                                          v_thresh=v_th, v_reset=v_reset, tau_refrac=t_ref))
    p.initialize(v=v_rest)
    p.record(["spikes", "v"])
    sim.run(duration)
    seg = p.get_data().segments[0]
    spikes = np.asarray(seg.spiketrains[0].times.magnitude)
    v = np.asarray(seg.filter(name="v")[0].magnitude)[:, 0]
    sim.end()
    return spikes, v


def _analytic_spikes(case, duration):
    tau_m, cm, i_off, v_rest, v_th, v_reset, t_ref, dt = case
    v_inf = v_rest + tau_m / cm * i_off
    first = tau_m * np.log((v_inf - v_rest) / (v_inf - v_th))
    period = t_ref + tau_m * np.log((v_inf - v_reset) / (v_inf - v_th))
    return first, period


@pytest.mark.parametrize("arithmetic", ["fixed", "float"])
@pytest.mark.parametrize("case", CASES)
def test_spike_times_match_analytic_within_one_step(arithmetic, case):
    dt = case[-1]
    spikes, _ = _run(arithmetic, case)
    first, period = _analytic_spikes(case, 200.0)
    assert len(spikes) >= 3
    # the spike is stamped at the end of the step in which V crosses threshold
    assert first - 1e-9 <= spikes[0] <= first + dt + 1e-9
    # every later interval: the refractory time plus the climb back, each up to a step late
    isi = np.diff(spikes)
    assert np.all(np.abs(isi - period) <= 2 * dt + 1e-9), (isi, period)


@pytest.mark.parametrize("case", CASES[:2])
def test_v_trace_matches_exact_solution_before_first_spike(case):
    tau_m, cm, i_off, v_rest, v_th, v_reset, t_ref, dt = case
    v_inf = v_rest + tau_m / cm * i_off
    spikes_f, v_float = _run("float", case, 20.0)
    _, v_fixed = _run("fixed", case, 20.0)
    t = np.arange(len(v_float)) * dt
    exact = v_inf + (v_rest - v_inf) * np.exp(-t / tau_m)
    before = t < (spikes_f[0] if len(spikes_f) else t[-1] + 1)
    assert np.max(np.abs(v_float[before] - exact[before])) < 1e-9
    # s16.15 has a resolution of 3e-5 mV; truncating products lose at most a few LSB per step
    assert np.max(np.abs(v_fixed[before] - exact[before])) < 0.01


@pytest.mark.parametrize("case", CASES)
def test_fixed_and_float_v_traces_agree(case):
    sf, v_float = _run("float", case, 200.0)
    sx, v_fixed = _run("fixed", case, 200.0)
    # measured: identical spike times and at most 0.0024 mV apart over 200 ms
    assert np.array_equal(sf, sx)
    assert np.max(np.abs(v_float - v_fixed)) < 0.01
