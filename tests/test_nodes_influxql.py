"""InfluxQL function nodes: field names, values and their types, times, tags, edge types.

Expected values come from Kapacitor's integration tests (integrations/streamer_test.go), each
test naming the Go test; those read httpOut's last output, so the last emitted result is checked.
Value types (count is an integer, mean a float, sum of integers an integer) follow the reducers
Kapacitor's pipeline/influxql.go picks; the Go tests compare through JSON, which hides them.
"""

from __future__ import annotations

import json
import math

import pytest

from conftest import run_tickpy
from kapacitor_recordings import SERVER_A_WINDOWS
from pipeline_harness import at, kapacitor_lines, replay_srpl, run_script
from tickpy.lang.errors import TickError

# integrations/testdata/TestStream_InfluxQL_Float.srpl
FLOAT_DATA = """
cpu,type=idle,host=serverA value=98 0000000001
cpu,type=idle,host=serverB value=97 0000000001
disk,type=sda,host=serverB value=39 0000000001
cpu,type=idle,host=serverA value=91 0000000002
cpu,type=idle,host=serverB value=91 0000000002
cpu,type=idle,host=serverA value=95 0000000003
cpu,type=idle,host=serverB value=95 0000000003
cpu,type=idle,host=serverA value=93 0000000004
cpu,type=idle,host=serverB value=93 0000000004
cpu,type=idle,host=serverA value=92 0000000005
cpu,type=idle,host=serverB value=92 0000000005
cpu,type=idle,host=serverA value=95 0000000006
cpu,type=idle,host=serverB value=95 0000000006
cpu,type=idle,host=serverC value=95 0000000006
cpu,type=idle,host=serverA value=92 0000000007
cpu,type=idle,host=serverB value=92 0000000007
cpu,type=idle,host=serverA value=96 0000000008
cpu,type=idle,host=serverB value=96 0000000008
cpu,type=idle,host=serverA value=93 0000000009
cpu,type=idle,host=serverB value=93 0000000009
disk,type=sda,host=serverB value=42 0000000009
cpu,type=idle,host=serverA value=95 0000000010
cpu,type=idle,host=serverB value=95 0000000010
cpu,type=idle,host=serverA value=96 0000000011
cpu,type=idle,host=serverB value=96 0000000011
cpu,type=idle,host=serverA value=95 0000000012
cpu,type=idle,host=serverB value=95 0000000012
"""
# integrations/testdata/TestStream_InfluxQL_Integer.srpl and _String.srpl: the same, typed.
INTEGER_DATA = "\n".join(line.replace(" 0000", "i 0000", 1) if line else line
                         for line in FLOAT_DATA.splitlines())
STRING_DATA = "\n".join(_line.replace("value=", 'value="').replace(" 0000", '" 0000', 1) if _line else _line
                        for _line in FLOAT_DATA.splitlines())

SCRIPT = SERVER_A_WINDOWS + """    |{call}
"""
# The same window with a second child: the window then holds its points and emits whole batches
# instead of handing each point to the aggregate as it arrives (window.py's shortcut); results
# must not differ.
HELD_SCRIPT = "var windowed = " + SERVER_A_WINDOWS + """windowed
    |log()
windowed
    |{call}
"""
END = at(10)  # the window's end: the time of every aggregate of it
SERVER_A = {"host": "serverA"}
POINT_TAGS = {"host": "serverA", "type": "idle"}


def results(call: str, data: str = FLOAT_DATA, held: bool = False):
    """What the function node emitted (a Capture)."""
    return replay_srpl((HELD_SCRIPT if held else SCRIPT).format(call=call), data)


def only_point(call: str, data: str = FLOAT_DATA, held: bool = False):
    capture = results(call, data, held)
    assert not capture.batches
    (point,) = capture.points
    return point


# TestStream_InfluxQL_Float: aggregates give one point at the window's end with the group's tags.
@pytest.mark.parametrize("call, field, value", [
    ("sum('value')", "sum", 940.0),
    ("count('value')", "count", 10),
    ("mean('value')", "mean", 94.0),
    ("median('value')", "median", 94.0),
    ("mode('value')", "mode", 95.0),
    ("spread('value')", "spread", 7.0),
    ("stddev('value')", "stddev", 2.160246899469287),
])
@pytest.mark.parametrize("held", [False, True])
def test_float_aggregates(call, field, value, held):
    point = only_point(call, held=held)
    assert point.fields == {field: value}
    assert type(point.fields[field]) is type(value)
    assert point.time == END
    assert point.tags == SERVER_A
    assert point.name == "cpu" and point.group == "host=serverA"


# TestStream_InfluxQL_Integer: the same values; count, sum, mode and spread stay integers.
@pytest.mark.parametrize("call, field, value", [
    ("sum('value')", "sum", 940),
    ("count('value')", "count", 10),
    ("mean('value')", "mean", 94.0),
    ("median('value')", "median", 94.0),
    ("mode('value')", "mode", 95),
    ("spread('value')", "spread", 7),
    ("stddev('value')", "stddev", 2.160246899469287),
])
@pytest.mark.parametrize("held", [False, True])
def test_integer_aggregates(call, field, value, held):
    point = only_point(call, INTEGER_DATA, held)
    assert point.fields == {field: value}
    assert type(point.fields[field]) is type(value)
    assert point.time == END


# TestStream_InfluxQL_Float: selectors carry the selected point's tags (host and type); with
# usePointTimes its time, else the window's end.
@pytest.mark.parametrize("call, value, point_time", [
    ("min('value')", 91.0, at(1)),
    ("max('value')", 98.0, at(0)),
    ("first('value')", 98.0, at(0)),
    ("last('value')", 95.0, at(9)),
])
@pytest.mark.parametrize("held", [False, True])
def test_selectors(call, value, point_time, held):
    name = call.split("(")[0]
    point = only_point(call, held=held)
    assert point.fields == {name: value}
    assert point.tags == POINT_TAGS
    assert point.time == END
    timed = only_point(call + "\n        .usePointTimes()", held=held)
    assert timed.time == point_time and timed.fields == {name: value}


def test_percentile_selects_a_point():
    # TestStream_InfluxQL_Float percentile('value', 50.0): 93, the selected point's tags.
    point = only_point("percentile('value', 50.0)")
    assert point.fields == {"percentile": 93.0}
    assert point.tags == POINT_TAGS and point.time == END


def test_distinct_is_a_batch_in_first_seen_order():
    # TestStream_InfluxQL_Float distinct: 98, 91, 95, 93, 92, 96, each at the window's end.
    capture = results("distinct('value')")
    (batch,) = capture.batches
    assert [p.fields for p in batch.points] == [{"distinct": v} for v in [98.0, 91.0, 95.0, 93.0, 92.0, 96.0]]
    assert all(p.time == END and p.tags == SERVER_A for p in batch.points)
    assert batch.time == END and batch.tags == SERVER_A


def test_string_distinct_first_last_count():
    # TestStream_InfluxQL_String: count 10, distinct in first-seen order, first "98", last "95".
    assert only_point("count('value')", STRING_DATA).fields == {"count": 10}
    (batch,) = results("distinct('value')", STRING_DATA).batches
    assert [p.fields["distinct"] for p in batch.points] == ["98", "91", "95", "93", "92", "96"]
    assert only_point("first('value')\n        .usePointTimes()", STRING_DATA).time == at(0)
    assert only_point("last('value')", STRING_DATA).fields == {"last": "95"}


@pytest.mark.parametrize("call, expected", [
    # TestStream_InfluxQL_Float top(2, 'value') and bottom(3, 'value'): the point's tags join
    # the group's ("type" shows as a column); ties go to the earlier point.
    ("top(2, 'value')", [(at(0), 98.0), (at(7), 96.0)]),
    ("bottom(3, 'value')", [(at(1), 91.0), (at(4), 92.0), (at(6), 92.0)]),
])
@pytest.mark.parametrize("held", [False, True])
def test_top_and_bottom(call, expected, held):
    name = call.split("(")[0]
    (batch,) = results(call, held=held).batches
    assert [p.fields for p in batch.points] == [{name: v} for _, v in expected]
    assert all(p.time == END and p.tags == POINT_TAGS for p in batch.points)
    assert batch.time == END and batch.tags == SERVER_A
    (timed,) = results(call + "\n        .usePointTimes()", held=held).batches
    assert [(p.time, p.fields[name]) for p in timed.points] == expected


def test_as_renames_the_result_field():
    assert only_point("mean('value')\n        .as('avg')").fields == {"avg": 94.0}
    # A selector keeps the selected point's other fields and renames the one it read.
    assert only_point("max('value')\n        .as('peak')").fields == {"peak": 98.0}


@pytest.mark.parametrize("held", [False, True])
def test_missing_field_gives_nothing_and_counts_errors(held):
    # TestStream_InfluxQLNodeMissingValue_Batch: mean of a field no point has emits nothing.
    # Problems are counted for emitted windows only: Kapacitor reads a batch when it is emitted.
    capture, task = run_script((HELD_SCRIPT if held else SCRIPT).format(call="mean('nope')"),
                               kapacitor_lines(FLOAT_DATA))
    assert capture.received == []
    mean = next(node for node in task.nodes if node.kind == "mean")
    assert mean.errors == 10
    assert any('field "nope" missing from point' in m for m in mean.error_messages)


def test_count_of_empty_batch_is_zero():
    # count and sum accept empty batches (IsEmptyOK): a window whose points all lack the field
    # still gives count 0 (Kapacitor assumes a float field when no point tells the type).
    capture, _ = run_script(SCRIPT.format(call="count('nope')"), kapacitor_lines(FLOAT_DATA))
    (point,) = capture.points
    assert point.fields == {"count": 0} and point.time == END


def test_wrong_function_for_the_type_is_an_error():
    capture, task = run_script(SCRIPT.format(call="mean('value')"), kapacitor_lines(STRING_DATA))
    assert capture.received == []
    mean = next(node for node in task.nodes if node.kind == "mean")
    assert any("cannot apply mean to string field" in m for m in mean.error_messages)


# On a stream edge points that share a timestamp are reduced together; a timestamp's result goes
# out when a later point of the group arrives.

# integrations/testdata/TestStream_InfluxQLNodeMissingValue.srpl
MISSING_VALUE_DATA = """
packets value=1000 0000000001
packets value=1001 0000000002
packets value2=0 0000000003
packets value=1003 0000000004
packets value=1004 0000000005
packets value=1006 0000000006
packets value=1007 0000000007
packets value=1007 0000000008
packets value=1008 0000000009
packets value=1009 0000000010
packets is_missing_value=1011 0000000011
packets value=1010 0000000011
packets value=1011 0000000012
"""


def test_stream_mean_of_a_field_few_points_have():
    # TestStream_InfluxQLNodeMissingValue_Stream: mean('is_missing_value') on the stream gives
    # 1011 at 00:00:10, emitted when the point at 00:00:11 arrives.
    script = "stream\n    |from()\n        .measurement('packets')\n    |mean('is_missing_value')\n"
    capture = replay_srpl(script, MISSING_VALUE_DATA)
    (point,) = capture.points
    assert point.fields == {"mean": 1011.0} and point.time == at(10) and point.tags == {}


def test_stream_aggregate_per_timestamp():
    # Kapacitor's pipeline/influxql.go: "For a stream edge, all points with the same time are
    # accumulated into the function". The last timestamp is never emitted.
    script = "stream|from().measurement('cpu')|sum('value')"
    lines = ["cpu,host=a value=1i 10", "cpu,host=b value=2i 10", "cpu,host=a value=5i 20",
             "cpu,host=b value=7i 30"]
    capture, _ = run_script(script, lines)
    assert [(p.time, p.fields) for p in capture.points] == [(10, {"sum": 3}), (20, {"sum": 5})]


# integrations/testdata/TestStream_TopSelector.srpl: 20 players in each of two games, a score per
# second for 5 seconds (per second: g0's players p0..p19, then g1's), then two late points.
TOP_SCORES = [
    [434, 967, 534, 669, 173, 88, 848, 340, 775, 817, 542, 598, 300, 750, 875, 519, 432, 157, 128, 70,
     50, 671, 328, 836, 866, 884, 989, 42, 919, 561, 959, 220, 91, 123, 737, 909, 786, 471, 152, 254],
    [347, 623, 872, 798, 840, 584, 843, 16, 269, 538, 224, 931, 196, 894, 159, 69, 789, 518, 73, 116,
     965, 553, 599, 594, 213, 392, 466, 63, 953, 660, 466, 261, 833, 734, 73, 277, 188, 463, 813, 370],
    [209, 104, 905, 881, 306, 907, 817, 124, 285, 467, 499, 855, 616, 391, 218, 66, 644, 336, 938, 972,
     487, 265, 602, 511, 848, 734, 857, 140, 247, 981, 640, 485, 681, 109, 55, 184, 659, 784, 452, 986],
    [248, 539, 347, 114, 328, 877, 708, 978, 454, 878, 957, 356, 539, 623, 627, 791, 247, 780, 138, 491,
     879, 617, 265, 788, 685, 383, 180, 770, 344, 809, 97, 534, 887, 272, 277, 872, 863, 311, 749, 926],
    [971, 244, 599, 172, 985, 494, 897, 338, 90, 765, 665, 215, 929, 186, 631, 489, 97, 725, 432, 806,
     431, 473, 495, 853, 558, 345, 988, 726, 639, 266, 613, 382, 596, 138, 480, 53, 748, 434, 739, 861],
]


def top_selector_data() -> str:
    lines = []
    for second, scores in enumerate(TOP_SCORES):
        for index, score in enumerate(scores):
            game, player = divmod(index, 20)
            lines.append(f"scores,game=g{game},player=p{player} value={score} {second:010d}")
    lines += ["scores,game=g0,player=p16 value=748 0000000005", "scores,game=g1,player=p16 value=748 0000000005",
              "scores,game=g0,player=p17 value=434 0000000006", "scores,game=g1,player=p17 value=434 0000000006"]
    return "\n".join(lines)


def test_top_of_last_scores_per_game():
    # TestStream_TopSelector: last score per player per aligned 2s window, regrouped by game,
    # top 5 on the stream edge: the last output per game is at 00:00:04 with these players.
    script = """stream
    |from()
        .measurement('scores')
        .groupBy('game', 'player')
    |window()
        .period(2s)
        .every(2s)
        .align()
    |last('value')
    |groupBy('game')
    |top(5, 'last', 'player')
"""
    capture = replay_srpl(script, top_selector_data())
    last = {}
    for batch in capture.batches:
        last[batch.group] = batch
    g0, g1 = last["game=g0"], last["game=g1"]
    assert g0.time == at(4) and g0.tags == {"game": "g0"}
    assert [(p.tags["player"], p.fields["top"], p.time) for p in g0.points] == [
        ("p7", 978.0, at(4)), ("p10", 957.0, at(4)), ("p9", 878.0, at(4)), ("p5", 877.0, at(4)),
        ("p15", 791.0, at(4))]
    assert [(p.tags["player"], p.fields["top"]) for p in g1.points] == [
        ("p19", 926.0), ("p12", 887.0), ("p0", 879.0), ("p15", 872.0), ("p16", 863.0)]


# Transforms: a result per point at the point's own time.

def test_elapsed():
    # TestStream_Elapsed: elapsed('value', 1s), windowed 10s, max: 4 (the 4s gap), at 00:00:11.
    data = """
packets value=1000 0000000001
packets value=1001 0000000002
packets value=1002 0000000003
packets value=1003 0000000004
packets value=1004 0000000005
packets value=1006 0000000006
packets value=1009 0000000010
packets value=1010 0000000011
packets value=1011 0000000012
"""
    script = """stream
    |from()
        .measurement('packets')
    |elapsed('value', 1s)
    |window()
        .period(10s)
        .every(10s)
    |max('elapsed')
"""
    (point,) = replay_srpl(script, data).points
    assert point.fields == {"max": 4} and type(point.fields["max"]) is int
    assert point.time == at(11)


def test_difference():
    # TestStream_Difference: difference('value'), windowed 10s, max: 5 at 00:00:11.
    data = """
packets value=1000 0000000001
packets value=1001 0000000002
packets value=1006 0000000003
packets value=1009 0000000010
packets value=1010 0000000011
packets value=1011 0000000012
"""
    script = """stream
    |from()
        .measurement('packets')
    |difference('value')
    |window()
        .period(10s)
        .every(10s)
    |max('difference')
"""
    (point,) = replay_srpl(script, data).points
    assert point.fields == {"max": 5.0} and point.time == at(11)


def test_moving_average():
    # TestStream_MovingAverage: movingAverage('value', 4) from the 4th point on, windowed 10s.
    data = "\n".join(f"packets value={v} {i:010d}" for i, v in enumerate(
        [1000, 1001, 1002, 1003, 1014, 1015, 1016, 1017, 1018, 1019, 1020, 1021, 1022, 1023, 1024], 1))
    script = """stream
    |from()
        .measurement('packets')
    |movingAverage('value', 4)
    |window()
        .period(10s)
        .every(10s)
"""
    (batch,) = replay_srpl(script, data).batches
    assert [(p.time, p.fields) for p in batch.points] == [
        (at(s), {"movingAverage": v}) for s, v in zip(range(3, 13), [
            1001.5, 1005.0, 1008.5, 1012.0, 1015.5, 1016.5, 1017.5, 1018.5, 1019.5, 1020.5])]


def test_cumulative_sum():
    # TestStream_CumulativeSum: cumulativeSum('value') windowed 10s: 0, 0, 1, 3, ... 36.
    data = "\n".join(f"packets value={v:02d} {i:010d}" for i, v in enumerate([0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9]))
    script = """stream
    |from()
        .measurement('packets')
    |cumulativeSum('value')
    |window()
        .period(10s)
        .every(10s)
"""
    (batch,) = replay_srpl(script, data).batches
    assert [p.fields["cumulativeSum"] for p in batch.points] == [0.0, 0.0, 1.0, 3.0, 6.0, 10.0, 15.0, 21.0, 28.0, 36.0]
    assert [p.time for p in batch.points] == [at(s) for s in range(10)]


def test_transform_on_a_batch_edge_keeps_the_batch():
    # influxql.go's streaming transform on batches: the batch goes on with one point per point
    # after the first, at the points' times, the group's tags.
    capture = results("difference('value')")
    (batch,) = capture.batches
    assert batch.time == END and batch.tags == SERVER_A
    assert [(p.time, p.fields["difference"]) for p in batch.points][:3] == [
        (at(1), -7.0), (at(2), 4.0), (at(3), -2.0)]
    assert all(p.tags == SERVER_A for p in batch.points)


def test_stddev_of_one_value_is_nan():
    # InfluxDB's FloatStddevReduceSlice: fewer than two values give NaN.
    capture, _ = run_script("stream|from()|window().periodCount(1).everyCount(1)|stddev('value')",
                            ["m value=1 1", "m value=2 2"])
    assert math.isnan(capture.points[0].fields["stddev"])


@pytest.mark.parametrize("call", ["top('value')", "percentile('value')", "movingAverage('value', 0)",
                                  "elapsed('value', 0s)"])
def test_bad_arguments_are_refused(call):
    with pytest.raises(TickError):
        run_script(f"stream|from()|{call}", [])


def test_window_mean_alert_through_the_cli(tmp_path):
    # The shape of Kapacitor's docs' first windowed alert (window|mean|alert): one event per
    # window per host, at the window's end, with the group's tags and the "mean" column.
    (tmp_path / "task.tick").write_text("""stream
    |from()
        .measurement('cpu')
        .groupBy('host')
    |window()
        .period(10s)
        .every(10s)
    |mean('value')
    |alert()
        .crit(lambda: "mean" > 90)
""")
    lines = [f"cpu,host={host},type=idle value={value} {at(second)}"
             for second in range(12) for host, value in (("a", 95.0), ("b", 50.0))]
    (tmp_path / "data.lp").write_text("\n".join(lines) + "\n")
    result = run_tickpy("run", "--replay", "data.lp", "task.tick", "--events", "-", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    (event,) = [json.loads(line) for line in result.stdout.splitlines()]
    assert event["id"] == "cpu:host=a" and event["level"] == "CRITICAL"
    assert event["time"] == "1971-01-01T00:00:10Z"
    assert event["data"]["series"] == [{"name": "cpu", "tags": {"host": "a"}, "columns": ["time", "mean"],
                                        "values": [["1971-01-01T00:00:10Z", 95]]}]


def test_count_after_where_on_windows():
    # TestStream_Aggregate_Changing_Type: window 10s, where "c", count('value'): the first
    # window keeps no point and still counts 0 (count accepts empty batches); the last gives 1
    # at 00:00:20.
    data = """
m c=false,value=0i 0000000000
m c=false,value=0i 0000000002
m c=false,value=0i 0000000008
m c=false,value=0i 0000000010
m c=true,value=0i 0000000011
m c=false,value=0i 0000000012
m c=false,value=0i 0000000021
"""
    script = """stream
    |from()
        .measurement('m')
    |window()
        .period(10s)
        .every(10s)
    |where(lambda: "c")
    |count('value')
"""
    capture = replay_srpl(script, data)
    assert [(p.time, p.fields) for p in capture.points] == [(at(10), {"count": 0}), (at(20), {"count": 1})]


@pytest.mark.parametrize("held", [False, True])
def test_points_of_another_type_or_without_the_field_are_left_out(held):
    # influxql.go: the reducer's type comes from the first point with the field; a later point
    # of another type or without the field is logged ("failed to aggregate point in batch") and
    # left out, but counts as a point of the batch.
    data = """
cpu,host=serverA value=1 0000000000
cpu,host=serverA other=5 0000000001
cpu,host=serverA value=7i 0000000002
cpu,host=serverA value=3 0000000003
cpu,host=serverA value=9 0000000010
"""
    capture, task = run_script((HELD_SCRIPT if held else SCRIPT).format(call="mean('value')"), kapacitor_lines(data))
    (point,) = capture.points
    assert point.fields == {"mean": 2.0}
    mean = next(node for node in task.nodes if node.kind == "mean")
    assert sorted(mean.error_messages) == [
        "failed to aggregate point in batch: field value has wrong type: got int64 exp float64",
        "failed to aggregate point in batch: field value missing from point cannot aggregate"]


@pytest.mark.parametrize("held", [False, True])
def test_a_duration_field_gets_the_integer_reducer_which_refuses_it(held):
    # influxql.go getFieldKind: the reducer follows reflect.TypeOf(value).Kind(), int64 for a
    # time.Duration, so eval's durations realize the int64 reducer, whose convertIntegerPoint
    # refuses each of them (influxql.gen.go: "field %s has wrong type: got %T exp int64"),
    # rather than "invalid field kind"
    data = """
cpu,host=serverA value=1i 0000000000
cpu,host=serverA value=2i 0000000001
cpu,host=serverA value=9i 0000000010
"""
    call = "eval(lambda: duration(\"value\", 1s)).as('d')\n    |sum('d')"
    _, task = run_script((HELD_SCRIPT if held else SCRIPT).format(call=call), kapacitor_lines(data))
    total = next(node for node in task.nodes if node.kind == "sum")
    assert total.error_messages == {
        "failed to aggregate point in batch: field d has wrong type: got time.Duration exp int64": 2}
