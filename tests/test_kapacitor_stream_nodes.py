"""from, where, groupBy, eval, lambdas and the InfluxQL selectors, against Kapacitor's own
integration tests (integrations/streamer_test.go, batcher_test.go).

Each test names the Go test it follows; the script is Kapacitor's, the data is its recording
(integrations/testdata/<name>.srpl, in tests/data/<name>.lp or written inline) and the expected
figures are the Go test's. Kapacitor's replay moves a recording so its first point is at
1971-01-01T00:00:00Z (`at(seconds)` counts from there).

Kapacitor's tests read their result from `httpOut`, which tickpy refuses to run (it needs a
server): the scripts here end where httpOut was, and `http_out` (tests/kapacitor_recordings.py)
rebuilds what httpOut would serve from what the last node emitted: per group, in the order groups
first appear, the last point or batch as a row (http_out.go, edge/messages.go ToRow). JSON turns
Kapacitor's ints into floats; Python's 10 == 10.0, so the figures compare as the Go test compares
them.
"""

from __future__ import annotations

import pytest

from conftest import run_tickpy
from kapacitor_recordings import SERVER_A_WINDOWS, http_out, recording, replay_batches, replay_points
from pipeline_harness import Run, at, kapacitor_lines
from tickpy.data.batch import Batch
from tickpy.data.point import Point


def series(name: str, tags: dict | None, columns: list[str], *values: list) -> dict:
    """A row as the Go test writes it (`Tags: nil` is no tags)."""
    return {"name": name, "tags": tags or {}, "columns": columns, "values": list(values)}


def ignoring_order(rows: list[dict]) -> list[dict]:
    """compareResultsIgnoreSeriesOrder: series matched by name and tags."""
    return sorted(rows, key=lambda row: (row["name"], sorted(row["tags"].items())))


# ---------------------------------------------------------------------------------------------
# where: in from() and as a node, with vars, without side effects on siblings

SIMPLE_MR = recording("TestStream_SimpleMR")
COUNT_OF_SERVER_A = [series("cpu", None, ["time", "count"], [at(10), 10.0])]


@pytest.mark.parametrize("script, capture_after", [
    pytest.param("""stream
    |from()
        .measurement('cpu')
        .where(lambda: "host" == 'serverA')
    |window()
        .period(10s)
        .every(10s)
    |count('value')
""", None, id="TestStream_SimpleMR"),
    pytest.param("""stream
    |from()
        .measurement('cpu')
        .where(lambda: "host" == 'serverA')
        .where(lambda: "host" != 'serverB')
    |window()
        .period(10s)
        .every(10s)
    |count('value')
    |where(lambda: "count" > 0)
    |where(lambda: "count" < 12)
""", None, id="TestStream_SimpleWhere"),
    # A where that drops everything, hung under the same node as the output, must not change
    # what the output sees (the capture takes httpOut's place under where4, after where5).
    pytest.param("""var data = stream
    |from()
        .measurement('cpu')
        .where(lambda: "host" == 'serverA')
        .where(lambda: "host" != 'serverB')
    |window()
        .period(10s)
        .every(10s)
    |count('value')
    |where(lambda: "count" > 0)

// Unused where clause should not side-effect
data
    |where(lambda: FALSE)
""", "where4", id="TestStream_Where_NoSideEffect"),
    pytest.param("""var serverStr = 'serverA'
stream
    |from()
        .measurement('cpu')
        .where(lambda: "host" == serverStr )
    |window()
        .period(10s)
        .every(10s)
    |count('value')
""", None, id="TestStream_VarWhereString"),
    pytest.param("""var serverPattern = /^serverA$/
stream
    |from()
        .measurement('cpu')
        .where(lambda: "host" =~ serverPattern )
    |window()
        .period(10s)
        .every(10s)
    |count('value')
""", None, id="TestStream_VarWhereRegex"),
])
def test_where_keeps_server_a_count(script, capture_after):
    # follows the Go test named by the case's id: serverA's 10 points of the first 10s
    task = replay_points(script, SIMPLE_MR, capture_after=capture_after)
    assert http_out(task) == COUNT_OF_SERVER_A


def test_from_joins_its_where_lambdas_with_and():
    # pipeline/stream.go FromNode.Where: a second .where() is ANDed with the first (SimpleWhere's
    # second lambda is implied by its first, so it cannot tell AND from ignoring the second).
    task = replay_points("""stream
    |from()
        .measurement('cpu')
        .where(lambda: "host" == 'serverA')
        .where(lambda: "value" > 97.0)
""", SIMPLE_MR, capture_after="from1")
    # of the recording's points only serverA's first (97.1) passes both; serverB also has a 97.1
    assert [(p.tags["host"], p.fields["value"], p.time) for p in task.capture.points] == [("serverA", 97.1, at(0))]


@pytest.mark.parametrize("script, node_id, prefix", [
    ("stream|from()|where(lambda: \"value\")", "where2", "error while evaluating expression"),
    ("stream|from().where(lambda: \"value\")", "from1", "failed to evaluate WHERE expression"),
])
def test_where_refuses_a_value_that_is_not_a_boolean(script, node_id, prefix):
    # EvalPredicate evaluates with EvalBool (expr.go): a float is a TypeGuard error, a missing
    # field is 'reference "value" is missing value' (eval_reference_node.go); where.go and
    # stream.go log them with their own prefix and drop the point.
    task = replay_points(script, kapacitor_lines("cpu value=1.5 1\ncpu other=true 2"), capture_after=node_id)
    assert task.capture.points == []
    assert task.node(node_id).error_messages == {
        f"{prefix}: TypeGuard: expression returned unexpected type float, expected boolean": 1,
        f'{prefix}: reference "value" is missing value': 1,
    }


def test_TestStream_AllMeasurements():
    # No measurement: cpu and disk points share the one window (its name is the first point's);
    # seconds 0-9 hold 10 serverA + 10 serverB + 1 serverC cpu points and 2 disk points.
    task = replay_points("""stream
    |from()
    |window()
        .period(10s)
        .every(10s)
    |count('value')
""", recording("TestStream_SimpleMR"))
    assert http_out(task) == [series("cpu", None, ["time", "count"], [at(10), 23.0])]


def test_TestStream_AlertComplexWhere(fake, tmp_path):
    # sigma("value") in from's where sees only serverA's points after the host test short-
    # circuits; the one point more than 2 sigmas away (16.0 at second 7) reaches the alert,
    # which posts it once. Run end to end: the CLI, a real HTTP server.
    (tmp_path / "task.tick").write_text(f"""stream
    |from()
        .measurement('cpu')
        .where(lambda: "host" == 'serverA' AND sigma("value") > 2)
    |alert()
        .details('')
        .crit(lambda: TRUE)
        .post('{fake.base_url}/alert')
""")
    (tmp_path / "data.lp").write_text("\n".join(recording("TestStream_AlertComplexWhere")) + "\n")
    result = run_tickpy("run", "--replay", "data.lp", "task.tick", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    [request] = fake.requests_to("/alert")
    body = request.json()
    assert body["id"] == "cpu:nil"
    assert body["message"] == "cpu:nil is CRITICAL"
    assert body["details"] == ""
    assert body["time"] == "1971-01-01T00:00:07Z"
    assert body["level"] == "CRITICAL"
    assert body["data"] == {"series": [{
        "name": "cpu",
        "tags": {"host": "serverA", "type": "idle"},
        "columns": ["time", "value"],
        "values": [["1971-01-01T00:00:07Z", 16.0]],
    }]}


# ---------------------------------------------------------------------------------------------
# groupBy: in from(), as a node, by measurement, all but some tags

def test_TestStream_GroupBy():
    # Each group's windows start at its own first point: 'front' first comes at second 1, so its
    # window ends at second 11.
    task = replay_points("""stream
    |from()
        .measurement('errors')
        .groupBy('service')
    |window()
        .period(10s)
        .every(10s)
    |sum('value')
""", recording("TestStream_GroupBy"))
    assert http_out(task) == [
        series("errors", {"service": "cartA"}, ["time", "sum"], [at(10), 47.0]),
        series("errors", {"service": "login"}, ["time", "sum"], [at(10), 45.0]),
        series("errors", {"service": "front"}, ["time", "sum"], [at(11), 32.0]),
    ]


def test_TestStream_GroupByMeasurement():
    task = replay_points("""stream
    |from()
        .groupBy('service')
        .groupByMeasurement()
    |window()
        .period(10s)
        .every(10s)
    |sum('value')
""", recording("TestStream_GroupByMeasurement"))
    assert ignoring_order(http_out(task)) == ignoring_order([
        series("errors", {"service": "cartA"}, ["time", "sum"], [at(10), 47.0]),
        series("errors", {"service": "login"}, ["time", "sum"], [at(10), 45.0]),
        series("errors", {"service": "front"}, ["time", "sum"], [at(11), 32.0]),
        series("disk", {"service": "sda"}, ["time", "sum"], [at(10), 810.0]),
    ])


def test_TestStream_GroupByAllExclude():
    task = replay_points("""stream
    |from()
        .measurement('mock')
    |groupBy(*)
        .exclude('s')
    |window()
        .period(2s)
        .every(2s)
    |count('value')
""", recording("TestStream_GroupByExclude"))
    assert ignoring_order(http_out(task)) == ignoring_order([
        series("mock", {"t": "A"}, ["time", "count"], [at(2), 4.0]),
        series("mock", {"t": "B"}, ["time", "count"], [at(2), 4.0]),
    ])


def test_TestStream_GroupByWhere():
    # Two branches of one grouped from(): one regrouped by cpu, one filtered; joined on host.
    task = replay_points("""var serverA = stream
    |from()
        .measurement('cpu')
        .where(lambda: "host" == 'serverA')
        .groupBy('host')

var byCpu = serverA
    |groupBy('host', 'cpu')

var total = serverA
    |where(lambda: "cpu" == 'cpu-total')

byCpu
    |join(total)
        .on('host')
        .as('cpu', 'total')
    |eval(lambda: "cpu.value" / "total.value")
        .as('cpu_percent')
    |window()
        .period(10s)
        .every(10s)
    |mean('cpu_percent')
""", recording("TestStream_GroupByWhere"))
    assert ignoring_order(http_out(task)) == ignoring_order([
        series("cpu", {"cpu": "cpu0", "host": "serverA"}, ["time", "mean"], [at(10), 0.7823116704593873]),
        series("cpu", {"cpu": "cpu1", "host": "serverA"}, ["time", "mean"], [at(10), 0.7676074281820646]),
        series("cpu", {"cpu": "cpu-total", "host": "serverA"}, ["time", "mean"], [at(10), 1.0]),
    ])


# ---------------------------------------------------------------------------------------------
# InfluxQL selectors on windows

def test_TestStream_Selectors():
    # last() keeps the selected point's other fields and its tags; the time is the window's end.
    task = replay_points("""stream
    |from().measurement('cpu')
    .where(lambda: "host" == 'serverA')
    |window()
        .period(10s)
        .every(10s)
    |last('value')
""", recording("TestStream_Selectors"))
    assert http_out(task) == [
        series("cpu", {"host": "serverA", "type": "idle"}, ["time", "another", "last"], [at(10), 5.0, 95.3]),
    ]


BOOLEAN_SCRIPT = SERVER_A_WINDOWS + """    |{method}('value')
        {point_times}
"""

SERVER_A = {"host": "serverA"}
SERVER_A_IDLE = {"host": "serverA", "type": "idle"}


@pytest.mark.parametrize("method, point_times, expected", [
    ("count", False, series("cpu", SERVER_A, ["time", "count"], [at(10), 10.0])),
    ("distinct", False, series("cpu", SERVER_A, ["time", "distinct"], [at(10), False], [at(10), True])),
    ("first", True, series("cpu", SERVER_A_IDLE, ["time", "first"], [at(0), False])),
    ("first", False, series("cpu", SERVER_A_IDLE, ["time", "first"], [at(10), False])),
    ("last", True, series("cpu", SERVER_A_IDLE, ["time", "last"], [at(9), True])),
    ("last", False, series("cpu", SERVER_A_IDLE, ["time", "last"], [at(10), True])),
])
def test_TestStream_InfluxQL_Boolean(method, point_times, expected):
    script = BOOLEAN_SCRIPT.format(method=method, point_times=".usePointTimes()" if point_times else "")
    task = replay_points(script, recording("TestStream_InfluxQL_Boolean"))
    assert http_out(task) == [expected]


# ---------------------------------------------------------------------------------------------
# eval

def test_TestStream_Eval_AllTypes():
    task = replay_points("""stream
    |from()
        .measurement('types')
    |eval(lambda: "str" + 'suffix', lambda: !"bool", lambda: "int" + 14, lambda: "float" * 2.0)
        .as( 'str', 'bool', 'int', 'float')
""", kapacitor_lines('types str="bob",bool=false,int=5i,float=42 1'))
    assert http_out(task) == [
        series("types", None, ["time", "bool", "float", "int", "str"], [at(0), True, 84.0, 19, "bobsuffix"]),
    ]
    # Kapacitor's types, which its JSON hides: int + int stays an int
    [point] = task.capture.points
    assert type(point.fields["int"]) is int and type(point.fields["float"]) is float


def test_TestStream_EvalDivisionByZero():
    # testStreamerNoOutput: the task must run to its end (commit 50bffda2 "error instead of
    # panic on int div-by-zero"); the point whose eval fails is dropped and the error counted.
    task = replay_points("""stream
    |from()
        .measurement('data')
    |eval(lambda: 10/"n")
        .as('n')
""", kapacitor_lines("data,t=t1 n=0i 3600"))
    assert http_out(task) == []
    # the error's text: tick/stateful/expr_dynamic_test.go; eval.go logs it after its own words
    assert task.node("eval2").error_messages == {
        "error evaluating expression: runtime error: integer divide by zero": 1}


@pytest.mark.parametrize("script, data, expected", [
    pytest.param("""stream
    |from()
        .measurement('types')
    |eval(lambda: "value0" + "value1", lambda: "value0" - "value1")
        .as( 'pos', 'neg')
        .keep()
""", "types value0=0,value1=1 1",
        series("types", None, ["time", "neg", "pos", "value0", "value1"], [at(0), -1.0, 1.0, 0.0, 1.0]),
        id="TestStream_Eval_KeepAll"),
    pytest.param("""stream
    |from()
        .measurement('types')
    |eval(lambda: "value0" + "value1", lambda: "value0" - "value1")
        .as( 'pos', 'neg')
        .keep('value0', 'pos', 'neg', 'other')
""", "types value0=0,value1=1,other=5 1",
        series("types", None, ["time", "neg", "other", "pos", "value0"], [at(0), -1.0, 5.0, 1.0, 0.0]),
        id="TestStream_Eval_KeepSome"),
    # The second lambda reads "pos", computed by the first, which .keep() then leaves out.
    pytest.param("""stream
    |from()
        .measurement('types')
    |eval(lambda: "value0" + "value1", lambda: "pos" - "value1")
        .as( 'pos', 'zero')
        .keep('value0', 'zero')
""", "types value0=0,value1=1 1",
        series("types", None, ["time", "value0", "zero"], [at(0), 0.0, 0.0]),
        id="TestStream_Eval_KeepSomeWithHidden"),
])
def test_eval_keep(script, data, expected):
    # follows the Go test named by the case's id
    assert http_out(replay_points(script, kapacitor_lines(data))) == [expected]


# eval.go EvalNode.eval: before each lambda, fillScope reads the names that lambda uses from the
# point as it came in (a field, else a tag); only a name the point lacks keeps an earlier lambda's
# value. The fields are then made from what the scope holds after the last lambda.
@pytest.mark.parametrize("lambdas, names, keep, expected", [
    # the second lambda reads the point's "value", and so the kept "value" is the point's too
    ('lambda: "value" * 2.0, lambda: "value" + 1.0', "'value', 'next'", "",
     {"value": 10.0, "next": 11.0}),
    # a name computed first and read later, when the point lacks it, is the computed value
    ('lambda: "value" * 2.0, lambda: "double" + 1.0', "'double', 'next'", "",
     {"double": 20.0, "next": 21.0}),
    # a computed name that is also a tag: the later lambda reads the tag, without a collision
    ("lambda: 'x', lambda: \"host\" + '!'", "'host', 'shout'", "", {"host": "a", "shout": "a!"}),
    # a tag read by a lambda can be kept as a field
    ("lambda: \"host\" + 'x'", "'hx'", ".keep('host', 'hx')", {"host": "a", "hx": "ax"}),
])
def test_eval_reads_the_incoming_point_first(lambdas, names, keep, expected):
    task = replay_points(f"""stream
    |from()
    |eval({lambdas})
        .as({names})
        {keep}
""", kapacitor_lines("cpu,host=a value=10.0 1"))
    [point] = task.capture.points
    assert point.fields == expected and point.tags == {"host": "a"}


MISSING_DATA = kapacitor_lines("""
missing,t=t1 to_be=42 0
missing,t=t1 or_not_to_be=42 0
missing,t=t1 to_be=24 3600
missing,t=t1 to_be=24 3600
""")


@pytest.mark.parametrize("script, expected", [
    # Points without the field fail the eval and are dropped: only the second point comes out.
    pytest.param("""stream
    |from()
        .measurement('missing')
    |eval(lambda: "or_not_to_be")
        .as('that_is_the_question')
""", 42.0, id="TestStream_Eval_Missing"),
    pytest.param("""stream
    |from()
        .measurement('missing')
    |where(lambda: isPresent("or_not_to_be"))
    |eval(lambda: !isPresent("or_not_to_be"))
        .as('that_is_the_question')
""", False, id="TestStream_Eval_Missing_isPresent"),
])
def test_eval_missing(script, expected):
    # follows the Go test named by the case's id
    assert http_out(replay_points(script, MISSING_DATA)) == [
        series("missing", {"t": "t1"}, ["time", "that_is_the_question"], [at(0), expected]),
    ]


TAGS_DATA = kapacitor_lines("types value=0,another=2 1\ntypes value=1,another=2 1")


EVAL_TAGS_SCRIPT = """stream
    |from()
        .measurement('types')
    |eval(lambda: string("value"))
        .as('{tag}')
        .tags('{tag}')
        {keep}
    |groupBy('{tag}')
"""


@pytest.mark.parametrize("tag, keep, expected", [
    # A computed tag is not a field too unless kept.
    pytest.param("value", "", [
        series("types", {"value": "0"}, ["time"], [at(0)]),
        series("types", {"value": "1"}, ["time"], [at(0)]),
    ], id="TestStream_Eval_Tags"),
    # With .keep() the computed value is both the tag and the (string) field.
    pytest.param("value", ".keep()", [
        series("types", {"value": "0"}, ["time", "another", "value"], [at(0), 2.0, "0"]),
        series("types", {"value": "1"}, ["time", "another", "value"], [at(0), 2.0, "1"]),
    ], id="TestStream_Eval_Tags_Keep"),
    pytest.param("value_tag", ".keep('value', 'another')", [
        series("types", {"value_tag": "0"}, ["time", "another", "value"], [at(0), 2.0, 0.0]),
        series("types", {"value_tag": "1"}, ["time", "another", "value"], [at(0), 2.0, 1.0]),
    ], id="TestStream_Eval_Tags_KeepSome"),
])
def test_eval_tags(tag, keep, expected):
    # follows the Go test named by the case's id
    task = replay_points(EVAL_TAGS_SCRIPT.format(tag=tag, keep=keep), TAGS_DATA)
    assert ignoring_order(http_out(task)) == ignoring_order(expected)


GROUPS_DATA = kapacitor_lines("""
types,group=A value=42 1
types,group=B value=42 1
types,group=A value=24 2
types,group=B value=24 2
""")


def test_TestStream_EvalGroups():
    # count() keeps one count per group.
    task = replay_points("""stream
    |from()
        .measurement('types')
        .groupBy('group')
    |eval(lambda: count())
        .as('count')
""", GROUPS_DATA)
    assert http_out(task) == [
        series("types", {"group": "A"}, ["time", "count"], [at(1), 2.0]),
        series("types", {"group": "B"}, ["time", "count"], [at(1), 2.0]),
    ]


def test_where_keeps_count_per_group():
    # where.go newGroup gives each group its own copy of the lambda (CopyReset), so count()
    # counts one group's points: the second point of each group passes. (With one count shared
    # by the groups, B's first point would pass instead.)
    task = replay_points("""stream
    |from()
        .measurement('types')
        .groupBy('group')
    |where(lambda: count() == 2)
""", GROUPS_DATA)
    assert [(point.tags["group"], point.time) for point in task.capture.points] == [("A", at(1)), ("B", at(1))]


def test_TestStream_Eval_Time():
    # Kapacitor's expected hour is that of 01:00 UTC in the server's local zone (expr.go gives
    # lambdas "time" in local time); tickpy takes time parts in UTC, so this is the figure of a
    # Kapacitor running in UTC.
    task = replay_points("""stream
    |from()
        .measurement('types')
        .groupBy('group')
    |eval(lambda: hour("time"))
        .as('hour')
""", kapacitor_lines("""
types,group=A value=42 0
types,group=B value=42 0
types,group=A value=24 3600
types,group=B value=24 3600
"""))
    assert http_out(task) == [
        series("types", {"group": "A"}, ["time", "hour"], [at(3600), 1.0]),
        series("types", {"group": "B"}, ["time", "hour"], [at(3600), 1.0]),
    ]


# ---------------------------------------------------------------------------------------------
# now(): the wall clock, in a replay as on a live server (tick/stateful/functions.go calls
# time.Now(); the replay's clock only moves the points)

def test_TestStream_LambdaNow():
    # Expirations in 1980 and 1990 are past; the one in 2100 is not.
    task = replay_points("""stream
    |from()
        .measurement('account')
    |where(lambda: "expiration" < unixNano(now()))
    |groupBy('owner')
""", kapacitor_lines("""
account,owner=ownerA expiration=315533000000000000i 1
account,owner=ownerB expiration=4102440000000000000i 1
account,owner=ownerC expiration=656419000000000000i 1
"""))
    assert http_out(task) == [
        series("account", {"owner": "ownerA"}, ["time", "expiration"], [at(0), 3.15533e+17]),
        series("account", {"owner": "ownerC"}, ["time", "expiration"], [at(0), 6.56419e+17]),
    ]


def test_TestStream_EvalNow():
    from datetime import datetime, timezone

    task = replay_points("""stream
    |from()
        .measurement('account')
    |eval(lambda: year(now()))
        .as('currentYear')
""", kapacitor_lines("account,owner=ownerA expiration=315533000000000000i 1"))
    assert http_out(task) == [
        series("account", {"owner": "ownerA"}, ["time", "currentYear"],
               [at(0), float(datetime.now(timezone.utc).year)]),
    ]



# ---------------------------------------------------------------------------------------------
# Batch edges. Kapacitor's TestBatch_* tests replay recorded query results
# (integrations/testdata/<name>.0.brpl, one JSON batch a line) into `batch|query(...)`; tickpy
# runs no queries, so the same batches are fed straight into `stream|from()`, moved in time as
# Kapacitor's batch replay moves them (the first batch's first point at 1971-01-01T00:00:00Z,
# each batch stamped with its last point's time) and with the clock advanced to each batch
# (tests/kapacitor_recordings.py replay_batches).

def test_TestBatch_Where_NoSideEffect():
    task = replay_batches("""var data = stream
    |from()
    |where(lambda: "mean" > 85)

// Unused where clause should not side-effect
data
    |where(lambda: FALSE)
""", ["TestBatch_SimpleMR.0"], capture_after="where2")
    assert http_out(task) == [
        series("cpu_usage_idle", {"cpu": "cpu-total"}, ["time", "mean"],
               [at(20), 91.06416290101595], [at(22), 85.9694442394385], [at(24), 90.62985736134186],
               [at(26), 86.45443196005628], [at(28), 88.97243107764031]),
        series("cpu_usage_idle", {"cpu": "cpu0"}, ["time", "mean"], [at(20), 85.08910891088406]),
        series("cpu_usage_idle", {"cpu": "cpu1"}, ["time", "mean"],
               [at(20), 96.49999999996908], [at(22), 93.46464646468584], [at(24), 95.00950095007724],
               [at(26), 92.99999999998636], [at(28), 90.99999999998545]),
    ]


def test_TestBatch_GroupBy_TimeOffset():
    # The query's time(2s, 1s) shapes only what InfluxDB returns; the replayed batches are the
    # recording's. Counts of 5 at 00:00:08 and 00:00:18 fill the window that closes at 00:00:28.
    task = replay_batches("""stream
    |from()
    |count('mean')
    |window()
        .period(20s)
        .every(20s)
    |sum('count')
""", ["TestBatch_SimpleMR.0"])
    assert http_out(task) == [
        series("cpu_usage_idle", {"cpu": "cpu-total"}, ["time", "sum"], [at(28), 10.0]),
        series("cpu_usage_idle", {"cpu": "cpu0"}, ["time", "sum"], [at(28), 10.0]),
        series("cpu_usage_idle", {"cpu": "cpu1"}, ["time", "sum"], [at(28), 10.0]),
    ]


def test_eval_keeps_count_per_group_on_batches():
    # eval.go: one copy of the lambdas per group on a batch edge too; each recorded batch holds 5
    # points, so a group's third batch counts 11 to 15.
    task = replay_batches("""stream
    |from()
    |eval(lambda: count())
        .as('n')
""", ["TestBatch_SimpleMR.0"])
    last = {batch.tags["cpu"]: [point.fields["n"] for point in batch.points] for batch in task.capture.batches}
    assert last == {"cpu-total": [11, 12, 13, 14, 15], "cpu0": [11, 12, 13, 14, 15], "cpu1": [11, 12, 13, 14, 15]}


@pytest.mark.parametrize("node, expected", [
    ("eval(lambda: count()).as('n')", [[1, 2], [1, 2]]),
    ("where(lambda: count() == 2)", [[2], [2]]),
])
def test_a_batch_uses_the_lambdas_of_its_own_group(node, expected):
    # where.go and eval.go keep their groups by the batch's group id. A batch's points need not
    # carry it (groupBy or a renaming node regroups the batch only), so two batches of other
    # groups whose points carry the same old group still count apart. (With the points' group,
    # the second batch would count on from the first: [3, 4], or nothing kept.)
    run = Run(f"stream|from()|{node}")
    capture = run.capture_after()
    for host in ("a", "b"):
        points = [Point("cpu", {"host": host}, {"value": 1.0, "k": k}, at(k), group="") for k in (1, 2)]
        run.task.stream.batch(Batch("cpu", f"host={host}", {"host": host}, at(2), points))
    field = "n" if node.startswith("eval") else "k"
    assert [[point.fields[field] for point in batch.points] for batch in capture.batches] == expected
