"""Topic handler files (`tickpy define-topic-handler FILE`), YAML or JSON, as Kapacitor reads them:

    id: pushover-cpu-alert
    topic: cpu
    kind: pushover
    match: level() >= WARNING      # optional
    options:
      title: Alert from Kapacitor
      sound: siren

The documentation pages, as rendered, lose the `options:` line and show the options indented
under `kind:`; that is not valid YAML. Such a file is read too, with a warning that shows the
standard layout, so the examples work when pasted.
"""

from __future__ import annotations

import json
import math
import re

import yaml

from tickpy.lang.errors import WARNING, TickError
from tickpy.store import StoredHandler

KINDS = ("pushover", "discord", "log", "post", "tcp", "exec", "publish", "aggregate")
KEYS = ("id", "topic", "kind", "match", "options")

# services/alert/dao.go: what a handler id and a topic name may contain.
_VALID_ID = re.compile(r"^[-._\w]+$")
_VALID_TOPIC = re.compile(r"^[-:._\w]+$")


def read_handler_file(path: str) -> tuple[StoredHandler, list[TickError]]:
    from tickpy.taskvars import read_text_file

    return parse_handler_text(read_text_file(path), path)


def lint_handler_text(text: str, source_name: str = "<handler>") -> list[TickError]:
    """Every problem `define-topic-handler` would report for this text (warnings, then the first
    error), for `tickpy lint`; never raises."""
    try:
        _, warnings = parse_handler_text(text, source_name)
    except TickError as error:
        return [error]
    return warnings


def parse_handler_text(text: str, path: str = "<handler>") -> tuple[StoredHandler, list[TickError]]:
    """The handler a file describes, and warnings; TickError (with the line) when it is wrong."""
    warnings: list[TickError] = []
    document = _load(text, path)
    if document is None:
        repaired = _repair_pasted_layout(text)
        if repaired is not None:
            document = _load(repaired, path)
            if document is not None:
                warnings.append(TickError(
                    "the options are indented under kind: without an options: line (as the "
                    "documentation pages show them); read them as options. The standard layout "
                    "is:\n" + standard_layout(document), _line_of(text, "kind"), 1, path, WARNING))
    if document is None:
        _raise_parse_error(text, path)
    if not isinstance(document, dict):
        raise TickError("a handler file holds a mapping with id, topic, kind and options", 1, 1, path)
    unknown = [key for key in document if key not in KEYS]
    if unknown:
        raise TickError(f'unknown key "{unknown[0]}" (known: {", ".join(KEYS)})', _line_of(text, unknown[0]), 1, path)
    for key in ("id", "topic", "kind"):
        if not isinstance(document.get(key), str) or not document[key]:
            raise TickError(f"{key} is required and must be a string", _line_of(text, key), 1, path)
    if not _VALID_TOPIC.match(document["topic"]):
        raise TickError(f"handler topic must contain only letters, numbers, '-', ':', '.' and '_'. "
                        f"{document['topic']!r}", _line_of(text, "topic"), 1, path)
    if not _VALID_ID.match(document["id"]):
        raise TickError(f"handler ID must contain only letters, numbers, '-', '.' and '_'. "
                        f"{document['id']!r}", _line_of(text, "id"), 1, path)
    kind = document["kind"]
    if kind not in KINDS:
        raise TickError(f'unsupported handler kind "{kind}" (tickpy handles: {", ".join(KINDS)})',
                        _line_of(text, "kind"), 1, path)
    options = document.get("options")
    if options is None:
        options = {}
    if not isinstance(options, dict):
        raise TickError("options must be a mapping of option names to values", _line_of(text, "options"), 1, path)
    match = document.get("match")
    if match is None:
        match = ""
    if not isinstance(match, str):
        raise TickError("match must be a string holding an expression such as: level() >= WARNING",
                        _line_of(text, "match"), 1, path)
    handler = StoredHandler(document["topic"], document["id"], kind, match, options)
    validate_handler(handler, path, text)
    return handler, warnings


def validate_handler(handler: StoredHandler, path: str = "<handler>", text: str = "") -> None:
    """Check the match expression and the options the way the handler's kind reads them, so a
    mistake is reported when the handler is defined, not when the first alert comes.

    Whether the service is enabled in kapacitor.conf is left to the run that uses it (the
    configuration may differ between the two)."""
    from tickpy.alert.match import Match

    bad_number = _first_non_finite(handler.options)
    if bad_number is not None:  # `.nan` or `.inf` in YAML: Kapacitor's client cannot send it as JSON
        shown = "NaN" if bad_number != bad_number else ("+Inf" if bad_number > 0 else "-Inf")
        raise TickError(f"options: json: unsupported value: {shown}", _line_of(text, "options") or 1, 1, path)
    try:
        Match(handler.match)
    except TickError as error:
        raise TickError(error.message, _line_of(text, "match"), 1, path) from None
    try:
        _check_options(handler.kind, dict(handler.options))
    except TickError as error:
        line = _line_of_option(text, error.message, handler.options)
        raise TickError(error.message, line, _indent_of(text, line) + 1, path) from None


def _first_non_finite(value) -> float | None:
    """The first NaN or infinity among the options (Go's encoding/json refuses them)."""
    if isinstance(value, float) and not math.isfinite(value):
        return value
    items = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
    for item in items:
        found = _first_non_finite(item)
        if found is not None:
            return found
    return None


def _check_options(kind: str, options: dict) -> None:
    from tickpy.handlers import options as common

    if kind == "aggregate":
        from tickpy.handlers.aggregate import check_aggregate_options

        check_aggregate_options(options)
    elif kind == "publish":
        from tickpy.handlers.topic import check_publish_options

        check_publish_options(options)
    elif kind == "tcp":
        from tickpy.handlers.tcp import check_tcp_options

        check_tcp_options(options)
    elif kind == "exec":
        from tickpy.handlers.exec import check_exec_options

        check_exec_options(options)
    elif kind == "log":
        from tickpy.handlers.log import make_log_handler

        make_log_handler(options, None)
    elif kind == "pushover":
        from tickpy.handlers.pushover import OPTIONS

        checked = common.check_options(kind, options, OPTIONS)
        common.string_options(kind, checked, OPTIONS)
    elif kind == "discord":
        from tickpy.handlers.discord import OPTIONS, STRING_OPTIONS

        checked = common.check_options(kind, options, OPTIONS)
        common.string_options(kind, checked, STRING_OPTIONS)
        common.bool_option(kind, checked, "timestamp")
    elif kind == "post":
        from tickpy.config import ConfigError
        from tickpy.handlers.base import make_handler
        from tickpy.services import Services

        try:
            make_handler(kind, options, Services(dry_run=True))
        except ConfigError:
            pass  # an endpoint named in the options is looked up in the run's kapacitor.conf


def _line_of_option(text: str, message: str, options: dict) -> int:
    """The line of the option a message is about (the first option it names), else of `options:`."""
    quoted = [name for name in options if f'"{name}"' in message]
    named = [name for name in options if re.search(rf'(?<![\w-]){re.escape(str(name))}(?![\w-])', message)]
    for name in quoted + named:
        line = _line_of(text, str(name), indented=True)
        if line:
            return line
    return _line_of(text, "options") or 1


# Option names whose whole value is a credential.
SECRET_OPTIONS = {"user-key", "token", "password", "api-key", "routing-key", "service-key", "secret"}
# Kinds whose `url` option is itself the credential (Pushover's `url` is a link shown to the user).
SECRET_URL_KINDS = {"post", "discord", "slack", "teams", "alerta"}
SECRET_HEADERS = {"authorization", "proxy-authorization", "x-api-key", "api-key", "x-auth-token", "cookie"}


def masked_options(kind: str, options: dict) -> dict:
    """The options with their secrets masked, for anything tickpy prints: a user key or token
    reads `***`, a credential-bearing URL keeps only its scheme and host, and authenticating
    header values are masked."""
    from tickpy.handlers.redact import MASK, redact_url

    shown = {}
    for name, value in options.items():
        if name in SECRET_OPTIONS and value:
            value = MASK
        elif name == "url" and kind in SECRET_URL_KINDS and isinstance(value, str) and value:
            value = redact_url(value)
        elif name == "headers" and isinstance(value, dict):
            value = {header: (MASK if str(header).lower() in SECRET_HEADERS else header_value)
                     for header, header_value in value.items()}
        shown[name] = value
    return shown


def standard_layout(document: dict) -> str:
    """The handler as a YAML file in Kapacitor's documented layout, secrets masked."""
    layout = {key: document[key] for key in ("id", "topic", "kind", "match") if key in document}
    options = document.get("options")
    if isinstance(options, dict) and options:
        layout["options"] = masked_options(str(document.get("kind", "")), options)
    return yaml.safe_dump(layout, sort_keys=False, default_flow_style=False, allow_unicode=True).rstrip()


def _load(text: str, path: str):
    """The document, or None when the text is neither JSON nor YAML."""
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        pass
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError:
        return None


def _repair_pasted_layout(text: str) -> str | None:
    """`kind: x` followed by indented lines → the same with an `options:` line in between."""
    lines = [re.sub(r"^\t+", lambda tabs: "  " * len(tabs.group()), line) for line in text.splitlines()]
    for index, line in enumerate(lines):
        if re.match(r"^kind:\s*\S", line) and index + 1 < len(lines) and re.match(r"^\s+\S", lines[index + 1]):
            return "\n".join(lines[: index + 1] + ["options:"] + lines[index + 1:]) + "\n"
    return None


def _raise_parse_error(text: str, path: str):
    try:
        yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = getattr(error, "problem", None) or str(error)
        lines = text.splitlines()
        source_line = lines[line - 1] if 0 < line <= len(lines) else ""
        if re.match(r'^match:\s*"', source_line):
            expression = source_line.split(":", 1)[1].strip()
            quoted = "'" + expression.replace("'", "''") + "'"
            problem += (f"; YAML reads the leading \"...\" as the whole value: quote the expression, "
                        f"match: {quoted}")
        raise TickError(f"not valid YAML or JSON: {problem}", line, column, path) from None
    raise TickError("not valid YAML or JSON", 1, 1, path)


def _indent_of(text: str, line: int) -> int:
    """How far line `line` is indented: where its option name starts, less one."""
    lines = text.splitlines()
    written = lines[line - 1] if 0 < line <= len(lines) else ""
    return len(written) - len(written.lstrip(" \t{,\"'"))


def _line_of(text: str, key: str, indented: bool = False) -> int:
    """The line where `key:` is written (top-level keys first), 1 when not found (0 for options)."""
    pattern = rf'^\s+"?{re.escape(key)}"?\s*:' if indented else rf'^"?{re.escape(key)}"?\s*:'
    for number, line in enumerate(text.splitlines(), start=1):
        if re.match(pattern, line.lstrip("{, ") if not indented else line):
            return number
    if not indented:
        for number, line in enumerate(text.splitlines(), start=1):
            if re.match(rf'^\s*"?{re.escape(key)}"?\s*:', line):
                return number
        return 1
    return 0
