"""Topic handler `match` expressions: which events of a topic a handler takes.

Kapacitor (services/alert/handlers.go, matchHandler) parses `match` as a lambda body and runs it
with the same evaluator as any lambda (tick/stateful, here tickpy.expr), where:
- `OK`, `INFO`, `WARNING`, `CRITICAL` are the levels as integers (0 to 3); any other bare name
  is an error (`unknown identifier "X"`);
- `"tag"` references read the event's tags; every tag the expression names must exist, checked
  before evaluating (`no tag exists for tag`, and the handler skips the event);
- five functions describe the event: `level()` (int), `changed()` (boolean: the level differs
  from the previous event's for the same alert id in the topic), `name()` (the measurement),
  `taskName()` and `alertDuration()` (a duration);
- the result must be a boolean (EvalBool).
Examples: `level() >= WARNING`, `changed() AND "host" == 'serverA'`, `alertDuration() > 5m`.

Operators, types and error texts are therefore tickpy.expr's. tickpy refuses other functions when
the handler is defined (Kapacitor would also run the lambda builtins such as abs(): its
lookupFunc finds them before the match functions).
"""

from __future__ import annotations

from tickpy.alert.event import AlertEvent, Level
from tickpy.data.values import Duration
from tickpy.expr.compile import compile_lambda
from tickpy.expr.functions import Builtin
from tickpy.expr.types import EvalError
from tickpy.lang import ast
from tickpy.lang.errors import TickError

LEVEL_NAMES = {level.name: int(level) for level in Level}
_PREFIX = "var match = lambda: "


def _event_function(name: str, result: type, read) -> Builtin:
    """A match function: no arguments, its value read from the event (handlers.go's DynamicFuncs)."""
    return Builtin(name, {(): result}, lambda scope: read(scope.event), reads_point=True)


MATCH_FUNCTIONS = {builtin.name: builtin for builtin in (
    _event_function("level", int, lambda event: int(event.level)),
    _event_function("changed", bool, lambda event: event.level != event.previous_level),
    _event_function("name", str, lambda event: event.name),
    _event_function("taskName", str, lambda event: event.task_name),
    _event_function("alertDuration", Duration, lambda event: Duration(event.duration)),
)}
FUNCTIONS = tuple(MATCH_FUNCTIONS)


class MatchError(Exception):
    """A match expression failed on one event (the handler skips that event)."""


class _EventScope:
    """What the compiled expression reads: the event's tags (an event has no fields), and the
    event itself for the match functions."""

    __slots__ = ("fields", "tags", "event")

    def __init__(self, event: AlertEvent):
        self.fields = {}
        self.tags = event.tags
        self.event = event


class Match:
    """A compiled match expression; `Match("")` matches every event."""

    def __init__(self, text: str):
        self.text = (text or "").strip()
        self._predicate = None
        self._tags: tuple[str, ...] = ()
        if self.text:
            lambda_node = _parse(self.text)
            self._tags = tuple(dict.fromkeys(node.name for node in ast.walk(lambda_node)
                                             if isinstance(node, ast.Reference)))
            self._predicate = _compile(self.text, lambda_node).predicate

    def __call__(self, event: AlertEvent) -> bool:
        if self._predicate is None:
            return True
        for name in self._tags:
            if name not in event.tags:
                raise MatchError(f"no tag exists for {name}")
            if name == "time":  # a lambda's "time" is the point's time; an event has none
                raise MatchError("tickpy cannot match a tag named time")
        try:
            return self._predicate(_EventScope(event))
        except EvalError as error:
            raise MatchError(error.message) from None


def _compile(text: str, lambda_node: ast.Lambda):
    """The expression compiled by tickpy.expr, with the levels as constants; TickError (at the
    column inside the expression) for what fails whatever the event, such as `1 + 1.5`."""
    text = _one_line(text)
    try:
        return compile_lambda(lambda_node, LEVEL_NAMES, "match", MATCH_FUNCTIONS)
    except TickError as error:
        column = max(error.column - len(_PREFIX), 1)
        raise TickError(f"invalid match expression {text!r}: {error.message} (at column {column})") from None


def _one_line(text: str) -> str:
    """The expression on one line, as it is parsed and quoted in messages."""
    return " ".join(text.split()) if "\n" in text else text


def _parse(text: str) -> ast.Lambda:
    """The expression as a lambda's AST; TickError with the column inside the expression when it
    is wrong."""
    from tickpy.lang.parser import parse

    text = _one_line(text)
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
    return statements[0].value  # a bad regex is the compiler's to report (Go's syntax)
