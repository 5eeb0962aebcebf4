"""The SQLite store on a real file: tasks, handlers, topic state, migrations, and what a crash or a
second process leaves."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap

import pytest

from conftest import ROOT
from tickpy.store import (DB_NAME, SCHEMA_VERSION, Store, StoredHandler, StoreError, TopicEvent,
                          _MIGRATIONS, open_store)


@pytest.fixture
def store(tmp_path):
    opened = open_store(str(tmp_path))
    yield opened
    opened.close()


def test_a_defined_task_reads_back_disabled(store):
    store.define_task("cpu", "stream", ["telegraf.autogen"], "stream|from()", {"x": {"type": "int", "value": 1}})
    task = store.task("cpu")
    assert (task.type, task.dbrps, task.script, task.status) == ("stream", ["telegraf.autogen"], "stream|from()", "disabled")
    assert task.vars == {"x": {"type": "int", "value": 1}}
    assert task.last_enabled == ""  # never enabled: `show` prints Go's zero time


def test_redefining_replaces_the_script_and_keeps_status_and_creation(store):
    store.define_task("cpu", "stream", [], "old", {})
    created = store.task("cpu").created
    store.set_status(["cpu"], "enabled")
    store.define_task("cpu", "stream", [], "new", {})
    task = store.task("cpu")
    assert (task.script, task.status, task.created) == ("new", "enabled", created)


def test_last_enabled_moves_only_when_a_task_is_enabled_again(store):
    # services/task_store handleUpdateTask: LastEnabled is set when the status changes to enabled
    store.define_task("cpu", "stream", [], "s", {})
    store.set_status(["cpu"], "enabled")
    first = store.task("cpu").last_enabled
    store._db.execute("UPDATE tasks SET last_enabled = '2020-01-01T00:00:00+00:00'")
    store.set_status(["cpu"], "enabled")  # already enabled: no change
    assert store.task("cpu").last_enabled == "2020-01-01T00:00:00+00:00"
    store.define_task("cpu", "stream", [], "s2", {}, reload=False)  # define -no-reload
    assert store.task("cpu").last_enabled == "2020-01-01T00:00:00+00:00"
    store.define_task("cpu", "stream", [], "s3", {})  # redefining an enabled task reloads it
    assert store.task("cpu").last_enabled > "2020" and first


def test_unknown_names_are_clear_errors(store):
    with pytest.raises(StoreError, match="no task named 'nope'"):
        store.task("nope")
    with pytest.raises(StoreError):
        store.set_status(["nope"], "enabled")
    with pytest.raises(StoreError, match="no handler 'nope' on topic 'cpu'"):
        store.handler("cpu", "nope")
    with pytest.raises(StoreError, match="no topic named 'cpu'"):
        store.topic("cpu")


def test_enabling_a_missing_task_changes_nothing(store):
    store.define_task("a", "stream", [], "s", {})
    with pytest.raises(StoreError):
        store.set_status(["a", "missing"], "enabled")
    assert store.task("a").status == "disabled"  # one transaction: all or nothing


def test_list_patterns_are_globs(store):
    for name in ("cpu_alert", "cpu_high", "mem"):
        store.define_task(name, "stream", [], "s", {})
    assert [t.id for t in store.tasks("cpu*")] == ["cpu_alert", "cpu_high"]
    assert [t.id for t in store.tasks()] == ["cpu_alert", "cpu_high", "mem"]
    store.set_status(["mem"], "enabled")
    assert [t.id for t in store.enabled_tasks()] == ["mem"]


def test_topic_state_keeps_the_latest_non_ok_event_per_id_and_survives_reopening(tmp_path):
    store = open_store(str(tmp_path))
    store.save_topic_state({"cpu": 3}, {
        ("cpu", "cpu:host=a"): TopicEvent("cpu:host=a", "CRITICAL", "hot", "", 1, 0),
        ("cpu", "cpu:host=b"): TopicEvent("cpu:host=b", "WARNING", "warm", "", 2, 0),
    })
    store.define_handler(StoredHandler("cpu", "po", "pushover", "", {"sound": "siren"}))
    store.close()
    reopened = open_store(str(tmp_path))
    assert [(e.id, e.level, e.message) for e in reopened.topic_events("cpu")] == [
        ("cpu:host=a", "CRITICAL", "hot"), ("cpu:host=b", "WARNING", "warm")]
    assert reopened.handler("cpu", "po").options == {"sound": "siren"}
    info = reopened.topic("cpu")
    assert (info.level, info.collected) == ("CRITICAL", 3)


def test_a_recovery_removes_the_alert_from_the_topic(store):
    # services/alert/service.go Collect: an OK event clears the alert's saved state
    store.save_event("cpu", TopicEvent("cpu:nil", "CRITICAL", "hot", "", 1, 0))
    store.save_event("cpu", TopicEvent("cpu:nil", "OK", "fine", "", 2, 1))
    assert store.topic_events("cpu") == []
    assert (store.topic("cpu").level, store.topic("cpu").collected) == ("OK", 2)


def test_deleting_a_topic_forgets_its_events_but_keeps_its_handlers(store):
    store.define_handler(StoredHandler("cpu", "po", "pushover"))
    store.save_event("cpu", TopicEvent("cpu:nil", "CRITICAL", "hot", "", 1, 0))
    store.delete_topics(["cpu"])
    assert store.topic_events("cpu") == [] and store.topic("cpu").collected == 0
    assert [h.id for h in store.handlers()] == ["po"]


def test_a_failure_inside_a_transaction_writes_nothing(store):
    store.define_task("cpu", "stream", [], "the old script", {})
    with pytest.raises(RuntimeError):
        with store.transaction() as db:
            db.execute("UPDATE tasks SET script = 'half written' WHERE id = 'cpu'")
            raise RuntimeError("crash")
    assert store.task("cpu").script == "the old script"


def test_a_process_killed_inside_define_leaves_the_previous_task(tmp_path):
    store = open_store(str(tmp_path))
    store.define_task("cpu", "stream", ["telegraf.autogen"], "the old script", {})
    store.close()
    crash = textwrap.dedent(f"""
        import os
        from tickpy.store import open_store
        store = open_store({str(tmp_path)!r})
        with store.transaction() as db:
            db.execute("INSERT OR REPLACE INTO tasks VALUES "
                       "('cpu', 'stream', '[]', 'half written', '{{}}', 'disabled', '', '', '', '')")
            os._exit(9)  # killed before the commit
    """)
    result = subprocess.run([sys.executable, "-c", crash], cwd=ROOT, env={"PYTHONPATH": str(ROOT)})
    assert result.returncode == 9
    reopened = open_store(str(tmp_path))
    assert (reopened.task("cpu").script, reopened.task("cpu").dbrps) == ("the old script", ["telegraf.autogen"])
    assert reopened._db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_two_processes_writing_the_same_home_lose_nothing(tmp_path):
    open_store(str(tmp_path)).close()
    writer = textwrap.dedent(f"""
        import sys
        from tickpy.store import open_store
        store = open_store({str(tmp_path)!r})
        for number in range(40):
            store.define_task(f"{{sys.argv[1]}}{{number}}", "stream", ["db.rp"], "stream|from()", {{}})
    """)
    processes = [subprocess.Popen([sys.executable, "-c", writer, prefix], cwd=ROOT, env={"PYTHONPATH": str(ROOT)})
                 for prefix in ("a", "b")]
    assert [process.wait(timeout=60) for process in processes] == [0, 0]
    names = [task.id for task in open_store(str(tmp_path)).tasks()]
    assert len(names) == 80 and len(set(names)) == 80


def test_an_older_store_is_migrated_forward(tmp_path):
    path = tmp_path / DB_NAME
    old = sqlite3.connect(path)
    old.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
    old.execute("INSERT INTO schema_version VALUES (1)")
    for statement in _MIGRATIONS[0].split(";"):
        old.execute(statement)
    old.execute("INSERT INTO topic_events VALUES ('cpu', 'a', 'CRITICAL', 'hot', '', 1, 0)")
    old.execute("INSERT INTO topic_events VALUES ('cpu', 'b', 'OK', 'fine', '', 2, 0)")
    old.execute("INSERT INTO topic_handlers VALUES ('mem', 'po', 'pushover', '', '{}')")
    old.commit()
    old.close()
    store = Store(path)
    assert store.schema_version() == SCHEMA_VERSION
    assert store.topics() == ["cpu", "mem"]
    assert [e.id for e in store.topic_events("cpu")] == ["a"]
    assert store.topic("cpu").collected == 2


def test_a_store_from_a_newer_tickpy_is_refused(tmp_path):
    store = open_store(str(tmp_path))
    store._db.execute("UPDATE schema_version SET version = 99")
    store.close()
    with pytest.raises(StoreError, match="newer tickpy"):
        Store(tmp_path / DB_NAME)


def test_a_file_that_is_not_a_store_is_a_clear_error(tmp_path):
    (tmp_path / DB_NAME).write_text("not a database, just text " * 100)
    with pytest.raises(StoreError, match="cannot open the store"):
        open_store(str(tmp_path))


def test_a_store_locked_by_another_process_is_a_clear_error(tmp_path, monkeypatch):
    import tickpy.store

    open_store(str(tmp_path)).close()
    holder = sqlite3.connect(tmp_path / DB_NAME, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another process in the middle of a write
    try:
        monkeypatch.setattr(tickpy.store, "BUSY_TIMEOUT_SECONDS", 0.05)
        store = open_store(str(tmp_path))
        with pytest.raises(StoreError, match="is busy: another tickpy process kept it locked"):
            store.define_task("cpu", "stream", [], "s", {})
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    store.define_task("cpu", "stream", [], "s", {})  # free again
    assert store.task("cpu").script == "s"
