"""Methods templates call on Go values: `.Time.Unix`, `.Time.Format "..."`, `.Duration.Seconds`...

Only time.Time, time.Duration, time.Month and time.Weekday have methods here (Kapacitor's
template data holds nothing else with methods users call).
"""

from __future__ import annotations

from tickpy.data.values import Duration, Timestamp
from tickpy.template.funcs import STRING, Function
from tickpy.template.godata import GoInt, Month, Weekday
from tickpy.template.gofmt import stringer_text
from tickpy.template.gotime import HOUR, MINUTE, SECOND, format_time, utc_datetime, weekday

DURATION = "duration"
TIME = "time"
INT = "int"

# Nanoseconds from Go's zero time (January 1, year 1, UTC) to the Unix epoch: Time.Truncate and
# Time.Round count from the zero time.
_ZERO_TIME_TO_EPOCH = 62_135_596_800 * SECOND


def _floor_multiple(value: int, step: int) -> int:
    return value - value % step


def _round_multiple(value: int, step: int) -> int:
    """Go rounds halfway values away from zero."""
    remainder = value % step if value >= 0 else -((-value) % step)
    if value >= 0:
        return value - remainder + (step if remainder + remainder >= step else 0)
    return value - remainder - (step if -remainder - remainder >= step else 0)


def _time_truncate(moment: Timestamp, step: int) -> Timestamp:
    if step <= 0:
        return moment
    return Timestamp(_floor_multiple(moment + _ZERO_TIME_TO_EPOCH, step) - _ZERO_TIME_TO_EPOCH)


def _time_round(moment: Timestamp, step: int) -> Timestamp:
    if step <= 0:
        return moment
    return Timestamp(_round_multiple(moment + _ZERO_TIME_TO_EPOCH, step) - _ZERO_TIME_TO_EPOCH)


def _duration_truncate(span: Duration, step: int) -> Duration:
    if step <= 0:
        return span
    return Duration(span - (abs(span) % step) * (1 if span >= 0 else -1))


def _duration_round(span: Duration, step: int) -> Duration:
    if step <= 0:
        return span
    return Duration(_round_multiple(int(span), step))


def _calendar(field: str):
    def read(moment: Timestamp) -> GoInt:
        return GoInt(getattr(utc_datetime(moment)[0], field))
    return read


_TIME_METHODS = {method.name: method for method in (
    Function("Unix", lambda t: int(t) // SECOND, ()),
    Function("UnixMilli", lambda t: int(t) // 1_000_000, ()),
    Function("UnixMicro", lambda t: int(t) // 1_000, ()),
    Function("UnixNano", lambda t: int(t), ()),
    Function("Format", lambda t, layout: format_time(t, layout), (STRING,)),
    Function("String", lambda t: stringer_text(t), ()),
    Function("Year", _calendar("year"), ()),
    Function("Month", lambda t: Month(utc_datetime(t)[0].month), ()),
    Function("Day", _calendar("day"), ()),
    Function("Hour", _calendar("hour"), ()),
    Function("Minute", _calendar("minute"), ()),
    Function("Second", _calendar("second"), ()),
    Function("Nanosecond", lambda t: GoInt(utc_datetime(t)[1]), ()),
    Function("YearDay", lambda t: GoInt(utc_datetime(t)[0].timetuple().tm_yday), ()),
    Function("Weekday", lambda t: Weekday(weekday(t)), ()),
    Function("UTC", lambda t: t, ()),
    Function("Local", lambda t: t, ()),
    Function("IsZero", lambda t: int(t) == -_ZERO_TIME_TO_EPOCH, ()),
    Function("Add", lambda t, d: Timestamp(int(t) + int(d)), (DURATION,)),
    Function("Sub", lambda t, u: Duration(int(t) - int(u)), (TIME,)),
    Function("Before", lambda t, u: int(t) < int(u), (TIME,)),
    Function("After", lambda t, u: int(t) > int(u), (TIME,)),
    Function("Equal", lambda t, u: int(t) == int(u), (TIME,)),
    Function("Truncate", _time_truncate, (DURATION,)),
    Function("Round", _time_round, (DURATION,)),
)}

def _truncated_div(value: int, step: int) -> int:
    """Go's integer division truncates toward zero."""
    quotient = abs(value) // step
    return quotient if value >= 0 else -quotient


def _split_float(span: int, unit: int) -> float:
    """Go's Duration.Seconds/Minutes/Hours: whole units plus the remainder's fraction."""
    whole = _truncated_div(int(span), unit)
    remainder = int(span) - whole * unit
    return float(whole) + remainder / unit


_DURATION_METHODS = {method.name: method for method in (
    Function("Hours", lambda d: _split_float(d, HOUR), ()),
    Function("Minutes", lambda d: _split_float(d, MINUTE), ()),
    Function("Seconds", lambda d: _split_float(d, SECOND), ()),
    Function("Milliseconds", lambda d: _truncated_div(int(d), 1_000_000), ()),
    Function("Microseconds", lambda d: _truncated_div(int(d), 1_000), ()),
    Function("Nanoseconds", lambda d: int(d), ()),
    Function("String", lambda d: stringer_text(d), ()),
    Function("Abs", lambda d: Duration(abs(int(d))), ()),
    Function("Truncate", _duration_truncate, (DURATION,)),
    Function("Round", _duration_round, (DURATION,)),
)}

_NAMED_INT_METHODS = {"String": Function("String", lambda value: stringer_text(value), ())}


def lookup(receiver, name: str) -> Function | None:
    """The method `name` of `receiver`'s Go type, or None."""
    if isinstance(receiver, Timestamp):
        return _TIME_METHODS.get(name)
    if isinstance(receiver, Duration):
        return _DURATION_METHODS.get(name)
    if isinstance(receiver, (Month, Weekday)):
        return _NAMED_INT_METHODS.get(name)
    return None
