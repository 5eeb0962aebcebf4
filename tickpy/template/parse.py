"""Parse a Go text/template into a tree of `tickpy.template.nodes`.

The grammar and the error messages are Go's (text/template/parse), so a template Kapacitor
rejects is rejected here with the same words, e.g. `template: id:1: unexpected "}" in operand`.
Each error also carries the character offset of the token at fault.
"""

from __future__ import annotations

from tickpy.template.errors import TemplateError
from tickpy.template.lex import Token, tokenize
from tickpy.template.nodes import (ActionNode, BoolNode, BranchNode, BreakNode, ChainNode, CommandNode,
                                   CommentNode, ContinueNode, DotNode, ElseNode, EndNode, FieldNode,
                                   IdentifierNode, ListNode, NilNode, NumberNode, PipeNode, StringNode,
                                   TemplateNode, TextNode, VariableNode)

_OPERAND_STARTS = {"bool", "char_const", "complex", "dot", "field", "identifier", "number", "nil",
                   "raw", "string", "variable", "lparen"}


def parse_template(text: str, name: str, functions: set[str]) -> tuple[ListNode, dict[str, ListNode]]:
    """The tree of `text`, and the trees of the templates it defines (`{{define "x"}}`).

    `functions` are the names callable in the template; calling another is a parse error, as Go
    checks function names when it parses.
    """
    parser = _Parser(text, name, functions)
    root = parser.parse()
    return root, parser.definitions


class _Parser:
    def __init__(self, text: str, name: str, functions: set[str]):
        self.text = text
        self.name = name
        self.functions = functions
        self.tokens = tokenize(text, name)
        self.index = 0
        self.last: Token = self.tokens[0]
        self.furthest = 0  # the furthest token read (peeks included): Go's errors give its line
        self.vars = ["$"]
        self.range_depth = 0
        self.action_line = 0
        self.definitions: dict[str, ListNode] = {}

    # -- token access --------------------------------------------------------------------------
    def next(self) -> Token:
        token = self.peek()
        self.index += 1
        return token

    def backup(self, count: int = 1) -> None:
        self.index -= count

    def peek(self) -> Token:
        index = min(self.index, len(self.tokens) - 1)
        self.furthest = max(self.furthest, index)
        self.last = self.tokens[index]
        return self.last

    def next_non_space(self) -> Token:
        token = self.next()
        while token.kind == "space":
            token = self.next()
        return token

    def peek_non_space(self) -> Token:
        token = self.next_non_space()
        self.backup()
        return token

    # -- errors --------------------------------------------------------------------------------
    def error(self, message: str, token: Token | None = None, pos: int | None = None) -> TemplateError:
        """Go's parse error text (which gives the line of the last token read), and the offset
        of the fault: `pos` if given, else the token's."""
        at = token or self.last
        line = self.tokens[self.furthest].line
        return TemplateError(f"template: {self.name}:{line}: {message}", at.pos if pos is None else pos)

    def unexpected(self, token: Token, context: str) -> TemplateError:
        if token.kind == "error":
            extra = ""
            if self.action_line and self.action_line != token.line:
                extra = f" in action started at {self.name}:{self.action_line}"
                if token.value.endswith(" action"):
                    extra = extra[len(" in action"):]
            return self.error(token.value + extra, token)
        return self.error(f"unexpected {token.describe()} in {context}", token)

    def expect(self, kind: str, context: str) -> Token:
        token = self.next_non_space()
        if token.kind != kind:
            raise self.unexpected(token, context)
        return token

    # -- structure -----------------------------------------------------------------------------
    def parse(self) -> ListNode:
        root = ListNode(self.peek().pos)
        while self.peek().kind != "eof":
            if self.peek().kind == "left":
                self.next()
                if self.next_non_space().kind == "define":
                    self.parse_definition()
                    continue
                self.index = self._rewind_to_left()
            node = self.text_or_action()
            if isinstance(node, (EndNode, ElseNode)):
                raise self.error(f"unexpected {node}", pos=node.pos)
            root.nodes.append(node)
        return root

    def _rewind_to_left(self) -> int:
        index = self.index - 1
        while self.tokens[index].kind != "left":
            index -= 1
        return index

    def parse_definition(self) -> None:
        context = "define clause"
        token = self.next_non_space()
        if token.kind not in ("string", "raw"):
            raise self.unexpected(token, context)
        name = self.unquote(token)
        self.expect("right", context)
        self.definition_body(name, context)

    def definition_body(self, name: str, context: str) -> None:
        """Parse a `define` or `block` body up to its {{end}}, with only `$` in scope, and record it."""
        saved_vars, self.vars = self.vars, ["$"]
        body, end = self.item_list()
        self.vars = saved_vars
        if not isinstance(end, EndNode):
            raise self.error(f"unexpected {end} in {context}")
        self.definitions[name] = body

    def item_list(self) -> tuple[ListNode, object]:
        items = ListNode(self.peek_non_space().pos)
        while self.peek_non_space().kind != "eof":
            node = self.text_or_action()
            if isinstance(node, (EndNode, ElseNode)):
                return items, node
            items.nodes.append(node)
        raise self.error("unexpected EOF")

    def text_or_action(self):
        token = self.next_non_space()
        if token.kind == "text":
            return TextNode(token.pos, token.value)
        if token.kind == "left":
            self.action_line = token.line
            try:
                return self.action()
            finally:
                self.action_line = 0
        if token.kind == "comment":
            return CommentNode(token.pos, token.value)
        raise self.unexpected(token, "input")

    def action(self):
        token = self.next_non_space()
        kind = token.kind
        if kind == "block":
            return self.block_control(token)
        if kind in ("break", "continue"):
            following = self.next_non_space()
            if following.kind != "right":
                raise self.unexpected(following, "{{" + kind + "}}")
            if self.range_depth == 0:
                raise self.error("{{" + kind + "}} outside {{range}}", pos=token.pos)
            return BreakNode(token.pos) if kind == "break" else ContinueNode(token.pos)
        if kind == "else":
            return self.else_control(token)
        if kind == "end":
            self.expect("right", "end")
            return EndNode(token.pos)
        if kind in ("if", "range", "with"):
            return self.branch(kind, token)
        if kind == "template":
            return self.template_control(token)
        self.backup()
        start = self.peek()
        return ActionNode(start.pos, start.line, self.pipeline("command", "right"))

    def else_control(self, token: Token):
        if self.peek_non_space().kind == "if":
            return ElseNode(token.pos)  # "else if": the "if" is left for the caller
        self.expect("right", "else")
        return ElseNode(token.pos)

    def branch(self, keyword: str, token: Token) -> BranchNode:
        saved = len(self.vars)
        try:
            pipe = self.pipeline(keyword, "right")
            if keyword == "range":
                self.range_depth += 1
            body, end = self.item_list()
            if keyword == "range":
                self.range_depth -= 1
            else_body = None
            if isinstance(end, ElseNode):
                if keyword == "if" and self.peek().kind == "if":
                    if_token = self.next()
                    else_body = ListNode(end.pos, [self.branch("if", if_token)])
                else:
                    else_body, end = self.item_list()
                    if not isinstance(end, EndNode):
                        raise self.error(f"expected end; found {end}")
            return BranchNode(pipe.pos, keyword, pipe.line, pipe, body, else_body)
        finally:
            del self.vars[saved:]

    def block_control(self, token: Token) -> TemplateNode:
        context = "block clause"
        name_token = self.next_non_space()
        if name_token.kind not in ("string", "raw"):
            raise self.unexpected(name_token, context)
        name = self.unquote(name_token)
        pipe = self.pipeline(context, "right")
        self.definition_body(name, context)
        return TemplateNode(name_token.pos, name_token.line, name, pipe)

    def template_control(self, token: Token) -> TemplateNode:
        context = "template clause"
        name_token = self.next_non_space()
        if name_token.kind not in ("string", "raw"):
            raise self.unexpected(name_token, context)
        name = self.unquote(name_token)
        pipe = None
        if self.next_non_space().kind != "right":
            self.backup()
            pipe = self.pipeline(context, "right")
        return TemplateNode(name_token.pos, name_token.line, name, pipe)

    # -- pipelines -----------------------------------------------------------------------------
    def pipeline(self, context: str, end: str) -> PipeNode:
        start = self.peek_non_space()
        pipe = PipeNode(start.pos, start.line)
        self.declarations(pipe, context)
        while True:
            token = self.next_non_space()
            if token.kind == end:
                self.check_pipeline(pipe, context)
                return pipe
            if token.kind in _OPERAND_STARTS:
                self.backup()
                pipe.commands.append(self.command())
            else:
                raise self.unexpected(token, context)

    def declarations(self, pipe: PipeNode, context: str) -> None:
        """`$x :=`, `$x =`, or in a range `$k, $v :=` at the start of a pipeline."""
        while True:
            variable = self.peek_non_space()
            if variable.kind != "variable":
                return
            mark = self.index
            self.next_non_space()
            following = self.peek_non_space()
            if following.kind in ("assign", "declare"):
                pipe.is_assign = following.kind == "assign"
                self.next_non_space()
                pipe.declarations.append(VariableNode(variable.pos, (variable.value,)))
                self.vars.append(variable.value)
                return
            if following.kind == "char" and following.value == ",":
                self.next_non_space()
                pipe.declarations.append(VariableNode(variable.pos, (variable.value,)))
                self.vars.append(variable.value)
                if context == "range" and len(pipe.declarations) < 2:
                    if self.peek_non_space().kind in ("variable", "right", "rparen"):
                        continue
                    raise self.error("range can only initialize variables", pos=self.peek_non_space().pos)
                raise self.error(f"too many declarations in {context}", pos=self.peek_non_space().pos)
            self.index = mark
            return

    def check_pipeline(self, pipe: PipeNode, context: str) -> None:
        if not pipe.commands:
            raise self.error(f"missing value for {context}", pos=pipe.pos)
        for stage, command in enumerate(pipe.commands[1:], start=2):
            if isinstance(command.args[0], (BoolNode, DotNode, NilNode, NumberNode, StringNode)):
                raise self.error(f"non executable command in pipeline stage {stage}", pos=command.pos)

    def command(self) -> CommandNode:
        command = CommandNode(self.peek_non_space().pos)
        while True:
            self.peek_non_space()
            operand = self.operand()
            if operand is not None:
                command.args.append(operand)
            token = self.next()
            if token.kind == "space":
                continue
            if token.kind in ("right", "rparen"):
                self.backup()
            elif token.kind != "pipe":
                raise self.unexpected(token, "operand")
            break
        if not command.args:
            raise self.error("empty command")
        return command

    def operand(self):
        node = self.term()
        if node is None:
            return None
        if self.peek().kind == "field":
            start = self.peek().pos
            names = []
            while self.peek().kind == "field":
                names.append(self.next().value[1:])
            if isinstance(node, FieldNode):
                return FieldNode(start, node.names + tuple(names))
            if isinstance(node, VariableNode):
                return VariableNode(start, node.names + tuple(names))
            if isinstance(node, (BoolNode, StringNode, NumberNode, NilNode, DotNode)):
                from tickpy.template.gofmt import go_quote
                raise self.error(f"unexpected . after term {go_quote(str(node))}")
            return ChainNode(start, node, tuple(names))
        return node

    def term(self):
        token = self.next_non_space()
        kind = token.kind
        if kind == "identifier":
            if token.value not in self.functions:
                raise self.error(f'function "{token.value}" not defined', token)
            return IdentifierNode(token.pos, token.value)
        if kind == "dot":
            return DotNode(token.pos)
        if kind == "nil":
            return NilNode(token.pos)
        if kind == "variable":
            if token.value not in self.vars:
                raise self.error(f'undefined variable "{token.value}"', token)
            return VariableNode(token.pos, (token.value,))
        if kind == "field":
            return FieldNode(token.pos, (token.value[1:],))
        if kind == "bool":
            return BoolNode(token.pos, token.value == "true")
        if kind in ("char_const", "complex", "number"):
            return NumberNode(token.pos, token.value, self.number_value(token))
        if kind == "lparen":
            return self.pipeline("parenthesized pipeline", "rparen")
        if kind in ("string", "raw"):
            return StringNode(token.pos, token.value, self.unquote(token))
        self.backup()
        return None

    # -- literals ------------------------------------------------------------------------------
    def unquote(self, token: Token) -> str:
        from tickpy.template.literals import unquote_go_string
        try:
            return unquote_go_string(token.value)
        except ValueError:
            raise self.error("invalid syntax", token) from None

    def number_value(self, token: Token):
        from tickpy.template.literals import number_constant
        try:
            return number_constant(token.value, token.kind)
        except ValueError as problem:
            raise self.error(str(problem), token) from None
