"""Kapacitor's own alert node and alert handler tests, run through tickpy.

Each test follows one Go test (named in the test) of integrations/streamer_test.go,
integrations/batcher_test.go or server/server_test.go: the same script, the same recording
(integrations/testdata/<name>.srpl, moved so that its first point is at 1971-01-01T00:00:00Z, as
Kapacitor's replay does), the same handler configuration, and the same expectation on what was
delivered: the HTTP request the Go test server decodes (here compared byte for byte where
Kapacitor's encoding fixes the bytes), the lines of a log file, the bytes on a TCP connection, a
program's stdin, the state a topic keeps. Where a Go test reads an httpOut, the alert node's
last output is compared instead.

Scripts run in-process with real delivery (tests/fake_services.py `services_for`) against real
servers on 127.0.0.1, and topic handlers live in a real store.
"""

from __future__ import annotations

import json
import os
import socket
import stat
import threading

import pytest

from fake_services import LocalTCPServer, load_config_text, services_for
from kapacitor_recordings import (ALERT_RECORDING, ALERT_SIGMA_RECORDING, CPU_TOTAL, SERVER_A_WINDOWS,
                                  STATE_CHANGES_ONLY, feed_means, recording)
from pipeline_harness import SECOND, Capture, at, kapacitor_lines
from tickpy.alert.topics import TopicRegistry
from tickpy.config import ConfigError
from tickpy.lang.errors import TickError
from tickpy.lang.parser import parse
from tickpy.pipeline.build import build_task
from tickpy.replay import replay_lines
from tickpy.store import StoredHandler, open_store

# integrations/testdata/TestStream_Alert.srpl and TestStream_AlertSigma.srpl
ALERT_LINES = recording(ALERT_RECORDING)
SIGMA_LINES = recording(ALERT_SIGMA_RECORDING)

# The part every TestStream_Alert* script shares: serverA's cpu points counted per 10s window.
COUNT_PER_WINDOW = SERVER_A_WINDOWS + """    |count('value')
"""

LEVELS = """
        .info(lambda: "count" > 6.0)
        .warn(lambda: "count" > 7.0)
        .crit(lambda: "count" > 8.0)
"""


def kept_states(store, topic: str) -> list[tuple]:
    """What a topic keeps of each alert's last event: id, level, message, details, time,
    duration."""
    return [(e.id, e.level, e.message, e.details, e.time, e.duration) for e in store.topic_events(topic)]


def run_script(tmp_path, script: str, config_text: str = "", lines: list[str] = ALERT_LINES, *,
               task_name: str = "TestStream_Alert", store=None, precision: str = "ns") -> Capture:
    """Replay `lines` through `script` with real delivery, the topics kept in `store` when one is
    given (one run is a Kapacitor server's life between restarts). Returns what the script's
    last node emitted (where the Go tests hang an httpOut, which tickpy does not have), once
    every delivery is done, none given up and no handler failure reported."""
    services = services_for(load_config_text(tmp_path, config_text))
    if store is not None:
        services.topics = TopicRegistry(services, store)
    task = build_task(parse(script, "test.tick"), task_name, services, "test.tick")
    capture = Capture()
    task.nodes[-1].add_child(capture)
    replay_lines(lines, "data.lp", [task], services, precision=precision)  # finishing closes handlers
    assert services.delivery.close(timeout=10) == []
    assert services.report.failures() == []
    return capture


def critical_count_data(id_: str) -> dict:
    """The one alert.Data every TestStream_Alert handler test expects: serverA's first window
    holds 10 points, more than the crit threshold of 8 (details set to '' by the scripts)."""
    return {
        "id": id_,
        "message": f"{id_} is CRITICAL",
        "details": "",
        "time": "1971-01-01T00:00:10Z",
        "duration": 0,
        "level": "CRITICAL",
        "data": {"series": [{"name": "cpu", "tags": {"host": "serverA"}, "columns": ["time", "count"],
                             "values": [["1971-01-01T00:00:10Z", 10]]}]},
        "previousLevel": "OK",
        "recoverable": True,
    }


# -- Pushover and Discord ------------------------------------------------------------------------


def test_stream_alert_pushover(fake, tmp_path):
    # follows TestStream_AlertPushover: two handlers, each sends the one CRITICAL event with its
    # own device/title/sound/url fields and the configured token and user key
    script = COUNT_PER_WINDOW + """
    |alert()
        .id('{{ index .Tags "host" }}')
        .message('kapacitor/{{ .Name }}/{{ index .Tags "host" }} is {{ .Level }} @{{.Time}}')
""" + LEVELS + """
        .pushover()
            .sound('siren')
            .device('mydev')
            .title('mytitle')
            .URL('http://example.com')
            .URLTitle('myurltitle')
        .pushover()
            .title('othertitle')
            .device('otherdev')
"""
    config = f"""
[pushover]
  enabled = true
  url = "{fake.pushover_url}"
  user-key = "user"
  token = "KzGDORePKggMaC0QOYAMyEEuzJnyUi"
"""
    run_script(tmp_path, script, config)
    message = "kapacitor/cpu/serverA is CRITICAL @1971-01-01 00:00:10 +0000 UTC"
    common = {"token": "KzGDORePKggMaC0QOYAMyEEuzJnyUi", "user": "user", "message": message,
              "priority": "1"}
    got = sorted((r.form() for r in fake.requests), key=lambda form: form["title"])
    assert got == [
        {**common, "device": "mydev", "sound": "siren", "title": "mytitle", "url": "http://example.com",
         "url_title": "myurltitle"},
        {**common, "device": "otherdev", "title": "othertitle"},
    ]
    # Go's url.Values.Encode: keys sorted, empty fields left out, QueryEscape'd values
    assert sorted(r.body for r in fake.requests)[0] == (
        b"device=mydev&message=kapacitor%2Fcpu%2FserverA+is+CRITICAL+%401971-01-01+00%3A00%3A10+%2B0000+UTC"
        b"&priority=1&sound=siren&title=mytitle&token=KzGDORePKggMaC0QOYAMyEEuzJnyUi"
        b"&url=http%3A%2F%2Fexample.com&url_title=myurltitle&user=user")


def test_stream_alert_discord(fake, tmp_path):
    # follows TestStream_AlertDiscord: the first handler goes to workspace company_private and
    # takes its username; the second goes to the default workspace with its own username.
    # Neither workspace sets a title or timestamps, so both are empty.
    script = COUNT_PER_WINDOW + """
    |alert()
        .id('kapacitor/{{ .Name }}/{{ index .Tags "host" }}')
""" + LEVELS + """
        .discord()
        .workspace('company_private')
        .discord()
        .username('testy')
"""
    # The Go test builds the service directly; from a kapacitor.conf Kapacitor's
    # Configs.Validate wants every workspace named when there are several ("id must not be
    # empty"), so the default one is named here. It is still the one `.discord()` without
    # `.workspace()` goes to.
    config = f"""
[[discord]]
  enabled = true
  default = true
  workspace = "default_workspace"
  url = "{fake.base_url}/test/discord/url"

[[discord]]
  enabled = true
  workspace = "company_private"
  username = "comp testy"
  url = "{fake.base_url}/test/discord/url2"
"""
    # Discord answers 204 (Kapacitor counts anything else as a failure; the Go test server's
    # 200 makes Kapacitor log one, which that test does not look at)
    fake.answer("/test/discord/url", 204, times=2)
    run_script(tmp_path, script, config)
    # Kapacitor encodes a map (keys sorted) holding the embed struct (fields in struct order),
    # with Go's encoder: every key present, a newline at the end
    embed = ('"embeds":[{"color":16342867,"title":"","description":"kapacitor/cpu/serverA is CRITICAL",'
             '"timestamp":""}]')
    got = sorted((r.path, r.body.decode()) for r in fake.requests)
    assert got == [
        ("/test/discord/url", '{"avatar_url":"",' + embed + ',"username":"testy"}\n'),
        ("/test/discord/url2", '{"avatar_url":"",' + embed + ',"username":"comp testy"}\n'),
    ]
    assert json.loads(got[0][1])["embeds"][0]["color"] == 0xF95F53


# -- log, post, tcp, exec --------------------------------------------------------------------------

# What Kapacitor's log, tcp and exec handlers write for that event: json.NewEncoder(w).Encode of
# alert.Data (fields in struct order, a newline at the end); TestStream_AlertExec builds it with
# json.Marshal plus '\n'.
CRITICAL_COUNT_LINE = (
    '{"id":"kapacitor.cpu.serverA","message":"kapacitor.cpu.serverA is CRITICAL","details":"",'
    '"time":"1971-01-01T00:00:10Z","duration":0,"level":"CRITICAL","data":{"series":[{"name":"cpu",'
    '"tags":{"host":"serverA"},"columns":["time","count"],"values":[["1971-01-01T00:00:10Z",10]]}]},'
    '"previousLevel":"OK","recoverable":true}\n')

ALERT_WITH_DOT_ID = COUNT_PER_WINDOW + """
    |alert()
        .id('kapacitor.{{ .Name }}.{{ index .Tags "host" }}')
        .details('')
""" + LEVELS


def test_expected_alert_line_is_the_expected_alert_data():
    # the two ways this file writes TestStream_Alert's expected event say the same thing
    assert json.loads(CRITICAL_COUNT_LINE) == critical_count_data("kapacitor.cpu.serverA")


def test_stream_alert_log(tmp_path):
    # follows TestStream_AlertLog: each file gets the one event as a JSON line; the file is
    # created 0600 by default and 0644 with .mode(0644)
    normal, mode = tmp_path / "normal.log", tmp_path / "mode.log"
    script = ALERT_WITH_DOT_ID + f"""
        .log('{normal}')
        .log('{mode}')
            .mode(0644)
"""
    run_script(tmp_path, script)
    assert normal.read_text() == CRITICAL_COUNT_LINE
    assert mode.read_text() == CRITICAL_COUNT_LINE
    umask = _current_umask()
    assert stat.S_IMODE(os.stat(normal).st_mode) == 0o600 & ~umask
    assert stat.S_IMODE(os.stat(mode).st_mode) == 0o644 & ~umask


def _current_umask() -> int:
    """The process umask (Go's os.OpenFile is subject to it too), read from /proc when it can
    be, without changing it."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except OSError:
        pass
    return 0o022


def test_stream_alert_http_post(fake, tmp_path):
    # follows TestStream_AlertHTTPPost: one POST of the event's alert.Data JSON to the URL
    script = ALERT_WITH_DOT_ID + f"""
        .post('{fake.base_url}')
"""
    run_script(tmp_path, script)
    [request] = fake.requests
    assert (request.method, request.path) == ("POST", "/")
    assert request.headers["content-type"] == "application/json"
    assert request.body.decode() == CRITICAL_COUNT_LINE


def test_stream_alert_http_post_endpoint(fake, tmp_path):
    # follows TestStream_AlertHTTPPostEndpoint: .post().endpoint('test') posts to the [[httppost]]
    # endpoint's URL with its headers
    script = ALERT_WITH_DOT_ID + """
        .post()
         .endpoint('test')
"""
    config = f"""
[[httppost]]
  endpoint = "test"
  url = "{fake.base_url}"
  [httppost.headers]
    Authorization = "works"
"""
    run_script(tmp_path, script, config)
    [request] = fake.requests
    assert (request.method, request.path) == ("POST", "/")
    assert request.headers["authorization"] == "works"
    assert request.body.decode() == CRITICAL_COUNT_LINE


def test_stream_alert_tcp(tmp_path, tcp):
    # follows TestStream_AlertTCP: one connection carrying the event's JSON
    run_script(tmp_path, ALERT_WITH_DOT_ID + f"        .tcp('{tcp.address}')\n")
    connections = tcp.wait_for(1)
    tcp.close()
    # Kapacitor's tcp handler encodes the event (newline included) and adds one more newline
    assert connections == [(CRITICAL_COUNT_LINE + "\n").encode()]
    assert tcp.connections == connections  # and nothing more


def recording_program(path):
    """A shell script standing for a Go test's program: it keeps its arguments, one a line, in
    <path>.args and its standard input in <path>.stdin."""
    path.write_text('#!/bin/sh\nprintf "%s\\n" "$@" > "$0.args"\ncat > "$0.stdin"\n')
    path.chmod(0o755)
    return path


def test_stream_alert_exec(tmp_path):
    # follows TestStream_AlertExec: each program runs once, with its arguments, the event's JSON
    # on its standard input. The Go test's /bin/my-script and /bin/my-other-script are played by
    # two shell scripts that keep their arguments and input next to themselves.
    programs = [recording_program(tmp_path / name) for name in ("my-script", "my-other-script")]
    script = ALERT_WITH_DOT_ID + f"""
        .exec('{programs[0]}', 'arg1', 'arg2')
        .exec('{programs[1]}')
"""
    run_script(tmp_path, script)
    for program, args in zip(programs, (["arg1", "arg2"], [])):
        assert (tmp_path / f"{program.name}.args").read_text().split() == args
        assert (tmp_path / f"{program.name}.stdin").read_text() == CRITICAL_COUNT_LINE


# -- the alert node over a lambda with state ---------------------------------------------------


def test_stream_alert_sigma(fake, tmp_path):
    # follows TestStream_AlertSigma: serverA's 16.0 at 00:00:07 is 2.47 sigmas away (INFO); the
    # next point recovers after 1s. Two posts, in that order.
    script = f"""
stream
    |from()
        .measurement('cpu')
        .where(lambda: "host" == 'serverA')
    |eval(lambda: sigma("value"))
        .as('sigma')
        .keep()
    |alert()
        .details('{{{{ .Message }}}}')
        .info(lambda: "sigma" > 2.0)
        .warn(lambda: "sigma" > 3.0)
        .crit(lambda: "sigma" > 3.5)
        .post('{fake.base_url}')
"""
    run_script(tmp_path, script, lines=SIGMA_LINES, task_name="TestStream_AlertSigma")

    def data(level, previous, second, duration, sigma, value):
        return {
            "id": "cpu:nil", "message": f"cpu:nil is {level}", "details": f"cpu:nil is {level}",
            "time": f"1971-01-01T00:00:0{second}Z", "duration": duration, "level": level,
            "data": {"series": [{"name": "cpu", "tags": {"host": "serverA", "type": "idle"},
                                 "columns": ["time", "sigma", "value"],
                                 "values": [[f"1971-01-01T00:00:0{second}Z", sigma, value]]}]},
            "previousLevel": previous, "recoverable": True,
        }

    assert [r.json() for r in fake.requests] == [
        data("INFO", "OK", 7, 0, 2.469916402324427, 16.0),
        data("OK", "INFO", 8, 1_000_000_000, 0.3053477916297622, 93.4),
    ]


# -- a post that times out -------------------------------------------------------------------------


class HeldServer(LocalTCPServer):
    """An HTTP server on 127.0.0.1 that accepts connections and answers only once released, as
    the Go test's server that sleeps before answering."""

    def __init__(self):
        self.release = threading.Event()
        super().__init__()
        self.url = f"http://{self.address}"

    def handle(self, connection: socket.socket) -> None:
        threading.Thread(target=self._hold, args=(connection,), daemon=True).start()

    def _hold(self, connection: socket.socket) -> None:
        with connection:
            self.release.wait(10)
            try:
                connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            except OSError:
                pass

    def close(self) -> None:
        self.release.set()
        super().close()


def test_batch_alert_post_timeout(tmp_path):
    # follows TestBatch_AlertPost_Timeout (batcher_test.go): stateChangesOnly over the
    # TestBatch_AlertPostTimeout batches (the cpu-total batches of TestBatch_AlertStateChangesOnly)
    # posts to a server that does not answer in time; .timeout(1ms) gives up on each request
    # instead of waiting for the server, so the run ends. Batches are fed straight into the
    # task (tests/kapacitor_recordings.py feed_means; tickpy runs no batch queries).
    server = HeldServer()
    try:
        script = STATE_CHANGES_ONLY + f"\n        .post('{server.url}').timeout(1ms)\n"
        services = services_for(load_config_text(tmp_path, ""), max_attempts=1)
        task = build_task(parse(script, "test.tick"), "TestBatch_AlertPostTimeout", services, "test.tick")
        feed_means(task, CPU_TOTAL, {"cpu": "cpu-total"})
        task.finish()
        undelivered = services.delivery.close(timeout=30)
    finally:
        server.close()
    # both events (CRITICAL, then OK) were sent and each is reported as not delivered (one
    # attempt each here: Kapacitor's post handler does not retry; tickpy's delivery would)
    assert [line.split(": not delivered")[0] for line in undelivered] == [
        "post: alert cpu_usage_idle:cpu=cpu-total CRITICAL at 2015-10-30T17:14:12Z",
        "post: alert cpu_usage_idle:cpu=cpu-total OK at 2015-10-30T17:14:50Z",
    ]
    # (Kapacitor logs Go's 'context deadline exceeded'; tickpy's report says httpx's words)
    assert all(line.endswith(f"POST {server.url}: timed out") for line in undelivered), undelivered


# -- the alert node: levels, resets, durations, state changes, flapping --------------------------


def server_a_lines(values: list[float], tags: str = "type=idle,host=serverA") -> list[str]:
    """A recording of serverA's cpu value, one point a second from second 1, moved as
    Kapacitor's replay moves it. (The serverB/serverC/disk lines some recordings also hold are
    left out: the scripts' where() filters them out.)"""
    return kapacitor_lines("\n".join(f"cpu,{tags} value={value} {second:010d}"
                                      for second, value in enumerate(values, start=1)))


def alert_data(*, id_: str, level: str, previous: str, second: int, duration: int, row: dict,
               details: str = "", recoverable: bool = True) -> dict:
    """An alert.Data as the Go tests write it, decoded from JSON: `second` counts from
    1971-01-01T00:00:00Z, `duration` is in seconds, `row` is the one series row without its
    time column (columns in Kapacitor's order: time first, then the fields sorted)."""
    stamp = f"1971-01-01T00:00:{second:02d}Z"
    return {
        "id": id_, "message": f"{id_} is {level}", "details": details, "time": stamp,
        "duration": duration * SECOND, "level": level,
        "data": {"series": [{"name": "cpu", "tags": row["tags"], "columns": ["time", *row["fields"]],
                             "values": [[stamp, *row["fields"].values()]]}]},
        "previousLevel": previous, "recoverable": recoverable,
    }


def server_a_value_events(events: list[tuple], *, tags: dict, details: str = "details",
                          recoverable: bool = True) -> list[dict]:
    """The alert.Data of each (level, previous level, second, duration in seconds, value) of the
    alerts on serverA's value: id kapacitor/cpu/serverA, one series row with a `value` column."""
    return [alert_data(id_="kapacitor/cpu/serverA", level=level, previous=previous, second=second,
                       duration=duration, details=details, recoverable=recoverable,
                       row={"tags": tags, "fields": {"value": value}})
            for level, previous, second, duration, value in events]


def test_stream_alert(fake, tmp_path):
    # follows TestStream_Alert: one CRITICAL post; what the alert node passes on carries the id
    # and level as tags and fields, and the message as a field
    script = f"""
var infoThreshold = 6.0
var warnThreshold = 7.0
var critThreshold = 8.0
{COUNT_PER_WINDOW}
    |alert()
        .id('kapacitor/{{{{ .Name }}}}/{{{{ index .Tags "host" }}}}')
        .details('details')
        .idField('id')
        .idTag('id')
        .levelField('level')
        .messageField('msg')
        .levelTag('level')
        .info(lambda: "count" > infoThreshold)
        .warn(lambda: "count" > warnThreshold)
        .crit(lambda: "count" > critThreshold)
        .post('{fake.base_url}')
"""
    capture = run_script(tmp_path, script)
    assert [r.json() for r in fake.requests] == [
        alert_data(id_="kapacitor/cpu/serverA", level="CRITICAL", previous="OK", second=10, duration=0,
                   details="details", row={"tags": {"host": "serverA"}, "fields": {"count": 10}})]
    [last] = capture.points
    assert (last.name, last.time) == ("cpu", at(10))
    assert last.tags == {"host": "serverA", "level": "CRITICAL", "id": "kapacitor/cpu/serverA"}
    assert last.fields == {"count": 10, "id": "kapacitor/cpu/serverA", "level": "CRITICAL",
                           "msg": "kapacitor/cpu/serverA is CRITICAL"}


# integrations/testdata/TestStream_Alert_NoRecoveries.srpl
NO_RECOVERIES_LINES = server_a_lines([7, 2, 6, 7, 7, 8, 2, 6, 3, 5, 4, 5], tags="host=serverA")


def test_stream_alert_no_recoveries(fake, tmp_path):
    # follows TestStream_Alert_NoRecoveries: the OK events (at 1s and 6s) are not sent, and every
    # event says it is not recoverable; the level and duration go on as without .noRecoveries()
    script = f"""
var infoThreshold = 6.0
var warnThreshold = 7.0
var critThreshold = 8.0

stream
    |from()
        .measurement('cpu')
        .groupBy('host')
    |alert()
        .id('kapacitor/{{{{ .Name }}}}/{{{{ index .Tags "host" }}}}')
        .details('')
        .info(lambda: "value" >= infoThreshold)
        .warn(lambda: "value" >= warnThreshold)
        .crit(lambda: "value" >= critThreshold)
        .noRecoveries()
        .post('{fake.base_url}')
"""
    capture = run_script(tmp_path, script, lines=NO_RECOVERIES_LINES, task_name="TestStream_Alert_NoRecoveries")
    assert [r.json() for r in fake.requests] == server_a_value_events([
        ("WARNING", "OK", 0, 0, 7),
        ("INFO", "WARNING", 2, 0, 6),
        ("WARNING", "INFO", 3, 1, 7),
        ("WARNING", "WARNING", 4, 2, 7),
        ("CRITICAL", "WARNING", 5, 3, 8),
        ("INFO", "CRITICAL", 7, 0, 6),
    ], tags={"host": "serverA"}, details="", recoverable=False)
    # httpOut's last result: the INFO point at 7s, passed on unchanged
    last = capture.points[-1]
    assert (last.time, last.tags, last.fields) == (at(7), {"host": "serverA"}, {"value": 6})


def _with_reset_script(url: str, resets: tuple[float, float, float]) -> str:
    info_reset, warn_reset, crit_reset = resets
    return f"""
var infoThreshold = 40.0
var warnThreshold = 60.0
var critThreshold = 80.0

var infoResetThreshold = {info_reset}
var warnResetThreshold = {warn_reset}
var critResetThreshold = {crit_reset}

stream
    |from()
        .measurement('cpu')
        .where(lambda: "host" == 'serverA')
        .groupBy('host')
    |alert()
        .id('kapacitor/{{{{ .Name }}}}/{{{{ index .Tags "host" }}}}')
        .details('details')
        .idField('id')
        .idTag('id')
        .levelField('level')
        .levelTag('level')
        .info(lambda: "value" > infoThreshold)
        .infoReset(lambda: "value" < infoResetThreshold)
        .warn(lambda: "value" > warnThreshold)
        .warnReset(lambda: "value" < warnResetThreshold)
        .crit(lambda: "value" > critThreshold)
        .critReset(lambda: "value" < critResetThreshold)
        .post('{url}')
"""


@pytest.mark.parametrize("resets, values, expected", [
    # integrations/testdata/TestStream_Alert_WithReset_0.srpl (serverA): a level holds until its
    # reset lambda is true, even below its threshold
    pytest.param((10.0, 20.0, 30.0), [45.0, 40.0, 30.0, 9.0, 45.0, 61.0, 30.0, 19.0, 45.0, 61.0, 81.0, 29.0], [
        ("INFO", "OK", 0, 0, 45.0),
        ("INFO", "INFO", 1, 1, 40.0),
        ("INFO", "INFO", 2, 2, 30.0),
        ("OK", "INFO", 3, 3, 9.0),
        ("INFO", "OK", 4, 0, 45.0),
        ("WARNING", "INFO", 5, 1, 61.0),
        ("WARNING", "WARNING", 6, 2, 30.0),
        ("OK", "WARNING", 7, 3, 19.0),
        ("INFO", "OK", 8, 0, 45.0),
        ("WARNING", "INFO", 9, 1, 61.0),
        ("CRITICAL", "WARNING", 10, 2, 81.0),
        ("OK", "CRITICAL", 11, 3, 29.0),
    ], id="TestStream_Alert_WithReset_0"),
    # resets above the next level's threshold step the level down one at a time
    # (CRITICAL -> WARNING -> INFO -> OK)
    pytest.param((30.0, 50.0, 70.0), [45.0, 40.0, 30.0, 29.0, 45.0, 61.0, 49.0, 29.0, 45.0, 61.0, 81.0, 69.0,
                                      50.0, 41.0, 25.0], [
        ("INFO", "OK", 0, 0, 45.0),
        ("INFO", "INFO", 1, 1, 40.0),
        ("INFO", "INFO", 2, 2, 30.0),
        ("OK", "INFO", 3, 3, 29.0),
        ("INFO", "OK", 4, 0, 45.0),
        ("WARNING", "INFO", 5, 1, 61.0),
        ("INFO", "WARNING", 6, 2, 49.0),
        ("OK", "INFO", 7, 3, 29.0),
        ("INFO", "OK", 8, 0, 45.0),
        ("WARNING", "INFO", 9, 1, 61.0),
        ("CRITICAL", "WARNING", 10, 2, 81.0),
        ("WARNING", "CRITICAL", 11, 3, 69.0),
        ("WARNING", "WARNING", 12, 4, 50.0),
        ("INFO", "WARNING", 13, 5, 41.0),
        ("OK", "INFO", 14, 6, 25.0),
    ], id="TestStream_Alert_WithReset_1"),
])
def test_stream_alert_with_reset(fake, tmp_path, request, resets, values, expected):
    # follows the Go test named by the case's id; its last output is the last point, recovered
    capture = run_script(tmp_path, _with_reset_script(fake.base_url, resets),
                         lines=server_a_lines(values, tags="type=usage,host=serverA"),
                         task_name=request.node.callspec.id)
    assert [r.json() for r in fake.requests] == server_a_value_events(expected, tags={"host": "serverA", "type": "usage"})
    last = capture.points[-1]
    assert (last.time, last.tags, last.fields) == (
        at(len(values) - 1), {"host": "serverA", "level": "OK", "id": "kapacitor/cpu/serverA", "type": "usage"},
        {"id": "kapacitor/cpu/serverA", "level": "OK", "value": values[-1]})


def test_stream_alert_duration(fake, tmp_path):
    # follows TestStream_AlertDuration: with stateChangesOnly, five changes; the duration counts
    # from the first non-OK event, and durationField puts it on the point (in nanoseconds)
    lines = server_a_lines([9, 9, 8, 8, 6, 8, 8, 8, 3, 5, 7, 7])
    script = f"""
var warnThreshold = 7.0
var critThreshold = 8.0

stream
    |from()
        .measurement('cpu')
        .where(lambda: "host" == 'serverA')
        .groupBy('host')
    |alert()
        .id('kapacitor/{{{{ .Name }}}}/{{{{ index .Tags "host" }}}}')
        .details('details')
        .durationField('duration')
        .warn(lambda: "value" > warnThreshold)
        .crit(lambda: "value" > critThreshold)
        .stateChangesOnly()
        .post('{fake.base_url}')
"""
    capture = run_script(tmp_path, script, lines=lines, task_name="TestStream_AlertDuration")
    assert [r.json() for r in fake.requests] == server_a_value_events([
        ("CRITICAL", "OK", 0, 0, 9),
        ("WARNING", "CRITICAL", 2, 2, 8),
        ("OK", "WARNING", 4, 4, 6),
        ("WARNING", "OK", 5, 0, 8),
        ("OK", "WARNING", 8, 3, 3),
    ], tags={"host": "serverA", "type": "idle"})
    # httpOut's last result: the OK point at 8s with duration 3s
    last = capture.points[-1]
    assert (last.time, last.tags, last.fields) == (
        at(8), {"host": "serverA", "type": "idle"}, {"duration": 3 * SECOND, "value": 3})


# integrations/testdata/TestStream_AlertStateChangesOnly.srpl and TestStream_AlertFlapping.srpl
# (the same values)
STATE_CHANGES_VALUES = [97.1, 92.6, 95.6, 93.1, 92.6, 95.8, 92.7, 96.0, 93.4, 95.3, 92.4, 95.1]


def test_stream_alert_state_changes_only(fake, tmp_path):
    # follows TestStream_AlertStateChangesOnly: 4 points below 93, each alone, so 8 changes
    script = f"""
stream
    |from()
        .measurement('cpu')
    |alert()
        .crit(lambda: "value" < 93)
        .stateChangesOnly()
        .post('{fake.base_url}')
"""
    run_script(tmp_path, script, lines=server_a_lines(STATE_CHANGES_VALUES),
               task_name="TestStream_AlertStateChangesOnly")
    assert len(fake.requests) == 8
    # (what the count implies: alternating CRITICAL and OK, from 1s to 11s)
    assert [(r.json()["level"], r.json()["time"][-3:-1]) for r in fake.requests] == [
        ("CRITICAL", "01"), ("OK", "02"), ("CRITICAL", "04"), ("OK", "05"),
        ("CRITICAL", "06"), ("OK", "07"), ("CRITICAL", "10"), ("OK", "11")]


def test_stream_alert_state_changes_only_expired(fake, tmp_path):
    # follows TestStream_AlertStateChangesOnlyExpired: .stateChangesOnly(2s) sends a lasting
    # CRITICAL again once 2s have passed since it was last sent: 5 alerts and 1 recovery
    values = [97.1, 92.6, 95.6, 93.1, 92.6, 95.8, 92.7, 96.0, 93.4, 95.3, 98.4, 97.1]
    script = f"""
stream
    |from()
        .measurement('cpu')
    |alert()
        .crit(lambda: "value" < 97)
        .details('')
        .stateChangesOnly(2s)
        .post('{fake.base_url}')
"""
    run_script(tmp_path, script, lines=server_a_lines(values), task_name="TestStream_AlertStateChangesOnlyExpired")
    got = [r.json() for r in fake.requests]
    for event in got:
        del event["data"]  # the Go test does not look at it
    expected = [{"id": "cpu:nil", "message": "cpu:nil is CRITICAL", "details": "",
                 "time": f"1971-01-01T00:00:0{2 * n - 1}Z", "duration": (n - 1) * 2 * SECOND,
                 "level": "CRITICAL", "previousLevel": "OK" if n == 1 else "CRITICAL",
                 "recoverable": True} for n in range(1, 6)]
    expected.append({"id": "cpu:nil", "message": "cpu:nil is OK", "details": "",
                     "time": "1971-01-01T00:00:10Z", "duration": 9 * SECOND, "level": "OK",
                     "previousLevel": "CRITICAL", "recoverable": True})
    assert got == expected


def test_stream_alert_flapping(fake, tmp_path):
    # follows TestStream_AlertFlapping: flapping detection (0.25, 0.50 over 21 states) drops
    # the last alerts: 9 posts
    script = f"""
stream
    |from()
        .measurement('cpu')
        .where(lambda: "host" == 'serverA')
    |alert()
        .info(lambda: "value" < 95)
        .warn(lambda: "value" < 94)
        .crit(lambda: "value" < 93)
        .flapping(0.25, 0.50)
        .history(21)
        .post('{fake.base_url}')
"""
    run_script(tmp_path, script, lines=server_a_lines(STATE_CHANGES_VALUES), task_name="TestStream_AlertFlapping")
    assert len(fake.requests) == 9


# -- topic handlers defined as handler files (server/server_test.go TestServer_AlertHandlers) ------

# The task every TestServer_AlertHandlers case runs; its one point is `alert value=1 0000000000`
# written with precision s.
TOPIC_TICK = """
stream
    |from()
        .measurement('alert')
    |alert()
        .topic('test')
        .id('id')
        .message('message')
        .details('details')
        .crit(lambda: TRUE)
"""

# json.Marshal of the test's alertData, plus the newline (what log, tcp and exec get)
TOPIC_EVENT_LINE = (
    '{"id":"id","message":"message","details":"details","time":"1970-01-01T00:00:00Z","duration":0,'
    '"level":"CRITICAL","data":{"series":[{"name":"alert","columns":["time","value"],'
    '"values":[["1970-01-01T00:00:00Z",1]]}]},"previousLevel":"OK","recoverable":true}\n')


def run_topic_handler(tmp_path, kind: str, options: dict, config_text: str = "") -> None:
    """Define handler `testAlertHandlers` of `kind` on topic `test` in a real store, run
    TOPIC_TICK over the one point, and wait for every delivery."""
    store = open_store(str(tmp_path / "home"))
    try:
        store.define_handler(StoredHandler("test", "testAlertHandlers", kind, "", options))
        run_script(tmp_path, TOPIC_TICK, config_text, ["alert value=1 0000000000"], task_name="testAlertHandlers",
                   store=store, precision="s")
    finally:
        store.close()


def test_topic_handler_discord(fake, tmp_path):
    # follows TestServer_AlertHandlers, kind discord
    avatar = "https://influxdata.github.io/branding/img/downloads/influxdata-logo--symbol--pool-alpha.png"
    fake.answer("/test/discord/url", 204)
    run_topic_handler(tmp_path, "discord",
                      {"username": "Kapacitor", "avatar-url": avatar, "embed-title": "Kapacitor Alert"},
                      f'[[discord]]\n  enabled = true\n  url = "{fake.base_url}/test/discord/url"\n')
    [request] = fake.requests
    assert request.path == "/test/discord/url"
    assert request.body.decode() == (
        '{"avatar_url":"' + avatar + '","embeds":[{"color":16342867,"title":"Kapacitor Alert",'
        '"description":"message","timestamp":""}],"username":"Kapacitor"}\n')


def test_topic_handler_exec(tmp_path):
    # follows TestServer_AlertHandlers, kind exec (prog and args); the program keeps its
    # arguments and input next to itself
    program = recording_program(tmp_path / "alert-handler.sh")
    run_topic_handler(tmp_path, "exec", {"prog": str(program), "args": ["arg1", "arg2", "arg3"]})
    assert (tmp_path / "alert-handler.sh.args").read_text().split() == ["arg1", "arg2", "arg3"]
    assert (tmp_path / "alert-handler.sh.stdin").read_text() == TOPIC_EVENT_LINE


def test_topic_handler_log(tmp_path):
    # follows TestServer_AlertHandlers, kind log with mode 0604 (LogFileExpectedMode on unix)
    path = tmp_path / "alert.log"
    run_topic_handler(tmp_path, "log", {"mode": 0o604, "path": str(path)})
    assert path.read_text() == TOPIC_EVENT_LINE
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o604 & ~_current_umask()


def test_topic_handler_post_url(fake, tmp_path):
    # follows TestServer_AlertHandlers, kind post with a url
    run_topic_handler(tmp_path, "post", {"url": fake.base_url})
    [request] = fake.requests
    assert request.body.decode() == TOPIC_EVENT_LINE
    assert request.headers["content-type"] == "application/json"


def test_topic_handler_post_endpoint_alert_template(fake, tmp_path):
    # follows TestServer_AlertHandlers, kind post with an endpoint whose alert-template is
    # {{.Message}}: the raw body is the message
    config = f"""
[[httppost]]
  endpoint = "test"
  url = "{fake.base_url}"
  alert-template = "{{{{.Message}}}}"
"""
    run_topic_handler(tmp_path, "post", {"endpoint": "test"}, config)
    [request] = fake.requests
    assert request.body == b"message"


def test_topic_handler_pushover(fake, tmp_path):
    # follows TestServer_AlertHandlers, kind pushover with no options
    config = f"""
[pushover]
  enabled = true
  url = "{fake.pushover_url}"
  token = "api_key"
  user-key = "user"
"""
    run_topic_handler(tmp_path, "pushover", {}, config)
    [request] = fake.requests
    assert request.form() == {"token": "api_key", "user": "user", "message": "message", "priority": "1"}
    assert request.body == b"message=message&priority=1&token=api_key&user=user"


def test_topic_handler_tcp(tmp_path, tcp):
    # follows TestServer_AlertHandlers, kind tcp
    run_topic_handler(tmp_path, "tcp", {"address": tcp.address})
    assert tcp.wait_for(1) == [(TOPIC_EVENT_LINE + "\n").encode()]


def _value_alert_tick(topic: str) -> str:
    return f"""
stream
    |from()
        .measurement('alert')
    |alert()
        .id('id')
        .message('message')
        .details('details')
        .crit(lambda: "value" > 1.0)
        .topic('{topic}')
"""


def test_topic_aggregate_publishes_one_summary(tmp_path, store, tcp):
    # follows TestServer_Alert_Aggregate: three CRITICAL events within 100ms in topic agg become
    # one event in topic tcp. Kapacitor's aggregate ticks on the wall clock; tickpy's on the
    # replay clock, so a point of another measurement at 150ms moves the clock past the interval.
    store.define_handler(StoredHandler("tcp", "tcp_handler", "tcp", "", {"address": tcp.address}))
    store.define_handler(StoredHandler("agg", "aggregate_handler", "aggregate", "",
                                       {"id": "id-agg", "interval": 100 * 1_000_000, "topic": "tcp"}))
    lines = ["alert value=3 0000000000000", "alert value=4 0000000000001", "alert value=2 0000000000002",
             "clock value=0 0000000000150"]
    run_script(tmp_path, _value_alert_tick("agg"), "", lines, task_name="agg_task", store=store, precision="ms")
    connections = tcp.wait_for(1)

    def row(millisecond, value):
        return {"name": "alert", "columns": ["time", "value"],
                "values": [[f"1970-01-01T00:00:00.00{millisecond}Z" if millisecond else "1970-01-01T00:00:00Z",
                            value]]}

    assert [json.loads(connection) for connection in connections] == [{
        "id": "id-agg", "message": "Received 3 events in the last 100ms.",
        "details": "message\nmessage\nmessage", "time": "1970-01-01T00:00:00.002Z",
        "duration": 2_000_000, "level": "CRITICAL",
        "data": {"series": [row(0, 3), row(1, 4), row(2, 2)]},
        "previousLevel": "OK", "recoverable": False,
    }]
    # the tcp topic keeps the summary's state
    assert kept_states(store, "tcp") == [
        ("id-agg", "CRITICAL", "Received 3 events in the last 100ms.", "message\nmessage\nmessage",
         2_000_000, 2_000_000)]


def test_topic_publish_passes_the_event_on(tmp_path, store, tcp):
    # follows TestServer_Alert_Publish: a publish handler on topic publish sends the event to
    # topic tcp, whose tcp handler gets it unchanged
    store.define_handler(StoredHandler("tcp", "tcp_handler", "tcp", "", {"address": tcp.address}))
    store.define_handler(StoredHandler("publish", "publish_handler", "publish", "", {"topics": ["tcp"]}))
    run_script(tmp_path, _value_alert_tick("publish"), "", ["alert value=2 0000000000"], task_name="publish_task",
               store=store, precision="s")
    assert [json.loads(connection) for connection in tcp.wait_for(1)] == [{
        "id": "id", "message": "message", "details": "details", "time": "1970-01-01T00:00:00Z",
        "duration": 0, "level": "CRITICAL",
        "data": {"series": [{"name": "alert", "columns": ["time", "value"],
                             "values": [["1970-01-01T00:00:00Z", 2]]}]},
        "previousLevel": "OK", "recoverable": True,
    }]
    assert kept_states(store, "tcp") == [("id", "CRITICAL", "message", "details", 0, 0)]


def test_topic_handler_match(tmp_path, store, tcp):
    # follows TestServer_Alert_Match: the tcp handler's match keeps only serverA's CRITICAL event
    # (at 3s); the topic ends with no event kept, its last event being OK
    store.define_handler(StoredHandler("test", "tcp_handler", "tcp", "\"host\" == 'serverA' AND level() == CRITICAL",
                                       {"address": tcp.address}))
    lines = ["alert,host=serverA value=0 0000000000", "alert,host=serverB value=2 0000000001",
             "alert,host=serverB value=0 0000000002", "alert,host=serverA value=2 0000000003",
             "alert,host=serverB value=0 0000000004"]
    run_script(tmp_path, _value_alert_tick("test"), "", lines, task_name="alert_task", store=store, precision="s")
    assert [json.loads(connection) for connection in tcp.wait_for(1)] == [{
        "id": "id", "message": "message", "details": "details", "time": "1970-01-01T00:00:03Z",
        "duration": 0, "level": "CRITICAL",
        "data": {"series": [{"name": "alert", "tags": {"host": "serverA"}, "columns": ["time", "value"],
                             "values": [["1970-01-01T00:00:03Z", 2]]}]},
        "previousLevel": "OK", "recoverable": True,
    }]
    assert store.topic_events("test") == []


def _post_endpoint_body(fake, tmp_path, alert_template: str) -> bytes:
    config = f"""
[[httppost]]
  endpoint = "test"
  url = "{fake.base_url}"
  alert-template = '{alert_template}'
"""
    # the handler names both a url and the endpoint: the endpoint's URL and template win
    run_topic_handler(tmp_path, "post", {"url": fake.base_url + "/unused", "endpoint": "test"}, config)
    [request] = fake.requests
    assert request.path == "/"
    return request.body


def test_topic_handler_post_alert_template_json(fake, tmp_path):
    # follows TestServer_AlertJSON, normal_json: {{ json . }} writes alert.Data with Go's
    # encoder, newline included
    assert _post_endpoint_body(fake, tmp_path, "{{ json . }}").decode() == TOPIC_EVENT_LINE


def test_topic_handler_post_alert_template_json_compact(fake, tmp_path):
    # follows TestServer_AlertJSON, compact-json: {{ jsonCompact . }} leaves the newline out
    assert _post_endpoint_body(fake, tmp_path, "{{ jsonCompact . }}").decode() == TOPIC_EVENT_LINE[:-1]


def test_topic_handler_post_alert_template_reaches_series_rows(fake, tmp_path):
    # an alert-template sees alert.Data's Go fields: .Data.Series is models.Row structs with
    # Name, Tags, Columns and Values (models/result.go), the time column a time.Time
    template = ('{{ range .Data.Series }}{{ .Name }} {{ .Columns }} {{ index .Values 0 1 }} '
                '{{ index .Values 0 0 }}{{ end }}')
    assert _post_endpoint_body(fake, tmp_path, template) == b"alert [time value] 1 1970-01-01 00:00:00 +0000 UTC"


# -- [[httppost]] configuration (services/httppost/config.go, config_test.go) -----------------------


@pytest.mark.parametrize("key, path", [
    pytest.param("alert-template-file", "/etc/kapacitor/templates/alert_template.json",
                 id="Test_Validate_ShouldNotReturnError_WhenAlertTemplateFileIsUnixLikePath"),
    pytest.param("row-template-file", "/etc/kapacitor/templates/row_template.json",
                 id="Test_Validate_ShouldNotReturnError_WhenRowTemplateFileIsUnixLikePath"),
])
def test_httppost_template_files_with_absolute_paths_are_accepted(tmp_path, key, path):
    # follows the Go test named by the case's id (services/httppost/config_test.go)
    config = load_config_text(tmp_path, f'[[httppost]]\n  endpoint = "test"\n'
                                        f'  url = "http://localhost:8080/alert"\n  {key} = "{path}"\n')
    assert config.httppost_endpoint("test") is not None


def _httppost_config_error(tmp_path, lines: str) -> str:
    with pytest.raises(ConfigError) as caught:
        load_config_text(tmp_path, '[[httppost]]\n  endpoint = "test"\n' + lines)
    return caught.value.message


def test_httppost_relative_row_template_file_is_refused(tmp_path):
    # Config.Validate: "must use an absolute path for row-template-file"
    message = _httppost_config_error(tmp_path, '  url = "http://localhost:8080/alert"\n'
                                               '  row-template-file = "row_template.json"\n')
    assert message == "[[httppost]] row-template-file: must use an absolute path for row-template-file"


def test_httppost_templates_that_do_not_parse_are_refused_at_load(tmp_path):
    # Config.Validate parses the URL template, Configs.index the alert and row templates;
    # Kapacitor does not start with one that does not parse
    message = _httppost_config_error(tmp_path, '  url = "http://localhost:8080/{{ .ID "\n')
    assert message == ("[[httppost]] url: invalid URL template syntax: failed to parse template: "
                       "template: body:1: unclosed action")
    message = _httppost_config_error(tmp_path, '  url = "http://localhost:8080/"\n'
                                               '  alert-template = "{{ .Message "\n')
    assert message == ('[[httppost]] alert-template: failed to get alert-template for endpoint "test": '
                       "failed to parse template: template: body:1: unclosed action")
    message = _httppost_config_error(tmp_path, '  url = "http://localhost:8080/"\n'
                                               '  row-template = "{{ range .Values }"\n')
    assert message.startswith('[[httppost]] row-template: failed to get row-template for endpoint "test": '
                              "failed to parse template: template: body:1: ")


def test_log_handler_relative_path_is_refused_with_kapacitors_words(tmp_path):
    # services/alert/handlers.go LogHandlerConfig.Validate: "log path must be absolute: %s is not
    # absolute"; the task does not start
    with pytest.raises(TickError) as caught:
        run_script(tmp_path, ALERT_WITH_DOT_ID + "        .log('alerts.log')\n")
    assert caught.value.message == "log handler: log path must be absolute: alerts.log is not absolute"


# -- alert state kept in a topic from one run to the next ---------------------------------------


def test_stream_alert_reset_across_runs(tmp_path, store):
    # follows TestStream_AlertReset: five points above 80 (serverA, serverB, serverA, ...) leave
    # both hosts CRITICAL in topic cpu; in the next run serverA's state starts CRITICAL again from
    # the topic, so its point below critReset recovers it, and the topic forgets serverA. The
    # alert node passes on 5 + 1 points (what the Go test's httpPost counts). The Go test draws
    # the values at random in [85, 100) and [23, 36); fixed ones from those ranges are used here.
    script = """
var critThreshold = 80.0

var critResetThreshold = 70.0

stream
    |from()
        .measurement('cpu')
        .groupBy('host')
    |alert()
        .id('kapacitor/{{ .Name }}/{{ index .Tags "host" }}')
        .details('details')
        .idField('id')
        .idTag('id')
        .levelField('level')
        .levelTag('level')
        .crit(lambda: "value" > critThreshold)
        .critReset(lambda: "value" < critResetThreshold)
        .topic('cpu')
"""
    hosts = ["serverA", "serverB", "serverA", "serverB", "serverA"]
    first = run_script(tmp_path, script, "", [f"cpu,host={host},type=idle value={value} {second}" for second, (host, value)
                                              in enumerate(zip(hosts, [90.5, 95.0, 87.25, 99.0, 92.0]))],
                       store=store, precision="s")
    assert sorted(e.id for e in store.topic_events("cpu")) == ["kapacitor/cpu/serverA", "kapacitor/cpu/serverB"]
    second = run_script(tmp_path, script, "", ["cpu,host=serverA,type=idle value=30.5 10"], store=store, precision="s")
    assert [e.id for e in store.topic_events("cpu")] == ["kapacitor/cpu/serverB"]
    assert len(first.points) + len(second.points) == 5 + 1
    [recovery] = second.points
    assert recovery.fields["level"] == "OK" and recovery.tags["id"] == "kapacitor/cpu/serverA"


def test_alert_duration_across_runs(tmp_path, fake, store):
    # follows TestServer_Alert_Duration: CRITICAL at 0s; after a restart the next CRITICAL point
    # at 1s has a duration of 1s, counted from the event the topic kept. (The Go test's alert has
    # a tcp handler and reads its anonymous topic, as tests/test_anonymous_topics.py does; here
    # the alert publishes to a named topic and posts.)
    script = f"""
stream
    |from()
        .measurement('alert')
    |alert()
        .id('id')
        .message('message')
        .details('details')
        .crit(lambda: "value" > 1.0)
        .topic('durations')
        .post('{fake.base_url}')
"""
    run_script(tmp_path, script, "", ["alert value=2 0000000000"], task_name="testAlertHandlers", store=store,
               precision="s")
    assert kept_states(store, "durations") == [("id", "CRITICAL", "message", "details", 0, 0)]
    run_script(tmp_path, script, "", ["alert value=3 0000000001"], task_name="testAlertHandlers", store=store,
               precision="s")
    assert kept_states(store, "durations") == [("id", "CRITICAL", "message", "details", SECOND, SECOND)]
    # what the post handler got: the second event says it has lasted 1s since a CRITICAL
    assert [(r.json()["duration"], r.json()["previousLevel"]) for r in fake.requests] == [
        (0, "OK"), (SECOND, "CRITICAL")]
