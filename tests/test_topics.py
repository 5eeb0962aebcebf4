"""Topics with a real store and real handlers: what handlers receive, match expressions, topic
state across runs, publish and aggregate routing (on the replay clock), tcp and exec delivery."""

from __future__ import annotations

import io
import json
import sys

import pytest

from tickpy.alert.event import AlertEvent, Level
from tickpy.alert.match import Match, MatchError
from tickpy.alert.topics import TopicRegistry
from tickpy.report import RunReport
from tickpy.services import Services
from tickpy.store import StoredHandler

MS = 1_000_000


def event(alert_id="cpu:nil", level=Level.CRITICAL, time=0, duration=0, message="Hey, check your CPU",
          tags=None, value=5.0, name="cpu", details="", task_name="cpu_alert"):
    """An event as the alert node makes it."""
    row = {"name": name, "columns": ["time", "value"], "values": [[_rfc3339(time), value]]}
    if tags:
        row = {"name": name, "tags": tags, "columns": ["time", "value"], "values": [[_rfc3339(time), value]]}
    return AlertEvent(id=alert_id, message=message, details=details, time=time, duration=duration, level=level,
                      previous_level=Level.OK, recoverable=True, series=[row], task_name=task_name, name=name,
                      tags=dict(tags or {}))


def _rfc3339(ns):
    from tickpy.alert.event import format_time

    return format_time(ns)


def registry_for(store, *handlers, warnings=None):
    for handler in handlers:
        store.define_handler(handler)
    services = Services(report=RunReport())
    services.topics = TopicRegistry(services, store, warnings=warnings if warnings is not None else io.StringIO())
    return services


def logged(path):
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def test_every_handler_of_the_topic_gets_the_events(store, tmp_path):
    services = registry_for(store,
                            StoredHandler("cpu", "a", "log", "", {"path": str(tmp_path / "a.log")}),
                            StoredHandler("cpu", "b", "log", "", {"path": str(tmp_path / "b.log")}),
                            StoredHandler("mem", "c", "log", "", {"path": str(tmp_path / "c.log")}))
    services.topics.publish("cpu", event())
    services.topics.finish()
    assert [e["id"] for e in logged(tmp_path / "a.log")] == ["cpu:nil"]
    assert [e["id"] for e in logged(tmp_path / "b.log")] == ["cpu:nil"]
    assert logged(tmp_path / "c.log") == []


def test_previous_level_and_changed_come_from_the_topic(store, tmp_path):
    # alert/topics.go: collect() gives the event the previous state of the same id in the topic
    services = registry_for(store, StoredHandler("cpu", "changes", "log", "changed()",
                                                 {"path": str(tmp_path / "changes.log")}))
    for level, time in ((Level.CRITICAL, 1), (Level.CRITICAL, 2), (Level.OK, 3)):
        services.topics.publish("cpu", event(level=level, time=time))
    services.topics.finish()
    assert [(e["level"], e["previousLevel"]) for e in logged(tmp_path / "changes.log")] == [
        ("CRITICAL", "OK"), ("OK", "CRITICAL")]


def test_topic_state_is_kept_between_runs(store, tmp_path):
    handler = StoredHandler("cpu", "changes", "log", "changed()", {"path": str(tmp_path / "changes.log")})
    first = registry_for(store, handler)
    first.topics.publish("cpu", event(alert_id="cpu:host=a", level=Level.CRITICAL, time=1))
    first.topics.publish("cpu", event(alert_id="cpu:host=b", level=Level.WARNING, time=2))
    first.topics.publish("cpu", event(alert_id="cpu:host=b", level=Level.OK, time=3))
    first.topics.finish()
    assert [(e.id, e.level) for e in store.topic_events("cpu")] == [("cpu:host=a", "CRITICAL")]
    assert store.topic("cpu").collected == 3
    second = registry_for(store)  # a new run, as Kapacitor restarting restores its topics
    second.topics.publish("cpu", event(alert_id="cpu:host=a", level=Level.CRITICAL, time=4))
    second.topics.finish()
    assert len(logged(tmp_path / "changes.log")) == 3  # the fourth event did not change
    assert store.topic("cpu").collected == 4


def test_match_filters_by_level_and_tags_and_a_missing_tag_is_reported(store, tmp_path):
    services = registry_for(store, StoredHandler("cpu", "web", "log", "level() >= WARNING AND \"host\" =~ /^web/",
                                                 {"path": str(tmp_path / "web.log")}))
    services.topics.publish("cpu", event(alert_id="a", tags={"host": "web01"}))
    services.topics.publish("cpu", event(alert_id="b", tags={"host": "db01"}))
    services.topics.publish("cpu", event(alert_id="c", tags={"host": "web02"}, level=Level.INFO))
    services.topics.publish("cpu", event(alert_id="d"))
    services.topics.finish()
    assert [e["id"] for e in logged(tmp_path / "web.log")] == ["a"]
    assert services.report.failures == ["handler cpu/web: failed to evaluate match expression: no tag exists for host"]


def test_match_expressions_follow_kapacitors_functions_and_types():
    hot = event(level=Level.CRITICAL, duration=6 * 60 * 10**9, tags={"host": "serverA"})
    assert Match("level() == CRITICAL AND name() == 'cpu' AND taskName() == 'cpu_alert'")(hot)
    assert Match("alertDuration() > 5m")(hot)
    assert Match('changed() AND "host" == \'serverA\'')(hot)
    assert not Match("level() < WARNING OR !changed()")(hot)
    assert Match("")(hot)
    with pytest.raises(MatchError, match="mismatched type to binary operator. got int == string"):
        Match("level() == 'CRITICAL'")(hot)
    with pytest.raises(MatchError, match="unexpected type int"):
        Match("level()")(hot)


def test_match_expressions_are_kapacitors_lambdas():
    # services/alert/handlers.go runs `match` with tick/stateful's evaluator (EvalBool), so its
    # rules and texts are a where lambda's (tick/ast/types.go names the boolean type "boolean")
    hot = event(level=Level.CRITICAL, duration=6 * 60 * 10**9, tags={"host": "serverA"})
    with pytest.raises(MatchError) as error:
        Match("changed() < changed()")(hot)
    assert str(error.value) == "invalid comparison operator < for type boolean"
    with pytest.raises(MatchError) as error:
        Match("level()")(hot)
    assert str(error.value) == "TypeGuard: expression returned unexpected type int, expected boolean"
    assert Match("alertDuration() * 2 > 10m")(hot)  # duration * int is a duration
    # every tag the expression names is looked up before it is evaluated (handlers.go match)
    with pytest.raises(MatchError) as error:
        Match('level() == CRITICAL OR "dc" == \'east\'')(hot)
    assert str(error.value) == "no tag exists for dc"


def test_publish_forwards_to_other_topics_and_a_circle_is_cut(store, tmp_path):
    services = registry_for(store,
                            StoredHandler("cpu", "fwd", "publish", "", {"topics": ["all"]}),
                            StoredHandler("all", "back", "publish", "", {"topics": ["cpu"]}),
                            StoredHandler("all", "log", "log", "", {"path": str(tmp_path / "all.log")}))
    services.topics.publish("cpu", event())
    services.topics.finish()
    assert [e["id"] for e in logged(tmp_path / "all.log")] == ["cpu:nil"]
    assert services.report.failures == [
        "topic cpu: not publishing event 'cpu:nil' in a circle: cpu -> all -> cpu"]
    assert (store.topic("cpu").collected, store.topic("all").collected) == (1, 1)


def test_aggregate_then_tcp_as_in_kapacitors_server_test(store, tcp):
    # server/server_test.go TestServer_AlertAggregate: three critical events with message
    # 'message' gathered for 100ms give one event id-agg to topic tcp, sent by its tcp handler.
    services = registry_for(
        store,
        StoredHandler("agg", "aggregate_handler", "aggregate", "",
                      {"id": "id-agg", "interval": 100 * MS, "topic": "tcp"}),
        StoredHandler("tcp", "tcp_handler", "tcp", "", {"address": tcp.address}))
    topics = services.topics
    for time, value in ((0, 3.0), (1 * MS, 4.0), (2 * MS, 2.0)):
        topics.advance(time)
        topics.publish("agg", event(alert_id="id", message="message", details="details", time=time,
                                    duration=time, value=value, name="alert"))
    topics.advance(99 * MS)
    assert tcp.connections == []
    # the tcp topic collects the summary when it is published, before any connection is made:
    # nothing there at 99ms, whatever the network is doing
    assert topics.found_state("tcp", "id-agg") is None
    topics.advance(100 * MS)
    assert topics.found_state("tcp", "id-agg").level == "CRITICAL"
    topics.finish()
    [sent] = tcp.wait_for(1)
    assert sent.endswith(b"}\n\n")  # json.Encoder's newline, then the handler's own
    assert json.loads(sent) == {
        "id": "id-agg", "message": "Received 3 events in the last 100ms.", "details": "message\nmessage\nmessage",
        "time": "1970-01-01T00:00:00.002Z", "duration": 2 * MS, "level": "CRITICAL",
        "data": {"series": [
            {"name": "alert", "columns": ["time", "value"], "values": [["1970-01-01T00:00:00Z", 3]]},
            {"name": "alert", "columns": ["time", "value"], "values": [["1970-01-01T00:00:00.001Z", 4]]},
            {"name": "alert", "columns": ["time", "value"], "values": [["1970-01-01T00:00:00.002Z", 2]]}]},
        "previousLevel": "OK", "recoverable": False}
    [state] = store.topic_events("tcp")
    assert (state.id, state.level, state.message, state.details, state.time, state.duration) == (
        "id-agg", "CRITICAL", "Received 3 events in the last 100ms.", "message\nmessage\nmessage", 2 * MS, 2 * MS)


def test_aggregate_message_template_and_dropped_leftovers(store, tmp_path):
    warnings = io.StringIO()
    services = registry_for(
        store,
        StoredHandler("500-errors", "500-errors-24h", "aggregate", "",
                      {"interval": "24h", "topic": "500-errors-24h",
                       "message": "{{ .Count }} 500 errors last 24 hours."}),
        StoredHandler("500-errors-24h", "log", "log", "", {"path": str(tmp_path / "daily.log")}),
        warnings=warnings)
    hour = 3600 * 10**9
    topics = services.topics
    topics.advance(0)
    for time in (1 * hour, 5 * hour, 23 * hour, 25 * hour):
        topics.advance(time)
        topics.publish("500-errors", event(alert_id="errors", level=Level.INFO, time=time, message="500s"))
    topics.finish()
    [daily] = logged(tmp_path / "daily.log")
    assert (daily["id"], daily["message"], daily["level"]) == ("", "3 500 errors last 24 hours.", "INFO")
    assert "500-errors/500-errors-24h: 1 event(s) still gathering" in warnings.getvalue()


def test_exec_runs_the_program_with_the_event_on_stdin(store, tmp_path):
    out = tmp_path / "stdin.json"
    copy = f"import sys; open({str(out)!r}, 'w').write(sys.stdin.read())"
    services = registry_for(store, StoredHandler("cpu", "run", "exec", "",
                                                 {"prog": sys.executable, "args": ["-c", copy]}))
    services.topics.publish("cpu", event())
    services.topics.finish()
    assert json.loads(out.read_text())["message"] == "Hey, check your CPU"
    assert services.report.deliveries_ok[f"exec {sys.executable}"] == 1


def test_a_handler_that_cannot_be_built_is_reported_once_and_skipped(store, tmp_path):
    warnings = io.StringIO()
    services = registry_for(store,
                            StoredHandler("cpu", "po", "pushover", "", {"sound": "siren"}),
                            StoredHandler("cpu", "log", "log", "", {"path": str(tmp_path / "cpu.log")}),
                            warnings=warnings)
    services.topics.publish("cpu", event())
    services.topics.finish()
    assert "topic handler cpu/po not loaded" in warnings.getvalue() and "pushover" in warnings.getvalue()
    assert len(logged(tmp_path / "cpu.log")) == 1
