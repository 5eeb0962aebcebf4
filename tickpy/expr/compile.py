"""`lambda:` expressions compiled to Python functions with Kapacitor's type rules.

    fn = compile_lambda(lambda_node, variables={"threshold": 10})
    fn(point)            # the value, as Kapacitor's Eval gives it (eval node)
    fn.predicate(point)  # True/False, as Kapacitor's EvalBool gives it (where, alert levels)

Why generate code: a where or alert lambda runs once per point, often millions of times. The
compiler walks the AST once and writes one small Python function for it, so `"usage_idle" < 10`
costs a dict lookup, a type check and a comparison per point. The source is built only from AST
node kinds; every value from the script (names, numbers, strings, patterns) reaches the code
through a table of constants, never as text.

Kapacitor's evaluator (tick/stateful) decides types at two moments, and errors depend on which:

- *Type()* runs before evaluation: at the root, and for both operands of a comparison or logical
  operator whose operands are not of fixed type. It descends through arithmetic, `-`, and function
  calls (checking signatures: `Cannot call function "abs" with args (-2: int), ...`), and stops
  at anything whose type is known without evaluating it. It never evaluates.
- The operator then picks the implementation for the operand types, or reports why there is none
  (`mismatched type to binary operator. got int + float. see bool(), ...`, `left reference value
  "x" is missing value`, `invalid math operator % for type float`).

The generated code emits those checks at the same places, so the same point fails with the same
message. Operators whose operand types are all fixed are checked here, at compile time, as
Kapacitor does when it builds the evaluator (`1 + 1.5` is an error before any point arrives).

A field or tag the point lacks is the value None ("missing"); `"time"` is the point's Timestamp.
A name that is both a field and a tag is an error, as in Kapacitor's fillScope.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Mapping, Optional, Protocol

from tickpy.data.values import Duration, Timestamp
from tickpy.expr import goregex
from tickpy.expr.functions import BUILTINS, Builtin, FunctionError, float_to_int64, wrap_int64
from tickpy.expr.types import (EvalError, InvalidType, MissingType, Pattern, go_type_name, type_name,
                               value_type_name)
from tickpy.lang import ast
from tickpy.lang.errors import TickError
from tickpy.template.gofmt import format_float_g
from tickpy.template.gotime import duration_string

# ---------------------------------------------------------------------------------------------
# Kapacitor's operator table (tick/stateful/evaluation_funcs.go): (operator, left, right) -> result

F, I, S, B, R, D = float, int, str, bool, Pattern, Duration
COMPARISONS = ("==", "!=", "<", "<=", ">", ">=")
LOGICAL = ("AND", "OR")
MATH = ("+", "-", "*", "/", "%")


def _operator_table() -> dict:
    table = {}
    for op in LOGICAL:
        table[(op, B, B)] = B
    for op in ("==", "!="):
        table[(op, B, B)] = B
    for op in COMPARISONS:
        for left, right in ((F, F), (F, I), (I, F), (I, I), (S, S), (D, D)):
            table[(op, left, right)] = B
    for op in ("=~", "!~"):
        table[(op, S, R)] = B
    for op in ("+", "-", "*", "/"):
        table[(op, F, F)] = F
    for op in MATH:
        table[(op, I, I)] = I
    table[("+", S, S)] = S
    table[("+", D, D)] = D
    table[("-", D, D)] = D
    for left, right in ((D, I), (I, D), (D, F), (F, D)):
        table[("*", left, right)] = D
    table[("/", D, I)] = D
    table[("/", D, F)] = D
    table[("/", D, D)] = I
    return table


OPERATOR_TABLE = _operator_table()

# Which operators a type takes part in at all, on either side (Kapacitor's typeToBinaryOperators).
_OPERATORS_OF_TYPE: dict = {}
for (_op, _left, _right) in OPERATOR_TABLE:
    _OPERATORS_OF_TYPE.setdefault(_left, set()).add(_op)
    _OPERATORS_OF_TYPE.setdefault(_right, set()).add(_op)


def _operator_kind(op: str) -> str:
    if op in MATH:
        return "math"
    if op in LOGICAL:
        return "logical"
    return "comparison"


def operator_error(op: str, left, right) -> str:
    """Kapacitor's determineError without a scope: which operand's type cannot take the operator."""
    if left is not InvalidType and op not in _OPERATORS_OF_TYPE.get(left, ()):
        return f"invalid {_operator_kind(op)} operator {op} for type {type_name(left)}"
    # (Kapacitor checks the left type's operators again here, so this branch never differs.)
    return (f"mismatched type to binary operator. got {type_name(left)} {op} {type_name(right)}. "
            "see bool(), int(), float(), string(), duration()")


def _known(cls):
    return cls if cls in _TYPE_SET else InvalidType


_TYPE_SET = {F, I, S, B, R, D, Timestamp, MissingType}


def binary_error(op: str, left_value, right_value, left_site: str, right_site: str) -> EvalError:
    """Kapacitor's determineError with a scope: invalid and missing operands are named first.

    `*_site` is how Kapacitor would describe the operand if it is missing: a reference's name, or
    the Go type of the evaluator that is not a reference.
    """
    left, right = _known(type(left_value)), _known(type(right_value))
    for side, cls, site in (("left", left, left_site), ("right", right, right_site)):
        if cls is InvalidType:
            return EvalError(f"{side} value is invalid value type")
        if cls is MissingType:
            if site.startswith('"'):
                return EvalError(f"{side} reference value {site} is missing value")
            return EvalError(f"expected {side}Evaluator to be *EvalReferenceNode got {site}")
    return EvalError(operator_error(op, left, right))


def type_error(op: str, left, right) -> EvalError:
    return EvalError(operator_error(op, _known(left), _known(right)))


def guard_error(requested, actual) -> EvalError:
    return EvalError(f"TypeGuard: expression returned unexpected type {type_name(actual)}, "
                     f"expected {type_name(requested)}")


# ---------------------------------------------------------------------------------------------
# Go arithmetic for the generated code


def _iadd(a, b):
    return wrap_int64(a + b)


def _isub(a, b):
    return wrap_int64(a - b)


def _imul(a, b):
    return wrap_int64(a * b)


def _idiv(a, b):
    """Go's integer division: truncates toward zero; dividing by zero is a runtime panic."""
    if b == 0:
        raise EvalError("runtime error: integer divide by zero")
    q = abs(a) // abs(b)
    return wrap_int64(q if (a < 0) == (b < 0) else -q)


def _imod(a, b):
    """Go's remainder: the sign of the dividend."""
    if b == 0:
        raise EvalError("runtime error: integer divide by zero")
    r = abs(a) % abs(b)
    return -r if a < 0 else r


def _ineg(a):
    return wrap_int64(-a)


def _fdiv(a, b):
    """IEEE division: x/0 is ±Inf, 0/0 is NaN (Python would raise)."""
    if b:
        return a / b
    if a != a or a == 0:
        return math.nan
    return math.copysign(math.inf, a) * math.copysign(1.0, b)


def _duration(value):
    return Duration(wrap_int64(value))


def _duration_from_float(value):
    return Duration(float_to_int64(value))


def _signature(builtin: Builtin, types: tuple, arg_texts: tuple, scope_texts: tuple):
    """Kapacitor's EvalFunctionNode.Type: the result type for these argument types, or the error."""
    domain = [_known(t) for t in types]
    while domain and domain[-1] is InvalidType:  # Go's fixed-size Domain: trailing blanks match
        domain.pop()
    domain = tuple(domain)
    if builtin.variadic:
        if domain[:1] == (S,) and InvalidType not in domain and MissingType not in domain:
            return S
    else:
        result = builtin.signatures.get(domain)
        if result is not None:
            return result
    missing = [text for text, t in zip(arg_texts, types) if t is MissingType]
    if missing:
        scope = [text for text in scope_texts if text not in missing]
        plural = len(missing) > 1
        return EvalError(f'Cannot call function "{builtin.name}" argument{"s" if plural else ""} '
                         f'{", ".join(missing)} {"are" if plural else "is"} missing, values in scope '
                         f'are [{", ".join(scope)}]')
    given = ",".join(f"{text}: {type_name(_known(t))}" for text, t in zip(arg_texts, types))
    return EvalError(f'Cannot call function "{builtin.name}" with args ({given}), available '
                     f"signatures are {builtin.signature_text()}.")


def _collision(name: str) -> EvalError:
    return EvalError(f'cannot have field and tags with same name "{name}"')


_RUNTIME = {
    "Duration": Duration, "Timestamp": Timestamp, "Pattern": Pattern, "NoneType": MissingType,
    "EvalError": EvalError, "FunctionError": FunctionError, "OPS": OPERATOR_TABLE,
    "_iadd": _iadd, "_isub": _isub, "_imul": _imul, "_idiv": _idiv, "_imod": _imod, "_ineg": _ineg,
    "_fdiv": _fdiv, "_dur": _duration, "_durf": _duration_from_float, "_f2i": float_to_int64,
    "_signature": _signature, "_binary_error": binary_error, "_type_error": type_error,
    "_guard": guard_error, "_collision": _collision, "_Timestamp": Timestamp,
}
_TYPE_CODE = {F: "float", I: "int", S: "str", B: "bool", R: "Pattern", D: "Duration",
              Timestamp: "Timestamp", MissingType: "NoneType"}


# ---------------------------------------------------------------------------------------------
# Resolved tree: identifiers replaced by the values of the script's vars


@dataclass(eq=False)
class _Constant(ast.Node):
    """A var's value inside a lambda (Kapacitor turns it into a literal node: ValueToLiteralNode)."""

    value: object


def _resolve(node: ast.Node, variables: dict, source_name: str) -> ast.Node:
    if isinstance(node, ast.Identifier):
        if node.name not in variables:
            names = ",".join(variables)
            raise TickError(f'name "{node.name}" is undefined. Names in scope: {names}',
                            node.line, node.column, source_name)
        return _literal_for(variables[node.name], node, variables, source_name)
    if isinstance(node, ast.Unary):
        return ast.Unary(node.line, node.column, node.operator,
                         _resolve(node.operand, variables, source_name))
    if isinstance(node, ast.Binary):
        return ast.Binary(node.line, node.column, node.operator,
                          _resolve(node.left, variables, source_name),
                          _resolve(node.right, variables, source_name))
    if isinstance(node, ast.Function):
        return ast.Function(node.line, node.column, node.kind, node.name,
                            [_resolve(arg, variables, source_name) for arg in node.args])
    if isinstance(node, ast.Lambda):
        return ast.Lambda(node.line, node.column, _resolve(node.expression, variables, source_name))
    if isinstance(node, (ast.Number, ast.String, ast.Bool, ast.Duration, ast.Regex, ast.Reference)):
        return node
    raise TickError(f"{_describe(node)} cannot be used inside a lambda expression",
                    node.line, node.column, source_name)


def _literal_for(value, at: ast.Node, variables: dict, source_name: str) -> ast.Node:
    if isinstance(value, ast.Lambda):
        return ast.Lambda(at.line, at.column, _resolve(value.expression, variables, source_name))
    if isinstance(value, ast.Regex):
        return ast.Regex(at.line, at.column, value.pattern)
    if type(value) in (bool, int, float, str, Duration) or isinstance(value, Pattern):
        return _Constant(at.line, at.column, value)
    raise TickError(f'var "{getattr(at, "name", "?")}" holds {_describe_value(value)}, which cannot be '
                    "used inside a lambda", at.line, at.column, source_name)


def _describe(node: ast.Node) -> str:
    return {"Star": "*", "List": "a list"}.get(type(node).__name__, f"a {type(node).__name__.lower()}")


def _describe_value(value) -> str:
    return "a list" if isinstance(value, list) else f"a {type(value).__name__}"


# ---------------------------------------------------------------------------------------------
# Static facts about nodes (Kapacitor's getConstantNodeType and IsDynamic)


def static_type(node: ast.Node):
    """The type known without evaluating, or None."""
    if isinstance(node, ast.Number):
        return I if node.is_int else F
    if isinstance(node, ast.String):
        return S
    if isinstance(node, ast.Bool):
        return B
    if isinstance(node, ast.Duration):
        return D
    if isinstance(node, ast.Regex):
        return R
    if isinstance(node, _Constant):
        return R if isinstance(node.value, Pattern) else type(node.value)
    if isinstance(node, ast.Unary):
        return B if node.operator == "!" else static_type(node.operand)
    if isinstance(node, ast.Binary):
        if node.operator in COMPARISONS or node.operator in LOGICAL or node.operator in ("=~", "!~"):
            return B
        left, right = static_type(node.left), static_type(node.right)
        return OPERATOR_TABLE.get((node.operator, left, right))
    if isinstance(node, ast.Lambda):
        return static_type(node.expression)
    return None


def is_dynamic(node: ast.Node) -> bool:
    if isinstance(node, (ast.Reference, ast.Function)):
        return True
    if isinstance(node, ast.Binary):
        if static_type(node) is not None:
            return False
        return is_dynamic(node.left) or is_dynamic(node.right)
    if isinstance(node, ast.Unary):
        return static_type(node) is None and is_dynamic(node.operand)
    if isinstance(node, ast.Lambda):
        return is_dynamic(node.expression)
    return False


def type_may_fail(node: ast.Node) -> bool:
    """Whether Kapacitor's Type() of this node can return an error."""
    if static_type(node) is not None or isinstance(node, ast.Reference):
        return False
    if isinstance(node, ast.Unary):
        return type_may_fail(node.operand)
    if isinstance(node, ast.Lambda):
        return type_may_fail(node.expression)
    return True  # a function (signature) or arithmetic on operands of unknown type


def is_simple(node: ast.Node) -> bool:
    """A value read without any work that could fail or change state: a reference or a literal."""
    return isinstance(node, (ast.Reference, ast.Number, ast.String, ast.Bool, ast.Duration,
                             ast.Regex, _Constant))


def evaluator_text(node: ast.Node) -> str:
    """How Kapacitor prints an evaluator in messages (its String() methods)."""
    if isinstance(node, ast.Reference):
        return f'"{node.name}"'
    if isinstance(node, ast.Number):
        return str(node.value) if node.is_int else format_float_g(node.value)
    if isinstance(node, ast.String):
        return node.value
    if isinstance(node, ast.Bool):
        return "true" if node.value else "false"
    if isinstance(node, ast.Duration):
        return duration_string(node.nanoseconds)
    if isinstance(node, ast.Regex):
        return node.pattern
    if isinstance(node, _Constant):
        value = node.value
        if isinstance(value, Pattern):
            return value.pattern
        if type(value) is bool:
            return "true" if value else "false"
        if type(value) is float:
            return format_float_g(value)
        if type(value) is Duration:
            return duration_string(int(value))
        return str(value)
    if isinstance(node, ast.Unary):
        return node.operator + evaluator_text(node.operand)
    if isinstance(node, ast.Binary):
        return f"{evaluator_text(node.left)} {node.operator} {evaluator_text(node.right)}"
    if isinstance(node, ast.Function):
        return f"{node.name}({', '.join(evaluator_text(arg) for arg in node.args)})"
    if isinstance(node, ast.Lambda):
        return evaluator_text(node.expression)
    return "?"


_EVALUATOR_KINDS = {ast.Unary: "Unary", ast.Binary: "Binary", ast.Function: "Function",
                    ast.Lambda: "Lambda"}


def _site(node: ast.Node) -> str:
    """What binary_error says about an operand that turned out missing."""
    if isinstance(node, ast.Reference):
        return f'"{node.name}"'
    return f"*stateful.Eval{_EVALUATOR_KINDS.get(type(node), 'Reference')}Node"


# ---------------------------------------------------------------------------------------------
# Code generation


class _Writer:
    """Generated source lines with indentation, plus the constants table they refer to."""

    def __init__(self):
        self.lines: list[str] = []
        self.depth = 1
        self.constants: list = []
        self._constant_ids: dict = {}
        self._temps = 0

    def line(self, text: str) -> None:
        self.lines.append("    " * self.depth + text)

    def temp(self, prefix: str = "v") -> str:
        self._temps += 1
        return f"{prefix}{self._temps}"

    def constant(self, value) -> str:
        key = (type(value), value if not isinstance(value, (list, dict)) else id(value))
        try:
            index = self._constant_ids.get(key)
        except TypeError:
            index = None
        if index is None:
            index = len(self.constants)
            self.constants.append(value)
            try:
                self._constant_ids[key] = index
            except TypeError:
                pass
        return f"k{index}"


class _Compiler:
    def __init__(self, source_name: str, functions: Mapping[str, Builtin]):
        self.source_name = source_name
        self.functions = functions  # name -> Builtin: the builtins and the caller's own
        self.w = _Writer()
        self.references: dict[str, str] = {}  # name -> local variable, in order of appearance
        self.stateful: dict[tuple, str] = {}  # (lambda scope, function name) -> state slot
        self.scope = 0  # which lambda's execution state stateful functions use
        self._scopes = 0

    def error(self, message: str, node: ast.Node) -> TickError:
        return TickError(message, node.line, node.column, self.source_name)

    # -- checks and preparation ----------------------------------------------------------------

    def prepare(self, node: ast.Node, context: str = "") -> None:
        """Compile-time work: regexes, functions, references, statically wrong operators.

        Kapacitor builds an operator's operands before the operator itself, and each evaluator
        prefixes what went wrong below it (`Failed to handle left node: `, `Failed to handle 2
        argument: `, eval_binary_node.go, eval_function_node.go, eval_unary_node.go): `context`
        is the prefix so far, for an operator that is wrong whatever the data."""
        if isinstance(node, ast.Reference):
            if node.name not in self.references:
                self.references[node.name] = f"r{len(self.references)}"
        elif isinstance(node, ast.Regex):
            try:
                node_pattern = goregex.compile_go_regex(node.pattern)
            except goregex.GoRegexError as problem:
                raise self.error(str(problem), node) from None
            self._patterns[id(node)] = node_pattern
        elif isinstance(node, ast.Function):
            builtin = self.functions.get(node.name)
            if builtin is None:
                raise self.error(f'undefined function: "{node.name}"', node)
            if builtin.variadic:
                if not node.args:
                    raise self.error(f"{node.name}() takes at least 1 argument, got 0", node)
            elif len(node.args) not in builtin.arities():
                counts = sorted(builtin.arities())
                wanted = " or ".join(str(c) for c in counts)
                raise self.error(f"{node.name}() takes {wanted} argument{'' if counts == [1] else 's'}, "
                                 f"got {len(node.args)}", node)
        elif isinstance(node, ast.Binary):
            self.prepare(node.left, context + "Failed to handle left node: ")
            self.prepare(node.right, context + "Failed to handle right node: ")
            if not is_dynamic(node.left) and not is_dynamic(node.right):
                left, right = static_type(node.left), static_type(node.right)
                if (node.operator, left, right) not in OPERATOR_TABLE:
                    raise self.error(context + operator_error(node.operator, left or InvalidType,
                                                              right or InvalidType), node)
            return
        if isinstance(node, ast.Function):
            for index, arg in enumerate(node.args):
                self.prepare(arg, context + f"Failed to handle {index + 1} argument: ")
            return
        for child in _children(node):  # a unary operator's operand, a lambda's expression
            self.prepare(child, context + "Failed to handle node: ")

    # -- Type() ---------------------------------------------------------------------------------

    def emit_type(self, node: ast.Node) -> str:
        """Emit Kapacitor's Type(node); return Python text naming the type (a class)."""
        known = static_type(node)
        if known is not None:
            return _TYPE_CODE[known]
        if isinstance(node, ast.Reference):
            return f"type({self.references[node.name]})"
        if isinstance(node, ast.Unary):
            return self.emit_type(node.operand)
        if isinstance(node, ast.Lambda):
            return self.emit_type(node.expression)
        if isinstance(node, ast.Binary):
            left = self.emit_type(node.left)
            right = self.emit_type(node.right)
            result = self.w.temp("t")
            op = self.w.constant(node.operator)
            self.w.line(f"{result} = OPS.get(({op}, {left}, {right}))")
            self.w.line(f"if {result} is None:")
            self.w.line(f"    raise _type_error({op}, {left}, {right})")
            return result
        if isinstance(node, ast.Function):
            return self.emit_function_type(node)
        raise AssertionError(node)

    def emit_argument(self, index: int, emit, arg: ast.Node, prefix: str) -> str:
        """Emit one function argument so that its error reads `Failed to handle N argument: ...`."""
        self.w.line("try:")
        self.w.depth += 1
        value = emit(arg)
        holder = self.w.temp(prefix)
        self.w.line(f"{holder} = {value}")
        self.w.depth -= 1
        self.w.line("except EvalError as problem:")
        self.w.line(f"    raise EvalError({self.w.constant(f'Failed to handle {index + 1} argument: ')}"
                    " + problem.message) from None")
        return holder

    def emit_function_type(self, node: ast.Function) -> str:
        builtin = self.functions[node.name]
        arg_types = []
        for index, arg in enumerate(node.args):
            if type_may_fail(arg):
                arg_types.append(self.emit_argument(index, self.emit_type, arg, "t"))
            else:
                arg_types.append(self.emit_type(arg))
        result = self.w.temp("t")
        texts = tuple(evaluator_text(arg) for arg in node.args)
        scope = tuple(f'"{name}"' for name in self.references)
        self.w.line(f"{result} = _signature({self.w.constant(builtin)}, ({''.join(t + ', ' for t in arg_types)}), "
                    f"{self.w.constant(texts)}, {self.w.constant(scope)})")
        self.w.line(f"if type({result}) is EvalError:")
        self.w.line(f"    raise {result}")
        return result

    # -- values ---------------------------------------------------------------------------------

    def emit_value(self, node: ast.Node) -> str:
        """Emit the evaluation of a node whose Type() has already succeeded; return its value."""
        if isinstance(node, ast.Reference):
            return self.references[node.name]
        if isinstance(node, ast.Number):
            return self.w.constant(node.value)
        if isinstance(node, ast.String):
            return self.w.constant(node.value)
        if isinstance(node, ast.Bool):
            return "True" if node.value else "False"
        if isinstance(node, ast.Duration):
            return self.w.constant(Duration(node.nanoseconds))
        if isinstance(node, ast.Regex):
            return self.w.constant(self._patterns[id(node)])
        if isinstance(node, _Constant):
            return self.w.constant(node.value)
        if isinstance(node, ast.Lambda):
            outer = self.scope
            self._scopes += 1
            self.scope = self._scopes
            try:
                return self.emit_value(node.expression)
            finally:
                self.scope = outer
        if isinstance(node, ast.Unary):
            return self.emit_unary(node)
        if isinstance(node, ast.Binary):
            return self.emit_binary(node)
        if isinstance(node, ast.Function):
            return self.emit_call(node)
        raise AssertionError(node)

    def emit_unary(self, node: ast.Unary) -> str:
        operand_type = static_type(node.operand)
        result = self.w.temp()
        if node.operator == "!":
            self.w.line(f"{result} = not {self.emit_bool(node.operand)}")
            return result
        value = self.emit_value(node.operand)
        negations = {I: f"_ineg({value})", F: f"-{value}", D: f"Duration(_ineg({value}))",
                     B: f"not {value}"}
        if operand_type is not None:
            if operand_type not in negations:
                self.w.line(f"raise _guard({_TYPE_CODE[operand_type]}, {_TYPE_CODE[operand_type]})")
                return result
            self.w.line(f"{result} = {negations[operand_type]}")
            return result
        actual = self.w.temp("t")
        self.w.line(f"{actual} = type({value})")
        keyword = "if"
        for cls, text in negations.items():
            self.w.line(f"{keyword} {actual} is {_TYPE_CODE[cls]}:")
            self.w.line(f"    {result} = {text}")
            keyword = "elif"
        self.w.line("else:")
        if isinstance(node.operand, ast.Reference):
            name = self.w.constant(f'reference "{node.operand.name}" is missing value')
            self.w.line(f"    if {actual} is NoneType: raise EvalError({name})")
        self.w.line(f"    raise _guard({actual}, InvalidType)")
        return result

    def emit_bool(self, node: ast.Node) -> str:
        """Emit Kapacitor's EvalBool of a node, as "!" and a predicate ask for it."""
        if isinstance(node, ast.Unary):
            return self.emit_unary_bool(node)
        if static_type(node) is B:
            return self.emit_value(node)
        if isinstance(node, ast.Reference):  # no Type() first: a reference reports itself missing
            value = self.emit_value(node)
            missing = self.w.constant(f'reference "{node.name}" is missing value')
            self.w.line(f"if type({value}) is not bool:")
            self.w.line(f"    if {value} is None: raise EvalError({missing})")
            self.w.line(f"    raise _guard(bool, type({value}))")
            return value
        if isinstance(node, ast.Binary):
            # EvalBinaryNode.EvalBool evaluates (its operands' types looked up as it goes) and
            # names what it got otherwise: no Type() of the node first.
            value = self.emit_value(node)
            site = self.w.constant(("binary", ""))
            self.w.line(f"if type({value}) is not bool:")
            self.w.line(f"    _not_a_bool({value}, {site})")
            return value
        self.emit_type(node)
        value = self.emit_value(node)
        self.w.line(f"if type({value}) is not bool:")
        self.w.line(f"    raise _guard(bool, type({value}))")
        return value

    def emit_unary_bool(self, node: ast.Unary) -> str:
        """EvalBool of a unary node (eval_unary_node.go): its type decides, not its operator.
        The type is the constant one ("!" is boolean; "-" has its operand's) or else the
        operand's Type(); a boolean is negated whichever the operator, anything else fails the
        type guard: `-TRUE` is false, `!(-/a/)` fails with "regex, expected boolean"."""
        result = self.w.temp()
        known = static_type(node)
        if known is B:
            self.w.line(f"{result} = not {self.emit_bool(node.operand)}")
            return result
        if known is not None:
            self.w.line(f"raise _guard(bool, {_TYPE_CODE[known]})")
            return result
        actual = self.emit_type(node.operand)
        self.w.line(f"if {actual} is not bool:")
        self.w.line(f"    raise _guard(bool, {actual})")
        self.w.line(f"{result} = not {self.emit_bool(node.operand)}")
        return result

    def emit_binary(self, node: ast.Binary) -> str:
        op = node.operator
        left_node, right_node = node.left, node.right
        left_static, right_static = static_type(left_node), static_type(right_node)
        dynamic = is_dynamic(left_node) or is_dynamic(right_node)
        checked_before = dynamic and (op in COMPARISONS or op in LOGICAL or op in ("=~", "!~"))
        result = self.w.temp()
        left_type = right_type = None
        if checked_before:
            # evaluateDynamicNode: both operands' Type() before either is evaluated
            left_type = self.emit_type(left_node) if left_static is None else None
            right_type = self.emit_type(right_node) if right_static is None else None
        combos = [(left, right) for (o, left, right) in OPERATOR_TABLE
                  if o == op and left_static in (None, left) and right_static in (None, right)]
        fold = is_simple(left_node) and is_simple(right_node)
        if checked_before and (not fold or op in LOGICAL):
            self.emit_operand_check(node, combos, left_type, right_type)
        if op in LOGICAL:
            return self.emit_logical(node, result)
        left = self.emit_value(left_node)
        right = self.emit_value(right_node)
        left_class = self.class_of(left, left_static)
        right_class = self.class_of(right, right_static)
        keyword = "if"
        for left_cls, right_cls in combos:
            conditions = []
            if left_static is None:
                conditions.append(f"{left_class} is {_TYPE_CODE[left_cls]}")
            if right_static is None:
                conditions.append(f"{right_class} is {_TYPE_CODE[right_cls]}")
            code = self.operation(op, left_cls, right_cls, left, right, left_node, right_node)
            if not conditions:
                self.w.line(f"{result} = {code}")
                return result
            self.w.line(f"{keyword} {' and '.join(conditions)}:")
            self.w.line(f"    {result} = {code}")
            keyword = "elif"
        self.w.line("else:" if keyword == "elif" else "if True:")
        self.w.line(f"    raise _binary_error({self.w.constant(op)}, {left}, {right}, "
                    f"{self.w.constant(_site(left_node))}, {self.w.constant(_site(right_node))})")
        return result

    def class_of(self, value: str, known) -> str:
        if known is not None:
            return ""
        holder = self.w.temp("t")
        self.w.line(f"{holder} = type({value})")
        return holder

    def emit_operand_check(self, node: ast.Binary, combos, left_type, right_type) -> None:
        """The operand types are known (Type() ran); refuse before evaluating anything."""
        conditions = []
        for left_cls, right_cls in combos:
            parts = []
            if left_type is not None:
                parts.append(f"{left_type} is {_TYPE_CODE[left_cls]}")
            if right_type is not None:
                parts.append(f"{right_type} is {_TYPE_CODE[right_cls]}")
            conditions.append(" and ".join(parts) if parts else "True")
        test = " or ".join(f"({c})" for c in conditions) if conditions else "False"
        self.w.line(f"if not ({test}):")
        self.w.depth += 1
        # determineError with a scope: missing and invalid operands first, from their types
        op = self.w.constant(node.operator)
        left_probe = (f"_probe({left_type})" if left_type is not None
                      else self.w.constant(_sample(static_type(node.left))))
        right_probe = (f"_probe({right_type})" if right_type is not None
                       else self.w.constant(_sample(static_type(node.right))))
        self.w.line(f"raise _binary_error({op}, {left_probe}, {right_probe}, "
                    f"{self.w.constant(_site(node.left))}, {self.w.constant(_site(node.right))})")
        self.w.depth -= 1

    def emit_logical(self, node: ast.Binary, result: str) -> str:
        """AND / OR on booleans, short-circuit (the right side is not evaluated when not needed)."""
        left = self.emit_value(node.left)
        self.w.line(f"if {'not ' if node.operator == 'AND' else ''}{left}:")
        self.w.line(f"    {result} = {'False' if node.operator == 'AND' else 'True'}")
        self.w.line("else:")
        self.w.depth += 1
        right = self.emit_value(node.right)
        self.w.line(f"{result} = {right}")
        self.w.depth -= 1
        return result

    def operation(self, op: str, left_cls, right_cls, a: str, b: str, left_node, right_node) -> str:
        """Python text computing `a op b` for operands of these classes, as Go computes it."""
        if op in ("=~", "!~"):
            return f"{b}.search({a}) is {'not ' if op == '=~' else ''}None"
        if op in COMPARISONS:
            py = op
            if left_cls is I and right_cls is F:
                a = self.as_float(a, left_node)
            elif left_cls is F and right_cls is I:
                b = self.as_float(b, right_node)
            return f"{a} {py} {b}"
        if left_cls is F and right_cls is F:
            return f"_fdiv({a}, {b})" if op == "/" else f"{a} {op} {b}"
        if left_cls is I and right_cls is I:
            return {"+": "_iadd", "-": "_isub", "*": "_imul", "/": "_idiv", "%": "_imod"}[op] + f"({a}, {b})"
        if left_cls is S:
            return f"{a} + {b}"
        if op in ("+", "-") or (op == "*" and F not in (left_cls, right_cls)):
            return f"_dur({a} {op} {b})"
        if op == "*":
            return f"_durf(float({a}) * float({b}))"
        if right_cls is I:
            return f"Duration(_idiv({a}, {b}))"
        if right_cls is F:
            return f"_durf(_fdiv(float({a}), {b}))"
        return f"_idiv({a}, {b})"  # duration / duration is an int

    def as_float(self, value: str, node: ast.Node) -> str:
        if isinstance(node, ast.Number) or (isinstance(node, _Constant) and type(node.value) is int):
            literal = node.value
            return self.w.constant(float(literal))
        return f"float({value})"

    def emit_call(self, node: ast.Function) -> str:
        builtin = self.functions[node.name]
        args = ["point"] if builtin.reads_point else []
        for index, arg in enumerate(node.args):
            if is_simple(arg):
                args.append(self.emit_value(arg))
            else:
                args.append(self.emit_argument(index, self.emit_value, arg, "a"))
        if builtin.stateful:
            key = (self.scope, builtin.name)
            if key not in self.stateful:
                self.stateful[key] = f"s{len(self.stateful)}"
            function = self.stateful[key]
        else:
            function = self.w.constant(builtin.call)
        result = self.w.temp()
        self.w.line("try:")
        self.w.line(f"    {result} = {function}({', '.join(args)})")
        self.w.line("except EvalError:")
        self.w.line("    raise")
        self.w.line("except Exception as problem:")
        self.w.line(f"    raise EvalError({self.w.constant(f'error calling {chr(34)}{node.name}{chr(34)}: ')}"
                    " + str(problem)) from None")
        return result

    # -- the whole function -----------------------------------------------------------------------

    def compile(self, expression: ast.Node) -> str:
        """The source of `_factory(k0, k1, ..., s0, ...)`, which returns (evaluate, predicate)."""
        self._patterns: dict[int, Pattern] = {}
        self.prepare(expression)
        w = self.w
        self.emit_references()
        if isinstance(expression, ast.Unary):
            # Eval asks the root's Type() and has no Eval for a regex or a time: it fails before
            # asking the unary node for its value (expr.go Eval).
            root = self.emit_type(expression)
            w.line(f"if {root} is Pattern or {root} is Timestamp:")
            w.line(f"    raise _unexpected_type({root})")
        elif static_type(expression) is None:
            self.emit_type(expression)  # Kapacitor calls Type() on the root first
        value = self.emit_value(expression)
        root_type = static_type(expression)
        body = w.lines
        site = w.constant(_root_value_site(expression))
        value_return = (f"return {value}" if root_type in _EVAL_RESULT_TYPES
                        else f"return {value} if type({value}) in _RESULTS else _not_a_value({value}, {site})")
        bool_return = (f"return {value}" if root_type is B
                       else f"return {value} if type({value}) is bool else _not_a_bool({value}, {site})")
        bodies = [("evaluate", body, value_return), ("predicate", body, bool_return)]
        if isinstance(expression, ast.Unary):
            # EvalBool goes straight to the unary node, which decides by its type (no Type() of
            # the root first, no value computed as Eval would).
            w.lines = []
            self.emit_references()
            bodies[1] = ("predicate", w.lines, f"return {self.emit_unary_bool(expression)}")
        parameters = [f"k{i}" for i in range(len(w.constants))] + [f"s{i}" for i in range(len(self.stateful))]
        lines = [f"def _factory({', '.join(parameters)}):"]
        for name, lines_of_body, epilogue in bodies:
            lines.append(f"    def {name}(point):")
            lines.extend("    " + line for line in lines_of_body)
            lines.append("        " + epilogue)
        lines.append("    return evaluate, predicate")
        return "\n".join(lines) + "\n"

    def emit_references(self) -> None:
        """Read each referenced field or tag from the point into its local."""
        w = self.w
        single = len(self.references) == 1
        fields, tags = ("point.fields", "point.tags") if single else ("fields", "tags")
        if not single and self.references:
            w.line("fields = point.fields")
            w.line("tags = point.tags")
        for name, local in self.references.items():
            key = w.constant(name)
            if name == "time":
                w.line(f"{local} = _Timestamp(point.time)")
                continue
            # fillScope: a field, else a tag, else missing; both is an error
            w.line("try:")
            w.line(f"    {local} = {fields}[{key}]")
            w.line("except KeyError:")
            w.line(f"    {local} = {tags}.get({key})")
            w.line("else:")
            w.line(f"    if {key} in {tags}:")
            w.line(f"        raise _collision({key})")


def _probe(cls):
    """A stand-in value of a class, so binary_error can reason from types alone."""
    return _SAMPLES.get(cls, _INVALID_SAMPLE)


class _InvalidSample:
    pass


_INVALID_SAMPLE = _InvalidSample()
_SAMPLES = {F: 0.0, I: 0, S: "", B: False, R: None, D: Duration(0), Timestamp: Timestamp(0),
            MissingType: None}


def _sample(cls):
    if cls is R:
        return _REGEX_SAMPLE
    return _SAMPLES.get(cls, _INVALID_SAMPLE)


_REGEX_SAMPLE = goregex.compile_go_regex("")
_SAMPLES[R] = _REGEX_SAMPLE
_RUNTIME["_probe"] = _probe
_RUNTIME["InvalidType"] = InvalidType


def _children(node: ast.Node) -> list:
    if isinstance(node, ast.Unary):
        return [node.operand]
    if isinstance(node, ast.Binary):
        return [node.left, node.right]
    if isinstance(node, ast.Function):
        return list(node.args)
    if isinstance(node, ast.Lambda):
        return [node.expression]
    return []


# ---------------------------------------------------------------------------------------------
# The public face


class CompiledLambda(Protocol):
    """What compile_lambda returns: the generated function itself, with a few attributes.

    `fn(point)` is the value, as Kapacitor's Eval gives it (the eval node); `fn.predicate(point)` is
    the boolean Kapacitor's EvalBool gives (where, alert levels). Both raise EvalError.
    `fn.references`: the field and tag names it reads. `fn.stateful`: it calls sigma, count,
    spread or rand, so each group needs its own evaluator from `fn.fresh()`.
    `fn.source`: the generated Python, for debugging.

    (A plain function rather than an object with __call__: one call frame less per point.)
    """

    references: frozenset
    stateful: bool
    source: str

    def __call__(self, point): ...

    def predicate(self, point) -> bool: ...

    def fresh(self) -> "CompiledLambda": ...


_EVAL_RESULT_TYPES = (float, int, str, bool, Duration)


def _not_a_value(value, site) -> None:
    """Kapacitor's Eval on a root whose value is missing, a regex, a time or of invalid type."""
    kind, name = site
    if value is None:
        if kind == "reference":
            raise EvalError(f'missing value: "{name}"')
        raise EvalError(f'reference "{name}" is missing value')
    raise EvalError(f"expression returned unexpected type {value_type_name(value)}")


def _not_a_bool(value, site) -> None:
    """Kapacitor's EvalBool on a root that is not a boolean."""
    kind, name = site
    if value is None and kind == "reference":
        raise EvalError(f'reference "{name}" is missing value')
    if kind == "binary":
        shown = go_type_name(value) if type(value) in (bool, int, float) else "<nil>"
        raise EvalError(f"expression returned unexpected type {shown}")
    raise guard_error(B, _known(type(value)))


def _unexpected_type(cls) -> EvalError:
    return EvalError(f"expression returned unexpected type {type_name(cls)}")


_RUNTIME["_unexpected_type"] = _unexpected_type
_RUNTIME["_RESULTS"] = _EVAL_RESULT_TYPES
_RUNTIME["_not_a_value"] = _not_a_value
_RUNTIME["_not_a_bool"] = _not_a_bool


def _root_value_site(root: ast.Node) -> tuple[str, str]:
    node = root.expression if isinstance(root, ast.Lambda) else root
    if isinstance(node, ast.Reference):
        return "reference", node.name
    if isinstance(node, ast.Unary) and isinstance(node.operand, ast.Reference):
        return "unary", node.operand.name
    return ("binary" if isinstance(node, ast.Binary) else "other"), ""


def compile_lambda(node: ast.Node, variables: Optional[dict] = None,
                   source_name: str = "<script>",
                   functions: Optional[Mapping[str, Builtin]] = None) -> CompiledLambda:
    """Compile an `ast.Lambda` (or a bare expression) once; raise TickError for problems a script
    has whatever the data: an unknown function or argument count, a bad regex, an undefined var,
    an operator that cannot apply to the literal types it is given.

    `functions` adds functions of the caller's own to the builtins, as Kapacitor's scope
    dynamic functions do (a name in both is the builtin's: lookupFunc tries the builtins first)."""
    expression = node.expression if isinstance(node, ast.Lambda) else node
    resolved = _resolve(expression, dict(variables or {}), source_name)
    compiler = _Compiler(source_name, {**functions, **BUILTINS} if functions else BUILTINS)
    source = compiler.compile(resolved)
    namespace = dict(_RUNTIME)
    exec(compile(source, f"<lambda {source_name}:{node.line}:{node.column}>", "exec"), namespace)
    state_builtins = [compiler.functions[name] for (_, name) in compiler.stateful]
    return _instantiate(namespace["_factory"], tuple(compiler.w.constants), state_builtins,
                        frozenset(compiler.references), source)


def _instantiate(factory, constants: tuple, state_builtins: list, references: frozenset, source: str):
    states = [builtin.state_factory() for builtin in state_builtins]
    evaluate, predicate = factory(*constants, *states)
    evaluate.predicate = predicate
    evaluate.references = references
    evaluate.stateful = bool(state_builtins)
    evaluate.source = source
    evaluate.fresh = lambda: _instantiate(factory, constants, state_builtins, references, source)
    return evaluate
