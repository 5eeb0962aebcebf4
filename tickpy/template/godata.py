"""How Python values stand for the Go values a Kapacitor template sees.

Go's templates behave differently by a value's Go type: a missing key of a `map[string]string`
indexes to "" while one of a `map[string]interface{}` gives `<no value>`; a missing field of a
struct is an error; `.Time` has methods; `eq` refuses to compare an int with a float. Plain
Python values cannot tell these apart, so the data passed to a template uses these markers:

| Python value                         | Go type it stands for         |
|--------------------------------------|-------------------------------|
| `None`                               | nil                           |
| `bool`, `str`, `float`               | bool, string, float64         |
| `int`                                | int64 (a point's integer field) |
| `GoInt`                              | int (template literals, `len`) |
| `tickpy.data.point.Unsigned`         | uint64                        |
| `tickpy.data.values.Duration`        | time.Duration                 |
| `tickpy.data.values.Timestamp`       | time.Time (UTC)               |
| `dict`                               | map[string]interface{}        |
| `StringMap` (a dict)                 | map[string]string             |
| `GoStruct` (a dict, keys in field order) | a struct (missing field = error; `json_tags` as its `json:"..."` tags) |
| `list` / `tuple`                     | []interface{}                 |
"""

from __future__ import annotations

from tickpy.data.point import Unsigned
from tickpy.data.values import Duration, Timestamp


class StringMap(dict):
    """A Go `map[string]string`, such as an alert's `.Tags`."""

    __slots__ = ()


class GoStruct(dict):
    """A Go struct: keys are its exported fields in declaration order.

    `type_name` is what Go's error messages call the type, e.g. `kapacitor.messageInfo`.
    `layout` groups the field names the way embedded structs nest them, which only `%v` shows
    (`{{cpu t host=a map[] {h c s}} id ...}`): a nested tuple is an embedded struct, its type
    name first, e.g. `(("idInfo", "Name", ...), "ID", ...)`. None means no embedded structs.
    """

    __slots__ = ("type_name", "layout", "json_tags")

    def __init__(self, fields=(), type_name: str = "struct", layout: tuple | None = None,
                 json_tags: dict | None = None):
        super().__init__(fields)
        self.type_name = type_name
        self.layout = layout
        # field -> (JSON key, omitempty), from the struct's `json:"..."` tags; what `json`
        # writes (Kapacitor's alert.Data has them: `{{ json . }}` gives "id", not "ID").
        # None: no tags, the field names are the keys.
        self.json_tags = json_tags


class GoInt(int):
    """A Go `int` (as opposed to the int64 of a point's field): number literals, `len`, indexes."""

    __slots__ = ()


class Byte(Unsigned):
    """A Go `uint8`: what indexing a string gives (`index "abc" 0` is 97)."""

    __slots__ = ()


class Month(int):
    """Go's time.Month: prints as its English name, compares and `%d`-formats as its number."""

    __slots__ = ()


class Weekday(int):
    """Go's time.Weekday (Sunday = 0)."""

    __slots__ = ()


MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August",
               "September", "October", "November", "December")
WEEKDAY_NAMES = ("Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")


def go_type_name(value) -> str | None:
    """The Go type name `fmt` and template errors print for a value (None for nil)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return _INT_TYPE_NAMES.get(type(value), "int64")
    if isinstance(value, float):
        return "float64"
    if isinstance(value, str):
        return "string"
    if isinstance(value, complex):
        return "complex128"
    if isinstance(value, GoStruct):
        return value.type_name
    if isinstance(value, StringMap):
        return "map[string]string"
    if isinstance(value, dict):
        return "map[string]interface {}"
    if isinstance(value, (list, tuple)):
        return "[]interface {}"
    return type(value).__name__


_INT_TYPE_NAMES = {GoInt: "int", Unsigned: "uint64", Byte: "uint8", Duration: "time.Duration", Timestamp: "time.Time",
                   Month: "time.Month", Weekday: "time.Weekday"}


def is_integer(value) -> bool:
    """Go integer kinds: int, int64, uint64, time.Duration, time.Month, time.Weekday."""
    return isinstance(value, int) and not isinstance(value, (bool, Timestamp))

