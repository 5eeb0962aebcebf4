"""Go literal syntax inside template actions: quoted strings, raw strings, numbers, characters."""

from __future__ import annotations

import re

from tickpy.template.godata import GoInt

_SIMPLE_ESCAPES = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v",
                   "\\": "\\"}


def unquote_go_string(quoted: str) -> str:
    """`strconv.Unquote` of a `"..."`, `` `...` `` or `'c'` literal; ValueError if malformed."""
    if quoted.startswith("`"):
        return quoted[1:-1].replace("\r", "")
    quote = quoted[0]
    body = quoted[1:-1]
    out: list[str] = []
    i = 0
    while i < len(body):
        char = body[i]
        if char == quote or char == "\n":
            raise ValueError("invalid syntax")
        if char != "\\":
            out.append(char)
            i += 1
            continue
        i += 1
        if i >= len(body):
            raise ValueError("invalid syntax")
        escape = body[i]
        i += 1
        if escape in _SIMPLE_ESCAPES:
            out.append(_SIMPLE_ESCAPES[escape])
        elif escape == quote:
            out.append(quote)
        elif escape in "xuU":
            size = {"x": 2, "u": 4, "U": 8}[escape]
            digits = body[i:i + size]
            if len(digits) != size or not re.fullmatch(r"[0-9a-fA-F]+", digits):
                raise ValueError("invalid syntax")
            code = int(digits, 16)
            if escape != "x" and (code > 0x10FFFF or 0xD800 <= code <= 0xDFFF):
                raise ValueError("invalid syntax")
            out.append(chr(code))  # \xNN is a byte; for ASCII the same character
            i += size
        elif escape in "01234567":
            digits = body[i - 1:i + 2]
            if len(digits) != 3 or not re.fullmatch(r"[0-7]{3}", digits) or int(digits, 8) > 255:
                raise ValueError("invalid syntax")
            out.append(chr(int(digits, 8)))
            i += 2
        else:
            raise ValueError("invalid syntax")
    text = "".join(out)
    if quote == "'" and len(text) != 1:
        raise ValueError("invalid syntax")
    return text


def number_constant(text: str, kind: str):
    """The value Go gives a number literal where no type is expected (an "ideal constant").

    An int (`GoInt`) unless the text has `.`, `e` or `p` (outside a hex integer), then a float;
    `1i` is complex; `'a'` is the character's code as an int.
    """
    if kind == "char_const":
        return GoInt(ord(unquote_go_string(text)))
    if kind == "complex" or text.endswith("i"):
        return _complex(text)
    integer = _parse_int(text)
    is_hex = text.lstrip("+-")[:2] in ("0x", "0X")
    if integer is not None and not (not is_hex and any(c in text for c in ".eEpP")):
        if not -2**63 <= integer < 2**63:
            raise ValueError(f"{text} overflows int")
        return GoInt(integer)
    try:
        value = float.fromhex(text.replace("_", "")) if is_hex else float(text.replace("_", ""))
    except ValueError:
        raise ValueError(f"illegal number syntax: \"{text}\"") from None
    if not any(c in text for c in ".eEpP"):
        raise ValueError(f"integer overflow: \"{text}\"")
    return value


def _parse_int(text: str) -> int | None:
    body = text.lstrip("+-")
    sign = -1 if text.startswith("-") else 1
    try:
        if re.fullmatch(r"0[0-7_]+", body):
            return sign * int(body[1:].replace("_", ""), 8)
        return sign * int(body, 0)
    except ValueError:
        return None


def _complex(text: str) -> complex:
    try:
        return complex(text.replace("i", "j").replace("_", ""))
    except ValueError:
        raise ValueError(f"illegal number syntax: \"{text}\"") from None
