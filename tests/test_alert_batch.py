"""The alert node and groupBy on batch edges (Kapacitor's alert.go BufferedBatch, group_by.go).

Expected values follow Kapacitor's batch integration tests (integrations/batcher_test.go) over
its recorded batches (integrations/testdata/TestBatch_SimpleMR.0.brpl,
TestBatch_AlertStateChangesOnly.0.brpl); each test names the Go test. Those tests move the data so
that the first batch starts at 1971-01-01T00:00:00; the batches here keep their recorded times
(2015-10-30T17:14:12Z...), which moves every event time by the same amount and leaves durations
as they are. Batches are fed straight into the task, as a batch query or window sends them
(`batch_of`, `feed_means` and TestBatch_AlertStateChangesOnly's data are in
tests/kapacitor_recordings.py, which tests/test_kapacitor_alert_handlers.py shares).
"""

from __future__ import annotations

import json

from kapacitor_recordings import BATCH_START as START
from kapacitor_recordings import CPU_TOTAL, STATE_CHANGES_ONLY, batch_of, feed_means
from pipeline_harness import Capture, Run
from tickpy.data.batch import Batch
from tickpy.data.point import Point

S = 1_000_000_000


def build(script: str):
    """The task, and the list its alert events go to."""
    run = Run(script)
    return run.task, run.events


def capture_after(task, node_id: str) -> Capture:
    capture = Capture()
    next(node for node in task.nodes if node.id == node_id).add_child(capture)
    return capture


# TestBatch_SimpleMR.0.brpl, the cpu1 batches
CPU1 = [
    [93.49999999999409, 91.44444444443974, 93.44897959187637, 95.99999999995998, 97.00970097012197],
    [95.98484848485191, 92.098039215696, 92.99999999998363, 86.54015887023496, 95.48979591840603],
    [96.49999999996908, 93.46464646468584, 95.00950095007724, 92.99999999998636, 90.99999999998545],
]


def test_batch_alert_duration_field():
    # TestBatch_AlertDuration: the last cpu1 batch goes on with duration 14s on every point; the
    # alert started at the first critical point of the first batch (17:14:18)
    task, events = build("""stream|from()
    |alert()
        .crit(lambda: "mean" > 95)
        .durationField('duration')""")
    capture = capture_after(task, "alert2")
    feed_means(task, CPU1, {"cpu": "cpu1"})
    last = capture.batches[-1]
    assert [p.fields["duration"] for p in last.points] == [14 * S] * 5
    assert [p.fields["mean"] for p in last.points] == CPU1[2]
    assert [e.level.name for e in events] == ["CRITICAL"] * 3
    # the event time is that of the first point at the batch's level
    assert [e.time for e in events] == [START + 6 * S, START + 10 * S, START + 20 * S]


def test_batch_alert_level_and_id_fields_and_message_field():
    # TestBatch_AlertLevelField and TestBatch_AlertMessage
    task, _ = build("""stream|from()
    |alert()
        .crit(lambda: "mean" > 95)
        .levelField('level')
        .idField('id')
        .messageField('msg')""")
    capture = capture_after(task, "alert2")
    feed_means(task, CPU1, {"cpu": "cpu1"})
    last = capture.batches[-1]
    assert last.tags == {"cpu": "cpu1"}
    for point in last.points:
        assert point.fields["level"] == "CRITICAL"
        assert point.fields["id"] == "cpu_usage_idle:cpu=cpu1"
        assert point.fields["msg"] == "cpu_usage_idle:cpu=cpu1 is CRITICAL"


def test_batch_alert_level_and_id_tags_join_the_batch_tags():
    # TestBatch_AlertLevelTag: the output series has tags cpu, level and id
    task, _ = build("""stream|from()
    |alert()
        .crit(lambda: "mean" > 95)
        .levelTag('level')
        .idTag('id')""")
    capture = capture_after(task, "alert2")
    feed_means(task, CPU1, {"cpu": "cpu1"})
    last = capture.batches[-1]
    assert last.tags == {"cpu": "cpu1", "level": "CRITICAL", "id": "cpu_usage_idle:cpu=cpu1"}
    assert [p.fields for p in last.points] == [{"mean": m} for m in CPU1[2]]


def test_batch_alert_all_needs_every_point():
    # TestBatch_AlertAll: with .all() and mean > 92 nothing is sent; with mean > 90 the last
    # batch is CRITICAL
    task, events = build("stream|from()|alert().all().crit(lambda: \"mean\" > 92)")
    feed_means(task, CPU1, {"cpu": "cpu1"})
    assert events == []
    task, events = build("stream|from()|alert().all().crit(lambda: \"mean\" > 90).levelField('level')")
    capture = capture_after(task, "alert2")
    feed_means(task, CPU1, {"cpu": "cpu1"})
    assert [p.fields["level"] for p in capture.batches[-1].points] == ["CRITICAL"] * 5
    # with .all() the event carries the batch's own time
    assert events[-1].time == START + 28 * S


def test_batch_alert_state_changes_only():
    # TestBatch_AlertStateChangesOnly: two events, CRITICAL at the first point (0s) and the
    # recovery at the last batch's time (38s) with duration 38s
    task, events = build(STATE_CHANGES_ONLY)
    feed_means(task, CPU_TOTAL, {"cpu": "cpu-total"})
    assert [(e.id, e.message, e.time - START, e.duration, e.level.name, e.previous_level.name)
            for e in events] == [
        ("cpu_usage_idle:cpu=cpu-total", "cpu_usage_idle:cpu=cpu-total is CRITICAL", 0, 0, "CRITICAL", "OK"),
        ("cpu_usage_idle:cpu=cpu-total", "cpu_usage_idle:cpu=cpu-total is OK", 38 * S, 38 * S, "OK", "CRITICAL"),
    ]


def test_batch_alert_state_changes_only_expired():
    # TestBatch_AlertStateChangesOnlyExpired: stateChangesOnly(15s) repeats the alert at 20s
    task, events = build("""stream|from()
    |alert()
        .crit(lambda: "mean" > 90)
        .stateChangesOnly(15s)
        .details('')""")
    feed_means(task, CPU_TOTAL, {"cpu": "cpu-total"})
    assert [(e.time - START, e.duration, e.level.name, e.previous_level.name) for e in events] == [
        (0, 0, "CRITICAL", "OK"), (20 * S, 20 * S, "CRITICAL", "CRITICAL"), (38 * S, 38 * S, "OK", "CRITICAL")]


def test_batch_alert_event_json_holds_the_whole_batch():
    # alert.go sends b.ToResult() (edge/messages.go ToRow): one series with the batch's name and
    # tags, columns time + the fields, sorted, and a row per point
    task, events = build("stream|from()|alert().crit(lambda: \"mean\" > 95).id('{{ .Name }}/{{ index .Tags \"cpu\" }}')")
    feed_means(task, CPU1[:1], {"cpu": "cpu1"})
    [event] = events
    document = json.loads(json.dumps(event.to_json_dict()))
    assert document["id"] == "cpu_usage_idle/cpu1"
    assert document["time"] == "2015-10-30T17:14:18Z"
    assert document["data"] == {"series": [{
        "name": "cpu_usage_idle",
        "tags": {"cpu": "cpu1"},
        "columns": ["time", "mean"],
        "values": [[f"2015-10-30T17:14:{12 + 2 * i}Z", mean] for i, mean in enumerate(CPU1[0])],
    }]}


def test_batch_alert_ignores_empty_batches():
    # alert.go alertState.BufferedBatch: a batch without points returns before the level is judged
    # or an event added, so it sends nothing, forwards nothing, counts no alert (the node's
    # alerts_triggered / crits_triggered / oks_triggered statistics) and leaves the group's state
    # as it was: TestBatch_AlertStateChangesOnly's data with an empty batch before, between and
    # after its batches gives that test's two events, not a recovery at an empty batch.
    task, events = build(STATE_CHANGES_ONLY)
    capture = capture_after(task, "alert2")
    alert = next(node for node in task.nodes if node.id == "alert2")
    tags = {"cpu": "cpu-total"}

    def empty_batch(second: int) -> Batch:
        return Batch("cpu_usage_idle", "cpu=cpu-total", dict(tags), START + second * S, [])

    task.stream.batch(empty_batch(0))
    assert (events, capture.batches, alert.errors) == ([], [], 0)
    assert set(alert.alerts_by_level.values()) == {0}
    for index, means in enumerate(CPU_TOTAL):
        task.stream.batch(batch_of("cpu_usage_idle", tags, means, 10 * index))
        task.stream.batch(empty_batch(10 * index + 9))
    assert [(e.time - START, e.duration, e.level.name, e.previous_level.name) for e in events] == [
        (0, 0, "CRITICAL", "OK"), (38 * S, 38 * S, "OK", "CRITICAL")]
    assert {level.name: count for level, count in alert.alerts_by_level.items()} == {
        "OK": 1, "INFO": 0, "WARNING": 0, "CRITICAL": 1}
    assert alert.errors == 0
    # only the two batches that raised an event go on, each whole, with its level
    assert [[p.fields["level"] for p in b.points] for b in capture.batches] == [["CRITICAL"] * 5, ["OK"] * 5]


def test_batch_alert_renders_a_custom_id_before_skipping_an_empty_batch():
    # alert.go alertState.BufferedBatch renders the id first, then returns on an empty batch: an id
    # that fails to execute is an error even for a batch without points (Kapacitor stops the task).
    task, events = build(STATE_CHANGES_ONLY.replace("|alert()", "|alert()\n        .id('{{ .Nope }}')"))
    alert = next(node for node in task.nodes if node.id == "alert2")
    task.stream.batch(Batch("cpu_usage_idle", "cpu=cpu-total", {"cpu": "cpu-total"}, START, []))
    assert (events, alert.errors) == ([], 1)
    assert list(alert.error_messages) == [
        "template: id:1:3: executing \"id\" at <.Nope>: can't evaluate field Nope in type kapacitor.idInfo"]


def test_group_by_merges_the_batches_of_one_time():
    # TestBatch_DoubleGroupBy: groupBy() over the batches grouped by cpu gives one batch per time;
    # its max is 95.98484848485191 for the second time. The batches of the last time stay held.
    task, _ = build("stream|from()|groupBy()")
    capture = capture_after(task, "groupby2")
    cpu_total = [[90.38281469458698, 86.51447101892941, 91.71877558217454, 87.10524436107617, 90.3900735196668],
                 [90.8919959776013, 86.54244306420236, 91.01699558842134, 85.66378399063848, 89.90919811320221],
                 [91.06416290101595, 85.9694442394385, 90.62985736134186, 86.45443196005628, 88.97243107764031]]
    cpu0 = [[83.56930693069836, 79.12871287128638, 88.99559823928229, 85.50000000000182, 86.02860286029956],
            [81.72501716191164, 81.03810381037587, 85.93434343435388, 85.36734693878043, 83.01320528210614],
            [85.08910891088406, 78.00000000002001, 84.0, 80.0, 81.0]]
    for index in range(3):
        for tags, series in (({"cpu": "cpu-total"}, cpu_total), ({"cpu": "cpu0"}, cpu0), ({"cpu": "cpu1"}, CPU1)):
            task.stream.batch(batch_of("cpu_usage_idle", tags, series[index], 10 * index))
    task.finish()
    assert len(capture.batches) == 2
    second = capture.batches[1]
    assert second.group == "" and second.tags == {}
    assert len(second.points) == 15
    assert max(p.fields["mean"] for p in second.points) == 95.98484848485191
    assert [p.time for p in second.points] == sorted(p.time for p in second.points)


def test_group_by_splits_a_batch_by_the_new_dimension():
    # group_by.go BatchPoint: each point goes to the batch of its own group; the new batch's tags
    # are the new dimensions (SetTagsAndDimensions)
    task, _ = build("stream|from()|groupBy('host')")
    capture = capture_after(task, "groupby2")
    points = [Point("cpu", {"host": host, "cpu": "cpu0"}, {"v": i}, START + i * S, group="")
              for i, host in enumerate(["a", "b", "a"])]
    task.stream.batch(Batch("cpu", "", {}, START + 2 * S, points))
    task.stream.batch(Batch("cpu", "", {}, START + 12 * S, [points[0]]))
    by_group = {b.group: b for b in capture.batches}
    assert set(by_group) == {"host=a", "host=b"}
    assert by_group["host=a"].tags == {"host": "a"}
    assert [p.fields["v"] for p in by_group["host=a"].points] == [0, 2]
    assert by_group["host=a"].time == START + 2 * S


def test_window_then_alert_through_tickpy_run(tmp_path):
    # A window's batches judged by alert.go: the CRITICAL event has the time of its first
    # critical point, the recovery the batch's time (the window's end); the event data holds every
    # row of the window, the point tags that are not the group's as columns (edge/messages.go ToRow)
    from conftest import run_tickpy

    (tmp_path / "task.tick").write_text("""stream
    |from().measurement('cpu').groupBy('host')
    |window().period(10s).every(10s).align()
    |alert()
        .crit(lambda: "usage_idle" < 10)
        .message('{{ .ID }} is {{ .Level }}: {{ index .Fields "usage_idle" }}')
""")
    (tmp_path / "data.lp").write_text("\n".join([
        f"cpu,host=a,cpu=cpu0 usage_idle=50 {1 * S}",
        f"cpu,host=a,cpu=cpu0 usage_idle=5 {2 * S}",
        f"cpu,host=a,cpu=cpu1 usage_idle=7 {3 * S}",
        f"cpu,host=a,cpu=cpu0 usage_idle=50 {12 * S}",
        f"cpu,host=a,cpu=cpu0 usage_idle=50 {25 * S}",
    ]) + "\n")
    result = run_tickpy("run", "--replay", "data.lp", "task.tick", "--events", "-", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    critical, ok = [json.loads(line) for line in result.stdout.splitlines()]
    assert (critical["id"], critical["level"], critical["time"]) == ("cpu:host=a", "CRITICAL", "1970-01-01T00:00:02Z")
    assert critical["message"] == "cpu:host=a is CRITICAL: 5"  # the fields of the point that set the level
    assert critical["data"]["series"] == [{
        "name": "cpu", "tags": {"host": "a"}, "columns": ["time", "cpu", "usage_idle"],
        "values": [["1970-01-01T00:00:01Z", "cpu0", 50], ["1970-01-01T00:00:02Z", "cpu0", 5],
                   ["1970-01-01T00:00:03Z", "cpu1", 7]]}]
    assert (ok["level"], ok["time"], ok["duration"]) == ("OK", "1970-01-01T00:00:20Z", 18 * S)


def test_group_by_by_measurement_keeps_measurements_apart():
    # TestBatch_GroupByNodeByMeasurement (TestBatch_GroupByMeasurement.0.brpl, second time): the
    # max of each measurement and cpu
    task, _ = build("stream|from()|groupBy('cpu').byMeasurement()")
    capture = capture_after(task, "groupby2")
    recorded = [
        ("cpu_usage_idle", "cpu-total", [90.8919959776013, 86.54244306420236, 91.01699558842134, 85.66378399063848, 89.90919811320221]),
        ("cpu_usage_user", "cpu-total", [0.8919959776013, 6.54244306420236, 1.01699558842134, 5.66378399063848, 9.90919811320221]),
        ("cpu_usage_idle", "cpu0", [81.72501716191164, 81.03810381037587, 85.93434343435388, 85.36734693878043, 83.01320528210614]),
        ("cpu_usage_user", "cpu0", [1.72501716191164, 1.03810381037587, 5.93434343435388, 5.36734693878043, 3.01320528210614]),
        ("cpu_usage_idle", "cpu1", [95.98484848485191, 92.098039215696, 92.99999999998363, 86.54015887023496, 95.48979591840603]),
        ("cpu_usage_user", "cpu1", [5.98484848485191, 2.098039215696, 2.99999999998363, 6.54015887023496, 5.48979591840603]),
    ]
    for name, cpu, means in recorded:
        task.stream.batch(batch_of(name, {"cpu": cpu}, means, 10))
    task.stream.batch(batch_of("cpu_usage_idle", {"cpu": "cpu0"}, [1.0], 20))  # the next time
    maxima = {(b.name, b.tags["cpu"]): max(p.fields["mean"] for p in b.points) for b in capture.batches}
    assert maxima == {
        ("cpu_usage_user", "cpu-total"): 9.90919811320221, ("cpu_usage_user", "cpu0"): 5.93434343435388,
        ("cpu_usage_user", "cpu1"): 6.54015887023496, ("cpu_usage_idle", "cpu-total"): 91.01699558842134,
        ("cpu_usage_idle", "cpu0"): 85.93434343435388, ("cpu_usage_idle", "cpu1"): 95.98484848485191,
    }
    assert {b.group for b in capture.batches} >= {"cpu_usage_idle\ncpu=cpu0", "cpu_usage_user\ncpu=cpu1"}


def test_group_by_keeps_grouping_by_measurement_from_upstream():
    # group_by.go Point: dims.ByName = dims.ByName || n.byName
    task, _ = build("stream|from().groupBy('service').groupByMeasurement()|groupBy('host')")
    capture = capture_after(task, "groupby2")
    task.stream.point(Point("errors", {"service": "cartA", "host": "h1"}, {"value": 1}, 0))
    assert [p.group for p in capture.points] == ["errors\nhost=h1"]
