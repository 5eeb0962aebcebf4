"""Kapacitor's own integration tests for join, combine, delete, groupBy on batches and the
transforms (derivative, difference, elapsed, movingAverage, cumulativeSum), ported.

Each test names the Go test it follows (integrations/streamer_test.go, batcher_test.go) and runs
its script on its recorded data; the expected figures are those of the Go test. Kapacitor reads
the result from `httpOut`, which shows the last point or batch of each group as a row set:
`http_out()` below writes the rows tests/kapacitor_recordings.py builds in short (the columns
of a batch are its first point's fields, so a field only later points have is not shown, as in
Kapacitor's BufferedBatchMessage.ToRow).

Stream tests replay their .srpl recording moved so that its first point is at
1971-01-01T00:00:00Z. Batch tests read the .brpl recording (tests/data/<name>.<n>.brpl, a copy of
Kapacitor's integrations/testdata file: one JSON batch after another, one file per batch query)
and feed its batches into the task (tests/kapacitor_recordings.py replay_batches), where each `batch|query()` of the Go script stands as a
`stream|from()` chain that receives that query's batches. `tickpy run` refuses batch queries.
"""

from __future__ import annotations

import pytest

from kapacitor_recordings import http_out_by_group, recording, replay_batches, replay_points
from pipeline_harness import SECOND, Run, at, kapacitor_lines


def http_out(run: Run) -> dict:
    """httpOut's rows (tests/kapacitor_recordings.py) written short: per group id,
    (name, tags, columns without time, rows), a row being (seconds from 1971-01-01, *values)."""
    return {group: (row["name"], row["tags"], row["columns"][1:],
                    [(seconds(values[0]), *values[1:]) for values in row["values"]])
            for group, row in http_out_by_group(run).items()}


def seconds(time: int) -> float:
    value = (time - at(0)) / SECOND
    return int(value) if value == int(value) else value


# ---------------------------------------------------------------------------------------------
# Stream tests

# What TestStream_JoinOn_Fill_Null and TestBatch_JoinOn_Fill_Null/_Num all expect: the joined
# rows of the first 4s, per disk
JOIN_ON_FILL_EXPECTED = {
    "host=A,path=/": ("disk", {"host": "A", "path": "/"}, ["disk.used_percent", "maintlock.count"],
                      [(0, 50.0, 0.0), (1, 60.0, 0.0), (2, 70.0, 0.0), (3, 80.0, 1.0)]),
    "host=A,path=/tmp": ("disk", {"host": "A", "path": "/tmp"}, ["disk.used_percent", "maintlock.count"],
                         [(0, 40.0, 0.0), (1, 30.0, 0.0), (2, 20.0, 0.0), (3, 10.0, 1.0)]),
}


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
    result = http_out(replay_points(script, recording("TestStream_JoinOn_Fill")))
    assert result == JOIN_ON_FILL_EXPECTED


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


@pytest.mark.parametrize("dimensions, expected", [
    # The window of 00:00:05 only: groupBy holds the 00:00:10 batches until a later one comes
    pytest.param("'host'", {
        f"host={host}": ("cpu", {"host": host}, ["count"], [(5, count)])
        for host, count in (("serverA", 5), ("serverB", 5), ("serverC", 1))
    }, id="TestStream_BatchGroupBy"),
    pytest.param("*", {
        f"host={host},type=idle": ("cpu", {"host": host, "type": "idle"}, ["count"], [(5, count)])
        for host, count in (("serverA", 5), ("serverB", 5), ("serverC", 1))
    }, id="TestStream_BatchGroupByAll"),
    pytest.param("*)\n        .exclude('host'", {"type=idle": ("cpu", {"type": "idle"}, ["count"], [(5, 11)])},
                 id="TestStream_BatchGroupByAllExclude"),
])
def test_batch_group_by(dimensions, expected):
    # follows the Go test named by the case's id
    script = BATCH_GROUP_BY_SCRIPT.replace("DIMENSIONS", dimensions)
    assert http_out(replay_points(script, kapacitor_lines(BATCH_GROUP_BY))) == expected


# ---------------------------------------------------------------------------------------------
# Batch tests: join

# The two queries of TestBatch_Join and its variants (mean of cpu0, mean of cpu1, every 2s), joined
CPU_JOIN = """var cpu0 = stream
    |from()

var cpu1 = stream
    |from()

cpu0
    |join(cpu1)
        .as('cpu0', 'cpu1')
"""

CPU_JOIN_SCRIPT = CPU_JOIN + """        PROPERTIES
    |count('FIELD')
    |window()
        .period(20s)
        .every(20s)
    |sum('count')
"""


@pytest.mark.parametrize("properties, field, recorded", [
    pytest.param("", "cpu0.mean", "TestBatch_Join", id="TestBatch_Join"),
    pytest.param(".delimiter('~')", "cpu0~mean", "TestBatch_Join", id="TestBatch_Join_Delimiter"),
    pytest.param(".delimiter('')", "cpu0mean", "TestBatch_Join", id="TestBatch_Join_DelimiterEmpty"),
    pytest.param(".tolerance(1s)", "cpu0.mean", "TestBatch_JoinTolerance", id="TestBatch_JoinTolerance"),
])
def test_cpu_join(properties, field, recorded):
    # follows the Go test named by the case's id
    script = CPU_JOIN_SCRIPT.replace("PROPERTIES", properties).replace("FIELD", field)
    assert http_out(replay_batches(script, [f"{recorded}.0", f"{recorded}.1"])) == {
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


# Same queries over TestBatch_Join_Fill's recordings, which miss some times: an inner join drops
# them, fill(100.0) keeps them (tests/test_nodes_combine.py runs the same scripts on windows of the
# same points)
JOIN_FILL_SCRIPT = CPU_JOIN + """        FILL
    |eval(lambda: "cpu0.mean" + "cpu1.mean")
        .as('cpu')
    |sum('cpu')
    |window()
        .period(20s)
        .every(20s)
    |sum('sum')
"""


@pytest.mark.parametrize("fill, total", [
    pytest.param("", 876.0, id="TestBatch_Join_NoFill"),
    pytest.param(".fill(100.0)", 1178.0, id="TestBatch_Join_Fill_Num"),
])
def test_join_fill(fill, total):
    # follows the Go test named by the case's id
    run = replay_batches(JOIN_FILL_SCRIPT.replace("FILL", fill), ["TestBatch_Join_Fill.0", "TestBatch_Join_Fill.1"])
    assert http_out(run) == {"": ("cpu_usage_idle", {}, ["sum"], [(28, total)])}


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


@pytest.mark.parametrize("fill", [
    pytest.param("'null'", id="TestBatch_JoinOn_Fill_Null"),
    pytest.param("0.0", id="TestBatch_JoinOn_Fill_Num"),
])
def test_join_on_fill(fill):
    # follows the Go test named by the case's id: both fills give the same rows
    script = JOIN_ON_FILL_BATCH_SCRIPT.replace("FILL", fill)
    result = http_out(replay_batches(script, ["TestBatch_JoinOn_Fill.0", "TestBatch_JoinOn_Fill.1"]))
    assert result == JOIN_ON_FILL_EXPECTED


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

@pytest.mark.parametrize("node, recorded, expected", [
    # Kapacitor's result shows the second batch: the sum starts again with each batch
    pytest.param("|cumulativeSum('value')", "TestBatch_CumulativeSum.0",
                 ("packets", {}, ["cumulativeSum"], [(10, 0.0), (12, 10.0), (14, 30.0), (16, 60.0), (18, 100.0)]),
                 id="TestBatch_CumulativeSum"),
    # The point at 5s has no "value" and is left out
    pytest.param("|derivative('value')", "TestBatch_Derivative.0",
                 ("packets", {}, ["value"], [(2, 0.5), (4, 0.5), (6, 0.5), (8, 1.0)]),
                 id="TestBatch_Derivative"),
    pytest.param("|derivative('value')\n        .as('derivative')", "TestBatch_Derivative.0",
                 ("packets", {}, ["derivative", "value"],
                  [(2, 0.5, 1001.0), (4, 0.5, 1002.0), (6, 0.5, 1003.0), (8, 1.0, 1005.0)]),
                 id="TestBatch_DerivativeAs"),
    pytest.param("|derivative('value')\n        .unit(2s)", "TestBatch_Derivative.0",
                 ("packets", {}, ["value"], [(2, 1.0), (4, 1.0), (6, 1.0), (8, 2.0)]),
                 id="TestBatch_DerivativeUnit"),
    pytest.param("|derivative('value')", "TestBatch_DerivativeNN.0",
                 ("packets", {}, ["value"], [(2, 0.5), (4, 0.5), (6, -501.0), (8, 0.5)]),
                 id="TestBatch_DerivativeN"),
    pytest.param("|derivative('value')\n        .nonNegative()", "TestBatch_DerivativeNN.0",
                 ("packets", {}, ["value"], [(2, 0.5), (4, 0.5), (8, 0.5)]),
                 id="TestBatch_DerivativeNN"),
    pytest.param("|difference('value')", "TestBatch_Difference.0",
                 ("packets", {}, ["difference"], [(2, 5.0), (4, 3.0), (6, 1.0), (8, -5.0)]),
                 id="TestBatch_Difference"),
    pytest.param("|elapsed('value', 1ms)", "TestBatch_Elapsed.0",
                 ("packets", {}, ["elapsed"], [(2, 2000), (4, 2000), (6, 2000), (8, 2000)]),
                 id="TestBatch_Elapsed"),
    pytest.param("|movingAverage('value', 2)", "TestBatch_MovingAverage.0",
                 ("packets", {}, ["movingAverage"], [(2, 1002.5), (4, 1006.5), (6, 1008.5), (8, 1006.5)]),
                 id="TestBatch_MovingAverage"),
])
def test_transform(node, recorded, expected):
    # follows the Go test named by the case's id: its one group, the nil group
    assert transformed(node, recorded) == {"": expected}


def transformed(node: str, recorded: str) -> dict:
    return http_out(replay_batches(f"stream\n    |from()\n    {node}\n", [recorded]))


@pytest.mark.parametrize("reducer, column", [
    pytest.param("count('mean')", "count", id="TestBatch_CountEmptyBatch"),
    pytest.param("sum('mean')", "sum", id="TestBatch_SumEmptyBatch"),
])
def test_reduce_empty_batch(reducer, column):
    # where() leaves every batch empty; an empty batch still gives 0 at the batch's time (28s)
    result = transformed(f"|where(lambda: \"mean\" < 10)\n    |{reducer}", "TestBatch_CountEmptyBatch.0")
    assert result == {
        f"cpu={cpu}": ("cpu_usage_idle", {"cpu": cpu}, [column], [(28, 0.0)])
        for cpu in ("cpu-total", "cpu0", "cpu1")
    }
