"""The Kapacitor workflow commands as a user runs them (subprocess, a fresh TICKPY_HOME each)."""

from __future__ import annotations

import json

import pytest

from conftest import ROOT, run_tickpy

SCRIPT = """stream
    |from()
        .measurement('cpu')
    |alert()
        .crit(lambda: "usage_idle" < 10)
        .message('Hey, check your CPU')
        .topic('cpu')
"""

# The seed page's handler file as the page renders it (options: line lost).
PASTED_HANDLER = """id: pushover-cpu-alert
topic: cpu
kind: pushover
  title: Alert from Kapacitor
  sound: siren
"""


@pytest.fixture
def home(tmp_path):
    (tmp_path / "cpu_alert.tick").write_text(SCRIPT)
    return tmp_path


def tickpy(home, *args, **kwargs):
    return run_tickpy(*args, cwd=home, env={"TICKPY_HOME": str(home / "store")}, **kwargs)


def test_define_enable_list_show(home):
    assert tickpy(home, "define", "cpu_alert", "-tick", "cpu_alert.tick", "-dbrp", "telegraf.autogen").returncode == 0
    assert tickpy(home, "enable", "cpu_alert").returncode == 0
    listing = tickpy(home, "list", "tasks").stdout.splitlines()
    assert listing[0].split() == ["ID", "Type", "Status", "Executing", "Databases", "and", "Retention", "Policies"]
    assert listing[1].split() == ["cpu_alert", "stream", "enabled", "true", '["telegraf"."autogen"]']
    shown = tickpy(home, "show", "cpu_alert").stdout
    assert "ID: cpu_alert\n" in shown and "Status: enabled\n" in shown
    assert 'Databases Retention Policies: ["telegraf"."autogen"]\n' in shown
    assert shown.endswith("DOT:\ndigraph cpu_alert {\nstream0 -> from1;\nfrom1 -> alert2;\n}\n")


def test_a_broken_script_is_not_defined(home):
    (home / "bad.tick").write_text("stream\n    |from(\n")
    result = tickpy(home, "define", "bad", "-tick", "bad.tick")
    assert result.returncode == 1
    assert "bad.tick:3:1: error:" in result.stderr and "Traceback" not in result.stderr
    assert "bad" not in tickpy(home, "list", "tasks").stdout


def test_redefining_with_a_broken_script_keeps_the_old_task(home):
    tickpy(home, "define", "cpu_alert", "-tick", "cpu_alert.tick")
    (home / "cpu_alert.tick").write_text("stream|from().measurment('cpu')\n")
    assert tickpy(home, "define", "cpu_alert", "-tick", "cpu_alert.tick").returncode == 1
    assert ".measurement('cpu')" in tickpy(home, "show", "cpu_alert").stdout


def test_unknown_names_give_one_line_and_exit_1(home):
    for args in (("show", "nope"), ("enable", "nope"), ("delete", "tasks", "nope"),
                 ("show-topic-handler", "cpu", "nope"), ("show-topic", "nope")):
        result = tickpy(home, *args)
        assert result.returncode == 1, args
        assert len(result.stderr.strip().splitlines()) == 1 and "nope" in result.stderr


def test_pasted_handler_file_is_accepted_with_a_warning_and_shown(home):
    (home / "pushover_cpu_handler.yaml").write_text(PASTED_HANDLER)
    result = tickpy(home, "define-topic-handler", "pushover_cpu_handler.yaml")
    assert result.returncode == 0
    assert "warning:" in result.stderr and "options:\n  title: Alert from Kapacitor" in result.stderr
    shown = tickpy(home, "show-topic-handler", "cpu", "pushover-cpu-alert").stdout.splitlines()
    assert shown[:4] == ["ID: pushover-cpu-alert", "Topic: cpu", "Kind: pushover", "Match: "]
    assert json.loads(shown[4].removeprefix("Options: ")) == {"title": "Alert from Kapacitor", "sound": "siren"}
    listing = tickpy(home, "list", "topic-handlers").stdout.splitlines()
    assert listing[1].split() == ["cpu", "pushover-cpu-alert", "pushover"]


def test_handler_file_mistakes_are_reported_with_their_line(home):
    (home / "h.yaml").write_text("id: x\ntopic: cpu\nkind: pushover\noptions:\n  titel: oops\n")
    result = tickpy(home, "define-topic-handler", "h.yaml")
    assert result.returncode == 1 and 'unknown option "titel"' in result.stderr
    (home / "h.yaml").write_text("id: x\ntopic: cpu\nkind: carrier-pigeon\n")
    result = tickpy(home, "define-topic-handler", "h.yaml")
    assert result.returncode == 1 and "h.yaml:3:1:" in result.stderr


def test_secret_options_are_masked_in_show_topic_handler(home):
    (home / "h.yaml").write_text("id: x\ntopic: cpu\nkind: post\noptions:\n  url: https://hooks.example.com/secret-token\n")
    assert tickpy(home, "define-topic-handler", "h.yaml").returncode == 0
    shown = tickpy(home, "show-topic-handler", "cpu", "x").stdout
    assert "secret-token" not in shown and "<redacted>" in shown


def test_delete_removes_tasks_and_handlers(home):
    tickpy(home, "define", "cpu_alert", "-tick", "cpu_alert.tick")
    (home / "h.yaml").write_text("id: x\ntopic: cpu\nkind: log\noptions:\n  path: /tmp/x.log\n")
    tickpy(home, "define-topic-handler", "h.yaml")
    assert tickpy(home, "delete", "tasks", "cpu_alert").returncode == 0
    assert tickpy(home, "delete", "topic-handlers", "cpu", "x").returncode == 0
    assert tickpy(home, "list", "tasks").stdout.splitlines()[1:] == []
    assert tickpy(home, "list", "topic-handlers").stdout.splitlines()[1:] == []
