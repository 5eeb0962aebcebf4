"""The value types a lambda works with, and how Kapacitor names them in its messages.

At run time a lambda sees plain Python values, and their Python class *is* their TICKscript type:

    float      float        int (not bool)  int          str        string
    bool       boolean      Duration        duration     Timestamp  time
    re.Pattern regex        None            missing (a field or tag the point lacks)

Anything else (an unsigned `1u` field, for one) is Kapacitor's "invalid type": its evaluator has
no uint64 case (`ast.TypeOf`), so every operator and function refuses it.

Classes are compared with `is`, never `isinstance`: bool and Duration are ints in Python but not
in TICKscript.
"""

from __future__ import annotations

import re

from tickpy.data.point import Unsigned
from tickpy.data.values import Duration, Timestamp

Pattern = re.Pattern
MissingType = type(None)
MISSING = None  # the value of a reference the point does not have


class InvalidType:
    """Stands for Kapacitor's InvalidType in signatures and messages; no value has it."""


# Two naming schemes, because Kapacitor's messages use two:
# - the evaluator's own type names, ast.ValueType.String() in tick/ast/types.go ("boolean",
#   "duration", "missing"): operator and signature errors, TypeGuard. See type_name, value_type_name.
# - Go's `%T` of the value ("bool", "time.Duration", "*ast.Missing"): messages written with
#   fmt's %T, in functions (`cannot convert bool to time.Time`) and in nodes (eval's tag check,
#   derivative, the InfluxQL reducers). See go_type_name, go_class_name, go_field_type_name.

# Kapacitor's ValueType.String() names (tick/ast/types.go).
_TYPE_NAMES = {
    float: "float",
    int: "int",
    str: "string",
    bool: "boolean",
    Pattern: "regex",
    Timestamp: "time",
    Duration: "duration",
    MissingType: "missing",
}

# Go's %T names, used by function errors such as `cannot convert bool to time.Time`.
_GO_TYPE_NAMES = {
    float: "float64",
    int: "int64",
    str: "string",
    bool: "bool",
    Pattern: "*regexp.Regexp",
    Timestamp: "time.Time",
    Duration: "time.Duration",
    MissingType: "*ast.Missing",
    Unsigned: "uint64",
}


class EvalError(Exception):
    """A lambda failed on one point. The message is Kapacitor's, so logs and summaries read the same.

    Cheap on purpose: the engine catches one per failing point.
    """

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


def type_name(cls) -> str:
    """Kapacitor's ast.ValueType name for a type: `float`, `int`, `boolean`, `missing`, ... or
    `invalid type`."""
    return _TYPE_NAMES.get(cls, "invalid type")


def value_type_name(value) -> str:
    """Kapacitor's ast.TypeOf(value) name (see type_name)."""
    return _TYPE_NAMES.get(type(value), "invalid type")


def go_class_name(cls) -> str:
    """Go's name for the type Kapacitor holds a value of Python class `cls` in: `float64`,
    `int64`, `bool`, `time.Duration`, ..."""
    name = _GO_TYPE_NAMES.get(cls)
    if name is not None:
        return name
    if issubclass(cls, list):
        return "[]interface {}"
    return cls.__name__


def go_type_name(value) -> str:
    """Go's `%T` of the value Kapacitor would hold inside its evaluator, where a missing field
    or tag is the value *ast.Missing."""
    return go_class_name(type(value))


def go_field_type_name(value) -> str:
    """Go's `%T` of `point.fields.get(name)`, as Kapacitor prints the value it read from a
    point's field map: there an absent field (None) is a nil interface, printed `<nil>`."""
    return "<nil>" if value is None else go_type_name(value)


KNOWN_TYPES = tuple(_TYPE_NAMES)
