"""Read InfluxDB line protocol into Points, the way Kapacitor reads a write.

Kapacitor parses what it is sent with InfluxDB 1.x's `models.ParsePointsWithPrecision`
(`services/httpd/handler.go`, `replay.go`). This module follows that parser's rules, checked
against `models/points.go` and `models/points_test.go` of InfluxDB 1.9 (the version Kapacitor
vendors), so a file that Kapacitor accepts reads the same here and a line it refuses is refused:

    measurement[,tag_key=tag_value...] field_key=field_value[,...] [timestamp]

- Escapes. The scanner treats a character as escaped when the character before it is a
  backslash. Measurement: `\\,` and `\\ ` (also `\\=` and `\\"` are unescaped, as `Name()` does).
  Tag keys and values: `\\,` `\\ ` `\\=`. Field keys: `\\,` `\\ ` `\\=` `\\"`. Any other
  backslash stays in the text (`eas\\t` is the five characters `eas\\t`).
- Tag values may not be empty and may not hold an unescaped `=`; the same tag key twice is an
  error ("duplicate tags"). Tags come back as a dict; their order does not matter.
- Field values: float (`1`, `1.5`, `-2e3`, `1.`, `.5`), integer (`1i`), unsigned (`1u`, an
  `Unsigned`), string (`"..."`, where only `\\"` and `\\\\` are escapes and a newline may appear
  inside the quotes), boolean (`t T true True TRUE f F false False FALSE`). NaN and infinity are
  refused. At least one field is required. The same field key twice is *not* an error: the last
  value wins, as InfluxDB builds its field map.
- Timestamp: an optional integer in the given precision (`ns`/`n`, `us`/`u`, `ms`, `s`, `m`,
  `h`), within InfluxDB's range 1677-09-21 .. 2262-04-11.
- Blank lines and lines starting with `#` are skipped. The headers `influx_inspect export`
  writes are understood: `# CONTEXT-DATABASE: db` and `# CONTEXT-RETENTION-POLICY: rp` (also
  spelled `# DML: CONTEXT-DATABASE: db`) set the database and retention policy of the points
  that follow, and the statements between `# DDL` and `# DML` are ignored.

Decisions where replaying a file is not the same as Kapacitor receiving a write:

- A point without a timestamp gets "now" from Kapacitor. A replay runs on the data's own clock,
  so there is no "now": with `default_time=None` (the replay default) such a line is refused
  with "no timestamp: replayed data needs one per line". Pass `default_time`, a callable that
  returns nanoseconds, to stamp such points instead (the time is truncated to the precision,
  as InfluxDB does).
- Files are read as UTF-8 with `errors="surrogateescape"` (see `open_line_protocol`), so a line
  that is not valid UTF-8 does not stop the read: it is reported ("not valid UTF-8") and
  skipped, and the lines after it are read.
- Lines end at `\\n`; one `\\r` before it is dropped (as Kapacitor's `bufio.Scanner` does when it
  replays a file), so files with Windows line ends read the same.
- A string field may run over several lines, as `influx_inspect export` writes strings that
  hold newlines. When a line ends inside a string, the reader joins the following lines until
  the string closes and the point parses, at most `MAX_CONTINUATION_LINES` lines. If that
  fails, the first line alone is reported ("unbalanced quotes") and reading goes on with the
  line after it. (InfluxDB would swallow the rest of the request into the broken point.)
- Unsigned fields (`1u`) are read as `Unsigned` because tickpy's lambdas know the type.
  Kapacitor's release builds do not enable InfluxDB's unsigned support and refuse them as an
  invalid number; pass `allow_unsigned=False` to get that behaviour.

Speed: most lines in real files have no backslash and no quote, so the reader first tries a
fast path built on `str.split` with a cache of the series keys it has seen; any line the fast
path is not certain about goes to the exact scanner below, which decides. Both paths give the
same result for every line (the tests check this on generated lines).
"""

from __future__ import annotations

import io
import re
import sys
from itertools import chain
from typing import Callable, Iterable, Iterator, NamedTuple, Optional

from tickpy.data.point import Point, Unsigned

# Multipliers from a timestamp's unit to nanoseconds. InfluxDB spells them n, u, ms, s, m, h;
# the longer spellings are accepted too.
PRECISIONS = {
    "": 1, "n": 1, "ns": 1,
    "u": 1_000, "us": 1_000, "µs": 1_000,
    "ms": 1_000_000,
    "s": 1_000_000_000,
    "m": 60_000_000_000,
    "h": 3_600_000_000_000,
}
_UNIT_NAMES = {1: "nanoseconds", 1_000: "microseconds", 1_000_000: "milliseconds",
               1_000_000_000: "seconds", 60_000_000_000: "minutes",
               3_600_000_000_000: "hours"}

# InfluxDB keeps the two lowest and the highest int64 for itself (models/time.go).
MIN_TIME_NS = -(2 ** 63) + 2
MAX_TIME_NS = 2 ** 63 - 2
MAX_KEY_LENGTH = 65535          # bytes of measurement + tags (+ 4 + field key), models.MaxKeyLength
MAX_CONTINUATION_LINES = 1000   # how far a string value may run over following lines
MAX_RECORDED_SKIPS = 10_000     # skipped lines kept in PointReader.skipped (all are counted)
_SERIES_CACHE_SIZE = 100_000    # series keys remembered by a reader (emptied when full)

NO_TIMESTAMP = "no timestamp: replayed data needs one per line"

_BOOLEANS = {"t": True, "T": True, "true": True, "True": True, "TRUE": True,
             "f": False, "F": False, "false": False, "False": False, "FALSE": False}
_WHITESPACE = " \t\x00"            # what InfluxDB skips before a line and between sections
_NUMBER_START = "0123456789.-Nn"   # a field value starting so is scanned as a number
_INTEGER = re.compile(r"-?[0-9]+")
_UNSIGNED = re.compile(r"[0-9]+")
_FLOAT = re.compile(r"-?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_TIMESTAMP = re.compile(r"-?[0-9]*")
_TOKEN_END = re.compile(r"[^, ]*")           # a number or boolean ends at ',' or ' '
_MEASUREMENT_END = re.compile(r"[, ]")
_SPACE = re.compile(" ")
_TAG_KEY_END = re.compile(r"[, =]")
_TAG_VALUE_END = re.compile(r"[, =]")
_FIELDS_SPECIAL = re.compile(r'[\\"=, ]')        # what matters in a field section...
_STRING_SPECIAL = re.compile(r'[\\"]')           # ...and inside a string value
_VALUE_SPECIAL = re.compile(r'[\\",]')
_NAME_ESCAPE = re.compile(r'\\([, "=])')      # measurement and field key escapes
_STRING_ESCAPE = re.compile(r'\\([\\"])')    # string field value escapes
_HEADER = re.compile(r"#\s*(?:DML:\s*)?CONTEXT-(DATABASE|RETENTION-POLICY):([^:]*)")


class LineProtocolError(ValueError):
    """A line that is not a valid point; `reason` says why, in words a user can act on."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class _UnclosedString(LineProtocolError):
    """The line ends inside a quoted string: the reader may join the next lines and retry."""


class SkippedLine(NamedTuple):
    """A line the reader refused: its 1-based number and the reason."""

    line: int
    reason: str

    def format(self, source_name: str) -> str:
        """`data.lp:12: reason`, the way tickpy reports it."""
        return f"{source_name}:{self.line}: {self.reason}"


def precision_multiplier(precision: str) -> int:
    """Nanoseconds per unit of `precision` (`ns`, `us`, `ms`, `s`, `m`, `h`; also `n`, `u`)."""
    try:
        return PRECISIONS[precision]
    except KeyError:
        raise ValueError(f"unknown precision {precision!r}: use ns, us, ms, s, m or h") from None


def open_line_protocol(path: str):
    """Open a line protocol file (or `-` for stdin) the way the reader expects it.

    UTF-8, with undecodable bytes kept as surrogates so that the reader can report the line
    instead of the whole read failing, and no newline translation so that line numbers are
    those of `\\n`-separated lines.
    """
    if path == "-":
        return io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="surrogateescape",
                                newline="\n")
    return open(path, encoding="utf-8", errors="surrogateescape", newline="\n")


# ---------------------------------------------------------------------------------------------
# The exact scanner: one line in, (name, tags, fields, time) out, or LineProtocolError.


def parse_line(text: str, precision_multiplier: int = 1, default_time: Optional[Callable[[], int]] = None,
               database: str = "", retention_policy: str = "", line: int = 0,
               allow_unsigned: bool = True) -> Point:
    """Parse one line of line protocol into a Point, or raise LineProtocolError.

    `precision_multiplier` turns the timestamp into nanoseconds (see `precision_multiplier()`).
    `default_time` gives the time of a point written without one (nanoseconds); with None such
    a line is an error. A trailing newline is allowed; blank and comment lines are errors here
    (the reader skips them).
    """
    text = _strip_line_end(text)
    start = _skip_whitespace(text, 0)
    if start >= len(text) or text[start] == "#":
        raise LineProtocolError("no point on this line (it is blank or a comment)")
    _check_utf8(text)
    name, tags, fields, time = _parse_point(text, start, precision_multiplier, default_time,
                                            allow_unsigned)
    return Point(name, tags, fields, time, database, retention_policy, line)


def _strip_line_end(text: str) -> str:
    if text[-1:] == "\n":
        text = text[:-1]
    if text[-1:] == "\r":
        text = text[:-1]
    return text


def _check_utf8(text: str) -> None:
    """Refuse text holding bytes that were not UTF-8 (kept as surrogates by the decoder)."""
    if text.isascii():
        return
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as err:
        bad = text[err.start]
        byte = f" 0x{ord(bad) - 0xDC00:02x}" if 0xDC80 <= ord(bad) <= 0xDCFF else ""
        raise LineProtocolError(
            f"not valid UTF-8: byte{byte} at column {err.start + 1}") from None


def _skip_whitespace(text: str, i: int) -> int:
    n = len(text)
    while i < n and text[i] in _WHITESPACE:
        i += 1
    return i


def _parse_point(text, start, multiplier, default_time, allow_unsigned, series_cache=None):
    """(name, tags, fields, time) of the point in `text` from `start`, or LineProtocolError.

    `series_cache` maps series key text (measurement and tags, up to the first unescaped
    space) to (name, tags) already read from it; the reader passes one."""
    if series_cache is None:
        key_end, name, tags = _scan_series_key(text, start)
    else:
        key_end = _next_unescaped(_SPACE, text, start + 1)
        cached = series_cache.get(text[start:key_end]) if key_end > 0 else None
        if cached is None:
            key_end, name, tags = _scan_series_key(text, start)
            _remember_series(series_cache, text[start:key_end], name, tags)
        else:
            name, tags = cached
        tags = dict(tags)
    fields_start, fields_end, fields = _scan_fields(text, key_end, allow_unsigned)
    if fields is None:
        fields = _read_fields(text[fields_start:fields_end], allow_unsigned)
    if len(text) > MAX_KEY_LENGTH // 4:
        _check_key_length(text[start:key_end], fields)
    time = _scan_time(text, fields_end, multiplier, default_time)
    return name, tags, fields, time


def _remember_series(series_cache: dict, key: str, name: str, tags: dict):
    if len(series_cache) >= _SERIES_CACHE_SIZE:
        series_cache.clear()
    series_cache[key] = (name, tags)
    return name, tags


def _scan_series_key(text: str, i: int):
    """Measurement and tags from position `i`; returns (position of the space after them,
    name, tags).

    A separator counts only when the character before it is not a backslash; the regexes
    jump from one candidate separator to the next.
    """
    n = len(text)
    if i >= n or text[i] == ",":
        raise LineProtocolError("missing measurement: the line must start with a measurement name")
    start = i
    i = _next_unescaped(_MEASUREMENT_END, text, i + 1)
    if i < 0:
        raise _missing_fields()
    name = _unescape_name(text[start:i])
    if text[i] == " ":
        return i, name, {}

    raw_tags = []
    while text[i] == ",":
        key_start = i + 1
        if key_start >= n or text[key_start] in " ,=":
            raise LineProtocolError("missing tag key: nothing between ',' and '='")
        i = _next_unescaped(_TAG_KEY_END, text, key_start + 1)
        if i < 0 or text[i] != "=":
            raise LineProtocolError(
                f"missing tag value: tag {_shown(text[key_start:i if i >= 0 else n])}"
                " has no '=value'")
        raw_key = text[key_start:i]
        value_start = i + 1
        if value_start >= n or text[value_start] in ", ":
            raise LineProtocolError(
                f"missing tag value: tag {_shown(raw_key)} is empty (tag values may not be empty)")
        i = _next_unescaped(_TAG_VALUE_END, text, value_start + 1)
        if i < 0:
            raise _missing_fields()
        if text[i] == "=":
            raise LineProtocolError(
                f"invalid tag format: unescaped '=' in the value of tag {_shown(raw_key)}"
                " (write \\=)")
        raw_tags.append((raw_key, text[value_start:i]))

    tags = {}
    for raw_key, raw_value in raw_tags:
        if raw_key in tags:
            raise LineProtocolError(f"duplicate tags: tag {_shown(raw_key)} appears twice")
        tags[raw_key] = raw_value
    if "\\" in text[start:i]:
        tags = {_unescape_tag(k): _unescape_tag(v) for k, v in tags.items()}
    return i, name, tags


def _next_unescaped(separators, text: str, i: int) -> int:
    """Position of the first separator at or after `i` not preceded by a backslash, or -1."""
    while True:
        found = separators.search(text, i)
        if found is None:
            return -1
        i = found.start()
        if text[i - 1] != "\\":
            return i
        i += 1


def _missing_fields() -> LineProtocolError:
    return LineProtocolError(
        "missing fields: expected 'measurement[,tag=value...] field=value[,...] [timestamp]'")


def _unescape_name(raw: str) -> str:
    return _NAME_ESCAPE.sub(r"\1", raw) if "\\" in raw else raw


def _unescape_tag(raw: str) -> str:
    # InfluxDB replaces each escape in turn, in this order (models/points.go unescapeTag).
    if "\\" not in raw:
        return raw
    return raw.replace("\\,", ",").replace("\\ ", " ").replace("\\=", "=")


def _shown(raw: str) -> str:
    """A name from the line, quoted for a message (and shortened if it is very long)."""
    if len(raw) > 60:
        raw = raw[:57] + "..."
    return '"' + raw.replace('"', '\\"') + '"'


def _scan_fields(text: str, i: int, allow_unsigned: bool):
    """Check the field section that starts after position `i` by InfluxDB's rules.

    Returns (start, end, fields). Numbers and booleans are checked here, where they end at
    the first ',' or ' '; string values run to their closing quote, and a backslash escapes
    the character after it, inside strings too. InfluxDB then splits the section again with
    slightly different rules (`_read_fields`); the two agree when the section has no
    backslash and one '=' per pair outside strings, so for such a section the fields are
    collected here and `fields` is the dict; otherwise it is None.
    """
    n = len(text)
    i = _skip_whitespace(text, i)
    start = key_start = i
    quoted = False
    equals = commas = 0
    pairs = []          # (key, value, value_start, value_end) while the section is regular
    key = None          # the key of the pair being read, once its '=' is seen
    value = None        # its value, when a number or a boolean
    value_start = -1    # where its value starts, when a string
    while True:
        found = (_STRING_SPECIAL if quoted else _FIELDS_SPECIAL).search(text, i)
        if found is None:
            i = n
            break
        i = found.start()
        c = text[i]
        if c == "\\":
            pairs = None
            i += 2
            continue
        if c == '"':
            if equals > commas:  # only a quote in a value position starts or ends a string
                quoted = not quoted
            i += 1
            continue
        if c == "=":
            equals += 1
            if key is not None:
                pairs = None  # a second '=' in one pair
            key = text[key_start:i]
            if text[i - 1] in " ," and text[i - 2] != "\\":
                raise LineProtocolError("missing field key: nothing before '='")
            if i + 1 >= n or text[i + 1] in ", ":
                raise LineProtocolError(f"missing field value: field {_shown(key)} is empty")
            following = text[i + 1]
            value_start = -1
            if following in _NUMBER_START:
                end = _TOKEN_END.match(text, i + 1).end()
                value = _number_value(text[i + 1:end], key, allow_unsigned)
                i = end
            elif following != '"':
                end = _TOKEN_END.match(text, i + 1).end()
                value = _boolean_value(text[i + 1:end], key)
                i = end
            else:
                value_start = i + 1
                i += 1
        elif c == ",":
            if key is not None and pairs is not None:
                pairs.append((key, value, value_start, i))
            key = None
            commas += 1
            key_start = i + 1
            i += 1
        else:  # an unquoted space ends the fields
            break
    i = min(i, n)
    if quoted:
        raise _UnclosedString(
            f"unbalanced quotes: the string value of field {_shown(text[key_start:].split('=')[0])}"
            " is not closed")
    if equals == 0 or commas != equals - 1:
        raise LineProtocolError(
            "invalid field format: expected field=value pairs separated by commas")
    if pairs is None:
        return start, i, None
    if key is not None:
        pairs.append((key, value, value_start, i))
    fields = {}
    for key, value, value_start, value_end in pairs:
        if value_start >= 0:
            value = _field_value(text[value_start:value_end], key, allow_unsigned)
        if key:  # InfluxDB skips a field without a name
            fields[key] = value
    return start, i, fields


def _number_value(token: str, key: str, allow_unsigned: bool):
    """The value of a number field, or LineProtocolError by InfluxDB's number rules."""
    last = token[-1:]
    if last == "i":
        digits = token[:-1]
        if not _INTEGER.fullmatch(digits):
            raise _invalid_number(token, key)
        value = int(digits)
        if not -(2 ** 63) <= value < 2 ** 63:
            raise LineProtocolError(
                f"integer out of range: {token} in field {_shown(key)} does not fit in 64 bits")
        return value
    if last == "u":
        digits = token[:-1]
        if not _UNSIGNED.fullmatch(digits):
            raise _invalid_number(token, key)
        if not allow_unsigned:
            raise LineProtocolError(
                f"invalid number {token!r} in field {_shown(key)}:"
                " unsigned integers are not enabled")
        value = int(digits)
        if value >= 2 ** 64:
            raise LineProtocolError(
                f"unsigned integer out of range: {token} in field {_shown(key)}"
                " does not fit in 64 bits")
        return Unsigned(value)
    if not _FLOAT.fullmatch(token):
        raise _invalid_number(token, key)
    value = float(token)
    if value - value:  # infinite: the number is too large for a float
        raise LineProtocolError(f"invalid float: {token} in field {_shown(key)} is out of range")
    return value


def _invalid_number(token: str, key: str) -> LineProtocolError:
    return LineProtocolError(
        f"invalid number {token!r} in field {_shown(key)}"
        " (a float like 1.5, an integer like 1i or an unsigned like 1u)")


def _boolean_value(token: str, key: str) -> bool:
    try:
        return _BOOLEANS[token]
    except KeyError:
        raise LineProtocolError(
            f"invalid field value {token!r} for field {_shown(key)}: not a number, a boolean"
            ' (t, true, f, false, ...) or a "quoted string"') from None


def _read_fields(section: str, allow_unsigned: bool) -> dict:
    """Split a checked field section into keys and typed values, the way InfluxDB's field
    iterator does: key up to the first unescaped '=', value up to the next ',' outside quotes,
    the type told by the value's first (and last) character."""
    fields = {}
    n = len(section)
    pos = 0
    while pos < n:
        eq = section.find("=", pos)
        while eq > pos and section[eq - 1] == "\\":
            eq = section.find("=", eq + 1)
        if eq < 0 or eq > n - 2:
            raise LineProtocolError(
                f"invalid field format: field {_shown(section[pos:])} has no value")
        raw_key = section[pos:eq]
        end = _field_value_end(section, eq + 1)
        raw_value = section[eq + 1:end]
        pos = end + 1
        key = _unescape_name(raw_key)
        if not key or not raw_value:
            continue  # InfluxDB skips these when it builds the field map
        fields[key] = _field_value(raw_value, key, allow_unsigned)
    return fields


def _field_value_end(section: str, i: int) -> int:
    """Where the value starting at `i` ends: the first ',' outside quotes (InfluxDB's
    scanFieldValue, where only \\" and \\\\ are escapes)."""
    n = len(section)
    quoted = False
    while True:
        found = _VALUE_SPECIAL.search(section, i)
        if found is None:
            return n
        i = found.start()
        c = section[i]
        if c == "\\":
            i += 2 if i + 1 < n and section[i + 1] in '"\\' else 1
        elif c == '"':
            quoted = not quoted
            i += 1
        elif quoted:
            i += 1
        else:
            return i


def _field_value(raw: str, key: str, allow_unsigned: bool):
    first = raw[0]
    if first == '"':
        if len(raw) < 2:
            raise LineProtocolError(f"unbalanced quotes: the string value of field {_shown(key)}"
                                    " is not closed")
        inner = raw[1:-1]
        return _STRING_ESCAPE.sub(r"\1", inner) if "\\" in inner else inner
    if first in "0123456789-.nNiIu":
        return _number_value(raw, key, allow_unsigned)
    return _boolean_value(raw, key)


def _check_key_length(raw_key: str, fields: dict) -> None:
    """InfluxDB's limit on the series key, alone and with each field key (parsePoint)."""
    size = len(raw_key.encode("utf-8", "surrogateescape"))
    if size <= MAX_KEY_LENGTH:
        longest = max((len(k.encode("utf-8", "surrogateescape")) for k in fields), default=0)
        size += 4 + longest
    if size > MAX_KEY_LENGTH:
        raise LineProtocolError(f"max key length exceeded: {size} > {MAX_KEY_LENGTH}")


def _scan_time(text: str, i: int, multiplier: int, default_time) -> int:
    i = _skip_whitespace(text, i)
    end = text.find(" ", i)
    if end < 0:
        end = len(text)
    token = text[i:end]
    if not token:
        if default_time is None:
            raise LineProtocolError(NO_TIMESTAMP)
        now = int(default_time())
        return now - now % multiplier
    unit = _UNIT_NAMES.get(multiplier, f"units of {multiplier} ns")
    if not _TIMESTAMP.fullmatch(token) or token == "-":
        raise LineProtocolError(f"bad timestamp {token!r}: expected an integer number of {unit}")
    value = int(token)
    if not -(2 ** 63) <= value < 2 ** 63:
        raise LineProtocolError(f"bad timestamp {token}: out of the 64-bit range")
    time = value * multiplier
    if not MIN_TIME_NS <= time <= MAX_TIME_NS:
        raise LineProtocolError(
            f"time outside range: {token} {unit} is not between 1677-09-21 and 2262-04-11")
    rest = text[end:]
    if rest.strip(" "):
        raise LineProtocolError(
            f"point is invalid: unexpected text after the timestamp: {rest.strip(' ')[:40]!r}")
    return time


# ---------------------------------------------------------------------------------------------
# The reader: a stream of lines in, a stream of Points out, skipped lines recorded.
#
# The fast path. A "plain" line has three parts separated by single spaces, no backslash, no
# quote and an ASCII field section. Its series key (measurement and tags) is read once by the
# exact scanner and cached; its fields are read pair by pair with str.split, checking what
# Python's float() and int() accept but InfluxDB does not ("1_0", "+1", " 1", "inf"). Whatever
# the fast path is not certain about raises ValueError, KeyError or IndexError, and the exact
# scanner reads the line and decides.

_FAST_MAX_CHARS = MAX_KEY_LENGTH // 4   # longer lines go to the exact scanner (key length check)
_FLOAT_END = "0123456789."
_FLOAT_START = "0123456789.-"


def _plain_value(value: str, allow_unsigned: bool):
    """A field value on a fast-path line that is not a plain float: integer, unsigned or
    boolean. Raises ValueError (or KeyError) when the exact scanner should decide."""
    last = value[-1]
    if last == "i":
        digits = value[:-1]
        if not (digits.isdigit() or (digits[:1] == "-" and digits[1:].isdigit())):
            raise ValueError
        number = int(digits)
        if not -(2 ** 63) <= number < 2 ** 63:
            raise ValueError
        return number
    if last == "u":
        digits = value[:-1]
        if not allow_unsigned or not digits.isdigit():
            raise ValueError
        number = int(digits)
        if number >= 2 ** 64:
            raise ValueError
        return Unsigned(number)
    return _BOOLEANS[value]


def _plain_time(stamp: str, multiplier: int) -> int:
    """The time of a fast-path line's last part (digits, then the line end). Raises
    ValueError when the exact scanner should decide."""
    if stamp[-1:] == "\n":
        stamp = stamp[:-1]
    if stamp[-1:] == "\r":
        stamp = stamp[:-1]
    if not (stamp.isascii() and stamp.isdigit()):
        raise ValueError
    time = int(stamp) * multiplier
    if time > MAX_TIME_NS:
        raise ValueError
    return time


class PointReader:
    """Iterate over the points of line protocol text, skipping and recording bad lines.

        with open_line_protocol("data.lp") as lines:
            reader = PointReader(lines, "data.lp", on_skip=lambda s: print(s.format("data.lp")))
            for point in reader:
                ...
            print(reader.points_read, "points,", reader.skipped_count, "lines skipped")

    `lines` is any iterable of str lines (a file object, a list); it is read once, one line at
    a time, so a large file is never held in memory. Every point gets `.line`, the 1-based line
    number it came from. Each refused line is passed to `on_skip` as a SkippedLine as soon as
    it is met, counted in `skipped_count`, and kept in `skipped` (the first
    MAX_RECORDED_SKIPS of them). `lines_read` and `points_read` are complete once the
    iteration ends; `database` and `retention_policy` follow the file's context headers.
    """

    def __init__(self, lines: Iterable[str], source_name: str = "", precision: str = "ns",
                 database: str = "", retention_policy: str = "",
                 default_time: Optional[Callable[[], int]] = None,
                 on_skip: Optional[Callable[[SkippedLine], None]] = None,
                 allow_unsigned: bool = True):
        self.source_name = source_name
        self.multiplier = precision_multiplier(precision)
        self.database = database
        self.retention_policy = retention_policy
        self.default_time = default_time
        self.on_skip = on_skip
        self.allow_unsigned = allow_unsigned
        self.lines_read = 0
        self.points_read = 0
        self.skipped_count = 0
        self.skipped: list[SkippedLine] = []
        self._lines = lines
        self._source: Optional[Iterator[str]] = None
        self._series: dict = {}
        self._pushed_back: list[str] = []

    def __iter__(self) -> Iterator[Point]:
        # The loop below is the hot path of a replay: names are bound to locals, and the fast
        # path for plain lines is written out inline. Anything unusual goes to _read_hard_line.
        self._source = iter(self._lines)
        multiplier = self.multiplier
        allow_unsigned = self.allow_unsigned
        cached_series = self._series.get
        new_series = self._new_series
        plain_value = _plain_value
        plain_time = _plain_time
        to_float = float
        new_point = Point
        copy_dict = dict
        float_end = _FLOAT_END
        float_start = _FLOAT_START
        max_chars = _FAST_MAX_CHARS
        database, retention_policy = self.database, self.retention_policy
        last_stamp = None
        last_time = 0
        line_no = self.lines_read
        points_read = self.points_read
        try:
            while True:
                for raw in self._source:
                    line_no += 1
                    parts = raw.split(" ")
                    if (len(parts) == 3 and "\\" not in raw and '"' not in raw
                            and len(raw) < max_chars):
                        key, section, stamp = parts
                        series = cached_series(key) or new_series(key)
                        try:
                            if section[0] in "\t\x00" or not section.isascii():
                                raise ValueError
                            fields = {}
                            for pair in section.split(","):
                                field_key, value = pair.split("=")
                                if value[-1] in float_end:
                                    # float() also takes "1_0", "+1" and " 1"; InfluxDB does not
                                    if value[0] not in float_start or "_" in value:
                                        raise ValueError
                                    number = to_float(value)
                                    if number - number:  # inf or nan
                                        raise ValueError
                                    fields[field_key] = number
                                else:
                                    fields[field_key] = plain_value(value, allow_unsigned)
                            if "" in fields:
                                raise ValueError
                            if stamp != last_stamp:
                                last_time = plain_time(stamp, multiplier)
                                last_stamp = stamp
                            measurement, tags = series  # TypeError when the key is not plain
                            points_read += 1
                            yield new_point(measurement, copy_dict(tags), fields, last_time,
                                            database, retention_policy, line_no)
                            continue
                        except (ValueError, KeyError, IndexError, TypeError):
                            pass
                    # Not a plain line: blank, comment, escapes, strings or an error.
                    self.lines_read = line_no
                    point = self._read_hard_line(raw, line_no)
                    line_no = self.lines_read
                    database, retention_policy = self.database, self.retention_policy
                    if point is not None:
                        points_read += 1
                        yield point
                    if self._pushed_back:
                        # Lines borrowed for a string that never closed: read them again.
                        self._source = chain(self._pushed_back, self._source)
                        self._pushed_back = []
                        break
                else:
                    return
        finally:
            self.lines_read = line_no
            self.points_read = points_read

    def _new_series(self, key: str):
        """(name, tags) for the series key of a plain line, cached; None when the key is not
        plain (then the exact scanner reads the whole line and reports what is wrong)."""
        if key[:1] in ("", "#", "\t", "\x00"):
            return None
        try:
            _check_utf8(key)
            end, name, tags = _scan_series_key(key + " ", 0)
        except LineProtocolError:
            return None
        return _remember_series(self._series, key, name, tags)

    def _read_hard_line(self, raw: str, line_no: int) -> Optional[Point]:
        """Everything the fast path leaves: blank lines, comments and headers, escapes,
        strings, errors. Returns a Point or None; may read further lines from the source
        (DDL sections, strings that run over lines), updating self.lines_read."""
        text = _strip_line_end(raw)
        start = _skip_whitespace(text, 0)
        if start >= len(text):
            return None
        if text[start] == "#":
            self._read_comment(text[start:])
            return None
        try:
            _check_utf8(text)
            name, tags, fields, time = _parse_point(text, start, self.multiplier,
                                                    self.default_time, self.allow_unsigned,
                                                    self._series)
        except _UnclosedString as err:
            return self._read_continued_string(text, start, line_no, err.reason)
        except LineProtocolError as err:
            self._skip(line_no, err.reason)
            return None
        return Point(name, tags, fields, time, self.database, self.retention_policy, line_no)

    def _read_comment(self, comment: str) -> None:
        header = _HEADER.match(comment)
        if header:
            value = header.group(2).strip()
            if header.group(1) == "DATABASE":
                self.database = value
            else:
                self.retention_policy = value
        elif comment.startswith("# DDL"):
            self._skip_ddl_section()

    def _skip_ddl_section(self) -> None:
        """Statements such as CREATE DATABASE follow `# DDL` until `# DML`: not points."""
        for raw in self._source:
            self.lines_read += 1
            if raw.startswith("# DML"):
                self._read_comment(_strip_line_end(raw))
                return

    def _read_continued_string(self, text: str, start: int, line_no: int, reason: str):
        """The line ends inside a string: join following lines until the point parses."""
        borrowed = []
        joined = text
        for raw in self._source:
            borrowed.append(raw)
            joined += "\n" + _strip_line_end(raw)
            if '"' in raw:
                try:
                    _check_utf8(joined)
                    name, tags, fields, time = _parse_point(
                        joined, start, self.multiplier, self.default_time, self.allow_unsigned,
                        self._series)
                except _UnclosedString:
                    pass
                except LineProtocolError:
                    break
                else:
                    self.lines_read = line_no + len(borrowed)
                    return Point(name, tags, fields, time, self.database,
                                 self.retention_policy, line_no)
            if len(borrowed) >= MAX_CONTINUATION_LINES:
                break
        self._skip(line_no, reason)
        self.lines_read = line_no
        self._pushed_back = borrowed
        return None

    def _skip(self, line_no: int, reason: str) -> None:
        skipped = SkippedLine(line_no, reason)
        self.skipped_count += 1
        if len(self.skipped) < MAX_RECORDED_SKIPS:
            self.skipped.append(skipped)
        if self.on_skip is not None:
            self.on_skip(skipped)


def read_points(lines: Iterable[str], source_name: str = "", precision: str = "ns",
                database: str = "", retention_policy: str = "",
                default_time: Optional[Callable[[], int]] = None,
                on_skip: Optional[Callable[[SkippedLine], None]] = None,
                allow_unsigned: bool = True) -> Iterator[Point]:
    """The points of `lines`, in order; refused lines go to `on_skip` (see PointReader)."""
    yield from PointReader(lines, source_name, precision, database, retention_policy,
                           default_time, on_skip, allow_unsigned)
