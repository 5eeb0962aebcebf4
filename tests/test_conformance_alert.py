"""The alert conformance cases (../shared/conformance/alert): Kapacitor's integration tests.

Each case is run as its README says, `tickpy run --replay input.lp task.tick --events -` inside the
case folder, and compared event by event, key by key: strings exactly, numbers by value, times as
instants.
"""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from conftest import CONFORMANCE, ROOT, conformance_dir, run_tickpy

CASES = sorted(p.name for p in (CONFORMANCE / "alert").iterdir() if p.is_dir()) if (CONFORMANCE / "alert").is_dir() else []


def _instant(text: str) -> tuple:
    """An RFC3339 time as (seconds, nanoseconds), whatever number of fraction digits it has."""
    main, _, rest = text.rstrip("Z").partition(".")
    seconds = datetime.fromisoformat(main + "+00:00").timestamp()
    return int(seconds), int((rest or "0").ljust(9, "0"))


def _normalise(value, key=""):
    if isinstance(value, dict):
        return {k: _normalise(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_normalise(v, key) for v in value]
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str) and (key in ("time", "values")) and value[:4].isdigit() and "T" in value:
        return _instant(value)
    return value


@pytest.mark.parametrize("case", CASES)
def test_alert_case_produces_kapacitors_events(case):
    folder = conformance_dir("alert", case)
    result = run_tickpy("run", "--replay", "input.lp", "task.tick", "--events", "-", cwd=folder,
                        env={"PYTHONPATH": str(ROOT)})
    assert result.returncode == 0, result.stderr
    expected = [json.loads(line) for line in (folder / "expected.jsonl").read_text().splitlines() if line.strip()]
    actual = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    assert len(actual) == len(expected), f"{len(actual)} events, expected {len(expected)}:\n{result.stdout}"
    for number, (got, want) in enumerate(zip(actual, expected), start=1):
        assert _normalise(got) == _normalise(want), f"event {number} differs"
