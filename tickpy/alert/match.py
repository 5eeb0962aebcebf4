"""Topic handler `match` expressions: which events of a topic a handler takes.

Kapacitor (services/alert/handlers.go, matchHandler) parses `match` as a lambda body where
`OK`, `INFO`, `WARNING`, `CRITICAL` are the levels as integers, `"tag"` references read the
event's tags, and five functions describe the event: `level()`, `changed()` (level differs from
the previous event's), `name()` (measurement), `taskName()` and `alertDuration()`. Examples:
`level() >= WARNING`, `changed() AND "host" == 'serverA'`.
"""

from __future__ import annotations

import re

from tickpy.alert.event import AlertEvent, Level
from tickpy.data.values import Duration
from tickpy.lang import ast
from tickpy.lang.errors import TickError

LEVEL_NAMES = {level.name: int(level) for level in Level}

_COMPARE = {
    "==": lambda a, b: a == b, "!=": lambda a, b: a != b, "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b, ">": lambda a, b: a > b, ">=": lambda a, b: a >= b,
}


class MatchError(Exception):
    pass


class Match:
    """A compiled match expression; `Match("")` matches every event."""

    def __init__(self, text: str):
        self.text = text.strip()
        self._expression = _parse(self.text) if self.text else None

    def __call__(self, event: AlertEvent) -> bool:
        if self._expression is None:
            return True
        result = _evaluate(self._expression, event)
        if not isinstance(result, bool):
            raise MatchError(f"match expression gave {result!r}, not TRUE or FALSE")
        return result


def _parse(text: str) -> ast.Node:
    from tickpy.lang.parser import parse

    try:
        program = parse(f"var match = lambda: {text}", "match")
    except TickError as error:
        raise TickError(f"invalid match expression {text!r}: {error.message}") from None
    statements = program.statements
    if len(statements) != 1 or not isinstance(statements[0], ast.Declaration):
        raise TickError(f"invalid match expression {text!r}")
    expression = statements[0].value.expression
    for node in ast.walk(expression):
        if isinstance(node, ast.Identifier) and node.name not in LEVEL_NAMES:
            raise TickError(f'invalid match expression {text!r}: unknown identifier "{node.name}"')
    return expression


def _evaluate(node: ast.Node, event: AlertEvent):
    if isinstance(node, (ast.Number, ast.String, ast.Bool)):
        return node.value
    if isinstance(node, ast.Duration):
        return Duration(node.nanoseconds)
    if isinstance(node, ast.Identifier):
        return LEVEL_NAMES[node.name]
    if isinstance(node, ast.Reference):
        if node.name not in event.tags:
            raise MatchError(f'no tag "{node.name}" on the event')
        return event.tags[node.name]
    if isinstance(node, ast.Function):
        return _call(node, event)
    if isinstance(node, ast.Unary):
        value = _evaluate(node.operand, event)
        return (not value) if node.operator == "!" else -value
    if isinstance(node, ast.Binary):
        return _binary(node, event)
    raise MatchError("unsupported expression in match")


def _call(node: ast.Function, event: AlertEvent):
    if node.args:
        raise MatchError(f"{node.name} takes no arguments")
    if node.name == "level":
        return int(event.level)
    if node.name == "changed":
        return event.level != event.previous_level
    if node.name == "name":
        return event.name
    if node.name == "taskName":
        return event.task_name
    if node.name == "alertDuration":
        return Duration(event.duration)
    raise MatchError(f"unknown function {node.name}() in match")


def _binary(node: ast.Binary, event: AlertEvent):
    if node.operator == "AND":
        return _evaluate(node.left, event) is True and _evaluate(node.right, event) is True
    if node.operator == "OR":
        return _evaluate(node.left, event) is True or _evaluate(node.right, event) is True
    left = _evaluate(node.left, event)
    if node.operator in ("=~", "!~"):
        if not isinstance(node.right, ast.Regex):
            raise MatchError(f"{node.operator} needs a regex on the right")
        found = re.search(node.right.pattern, str(left)) is not None
        return found if node.operator == "=~" else not found
    right = _evaluate(node.right, event)
    if node.operator in _COMPARE:
        return _COMPARE[node.operator](left, right)
    raise MatchError(f"operator {node.operator} is not supported in match")
