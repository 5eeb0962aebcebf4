"""Kapacitor's own integration tests for join, combine, delete, groupBy on batches and the
transforms (derivative, difference, elapsed, movingAverage, cumulativeSum), ported.

Each test names the Go test it follows (integrations/streamer_test.go, batcher_test.go) and runs
its script on its recorded data; the expected figures are those of the Go test. Kapacitor reads
the result from `httpOut`, which shows the last point or batch of each group as a row set:
`http_out()` below builds the same rows (the columns of a batch are its first point's fields, so
a field only later points have is not shown, as in Kapacitor's BufferedBatchMessage.ToRow).

Stream tests replay their .srpl recording moved so that its first point is at
1971-01-01T00:00:00Z. Batch tests read the .brpl recording (tests/data/<name>.<n>.brpl, a copy of
Kapacitor's integrations/testdata file: one JSON batch after another, one file per batch query)
and feed its batches into the task, where each `batch|query()` of the Go script stands as a
`stream|from()` chain that receives that query's batches. `tickpy run` refuses batch queries.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

from pipeline_harness import SECOND, Run, at, kapacitor_lines
from tickpy.data.batch import Batch
from tickpy.data.point import Point
from tickpy.pipeline.grouping import group_id

DATA = Path(__file__).parent / "data"


# ---------------------------------------------------------------------------------------------
# Reading Kapacitor's recordings and its httpOut result

def rfc3339_ns(text: str) -> int:
    """Nanoseconds since the epoch of an RFC 3339 UTC time (`2015-10-30T17:14:12.1Z`)."""
    whole, _, fraction = text.rstrip("Z").partition(".")
    seconds = datetime.fromisoformat(whole).replace(tzinfo=timezone.utc).timestamp()
    return int(seconds) * SECOND + int((fraction + "000000000")[:9])


def json_values(text: str) -> list:
    """The JSON documents of a file written one after another."""
    decoder, documents, index = json.JSONDecoder(), [], 0
    while True:
        while index < len(text) and text[index].isspace():
            index += 1
        if index == len(text):
            return documents
        document, index = decoder.raw_decode(text, index)
        documents.append(document)


def recorded_batches(name: str) -> list[Batch]:
    """The batches of one recorded query, moved as Kapacitor's test replay moves them (replay.go
    replayBatchFromChan): every point by the same amount, so that the first point of the file
    is at 1971-01-01T00:00:00Z; a batch's time is its recorded tmax, which is not moved (so
    TestBatch_Combine's batches keep 2015 times, and those of one query are equal), or its last
    point's time when the tmax is missing or earlier. Numbers are floats, as Go decodes JSON numbers; a point
    without tags has the batch's (edge/messages.go UnmarshalJSON)."""
    documents = json_values((DATA / f"{name}.brpl").read_text())
    shift = at(0) - rfc3339_ns(documents[0]["points"][0]["time"])
    batches = []
    for document in documents:
        measurement, tags = document["name"], document.get("tags") or {}
        group = group_id(measurement, tags, sorted(tags), False)
        points = [Point(measurement, dict(point.get("tags") or tags),
                        {key: float(value) if isinstance(value, int) and not isinstance(value, bool)
                         else value for key, value in point["fields"].items()},
                        rfc3339_ns(point["time"]) + shift, group=group)
                  for point in document["points"]]
        tmax = rfc3339_ns(document["tmax"]) if "tmax" in document else None
        if tmax is None or tmax < points[-1].time:
            tmax = points[-1].time
        batches.append(Batch(measurement, group, dict(tags), tmax, points))
    return batches


def replay_batches(script: str, recordings: list[str]) -> Run:
    """Run the script on recorded batch queries (<test>.0, <test>.1...). Each `from` node stands
    for one query of the Go script; Kapacitor hands the recordings to its queries in the order
    its pipeline sort lists them (pipeline.go sort(): the last query of the script first), so
    recording 0 goes to the last `from`. Batches of all queries go in the order of their last
    point's time, as Kapacitor's replay clock lets each query send; then the data ends."""
    run = Run(script)
    run.capture_after()
    sources = [node for node in run.task.nodes if node.kind == "from"][::-1]
    assert len(sources) == len(recordings)
    queued = [(batch.points[-1].time, index, order, batch)
              for index, name in enumerate(recordings)
              for order, batch in enumerate(recorded_batches(name))]
    for _, index, _, batch in sorted(queued, key=lambda item: item[:3]):
        sources[index].batch(batch)
    run.task.finish()
    return run


def replay_points(script: str, lines: list[str]) -> Run:
    run = Run(script)
    run.capture_after()
    return run.replay(lines)


def http_out(run: Run) -> dict:
    """What Kapacitor's httpOut at the end of the script shows: per group, the last point or
    batch as (name, tags, columns, rows); a row is (seconds from 1971-01-01, *values)."""
    result = {}
    for item in run.capture.received:
        result[item.group] = as_row_set(item)
    return result


def as_row_set(item) -> tuple:
    if isinstance(item, Batch):
        points = item.points
        first = points[0] if points else None
        columns = sorted(list(first.fields) + [tag for tag in first.tags if tag not in item.tags]) \
            if first else []
        tags = item.tags
    else:
        points, columns, tags = [item], sorted(item.fields), item.tags
    rows = [(seconds(point.time), *(point.fields.get(column, point.tags.get(column)) for column in columns))
            for point in points]
    return item.name, dict(tags), columns, rows


def seconds(time: int) -> float:
    value = (time - at(0)) / SECOND
    return int(value) if value == int(value) else value


# ---------------------------------------------------------------------------------------------
# Stream tests

# integrations/testdata/TestStream_JoinOn_Fill.srpl
JOIN_ON_FILL = """
maintlock,host=A count=0 0
disk,host=A,path=/ used_percent=50 0
disk,host=A,path=/tmp used_percent=40 0
disk,host=A,path=/ used_percent=60 1
disk,host=A,path=/tmp used_percent=30 1
disk,host=A,path=/ used_percent=70 2
disk,host=A,path=/tmp used_percent=20 2
maintlock,host=A count=1 3
disk,host=A,path=/ used_percent=80 3
disk,host=A,path=/tmp used_percent=10 3
maintlock,host=A count=0 4
disk,host=A,path=/ used_percent=90 4
disk,host=A,path=/tmp used_percent=00 4
"""


def test_TestStream_JoinOn_Fill_Null():
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
        .fill('null')
        .tolerance(1s)
        .streamName('disk')
    |default()
        .field('maintlock.count', 0)
        .field('disk.used_percent', 0)
    |window()
        .period(4s)
        .every(4s)
"""
    result = http_out(replay_points(script, kapacitor_lines(JOIN_ON_FILL)))
    columns = ["disk.used_percent", "maintlock.count"]
    assert result == {
        "host=A,path=/": ("disk", {"host": "A", "path": "/"}, columns,
                          [(0, 50.0, 0.0), (1, 60.0, 0.0), (2, 70.0, 0.0), (3, 80.0, 1.0)]),
        "host=A,path=/tmp": ("disk", {"host": "A", "path": "/tmp"}, columns,
                             [(0, 40.0, 0.0), (1, 30.0, 0.0), (2, 20.0, 0.0), (3, 10.0, 1.0)]),
    }


# integrations/testdata/TestStream_BatchGroupBy.srpl
BATCH_GROUP_BY = """
cpu,type=idle,host=serverA value=97.1 1
cpu,type=idle,host=serverB value=97.1 1
cpu,type=idle,host=serverA value=92.6 2
cpu,type=idle,host=serverB value=92.6 2
cpu,type=idle,host=serverA value=95.6 3
cpu,type=idle,host=serverB value=95.6 3
cpu,type=idle,host=serverA value=93.1 4
cpu,type=idle,host=serverB value=93.1 4
cpu,type=idle,host=serverA value=92.6 5
cpu,type=idle,host=serverB value=92.6 5
cpu,type=idle,host=serverC value=95.8 5
cpu,type=idle,host=serverA value=95.8 6
cpu,type=idle,host=serverA value=92.7 7
cpu,type=idle,host=serverB value=92.7 7
cpu,type=idle,host=serverA value=96.0 8
cpu,type=idle,host=serverB value=96.0 8
cpu,type=idle,host=serverA value=93.4 9
cpu,type=idle,host=serverB value=93.4 9
cpu,type=idle,host=serverA value=95.3 10
cpu,type=idle,host=serverB value=95.3 10
cpu,type=idle,host=serverA value=96.4 11
cpu,type=idle,host=serverB value=96.4 11
cpu,type=idle,host=serverA value=95.1 12
cpu,type=idle,host=serverB value=95.1 12
cpu,type=idle,host=serverA value=95.1 13
cpu,type=idle,host=serverB value=95.1 13
cpu,type=idle,host=serverA value=95.1 14
cpu,type=idle,host=serverB value=95.1 14
cpu,type=idle,host=serverA value=95.1 15
cpu,type=idle,host=serverB value=95.1 15
"""

BATCH_GROUP_BY_SCRIPT = """stream
    |from()
        .measurement('cpu')
    |window()
        .period(5s)
        .every(5s)
    |groupBy(DIMENSIONS)
    |count('value')
"""


def test_TestStream_BatchGroupBy():
    # The window of 00:00:05 only: groupBy holds the 00:00:10 batches until a later one comes
    result = http_out(replay_points(BATCH_GROUP_BY_SCRIPT.replace("DIMENSIONS", "'host'"),
                                    kapacitor_lines(BATCH_GROUP_BY)))
    assert result == {
        f"host={host}": ("cpu", {"host": host}, ["count"], [(5, count)])
        for host, count in (("serverA", 5), ("serverB", 5), ("serverC", 1))
    }


def test_TestStream_BatchGroupByAll():
    result = http_out(replay_points(BATCH_GROUP_BY_SCRIPT.replace("DIMENSIONS", "*"),
                                    kapacitor_lines(BATCH_GROUP_BY)))
    assert result == {
        f"host={host},type=idle": ("cpu", {"host": host, "type": "idle"}, ["count"], [(5, count)])
        for host, count in (("serverA", 5), ("serverB", 5), ("serverC", 1))
    }


def test_TestStream_BatchGroupByAllExclude():
    script = BATCH_GROUP_BY_SCRIPT.replace("DIMENSIONS", "*)\n        .exclude('host'")
    result = http_out(replay_points(script, kapacitor_lines(BATCH_GROUP_BY)))
    assert result == {"type=idle": ("cpu", {"type": "idle"}, ["count"], [(5, 11)])}


# ---------------------------------------------------------------------------------------------
# Batch tests: join

# The two queries of TestBatch_Join and its variants (mean of cpu0, mean of cpu1, every 2s)
CPU_JOIN_SCRIPT = """var cpu0 = stream
    |from()

var cpu1 = stream
    |from()

cpu0
    |join(cpu1)
        .as('cpu0', 'cpu1')
        PROPERTIES
    |count('FIELD')
    |window()
        .period(20s)
        .every(20s)
    |sum('count')
"""


def cpu_join(properties: str, field: str, recording: str) -> dict:
    script = CPU_JOIN_SCRIPT.replace("PROPERTIES", properties).replace("FIELD", field)
    return http_out(replay_batches(script, [f"{recording}.0", f"{recording}.1"]))


def test_TestBatch_Join():
    assert cpu_join("", "cpu0.mean", "TestBatch_Join") == {
        "": ("cpu_usage_idle", {}, ["sum"], [(28, 10)])}


def test_TestBatch_Join_Delimiter():
    assert cpu_join(".delimiter('~')", "cpu0~mean", "TestBatch_Join") == {
        "": ("cpu_usage_idle", {}, ["sum"], [(28, 10)])}


def test_TestBatch_Join_DelimiterEmpty():
    assert cpu_join(".delimiter('')", "cpu0mean", "TestBatch_Join") == {
        "": ("cpu_usage_idle", {}, ["sum"], [(28, 10)])}


def test_TestBatch_JoinTolerance():
    assert cpu_join(".tolerance(1s)", "cpu0.mean", "TestBatch_JoinTolerance") == {
        "": ("cpu_usage_idle", {}, ["sum"], [(28, 10)])}


def test_TestBatch_JoinOn():
    # query 0: sum("value") grouped by time(5s), service; query 1: first("value") as value
    # grouped by time(5s), dc, service
    script = """var errorsByServiceGlobal = stream
    |from()

var errorsByServiceDC = stream
    |from()

errorsByServiceGlobal
    |join(errorsByServiceDC)
        .as('service', 'dc')
        .on('service')
        .streamName('dc_error_percent')
    |eval(lambda: "dc.value" / "service.sum")
        .keep()
        .as('value')
"""
    result = http_out(replay_batches(script, ["TestBatch_JoinOn.0", "TestBatch_JoinOn.1"]))
    columns = ["dc.value", "service.sum", "value"]
    expected = {}
    for dc, service, (first, second), (total_first, total_second) in (
            ("slc", "cart", (8.0, 3.0), (11.0, 10.0)), ("nyc", "cart", (3.0, 7.0), (11.0, 10.0)),
            ("slc", "login", (4.0, 2.0), (13.0, 8.0)), ("nyc", "login", (9.0, 6.0), (13.0, 8.0))):
        expected[f"dc={dc},service={service}"] = (
            "dc_error_percent", {"dc": dc, "service": service}, columns,
            [(0, first, total_first, first / total_first), (5, second, total_second, second / total_second)])
    assert result == expected


def test_TestBatch_Join_NoFill_and_TestBatch_Join_Fill_Num():
    # Same queries over TestBatch_Join_Fill's recordings, which miss some times: an inner join
    # drops them, fill(100.0) keeps them (tests/test_nodes_combine.py runs the same scripts on
    # windows of the same points)
    script = """var cpu0 = stream
    |from()

var cpu1 = stream
    |from()

cpu0
    |join(cpu1)
        .as('cpu0', 'cpu1')
        FILL
    |eval(lambda: "cpu0.mean" + "cpu1.mean")
        .as('cpu')
    |sum('cpu')
    |window()
        .period(20s)
        .every(20s)
    |sum('sum')
"""
    for fill, total in (("", 876.0), (".fill(100.0)", 1178.0)):
        run = replay_batches(script.replace("FILL", fill), ["TestBatch_Join_Fill.0", "TestBatch_Join_Fill.1"])
        assert http_out(run) == {"": ("cpu_usage_idle", {}, ["sum"], [(28, total)])}, fill


JOIN_ON_FILL_BATCH_SCRIPT = """var maintlock = stream
    |from()

stream
    |from()
    |join(maintlock)
        .as('disk', 'maintlock')
        .on('host')
        .fill(FILL)
        .tolerance(1s)
    |default()
        .field('maintlock.count', 0)
"""


def join_on_fill_batches(fill: str) -> dict:
    script = JOIN_ON_FILL_BATCH_SCRIPT.replace("FILL", fill)
    return http_out(replay_batches(script, ["TestBatch_JoinOn_Fill.0", "TestBatch_JoinOn_Fill.1"]))


JOIN_ON_FILL_BATCH_EXPECTED = {
    "host=A,path=/": ("disk", {"host": "A", "path": "/"}, ["disk.used_percent", "maintlock.count"],
                      [(0, 50.0, 0.0), (1, 60.0, 0.0), (2, 70.0, 0.0), (3, 80.0, 1.0)]),
    "host=A,path=/tmp": ("disk", {"host": "A", "path": "/tmp"}, ["disk.used_percent", "maintlock.count"],
                         [(0, 40.0, 0.0), (1, 30.0, 0.0), (2, 20.0, 0.0), (3, 10.0, 1.0)]),
}


def test_TestBatch_JoinOn_Fill_Null():
    assert join_on_fill_batches("'null'") == JOIN_ON_FILL_BATCH_EXPECTED


def test_TestBatch_JoinOn_Fill_Num():
    assert join_on_fill_batches("0.0") == JOIN_ON_FILL_BATCH_EXPECTED


# ---------------------------------------------------------------------------------------------
# Batch tests: delete and combine

def test_TestBatch_Delete():
    # Only the first batch goes out of groupBy (08s): the second is held, as no later one comes
    script = """stream
    |from()
    |delete()
        .field('mean')
        .tag('dc')
    |default()
        .field('mean', 10.0)
        .tag('dc', 'sfc')
    |groupBy('dc')
    |sum('mean')
"""
    result = http_out(replay_batches(script, ["TestBatch_Delete.0"]))
    assert result == {"dc=sfc": ("cpu_usage_idle", {"dc": "sfc"}, ["sum"], [(8, 50.0)])}


COMBINE_BATCH_SCRIPT = """stream
    |from()
    |groupBy('dc')
    |combine(LAMBDAS)
        .as(NAMES)
        .tolerance(5s)
        .delimiter('.')
    |groupBy(GROUPS, 'dc')
    |eval(lambda: EXPRESSION)
        .as('RESULT')
"""


def combine_batches(lambdas: str, names: str, groups: str, expression: str, result: str) -> dict:
    script = (COMBINE_BATCH_SCRIPT.replace("LAMBDAS", lambdas).replace("NAMES", names)
              .replace("GROUPS", groups).replace("EXPRESSION", expression).replace("RESULT", result))
    return http_out(replay_batches(script, ["TestBatch_Combine.0"]))


def test_TestBatch_Flatten():
    # The recording gives every batch of one 10s query the same tmax, so groupBy('dc') puts the
    # three services of a dc in one batch (tests/test_nodes_combine.py makes such batches with
    # windows instead); its last batch (20s..) is held, as no later batch comes
    script = """stream
    |from()
    |groupBy('dc')
    |flatten()
        .on('service')
        .tolerance(5s)
"""
    columns = ["auth.value", "cart.value", "log.value"]
    assert http_out(replay_batches(script, ["TestBatch_Flatten.0"])) == {
        "dc=A": ("request_latency", {"dc": "A"}, columns, [(10, 4.0, 8.0, 7.0), (15, 2.0, 3.0, 1.0)]),
        "dc=B": ("request_latency", {"dc": "B"}, columns, [(10, 9.0, 3.0, 5.0), (15, 6.0, 7.0, 4.0)]),
    }


def test_TestBatch_Combine_All():
    result = combine_batches("lambda: TRUE, lambda: TRUE", "'first', 'second'",
                             "'first.service', 'second.service'", '"first.value" / "second.value"', "ratio")
    assert result == {
        f"dc={dc},first.service={first},second.service={second}": (
            "request_latency", {"dc": dc, "first.service": first, "second.service": second},
            ["ratio"], [(15, ratio)])
        for dc, first, second, ratio in (
            ("A", "cart", "auth", 3.0 / 2.0), ("A", "cart", "log", 3.0 / 1.0), ("A", "auth", "log", 2.0 / 1.0),
            ("B", "cart", "auth", 7.0 / 6.0), ("B", "cart", "log", 7.0 / 4.0), ("B", "auth", "log", 6.0 / 4.0))
    }


def test_TestBatch_Combine_All_Triples():
    result = combine_batches("lambda: TRUE, lambda: TRUE, lambda: TRUE", "'first', 'second','third'",
                             "'first.service', 'second.service', 'third.service'",
                             '"first.value" + "second.value" + "third.value"', "sum")
    assert result == {
        f"dc={dc},first.service=cart,second.service=auth,third.service=log": (
            "request_latency",
            {"dc": dc, "first.service": "cart", "second.service": "auth", "third.service": "log"},
            ["sum"], [(15, total)])
        for dc, total in (("A", 6.0), ("B", 17.0))
    }


def test_TestBatch_Combine_Filtered():
    result = combine_batches("lambda: \"service\" == 'auth', lambda: TRUE", "'auth', 'other'",
                             "'auth.service', 'other.service'", '"auth.value" / "other.value"', "ratio")
    assert result == {
        f"auth.service=auth,dc={dc},other.service={other}": (
            "request_latency", {"dc": dc, "auth.service": "auth", "other.service": other},
            ["ratio"], [(15, ratio)])
        for dc, other, ratio in (("A", "log", 2.0 / 1.0), ("A", "cart", 2.0 / 3.0),
                                 ("B", "log", 6.0 / 4.0), ("B", "cart", 6.0 / 7.0))
    }


# ---------------------------------------------------------------------------------------------
# Batch tests: transforms

def transformed(node: str, recording: str) -> dict:
    return http_out(replay_batches(f"stream\n    |from()\n    {node}\n", [recording]))


def test_TestBatch_CumulativeSum():
    # Kapacitor's result shows the second batch: the sum starts again with each batch
    assert transformed("|cumulativeSum('value')", "TestBatch_CumulativeSum.0") == {
        "": ("packets", {}, ["cumulativeSum"], [(10, 0.0), (12, 10.0), (14, 30.0), (16, 60.0), (18, 100.0)])}


def test_TestBatch_Derivative():
    # The point at 5s has no "value" and is left out
    assert transformed("|derivative('value')", "TestBatch_Derivative.0") == {
        "": ("packets", {}, ["value"], [(2, 0.5), (4, 0.5), (6, 0.5), (8, 1.0)])}


def test_TestBatch_DerivativeAs():
    assert transformed("|derivative('value')\n        .as('derivative')", "TestBatch_Derivative.0") == {
        "": ("packets", {}, ["derivative", "value"],
             [(2, 0.5, 1001.0), (4, 0.5, 1002.0), (6, 0.5, 1003.0), (8, 1.0, 1005.0)])}


def test_TestBatch_DerivativeUnit():
    assert transformed("|derivative('value')\n        .unit(2s)", "TestBatch_Derivative.0") == {
        "": ("packets", {}, ["value"], [(2, 1.0), (4, 1.0), (6, 1.0), (8, 2.0)])}


def test_TestBatch_DerivativeN():
    assert transformed("|derivative('value')", "TestBatch_DerivativeNN.0") == {
        "": ("packets", {}, ["value"], [(2, 0.5), (4, 0.5), (6, -501.0), (8, 0.5)])}


def test_TestBatch_DerivativeNN():
    assert transformed("|derivative('value')\n        .nonNegative()", "TestBatch_DerivativeNN.0") == {
        "": ("packets", {}, ["value"], [(2, 0.5), (4, 0.5), (8, 0.5)])}


def test_TestBatch_Difference():
    assert transformed("|difference('value')", "TestBatch_Difference.0") == {
        "": ("packets", {}, ["difference"], [(2, 5.0), (4, 3.0), (6, 1.0), (8, -5.0)])}


def test_TestBatch_Elapsed():
    assert transformed("|elapsed('value', 1ms)", "TestBatch_Elapsed.0") == {
        "": ("packets", {}, ["elapsed"], [(2, 2000), (4, 2000), (6, 2000), (8, 2000)])}


def test_TestBatch_MovingAverage():
    assert transformed("|movingAverage('value', 2)", "TestBatch_MovingAverage.0") == {
        "": ("packets", {}, ["movingAverage"], [(2, 1002.5), (4, 1006.5), (6, 1008.5), (8, 1006.5)])}


def test_TestBatch_CountEmptyBatch_and_TestBatch_SumEmptyBatch():
    # where() leaves every batch empty; an empty batch still gives 0 at the batch's time (28s)
    for reducer, column in (("count('mean')", "count"), ("sum('mean')", "sum")):
        result = transformed(f"|where(lambda: \"mean\" < 10)\n    |{reducer}", "TestBatch_CountEmptyBatch.0")
        assert result == {
            f"cpu={cpu}": ("cpu_usage_idle", {"cpu": cpu}, [column], [(28, 0.0)])
            for cpu in ("cpu-total", "cpu0", "cpu1")
        }, reducer
