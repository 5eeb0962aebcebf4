"""Lambda expressions: operators, references, type rules and error texts, as Kapacitor evaluates them.

Expected values come from Kapacitor's evaluator tests (tick/stateful/expr_test.go, its
eval_*_node_test.go files), the Go language spec for integer and float arithmetic (Kapacitor's
operators are Go's), and Kapacitor's fillScope (expr.go) for how fields, tags and "time" are read.
Errors from the same cases carry Kapacitor's wording.
"""

from __future__ import annotations

import math

import pytest

from tickpy.data.point import Point, Unsigned
from tickpy.data.values import Duration
from tickpy.expr.compile import compile_lambda
from tickpy.expr.types import EvalError
from tickpy.lang import ast
from tickpy.lang.errors import TickError
from tickpy.lang.parser import parse

SECOND = 10**9
MINUTE = 60 * SECOND


def lam(text: str, variables: dict | None = None):
    """Compile the lambda of `stream|where(lambda: TEXT)`, parsed as a user would write it."""
    program = parse(f"stream\n    |where(lambda: {text})")
    node = program.statements[0].right.args[0]
    return compile_lambda(node, variables, "task.tick")


def point(fields: dict | None = None, tags: dict | None = None, time: int = 0) -> Point:
    return Point("m", tags or {}, fields or {}, time)


def value(text: str, fields: dict | None = None, tags: dict | None = None, variables=None, time=0):
    return lam(text, variables)(point(fields, tags, time))


def error(text: str, fields: dict | None = None, tags: dict | None = None, variables=None) -> str:
    with pytest.raises(EvalError) as caught:
        lam(text, variables)(point(fields, tags))
    return caught.value.message


def compile_error(text: str, variables=None) -> TickError:
    with pytest.raises(TickError) as caught:
        lam(text, variables)
    return caught.value


MISMATCH = "mismatched type to binary operator. got {}. see bool(), int(), float(), string(), duration()"


# ---------------------------------------------------------------------------------------------
# Comparisons (expr_test.go TestExpression_EvalBool_NumberNode / _StringNode / _BoolNode)


@pytest.mark.parametrize("left, op, right, expected", [
    (5.0, "==", 5.0, True), (5.0, "<", 10.0, True), (10.0, ">=", 5.0, True), (5.0, ">", 10.0, False),
    # int and float compare freely
    (5.0, "==", 5, True), (10.0, ">", 5, True), (5, "<=", 5.0, True), (5, "<", 10.0, True),
    (10, "!=", 5.0, True), (5, "==", 5, True), (5, ">", 10, False),
    ("a", "<", "b", True), ("b", ">=", "a", True), ("a", "==", "a", True), ("a", "!=", "b", True),
    (True, "==", True, True), (True, "!=", False, True),
])
def test_comparisons_on_fields(left, op, right, expected):
    assert value(f'"l" {op} "r"', {"l": left, "r": right}) is expected


def test_comparison_with_int_literal_works_on_float_fields():
    # the benchmark lambda: a float field against an int literal (spec §8)
    assert value('"usage_idle" < 10', {"usage_idle": 9.5}) is True
    assert value('"usage_idle" < 10', {"usage_idle": 10.0}) is False
    assert value('"usage_idle" < 10', {"usage_idle": 3}) is True


def test_int_float_comparison_converts_the_int_to_float_as_go_does():
    # float64(9007199254740993) == 9007199254740992.0 in Go (the int rounds when converted)
    assert value('"i" == "f"', {"i": 9007199254740993, "f": 9007199254740992.0}) is True


def test_nan_compares_unequal():
    assert value('"f" == "f"', {"f": math.nan}) is False
    assert value('"f" != "f"', {"f": math.nan}) is True


@pytest.mark.parametrize("left, op, right, message", [
    # expr_test.go TestExpression_EvalBool_StringNode
    ("a", "==", 123, MISMATCH.format("string == int")),
    ("a", "<", 123, MISMATCH.format("string < int")),
    ("a", "OR", "b", "invalid logical operator OR for type string"),
    # TestExpression_EvalBool_BinaryNodeWithDurationNode
    (Duration(5), "==", 5, MISMATCH.format("duration == int")),
    (Duration(5), "OR", Duration(5), "invalid logical operator OR for type duration"),
    (5, "OR", 5, "invalid logical operator OR for type int"),
    (True, "<", False, "invalid comparison operator < for type boolean"),
])
def test_comparison_type_errors(left, op, right, message):
    assert error(f'"l" {op} "r"', {"l": left, "r": right}) == message


# ---------------------------------------------------------------------------------------------
# Arithmetic (expr_test.go TestExpression_EvalNum_NumberNode, TestExpression_EvalDuration)


@pytest.mark.parametrize("left, op, right, expected", [
    (5.0, "+", 10.0, 15.0), (5.0, "-", 10.0, -5.0), (10.0, "*", 5.0, 50.0), (5.0, "/", 10.0, 0.5),
    (5, "+", 5, 10), (5, "-", 5, 0), (5, "*", 5, 25), (5, "/", 5, 1), (5, "%", 5, 0),
    ("a", "+", "b", "ab"),
])
def test_arithmetic(left, op, right, expected):
    result = value(f'"l" {op} "r"', {"l": left, "r": right})
    assert result == expected and type(result) is type(expected)


@pytest.mark.parametrize("left, op, right, message", [
    (5, "+", 5.0, MISMATCH.format("int + float")),
    (5, "%", 10.0, MISMATCH.format("int % float")),
    (5.0, "-", 5, MISMATCH.format("float - int")),
    (5.0, "%", 5.0, "invalid math operator % for type float"),
    (10.0, "%", "NON_INT_VALUE", "invalid math operator % for type float"),
    (5, "+", "NON_INT_VALUE", MISMATCH.format("int + string")),
    ("s", "+", 1, MISMATCH.format("string + int")),
    (True, "+", True, "invalid math operator + for type boolean"),
])
def test_arithmetic_needs_one_type(left, op, right, message):
    assert error(f'"l" {op} "r"', {"l": left, "r": right}) == message


def test_integer_division_truncates_toward_zero_like_go():
    # Go spec, "Integer operators": -7 / 2 == -3 and -7 % 2 == -1 (the sign of the dividend)
    assert value('"a" / "b"', {"a": 10, "b": 4}) == 2
    assert value('"a" / "b"', {"a": -7, "b": 2}) == -3
    assert value('"a" % "b"', {"a": -7, "b": 2}) == -1
    assert value('"a" % "b"', {"a": 7, "b": -2}) == 1


def test_integer_division_by_zero_is_go_runtime_error():
    assert error('"a" / "b"', {"a": 1, "b": 0}) == "runtime error: integer divide by zero"
    assert error('"a" % "b"', {"a": 1, "b": 0}) == "runtime error: integer divide by zero"


def test_float_division_by_zero_is_ieee():
    # IEEE 754, as Go computes float64 division (spec §8: float division by zero gives +Inf)
    assert value('"a" / "b"', {"a": 1.0, "b": 0.0}) == math.inf
    assert value('"a" / "b"', {"a": -1.0, "b": 0.0}) == -math.inf
    assert math.isnan(value('"a" / "b"', {"a": 0.0, "b": 0.0}))


def test_int64_arithmetic_wraps_like_go():
    assert value('"a" + 1', {"a": 9223372036854775807}) == -9223372036854775808
    assert value('-"a"', {"a": -9223372036854775808}) == -9223372036854775808


@pytest.mark.parametrize("text, expected", [
    # TestExpression_EvalDuration
    ("5m + 10m", Duration(15 * MINUTE)), ("10m - 5m", Duration(5 * MINUTE)),
    ("5m * 2", Duration(10 * MINUTE)), ("2 * 5m", Duration(10 * MINUTE)),
    ("1m * 1.5", Duration(90 * SECOND)), ("10m / 2", Duration(5 * MINUTE)),
    ("1m / 4.0", Duration(15 * SECOND)),
])
def test_duration_arithmetic(text, expected):
    result = value(text)
    assert result == expected and type(result) is Duration


def test_duration_divided_by_duration_is_an_int():
    result = value("10m / 4m")
    assert result == 2 and type(result) is int


@pytest.mark.parametrize("left, op, right, message", [
    (Duration(5), "+", 2, MISMATCH.format("duration + int")),
    (2, "-", Duration(5), MISMATCH.format("int - duration")),
    (Duration(5), "*", Duration(5), MISMATCH.format("duration * duration")),
    (Duration(5), "%", Duration(5), "invalid math operator % for type duration"),
    (1.5, "%", Duration(5), "invalid math operator % for type float"),
    (2, "/", Duration(5), MISMATCH.format("int / duration")),
])
def test_duration_arithmetic_errors(left, op, right, message):
    # TestExpression_EvalDuration's error table
    assert error(f'"l" {op} "r"', {"l": left, "r": right}) == message


def test_durations_compare():
    assert value('"d" > 1m', {"d": Duration(2 * MINUTE)}) is True
    assert error('"d" > 1', {"d": Duration(2 * MINUTE)}) == MISMATCH.format("duration > int")


# ---------------------------------------------------------------------------------------------
# Logical operators


def test_and_or():
    assert value('"a" AND "b"', {"a": True, "b": True}) is True
    assert value('"a" AND "b"', {"a": True, "b": False}) is False
    assert value('"a" OR "b"', {"a": False, "b": True}) is True
    assert value('"a" OR "b"', {"a": False, "b": False}) is False


def test_and_or_short_circuit():
    # evaluation_funcs.go: the right side of AND is not evaluated when the left is false
    assert value('"a" > 1 AND "missing" > 1', {"a": 0}) is False
    assert value('"a" > 1 OR "missing" > 1', {"a": 5}) is True
    assert value('"a" > 1 OR 1 / "zero" > 1', {"a": 5, "zero": 0}) is True


def test_and_needs_booleans():
    assert error('"a" AND "b"', {"a": 1, "b": True}) == "invalid logical operator AND for type int"
    assert error('"a" OR "b"', {"a": "x", "b": "y"}) == "invalid logical operator OR for type string"


def test_and_with_a_missing_operand_is_an_error_even_when_the_other_is_false():
    # both operand types are looked up before either is evaluated (evaluateDynamicNode)
    assert error('"a" AND "b"', {"a": False}) == 'right reference value "b" is missing value'


# ---------------------------------------------------------------------------------------------
# Unary operators (eval_unary_node.go, eval_lambda_node_test.go)


def test_unary_minus():
    assert value('-"i"', {"i": 12}) == -12
    assert value('-"f"', {"f": 12.0}) == -12.0
    assert value("-1m") == Duration(-MINUTE)
    assert value('-"f" < 0', {"f": 1.5}) is True


def test_unary_not():
    assert value("!TRUE") is False
    assert value('!"b"', {"b": False}) is True
    assert value('!("a" > 1)', {"a": 0}) is True
    assert error('!"b"') == 'reference "b" is missing value'
    assert error('!"b"', {"b": 1.5}) == "TypeGuard: expression returned unexpected type float, expected boolean"


# ---------------------------------------------------------------------------------------------
# Regular expressions (Go RE2 semantics)


def test_regex_match():
    assert value('"host" =~ /^web\\d+$/', tags={"host": "web12"}) is True
    assert value('"host" !~ /^web/', tags={"host": "db1"}) is True
    # unanchored search, as Go's MatchString
    assert value('"s" =~ /b/', {"s": "abc"}) is True


def test_regex_dollar_is_end_of_text_in_go():
    # Go's $ without the m flag matches only at the end (Python's also before a final newline)
    assert value('"s" =~ /abc$/', {"s": "abc\n"}) is False
    assert value('"s" =~ /(?m)abc$/', {"s": "abc\nx"}) is True


def test_regex_digit_class_is_ascii_in_go():
    assert value('"s" =~ /^\\d$/', {"s": "\u0663"}) is False  # ARABIC-INDIC DIGIT THREE


def test_regex_needs_a_string():
    assert error('"n" =~ /1/', {"n": 1}) == "invalid comparison operator =~ for type int"


def test_regex_from_a_var():
    pattern = ast.Regex(1, 9, "^cpu")
    assert value('"s" =~ r', {"s": "cpu0"}, variables={"r": pattern}) is True


@pytest.mark.parametrize("pattern", ["(?=a)b", "(a)\\1", "(?<!a)b", "a*+"])
def test_regex_syntax_go_refuses_is_a_compile_error(pattern):
    problem = compile_error(f'"s" =~ /{pattern}/')
    assert problem.line == 2 and problem.column == 27  # the regex literal
    assert "error parsing regexp" in problem.message


def test_bad_regex_is_a_compile_error():
    problem = compile_error('"s" =~ /(a/')
    assert "missing closing )" in problem.message


# ---------------------------------------------------------------------------------------------
# References: fields, tags, time (kapacitor expr.go fillScope)


def test_tags_are_readable():
    assert value('"host" == \'a\'', tags={"host": "a"}) is True


def test_field_and_tag_with_the_same_name_is_an_error():
    assert error('"x" > 1', {"x": 2}, {"x": "a"}) == 'cannot have field and tags with same name "x"'


def test_time_reference_is_the_point_time():
    moment = 1_700_000_000 * SECOND
    assert value('unixNano("time")', time=moment) == moment
    assert value('hour("time")', time=moment) == 22


def test_missing_field_in_a_comparison():
    # determineError: the missing side is named
    assert error('"x" > 10') == 'left reference value "x" is missing value'
    assert error('10 < "x"') == 'right reference value "x" is missing value'


def test_missing_field_in_arithmetic():
    # Type() of the arithmetic node fails first, without naming the reference
    assert error('"x" + 1') == "invalid math operator + for type missing"
    assert error('"x" + 1 > 2') == "invalid math operator + for type missing"


def test_missing_field_as_the_whole_expression():
    # expression.Eval on a missing reference (the eval node)
    assert error('"x"') == 'missing value: "x"'


def test_unsigned_field_is_not_a_lambda_type():
    # ast.TypeOf has no uint64 case (expr_test.go TestExpression_EvalBool_NotSupportedValueLeft)
    assert error('"u" > 1', {"u": Unsigned(5)}) == "left value is invalid value type"
    assert error('1 < "u"', {"u": Unsigned(5)}) == "right value is invalid value type"


def test_references_attribute():
    assert lam('"a" > 1 AND "host" == \'x\' OR "a" < 0').references == {"a", "host"}


# ---------------------------------------------------------------------------------------------
# Vars inside lambdas (tick/eval.go resolveIdents)


def test_vars_are_inlined_with_their_types():
    assert value('"v" > threshold', {"v": 11.0}, variables={"threshold": 10}) is True
    assert value('"v" + offset', {"v": 1.5}, variables={"offset": 2.0}) == 3.5
    assert value('"d" > window', {"d": Duration(2 * MINUTE)}, variables={"window": Duration(MINUTE)}) is True
    assert value('"h" == name', tags={"h": "a"}, variables={"name": "a"}) is True


def test_var_holding_a_lambda():
    inner = parse('var x = lambda: "a" > 1')
    variables = {"cond": inner.statements[0].value}
    assert value('cond AND "b" < 1', {"a": 2, "b": 0}, variables=variables) is True


def test_undefined_var_is_a_compile_error_with_its_position():
    problem = compile_error('"v" > threshold', {"other": 1})
    assert (problem.line, problem.column) == (2, 26)
    assert problem.message == 'name "threshold" is undefined. Names in scope: other'


def test_literal_type_errors_are_found_at_compile_time():
    # NewEvalBinaryNode refuses constant operands of mismatched types when the task is defined
    problem = compile_error("1 + 1.5")
    assert problem.message == MISMATCH.format("int + float")
    assert (problem.line, problem.column) == (2, 22)


@pytest.mark.parametrize("text, prefix", [
    ("1 + 1.5 > 2", "Failed to handle left node: "),
    ('"x" > 1 + 1.5', "Failed to handle right node: "),
    ("abs(1 + 1.5) > 2.0", "Failed to handle left node: Failed to handle 1 argument: "),
    ("!(1 + 1.5 > 2)", "Failed to handle node: Failed to handle left node: "),
])
def test_a_literal_type_error_below_the_root_names_the_way_down(text, prefix):
    # NewEvalBinaryNode builds its operands first and wraps their errors ("Failed to handle
    # left node: %v"), as NewEvalFunctionNode ("Failed to handle %v argument: %v") and
    # NewEvalUnaryNode ("Failed to handle node: %v") do (tick/stateful)
    assert compile_error(text).message == prefix + MISMATCH.format("int + float")


def test_undefined_function_is_a_compile_error_with_its_position():
    problem = compile_error('nosuch("x") > 1')
    assert problem.message == 'undefined function: "nosuch"'
    assert (problem.line, problem.column) == (2, 20)


def test_wrong_argument_count_is_a_compile_error():
    problem = compile_error('abs("x", 2.0)')
    assert "abs() takes 1 argument, got 2" in problem.message


# ---------------------------------------------------------------------------------------------
# Values and predicates


def test_predicate_of_a_non_boolean_root():
    fn = lam('"f"')
    assert fn(point({"f": 1.5})) == 1.5
    with pytest.raises(EvalError) as caught:
        fn.predicate(point({"f": 1.5}))
    assert caught.value.message == "TypeGuard: expression returned unexpected type float, expected boolean"


def test_time_is_not_a_value_for_eval():
    with pytest.raises(EvalError) as caught:
        lam('"time"')(point())
    assert caught.value.message == "expression returned unexpected type time"


def test_compiled_lambda_is_called_many_times():
    fn = lam('"v" > 5')
    results = [fn(point({"v": float(i)})) for i in range(10)]
    assert results == [i > 5 for i in range(10)]
    # the value's type may change between points, as it can in a stream
    assert fn(point({"v": 7})) is True
    assert fn(point({"v": 1.0})) is False


def test_bare_expression_node_compiles_too():
    node = ast.Binary(1, 1, ">", ast.Reference(1, 1, "v"), ast.Number(1, 7, 5, True))
    assert compile_lambda(node)(point({"v": 6})) is True


def test_if_can_choose_between_times_but_eval_cannot_return_one():
    fn = lam('if(TRUE, "time", "time")')
    with pytest.raises(EvalError) as caught:
        fn(point(time=5))
    assert caught.value.message == "expression returned unexpected type time"
