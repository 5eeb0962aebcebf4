"""Kapacitor's recorded test data and its httpOut result, shared by the tests that port its
integration tests (integrations/streamer_test.go, batcher_test.go).

Kapacitor's test replay moves a recording in time so that its first point is at
1971-01-01T00:00:00Z (`at(0)` in tests/pipeline_harness.py), and its tests read their result from
`httpOut`. Several test modules need the same three things, so they live here once:

- `recording(name)`: a stream recording (.srpl) kept as line protocol in tests/data/<name>.lp,
  already moved in time. Some Go tests share one recording under two names (see the constants
  below), and then the one file serves both.
- `replay_points(...)`: a task fed with such lines, its output captured.
- `recorded_batches(name)` / `replay_batches(...)`: a batch recording (.brpl, one JSON batch after
  another) read and moved as Kapacitor's batch replay moves it, then fed into a task in which each
  `batch|query()` of the Go script stands as a `stream|from()` chain (tickpy runs no queries).
- `http_out(run)`: what `|httpOut()` would serve in place of the test's capture node: per group,
  the last point or batch as a row. tickpy refuses httpOut (it needs a server).

It also holds the hand-written batches of TestBatch_AlertStateChangesOnly, which more than one
test module feeds into an alert node.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

from pipeline_harness import SECOND, Run, at
from tickpy.data.batch import Batch
from tickpy.data.point import Point
from tickpy.pipeline.grouping import group_id

DATA = Path(__file__).parent / "data"


# -- stream recordings -----------------------------------------------------------------------------

def recording(name: str) -> list[str]:
    """The line protocol lines of tests/data/<name>.lp (comment lines left out): the points of
    Kapacitor's integrations/testdata/<name>.srpl, moved so the first is at 1971-01-01T00:00:00Z."""
    lines = (DATA / f"{name}.lp").read_text().splitlines()
    return [line for line in lines if line and not line.startswith("#")]


# integrations/testdata/TestStream_Alert.srpl is the same file as TestStream_SimpleMR.srpl, and
# TestStream_AlertSigma.srpl the same as TestStream_AlertComplexWhere.srpl (serverA reads 16.0 at
# its 8th second).
ALERT_RECORDING = "TestStream_SimpleMR"
ALERT_SIGMA_RECORDING = "TestStream_AlertComplexWhere"

# The from/window every TestStream_Alert* script and the InfluxQL window tests start with:
# serverA's cpu points, grouped by host, in 10s windows.
SERVER_A_WINDOWS = """stream
    |from()
        .measurement('cpu')
        .where(lambda: "host" == 'serverA')
        .groupBy('host')
    |window()
        .period(10s)
        .every(10s)
"""


# -- batch recordings ------------------------------------------------------------------------------

def rfc3339_ns(text: str) -> int:
    """Nanoseconds since the epoch of an RFC 3339 UTC time (`2015-10-30T17:14:12.1Z`)."""
    whole, _, fraction = text.rstrip("Z").partition(".")
    seconds = datetime.fromisoformat(whole).replace(tzinfo=timezone.utc).timestamp()
    return int(seconds) * SECOND + int((fraction + "000000000")[:9])


def json_values(text: str) -> list:
    """The JSON documents of a file written one after another (a .brpl file)."""
    decoder, documents, index = json.JSONDecoder(), [], 0
    while True:
        while index < len(text) and text[index].isspace():
            index += 1
        if index == len(text):
            return documents
        document, index = decoder.raw_decode(text, index)
        documents.append(document)


def recorded_batches(name: str) -> list[Batch]:
    """The batches of one recorded query, tests/data/<name>.brpl (a copy of Kapacitor's
    integrations/testdata file), moved as Kapacitor's test replay moves them (replay.go
    replayBatchFromChan): every point by the same amount, so that the first point of the file
    is at 1971-01-01T00:00:00Z; a batch's time is its recorded tmax, which is not moved (so
    TestBatch_Combine's batches keep 2015 times, and those of one query are equal), or its last
    point's time when the tmax is missing or earlier. Numbers are floats, as Go decodes JSON
    numbers; a point without tags has the batch's (edge/messages.go UnmarshalJSON)."""
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


def replay_points(script: str, lines: list[str], capture_after: str | None = None) -> Run:
    """Replay line protocol lines (a stream recording) through the script, capturing what its
    last leaf node (or node `capture_after`) emits: what `replay_batches` is for batches."""
    run = Run(script)
    run.capture_after(capture_after)
    return run.replay(lines)


def replay_batches(script: str, recordings: list[str], capture_after: str | None = None) -> Run:
    """Run the script on recorded batch queries (<test>.0, <test>.1...), capturing what its last
    leaf node (or node `capture_after`) emits. Each `from` node stands for one query of the Go
    script; Kapacitor hands the recordings to its queries in the order its pipeline sort lists
    them (pipeline.go sort(): the last query of the script first), so recording 0 goes to the
    last `from`. Batches of all queries go in the order of their last point's time, as
    Kapacitor's replay clock lets each query send, the clock moved to that time first; then the
    data ends."""
    run = Run(script)
    run.capture_after(capture_after)
    sources = [node for node in run.task.nodes if node.kind == "from"][::-1]
    assert len(sources) == len(recordings)
    queued = [(batch.points[-1].time, index, order, batch)
              for index, name in enumerate(recordings)
              for order, batch in enumerate(recorded_batches(name))]
    now = None
    for time, index, _, batch in sorted(queued, key=lambda item: item[:3]):
        if time != now:
            for node in run.task.nodes:
                node.advance(time)
            now = time
        sources[index].batch(batch)
    run.task.finish()
    return run


# -- httpOut -----------------------------------------------------------------------------------------

def http_out_by_group(run: Run) -> dict[str, dict]:
    """What `|httpOut()` in place of the capture would serve, keyed by group id: the last point or
    batch of each group as a row, in the order the groups first reached it (http_out.go keeps
    one result per group)."""
    last: dict[str, object] = {}
    for item in run.capture.received:
        last[item.group] = item
    return {group: row_of(item) for group, item in last.items()}


def http_out(run: Run) -> list[dict]:
    """The rows httpOut would serve (`http_out_by_group` without the group ids)."""
    return list(http_out_by_group(run).values())


def row_of(item) -> dict:
    """A point or batch as httpOut's row (edge/messages.go ToRow): name, tags, columns (time
    first, then the sorted field names; a batch adds the point tags that are not the batch's,
    and takes its columns from its first point only) and values. JSON would turn Kapacitor's
    ints into floats; Python's 10 == 10.0, so figures compare as the Go tests compare them."""
    if isinstance(item, Batch):
        if not item.points:
            return {"name": item.name, "tags": dict(item.tags), "columns": [], "values": []}
        first = item.points[0]
        columns = sorted(set(first.fields) | (set(first.tags) - set(item.tags)))
        points = item.points
    else:
        columns, points = sorted(item.fields), [item]
    values = [[point.time] + [point.fields.get(c, point.tags.get(c)) for c in columns] for point in points]
    return {"name": item.name, "tags": dict(item.tags), "columns": ["time"] + columns, "values": values}


# -- TestBatch_AlertStateChangesOnly ---------------------------------------------------------------

# The recorded batches' first time, kept as it is (tests/test_alert_batch.py expects 2015 times)
BATCH_START = int(datetime(2015, 10, 30, 17, 14, 12, tzinfo=timezone.utc).timestamp()) * SECOND


def batch_of(name: str, tags: dict, means: list[float], first_second: int) -> Batch:
    """A grouped query's batch: one point every 2s from BATCH_START + first_second; its time
    (TMax) is its last point's, as in Kapacitor's recorded batch replays."""
    group = ",".join(f"{k}={v}" for k, v in sorted(tags.items()))
    points = [Point(name, dict(tags), {"mean": mean}, BATCH_START + (first_second + 2 * i) * SECOND, group=group)
              for i, mean in enumerate(means)]
    return Batch(name, group, dict(tags), points[-1].time, points)


def feed_means(task, series: list[list[float]], tags: dict) -> None:
    """Feed one `batch_of` per list of means into the task's stream, 10s apart, as the recorded
    query sends them (measurement cpu_usage_idle)."""
    for index, means in enumerate(series):
        task.stream.batch(batch_of("cpu_usage_idle", tags, means, 10 * index))


# TestBatch_AlertStateChangesOnly.0.brpl, cpu-total (also TestBatch_AlertPostTimeout's batches)
CPU_TOTAL = [
    [90.38281469458698, 86.51447101892941, 91.71877558217454, 87.10524436107617, 90.3900735196668],
    [90.8919959776013, 86.54244306420236, 91.01699558842134, 85.66378399063848, 89.90919811320221],
    [91.06416290101595, 95.9694442394385, 70.62985736134186, 86.45443196005628, 88.97243107764031],
    [71.06416290101595, 85.9694442394385, 70.62985736134186, 86.45443196005628, 88.97243107764031],
]

# TestBatch_AlertStateChangesOnly's alert (batcher_test.go), its query a `stream|from()`
STATE_CHANGES_ONLY = """stream|from()
    |alert()
        .crit(lambda: "mean" > 90)
        .stateChangesOnly()
        .levelField('level')
        .details('')"""
