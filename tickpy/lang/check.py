"""Semantic checks: what Kapacitor refuses when it defines a task, found without a server.

Kapacitor evaluates a script by walking its AST with a stack machine (`tick/eval.go`): each `var`
binds a value, each `|name()` asks the node on its left for a chaining method, each `.name()` for a
property, by reflection over the Go types of `pipeline/`. This module walks the same AST over
*abstract* values — "a string", "a FromNode that sends a stream" — using the data in `catalogue.py`,
and collects every problem Kapacitor would stop at (as errors) plus the mistakes Kapacitor accepts
but that make an alert silently useless (as warnings).

Unlike Kapacitor, which stops at the first problem, the walk goes on: after an error the value on
the left becomes UNKNOWN, which accepts anything quietly, so one typo gives one message.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Callable, Iterable, Mapping, Optional

from tickpy.data.values import Duration
from tickpy.lang import ast
from tickpy.lang import catalogue as cat
from tickpy.lang.errors import ERROR, WARNING, TickError

# Value kinds beyond the catalogue's argument kinds.
REFERENCE = "field reference"  # a "double-quoted" name outside a lambda
TIME_DIMENSION = "time dimension"  # the result of time(1m), for query groupBy
UNKNOWN = "unknown"  # after an error: accepted everywhere, reported nowhere
NOT_CONSTANT = object()  # a value known only by its kind (a template var, a node, ...)
UNBOUND_CALL = "unbound call"  # `var s = f(x)`: Kapacitor calls f only where s is used

KIND_WORDS = {
    cat.STRING: "a string",
    cat.INT: "an integer",
    cat.FLOAT: "a float",
    cat.DURATION: "a duration",
    cat.BOOL: "a boolean",
    cat.LAMBDA: "a lambda expression",
    cat.REGEX: "a regular expression",
    cat.STAR: "a star (*)",
    cat.LIST: "a list",
    cat.NODE: "a pipeline node",
    cat.ANY: "a value",
    cat.INT_OR_DURATION: "an integer or a duration",
    REFERENCE: "a field reference",
    TIME_DIMENSION: "a time dimension",
}

# `var x TYPE` types (evalTypeDeclaration in tick/eval.go).
TEMPLATE_VAR_TYPES = {
    "int": cat.INT,
    "float": cat.FLOAT,
    "bool": cat.BOOL,
    "string": cat.STRING,
    "regex": cat.REGEX,
    "duration": cat.DURATION,
    "lambda": cat.LAMBDA,
    "list": cat.LIST,
    "star": cat.STAR,
}

LEVEL_PROPERTIES = {"Crit", "Warn", "Info"}
COMPARISONS = {"<", "<=", ">", ">=", "==", "!="}
# Literal kinds as the lambda evaluator's types, for expressions outside lambdas; and back.
_OPERAND_TYPES = {cat.STRING: str, cat.INT: int, cat.FLOAT: float, cat.BOOL: bool,
                  cat.DURATION: Duration}
# A template var without a value stands in a define-time expression as a value of its kind.
_SAMPLES = {cat.STRING: "", cat.INT: 1, cat.FLOAT: 1.0, cat.BOOL: False, cat.DURATION: Duration(1)}
# Errors an expression has whatever the values of its vars (when it runs).
_TYPE_ERRORS = ("mismatched type", "invalid math operator", "invalid comparison operator",
                "invalid logical operator", "Cannot call function")
DURATION_TEXT = re.compile(r"^\d+(\.\d+)?(u|µ|ms|s|m|h|d|w)$")

# A template checker takes the property name (`message`, `embedTitle`, ...) and the template text,
# and raises an exception carrying an `offset` (the character offset of the problem in the text)
# when the template does not compile.
TemplateChecker = Callable[[str, str], object]


@dataclass
class AlertRecord:
    """What lint remembers about one alert node across its property chain, for the warnings."""

    node: ast.Node  # the |alert() (or |deadman()) call
    has_level: bool = False
    handlers: list[ast.Node] = field(default_factory=list)
    state_changes_only: Optional[ast.Node] = None
    flapping: Optional[ast.Node] = None


@dataclass
class Value:
    """An abstract value: its kind, and for a node its Go type and the edge it sends."""

    kind: str
    node_type: Optional[str] = None  # catalogue type name, for kind NODE
    edge: Optional[str] = None  # STREAM, BATCH, NO_EDGE or None when unknown
    alert: Optional[AlertRecord] = None  # for an alert node and its handlers
    source: Optional[ast.Node] = None  # the literal it came from, to quote in messages
    items: tuple["Value", ...] = ()  # a list's items
    # The value itself when the script fixes it (a literal, a var holding one, an expression of
    # them): Kapacitor evaluates expressions outside lambdas when it defines the task.
    constant: object = NOT_CONSTANT

    @property
    def is_node(self) -> bool:
        return self.kind == cat.NODE


UNKNOWN_VALUE = Value(UNKNOWN)


@dataclass
class Variable:
    value: Value
    declaration: ast.Node
    used: bool = False
    is_template: bool = False


def check(program: ast.Program, source_name: str = "<script>", vars: Optional[Mapping[str, object]] = None,
          template_checker: Optional[TemplateChecker] = None) -> list[TickError]:
    """Every semantic error and warning in `program`, sorted by position.

    `vars` gives values for template vars (`var x float`), as `define -vars` does; without a value
    such a var is a warning. `template_checker`, when given, compiles the alert templates.
    """
    checker = _Checker(source_name, vars or {}, template_checker)
    checker.run(program)
    return sorted(checker.problems, key=lambda e: (e.line, e.column, e.severity != ERROR))


class _Checker:
    def __init__(self, source_name: str, vars: Mapping[str, object],
                 template_checker: Optional[TemplateChecker]) -> None:
        self.source_name = source_name
        self.vars = vars
        self.template_checker = template_checker
        self.problems: list[TickError] = []
        self.scope: dict[str, Variable] = {}
        self.alerts: list[AlertRecord] = []
        # The task is a stream or a batch task: the first of the two names the script uses decides.
        self.task_source: Optional[str] = None
        self.first_source_use: Optional[ast.Node] = None

    # -- reporting -----------------------------------------------------------------------------

    def error(self, node: ast.Node, message: str) -> None:
        self.problems.append(TickError(message, node.line, node.column, self.source_name, ERROR))

    def warning(self, node: ast.Node, message: str) -> None:
        self.problems.append(TickError(message, node.line, node.column, self.source_name, WARNING))

    # -- statements ------------------------------------------------------------------------------

    def run(self, program: ast.Program) -> None:
        for statement in program.statements:
            self.statement(statement)
        self.final_warnings()

    def statement(self, node: ast.Node) -> None:
        if isinstance(node, ast.Declaration):
            self.declaration(node)
        elif isinstance(node, ast.TypeDeclaration):
            self.type_declaration(node)
        elif isinstance(node, (ast.DBRP, ast.Comment)):
            return
        else:
            value = self.expression(node)
            if isinstance(node, ast.Function) and node.kind == ast.GLOBAL and value.kind != UNKNOWN:
                self.warning(node, f"the result of {node.name}() is not used")

    def declaration(self, node: ast.Declaration) -> None:
        name = node.name.name
        call = node.value
        if isinstance(call, ast.Function) and call.kind == ast.GLOBAL and call.name != "time":
            # tick/eval.go binds an unbound function and calls it where the var is used: an
            # unknown global function is an error there, and none if the var is never used.
            for arg in call.args:
                if not self.unbound_call(arg):
                    self.expression(arg)
            value = Value(UNBOUND_CALL, source=call)
        elif self.unbound_call(call):  # a copy, which does not call it either
            value = self.scope[call.name].value
        else:
            value = self.expression(node.value)
        if name in self.scope or name in cat.SOURCES or name in cat.GLOBAL_FUNCTIONS:
            self.error(node.name, f"attempted to redefine {name}, vars are immutable")
            return
        if name in self.vars:
            value = self.supplied_var(node, name, value.kind) or value
        self.scope[name] = Variable(value, node)

    def unbound_call(self, node: ast.Node) -> bool:
        """True for a var holding an unbound call (marked used): passing it on calls nothing."""
        variable = self.scope.get(node.name) if isinstance(node, ast.Identifier) else None
        if variable is None or variable.value.kind != UNBOUND_CALL:
            return False
        variable.used = True
        return True

    def type_declaration(self, node: ast.TypeDeclaration) -> None:
        name, type_name = node.name.name, node.type.name
        kind = TEMPLATE_VAR_TYPES.get(type_name)
        if kind is None:
            self.error(node.type, f'invalid var type "{type_name}"'
                       + _suggestion(type_name, TEMPLATE_VAR_TYPES))
            kind = UNKNOWN
        if name in self.scope or name in cat.SOURCES:
            self.error(node.name, f"attempted to redefine {name}, vars are immutable")
            return
        value = Value(kind)
        if name in self.vars:
            value = self.supplied_var(node, name, kind) or value
        elif kind != UNKNOWN:
            self.warning(node, f'template var "{name}" ({type_name}) has no value: Kapacitor accepts '
                         "this script only as a template, with the value given by "
                         "`define -vars` (tickpy: pass --var)")
        self.scope[name] = Variable(value, node, is_template=True)

    def supplied_var(self, node: ast.Node, name: str, expected: str) -> Optional[Value]:
        """The value `vars` gives `name`, or None when it gives none usable (reported)."""
        supplied = _kind_of_python_value(self.vars[name])
        if supplied is None or expected == UNKNOWN:
            return None
        if supplied != expected:
            self.error(node, f"invalid type supplied for {name}, got {supplied} exp {expected}")
            return None
        value = self.vars[name]
        return Value(expected, constant=value if expected in _OPERAND_TYPES else NOT_CONSTANT)

    # -- expressions outside lambdas -------------------------------------------------------------

    def expression(self, node: ast.Node) -> Value:
        if isinstance(node, ast.Number):
            return Value(cat.INT if node.is_int else cat.FLOAT, source=node, constant=node.value)
        if isinstance(node, ast.Duration):
            return Value(cat.DURATION, source=node, constant=Duration(node.nanoseconds))
        if isinstance(node, ast.String):
            return Value(cat.STRING, source=node, constant=node.value)
        if isinstance(node, ast.Bool):
            return Value(cat.BOOL, source=node, constant=node.value)
        if isinstance(node, ast.Regex):
            return Value(cat.REGEX, source=node, constant=node)
        if isinstance(node, ast.Star):
            return Value(cat.STAR, source=node)
        if isinstance(node, ast.Reference):
            return Value(REFERENCE, source=node)
        if isinstance(node, ast.Lambda):
            self.lambda_expression(node.expression)
            return Value(cat.LAMBDA, source=node, constant=node)
        if isinstance(node, ast.List):
            return Value(cat.LIST, source=node, items=tuple(self.expression(i) for i in node.items))
        if isinstance(node, ast.Identifier):
            return self.lookup(node)
        if isinstance(node, ast.Unary):
            return self.unary(node)
        if isinstance(node, ast.Binary):
            return self.binary_outside_lambda(node)
        if isinstance(node, ast.Function):
            return self.global_function(node)
        if isinstance(node, ast.Chain):
            return self.chain(node)
        return UNKNOWN_VALUE

    def lookup(self, node: ast.Identifier) -> Value:
        name = node.name
        if name in cat.SOURCES:
            if self.task_source is None:
                self.task_source, self.first_source_use = name, node
            if name != self.task_source:
                first = self.first_source_use
                self.error(node, f'name "{name}" is undefined: a task is either a stream or a batch '
                           f'task, and this script already reads from "{self.task_source}"'
                           + (f" (line {first.line})" if first else ""))
                return UNKNOWN_VALUE
            edge = cat.STREAM if name == "stream" else cat.BATCH
            return Value(cat.NODE, node_type=cat.SOURCES[name], edge=edge)
        variable = self.scope.get(name)
        if variable is None:
            self.error(node, self.undefined_message(name))
            return UNKNOWN_VALUE
        variable.used = True
        if variable.value.kind == UNBOUND_CALL:  # reported once, at the call, as Kapacitor does
            self.global_function(variable.value.source)
            variable.value = UNKNOWN_VALUE
        return variable.value

    def undefined_message(self, name: str) -> str:
        in_scope = list(self.scope) + [self.task_source or "stream"] + list(cat.GLOBAL_FUNCTIONS)
        message = f'name "{name}" is undefined. Names in scope: {",".join(in_scope)}'
        hint = _suggestion(name, [n for n in in_scope if n not in cat.GLOBAL_FUNCTIONS])
        if hint:
            return message + hint
        return message + f"; if you meant the string '{name}', put it in single quotes"

    def unary(self, node: ast.Unary) -> Value:
        operand = self.expression(node.operand)
        if operand.kind == UNKNOWN:
            return operand
        constant = operand.constant
        if node.operator == "-" and operand.kind in (cat.INT, cat.FLOAT, cat.DURATION):
            if constant is not NOT_CONSTANT:
                constant = Duration(-constant) if operand.kind == cat.DURATION else -constant
            return Value(operand.kind, source=node, constant=constant)
        if node.operator == "!" and operand.kind == cat.BOOL:
            return Value(cat.BOOL, source=node,
                         constant=constant if constant is NOT_CONSTANT else not constant)
        # Kapacitor's text (tick/eval.go evalUnary), its misspelling included, so that a
        # search for the message finds Kapacitor's issues about it.
        self.error(node, f"invalid arugument to '{node.operator}' {_go_value_text(operand)}")
        return UNKNOWN_VALUE

    def binary_outside_lambda(self, node: ast.Binary) -> Value:
        """Kapacitor evaluates an expression outside a lambda once, when it defines the task,
        with the lambda evaluator and no point (tick/eval.go): names are the vars' values,
        functions are the lambda functions (`string(d)`, `int()`), and a field reference is an
        undefined name (the usual cause: a missing `lambda:`). tickpy evaluates it the same way;
        a var known only by its kind (a template var without a value) stands in with a sample
        value of that kind, so only the type errors are reported then."""
        references = [n for n in ast.walk(node) if isinstance(n, ast.Reference)]
        if references:
            ref = references[0]
            self.error(ref, f'name "{ref.name}" is undefined: a "double-quoted" field reference reads '
                       "a point's field only inside a lambda; did you forget `lambda:` before the "
                       "expression?")
            return UNKNOWN_VALUE
        variables: dict[str, object] = {}
        all_known = True
        for identifier in (n for n in ast.walk(node) if isinstance(n, ast.Identifier)):
            value = self.lookup(identifier)
            if value.kind == UNKNOWN:
                return UNKNOWN_VALUE
            if value.is_node:
                self.error(identifier, f'"{identifier.name}" is a pipeline node and cannot be used in '
                           "an expression")
                return UNKNOWN_VALUE
            if value.constant is NOT_CONSTANT:
                if value.kind not in _SAMPLES:
                    return UNKNOWN_VALUE
                variables[identifier.name] = _SAMPLES[value.kind]
                all_known = False
            else:
                variables[identifier.name] = value.constant
        # Imported here, as few scripts have such expressions (keeps lint's start quick).
        from tickpy.expr.constant import compile_constant

        try:
            evaluate = compile_constant(node, variables, self.source_name)
        except TickError as problem:  # wrong whatever the values
            self.problems.append(problem)
            return UNKNOWN_VALUE
        try:
            result = evaluate()
        except TickError as problem:  # with a sample value, only a type error is certain
            if all_known or problem.message.startswith(_TYPE_ERRORS):
                self.problems.append(problem)
            return UNKNOWN_VALUE
        kind = _kind_of_python_value(result)
        if kind is None:
            return UNKNOWN_VALUE
        return Value(kind, source=node, constant=result if all_known else NOT_CONSTANT)

    def global_function(self, node: ast.Function) -> Value:
        if node.name == "time":
            args = [self.expression(a) for a in node.args]
            kinds = [a.kind for a in args]
            if UNKNOWN not in kinds and (not 1 <= len(kinds) <= 2 or any(k != cat.DURATION for k in kinds)):
                self.error(node, "time() takes a duration and an optional offset duration, "
                           "e.g. groupBy(time(1m), 'host')")
            return Value(TIME_DIMENSION, source=node)
        self.error(node, f'no global function "{node.name}" defined'
                   + _suggestion(node.name, cat.GLOBAL_FUNCTIONS))
        return UNKNOWN_VALUE

    # -- chains: |node(), .property(), @udf() ------------------------------------------------------

    def chain(self, node: ast.Chain) -> Value:
        left = self.expression(node.left)
        right = node.right
        if left.kind == UNKNOWN:
            self.arguments_quietly(right)
            return UNKNOWN_VALUE
        if isinstance(right, ast.Identifier):
            return self.bare_property(node, left, right)
        if not isinstance(right, ast.Function):
            return UNKNOWN_VALUE
        if not left.is_node:
            self.error(right, f'cannot call {node.operator}{right.name}() on '
                       f'{KIND_WORDS.get(left.kind, left.kind)}: only pipeline nodes have '
                       "chaining methods and properties")
            self.arguments_quietly(right)
            return UNKNOWN_VALUE
        node_type = cat.node_type(left.node_type)
        if right.kind == ast.DYNAMIC or node.operator == "@":
            return self.udf(right, left)
        if right.kind == ast.PROPERTY or node.operator == ".":
            return self.property_call(right, left, node_type)
        return self.chaining_call(right, left, node_type)

    def arguments_quietly(self, node: ast.Node) -> None:
        """Walk arguments for their own problems (undefined names, lambdas) after an error."""
        if isinstance(node, ast.Function):
            for arg in node.args:
                self.expression(arg)

    def bare_property(self, node: ast.Chain, left: Value, right: ast.Identifier) -> Value:
        if not left.is_node:
            self.error(right, f"{KIND_WORDS.get(left.kind, left.kind)} has no property {right.name}")
            return UNKNOWN_VALUE
        node_type = cat.node_type(left.node_type)
        if node_type.property(right.name) is None and not node_type.open_properties:
            self.error(right, f"object {node_type.go_name} has no property {right.name}"
                       + _suggestion(right.name, node_type.property_names()))
            return UNKNOWN_VALUE
        self.warning(right, f".{right.name} without parentheses only reads the property and changes "
                     f"nothing; did you mean .{right.name}(...)?")
        return UNKNOWN_VALUE

    def chaining_call(self, call: ast.Function, left: Value, node_type: cat.NodeType) -> Value:
        method = node_type.chaining_method(call.name)
        if method is None:
            self.unknown_chaining_method(call, left, node_type)
            self.arguments_quietly(call)
            return UNKNOWN_VALUE
        args = self.arguments(call)
        self.check_arguments(call, node_type, method, args)
        if call.name.lower() == "groupby":
            self.check_dimensions(call, args, allow_time=False)
        if method.wants and left.edge and left.edge != method.wants:
            self.error(call, f"cannot {cat.lookup_key(call.name)} {left.edge} edge: {call.name}() needs "
                       f"{method.wants} data, but {left.edge} data arrives here"
                       + _edge_hint(call.name, left.edge))
        elif left.edge == cat.NO_EDGE:
            self.error(call, f"cannot add child no edge expected: nothing can follow "
                       f"{_written_name(node_type.name)}(), which sends no data on")
        edge = left.edge if method.provides == cat.SAME else method.provides
        value = Value(cat.NODE, node_type=method.returns, edge=edge)
        if method.returns == "AlertNode":
            record = AlertRecord(call, has_level=cat.lookup_key(call.name) == "Deadman")
            self.alerts.append(record)
            value.alert = record
        return value

    def unknown_chaining_method(self, call: ast.Function, left: Value, node_type: cat.NodeType) -> None:
        name = call.name
        if node_type.property(name) is not None:
            self.error(call, f'no chaining method "{name}" on {node_type.go_name}, but property does '
                       f"exist. Use '.' operator instead: 'node.{name}(..)'.")
            return
        message = f'no method or property "{name}" on {node_type.go_name}'
        source_hint = _source_hint(name, node_type)
        if source_hint:
            self.error(call, message + source_hint)
            return
        self.error(call, message + _suggestion(name, node_type.chaining_names(),
                                               node_type.property_names(), "."))

    def property_call(self, call: ast.Function, left: Value, node_type: cat.NodeType) -> Value:
        prop = node_type.property(call.name)
        if prop is None:
            if node_type.open_properties:
                for arg in call.args:
                    self.expression(arg)
                return left
            if node_type.chaining_method(call.name) is not None:
                self.error(call, f'no property method "{call.name}" on {node_type.go_name}, but chaining '
                           f"method does exist. Use '|' operator instead: 'node|{call.name}(..)'.")
            else:
                hint = _suggestion(call.name, node_type.property_names(), node_type.chaining_names(), "|")
                self.error(call, f'no method or property "{call.name}" on {node_type.go_name}'
                           + (hint or _owner_hint(call.name)))
            self.arguments_quietly(call)
            return UNKNOWN_VALUE
        args = self.arguments(call)
        self.check_arguments(call, node_type, prop, args)
        if prop.extension:
            self.warning(call, prop.extension)
        key = cat.lookup_key(call.name)
        if key == "GroupBy":
            self.check_dimensions(call, args, allow_time=node_type.name == "QueryNode")
        self.note_alert_property(call, key, left, node_type, prop)
        self.check_templates(call, key, node_type, args)
        if prop.returns:
            return Value(cat.NODE, node_type=prop.returns, edge=left.edge, alert=left.alert)
        return left

    def udf(self, call: ast.Function, left: Value) -> Value:
        for arg in call.args:
            self.expression(arg)
        self.warning(call, f"@{call.name}() is a user-defined function: Kapacitor accepts it only when "
                     f"a UDF named {call.name} is configured ([udf.functions.{call.name}]); tickpy "
                     "cannot check its options or run it")
        return Value(cat.NODE, node_type="UDFNode", edge=None)

    # -- arguments -----------------------------------------------------------------------------

    def arguments(self, call: ast.Function) -> Optional[list[tuple[ast.Node, Value]]]:
        """Evaluate a call's arguments; a single list argument is spread, as Kapacitor does.
        None when the arguments cannot be known (a template var list)."""
        args = [(arg, self.expression(arg)) for arg in call.args]
        if len(args) == 1 and args[0][1].kind == cat.LIST:
            node, value = args[0]
            if isinstance(node, ast.List):
                return list(zip(node.items, value.items))
            if not value.items:
                return None
            return [(node, item) for item in value.items]
        return args

    def check_arguments(self, call: ast.Function, node_type: cat.NodeType, method: cat.Property,
                        args: Optional[list[tuple[ast.Node, Value]]]) -> None:
        if args is None:
            return
        if not method.accepts_count(len(args)):
            expected = len(method.params)
            wording = f"at least {expected}" if method.variadic else str(expected)
            self.error(call, f'wrong number of arguments to "{call.name}" on {node_type.go_name}: '
                       f"expected {wording}, got {len(args)}")
            return
        for index, (_, value) in enumerate(args):
            expected = method.params[index] if index < len(method.params) else method.variadic
            problem = _argument_problem(expected, value)
            if problem:
                # At the call, not the argument: tick/eval.go reports "error calling func" there.
                self.error(call,
                           f'wrong argument {index + 1} to "{call.name}" on {node_type.go_name}: '
                           + problem)

    def check_dimensions(self, call: ast.Function, args: Optional[list[tuple[ast.Node, Value]]],
                         allow_time: bool) -> None:
        if args is None:
            return
        kinds = [value.kind for _, value in args]
        if UNKNOWN in kinds:
            return
        for node, value in args:
            if value.kind == cat.STRING and isinstance(value.source, ast.String) and not value.source.value:
                self.error(node, "dimensions cannot not be the empty string")
            elif value.kind == TIME_DIMENSION and not allow_time:
                self.error(node, "invalid dimension: time() grouping belongs to a batch query's "
                           "groupBy; a stream is windowed with |window() instead")
            elif value.kind not in (cat.STRING, cat.STAR, TIME_DIMENSION, REFERENCE):
                self.error(node, f"invalid dimension: {KIND_WORDS.get(value.kind, value.kind)}; "
                           "give tag names as 'strings' or *")
        if cat.STAR in kinds and len(kinds) > 1:
            self.error(call, "cannot group by both '*' and named dimensions.")

    # -- alerts ----------------------------------------------------------------------------------

    def note_alert_property(self, call: ast.Function, key: str, left: Value, node_type: cat.NodeType,
                            prop: cat.Property) -> None:
        record = left.alert
        if record is None:
            return
        if key in LEVEL_PROPERTIES:
            record.has_level = True
        elif (prop.returns or "").endswith("Handler") or prop is cat.ALERT_PROPERTIES["topic"]:
            record.handlers.append(call)
        elif key == "StateChangesOnly":
            record.state_changes_only = call
        elif key == "Flapping":
            record.flapping = call

    def check_templates(self, call: ast.Function, key: str, node_type: cat.NodeType,
                        args: Optional[list[tuple[ast.Node, Value]]]) -> None:
        if self.template_checker is None or args is None:
            return
        is_alert_template = key in ("Id", "Message", "Details") and (
            node_type.name in ("AlertNode", "AlertNodeData") or node_type.is_handler)
        is_embed_title = key == "EmbedTitle" and node_type.name == "DiscordHandler"
        if not (is_alert_template or is_embed_title) or len(args) != 1:
            return
        node = args[0][1].source  # the literal, also when it was given through a var
        if not isinstance(node, ast.String):
            return
        try:
            self.template_checker(call.name, node.value)
        except Exception as problem:  # the template module's own error type
            line, column = _position_in_string(node, getattr(problem, "offset", None))
            message = getattr(problem, "message", None) or str(problem)
            self.problems.append(TickError(f"template error in .{call.name}(): {message}", line, column,
                                           self.source_name, ERROR))

    # -- inside lambdas --------------------------------------------------------------------------

    def lambda_expression(self, node: ast.Node) -> None:
        if isinstance(node, ast.Identifier):
            self.lambda_identifier(node)
        elif isinstance(node, ast.Function):
            self.lambda_function(node)
        elif isinstance(node, ast.Unary):
            self.lambda_expression(node.operand)
        elif isinstance(node, ast.Binary):
            self.lambda_expression(node.left)
            self.lambda_expression(node.right)
            self.string_compared_with_number(node)
        elif isinstance(node, ast.Lambda):
            self.lambda_expression(node.expression)
        elif isinstance(node, (ast.Star, ast.List)):
            self.error(node, f"{'*' if isinstance(node, ast.Star) else 'a list'} cannot be used "
                       "inside a lambda expression")

    def lambda_identifier(self, node: ast.Identifier) -> None:
        """An unquoted name in a lambda is a var, resolved when the task is defined."""
        name = node.name
        variable = self.scope.get(name)
        if name in cat.SOURCES or (variable is not None and variable.value.is_node):
            if variable is not None:
                variable.used = True
            self.error(node, f'"{name}" is a pipeline node and cannot be used inside a lambda')
            return
        if variable is None:
            self.error(node, f'name "{name}" is undefined: inside a lambda an unquoted name is a var; '
                       f'for the field or tag write "{name}" in double quotes')
            return
        variable.used = True
        if variable.value.kind == cat.LIST:  # ast.ValueToLiteralNode has no list literal
            self.error(node, f'var "{name}" is a list, which cannot be used inside a lambda')

    def lambda_function(self, node: ast.Function) -> None:
        for arg in node.args:
            self.lambda_expression(arg)
        arity = cat.LAMBDA_FUNCTIONS.get(node.name)
        if arity is None and node.name in cat.EXTENSION_FUNCTIONS:
            self.warning(node, f"{node.name}() is not one of Kapacitor's lambda functions: Kapacitor "
                         "defines the task but fails to start it with "
                         f'undefined function: "{node.name}"')
            arity = cat.EXTENSION_FUNCTIONS[node.name]
        if arity is None:
            self.error(node, f'undefined function: "{node.name}"'
                       + _suggestion(node.name, cat.LAMBDA_FUNCTIONS))
            return
        low, high = arity
        if not low <= len(node.args) <= high:
            wanted = str(low) if low == high else f"{low} to {high}"
            self.error(node, f"{node.name}() takes {wanted} argument{'s' if wanted != '1' else ''}, "
                       f"got {len(node.args)}")

    def string_compared_with_number(self, node: ast.Binary) -> None:
        if node.operator not in COMPARISONS:
            return
        for string, other in ((node.left, node.right), (node.right, node.left)):
            if isinstance(string, ast.String) and _is_number_literal(other):
                self.warning(string, f"'{string.value}' is a string literal, compared here with a "
                             f'number, so this never matches; for the field write "{string.value}" '
                             "in double quotes")

    # -- end of script -----------------------------------------------------------------------------

    def final_warnings(self) -> None:
        for record in self.alerts:
            if record.handlers and not record.has_level:
                self.warning(record.node, "alert has handlers but no level expression "
                             "(.crit(), .warn() or .info()), so it never triggers")
            if record.state_changes_only is not None and record.flapping is not None:
                later = max(record.state_changes_only, record.flapping, key=lambda n: (n.line, n.column))
                self.warning(later, ".stateChangesOnly() together with .flapping(): events are dropped "
                             "while the alert flaps and unchanged ones after it, so a state change "
                             "during a flap is never sent; one of the two is usually enough")
        for name, variable in self.scope.items():
            if not variable.used and not variable.value.is_node:
                self.warning(variable.declaration, f'var "{name}" is declared but never used')


# ---------------------------------------------------------------------------------------------
# Helpers


def _argument_problem(expected: Optional[str], value: Value) -> Optional[str]:
    """Why `value` cannot be passed where `expected` is wanted, or None when it can."""
    got = value.kind
    if expected is None or got == UNKNOWN or expected == got:
        return None
    if got == REFERENCE:
        name = value.source.name if isinstance(value.source, ast.Reference) else "..."
        if expected == cat.LAMBDA:
            return (f'a field reference "{name}" was given where a lambda expression is expected; '
                    f'write lambda: "{name}" ...')
        return (f'cannot assign the field reference "{name}" here: double quotes mean a field inside a '
                f"lambda; for a string use single quotes: '{name}'")
    if expected == cat.ANY:
        return None
    if expected == cat.INT_OR_DURATION and got in (cat.INT, cat.DURATION):
        return None
    literal = _literal_text(value.source)
    given = KIND_WORDS.get(got, got) + (f" ({literal})" if literal else "")
    return f"{given} was given where {KIND_WORDS.get(expected, expected)} is expected" + _type_hint(expected, value)


def _type_hint(expected: str, value: Value) -> str:
    source = value.source
    if expected == cat.DURATION and isinstance(source, ast.String) and DURATION_TEXT.match(source.value):
        return f"; write {source.value} without quotes"
    if expected == cat.DURATION and value.kind == cat.INT:
        return "; a duration needs a unit, e.g. 10s or 5m"
    if expected == cat.FLOAT and value.kind == cat.INT and isinstance(source, ast.Number):
        return f"; Kapacitor does not convert integers here, write {source.value}.0"
    if expected == cat.FLOAT and value.kind == cat.INT:
        return "; Kapacitor does not convert integers here, write the number with a decimal point"
    if expected == cat.LAMBDA:
        return "; write lambda: followed by the expression"
    if expected == cat.STRING and value.kind in (cat.INT, cat.FLOAT, cat.DURATION, cat.BOOL):
        return "; put the value in single quotes"
    return ""


def _literal_text(node: Optional[ast.Node]) -> str:
    if isinstance(node, ast.String):
        return f"'{node.value}'" if "\n" not in node.value and len(node.value) <= 40 else ""
    if isinstance(node, ast.Number):
        return str(node.value)
    if isinstance(node, ast.Duration):
        return node.literal
    if isinstance(node, ast.Bool):
        return "TRUE" if node.value else "FALSE"
    return ""


def _is_number_literal(node: ast.Node) -> bool:
    if isinstance(node, ast.Unary) and node.operator == "-":
        node = node.operand
    return isinstance(node, (ast.Number, ast.Duration))


def _go_value_text(value: Value) -> str:
    """The operand as Go's `%v` prints it, for a literal or a computed value (directly or through
    a var); other values (nodes, lambdas, lists) print as Go pointers there, so they are named by
    kind."""
    constant = value.constant
    if isinstance(constant, ast.Regex):
        return constant.pattern
    if type(constant) in (bool, int, float, str, Duration):
        from tickpy.template.gofmt import sprint_value  # only on this error: keeps lint cold start small
        return sprint_value(constant)
    return KIND_WORDS.get(value.kind, value.kind)


def _suggestion(name: str, candidates: Iterable[str], others: Iterable[str] = (),
                other_operator: str = "") -> str:
    """`; did you mean "x"?` for the closest candidate, or a hint to use the other operator."""
    candidates = list(candidates)
    best = _closest(name, candidates)
    if best is not None:
        return f'; did you mean "{best}"?'
    other = _closest(name, list(others))
    if other is not None and other_operator:
        return f'; did you mean {other_operator}{other}()?'
    return ""


def _closest(name: str, candidates: list[str]) -> Optional[str]:
    by_lower = {c.lower(): c for c in candidates}
    if name.lower() in by_lower:
        return by_lower[name.lower()]
    matches = difflib.get_close_matches(name.lower(), list(by_lower), n=1, cutoff=0.75)
    return by_lower[matches[0]] if matches else None


def _source_hint(name: str, node_type: cat.NodeType) -> str:
    key = cat.lookup_key(name)
    if node_type.name in cat.NODE_ONLY_TYPES:
        return f"; {_written_name(node_type.name)}() ends a pipeline: it sends no data on"
    if node_type.name == "StreamNode" and key in ("Query", "QueryFlux"):
        return f"; {name}() reads from InfluxDB in a batch task: write batch|{name}(...)"
    if node_type.name == "BatchNode" and key == "From":
        return "; from() selects points of a stream task: write stream|from(), or batch|query('SELECT ...')"
    if node_type.name in ("StreamNode", "BatchNode") and key in {
            cat.lookup_key(n) for n in cat.CHAINING_METHODS}:
        first = "from()" if node_type.name == "StreamNode" else "query(...)"
        source = "stream" if node_type.name == "StreamNode" else "batch"
        return f"; {source} only has |{first} (and stats/deadman): write {source}|{first}|{name}(...)"
    return ""


def _owner_hint(name: str) -> str:
    """`; .crit() is a property of |alert()` when another node has the property."""
    key = cat.lookup_key(name)
    owners = [method_name for method_name, method in cat.CHAINING_METHODS.items()
              if method.returns in cat.NODE_TYPES and key in cat.node_type(method.returns).properties]
    if not owners or len(owners) > 3:
        return ""
    written = " or ".join(f"|{owner}()" for owner in owners)
    return f"; .{name}() is a property of {written}"


def _written_name(type_name: str) -> str:
    """How a node type is created in a script: InfluxDBOutNode -> influxDBOut."""
    name = type_name[:-len("Node")] if type_name.endswith("Node") else type_name
    return name[:1].lower() + name[1:]


def _edge_hint(name: str, edge: str) -> str:
    if cat.lookup_key(name) == "Window" and edge == cat.BATCH:
        return "; batch data is already windowed by the query's period/every"
    return ""


def _position_in_string(node: ast.String, offset: Optional[int]) -> tuple[int, int]:
    """Source line and column of character `offset` inside a string literal's value."""
    if not isinstance(offset, int) or offset < 0:
        return node.line, node.column
    quote = 3 if node.triple_quoted else 1
    before = node.value[:offset]
    if "\n" in before:
        return node.line + before.count("\n"), len(before) - before.rfind("\n")
    return node.line, node.column + quote + offset


def _kind_of_python_value(value: object) -> Optional[str]:
    from tickpy.data.values import Duration

    if isinstance(value, bool):
        return cat.BOOL
    if isinstance(value, Duration):
        return cat.DURATION
    if isinstance(value, int):
        return cat.INT
    if isinstance(value, float):
        return cat.FLOAT
    if isinstance(value, str):
        return cat.STRING
    if isinstance(value, (list, tuple)):
        return cat.LIST
    if isinstance(value, re.Pattern):
        return cat.REGEX
    return None
