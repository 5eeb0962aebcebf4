"""Template vars for `define -vars FILE`: Kapacitor's JSON (or YAML) `{"name": {"type": T, "value": V}}`
turned into the values a script's `var name T` declarations take."""

from __future__ import annotations

import json
import math
import re

from tickpy.data.values import Duration
from tickpy.lang.errors import TickError, position_of

_DURATION = re.compile(r"(\d+)(ns|us|u|µs|ms|s|m|h|d|w)")
_UNIT_NS = {"ns": 1, "us": 1_000, "u": 1_000, "µs": 1_000, "ms": 1_000_000, "s": 10**9, "m": 60 * 10**9,
            "h": 3600 * 10**9, "d": 86400 * 10**9, "w": 7 * 86400 * 10**9}


def read_vars_file(path: str) -> dict:
    text = read_text_file(path)
    try:
        document = json.loads(text, parse_constant=_refuse_constant)
    except _NotJsonNumber as constant:
        line, column = _position_of_constant(text)
        if str(constant).startswith("-"):  # Go reads "-" as a number's start, then stops at 'I'
            reason, column = "invalid character 'I' in numeric literal", column + 1
        else:
            reason = f"invalid character '{str(constant)[0]}' looking for beginning of value"
        raise TickError(f"invalid JSON in vars file: {reason}", line, column, path) from None
    except json.JSONDecodeError as json_error:
        import yaml

        try:
            document = yaml.safe_load(text)
        except yaml.YAMLError as error:
            if text.lstrip().startswith("{"):
                raise TickError(f"invalid JSON in vars file: {json_error.msg}", json_error.lineno,
                                json_error.colno, path) from None
            mark = getattr(error, "problem_mark", None)
            problem = getattr(error, "problem", None) or "not JSON or YAML"
            raise TickError(f"invalid vars file: {problem}", mark.line + 1 if mark else 0,
                            mark.column + 1 if mark else 0, path) from None
    if isinstance(document, dict) and isinstance(document.get("vars"), dict):
        document = document["vars"]
    if not isinstance(document, dict):
        raise TickError(f'{path}: expected an object of vars, {{"name": {{"type": ..., "value": ...}}}}')
    return document


class _NotJsonNumber(ValueError):
    """NaN or Infinity: Python's JSON reader takes them, Go's (Kapacitor's) refuses them."""


def _refuse_constant(name: str):
    raise _NotJsonNumber(name)


# A JSON string (skipped) or one of the constants Python reads and Go does not.
_STRING_OR_CONSTANT = re.compile(r'"(?:[^"\\]|\\.)*"|(-?Infinity|NaN)')


def _position_of_constant(text: str) -> tuple[int, int]:
    """Line and column of the first NaN or Infinity outside a string."""
    for found in _STRING_OR_CONSTANT.finditer(text):
        if found.group(1):
            return position_of(text, found.start(1))
    return 0, 0


def read_text_file(path: str) -> str:
    """A file's text; TickError (one line) when it is not UTF-8 text."""
    with open(path, encoding="utf-8") as source:
        try:
            return source.read()
        except UnicodeDecodeError as error:
            raise TickError(f"not a UTF-8 text file (byte {error.start} cannot be decoded)",
                            source_name=path) from None


def var_values(raw: dict) -> dict:
    """Python values for the engine and the checker, by each var's declared type."""
    values = {}
    for name, spec in raw.items():
        if not isinstance(spec, dict) or "value" not in spec:
            raise TickError(f'var "{name}": expected {{"type": ..., "value": ...}}')
        values[name] = _value(name, spec.get("type", ""), spec["value"])
    return values


def _value(name: str, kind: str, value):
    if kind == "duration":
        if isinstance(value, int):
            return Duration(value)
        total, text = 0, str(value)
        if not text:
            raise TickError(f'var "{name}": invalid duration {value!r}')
        for amount, unit in _DURATION.findall(text):
            total += int(amount) * _UNIT_NS[unit]
        if not _DURATION.fullmatch(text) and "".join(a + u for a, u in _DURATION.findall(text)) != text:
            raise TickError(f'var "{name}": invalid duration {value!r}')
        return Duration(total)
    if kind == "float":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise TickError(f'invalid var "{name}": expected float value, got {value!r}')
        if not math.isfinite(value):  # a YAML .nan or .inf; Kapacitor's JSON has no such number
            raise TickError(f'invalid var "{name}": expected a finite float value, got {value!r}')
        return float(value)
    if kind == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            raise TickError(f'invalid var "{name}": expected int value, got {value!r}')
        return value
    if kind == "bool":
        if not isinstance(value, bool):
            raise TickError(f'invalid var "{name}": expected true or false, got {value!r}')
        return value
    if kind in ("lambda", "regex"):
        from tickpy.lang.parser import parse

        source = f"var {name} = lambda: {value}" if kind == "lambda" else f"var {name} = /{value}/"
        return parse(source, f"var {name}").statements[0].value
    if kind == "star":
        return "*"
    if kind in ("string", ""):
        return value
    if kind == "list":
        if not isinstance(value, list):
            raise TickError(f'invalid var "{name}": expected list of vars, got {value!r}')
        return [item.get("value") if isinstance(item, dict) else item for item in value]
    raise TickError(f'var "{name}": unknown type {kind!r}')
