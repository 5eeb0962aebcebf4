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
import re

import yaml

from tickpy.lang.errors import WARNING, TickError
from tickpy.store import StoredHandler

KINDS = ("pushover", "discord", "log", "post", "tcp", "exec", "publish", "aggregate")
KEYS = ("id", "topic", "kind", "match", "options")

# Options of the kinds whose handlers are not checked by their own factory.
_ROUTING_OPTIONS = {"publish": ("topics",), "aggregate": ("interval", "topic", "message")}
_REQUIRED = {"publish": ("topics",), "aggregate": ("interval", "topic")}


def read_handler_file(path: str) -> tuple[StoredHandler, list[TickError]]:
    with open(path, encoding="utf-8") as source:
        text = source.read()
    return parse_handler_text(text, path)


def parse_handler_text(text: str, path: str = "<handler>") -> tuple[StoredHandler, list[TickError]]:
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
                    "is:\n" + repaired.rstrip(), 1, 1, path, WARNING))
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
    kind = document["kind"]
    if kind not in KINDS:
        raise TickError(f'unknown kind "{kind}" (tickpy handles: {", ".join(KINDS)})', _line_of(text, "kind"), 1, path)
    options = document.get("options") or {}
    if not isinstance(options, dict):
        raise TickError("options must be a mapping", _line_of(text, "options"), 1, path)
    match = document.get("match") or ""
    handler = StoredHandler(document["topic"], document["id"], kind, str(match), options)
    validate_handler(handler, path, text)
    return handler, warnings


def validate_handler(handler: StoredHandler, path: str = "<handler>", text: str = "") -> None:
    """Build the handler once (no network) so a bad option or match is reported at define time."""
    from tickpy.alert.match import Match

    Match(handler.match)
    if handler.kind in _ROUTING_OPTIONS:
        known = _ROUTING_OPTIONS[handler.kind]
        for name in handler.options:
            if name not in known:
                raise TickError(f'{handler.kind} handler: unknown option "{name}" (known: {", ".join(known)})',
                                _line_of(text, name), 1, path)
        for name in _REQUIRED[handler.kind]:
            if not handler.options.get(name):
                raise TickError(f"{handler.kind} handler: option {name} is required", 1, 1, path)
        if handler.kind == "aggregate":
            from tickpy.alert.topics import parse_interval

            try:
                parse_interval(handler.options["interval"])
            except ValueError as error:
                raise TickError(str(error), _line_of(text, "interval"), 1, path) from None
        return
    from tickpy.config import ConfigError
    from tickpy.handlers.base import make_handler
    from tickpy.services import Services

    try:
        make_handler(handler.kind, dict(handler.options), Services(dry_run=True))
    except ConfigError:
        pass  # whether the service is enabled in kapacitor.conf is checked when a run uses it
    except TickError as error:
        raise TickError(error.message, error.line or 1, error.column or 1, path) from None
    except ValueError as error:
        raise TickError(str(error), 1, 1, path) from None


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
    lines = text.splitlines()
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
        raise TickError(f"not valid YAML or JSON: {problem}", line, column, path) from None
    raise TickError("not valid YAML or JSON", 1, 1, path)


def _line_of(text: str, key: str) -> int:
    for number, line in enumerate(text.splitlines(), start=1):
        if re.match(rf'^\s*"?{re.escape(key)}"?\s*:', line):
            return number
    return 1
