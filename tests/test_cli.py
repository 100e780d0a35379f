"""The neurochip command line: run a script with setup() overrides and a report,
the machine presets, and python -m neurochip."""

import subprocess
import sys

from click.testing import CliRunner

from neurochip.cli import main

SCRIPT = """
import sys
import pyNN.neurochip as sim
sim.setup(timestep=0.1, arithmetic="fixed")
cells = sim.Population(int(sys.argv[1]), sim.IF_curr_exp(i_offset=1.0), label="cells")
cells.record("spikes")
sim.run(20.0)
st = sim.simulator.state
print("arithmetic", st.arithmetic, "machine", st.mapping.machine.name, "strict", st.strict,
      "cells", cells.size)
sim.end()
"""


def test_run_overrides_setup_and_writes_the_report(tmp_path):
    script = tmp_path / "net.py"
    script.write_text(SCRIPT)
    out = CliRunner().invoke(main, ["run", "--arithmetic", "float", "--machine", "spinn5",
                                    "--strict", "--report", str(tmp_path / "rep"), str(script),
                                    "7"])
    assert out.exit_code == 0, out.output
    assert "arithmetic float machine SpiNN-5 strict True cells 7" in out.output
    assert (tmp_path / "rep" / "chips.png").exists()
    plain = CliRunner().invoke(main, ["run", str(script), "3"])  # no overrides left behind
    assert "arithmetic fixed" in plain.output and "strict False cells 3" in plain.output


def test_run_names_a_missing_script_and_a_bad_option(tmp_path):
    out = CliRunner().invoke(main, ["run", str(tmp_path / "nothing.py")])
    assert out.exit_code == 2 and "does not exist" in out.output
    out = CliRunner().invoke(main, ["run", "--arithmetic", "double", str(tmp_path)])
    assert out.exit_code == 2 and "'double' is not one of 'fixed', 'float'" in out.output


def test_machines_lists_the_presets_and_their_limits():
    out = CliRunner().invoke(main, ["machines"])
    assert out.exit_code == 0
    rows = {line.split()[0]: line.split() for line in out.output.splitlines()[1:4]}
    assert rows["spinn3"][1:4] == ["4", "68", "1023"] and rows["spinn5"][1:3] == ["48", "816"]


def test_python_m_neurochip():
    r = subprocess.run([sys.executable, "-m", "neurochip", "--help"], capture_output=True,
                       text=True, cwd="/")
    assert r.returncode == 0 and "run" in r.stdout and "machines" in r.stdout
