"""The installed package must contain every subpackage and the grammar (checked from pyproject)."""

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_subpackage_is_listed_in_pyproject():
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    on_disk = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for init in (ROOT / "tickpy").rglob("__init__.py")
    }
    missing = on_disk - listed
    assert not missing, f"add these packages to pyproject.toml: {sorted(missing)}"
    assert "tickpy.grammar" in listed
