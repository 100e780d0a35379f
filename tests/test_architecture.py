"""Imports run one way: neurochip -> mapping -> emulator."""

import ast
import importlib.util
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]


def _imports(package):
    found = set()
    for path in (ROOT / package).rglob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                found |= {(path.name, a.name.split(".")[0]) for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add((path.name, node.module.split(".")[0]))
    return found


@pytest.mark.parametrize("package,forbidden", [
    ("emulator", {"mapping", "neurochip", "pyNN"}),
    ("mapping", {"neurochip", "pyNN"}),
])
def test_import_direction(package, forbidden):
    bad = {(f, m) for f, m in _imports(package) if m in forbidden}
    assert not bad, f"{package} must not import {forbidden}: {sorted(bad)}"


def test_emulator_does_not_load_the_other_packages():
    import subprocess
    import sys
    code = ("import sys, emulator; emulator.load; "
            "bad = [m for m in ('mapping', 'neurochip', 'pyNN') if m in sys.modules]; "
            "print(bad); sys.exit(1 if bad else 0)")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr


@pytest.mark.parametrize("name", ["mapping", "emulator", "neurochip"])
def test_top_level_names_are_ours(name):
    """`mapping` and `emulator` are generic names: no other installed distribution may
    claim them, and the imported ones are this project's."""
    from importlib.metadata import distributions
    spec = importlib.util.find_spec(name)
    assert spec is not None and spec.origin is not None
    assert (pathlib.Path(spec.origin).parent / "__init__.py").read_text() == \
        (ROOT / name / "__init__.py").read_text()
    claims = {dist.metadata["Name"] for dist in distributions()
              if any(f.parts[0] == name and len(f.parts) > 1 for f in (dist.files or []))}
    assert claims <= {"neurochip"}, f"{name!r} is also installed by {claims - {'neurochip'}}"


def test_pynn_alias_is_the_same_backend():
    import pyNN.neurochip as alias

    import neurochip
    assert alias.Population is neurochip.Population
    assert alias.simulator is neurochip.simulator
    import pyNN.neurochip.simulator as sim_mod
    assert sim_mod.state is neurochip.simulator.state


def test_every_package_folder_is_installed():
    """pyproject lists packages explicitly: a new subpackage must be added there too."""
    import tomllib
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    for top in ("neurochip", "mapping", "emulator"):
        for init in (ROOT / top).rglob("__init__.py"):
            name = ".".join(init.parent.relative_to(ROOT).parts)
            assert name in listed, f"{name} is missing from [tool.setuptools] packages"
