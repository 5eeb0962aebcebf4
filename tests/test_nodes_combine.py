"""join, union, combine, flatten and stats, against Kapacitor's integration tests.

Each test follows a Go test of Kapacitor's integrations/streamer_test.go (named in the test), with
its data from integrations/testdata/<name>.srpl. Kapacitor's replay moves the first point of a
recording to 1971-01-01T00:00:00Z and keeps the gaps, so the data here is written as seconds from
that start. Those tests read the result from `httpOut` (the last point per group) or after a
window; where the node under test is followed by a window in Kapacitor's script, the points the
node emits inside the window's span are compared instead, which is what the window collects.
"""

from __future__ import annotations

import pytest

from kapacitor_recordings import recording as kapacitor_recording
from pipeline_harness import SECOND, T0, Run, at, kapacitor_lines
from tickpy.lang.errors import TickError

recording = kapacitor_lines


def run(script: str, lines: list[str], finish: bool = True, capture_after: str | None = None):
    """Replay the lines through the script; what its last leaf node (or node `capture_after`)
    emitted, points and batches, and the task."""
    run = Run(script)
    capture = run.capture_after(capture_after)
    run.replay(lines, finish=finish)
    return capture.received, run.task


def last_per_group(points) -> dict:
    """What Kapacitor's httpOut shows: the last point of each group."""
    return {point.group: point for point in points}


# ---------------------------------------------------------------------------------------------
# combine

COMBINE_DATA = """
request_latency,service=auth,dc=A value=700 1
request_latency,service=log,dc=A value=600 1
request_latency,service=cart,dc=A value=800 1
request_latency,service=auth,dc=B value=750 1
request_latency,service=log,dc=B value=650 1
request_latency,service=cart,dc=B value=850 1
request_latency,service=auth,dc=A value=500 2
request_latency,service=log,dc=A value=700 2
request_latency,service=cart,dc=A value=300 2
request_latency,service=auth,dc=B value=850 2
request_latency,service=log,dc=B value=450 2
request_latency,service=cart,dc=B value=950 2
"""


def combined(points, *tag_names):
    return sorted((tuple(point.tags.get(name) for name in tag_names), point.time,
                   tuple(sorted(point.fields.items()))) for point in points)


def test_TestStream_Combine_All():
    script = """stream
    |from()
        .measurement('request_latency')
        .groupBy('dc')
    |combine(lambda: TRUE, lambda: TRUE)
        .as('first', 'second')
        .tolerance(1s)
        .delimiter('.')
    |groupBy('first.service', 'second.service', 'dc')
    |eval(lambda: "first.value" / "second.value")
        .as('ratio')
"""
    points, _ = run(script, recording(COMBINE_DATA))
    names = ("dc", "first.service", "second.service")
    assert combined(points, *names) == combined([], *names) + sorted([
        (("A", "auth", "log"), at(0), (("ratio", 7.0 / 6.0),)),
        (("A", "auth", "cart"), at(0), (("ratio", 7.0 / 8.0),)),
        (("A", "log", "cart"), at(0), (("ratio", 6.0 / 8.0),)),
        (("B", "auth", "log"), at(0), (("ratio", 7.5 / 6.5),)),
        (("B", "auth", "cart"), at(0), (("ratio", 7.5 / 8.5),)),
        (("B", "log", "cart"), at(0), (("ratio", 6.5 / 8.5),)),
    ])
    # The group tags keep their name, the others are prefixed; the measurement stays.
    assert all(point.name == "request_latency" for point in points)


def test_TestStream_Combine_Filtered():
    script = """stream
    |from()
        .measurement('request_latency')
        .groupBy('dc')
    |combine(lambda: "service" == 'auth', lambda: TRUE)
        .as('auth', 'other')
        .tolerance(1s)
        .delimiter('.')
    |groupBy('other.service','dc')
    |eval(lambda: "auth.value" / "other.value")
        .as('ratio')
"""
    points, _ = run(script, recording(COMBINE_DATA))
    names = ("dc", "auth.service", "other.service")
    assert combined(points, *names) == sorted([
        (("A", "auth", "log"), at(0), (("ratio", 7.0 / 6.0),)),
        (("A", "auth", "cart"), at(0), (("ratio", 7.0 / 8.0),)),
        (("B", "auth", "log"), at(0), (("ratio", 7.5 / 6.5),)),
        (("B", "auth", "cart"), at(0), (("ratio", 7.5 / 8.5),)),
    ])


def test_TestStream_Combine_All_Triples():
    script = """stream
    |from()
        .measurement('request_latency')
        .groupBy('dc')
    |combine(lambda: TRUE, lambda: TRUE, lambda: TRUE)
        .as('first', 'second', 'third')
        .tolerance(1s)
        .delimiter('.')
    |groupBy('first.service', 'second.service', 'third.service', 'dc')
    |eval(lambda: "first.value" + "second.value" + "third.value")
        .as('sum')
"""
    points, _ = run(script, recording(COMBINE_DATA))
    names = ("dc", "first.service", "second.service", "third.service")
    assert combined(points, *names) == [
        (("A", "auth", "log", "cart"), at(0), (("sum", 2100.0),)),
        (("B", "auth", "log", "cart"), at(0), (("sum", 2250.0),)),
    ]


def test_combine_refuses_more_combinations_than_max():
    # combine.go: "refusing to perform combination as total combinations N exceeds max combinations M"
    script = """stream
    |from()
        .measurement('request_latency')
        .groupBy('dc')
    |combine(lambda: TRUE, lambda: TRUE)
        .as('a', 'b')
        .max(2)
"""
    points, task = run(script, recording(COMBINE_DATA))
    assert points == []
    combine = next(node for node in task.nodes if node.kind == "combine")
    assert combine.errors == 2
    assert list(combine.error_messages) == [
        "refusing to perform combination as total combinations 3 exceeds max combinations 2"]


@pytest.mark.parametrize("properties, message", [
    ("", "a call to combine.as() is required to specify the output stream prefixes."),
    (".as('a')", "number of prefixes specified by combine.as() must match the number of combine expressions"),
    (".as('a', 'a')", "cannot use the same prefix name see .as() property method"),
    (".as('a.b', 'c')", "cannot use name a.b as field prefix, it contains the delimiter character ."),
])
def test_combine_checks_its_names_as_kapacitor_does(properties, message):
    # pipeline/combine.go validate()
    script = f"stream\n    |from()\n    |combine(lambda: TRUE, lambda: TRUE){properties}\n"
    with pytest.raises(TickError) as error:
        run(script, [])
    assert error.value.message == message
    assert (error.value.line, error.value.column) == (3, 6)


@pytest.mark.parametrize("chain, given", [
    ("|join(other).as('a', 'b').tolerance(5)", "5"),
    ("|combine(lambda: TRUE, lambda: TRUE).as('a', 'b').tolerance(5)", "5"),
    ("|flatten().tolerance(5)", "5"),
    ("|flatten().tolerance()", "0 arguments"),
    ("|stats(10)", "10"),
    ("|deadman(1.0, 10)", "10"),
    ("|derivative('v').unit(5)", "5"),
    ("|derivative('v').unit()", "0 arguments"),
    ("|stateDuration(lambda: TRUE).unit('1s')", "'1s'"),
    ("|shift(5)", "5"),
])
def test_a_duration_argument_takes_a_duration_only(chain, given):
    # Their Go type is time.Duration (pipeline/join.go, combine.go, flatten.go Tolerance;
    # node.go Stats, Deadman's interval and Shift; derivative.go and state_tracking.go Unit):
    # tick/eval.go sets it through reflection, which refuses an int64 or a string, so Kapacitor
    # fails the task there
    script = f"var other = stream|from()\nstream\n    |from()\n    {chain}\n"
    with pytest.raises(TickError) as error:
        run(script, [])
    assert error.value.message == f"expected a duration, got {given}"


# ---------------------------------------------------------------------------------------------
# flatten

FLATTEN_DATA = """
request_latency,service=auth,host=server01,dc=A value=700 1
request_latency,service=auth,host=server02,dc=A value=702 1
request_latency,service=log,host=server01,dc=A value=600 1
request_latency,service=log,host=server02,dc=A value=602 1
request_latency,service=cart,host=server01,dc=A value=800 1
request_latency,service=cart,host=server02,dc=A value=802 1
request_latency,service=auth,host=server01,dc=B value=750 1
request_latency,service=auth,host=server02,dc=B value=752 1
request_latency,service=log,host=server01,dc=B value=650 1
request_latency,service=log,host=server02,dc=B value=652 1
request_latency,service=cart,host=server01,dc=B value=850 1
request_latency,service=cart,host=server02,dc=B value=852 1
request_latency,service=auth,host=server01,dc=A value=500 2
request_latency,service=auth,host=server02,dc=A value=502 2
request_latency,service=log,host=server01,dc=A value=700 2
request_latency,service=log,host=server02,dc=A value=702 2
request_latency,service=cart,host=server01,dc=A value=300 2
request_latency,service=cart,host=server02,dc=A value=302 2
request_latency,service=auth,host=server01,dc=B value=850 2
request_latency,service=auth,host=server02,dc=B value=852 2
request_latency,service=log,host=server01,dc=B value=450 2
request_latency,service=log,host=server02,dc=B value=452 2
request_latency,service=cart,host=server01,dc=B value=950 2
request_latency,service=cart,host=server02,dc=B value=952 2
"""

FLATTENED_A = [700.0, 702.0, 800.0, 802.0, 600.0, 602.0]
FLATTENED_B = [750.0, 752.0, 850.0, 852.0, 650.0, 652.0]


@pytest.mark.parametrize("drop, suffix", [("", ".value"), (".dropOriginalFieldName()", "")])
def test_TestStream_Flatten_and_TestStream_FlattenDropOriginalFieldName(drop, suffix):
    script = f"""stream
    |from()
        .measurement('request_latency')
        .groupBy('dc')
    |flatten()
        .on('service', 'host')
        .tolerance(1s)
        {drop}
"""
    points, _ = run(script, recording(FLATTEN_DATA))
    columns = [name + suffix for name in ("auth.server01", "auth.server02", "cart.server01",
                                           "cart.server02", "log.server01", "log.server02")]
    result = last_per_group(points)
    assert sorted(result) == ["dc=A", "dc=B"]
    for group, values in (("dc=A", FLATTENED_A), ("dc=B", FLATTENED_B)):
        point = result[group]
        assert point.name == "request_latency"
        assert point.tags == {"dc": group[-1]}
        assert point.time == at(0)
        assert {name: point.fields[name] for name in columns} == dict(zip(columns, values))
        assert len(point.fields) == 6
    # The second time (t=1s) is never closed by a later point, so it never goes out.
    assert len(points) == 2


def test_flatten_leaves_out_a_point_missing_an_on_tag():
    # flatten.go: "point missing tag for flatten operation", the point is skipped
    script = "stream\n    |from()\n    |flatten()\n        .on('service')\n"
    lines = recording("m,service=a value=1 0\nm value=2 0\nm,service=b value=3 0\nm,service=a value=9 1")
    points, task = run(script, lines)
    assert [(point.fields, point.time) for point in points] == [({"a.value": 1.0, "b.value": 3.0}, at(0))]
    assert next(node for node in task.nodes if node.kind == "flatten").errors == 1


# ---------------------------------------------------------------------------------------------
# join

JOIN_TOLERANCE_DATA = """
errors,service=cartA,dc=A value=7 1
views,service=cartA,dc=A value=700 1
errors,service=login,dc=B value=9 1
views,service=login,dc=B value=900 1
disk,service=sda,dc=B value=39 1
errors,service=front,dc=A value=2 1
views,service=front,dc=A value=200 1
errors,service=cartA,dc=B value=9 2
views,service=cartA,dc=B value=900 2
errors,service=login,dc=A value=5 2
views,service=login,dc=A value=500 2
errors,service=front,dc=B value=9 2
views,service=front,dc=B value=900 3
errors,service=cartA,dc=A value=3 4
views,service=cartA,dc=A value=300 4
errors,service=login,dc=B value=9 4
views,service=login,dc=B value=900 4
errors,service=front,dc=A value=7 5
views,service=front,dc=A value=700 5
errors,service=login,dc=B value=2 5
views,service=login,dc=B value=200 5
errors,service=front,dc=A value=5 6
views,service=front,dc=A value=500 6
errors,service=cartA,dc=B value=11 6
views,service=cartA,dc=B value=1100 6
errors,service=login,dc=C value=7 6
views,service=login,dc=C value=700 6
errors,service=front,dc=A value=4 7
views,service=front,dc=A value=400 7
errors,service=cartA,dc=B value=12 7
views,service=cartA,dc=B value=1200 7
errors,service=front,dc=A value=6 8
views,service=front,dc=A value=600 8
errors,service=cartA,dc=B value=6 8
views,service=cartA,dc=B value=600 8
errors,service=login,dc=A value=10 9
views,service=login,dc=A value=1000 9
errors,service=front,dc=B value=4 9
views,service=front,dc=B value=400 9
disk,service=sda,dc=B value=423 9
errors,service=cartA,dc=A value=5 10
views,service=cartA,dc=A value=500 10
errors,service=login,dc=B value=3 10
views,service=login,dc=B value=300 10
errors,service=cartA,dc=A value=5 11
views,service=cartA,dc=A value=500 11
errors,service=login,dc=B value=6 11
views,service=login,dc=B value=600 11
errors,service=cartA,dc=A value=8 12
views,service=cartA,dc=A value=800 12
errors,service=front,dc=A value=9 12
views,service=front,dc=A value=900 12
errors,service=login,dc=B value=5 12
views,service=login,dc=B value=500 12
"""


def test_TestStream_JoinTolerance():
    # Kapacitor windows the joined stream (period 10s from the first point); the points joined
    # within those first 10s are the window's content, per group.
    script = """var errorCounts = stream
    |from()
        .measurement('errors')
        .groupBy('service')

var viewCounts = stream
    |from()
        .measurement('views')
        .groupBy('service')

errorCounts
    |join(viewCounts)
        .as('errors', 'views')
        .tolerance(2s)
        .streamName('error_view')
"""
    points, task = run(script, recording(JOIN_TOLERANCE_DATA))
    window = [point for point in points if point.time < at(10)]
    expected = {
        "cartA": [(0, 7.0, 700.0), (2, 9.0, 900.0), (4, 3.0, 300.0), (6, 11.0, 1100.0),
                  (6, 12.0, 1200.0), (8, 6.0, 600.0)],
        "login": [(0, 9.0, 900.0), (2, 5.0, 500.0), (4, 9.0, 900.0), (4, 2.0, 200.0),
                  (6, 7.0, 700.0), (8, 10.0, 1000.0)],
        "front": [(0, 2.0, 200.0), (2, 9.0, 900.0), (4, 7.0, 700.0), (6, 5.0, 500.0),
                  (6, 4.0, 400.0), (8, 6.0, 600.0), (8, 4.0, 400.0)],
    }
    for service, rows in expected.items():
        joined = [point for point in window if point.group == f"service={service}"]
        assert [(point.time, point.fields["errors.value"], point.fields["views.value"])
                for point in joined] == [(at(seconds), e, v) for seconds, e, v in rows], service
        assert all(point.name == "error_view" and point.tags == {"service": service} for point in joined)
    # Kapacitor numbers a join once per parent: stream0 from1 from2, then join3 and join4; the
    # task lists (and finishes) the join after all its parents.
    assert [node.id for node in task.nodes] == ["stream0", "from1", "from2", "join4"]


JOIN_ON_ACROSS_DATA = """
building_power,building=shack value=30 1
floor_power,building=shack,floor=1 value=7 1
floor_power,building=shack,floor=2 value=11 1
floor_power,building=shack,floor=3 value=12 1
building_power,building=hut value=40 1
floor_power,building=hut,floor=1 value=19 1
floor_power,building=hut,floor=2 value=21 1
"""


def test_TestStream_JoinOn_AcrossMeasurement():
    script = """var building = stream
    |from()
        .measurement('building_power')
        .groupBy('building')

var floor = stream
    |from()
        .measurement('floor_power')
        .groupBy('building', 'floor')

building
    |join(floor)
        .as('building', 'floor')
        .on('building')
        .streamName('power_floor_percentage')
    |log()
        .prefix('JOINED')
    |eval(lambda: "floor.value" / "building.value")
        .as('value')
"""
    points, _ = run(script, recording(JOIN_ON_ACROSS_DATA))
    result = {(point.tags["building"], point.tags["floor"]): (point.name, point.time, point.fields)
              for point in last_per_group(points).values()}
    assert result == {
        ("shack", "1"): ("power_floor_percentage", at(0), {"value": 7.0 / 30.0}),
        ("shack", "2"): ("power_floor_percentage", at(0), {"value": 11.0 / 30.0}),
        ("shack", "3"): ("power_floor_percentage", at(0), {"value": 12.0 / 30.0}),
        ("hut", "1"): ("power_floor_percentage", at(0), {"value": 19.0 / 40.0}),
        ("hut", "2"): ("power_floor_percentage", at(0), {"value": 21.0 / 40.0}),
    }


def test_TestStream_JoinOn_Fill_Num():
    # Kapacitor follows the join with default().field('maintlock.count', 0) and a 4s window: the
    # joined points of the first 4s, per disk. At 1s and 2s no maintlock point matched: join.go
    # fills the missing parent with the *first* parent's field names (maintlock.used_percent),
    # so maintlock.count comes from default() (Kapacitor's result table only shows the columns
    # of the window's first row, which hides the filled field).
    script = """var maintlock = stream
    |from()
        .measurement('maintlock')
        .groupBy('host')

stream
    |from()
        .measurement('disk')
        .groupBy('host', 'path')
    |join(maintlock)
        .as('disk', 'maintlock')
        .on('host')
        .fill(0.0)
        .tolerance(1s)
        .streamName('disk')
"""
    points, _ = run(script, kapacitor_recording("TestStream_JoinOn_Fill"))
    expected = {
        "/": [(0, 50.0, 0.0), (1, 60.0, 0.0), (2, 70.0, 0.0), (3, 80.0, 1.0)],
        "/tmp": [(0, 40.0, 0.0), (1, 30.0, 0.0), (2, 20.0, 0.0), (3, 10.0, 1.0)],
    }
    for path, rows in expected.items():
        joined = [point for point in points if point.tags.get("path") == path and point.time < at(4)]
        assert [(point.time, point.fields["disk.used_percent"], point.fields.get("maintlock.count", 0.0))
                for point in joined] == [(at(s), used, count) for s, used, count in rows], path
        assert [point.fields.get("maintlock.used_percent") for point in joined] == [None, 0.0, 0.0, None]
        assert all(point.name == "disk" and point.tags == {"host": "A", "path": path} for point in joined)


def test_join_fill_null_gives_missing_fields_as_null():
    # join.go JoinIntoPoint: fill('null') sets the missing parent's fields (named after the first
    # parent's fields) to nil; an inner join (no fill) drops the incomplete set.
    lines = recording("a value=1 0\nb value=10 0\na value=2 1\na value=3 2\nb value=30 2")
    for fill, expected in (("'null'", [(0, 1.0, 10.0), (1, 2.0, None), (2, 3.0, 30.0)]),
                           ("'none'", [(0, 1.0, 10.0), (2, 3.0, 30.0)]),
                           ("-1", [(0, 1.0, 10.0), (1, 2.0, -1), (2, 3.0, 30.0)])):
        script = f"""var a = stream|from().measurement('a')
var b = stream|from().measurement('b')
a|join(b).as('a', 'b').fill({fill})
"""
        points, _ = run(script, lines)
        assert [((p.time - T0) // SECOND, p.fields["a.value"], p.fields["b.value"]) for p in points] \
            == expected, fill
        assert all(point.name == "a" and point.tags == {} for point in points)


@pytest.mark.parametrize("properties, message", [
    ("", "a call to join.as() is required to specify the output stream prefixes."),
    (".as('a')", "number of prefixes specified by join.as() must match the number of joined streams"),
    (".as('a', 'a')", "cannot use the same prefix name see .as() property method"),
    (".as('a', '')", "must provide a prefix name for the join node, see .as() property method"),
    (".as('a.x', 'b')", 'cannot use name a.x as field prefix, it contains the delimiter "."'),
    (".as('a', 'b').fill('zero')", "unexpected fill option zero"),
])
def test_join_checks_as_kapacitor_does(properties, message):
    # pipeline/join.go validate(), join.go newJoinNode (fill)
    script = f"var a = stream|from()\nvar b = stream|from()\na\n    |join(b){properties}\n"
    with pytest.raises(TickError) as error:
        run(script, [])
    assert error.value.message == message


# ---------------------------------------------------------------------------------------------
# union

UNION_STEPPED_DATA = """
cpu,cpu=0 value=91 0
cpu,cpu=1 value=97 0
cpu,cpu=0 value=98 1
cpu,cpu=1 value=98 1
cpu,cpu=total value=92 2
cpu,cpu=1 value=92 2
cpu,cpu=0 value=95 3
cpu,cpu=1 value=95 3
cpu,cpu=total value=93 4
cpu,cpu=1 value=93 4
cpu,cpu=1 value=92 5
cpu,cpu=0 value=92 5
cpu,cpu=0 value=95 6
cpu,cpu=total value=95 6
cpu,cpu=0 value=92 7
cpu,cpu=1 value=92 7
cpu,cpu=total value=96 8
cpu,cpu=1 value=96 8
cpu,cpu=1 value=93 9
cpu,cpu=0 value=93 9
cpu,cpu=0 value=95 10
cpu,cpu=total value=95 10
cpu,cpu=total value=96 11
cpu,cpu=0 value=96 11
cpu,cpu=1 value=95 12
cpu,cpu=0 value=95 12
"""

UNION_SCRIPT = """var cpuT = stream
    |from()
        .measurement('cpu')
        .where(lambda: "cpu" == 'total')
var cpu0 = stream
    |from()
        .measurement('cpu')
        .where(lambda: "cpu" == '0')
var cpu1 = stream
    |from()
        .measurement('cpu')
        .where(lambda: "cpu" == '1')

cpuT
    |union(cpu0, cpu1)
        .rename('cpu_all')
    |groupBy('cpu')
"""


@pytest.mark.parametrize("until, finish, expected", [
    # (data up to this second, end of data, the last point per cpu: (second, value))
    (3, False, {"0": (1, 98.0), "1": (2, 92.0), "total": (2, 92.0)}),
    (6, False, {"0": (5, 92.0), "1": (5, 92.0), "total": (4, 93.0)}),
    (15, False, {"0": (11, 96.0), "1": (9, 93.0), "total": (11, 96.0)}),
    (15, True, {"0": (12, 95.0), "1": (12, 95.0), "total": (11, 96.0)}),
])
def test_TestStream_Union_Stepped(until, finish, expected):
    lines = [line for line in recording(UNION_STEPPED_DATA, first=0) if int(line.rsplit(None, 1)[1]) <= at(until)]
    points, _ = run(UNION_SCRIPT, lines, finish=finish)
    result = {point.tags["cpu"]: ((point.time - T0) // SECOND, point.fields["value"])
              for point in last_per_group(points).values()}
    assert result == expected
    assert all(point.name == "cpu_all" for point in points)


# ---------------------------------------------------------------------------------------------
# With windows and aggregates: Kapacitor's own scripts and recordings, end to end
# (tests/data/<test>.lp holds the points of Kapacitor's integrations/testdata/<test>.srpl,
# moved in time as its test replay moves them).

JOIN_SCRIPT = """var errorCounts = stream
    |from()
        .measurement('errors')
        .groupBy('service')
    |window()
        .period(10s)
        .every(10s)
        .align()
    |sum('value')

var viewCounts = stream
    |from()
        .measurement('views')
        .groupBy('service')
    |window()
        .period(10s)
        .every(10s)
        .align()
    |sum('value')

errorCounts
    |join(viewCounts)
        .as('errors', 'views')
        DELIMITER
        .streamName('error_view')
    |eval(lambda: "errorsDsum" / "viewsDsum")
        .as('error_percent')
        .keep()
"""


@pytest.mark.parametrize("delimiter", [".", "#", ""])
def test_TestStream_Join_and_TestStream_Join_Delimiter_and_DelimiterEmpty(delimiter):
    script = JOIN_SCRIPT.replace("DELIMITER", f".delimiter('{delimiter}')" if delimiter != "." else "")
    script = script.replace("errorsDsum", f"errors{delimiter}sum").replace("viewsDsum", f"views{delimiter}sum")
    points, _ = run(script, kapacitor_recording("TestStream_Join"))
    result = {point.tags["service"]: (point.name, point.time, point.fields)
              for point in last_per_group(points).values()}
    assert result == {
        service: ("error_view", at(10), {"error_percent": 0.01, f"errors{delimiter}sum": errors,
                                         f"views{delimiter}sum": views})
        for service, errors, views in (("cartA", 47.0, 4700.0), ("login", 45.0, 4500.0),
                                       ("front", 32.0, 3200.0))
    }


@pytest.mark.parametrize("fill", ["'null'", "0.0"])
def test_TestStream_Join_Fill_Null_and_Num(fill):
    default = "" if fill == "0.0" else """
    |default()
        .field('errors.value', 0.0)
        .field('views.value', 0.0)"""
    script = f"""var errorCounts = stream
    |from()
        .measurement('errors')
        .groupBy('service')

var viewCounts = stream
    |from()
        .measurement('views')
        .groupBy('service')

errorCounts
    |join(viewCounts)
        .as('errors', 'views')
        .fill({fill})
        .streamName('error_view'){default}
    |eval(lambda:  "errors.value" + "views.value")
        .as('error_percent')
    |window()
        .period(10s)
        .every(10s)
    |count('error_percent')
"""
    points, _ = run(script, kapacitor_recording("TestStream_Join_Fill"))
    result = {point.tags["service"]: (point.name, point.time, point.fields["count"])
              for point in last_per_group(points).values()}
    assert result == {"cartA": ("error_view", at(10), 7), "login": ("error_view", at(10), 7),
                      "front": ("error_view", at(10), 8)}


def test_TestStream_JoinN():
    script = """var cpu = stream
    |from()
        .measurement('cpu')
        .where(lambda: "cpu" == 'total')
var mem = stream
    |from()
        .measurement('memory')
        .where(lambda: "type" == 'free')
var disk = stream
    |from()
        .measurement('disk')
        .where(lambda: "device" == 'sda')

cpu
    |join(mem, disk)
        .as('cpu', 'mem', 'disk')
        .streamName('magic')
        .fill(0.0)
    |window()
        .period(10s)
        .every(10s)
    |count('cpu.value')
"""
    points, _ = run(script, kapacitor_recording("TestStream_JoinN"))
    assert [(point.name, point.tags, point.time, point.fields) for point in last_per_group(points).values()] \
        == [("magic", {}, at(10), {"count": 10})]


JOIN_ON_SCRIPT = """var errorsByServiceDC = stream
    |from()
        .measurement('errors')
        .groupBy(DIMENSIONS)
    |window()
        .period(10s)
        .every(10s)
        .align()
    |sum('value')

var errorsByServiceGlobal = stream
    |from()
        .measurement('errors')
        .groupBy('service')
    |window()
        .period(10s)
        .every(10s)
        .align()
    |sum('value')

errorsByServiceGlobal
    |join(errorsByServiceDC)
        .as('service', 'dc')
        .on('service')
        .streamName('dc_error_percent')
    |eval(lambda: "dc.sum" / "service.sum")
        .keep()
        .as('value')
"""


def test_TestStream_JoinOn():
    points, _ = run(JOIN_ON_SCRIPT.replace("DIMENSIONS", "'dc', 'service'"),
                    kapacitor_recording("TestStream_JoinOn"))
    result = {(point.tags["dc"], point.tags["service"]): (point.name, point.time, point.fields)
              for point in last_per_group(points).values()}
    expected = [("A", "cartA", 15.0, 47.0), ("B", "cartA", 32.0, 47.0), ("A", "login", 15.0, 45.0),
                ("B", "login", 23.0, 45.0), ("C", "login", 7.0, 45.0), ("A", "front", 19.0, 32.0),
                ("B", "front", 13.0, 32.0)]
    assert result == {(dc, service): ("dc_error_percent", at(10),
                                      {"dc.sum": part, "service.sum": total, "value": part / total})
                      for dc, service, part, total in expected}


def test_TestStream_JoinOnGap():
    # The specific side is grouped by three tags (dc, service, rack), the join is on one.
    script = JOIN_ON_SCRIPT.replace("DIMENSIONS", "'dc', 'service', 'rack'").replace("'dc')", "'loc')")
    script = script.replace('"dc.sum"', '"loc.sum"').replace("dc_error_percent", "loc_error_percent")
    points, _ = run(script, kapacitor_recording("TestStream_JoinOn"))
    result = {(point.tags["dc"], point.tags["service"], point.tags["rack"]): point.fields
              for point in last_per_group(points).values()}
    expected = [("A", "cartA", "0", 10.0, 47.0), ("A", "cartA", "1", 5.0, 47.0),
                ("B", "cartA", "0", 14.0, 47.0), ("B", "cartA", "1", 18.0, 47.0),
                ("A", "login", "0", 5.0, 45.0), ("A", "login", "1", 10.0, 45.0),
                ("B", "login", "0", 3.0, 45.0), ("B", "login", "1", 20.0, 45.0),
                ("C", "login", "0", 7.0, 45.0), ("A", "front", "0", 9.0, 32.0),
                ("A", "front", "1", 10.0, 32.0), ("B", "front", "0", 4.0, 32.0),
                ("B", "front", "1", 9.0, 32.0)]
    assert result == {(dc, service, rack): {"loc.sum": part, "service.sum": total, "value": part / total}
                      for dc, service, rack, part, total in expected}
    assert {point.name for point in points} == {"loc_error_percent"}


def test_TestStream_Union():
    script = UNION_SCRIPT.replace("    |groupBy('cpu')\n", """    |window()
        .period(10s)
        .every(10s)
    |count('value')
""")
    points, _ = run(script, kapacitor_recording("TestStream_Union"))
    assert [(point.name, point.tags, point.time, point.fields) for point in last_per_group(points).values()] \
        == [("cpu_all", {}, at(10), {"count": 20})]


# ---------------------------------------------------------------------------------------------
# Batch edges. Kapacitor's TestBatch_* tests read batches from InfluxDB queries, which tickpy run
# cannot make; the same batches are made here by windowing points at the batches' point times
# (aligned 10s windows give batches with the same points), then the node under test runs on them.

def batch_points(measurement: str, batches: dict[str, list[tuple[int, float]]]) -> list[str]:
    """Line protocol for {tags: [(second, value), ...]}, in time order."""
    rows = [(second, f"{measurement},{tags} value={value}") for tags, points in batches.items()
            for second, value in points]
    return [f"{body} {at(second)}" for second, body in sorted(rows, key=lambda row: row[0])]


# TestBatch_Flatten.0.brpl and TestBatch_Combine.0.brpl: per dc and service, batches of two points
# every 10s.
REQUEST_LATENCY_BATCHES = {
    "dc=A,service=cart": [(0, 1), (5, 1), (10, 8), (15, 3), (20, 1), (25, 1)],
    "dc=A,service=auth": [(1, 1), (6, 1), (11, 4), (16, 2), (21, 1), (26, 1)],
    "dc=A,service=log": [(2, 1), (7, 1), (12, 7), (17, 1), (22, 1), (27, 1)],
    "dc=B,service=cart": [(0, 1), (5, 1), (10, 3), (15, 7), (20, 1), (25, 1)],
    "dc=B,service=auth": [(1, 1), (6, 1), (11, 9), (16, 6), (21, 1), (26, 1)],
    "dc=B,service=log": [(2, 1), (7, 1), (12, 5), (17, 4), (22, 1), (27, 1)],
}
# One more point closes the windows ending at 30s, so that groupBy sends those ending at 20s
# (Kapacitor's groupBy holds a batch until one with another time arrives).
CLOSE_20S_WINDOWS = [f"request_latency,dc=A,service=cart value=1 {at(30)}"]


def test_TestBatch_Flatten():
    # The test regroups the batches by dc and flattens on service with a 5s tolerance. The
    # expected result is the second batch per dc (the last one Kapacitor sends), a row per 5s.
    lines = batch_points("request_latency", REQUEST_LATENCY_BATCHES) + CLOSE_20S_WINDOWS
    script = """stream
    |from()
        .measurement('request_latency')
        .groupBy('dc', 'service')
    |window()
        .period(10s)
        .every(10s)
        .align()
    |groupBy('dc')
    |flatten()
        .on('service')
        .tolerance(5s)
"""
    batches_out, _ = run(script, lines)
    last = last_per_group(batches_out)
    rows = {group: [(point.time, point.fields) for point in batch.points] for group, batch in last.items()}
    assert rows == {
        "dc=A": [(at(10), {"auth.value": 4.0, "cart.value": 8.0, "log.value": 7.0}),
                 (at(15), {"auth.value": 2.0, "cart.value": 3.0, "log.value": 1.0})],
        "dc=B": [(at(10), {"auth.value": 9.0, "cart.value": 3.0, "log.value": 5.0}),
                 (at(15), {"auth.value": 6.0, "cart.value": 7.0, "log.value": 4.0})],
    }
    assert {(batch.name, tuple(batch.tags.items())) for batch in last.values()} == {
        ("request_latency", (("dc", "A"),)), ("request_latency", (("dc", "B"),))}
    assert all(point.tags == batch.tags for batch in last.values() for point in batch.points)


# TestBatch_Join_Fill.0.brpl and .1.brpl: means every 2s of two cpus, with gaps.
CPU0 = [(0, 40), (4, 44), (6, 46), (8, 48), (10, 50), (12, 52), (14, 54), (16, 56), (18, 58),
        (20, 60), (22, 62), (24, 64), (26, 66), (28, 68)]
CPU1 = [(0, 50), (2, 52), (4, 54), (6, 56), (8, 58), (12, 62), (14, 64), (16, 66), (18, 68),
        (20, 70), (22, 72), (24, 74), (26, 76), (28, 78)]


@pytest.mark.parametrize("fill, sums", [
    # TestBatch_Join_NoFill: the sum of the first two batches' joined sums is 876;
    # TestBatch_Join_Fill_Num (fill 100): 1178.
    ("", [396.0, 480.0]),
    (".fill(100.0)", [548.0, 630.0]),
])
def test_TestBatch_Join_NoFill_and_Fill_Num(fill, sums):
    script = f"""var cpu0 = stream
    |from()
        .measurement('cpu_usage_idle')
        .where(lambda: "cpu" == 'cpu0')
    |window()
        .period(10s)
        .every(10s)
        .align()

var cpu1 = stream
    |from()
        .measurement('cpu_usage_idle')
        .where(lambda: "cpu" == 'cpu1')
    |window()
        .period(10s)
        .every(10s)
        .align()

cpu0
    |join(cpu1)
        .as('cpu0', 'cpu1'){fill}
    |eval(lambda: "cpu0.mean" + "cpu1.mean")
        .as('cpu')
    |sum('cpu')
"""
    rows = [(second, f"cpu_usage_idle,cpu=cpu0 mean={value}") for second, value in CPU0]
    rows += [(second, f"cpu_usage_idle,cpu=cpu1 mean={value}") for second, value in CPU1]
    lines = [f"{body} {at(second)}" for second, body in sorted(rows, key=lambda row: row[0])]
    points, task = run(script, lines)
    assert [point.fields["sum"] for point in points][:2] == sums
    assert sum(sums) == (876.0 if not fill else 1178.0)
    join = next(node for node in task.nodes if node.kind == "join")
    assert join.points_in >= 4 and join.points_out >= 2  # batches count one each


def test_TestBatch_Combine_All():
    # Regrouped by dc, each batch holds three services at 10-12s and at 15-17s; with a 5s
    # tolerance each trio is combined in pairs, in time order: cart, auth, log.
    script = """stream
    |from()
        .measurement('request_latency')
        .groupBy('dc', 'service')
    |window()
        .period(10s)
        .every(10s)
        .align()
    |groupBy('dc')
    |combine(lambda: TRUE, lambda: TRUE)
        .as('first', 'second')
        .tolerance(5s)
        .delimiter('.')
    |groupBy('first.service', 'second.service', 'dc')
    |eval(lambda: "first.value" / "second.value")
        .as('ratio')
"""
    points, _ = run(script, batch_points("request_latency", REQUEST_LATENCY_BATCHES) + CLOSE_20S_WINDOWS)
    result = {(p.tags["dc"], p.tags["first.service"], p.tags["second.service"]): (p.time, p.fields["ratio"])
              for p in last_per_group(points).values()}
    assert result == {
        ("A", "cart", "auth"): (at(15), 3.0 / 2.0), ("A", "cart", "log"): (at(15), 3.0 / 1.0),
        ("A", "auth", "log"): (at(15), 2.0 / 1.0), ("B", "cart", "auth"): (at(15), 7.0 / 6.0),
        ("B", "cart", "log"): (at(15), 7.0 / 4.0), ("B", "auth", "log"): (at(15), 6.0 / 4.0),
    }


def test_a_union_drained_at_the_end_still_reaches_the_join_after_it():
    # union.go drains its queues when the data ends (Finish); join.go flushes its sets when it
    # ends. Kapacitor finishes nodes parents first, so the drained point is joined.
    script = """var a = stream|from().measurement('a')
var b = stream|from().measurement('b')
var c = stream|from().measurement('c')
var bc = b|union(c)
a|join(bc).as('a', 'bc')
"""
    points, task = run(script, recording("a value=1 0\nb value=2 0"))
    assert [(point.time, point.fields) for point in points] == [(at(0), {"a.value": 1.0, "bc.value": 2.0})]
    assert [node.id for node in task.nodes] == ["stream0", "from1", "from2", "from3", "union5", "join7"]


def test_renaming_moves_a_group_formed_by_measurement():
    # edge/messages.go SetName recomputes the group id (models.ToGroupID) with the new name.
    script = """var a = stream|from().measurement('a').groupBy('host').groupByMeasurement()
var b = stream|from().measurement('b').groupBy('host').groupByMeasurement()
a|union(b).rename('ab')
"""
    points, _ = run(script, recording("a,host=x value=1 0\nb,host=x value=2 0\na,host=x value=3 1\nb,host=x value=4 1"))
    assert {(point.name, point.group) for point in points} == {("ab", "ab\nhost=x")}
    # Joined: groups that include the measurement never match across measurements (a\nhost=x,
    # b\nhost=x); filled, each comes out under the new name's group.
    joined, _ = run(script.replace("union(b).rename('ab')", "join(b).as('a', 'b').streamName('ab').fill('null')"),
                    recording("a,host=x value=1 0\nb,host=x value=2 0"))
    assert [(point.name, point.group, point.tags, point.fields) for point in joined] == [
        ("ab", "ab\nhost=x", {"host": "x"}, {"a.value": 1.0, "b.value": None}),
        ("ab", "ab\nhost=x", {"host": "x"}, {"a.value": None, "b.value": 2.0})]
