"""Render a parsed template by walking its tree, with Go's evaluation rules.

What a value is (a struct, a map of strings, a time...) follows `tickpy.template.godata`.
Errors are Go's: `template: message:1:2: executing "message" at <.Foo>: can't evaluate field
Foo in type kapacitor.messageInfo`, with the character offset of the node at fault.
"""

from __future__ import annotations

from tickpy.data.values import Duration, Timestamp
from tickpy.template import methods
from tickpy.template.errors import TemplateError
from tickpy.template.funcs import ANY, STRING, VALUE, CallError, Function, is_true
from tickpy.template.htmlescape import ESCAPERS
from tickpy.template.godata import GoInt, GoStruct, StringMap, go_type_name
from tickpy.template.gofmt import sprint, sprint_value
from tickpy.template.nodes import (ActionNode, BoolNode, BranchNode, BreakNode, ChainNode, CommandNode,
                                   CommentNode, ContinueNode, DotNode, FieldNode, IdentifierNode, ListNode,
                                   NilNode, NumberNode, PipeNode, StringNode, TemplateNode, TextNode,
                                   VariableNode)

_MISSING = object()  # "no piped value" (Go's missingVal)
# Nested {{template}} calls. Go stops at 100,000; Python's stack cannot go that deep, so tickpy
# stops at 100 (in practice only a runaway recursion gets there) and reports Go's words.
_MAX_DEPTH = 100
_GO_MAX_DEPTH = 100_000


class _InterfaceValue:
    """A range element of a []interface{} or map[string]interface{}. Go reports its type as
    `interface {}` when a field lookup on it fails, until a pipeline unwraps it; this box
    carries that static type along as dot or as a range variable."""

    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value


def _unbox(value):
    return value.value if isinstance(value, _InterfaceValue) else value


class _Break(Exception):
    pass


class _Continue(Exception):
    pass


class Renderer:
    """One rendering: the output so far and the variables in scope."""

    def __init__(self, template, data):
        self.template = template
        self.out: list[str] = []
        self.vars: list[list] = [["$", data]]
        self.depth = 0

    # -- errors --------------------------------------------------------------------------------
    def error(self, node, message: str) -> TemplateError:
        text = self.template.text
        name = self.template.name
        if node is None:
            return TemplateError(f"template: {name}: {message}", 0)
        before = text[:node.pos]
        line = before.count("\n") + 1
        column = len(before[before.rfind("\n") + 1:].encode("utf-8"))
        return TemplateError(
            f'template: {name}:{line}:{column}: executing "{name}" at <{node}>: {message}', node.pos)

    # -- walking -------------------------------------------------------------------------------
    def walk(self, dot, node) -> None:
        if isinstance(node, TextNode):
            self.out.append(node.text)
        elif isinstance(node, ActionNode):
            if self.template.html and not node.pipe.declarations:
                self.out.append(self.escaped_action(dot, node))
            else:
                value = self.pipeline(dot, node.pipe)
                if not node.pipe.declarations:
                    self.print_value(value)
        elif isinstance(node, ListNode):
            for child in node.nodes:
                self.walk(dot, child)
        elif isinstance(node, BranchNode):
            if node.keyword == "range":
                self.walk_range(dot, node)
            else:
                self.walk_if_or_with(dot, node)
        elif isinstance(node, CommentNode):
            pass
        elif isinstance(node, BreakNode):
            raise _Break()
        elif isinstance(node, ContinueNode):
            raise _Continue()
        elif isinstance(node, TemplateNode):
            self.walk_template(dot, node)
        else:
            raise self.error(node, f"unknown node: {node}")

    def escaped_action(self, dot, node: ActionNode) -> str:
        """An action's output under html/template: its value through the context's escapers."""
        commands = node.pipe.commands
        if node.drop_last_command:
            last = commands[-1]
            value = self.run_commands(dot, commands[:-1])
            if len(commands) == 1 and len(last.args) > 1:  # `{{html .X}}`: its arguments, printed
                # (html/template's evalArgs: like fmt.Sprint, so nil prints as <nil>)
                arguments = [self.argument(dot, ANY, arg) for arg in last.args[1:]]
                value = arguments[0] if len(arguments) == 1 and isinstance(arguments[0], str) \
                    else sprint(*arguments)
            elif value is _MISSING:
                value = None
        else:
            value = self.pipeline(dot, node.pipe)
        for name in node.escapers:
            value = ESCAPERS[name](value)
        return value

    def print_value(self, value) -> None:
        if value is None:
            self.out.append("<no value>")
        else:
            self.out.append(value if isinstance(value, str) else sprint_value(value))

    def walk_if_or_with(self, dot, node: BranchNode) -> None:
        mark = len(self.vars)
        try:
            value = self.pipeline(dot, node.pipe)
            if is_true(value):
                self.walk(value if node.keyword == "with" else dot, node.body)
            elif node.else_body is not None:
                self.walk(dot, node.else_body)
        finally:
            del self.vars[mark:]

    def walk_range(self, dot, node: BranchNode) -> None:
        mark = len(self.vars)
        try:
            value = self.pipeline(dot, node.pipe)
            if isinstance(value, GoStruct) or not isinstance(value, (dict, list, tuple, type(None))):
                if isinstance(value, int) and not isinstance(value, (bool, Timestamp, Duration)):
                    items = ((GoInt(i), GoInt(i)) for i in range(max(0, int(value))))  # Go 1.24+ ranges over integers
                else:
                    culprit = node.pipe.commands[-1].args[0]  # Go names the last node evaluated
                    raise self.error(culprit, f"range can't iterate over {sprint_value(value)}")
            elif isinstance(value, StringMap):
                items = [(key, value[key]) for key in sorted(value)]
            elif isinstance(value, dict):
                items = [(key, _InterfaceValue(value[key])) for key in sorted(value)]
            elif value is None:
                items = []
            else:
                items = [(GoInt(i), _InterfaceValue(item)) for i, item in enumerate(value)]
            inner_mark = len(self.vars)
            iterated = False
            for key, element in items:
                iterated = True
                declarations = node.pipe.declarations
                if declarations:
                    self.vars[inner_mark - 1][1] = element
                if len(declarations) > 1:
                    self.vars[inner_mark - 2][1] = key
                try:
                    self.walk(element, node.body)
                except _Continue:
                    pass
                except _Break:
                    break
                finally:
                    del self.vars[inner_mark:]
            if not iterated and node.else_body is not None:
                self.walk(dot, node.else_body)
        finally:
            del self.vars[mark:]

    def walk_template(self, dot, node: TemplateNode) -> None:
        body = self.template.definitions.get(node.name)
        if body is None:
            raise self.error(node, f'template "{node.name}" not defined')
        if self.depth >= _MAX_DEPTH:
            raise self.error(node, f"exceeded maximum template depth ({_GO_MAX_DEPTH})")
        value = self.pipeline(dot, node.pipe) if node.pipe is not None else None
        saved_vars = self.vars
        self.vars = [["$", value]]
        self.depth += 1
        try:
            self.walk(value, body)
        finally:
            self.depth -= 1
            self.vars = saved_vars

    # -- pipelines -----------------------------------------------------------------------------
    def pipeline(self, dot, pipe: PipeNode):
        value = self.run_commands(dot, pipe.commands)
        for variable in pipe.declarations:
            if pipe.is_assign:
                self.set_variable(variable, value)
            else:
                self.vars.append([variable.names[0], value])
        return value

    def run_commands(self, dot, commands):
        """Each command's value is the last argument of the next (`a | b c` is `b c a`)."""
        value = _MISSING
        for command in commands:
            value = self.command(dot, command, value)
        return value

    def set_variable(self, variable: VariableNode, value) -> None:
        name = variable.names[0]
        for entry in reversed(self.vars):
            if entry[0] == name:
                entry[1] = value
                return
        raise self.error(variable, f"undefined variable: {name}")

    def variable(self, node, name: str):
        for entry in reversed(self.vars):
            if entry[0] == name:
                return entry[1]
        raise self.error(node, f"undefined variable: {name}")

    def command(self, dot, command: CommandNode, final):
        first = command.args[0]
        if isinstance(first, FieldNode):
            return self.field_chain(dot, dot, first, first.names, command.args, final)
        if isinstance(first, ChainNode):
            receiver = self.argument_value(dot, first.node) if not isinstance(first.node, PipeNode) \
                else self.pipeline(dot, first.node)
            return self.field_chain(dot, receiver, first, first.names, command.args, final)
        if isinstance(first, VariableNode):
            value = self.variable(first, first.names[0])
            if len(first.names) == 1:
                self.not_a_function(first, command.args, final)
                return _unbox(value)
            return self.field_chain(dot, value, first, first.names[1:], command.args, final)
        if isinstance(first, IdentifierNode):
            return self.call_function(dot, first, command, command.args, final)
        if isinstance(first, PipeNode):
            self.not_a_function(first, command.args, final)
            return self.pipeline(dot, first)
        self.not_a_function(first, command.args, final)
        if isinstance(first, BoolNode):
            return first.value
        if isinstance(first, DotNode):
            return _unbox(dot)
        if isinstance(first, NilNode):
            raise self.error(first, "nil is not a command")
        if isinstance(first, NumberNode):
            return first.value
        if isinstance(first, StringNode):
            return first.text
        raise self.error(first, f'can\'t evaluate command "{first}"')

    def not_a_function(self, node, args, final) -> None:
        if len(args) > 1 or final is not _MISSING:
            raise self.error(node, f"can't give argument to non-function {args[0]}")

    # -- fields and methods --------------------------------------------------------------------
    def field_chain(self, dot, receiver, node, names, args, final):
        from_interface = isinstance(receiver, _InterfaceValue)
        receiver = _unbox(receiver)
        for name in names[:-1]:
            receiver, from_interface = (self.field(dot, name, node, None, _MISSING, receiver, from_interface),
                                        _holds_interfaces(receiver))
        return self.field(dot, names[-1], node, args, final, receiver, from_interface)

    def field(self, dot, name: str, node, args, final, receiver, from_interface: bool = False):
        """`.name` of `receiver`: a method, a struct field or a map key.

        `from_interface` says the receiver came out of a map[string]interface{}, whose values Go's
        errors call `interface {}` whatever they hold."""
        if receiver is None:
            return None
        has_args = (args is not None and len(args) > 1) or final is not _MISSING
        method = methods.lookup(receiver, name)
        if method is not None:
            return self.call(dot, method, node, node, name, args, final, receiver)
        if isinstance(receiver, GoStruct):
            if name in receiver:
                if has_args:
                    raise self.error(node, f"{name} has arguments but cannot be invoked as function")
                return receiver[name]
        elif isinstance(receiver, dict):
            if has_args:
                raise self.error(node, f"{name} is not a method but has arguments")
            return receiver.get(name)
        type_name = "interface {}" if from_interface else go_type_name(receiver)
        raise self.error(node, f"can't evaluate field {name} in type {type_name}")

    # -- function calls ------------------------------------------------------------------------
    def call_function(self, dot, identifier: IdentifierNode, command: CommandNode, args, final):
        function = self.template.functions[identifier.name]
        return self.call(dot, function, identifier, command, identifier.name, args, final)

    def call(self, dot, function: Function, name_node, call_node, name: str, args, final, receiver=_MISSING):
        """Evaluate the arguments and call; `args[0]` is the function's own node."""
        arguments = list(args[1:]) if args else []
        given = len(arguments) + (0 if final is _MISSING else 1)
        fixed = len(function.params)
        if function.variadic is not None:
            if given < fixed:
                raise self.error(name_node, f"wrong number of args for {name}: want at least {fixed} got {given}")
        elif given != fixed:
            raise self.error(name_node, f"wrong number of args for {name}: want {fixed} got {given}")

        if function.short_circuit:
            return self.and_or(dot, name, arguments, final)

        values = []
        for position, argument in enumerate(arguments):
            kind = function.params[position] if position < fixed else function.variadic
            values.append(self.argument(dot, kind, argument))
        if final is not _MISSING:
            kind = function.params[-1] if given <= fixed else function.variadic
            values.append(self.validate(call_node, final, kind))
        if receiver is not _MISSING:
            values.insert(0, receiver)
        try:
            return function.call(*values)
        except CallError as problem:
            raise self.error(call_node, f"error calling {name}: {problem}") from None

    def and_or(self, dot, name: str, arguments, final):
        """`and`/`or` stop at the first argument that decides the answer, and return it."""
        stop_when = name == "or"  # `or` stops at a true value, `and` at a false one
        value = None
        pending = list(arguments)
        for index, argument in enumerate(pending):
            value = self.argument(dot, VALUE, argument)
            if is_true(value) == stop_when or (index == len(pending) - 1 and final is _MISSING):
                return value
        return final

    def argument(self, dot, kind: str, node):
        """An argument node evaluated for a parameter of `kind` (Go's evalArg)."""
        if isinstance(node, DotNode):
            return self.validate(node, _unbox(dot), kind)
        if isinstance(node, NilNode):
            if kind in (ANY, VALUE):
                return None
            raise self.error(node, f"cannot assign nil to {_go_param_type(kind)}")
        if isinstance(node, FieldNode):
            return self.validate(node, self.field_chain(dot, dot, node, node.names, [node], _MISSING), kind)
        if isinstance(node, VariableNode):
            value = self.variable(node, node.names[0])
            if len(node.names) > 1:
                value = self.field_chain(dot, value, node, node.names[1:], None, _MISSING)
            return self.validate(node, _unbox(value), kind)
        if isinstance(node, PipeNode):
            return self.validate(node, self.pipeline(dot, node), kind)
        if isinstance(node, IdentifierNode):
            function = self.template.functions[node.name]
            return self.validate(node, self.call(dot, function, node, node, node.name, None, _MISSING), kind)
        if isinstance(node, ChainNode):
            receiver = self.pipeline(dot, node.node) if isinstance(node.node, PipeNode) \
                else self.argument_value(dot, node.node)
            return self.validate(node, self.field_chain(dot, receiver, node, node.names, None, _MISSING), kind)
        literal = self.literal(node)
        if kind == STRING and not isinstance(node, StringNode):
            raise self.error(node, f"expected string; found {node}")
        if kind in (methods.DURATION, methods.INT) and not (isinstance(node, NumberNode)
                                                           and isinstance(literal, int)):
            raise self.error(node, f"expected integer; found {node}")
        if kind == methods.TIME:
            raise self.error(node, f"can't handle {node} for arg of type time.Time")
        return literal

    def argument_value(self, dot, node):
        return self.argument(dot, ANY, node)

    def literal(self, node):
        if isinstance(node, BoolNode):
            return node.value
        if isinstance(node, NumberNode):
            return node.value
        if isinstance(node, StringNode):
            return node.text
        raise self.error(node, f"can't handle {node}")

    def validate(self, node, value, kind: str):
        """Go's validateType: may this value be passed for a parameter of `kind`?"""
        if value is None:
            if kind in (ANY, VALUE):
                return None
            raise self.error(node, f"invalid value; expected {_go_param_type(kind)}")
        if kind == STRING and not isinstance(value, str):
            raise self.error(node, f"wrong type for value; expected string; got {go_type_name(value)}")
        if kind == methods.DURATION and not isinstance(value, Duration):
            raise self.error(node, f"wrong type for value; expected time.Duration; got {go_type_name(value)}")
        if kind == methods.TIME and not isinstance(value, Timestamp):
            raise self.error(node, f"wrong type for value; expected time.Time; got {go_type_name(value)}")
        return value


def _holds_interfaces(value) -> bool:
    return isinstance(value, dict) and not isinstance(value, (GoStruct, StringMap))


def _go_param_type(kind: str) -> str:
    return {VALUE: "reflect.Value", STRING: "string", methods.DURATION: "time.Duration",
            methods.TIME: "time.Time", methods.INT: "int"}.get(kind, kind)
