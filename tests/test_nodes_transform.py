"""derivative, default, delete, sample, shift, stateDuration, stateCount and changeDetect, on stream
and batch edges.

Expected values come from Kapacitor's integration tests (integrations/streamer_test.go and
batcher_test.go, data from integrations/testdata/*.srpl / *.brpl); each test names the Go test it
follows. Kapacitor's test replay moves the data so that the first point is at 1971-01-01T00:00:00,
and the Go tests look at what a window after the node holds: here the data is written with those
moved times (seconds from 0) and the points the node emits within the window's span are compared.
Batches are fed straight into the task (as a batch query or a window would send them), so the
nodes are tested on batch edges on their own.
"""

from __future__ import annotations

import json

import pytest

from pipeline_harness import Capture, Run
from tickpy.data.batch import Batch
from tickpy.data.point import Point
from tickpy.lang.errors import TickError
from tickpy.pipeline.node import Node

S = 1_000_000_000


def build(script: str):
    run = Run(script)
    return run.task, run.services


def capture_after(task, node_id: str) -> Capture:
    capture = Capture()
    node(task, node_id).add_child(capture)
    return capture


def run_stream(script: str, lines: str, node_id: str) -> tuple[Capture, object]:
    """Replay `lines` (times in seconds) through the script; capture what node `node_id` emits."""
    run = Run(script)
    capture = run.capture_after(node_id)
    run.replay(lines.strip().splitlines(), precision="s")
    return capture, run.task


def node(task, node_id: str) -> Node:
    return next(n for n in task.nodes if n.id == node_id)


def batch_of(name: str, tags: dict, rows: list[tuple[int, dict]], group: str | None = None) -> Batch:
    """A batch as a grouped query sends it: its tags are its group's; time = its last point's."""
    group = ",".join(f"{k}={v}" for k, v in sorted(tags.items())) if group is None else group
    points = [Point(name, dict(tags), fields, seconds * S, group=group) for seconds, fields in rows]
    return Batch(name, group, dict(tags), points[-1].time if points else 0, points)


def rows(points, *columns) -> list[tuple]:
    return [(p.time // S, *(p.fields.get(c) for c in columns)) for p in points]


# ---------------------------------------------------------------------------------------------
# derivative

DERIVATIVE_DATA = """
packets value=1000 0
packets value=1001 1
packets value2=0 2
packets value=1003 3
packets value=1004 4
packets value=1006 5
packets value=1007 6
packets value=1007 7
packets value=1008 8
packets value=1009 9
packets value=1010 10
packets value=1011 11
"""


def test_derivative_as_keeps_the_field_and_adds_the_rate():
    # TestStream_DerivativeAs (data TestStream_Derivative.srpl)
    capture, task = run_stream("""stream
    |from().measurement('packets')
    |derivative('value')
        .as('derivative')
""", DERIVATIVE_DATA, "derivative2")
    within_window = [p for p in capture.points if p.time <= 10 * S]
    assert rows(within_window, "derivative", "value") == [
        (1, 1.0, 1001.0), (3, 1.0, 1003.0), (4, 1.0, 1004.0), (5, 2.0, 1006.0), (6, 1.0, 1007.0),
        (7, 0.0, 1007.0), (8, 1.0, 1008.0), (9, 1.0, 1009.0), (10, 1.0, 1010.0)]
    # the point without "value" is reported, not emitted
    assert node(task, "derivative2").errors == 1


def test_derivative_replaces_the_field_by_default_and_unit_scales():
    # TestStream_Derivative: mean of the window = 1.0; TestStream_DerivativeUnit: .unit(10s) gives 10.0
    for unit, mean in (("", 1.0), (".unit(10s)", 10.0)):
        capture, _ = run_stream(f"""stream
    |from().measurement('packets')
    |derivative('value'){unit}
""", DERIVATIVE_DATA, "derivative2")
        values = [p.fields["value"] for p in capture.points if p.time <= 10 * S]
        assert sum(values) / len(values) == pytest.approx(mean)


NN_DATA = """
packets value=1000 0
packets value=1001 1
packets value=1002 2
packets value=1003 3
packets value=1004 4
packets value=1005 5
packets value=0006 6
packets value=0000 7
packets value=0001 8
packets value=0002 9
packets value=0003 10
packets value=0004 11
"""


def test_derivative_non_negative_drops_decreases():
    # TestStream_DerivativeNN (mean 1.0) and TestStream_DerivativeN (mean -99.7), same data
    for prop, mean in ((".nonNegative()", 1.0), ("", -99.7)):
        capture, _ = run_stream(f"""stream
    |from().measurement('packets')
    |derivative('value'){prop}
""", NN_DATA, "derivative2")
        values = [p.fields["value"] for p in capture.points if p.time <= 10 * S]
        assert sum(values) / len(values) == pytest.approx(mean)


def test_derivative_zero_elapsed_is_not_emitted():
    # TestStream_DerivativeZeroElapsed: the window counts 9 values
    capture, task = run_stream("""stream
    |from().measurement('packets')
    |derivative('value')
""", """
packets value=1000 0
packets value=1001 1
packets value=1002 1
packets value=1003 3
packets value=1004 4
packets value=1006 5
packets value=1007 6
packets value=1007 7
packets value=1008 8
packets value=1009 9
packets value=1010 10
packets value=1011 11
""", "derivative2")
    assert len([p for p in capture.points if p.time <= 10 * S]) == 9
    assert "cannot perform derivative: elaspsed time was 0" in node(task, "derivative2").error_messages


def test_derivative_is_per_group():
    # each group has its own previous point (derivative.go keeps one per group)
    capture, _ = run_stream("""stream
    |from().measurement('m').groupBy('host')
    |derivative('value')
""", """
m,host=a value=10 0
m,host=b value=100 0
m,host=a value=12 1
m,host=b value=130 2
""", "derivative2")
    assert [(p.tags["host"], p.fields["value"]) for p in capture.points] == [("a", 2.0), ("b", 15.0)]


def test_derivative_on_batches_starts_again_with_each_batch():
    # TestBatch_Derivative (data TestBatch_Derivative.0.brpl): rows 2s..8s, 0.5, 0.5, 0.5, 1.0
    task, _ = build("stream|from()|derivative('value')")
    capture = capture_after(task, "derivative2")
    data = [(0, {"value": 1000}), (2, {"value": 1001}), (4, {"value": 1002}), (5, {"value2": 0}),
            (6, {"value": 1003}), (8, {"value": 1005})]
    task.stream.batch(batch_of("packets", {}, data))
    task.stream.batch(batch_of("packets", {}, [(10, {"value": 2000}), (12, {"value": 2001})]))
    first, second = capture.batches
    assert rows(first.points, "value") == [(2, 0.5), (4, 0.5), (6, 0.5), (8, 1.0)]
    assert rows(second.points, "value") == [(12, 0.5)]  # 10s has no previous point in its batch


# ---------------------------------------------------------------------------------------------
# default

DEFAULT_DATA = """
cpu,type=idle,host=serverA value=9 0
cpu,type=idle,host=serverB value=9 0
disk,type=sda,host=serverB value=3 0
cpu,type=idle,host=serverA value=4 1
cpu,type=idle,host=serverB value=7 1
cpu,type=idle,host=serverA value=2 2
cpu,type=idle,host=serverB value=1 2
cpu,type=idle,host=serverA value=8 3
cpu,type=idle,host=serverB value=4 3
cpu,type=idle,host=serverA value=6 4
cpu,type=idle value=2 4
cpu,type=idle,host=serverA value=8 5
cpu,type=idle,host=serverB value=8 5
cpu,type=idle,host=serverC value=4 5
cpu,type=idle,host=serverA anothervalue=9 6
cpu,type=idle,host=serverB value=7 6
cpu,type=idle anothervalue=3 7
cpu,type=idle,host=serverB value=6 7
cpu,type=idle,host=serverA value=9 8
cpu,type=idle,host=serverB value=9 8
disk,type=sda,host=serverB value=4 8
cpu,type=idle,host=serverA value=7 9
cpu,type=idle,host=serverB value=3 9
cpu,type=idle,host=serverA value=2 10
cpu,type=idle,host=serverB value=1 10
cpu,type=idle,host=serverA value=7 11
cpu,type=idle,host=serverB value=9 11
"""


def test_default_fills_missing_fields_and_tags():
    # TestStream_Default: sum('value') of serverA's points in the first 10s window is 57
    capture, _ = run_stream("""stream
    |from().measurement('cpu')
    |default()
        .field('value', 1.0)
        .tag('host', 'serverA')
    |where(lambda: "host" == 'serverA')
""", DEFAULT_DATA, "where3")
    assert sum(p.fields["value"] for p in capture.points if p.time < 10 * S) == 57


def test_default_fills_empty_tags_in_order():
    # TestStream_DefaultEmptyTags: an empty default does not count; the first real one wins
    capture, _ = run_stream("""stream
    |from().measurement('cpu')
    |default().tag('host', '')
    |default().tag('host', 'serverA')
    |default().tag('host', 'serverB')
""", "cpu,cpu=cpu-total value=9 0", "default4")
    [point] = capture.points
    assert point.tags == {"cpu": "cpu-total", "host": "serverA"}
    assert point.fields == {"value": 9.0}


def test_default_tag_on_a_group_dimension_changes_the_group():
    # edge/messages.go pointMessage.SetTags: the group id is formed again from the new tag values
    capture, _ = run_stream("""stream
    |from().measurement('cpu').groupBy('host')
    |default().tag('host', 'unknown')
""", "cpu value=1 0\ncpu,host=a value=2 1", "default2")
    assert [p.group for p in capture.points] == ["host=unknown", "host=a"]


def test_default_on_batches():
    # TestBatch_DefaultEmptyTag: the batch's tags gain dc=sfc; sum of the second batch is 441
    task, _ = build("stream|from()|default().field('mean', 90.0).tag('dc', 'sfc')")
    capture = capture_after(task, "default2")
    task.stream.batch(batch_of("cpu_usage_idle", {"cpu": "cpu-total"}, [
        (10, {}), (12, {"mean": 86}), (14, {"mean": 91}), (16, {"mean": 85}), (18, {"mean": 89})]))
    [batch] = capture.batches
    assert batch.tags == {"cpu": "cpu-total", "dc": "sfc"}
    assert batch.group == "cpu=cpu-total,dc=sfc"  # beginBatchMessage.SetTags: every tag a dimension
    assert sum(p.fields["mean"] for p in batch.points) == 441
    assert all(p.tags["dc"] == "sfc" for p in batch.points)


def test_default_then_group_by_on_batches():
    # TestBatch_Default: default, groupBy('dc'), sum: the first batch gives 444 under dc=sfc (the
    # second is still held by groupBy when the data ends)
    task, _ = build("stream|from()|default().field('mean', 90.0).tag('dc', 'sfc')|groupBy('dc')")
    capture = capture_after(task, "groupby3")
    task.stream.batch(batch_of("cpu_usage_idle", {"cpu": "cpu-total"}, [
        (0, {}), (2, {"mean": 86}), (4, {"mean": 91}), (6, {"mean": 87}), (8, {})]))
    task.stream.batch(batch_of("cpu_usage_idle", {"cpu": "cpu-total"}, [
        (10, {}), (12, {"mean": 86}), (14, {"mean": 91}), (16, {"mean": 85}), (18, {"mean": 89})]))
    task.finish()
    [batch] = capture.batches
    assert batch.tags == {"dc": "sfc"} and batch.group == "dc=sfc"
    assert sum(p.fields["mean"] for p in batch.points) == 444


def test_default_refuses_a_value_of_another_type():
    # pipeline/default.go validate()
    with pytest.raises(TickError, match="field default values must be float,int,string or bool"):
        build("stream|from()|default().field('x', 5m)")


# ---------------------------------------------------------------------------------------------
# delete

DELETE_DATA = """
cpu,type=idle,host=serverA value=9,anothervalue=4.2 0
cpu,type=system,host=serverB value=6,anothervalue=24 0
cpu,type=user,host=serverC value=3,anothervalue=42 0
cpu,type=system,host=serverA value=9,anothervalue=4.2 1
cpu,type=user,host=serverB value=6,anothervalue=24 1
cpu,type=idle,host=serverC value=3,anothervalue=42 1
cpu,type=system,host=serverA value=9,anothervalue=4.2 2
cpu,type=user,host=serverB value=6,anothervalue=24 2
cpu,type=idle,host=serverC value=3,anothervalue=42 2
"""


def test_delete_removes_fields_and_tags():
    # TestStream_Delete: after delete and groupBy(*), groups by host alone, only "value" left
    capture, _ = run_stream("""stream
    |from().measurement('cpu')
    |delete()
        .field('anothervalue')
        .tag('type')
    |groupBy(*)
""", DELETE_DATA.strip().splitlines()[0] + "\n" + "\n".join(DELETE_DATA.strip().splitlines()[1:3]),
        "groupby3")
    assert [(p.group, p.tags, p.fields) for p in capture.points] == [
        ("host=serverA", {"host": "serverA"}, {"value": 9.0}),
        ("host=serverB", {"host": "serverB"}, {"value": 6.0}),
        ("host=serverC", {"host": "serverC"}, {"value": 3.0})]


def test_delete_of_a_group_dimension_regroups():
    # TestStream_Delete_GroupBy: groupBy('host', 'type') then delete type: sums in the first 2s
    # are serverA 18, serverB 12, serverC 6
    capture, _ = run_stream("""stream
    |from().measurement('cpu').groupBy('host', 'type')
    |delete().field('anothervalue').tag('type')
""", DELETE_DATA, "delete2")
    sums: dict = {}
    for p in capture.points:
        if p.time < 2 * S:
            sums[p.group] = sums.get(p.group, 0) + p.fields["value"]
    assert sums == {"host=serverA": 18, "host=serverB": 12, "host=serverC": 6}


def test_delete_on_batches():
    # TestBatch_Delete_GroupBy: the batch grouped by dc loses dc (tags nil) and mean; default
    # mean 10 gives a sum of 50
    task, _ = build("stream|from()|delete().field('mean').tag('dc')|default().field('mean', 10.0)")
    capture = capture_after(task, "default3")
    task.stream.batch(batch_of("cpu_usage_idle", {"dc": "slc"}, [
        (10, {}), (12, {"mean": 86}), (14, {"mean": 91}), (16, {"mean": 85}), (18, {"mean": 89})]))
    [batch] = capture.batches
    assert batch.tags == {} and batch.group == ""
    assert sum(p.fields["mean"] for p in batch.points) == 50


# ---------------------------------------------------------------------------------------------
# sample

SAMPLE_DATA = "\n".join(f"packets value={1000 + t} {t}" for t in range(11))


def test_sample_by_count():
    # TestStream_Sample_Count: sample(2), the 4s..8s window holds 1004 and 1006
    capture, _ = run_stream("stream|from().measurement('packets')|sample(2)", SAMPLE_DATA, "sample2")
    assert rows([p for p in capture.points if 4 * S <= p.time < 8 * S], "value") == [(4, 1004.0), (6, 1006.0)]


def test_sample_by_time():
    # TestStream_Sample_Time: sample(3s), the 4s..8s window holds 1006
    capture, _ = run_stream("stream|from().measurement('packets')|sample(3s)", SAMPLE_DATA, "sample2")
    assert rows([p for p in capture.points if 4 * S <= p.time < 8 * S], "value") == [(6, 1006.0)]
    assert [p.time // S for p in capture.points] == [0, 3, 6, 9]


def test_sample_counts_per_batch():
    # sample.go: the count starts again with each batch
    task, _ = build("stream|from()|sample(2)")
    capture = capture_after(task, "sample2")
    for start in (0, 10):
        task.stream.batch(batch_of("m", {}, [(start + i, {"v": i}) for i in range(3)]))
    assert [rows(b.points, "v") for b in capture.batches] == [[(0, 0), (2, 2)], [(10, 0), (12, 2)]]


def test_sample_zero_is_refused():
    # sample.go newSampleNode
    with pytest.raises(TickError, match="invalid sample rate: must be positive integer or duration"):
        build("stream|from()|sample(0)")


# ---------------------------------------------------------------------------------------------
# shift

def test_shift_moves_points_forward_and_back():
    # pipeline/shift.go: shift(5m) moves points 5m forward; shift(-10s) 10s back
    # (TestStream_ShiftNegative writes it -period with a var)
    capture, _ = run_stream("stream|from()|shift(5m)", "m v=1 100", "shift2")
    assert [p.time for p in capture.points] == [(100 + 300) * S]
    capture, _ = run_stream("var period = 10s\nstream|from()|shift(-period)", "m v=1 100", "shift2")
    assert [p.time for p in capture.points] == [90 * S]


def test_shift_moves_batches_and_their_points():
    # TestStream_ShiftBatch: a shifted window's batch and points all move by the period
    task, _ = build("stream|from()|shift(5s)")
    capture = capture_after(task, "shift2")
    task.stream.batch(batch_of("cpu", {}, [(1, {"v": 1}), (4, {"v": 2})]))
    [batch] = capture.batches
    assert batch.time == 9 * S and [p.time // S for p in batch.points] == [6, 9]


def test_shift_zero_is_refused():
    with pytest.raises(TickError, match="invalid shift value: must be non zero duration"):
        build("stream|from()|shift(0s)")


# ---------------------------------------------------------------------------------------------
# stateDuration, stateCount

STATE_DATA = """
cpu,host=serverA value=97.1 0
cpu,host=serverB value=47.0 0
cpu,host=serverA value=96.6 1
cpu,host=serverB value=95.1 1
cpu,host=serverA value=83.6 2
cpu,host=serverB x=95.6 2
cpu,host=serverA value=99.1 3
cpu,host=serverB value=96.1 3
cpu,host=serverA value=0 4
cpu,host=serverB value=0 4
"""


def _by_host(points, column) -> dict:
    result: dict = {}
    for p in points:
        if p.time < 4 * S:
            result.setdefault(p.tags["host"], []).append((p.time // S, p.fields[column], p.fields["value"]))
    return result


def test_state_duration():
    # TestStream_StateDuration
    capture, task = run_stream("""var data = stream
    |from().measurement('cpu')
    |groupBy('host')
data
    |stateDuration(lambda: "value" > 95)
        .unit(1ms)
        .as('my_duration')
data
    |stateDuration(lambda: "value" > 95) // discard
""", STATE_DATA, "state_duration3")
    assert _by_host(capture.points, "my_duration") == {
        "serverA": [(0, 0.0, 97.1), (1, 1000.0, 96.6), (2, -1.0, 83.6), (3, 0.0, 99.1)],
        "serverB": [(0, -1.0, 47.0), (1, 0.0, 95.1), (3, 2000.0, 96.1)],
    }
    assert node(task, "state_duration3").errors == 1  # serverB's point without "value"
    assert all(type(p.fields["my_duration"]) is float for p in capture.points)


def test_state_count():
    # TestStream_StateCount
    capture, _ = run_stream("""var data = stream
    |from().measurement('cpu')
    |groupBy('host')
data
    |stateCount(lambda: "value" > 95)
        .as('my_count')
""", STATE_DATA, "state_count3")
    assert _by_host(capture.points, "my_count") == {
        "serverA": [(0, 1, 97.1), (1, 2, 96.6), (2, -1, 83.6), (3, 1, 99.1)],
        "serverB": [(0, -1, 47.0), (1, 1, 95.1), (3, 2, 96.1)],
    }


def test_state_defaults_names():
    # pipeline/state_tracking.go: As defaults to state_duration / state_count
    capture, _ = run_stream("stream|from()|stateCount(lambda: \"v\" > 0)", "m v=1 0", "state_count2")
    assert capture.points[0].fields == {"v": 1.0, "state_count": 1}
    capture, _ = run_stream("stream|from()|stateDuration(lambda: \"v\" > 0)", "m v=1 0\nm v=1 2",
                            "state_duration2")
    assert [p.fields["state_duration"] for p in capture.points] == [0.0, 2.0]


def test_state_duration_on_batches():
    # TestBatch_StateDuration (TestBatch_StateTracking.0.brpl): each batch starts with no run
    task, _ = build("""stream|from()
    |stateDuration(lambda: "value" > 95).unit(1ms).as('my_duration')""")
    capture = capture_after(task, "state_duration2")
    task.stream.batch(batch_of("cpu", {"host": "serverA"}, [(0, {"value": 100})]))
    task.stream.batch(batch_of("cpu", {"host": "serverB"}, [(0, {"value": 100})]))
    task.stream.batch(batch_of("cpu", {"host": "serverA"}, [
        (4, {"value": 97.1}), (5, {"value": 96.6}), (6, {"value": 83.6}), (7, {"value": 99.1})]))
    task.stream.batch(batch_of("cpu", {"host": "serverB"}, [
        (4, {"value": 47}), (5, {"value": 95.1}), (6, {}), (7, {"value": 96.1})]))
    a, b = capture.batches[2:]
    assert rows(a.points, "my_duration", "value") == [(4, 0.0, 97.1), (5, 1000.0, 96.6), (6, -1.0, 83.6), (7, 0.0, 99.1)]
    assert rows(b.points, "my_duration", "value") == [(4, -1.0, 47), (5, 0.0, 95.1), (7, 2000.0, 96.1)]


def test_state_count_on_batches():
    # TestBatch_StateCount (same data)
    task, _ = build("stream|from()|stateCount(lambda: \"value\" > 95).as('my_count')")
    capture = capture_after(task, "state_count2")
    task.stream.batch(batch_of("cpu", {"host": "serverA"}, [(0, {"value": 100})]))
    task.stream.batch(batch_of("cpu", {"host": "serverA"}, [
        (4, {"value": 97.1}), (5, {"value": 96.6}), (6, {"value": 83.6}), (7, {"value": 99.1})]))
    assert rows(capture.batches[1].points, "my_count") == [(4, 1), (5, 2), (6, -1), (7, 1)]


# ---------------------------------------------------------------------------------------------
# changeDetect

def test_change_detect():
    # TestStream_ChangeDetect: the 10s window holds bad, good, bad, good, bad, good
    capture, task = run_stream("stream|from().measurement('packets')|changeDetect('value')", """
packets value="bad" 0
packets value="good" 1
packets value="bad" 2
packets value="bad" 3
packets value="bad" 4
packets value="good" 5
packets value2="good" 6
packets value="bad" 7
packets value="good" 8
packets value="good" 9
packets value="good" 10
packets value="bad" 11
""", "changeDetect2")
    assert rows([p for p in capture.points if p.time < 10 * S], "value") == [
        (0, "bad"), (1, "good"), (2, "bad"), (5, "good"), (7, "bad"), (8, "good")]
    assert node(task, "changeDetect2").error_messages == {
        "Invalid field in change detect: expected field value not found": 1}


def test_change_detect_many_fields():
    # TestStream_ChangeDetect_Many: the 6s window holds 0s, 1s, 4s and 5s
    capture, _ = run_stream("stream|from().measurement('packets')|changeDetect('a','b')", """
packets a="bad",b=0 0
packets a="good",b=0 1
packets a="good",b=0 2
packets a="good",b=0,c="something else" 3
packets a="bad",b=1 4
packets a="bad",b=0 5
packets a="pump",b=2 6
""", "changeDetect2")
    assert rows([p for p in capture.points if p.time < 6 * S], "a", "b") == [
        (0, "bad", 0.0), (1, "good", 0.0), (4, "bad", 1.0), (5, "bad", 0.0)]


def test_change_detect_on_batches():
    # TestBatch_ChangeDetect and TestBatch_ChangeDetect_Many
    task, _ = build("stream|from()|changeDetect('value')")
    capture = capture_after(task, "changeDetect2")
    task.stream.batch(batch_of("packets", {}, [
        (0, {"value": "bad"}), (2, {"value": "good"}), (4, {"value": "good"}), (5, {"value2": "good"}),
        (6, {"value": "bad"}), (8, {"value": "good"})]))
    assert rows(capture.batches[0].points, "value") == [(0, "bad"), (2, "good"), (6, "bad"), (8, "good")]
    task, _ = build("stream|from()|changeDetect('a', 'b')")
    capture = capture_after(task, "changeDetect2")
    task.stream.batch(batch_of("packets", {}, [
        (0, {"a": "bad", "b": 0.0}), (2, {"a": "good", "b": 0.0}), (4, {"a": "good", "b": 0.0}),
        (5, {"a": "good", "b": 0.0, "c": "something else"}), (6, {"a": "bad", "b": 1.0}),
        (8, {"a": "bad", "b": 0.0})]))
    assert rows(capture.batches[0].points, "a", "b") == [
        (0, "bad", 0.0), (2, "good", 0.0), (6, "bad", 1.0), (8, "bad", 0.0)]


def test_change_detect_tells_int_from_float():
    # change_detect.go compares Go interface values: int64(1) and float64(1) differ
    capture, _ = run_stream("stream|from()|changeDetect('v')", "m v=1i 0\nm v=1 1\nm v=1 2", "changeDetect2")
    assert [p.time // S for p in capture.points] == [0, 1]


def test_quiet_keeps_messages_out_but_counts():
    # pipeline/node.go Quiet(): "suppresses all error logging events from this node"
    _, task = run_stream("stream|from()|derivative('value').quiet()", "m value=1 0\nm other=1 1", "derivative2")
    derivative = node(task, "derivative2")
    assert derivative.errors == 1 and derivative.error_messages == {}


def test_state_duration_drives_an_alert_through_tickpy_run(tmp_path):
    # pipeline/state_tracking.go's example: warn after 1 minute in the state, critical after 5
    from conftest import run_tickpy

    (tmp_path / "task.tick").write_text("""stream
    |from()
        .measurement('cpu')
    |where(lambda: "cpu" == 'cpu-total')
    |groupBy('host')
    |stateDuration(lambda: "usage_idle" <= 10)
        .unit(1m)
    |alert()
        // Warn after 1 minute
        .warn(lambda: "state_duration" >= 1)
        // Critical after 5 minutes
        .crit(lambda: "state_duration" >= 5)
        .stateChangesOnly()
""")
    lines = [f"cpu,cpu=cpu-total,host=web01 usage_idle=5 {t * S}" for t in range(0, 301, 30)]
    lines.append(f"cpu,cpu=cpu-total,host=web01 usage_idle=50 {330 * S}")
    (tmp_path / "data.lp").write_text("\n".join(lines) + "\n")
    result = run_tickpy("run", "--replay", "data.lp", "task.tick", "--events", "-", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    events = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(e["id"], e["time"], e["level"]) for e in events] == [
        ("cpu:host=web01", "1970-01-01T00:01:00Z", "WARNING"),
        ("cpu:host=web01", "1970-01-01T00:05:00Z", "CRITICAL"),
        ("cpu:host=web01", "1970-01-01T00:05:30Z", "OK"),
    ]
    assert events[0]["data"]["series"][0]["columns"] == ["time", "state_duration", "usage_idle"]


# ---------------------------------------------------------------------------------------------
# The Go tests' whole scripts, with the window, aggregates and join after the node

def _last_points(script: str, data: str, kind: str) -> list[Point]:
    run = Run(script)
    [last] = [n for n in run.task.nodes if n.kind == kind]
    capture = run.capture_after(last.id)
    run.replay(data.strip().splitlines(), precision="s")
    return capture.points, capture.batches


WINDOW_10S = "|window().period(10s).every(10s)"


@pytest.mark.parametrize("go_test, node_text, data, function, expected", [
    ("TestStream_Derivative", "derivative('value')", DERIVATIVE_DATA, "mean('value')", {"mean": 1.0}),
    ("TestStream_DerivativeUnit", "derivative('value').unit(10s)", DERIVATIVE_DATA, "mean('value')", {"mean": 10.0}),
    ("TestStream_DerivativeNN", "derivative('value').nonNegative()", NN_DATA, "mean('value')", {"mean": 1.0}),
    ("TestStream_DerivativeN", "derivative('value')", NN_DATA, "mean('value')", {"mean": -99.7}),
])
def test_go_derivative_scripts(go_test, node_text, data, function, expected):
    points, _ = _last_points(f"stream|from().measurement('packets')|{node_text}{WINDOW_10S}|{function}",
                             data, function.split("(")[0])
    [point] = points
    assert point.time == 11 * S
    assert point.fields == pytest.approx(expected)


def test_go_default_script():
    # TestStream_Default: sum 57 at 10s
    points, _ = _last_points("""stream
    |from().measurement('cpu')
    |default().field('value', 1.0).tag('host', 'serverA')
    |where(lambda: "host" == 'serverA')
    |window().period(10s).every(10s)
    |sum('value')""", DEFAULT_DATA, "sum")
    assert [(p.time, p.fields) for p in points] == [(10 * S, {"sum": 57.0})]


def test_go_delete_group_by_script():
    # TestStream_Delete_GroupBy: at 2s, serverA 18, serverB 12, serverC 6, tags host only
    points, _ = _last_points("""stream
    |from().measurement('cpu').groupBy('host', 'type')
    |delete().field('anothervalue').tag('type')
    |window().period(2s).every(2s)
    |sum('value').as('value')""", DELETE_DATA, "sum")
    assert sorted((p.time, p.tags["host"], p.fields["value"]) for p in points) == [
        (2 * S, "serverA", 18.0), (2 * S, "serverB", 12.0), (2 * S, "serverC", 6.0)]


@pytest.mark.parametrize("go_test, rate, expected", [
    ("TestStream_Sample_Count", "2", [(4, 1004.0), (6, 1006.0)]),
    ("TestStream_Sample_Time", "3s", [(6, 1006.0)]),
])
def test_go_sample_scripts(go_test, rate, expected):
    _, batches = _last_points(f"stream|from().measurement('packets')|sample({rate})"
                              f"|window().every(4s).period(4s).align()", SAMPLE_DATA, "window")
    assert rows(batches[-1].points, "value") == expected


def test_go_state_duration_script():
    # TestStream_StateDuration: the 4s window of each host
    _, batches = _last_points("""var data = stream
    |from().measurement('cpu')
    |groupBy('host')
data
    |stateDuration(lambda: "value" > 95)
        .unit(1ms)
        .as('my_duration')
    |window().period(4s).every(4s)
data
    |stateDuration(lambda: "value" > 95) // discard
""", STATE_DATA, "window")
    assert {b.tags["host"]: rows(b.points, "my_duration", "value") for b in batches} == {
        "serverA": [(0, 0.0, 97.1), (1, 1000.0, 96.6), (2, -1.0, 83.6), (3, 0.0, 99.1)],
        "serverB": [(0, -1.0, 47.0), (1, 0.0, 95.1), (3, 2000.0, 96.1)],
    }


SHIFT_DATA = """
cpu,type=idle,host=serverA value=97.1 0
cpu,type=idle,host=serverB value=97.1 0
disk,type=sda,host=serverB value=39   0
cpu,type=idle,host=serverB value=92.6 1
cpu,type=idle,host=serverA value=95.6 2
cpu,type=idle,host=serverB value=95.6 2
cpu,type=idle,host=serverA value=93.1 3
cpu,type=idle,host=serverB value=93.1 3
cpu,type=idle,host=serverA value=92.6 4
cpu,type=idle,host=serverB value=92.6 4
cpu,type=idle,host=serverA value=95.8 5
cpu,type=idle,host=serverB value=95.8 5
cpu,type=idle,host=serverC value=95.8 5
cpu,type=idle,host=serverA value=92.7 6
cpu,type=idle,host=serverB value=92.7 6
cpu,type=idle,host=serverA value=96.0 7
cpu,type=idle,host=serverB value=96.0 7
cpu,type=idle,host=serverA value=93.4 8
cpu,type=idle,host=serverB value=93.4 8
disk,type=sda,host=serverB value=423  8
cpu,type=idle,host=serverA value=95.3 9
cpu,type=idle,host=serverB value=95.3 9
cpu,type=idle,host=serverA value=96.4 10
cpu,type=idle,host=serverB value=96.4 10
cpu,type=idle,host=serverA value=95.1 11
cpu,type=idle,host=serverB value=95.1 11
"""


@pytest.mark.parametrize("go_test, past, current, time", [
    ("TestStream_Shift", "|count('value')|shift(period)", "|count('value')", 10),
    ("TestStream_ShiftBatch", "|shift(period)|count('value')", "|count('value')", 10),
    ("TestStream_ShiftNegative", "|count('value')", "|count('value')|shift(-period)", 5),
    ("TestStream_ShiftBatchNegative", "|count('value')", "|shift(-period)|count('value')", 5),
])
def test_go_shift_scripts(go_test, past, current, time):
    points, _ = _last_points(f"""
var period = 5s
var data = stream
    |from()
        .measurement('cpu')
        .where(lambda: "host" == 'serverA')
var past = data
    |window()
        .period(period)
        .every(period)
        .align()
    {past}
var current = data
    |window()
        .period(period)
        .every(period)
        .align()
    {current}
past
    |join(current)
        .as('past', 'current')
    |eval(lambda: "current.count" - "past.count")
        .keep()
        .as('diff')
""", SHIFT_DATA, "eval")
    assert [(p.time, p.fields) for p in points] == [
        (time * S, {"current.count": 5, "diff": 1, "past.count": 4})]


def test_zero_unit_divides_as_go_does():
    # derivative.go: diff / (elapsed / float64(unit)); with unit 0 Go gives elapsed/0 = +Inf and
    # diff/+Inf = 0, without failing
    capture, _ = run_stream("stream|from()|derivative('v').unit(0s)", "m v=1 0\nm v=5 1", "derivative2")
    assert [p.fields["v"] for p in capture.points] == [0.0]


def test_derivative_names_the_wrong_field_type_as_go_prints_it():
    # derivative.go: fmt.Sprintf("%T", curr[n.d.Field]): a field the point lacks is a nil
    # interface (<nil>), a string field is string, a duration computed by eval time.Duration
    _, task = run_stream("stream|from()|derivative('v')", 'm v=1 0\nm s=5 1\nm v="x" 2', "derivative2")
    messages = node(task, "derivative2").error_messages
    assert set(messages) == {
        "cannot perform derivative: field is the wrong type (field v, type <nil>)",
        "cannot perform derivative: field is the wrong type (field v, type string)",
    }
    _, task = run_stream("stream|from()|eval(lambda: 5m).as('d')|derivative('d')", "m v=1 0", "derivative3")
    assert set(node(task, "derivative3").error_messages) == {
        "cannot perform derivative: field is the wrong type (field d, type time.Duration)"}


def test_eval_tag_of_a_non_string_names_its_go_type():
    # eval.go: "result of a tag expression must be of type string, got %T"; a duration result
    # is a time.Duration there
    _, task = run_stream("stream|from()|eval(lambda: 5m, lambda: 1.5).as('d', 'f').tags('d')",
                         "m v=1 0", "eval2")
    assert set(node(task, "eval2").error_messages) == {
        "error evaluating expression: result of a tag expression must be of type string, got time.Duration"}
