"""The seed networks (examples/) on neurochip, fixed point, give NEST's statistics.

Each example runs in a fresh process at the size, duration and first seed of the NEST
reference stored in tests/data/nest_seed_stats.json (made by
``benchmarks/seed_networks.py --make-reference``); its rates and CVs must lie within
NEST's own seed-to-seed spread (3 sd, or a small floor), its regime must be one NEST
showed, and a synfire chain's packets must arrive as NEST's do. Slow: minutes each.
"""

import json
import pathlib
import subprocess
import sys

import pytest

from neurochip.analysis import compare_to_reference

ROOT = pathlib.Path(__file__).resolve().parents[1]
REFERENCE = json.loads((ROOT / "tests" / "data" / "nest_seed_stats.json").read_text())["networks"]


def run_example(example, args, tmp_path):
    out = tmp_path / "results.json"
    cmd = [sys.executable, str(ROOT / "examples" / f"{example}.py"), *args, "--arithmetic", "fixed",
           "--plot", "", "--json", str(out)]
    r = subprocess.run(cmd, capture_output=True, text=True, cwd=tmp_path)
    assert r.returncode == 0, r.stderr[-3000:]
    return json.loads(out.read_text())


@pytest.mark.slow
@pytest.mark.fixed
@pytest.mark.parametrize("name", sorted(REFERENCE))
def test_seed_network_matches_nest(name, tmp_path):
    ref = REFERENCE[name]
    results = run_example(ref["example"], [*ref["args"], "--seed", str(ref["seeds"][0])], tmp_path)
    problems = compare_to_reference(results, ref)
    assert not problems, f"{name} on neurochip is off from NEST: " + "; ".join(problems)


def test_comparison_fails_for_a_network_that_is_off():
    """The check is not vacuous: a silent network, a doubled rate or a regular network
    where NEST was irregular all fail against every stored reference they apply to."""
    ref = REFERENCE["brunel_C"]
    mean = {g: {k: v["mean"] for k, v in st.items()} for g, st in ref["stats"].items()}
    assert compare_to_reference({"stats": mean}, ref) == []
    doubled = {g: {**st, "rate": 2 * st["rate"]} for g, st in mean.items()}
    assert compare_to_reference({"stats": doubled}, ref)
    silent = {g: {**st, "rate": 0.0, "cv": float("nan"), "sync": float("nan")}
              for g, st in mean.items()}
    assert compare_to_reference({"stats": silent}, ref)
    regular = {g: {**st, "cv": 0.01} for g, st in mean.items()}
    problems = compare_to_reference({"stats": regular}, ref)
    assert any(p.startswith("regime") for p in problems), problems
