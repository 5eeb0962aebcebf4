"""The embedded store: tasks, topic handlers and topic event state, in one SQLite file.

It lives at `$TICKPY_HOME/tickpy.db` (default `~/.tickpy`; `--home` overrides). Every change runs
in one transaction, so a crash in the middle of `tickpy define` leaves the previous task intact,
and WAL mode with a busy timeout lets two tickpy processes share a home safely. The schema carries
a version number; `_MIGRATIONS` takes an older file forward.
"""

from __future__ import annotations

import fnmatch
import json
import os
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from tickpy.lang.errors import TickError

HOME_ENV = "TICKPY_HOME"
DB_NAME = "tickpy.db"

_MIGRATIONS = [
    # version 1
    """
    CREATE TABLE tasks (
        id TEXT PRIMARY KEY, type TEXT NOT NULL, dbrps TEXT NOT NULL, script TEXT NOT NULL,
        vars TEXT NOT NULL, status TEXT NOT NULL, error TEXT NOT NULL DEFAULT '',
        created TEXT NOT NULL, modified TEXT NOT NULL, last_enabled TEXT NOT NULL DEFAULT ''
    );
    CREATE TABLE topic_handlers (
        topic TEXT NOT NULL, id TEXT NOT NULL, kind TEXT NOT NULL, match TEXT NOT NULL,
        options TEXT NOT NULL, PRIMARY KEY (topic, id)
    );
    CREATE TABLE topic_events (
        topic TEXT NOT NULL, id TEXT NOT NULL, level TEXT NOT NULL, message TEXT NOT NULL,
        details TEXT NOT NULL, time INTEGER NOT NULL, duration INTEGER NOT NULL,
        PRIMARY KEY (topic, id)
    );
    """,
]


class StoreError(TickError):
    """A store problem the user can act on: an unknown task or handler, an unusable home."""


@dataclass
class StoredTask:
    id: str
    type: str
    dbrps: list[str]
    script: str
    vars: dict
    status: str
    error: str = ""
    created: str = ""
    modified: str = ""
    last_enabled: str = ""


@dataclass
class StoredHandler:
    topic: str
    id: str
    kind: str
    match: str = ""
    options: dict = field(default_factory=dict)


@dataclass
class TopicEvent:
    id: str
    level: str
    message: str
    details: str
    time: int
    duration: int


def home_directory(home: str | None = None) -> Path:
    return Path(home or os.environ.get(HOME_ENV) or Path.home() / ".tickpy")


def open_store(home: str | None = None) -> "Store":
    return Store(home_directory(home) / DB_NAME)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat()


class Store:
    def __init__(self, path: Path):
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(str(self.path), timeout=10, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA busy_timeout=10000")
            self._migrate()
        except (OSError, sqlite3.Error) as error:
            raise StoreError(f"cannot open the store at {self.path}: {error}") from None

    def close(self) -> None:
        self._db.close()

    def _transaction(self):
        return _Transaction(self._db)

    def _migrate(self) -> None:
        with self._transaction() as db:
            db.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
            row = db.execute("SELECT version FROM schema_version").fetchone()
            version = row[0] if row else 0
            if version > len(_MIGRATIONS):
                raise StoreError(f"the store at {self.path} was written by a newer tickpy "
                                 f"(schema {version}); upgrade tickpy")
            for migration in _MIGRATIONS[version:]:
                for statement in migration.split(";"):
                    if statement.strip():
                        db.execute(statement)
            if row is None:
                db.execute("INSERT INTO schema_version VALUES (?)", (len(_MIGRATIONS),))
            else:
                db.execute("UPDATE schema_version SET version = ?", (len(_MIGRATIONS),))

    # Tasks -----------------------------------------------------------------------------------

    def define_task(self, task_id: str, task_type: str, dbrps: list[str], script: str, vars: dict) -> None:
        """Create or replace a task; a redefined task keeps its status and creation time."""
        with self._transaction() as db:
            existing = db.execute("SELECT status, created, last_enabled FROM tasks WHERE id = ?",
                                  (task_id,)).fetchone()
            status, created, last_enabled = existing or ("disabled", _now(), "")
            db.execute("INSERT OR REPLACE INTO tasks VALUES (?, ?, ?, ?, ?, ?, '', ?, ?, ?)",
                       (task_id, task_type, json.dumps(dbrps), script, json.dumps(vars), status,
                        created, _now(), last_enabled))

    def task(self, task_id: str) -> StoredTask:
        row = self._db.execute("SELECT * FROM tasks WHERE id = ?", (task_id,)).fetchone()
        if row is None:
            raise StoreError(f"no task named {task_id!r}")
        return _task_from_row(row)

    def tasks(self, pattern: str = "") -> list[StoredTask]:
        rows = self._db.execute("SELECT * FROM tasks ORDER BY id").fetchall()
        return [_task_from_row(row) for row in rows if _matches(row[0], pattern)]

    def set_status(self, task_ids: list[str], status: str) -> None:
        with self._transaction() as db:
            for task_id in task_ids:
                if db.execute("SELECT 1 FROM tasks WHERE id = ?", (task_id,)).fetchone() is None:
                    raise StoreError(f"no task named {task_id!r}")
                if status == "enabled":
                    db.execute("UPDATE tasks SET status = ?, last_enabled = ? WHERE id = ?",
                               (status, _now(), task_id))
                else:
                    db.execute("UPDATE tasks SET status = ? WHERE id = ?", (status, task_id))

    def delete_tasks(self, task_ids: list[str]) -> None:
        with self._transaction() as db:
            for task_id in task_ids:
                if db.execute("DELETE FROM tasks WHERE id = ?", (task_id,)).rowcount == 0:
                    raise StoreError(f"no task named {task_id!r}")

    # Topic handlers --------------------------------------------------------------------------

    def define_handler(self, handler: StoredHandler) -> None:
        with self._transaction() as db:
            db.execute("INSERT OR REPLACE INTO topic_handlers VALUES (?, ?, ?, ?, ?)",
                       (handler.topic, handler.id, handler.kind, handler.match, json.dumps(handler.options)))

    def handler(self, topic: str, handler_id: str) -> StoredHandler:
        row = self._db.execute("SELECT * FROM topic_handlers WHERE topic = ? AND id = ?",
                               (topic, handler_id)).fetchone()
        if row is None:
            raise StoreError(f"no handler {handler_id!r} on topic {topic!r}")
        return _handler_from_row(row)

    def handlers(self, topic_pattern: str = "", id_pattern: str = "") -> list[StoredHandler]:
        rows = self._db.execute("SELECT * FROM topic_handlers ORDER BY topic, id").fetchall()
        return [_handler_from_row(row) for row in rows
                if _matches(row[0], topic_pattern) and _matches(row[1], id_pattern)]

    def delete_handlers(self, topic: str, handler_ids: list[str]) -> None:
        with self._transaction() as db:
            for handler_id in handler_ids:
                deleted = db.execute("DELETE FROM topic_handlers WHERE topic = ? AND id = ?",
                                     (topic, handler_id)).rowcount
                if deleted == 0:
                    raise StoreError(f"no handler {handler_id!r} on topic {topic!r}")

    # Topics and their events -----------------------------------------------------------------

    def save_event(self, topic: str, event: TopicEvent) -> None:
        with self._transaction() as db:
            db.execute("INSERT OR REPLACE INTO topic_events VALUES (?, ?, ?, ?, ?, ?, ?)",
                       (topic, event.id, event.level, event.message, event.details, event.time,
                        event.duration))

    def topic_events(self, topic: str) -> list[TopicEvent]:
        rows = self._db.execute("SELECT id, level, message, details, time, duration FROM topic_events "
                                "WHERE topic = ? ORDER BY time, id", (topic,)).fetchall()
        return [TopicEvent(*row) for row in rows]

    def topics(self, pattern: str = "") -> list[str]:
        rows = self._db.execute("SELECT topic FROM topic_events UNION SELECT topic FROM topic_handlers "
                                "ORDER BY 1").fetchall()
        return [row[0] for row in rows if _matches(row[0], pattern)]

    def delete_topics(self, topics: list[str]) -> None:
        with self._transaction() as db:
            for topic in topics:
                events = db.execute("DELETE FROM topic_events WHERE topic = ?", (topic,)).rowcount
                handlers = db.execute("DELETE FROM topic_handlers WHERE topic = ?", (topic,)).rowcount
                if events + handlers == 0:
                    raise StoreError(f"no topic named {topic!r}")


class _Transaction:
    """`with` block = one IMMEDIATE transaction: all of it is written, or none of it."""

    def __init__(self, db: sqlite3.Connection):
        self.db = db

    def __enter__(self) -> sqlite3.Connection:
        self.db.execute("BEGIN IMMEDIATE")
        return self.db

    def __exit__(self, kind, error, traceback) -> None:
        self.db.execute("COMMIT" if kind is None else "ROLLBACK")


def _matches(name: str, pattern: str) -> bool:
    """Kapacitor's list patterns are globs; an empty pattern matches everything."""
    return not pattern or fnmatch.fnmatchcase(name, pattern)


def _task_from_row(row) -> StoredTask:
    task_id, task_type, dbrps, script, vars, status, error, created, modified, last_enabled = row
    return StoredTask(task_id, task_type, json.loads(dbrps), script, json.loads(vars), status, error,
                      created, modified, last_enabled)


def _handler_from_row(row) -> StoredHandler:
    topic, handler_id, kind, match, options = row
    return StoredHandler(topic, handler_id, kind, match, json.loads(options))
