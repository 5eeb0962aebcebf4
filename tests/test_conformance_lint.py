"""`tickpy lint` against the shared conformance cases (../shared/conformance/syntax/), run as a user
runs it: the real CLI in a subprocess, one call per folder.

- valid/*.tick: Kapacitor accepts each; lint exits 0 and prints no `error:` line.
- invalid/*.tick: Kapacitor's parser rejects each at the line and column of invalid/EXPECTED.tsv.
- semantic/*.tick: Kapacitor refuses to define each; lint reports an error on the line of
  semantic/EXPECTED.tsv.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from conftest import conformance_dir, run_tickpy


def _expected(folder: Path) -> dict[str, dict]:
    with open(folder / "EXPECTED.tsv", newline="", encoding="utf-8") as f:
        return {row["file"]: row for row in csv.DictReader(f, delimiter="\t")}


def _lint_json(folder: Path, names: list[str]):
    result = run_tickpy("lint", "--format", "json", *names, cwd=folder)
    assert result.stderr == "", result.stderr
    return result, json.loads(result.stdout)


def test_valid_scripts_have_no_errors():
    folder = conformance_dir("syntax", "valid")
    names = sorted(p.name for p in folder.glob("*.tick"))
    assert names
    result = run_tickpy("lint", *names, cwd=folder)
    assert "error:" not in result.stdout, result.stdout
    assert result.returncode == 0, result.stdout + result.stderr


def test_valid_scripts_pass_one_by_one():
    folder = conformance_dir("syntax", "valid")
    for path in sorted(folder.glob("*.tick")):
        result = run_tickpy("lint", path.name, cwd=folder)
        assert result.returncode == 0, f"{path.name}:\n{result.stdout}{result.stderr}"


def test_invalid_scripts_fail_at_kapacitors_line_and_column():
    folder = conformance_dir("syntax", "invalid")
    expected = _expected(folder)
    result, problems = _lint_json(folder, sorted(expected))
    assert result.returncode == 1
    for name, row in expected.items():
        at = [(p["line"], p["column"]) for p in problems if p["file"] == name and p["severity"] == "error"]
        assert (int(row["line"]), int(row["column"])) in at, \
            f"{name}: expected an error at {row['line']}:{row['column']} ({row['kapacitor_message']}), got {at}"


def test_each_invalid_script_exits_1():
    folder = conformance_dir("syntax", "invalid")
    for name in sorted(_expected(folder)):
        result = run_tickpy("lint", name, cwd=folder)
        assert result.returncode == 1, f"{name}: {result.stdout}{result.stderr}"
        assert f"{name}:" in result.stdout and ": error: " in result.stdout


def test_semantic_scripts_fail_on_kapacitors_line():
    folder = conformance_dir("syntax", "semantic")
    expected = _expected(folder)
    result, problems = _lint_json(folder, sorted(expected))
    assert result.returncode == 1
    for name, row in expected.items():
        lines = [p["line"] for p in problems if p["file"] == name and p["severity"] == "error"]
        assert int(row["line"]) in lines, \
            f"{name}: expected an error on line {row['line']} ({row['kapacitor_message']}), got {lines}"


@pytest.mark.parametrize("case", ["udf_and_handlers.tick", "template_vars.tick"])
def test_server_only_names_are_warnings(case):
    # conformance/README.md: an unconfigured UDF and template vars without values are warnings.
    folder = conformance_dir("syntax", "valid")
    result = run_tickpy("lint", case, cwd=folder)
    assert result.returncode == 0
    assert "warning:" in result.stdout
    strict = run_tickpy("lint", "--strict", case, cwd=folder)
    assert strict.returncode == 1
