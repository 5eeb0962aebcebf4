"""The line protocol reader against InfluxDB 1.x's parser, which Kapacitor uses.

Unless a test says otherwise, the lines and the expected values come from InfluxDB 1.9's
`models/points_test.go` (named after the Go test they are taken from) or from the
InfluxDB 1.x line protocol reference and `influx_inspect export` documentation.
"""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from tickpy.data.lineproto import (
    NO_TIMESTAMP, LineProtocolError, PointReader, SkippedLine, open_line_protocol, parse_line,
    precision_multiplier, read_points,
)
from tickpy.data.point import Unsigned

ROOT = Path(__file__).resolve().parent.parent
EPOCH = lambda: 0  # noqa: E731  the default time points_test.go's `test()` helper passes


def parse(line: str, **options):
    point = parse_line(line, **options)
    return point.name, point.tags, point.fields, point.time


def typed(fields: dict) -> dict:
    """Fields with their Python types, so 1 (int) and 1.0 (float) and True differ."""
    return {key: (type(value).__name__, value) for key, value in fields.items()}


def reason_of(line: str, **options) -> str:
    with pytest.raises(LineProtocolError) as raised:
        parse_line(line, **options)
    return raised.value.reason


def read_all(text: str, **options):
    skipped = []
    points = list(read_points(text.splitlines(keepends=True), "data.lp",
                              on_skip=skipped.append, **options))
    return points, skipped


# --- escapes: TestParsePointUnescape -------------------------------------------------------

UNESCAPE_CASES = [
    # line, measurement, tags, fields
    (r"foo\,bar value=1i", "foo,bar", {}, {"value": 1}),
    (r"cpu\,main,regions=east value=1.0", "cpu,main", {"regions": "east"}, {"value": 1.0}),
    (r"cpu\ load,region=east value=1.0", "cpu load", {"region": "east"}, {"value": 1.0}),
    (r"cpu=load,region=east value=1.0", "cpu=load", {"region": "east"}, {"value": 1.0}),
    (r"cpu,region\,zone=east value=1.0", "cpu", {"region,zone": "east"}, {"value": 1.0}),
    (r"cpu,region\ zone=east value=1.0", "cpu", {"region zone": "east"}, {"value": 1.0}),
    (r"cpu,reg\\=ion=east value=1.0", "cpu", {"reg\\=ion": "east"}, {"value": 1.0}),
    (r"cpu,\ =east value=1.0", "cpu", {" ": "east"}, {"value": 1.0}),
    (r"cpu,regions=east\,west value=1.0", "cpu", {"regions": "east,west"}, {"value": 1.0}),
    (r"cpu,regions=\\ east value=1.0", "cpu", {"regions": "\\ east"}, {"value": 1.0}),
    (r"cpu,regions=eas\\ t value=1.0", "cpu", {"regions": "eas\\ t"}, {"value": 1.0}),
    (r"cpu,regions=east\\  value=1.0", "cpu", {"regions": "east\\ "}, {"value": 1.0}),
    (r"cpu,regions=east\ west value=1.0", "cpu", {"regions": "east west"}, {"value": 1.0}),
    (r"cpu,regions=east value\,ms=1.0", "cpu", {"regions": "east"}, {"value,ms": 1.0}),
    (r"cpu,regions=east value\ ms=1.0", "cpu", {"regions": "east"}, {"value ms": 1.0}),
    (r'cpu,regions=east value="1,0"', "cpu", {"regions": "east"}, {"value": "1,0"}),
    (r"cpu,regions=eas\t value=1.0", "cpu", {"regions": "eas\\t"}, {"value": 1.0}),
    (r"cpu,regions=\\,\,\=east value=1.0", "cpu", {"regions": "\\,,=east"}, {"value": 1.0}),
    (r"cpu \a=1i", "cpu", {}, {"\\a": 1}),
    (r"cpu=load,equals\=foo=tag\=value value=1i", "cpu=load", {"equals=foo": "tag=value"},
     {"value": 1}),
    # TestParsePointQuotedMeasurement, TestParsePointQuotedTags: quotes are plain text there
    ('"cpu",host=serverA,region=us-east value=1.0', '"cpu"',
     {"host": "serverA", "region": "us-east"}, {"value": 1.0}),
    ('cpu,"host"="serverA",region=us-east value=1.0', "cpu",
     {'"host"': '"serverA"', "region": "us-east"}, {"value": 1.0}),
    # TestParsePointsUnbalancedQuotedTags: a quote in a tag value does not start a string
    ('baz,mytag="a x=1 1441103862125', "baz", {"mytag": '"a'}, {"x": 1.0}),
]


@pytest.mark.parametrize("line,name,tags,fields", UNESCAPE_CASES)
def test_escapes_follow_influxdb(line, name, tags, fields):
    got_name, got_tags, got_fields, _ = parse(line, default_time=EPOCH)
    assert (got_name, got_tags, typed(got_fields)) == (name, tags, typed(fields))


def test_measurement_name_unescapes_as_point_name_does():
    # Kapacitor takes the name from Point.Name(), which unescapes `\=` too (pkg/escape).
    assert parse(r"cpu\=load,region=east value=1.0 1")[0] == "cpu=load"


# --- field types ---------------------------------------------------------------------------

@pytest.mark.parametrize("text,value", [
    ("1", 1.0), ("1.5", 1.5), ("-2e3", -2000.0), ("1.", 1.0),      # spec §6
    ("-1.0", -1.0), (".1", 0.1),                                   # NegativeFloat, NoLeadingDigit
    ("1.0e4", 1e4), ("1e4", 1e4), ("1.0E4", 1e4), ("1E4", 1e4),    # FloatScientific(Upper)
    ("1.0e-4", 1e-4), ("-1.0e-4", -1e-4),                          # ...Decimal, NegativeScientific
    ("1.7976931348623157e308", 1.7976931348623157e308),            # MaxFloat64
    ("-1.7976931348623157e308", -1.7976931348623157e308),          # MinFloat64
])
def test_floats(text, value):
    fields = parse(f"cpu value={text} 1")[2]
    assert typed(fields) == {"value": ("float", value)}


@pytest.mark.parametrize("text,value", [
    ("1i", 1), ("-1i", -1),                                        # Integer, NegativeInteger
    ("9223372036854775807i", 9223372036854775807),                 # MaxInt64
    ("0009223372036854775807i", 9223372036854775807),
    ("-9223372036854775808i", -9223372036854775808),               # MinInt64
    ("-0009223372036854775808i", -9223372036854775808),
])
def test_integers(text, value):
    fields = parse(f"cpu,host=serverA,region=us-west value={text} 1")[2]
    assert typed(fields) == {"value": ("int", value)}


@pytest.mark.parametrize("text,value", [
    ("18446744073709551615u", 18446744073709551615),               # MaxUint64
    ("00018446744073709551615u", 18446744073709551615),
    ("0u", 0), ("0000u", 0),                                       # MinUint64
])
def test_unsigned(text, value):
    fields = parse(f"cpu,host=serverA,region=us-west value={text} 1")[2]
    assert isinstance(fields["value"], Unsigned) and fields["value"] == value


def test_unsigned_refused_like_a_kapacitor_release_build():
    # Kapacitor's release builds do not call models.EnableUintSupport: `1u` is an invalid number.
    assert "invalid number" in reason_of("cpu value=1u 1", allow_unsigned=False)


def test_unsigned_refused_by_the_reader_too():
    points, skipped = read_all("cpu value=1u 1\ncpu value=2i 2\n", allow_unsigned=False)
    assert [p.fields for p in points] == [{"value": 2}]
    assert [s.line for s in skipped] == [1] and "invalid number" in skipped[0].reason


def test_booleans():
    # TestParsePointWithBoolField
    line = ("cpu,host=serverA,region=us-east true=true,t=t,T=T,TRUE=TRUE,True=True,"
            "false=false,f=f,F=F,FALSE=FALSE,False=False 1000000000")
    fields = parse(line)[2]
    assert typed(fields) == {
        "true": ("bool", True), "t": ("bool", True), "T": ("bool", True),
        "TRUE": ("bool", True), "True": ("bool", True),
        "false": ("bool", False), "f": ("bool", False), "F": ("bool", False),
        "FALSE": ("bool", False), "False": ("bool", False),
    }


@pytest.mark.parametrize("line,fields", [
    # TestParsePointWithStringField, ...WithStringWithSpaces, ...WithStringWithEquals
    ('cpu,host=serverA,region=us-east value=1.0,str="foo",str2="bar" 1000000000',
     {"value": 1.0, "str": "foo", "str2": "bar"}),
    (r'cpu,host=serverA,region=us-east str="foo \" bar" 1000000000', {"str": 'foo " bar'}),
    ('cpu,host=serverA,region=us-east value=1.0,str="foo bar" 1000000000',
     {"value": 1.0, "str": "foo bar"}),
    ('cpu,host=serverA,region=us-east str="foo=bar",value=1.0 1000000000',
     {"value": 1.0, "str": "foo=bar"}),
    # TestParsePointWithStringWithCommas
    (r'cpu,host=serverA,region=us-east value=1.0,str="foo\,bar" 1000000000',
     {"value": 1.0, "str": "foo\\,bar"}),
    ('cpu,host=serverA,region=us-east value=1.0,str="foo,bar" 1000000000',
     {"value": 1.0, "str": "foo,bar"}),
    (r'cpu,host=serverA,region=us-east str="foo\\",str2="bar" 1000000000',
     {"str": "foo\\", "str2": "bar"}),
    # TestParsePointEscapedStringsAndCommas
    (r'cpu,host=serverA,region=us-east value="{Hello\"{,}\" World}" 1000000000',
     {"value": '{Hello"{,}" World}'}),
    (r'cpu,host=serverA,region=us-east value="{Hello\"{\,}\" World}" 1000000000',
     {"value": '{Hello"{\\,}" World}'}),
    # TestParsePointWithStringWithBackslash
    (r'cpu value="test\\\"" 1000000000', {"value": 'test\\"'}),
    (r'cpu value="test\\" 1000000000', {"value": "test\\"}),
    (r'cpu value="test\"" 1000000000', {"value": 'test"'}),
    # TestParsePointUnicodeString
    ('cpu,host=serverA,region=us-east value="wè" 1000000000', {"value": "wè"}),
])
def test_strings(line, fields):
    assert typed(parse(line)[2]) == typed(fields)


def test_same_field_twice_keeps_the_last_value():
    # InfluxDB builds the field map in order, so the last value wins (unmarshalBinary).
    assert parse("cpu value=1,value=2i 1")[2] == {"value": 2}


# --- timestamps and precision --------------------------------------------------------------

@pytest.mark.parametrize("line,time", [
    ("cpu value=1 -1", -1),                                        # NegativeTimestamp
    ("cpu value=1 9223372036854775806", 9223372036854775806),      # MaxTimestamp (MaxNanoTime)
    ("cpu value=1 -9223372036854775806", -9223372036854775806),    # MinTimestamp
    ("cpu,host=serverA,region=us-east value=1.0 1000000000", 1_000_000_000),  # WithTags
])
def test_timestamps(line, time):
    assert parse(line)[3] == time


@pytest.mark.parametrize("precision,stamp,time", [
    # TestParsePointsWithPrecision
    ("", "946730096789012345", 946730096789012345),
    ("n", "946730096789012345", 946730096789012345),
    ("ns", "946730096789012345", 946730096789012345),
    ("u", "946730096789012", 946730096789012000),
    ("us", "946730096789012", 946730096789012000),
    ("ms", "946730096789", 946730096789000000),
    ("s", "946730096", 946730096000000000),
    ("m", "15778834", 946730040000000000),
    ("h", "262980", 946728000000000000),
])
def test_precision(precision, stamp, time):
    line = f"cpu,host=serverA,region=us-east value=1.0 {stamp}"
    assert parse(line, precision_multiplier=precision_multiplier(precision))[3] == time
    points, skipped = read_all(line + "\n", precision=precision)
    assert [p.time for p in points] == [time] and skipped == []


@pytest.mark.parametrize("precision,time", [
    # TestParsePointsWithPrecisionNoTime: the default time is truncated to the precision
    ("n", 946730096789012345), ("u", 946730096789012000), ("ms", 946730096789000000),
    ("s", 946730096000000000), ("m", 946730040000000000), ("h", 946728000000000000),
])
def test_default_time_is_truncated_to_the_precision(precision, time):
    line = "cpu,host=serverA,region=us-east value=1.0"
    points, _ = read_all(line, precision=precision, default_time=lambda: 946730096789012345)
    assert [p.time for p in points] == [time]


def test_time_outside_influxdb_range_is_refused():
    # models/time.go: 2262-04-11 is the last instant; 9999999999 s is in the year 2286.
    points, skipped = read_all("cpu value=1 9999999999\n", precision="s")
    assert points == [] and "time outside range" in skipped[0].reason


def test_max_key_length():
    # models.MaxKeyLength: measurement and tags may not exceed 65535 bytes.
    line = "cpu,host=" + "h" * 70_000 + " value=1 1"
    assert reason_of(line) == "max key length exceeded: 70009 > 65535"
    # ...and with each field key, plus 4 bytes of separator (seriesKeySize)
    line = "cpu,host=" + "h" * 65_521 + " value=1 1"
    assert reason_of(line) == "max key length exceeded: 65539 > 65535"
    points, skipped = read_all(line)
    assert points == [] and skipped[0].reason.startswith("max key length exceeded")


def test_unknown_precision_is_refused():
    with pytest.raises(ValueError, match="unknown precision"):
        precision_multiplier("d")


def test_missing_timestamp_is_refused_on_replay():
    # TestParsePointNoTimestamp gives the point the default time; a replay has none.
    assert reason_of("cpu value=1") == NO_TIMESTAMP
    points, skipped = read_all("cpu value=1\ncpu value=2 5\n")
    assert [p.fields for p in points] == [{"value": 2.0}]
    assert skipped == [SkippedLine(1, NO_TIMESTAMP)]


@pytest.mark.parametrize("line", [
    # TestParsePointWhitespace
    "cpu    value=1.0 1257894000000000000",
    "cpu value=1.0     1257894000000000000",
    "cpu      value=1.0     1257894000000000000",
    "cpu value=1.0 1257894000000000000   ",
    "cpu value=1.0 1257894000000000000\n",
    "cpu   value=1.0 1257894000000000000\n",
])
def test_whitespace_between_sections(line):
    assert parse(line) == ("cpu", {}, {"value": 1.0}, 1257894000000000000)
    points, skipped = read_all(line)
    assert [(p.name, p.fields, p.time) for p in points] == [
        ("cpu", {"value": 1.0}, 1257894000000000000)] and skipped == []


# --- malformed lines -----------------------------------------------------------------------

@pytest.mark.parametrize("line,phrase", [
    # TestParsePointNoFields
    ("cpu_load_short,host=server01,region=us-west", "missing fields"),
    ("cpu", "missing fields"),
    ("cpu,host==", "missing fields"),
    ("=", "missing fields"),
    # TestParsePointMissingQuote
    ('cpu,host=serverA value="test', "unbalanced quotes"),
    ('cpu,host=serverA value="test""', "unbalanced quotes"),
    # TestParsePointMissingTagKey
    ("cpu, value=1", "missing tag key"),
    ("cpu,", "missing tag key"),
    ("cpu,,,", "missing tag key"),
    ("cpu,host=serverA,=us-east value=1i", "missing tag key"),
    (r"cpu,host=serverAa\,,=us-east value=1i", "missing tag key"),
    (r"cpu,host=serverA\,,=us-east value=1i", "missing tag key"),
    ("cpu, =serverA value=1i", "missing tag key"),
    # TestParsePointMissingTagValue (tag values may not be empty)
    ("cpu,host", "missing tag value"),
    ("cpu,host,", "missing tag value"),
    ("cpu,host=", "missing tag value"),
    ("cpu,host value=1i", "missing tag value"),
    ("cpu,host=serverA,region value=1i", "missing tag value"),
    ("cpu,host=serverA,region= value=1i", "missing tag value"),
    ("cpu,host=serverA,region=,zone=us-west value=1i", "missing tag value"),
    # TestParsePointInvalidTagFormat
    ("cpu,host=f=o,", "invalid tag format"),
    (r"cpu,host=f\==o,", "invalid tag format"),
    # TestParsePointWithDuplicateTags
    ("cpu,host=serverA,host=serverB value=1i 1000000000", "duplicate tags"),
    ("cpu,b=2,b=1,c=3 value=1i 1000000000", "duplicate tags"),
    ("cpu,b=2,c=3,b=1 value=1i 1000000000", "duplicate tags"),
    # TestParsePointMaxInt64 / MaxUint64: out of range
    ("cpu,host=serverA,region=us-west value=9223372036854775808i", "out of range"),
    ("cpu,host=serverA,region=us-west value=-9223372036854775809i", "out of range"),
    ("cpu,host=serverA,region=us-west value=18446744073709551616u", "out of range"),
    # TestParsePointMaxFloat64 / MinFloat64: out of range
    ("cpu,host=serverA,region=us-west value=11" + "7976931348623157" + "0" * 293, "out of range"),
    # TestParsePoint_TrailingSlash
    ("a v=1 0\\", "bad timestamp"),
])
def test_malformed_lines_give_influxdb_reason(line, phrase):
    assert phrase in reason_of(line, default_time=EPOCH)


@pytest.mark.parametrize("line", [
    # TestParsePointMissingFieldName
    "cpu,host=serverA,region=us-west =",
    "cpu,host=serverA,region=us-west =123i",
    "cpu,host=serverA,region=us-west value=123i,=456i",
    # TestParsePointMissingFieldValue
    "cpu,host=serverA,region=us-west value=",
    "cpu,host=serverA,region=us-west value= 1000000000i",
    "cpu,host=serverA,region=us-west value=,value2=1i",
    "cpu,host=server01,region=us-west 1434055562000000000i",
    "cpu,host=server01,region=us-west value=1i,b",
    'm f="blah"=123,r 1531703600000000000',
    # TestParsePointBadNumber
    "cpu v=- ", "cpu v=-i ", "cpu v=-. ", "cpu v=. ", "cpu v=1.0i ", "cpu v=1ii ", "cpu v=1a ",
    "cpu v=-e-e-e ", "cpu v=42+3 ", "cpu v= ", "cpu v=-123u",
    # NumberNonNumeric, NegativeWrongPlace, OnlyNegativeSign, FloatMultipleDecimals
    "cpu,host=serverA,region=us-west value=.1a",
    "cpu,host=serverA,region=us-west value=0.-1",
    "cpu,host=serverA,region=us-west value=-",
    "cpu,host=serverA,region=us-west value=1.1.1",
    # BooleanInvalid, ScientificIntInvalid, NaN, MinUint64
    "cpu,host=serverA,region=us-west value=a",
    "cpu,host=serverA,region=us-west value=9ie10",
    "cpu,host=serverA,region=us-west value=9e10i",
    "cpu value=NaN 1000000000", "cpu value=nAn 1000000000", "cpu value=NaN",
    "cpu,host=serverA,region=us-west value=--1u",
    # TestParsePointInvalidTimestamp
    "cpu value=1 9223372036854775808", "cpu value=1 -92233720368547758078", "cpu value=1 -",
    "cpu value=1 -/", "cpu value=1 -1?", "cpu value=1 1-", "cpu value=1 9223372036854775807 12",
    # TestParsePointsQuotesInFieldKey (second half)
    'cpu "\\, \'= "\\ v=1.0',
])
def test_influxdb_refuses(line):
    reason_of(line, default_time=EPOCH)


@pytest.mark.parametrize("line", [
    "cpu value=1_0 1",       # Python's float() takes these, InfluxDB's scanner does not
    "cpu value=+1 1",
    "cpu value=1_0i 1",
    "cpu value=inf 1",
    "cpu value=-Infinity 1",
    "cpu value=1e400 1",
    "cpu value=\u0661 1",    # a non-ASCII digit
    "cpu value=1\t 1",
    "cpu value=1 1\t",
    "cpu value=1 \u0661",
])
def test_python_number_spellings_are_not_line_protocol(line):
    reason_of(line)
    points, skipped = read_all(line)
    assert points == [] and len(skipped) == 1


def test_reasons_name_the_problem_for_a_user():
    assert reason_of("cpu,host=a value=abc 1") == (
        "invalid field value 'abc' for field \"value\": not a number, a boolean"
        ' (t, true, f, false, ...) or a "quoted string"')
    assert reason_of("cpu,host= value=1 1") == (
        'missing tag value: tag "host" is empty (tag values may not be empty)')
    assert reason_of("cpu value=1 12a") == (
        "bad timestamp '12a': expected an integer number of nanoseconds")


# --- the reader: comments, headers, skipped lines, streaming -------------------------------

def test_comments_and_blank_lines_are_skipped():
    # TestParsePointsWithPrecisionComments, TestParsePointsBlankLine
    text = ("# a point is below\n"
            "cpu,host=serverA,region=us-east value=1.0 946730096789012345\n"
            "\t# a point is below\n"
            "\n"
            "   \n"
            "cpu value=2i 2000000000\n"
            "# end of points")
    points, skipped = read_all(text)
    assert [(p.line, p.fields) for p in points] == [(2, {"value": 1.0}), (6, {"value": 2})]
    assert skipped == []


def test_influx_inspect_export_headers_set_database_and_retention_policy():
    # The sample output in InfluxDB's `influx_inspect export` documentation, plus a second
    # context as an export of several databases writes it.
    text = ("# DDL\n"
            "CREATE DATABASE MY_DB_NAME\n"
            "CREATE RETENTION POLICY autogen ON MY_DB_NAME DURATION inf REPLICATION 1\n"
            "\n"
            "# DML\n"
            "# CONTEXT-DATABASE:MY_DB_NAME\n"
            "# CONTEXT-RETENTION-POLICY:autogen\n"
            "randset value=97.9296104805 1439856000000000000\n"
            "randset value=25.3849066842 1439856100000000000\n"
            "# CONTEXT-DATABASE: other\n"
            "# DML: CONTEXT-RETENTION-POLICY: weekly\n"
            "randset value=1 1439856200000000000\n")
    points, skipped = read_all(text, database="given", retention_policy="given_rp")
    assert [(p.database, p.retention_policy, p.fields["value"], p.line) for p in points] == [
        ("MY_DB_NAME", "autogen", 97.9296104805, 8),
        ("MY_DB_NAME", "autogen", 25.3849066842, 9),
        ("other", "weekly", 1.0, 12),
    ]
    assert skipped == []


def test_points_without_headers_get_the_given_database():
    points, _ = read_all("cpu value=1 1\n", database="telegraf", retention_policy="autogen")
    assert (points[0].database, points[0].retention_policy) == ("telegraf", "autogen")


def test_malformed_lines_are_reported_with_line_numbers_and_reading_goes_on():
    text = ("cpu,host=a value=1 1000000000\n"
            "cpu,host=a 2000000000\n"                   # no field (InfluxDB: invalid field format)
            "cpu,host=a value=1.2.3 3000000000\n"       # bad number
            'cpu,host=a msg="unterminated 4000000000\n'  # unterminated string
            "cpu,host=a value=5 5000000000x\n"           # bad timestamp
            "cpu,host= value=6 6000000000\n"             # empty tag value
            "cpu,host=a value=7 7000000000\n")
    messages = []
    reader = PointReader(text.splitlines(keepends=True), "data.lp",
                         on_skip=lambda s: messages.append(s.format("data.lp")))
    points = list(reader)
    assert [(p.line, p.fields["value"]) for p in points] == [(1, 1.0), (7, 7.0)]
    assert [m.split(": ", 1)[0] for m in messages] == [
        "data.lp:2", "data.lp:3", "data.lp:4", "data.lp:5", "data.lp:6"]
    assert "invalid field format" in messages[0]
    assert "invalid number" in messages[1]
    assert "unbalanced quotes" in messages[2]
    assert "bad timestamp" in messages[3]
    assert "missing tag value" in messages[4]
    assert (reader.points_read, reader.skipped_count, reader.lines_read) == (2, 5, 7)
    assert [s.line for s in reader.skipped] == [2, 3, 4, 5, 6]


def test_string_value_may_hold_newlines():
    # TestParsePointWithStringWithNewline: a newline inside quotes belongs to the string.
    text = ('cpu,host=serverA,region=us-east value=1.0,str="foo\n'
            'bar" 1000000000\n'
            "cpu value=2 2000000000\n")
    points, skipped = read_all(text)
    assert [(p.line, p.fields) for p in points] == [
        (1, {"value": 1.0, "str": "foo\nbar"}), (3, {"value": 2.0})]
    assert skipped == []


def test_unclosed_string_does_not_swallow_the_following_lines():
    text = ('cpu msg="oops 1000000000\n'
            'cpu value=2,s="x" 2000000000\n'
            "cpu value=3 3000000000\n")
    points, skipped = read_all(text)
    assert [(p.line, p.fields["value"]) for p in points] == [(2, 2.0), (3, 3.0)]
    assert [s.line for s in skipped] == [1]


def test_quotes_in_keys_and_tags_are_plain_text():
    # TestParsePointsQuotesInFieldKey, TestParsePointsQuotesInTags
    points, skipped = read_all('cpu "a=1\ncpu value=2 1', default_time=EPOCH)
    assert [p.fields for p in points] == [{'"a': 1.0}, {"value": 2.0}] and skipped == []
    points, skipped = read_all('t159,label=hey\\ "ya a=1i,value=0i\n'
                               "t159,label=another a=2i,value=1i 1", default_time=EPOCH)
    assert [p.tags["label"] for p in points] == ['hey "ya', "another"] and skipped == []


def test_windows_line_ends_read_like_unix_ones():
    points, skipped = read_all("cpu,host=a value=1 1\r\ncpu,host=b value=2 2\r\n")
    assert [(p.tags["host"], p.time) for p in points] == [("a", 1), ("b", 2)]
    assert skipped == []


def test_invalid_utf8_line_is_reported_and_skipped(tmp_path):
    path = tmp_path / "data.lp"
    path.write_bytes(b"cpu,host=a value=1 1\n"
                     b"cpu,host=\xff\xfe value=2 2\n"
                     b"cpu,host=caf\xc3\xa9 value=3 3\n")
    skipped = []
    with open_line_protocol(str(path)) as lines:
        points = list(read_points(lines, str(path), on_skip=skipped.append))
    assert [(p.line, p.tags["host"]) for p in points] == [(1, "a"), (3, "café")]
    assert [s.line for s in skipped] == [2]
    assert skipped[0].reason.startswith("not valid UTF-8: byte 0xff")


def test_reader_streams_one_line_at_a_time():
    consumed = []

    def lines():
        for n in range(1, 1_000_000):
            consumed.append(n)
            yield f"cpu,host=h{n % 3} value={n} {n}\n"

    reader = iter(PointReader(lines()))
    first, second = next(reader), next(reader)
    assert (first.line, second.line) == (1, 2)
    assert consumed == [1, 2]


def test_tags_are_a_fresh_dict_for_each_point():
    points, _ = read_all("cpu,host=a value=1 1\ncpu,host=a value=2 2\n")
    points[0].tags["host"] = "changed"
    assert points[1].tags == {"host": "a"}


# --- the fast path and the exact scanner agree ---------------------------------------------

PIECES = ["cpu", "mem", "host", "a", "b", "value", "v", ",", ",", "=", "=", " ", " ", "\\", '"',
          "1", "2", "42", ".", "-", "e", "E", "+", "i", "u", "t", "f", "T", "F", "true", "false",
          "_", "\t", "\x00", "\r", "#", "é", "N", "1700000000000000000", "\u0661", "\x0b"]


def plausible_line(parts):
    key, fields, stamp = parts
    return f"{key} {fields} {stamp}"


line_text = st.one_of(
    st.lists(st.sampled_from(PIECES), max_size=14).map("".join),
    st.tuples(
        st.lists(st.sampled_from(["cpu", ",host=a", ",b=2", "\\ ", "\\,", "é", ",", "="]),
                 min_size=1, max_size=4).map("".join),
        st.lists(st.sampled_from(["v=1", "x=1.5", ",", "w=2i", "u=3u", "b=t", "=", "1", "_",
                                  "+", "e5", "\t", "s=\"a b\"", "-", "."]),
                 min_size=1, max_size=5).map("".join),
        st.sampled_from(["1", "-5", "1700000000000000000", "9223372036854775807", "1x", "",
                         "12\r", "0\x00"]),
    ).map(plausible_line),
)


def outcome_of_parse_line(text):
    try:
        point = parse_line(text, default_time=lambda: 7)
    except LineProtocolError as err:
        if err.reason.startswith("no point on this line"):
            return None
        return ("error", err.reason)
    return ("point", point.name, point.tags, typed(point.fields), point.time)


def outcome_of_reader(text):
    skipped = []
    points = list(read_points([text], default_time=lambda: 7, on_skip=skipped.append))
    if skipped:
        return ("error", skipped[0].reason)
    if not points:
        return None
    point = points[0]
    return ("point", point.name, point.tags, typed(point.fields), point.time)


@settings(max_examples=400, deadline=None)
@given(line_text)
def test_reader_fast_path_agrees_with_the_exact_scanner(text):
    assert outcome_of_reader(text) == outcome_of_parse_line(text)


@pytest.mark.parametrize("value", ["12.5", "-3", "1e5", "1.", ".5", "7i", "-7i", "3u", "t",
                                   "FALSE", "0"])
def test_plain_lines_agree(value):
    text = f"cpu,host=a,cpu=cpu0 usage_idle={value},usage_user=3i 1700000000000000000\n"
    assert outcome_of_reader(text) == outcome_of_parse_line(text)
    assert outcome_of_reader(text)[0] == "point"


# --- the benchmark data generator ----------------------------------------------------------

def test_gen_points_writes_readable_deterministic_cpu_data(tmp_path):
    out = tmp_path / "points.lp"
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "gen_points.py"),
                             "--points", "2000", "--out", str(out)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    again = tmp_path / "again.lp"
    subprocess.run([sys.executable, str(ROOT / "scripts" / "gen_points.py"),
                    "--points", "2000", "--out", str(again)], check=True, timeout=60)
    assert out.read_bytes() == again.read_bytes()

    with open_line_protocol(str(out)) as lines:
        reader = PointReader(lines, str(out))
        points = list(reader)
    assert len(points) == 2000 and reader.skipped_count == 0
    assert {p.name for p in points} == {"cpu"}
    assert len({p.tags["host"] for p in points}) == 50
    assert set(points[0].fields) == {"usage_idle", "usage_user", "usage_system"}
    # 50 hosts per round, rounds one second apart
    assert points[49].time == points[0].time and points[50].time - points[0].time == 10 ** 9
    assert any(p.fields["usage_idle"] < 10 for p in points)
    assert all(0 <= p.fields["usage_idle"] <= 100 and not math.isnan(p.fields["usage_user"])
               for p in points)
