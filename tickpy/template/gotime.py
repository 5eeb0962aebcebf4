"""Go's spelling of durations and times: `time.Duration.String()`, `time.Time.String()`, and
`time.Time.Format` with Go's reference-time layouts (`2006-01-02T15:04:05Z07:00`).

Times are always in UTC here (tickpy's clock is the data's UTC timestamps), so a zone in a layout
prints as `UTC`, `Z` or `+00:00`.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from functools import lru_cache

from tickpy.template.godata import MONTH_NAMES, WEEKDAY_NAMES

SECOND = 1_000_000_000
MINUTE = 60 * SECOND
HOUR = 60 * MINUTE
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)

RFC3339_NANO = "2006-01-02T15:04:05.999999999Z07:00"
TIME_STRING = "2006-01-02 15:04:05.999999999 -0700 MST"


# Go's time.ParseDuration units.
_UNIT_NS = {"ns": 1, "us": 1_000, "µs": 1_000, "μs": 1_000, "ms": 1_000_000, "s": 10**9,
            "m": 60 * 10**9, "h": 3600 * 10**9}
_DURATION_PART = re.compile(r"(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)")


def parse_go_duration(text: str) -> int:
    """`time.ParseDuration`, as Kapacitor reads durations in its config and handler files: the
    nanoseconds of `24h`, `1h30m`, `1.5s`, `100ms`; ValueError if the text is not one."""
    sign = -1 if text.startswith("-") else 1
    body = text[1:] if text[:1] in ("+", "-") else text
    if body == "0":
        return 0
    position, total = 0, 0.0
    for part in _DURATION_PART.finditer(body):
        if part.start() != position:
            break
        total += float(part.group(1)) * _UNIT_NS[part.group(2)]
        position = part.end()
    if position != len(body) or position == 0:
        raise ValueError(f"invalid duration {text!r}")
    return sign * int(round(total))


def duration_string(ns: int) -> str:
    """`time.Duration.String()`: `1m30s`, `2h0m0s`, `1.5s`, `500ms`, `1µs`, `0s`."""
    if ns == 0:
        return "0s"
    magnitude = abs(ns)
    if magnitude < SECOND:
        if magnitude < 1_000:
            text = f"{magnitude}ns"
        elif magnitude < 1_000_000:
            text = _with_fraction(magnitude, 3) + "µs"
        else:
            text = _with_fraction(magnitude, 6) + "ms"
    else:
        minutes, rest = divmod(magnitude, MINUTE)
        text = _with_fraction(rest, 9) + "s"
        if minutes:
            hours, minutes = divmod(minutes, 60)
            text = f"{minutes}m" + text
            if hours:
                text = f"{hours}h" + text
    return "-" + text if ns < 0 else text


def _with_fraction(value: int, decimals: int) -> str:
    """`value / 10**decimals` in decimal, trailing zeros of the fraction dropped."""
    whole, fraction = divmod(value, 10 ** decimals)
    if not fraction:
        return str(whole)
    return f"{whole}." + f"{fraction:0{decimals}d}".rstrip("0")


def utc_datetime(ns: int) -> tuple[datetime, int]:
    """The UTC calendar time of `ns` since the epoch, and its nanoseconds within the second."""
    seconds, nanos = divmod(ns, SECOND)
    return _EPOCH + timedelta(seconds=seconds), nanos


def time_string(ns: int) -> str:
    """`time.Time.String()` of a UTC time: `2023-11-14 22:13:20.5 +0000 UTC`."""
    return format_time(ns, TIME_STRING)


@lru_cache(maxsize=1024)
def rfc3339_nano(ns: int) -> str:
    """How encoding/json writes a time.Time: `2023-11-14T22:13:20.5Z`. Every alert's JSON has
    it (in the event, its data and its details), so this spells the layout out instead of
    interpreting it, and remembers recent times."""
    moment, nanos = utc_datetime(ns)
    text = (f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}"
            f"T{moment.hour:02d}:{moment.minute:02d}:{moment.second:02d}")
    if nanos:
        text += "." + f"{nanos:09d}".rstrip("0")
    return text + "Z"


# Layout elements, longest first within each starting character, as Go recognises them.
_ELEMENTS = (
    "January", "Jan", "Monday", "Mon", "MST",
    "002", "01", "02", "03", "04", "05", "06",
    "15", "1", "2006", "2",
    "__2", "_2",
    "3", "4", "5", "PM", "pm",
    "-07:00:00", "-070000", "-07:00", "-0700", "-07",
    "Z07:00:00", "Z070000", "Z07:00", "Z0700", "Z07",
)


def format_time(ns: int, layout: str) -> str:
    """`time.Time.Format(layout)` for a UTC time."""
    moment, nanos = utc_datetime(ns)
    return "".join(_render(piece, is_element, moment, nanos) for piece, is_element in _layout_pieces(layout))


@lru_cache(maxsize=256)
def _layout_pieces(layout: str) -> tuple:
    """The layout split into (text, is_element) pieces; layouts repeat, so this is cached."""
    pieces: list[tuple[str, bool]] = []
    i = 0
    while i < len(layout):
        element = _fraction_element(layout, i) or _element_at(layout, i)
        if element:
            pieces.append((element, True))
            i += len(element)
        else:
            pieces.append((layout[i], False))
            i += 1
    return tuple(pieces)


def _render(piece: str, is_element: bool, moment: datetime, nanos: int) -> str:
    if not is_element:
        return piece
    if piece[0] in ".,":
        return _fraction(nanos, piece)
    return _render_element(piece, moment)


def _element_at(layout: str, i: int) -> str | None:
    """The layout element starting at `i`, or None for a literal character."""
    if layout.startswith("_2006", i):
        return None  # "_" then the year, as Go reads it
    for element in _ELEMENTS:
        if layout.startswith(element, i):
            follows = layout[i + len(element):i + len(element) + 1]
            if element in ("Jan", "Mon") and follows.islower():
                return None  # "Month", "Janitor": words, not elements
            return element
    return None


def _fraction_element(layout: str, i: int) -> str:
    """`.000`/`.999` (or with a comma) when followed by a non-digit: fractional seconds."""
    if layout[i] not in ".," or i + 1 >= len(layout) or layout[i + 1] not in "09":
        return ""
    digit = layout[i + 1]
    j = i + 1
    while j < len(layout) and layout[j] == digit:
        j += 1
    if j < len(layout) and layout[j].isdigit():
        return ""
    return layout[i:j]


def _fraction(nanos: int, element: str) -> str:
    separator, width = element[0], len(element) - 1
    digits = f"{nanos:09d}"[:width]
    if element[1] == "0":
        return separator + digits
    digits = digits.rstrip("0")
    return separator + digits if digits else ""


_RENDERERS = {
    "January": lambda m: MONTH_NAMES[m.month - 1],
    "Jan": lambda m: MONTH_NAMES[m.month - 1][:3],
    "Monday": lambda m: WEEKDAY_NAMES[_go_weekday(m)],
    "Mon": lambda m: WEEKDAY_NAMES[_go_weekday(m)][:3],
    "MST": lambda m: "UTC",
    "002": lambda m: f"{m.timetuple().tm_yday:03d}",
    "__2": lambda m: f"{m.timetuple().tm_yday:3d}",
    "01": lambda m: f"{m.month:02d}",
    "1": lambda m: str(m.month),
    "02": lambda m: f"{m.day:02d}",
    "_2": lambda m: f"{m.day:2d}",
    "2": lambda m: str(m.day),
    "03": lambda m: f"{m.hour % 12 or 12:02d}",
    "3": lambda m: str(m.hour % 12 or 12),
    "15": lambda m: f"{m.hour:02d}",
    "04": lambda m: f"{m.minute:02d}",
    "4": lambda m: str(m.minute),
    "05": lambda m: f"{m.second:02d}",
    "5": lambda m: str(m.second),
    "06": lambda m: f"{m.year % 100:02d}",
    "2006": lambda m: f"{m.year:04d}",
    "PM": lambda m: "PM" if m.hour >= 12 else "AM",
    "pm": lambda m: "pm" if m.hour >= 12 else "am",
}


def _render_element(element: str, moment: datetime) -> str:
    render = _RENDERERS.get(element)
    if render is not None:
        return render(moment)
    if element.startswith("Z"):
        return "Z"
    # Numeric zone offsets: UTC is +00:00 in every spelling.
    return "+" + element[1:].replace("07", "00")


def _go_weekday(moment: datetime) -> int:
    """Go counts weekdays from Sunday = 0; Python's weekday() from Monday = 0."""
    return (moment.weekday() + 1) % 7


def weekday(ns: int) -> int:
    return _go_weekday(utc_datetime(ns)[0])
