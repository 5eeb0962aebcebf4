"""`tickpy lint` as a user runs it: output formats, exit codes, stdin, missing files, never a traceback."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import run_tickpy
from tickpy.lang.lint import lint_text

GOOD = """stream
    |from()
        .measurement('cpu')
    |alert()
        .crit(lambda: "usage_idle" < 10)
        .log('/tmp/alerts.log')
"""

TYPO = GOOD.replace(".measurement(", ".measurment(")  # error at 3:10

WARNING_ONLY = GOOD.replace('"usage_idle" < 10', "'usage_idle' < 10")  # warning at 5:23


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_clean_script_exits_0_silently(tmp_path):
    write(tmp_path, "good.tick", GOOD)
    result = run_tickpy("lint", "good.tick", cwd=tmp_path)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_error_line_format_and_exit_1(tmp_path):
    write(tmp_path, "bad.tick", TYPO)
    result = run_tickpy("lint", "bad.tick", cwd=tmp_path)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith('bad.tick:3:10: error: no method or property "measurment" on '
                               "*pipeline.FromNode")
    assert 'did you mean "measurement"?' in lines[0]


def test_warnings_fail_only_with_strict(tmp_path):
    write(tmp_path, "warn.tick", WARNING_ONLY)
    result = run_tickpy("lint", "warn.tick", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout.startswith("warn.tick:5:23: warning: ")
    assert run_tickpy("lint", "--strict", "warn.tick", cwd=tmp_path).returncode == 1


def test_several_files_report_in_order(tmp_path):
    write(tmp_path, "a.tick", TYPO)
    write(tmp_path, "b.tick", GOOD)
    write(tmp_path, "c.tick", TYPO)
    result = run_tickpy("lint", "a.tick", "b.tick", "c.tick", cwd=tmp_path)
    assert result.returncode == 1
    assert [line.split(":")[0] for line in result.stdout.splitlines()] == ["a.tick", "c.tick"]


def test_json_format(tmp_path):
    write(tmp_path, "bad.tick", TYPO)
    result = run_tickpy("lint", "--format", "json", "bad.tick", cwd=tmp_path)
    assert result.returncode == 1
    problems = json.loads(result.stdout)
    assert len(problems) == 1
    assert {k: problems[0][k] for k in ("file", "line", "column", "severity")} == \
        {"file": "bad.tick", "line": 3, "column": 10, "severity": "error"}
    assert "measurment" in problems[0]["message"]


def test_json_format_of_a_clean_file_is_an_empty_list(tmp_path):
    write(tmp_path, "good.tick", GOOD)
    result = run_tickpy("lint", "--format", "json", "good.tick", cwd=tmp_path)
    assert (result.returncode, json.loads(result.stdout)) == (0, [])


def test_github_format(tmp_path):
    write(tmp_path, "bad.tick", TYPO)
    write(tmp_path, "warn.tick", WARNING_ONLY)
    result = run_tickpy("lint", "--format", "github", "bad.tick", "warn.tick", cwd=tmp_path)
    lines = result.stdout.splitlines()
    # GitHub workflow commands: ::error file=F,line=L,col=C::message
    assert lines[0].startswith("::error file=bad.tick,line=3,col=10::no method or property")
    assert lines[1].startswith("::warning file=warn.tick,line=5,col=23::")


def test_stdin(tmp_path):
    result = run_tickpy("lint", "-", input=TYPO, cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.startswith("<stdin>:3:10: error: ")


def test_missing_file_is_a_clean_error(tmp_path):
    write(tmp_path, "good.tick", GOOD)
    result = run_tickpy("lint", "nope.tick", "good.tick", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.startswith("nope.tick: error: cannot read file: ")
    assert "Traceback" not in result.stdout + result.stderr


def test_binary_file_is_a_clean_error(tmp_path):
    (tmp_path / "bin.tick").write_bytes(b"\xff\xfe\x00stream")
    result = run_tickpy("lint", "bin.tick", cwd=tmp_path)
    assert result.returncode == 1
    assert "bin.tick: error: cannot read file: not UTF-8" in result.stdout
    assert "Traceback" not in result.stderr


def test_syntax_error_is_reported_with_its_position(tmp_path):
    # The Pushover seed page's typo: `.info(lamda: 'count' > 0)`.
    script = "stream\n    |from()\n        .measurement('errors')\n    |alert()\n        .info(lamda: 'count' > 0)\n"
    result = run_tickpy("lint", "-", input=script, cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.startswith("<stdin>:5:")
    assert '"lamda:" looks like a misspelt "lambda:"' in result.stdout


def test_template_var_given_on_the_command_line(tmp_path):
    write(tmp_path, "t.tick", "var threshold float\nstream|from()|alert().crit(lambda: \"x\" > threshold)\n")
    assert "warning:" in run_tickpy("lint", "t.tick", cwd=tmp_path).stdout
    result = run_tickpy("lint", "--strict", "--var", "threshold=90.5", "t.tick", cwd=tmp_path)
    assert (result.returncode, result.stdout) == (0, "")


def test_kind_option_forces_a_tickscript(tmp_path):
    write(tmp_path, "script.txt", TYPO)
    result = run_tickpy("lint", "--kind", "tick", "script.txt", cwd=tmp_path)
    assert result.returncode == 1 and result.stdout.startswith("script.txt:3:10: error: ")


def test_handler_files_are_checked_with_positions(tmp_path):
    # Handler file keys and per-kind options as in Kapacitor's docs (pushover: device, title, url,
    # url-title, sound); a misspelt option is reported on its own line and column.
    write(tmp_path, "good.yaml", "id: x\ntopic: cpu\nkind: log\noptions:\n  path: /tmp/x.log\n")
    write(tmp_path, "bad.yaml", "id: x\ntopic: cpu\nkind: pushover\noptions:\n  titel: hi\n")
    assert run_tickpy("lint", "good.yaml", cwd=tmp_path).stdout == ""
    result = run_tickpy("lint", "good.yaml", "bad.yaml", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.startswith('bad.yaml:5:3: error: pushover handler: unknown option "titel"')


def test_config_files_are_checked_with_positions(tmp_path):
    # kapacitor.conf's [pushover] keys (services/pushover/config.go): enabled, token, user-key, url.
    write(tmp_path, "kapacitor.conf", '[pushover]\nenabled = true\n  tokn = "x"\n')
    result = run_tickpy("lint", "kapacitor.conf", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.startswith("kapacitor.conf:3:3: error: [pushover] tokn: unknown key")
    write(tmp_path, "settings.txt", '[pushover]\nenabled = true\ntoken = "x"\nuser-key = "y"\n')
    result = run_tickpy("lint", "--kind", "config", "settings.txt", cwd=tmp_path)
    assert (result.returncode, result.stdout) == (0, "")


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=200))
def test_random_bytes_never_raise(data):
    text = data.decode("utf-8", errors="replace")
    for problem in lint_text(text, "fuzz.tick"):
        assert problem.severity in ("error", "warning")
        assert "internal error" not in problem.message, problem.message


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from([
    "stream", "batch", "|", ".", "@", "from()", "alert()", "crit(", ")", "lambda:", '"x"', "'x'",
    "<", "10", "1m", "var", "x", "=", "[", "]", ",", "*", "AND", "-", "!", "\n", "window()",
    "discord()", "period(", "TRUE", "/re/", "'''", "//c\n", "(", "if(", "float(",
]), max_size=30))
def test_random_token_soup_never_raises(tokens):
    for problem in lint_text(" ".join(tokens), "soup.tick"):
        assert "internal error" not in problem.message, problem.message
