"""Imports run one way: neurochip -> mapping -> emulator."""

import ast
import importlib.util
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]


def _imports(package):
    """(file, imported module) for every absolute import under ``package``'s folder;
    relative imports stay inside the package."""
    found = set()
    for path in (ROOT / package).rglob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                found |= {(path.name, a.name) for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add((path.name, node.module))
    return found


def _under(module, prefixes):
    return any(module == p or module.startswith(p + ".") for p in prefixes)


@pytest.mark.parametrize("package,forbidden", [
    ("emulator", ("neurochip", "pyNN", "mapping", "emulator")),  # relative imports only
    ("mapping", ("pyNN", "mapping", "emulator")),
])
def test_import_direction(package, forbidden):
    allowed = ("neurochip.emulator",) if package == "mapping" else ()
    bad = {(f, m) for f, m in _imports(package) if _under(m, forbidden) and not _under(m, allowed)}
    assert not bad, f"{package} may import only {allowed or 'itself'} of ours: {sorted(bad)}"


def test_emulator_does_not_load_the_other_packages():
    import subprocess
    import sys
    code = ("import sys, neurochip.emulator as e; e.load; "
            "bad = [m for m in ('neurochip.mapping', 'neurochip.simulator', 'pyNN', 'neo') "
            "if m in sys.modules]; print(bad); sys.exit(1 if bad else 0)")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd="/")
    assert r.returncode == 0, r.stdout + r.stderr


@pytest.mark.parametrize("name", ["mapping", "emulator"])
def test_generic_names_are_not_installed_at_the_top(name):
    """`mapping` and `emulator` are generic names: they install as neurochip.mapping and
    neurochip.emulator, and no file of ours sits in site-packages under the bare name."""
    import subprocess
    import sys
    import sysconfig
    from importlib.metadata import distributions
    site = sysconfig.get_paths()["purelib"]
    assert not (pathlib.Path(site) / name).exists(), f"{site}/{name} exists"
    for dist in distributions(path=[site]):
        if dist.metadata["Name"] == "neurochip":  # a regular install lists its files
            top = [f for f in dist.files or [] if f.parts[0] == name]
            assert not top, f"neurochip installs {top[:3]} at the top of site-packages"
    code = f"import importlib.util as u; print(u.find_spec({name!r}))"
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd="/")
    assert r.stdout.strip() == "None", f"`import {name}` works outside the tree: {r.stdout}"
    spec = importlib.util.find_spec(f"neurochip.{name}")
    assert pathlib.Path(spec.origin).read_text() == (ROOT / name / "__init__.py").read_text()


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
            parts = init.parent.relative_to(ROOT).parts
            name = ".".join(parts if top == "neurochip" else ("neurochip", *parts))
            assert name in listed, f"{name} is missing from [tool.setuptools] packages"
