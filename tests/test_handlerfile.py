"""Topic handler files: the layouts of Kapacitor's docs (and of the seed pages as pasted), the
options each kind accepts, match expressions, and mistakes reported with their line."""

from __future__ import annotations

import pytest

from seed_pages import AGGREGATE_HANDLER, DISCORD_DAILY_HANDLER
from tickpy.handlerfile import parse_handler_text
from tickpy.lang.errors import WARNING, TickError

# The seed pages as rendered: the `options:` line is lost and the options sit under `kind:`.
PUSHOVER_PAGE_EXAMPLE = """id: handler-id
topic: topic-name
kind: pushover
  device: device1, device2, device3
  title: Alert from Kapacitor
  url-title: This is an example title
  sound: siren
"""

DISCORD_PAGE_EXAMPLE = """id: handler-id
topic: topic-name
kind: discord
  workspace: 'guild-channel'
  username: 'Kapacitor'
  avatar-url: ''
  timestamp: true
  embed-title: 'Kapacitor Alert'
"""


def parse(text: str, path: str = "h.yaml"):
    return parse_handler_text(text, path)


def test_the_standard_layout():
    handler, warnings = parse("id: pushover-cpu-alert\ntopic: cpu\nkind: pushover\nmatch: level() >= WARNING\n"
                              "options:\n  title: Alert from Kapacitor\n  sound: siren\n")
    assert warnings == []
    assert (handler.id, handler.topic, handler.kind, handler.match) == (
        "pushover-cpu-alert", "cpu", "pushover", "level() >= WARNING")
    assert handler.options == {"title": "Alert from Kapacitor", "sound": "siren"}


def test_json_handler_files():
    handler, _ = parse('{"id": "x", "topic": "cpu", "kind": "tcp", "options": {"address": "127.0.0.1:9000"}}',
                       "h.json")
    assert (handler.kind, handler.options) == ("tcp", {"address": "127.0.0.1:9000"})


@pytest.mark.parametrize("text, options", [
    (PUSHOVER_PAGE_EXAMPLE, {"device": "device1, device2, device3", "title": "Alert from Kapacitor",
                             "url-title": "This is an example title", "sound": "siren"}),
    (DISCORD_PAGE_EXAMPLE, {"workspace": "guild-channel", "username": "Kapacitor", "avatar-url": "",
                            "timestamp": True, "embed-title": "Kapacitor Alert"}),
    (AGGREGATE_HANDLER, {"interval": "24h", "topic": "500-errors-24h",
                         "message": "{{ .Count }} 500 errors last 24 hours."}),
    (DISCORD_DAILY_HANDLER, {"workspace": "guild-errors"}),
])
def test_the_seed_pages_examples_as_pasted_are_read_with_a_warning(text, options):
    handler, warnings = parse(text)
    assert handler.options == options
    [warning] = warnings
    assert warning.severity == WARNING and warning.line == 3
    assert "\nkind: " in warning.message and "\noptions:\n  " in warning.message


@pytest.mark.parametrize("text, message, line", [
    ("id: x\ntopic: cpu\nkind: pushover\noptions:\n  sound: siren\n  titel: oops\n",
     'pushover handler: unknown option "titel"', 6),
    ("id: x\ntopic: cpu\nkind: discord\noptions:\n  timestamp: maybe\n", 'option "timestamp" must be true or false', 5),
    ("id: x\ntopic: cpu\nkind: carrier-pigeon\n", 'unsupported handler kind "carrier-pigeon"', 3),
    ("id: x\ntopic: cpu\nkind: pushover\nmatch: level() >=\n", "invalid match expression", 4),
    ("id: x\ntopic: cpu\nkind: pushover\nmatch: colour() == 'red'\n", "function colour() is not available", 4),
    ("id: x\ntopic: cpu\nkind: pushover\nmatch: LEVEL == 1\n", 'unknown identifier "LEVEL"', 4),
    ("id: x y\ntopic: cpu\nkind: log\n", "handler ID must contain only letters", 1),
    ("id: x\ntopic: cpu/all\nkind: log\n", "handler topic must contain only letters", 2),
    ("topic: cpu\nkind: log\n", "id is required", 1),
    ("id: x\ntopic: cpu\nkind: log\noptoins:\n  path: /tmp/a\n", 'unknown key "optoins"', 4),
    ("id: x\ntopic: cpu\nkind: log\noptions:\n  path: relative.log\n", "must be absolute", 5),
    ("id: x\ntopic: cpu\nkind: tcp\noptions:\n  address: nowhere\n", "address must be host:port", 5),
    ("id: x\ntopic: cpu\nkind: exec\noptions:\n  args: [a]\n", "option prog is required", 4),
    ("id: x\ntopic: cpu\nkind: publish\noptions:\n  topics: []\n", "topics must be a list of topic names", 5),
    ("id: x\ntopic: cpu\nkind: aggregate\noptions:\n  topic: y\n", "option interval is required", 4),
    ("id: x\ntopic: cpu\nkind: aggregate\noptions:\n  interval: 1d\n  topic: y\n", "invalid interval '1d'", 5),
    ("id: x\ntopic: cpu\nkind: aggregate\noptions:\n  interval: 10m\n", "option topic is required", 4),
    ("id: x\ntopic: cpu\nkind: aggregate\noptions:\n  interval: 10m\n  topic: y\n  message: '{{ .Cuont }}'\n",
     "invalid message template", 7),
    ("id: x\ntopic: cpu\nkind: pushover\n  title: [unclosed\n", "not valid YAML or JSON", 4),
])
def test_mistakes_name_the_problem_and_its_line(text, message, line):
    with pytest.raises(TickError) as caught:
        parse(text)
    assert message in caught.value.message
    assert (caught.value.source_name, caught.value.line) == ("h.yaml", line)


def test_aggregate_message_template_is_checked_like_kapacitor():
    # services/alert/handlers.go NewAggregateHandler: the message is parsed as text/template
    # "message", then executed once on an empty aggregateMessageData (Count, Interval); either
    # failure refuses the handler. The texts after "invalid message template: " are Go's.
    head = "id: a\ntopic: cpu\nkind: aggregate\noptions:\n  interval: 1h30m\n  topic: b\n"
    handler, warnings = parse(head + "  message: '{{ .Count }} in {{ .Interval }}'\n")
    assert warnings == []
    assert handler.options == {"interval": "1h30m", "topic": "b", "message": "{{ .Count }} in {{ .Interval }}"}
    for message, go_error in (
            ("{{ .Count", "template: message:1: unclosed action"),
            ("{{ .Cuont }}", 'template: message:1:3: executing "message" at <.Cuont>: '
                             "can't evaluate field Cuont in type alert.aggregateMessageData")):
        with pytest.raises(TickError) as caught:
            parse(head + f"  message: '{message}'\n")
        problem = caught.value
        assert (problem.source_name, problem.line, problem.column) == ("h.yaml", 7, 3)  # the message key
        assert problem.message == f"aggregate handler: invalid message template: {go_error}"


@pytest.mark.parametrize("text, kind, options", [
    ("kind: post\noptions:\n  url: http://127.0.0.1:1/x\n  headers:\n    X-Team: ops\n",
     "post", {"url": "http://127.0.0.1:1/x", "headers": {"X-Team": "ops"}}),
    # Kapacitor's docs write the log handler's mode in octal (YAML 1.1 reads 0644 as 420)
    ("kind: log\noptions:\n  path: /tmp/alerts.log\n  mode: 0644\n", "log", {"path": "/tmp/alerts.log", "mode": 0o644}),
    ("kind: exec\noptions:\n  prog: /bin/cat\n  args: [-u]\n", "exec", {"prog": "/bin/cat", "args": ["-u"]}),
    ("kind: publish\noptions:\n  topics: [a, b]\n", "publish", {"topics": ["a", "b"]}),
    ("kind: pushover\n", "pushover", {}),
])
def test_kinds_checked_by_their_own_handlers_accept_their_options(text, kind, options):
    handler, warnings = parse("id: x\ntopic: cpu\n" + text)
    assert warnings == []
    assert (handler.id, handler.topic, handler.kind, handler.match) == ("x", "cpu", kind, "")
    assert handler.options == options


def test_the_layout_shown_in_the_warning_masks_secrets():
    _, [warning] = parse("id: p\ntopic: cpu\nkind: pushover\n  user-key: my-user-key\n  title: x\n")
    assert "my-user-key" not in warning.message
    assert warning.message.endswith("kind: pushover\noptions:\n  user-key: '***'\n  title: x")


def test_lint_reports_what_define_would():
    from tickpy.handlerfile import lint_handler_text

    assert lint_handler_text("id: x\ntopic: cpu\nkind: pushover\noptions:\n  sound: siren\n") == []
    [warning] = lint_handler_text(PUSHOVER_PAGE_EXAMPLE, "p.yaml")
    assert warning.render().startswith("p.yaml:3:1: warning: the options are indented under kind:")
    [error] = lint_handler_text("id: x\ntopic: cpu\nkind: pushover\noptions:\n  titel: t\n", "p.yaml")
    assert error.render() == ('p.yaml:5:3: error: pushover handler: unknown option "titel" '
                              '(known: device, title, url, url-title, sound, user-key)')


def test_a_match_starting_with_a_tag_reference_gets_a_quoting_hint():
    with pytest.raises(TickError) as caught:
        parse("id: x\ntopic: cpu\nkind: log\nmatch: \"host\" == 'a'\noptions:\n  path: /tmp/x\n")
    assert caught.value.line == 4
    assert caught.value.message.endswith("quote the expression, match: '\"host\" == ''a'''")
    handler, _ = parse("id: x\ntopic: cpu\nkind: log\nmatch: '\"host\" == ''a'''\noptions:\n  path: /tmp/x\n")
    assert handler.match == "\"host\" == 'a'"


def test_pasted_options_indented_with_tabs():
    handler, [_] = parse("id: x\ntopic: cpu\nkind: pushover\n\ttitle: t\n\tsound: siren\n")
    assert handler.options == {"title": "t", "sound": "siren"}
