"""The syntax conformance cases (../shared/conformance/syntax), at the parser and formatter level.

valid/NAME.tick must parse and format to exactly valid/NAME.fmt (Kapacitor's tickfmt output);
formatting must be stable and keep the meaning; invalid/*.tick must fail at the line and column
given in invalid/EXPECTED.tsv (where Kapacitor's parser reports the error).
"""

from __future__ import annotations

import csv

import pytest

from conftest import CONFORMANCE, conformance_dir
from tickpy.lang.errors import TickError
from tickpy.lang.fmt import format_program, format_source
from tickpy.lang.parser import parse

VALID = sorted((CONFORMANCE / "syntax" / "valid").glob("*.tick"))
INVALID_TSV = CONFORMANCE / "syntax" / "invalid" / "EXPECTED.tsv"
INVALID = list(csv.DictReader(INVALID_TSV.open(), delimiter="\t")) if INVALID_TSV.exists() else []


def _read(path):
    return path.read_text(encoding="utf-8")


@pytest.mark.parametrize("script", VALID, ids=lambda p: p.stem)
def test_valid_script_formats_exactly_as_tickfmt(script):
    conformance_dir("syntax", "valid")
    assert format_source(_read(script), str(script)) == _read(script.with_suffix(".fmt"))


@pytest.mark.parametrize("script", VALID, ids=lambda p: p.stem)
def test_formatting_is_stable_and_keeps_the_meaning(script):
    original = parse(_read(script))
    once = format_program(original)
    assert format_source(once) == once
    assert parse(once).equal(original)


@pytest.mark.parametrize("case", INVALID, ids=lambda c: c["file"])
def test_invalid_script_is_rejected_where_kapacitor_rejects_it(case):
    folder = conformance_dir("syntax", "invalid")
    with pytest.raises(TickError) as raised:
        parse(_read(folder / case["file"]), case["file"])
    error = raised.value
    assert (error.line, error.column) == (int(case["line"]), int(case["column"])), error.render()
    assert error.source_name == case["file"]


def test_conformance_cases_are_present():
    conformance_dir("syntax")
    assert VALID and INVALID
