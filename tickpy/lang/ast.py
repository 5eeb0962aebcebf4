"""The TICKscript abstract syntax tree.

The node kinds follow Kapacitor's own AST (`tick/ast/node.go`), because its formatter (`tickfmt`),
its semantic checks and its evaluator are all defined over those kinds; keeping the same shape lets
us match their behaviour case by case.

Every node carries the 1-based `line` and `column` (counted in characters) where it starts, and
an optional `comment`: the comment lines that stood before the token the node was built from
(Kapacitor attaches comments the same way, and `tickfmt` prints them from there).

`equal()` compares nodes the way Kapacitor's `Equal` does: ignoring positions, comments and how
a value was spelled (line breaks, parentheses, octal, triple quotes, the duration's literal). The
formatter round-trip test relies on it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Optional, Union


@dataclass(eq=False)
class Node:
    line: int
    column: int

    def equal(self, other: object) -> bool:
        """Functional equality: same kind and same values, ignoring positions and comments."""
        if type(self) is not type(other):
            return False
        for f in fields(self):
            if f.name in _PRESENTATION:
                continue
            if not _equal_values(getattr(self, f.name), getattr(other, f.name)):
                return False
        return True


# Fields that record how something was written, not what it means.
_PRESENTATION = {"line", "column", "comment", "multiline", "parens", "octal", "literal", "triple_quoted"}


def _equal_values(a: object, b: object) -> bool:
    if isinstance(a, Node):
        return a.equal(b)
    if isinstance(a, list):
        return isinstance(b, list) and len(a) == len(b) and all(
            _equal_values(x, y) for x, y in zip(a, b)
        )
    return a == b


@dataclass(eq=False)
class Comment(Node):
    """One block of `//` comment lines. A line equal to "\\n" marks a blank line between blocks
    that Kapacitor merged into one comment (see `newComment` in node.go)."""

    lines: list[str]


@dataclass(eq=False)
class Commented(Node):
    comment: Optional[Comment] = field(default=None, kw_only=True)


# ---------------------------------------------------------------------------------------------
# Literals


@dataclass(eq=False)
class Number(Commented):
    """An unsigned number literal; a leading `-` is a Unary node around it, as in Kapacitor."""

    value: Union[int, float]
    is_int: bool
    octal: bool = False  # an integer written with a leading 0 (Kapacitor parses it in base 8)


@dataclass(eq=False)
class Duration(Commented):
    nanoseconds: int
    literal: str  # as written (`5m`, `1d`), which is how tickfmt prints it back


@dataclass(eq=False)
class Bool(Commented):
    value: bool


@dataclass(eq=False)
class String(Commented):
    """A `'...'` or `'''...'''` literal. `value` has the escapes of single-quoted strings removed."""

    value: str
    triple_quoted: bool = False


@dataclass(eq=False)
class Regex(Commented):
    """`/pattern/`; `pattern` is the text between the slashes with `\\/` turned into `/`."""

    pattern: str


@dataclass(eq=False)
class Star(Commented):
    pass


@dataclass(eq=False)
class Reference(Commented):
    """A `"field"` reference. Inside a lambda it reads a field or tag of the point."""

    name: str


@dataclass(eq=False)
class Identifier(Commented):
    name: str


@dataclass(eq=False)
class List(Commented):
    """`[a, 'b', *]`: items are Identifier, String or Star nodes."""

    items: list[Node]


# ---------------------------------------------------------------------------------------------
# Expressions


@dataclass(eq=False)
class Unary(Commented):
    operator: str  # "-" or "!"
    operand: Node


@dataclass(eq=False)
class Binary(Commented):
    operator: str  # one of + - * / % == != < <= > >= =~ !~ AND OR
    left: Node
    right: Node
    parens: bool = False  # written inside parentheses; tickfmt keeps them
    multiline: bool = False  # the source spanned lines between the operands


@dataclass(eq=False)
class Lambda(Commented):
    expression: Node


# Function kinds, named as in Kapacitor's FuncType.
GLOBAL = "global"  # f(x) at statement level or inside a lambda
CHAIN = "chain"  # |node(...)
PROPERTY = "property"  # .property(...)
DYNAMIC = "dynamic"  # @udf(...)


@dataclass(eq=False)
class Function(Commented):
    kind: str  # GLOBAL, CHAIN, PROPERTY or DYNAMIC
    name: str
    args: list[Node]
    multiline: bool = False  # arguments spread over several lines in the source


@dataclass(eq=False)
class Chain(Commented):
    """`left | right`, `left . right` or `left @ right`: a pipeline edge or a property call.

    `right` is a Function, or an Identifier for a bare `.name` property without parentheses.
    The chain's position is the operator's.
    """

    operator: str  # "|", "." or "@"
    left: Node
    right: Node


# ---------------------------------------------------------------------------------------------
# Statements


@dataclass(eq=False)
class Declaration(Commented):
    """`var name = value`."""

    name: Identifier
    value: Node


@dataclass(eq=False)
class TypeDeclaration(Commented):
    """`var name type`: a template variable whose value comes from `define -vars`."""

    name: Identifier
    type: Identifier


@dataclass(eq=False)
class DBRP(Commented):
    """`dbrp "db"."rp"` inside a script."""

    database: Reference
    retention_policy: Reference


@dataclass(eq=False)
class Program(Node):
    """The whole script: statements in order, plus any comments left at the end."""

    statements: list[Node]


def walk(node: Node):
    """Yield `node` and every node below it, depth first, in source order."""
    yield node
    for f in fields(node):
        if f.name == "comment":
            continue
        value = getattr(node, f.name)
        if isinstance(value, Node):
            yield from walk(value)
        elif isinstance(value, list):
            for item in value:
                if isinstance(item, Node):
                    yield from walk(item)
