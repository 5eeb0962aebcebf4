"""Kapacitor's own unit tests of its TICKscript front end, ported: the parser
(tick/ast/parser_test.go), the lexer as far as a parse shows it (tick/ast/lex_test.go), number
literals (tick/ast/node_test.go), tickfmt (tick/fmt_test.go), define-time evaluation
(tick/eval_test.go) and unary operators inside lambdas (tick/stateful/eval_unary_node_test.go).

Each table names the Go test it follows; the scripts and expected values are Kapacitor's.
Kapacitor's error texts are its own ("parser: unexpected EOF line 4 char 9 ..."); tickpy words its
messages differently on purpose (README), so a case compares the position and what was found and
expected, not the wording.
"""

from __future__ import annotations

import io
import json
import re

import pytest

from conftest import ROOT, run_tickpy
from pipeline_harness import Capture
from tickpy.data.values import Duration
from tickpy.lang import ast
from tickpy.lang.check import check
from tickpy.lang.errors import ERROR, TickError
from tickpy.lang.fmt import format_source
from tickpy.lang.parser import parse
from tickpy.pipeline.build import build_task
from tickpy.replay import replay_lines
from tickpy.services import Services


# ---------------------------------------------------------------------------------------------
# A parsed tree as nested tuples, so a case can write Kapacitor's expected tree (node kinds,
# positions as (line, char), values) next to its script. A node's comment, when it has one,
# comes last as ("comment", (line, char), [lines]).


def tree(node):
    shape = _shape(node)
    comment = getattr(node, "comment", None)
    if comment is not None:
        shape += (("comment", (comment.line, comment.column), comment.lines),)
    return shape


def _shape(node):
    at = (node.line, node.column)
    if isinstance(node, ast.Comment):
        return ("comment", at, node.lines)
    if isinstance(node, ast.Program):
        return ("program", [tree(s) for s in node.statements])
    if isinstance(node, ast.Declaration):
        return ("var", at, tree(node.name), tree(node.value))
    if isinstance(node, ast.TypeDeclaration):
        return ("var-type", at, tree(node.name), tree(node.type))
    if isinstance(node, ast.DBRP):
        return ("dbrp", at, tree(node.database), tree(node.retention_policy))
    if isinstance(node, ast.Identifier):
        return ("ident", at, node.name)
    if isinstance(node, ast.Reference):
        return ("ref", at, node.name)
    if isinstance(node, ast.String):
        return ("str", at, node.value)
    if isinstance(node, ast.Number):
        if node.is_int:
            return ("int", at, node.value, 8 if node.octal else 10)
        return ("float", at, node.value)
    if isinstance(node, ast.Duration):
        return ("dur", at, node.nanoseconds, node.literal)
    if isinstance(node, ast.Bool):
        return ("bool", at, node.value)
    if isinstance(node, ast.Regex):
        return ("regex", at, node.pattern)
    if isinstance(node, ast.Star):
        return ("star", at)
    if isinstance(node, ast.List):
        return ("list", at, [tree(item) for item in node.items])
    if isinstance(node, ast.Unary):
        return ("unary", at, node.operator, tree(node.operand))
    if isinstance(node, ast.Binary):
        flags = {name for name in ("parens", "multiline") if getattr(node, name)}
        return ("binary", at, node.operator, tree(node.left), tree(node.right), flags)
    if isinstance(node, ast.Lambda):
        return ("lambda", at, tree(node.expression))
    if isinstance(node, ast.Function):
        return ("func", at, node.kind, node.name, [tree(a) for a in node.args])
    if isinstance(node, ast.Chain):
        return ("chain", at, node.operator, tree(node.left), tree(node.right))
    raise AssertionError(f"no shape for {type(node).__name__}")


def statements(text):
    return tree(parse(text))[1]


SECOND = 10**9
MINUTE = 60 * SECOND
HOUR = 60 * MINUTE
NONE = set()
PARENS = {"parens"}
MULTILINE = {"multiline"}


def var(line, char, name, name_char, value):
    """`var NAME = VALUE` at (line, char), the name at (line, name_char)."""
    return ("var", (line, char), ("ident", (line, name_char), name), value)


# ---------------------------------------------------------------------------------------------
# tick/ast/parser_test.go


# TestParseErrors: the position Kapacitor reports, what it found and what it expected.
@pytest.mark.parametrize("text, line, char, found, expected", [
    ("a\n\n\nvar b = ", 4, 9, "end of script", "a value"),
    ("a\n\n\nvar b = stream.window()var period)\n\nvar x = 1", 4, 34, '")"', "identifier"),
    ("a\n\n\nvar b = stream.window(\nb.period(10s)", 5, 14, "end of script", '")"'),
])
def test_parse_errors(text, line, char, found, expected):
    with pytest.raises(TickError) as raised:
        parse(text)
    error = raised.value
    assert (error.line, error.column) == (line, char)
    assert f"unexpected {found}" in error.message and expected in error.message.split(", expected ")[1]


# TestParseStrings: the literal of each string, escapes removed only in single quotes.
@pytest.mark.parametrize("script, literal", [
    ("f('asdf')", "asdf"),
    ("f('''asdf''')", "asdf"),
    ("f('a\\'sdf')", "a'sdf"),
    ("f('''\\'asdf''')", "\\'asdf"),
])
def test_parse_strings(script, literal):
    (function,) = parse(script).statements
    assert isinstance(function, ast.Function) and function.name == "f"
    (argument,) = function.args
    assert isinstance(argument, ast.String) and argument.value == literal


# TestParseStatements: the whole tree of each script, positions included.
PARSE_STATEMENTS = [
    ('dbrp "telegraf"."autogen"', [
        ("dbrp", (1, 1), ("ref", (1, 6), "telegraf"), ("ref", (1, 17), "autogen")),
    ]),
    ("var x int", [("var-type", (1, 1), ("ident", (1, 5), "x"), ("ident", (1, 7), "int"))]),
    ("var x float", [("var-type", (1, 1), ("ident", (1, 5), "x"), ("ident", (1, 7), "float"))]),
    ("var x = 'str'", [var(1, 1, "x", 5, ("str", (1, 9), "str"))]),
    ("var x = ['str', 'asdf', 'another', s, *]", [var(1, 1, "x", 5, ("list", (1, 9), [
        ("str", (1, 10), "str"), ("str", (1, 17), "asdf"), ("str", (1, 25), "another"),
        ("ident", (1, 36), "s"), ("star", (1, 39)),
    ]))]),
    ("var x = TRUE", [var(1, 1, "x", 5, ("bool", (1, 9), True))]),
    ("var x = !FALSE", [var(1, 1, "x", 5, ("unary", (1, 9), "!", ("bool", (1, 10), False)))]),
    ("var x = 1", [var(1, 1, "x", 5, ("int", (1, 9), 1, 10))]),
    ("var x = 0644", [var(1, 1, "x", 5, ("int", (1, 9), 420, 8))]),
    ("var x = -0600", [var(1, 1, "x", 5, ("unary", (1, 9), "-", ("int", (1, 10), 384, 8)))]),
    ("var x = -1", [var(1, 1, "x", 5, ("unary", (1, 9), "-", ("int", (1, 10), 1, 10)))]),
    ("var x = 1.0", [var(1, 1, "x", 5, ("float", (1, 9), 1.0))]),
    ("var x = -1.0", [var(1, 1, "x", 5, ("unary", (1, 9), "-", ("float", (1, 10), 1.0)))]),
    ("var x = 5h", [var(1, 1, "x", 5, ("dur", (1, 9), 5 * HOUR, "5h"))]),
    ("var x = -5h", [var(1, 1, "x", 5, ("unary", (1, 9), "-", ("dur", (1, 10), 5 * HOUR, "5h")))]),
    ("var x = 5 + 5", [var(1, 1, "x", 5, (
        "binary", (1, 11), "+", ("int", (1, 9), 5, 10), ("int", (1, 13), 5, 10), NONE))]),
    ("f('first ' + string(5m) + 'third')", [("func", (1, 1), ast.GLOBAL, "f", [
        ("binary", (1, 25), "+",
         ("binary", (1, 12), "+", ("str", (1, 3), "first "),
          ("func", (1, 14), ast.GLOBAL, "string", [("dur", (1, 21), 5 * MINUTE, "5m")]), NONE),
         ("str", (1, 27), "third"), NONE),
    ])]),
    ("var x = 5\nvar y = x * 2", [
        var(1, 1, "x", 5, ("int", (1, 9), 5, 10)),
        var(2, 1, "y", 5, ("binary", (2, 11), "*", ("ident", (2, 9), "x"), ("int", (2, 13), 2, 10), NONE)),
    ]),
    ('var x = lambda: "value" < 10', [var(1, 1, "x", 5, ("lambda", (1, 9), (
        "binary", (1, 25), "<", ("ref", (1, 17), "value"), ("int", (1, 27), 10, 10), NONE)))]),
    ("var x = /.*\\//", [var(1, 1, "x", 5, ("regex", (1, 9), ".*/"))]),
    ("var x = a.f()", [var(1, 1, "x", 5, (
        "chain", (1, 10), ".", ("ident", (1, 9), "a"), ("func", (1, 11), ast.PROPERTY, "f", [])))]),
    ("var x = a.f(/.*/)", [var(1, 1, "x", 5, (
        "chain", (1, 10), ".", ("ident", (1, 9), "a"),
        ("func", (1, 11), ast.PROPERTY, "f", [("regex", (1, 13), ".*")])))]),
    ("var x = int(sqrt(16.0)) + 4", [var(1, 1, "x", 5, (
        "binary", (1, 25), "+",
        ("func", (1, 9), ast.GLOBAL, "int", [
            ("func", (1, 13), ast.GLOBAL, "sqrt", [("float", (1, 18), 16.0)])]),
        ("int", (1, 27), 4, 10), NONE))]),
    ("var x = a.f(y/4.0)", [var(1, 1, "x", 5, (
        "chain", (1, 10), ".", ("ident", (1, 9), "a"),
        ("func", (1, 11), ast.PROPERTY, "f", [
            ("binary", (1, 14), "/", ("ident", (1, 13), "y"), ("float", (1, 15), 4.0), NONE)])))]),
    ("var x = 3m\n\t\t\tvar y = -x", [
        var(1, 1, "x", 5, ("dur", (1, 9), 3 * MINUTE, "3m")),
        var(2, 4, "y", 8, ("unary", (2, 12), "-", ("ident", (2, 13), "x"))),
    ]),
    ("var x = a|b()", [var(1, 1, "x", 5, (
        "chain", (1, 10), "|", ("ident", (1, 9), "a"), ("func", (1, 11), ast.CHAIN, "b", [])))]),
    ('var t = 42\n\t\t\tstream.where(lambda: "value" > t)\n\t\t\t', [
        var(1, 1, "t", 5, ("int", (1, 9), 42, 10)),
        ("chain", (2, 10), ".", ("ident", (2, 4), "stream"), ("func", (2, 11), ast.PROPERTY, "where", [
            ("lambda", (2, 17), ("binary", (2, 33), ">", ("ref", (2, 25), "value"),
                                 ("ident", (2, 35), "t"), NONE))])),
    ]),
    # Left-associative operators: (1 + 2 - 3 * 4 / 5) parses as ((1+2)-((3*4)/5)), and the
    # comment before "(" goes to the parenthesised expression.
    ("global(lambda: \n\t// Test Left-Associative operators\n\t// should parse as ((1+2)-(3*4)/5)\n"
     "\t(1 + 2 - 3 * 4 / 5)\n)\n", [("func", (1, 1), ast.GLOBAL, "global", [("lambda", (1, 8), (
         "binary", (4, 9), "-",
         ("binary", (4, 5), "+", ("int", (4, 3), 1, 10), ("int", (4, 7), 2, 10), NONE),
         ("binary", (4, 17), "/",
          ("binary", (4, 13), "*", ("int", (4, 11), 3, 10), ("int", (4, 15), 4, 10), NONE),
          ("int", (4, 19), 5, 10), NONE),
         PARENS,
         ("comment", (2, 2), ["Test Left-Associative operators", "should parse as ((1+2)-(3*4)/5)"]),
     ))])]),
    ("global(lambda: \n// If this\n// is less than that\n(1 + 2 - 3 * 4 / 5) \n< (sin(6))\nAND \n"
     "// more comments.\n(TRUE OR FALSE))", [("func", (1, 1), ast.GLOBAL, "global", [("lambda", (1, 8), (
         "binary", (6, 1), "AND",
         ("binary", (5, 1), "<",
          ("binary", (4, 8), "-",
           ("binary", (4, 4), "+", ("int", (4, 2), 1, 10), ("int", (4, 6), 2, 10), NONE),
           ("binary", (4, 16), "/",
            ("binary", (4, 12), "*", ("int", (4, 10), 3, 10), ("int", (4, 14), 4, 10), NONE),
            ("int", (4, 18), 5, 10), NONE),
           PARENS,
           ("comment", (2, 1), ["If this", "is less than that"])),
          ("func", (5, 4), ast.GLOBAL, "sin", [("int", (5, 8), 6, 10)]),
          MULTILINE),
         ("binary", (8, 7), "OR", ("bool", (8, 2), True), ("bool", (8, 10), False), PARENS,
          ("comment", (7, 1), ["more comments."])),
         MULTILINE,
     ))])]),
    ('// set perfect threshold\nvar t = 42\n// only select data above threshold\n'
     'stream.where(lambda: "value" > t)\n\t\t\t', [
         var(2, 1, "t", 5, ("int", (2, 9), 42, 10)) + (("comment", (1, 1), ["set perfect threshold"]),),
         ("chain", (4, 7), ".",
          ("ident", (4, 1), "stream", ("comment", (3, 1), ["only select data above threshold"])),
          ("func", (4, 8), ast.PROPERTY, "where", [
              ("lambda", (4, 14), ("binary", (4, 30), ">", ("ref", (4, 22), "value"),
                                   ("ident", (4, 32), "t"), NONE))])),
     ]),
    ("\nvar x = stream\n\t\t|window()\n\t\t.period(5m)\n\t\t.every(60s)\n\t\t|map(influxql.agg.mean('value'))", [
        var(2, 1, "x", 5, (
            "chain", (6, 3), "|",
            ("chain", (5, 3), ".",
             ("chain", (4, 3), ".",
              ("chain", (3, 3), "|", ("ident", (2, 9), "stream"), ("func", (3, 4), ast.CHAIN, "window", [])),
              ("func", (4, 4), ast.PROPERTY, "period", [("dur", (4, 11), 5 * MINUTE, "5m")])),
             ("func", (5, 4), ast.PROPERTY, "every", [("dur", (5, 10), MINUTE, "60s")])),
            ("func", (6, 4), ast.CHAIN, "map", [
                ("chain", (6, 20), ".",
                 ("chain", (6, 16), ".", ("ident", (6, 8), "influxql"), ("ident", (6, 17), "agg")),
                 ("func", (6, 21), ast.PROPERTY, "mean", [("str", (6, 26), "value")]))]))),
    ]),
    ("\nvar x = stream\n\t\t@dynamicFunc()\n\t\t\t.property(5m)", [
        var(2, 1, "x", 5, (
            "chain", (4, 4), ".",
            ("chain", (3, 3), "@", ("ident", (2, 9), "stream"), ("func", (3, 4), ast.DYNAMIC, "dynamicFunc", [])),
            ("func", (4, 5), ast.PROPERTY, "property", [("dur", (4, 14), 5 * MINUTE, "5m")]))),
    ]),
]


@pytest.mark.parametrize("script, expected", PARSE_STATEMENTS, ids=range(len(PARSE_STATEMENTS)))
def test_parse_statements(script, expected):
    assert statements(script) == expected


# ---------------------------------------------------------------------------------------------
# tick/ast/lex_test.go (TestLexer), seen through what the parser builds from each token: its
# kind, its value and its position (Kapacitor's byte offset + 1 on the first line).


def only(text):
    (statement,) = statements(text)
    return statement


def a_op_b(operator, b_char):
    return ("binary", (1, 3), operator, ("ident", (1, 1), "a"), ("ident", (1, b_char), "b"), NONE)


@pytest.mark.parametrize("text, expected", [
    # Symbols and operators
    ("a + b", a_op_b("+", 5)),
    ("a - b", a_op_b("-", 5)),
    ("a * b", a_op_b("*", 5)),
    ("a / b", a_op_b("/", 5)),
    ("a == b", a_op_b("==", 6)),
    ("a != b", a_op_b("!=", 6)),
    ("a > b", a_op_b(">", 5)),
    ("a >= b", a_op_b(">=", 6)),
    ("a < b", a_op_b("<", 5)),
    ("a <= b", a_op_b("<=", 6)),
    ("a =~ b", a_op_b("=~", 6)),
    ("a !~ b", a_op_b("!~", 6)),
    # Keywords; "lambda" without its colon is an identifier
    ("TRUE", ("bool", (1, 1), True)),
    ("FALSE", ("bool", (1, 1), False)),
    ("lambda ", ("ident", (1, 1), "lambda")),
    # Numbers and durations
    ("42", ("int", (1, 1), 42, 10)),
    ("42.21", ("float", (1, 1), 42.21)),
    (".421", ("float", (1, 1), 0.421)),
    ("0.421", ("float", (1, 1), 0.421)),
    ("42s", ("dur", (1, 1), 42 * SECOND, "42s")),
    ("1u", ("dur", (1, 1), 1_000, "1u")),
    ("1µ", ("dur", (1, 1), 1_000, "1µ")),
    ("1ms", ("dur", (1, 1), 1_000_000, "1ms")),
    ("1h", ("dur", (1, 1), HOUR, "1h")),
    ("1d", ("dur", (1, 1), 24 * HOUR, "1d")),
    ("1w", ("dur", (1, 1), 7 * 24 * HOUR, "1w")),
    # Identifiers, references, strings, regexes
    ("variable", ("ident", (1, 1), "variable")),
    ("myVar01", ("ident", (1, 1), "myVar01")),
    ('""', ("ref", (1, 1), "")),
    ('"ref with spaces"', ("ref", (1, 1), "ref with spaces")),
    ('"ref\\""', ("ref", (1, 1), 'ref"')),
    ("''", ("str", (1, 1), "")),
    ("''''''", ("str", (1, 1), "")),
    ("'str'", ("str", (1, 1), "str")),
    ("'str\\''", ("str", (1, 1), "str'")),
    ("'''s'tr'''", ("str", (1, 1), "s'tr")),
    ("'''s\\'tr'''", ("str", (1, 1), "s\\'tr")),
    ("'''str'''", ("str", (1, 1), "str")),
    ("/.*/", ("regex", (1, 1), ".*")),
    ("/^abc$/", ("regex", (1, 1), "^abc$")),
    ("/^((.*)[a-z]+\\S{0,2})|cat\\/\\/$/", ("regex", (1, 1), "^((.*)[a-z]+\\S{0,2})|cat//$")),
    ("var x = avg()", var(1, 1, "x", 5, ("func", (1, 9), ast.GLOBAL, "avg", []))),
])
def test_lexer_tokens(text, expected):
    assert only(text) == expected


@pytest.mark.parametrize("text", [" ", " \t\n"])
def test_lexer_whitespace_only(text):
    assert statements(text) == []


def test_lexer_chain_without_separators():
    # TestLexer: "var x = avg()|parallel(4)x.groupby('cpu')|window().period(10s)" is two
    # statements, each token where the lexer puts it.
    assert statements("var x = avg()|parallel(4)x.groupby('cpu')|window().period(10s)") == [
        var(1, 1, "x", 5, ("chain", (1, 14), "|", ("func", (1, 9), ast.GLOBAL, "avg", []),
                           ("func", (1, 15), ast.CHAIN, "parallel", [("int", (1, 24), 4, 10)]))),
        ("chain", (1, 51), ".",
         ("chain", (1, 42), "|",
          ("chain", (1, 27), ".", ("ident", (1, 26), "x"),
           ("func", (1, 28), ast.PROPERTY, "groupby", [("str", (1, 36), "cpu")])),
          ("func", (1, 43), ast.CHAIN, "window", [])),
         ("func", (1, 52), ast.PROPERTY, "period", [("dur", (1, 59), 10 * SECOND, "10s")])),
    ]


def test_lexer_comments():
    # TestLexer "Comments": a comment line is one token (at offset 14), then the code goes on.
    assert statements("var x = avg()\n// Comment all of this is ignored\nx.groupby('cpu')") == [
        var(1, 1, "x", 5, ("func", (1, 9), ast.GLOBAL, "avg", [])),
        ("chain", (3, 2), ".", ("ident", (3, 1), "x", ("comment", (2, 1), ["Comment all of this is ignored"])),
         ("func", (3, 3), ast.PROPERTY, "groupby", [("str", (3, 11), "cpu")])),
    ]
    assert statements("var x = avg()\n// Comment all of this is ignored") == [
        var(1, 1, "x", 5, ("func", (1, 9), ast.GLOBAL, "avg", [])),
        ("comment", (2, 1), ["Comment all of this is ignored"]),
    ]


# ---------------------------------------------------------------------------------------------
# tick/ast/node_test.go (TestNumberNode): number literals as the parser reads them.


@pytest.mark.parametrize("text, expected", [
    ("04", ("int", (1, 9), 4, 8)),  # a leading 0: octal
    ("42", ("int", (1, 9), 42, 10)),
    ("42.21", ("float", (1, 9), 42.21)),
    ("42.", ("float", (1, 9), 42.0)),
    ("0.42", ("float", (1, 9), 0.42)),
])
def test_number_literals(text, expected):
    assert only(f"var x = {text}")[3] == expected


def test_hex_is_not_a_number_literal():
    # TestNumberNode refuses "0x04" as a number; Kapacitor's lexer never hands it over whole:
    # it reads the number 0, then the identifier x04 (a statement of its own).
    assert statements("var x = 0x04") == [var(1, 1, "x", 5, ("int", (1, 9), 0, 10)), ("ident", (1, 10), "x04")]


# ---------------------------------------------------------------------------------------------
# tick/fmt_test.go (TestFormat): what tickfmt prints for each script.

FORMAT_CASES = [
    ("var x = 1", "var x = 1\n"),
    ("var x=1", "var x = 1\n"),
    ("var x=1.0", "var x = 1.0\n"),
    ("var x=01", "var x = 01\n"),
    ("var x=0600", "var x = 0600\n"),
    ("var x=1m", "var x = 1m\n"),
    ("var x=60s", "var x = 60s\n"),
    ("var x= /.*/", "var x = /.*/\n"),
    ("var x= /^\\/root\\//", "var x = /^\\/root\\//\n"),
    ("var x=stream()|window().period(10s).every(10s)",
     "var x = stream()\n"
     "    |window()\n"
     "        .period(10s)\n"
     "        .every(10s)\n"),
    ("var x = stream()\n"
     "//Window data  \n"
     "|window()\n"
     "// Period / Every 10s\n"
     ".period(10s).every(10s)",
     "var x = stream()\n"
     "    // Window data\n"
     "    |window()\n"
     "        // Period / Every 10s\n"
     "        .period(10s)\n"
     "        .every(10s)\n"),
    ("var x = stream()\n"
     "@udf()\n"
     "    .option(\n"
     "        // Param 1\n"
     "        1,\n"
     "        // Param 2\n"
     "        2,\n"
     "        // Param 3\n"
     "        3,\n"
     "        // Param 4\n"
     "        4,\n"
     "                )\n",
     "var x = stream()\n"
     "    @udf()\n"
     "        .option(\n"
     "            // Param 1\n"
     "            1,\n"
     "            // Param 2\n"
     "            2,\n"
     "            // Param 3\n"
     "            3,\n"
     "            // Param 4\n"
     "            4\n"
     "        )\n"),
    ('global(lambda: ("a" + (1)) / (( 4 +"b") * ("c")))',
     'global(lambda: ("a" + 1) / ((4 + "b") * "c"))\n'),
    ("global(lambda: (1 + 2 - 3 * 4 / 5) < (sin(6)) AND (TRUE OR FALSE))",
     "global(lambda: (1 + 2 - 3 * 4 / 5) < sin(6) AND (TRUE OR FALSE))\n"),
    ("global(lambda: \n"
     "(1 + 2 - 3 * 4 / 5) \n"
     "< \n"
     "(sin(6))\n"
     "AND \n"
     "(TRUE\n"
     "OR (FALSE \n"
     "AND TRUE)))",
     "global(lambda: (1 + 2 - 3 * 4 / 5) <\n"
     "    sin(6) AND\n"
     "    (TRUE OR\n"
     "        (FALSE AND\n"
     "            TRUE)))\n"),
    ("global(lambda: \n"
     "// If this\n"
     "// is less than that\n"
     "(1 + 2 - 3 * 4 / 5) \n"
     "< (sin(6))\n"
     "AND \n"
     "// more comments.\n"
     "(TRUE OR FALSE), 'arg',)",
     "global(\n"
     "    lambda: \n"  # tickfmt leaves the space after "lambda:" before the comment
     "    // If this\n"
     "    // is less than that\n"
     "    (1 + 2 - 3 * 4 / 5) <\n"
     "    sin(6) AND\n"
     "    // more comments.\n"
     "    (TRUE OR FALSE),\n"
     "    'arg'\n"
     ")\n"),
    ("// Preserve comments spacing\n"
     "\n"
     "// Comment block 1\n"
     "// still 1\n"
     "\n"
     "// Comment block 2\n"
     "// still 2\n"
     "\n"
     "// Preserve per line spacing\n"
     "//     indented\n"
     "//fix this line\n"
     "//\n"
     "\n"
     "\n"
     "var x = stream\n"
     "\t|from()\n"
     "\t\t//.measurement('mem')\n"
     "\t\t.measurement('cpu')\n"
     "\n"
     "// This should be its own comment block\n"
     "x |alert()\n"
     "\t\n"
     "\n",
     "// Preserve comments spacing\n"
     "\n"
     "// Comment block 1\n"
     "// still 1\n"
     "\n"
     "// Comment block 2\n"
     "// still 2\n"
     "\n"
     "// Preserve per line spacing\n"
     "//     indented\n"
     "// fix this line\n"
     "//\n"
     "var x = stream\n"
     "    |from()\n"
     "        // .measurement('mem')\n"
     "        .measurement('cpu')\n"
     "\n"
     "// This should be its own comment block\n"
     "x\n"
     "    |alert()\n"),
    ("// Comment all the things\n"
     "var \n"
     "x = \n"
     "stream()\n"
     "// 1\n"
     "|\n"
     "udf()\n"
     "// 2\n"
     "    .option(\n"
     "        // 3\n"
     "        1,\n"
     "        // 4\n"
     "        2.0,\n"
     "        // 5\n"
     "        3h,\n"
     "        // 6\n"
     "        'a',\n"
     "    )\n"
     "// 7\n"
     "|\n"
     "eval(\n"
     "// 8\n"
     "lambda:\n"
     "a * b + c\n"
     ",\n"
     ")\n"
     "// 9\n"
     "|\n"
     "groupBy(\n"
     "//10 \n"
     "*\n"
     ")\n"
     "// 11\n",
     "// Comment all the things\n"
     "var x = stream()\n"
     "    // 1\n"
     "    |udf()\n"
     "        // 2\n"
     "        .option(\n"
     "            // 3\n"
     "            1,\n"
     "            // 4\n"
     "            2.0,\n"
     "            // 5\n"
     "            3h,\n"
     "            // 6\n"
     "            'a'\n"
     "        )\n"
     "    // 7\n"
     "    |eval(\n"
     "        // 8\n"
     "        lambda: a * b + c\n"
     "    )\n"
     "    // 9\n"
     "    |groupBy(\n"
     "        // 10\n"
     "        *\n"
     "    )\n"
     "\n"
     "// 11\n"
     "\n"),
    ("""
\t\t\t// Define a result that contains the most recent score per player.
var topPlayerScores = stream
    |from().measurement('scores')
    // Get the most recent score for each player per game.
// Not likely that a player is playing two games but just in case.
.groupBy('game', 'player')
    |window()
        // keep a buffer of the last 11s of scores
        // just in case a player score hasn't updated in a while
        .period(11s)
        // Emit the current score per player every second.
.every(1s)
        // Align the window boundaries to be on the second.
.align()
    |last('value')

// Calculate the top 15 scores per game
var topScores = topPlayerScores
    |groupBy('game')
    |top(15, 'last', 'player')

// Expose top scores over the HTTP API at the 'top_scores' endpoint.
// Now your app can just request the top scores from Kapacitor
// and always get the most recent result.
//
// http://localhost:9092/api/v1/top_scores/top_scores
topScores
   |httpOut('top_scores')

// Sample the top scores and keep a score once every 10s
var topScoresSampled = topScores
    |sample(10s)

// Store top fifteen player scores in InfluxDB.
topScoresSampled
    |influxDBOut()
        .database('game')
        .measurement('top_scores')

// Calculate the max and min of the top scores.
var max = topScoresSampled
    |max('top')
var min = topScoresSampled
    |min('top')

// Join the max and min streams back together and calculate the gap.
max|join(min)
        .as('max', 'min')
    // calculate the difference between the max and min scores.
|eval(lambda: "max.max" - "min.min", lambda: "max.max", lambda: "min.min")
        .as('gap', 'topFirst', 'topLast')
    // store the fields: gap, topFirst, and topLast in InfluxDB.
|influxDBOut()
        .database('game')
        .measurement('top_scores_gap')
""", """\
// Define a result that contains the most recent score per player.
var topPlayerScores = stream
    |from()
        .measurement('scores')
        // Get the most recent score for each player per game.
        // Not likely that a player is playing two games but just in case.
        .groupBy('game', 'player')
    |window()
        // keep a buffer of the last 11s of scores
        // just in case a player score hasn't updated in a while
        .period(11s)
        // Emit the current score per player every second.
        .every(1s)
        // Align the window boundaries to be on the second.
        .align()
    |last('value')

// Calculate the top 15 scores per game
var topScores = topPlayerScores
    |groupBy('game')
    |top(15, 'last', 'player')

// Expose top scores over the HTTP API at the 'top_scores' endpoint.
// Now your app can just request the top scores from Kapacitor
// and always get the most recent result.
//
// http://localhost:9092/api/v1/top_scores/top_scores
topScores
    |httpOut('top_scores')

// Sample the top scores and keep a score once every 10s
var topScoresSampled = topScores
    |sample(10s)

// Store top fifteen player scores in InfluxDB.
topScoresSampled
    |influxDBOut()
        .database('game')
        .measurement('top_scores')

// Calculate the max and min of the top scores.
var max = topScoresSampled
    |max('top')

var min = topScoresSampled
    |min('top')

// Join the max and min streams back together and calculate the gap.
max
    |join(min)
        .as('max', 'min')
    // calculate the difference between the max and min scores.
    |eval(lambda: "max.max" - "min.min", lambda: "max.max", lambda: "min.min")
        .as('gap', 'topFirst', 'topLast')
    // store the fields: gap, topFirst, and topLast in InfluxDB.
    |influxDBOut()
        .database('game')
        .measurement('top_scores_gap')
"""),
]


@pytest.mark.parametrize("script, expected", FORMAT_CASES, ids=range(len(FORMAT_CASES)))
def test_format(script, expected):
    assert format_source(script) == expected


def test_fmt_command_rewrites_each_script_as_tickfmt_does(tmp_path):
    # The same cases through `tickpy fmt -w`, as a user runs it (one process for all files).
    paths = []
    for number, (script, _) in enumerate(FORMAT_CASES):
        path = tmp_path / f"case{number}.tick"
        path.write_text(script, encoding="utf-8")
        paths.append(path)
    result = run_tickpy("fmt", "-w", *map(str, paths), cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert [p.read_text(encoding="utf-8") for p in paths] == [expected for _, expected in FORMAT_CASES]


# ---------------------------------------------------------------------------------------------
# What Kapacitor's lexer and parser refuse beyond the tables above, read from tick/ast/lex.go and
# tick/ast/parser.go: the position is where Kapacitor reports it.


@pytest.mark.parametrize("text, line, char, words", [
    # TestNumberNode: "0.4.2" is not a number (lexNumberOrDurationOrDot: "multiple decimals in
    # number", reported where the number starts).
    ("var x = 0.4.2", 1, 9, "0.4.2"),
    ("var x = 1..2", 1, 9, "1..2"),
    ("stream|from().where(lambda: \"a\" > .5.)", 1, 35, ".5."),
    # newRegex compiles the pattern while parsing.
    ("var x = /[/", 1, 9, "missing closing ]"),
    ("stream|from().where(lambda: \"a\" =~ /a(b/)", 1, 36, "missing closing )"),
    # A call inside an expression (lfunction) takes operations only: no lambda, list or chain.
    ('stream|from().eval(lambda: sigma(lambda: "x"))', 1, 34, '"lambda:"'),
    ("var x = 1 + lambda: 2", 1, 13, '"lambda:"'),
    ("var x = 1 + f(lambda: 2)", 1, 15, '"lambda:"'),
    ("var x = (f(lambda: 2))", 1, 12, '"lambda:"'),
    ("var x = -f(lambda: 2)", 1, 12, '"lambda:"'),
    ("stream|from().where(lambda: f(['a']))", 1, 31, '"["'),
    ("stream|from().where(lambda: f(a.b))", 1, 32, '"."'),
    ("stream|from().where(lambda: f(a|b()))", 1, 32, '"|"'),
    # After "=~" (and "=", "!~") the lexer reads "//" as an empty regex, even on the next line,
    # and what follows as code: here the name "web".
    ('stream|from().where(lambda: "host" =~\n    // web servers\n    /web.*/)', 2, 8, "identifier 'web'"),
    # A comment swallows a following line that starts with "/" (lexComment), so the regex
    # below is part of the comment and the lambda ends without its operand.
    ('stream|from().where(lambda: "host" > 1 OR\n    // web servers\n    /web.*/)', 3, 13, "end of script"),
    # After a comment or a regex the lexer expects an operand (lexToken): "+", "*", "%", "=",
    # "<", ">", "!=" there are errors, and "/" starts a regex (here one never closed).
    ('stream|from().eval(lambda: "a"\n    // plus b\n    + "b")', 3, 5, '"+"'),
    ('stream|from().eval(lambda: "a" // times 2\n    * 2)', 2, 5, '"*"'),
    ('stream|from().where(lambda: "a"\n    // compared\n    >= 2)', 3, 5, '">="'),
    ("var x = 10\n// note\n\n/ 2", 4, 1, "unterminated regex"),
    ("var x // note\n= 5", 2, 1, '"="'),
    ('stream|from().where(lambda: "h" =~ /x/ == TRUE)', 1, 40, '"=="'),
    ('stream|from().where(lambda: "h" =~ /x/ + 1)', 1, 40, '"+"'),
    # Right after a name or a value the lexer reads "/" as a division and "*" as a
    # multiplication (tryLexBinaryOperator), and "!=", "!~", "==" as one token.
    ("stream|from()\n    .o/re/x()", 2, 7, '"/"'),
    ("stream|from()\n    .measurement('test')*", 2, 25, '"*"'),
    ("stream|from()\n    *    .measurement('test')", 2, 5, '"*"'),
    ("stream|from()\n    .fie!~ld('x')", 2, 9, '"!~"'),
    ("var x === 2m", 1, 7, '"=="'),
    # Names are Go's letters, digits and "_" (unicode.IsLetter, IsDigit); whitespace is Go's.
    ("var x² = 1", 1, 6, "'²'"),
    ("var ⅷ = 1", 1, 5, "'ⅷ'"),
    ("var x = 1\x1c+ 2", 1, 10, "'\\x1c'"),
    ("var x = ٣", 1, 9, "digits must be 0-9"),
    # A keyword is never a name (lexIdentOrKeyword looks the whole word up).
    ("var var = 1", 1, 5, '"var"'),
    ("var TRUE = 1", 1, 5, "TRUE"),
    ("var dbrp = 1", 1, 5, '"dbrp"'),
    ("stream|AND()", 1, 8, "AND"),
    ("stream|from().groupBy(OR)", 1, 23, "OR"),
])
def test_kapacitor_refuses(text, line, char, words):
    with pytest.raises(TickError) as raised:
        parse(text)
    error = raised.value
    assert (error.line, error.column) == (line, char), error.render()
    assert words in error.message


@pytest.mark.parametrize("text", [
    # expression() gives the call that starts an expression full parameters, whatever follows.
    "var x = f(lambda: 1) + 1",
    "f(lambda: 1, [*], a.b, stream|from()) * 2",
    "stream|from().groupBy(*).where(lambda: if(\"a\" > 1, sigma(\"b\"), -abs(\"c\")))",
    # "-", AND and OR read the same after a comment or a regex.
    'stream|from().eval(lambda: "a"\n    // minus b\n    - "b")',
    'stream|from().where(lambda: "a" > 1\n    // or b\n    OR "b" =~ /x/ AND "c" !~ /y/ - 1)',
    'stream|from().where(lambda: ("h" =~ /x/) == TRUE)',
    "var é = 1\nvar x٣ = é",
    # Words that only start with a keyword are names.
    "var variable = TRUEx\nvar ORx = dbrps",
])
def test_kapacitor_accepts(text):
    parse(text)


def test_comment_takes_the_next_line_starting_with_a_slash():
    # lexComment: "// ratio" and "/ 2" are one comment, so x is 10 (not 10 / 2), and tickfmt
    # prints the swallowed line as a comment line of its own.
    (declaration,) = [s for s in parse("var x = 10\n// ratio\n  / 2\n").statements
                      if isinstance(s, ast.Declaration)]
    assert declaration.value.value == 10
    assert format_source("var x = 10\n// ratio\n  / 2\nvar y = x\n") == (
        "var x = 10\n\n// ratio\n// / 2\nvar y = x\n")


# ---------------------------------------------------------------------------------------------
# tick/eval_test.go: what Kapacitor computes when it defines a task. A var's value is seen the
# way a task sees it: `|eval(lambda: name)` puts it into a field of the point going through.


def define_time_values(script, names, vars=None):
    """The values `names` have in `script` (lint must find no error), read by an eval node."""
    lambdas = ", ".join(f"lambda: {name}" for name in names)
    aliases = ", ".join(f"'{name}'" for name in names)
    program = parse(f"{script}\nstream\n    |from()\n    |eval({lambdas})\n        .as({aliases})\n")
    assert [p.render() for p in check(program, vars=vars) if p.severity == ERROR] == []
    services = Services(dry_run=True, out=io.StringIO())
    task = build_task(program, "test", services, template_vars=vars)
    capture = Capture()
    task.nodes[-1].add_child(capture)
    replay_lines(["m value=1 0"], "data.lp", [task], services)
    (point,) = capture.points
    return point.fields


# TestValidateTemplate_Vars
def test_unary_and_binary_declarations():
    script = "var x = 3m\nvar y = -x\n\nvar n = TRUE\nvar m = !n\n\nvar z = x + y\n"
    values = define_time_values(script, ["x", "y", "n", "m", "z"])
    assert values == {"x": 3 * MINUTE, "y": -3 * MINUTE, "n": True, "m": False, "z": 0}
    assert all(isinstance(values[name], Duration) for name in "xyz")


def test_template_var_without_value():
    # TestValidateTemplate_Vars ("var a string") and TestEvaluate_Vars_ErrorMissingValue: a
    # template var without a value is fine for a template, an error for a task.
    program = parse("var x duration\nvar a string\n")
    found = check(program)
    assert [p.severity for p in found if "has no value" in p.message] == ["warning", "warning"]
    assert [p for p in found if p.severity == ERROR] == []
    with pytest.raises(TickError, match='template var "x" has no value'):
        build_task(program, "test", Services(dry_run=True, out=io.StringIO()))


# TestEvaluate_Vars_PreDefined: a value given with -vars replaces the declared one, for typed
# template vars and for vars with a value alike.
def test_predefined_vars_replace_declared_values():
    script = """
var str = 'this is a string'
var strZero string
var int = 8
var intZero int
var float = 3.14
var floatZero float
var duration = 5m
var durationZero duration
var boolean = TRUE
var booleanZero bool
"""
    vars = {"str": "asdf", "strZero": "qwerty", "int": 42, "intZero": 6 * 9, "float": 42.0,
            "floatZero": float(6 * 9), "duration": Duration(5 * HOUR), "durationZero": Duration(MINUTE),
            "boolean": False, "booleanZero": True}
    assert define_time_values(script, list(vars), vars) == vars


# TestEvaluate_Vars_AllTypes: copies, operators and lambda functions outside lambdas.
def test_all_types_of_vars():
    script = """
var str = 'this is a string'
var strA = str + ' concat'
var strCopy = str
var integer = 42
var intergerMath = (integer * 2) - ( 6 * 9 ) + (36 / 3)
var integerCopy= integer
var float = 3.14
var tastyPie = float * 42.0
var floatCopy = float
var intFloat = int(sqrt(float)) * 3
var duration = 5m
var later = duration + 1m
var durationCopy = duration
var boolean = TRUE
var f = boolean AND FALSE
var booleanCopy = boolean
"""
    names = ["str", "strA", "strCopy", "integer", "intergerMath", "integerCopy", "float", "tastyPie",
             "floatCopy", "intFloat", "duration", "later", "durationCopy", "boolean", "f", "booleanCopy"]
    assert define_time_values(script, names) == {
        "str": "this is a string", "strA": "this is a string concat", "strCopy": "this is a string",
        "integer": 42, "intergerMath": 42, "integerCopy": 42,
        "float": 3.14, "tastyPie": 3.14 * 42.0, "floatCopy": 3.14, "intFloat": 3,
        "duration": 5 * MINUTE, "later": 6 * MINUTE, "durationCopy": 5 * MINUTE,
        "boolean": True, "f": False, "booleanCopy": True,
    }


def test_lambda_var_inside_a_lambda():
    # TestEvaluate_Vars_AllTypes: `var l = lambda: lambda OR "value" < -100` takes in the lambda
    # held by the var named "lambda".
    script = """var lambda = lambda: "value" > 0
var l = lambda: lambda OR "value" < -100
var lambdaCopy = lambda
stream
    |from()
    |where(l)
"""
    program = parse(script)
    assert [p for p in check(program) if p.severity == ERROR] == []
    services = Services(dry_run=True, out=io.StringIO())
    task = build_task(program, "test", services)
    capture = Capture()
    task.nodes[-1].add_child(capture)
    replay_lines(["m value=5 1", "m value=-50 2", "m value=-200 3"], "data.lp", [task], services)
    assert [p.fields["value"] for p in capture.points] == [5, -200]


# TestEvaluate_Vars_TypeConversion: string() of a var in an expression outside a lambda.
def test_string_conversion_of_vars():
    script = """
var d = 5m
var messageDuration = '{{ .ID }} has crossed threshold: ' + string(d)

var x = 5
var messageInt = '{{ .ID }} has crossed threshold: ' + string(x)

var y = 1.0 / 3.0
var messageFloat = '{{ .ID }} has crossed threshold: ' + string(y)

var z = FALSE
var messageBool = '{{ .ID }} is: ' + string(z)
"""
    names = ["d", "messageDuration", "x", "messageInt", "y", "messageFloat", "z", "messageBool"]
    assert define_time_values(script, names) == {
        "d": 5 * MINUTE,
        "messageDuration": "{{ .ID }} has crossed threshold: 5m",
        "x": 5,
        "messageInt": "{{ .ID }} has crossed threshold: 5",
        "y": 1.0 / 3.0,
        "messageFloat": "{{ .ID }} has crossed threshold: 0.3333333333333333",
        "z": False,
        "messageBool": "{{ .ID }} is: false",
    }


def test_expression_as_a_property_argument():
    # TestEvaluate_Func_Expression_Parameter: f('asdf' + string(10) + 'qwerty') gets "asdf10qwerty".
    program = parse("stream\n    |from()\n    |eval(lambda: 1)\n        .as('asdf' + string(10) + 'qwerty')\n")
    assert [p for p in check(program) if p.severity == ERROR] == []
    services = Services(dry_run=True, out=io.StringIO())
    task = build_task(program, "test", services)
    capture = Capture()
    task.nodes[-1].add_child(capture)
    replay_lines(["m value=1 0"], "data.lp", [task], services)
    assert capture.points[0].fields == {"asdf10qwerty": 1}


def test_list_var_spread_into_arguments():
    # TestEvaluate_ListVars: f(strList) is called as f('host', 'dc', 'service').
    program = parse("var strList = [ 'host', 'dc', 'service' ]\nstream\n    |from()\n        .groupBy(strList)\n")
    assert [p for p in check(program) if p.severity == ERROR] == []
    services = Services(dry_run=True, out=io.StringIO())
    task = build_task(program, "test", services)
    capture = Capture()
    task.nodes[-1].add_child(capture)
    replay_lines(["m,host=a,dc=b,service=c,other=d value=1 0"], "data.lp", [task], services)
    assert capture.points[0].group == "dc=b,host=a,service=c"


# ---------------------------------------------------------------------------------------------
# tick/stateful/eval_unary_node_test.go: unary operators inside a lambda, on literals. (The
# invalid-operator and invalid-node cases build trees no script can produce; references are in
# tests/test_lambda.py.) Kapacitor's unary node picks its work by the operand's type, not by its
# operator: "-" on a boolean negates it too, and a string operand fails its type guard.


def lambda_value(text, fields=None):
    from tickpy.data.point import Point
    from tickpy.expr.compile import compile_lambda

    (declaration,) = parse(f"var x = lambda: {text}").statements
    return compile_lambda(declaration.value)(Point("m", {}, fields or {}, 0))


@pytest.mark.parametrize("text, expected", [
    ("!FALSE", True),               # TestEvalUnaryNode_EvalBool_Sanity
    ("-12.0", -12.0),               # TestEvalUnaryNode_EvalFloat64_Sanity
    ("-12", -12),                   # TestEvalUnaryNode_EvalInt64_Sanity
    ("-12h", Duration(-12 * HOUR)),  # TestEvalUnaryNode_EvalDuration_Sanity
    ("-TRUE", False),               # EvalBool ignores the operator
    ("-FALSE", True),
])
def test_unary_on_literals(text, expected):
    result = lambda_value(text)
    assert result == expected and type(result) is type(expected)


def test_unary_minus_on_a_string_fails_its_type_guard():
    # EvalUnaryNode.EvalString always fails, naming the type it could not fix in advance.
    from tickpy.expr.types import EvalError

    with pytest.raises(EvalError) as raised:
        lambda_value('-"s"', {"s": "text"})
    assert raised.value.message == "TypeGuard: expression returned unexpected type invalid type, expected string"


def test_define_vars_replace_a_declared_value_in_the_running_task(tmp_path):
    # TestEvaluate_Vars_PreDefined as a user meets it: `define -vars` gives `crit` 50 where the
    # script declares 80, and the task runs with 50.
    (tmp_path / "cpu.tick").write_text(
        'dbrp "telegraf"."autogen"\nvar crit = 80\nstream\n    |from()\n        .measurement(\'cpu\')\n'
        "    |alert()\n        .id('cpu')\n        .crit(lambda: \"usage\" > crit)\n")
    (tmp_path / "vars.json").write_text('{"crit": {"type": "int", "value": 50}}')
    (tmp_path / "data.lp").write_text("# CONTEXT-DATABASE: telegraf\n# CONTEXT-RETENTION-POLICY: autogen\n"
                                      "cpu usage=60i 1000000000\n")
    env = {"TICKPY_HOME": str(tmp_path / "home")}
    for args in (("define", "cpu", "-tick", "cpu.tick", "-vars", "vars.json"), ("enable", "cpu")):
        assert run_tickpy(*args, cwd=tmp_path, env=env).returncode == 0
    result = run_tickpy("run", "--replay", "data.lp", "--events", "-", cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stderr
    assert [json.loads(line)["level"] for line in result.stdout.splitlines()] == ["CRITICAL"]


def test_duration_overflow_wraps_as_in_go():
    # influxql.ParseDuration multiplies in int64 without a check: 1577078476m is accepted and
    # wraps around (an amount beyond int64 itself is an invalid duration).
    (declaration,) = parse("var x = 1577078476m").statements
    exact = 1577078476 * MINUTE
    assert declaration.value.nanoseconds == (exact + 2**63) % 2**64 - 2**63
    with pytest.raises(TickError, match="invalid duration"):
        parse("var x = 99999999999999999999s")


# Comments Kapacitor's parser does not attach where tickpy used to, as its tickfmt prints them
# (the expected texts are what tick/ast's Format prints for these scripts).
@pytest.mark.parametrize("script, expected", [
    # lfunction keeps no comment: one right before a call inside a lambda is dropped.
    ('stream|eval(lambda: // c\n sigma("x") > 1)', 'stream\n    |eval(lambda: sigma("x") > 1)\n'),
    ('stream|eval(lambda: "a" > // c\n sigma("x"))', 'stream\n    |eval(lambda: "a" >\n        sigma("x"))\n'),
    # A comment before the script's last token, when that token takes none, ends the program.
    ('stream\n    |from()\n    |alert()\n        .crit(lambda: "usage_idle" < 10\n// c\n)\n',
     'stream\n    |from()\n    |alert()\n        .crit(lambda: "usage_idle" < 10)\n\n// c\n\n'),
    ("var x = f(// c\n)", "var x = f()\n\n// c\n\n"),
    # ... and elsewhere it is dropped.
    ("var x = f(1 // c\n)\nvar y = 2", "var x = f(1)\n\nvar y = 2\n"),
    # newUnary asks for its comment after reading the operand: the one before "-" or "!" is
    # gone, and the one before the ")" that ends the operand is taken.
    ("var x = 1\n// c\n!FALSE", "var x = 1\n\n!FALSE\n"),
    ('stream|eval(lambda: !isPresent("x"\n// c\n))', 'stream\n    |eval(lambda: \n        // c\n        !isPresent("x"))\n'),
    ("var x = -(5 // c\n)", "var x = \n// c\n-5\n"),
])
def test_comments_kapacitor_drops_or_moves(script, expected):
    assert format_source(script) == expected


@pytest.mark.parametrize("script, message", [
    # tick/eval.go evalUnary prints the operand's value with %v, after evaluating it.
    ("var x = !-3", "invalid arugument to '!' -3"),
    ("var x = !-1.5", "invalid arugument to '!' -1.5"),
    ("var x = !-2h", "invalid arugument to '!' -2h0m0s"),
    ("var y = 2\nvar x = !(y * 3)", "invalid arugument to '!' 6"),
    # A define-time expression fails as the lambda evaluator fails (tick/stateful).
    ("var x = 1 / 0", "runtime error: integer divide by zero"),
    ("var x = 5 + 2.0", "mismatched type to binary operator. got int + float. see bool(), int(), float(), "
                        "string(), duration()"),
])
def test_define_time_errors(script, message):
    errors = [p for p in check(parse(script)) if p.severity == ERROR]
    assert [p.message for p in errors] == [message]


def lambda_outcome(text, fields, predicate):
    """What Kapacitor's Eval (an eval node) or EvalBool (where, alert levels) gives: the value,
    or the error's text."""
    from tickpy.data.point import Point
    from tickpy.expr.compile import compile_lambda
    from tickpy.expr.types import EvalError

    (declaration,) = parse(f"var x = lambda: {text}").statements
    try:
        compiled = compile_lambda(declaration.value)
    except TickError as error:  # wrong whatever the point: Kapacitor's NewExpression fails
        return error.message
    try:
        point = Point("m", {}, fields, 0)
        return compiled.predicate(point) if predicate else compiled(point)
    except EvalError as error:
        return error.message


GUARD = "TypeGuard: expression returned unexpected type {}, expected {}"


# EvalUnaryNode.EvalBool: the node's type (its operand's, for "-") decides, and only a boolean
# passes; Eval fails at the root for a regex before asking the node (the expected outcomes are
# those of tick/stateful run on the same expressions).
@pytest.mark.parametrize("text, fields, predicate, expected", [
    ('-"s"', {"s": "abc"}, True, GUARD.format("string", "boolean")),
    ('-"s"', {"s": "abc"}, False, GUARD.format("invalid type", "string")),
    ("-'a'", {}, True, GUARD.format("string", "boolean")),
    ('-"m"', {}, True, GUARD.format("missing", "boolean")),
    ('-"m"', {}, False, 'reference "m" is missing value'),
    ("!(-/a/)", {}, True, GUARD.format("regex", "boolean")),
    ("!(-/a/)", {}, False, GUARD.format("regex", "boolean")),
    ("-/a/", {}, False, "expression returned unexpected type regex"),
    ('!(-"s")', {"s": "abc"}, False, GUARD.format("string", "boolean")),
    ('!(-"b")', {"b": True}, True, True),
    ('-"b"', {"b": True}, True, False),
    ('-"i"', {"i": 5}, True, GUARD.format("int", "boolean")),
])
def test_unary_node_types(text, fields, predicate, expected):
    assert lambda_outcome(text, fields, predicate) == expected


# ---------------------------------------------------------------------------------------------
# Kapacitor's own parser and formatter on 550 scripts: the scripts of its tests (integrations,
# server, pipeline), the same scripts with random edits (characters and tokens inserted, removed,
# replaced) and with comments inserted between tokens. The expected results in
# tests/data/kapacitor_tick_ast_cases.json were produced by running Kapacitor's tick/ast package
# (its Parse and Format, built from the Kapacitor source) on each script: the formatted text, or
# the line and char of the syntax error with its message.

AST_CASES = json.loads((ROOT / "tests" / "data" / "kapacitor_tick_ast_cases.json").read_text(encoding="utf-8"))


def _char_column(script, line, byte_char):
    """Kapacitor counts a line's bytes; tickpy its characters."""
    text = script.split("\n")[line - 1].encode("utf-8")
    return len(text[:byte_char - 1].decode("utf-8", errors="ignore")) + 1


@pytest.mark.parametrize("case", AST_CASES, ids=range(len(AST_CASES)))
def test_kapacitor_parser_and_formatter_agree(case):
    script = case["script"]
    if "formatted" in case:
        assert format_source(script) == case["formatted"]
        return
    with pytest.raises(TickError) as raised:
        parse(script)
    where = (raised.value.line, raised.value.column)
    expected = (case["error_line"], _char_column(script, case["error_line"], case["error_char"]))
    assert where == expected, f"Kapacitor: {case['error']}\ntickpy: {raised.value.render()}"


# Kapacitor's tick.Evaluate on 291 random scripts of vars (literals, copies, operators, unary
# signs, lambda functions): the value and type of each var, or Kapacitor's error (with its
# "line L char C: " when it gives one). tests/data/kapacitor_tick_eval_cases.json was produced by
# running Kapacitor's tick and tick/stateful packages (built from its source) on each script.

EVAL_CASES = json.loads((ROOT / "tests" / "data" / "kapacitor_tick_eval_cases.json").read_text(encoding="utf-8"))


def _kind_and_value(value):
    from tickpy.template.gofmt import format_float_g

    if isinstance(value, bool):
        return ["bool", value]
    if isinstance(value, Duration):
        return ["dur", int(value)]
    if isinstance(value, int):
        return ["int", value]
    if isinstance(value, float):
        return ["float", format_float_g(value)]  # Kapacitor's values as Go's %v prints them
    return ["str", value]


@pytest.mark.parametrize("case", EVAL_CASES, ids=range(len(EVAL_CASES)))
def test_kapacitor_define_time_evaluation_agrees(case):
    script = case["script"]
    if "values" in case:
        names = sorted(case["values"])
        values = define_time_values(script, names)
        assert {name: _kind_and_value(values[name]) for name in names} == case["values"]
        return
    errors = [p for p in check(parse(script)) if p.severity == ERROR]
    assert errors, f"Kapacitor: {case['error']}"
    position = re.match(r"line (\d+) char (\d+): (.*)", case["error"])
    if position:
        line, char, message = position.groups()
        assert (errors[0].line, errors[0].column, errors[0].message) == (int(line), int(char), message)
    else:
        assert errors[0].message == case["error"]


def test_global_function_var_fails_only_where_it_is_used():
    # tick/eval.go binds `var s = string(d)` as an unbound function, called where s is used:
    # unused, or only copied, it is no error ("no global function" when used, at the call).
    accepted = "var d = 5m\nvar s = string(d)\nvar t = s\nvar u = max(t, 1)\n"
    assert [p for p in check(parse(accepted)) if p.severity == ERROR] == []
    used = "var d = 5m\nvar s = string(d)\nstream\n    |from()\n        .measurement(s)\n"
    errors = [p for p in check(parse(used)) if p.severity == ERROR]
    assert [(p.line, p.column, p.message) for p in errors] == [(2, 9, 'no global function "string" defined')]
    define_time_values(accepted, ["d"])  # the task builds and runs


@pytest.mark.parametrize("script, expected", [
    # Right after "=", "=~" or "!~" Kapacitor's lexer starts a regex at "/", so "//" there is
    # an empty regex, not a comment (tryLexBinaryOperator); the rest of the line is code.
    ("var x = // c\n5", "var x = //\n\nc\n\n5\n"),
    ("var threshold = // percent\n    80\n", "var threshold = //\n\npercent\n\n80\n"),
    ('stream|from().where(lambda: "h" =~ //)', 'stream\n    |from()\n        .where(lambda: "h" =~ //)\n'),
])
def test_slashes_after_an_assignment_are_an_empty_regex(script, expected):
    assert format_source(script) == expected
    (declaration, *_) = parse(script).statements
    if isinstance(declaration, ast.Declaration):
        assert isinstance(declaration.value, ast.Regex) and declaration.value.pattern == ""


# tick/stateful on 1030 lambda expressions built from unary operators, comparisons and AND/OR
# over literals and the fields of one point (and a missing one, "m"): the value of Eval (an eval
# node) and of EvalBool (where, alert levels), or the error's text, as Kapacitor's evaluator
# gives them. tests/data/kapacitor_stateful_unary_cases.json was produced by running Kapacitor's
# tick/stateful (built from its source) on each; two expressions where Kapacitor answers with a
# Go-internal message (`-(-"m")`: "expected nodeEvaluator to be *EvalReferenceNode ...") are
# left out, as are math operators (their EvalBool errors are the lambda evaluator's, not this
# file's subject).

UNARY = json.loads((ROOT / "tests" / "data" / "kapacitor_stateful_unary_cases.json").read_text(encoding="utf-8"))


def _typed_fields(fields):
    return {name: next(iter(spec.values())) for name, spec in fields.items()}


def _as_recorded(value):
    from tickpy.template.gofmt import format_float_g

    if isinstance(value, bool):
        return {"bool": value}
    if isinstance(value, Duration):
        return {"dur": int(value)}
    if isinstance(value, int):
        return {"int": value}
    if isinstance(value, float):
        return {"float": format_float_g(value)}
    if isinstance(value, str):
        return {"str": value}
    return {"other": repr(value)}


@pytest.mark.parametrize("case", UNARY["cases"], ids=range(len(UNARY["cases"])))
def test_kapacitor_unary_evaluation_agrees(case):
    outcome = lambda_outcome(case["lambda"], _typed_fields(UNARY["fields"]), case["predicate"])
    if "error" in case:
        assert isinstance(outcome, str) and outcome.endswith(case["error"])
    else:
        assert _as_recorded(outcome) == case["value"]


@pytest.mark.parametrize("text, fields, expected", [
    # "!" asks its operand for a boolean (EvalBool); a math operation answers with what it got
    # (EvalBinaryNode.EvalBool: Go's %T of the value), as tick/stateful does.
    ('!("i" - "n")', {"i": 5, "n": -3}, "expression returned unexpected type int64"),
    ("!('a' + \"s\")", {"s": "abc"}, "expression returned unexpected type <nil>"),
])
def test_not_of_a_math_operation(text, fields, expected):
    assert lambda_outcome(text, fields, predicate=False) == expected
    assert lambda_outcome(text, fields, predicate=True) == expected
