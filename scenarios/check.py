"""Run PyNN's own system scenarios against pyNN.neurochip and compare with the known list.

    python scenarios/check.py            # downloads PyNN's sdist (tests only) at run time

Exits non-zero when a scenario fails that is not in known_failures.txt, or when a
listed one passes (the list must stay true), and prints the counts.
"""

import os
import pathlib
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

HERE = pathlib.Path(__file__).resolve().parent
RUNNER = pathlib.Path(os.environ.get("PYNN_SCENARIOS", HERE)) / "run.sh"


def known():
    out = {}
    for line in (HERE / "known_failures.txt").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            test, reason = (part.strip() for part in line.split("|", 1))
            out[test] = reason
    return out


def main() -> int:
    if not RUNNER.exists():
        print(f"PyNN scenario runner not found at {RUNNER}; set PYNN_SCENARIOS")
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        report = pathlib.Path(tmp) / "junit.xml"
        proc = subprocess.run(["bash", str(RUNNER), "neurochip", "-p", "no:warnings", "-q",
                               f"--junitxml={report}"], capture_output=True, text=True)
        if not report.exists():
            print(proc.stdout[-3000:], proc.stderr[-3000:])
            return 2
        root = ET.parse(report).getroot()
    passed, failed, skipped = [], [], []
    for case in root.iter("testcase"):
        name = case.get("classname", "").replace(".", "/") + ".py::" + case.get("name", "")
        if case.find("skipped") is not None:
            skipped.append(name)
        elif case.find("failure") is not None or case.find("error") is not None:
            failed.append(name)
        else:
            passed.append(name)
    expected = known()
    unexpected = [t for t in failed if t not in expected]
    now_passing = [t for t in expected if t in passed]
    print(f"PyNN scenarios on neurochip: {len(passed)} passed, {len(failed)} failed, "
          f"{len(skipped)} skipped ({len(expected)} known failures listed)")
    for t in unexpected:
        print(f"  UNEXPECTED FAILURE: {t}")
    for t in now_passing:
        print(f"  NOW PASSES (remove from known_failures.txt): {t}")
    if unexpected or now_passing:
        print(proc.stdout[-6000:])
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
