"""JSON text byte-for-byte as Go's `encoding/json` Encoder writes it.

Kapacitor builds every webhook body with `json.NewEncoder(w).Encode(v)`, so a receiver that
compares bodies (or a signature over them) sees Go's spelling, not Python's:

- no spaces between tokens, and a trailing newline after the value;
- floats in the shortest form that round-trips, without a trailing `.0` (`8`, not `8.0`), and
  in exponent form outside [1e-6, 1e21) (`1e+21`, `1e-7`);
- `<`, `>` and `&` escaped as `\\u003c`, `\\u003e`, `\\u0026`, and U+2028 / U+2029 escaped;
- `\\b` and `\\f` by letter, as Go writes them since 1.22 (Kapacitor builds with Go 1.25);
- other non-ASCII characters written as UTF-8, not as `\\u` escapes.

Dicts are written in their insertion order; callers put Go struct fields in struct order and sort
Go map keys themselves (Go writes map keys sorted). Keys are strings.

Speed: every alert event is encoded at least once, so `marshal` lets Python's C encoder write
the text and then respells the few things Go writes differently (HTML characters, U+2028/9, lone
surrogates, floats such as `8.0` or `1e-05`). Anything the C encoder refuses (NaN, a type it does
not know) goes to `_marshal_exactly`, the plain Go rules written out, which also raises Go's
errors. Both give the same text for every value (tests compare them on generated values).
"""

from __future__ import annotations

import json
import math
import re
from decimal import Decimal


class GoJSONError(ValueError):
    """A value Go's encoder refuses (NaN and infinities)."""


def encode(value) -> str:
    """The text `json.NewEncoder(w).Encode(value)` writes, including the trailing newline."""
    return marshal(value) + "\n"


def marshal(value) -> str:
    """The text `json.Marshal(value)` returns (no trailing newline)."""
    try:
        text = _python_encode(value)
    except (ValueError, TypeError):  # NaN or infinity, or a type Python does not encode
        return _marshal_exactly(value)
    if "<" in text or ">" in text or "&" in text:
        text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    if not text.isascii() and _RARE_NON_ASCII.search(text):
        text = _RARE_NON_ASCII.sub(_escape, text)
    if _DOT_ZERO.search(text) or _EXPONENT.search(text):
        text = _TOKEN_TO_RESPELL.sub(_respell_float, text)
    return text


_python_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False,
                                  check_circular=False).encode
# What only Python writes this way, and only outside strings: a float ending in `.0` or in
# exponent form (`1e-05`, `1.5e+16`). The two quick checks (each starts with a literal, which
# the regex engine finds fast) may also hit inside a string ("v1.0"); the exact pattern skips
# strings, so only floats are respelled.
_DOT_ZERO = re.compile(r"\.0(?![0-9])")
_EXPONENT = re.compile(r"e[-+][0-9]")
_TOKEN_TO_RESPELL = re.compile(
    r'"[^"\\]*(?:\\.[^"\\]*)*"|(-?[0-9]+(?:\.0(?![0-9])|(?:\.[0-9]+)?e[-+][0-9]+))')
_RARE_NON_ASCII = re.compile("[\u2028\u2029\ud800-\udfff]")


def _respell_float(match: re.Match) -> str:
    number = match.group(1)
    return match.group() if number is None else format_float(float(number))


def _marshal_exactly(value) -> str:
    """json.Marshal by Go's rules, value by value: what `marshal` falls back to."""
    parts: list[str] = []
    _write(value, parts)
    return "".join(parts)


def _write(value, parts: list[str]) -> None:
    kind = type(value)  # exact types first: the common case, without a chain of isinstance
    if kind is str:
        parts.append('"' + value + '"' if _PLAIN.match(value) else quote(value))
    elif kind is float:
        parts.append(format_float(value))
    elif kind is dict:
        parts.append("{")
        first = True
        for key, item in value.items():
            if not first:
                parts.append(",")
            first = False
            key = key if type(key) is str else str(key)
            parts.append(('"' + key + '":') if _PLAIN.match(key) else quote(key) + ":")
            _write(item, parts)
        parts.append("}")
    elif value is None:
        parts.append("null")
    elif value is True:
        parts.append("true")
    elif value is False:
        parts.append("false")
    elif isinstance(value, int):
        parts.append(str(int(value)))
    elif isinstance(value, float):
        parts.append(format_float(value))
    elif isinstance(value, str):
        parts.append(quote(value))
    elif isinstance(value, dict):
        _write(dict(value), parts)
    elif isinstance(value, (list, tuple)):
        parts.append("[")
        for index, item in enumerate(value):
            if index:
                parts.append(",")
            _write(item, parts)
        parts.append("]")
    else:
        raise GoJSONError(f"json: unsupported type: {type(value).__name__}")


def format_float(number: float) -> str:
    """Go's float64 encoding: shortest round-trip digits, fixed or exponent form by magnitude."""
    if math.isnan(number) or math.isinf(number):
        raise GoJSONError(f"json: unsupported value: {_go_float_name(number)}")
    if number == 0:
        return "-0" if math.copysign(1.0, number) < 0 else "0"
    text = repr(number)
    if "e" not in text:  # [1e-4, 1e16): Python's shortest digits in fixed form, as Go writes them
        return text[:-2] if text.endswith(".0") else text
    magnitude = abs(number)
    if magnitude < 1e-6 or magnitude >= 1e21:
        return _exponent_form(number)
    text = format(Decimal(repr(number)), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def _exponent_form(number: float) -> str:
    """`strconv.FormatFloat(f, 'e', -1, 64)`, then encoding/json's `e-07` -> `e-7` clean-up.

    Python's repr already uses exponent form (with the same shortest digits) in these ranges.
    """
    mantissa, exponent = repr(number).split("e")
    sign = exponent[0]
    digits = exponent[1:].lstrip("0") or "0"
    if sign == "+" and len(digits) < 2:
        digits = digits.zfill(2)
    return f"{mantissa}e{sign}{digits}"


def _go_float_name(number: float) -> str:
    if math.isnan(number):
        return "NaN"
    return "+Inf" if number > 0 else "-Inf"


# Text made only of these characters needs no escaping (the common case: ids, tags, times).
_PLAIN = re.compile(r'[^"\\\x00-\x1f<>&\u2028\u2029\ud800-\udfff]*\Z')


def quote(text: str) -> str:
    """A Go JSON string literal (HTML-safe escaping, as the Encoder does by default)."""
    if _PLAIN.match(text):
        return '"' + text + '"'
    # The usual specials by plain replaces (details texts are full of `&`), backslash first;
    # the rare ones (other control characters, separators, lone surrogates) by the regex.
    text = (text.replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\u003c")
            .replace(">", "\\u003e").replace("&", "\\u0026").replace("\n", "\\n")
            .replace("\r", "\\r").replace("\t", "\\t").replace("\b", "\\b").replace("\f", "\\f"))
    if _RARE.search(text):
        text = _RARE.sub(_escape, text)
    return '"' + text + '"'


_RARE = re.compile(r'[\x00-\x07\x0b\x0e-\x1f\u2028\u2029\ud800-\udfff]')


def _escape(match: re.Match) -> str:
    char = match.group()
    if "\ud800" <= char <= "\udfff":
        return "\ufffd"  # Go replaces invalid UTF-8 (lone surrogates here) by U+FFFD
    return f"\\u{ord(char):04x}"
