"""deadman and stats on the replay clock.

Kapacitor's deadman (pipeline/node.go Node.Deadman) is `|stats(interval).align()
|derivative('emitted').unit(interval).nonNegative() |alert().crit(lambda: "emitted" <= threshold)`
with the id `{{ .Group }}:NODE_NAME for task '{{ .TaskName }}'` and the message
`{{ .ID }} is {{ if eq .Level "OK" }}alive{{ else }}dead{{ end }}: {{ index .Fields "emitted" |
printf "%0.3f" }} points/INTERVAL.` (services/deadman/config.go), NODE_NAME being the watched
node's name and INTERVAL the interval as Go prints it. Stats (stats.go) emits every interval the
count of points the watched node has emitted per group; tickpy ticks when the data's time passes
an interval (tickpy's replay clock, where Kapacitor uses the wall clock).

Expected events below are worked out from those rules by hand, tick by tick, in the comments.
"""

from __future__ import annotations

import json

import pytest

from conftest import ROOT, run_tickpy
from pipeline_harness import Run

S = 1_700_000_000  # 2023-11-14T22:13:20Z, a multiple of 10s
SECOND = 10**9


def lines_at(measurement: str, seconds, tags: str = "host=a") -> list[str]:
    return [f"{measurement},{tags} value=1 {(S + second) * SECOND}" for second in seconds]


def by_time(lines: list[str]) -> list[str]:
    return sorted(lines, key=lambda line: int(line.rsplit(None, 1)[1]))


def replay(script: str, lines: list[str]):
    """Build the task, replay the lines on the data's clock; the alert events, what the stats
    node emitted, and the task."""
    run = Run(script, task_name="task")
    stats = [node for node in run.task.nodes if node.kind == "stats"]
    capture = run.capture_after(stats[0].id) if stats else run.capture
    run.replay(lines)
    return run.events, capture.points, run.task


# cpu points every second for 25s, then only mem points (another measurement moves the clock),
# then cpu again from 60s to 74s, and a last mem point at 85s.
DATA = by_time(lines_at("cpu", range(0, 25)) + lines_at("mem", (27, 33, 45, 52))
               + lines_at("cpu", range(60, 75)) + lines_at("mem", (85,)))

DEADMAN = """stream
    |from()
        .measurement('cpu')
    |deadman(0.0, 10s)
"""


def test_deadman_fires_when_the_data_stops_and_recovers_when_it_returns():
    # Ticks (align): the clock starts at S, the first tick at S+10s is stamped S (the start
    # rounded to 10s) with 10 points counted, then S+20s: 20, S+30s: 25 (seen at the mem point
    # of 33s), S+40s: 25 (at 45s), S+50s: 25 (at 52s), S+60s: 25 (the cpu point of 60s is
    # counted after the tick), S+70s: 35, S+80s: 40 (at 85s).
    # Rates per 10s: (20-10)/2 = 5, 5, 0, 0, 0, 10, 5. CRITICAL at 40s, 50s, 60s; OK at 70s.
    events, _, _ = replay(DEADMAN, DATA)
    summary = [(event.time // SECOND - S, event.level.name, event.message) for event in events]
    dead = "nil:from1 for task 'task' is dead: 0.000 points/10s."
    assert summary == [
        (40, "CRITICAL", dead),
        (50, "CRITICAL", dead),
        (60, "CRITICAL", dead),
        (70, "OK", "nil:from1 for task 'task' is alive: 10.000 points/10s."),
    ]
    assert {event.id for event in events} == {"nil:from1 for task 'task'"}
    assert events[0].series == [{"name": "stats", "columns": ["time", "emitted"],
                                 "values": [["2023-11-14T22:14:00Z", 0.0]]}]
    assert [event.duration // SECOND for event in events] == [0, 10, 20, 30]


def test_deadman_nodes_are_numbered_as_kapacitor_numbers_them():
    # Node.Stats adds a stats source and, as from1 has no child yet, a noop child (noop3);
    # then derivative4 and alert5.
    _, _, task = replay(DEADMAN, DATA)
    assert [node.id for node in task.nodes] == ["stream0", "from1", "stats2", "derivative4", "alert5"]
    counts = {node.id: (node.points_in, node.points_out) for node in task.nodes}
    assert counts["stats2"] == (0, 8)
    assert counts["derivative4"] == (8, 7)


def test_deadman_keeps_one_state_per_group_and_names_it_in_the_id():
    # groupBy('host'): host=b stops after 14s while host=a goes on; stats counts per group.
    # Ticks: S+10s (stamped S): a=10 b=10; S+20s: a=20 b=15; S+30s: a=30 b=15.
    # Rates: a 5 then 10; b 2.5 then 0 -> CRITICAL for host=b at 30s only.
    data = by_time(lines_at("cpu", range(0, 35), "host=a") + lines_at("cpu", range(0, 15), "host=b"))
    script = """stream
    |from()
        .measurement('cpu')
        .groupBy('host')
    |deadman(1.0, 10s)
"""
    events, _, _ = replay(script, data)
    assert [(event.time // SECOND - S, event.id, event.level.name, event.message) for event in events] == [
        (30, "host=b:from1 for task 'task'", "CRITICAL",
         "host=b:from1 for task 'task' is dead: 0.000 points/10s."),
    ]
    assert events[0].series[0]["tags"] == {"host": "b"}


def test_deadman_extra_lambdas_and_alert_properties():
    # deadman(threshold, interval, lambdas...): crit is "emitted" <= threshold AND each lambda;
    # the returned node is the alert, so .id() and .message() replace Kapacitor's defaults.
    script = """var low = 6.0
stream
    |from()
        .measurement('cpu')
    |deadman(low, 10s, lambda: unixNano("time") > 1700000035000000000)
        .id('cpu feed')
        .message('{{ .ID }} {{ .Level }} {{ index .Fields "emitted" }}')
"""
    # Rates: 5 at 20s and 30s (not after 35s: no alert), 0 at 40s, 50s, 60s, 10 at 70s (above
    # the threshold: OK), 5 at 80s (below it again).
    events, _, _ = replay(script, DATA)
    assert [(event.time // SECOND - S, event.message) for event in events] == [
        (40, "cpu feed CRITICAL 0"),
        (50, "cpu feed CRITICAL 0"),
        (60, "cpu feed CRITICAL 0"),
        (70, "cpu feed OK 10"),
        (80, "cpu feed CRITICAL 5"),
    ]


def test_deadman_interval_is_printed_as_a_go_duration():
    script = DEADMAN.replace("10s", "1m")
    data = by_time(lines_at("cpu", range(0, 60)) + lines_at("mem", (130, 190, 250)))
    # Ticks at 60s (stamped S, 60 points), 120s (60), 180s (60): rate 0 at 120s... with the
    # first rate over 2 minutes of stamps: (60-60)/2 = 0.
    events, _, _ = replay(script, data)
    assert events[0].message == "nil:from1 for task 'task' is dead: 0.000 points/1m0s."


@pytest.mark.parametrize("align, start, expected", [
    # no align: ticks every 10s from the first point (at S+3s): S+13s, S+23s, S+33s
    ("", 3, [(13, 10), (23, 20), (33, 30)]),
    # align, start S+3s: first tick at S+10s stamped round(S+3s, 10s) = S, then S+20s, S+30s
    (".align()", 3, [(0, 7), (20, 17), (30, 27)]),
    # align, start S+7s: the start rounds up, so the first stamp is S+10s
    (".align()", 7, [(10, 3), (20, 13), (30, 23)]),
])
def test_stats_emits_the_watched_nodes_count_every_interval(align, start, expected):
    script = f"""stream
    |from()
        .measurement('cpu')
    |stats(10s){align}
"""
    data = lines_at("cpu", range(start, 40))
    _, points, _ = replay(script, data)
    assert [((p.time // SECOND) - S, p.fields["emitted"]) for p in points] == expected
    assert all(point.name == "stats" and point.tags == {} for point in points)


def test_stats_before_anything_was_emitted_reports_zero_for_the_empty_group():
    # stats.go via nodeStatsByGroup: no group yet -> one point, emitted 0, no tags.
    script = """stream
    |from()
        .measurement('nothing')
    |stats(10s)
"""
    _, points, _ = replay(script, lines_at("cpu", (0, 12, 25)))
    assert [(p.time // SECOND - S, p.group, p.tags, p.fields) for p in points] == [
        (10, "", {}, {"emitted": 0}), (20, "", {}, {"emitted": 0})]


def test_stats_counts_per_group_with_the_group_tags():
    script = """stream
    |from()
        .measurement('cpu')
        .groupBy('host')
    |stats(10s)
"""
    data = by_time(lines_at("cpu", range(0, 12), "host=a,dc=x") + lines_at("cpu", range(0, 4), "host=b,dc=x"))
    _, points, _ = replay(script, data)
    assert [(p.time // SECOND - S, p.tags, p.fields["emitted"]) for p in points] == [
        (10, {"host": "a"}, 10), (10, {"host": "b"}, 4)]


def test_stats_refuses_a_zero_interval():
    from tickpy.lang.errors import TickError

    with pytest.raises(TickError) as error:
        replay("stream\n    |from()\n    |stats(0s)\n", [])
    assert error.value.message == "stats node must have positive interval"


def test_cli_run_prints_the_deadman_events(tmp_path):
    (tmp_path / "cpu_feed.tick").write_text(DEADMAN)
    (tmp_path / "data.lp").write_text("\n".join(DATA) + "\n")
    result = run_tickpy("run", "--replay", "data.lp", "cpu_feed.tick", "--events", "-", cwd=tmp_path,
                        env={"PYTHONPATH": str(ROOT)})
    assert result.returncode == 0, result.stderr
    events = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    assert [(e["time"], e["level"], e["previousLevel"]) for e in events] == [
        ("2023-11-14T22:14:00Z", "CRITICAL", "OK"),
        ("2023-11-14T22:14:10Z", "CRITICAL", "CRITICAL"),
        ("2023-11-14T22:14:20Z", "CRITICAL", "CRITICAL"),
        ("2023-11-14T22:14:30Z", "OK", "CRITICAL"),
    ]
    assert events[0]["id"] == "nil:from1 for task 'cpu_feed'"
    assert events[0]["message"] == "nil:from1 for task 'cpu_feed' is dead: 0.000 points/10s."
    assert events[0]["data"] == {"series": [{"name": "stats", "columns": ["time", "emitted"],
                                             "values": [["2023-11-14T22:14:00Z", 0]]}]}
    assert events[3]["message"] == "nil:from1 for task 'cpu_feed' is alive: 10.000 points/10s."
    assert "stats2" in result.stderr and "alert5" in result.stderr


def test_global_deadman_from_the_config_watches_every_task(tmp_path):
    # services/deadman/config.go [deadman] global = true: pipeline.CreatePipeline adds
    # stream|deadman(threshold, interval) to every task, with the configured id and message
    # (INTERVAL replaced by the interval as Go prints it). Here the stream (every measurement)
    # watches all the data, which goes quiet from 20s to 65s.
    (tmp_path / "cpu.tick").write_text("stream\n    |from()\n        .measurement('cpu')\n"
                                       "    |alert()\n        .crit(lambda: \"value\" < 0)\n")
    (tmp_path / "data.lp").write_text("\n".join(lines_at("cpu", range(0, 20)) + lines_at("mem", (65,))) + "\n")
    (tmp_path / "kapacitor.conf").write_text('[deadman]\nglobal = true\ninterval = "20s"\nthreshold = 0.0\n'
                                             'message = "{{ .ID }} quiet for INTERVAL"\n')
    result = run_tickpy("run", "--replay", "data.lp", "cpu.tick", "--config", "kapacitor.conf",
                        "--events", "-", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    events = [json.loads(line) for line in result.stdout.splitlines()]
    # Aligned 20s ticks: at 20s (stamped 0s) 20 points counted, then nothing until the mem
    # point at 65s passes the ticks of 40s and 60s: rates 0 at 40s and 0 at 60s.
    assert [(e["id"], e["level"], e["message"]) for e in events] == [
        ("nil:stream0 for task 'cpu'", "CRITICAL", "nil:stream0 for task 'cpu' quiet for 20s"),
        ("nil:stream0 for task 'cpu'", "CRITICAL", "nil:stream0 for task 'cpu' quiet for 20s"),
    ]
    assert "stats3" in result.stderr and "alert5" in result.stderr


def test_stream_itself_can_be_watched():
    # pipeline/node.go: Deadman and Stats are methods of every node, stream included.
    # The same data and ticks as the global deadman above: two CRITICAL events.
    data = lines_at("cpu", range(0, 20)) + lines_at("mem", (65,))
    events, _, task = replay("stream\n    |deadman(0.0, 20s)\n", data)
    assert [node.id for node in task.nodes][:2] == ["stream0", "stats1"]
    assert [(event.id, event.level.name) for event in events] == [("nil:stream0 for task 'task'", "CRITICAL")] * 2


def test_a_clock_jump_of_decades_stops_the_run_naming_the_line(tmp_path):
    # A deadman alerts at every tick of a gap (Kapacitor's deadman has no stateChangesOnly), so a
    # first line written in seconds (read as 1970) before nanosecond lines would tick 170,000,000
    # times: the run stops with the line where the clock jumps instead of running for hours.
    (tmp_path / "task.tick").write_text("stream\n    |from()\n        .measurement('cpu')\n    |deadman(1.0, 10s)\n")
    (tmp_path / "data.lp").write_text("cpu,host=a usage_idle=5 1700000000\n"
                                      "cpu,host=a usage_idle=5 1700000000000000000\n")
    result = run_tickpy("run", "--replay", "data.lp", "task.tick", "--events", "-", cwd=tmp_path)
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == (
        "data.lp:2: error: the data's time jumps from 1970-01-01T00:00:01.7Z to 2023-11-14T22:13:20Z: "
        "stats2 (every 10s) would tick 170,000,000 times in between, more than 10,000,000 "
        "(are all timestamps in one precision? see --precision)\n")


def test_a_gap_of_days_gets_every_tick():
    # A 1m deadman (aligned ticks) started at S (22:13:20): ticks fall at S+40s, S+100s, ... The
    # point at S+2d+30s, after two days of silence, passes the 2,880 ticks up to S+2d-20s at once,
    # each with the same count (2); the first has no rate yet, the other 2,879 a rate of 0, each a
    # CRITICAL event (a deadman has no state-changes filter). The point at S+2d+45s passes the
    # tick at S+2d+40s, which counts the point of S+2d+30s: rate 1, OK.
    day = 86_400
    events, _, _ = replay("stream\n    |from()\n        .measurement('cpu')\n    |deadman(0.0, 1m)\n",
                          lines_at("cpu", [0, 30, 2 * day + 30, 2 * day + 45]))
    levels = [event.level.name for event in events]
    assert levels == ["CRITICAL"] * (2 * 24 * 60 - 1) + ["OK"]
    assert (events[0].time // SECOND - S, events[-2].time // SECOND - S, events[-1].time // SECOND - S) == (
        100, 2 * day - 20, 2 * day + 40)
