"""Anonymous topics: every alert node with handlers keeps its alerts' state in the topic
`main:<task>:<node>`, so an alert without `.topic()` picks up where the last run left it.

What a user sees goes through the CLI (a subprocess, a fresh TICKPY_HOME each); the order in which
a new group restores its state from the anonymous and the named topic runs in-process against a
real SQLite store, with real log files. Expected values come from Kapacitor's server tests
(server/server_test.go TestServer_Alert_Duration, TestServer_AlertAnonTopic,
TestServer_AlertTopic_PersistedState; their `.tcp()` handler is a `.log()` here, which gives the
node its anonymous topic the same way) and from alert.go (restoreEvent, deleteAlertHook).
"""

from __future__ import annotations

import json

import pytest

from conftest import run_tickpy
from tickpy.alert.topics import TopicRegistry
from tickpy.lang.parser import parse
from tickpy.pipeline.build import build_task
from tickpy.replay import replay_lines
from tickpy.report import RunReport
from tickpy.services import Services
from tickpy.store import StoredHandler

SECOND = 1_000_000_000
ANON = "main:testAlertHandlers:alert2"  # the topic name the Go tests read

DURATION_SCRIPT = """
stream
    |from()
        .measurement('alert')
    |alert()
        .id('id')
        .message('message')
        .details('details')
        .crit(lambda: "value" > 1.0)
        .log('{log}')
"""

ANON_TOPIC_SCRIPT = """
stream
    |from()
        .measurement('alert')
    |alert()
        .id('id')
        .message('message')
        .details('details')
        .warn(lambda: "value" <= 1.0)
        .crit(lambda: "value" > 1.0)
        .log('{log}')
"""

PERSISTED_STATE_SCRIPT = """
stream
    |from()
        .measurement('alert')
    |alert()
        .topic('test')
        .id('id')
        .message('message')
        .details('details')
        .warn(lambda: TRUE)
        .log('{log}')
"""


@pytest.fixture
def home(tmp_path):
    return tmp_path


def tickpy(home, *args):
    result = run_tickpy(*args, cwd=home, env={"TICKPY_HOME": str(home / "store"), "TZ": "UTC"})
    return result


def define_enabled(home, script: str, task: str = "testAlertHandlers"):
    (home / f"{task}.tick").write_text(script.format(log=home / "alerts.log"))
    assert tickpy(home, "define", task, "-tick", f"{task}.tick", "-dbrp", "mydb.myrp").returncode == 0
    assert tickpy(home, "enable", task).returncode == 0


def replay(home, line: str):
    (home / "data.lp").write_text(line + "\n")
    result = tickpy(home, "run", "--replay", "data.lp", "--dbrp", "mydb.myrp", "--precision", "s", "--quiet")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""


def logged(home) -> list[dict]:
    return [json.loads(line) for line in (home / "alerts.log").read_text().splitlines()]


def show_topic(home, topic: str = ANON) -> str:
    result = tickpy(home, "show-topic", topic)
    assert result.returncode == 0, result.stderr
    return result.stdout


def listed_topics(home) -> list[str]:
    result = tickpy(home, "list", "topics")
    assert result.returncode == 0, result.stderr
    return [line.split()[0] for line in result.stdout.splitlines()[1:]]


# -- what a user sees ----------------------------------------------------------------------------


def test_alert_without_topic_picks_up_where_the_last_run_left_it(home):
    # TestServer_Alert_Duration: CRITICAL at 0s; after a restart the point at 1s is CRITICAL for
    # 1s, and the anonymous topic holds id/CRITICAL/message at 1970-01-01. Then (one more
    # restart) a point below the threshold at 5s sends the recovery: previousLevel CRITICAL, and
    # a duration counted from the kept event (the one at 1s: restoreEventState marks the alert
    # triggered at the kept event's time, so 4s), and the recovered alert leaves the topic.
    define_enabled(home, DURATION_SCRIPT)
    replay(home, "alert value=2 0000000000")
    assert show_topic(home) == (
        f"ID: {ANON}\n"
        "Level: CRITICAL\n"
        "Collected: 1\n"
        "Handlers: []\n"
        "Events:\n"
        "Event Level    Message Date                   \n"
        "id    CRITICAL message 01 Jan 70 00:00 UTC    \n")
    replay(home, "alert value=3 0000000001")
    replay(home, "alert value=0.5 0000000005")
    assert [(e["time"], e["level"], e["previousLevel"], e["duration"]) for e in logged(home)] == [
        ("1970-01-01T00:00:00Z", "CRITICAL", "OK", 0),
        ("1970-01-01T00:00:01Z", "CRITICAL", "CRITICAL", SECOND),
        ("1970-01-01T00:00:05Z", "OK", "CRITICAL", 4 * SECOND),
    ]
    assert show_topic(home).splitlines()[1:4] == ["Level: OK", "Collected: 3", "Handlers: []"]
    assert show_topic(home).splitlines()[-1].startswith("Event ")  # no event kept


def test_anonymous_topic_is_listed_while_its_task_is_enabled_and_deleted_with_it(home):
    # TestServer_AlertAnonTopic: the WARNING event is in main:testAlertHandlers:alert2 after a
    # restart; a disabled task's anonymous topic is unknown; enabled again it holds the same
    # event; the deleted task's anonymous topic is unknown.
    define_enabled(home, ANON_TOPIC_SCRIPT)
    replay(home, "alert value=1 0000000000")
    # doList topics: "%-{maxID+1}v%-{maxLevel+1}v%10v"
    assert tickpy(home, "list", "topics").stdout == (
        "ID                            Level     Collected\n"
        f"{ANON} WARNING           1\n")
    events = show_topic(home).splitlines()[-1]
    assert events == "id    WARNING  message 01 Jan 70 00:00 UTC    "

    assert tickpy(home, "disable", "testAlertHandlers").returncode == 0
    assert listed_topics(home) == []
    hidden = tickpy(home, "show-topic", ANON)
    assert hidden.returncode == 1 and ANON in hidden.stderr

    assert tickpy(home, "enable", "testAlertHandlers").returncode == 0
    assert listed_topics(home) == [ANON]
    assert show_topic(home).splitlines()[-1] == events

    assert tickpy(home, "delete", "tasks", "testAlertHandlers").returncode == 0
    assert listed_topics(home) == []
    # the state went with the topic: the same task defined again starts from nothing
    define_enabled(home, ANON_TOPIC_SCRIPT)
    replay(home, "alert value=2 0000000001")
    assert [e["previousLevel"] for e in logged(home)] == ["OK", "OK"]


def test_named_and_anonymous_topics_both_keep_the_event(home):
    # TestServer_AlertTopic_PersistedState: with .topic('test') and a handler, both `test` and
    # the anonymous topic hold the WARNING event after a restart; deleting each one removes it.
    define_enabled(home, PERSISTED_STATE_SCRIPT)
    replay(home, "alert value=1 0000000000")
    assert listed_topics(home) == [ANON, "test"]
    for topic in ("test", ANON):
        assert show_topic(home, topic).splitlines()[-1] == "id    WARNING  message 01 Jan 70 00:00 UTC    "
        assert tickpy(home, "delete", "topics", topic).returncode == 0
        assert tickpy(home, "show-topic", topic).returncode == 1
    assert listed_topics(home) == []


def test_anonymous_topic_exists_from_the_first_run_even_without_events(home):
    # alert.go runs RestoreTopic(anonTopic) when the node starts, so a task whose points raise no
    # alert still lists its anonymous topic: level OK, nothing collected.
    define_enabled(home, DURATION_SCRIPT)
    replay(home, "alert value=0.5 0000000000")
    result = tickpy(home, "list", "topics")
    assert [line.split() for line in result.stdout.splitlines()[1:]] == [[ANON, "OK", "0"]]


def test_an_alert_without_handlers_has_no_anonymous_topic(home):
    # alert.go hasAnonTopic: only a node with at least one handler has one.
    script = PERSISTED_STATE_SCRIPT.replace("        .log('{log}')\n", "")
    define_enabled(home, script)
    replay(home, "alert value=1 0000000000")
    assert listed_topics(home) == ["test"]


def test_a_script_run_without_a_store_keeps_nothing(home):
    # `tickpy run --replay data.lp script.tick` with no store: every run starts from OK.
    (home / "alert.tick").write_text(DURATION_SCRIPT.format(log=home / "alerts.log"))
    for line in ("alert value=2 0000000000", "alert value=3 0000000001"):
        (home / "data.lp").write_text(line + "\n")
        result = tickpy(home, "run", "--replay", "data.lp", "--precision", "s", "--quiet", "alert.tick")
        assert result.returncode == 0, result.stderr
    assert [e["previousLevel"] for e in logged(home)] == ["OK", "OK"]
    assert not (home / "store").exists()


# -- restore precedence (alert.go restoreEvent), in-process with a real store -----------------


def script_for(tmp_path, *, topic: str = "", log: bool = True) -> str:
    lines = ["stream", "    |from()", "        .measurement('alert')", "    |alert()",
             "        .id('id')", "        .message('message')", "        .details('details')",
             "        .warn(lambda: \"value\" <= 1.0)", "        .crit(lambda: \"value\" > 1.0)"]
    if topic:
        lines.append(f"        .topic('{topic}')")
    if log:
        lines.append(f"        .log('{tmp_path / 'node.log'}')")
    return "\n".join(lines) + "\n"


def run_once(store, tasks: dict[str, str], line: str) -> list:
    """One run (a Kapacitor server's life between restarts) of the scripts by task name; the
    events every alert node sent, as its handlers got them."""
    services = Services(report=RunReport())
    services.topics = TopicRegistry(services, store)
    events: list = []
    services.event_listeners.append(events.append)
    built = [build_task(parse(script, f"{name}.tick"), name, services, f"{name}.tick")
             for name, script in tasks.items()]
    replay_lines([line], "data.lp", built, services, precision="s")
    return events


def topic_log(store, tmp_path, topic: str):
    """A log handler on `topic`: what the topic hands its own handlers (their previousLevel is
    the topic's)."""
    path = tmp_path / f"{topic}.log"
    store.define_handler(StoredHandler(topic, "log", "log", "", {"path": str(path)}))
    return path


def read_log(path) -> list[tuple]:
    return [(e["level"], e["previousLevel"], e["duration"]) for e in map(json.loads, path.read_text().splitlines())]


def states(store, topic: str) -> list[tuple]:
    return [(e.id, e.level, e.time, e.duration) for e in store.topic_events(topic)]


def test_anonymous_state_wins_and_is_copied_to_the_named_topic(store, tmp_path):
    # restoreEvent: both topics have a state for the id and the levels differ: the anonymous
    # topic's is used (the node starts CRITICAL), and the named topic is set to it, so the event
    # the named topic then collects has previousLevel CRITICAL, not its own WARNING.
    run_once(store, {"t": script_for(tmp_path)}, "alert value=2 0")  # anonymous: CRITICAL at 0s
    run_once(store, {"other": script_for(tmp_path, topic="cpu", log=False)}, "alert value=1 0")  # cpu: WARNING
    cpu_log = topic_log(store, tmp_path, "cpu")
    [event] = run_once(store, {"t": script_for(tmp_path, topic="cpu")}, "alert value=3 2")
    assert (event.level.name, event.previous_level.name, event.duration) == ("CRITICAL", "CRITICAL", 2 * SECOND)
    assert read_log(cpu_log) == [("CRITICAL", "CRITICAL", 2 * SECOND)]
    assert states(store, "cpu") == [("id", "CRITICAL", 2 * SECOND, 2 * SECOND)]


def test_named_state_is_copied_to_the_anonymous_topic(store, tmp_path):
    # restoreEvent: only the named topic has a state and the node has an anonymous topic: the
    # anonymous topic is set to it (not counted as collected), so the node's handlers see
    # previousLevel CRITICAL and a duration counted from the named topic's event.
    run_once(store, {"t": script_for(tmp_path, topic="cpu", log=False)}, "alert value=2 0")
    assert states(store, "cpu") == [("id", "CRITICAL", 0, 0)]
    [event] = run_once(store, {"t": script_for(tmp_path, topic="cpu")}, "alert value=3 1")
    assert (event.previous_level.name, event.duration) == ("CRITICAL", SECOND)
    assert read_log(tmp_path / "node.log") == [("CRITICAL", "CRITICAL", SECOND)]
    assert states(store, "main:t:alert2") == [("id", "CRITICAL", SECOND, SECOND)]
    assert store.topic("main:t:alert2").collected == 1


def test_anonymous_state_alone_leaves_the_named_topic_alone(store, tmp_path):
    # restoreEvent: only the anonymous topic has a state: nothing is copied, so the node starts
    # CRITICAL while the named topic, collecting the id for the first time, gives previousLevel OK.
    run_once(store, {"t": script_for(tmp_path)}, "alert value=2 0")
    cpu_log = topic_log(store, tmp_path, "cpu")
    [event] = run_once(store, {"t": script_for(tmp_path, topic="cpu")}, "alert value=3 1")
    assert (event.previous_level.name, event.duration) == ("CRITICAL", SECOND)
    assert read_log(cpu_log) == [("CRITICAL", "OK", SECOND)]


def test_same_level_in_both_topics_the_anonymous_time_counts(store, tmp_path):
    # restoreEvent: equal levels: nothing is copied and the anonymous topic's state is used, so
    # the duration counts from its event (0s), not from the named topic's (3s).
    run_once(store, {"t": script_for(tmp_path)}, "alert value=2 0")
    run_once(store, {"other": script_for(tmp_path, topic="cpu", log=False)}, "alert value=2 3")
    [event] = run_once(store, {"t": script_for(tmp_path, topic="cpu")}, "alert value=3 5")
    assert event.duration == 5 * SECOND
    assert states(store, "cpu") == [("id", "CRITICAL", 5 * SECOND, 5 * SECOND)]


def test_events_are_handed_to_the_node_handlers_once(store, tmp_path):
    # the node's own handlers are the anonymous topic's only ones: each event reaches them once,
    # and a handler defined on the anonymous topic (a valid topic id) gets it too.
    anon_log = topic_log(store, tmp_path, "main:t:alert2")
    run_once(store, {"t": script_for(tmp_path)}, "alert value=2 0")
    assert read_log(tmp_path / "node.log") == [("CRITICAL", "OK", 0)]
    assert read_log(anon_log) == [("CRITICAL", "OK", 0)]
