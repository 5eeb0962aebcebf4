"""The SQLite store on a real file: tasks, handlers, topic events, and what a crash leaves."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from conftest import ROOT
from tickpy.store import DB_NAME, Store, StoredHandler, StoreError, TopicEvent, open_store


@pytest.fixture
def store(tmp_path):
    return open_store(str(tmp_path))


def test_a_defined_task_reads_back(store):
    store.define_task("cpu", "stream", ["telegraf.autogen"], "stream|from()", {"x": {"type": "int", "value": 1}})
    task = store.task("cpu")
    assert (task.type, task.dbrps, task.script, task.status) == ("stream", ["telegraf.autogen"], "stream|from()", "disabled")
    assert task.vars == {"x": {"type": "int", "value": 1}}


def test_redefining_replaces_the_script_and_keeps_the_status(store):
    store.define_task("cpu", "stream", [], "old", {})
    store.set_status(["cpu"], "enabled")
    store.define_task("cpu", "stream", [], "new", {})
    assert (store.task("cpu").script, store.task("cpu").status) == ("new", "enabled")


def test_unknown_names_are_clear_errors(store):
    with pytest.raises(StoreError, match="no task named 'nope'"):
        store.task("nope")
    with pytest.raises(StoreError):
        store.set_status(["nope"], "enabled")
    with pytest.raises(StoreError):
        store.handler("cpu", "nope")


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


def test_topic_state_keeps_the_latest_event_per_id_and_survives_reopening(tmp_path):
    store = open_store(str(tmp_path))
    store.save_event("cpu", TopicEvent("cpu:nil", "CRITICAL", "hot", "", 1, 0))
    store.save_event("cpu", TopicEvent("cpu:nil", "OK", "fine", "", 2, 1))
    store.define_handler(StoredHandler("cpu", "po", "pushover", "", {"sound": "siren"}))
    store.close()
    reopened = open_store(str(tmp_path))
    assert [(e.id, e.level, e.message) for e in reopened.topic_events("cpu")] == [("cpu:nil", "OK", "fine")]
    assert reopened.handler("cpu", "po").options == {"sound": "siren"}
    assert reopened.topics() == ["cpu"]


def test_a_process_killed_inside_define_leaves_the_previous_task(tmp_path):
    store = open_store(str(tmp_path))
    store.define_task("cpu", "stream", [], "the old script", {})
    store.close()
    crash = textwrap.dedent(f"""
        import os
        from tickpy.store import open_store
        store = open_store({str(tmp_path)!r})
        with store._transaction() as db:
            db.execute("UPDATE tasks SET script = 'half written' WHERE id = 'cpu'")
            os._exit(9)  # killed before the commit
    """)
    result = subprocess.run([sys.executable, "-c", crash], cwd=ROOT, env={"PYTHONPATH": str(ROOT)})
    assert result.returncode == 9
    assert open_store(str(tmp_path)).task("cpu").script == "the old script"


def test_a_store_from_a_newer_tickpy_is_refused(tmp_path):
    store = open_store(str(tmp_path))
    store._db.execute("UPDATE schema_version SET version = 99")
    store.close()
    with pytest.raises(StoreError, match="newer tickpy"):
        Store(tmp_path / DB_NAME)
