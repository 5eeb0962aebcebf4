"""`tickpy test`: passing and failing suites, the diff text, exit codes (CLI as a subprocess)."""

from __future__ import annotations

import shutil

from conftest import ROOT, run_tickpy

SCRIPT = """stream
    |from()
        .measurement('cpu')
        .groupBy('host')
    |alert()
        .warn(lambda: "usage_idle" < 30)
        .crit(lambda: "usage_idle" < 10)
"""


def write_suite(tmp_path, alerts: str, extra: str = "") -> str:
    (tmp_path / "cpu.tick").write_text(SCRIPT)
    (tmp_path / "cpu_test.yaml").write_text(f"""scripts: [cpu.tick]
tests:
  - name: idle cpu drops
    points: |
      cpu,host=a usage_idle=50 +0s
      cpu,host=a usage_idle=20 +10s
      cpu,host=a usage_idle=5 +20s
    alerts:
{alerts}
{extra}""")
    return str(tmp_path / "cpu_test.yaml")


def test_a_passing_suite_exits_0_and_counts_cases(tmp_path):
    path = write_suite(tmp_path, """      - {time: +10s, id: "cpu:host=a", level: WARNING}
      - {time: +20s, level: CRITICAL, previousLevel: WARNING, duration: 10s}""")
    result = run_tickpy("test", path, cwd=ROOT)
    assert result.returncode == 0, result.stdout
    assert result.stdout.splitlines()[-1] == "1 passed, 0 failed"


def test_a_failing_case_shows_expected_next_to_what_happened(tmp_path):
    path = write_suite(tmp_path, """      - {time: +10s, level: CRITICAL}
      - {time: +20s, level: CRITICAL}""")
    result = run_tickpy("test", path, cwd=ROOT)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[0] == f"FAIL {path}: idle cpu drops"
    assert lines[1:4] == [
        "  alert 1:",
        "      expected: time='1970-01-01T00:00:10Z', level='CRITICAL'",
        "      got:      time='1970-01-01T00:00:10Z', level='WARNING'",
    ]
    assert lines[-1] == "0 passed, 1 failed"


def test_a_missing_alert_is_reported_as_nothing(tmp_path):
    path = write_suite(tmp_path, """      - {time: +10s, level: WARNING}""")
    result = run_tickpy("test", path, cwd=ROOT)
    assert result.returncode == 1
    assert "  alert 2:\n      expected: nothing\n      got:      time='1970-01-01T00:00:20Z'" in result.stdout


def test_a_broken_script_fails_the_case_with_its_position(tmp_path):
    path = write_suite(tmp_path, "      - {time: +10s, level: WARNING}")
    (tmp_path / "cpu.tick").write_text("stream\n    |from(\n")
    result = run_tickpy("test", path, cwd=ROOT)
    assert result.returncode == 1
    assert "cpu.tick:3:1: error:" in result.stdout


def test_the_example_suite_passes():
    result = run_tickpy("test", str(ROOT / "examples" / "cpu_alert_test.yaml"), cwd=ROOT)
    assert result.returncode == 0, result.stdout
    assert result.stdout.splitlines()[-1] == "2 passed, 0 failed"


def test_notifications_are_captured_not_sent(tmp_path):
    for name in ("cpu_alert.tick", "kapacitor.conf", "cpu_alert_test.yaml"):
        shutil.copy(ROOT / "examples" / name, tmp_path / name)
    suite = (tmp_path / "cpu_alert_test.yaml").read_text().replace('contains: "priority=-2"', 'contains: "priority=2"')
    (tmp_path / "cpu_alert_test.yaml").write_text(suite)
    result = run_tickpy("test", str(tmp_path / "cpu_alert_test.yaml"), cwd=ROOT)
    assert result.returncode == 1
    assert "notification 2:" in result.stdout and "contains='priority=2'" in result.stdout
    assert "token=***" in result.stdout and "mysupersecrettoken" not in result.stdout
