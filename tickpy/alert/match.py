"""Topic handler `match` expressions: which events of a topic a handler takes.

Kapacitor (services/alert/handlers.go, matchHandler) parses `match` as a lambda body in which:
- `OK`, `INFO`, `WARNING`, `CRITICAL` are the levels as integers (0 to 3); any other bare name
  is an error (`unknown identifier "X"`);
- `"tag"` references read the event's tags (a missing tag fails the evaluation:
  `no tag exists for tag`, and the handler skips the event);
- five functions describe the event: `level()` (int), `changed()` (bool: the level differs from
  the previous event's for the same alert id in the topic), `name()` (the measurement),
  `taskName()` and `alertDuration()` (a duration).
Examples: `level() >= WARNING`, `changed() AND "host" == 'serverA'`, `alertDuration() > 5m`.

Operators follow the lambda rules of tick/stateful: AND/OR need booleans, arithmetic needs both
sides of one type, comparisons mix int and float, `=~`/`!~` take a string and a regex; the
result must be a boolean. tickpy refuses other functions when the handler is defined (Kapacitor
would fail on them at each event).
"""

from __future__ import annotations

import operator
import re

from tickpy.alert.event import AlertEvent, Level
from tickpy.data.values import Duration
from tickpy.lang import ast
from tickpy.lang.errors import TickError

LEVEL_NAMES = {level.name: int(level) for level in Level}
FUNCTIONS = ("level", "changed", "name", "taskName", "alertDuration")
_PREFIX = "var match = lambda: "

_COMPARISONS = {"==": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le,
                ">": operator.gt, ">=": operator.ge}
_ARITHMETIC = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": None, "%": operator.mod}


class MatchError(Exception):
    """A match expression failed on one event (the handler skips that event)."""


class Match:
    """A compiled match expression; `Match("")` matches every event."""

    def __init__(self, text: str):
        self.text = (text or "").strip()
        self._expression = _parse(self.text) if self.text else None

    def __call__(self, event: AlertEvent) -> bool:
        if self._expression is None:
            return True
        result = _evaluate(self._expression, event)
        if not isinstance(result, bool):
            raise MatchError(f"expression returned unexpected type {_type_name(result)}")
        return result


def _parse(text: str) -> ast.Node:
    """The expression's AST; TickError with the column inside the expression when it is wrong."""
    from tickpy.lang.parser import parse

    if "\n" in text:
        text = " ".join(text.split())
    try:
        program = parse(_PREFIX + text, "match")
    except TickError as error:
        column = max(error.column - len(_PREFIX), 1) if error.line == 1 else error.column
        raise TickError(f"invalid match expression {text!r}: {error.message} (at column {column})") from None
    statements = program.statements
    if (len(statements) != 1 or not isinstance(statements[0], ast.Declaration)
            or not isinstance(statements[0].value, ast.Lambda)):
        raise TickError(f"invalid match expression {text!r}")
    expression = statements[0].value.expression
    for node in ast.walk(expression):
        if isinstance(node, ast.Identifier) and node.name not in LEVEL_NAMES:
            raise TickError(f'invalid match expression {text!r}: unknown identifier "{node.name}"')
        if isinstance(node, ast.Function):
            if node.name not in FUNCTIONS:
                hint = " (the alert's duration is alertDuration())" if node.name == "duration" else ""
                raise TickError(f"invalid match expression {text!r}: function {node.name}() is not "
                                f"available in match expressions (use {', '.join(f + '()' for f in FUNCTIONS)})"
                                + hint)
            if node.args:
                raise TickError(f"invalid match expression {text!r}: {node.name} takes no arguments")
        if isinstance(node, ast.Regex):
            try:
                re.compile(node.pattern)
            except re.error as error:
                raise TickError(f"invalid match expression {text!r}: bad regex /{node.pattern}/: {error}") from None
    return expression


def _evaluate(node: ast.Node, event: AlertEvent):
    if isinstance(node, (ast.Number, ast.String, ast.Bool)):
        return node.value
    if isinstance(node, ast.Duration):
        return Duration(node.nanoseconds)
    if isinstance(node, ast.Regex):
        return re.compile(node.pattern)
    if isinstance(node, ast.Identifier):
        return LEVEL_NAMES[node.name]
    if isinstance(node, ast.Reference):
        if node.name not in event.tags:
            raise MatchError(f"no tag exists for {node.name}")
        return event.tags[node.name]
    if isinstance(node, ast.Function):
        return _call(node.name, event)
    if isinstance(node, ast.Unary):
        return _unary(node.operator, _evaluate(node.operand, event))
    if isinstance(node, ast.Binary):
        return _binary(node, event)
    raise MatchError(f"unsupported expression {type(node).__name__} in a match expression")


def _call(name: str, event: AlertEvent):
    if name == "level":
        return int(event.level)
    if name == "changed":
        return event.level != event.previous_level
    if name == "name":
        return event.name
    if name == "taskName":
        return event.task_name
    return Duration(event.duration)  # alertDuration


def _unary(op: str, value):
    kind = _type_name(value)
    if op == "!":
        if kind != "bool":
            raise MatchError(f"invalid unary operator ! for type {kind}")
        return not value
    if kind not in ("int", "float", "duration"):
        raise MatchError(f"invalid unary operator - for type {kind}")
    return Duration(-value) if kind == "duration" else -value


def _binary(node: ast.Binary, event: AlertEvent):
    op = node.operator
    left = _evaluate(node.left, event)
    if op in ("AND", "OR"):
        _need_bool(op, left)
        if (op == "AND" and not left) or (op == "OR" and left):
            return left  # short-circuit, as Kapacitor's evaluator does
        right = _evaluate(node.right, event)
        _need_bool(op, right)
        return right
    right = _evaluate(node.right, event)
    left_type, right_type = _type_name(left), _type_name(right)
    if op in ("=~", "!~"):
        if left_type != "string":
            raise MatchError(f"invalid regex operator {op} for type {left_type}")
        if right_type != "regex":
            raise MatchError(f"invalid regex operator {op} for type {right_type}")
        found = right.search(left) is not None
        return found if op == "=~" else not found
    numeric = {"int", "float"}
    if op in _COMPARISONS:
        if left_type != right_type and not {left_type, right_type} <= numeric:
            raise _mismatched(left_type, op, right_type)
        if op not in ("==", "!=") and left_type in ("bool", "regex"):
            raise MatchError(f"invalid comparison operator {op} for type {left_type}")
        return _COMPARISONS[op](left, right)
    if op in _ARITHMETIC:
        if left_type != right_type:
            raise _mismatched(left_type, op, right_type)
        allowed = {"int": "+-*/%", "float": "+-*/", "string": "+", "duration": "+-"}.get(left_type, "")
        if op not in allowed:
            raise MatchError(f"invalid math operator {op} for type {left_type}")
        if op == "/":
            if left_type == "int":
                if right == 0:
                    raise MatchError("integer divide by zero")
                quotient = abs(left) // abs(right)
                return quotient if (left >= 0) == (right >= 0) else -quotient
            return left / right if right else (float("inf") if left > 0 else float("-inf") if left < 0 else float("nan"))
        if op == "%":
            if right == 0:
                raise MatchError("integer divide by zero")
            remainder = abs(left) % abs(right)  # Go's %: the sign of the dividend
            return remainder if left >= 0 else -remainder
        result = _ARITHMETIC[op](left, right)
        return Duration(result) if left_type == "duration" else result
    raise MatchError(f"unknown binary operator {op}")


def _need_bool(op: str, value) -> None:
    if not isinstance(value, bool):
        raise MatchError(f"invalid logical operator {op} for type {_type_name(value)}")


def _mismatched(left_type: str, op: str, right_type: str) -> MatchError:
    return MatchError(f"mismatched type to binary operator. got {left_type} {op} {right_type}. "
                      "see bool(), int(), float(), string(), duration()")


def _type_name(value) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, Duration):
        return "duration"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float"
    if isinstance(value, str):
        return "string"
    if isinstance(value, re.Pattern):
        return "regex"
    return type(value).__name__
