"""AST → canonical TICKscript text, byte for byte what Kapacitor's `tickfmt` prints.

The rules are those of the `Format` methods in Kapacitor's tick/ast/node.go: four-space steps,
a chain link on its own line (`|node` one step in, `.property` two), a blank line between
statements, comments on their own lines before the node they belong to, numbers and durations
spelled back as written (floats always with a decimal point).
"""

from __future__ import annotations

from decimal import Decimal

from tickpy.lang import ast
from tickpy.lang.errors import TickError
from tickpy.lang.parser import parse

INDENT_STEP = "    "


def format_source(text: str, source_name: str = "<script>") -> str:
    """Parse and format a script (raises TickError on a syntax error)."""
    return format_program(parse(text, source_name))


def format_program(program: ast.Program) -> str:
    try:
        return _format_statements(program)
    except RecursionError:
        raise TickError("script is nested too deeply to format", 1, 1) from None


def _format_statements(program: ast.Program) -> str:
    parts = []
    for index, statement in enumerate(program.statements):
        if index:
            parts.append("\n")
        out: list[str] = []
        _format(statement, out, "", True)
        parts.append("".join(out))
        parts.append("\n")
    return "".join(parts)


def _format(node: ast.Node, out: list[str], indent: str, on_new_line: bool) -> None:
    formatter = _FORMATTERS[type(node)]
    formatter(node, out, indent, on_new_line)


def _comment(node: ast.Comment, out: list[str], indent: str, on_new_line: bool) -> None:
    if not on_new_line:
        out.append("\n")
    for line in node.lines:
        if line == "\n":
            out.append("\n")
            continue
        out.append(indent + "//" + (" " + line if line else "") + "\n")


def _leading(node: ast.Commented, out: list[str], indent: str, on_new_line: bool) -> None:
    """The comment (if any) and the indentation that start most nodes."""
    if node.comment is not None:
        _comment(node.comment, out, indent, on_new_line)
        on_new_line = True
    if on_new_line:
        out.append(indent)


def _simple(text_of):
    def format_node(node, out, indent, on_new_line):
        _leading(node, out, indent, on_new_line)
        out.append(text_of(node))

    return format_node


def _number_text(node: ast.Number) -> str:
    if node.is_int:
        return "0" + format(node.value, "o") if node.octal else str(node.value)
    return _go_float(node.value)


def _go_float(value: float) -> str:
    """Go's strconv.FormatFloat(f, 'f', -1, 64) (shortest digits, never an exponent), plus ".0"
    when that leaves no decimal point, as NumberNode.Format does."""
    text = format(Decimal(repr(value)), "f")
    return text if "." in text else text + ".0"


def _string_text(node: ast.String) -> str:
    if node.triple_quoted:
        return "'''" + node.value + "'''"
    return "'" + node.value.replace("'", "\\'") + "'"


def _reference_text(node: ast.Reference) -> str:
    return '"' + node.name.replace('"', '\\"') + '"'


def _regex_text(node: ast.Regex) -> str:
    return "/" + node.pattern.replace("/", "\\/") + "/"


def _list(node: ast.List, out, indent, on_new_line):
    _leading(node, out, indent, on_new_line)
    out.append("[")
    for index, item in enumerate(node.items):
        if index:
            out.append(", ")
        _format(item, out, indent, on_new_line)
    out.append("]")


def _unary(node: ast.Unary, out, indent, on_new_line):
    _leading(node, out, indent, on_new_line)
    out.append(node.operator)
    _format(node.operand, out, indent, False)


def _binary(node: ast.Binary, out, indent, on_new_line):
    _leading(node, out, indent, on_new_line)
    if node.parens:
        out.append("(")
        indent += INDENT_STEP
    _format(node.left, out, indent, False)
    out.append(" " + node.operator)
    out.append("\n" if node.multiline else " ")
    _format(node.right, out, indent, node.multiline)
    if node.parens:
        out.append(")")


def _lambda(node: ast.Lambda, out, indent, on_new_line):
    _leading(node, out, indent, on_new_line)
    out.append("lambda: ")
    _format(node.expression, out, indent, False)


def _function(node: ast.Function, out, indent, on_new_line):
    _leading(node, out, indent, on_new_line)
    out.append(node.name + "(")
    argument_indent = indent + INDENT_STEP
    for index, argument in enumerate(node.args):
        if index:
            out.append("," if node.multiline else ", ")
        if node.multiline:
            out.append("\n")
        _format(argument, out, argument_indent, node.multiline)
    if node.multiline and node.args:
        out.append("\n" + indent)
    out.append(")")


def _chain(node: ast.Chain, out, indent, on_new_line):
    _format(node.left, out, indent, on_new_line)
    out.append("\n")
    indent += INDENT_STEP * (2 if node.operator == "." else 1)
    if node.comment is not None:
        _comment(node.comment, out, indent, True)
    out.append(indent + node.operator)
    _format(node.right, out, indent, False)


def _declaration(node: ast.Declaration, out, indent, on_new_line):
    if node.comment is not None:
        _comment(node.comment, out, indent, on_new_line)
    out.append("var ")
    _format(node.name, out, indent, False)
    out.append(" = ")
    _format(node.value, out, indent, False)


def _type_declaration(node: ast.TypeDeclaration, out, indent, on_new_line):
    if node.comment is not None:
        _comment(node.comment, out, indent, on_new_line)
    out.append("var ")
    _format(node.name, out, indent, False)
    out.append(" ")
    _format(node.type, out, indent, False)


def _dbrp(node: ast.DBRP, out, indent, on_new_line):
    if node.comment is not None:
        _comment(node.comment, out, indent, on_new_line)
    out.append(indent + "dbrp " + _reference_text(node.database) + "." + _reference_text(node.retention_policy))


_FORMATTERS = {
    ast.Comment: _comment,
    ast.Number: _simple(_number_text),
    ast.Duration: _simple(lambda node: node.literal),
    ast.Bool: _simple(lambda node: "TRUE" if node.value else "FALSE"),
    ast.String: _simple(_string_text),
    ast.Reference: _simple(_reference_text),
    ast.Regex: _simple(_regex_text),
    ast.Star: _simple(lambda node: "*"),
    ast.Identifier: _simple(lambda node: node.name),
    ast.List: _list,
    ast.Unary: _unary,
    ast.Binary: _binary,
    ast.Lambda: _lambda,
    ast.Function: _function,
    ast.Chain: _chain,
    ast.Declaration: _declaration,
    ast.TypeDeclaration: _type_declaration,
    ast.DBRP: _dbrp,
}
