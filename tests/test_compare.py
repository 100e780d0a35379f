"""neurochip.compare: one script run in fixed point and in float, compared per population."""

import json

import matplotlib.image
import pytest

from neurochip import control
from neurochip.compare import compare_script, run_script
from neurochip.errors import NeurochipError

# Sources send the same spikes in both arithmetics (spike times and on-core Poisson
# draws do not depend on it); a cell driven by a current may not.
AGREE = """
import sys
import pyNN.neurochip as sim
sim.setup(timestep=0.1, arithmetic="float")  # forced to each arithmetic in turn
n = int(sys.argv[1])
times = sim.Population(n, sim.SpikeSourceArray(spike_times=[[1.0 + i, 5.0 + 2 * i] for i in range(n)]),
                       label="times")
noise = sim.Population(n, sim.SpikeSourcePoisson(rate=80.0), label="noise")
cells = sim.Population(2, sim.IF_curr_exp(i_offset=0.3), label="cells")
sim.Projection(noise, cells, sim.AllToAllConnector(), sim.StaticSynapse(weight=0.3, delay=1.0))
times.record("spikes"); noise.record("spikes"); cells.record(["spikes", "v"])
sim.run(100.0)
sim.end()
"""

# one huge weight sets the weight scale, the tiny one rounds to 0 in fixed point
QUANTISED = """
import pyNN.neurochip as sim
sim.setup(timestep=0.1)
src = sim.Population(2, sim.SpikeSourceArray(spike_times=[1.0]), label="src")
post = sim.Population(1, sim.IF_curr_exp(), label="post")
sim.Projection(src[0:1], post, sim.AllToAllConnector(), sim.StaticSynapse(weight=60000.0))
sim.Projection(src[1:2], post, sim.AllToAllConnector(), sim.StaticSynapse(weight=1e-4))
post.record("v")
sim.run(5.0)
sim.end()
"""


# pairings of pre and post spikes at set offsets: the post spikes are the same in both
# arithmetics (a 200 nA pulse), so the learned weights differ only by fixed point
PLASTIC = """
import pyNN.neurochip as sim
sim.setup(timestep=0.1)
starts = [20.0 + 100.0 * k for k in range(8)]
pre = sim.Population(6, sim.SpikeSourceArray(
    spike_times=[[t + 1.1 + d for t in starts] + [900.0] for d in (-10, -5, -2, -1, 5, 10)]),
    label="pre")
post = sim.Population(1, sim.IF_curr_exp(), label="post")
sim.StepCurrentSource(times=[x for t in starts for x in (t, t + 0.5)],
                      amplitudes=[200.0, 0.0] * len(starts)).inject_into(post)
post.record("spikes")
sim.Projection(pre, post, sim.AllToAllConnector(), sim.STDPMechanism(
    sim.SpikePairRule(A_plus=0.05, A_minus=0.05), sim.AdditiveWeightDependence(w_max=0.01),
    weight=0.005, delay=1.0), label="learning")
sim.run(1000.0)
sim.end()
"""


def _script(tmp_path, text, name="net.py"):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_sources_agree_to_the_spike_and_the_files_are_written(tmp_path):
    control.OVERRIDES.update(threads=1)  # kept: compare only adds the arithmetic for a run
    try:
        result = compare_script(_script(tmp_path, AGREE), tmp_path / "out", args=["6"])
    finally:
        control.OVERRIDES.clear()
    pops = result["populations"]
    assert list(pops) == ["times", "noise", "cells"]
    for label in ("times", "noise"):
        p = pops[label]
        assert p["neurons"] == 6 and p["identical_trains"] == 6
        assert p["rate_fixed"] == p["rate_float"] and p["rate_difference"] == 0.0
        assert p["van_rossum"] == 0.0 and p["victor_purpura"] == 0.0
        assert p["van_rossum_normalised"] == 0.0 and p["van_rossum_poisson"] > 0
        assert p["victor_purpura_poisson"] > 0 and p["traces"] == {}
    assert pops["times"]["rate_fixed"] == pytest.approx(2 / 0.1)  # two spikes in 100 ms
    v = pops["cells"]["traces"]["v"]
    assert v["unit"] == "mV" and 0 <= v["rms"] <= v["max"] < 30.0
    assert result["quantisation_warnings"] == []
    assert result["paths"] == [str(tmp_path / "out" / n)
                               for n in ("compare.txt", "compare.json", "compare.png")]
    text = (tmp_path / "out" / "compare.txt").read_text()
    assert "population 'times'" in text and "6 of 6 trains identical" in text
    data = json.loads((tmp_path / "out" / "compare.json").read_text())
    assert data["populations"]["noise"]["identical_trains"] == 6 and data["args"] == ["6"]
    picture = matplotlib.image.imread(tmp_path / "out" / "compare.png")
    assert picture.shape[0] > 500 and picture.shape[1] > 1000
    assert (picture[..., :3].mean(axis=2) < 0.8).mean() > 0.02  # drawn, not blank
    assert control.OVERRIDES == {}


def test_learned_weights_are_compared(tmp_path):
    result = compare_script(_script(tmp_path, PLASTIC), tmp_path / "out")
    w = result["plastic"]["learning"]
    assert w["synapses"] == 6 and w["w_max"] == 0.01
    assert w["mean_fixed"] != 0.005 and abs(w["mean_float"] - 0.005) > 1e-4  # they learned
    assert 0 < w["max_difference"] < 1e-3 * w["w_max"]  # fixed point, within 0.1 % of w_max
    assert result["populations"]["post"]["identical_trains"] == 1
    text = (tmp_path / "out" / "compare.txt").read_text()
    assert "plastic projection 'learning' (6 synapses, w_max 0.01)" in text


def test_the_fixed_runs_quantisation_warning_is_reported_not_raised(tmp_path):
    result = compare_script(_script(tmp_path, QUANTISED), tmp_path / "out")
    (warning,) = [w for w in result["quantisation_warnings"] if "round to 0" in w]
    assert "1 non-zero weight(s) round to 0" in warning
    assert "post" in result["populations"] and result["populations"]["post"]["neurons"] == 0
    text = (tmp_path / "out" / "compare.txt").read_text()
    assert "quantisation warnings of the fixed run: 1" in text and "round to 0" in text


def test_run_script_restores_the_command_line_and_overrides(tmp_path):
    import sys
    argv = list(sys.argv)
    run = run_script(_script(tmp_path, AGREE), ["2"], "float")
    assert sys.argv == argv and control.OVERRIDES == {}
    assert run.arithmetic == "float" and set(run.segments) == {"times", "noise", "cells"}
    assert len(run.segments["times"].spiketrains) == 2


def test_a_script_that_records_nothing_is_an_error_that_says_so(tmp_path):
    path = _script(tmp_path, "import pyNN.neurochip as sim\nsim.setup()\n"
                             "sim.Population(1, sim.IF_curr_exp())\nsim.run(1.0)\nsim.end()\n")
    with pytest.raises(NeurochipError, match=r"recorded nothing .*pop\.record"):
        compare_script(path, tmp_path / "out")
