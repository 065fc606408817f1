"""The apps import only the apps below them, and selectors never import services (STYLE.md "Layout").

The contracts live in pyproject.toml under [tool.importlinter]; .ci/run checks them too.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def lint_imports(*args: str, cwd: Path, pythonpath: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(pythonpath)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_code_keeps_every_import_contract():
    result = lint_imports(cwd=ROOT, pythonpath=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def _write_package(root: Path, name: str, source: str = "") -> None:
    (root / name).mkdir()
    (root / name / "__init__.py").write_text(source, encoding="utf-8")


def test_an_app_importing_upward_breaks_the_layers_contract(tmp_path):
    """The same contracts, on a miniature tree where accounts (the bottom layer) imports projects."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
    layers = next(c for c in config["contracts"] if c["type"] == "layers")
    apps = config["root_packages"]

    code = tmp_path / "src"
    code.mkdir()
    for app in apps:
        _write_package(code, app)
    (code / "accounts" / "__init__.py").write_text("import projects\n", encoding="utf-8")

    contract = "\n".join(
        [
            "[importlinter]",
            "root_packages =",
            *(f"    {app}" for app in apps),
            "",
            "[importlinter:contract:layers]",
            "name = layers",
            "type = layers",
            "layers =",
            *(f"    {layer}" for layer in layers["layers"]),
            "",
        ]
    )
    (tmp_path / "importlinter.ini").write_text(contract, encoding="utf-8")

    result = lint_imports("--config", str(tmp_path / "importlinter.ini"), cwd=tmp_path, pythonpath=code)
    assert result.returncode != 0, result.stdout + result.stderr
    assert "BROKEN" in result.stdout
    assert "accounts is not allowed to import projects" in result.stdout
