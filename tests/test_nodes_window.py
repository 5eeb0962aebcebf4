"""|window(): when windows are emitted on the replay clock, which points they hold, per group.

Expected outputs follow Kapacitor's integration tests (integrations/streamer_test.go, data from
integrations/testdata/*.srpl), each test naming the Go test. Kapacitor's harness puts the data's
first second at 1971-01-01T00:00:00Z; `replay_srpl` (tests/pipeline_harness.py) does the same.
Its tests read the *last* output of httpOut, so they compare the last batch emitted.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline_harness import SECOND, Capture, at, kapacitor_lines, replay_srpl, run_script
from tickpy.data.point import Point
from tickpy.data.values import go_truncate
from tickpy.lang.errors import TickError
from tickpy.pipeline.grouping import group_tags, grouping_from_dimensions
from tickpy.pipeline.nodes.influxql import InfluxQLNode
from tickpy.pipeline.nodes.window import WindowNode

def rows(batch):
    return [(p.time, p.fields["value"]) for p in batch.points]


# integrations/testdata/TestStream_Window.srpl (the cpu lines; the disk lines are filtered out)
WINDOW_DATA = """
cpu,type=idle,host=serverA value=97.1 0000000001
cpu,type=idle,host=serverB value=97.1 0000000001
cpu,type=idle,host=serverC value=96.4 0000000001
disk,type=sda,host=serverB value=39 0000000001
cpu,type=idle,host=serverA value=92.6 0000000002
cpu,type=idle,host=serverB value=92.6 0000000002
cpu,type=idle,host=serverA value=95.6 0000000003
cpu,type=idle,host=serverB value=95.6 0000000003
cpu,type=idle,host=serverA value=93.1 0000000004
cpu,type=idle,host=serverB value=93.1 0000000004
cpu,type=idle,host=serverA value=92.6 0000000005
cpu,type=idle,host=serverB value=92.6 0000000005
cpu,type=idle,host=serverA value=95.8 0000000006
cpu,type=idle,host=serverB value=95.8 0000000006
cpu,type=idle,host=serverC value=95.8 0000000006
cpu,type=idle,host=serverA value=92.7 0000000007
cpu,type=idle,host=serverB value=92.7 0000000007
cpu,type=idle,host=serverA value=96.0 0000000008
cpu,type=idle,host=serverB value=96.0 0000000008
cpu,type=idle,host=serverA value=93.4 0000000009
cpu,type=idle,host=serverB value=93.4 0000000009
disk,type=sda,host=serverB value=423 0000000009
cpu,type=idle,host=serverA value=95.3 0000000010
cpu,type=idle,host=serverB value=95.3 0000000010
cpu,type=idle,host=serverA value=96.4 0000000011
cpu,type=idle,host=serverB value=96.4 0000000011
cpu,type=idle,host=serverA value=95.1 0000000012
cpu,type=idle,host=serverB value=95.1 0000000012
cpu,type=idle,host=serverC value=95.8 0000000012
"""

SERVER_A = """stream
    |from()
        .measurement('cpu')
        .where(lambda: "host" == 'serverA')
    |window()
"""


def test_window_holds_the_period_before_its_end():
    # TestStream_Window: period 10s every 10s; the window emitted at 00:00:10 holds seconds 0..9.
    capture = replay_srpl(SERVER_A + "        .period(10s)\n        .every(10s)\n", WINDOW_DATA)
    (batch,) = capture.batches
    assert batch.time == at(10)
    assert rows(batch) == [(at(i), v) for i, v in enumerate(
        [97.1, 92.6, 95.6, 93.1, 92.6, 95.8, 92.7, 96.0, 93.4, 95.3])]
    assert batch.name == "cpu"
    assert batch.tags == {} and batch.group == ""
    assert batch.points[0].tags == {"type": "idle", "host": "serverA"}


def test_open_window_is_not_emitted_at_end_of_data():
    # TestStream_Window: the points at 00:00:10 and 00:00:11 start a window that never closes.
    capture = replay_srpl(SERVER_A + "        .period(10s)\n        .every(10s)\n", WINDOW_DATA)
    assert len(capture.batches) == 1


# integrations/testdata/TestStream_Window_FillPeriod.srpl (also read by ..._Overlapping)
OVERLAP_DATA = "\n".join(
    f"cpu,type=idle,host=serverA value={v} {i:010d}" for i, v in enumerate(
        [93.1, 97.1, 92.6, 95.6, 93.1, 92.6, 95.8, 92.7, 96.0, 93.4, 95.3, 96.4, 95.1, 91.1,
         95.7, 96.2], start=1))


def test_overlapping_window_emits_before_the_period_is_full():
    # TestStream_Window_Overlapping: period 14s every 10s; first emit 10s after the first point
    # holds only the 10 points seen so far.
    capture = replay_srpl(SERVER_A + "        .period(14s)\n        .every(10s)\n", OVERLAP_DATA)
    first = capture.batches[0]
    assert first.time == at(10)
    assert [v for _, v in rows(first)] == [93.1, 97.1, 92.6, 95.6, 93.1, 92.6, 95.8, 92.7, 96.0, 93.4]


def test_fill_period_waits_for_a_full_period():
    # TestStream_Window_FillPeriod: period 14s every 10s with fillPeriod: the first window is
    # emitted at 00:00:14 and holds 14 points.
    capture = replay_srpl(SERVER_A + "        .period(14s)\n        .every(10s)\n        .fillPeriod()\n",
                          OVERLAP_DATA)
    first = capture.batches[0]
    assert first.time == at(14)
    assert [v for _, v in rows(first)] == [93.1, 97.1, 92.6, 95.6, 93.1, 92.6, 95.8, 92.7, 96.0,
                                           93.4, 95.3, 96.4, 95.1, 91.1]


def test_fill_period_aligned_drops_the_points_before_the_first_aligned_window():
    # TestStream_Window_FillPeriod_Aligned: period 14s, every 10s, fillPeriod, align, points from
    # 00:00:00 to 00:00:20: the first window ends at 00:00:20 (the first multiple of 10s after
    # a full period) and holds 00:00:06..00:00:19.
    # integrations/testdata/TestStream_Window_FillPeriod_Aligned.srpl
    values = [93.1, 97.1, 92.6, 95.6, 93.1, 92.6, 95.8, 92.7, 96.0, 93.4, 95.3, 96.4, 95.1, 91.1,
              95.7, 96.2, 96.6, 91.2, 98.2, 96.1, 97.2]
    data = "\n".join(f"cpu,type=idle,host=serverA value={v} {i:010d}" for i, v in enumerate(values))
    capture = replay_srpl(SERVER_A + "        .period(14s)\n        .every(10s)\n        .fillPeriod()\n"
                          "        .align()\n", data)
    (batch,) = capture.batches
    assert batch.time == at(20)
    assert [v for _, v in rows(batch)] == [95.8, 92.7, 96.0, 93.4, 95.3, 96.4, 95.1, 91.1, 95.7,
                                           96.2, 96.6, 91.2, 98.2, 96.1]
    assert rows(batch)[0][0] == at(6)


MISSING_DATA = """
cpu,type=idle,host=serverA value=97.1 0000000001
cpu,type=idle,host=serverA value=92.4 0000000008
cpu,type=idle,host=serverA value=93.4 0000000009
cpu,type=idle,host=serverA value=95.3 0000000010
cpu,type=idle,host=serverA value=96.4 0000000011
cpu,type=idle,host=serverA value=95.1 0000000012
"""


def test_gap_in_the_data_skips_windows():
    # TestStream_WindowMissing: period 3s every 2s; after the gap the next emit is counted from
    # the point that ended it; the last window (00:00:11) holds 3 points.
    capture = replay_srpl(SERVER_A + "        .period(3s)\n        .every(2s)\n", MISSING_DATA)
    assert [(b.time, len(b.points)) for b in capture.batches] == [(at(2), 1), (at(9), 2), (at(11), 3)]


def test_gap_in_the_data_aligned():
    # TestStream_WindowMissingAligned: with align the windows end on multiples of 2s; the last
    # one ends at 00:00:10 and holds 3 points.
    capture = replay_srpl(SERVER_A + "        .period(3s)\n        .every(2s)\n        .align()\n",
                          MISSING_DATA)
    assert [(b.time, len(b.points)) for b in capture.batches] == [(at(2), 1), (at(8), 1), (at(10), 3)]


def test_windows_are_per_group_and_carry_the_group_tags():
    # TestStream_Window data grouped by host: serverC's window (due at 00:00:10) closes only when
    # serverC's own point at 00:00:11 arrives, after the other hosts' windows.
    script = """stream
    |from()
        .measurement('cpu')
        .groupBy('host')
    |window()
        .period(10s)
        .every(10s)
"""
    capture = replay_srpl(script, WINDOW_DATA)
    by_group = {(b.group, b.time): b for b in capture.batches}
    assert sorted(by_group) == [("host=serverA", at(10)), ("host=serverB", at(10)), ("host=serverC", at(10))]
    c = by_group[("host=serverC", at(10))]
    assert c.tags == {"host": "serverC"}
    assert rows(c) == [(at(0), 96.4), (at(5), 95.8)]
    # Emitted in the order the closing points arrive: serverA and serverB at 00:00:10, serverC at 00:00:11.
    assert [b.group for b in capture.batches] == ["host=serverA", "host=serverB", "host=serverC"]


def test_every_zero_emits_on_every_point_with_the_last_period():
    # TestStream_Window_Every_0: period 10s every 0s: a window per point, holding (t-10s, t].
    capture = replay_srpl(SERVER_A + "        .period(10s)\n        .every(0s)\n", WINDOW_DATA)
    counts = [(b.time, len(b.points)) for b in capture.batches]
    assert counts[:3] == [(at(0), 1), (at(1), 2), (at(2), 3)]
    assert counts[9] == (at(9), 10)
    assert counts[10] == (at(10), 10)  # the point at 00:00:00 is out: (00:00:00, 00:00:10]
    assert len(counts) == 12


def test_every_zero_fill_period():
    # TestStream_Window_Every_0_FillPeriod: period 5s, every 0s, fillPeriod: the first window is
    # emitted at 00:00:05 with 5 points, then one per point.
    capture = replay_srpl(SERVER_A + "        .period(5s)\n        .every(0s)\n        .fillPeriod()\n",
                          WINDOW_DATA)
    counts = [(b.time, len(b.points)) for b in capture.batches]
    assert counts[0] == (at(5), 5)
    assert counts[1:] == [(at(s), 5) for s in range(6, 12)]


def count_data(n: int = 12) -> str:
    """integrations/testdata/TestStream_Window_Count.srpl: values 1..12, all at the same time."""
    return "\n".join(f"cpu,type=idle,host=serverA value={i + 1} 0000000001" for i in range(n))


def test_count_window():
    # TestStream_Window_Count: periodCount 10, everyCount 10: the last window holds values 1..10,
    # all at 00:00:00; its time is its last point's.
    capture = replay_srpl(SERVER_A + "        .periodCount(10)\n        .everyCount(10)\n", count_data())
    (batch,) = capture.batches
    assert [v for _, v in rows(batch)] == [float(i) for i in range(1, 11)]
    assert batch.time == at(0)


def test_count_window_overlapping():
    # TestStream_Window_Count_Overlapping: periodCount 3 everyCount 1 over 12 points: windows
    # of the last 3 points, the last one 10, 11, 12.
    capture = replay_srpl(SERVER_A + "        .periodCount(3)\n        .everyCount(1)\n", count_data())
    assert [len(b.points) for b in capture.batches] == [1, 2] + [3] * 10
    assert [v for _, v in rows(capture.batches[-1])] == [10.0, 11.0, 12.0]


def test_count_window_fill_period():
    # TestStream_Window_Count_FillPeriod: periodCount 4, everyCount 1, fillPeriod: no window
    # until 4 points, then one per point, each of 4 (12 points give 9 windows).
    capture = replay_srpl(SERVER_A + "        .periodCount(4)\n        .everyCount(1)\n        .fillPeriod()\n",
                          count_data())
    assert [len(b.points) for b in capture.batches] == [4] * 9


def test_window_of_windows_counts():
    # TestStream_Window_Count_Every_1: count of 3-point windows, windowed again by 20 points.
    script = """stream
    |from()
        .measurement('cpu')
        .groupBy('host')
    |window()
        .periodCount(3)
        .everyCount(1)
    |count('value')
    |window()
        .periodCount(20)
        .everyCount(1)
"""
    capture = replay_srpl(script, count_data())
    last = capture.batches[-1]
    assert [p.fields["count"] for p in last.points] == [1, 2, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3]
    assert last.tags == {"host": "serverA"}


def test_align_uses_go_zero_time_for_weeks():
    # Go's Time.Truncate counts from 0001-01-01, so a 7d window aligns on Mondays, not on the
    # Thursday the Unix epoch fell on (window.go aligns with Truncate(every)).
    script = "stream|from().measurement('m')|window().period(7d).every(7d).align()"
    monday = 1_700_438_400 * SECOND  # 2023-11-20T00:00:00Z, a Monday
    lines = [f"m value=1 {monday + 2 * 86400 * SECOND}", f"m value=2 {monday + 8 * 86400 * SECOND}"]
    capture, _ = run_script(script, lines)
    (batch,) = capture.batches
    assert batch.time == monday + 7 * 86400 * SECOND


@pytest.mark.parametrize("properties, message", [
    ("", "non zero period"),
    (".period(10s).periodCount(10)", "cannot specify both period and periodCount"),
    (".periodCount(10).align()", "can only align windows based off time"),
    (".periodCount(10)", "everyCount must be greater than zero"),
])
def test_invalid_windows_are_refused(properties, message):
    # Kapacitor's WindowNode.validate and newWindowNode refuse these when the task is defined.
    with pytest.raises(TickError, match=message):
        run_script(f"stream|from()|window(){properties}", [])


def test_window_counts_points_in_and_batches_out():
    _, task = run_script(SERVER_A + "        .period(10s)\n        .every(10s)\n", kapacitor_lines(WINDOW_DATA))
    window = next(node for node in task.nodes if node.kind == "window")
    assert window.points_in == 12 and window.points_out == 1


def test_group_tags_are_read_back_from_the_group_id():
    # edge.pointMessage.GroupInfo: the group's tags are the point's values of the dimensions,
    # "" for a dimension the point lacks; values with commas or equals signs are kept whole.
    tags = {"host": "a,b=c", "region": "eu", "type": "idle"}
    for dimensions, by_measurement, expected in [
        (["host", "region"], False, {"host": "a,b=c", "region": "eu"}),
        (["region", "zone"], False, {"region": "eu", "zone": ""}),
        (["*"], True, tags),
        ([], True, {}),
    ]:
        grouping = grouping_from_dimensions(dimensions, by_measurement)
        point = Point("cpu", tags, {"value": 1.0}, 0)
        point = point.regrouped(grouping.group_id(point))
        assert group_tags(point) == expected, dimensions


def reference_windows(times, period, every, align, fill_period):
    """window.go's time window, step by step and unoptimised: hold every point, emit at the due
    time the points from the front that are not too old (the scan stops at the first point still
    in the window), then hold the closing point."""
    held, out = [], []
    if fill_period:
        next_emit = times[0] + period
        if align:
            next_emit = go_truncate(next_emit, every) + (every if go_truncate(next_emit, every) <= next_emit else 0)
    else:
        next_emit = times[0] + every
        next_emit = go_truncate(next_emit, every) if align else next_emit
    for time in times:
        if time >= next_emit:
            while held and held[0] < next_emit - period:
                held.pop(0)
            out.append((next_emit, list(held)))
            next_emit = time + every
            next_emit = go_truncate(next_emit, every) if align else next_emit
        held.append(time)
    return out


@settings(max_examples=200, deadline=None)
@given(steps=st.lists(st.integers(min_value=-3, max_value=9), min_size=1, max_size=40),
       period=st.integers(min_value=1, max_value=8), every=st.integers(min_value=1, max_value=8),
       align=st.booleans(), fill_period=st.booleans())
def test_time_window_matches_the_step_by_step_model(steps, period, every, align, fill_period):
    # Out-of-order points included: the window's shortcuts (inline holding, handing the list to
    # a non-overlapping batch) must not change which points a window holds.
    times, now = [], 1000
    for step in steps:
        now += step
        times.append(now)
    node = WindowNode("w", period=period, every=every, align=align, fill_period=fill_period)
    capture = Capture()
    node.add_child(capture)
    for time in times:
        node.point(Point("m", {}, {"value": 1.0}, time))
    got = [(b.time, [p.time for p in b.points]) for b in capture.batches]
    assert got == reference_windows(times, period, every, align, fill_period)


@settings(max_examples=200, deadline=None)
@given(steps=st.lists(st.integers(min_value=-3, max_value=9), min_size=1, max_size=40),
       period=st.integers(min_value=1, max_value=8), align=st.booleans(), fill_period=st.booleans())
def test_window_reducing_points_as_they_arrive_gives_the_same_sums(steps, period, align, fill_period):
    # A window whose only child is an aggregate reduces points as they arrive (window.py); with
    # a second child it holds them. Out-of-order points included, the sums must be the same.
    def sums(with_second_child: bool):
        node = WindowNode("w", period=period, every=period, align=align, fill_period=fill_period)
        total = InfluxQLNode("sum", "sum", "value", "sum")
        capture = Capture()
        total.add_child(capture)
        node.add_child(total)
        if with_second_child:
            node.add_child(Capture())
        now = 1000
        for index, step in enumerate(steps):
            now += step
            node.point(Point("m", {}, {"value": float(2 ** index)}, now))
        return [(p.time, p.fields) for p in capture.points]

    assert sums(False) == sums(True)
