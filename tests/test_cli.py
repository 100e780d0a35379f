"""The neurochip command line: run a script with setup() overrides and a report, the
report and compare commands, the machine presets, and python -m neurochip."""

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


def test_report_runs_the_script_and_writes_the_report_with_its_activity(tmp_path):
    script = tmp_path / "net.py"
    script.write_text(SCRIPT)
    out = CliRunner().invoke(main, ["report", "--out", str(tmp_path / "rep"), str(script), "4"])
    assert out.exit_code == 0, out.output
    assert "cells 4" in out.output  # the script's own argument reached it
    written = sorted(p.name for p in (tmp_path / "rep").iterdir())
    assert written == ["activity.png", "chips.png", "mapping.json", "placement.txt",
                       "routing_tables.txt"]
    assert f"report: {tmp_path / 'rep' / 'activity.png'}" in out.output


def test_compare_writes_the_comparison_and_prints_it(tmp_path):
    script = tmp_path / "net.py"
    script.write_text(SCRIPT)
    out = CliRunner().invoke(main, ["compare", "--out", str(tmp_path / "cmp"), str(script), "3"])
    assert out.exit_code == 0, out.output
    assert "arithmetic fixed" in out.output and "arithmetic float" in out.output  # both runs
    assert "population 'cells'" in out.output and "spikes of 3 neurons" in out.output
    for name in ("compare.txt", "compare.json", "compare.png"):
        assert f"written: {tmp_path / 'cmp' / name}" in out.output
        assert (tmp_path / "cmp" / name).stat().st_size > 100


def test_compare_and_report_say_what_is_wrong(tmp_path):
    script = tmp_path / "silent.py"
    script.write_text("import pyNN.neurochip as sim\nsim.setup()\n"
                      "sim.Population(1, sim.IF_curr_exp())\nsim.run(1.0)\nsim.end()\n")
    out = CliRunner().invoke(main, ["compare", "--out", str(tmp_path / "cmp"), str(script)])
    assert out.exit_code == 1 and "recorded nothing in its last network" in out.output
    empty = tmp_path / "empty.py"
    empty.write_text("print('nothing')\n")
    out = CliRunner().invoke(main, ["report", "--out", str(tmp_path / "rep"), str(empty)])
    assert out.exit_code == 1 and "mapped no network" in out.output
    out = CliRunner().invoke(main, ["compare", str(tmp_path / "nothing.py")])
    assert out.exit_code == 2 and "does not exist" in out.output


def test_help_names_the_commands_and_their_files():
    out = CliRunner().invoke(main, ["--help"])
    assert out.exit_code == 0 and "compare" in out.output and "report" in out.output
    out = CliRunner().invoke(main, ["compare", "--help"])
    text = " ".join(out.output.split())  # as wrapped to any width
    assert out.exit_code == 0 and "van Rossum" in text and "compare.png" in text
    out = CliRunner().invoke(main, ["report", "--help"])
    text = " ".join(out.output.split())
    assert out.exit_code == 0 and "activity.png" in text and "--out" in text


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
