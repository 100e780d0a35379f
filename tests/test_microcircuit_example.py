"""examples/microcircuit.py builds the Potjans & Diesmann connectivity it states: at a
tiny scale, every projection holds exactly the synapses of the table (FixedTotalNumber
of ln(1 - C) / ln(1 - 1/(N_pre N_post)) x scale^2), the populations have round(scale N)
cells, and the table at that scale is 298.9 million synapses x scale^2."""

import json
import pathlib
import subprocess
import sys

import numpy as np

EXAMPLE = pathlib.Path(__file__).resolve().parents[1] / "examples" / "microcircuit.py"
N_FULL = [20683, 5834, 21915, 5479, 4850, 1065, 14395, 2948]


def test_microcircuit_connections_match_the_table(tmp_path):
    scale = 0.02
    out = tmp_path / "mc.json"
    subprocess.run([sys.executable, str(EXAMPLE), "--scale", str(scale), "--duration", "10",
                    "--transient", "0", "--plot", "", "--json", str(out)], check=True,
                   capture_output=True, cwd=tmp_path)
    r = json.loads(out.read_text())
    assert r["n"] == sum(round(n * scale) for n in N_FULL)
    assert r["connections"] == r["expected_connections"]
    assert len(r["connections"]) >= 50                 # 58 pairs have C > 0; rounding drops a few
    total = sum(r["expected_connections"].values())
    assert np.isclose(total, 298.9e6 * scale**2, rtol=0.01)
    assert r["expected_connections"]["L4E->L23E"] == round(
        np.log(1 - 0.0437) / np.log(1 - 1 / (20683 * 21915)) * scale**2)
