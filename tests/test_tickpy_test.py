"""`tickpy test`: passing and failing suites, the diff text, exit codes (CLI as a subprocess)."""

from __future__ import annotations

import shutil

import pytest

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


CASE = "  - name: c\n    points: 'cpu,host=a usage_idle=5 +0s'\n"


@pytest.mark.parametrize("suite, shown", [
    ("tests: [1]\n", "FAIL {path}: case 1\n  each test is a mapping with name, points and alerts"),
    ("tests:\n" + CASE + "    alerts: [1]\n",
     "{path}: error: `alerts:` is a list of mappings, such as - {{time: +10s, level: CRITICAL}}"),
    ("tests:\n" + CASE + "    notifications: 'pushover'\n", "{path}: error: `notifications:` is a list of mappings"),
    ("tests:\n" + CASE + "    alerts: [{time: +99999999999999999999h}]\n",
     "{path}: error: time '+99999999999999999999h' is out of range (int64 nanoseconds"),
    ("tests:\n  - name: c\n    points: 'cpu,host=a usage_idle=5 2023-11-14T22:13:20.abcZ'\n",
     "{path}: error: invalid time '2023-11-14T22:13:20.abcZ': use +30s (relative) or RFC3339"),
    ("tests:\n  - name: c\n    points_file: missing.lp\n", "{path}: error: points_file missing.lp: No such file or directory"),
    ("tests:\n  - name: c\n    points_file: binary.lp\n",
     "{path}: error: points_file binary.lp: not a UTF-8 text file (byte 0 cannot be decoded)"),
    ("handlers: [missing.yaml]\ntests:\n" + CASE, "{path}: error: handler file"),
    ("handlers: h.yaml\ntests:\n" + CASE, "{path}: error: `handlers:` is a list of topic handler file paths"),
    ("config: [a]\ntests:\n" + CASE, "{path}: error: `config:` is the path of a kapacitor.conf"),
])
def test_a_test_file_of_the_wrong_shape_fails_with_a_line_saying_what_is_wrong(tmp_path, suite, shown):
    # Each of these stopped `tickpy test` with an internal error (AttributeError, TypeError,
    # FileNotFoundError, UnicodeDecodeError, OverflowError, ValueError).
    (tmp_path / "cpu.tick").write_text(SCRIPT)
    (tmp_path / "binary.lp").write_bytes(b"\xff\x00")
    path = tmp_path / "t.yaml"
    path.write_text("scripts: [cpu.tick]\n" + suite)
    result = run_tickpy("test", str(path), cwd=ROOT)
    assert result.returncode == 1
    assert "internal error" not in result.stderr and "Traceback" not in result.stderr
    assert shown.format(path=path) in result.stdout
    assert result.stdout.splitlines()[-1] == "0 passed, 1 failed"


@pytest.mark.parametrize("scripts, shown", [
    ("scripts: 5\n", "`scripts:` is a list of paths or {name: ..., tick: ...}"),
    ("scripts: [binary.tick]\n", "script binary.tick: not a UTF-8 text file (byte 0 cannot be decoded)"),
])
def test_scripts_that_cannot_be_read_fail_the_file(tmp_path, scripts, shown):
    (tmp_path / "binary.tick").write_bytes(b"\xff\x00")
    path = tmp_path / "t.yaml"
    path.write_text(scripts + "tests:\n" + CASE)
    result = run_tickpy("test", str(path), cwd=ROOT)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [f"FAIL {path}: {path}: error: {shown}", "0 passed, 1 failed"]
