"""Lambda builtins, with expected values from Kapacitor's tick/stateful/functions_test.go and
eval_function_node_test.go, the Go documentation of the functions they wrap (math, strings,
strconv, regexp, go-humanize), and Kapacitor's "Lambda expressions" reference."""

from __future__ import annotations

import math

import pytest

from tickpy.data.point import Point
from tickpy.data.values import Duration
from tickpy.expr.compile import compile_lambda
from tickpy.expr.functions import BUILTINS
from tickpy.expr.types import EvalError
from tickpy.lang.catalogue import EXTENSION_FUNCTIONS, LAMBDA_FUNCTIONS
from tickpy.lang.errors import TickError
from tickpy.lang.parser import parse

SECOND = 10**9


def lam(text: str):
    program = parse(f"stream|eval(lambda: {text})")
    return compile_lambda(program.statements[0].right.args[0], {}, "task.tick")


def value(text: str, fields: dict | None = None, time: int = 0):
    return lam(text)(Point("m", {}, fields or {}, time))


def error(text: str, fields: dict | None = None) -> str:
    with pytest.raises(EvalError) as caught:
        value(text, fields)
    return caught.value.message


def test_every_kapacitor_function_is_here_with_the_catalogue_arity():
    # the catalogue (tickpy lint) and the evaluator agree on names and argument counts
    for name, (low, high) in {**LAMBDA_FUNCTIONS, **EXTENSION_FUNCTIONS}.items():
        assert name in BUILTINS, name
        if not BUILTINS[name].variadic:
            assert BUILTINS[name].arities() == set(range(low, high + 1)), name


# ---------------------------------------------------------------------------------------------
# Conversions (functions_test.go Test_Bool, Test_Int, Test_Float, Test_String, Test_Duration)


@pytest.mark.parametrize("arg, expected", [
    ("TRUE", True), ("FALSE", False), ("1", True), ("0", False), ("1.0", True), ("0.0", False),
    ("'true'", True), ("'false'", False), ("'T'", True), ("'0'", False),
])
def test_bool(arg, expected):
    assert value(f"bool({arg})") is expected


def test_bool_errors():
    assert error("bool('asdf')") == 'error calling "bool": strconv.ParseBool: parsing "asdf": invalid syntax'
    assert error("bool(2)") == 'error calling "bool": cannot convert 2 to boolean'


@pytest.mark.parametrize("arg, expected", [
    ("TRUE", 1), ("FALSE", 0), ("1", 1), ("1.0", 1), ("1.1", 1), ("2.9999", 2), ("12.5", 12),
    ("-2.5", -2), ("'2'", 2), ("'-17'", -17),
])
def test_int(arg, expected):
    result = value(f"int({arg})")
    assert result == expected and type(result) is int


def test_int_errors():
    assert error("int('2.5')") == 'error calling "int": strconv.ParseInt: parsing "2.5": invalid syntax'
    assert error("int('99999999999999999999')") == (
        'error calling "int": strconv.ParseInt: parsing "99999999999999999999": value out of range')


def test_int_of_a_duration_is_refused_by_the_signature():
    # int's Call handles durations, but its signature (what Kapacitor checks first) does not list them
    assert error("int(5m)") == ('Cannot call function "int" with args (5m0s: duration), available '
                                "signatures are [(boolean), (string), (int), (float)].")


@pytest.mark.parametrize("arg, expected", [
    ("TRUE", 1.0), ("0", 0.0), ("1.1", 1.1), ("'2.5'", 2.5), ("'1e3'", 1000.0), ("'-inf'", -math.inf),
])
def test_float(arg, expected):
    result = value(f"float({arg})")
    assert result == expected and type(result) is float


def test_float_errors():
    assert error("float('asdf')") == 'error calling "float": strconv.ParseFloat: parsing "asdf": invalid syntax'
    assert error("float('1_000')") == 'error calling "float": strconv.ParseFloat: parsing "1_000": invalid syntax'


@pytest.mark.parametrize("arg, expected", [
    ("TRUE", "true"), ("FALSE", "false"), ("1", "1"), ("0", "0"), ("1.0", "1"), ("1.1", "1.1"),
    ("2.9999", "2.9999"), ("12.5", "12.5"), ("'asdf'", "asdf"), ("15s", "15s"),
    # strconv.FormatFloat(f, 'f', -1, 64) never uses an exponent
    ("1000000000000000000000.0", "1000000000000000000000"), ("0.000001", "0.000001"),
    # influxql.FormatDuration: the largest unit that divides exactly
    ("90s", "90s"), ("2h", "2h"), ("1d", "1d"), ("14d", "2w"), ("1500ms", "1500ms"), ("0s", "0s"),
])
def test_string(arg, expected):
    assert value(f"string({arg})") == expected


@pytest.mark.parametrize("text, expected", [
    ("duration(1, 1s)", SECOND), ("duration(0, 1u)", 0), ("duration(1.0, 1h)", 3600 * SECOND),
    ("duration(2.9999, 1ms)", int(2.9999 * 10**6)), ("duration('1m', 1s)", 60 * SECOND),
    ("duration('2s', 1h)", 2 * SECOND), ("duration(15s)", 15 * SECOND),
    ("duration('1h30m', 1s)", 5400 * SECOND), ("duration('-10s', 1s)", -10 * SECOND),
])
def test_duration(text, expected):
    result = value(text)
    assert result == expected and type(result) is Duration


def test_duration_errors():
    assert error("duration('2.5h', 1s)") == 'error calling "duration": invalid duration string "2.5h"'
    # a string needs a (then ignored) unit too: Kapacitor's signatures only list (string,duration)
    assert error("duration('1m')").startswith('Cannot call function "duration" with args (1m: string)')
    # Kapacitor's signature has no (int) form, so the unit is required before the call
    assert error("duration(1)") == ('Cannot call function "duration" with args (1: int), available '
                                    "signatures are [(duration), (int,duration), (float,duration), "
                                    "(string,duration)].")


# ---------------------------------------------------------------------------------------------
# Math (Go's math package; spec §8: abs takes a float only)


@pytest.mark.parametrize("text, expected", [
    ("abs(-2.5)", 2.5), ("sqrt(16.0)", 4.0), ("pow(2.0, 10.0)", 1024.0), ("pow10(2)", 100.0),
    ("floor(2.7)", 2.0), ("ceil(2.1)", 3.0), ("trunc(-2.7)", -2.0), ("max(1.0, 2.0)", 2.0),
    ("min(1.0, 2.0)", 1.0), ("mod(7.0, 4.0)", 3.0), ("hypot(3.0, 4.0)", 5.0), ("log2(8.0)", 3.0),
    ("log10(1000.0)", 3.0), ("exp(0.0)", 1.0), ("exp2(3.0)", 8.0), ("cbrt(27.0)", 3.0),
    ("logb(8.0)", 3.0), ("gamma(5.0)", 24.0), ("atan2(0.0, 1.0)", 0.0), ("j0(0.0)", 1.0),
    ("j1(0.0)", 0.0), ("jn(2, 0.0)", 0.0),
])
def test_math(text, expected):
    result = value(text)
    assert result == pytest.approx(expected) and type(result) is float


@pytest.mark.parametrize("text, expected", [
    # Go's math special cases: no exceptions, NaN and ±Inf instead
    ("sqrt(-1.0)", math.nan), ("log(0.0)", -math.inf), ("log(-1.0)", math.nan),
    ("mod(7.0, 0.0)", math.nan), ("pow(0.0, -1.0)", math.inf), ("exp(1000.0)", math.inf),
    ("gamma(-1.0)", math.nan), ("acos(2.0)", math.nan), ("max(1.0, float('NaN'))", math.nan),
    ("pow10(400)", math.inf), ("pow10(-400)", 0.0), ("y0(0.0)", -math.inf),
])
def test_math_special_cases(text, expected):
    result = value(text)
    if math.isnan(expected):
        assert math.isnan(result)
    else:
        assert result == expected


def test_bessel_functions_are_close_to_go():
    # reference values of J0, J1, Y0, Y1 (as Go's math package returns them)
    assert value("j0(1.0)") == pytest.approx(0.7651976865579666, abs=1e-12)
    assert value("j1(2.5)") == pytest.approx(0.4970941024642741, abs=1e-12)
    assert value("y0(1.0)") == pytest.approx(0.08825696421567697, abs=1e-10)
    assert value("y1(2.0)") == pytest.approx(-0.10703243154093755, abs=1e-10)
    assert value("yn(2, 3.0)") == pytest.approx(-0.16040039348492377, abs=1e-10)


def test_math_functions_take_floats_only():
    # spec §8: abs(-2) is an error; the message is Kapacitor's signature error
    assert error("abs(-2)") == ('Cannot call function "abs" with args (-2: int), available '
                                "signatures are [(float)].")
    assert error('sqrt("i")', {"i": 4}) == ('Cannot call function "sqrt" with args ("i": int), '
                                           "available signatures are [(float)].")
    assert value('sqrt(float("i"))', {"i": 4}) == 2.0


def test_missing_argument_names_the_reference():
    assert error('abs("x") + "y"', {"y": 1.0}) == (
        'Cannot call function "abs" argument "x" is missing, values in scope are ["y"]')


# ---------------------------------------------------------------------------------------------
# Strings (functions_test.go Test_StatelessFuncs)


@pytest.mark.parametrize("text, expected", [
    ("strContains('aabbc', 'bc')", True), ("strContains('aabbc', 'bx')", False),
    ("strContainsAny('aabbc', 'bx')", True), ("strContainsAny('aabbc', 'xy')", False),
    ("strCount('aababc', 'a')", 3), ("strCount('aabbc', 'x')", 0),
    ("strHasPrefix('aababc', 'aab')", True), ("strHasPrefix('aabbc', 'aax')", False),
    ("strHasSuffix('aababc', 'bc')", True), ("strHasSuffix('aabbc', 'xbc')", False),
    ("strIndex('aababc', 'ba')", 2), ("strIndex('aabbc', 'xbc')", -1),
    ("strIndexAny('aababc', 'bax')", 0), ("strIndexAny('aabbc', 'xy')", -1),
    ("strLastIndex('aababa', 'ba')", 4), ("strLastIndex('aabbc', 'xbc')", -1),
    ("strLastIndexAny('aababc', 'bax')", 4), ("strLastIndexAny('aabbc', 'xy')", -1),
    ("strLength('')", 0), ("strLength('abxyzc')", 6),
    ("strReplace('abxyzc', 'xyz', '', 1)", "abc"), ("strReplace('abxaza', 'a', 'z', -1)", "zbxzzz"),
    ("strSubstring('abcdefg', 1, 5)", "bcde"),
    ("strToLower('ABC')", "abc"), ("strToUpper('abc')", "ABC"),
    ("strTrim('aabbaa', 'a')", "bb"), ("strTrimLeft('aabbaa', 'a')", "bbaa"),
    ("strTrimPrefix('aabbaa', 'a')", "abbaa"), ("strTrimRight('aabbaa', 'a')", "aabb"),
    ("strTrimSuffix('aabbaa', 'a')", "aabba"), ("strTrimSpace('  x \t')", "x"),
])
def test_string_functions(text, expected):
    result = value(text)
    assert result == expected and type(result) is type(expected)


def test_string_positions_and_lengths_count_utf8_bytes_like_go():
    assert value("strLength('héllo')") == 6
    assert value("strIndex('héllo', 'l')") == 3


@pytest.mark.parametrize("text, message", [
    ("strSubstring('abcdefg', 0, 10)", "stop index too large for string in strSubstring: 10"),
    ("strSubstring('abcdefg', -1, 3)", "found negative index for strSubstring: -1"),
    ("strSubstring('abcdefg', 0, -3)", "found negative index for strSubstring: -3"),
])
def test_substring_errors(text, message):
    assert error(text) == f'error calling "strSubstring": {message}'


@pytest.mark.parametrize("pattern, replacement, expected", [
    # functions_test.go regexReplace cases (Go's ReplaceAllString template rules)
    ("a(x*)b", "T", "-T-T-"), ("a(x*)b", "$1", "--xx-"), ("a(x*)b", "$1W", "---"),
    ("a(x*)b", "${1}W", "-W-xxW-"), ("a(?P<middle>x*)b", "${middle}W", "-W-xxW-"),
    ("x*", "-", "-a-b-d-"),  # no replacement of the empty match right after "x"
])
def test_regex_replace(pattern, replacement, expected):
    assert value(f"regexReplace(/{pattern}/, '-ab-axxb-' , '{replacement}')"
                 if pattern != "x*" else f"regexReplace(/{pattern}/, 'abxd', '{replacement}')") == expected


# ---------------------------------------------------------------------------------------------
# Conditionals and presence (functions_test.go Test_If; Kapacitor docs: isPresent)


def test_if():
    assert value("if(TRUE, 1, 2)") == 1
    assert value("if(FALSE, 1, 2)") == 2
    assert value('if("v" > 1, \'big\', \'small\')', {"v": 5.0}) == "big"


def test_if_with_different_types():
    assert error("if(TRUE, 1, 'a')") == ('Cannot call function "if" with args (true: boolean,1: int,a: '
                                         "string), available signatures are [(boolean,float,float), "
                                         "(boolean,int,int), (boolean,string,string), (boolean,boolean,boolean), "
                                         "(boolean,regex,regex), (boolean,time,time), "
                                         "(boolean,duration,duration)].")


def test_is_present_does_not_fail_on_a_missing_field():
    assert value('isPresent("x")') is False
    assert value('isPresent("x")', {"x": 1.0}) is True
    assert value('isPresent("x") AND "x" > 1', {}) is False


# ---------------------------------------------------------------------------------------------
# Time (UTC) and humanBytes


def test_time_functions():
    moment = 1_700_000_000 * SECOND  # 2023-11-14T22:13:20Z, a Tuesday
    fields = {}
    assert value('minute("time")', fields, moment) == 13
    assert value('hour("time")', fields, moment) == 22
    assert value('weekday("time")', fields, moment) == 2  # Go: Sunday is 0
    assert value('day("time")', fields, moment) == 14
    assert value('month("time")', fields, moment) == 11
    assert value('year("time")', fields, moment) == 2023
    assert value('unixNano("time")', fields, moment) == moment


def test_time_functions_need_a_time():
    assert error("hour(1)") == ('Cannot call function "hour" with args (1: int), available signatures '
                                "are [(time)].")


def test_human_bytes():
    # go-humanize README: humanize.Bytes(82854982) is "83 MB"
    assert value("humanBytes(82854982)") == "83 MB"
    assert value("humanBytes(1500.0)") == "1.5 kB"
    assert value("humanBytes(5)") == "5 B"


def test_sprintf_extension():
    assert value("sprintf('%s is %d', 'x', 3)") == "x is 3"
    assert value("sprintf('%v', 1.5)") == "1.5"


# ---------------------------------------------------------------------------------------------
# Errors around calls (eval_function_node_test.go)


def test_failing_argument_is_wrapped():
    assert error('abs(float(int("s")))', {"s": "x"}) == (
        'Failed to handle 1 argument: Failed to handle 1 argument: error calling "int": '
        'strconv.ParseInt: parsing "x": invalid syntax')


def test_undefined_function():
    with pytest.raises(TickError) as caught:
        lam("yosi_the_king()")
    assert caught.value.message == 'undefined function: "yosi_the_king"'


# ---------------------------------------------------------------------------------------------
# Stateful functions: one state per evaluator; fresh() starts over


def test_count_keeps_state_and_fresh_resets_it():
    # TestStatefulExpression_Integration_EvalBool_SanityCallingFunction: count() == 1 is true once
    fn = lam("count() == 1")
    p = Point("m", {}, {}, 0)
    assert [fn(p), fn(p)] == [True, False]
    assert fn.stateful
    again = fn.fresh()
    assert again(p) is True
    assert fn(p) is False  # the original keeps its own count


def test_sigma():
    # functions.go sigma: running mean and sample deviation (Welford); 0 until two values
    fn = lam('sigma("v")')
    results = [fn(Point("m", {}, {"v": v}, 0)) for v in (1.0, 2.0, 3.0)]
    assert results == pytest.approx([0.0, 0.5 / math.sqrt(0.5), 1.0])


def test_sigma_needs_floats():
    assert error('sigma("v")', {"v": 1}) == ('Cannot call function "sigma" with args ("v": int), '
                                            "available signatures are [(float)].")


def test_spread():
    fn = lam('spread("v")')
    assert [fn(Point("m", {}, {"v": v}, 0)) for v in (3.0, 1.0, 5.0)] == [0.0, 2.0, 4.0]


def test_stateless_lambda_is_not_stateful():
    assert not lam("abs(1.0)").stateful


def test_nested_lambda_var_has_its_own_state():
    # eval_lambda_node.go: a lambda inside a lambda evaluates with an independent state
    inner = parse("var c = lambda: count()").statements[0].value
    program = parse("stream|eval(lambda: count() + c)")
    fn = compile_lambda(program.statements[0].right.args[0], {"c": inner})
    p = Point("m", {}, {}, 0)
    assert [fn(p), fn(p)] == [2, 4]
