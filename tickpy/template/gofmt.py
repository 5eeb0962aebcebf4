"""Go's `fmt` printing of template values: `%v`, `Sprint`, `Sprintln` and `Sprintf`.

Alert ids and messages are compared byte for byte (they key alert state and deduplicate
notifications), so numbers must print as Go prints them: `15` not `15.0`, `1e+06` not
`1000000.0`, and a mismatched verb as `%!d(string=x)` rather than an exception.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal

from tickpy.data.point import Unsigned
from tickpy.data.values import Duration, Timestamp
from tickpy.template.godata import (MONTH_NAMES, WEEKDAY_NAMES, GoStruct, Month, Weekday, go_type_name,
                                    is_integer)
from tickpy.template.gotime import duration_string, time_string


# ---------------------------------------------------------------------------------------------
# Floats

def shortest_digits(number: float) -> tuple[str, int]:
    """The shortest decimal digits that round-trip |number|, and where the decimal point goes.

    92.6 -> ("926", 2); 1e-06 -> ("1", -5); 1500.0 -> ("15", 4). Python's repr uses the same
    shortest round-trip rule as Go's strconv, so the digits agree.
    """
    _, digit_tuple, exponent = Decimal(repr(abs(number))).as_tuple()
    digits = "".join(map(str, digit_tuple)).lstrip("0")
    point = len(digits) + exponent
    return digits.rstrip("0") or "0", point


def format_float_g(number: float) -> str:
    """`strconv.FormatFloat(f, 'g', -1, 64)`: what `%v` and `{{ }}` print for a float64.

    Fixed notation while the decimal exponent is in [-4, 6), else exponent notation with at
    least two exponent digits: 15 -> `15`, 123456 -> `123456`, 1e6 -> `1e+06`,
    0.0001 -> `0.0001`, 0.00001234 -> `1.234e-05`.
    """
    special = _special_float(number)
    if special:
        return special
    if number == 0:
        return "-0" if math.copysign(1.0, number) < 0 else "0"
    digits, point = shortest_digits(number)
    sign = "-" if number < 0 else ""
    exponent = point - 1
    if exponent < -4 or exponent >= 6:
        return sign + _exponent_from_digits(digits, exponent)
    return sign + _fixed_from_digits(digits, point)


def _exponent_from_digits(digits: str, exponent: int, letter: str = "e") -> str:
    mantissa = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
    return f"{mantissa}{letter}{'-' if exponent < 0 else '+'}{abs(exponent):02d}"


def _fixed_from_digits(digits: str, point: int) -> str:
    if point <= 0:
        return "0." + "0" * (-point) + digits
    if point >= len(digits):
        return digits + "0" * (point - len(digits))
    return digits[:point] + "." + digits[point:]


def _special_float(number: float) -> str:
    if math.isnan(number):
        return "NaN"
    if math.isinf(number):
        return "+Inf" if number > 0 else "-Inf"
    return ""


# ---------------------------------------------------------------------------------------------
# Print and Sprint

def is_stringer(value) -> bool:
    """Go values with a String method, which `%v`, `%s`, `%q`, `%x` print through it."""
    return isinstance(value, (Duration, Timestamp, Month, Weekday))


def stringer_text(value) -> str:
    if isinstance(value, Duration):
        return duration_string(value)
    if isinstance(value, Timestamp):
        return time_string(value)
    if isinstance(value, Month):
        return MONTH_NAMES[value - 1] if 1 <= value <= 12 else f"%!Month({int(value)})"
    return WEEKDAY_NAMES[value] if 0 <= value <= 6 else f"%!Weekday({int(value)})"


def sprint_value(value) -> str:
    """`fmt.Sprint(value)` of one value: the `%v` form."""
    return format_arg(value, "v", FormatSpec())


def sprint(*values) -> str:
    """`fmt.Sprint`: a space between two operands when neither is a string."""
    out: list[str] = []
    previous_string = False
    for index, value in enumerate(values):
        is_string = isinstance(value, str)
        if index and not is_string and not previous_string:
            out.append(" ")
        out.append(sprint_value(value))
        previous_string = is_string
    return "".join(out)


def sprintln(*values) -> str:
    """`fmt.Sprintln`: spaces between all operands and a newline at the end."""
    return " ".join(sprint_value(value) for value in values) + "\n"


# ---------------------------------------------------------------------------------------------
# Sprintf

@dataclass
class FormatSpec:
    """The flags, width and precision of one `%` directive."""

    minus: bool = False
    plus: bool = False
    sharp: bool = False
    space: bool = False
    zero: bool = False
    width: int | None = None
    precision: int | None = None
    plus_v: bool = False  # %+v: struct fields printed with their names


def sprintf(format_text: str, *args) -> str:
    """`fmt.Sprintf` with Go's verbs and its in-band error spellings (`%!d(string=x)`)."""
    out: list[str] = []
    arg_index = 0
    reordered = False
    i, end = 0, len(format_text)
    while i < end:
        percent = format_text.find("%", i)
        if percent < 0:
            out.append(format_text[i:])
            break
        out.append(format_text[i:percent])
        i = percent + 1
        spec = FormatSpec()
        while i < end and format_text[i] in "#0+- ":
            flag = format_text[i]
            spec.sharp |= flag == "#"
            spec.zero |= flag == "0"
            spec.plus |= flag == "+"
            spec.minus |= flag == "-"
            spec.space |= flag == " "
            i += 1
        i, arg_index, explicit = _arg_number(format_text, i, arg_index, len(args))
        reordered |= explicit
        if i < end and format_text[i] == "*":
            i += 1
            spec.width, arg_index, ok = _int_from_arg(args, arg_index)
            if not ok:
                out.append("%!(BADWIDTH)")
            elif spec.width < 0:
                spec.minus, spec.width = True, -spec.width
        else:
            i, spec.width = _number(format_text, i)
        if i < end and format_text[i] == ".":
            i += 1
            i, arg_index, explicit = _arg_number(format_text, i, arg_index, len(args))
            reordered |= explicit
            if i < end and format_text[i] == "*":
                i += 1
                spec.precision, arg_index, ok = _int_from_arg(args, arg_index)
                if spec.precision is not None and spec.precision < 0:
                    spec.precision = None
                if not ok:
                    out.append("%!(BADPREC)")
            else:
                i, spec.precision = _number(format_text, i)
                if spec.precision is None:
                    spec.precision = 0
        i, arg_index, explicit = _arg_number(format_text, i, arg_index, len(args))
        reordered |= explicit
        if i >= end:
            out.append("%!(NOVERB)")
            break
        verb = format_text[i]
        i += 1
        if verb == "%":
            out.append("%")
        elif arg_index >= len(args):
            out.append(f"%!{verb}(MISSING)")
        else:
            if spec.minus:
                spec.zero = False
            if verb == "v" and spec.plus:
                spec.plus, spec.plus_v = False, True
            out.append(format_arg(args[arg_index], verb, spec))
            arg_index += 1
    if not reordered and arg_index < len(args):
        extras = [_type_and_value(arg) for arg in args[arg_index:]]
        out.append("%!(EXTRA " + ", ".join(extras) + ")")
    return "".join(out)


def _number(text: str, i: int) -> tuple[int, int | None]:
    start = i
    while i < len(text) and text[i].isdigit() and text[i].isascii():
        i += 1
    return i, (int(text[start:i]) if i > start else None)


def _arg_number(text: str, i: int, arg_index: int, count: int) -> tuple[int, int, bool]:
    """An explicit `[n]` argument index (1-based), if present."""
    if i >= len(text) or text[i] != "[":
        return i, arg_index, False
    close = text.find("]", i)
    if close > i + 1 and text[i + 1:close].isdigit():
        wanted = int(text[i + 1:close]) - 1
        if 0 <= wanted < count:
            return close + 1, wanted, True
    return (close + 1 if close > 0 else len(text)), arg_index, True


def _int_from_arg(args, arg_index: int) -> tuple[int | None, int, bool]:
    if arg_index < len(args) and is_integer(args[arg_index]) and not isinstance(args[arg_index], bool):
        return int(args[arg_index]), arg_index + 1, True
    return None, arg_index + 1, False


def _type_and_value(value) -> str:
    if value is None:
        return "<nil>"
    return f"{go_type_name(value)}={sprint_value(value)}"


def bad_verb(value, verb: str, spec: FormatSpec | None = None) -> str:
    """`%!d(string=x)`: the value printed with %v and the directive's own width and precision,
    ignoring String methods (Go's fmt is "erroring" here: a Duration shows its nanoseconds)."""
    if value is None:
        return f"%!{verb}(<nil>)"
    shown = format_arg(value, "v", spec or FormatSpec(), erroring=True)
    return f"%!{verb}({go_type_name(value)}={shown})"


def format_arg(value, verb: str, spec: FormatSpec, erroring: bool = False) -> str:
    """One argument under one verb, as Go's fmt prints it."""
    if value is None:
        return _pad("<nil>", spec) if verb in "vT" else bad_verb(value, verb, spec)
    if verb == "T":
        return _pad(go_type_name(value), spec)
    if not erroring and is_stringer(value) and verb in "vsxXq":
        return _format_string(stringer_text(value), verb, spec)
    if isinstance(value, bool):
        return _pad("true" if value else "false", spec) if verb in "tv" else bad_verb(value, verb, spec)
    if isinstance(value, int) and not isinstance(value, Timestamp):
        return _format_integer(value, verb, spec) if verb in "bcdoOqxXUv" else bad_verb(value, verb, spec)
    if isinstance(value, float):
        return _format_float(value, verb, spec) if verb in "beEfFgGxXv" else bad_verb(value, verb, spec)
    if isinstance(value, complex):
        if verb not in "beEfFgGxXv":
            return bad_verb(value, verb, spec)
        imaginary = _format_float(value.imag, verb, FormatSpec(plus=True, precision=spec.precision))
        return _pad("(" + _format_float(value.real, verb, FormatSpec(precision=spec.precision))
                    + imaginary + "i)", spec)
    if isinstance(value, str):
        return _format_string(value, verb, spec) if verb in "vsxXq" else bad_verb(value, verb, spec)
    if isinstance(value, GoStruct):
        return _format_struct(value, value.layout or tuple(value), verb, spec, erroring)
    if isinstance(value, Timestamp):
        return _time_internals(value, verb, spec)
    if isinstance(value, dict):
        items = [f"{format_arg(key, verb, spec, erroring)}:{format_arg(value[key], verb, spec, erroring)}"
                 for key in sorted(value)]
        return "map[" + " ".join(items) + "]"
    if isinstance(value, (list, tuple)):
        return "[" + " ".join(format_arg(item, verb, spec, erroring) for item in value) + "]"
    return bad_verb(value, verb, spec)


def _format_struct(value: GoStruct, layout: tuple, verb: str, spec: FormatSpec, erroring: bool = False) -> str:
    """`{field field ...}`, with an embedded struct's fields in their own braces."""
    parts = []
    for name in layout:
        if isinstance(name, tuple):  # an embedded struct: (type name, its fields...)
            label, text = name[0], _format_struct(value, name[1:], verb, spec, erroring)
        else:
            label, text = name, format_arg(value.get(name), verb, spec, erroring)
        parts.append((f"{label}:" if spec.plus_v else "") + text)
    return "{" + " ".join(parts) + "}"


def _time_internals(moment: Timestamp, verb: str, spec: FormatSpec) -> str:
    """A time.Time under a verb its String method does not serve (`%d`, `%e`...): Go prints the
    struct's fields, {wall ext loc}; for a UTC time without a monotonic reading, wall holds the
    nanoseconds and ext the seconds since January 1, year 1."""
    seconds, nanos = divmod(int(moment), 1_000_000_000)
    wall = format_arg(Unsigned(nanos), verb, spec)
    ext = format_arg(seconds + 62_135_596_800, verb, spec)
    if verb == "v":
        location = "<nil>"
    elif verb in "bodxX":
        location = _format_integer(0, verb, spec)
    else:
        location = f"%!{verb}(*time.Location=<nil>)"
    return "{" + wall + " " + ext + " " + location + "}"


def _pad(text: str, spec: FormatSpec, zero_ok: bool = False) -> str:
    width = spec.width or 0
    if len(text) >= width:
        return text
    if spec.minus:
        return text + " " * (width - len(text))
    filler = "0" if spec.zero and zero_ok else " "
    return filler * (width - len(text)) + text


def _format_integer(value: int, verb: str, spec: FormatSpec) -> str:
    number = int(value)
    if verb == "c":
        return _pad(_safe_chr(number), spec)
    if verb == "q":
        return _pad(_quote_rune(number), spec)
    if verb == "U":
        text = f"U+{number:04X}"
        if spec.sharp and 0 <= number <= 0x10FFFF and chr(number).isprintable():
            text += f" '{chr(number)}'"
        return _pad(text, spec)
    base = {"b": "b", "o": "o", "O": "o", "x": "x", "X": "X"}.get(verb, "d")
    digits = format(abs(number), base)
    if spec.precision is not None:
        digits = "" if spec.precision == 0 and number == 0 else digits.zfill(spec.precision)
    sign = "-" if number < 0 else ("+" if spec.plus else (" " if spec.space else ""))
    prefix = ""
    if verb == "O" or (spec.sharp and verb == "o" and not digits.startswith("0")):
        prefix = "0o" if verb == "O" else "0"
    elif spec.sharp and verb in "xX":
        prefix = "0" + verb
    elif spec.sharp and verb == "b":
        prefix = "0b"
    if spec.zero and spec.width and not spec.minus and spec.precision is None:
        digits = digits.zfill(spec.width - len(sign))  # Go pads the digits; the prefix goes outside
    return _pad(sign + prefix + digits, spec)


def _safe_chr(number: int) -> str:
    return chr(number) if 0 <= number <= 0x10FFFF and not 0xD800 <= number <= 0xDFFF else "\ufffd"


def _format_float(value: float, verb: str, spec: FormatSpec) -> str:
    special = _special_float(value)
    if special:
        if special == "NaN":
            text = "+NaN" if spec.plus else (" NaN" if spec.space else "NaN")
        else:
            text = special if (spec.plus or value < 0) else ("+Inf" if not spec.space else " Inf")
        return _pad(text, FormatSpec(minus=spec.minus, width=spec.width))
    if verb in "vgG" and spec.precision is None:
        text = format_float_g(value)
        if verb == "G":
            text = text.upper()
    elif verb in "xX":
        text = _hex_float(value, spec.precision, verb)
    elif verb == "b":
        mantissa, exponent = math.frexp(abs(value))
        text = f"{'-' if value < 0 else ''}{int(mantissa * 2**53)}p{exponent - 53:+d}"
    else:
        python_verb = {"v": "g", "F": "f"}.get(verb, verb)
        precision = 6 if spec.precision is None else spec.precision
        text = format(value, f"{'#' if spec.sharp else ''}.{precision}{python_verb}")
    if not text.startswith("-"):
        if spec.plus:
            text = "+" + text
        elif spec.space:
            text = " " + text
    if spec.zero and spec.width and not spec.minus and len(text) < spec.width:
        sign = text[0] if text[0] in "+- " else ""
        return sign + text[len(sign):].zfill(spec.width - len(sign))
    return _pad(text, spec)


def _hex_float(value: float, precision: int | None, verb: str) -> str:
    """`%x` of a float: Go's `0x1.8p+01` (Python's float.hex is `0x1.8000000000000p+1`)."""
    text = value.hex()
    sign = "-" if text.startswith("-") else ""
    mantissa, exponent = text.lstrip("-")[2:].split("p")
    whole, _, fraction = mantissa.partition(".")
    fraction = fraction.rstrip("0")
    if precision is not None:
        fraction = (fraction + "0" * precision)[:precision]
    exp_value = int(exponent)
    result = f"{sign}0x{whole}{'.' + fraction if fraction else ''}p{'-' if exp_value < 0 else '+'}{abs(exp_value):02d}"
    return result.upper().replace("0X", "0X") if verb == "X" else result


def _format_string(text: str, verb: str, spec: FormatSpec) -> str:
    if verb in "vs":
        if spec.precision is not None:
            text = text[:spec.precision]
        return _pad(text, spec, zero_ok=True)
    if verb == "q":
        if spec.precision is not None:
            text = text[:spec.precision]
        if spec.sharp and "`" not in text and all(c == "\t" or (c.isprintable() and c != "\ufeff") for c in text):
            return _pad("`" + text + "`", spec)
        return _pad(go_quote(text, ascii_only=spec.plus), spec)
    data = text.encode("utf-8")
    if spec.precision is not None:
        data = data[:spec.precision]
    pieces = [format(byte, "02x" if verb == "x" else "02X") for byte in data]
    prefix = ("0x" if verb == "x" else "0X") if spec.sharp else ""
    if spec.space:
        joined = " ".join(prefix + piece for piece in pieces)
    else:
        joined = prefix + "".join(pieces)
    return _pad(joined, spec)


_QUOTE_ESCAPES = {"\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t",
                  "\v": "\\v", "\\": "\\\\", '"': '\\"'}


def go_quote(text: str, ascii_only: bool = False, quote: str = '"') -> str:
    """`strconv.Quote`: Go escapes, printable Unicode kept (unless `ascii_only`)."""
    out = [quote]
    for char in text:
        if char == quote or char == "\\":
            out.append("\\" + char)
        elif char in _QUOTE_ESCAPES and char not in "\"'":
            out.append(_QUOTE_ESCAPES[char])
        elif char.isprintable() and (char.isascii() or not ascii_only) and char != "\ufeff":
            out.append(char)
        elif "\ud800" <= char <= "\udfff":
            out.append("\\ufffd")
        else:
            code = ord(char)
            if code < 0x80:
                out.append(f"\\x{code:02x}")
            elif code < 0x10000:
                out.append(f"\\u{code:04x}")
            else:
                out.append(f"\\U{code:08x}")
    out.append(quote)
    return "".join(out)


def _quote_rune(number: int) -> str:
    return go_quote(_safe_chr(number), quote="'")
