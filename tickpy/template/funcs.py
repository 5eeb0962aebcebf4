"""The functions a template can call: Go's builtins, plus `json`/`jsonCompact` that Kapacitor adds
to the details template (alert.go), and the escapers html/template appends to every action.

A function raises `CallError(message)` for what Go reports as `error calling NAME: message`.
"""

from __future__ import annotations

import urllib.parse
from dataclasses import dataclass
from typing import Callable

from tickpy.data.point import Unsigned
from tickpy.data.values import Duration, Timestamp
from tickpy.handlers import gojson
from tickpy.template.godata import Byte, GoInt, GoStruct, Month, StringMap, Weekday, go_type_name, is_integer
from tickpy.template.gofmt import sprint, sprint_value, sprintf, sprintln
from tickpy.template.gotime import rfc3339_nano

VALUE = "value"  # Go's reflect.Value parameter: anything, but not an untyped nil literal
ANY = "any"  # interface{}: anything, nil included
STRING = "string"


class CallError(Exception):
    """A function's own failure: Go prints it as `error calling NAME: MESSAGE`."""


@dataclass(frozen=True)
class Function:
    name: str
    call: Callable
    params: tuple  # kinds of the fixed parameters
    variadic: str | None = None  # kind of the variadic parameter, if any
    short_circuit: bool = False  # `and` / `or` evaluate their arguments lazily


# ---------------------------------------------------------------------------------------------
# Truth and comparison (Go's text/template rules)

def is_true(value) -> bool:
    """Go's truth for if/with/and/or/not: false, 0, nil, and empty strings/maps/slices are false;
    structs (and times) are always true."""
    if value is None:
        return False
    if isinstance(value, (Timestamp, GoStruct)):
        return True
    if isinstance(value, (str, dict, list, tuple)):
        return len(value) > 0
    if isinstance(value, complex):
        return value != 0
    return bool(value)


def _basic_kind(value) -> str | None:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, Unsigned):
        return "uint"
    if is_integer(value):
        return "int"
    if isinstance(value, float):
        return "float"
    if isinstance(value, complex):
        return "complex"
    if isinstance(value, str):
        return "string"
    return None


def equal(first, *others) -> bool:
    """`eq a b c...`: a == b || a == c ..., with Go's refusal to compare an int with a float."""
    if not others:
        raise CallError("missing argument for comparison")
    kind1 = _basic_kind(first)
    for other in others:
        kind2 = _basic_kind(other)
        if kind1 != kind2:
            if {kind1, kind2} == {"int", "uint"}:
                truth = int(first) == int(other)
            elif first is not None and other is not None:
                raise CallError("incompatible types for comparison")
            else:
                truth = False
        elif kind1 is not None:
            truth = first == other
        else:
            truth = _equal_composite(first, other)
        if truth:
            return True
    return False


def _equal_composite(first, other) -> bool:
    """eq on values that are not bool, number or string: nil compares with anything; otherwise
    both must have the same kind and a comparable type (Go reports the second one)."""
    if first is None or other is None:
        return first is None and other is None
    if _composite_kind(first) != _composite_kind(other):
        raise CallError(f"non-comparable types {sprintf('%s', first)}: {go_type_name(first)}, "
                        f"{go_type_name(other)}: {sprint_value(other)}")
    if isinstance(other, (dict, list, tuple)) and not isinstance(other, GoStruct):
        raise CallError(f"non-comparable type {sprintf('%s', other)}: {go_type_name(other)}")
    return first == other


def _composite_kind(value) -> str:
    if isinstance(value, (GoStruct, Timestamp)):
        return "struct"
    if isinstance(value, dict):
        return "map"
    if isinstance(value, (list, tuple)):
        return "slice"
    return type(value).__name__


def not_equal(first, second) -> bool:
    return not equal(first, second)


def less(first, second) -> bool:
    kind1, kind2 = _basic_kind(first), _basic_kind(second)
    if kind1 is None or kind2 is None:
        raise CallError("invalid type for comparison")
    if kind1 != kind2:
        if {kind1, kind2} == {"int", "uint"}:
            return int(first) < int(second)
        raise CallError("incompatible types for comparison")
    if kind1 in ("bool", "complex"):
        raise CallError("invalid type for comparison")
    return first < second


def less_equal(first, second) -> bool:
    return less(first, second) or equal(first, second)


def greater(first, second) -> bool:
    return not less_equal(first, second)


def greater_equal(first, second) -> bool:
    return not less(first, second)


def logical_not(value) -> bool:
    return not is_true(value)


# ---------------------------------------------------------------------------------------------
# Indexing, slicing, length

def _index_argument(index, cap: int) -> int:
    if index is None:
        raise CallError("cannot index slice/array with nil")
    if not is_integer(index) or isinstance(index, bool):
        raise CallError(f"cannot index slice/array with type {go_type_name(index)}")
    if index < 0 or index > cap:
        raise CallError(f"index out of range: {int(index)}")
    return int(index)


def index(item, *indexes):
    """`index x 1 2`: x[1][2]. A missing map key gives the map's zero value: "" for a
    map[string]string, nil (printed `<no value>`) for a map[string]interface{}."""
    if item is None:
        raise CallError("index of untyped nil")
    for key in indexes:
        if item is None:
            raise CallError("index of nil pointer")
        if isinstance(item, (str, list, tuple)):
            sequence = item.encode("utf-8") if isinstance(item, str) else item
            position = _index_argument(key, len(sequence))
            if position == len(sequence):  # Go's own check lets this through; reflect then panics
                raise CallError(f"reflect: {'string' if isinstance(item, str) else 'slice'} index out of range")
            item = Byte(sequence[position]) if isinstance(item, str) else sequence[position]
        elif isinstance(item, dict) and not isinstance(item, GoStruct):
            if not isinstance(key, str):
                if key is None:
                    raise CallError("value is nil; should be of type string")
                raise CallError(f"value has type {go_type_name(key)}; should be string")
            if key in item:
                item = item[key]
            else:
                item = "" if isinstance(item, StringMap) else None
        else:
            raise CallError(f"can't index item of type {go_type_name(item)}")
    return item


def slice_(item, *indexes):
    """`slice x 1 2`: x[1:2]; strings are sliced by byte as in Go."""
    if item is None:
        raise CallError("slice of untyped nil")
    if len(indexes) > 3:
        raise CallError(f"too many slice indexes: {len(indexes)}")
    if isinstance(item, str):
        if len(indexes) == 3:
            raise CallError("cannot 3-index slice a string")
        data = item.encode("utf-8")
        cap = len(data)
    elif isinstance(item, (list, tuple)):
        data = item
        cap = len(item)
    else:
        raise CallError(f"can't slice item of type {go_type_name(item)}")
    bounds = [0, len(data)]
    for position, value in enumerate(indexes):
        number = _index_argument(value, cap)
        if position < 2:
            bounds[position] = number
    if bounds[0] > bounds[1]:
        raise CallError(f"invalid slice index: {bounds[0]} > {bounds[1]}")
    if len(indexes) == 3 and bounds[1] > int(indexes[2]):
        raise CallError(f"invalid slice index: {bounds[1]} > {int(indexes[2])}")
    result = data[bounds[0]:bounds[1]]
    if isinstance(item, str):
        return result.decode("utf-8", errors="replace")
    return list(result)


def length(item) -> GoInt:
    if item is None:
        raise CallError("reflect: call of reflect.Value.Type on zero Value")
    if isinstance(item, str):
        return GoInt(len(item.encode("utf-8")))
    if isinstance(item, (dict, list, tuple)) and not isinstance(item, GoStruct):
        return GoInt(len(item))
    raise CallError(f"len of type {go_type_name(item)}")


# ---------------------------------------------------------------------------------------------
# Escapers

def escaper_text(args) -> str:
    """text/template's escapers print their arguments with fmt.Sprint, nil as `<no value>`."""
    if len(args) == 1 and isinstance(args[0], str):
        return args[0]
    return sprint(*[_NoValue() if arg is None else arg for arg in args])


class _NoValue(str):
    """A stand-in printed as `<no value>` (Go's printableValue of an invalid value)."""

    def __new__(cls):
        return super().__new__(cls, "<no value>")


_HTML_ESCAPES = {"\0": "\ufffd", '"': "&#34;", "'": "&#39;", "&": "&amp;", "<": "&lt;", ">": "&gt;"}
_HTML_ESCAPE_TABLE = str.maketrans(_HTML_ESCAPES)


def html_escape_function(*args) -> str:
    """The `html` builtin (text/template.HTMLEscaper)."""
    return escaper_text(args).translate(_HTML_ESCAPE_TABLE)


def js_escape_function(*args) -> str:
    """The `js` builtin (text/template.JSEscaper): quotes and backslashes backslashed, `<>&=`
    and control characters as `\\uXXXX`."""
    out = []
    for char in escaper_text(args):
        if char == "\\":
            out.append("\\\\")
        elif char == "'":
            out.append("\\'")
        elif char == '"':
            out.append('\\"')
        elif char in "<>&=":
            out.append(f"\\u{ord(char):04X}")
        elif ord(char) < 0x20 or (ord(char) >= 0x80 and not char.isprintable()):
            out.append(f"\\u{ord(char):04X}")
        else:
            out.append(char)
    return "".join(out)


def urlquery_function(*args) -> str:
    """The `urlquery` builtin (url.QueryEscape): spaces become `+`."""
    return urllib.parse.quote_plus(escaper_text(args), safe="-_.~")


# ---------------------------------------------------------------------------------------------
# Kapacitor's json functions (alert.go, details template only)

def _json_ready(value):
    """The value as encoding/json sees it: structs keep field order, maps sort their keys,
    times are RFC3339 strings, durations integer nanoseconds."""
    kind = type(value)
    if kind in _JSON_AS_IS:
        return value  # most values of an alert's data, checked first
    if isinstance(value, GoStruct):
        if value.json_tags is not None:
            return _tagged_struct_json(value)
        return {key: item if type(item) in _JSON_AS_IS else _json_ready(item)
                for key, item in value.items()}
    if isinstance(value, dict):
        return {str(key): value[key] if type(value[key]) in _JSON_AS_IS else _json_ready(value[key])
                for key in sorted(value)}
    if isinstance(value, (list, tuple)):
        return [_json_ready(item) for item in value]
    if isinstance(value, Timestamp):
        return rfc3339_nano(value)
    if isinstance(value, (Duration, Month, Weekday, GoInt, Unsigned)):
        return int(value)
    return value


_JSON_AS_IS = {str, float, int, bool, type(None)}  # exact types encoding/json writes as they are


def _tagged_struct_json(struct: GoStruct) -> dict:
    """A struct with `json:"name,omitempty"` tags: each field under its tag's name, an
    omitempty field left out when Go counts it empty (false, 0, "", nil, empty map or slice)."""
    ready = {}
    for field_name, item in struct.items():
        key, omit_empty = struct.json_tags.get(field_name, (field_name, False))
        if omit_empty and _go_empty(item):
            continue
        ready[key] = item if type(item) in _JSON_AS_IS else _json_ready(item)
    return ready


def _go_empty(value) -> bool:
    """encoding/json's isEmptyValue; a time.Time (a struct) is never empty."""
    if value is None:
        return True
    if isinstance(value, (GoStruct, Timestamp)):
        return False
    return isinstance(value, (bool, int, float, str, list, tuple, dict)) and not value


class JSText(str):
    """Text typed as JavaScript (Go's html/template.JS), as Kapacitor's json functions return:
    html/template writes it unchanged where a JavaScript value is expected."""

    __slots__ = ()


def json_ready(value):
    """The value as encoding/json sees it (see `_json_ready`)."""
    return _json_ready(value)


def json_function(value) -> JSText:
    """Kapacitor's `json`: json.NewEncoder(...).Encode(v), newline included. Kapacitor ignores
    an encoding error (a NaN field), which leaves the output empty."""
    try:
        return JSText(gojson.encode(_json_ready(value)))
    except gojson.GoJSONError:
        return JSText("")


def json_compact_function(value) -> JSText:
    """Kapacitor's `jsonCompact`: the same JSON, compacted (so without the newline)."""
    return JSText(json_function(value).rstrip("\n"))


# ---------------------------------------------------------------------------------------------

def _print(*args) -> str:
    return sprint(*args)


def _println(*args) -> str:
    return sprintln(*args)


def _printf(format_text, *args) -> str:
    return sprintf(format_text, *args)


def _call(function, *args):
    raise CallError("call of nil" if function is None else f"non-function of type {go_type_name(function)}")


def _and(*args):  # evaluated lazily by the executor; listed for arity checks
    raise AssertionError("and is short-circuited by the executor")


BUILTINS = {function.name: function for function in (
    Function("and", _and, (VALUE,), VALUE, short_circuit=True),
    Function("or", _and, (VALUE,), VALUE, short_circuit=True),
    Function("not", logical_not, (VALUE,)),
    Function("call", _call, (VALUE,), VALUE),
    Function("html", html_escape_function, (), ANY),
    Function("js", js_escape_function, (), ANY),
    Function("urlquery", urlquery_function, (), ANY),
    Function("index", index, (VALUE,), VALUE),
    Function("slice", slice_, (VALUE,), VALUE),
    Function("len", length, (VALUE,)),
    Function("print", _print, (), ANY),
    Function("printf", _printf, (STRING,), ANY),
    Function("println", _println, (), ANY),
    Function("eq", equal, (VALUE,), VALUE),
    Function("ne", not_equal, (VALUE, VALUE)),
    Function("lt", less, (VALUE, VALUE)),
    Function("le", less_equal, (VALUE, VALUE)),
    Function("gt", greater, (VALUE, VALUE)),
    Function("ge", greater_equal, (VALUE, VALUE)),
)}

# alert.go (details) and services/httppost (inline alert-template, row-template)
KAPACITOR_JSON_FUNCTIONS = {function.name: function for function in (
    Function("json", json_function, (ANY,)),
    Function("jsonCompact", json_compact_function, (ANY,)),
)}

