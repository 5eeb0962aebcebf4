"""`tickpy test`: unit tests for alert rules, in the spirit of `promtool test rules`.

A test file (YAML) names the scripts under test and gives cases: input points and the alerts
expected from them. Nothing is sent: handlers run in dry-run mode and their notifications are
captured, so a case can also say which notifications should go out.

    scripts:
      - cpu_alert.tick                 # relative to the test file; or {name: x, tick: "stream|..."}
    config: kapacitor.conf             # optional
    handlers: [pushover_handler.yaml]  # optional topic handler files
    tests:
      - name: web02 runs hot, then recovers
        start: 2023-11-14T22:13:20Z    # optional; relative times count from here (default: epoch)
        points: |
          cpu,host=web02 usage_idle=45 +0s
          cpu,host=web02 usage_idle=5 +10s
          cpu,host=web02 usage_idle=60 +20s
        alerts:
          - {time: +10s, id: "cpu:host=web02", level: CRITICAL}
          - {time: +20s, level: OK, message: "cpu:host=web02 is OK"}
        notifications:                 # optional
          - {handler: pushover, contains: "priority=1"}

An expected alert compares only the keys it gives (time, id, level, message, details, duration,
previousLevel, task). A case passes when the alerts (and notifications, if given) match in
number and in order.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import yaml

from tickpy.alert.event import AlertEvent, format_time
from tickpy.lang.errors import ERROR, TickError

_RELATIVE = re.compile(r"^\+(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h|d|w)$")
_UNIT_NS = {"ns": 1, "us": 1_000, "µs": 1_000, "ms": 10**6, "s": 10**9, "m": 60 * 10**9,
            "h": 3600 * 10**9, "d": 86400 * 10**9, "w": 7 * 86400 * 10**9}
ALERT_KEYS = ("time", "id", "level", "message", "details", "duration", "previousLevel", "task")


@dataclass
class CaseResult:
    name: str
    passed: bool
    problems: list[str] = field(default_factory=list)


@dataclass
class FileResult:
    path: str
    cases: list[CaseResult]
    error: str = ""

    @property
    def passed(self) -> bool:
        return not self.error and all(case.passed for case in self.cases)


def run_test_file(path: str) -> FileResult:
    try:
        suite = _load_suite(Path(path))
    except TickError as error:
        return FileResult(path, [], error.render())
    return FileResult(path, [_run_case(suite, number, case) for number, case in enumerate(suite.cases, 1)])


# ---------------------------------------------------------------------------------------------
# Reading a test file


@dataclass
class _Suite:
    path: Path
    scripts: list[tuple[str, str, str]]  # (task name, source name, text)
    config_path: str | None
    handler_paths: list[str]
    cases: list[dict]


def _read_text(path: Path, what: str, test_path: str) -> str:
    """A file the suite names, as UTF-8 text; TickError naming it when it cannot be read."""
    try:
        return path.read_text(encoding="utf-8")
    except OSError as error:
        raise TickError(f"{what}: {error.strerror or error}", source_name=test_path) from None
    except UnicodeDecodeError as error:
        raise TickError(f"{what}: not a UTF-8 text file (byte {error.start} cannot be decoded)",
                        source_name=test_path) from None


def _load_suite(path: Path) -> _Suite:
    try:
        document = yaml.safe_load(_read_text(path, "cannot read", str(path)))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise TickError(f"not valid YAML: {getattr(error, 'problem', error)}",
                        mark.line + 1 if mark else 0, mark.column + 1 if mark else 0, str(path)) from None
    if not isinstance(document, dict) or not isinstance(document.get("tests"), list):
        raise TickError("a test file needs `scripts:` and a list of `tests:`", source_name=str(path))
    folder = path.parent
    script_entries = document.get("scripts") or []
    if not isinstance(script_entries, list):
        raise TickError("`scripts:` is a list of paths or {name: ..., tick: ...}", source_name=str(path))
    scripts = [_script(folder, entry, str(path)) for entry in script_entries]
    if not scripts:
        raise TickError("no scripts under test: list them under `scripts:`", source_name=str(path))
    config = document.get("config")
    if config is not None and not isinstance(config, str):
        raise TickError("`config:` is the path of a kapacitor.conf", source_name=str(path))
    handlers = document.get("handlers") or []
    if not isinstance(handlers, list) or not all(isinstance(h, str) for h in handlers):
        raise TickError("`handlers:` is a list of topic handler file paths", source_name=str(path))
    return _Suite(path, scripts, str(folder / config) if config else None,
                  [str(folder / h) for h in handlers], document["tests"])


def _script(folder: Path, entry, test_path: str) -> tuple[str, str, str]:
    if isinstance(entry, str):
        script_path = folder / entry
        return script_path.stem, str(script_path), _read_text(script_path, f"script {entry}", test_path)
    if isinstance(entry, dict) and "tick" in entry:
        name = str(entry.get("name", "inline"))
        return name, f"{test_path} ({name})", str(entry["tick"])
    raise TickError("each script is a path or {name: ..., tick: ...}", source_name=test_path)


# ---------------------------------------------------------------------------------------------
# Running one case


def _run_case(suite: _Suite, number: int, case: dict) -> CaseResult:
    if not isinstance(case, dict):
        return CaseResult(f"case {number}", False, ["each test is a mapping with name, points and alerts"])
    name = str(case.get("name") or f"case {number}")
    try:
        start = _start_time(case.get("start"))
        lines = _points(suite, case, start)
        events, notifications = _replay(suite, lines)
        problems = _compare_alerts(_mappings(case, "alerts"), events, start)
        if "notifications" in case:
            problems += _compare_notifications(_mappings(case, "notifications"), notifications)
    except TickError as error:
        if error.source_name == "<script>":  # a mistake in the case itself: name the test file
            error.source_name = str(suite.path)
        return CaseResult(name, False, [error.render()])
    return CaseResult(name, not problems, problems)


def _mappings(case: dict, key: str) -> list[dict]:
    """`alerts:` or `notifications:`: a list of mappings, or a TickError saying so."""
    items = case.get(key) or []
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise TickError(f"`{key}:` is a list of mappings, such as - {{time: +10s, level: CRITICAL}}")
    return items


def _replay(suite: _Suite, lines: list[str]) -> tuple[list[AlertEvent], list[str]]:
    from tickpy.alert.topics import TopicRegistry
    from tickpy.config import load_config
    from tickpy.handlerfile import read_handler_file
    from tickpy.lang.check import check
    from tickpy.lang.parser import parse
    from tickpy.pipeline.build import build_task
    from tickpy.replay import replay_lines
    from tickpy.services import Services
    from tickpy.store import StoredHandler

    captured = _Capture()
    services = Services(config=load_config(suite.config_path, environ={}), dry_run=True, out=captured)
    handlers: list[StoredHandler] = []
    for path in suite.handler_paths:
        try:
            handlers.append(read_handler_file(path)[0])
        except OSError as error:
            raise TickError(f"handler file {path}: {error.strerror or error}", source_name=str(suite.path)) from None
    services.topics = TopicRegistry(services, _HandlersOnly(handlers))
    events: list[AlertEvent] = []
    services.event_listeners.append(events.append)
    tasks = []
    for task_name, source_name, text in suite.scripts:
        program = parse(text, source_name)
        errors = [p for p in check(program, source_name) if p.severity == ERROR]
        if errors:
            raise errors[0]
        tasks.append(build_task(program, task_name, services, source_name))
    replay_lines(lines, str(suite.path), tasks, services)
    if services.report.skipped:
        raise TickError("bad input point: " + services.report.skipped[0], source_name=str(suite.path))
    return events, captured.notifications


class _Capture(io.StringIO):
    """Collects each dry-run notification (one write each) instead of printing it."""

    def __init__(self):
        super().__init__()
        self.notifications: list[str] = []

    def write(self, text: str) -> int:
        self.notifications.append(text)
        return len(text)


class _HandlersOnly:
    """The part of the store the topic registry reads: the suite's handlers, nothing persisted."""

    def __init__(self, handlers):
        self._handlers = handlers

    def handlers(self):
        return self._handlers

    def save_event(self, topic, event):
        pass


def _start_time(value) -> int:
    if value is None:
        return 0
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=timezone.utc)
        return int(moment.timestamp()) * 10**9 + moment.microsecond * 1000
    return _absolute(str(value))


def _absolute(text: str) -> int:
    """RFC3339 (`2023-11-14T22:13:20Z`, fractions allowed) or integer nanoseconds."""
    if text.isdigit():
        return _in_range(int(text), text)
    main, _, fraction = text.rstrip("Z").partition(".")
    try:
        moment = datetime.fromisoformat(main).replace(tzinfo=timezone.utc)
    except ValueError:
        raise TickError(f"invalid time {text!r}: use +30s (relative) or RFC3339") from None
    if fraction and not fraction.isdigit():
        raise TickError(f"invalid time {text!r}: use +30s (relative) or RFC3339")
    return _in_range(int(moment.timestamp()) * 10**9 + int((fraction or "0").ljust(9, "0")[:9]), text)


def _time(text, start: int) -> int:
    text = str(text)
    relative = _RELATIVE.match(text)
    if relative:
        amount, unit = relative.groups()
        return _in_range(start + int(float(amount) * _UNIT_NS[unit]), text)
    return _absolute(text)


def _in_range(ns: int, text: str) -> int:
    """Times are int64 nanoseconds since 1970, as in line protocol and Go's UnixNano."""
    if not -(2**63) <= ns < 2**63:
        raise TickError(f"time {text!r} is out of range (int64 nanoseconds: 1677-09-21 to 2262-04-11)")
    return ns


def _points(suite: _Suite, case: dict, start: int) -> list[str]:
    """Line protocol with each line's time (last field) made absolute nanoseconds."""
    if "points_file" in case:
        points_file = case["points_file"]
        if not isinstance(points_file, str):
            raise TickError("`points_file:` is the path of a line protocol file")
        text = _read_text(suite.path.parent / points_file, f"points_file {points_file}", str(suite.path))
    else:
        text = str(case.get("points") or "")
    lines = []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            lines.append(line)
            continue
        body, _, stamp = stripped.rpartition(" ")
        if stamp.startswith("+") or "T" in stamp:
            lines.append(f"{body} {_time(stamp, start)}")
        else:
            lines.append(stripped)
    return lines


# ---------------------------------------------------------------------------------------------
# Comparing


def _event_view(event: AlertEvent, wanted: dict, start: int) -> dict:
    view = {"time": format_time(event.time), "id": event.id, "level": event.level.name,
            "message": event.message, "details": event.details, "duration": _duration_text(event.duration),
            "previousLevel": event.previous_level.name, "task": event.task_name}
    return {key: view[key] for key in ALERT_KEYS if key in wanted}


def _expected_view(expected: dict, start: int) -> dict:
    unknown = set(expected) - set(ALERT_KEYS)
    if unknown:
        raise TickError(f'unknown key "{sorted(unknown)[0]}" in an expected alert (known: {", ".join(ALERT_KEYS)})')
    view = {}
    for key in ALERT_KEYS:
        if key not in expected:
            continue
        value = expected[key]
        if key == "time":
            value = format_time(_time(value, start))
        elif key == "duration":
            value = _duration_text(_time("+" + str(value).lstrip("+"), 0)) if not isinstance(value, int) else _duration_text(value)
        view[key] = str(value)
    return view


def _duration_text(ns: int) -> str:
    return f"{ns / 1e9:g}s"


def _compare_alerts(expected: list[dict], events: list[AlertEvent], start: int) -> list[str]:
    wanted = [_expected_view(item, start) for item in expected]
    problems = []
    for index in range(max(len(wanted), len(events))):
        want = wanted[index] if index < len(wanted) else None
        got = _event_view(events[index], want or {k: 1 for k in ("time", "id", "level", "message")}, start) \
            if index < len(events) else None
        if want != got:
            problems.append(f"alert {index + 1}:\n    expected: {_show(want)}\n    got:      {_show(got)}")
    return problems


def _compare_notifications(expected: list[dict], notifications: list[str]) -> list[str]:
    problems = []
    for index in range(max(len(expected), len(notifications))):
        want = expected[index] if index < len(expected) else None
        got = notifications[index].strip() if index < len(notifications) else None
        ok = (want is not None and got is not None and got.startswith(str(want.get("handler", "")))
              and str(want.get("contains", "")) in got)
        if not ok:
            problems.append(f"notification {index + 1}:\n    expected: {_show(want)}\n    got:      {got or 'nothing'}")
    return problems


def _show(value) -> str:
    if value is None:
        return "nothing"
    return ", ".join(f"{key}={item!r}" for key, item in value.items())
