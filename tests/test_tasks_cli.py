"""The Kapacitor workflow commands as a user runs them (subprocess, a fresh TICKPY_HOME each).

Expected layouts come from cmd/kapacitor/main.go (doList, doShow, doShowTopic,
doShowTopicHandler) and the rules from services/task_store/service.go.
"""

from __future__ import annotations

import json
import re

import pytest

from conftest import run_tickpy
from seed_pages import CPU_ALERT_TICK, PUSHOVER_CPU_HANDLER

NO_DBRP_SCRIPT = """stream
    |from()
        .measurement('cpu')
    |alert()
        .crit(lambda: "usage_idle" < 10)
"""


@pytest.fixture
def home(tmp_path):
    (tmp_path / "cpu_alert.tick").write_text(CPU_ALERT_TICK)
    (tmp_path / "plain.tick").write_text(NO_DBRP_SCRIPT)
    return tmp_path


def tickpy(home, *args, **kwargs):
    return run_tickpy(*args, cwd=home, env={"TICKPY_HOME": str(home / "store")}, **kwargs)


def test_define_enable_list_show(home):
    assert tickpy(home, "define", "cpu_alert", "-tick", "cpu_alert.tick").returncode == 0
    assert tickpy(home, "enable", "cpu_alert").returncode == 0
    # doList: "%-{maxID+1}s%-10v%-10v%-10v%s"
    assert tickpy(home, "list", "tasks").stdout == (
        "ID        Type      Status    Executing Databases and Retention Policies\n"
        'cpu_alert stream    enabled   true      ["telegraf"."autogen"]\n')
    shown = tickpy(home, "show", "cpu_alert").stdout
    head, script_and_dot = shown.split("TICKscript:\n")
    assert re.fullmatch(
        r"ID: cpu_alert\nError: \nTemplate: \nType: stream\nStatus: enabled\nExecuting: true\n"
        r"Created: \d\d \w{3} \d\d \d\d:\d\d UTC\nModified: .+\nLastEnabled: \d\d \w{3} \d\d \d\d:\d\d UTC\n"
        r'Databases Retention Policies: \["telegraf"\."autogen"\]\n', head)
    # the script as tickfmt formats it, then the pipeline (server_test.go: "stream0 -> from1;")
    assert script_and_dot == CPU_ALERT_TICK + "\nDOT:\ndigraph cpu_alert {\nstream0 -> from1;\nfrom1 -> alert2;\n}\n"


def test_a_task_never_enabled_shows_go_zero_time(home):
    tickpy(home, "define", "cpu_alert", "-tick", "cpu_alert.tick")
    shown = tickpy(home, "show", "cpu_alert").stdout
    assert "Status: disabled\nExecuting: false\n" in shown
    assert "LastEnabled: 01 Jan 01 00:00 UTC\n" in shown


def test_dbrp_comes_from_the_script_or_the_flags_never_both_and_is_required(home):
    result = tickpy(home, "define", "plain", "-tick", "plain.tick")
    assert result.returncode == 1 and "must specify dbrp" in result.stderr
    result = tickpy(home, "define", "cpu_alert", "-tick", "cpu_alert.tick", "-dbrp", "db.rp")
    assert result.returncode == 1 and "cannot specify dbrp in both implicitly and explicitly" in result.stderr
    assert tickpy(home, "define", "plain", "-tick", "plain.tick", "-dbrp", '"my.db"."rp"',
                  "--dbrp", "other.autogen").returncode == 0
    assert 'plain stream    disabled  false     ["my.db"."rp" "other"."autogen"]' in tickpy(home, "list", "tasks").stdout


def test_redefining_without_tick_keeps_the_script_and_changes_the_dbrps(home):
    tickpy(home, "define", "plain", "-tick", "plain.tick", "-dbrp", "a.b")
    assert tickpy(home, "define", "plain", "-dbrp", "c.d").returncode == 0
    shown = tickpy(home, "show", "plain").stdout
    assert 'Databases Retention Policies: ["c"."d"]' in shown and ".crit(lambda" in shown
    result = tickpy(home, "define", "nothing")
    assert result.returncode == 1 and "must provide TICKscript" in result.stderr


def test_the_type_comes_from_the_script(home):
    result = tickpy(home, "define", "cpu_alert", "-tick", "cpu_alert.tick", "-type", "batch")
    assert result.returncode == 0 and "-type batch ignored" in result.stderr
    assert "Type: stream" in tickpy(home, "show", "cpu_alert").stdout


def test_bad_task_ids_and_dbrps_are_refused(home):
    result = tickpy(home, "define", "cpu alert", "-tick", "cpu_alert.tick")
    assert result.returncode == 1 and "task ID must contain only letters" in result.stderr
    result = tickpy(home, "define", "plain", "-tick", "plain.tick", "-dbrp", "nodot")
    assert result.returncode == 1 and "does not contain a '.'" in result.stderr


def test_a_broken_script_is_not_defined(home):
    (home / "bad.tick").write_text("stream\n    |from(\n")
    result = tickpy(home, "define", "bad", "-tick", "bad.tick", "-dbrp", "a.b")
    assert result.returncode == 1
    assert "bad.tick:3:1: error:" in result.stderr and "Traceback" not in result.stderr
    assert "bad" not in tickpy(home, "list", "tasks").stdout


def test_redefining_with_a_broken_script_keeps_the_old_task(home):
    tickpy(home, "define", "cpu_alert", "-tick", "cpu_alert.tick")
    (home / "cpu_alert.tick").write_text('dbrp "telegraf"."autogen"\nstream|from().measurment(\'cpu\')\n')
    result = tickpy(home, "define", "cpu_alert", "-tick", "cpu_alert.tick")
    assert result.returncode == 1 and "cpu_alert.tick:2:" in result.stderr
    assert ".measurement('cpu')" in tickpy(home, "show", "cpu_alert").stdout


def test_enable_disable_and_delete_take_globs(home):
    for name in ("cpu_alert", "mem_alert", "disk"):
        tickpy(home, "define", name, "-tick", "cpu_alert.tick")
    assert tickpy(home, "enable", "*_alert").returncode == 0
    statuses = {line.split()[0]: line.split()[2] for line in tickpy(home, "list", "tasks").stdout.splitlines()[1:]}
    assert statuses == {"cpu_alert": "enabled", "disk": "disabled", "mem_alert": "enabled"}
    assert tickpy(home, "disable", "cpu_*").returncode == 0
    assert tickpy(home, "delete", "tasks", "m*").returncode == 0
    assert [line.split()[:3] for line in tickpy(home, "list", "tasks", "*a*", "d*").stdout.splitlines()[1:]] == [
        ["cpu_alert", "stream", "disabled"], ["disk", "stream", "disabled"]]
    assert tickpy(home, "enable", "nomatch*").returncode == 0  # a glob may match nothing


def test_unknown_names_give_one_line_and_exit_1(home):
    for args in (("show", "nope"), ("enable", "nope"), ("disable", "nope"), ("delete", "tasks", "nope"),
                 ("delete", "topics", "nope"), ("delete", "topic-handlers", "cpu", "nope"),
                 ("show-topic-handler", "cpu", "nope"), ("show-topic", "nope")):
        result = tickpy(home, *args)
        assert result.returncode == 1, args
        assert len(result.stderr.strip().splitlines()) == 1 and "nope" in result.stderr, args


def test_a_missing_handler_file_is_one_line(home):
    result = tickpy(home, "define-topic-handler", "missing.yaml")
    assert result.returncode == 1 and result.stderr.count("\n") == 1 and "missing.yaml" in result.stderr


def test_pasted_handler_file_is_accepted_with_a_warning_and_shown(home):
    (home / "pushover_cpu_handler.yaml").write_text(PUSHOVER_CPU_HANDLER)
    result = tickpy(home, "define-topic-handler", "pushover_cpu_handler.yaml")
    assert result.returncode == 0
    assert "warning:" in result.stderr and "options:\n  title: Alert from Kapacitor" in result.stderr
    shown = tickpy(home, "show-topic-handler", "cpu", "pushover-cpu-alert").stdout
    # doShowTopicHandler prints json.Marshal(options): keys sorted, no spaces
    assert shown == ("ID: pushover-cpu-alert\nTopic: cpu\nKind: pushover\nMatch: \n"
                     'Options: {"sound":"siren","title":"Alert from Kapacitor"}\n')


def test_list_topics_and_topic_handlers_layout(home):
    (home / "pushover_cpu_handler.yaml").write_text(PUSHOVER_CPU_HANDLER)
    tickpy(home, "define-topic-handler", "pushover_cpu_handler.yaml")
    (home / "agg.yaml").write_text("id: 500-errors-24h\ntopic: 500-errors\nkind: aggregate\noptions:\n"
                                   "  interval: 24h\n  topic: 500-errors-24h\n")
    tickpy(home, "define-topic-handler", "agg.yaml")
    # doList topic-handlers: "%-{maxTopic+1}v%-{maxID+1}v%-{maxKind+1}v", each at least 10 wide
    assert tickpy(home, "list", "topic-handlers").stdout == (
        "Topic      ID                 Kind       \n"
        "500-errors 500-errors-24h     aggregate  \n"
        "cpu        pushover-cpu-alert pushover   \n")
    assert tickpy(home, "list", "topic-handlers", "c*").stdout.splitlines()[1:] == [
        "cpu        pushover-cpu-alert pushover   "]
    # doList topics: "%-{maxID+1}v%-{maxLevel+1}v%10v", level at least 8 wide
    assert tickpy(home, "list", "topics").stdout == (
        "ID         Level     Collected\n"
        "500-errors OK                0\n"
        "cpu        OK                0\n")
    assert tickpy(home, "show-topic", "cpu").stdout == (
        "ID: cpu\nLevel: OK\nCollected: 0\nHandlers: [pushover-cpu-alert]\nEvents:\n"
        "Event Level    Message Date                   \n")


def test_handler_file_mistakes_are_reported_with_their_line(home):
    (home / "h.yaml").write_text("id: x\ntopic: cpu\nkind: pushover\noptions:\n  title: t\n  titel: oops\n")
    result = tickpy(home, "define-topic-handler", "h.yaml")
    assert result.returncode == 1 and 'h.yaml:6:3: error: pushover handler: unknown option "titel"' in result.stderr
    (home / "h.yaml").write_text("id: x\ntopic: cpu\nkind: carrier-pigeon\n")
    result = tickpy(home, "define-topic-handler", "h.yaml")
    assert result.returncode == 1 and "h.yaml:3:1:" in result.stderr


@pytest.mark.parametrize("option, line, message", [
    ("mode: abc", 6, 'log handler: option "mode" must be a number such as 0644, got \'abc\''),
    ("mode: 0444", 6, "log handler: invalid file mode -r--r--r--, must be user writable"),
    ("path: 5", 5, 'log handler: option "path" must be a string, got 5'),
])
def test_a_log_handler_file_with_a_mode_or_path_of_the_wrong_kind_is_one_line(home, option, line, message):
    # services/alert/handlers.go: the options decode into LogHandlerConfig (path string, mode
    # os.FileMode) and Validate wants the owner's write bit; YAML 1.1 reads 0444 as octal.
    # Before, the first and last stopped with an internal error (ValueError, TypeError).
    path = "" if option.startswith("path") else "  path: /tmp/alerts.log\n"
    (home / "h.yaml").write_text(f"id: x\ntopic: cpu\nkind: log\noptions:\n{path}  {option}\n")
    result = tickpy(home, "define-topic-handler", "h.yaml")
    assert result.returncode == 1
    assert result.stderr.strip() == f"h.yaml:{line}:3: error: {message}"


@pytest.mark.parametrize("url", ["http://[::1/hook", "https://hooks.example.com:99999/secret-token"])
def test_a_post_url_python_cannot_split_is_shown_masked_whole(home, url):
    # An unclosed IPv6 bracket or a port out of range made urllib raise while the URL was being
    # masked: show-topic-handler stopped with an internal error (ValueError).
    (home / "h.yaml").write_text(f"id: x\ntopic: cpu\nkind: post\noptions:\n  url: '{url}'\n")
    assert tickpy(home, "define-topic-handler", "h.yaml").returncode == 0
    result = tickpy(home, "show-topic-handler", "cpu", "x")
    assert result.returncode == 0, result.stderr
    assert 'Options: {"url":"***"}' in result.stdout
    assert "secret-token" not in result.stdout and "hook" not in result.stdout


def test_a_post_timeout_beyond_a_go_duration_is_refused(home):
    # A Go time.Duration is int64 nanoseconds; the number reached the socket of the sending
    # thread (OverflowError) and every delivery waited for the shutdown deadline.
    (home / "h.yaml").write_text("id: x\ntopic: cpu\nkind: post\noptions:\n  url: http://127.0.0.1:1/\n"
                                 "  timeout: 99999999999999999999999\n")
    result = tickpy(home, "define-topic-handler", "h.yaml")
    assert result.returncode == 1
    assert result.stderr.strip() == ('h.yaml:6:3: error: post handler: option "timeout" is out of range for '
                                     'a duration (int64 nanoseconds), got 99999999999999999999999')


@pytest.mark.parametrize("value, shown", [(".nan", "NaN"), ("-.inf", "-Inf")])
def test_a_handler_option_json_cannot_hold_is_refused_when_defined(home, value, shown):
    # Kapacitor's client sends the handler as JSON, and encoding/json refuses NaN and infinities
    # ("json: unsupported value: NaN"). The handler was stored, and show-topic-handler stopped
    # with an internal error when it encoded the options.
    (home / "h.yaml").write_text(f"id: x\ntopic: cpu\nkind: exec\noptions:\n  prog: /bin/true\n"
                                 f"  args: [1, {value}]\n")
    result = tickpy(home, "define-topic-handler", "h.yaml")
    assert result.returncode == 1
    assert result.stderr.strip() == f"h.yaml:4:1: error: options: json: unsupported value: {shown}"
    shown_handler = tickpy(home, "show-topic-handler", "cpu", "x")
    assert "internal error" not in shown_handler.stderr and shown_handler.returncode == 1


def test_secret_options_are_masked_in_show_topic_handler(home):
    (home / "h.yaml").write_text("id: x\ntopic: cpu\nkind: post\noptions:\n"
                                 "  url: https://hooks.example.com/secret-token\n"
                                 "  headers:\n    Authorization: Bearer s3cr3t\n    X-Team: ops\n")
    assert tickpy(home, "define-topic-handler", "h.yaml").returncode == 0
    shown = tickpy(home, "show-topic-handler", "cpu", "x").stdout
    assert "secret-token" not in shown and "s3cr3t" not in shown
    options = json.loads(shown.splitlines()[4].removeprefix("Options: "))
    assert options == {"headers": {"Authorization": "***", "X-Team": "ops"}, "url": "https://hooks.example.com/***"}
    (home / "p.yaml").write_text("id: p\ntopic: cpu\nkind: pushover\noptions:\n  user-key: my-user-key\n")
    assert tickpy(home, "define-topic-handler", "p.yaml").returncode == 0
    assert "my-user-key" not in tickpy(home, "show-topic-handler", "cpu", "p").stdout


def test_delete_removes_tasks_and_handlers(home):
    tickpy(home, "define", "cpu_alert", "-tick", "cpu_alert.tick")
    (home / "h.yaml").write_text("id: x\ntopic: cpu\nkind: log\noptions:\n  path: /tmp/x.log\n")
    tickpy(home, "define-topic-handler", "h.yaml")
    assert tickpy(home, "delete", "tasks", "cpu_alert").returncode == 0
    assert tickpy(home, "delete", "topic-handlers", "cpu", "x").returncode == 0
    assert tickpy(home, "list", "tasks").stdout.splitlines()[1:] == []
    assert tickpy(home, "list", "topic-handlers").stdout.splitlines()[1:] == []


def test_home_flag_overrides_the_environment(home):
    other = home / "elsewhere"
    assert tickpy(home, "define", "cpu_alert", "-tick", "cpu_alert.tick", "--home", str(other)).returncode == 0
    assert "cpu_alert" in tickpy(home, "list", "tasks", "-home", str(other)).stdout
    assert "cpu_alert" not in tickpy(home, "list", "tasks").stdout


def test_vars_are_stored_checked_and_shown(home):
    (home / "tmpl.tick").write_text('dbrp "telegraf"."autogen"\nvar measurement string\nvar window = 5m\n'
                                    "stream\n    |from()\n        .measurement(measurement)\n"
                                    "    |window()\n        .period(window)\n        .every(window)\n")
    (home / "vars.json").write_text('{"measurement": {"type": "string", "value": "cpu"},'
                                    ' "window": {"type": "duration", "value": "10m"}}')
    assert tickpy(home, "define", "t", "-tick", "tmpl.tick", "-vars", "vars.json").returncode == 0
    shown = tickpy(home, "show", "t").stdout
    # doShow: "%-30s%-10v%-40v" per var, sorted by name; a duration prints as Go's time.Duration
    assert ("Vars:\n" + "Name".ljust(30) + "Type".ljust(10) + "Value".ljust(40) + "\n"
            + "measurement".ljust(30) + "string".ljust(10) + "cpu".ljust(40) + "\n"
            + "window".ljust(30) + "duration".ljust(10) + "10m0s".ljust(40) + "\nDOT:\n") in shown
    (home / "bad_vars.json").write_text('{"measurement": {"type": "int", "value": 3}}')
    result = tickpy(home, "define", "t", "-tick", "tmpl.tick", "-vars", "bad_vars.json")
    assert result.returncode == 1 and "invalid type supplied for measurement" in result.stderr


def test_unreadable_files_are_one_line_errors(home):
    (home / "binary.yaml").write_bytes(b"\x00\xff\xfe")
    (home / "vars.json").write_text('{"a": \n')
    for args in (("define-topic-handler", "binary.yaml"), ("define", "t", "-tick", "binary.yaml"),
                 ("define", "t", "-tick", "cpu_alert.tick", "-vars", "vars.json"),
                 ("define", "t", "-tick", "missing.tick"), ("define-topic-handler", str(home))):
        result = tickpy(home, *args)
        assert result.returncode == 1 and result.stderr.count("\n") == 1, (args, result.stderr)
    assert tickpy(home, "define", "t", "-tick", "cpu_alert.tick", "-vars", "vars.json").stderr.startswith(
        "vars.json:2:1: error: invalid JSON in vars file")


def test_vars_of_the_wrong_json_type_are_refused_naming_the_file(home):
    (home / "tmpl.tick").write_text('dbrp "db"."rp"\nvar on bool\nstream|from().where(lambda: on)\n')
    (home / "vars.json").write_text('{"on": {"type": "bool", "value": "false"}}')
    result = tickpy(home, "define", "t", "-tick", "tmpl.tick", "-vars", "vars.json")
    assert result.returncode == 1
    assert result.stderr == "vars.json: error: invalid var \"on\": expected true or false, got 'false'\n"


def test_run_routes_points_by_dbrp_from_headers_or_the_dbrp_flag(home):
    # Kapacitor hands a task only the points written to its dbrps; a replay file says where its
    # points were written with influx_inspect's "# CONTEXT-DATABASE" headers, or --dbrp does.
    (home / "plain.lp").write_text("cpu,host=a usage_idle=5 1000000000\n")
    (home / "headed.lp").write_text("# DML\n# CONTEXT-DATABASE: telegraf\n# CONTEXT-RETENTION-POLICY: autogen\n"
                                    "cpu,host=a usage_idle=5 1000000000\n")
    assert tickpy(home, "define", "cpu_alert", "-tick", "cpu_alert.tick").returncode == 0
    assert tickpy(home, "enable", "cpu_alert").returncode == 0

    unrouted = tickpy(home, "run", "--replay", "plain.lp", "--events", "-")
    assert unrouted.returncode == 0 and unrouted.stdout == ""
    assert "task cpu_alert: no point was in its dbrps (telegraf.autogen)" in unrouted.stderr
    assert "--dbrp telegraf.autogen" in unrouted.stderr

    for run in (tickpy(home, "run", "--replay", "plain.lp", "--dbrp", "telegraf.autogen", "--events", "-"),
                tickpy(home, "run", "--replay", "headed.lp", "--events", "-")):
        [event] = [json.loads(line) for line in run.stdout.splitlines()]
        assert (event["id"], event["level"]) == ("cpu:nil", "CRITICAL")  # {{ .Name }}:{{ .Group }}
        assert "no point was in its dbrps" not in run.stderr

    wrong = tickpy(home, "run", "--replay", "plain.lp", "--dbrp", "telegraf")
    assert wrong.returncode == 2 and "Traceback" not in wrong.stderr


@pytest.mark.parametrize("text, error", [
    # Go's encoding/json (Kapacitor's -vars reader) has no NaN or Infinity; Python's json does.
    ('{"x": {"type": "float",\n "value": NaN}}',
     "vars.json:2:11: error: invalid JSON in vars file: invalid character 'N' looking for beginning of value\n"),
    ('{"x": {"type": "float", "value": -Infinity}}',
     "vars.json:1:35: error: invalid JSON in vars file: invalid character 'I' in numeric literal\n"),
    ('{"x": {"type": "string", "value": "NaN"}, "y": {"type": "float", "value": Infinity}}',
     "vars.json:1:75: error: invalid JSON in vars file: invalid character 'I' looking for beginning of value\n"),
])
def test_vars_file_with_nan_or_infinity_is_refused_as_go_refuses_it(home, text, error):
    (home / "tmpl.tick").write_text('dbrp "db"."rp"\nvar x float\nstream|from().where(lambda: "v" > x)\n')
    (home / "vars.json").write_text(text)
    result = tickpy(home, "define", "t", "-tick", "tmpl.tick", "-vars", "vars.json")
    assert (result.returncode, result.stderr) == (1, error)
