"""Operator expressions outside lambdas, evaluated once when the task is defined.

Kapacitor evaluates `var msg = 'crossed ' + string(d)` or `var limit = 2 * base` with its lambda
evaluator: the names become the vars' values, the expression is compiled, then evaluated once
with no point (tick/eval.go, the BinaryNode case). So the operators, the functions (`string()`,
`int()`, `sqrt()`, ...) and the error texts are the lambda ones. Both lint (tickpy/lang/check.py)
and the task builder (tickpy/pipeline/build.py) evaluate such expressions through here.
"""

from __future__ import annotations

from typing import Callable

from tickpy.data.point import Point
from tickpy.expr.compile import compile_lambda
from tickpy.expr.types import EvalError
from tickpy.lang import ast
from tickpy.lang.errors import TickError


def compile_constant(node: ast.Node, variables: dict, source_name: str = "<script>") -> Callable[[], object]:
    """Compile `node` with the vars' values; the result evaluates it. Compiling raises TickError
    for what is wrong whatever the values (an undefined name or function, `1 + 1.5`); evaluating
    raises TickError for what these values make fail (`1 / 0`), at the expression."""
    evaluate = compile_lambda(node, variables, source_name)

    def value():
        try:
            return evaluate(_NO_POINT)
        except EvalError as error:
            raise TickError(str(error), node.line, node.column, source_name) from None

    return value


def evaluate_constant(node: ast.Node, variables: dict, source_name: str = "<script>"):
    """The value of `node` (see compile_constant for the errors)."""
    return compile_constant(node, variables, source_name)()


# Kapacitor evaluates with an empty scope: every "field" reference is missing.
_NO_POINT = Point("", {}, {}, 0)
