"""`tickpy run` as a user meets it: what it refuses to run, and how it says so."""

from __future__ import annotations

import json

import pytest

from conftest import run_tickpy

DATA = "cpu,host=a usage_idle=5 1000000000\n"


@pytest.mark.parametrize("chain, named", [
    ("|httpOut('x')", "|httpOut()"),
    ("|influxDBOut()", "|influxDBOut()"),
    ("|kapacitorLoopback()", "|kapacitorLoopback()"),
    ("|holtWinters('usage_idle', 10, 0, 1m)", "|holtWinters()"),
    ("@myUDF()", "@myUDF"),
])
def test_nodes_that_need_a_server_are_refused_by_name_with_their_position(tmp_path, chain, named):
    (tmp_path / "task.tick").write_text(f"stream\n    |from()\n        .measurement('cpu')\n    {chain}\n")
    (tmp_path / "data.lp").write_text(DATA)
    result = run_tickpy("run", "--replay", "data.lp", "task.tick", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1].startswith(f"task.tick:4:6: error: {named}")
    assert "Traceback" not in result.stderr and "points read" not in result.stderr


def test_batch_tasks_are_refused_with_the_reason(tmp_path):
    (tmp_path / "task.tick").write_text("batch\n    |query('SELECT mean(usage_idle) FROM cpu')\n"
                                        "        .period(1m)\n        .every(1m)\n")
    (tmp_path / "data.lp").write_text(DATA)
    result = run_tickpy("run", "--replay", "data.lp", "task.tick", cwd=tmp_path)
    assert result.returncode == 1
    assert "task.tick:1:1: error: batch tasks lint, but tickpy run cannot run them" in result.stderr


def test_a_template_that_fails_to_execute_is_reported_on_its_node_and_the_run_goes_on(tmp_path):
    # `{{ .Nope }}` parses, so it lints; executing it fails with Go's text/template error
    # (`can't evaluate field Nope in type kapacitor.idInfo`, alert.go's idInfo struct). Kapacitor
    # stops the task with it; a replay counts it on the alert node, sends nothing, and goes on.
    (tmp_path / "task.tick").write_text(
        "stream\n    |from()\n        .measurement('cpu')\n"
        "    |alert()\n        .id('{{ .Nope }}')\n        .crit(lambda: \"usage_idle\" < 10)\n")
    (tmp_path / "data.lp").write_text(DATA + "cpu,host=a usage_idle=7 2000000000\n")
    result = run_tickpy("run", "--replay", "data.lp", "task.tick", "--events", "-", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert "alert2           in=2 out=0 errors=2" in result.stderr
    assert ('2 x template: id:1:3: executing "id" at <.Nope>: '
            "can't evaluate field Nope in type kapacitor.idInfo") in result.stderr


def test_an_id_template_that_fails_is_an_error_even_when_no_alert_fires(tmp_path):
    # alert.go renders the id for every point before judging it (alertState.Point), so Kapacitor
    # stops the task at the first point even when every point is OK.
    (tmp_path / "task.tick").write_text(
        "stream\n    |from()\n        .measurement('cpu')\n"
        "    |alert()\n        .id('{{ .Nope }}')\n        .crit(lambda: \"usage_idle\" < 10)\n")
    (tmp_path / "data.lp").write_text("cpu,host=a usage_idle=50 1000000000\ncpu,host=a usage_idle=60 2000000000\n")
    result = run_tickpy("run", "--replay", "data.lp", "task.tick", "--events", "-", cwd=tmp_path)
    assert (result.returncode, result.stdout) == (0, "")
    assert "alert2           in=2 out=0 errors=2" in result.stderr
    assert "can't evaluate field Nope in type kapacitor.idInfo" in result.stderr


@pytest.mark.parametrize("last_line, refused", [
    # join wants the edge of the node it was chained from (pipeline/node.go Join); its parents are
    # linked in order a, b, and from3 (b) sends a stream.
    ("a|join(b).as('a', 'b')", "cannot add child mismatched edges: from3:stream -> join5:batch"),
    # union also wants its chained-from node's edge, but links its arguments first (Union).
    ("b|union(a)", "cannot add child mismatched edges: window2:batch -> union5:stream"),
])
def test_joining_a_stream_with_batches_is_refused_as_kapacitor_refuses_to_start_the_task(
        tmp_path, last_line, refused):
    # The script is defined (lint accepts it); Kapacitor's task fails to start when it links the
    # edges (node.go linkChild: parent name:provides -> child name:wants).
    (tmp_path / "task.tick").write_text(
        "var a = stream|from().measurement('cpu')|window().period(2s).every(2s)\n"
        "var b = stream|from().measurement('cpu')\n" + last_line + "\n")
    (tmp_path / "data.lp").write_text(DATA + "cpu,host=a usage_idle=7 3000000000\n")
    result = run_tickpy("run", "--replay", "data.lp", "task.tick", cwd=tmp_path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    assert result.stderr.strip().splitlines()[-1] == f"task.tick:3:3: error: {refused}"


def _log_script(tmp_path, mode: str) -> str:
    return ("stream\n    |from()\n        .measurement('cpu')\n    |alert()\n        .crit(lambda: TRUE)\n"
            f"        .log('{tmp_path / 'alerts.log'}')\n            .mode({mode})\n")


def test_a_log_mode_beyond_32_bits_is_cut_as_go_cuts_it_to_a_file_mode(tmp_path):
    # alert.go: os.FileMode(log.Mode) keeps the low 32 bits of the int64; the permission bits of
    # 99999999999 (0x174876E7FF) are 0777. Python's os.open refused the number (OverflowError).
    (tmp_path / "task.tick").write_text(_log_script(tmp_path, "99999999999"))
    (tmp_path / "data.lp").write_text(DATA)
    result = run_tickpy("run", "--replay", "data.lp", "task.tick", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    assert (tmp_path / "alerts.log").read_text().count("\n") == 1


@pytest.mark.parametrize("mode, shown", [("0444", "-r--r--r--"), ("4294967296", "----------")])
def test_a_log_mode_the_owner_cannot_write_is_refused_as_kapacitor_refuses_it(tmp_path, mode, shown):
    # services/alert/handlers.go LogHandlerConfig.Validate: "invalid file mode %v, must be user
    # writable", %v being Go's FileMode.String(); 1<<32 is a non-zero int64 whose FileMode is 0.
    (tmp_path / "task.tick").write_text(_log_script(tmp_path, mode))
    (tmp_path / "data.lp").write_text(DATA)
    result = run_tickpy("run", "--replay", "data.lp", "task.tick", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == (
        f"task.tick:6:10: error: log handler: invalid file mode {shown}, must be user writable")
    assert not (tmp_path / "alerts.log").exists()


def _post_script(post: str) -> str:
    return ("stream\n    |from()\n        .measurement('cpu')\n    |alert()\n        .crit(lambda: TRUE)\n"
            f"        {post}\n")


def test_a_post_url_that_does_not_parse_is_a_failed_delivery_not_a_stuck_sender(tmp_path):
    # services/httppost/service.go: http.NewRequest refuses the URL ("failed to create HTTP
    # request") and the event is dropped. The sending thread died on httpx.InvalidURL, printed
    # a traceback, and the run waited for the shutdown deadline.
    (tmp_path / "task.tick").write_text(_post_script(".post('http://[::1')"))
    (tmp_path / "data.lp").write_text(DATA)
    result = run_tickpy("run", "--replay", "data.lp", "task.tick", cwd=tmp_path)
    assert result.returncode == 0
    assert "Traceback" not in result.stderr and "deadline" not in result.stderr
    assert "deliveries post: sent=0 failed=1" in result.stderr
    assert "not delivered (no response, after 1 attempt): POST http://[::1: " in result.stderr


def test_a_negative_post_timeout_means_no_timeout(fake, tmp_path):
    # services/httppost/service.go Handle sets a deadline only `if h.timeout > 0`. A negative
    # timeout reached the socket (ValueError: Timeout value out of range) in the sending thread.
    (tmp_path / "task.tick").write_text(_post_script(f".post('{fake.base_url}/hook').timeout(-1s)"))
    (tmp_path / "data.lp").write_text(DATA)
    result = run_tickpy("run", "--replay", "data.lp", "task.tick", cwd=tmp_path)
    assert result.returncode == 0
    assert "Traceback" not in result.stderr
    assert "deliveries post: sent=1 failed=0" in result.stderr
    assert [request.path for request in fake.requests] == ["/hook"]


def test_an_aggregate_interval_of_nanoseconds_does_not_tick_through_every_empty_interval(tmp_path):
    # `interval: 5` is 5ns (a YAML number is nanoseconds, as Kapacitor's time.Duration). Each
    # point moves the replay clock by a second: 200 million ticks, of which only the first after
    # an event can publish (aggregateHandler publishes nothing for an empty interval). The run
    # used to go through every one of them and never end.
    (tmp_path / "task.tick").write_text(
        "stream\n    |from()\n        .measurement('cpu')\n    |alert()\n"
        "        .crit(lambda: \"usage_idle\" < 10)\n        .topic('cpu')\n")
    (tmp_path / "data.lp").write_text("cpu,host=a usage_idle=5 1000000000\ncpu,host=a usage_idle=50 2000000000\n"
                                      "cpu,host=a usage_idle=5 3000000000\n")
    (tmp_path / "agg.yaml").write_text("id: agg\ntopic: cpu\nkind: aggregate\noptions:\n"
                                       "  interval: 5\n  topic: summary\n")
    (tmp_path / "out.yaml").write_text(f"id: out\ntopic: summary\nkind: log\noptions:\n"
                                       f"  path: {tmp_path / 'summary.log'}\n")
    env = {"TICKPY_HOME": str(tmp_path / "home")}
    for handler in ("agg.yaml", "out.yaml"):
        assert run_tickpy("define-topic-handler", handler, cwd=tmp_path, env=env).returncode == 0
    result = run_tickpy("run", "--replay", "data.lp", "task.tick", cwd=tmp_path, env=env, timeout=30)
    assert result.returncode == 0, result.stderr
    summaries = [json.loads(line) for line in (tmp_path / "summary.log").read_text().splitlines()]
    # The events of 1s and 2s are each published at the first tick after them; the last one is
    # still gathering when the data ends (dropped, as Kapacitor drops it on close).
    assert [(s["message"], s["details"]) for s in summaries] == [
        ("Received 1 events in the last 5ns.", "cpu:nil is CRITICAL"),
        ("Received 1 events in the last 5ns.", "cpu:nil is OK"),
    ]


@pytest.mark.parametrize("section, shown", [
    ("[[discord]]\n  enabled = true\n  url = 'http://[::1/api/webhooks/1/secret-hook'\n",
     "kapacitor.conf:3:3: error: [[discord]] url: invalid webhook URL (expected http:// or https://)"),
    ("[pushover]\n  enabled = true\n  token = 't'\n  user-key = 'u'\n  url = 'http://[::1'\n",
     'kapacitor.conf:5:3: error: [pushover] url: invalid URL "http://[::1"'),
])
def test_a_service_url_with_an_unclosed_ipv6_bracket_is_a_config_error(tmp_path, section, shown):
    # Go's url.Parse refuses it ("missing ']' in host"), so the service's Validate does; urllib
    # raised ValueError while the URL was checked: an internal error in run, lint, service-tests.
    (tmp_path / "kapacitor.conf").write_text(section)
    (tmp_path / "task.tick").write_text("stream\n    |from()\n        .measurement('cpu')\n")
    (tmp_path / "data.lp").write_text(DATA)
    result = run_tickpy("run", "--replay", "data.lp", "task.tick", "--config", "kapacitor.conf", cwd=tmp_path)
    assert result.returncode == 1
    assert "internal error" not in result.stderr and "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines()[-1] == shown
    assert "secret-hook" not in result.stderr


def test_an_event_with_an_infinite_value_is_reported_as_not_written_and_the_run_goes_on(tmp_path):
    # 5.0 / 0.0 is +Inf in Go; encoding/json refuses it ("json: unsupported value: +Inf").
    # Kapacitor's log, tcp and exec handlers log "failed to marshal alert data json" and send
    # nothing (services/alert/handlers.go); the encoding error stopped the run (internal error).
    (tmp_path / "task.tick").write_text(
        "stream\n    |from()\n        .measurement('cpu')\n    |eval(lambda: \"usage_idle\" / \"z\")\n"
        f"        .as('x')\n    |alert()\n        .crit(lambda: TRUE)\n        .log('{tmp_path / 'alerts.log'}')\n")
    (tmp_path / "data.lp").write_text("cpu,host=a usage_idle=5,z=0 1000000000\ncpu,host=a usage_idle=5,z=2 2000000000\n")
    result = run_tickpy("run", "--replay", "data.lp", "task.tick", "--events", "-", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    assert [json.loads(line)["data"]["series"][0]["values"][0][-1] for line in result.stdout.splitlines()] == [2.5]
    assert ("tickpy run: --events: alert cpu:nil CRITICAL at 1970-01-01T00:00:01Z not written: "
            "failed to marshal alert data json: json: unsupported value: +Inf") in result.stderr
    assert f"deliveries log {tmp_path / 'alerts.log'}: sent=1 failed=1" in result.stderr
    assert (tmp_path / "alerts.log").read_text().count("\n") == 1


@pytest.mark.parametrize("kind", ["exec", "tcp"])
def test_an_infinite_value_is_a_failed_delivery_for_exec_and_tcp_too(tmp_path, tcp, kind):
    # As for log above: the refused event is a failed delivery and sends nothing; the finite one
    # goes out (exec: to cat; tcp: to a local server, which gets that one event only).
    handler, delivery = ((".exec('/bin/cat')", "exec /bin/cat") if kind == "exec"
                         else (f".tcp('{tcp.address}')", f"tcp {tcp.address}"))
    (tmp_path / "task.tick").write_text(
        "stream\n    |from()\n        .measurement('cpu')\n    |eval(lambda: \"usage_idle\" / \"z\")\n"
        f"        .as('x')\n    |alert()\n        .crit(lambda: TRUE)\n        {handler}\n")
    (tmp_path / "data.lp").write_text("cpu,host=a usage_idle=5,z=0 1000000000\ncpu,host=a usage_idle=5,z=2 2000000000\n")
    result = run_tickpy("run", "--replay", "data.lp", "task.tick", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "failed to marshal alert data json: json: unsupported value: +Inf" in result.stderr
    assert f"deliveries {delivery}: sent=1 failed=1" in result.stderr
    if kind == "tcp":
        [sent] = tcp.wait_for(1)
        assert json.loads(sent)["data"]["series"][0]["values"][0][-1] == 2.5


@pytest.mark.parametrize("port", ["99999", "99999999999999999999999"])
def test_a_tcp_port_out_of_range_is_a_failed_delivery(tmp_path, port):
    # Go's net.Dial refuses it ("dial tcp: address h:99999: invalid port"); the tcp handler logs
    # that and drops the event. The longer port stopped the run (OverflowError in the socket).
    (tmp_path / "task.tick").write_text("stream\n    |from()\n        .measurement('cpu')\n    |alert()\n"
                                        f"        .crit(lambda: TRUE)\n        .tcp('127.0.0.1:{port}')\n")
    (tmp_path / "data.lp").write_text(DATA)
    result = run_tickpy("run", "--replay", "data.lp", "task.tick", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    assert f"deliveries tcp 127.0.0.1:{port}: sent=0 failed=1" in result.stderr
    assert f"  failed: tcp 127.0.0.1:{port}: dial tcp: address 127.0.0.1:{port}: invalid port" in result.stderr
