"""The parse tree of a Go text/template.

Each node keeps `pos`, its character offset in the template text, so an execution error can say
where it happened. `str(node)` gives Go's canonical spelling of the node, which Go's execution
errors quote as their context: `executing "message" at <index .Tags "host">: ...`.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Node:
    pos: int


@dataclass
class ListNode(Node):
    nodes: list = field(default_factory=list)

    def __str__(self) -> str:
        return "".join(str(node) for node in self.nodes)


@dataclass
class TextNode(Node):
    text: str = ""

    def __str__(self) -> str:
        return self.text


@dataclass
class CommentNode(Node):
    text: str = ""

    def __str__(self) -> str:
        return "{{" + self.text + "}}"


@dataclass
class DotNode(Node):
    def __str__(self) -> str:
        return "."


@dataclass
class NilNode(Node):
    def __str__(self) -> str:
        return "nil"


@dataclass
class BoolNode(Node):
    value: bool = False

    def __str__(self) -> str:
        return "true" if self.value else "false"


@dataclass
class NumberNode(Node):
    """A number literal; `value` is what Go's untyped-constant rules make of it in a template:
    an int unless the text has `.`, `e` or `p` (then a float64), or a complex."""

    text: str = ""
    value: object = 0

    def __str__(self) -> str:
        return self.text


@dataclass
class StringNode(Node):
    quoted: str = ""
    text: str = ""

    def __str__(self) -> str:
        return self.quoted


@dataclass
class FieldNode(Node):
    """`.A.B`: fields looked up from dot."""

    names: tuple = ()

    def __str__(self) -> str:
        return "".join("." + name for name in self.names)


@dataclass
class VariableNode(Node):
    """`$x.A.B`: names[0] is the variable (with its `$`), the rest are fields."""

    names: tuple = ()

    def __str__(self) -> str:
        return ".".join(self.names)


@dataclass
class IdentifierNode(Node):
    """A function name."""

    name: str = ""

    def __str__(self) -> str:
        return self.name


@dataclass
class ChainNode(Node):
    """`(pipeline).A.B`: fields looked up from a parenthesised pipeline's value."""

    node: Node = None
    names: tuple = ()

    def __str__(self) -> str:
        base = f"({self.node})" if isinstance(self.node, PipeNode) else str(self.node)
        return base + "".join("." + name for name in self.names)


@dataclass
class CommandNode(Node):
    args: list = field(default_factory=list)

    def __str__(self) -> str:
        return " ".join(f"({arg})" if isinstance(arg, PipeNode) else str(arg) for arg in self.args)


@dataclass
class PipeNode(Node):
    line: int = 1
    is_assign: bool = False
    declarations: list = field(default_factory=list)  # VariableNodes
    commands: list = field(default_factory=list)

    def __str__(self) -> str:
        text = ""
        if self.declarations:
            text = ", ".join(str(var) for var in self.declarations) + " := "
        return text + " | ".join(str(command) for command in self.commands)


@dataclass
class ActionNode(Node):
    line: int = 1
    pipe: PipeNode = None
    # Set by html/template escaping (htmlcontext): escapers for the value, by name, and whether
    # the pipeline's last command (an `html`/`urlquery` call) became one of them.
    escapers: tuple = ("htmlescaper",)
    drop_last_command: bool = False

    def __str__(self) -> str:
        return "{{" + str(self.pipe) + "}}"


@dataclass
class BranchNode(Node):
    """`if`, `range` or `with`, told apart by `keyword`."""

    keyword: str = "if"
    line: int = 1
    pipe: PipeNode = None
    body: ListNode = None
    else_body: ListNode | None = None

    def __str__(self) -> str:
        text = "{{" + self.keyword + " " + str(self.pipe) + "}}" + str(self.body)
        if self.else_body is not None:
            text += "{{else}}" + str(self.else_body)
        return text + "{{end}}"


@dataclass
class BreakNode(Node):
    def __str__(self) -> str:
        return "{{break}}"


@dataclass
class ContinueNode(Node):
    def __str__(self) -> str:
        return "{{continue}}"


@dataclass
class TemplateNode(Node):
    """`{{template "name" pipeline}}`: runs a template defined with `{{define}}`/`{{block}}`."""

    line: int = 1
    name: str = ""
    pipe: PipeNode | None = None

    def __str__(self) -> str:
        from tickpy.template.gofmt import go_quote
        if self.pipe is None:
            return "{{template " + go_quote(self.name) + "}}"
        return "{{template " + go_quote(self.name) + " " + str(self.pipe) + "}}"


@dataclass
class EndNode(Node):
    """`{{end}}`: only seen by the parser."""

    def __str__(self) -> str:
        return "{{end}}"


@dataclass
class ElseNode(Node):
    """`{{else}}`: only seen by the parser."""

    def __str__(self) -> str:
        return "{{else}}"
