"""Parser behaviour beyond the conformance cases, with expectations from Kapacitor's
tick/ast/parser.go and lex.go (named per test)."""

from __future__ import annotations

import pytest

from tickpy.lang import ast
from tickpy.lang.errors import TickError
from tickpy.lang.fmt import format_source
from tickpy.lang.parser import parse


def only_statement(text):
    (statement,) = parse(text).statements
    return statement


def lambda_body(text):
    return only_statement(f"var x = lambda: {text}").value.expression


def test_operator_precedence_follows_kapacitors_table():
    # parser.go precedence: OR < AND < == != =~ !~ < comparisons < + - < * / %
    body = lambda_body('"a" + 1.0 * 2.0 > 3.0 OR "c" == 0 AND TRUE')
    assert body.operator == "OR"
    assert body.left.operator == ">"
    assert body.left.left.operator == "+"
    assert body.left.left.right.operator == "*"
    assert body.right.operator == "AND"


def test_binary_operators_are_left_associative():
    body = lambda_body("10 - 4 - 3")
    assert body.left.operator == "-" and isinstance(body.right, ast.Number)


def test_unary_minus_binds_tighter_than_binary_operators():
    body = lambda_body('-"x" * 2')
    assert body.operator == "*" and isinstance(body.left, ast.Unary)


def test_literals_get_kapacitors_values():
    declarations = parse(
        "var a = 010 var b = 1.5 var c = .5 var d = 5m var e = 1u var f = 2w var g = 'it\\'s' "
        "var h = '''x'y''' var i = /a\\/b/ var j = TRUE"
    ).statements
    values = {d.name.name: d.value for d in declarations}
    assert values["a"].value == 8 and values["a"].octal  # leading 0: octal, as Go's ParseInt base 8
    assert values["b"].value == 1.5 and not values["b"].is_int
    assert values["c"].value == 0.5
    assert values["d"].nanoseconds == 5 * 60 * 10**9
    assert values["e"].nanoseconds == 1_000  # u is microseconds (influxql.ParseDuration)
    assert values["f"].nanoseconds == 14 * 86400 * 10**9
    assert values["g"].value == "it's"
    assert values["h"].value == "x'y" and values["h"].triple_quoted
    assert values["i"].pattern == "a/b"
    assert values["j"].value is True


def test_lambda_is_a_keyword_only_before_a_colon():
    # lex.go lexIdentOrKeyword: "'lambda' is a valid identifier"
    statement = only_statement("var lambda = 1")
    assert statement.name.name == "lambda"


def test_trailing_commas_are_accepted_in_calls_and_lists():
    # parser.go parameters() and stringList() stop at ")" / "]" after a comma
    chain = only_statement("stream|from().groupBy('a', 'b',)")
    assert [a.value for a in chain.right.args] == ["a", "b"]
    assert len(only_statement("var l = ['a', *,]").value.items) == 2


def test_chain_kinds_and_bare_property():
    chain = only_statement("stream|from()@udf().field('x').flag")
    assert chain.operator == "." and isinstance(chain.right, ast.Identifier)
    assert chain.left.left.operator == "@" and chain.left.left.right.kind == ast.DYNAMIC
    assert chain.left.left.left.right.kind == ast.CHAIN


def test_type_declarations_and_dbrp_statements():
    program = parse('dbrp "telegraf"."autogen"\nvar t float')
    dbrp, declaration = program.statements
    assert (dbrp.database.name, dbrp.retention_policy.name) == ("telegraf", "autogen")
    assert declaration.type.name == "float"


@pytest.mark.parametrize("text, line, column", [
    ("var x = 09", 1, 9),           # not an octal number
    ("stream|from(", 1, 13),        # end of script inside a call
    ("var x = 'a", 1, 9),           # unterminated string
    ("var x = _y", 1, 9),           # identifiers start with a letter
])
def test_errors_carry_positions(text, line, column):
    with pytest.raises(TickError) as raised:
        parse(text, "s.tick")
    assert (raised.value.line, raised.value.column) == (line, column)


def test_comments_go_where_tickfmt_prints_them():
    # A comment before a property lands before that property, indented with it (node.go Format).
    text = "stream\n    |from()\n        // the measurement\n        .measurement('cpu')\n"
    assert format_source(text) == text


def test_multiline_arguments_and_operands_are_kept_on_their_lines():
    text = "stream\n    |eval(\n        lambda: \"a\" +\n            \"b\"\n    )\n"
    out = format_source(text)
    assert format_source(out) == out
    assert "+\n" in out and "eval(\n" in out


def test_deep_nesting_parses_and_formats_or_fails_cleanly():
    text = "var x = lambda: " + "(" * 5000 + "1" + ")" * 5000
    assert isinstance(parse(text).statements[0].value, ast.Lambda)
    try:
        format_source(text)
    except TickError as error:
        assert "nested" in error.message
