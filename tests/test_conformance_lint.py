"""`tickpy lint` against the shared conformance cases (../shared/conformance/syntax/), run as a user
runs it: the real CLI in a subprocess, one call per folder.

- valid/*.tick: Kapacitor accepts each; lint exits 0 and prints no `error:` line.
- invalid/*.tick: Kapacitor's parser rejects each at the line and column of invalid/EXPECTED.tsv.
- semantic/*.tick: Kapacitor refuses to define each; lint reports an error on the line of
  semantic/EXPECTED.tsv, at the column too where Kapacitor's message gives one.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path
from typing import Optional

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


def _semantic_position(row: dict) -> tuple[int, Optional[int]]:
    """The line of semantic/EXPECTED.tsv, and the column where Kapacitor's message gives one
    ("line 7 char 10: ..."; tick/eval.go reports a call's errors at the function's position)."""
    found = re.match(r"line (\d+) char (\d+): ", row["kapacitor_message"])
    if found:
        assert int(found.group(1)) == int(row["line"]), row
        return int(row["line"]), int(found.group(2))
    return int(row["line"]), None


def test_semantic_scripts_fail_at_kapacitors_line_and_column():
    folder = conformance_dir("syntax", "semantic")
    expected = _expected(folder)
    result, problems = _lint_json(folder, sorted(expected))
    assert result.returncode == 1
    for name, row in expected.items():
        line, column = _semantic_position(row)
        at = [(p["line"], p["column"]) for p in problems if p["file"] == name and p["severity"] == "error"]
        if column is None:  # Kapacitor gives no position: the error must be on the mistake's line
            assert line in [found_line for found_line, _ in at], \
                f"{name}: expected an error on line {line} ({row['kapacitor_message']}), got {at}"
        else:
            assert (line, column) in at, \
                f"{name}: expected an error at {line}:{column} ({row['kapacitor_message']}), got {at}"


# conformance/README.md: an unconfigured UDF and template vars without values are warnings, one per
# thing a server would have to supply, where Kapacitor reports the error it stands for:
# - tick/eval.go evalFunc, a dynamic (@) function no UDF defines: "no method or property
#   \"movingAverage\" on *pipeline.FromNode" at the function (line 4 char 6, the name after `@`);
# - tick/eval.go evalTypeDeclaration: `missing value for var "measurement".` (no position: the
#   declaration's line). `var period = 1m` has a value and gets no warning.
@pytest.mark.parametrize("case, expected", [
    ("udf_and_handlers.tick", [(4, 6, "@movingAverage()", "[udf.functions.movingAverage]")]),
    ("template_vars.tick", [(1, None, 'template var "measurement" (string) has no value', "--var"),
                            (2, None, 'template var "threshold" (float) has no value', "--var")]),
])
def test_server_only_names_are_warnings(case, expected):
    folder = conformance_dir("syntax", "valid")
    result, problems = _lint_json(folder, [case])
    assert result.returncode == 0
    assert [p["severity"] for p in problems] == ["warning"] * len(expected), problems
    for problem, (line, column, names, remedy) in zip(problems, expected):
        assert problem["line"] == line and column in (None, problem["column"]), problem
        assert names in problem["message"] and remedy in problem["message"], problem
    strict = run_tickpy("lint", "--strict", case, cwd=folder)
    assert strict.returncode == 1
    assert strict.stdout.count(f"{case}:") == len(expected)
