"""The functions a lambda can call, with Kapacitor's signatures and results (tick/stateful/functions.go).

Each builtin has a table of signatures (argument types -> result type), checked before the call
exactly as Kapacitor checks them, and an implementation that receives values already of those
types. An implementation raises `FunctionError` with Kapacitor's text; the caller adds
`error calling "name": `.

Go's semantics are kept where Python's differ: math functions return NaN or ±Inf instead of
raising, string positions and lengths count UTF-8 bytes, `int()` truncates, `string()` of a float
never uses an exponent, time parts are taken in UTC.

`sigma`, `count`, `spread` and `rand` keep state: `Builtin.new_state()` makes a fresh instance
per evaluator (Kapacitor keeps one per expression and group).

`sprintf` is tickpy's own (Kapacitor has no such function; lint warns).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import datetime, timezone
from decimal import Decimal
from typing import Callable, Optional

from tickpy.data.values import Duration, Timestamp
from tickpy.expr import goregex
from tickpy.expr.types import MissingType, Pattern, go_type_name, type_name
from tickpy.template.gofmt import format_float_g, go_quote, sprintf as go_sprintf

INT64_MIN = -(1 << 63)
INT64_MAX = (1 << 63) - 1


class FunctionError(Exception):
    """A builtin refused its arguments (Kapacitor's message, without the function name prefix)."""


@dataclass
class Builtin:
    name: str
    signatures: dict  # tuple of argument types -> result type, in Kapacitor's declaration order
    call: Optional[Callable] = None  # stateless implementation
    state_factory: Optional[Callable[[], Callable]] = None  # stateful: makes an implementation
    variadic: bool = False  # sprintf: a string, then anything
    # The call also takes what the lambda runs on, first: functions a caller adds for its own
    # lambdas, as Kapacitor's scope.SetDynamicFunc does (match expressions' level(), changed()).
    reads_point: bool = False

    @property
    def stateful(self) -> bool:
        return self.state_factory is not None

    def arities(self) -> set[int]:
        return {len(domain) for domain in self.signatures}

    def signature_text(self) -> str:
        """`[(float), (int)]` as Kapacitor's `Domains.String()` prints the available signatures."""
        return "[" + ", ".join(domain_text(d) for d in self.signatures) + "]"


def domain_text(domain) -> str:
    return "(" + ",".join(type_name(t) for t in domain) + ")"


# ---------------------------------------------------------------------------------------------
# Go conversions


def float_to_int64(value: float) -> int:
    """Go's int64(f) on amd64: truncation; NaN and out-of-range give the minimum int64."""
    if value != value or not -9.223372036854775808e18 <= value < 9.223372036854775808e18:
        return INT64_MIN
    return int(value)


def wrap_int64(value: int) -> int:
    """Two's complement wrap-around, as Go's int64 arithmetic overflows."""
    if INT64_MIN <= value <= INT64_MAX:
        return value
    return ((value - INT64_MIN) & 0xFFFFFFFFFFFFFFFF) + INT64_MIN


def format_float_f(value: float) -> str:
    """`strconv.FormatFloat(f, 'f', -1, 64)`: shortest digits, never an exponent."""
    if value != value:
        return "NaN"
    if value in (math.inf, -math.inf):
        return "+Inf" if value > 0 else "-Inf"
    if value == 0:
        return "-0" if math.copysign(1.0, value) < 0 else "0"
    text = format(Decimal(repr(value)), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def format_duration(value: int) -> str:
    """influxql.FormatDuration: the largest unit that divides exactly (`90s` -> `90s`, `2h` -> `2h`)."""
    if value == 0:
        return "0s"
    for unit, suffix in ((604800 * 10**9, "w"), (86400 * 10**9, "d"), (3600 * 10**9, "h"),
                         (60 * 10**9, "m"), (10**9, "s"), (10**6, "ms"), (10**3, "u")):
        if value % unit == 0:
            return f"{_go_div(value, unit)}{suffix}"
    return f"{value}ns"


def _go_div(a: int, b: int) -> int:
    q = abs(a) // abs(b)
    return q if (a < 0) == (b < 0) else -q


def parse_duration(text: str) -> int:
    """influxql.ParseDuration: `-1h30m`, `10s`, `5d`, `1w`, `100ms`, `10u`, `15ns`."""
    if len(text) < 2:
        raise ValueError
    i, negative, total = 0, False, 0
    if text[0] == "-":
        negative, i = True, 1
    units = {"u": 1000, "µ": 1000, "s": 10**9, "h": 3600 * 10**9, "d": 86400 * 10**9,
             "w": 604800 * 10**9}
    while i < len(text):
        start = i
        while i < len(text) and "0" <= text[i] <= "9":
            i += 1
        if i >= len(text) or i == start:
            raise ValueError
        number = int(text[start:i])
        if number > INT64_MAX:
            raise ValueError
        unit = text[i]
        if unit in ("n", "m") and text[i + 1:i + 2] == "s":
            total += number * (1 if unit == "n" else 10**6)
            i += 2
            continue
        if unit == "m":
            total += number * 60 * 10**9
        elif unit in units:
            total += number * units[unit]
        else:
            raise ValueError
        i += 1
    total = wrap_int64(total)
    if total < 0 and not negative:
        raise ValueError
    return -total if negative else total


def _parse_bool(text: str) -> bool:
    if text in ("1", "t", "T", "TRUE", "true", "True"):
        return True
    if text in ("0", "f", "F", "FALSE", "false", "False"):
        return False
    raise FunctionError(f"strconv.ParseBool: parsing {go_quote(text)}: invalid syntax")


def _parse_int(text: str) -> int:
    body = text[1:] if text[:1] in "+-" else text
    if not body or not body.isascii() or not body.isdigit():
        raise FunctionError(f"strconv.ParseInt: parsing {go_quote(text)}: invalid syntax")
    value = int(text)
    if not INT64_MIN <= value <= INT64_MAX:
        raise FunctionError(f"strconv.ParseInt: parsing {go_quote(text)}: value out of range")
    return value


_FLOAT_SYNTAX = None


def _parse_float(text: str) -> float:
    import re

    global _FLOAT_SYNTAX
    if _FLOAT_SYNTAX is None:
        _FLOAT_SYNTAX = re.compile(
            r"[+-]?(?:(?:\d+(?:_\d+)*\.?(?:\d+(?:_\d+)*)?|\.\d+(?:_\d+)*)(?:[eE][+-]?\d+)?"
            r"|0[xX](?:[0-9a-fA-F_]+\.?[0-9a-fA-F_]*|\.[0-9a-fA-F_]+)[pP][+-]?\d+"
            r"|(?i:inf|infinity|nan))")
    if not _FLOAT_SYNTAX.fullmatch(text) or ("_" in text and not text.lstrip("+-")[:2].lower() == "0x"):
        raise FunctionError(f"strconv.ParseFloat: parsing {go_quote(text)}: invalid syntax")
    cleaned = text.replace("_", "")
    value = float.fromhex(cleaned) if "x" in cleaned.lower() else float(cleaned)
    if math.isinf(value) and "inf" not in cleaned.lower():
        raise FunctionError(f"strconv.ParseFloat: parsing {go_quote(text)}: value out of range")
    return value


# ---------------------------------------------------------------------------------------------
# Conversion functions


def _bool(value):
    cls = type(value)
    if cls is bool:
        return value
    if cls is str:
        return _parse_bool(value)
    if cls in (int, float):
        if value == 0:
            return False
        if value == 1:
            return True
        text = format_float_g(value) if cls is float else str(value)
        raise FunctionError(f"cannot convert {text} to boolean")
    raise FunctionError(f"cannot convert {go_type_name(value)} to boolean")


def _int(value):
    cls = type(value)
    if cls is int:
        return value
    if cls is float:
        return float_to_int64(value)
    if cls is str:
        return _parse_int(value)
    if cls is bool:
        return 1 if value else 0
    if cls is Duration:
        return int(value)
    raise FunctionError(f"cannot convert {go_type_name(value)} to integer")


def _float(value):
    cls = type(value)
    if cls is int:
        return float(value)
    if cls is float:
        return value
    if cls is str:
        return _parse_float(value)
    if cls is bool:
        return 1.0 if value else 0.0
    raise FunctionError(f"cannot convert {go_type_name(value)} to float")


def _string(value):
    cls = type(value)
    if cls is int:
        return str(value)
    if cls is float:
        return format_float_f(value)
    if cls is bool:
        return "true" if value else "false"
    if cls is Duration:
        return format_duration(int(value))
    if cls is str:
        return value
    raise FunctionError(f"cannot convert {go_type_name(value)} to string")


def _duration(value, unit=None):
    cls = type(value)
    if cls is Duration:
        return value
    if cls in (int, float):
        if unit is None:
            raise FunctionError("duration expects unit argument for int and float values")
        if type(unit) is not Duration:
            raise FunctionError(f"invalid duration unit type: {go_type_name(unit)}")
        if cls is int:
            return Duration(wrap_int64(value * int(unit)))
        return Duration(float_to_int64(value * float(unit)))
    if cls is str:
        try:
            return Duration(parse_duration(value))
        except ValueError:
            raise FunctionError(f"invalid duration string {go_quote(value)}") from None
    raise FunctionError(f"cannot convert {go_type_name(value)} to duration")


# ---------------------------------------------------------------------------------------------
# Math functions: Go's math package, NaN and ±Inf instead of exceptions


def _go_math(function: Callable, domain_error: float = math.nan) -> Callable:
    def call(*args):
        try:
            return function(*args)
        except ValueError:
            return domain_error
        except OverflowError:
            return math.inf
    return call


def _log_like(function: Callable, pole: float) -> Callable:
    """log, log10, log2: -Inf at the pole, NaN below it."""
    def call(x):
        if x == pole:
            return -math.inf
        if x < pole or x != x:
            return math.nan
        return function(x)
    return call


def _integral(function: Callable) -> Callable:
    """ceil, floor, trunc: a float result that keeps the sign of zero."""
    def call(x):
        if x != x or x in (math.inf, -math.inf):
            return x
        return math.copysign(float(function(x)), x)
    return call


def _atanh(x):
    if x == 1:
        return math.inf
    if x == -1:
        return -math.inf
    return _go_math(math.atanh)(x)


def _sinh_cosh(function: Callable) -> Callable:
    def call(x):
        try:
            return function(x)
        except OverflowError:
            return math.copysign(math.inf, x) if function is math.sinh else math.inf
    return call


def _gamma(x):
    if x == 0:
        return math.copysign(math.inf, x)
    if x == math.inf:
        return math.inf
    if x != x or x == -math.inf or (x < 0 and x == math.floor(x)):
        return math.nan
    try:
        return math.gamma(x)
    except OverflowError:
        if x > 0:
            return math.inf
        # a large negative non-integer underflows to zero with the sign of gamma there
        return 0.0 if math.floor(x) % 2 == 0 else -0.0


def _logb(x):
    if x == 0:
        return -math.inf
    if x in (math.inf, -math.inf):
        return math.inf
    if x != x:
        return x
    return float(math.frexp(x)[1] - 1)


def _go_max(x, y):
    if x == math.inf or y == math.inf:
        return math.inf
    if x != x or y != y:
        return math.nan
    if x == 0 and y == 0:
        return y if math.copysign(1, x) < 0 else x
    return x if x > y else y


def _go_min(x, y):
    if x == -math.inf or y == -math.inf:
        return -math.inf
    if x != x or y != y:
        return math.nan
    if x == 0 and y == 0:
        return x if math.copysign(1, x) < 0 else y
    return x if x < y else y


def _mod(x, y):
    if y == 0 or x in (math.inf, -math.inf) or x != x or y != y:
        return math.nan
    return math.fmod(x, y)


def _pow(x, y):
    try:
        return math.pow(x, y)
    except ZeroDivisionError:
        pass
    except ValueError:
        if x == 0:  # 0 to a negative power
            odd_integer = y == math.floor(y) and math.fmod(y, 2) != 0
            return math.copysign(math.inf, x) if odd_integer else math.inf
        return math.nan
    except OverflowError:
        odd_integer = y == math.floor(y) and math.fmod(y, 2) != 0
        return -math.inf if x < 0 and odd_integer else math.inf
    return math.inf


# Go's Pow10 builds 10^n from two tables of exactly-written constants; the same product here.
_POW10 = [float(f"1e{i}") for i in range(32)]
_POW10_POS32 = [float(f"1e{32 * i}") for i in range(10)]
_POW10_NEG32 = [float(f"1e-{32 * i}") for i in range(11)]


def _pow10(n):
    if 0 <= n <= 308:
        return _POW10_POS32[n // 32] * _POW10[n % 32]
    if -323 <= n <= 0:
        return _POW10_NEG32[-n // 32] / _POW10[-n % 32]
    return math.inf if n > 0 else 0.0


# Bessel functions: Python's math has none. These use the integral forms, which converge fast
# for the argument sizes seen in practice; results agree with Go to about 1e-12, not bit for bit.
def _jn(n, x):
    if x != x:
        return x
    if x in (math.inf, -math.inf):
        return 0.0
    steps = 64 + int(abs(x)) + 2 * abs(n)
    h = math.pi / steps
    total = 0.0
    for k in range(steps + 1):
        t = k * h
        weight = 0.5 if k in (0, steps) else 1.0
        total += weight * math.cos(n * t - x * math.sin(t))
    return total * h / math.pi


def _yn(n, x):
    if x < 0 or x != x:
        return math.nan
    if x == 0:
        return -math.inf
    if x == math.inf:
        return 0.0
    if n < 0:
        return _yn(-n, x) * (1 if n % 2 == 0 else -1)
    # Y_n(x) = 1/pi int_0^pi sin(x sin t - n t) dt - 1/pi int_0^inf (e^{nt} + (-1)^n e^{-nt}) e^{-x sinh t} dt
    first = _gauss(lambda t: math.sin(x * math.sin(t) - n * t), 0.0, math.pi, 64)
    upper = math.asinh((40.0 + n * 10) / x) + 1.0
    sign = 1 if n % 2 == 0 else -1

    def tail(t):
        return (math.exp(n * t) + sign * math.exp(-n * t)) * math.exp(-x * math.sinh(t))
    second = _gauss(tail, 0.0, upper, 128)
    return (first - second) / math.pi


_GAUSS_NODES = (
    (-0.9061798459386640, 0.2369268850561891), (-0.5384693101056831, 0.4786286704993665),
    (0.0, 0.5688888888888889), (0.5384693101056831, 0.4786286704993665),
    (0.9061798459386640, 0.2369268850561891),
)


def _gauss(function: Callable, a: float, b: float, panels: int) -> float:
    width = (b - a) / panels
    total = 0.0
    for p in range(panels):
        middle = a + (p + 0.5) * width
        for node, weight in _GAUSS_NODES:
            total += weight * function(middle + node * width / 2)
    return total * width / 2


def _jn_int_float(n, x):
    return _jn(n, x)


def _yn_int_float(n, x):
    return _yn(n, x)


_MATH1 = {
    "abs": abs, "acos": _go_math(math.acos), "acosh": _go_math(math.acosh),
    "asin": _go_math(math.asin), "asinh": math.asinh, "atan": math.atan, "atanh": _atanh,
    "cbrt": math.cbrt, "ceil": _integral(math.ceil), "cos": _go_math(math.cos),
    "cosh": _sinh_cosh(math.cosh), "erf": math.erf, "erfc": math.erfc,
    "exp": _go_math(math.exp, math.inf), "exp2": _go_math(math.exp2, math.inf),
    "expm1": _go_math(math.expm1, math.inf), "floor": _integral(math.floor), "gamma": _gamma,
    "j0": lambda x: _jn(0, x), "j1": lambda x: _jn(1, x),
    "log": _log_like(math.log, 0.0), "log10": _log_like(math.log10, 0.0),
    "log1p": _log_like(math.log1p, -1.0), "log2": _log_like(math.log2, 0.0), "logb": _logb,
    "sin": _go_math(math.sin), "sinh": _sinh_cosh(math.sinh), "sqrt": _go_math(math.sqrt),
    "tan": _go_math(math.tan), "tanh": math.tanh, "trunc": _integral(math.trunc),
    "y0": lambda x: _yn(0, x), "y1": lambda x: _yn(1, x),
}
_MATH2 = {"atan2": math.atan2, "hypot": math.hypot, "max": _go_max, "min": _go_min,
          "mod": _mod, "pow": _pow}


# ---------------------------------------------------------------------------------------------
# String functions: positions and lengths in UTF-8 bytes, as Go's strings package counts them


def _byte_index(text: str, char_index: int) -> int:
    if char_index < 0:
        return -1
    if text.isascii():
        return char_index
    return len(text[:char_index].encode("utf-8", "surrogatepass"))


def _index_any(text: str, chars: str) -> int:
    positions = [text.find(c) for c in set(chars)]
    found = [p for p in positions if p >= 0]
    return _byte_index(text, min(found)) if found else -1


def _last_index_any(text: str, chars: str) -> int:
    found = max((text.rfind(c) for c in set(chars)), default=-1)
    return _byte_index(text, found)


def _utf8_len(text: str) -> int:
    return len(text) if text.isascii() else len(text.encode("utf-8", "surrogatepass"))


def _substring(text: str, start: int, stop: int) -> str:
    if start < 0:
        raise FunctionError(f"found negative index for strSubstring: {start}")
    if stop < 0:
        raise FunctionError(f"found negative index for strSubstring: {stop}")
    if stop >= _utf8_len(text):
        raise FunctionError(f"stop index too large for string in strSubstring: {stop}")
    if start > stop:  # Go panics here; Kapacitor reports the recovered panic
        raise FunctionError(f"runtime error: slice bounds out of range [{start}:{stop}]")
    if text.isascii():
        return text[start:stop]
    return text.encode("utf-8", "surrogatepass")[start:stop].decode("utf-8", "replace")


def _go_case(text: str, upper: bool) -> str:
    if text.isascii():
        return text.upper() if upper else text.lower()
    out = []
    for char in text:  # Go maps rune by rune; Python's one-to-many mappings (ß -> SS) are skipped
        mapped = char.upper() if upper else char.lower()
        out.append(mapped if len(mapped) == 1 else char)
    return "".join(out)


# unicode.IsSpace: Go trims these and nothing else.
_GO_SPACE = ("\t\n\v\f\r \u0085\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007"
             "\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")


def _human_bytes(value) -> str:
    """go-humanize's Bytes: SI units, one decimal below 10 (`83 MB`, `1.5 kB`, `5 B`)."""
    if type(value) is float:
        amount = float_to_int64(value) & 0xFFFFFFFFFFFFFFFF
    else:
        amount = value & 0xFFFFFFFFFFFFFFFF
    if amount < 10:
        return f"{amount} B"
    sizes = ["B", "kB", "MB", "GB", "TB", "PB", "EB"]
    exponent = math.floor(math.log(amount) / math.log(1000))
    scaled = math.floor(amount / 1000 ** exponent * 10 + 0.5) / 10
    return (f"{scaled:.1f} {sizes[exponent]}" if scaled < 10
            else f"{_go_round_half_even(scaled)} {sizes[exponent]}")


def _go_round_half_even(value: float) -> str:
    return f"{value:.0f}"


# ---------------------------------------------------------------------------------------------
# Time functions (UTC)


def _moment(value: Timestamp) -> datetime:
    seconds, _ = divmod(int(value), 10**9)
    return datetime.fromtimestamp(seconds, timezone.utc)


def _now():
    import time

    return Timestamp(time.time_ns())


# ---------------------------------------------------------------------------------------------
# Conditionals and presence


def _if(condition, when_true, when_false):
    if type(when_true) is not type(when_false):
        raise FunctionError("Different return types are not supported - second argument is "
                            f"{go_type_name(when_true)} and third argument is {go_type_name(when_false)}")
    return when_true if condition else when_false


def _is_present(value):
    return value is not None


def _sprintf(format_text, *args):
    return go_sprintf(format_text, *args)


# ---------------------------------------------------------------------------------------------
# Stateful functions


def _new_count():
    n = 0

    def count():
        nonlocal n
        n += 1
        return n
    return count


def _new_sigma():
    state = {"mean": 0.0, "m2": 0.0, "n": 0.0}

    def sigma(x):
        state["n"] += 1
        n = state["n"]
        delta = x - state["mean"]
        state["mean"] += delta / n
        state["m2"] += delta * (x - state["mean"])
        variance = state["m2"] / (n - 1) if n > 1 else (math.nan if state["m2"] == 0 else math.inf)
        if n < 2 or variance == 0:
            return 0.0
        return abs(x - state["mean"]) / math.sqrt(variance)
    return sigma


def _new_spread():
    bounds = [math.inf, -math.inf]

    def spread(x):
        if x < bounds[0]:
            bounds[0] = x
        if x > bounds[1]:
            bounds[1] = x
        return bounds[1] - bounds[0]
    return spread


def _new_rand():
    generator = random.Random()

    def rand(limit=None):
        if limit is None:
            return generator.getrandbits(63)
        if limit <= 0:
            raise FunctionError("runtime error: invalid argument to Uint64n")
        return generator.randrange(limit)
    return rand


# ---------------------------------------------------------------------------------------------
# The table

F, I, S, B, R, T, D, M = float, int, str, bool, Pattern, Timestamp, Duration, MissingType


def _one(name, arg, result, call):
    return Builtin(name, {(arg,): result}, call)


def _build() -> dict[str, Builtin]:
    table: dict[str, Builtin] = {}

    def add(builtin: Builtin):
        table[builtin.name] = builtin

    add(Builtin("bool", {(B,): B, (S,): B, (I,): B, (F,): B}, _bool))
    add(Builtin("int", {(B,): I, (S,): I, (I,): I, (F,): I}, _int))
    add(Builtin("float", {(B,): F, (S,): F, (I,): F, (F,): F}, _float))
    add(Builtin("string", {(B,): S, (S,): S, (I,): S, (F,): S, (D,): S}, _string))
    add(Builtin("duration", {(D,): D, (I, D): D, (F, D): D, (S, D): D}, _duration))
    for name, function in _MATH1.items():
        add(_one(name, F, F, function))
    for name, function in _MATH2.items():
        add(Builtin(name, {(F, F): F}, function))
    add(Builtin("jn", {(I, F): F}, _jn_int_float))
    add(Builtin("yn", {(I, F): F}, _yn_int_float))
    add(_one("pow10", I, F, _pow10))

    string2 = {
        "strContains": (B, lambda s, sub: sub in s),
        "strContainsAny": (B, lambda s, chars: any(c in s for c in chars)),
        "strCount": (I, lambda s, sub: s.count(sub) if sub else len(s) + 1),
        "strHasPrefix": (B, str.startswith),
        "strHasSuffix": (B, str.endswith),
        "strIndex": (I, lambda s, sub: _byte_index(s, s.find(sub))),
        "strIndexAny": (I, _index_any),
        "strLastIndex": (I, lambda s, sub: _byte_index(s, s.rfind(sub))),
        "strLastIndexAny": (I, _last_index_any),
        "strTrim": (S, lambda s, cut: s.strip(cut) if cut else s),
        "strTrimLeft": (S, lambda s, cut: s.lstrip(cut) if cut else s),
        "strTrimPrefix": (S, str.removeprefix),
        "strTrimRight": (S, lambda s, cut: s.rstrip(cut) if cut else s),
        "strTrimSuffix": (S, str.removesuffix),
    }
    for name, (result, function) in string2.items():
        add(Builtin(name, {(S, S): result}, function))
    add(_one("strLength", S, I, _utf8_len))
    add(Builtin("strReplace", {(S, S, S, I): S}, lambda s, old, new, n: s.replace(old, new, n)))
    add(Builtin("strSubstring", {(S, I, I): S}, _substring))
    add(_one("strToLower", S, S, lambda s: _go_case(s, False)))
    add(_one("strToUpper", S, S, lambda s: _go_case(s, True)))
    add(_one("strTrimSpace", S, S, lambda s: s.strip(_GO_SPACE)))
    add(Builtin("regexReplace", {(R, S, S): S}, goregex.replace_all))
    add(Builtin("isPresent", {(M,): B, (B,): B, (S,): B, (I,): B, (F,): B}, _is_present))
    add(_one("unixNano", T, I, int))
    add(_one("minute", T, I, lambda t: _moment(t).minute))
    add(_one("hour", T, I, lambda t: _moment(t).hour))
    add(_one("weekday", T, I, lambda t: (_moment(t).weekday() + 1) % 7))
    add(_one("day", T, I, lambda t: _moment(t).day))
    add(_one("month", T, I, lambda t: _moment(t).month))
    add(_one("year", T, I, lambda t: _moment(t).year))
    add(Builtin("now", {(): T}, _now))
    add(Builtin("humanBytes", {(F,): S, (I,): S}, _human_bytes))
    add(Builtin("if", {(B, t, t): t for t in (F, I, S, B, R, T, D)}, _if))
    add(Builtin("sigma", {(F,): F}, state_factory=_new_sigma))
    add(Builtin("count", {(): I}, state_factory=_new_count))
    add(Builtin("spread", {(F,): F}, state_factory=_new_spread))
    add(Builtin("rand", {(): I, (I,): I}, state_factory=_new_rand))
    add(Builtin("sprintf", {(S,): S}, _sprintf, variadic=True))
    return table


BUILTINS: dict[str, Builtin] = _build()
