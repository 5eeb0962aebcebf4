"""The embedded store: tasks, topic handlers, topics and their event state, in one SQLite file.

It lives at `$TICKPY_HOME/tickpy.db` (default `~/.tickpy`; `--home` overrides). Every change runs
in one `BEGIN IMMEDIATE` transaction, so a crash in the middle of `tickpy define` leaves the
previous task intact; WAL mode with a busy timeout lets two tickpy processes share a home (one
writes while the other waits, readers never block). The schema carries a version number, and
`_MIGRATIONS` takes an older file forward, one transaction per step.

What is kept follows Kapacitor's own stores (services/task_store, services/alert):
- a task: id, type, dbrps, script, vars (Kapacitor's JSON shape), status, created, modified,
  last enabled, error;
- a topic handler spec: topic, id, kind, match, options;
- a topic: how many events it collected, and the latest state of each alert id in it. As in
  Kapacitor's persisted topic store, an OK event removes the alert's state instead of saving it
  (services/alert/service.go, Collect), so after a run a topic lists the alerts still firing.

Anonymous topics (tickpy/alert/anonymous.py, `main:TASK:alert2`) are kept like any other. As in
Kapacitor, where a disabled task's alert nodes close them, those of a disabled task are not
listed (their state stays, for when it is enabled again), and deleting an enabled task deletes
them (alert.go deleteAlertHook; services/task_store only runs that hook for an enabled task).
"""

from __future__ import annotations

import fnmatch
import json
import os
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from tickpy.alert.anonymous import task_of_anonymous_topic
from tickpy.lang.errors import TickError

HOME_ENV = "TICKPY_HOME"
DB_NAME = "tickpy.db"
BUSY_TIMEOUT_SECONDS = 10.0

LEVEL_ORDER = ("OK", "INFO", "WARNING", "CRITICAL")

# Each entry takes the schema one version forward; statements are separated by ";".
_MIGRATIONS = [
    # 1: tasks, topic handlers, topic events
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
    )
    """,
    # 2: topics of their own, with the count of collected events; recovered (OK) states are
    # not kept, as in Kapacitor's topic store
    """
    CREATE TABLE topics (id TEXT PRIMARY KEY, collected INTEGER NOT NULL DEFAULT 0);
    INSERT OR IGNORE INTO topics (id, collected)
        SELECT topic, COUNT(*) FROM topic_events GROUP BY topic;
    INSERT OR IGNORE INTO topics (id) SELECT DISTINCT topic FROM topic_handlers;
    DELETE FROM topic_events WHERE level = 'OK'
    """,
]
SCHEMA_VERSION = len(_MIGRATIONS)


def dbrp_text(database: str, retention_policy: str) -> str:
    """How a dbrp is stored: `db.rp`, or `"my.db"."rp"` when a name needs quotes."""
    if any(character in name for name in (database, retention_policy) for character in '."\\'):
        quoted = [name.replace('"', '\\"') for name in (database, retention_policy)]
        return f'"{quoted[0]}"."{quoted[1]}"'
    return f"{database}.{retention_policy}"


def parse_dbrp(text: str) -> tuple[str, str]:
    """`db.rp` or `"db"."rp"` (quotes optional, `\\"` inside them), as `kapacitor define -dbrp`
    reads it (cmd/kapacitor/main.go dbrps.Set); TickError with Kapacitor's message otherwise."""
    if not text:
        raise TickError("invalid -dbrp: dbrp cannot be empty")
    if text[0] == '"':
        database, used = _quoted(text)
    else:
        used = text.find(".")
        if used == -1:
            raise TickError(f"invalid -dbrp {text!r}: does not contain a '.', it must be in the form "
                            '"dbname"."rpname" where the quotes are optional.')
        database = text[:used]
    if used >= len(text) or text[used] != ".":
        raise TickError(f"invalid -dbrp {text!r}: dbrp must specify retention policy, do you have a "
                        "missing or extra '.'?")
    rest = text[used + 1:]
    retention_policy = _quoted(rest)[0] if rest.startswith('"') else rest
    if not database or not retention_policy:
        raise TickError(f"invalid -dbrp {text!r}: expected db.rp")
    return database, retention_policy


def _quoted(text: str) -> tuple[str, int]:
    """The string between the opening quote and the next unescaped one, and the length used."""
    quote, out, index = text[0], [], 1
    while index < len(text):
        if text[index] == "\\" and index + 1 < len(text) and text[index + 1] == quote:
            out.append(quote)
            index += 2
        elif text[index] == quote:
            return "".join(out), index + 1
        else:
            out.append(text[index])
            index += 1
    return "".join(out), index


class StoreError(TickError):
    """A store problem the user can act on: an unknown task or handler, an unusable home."""


@dataclass
class StoredTask:
    id: str
    type: str
    dbrps: list[str]  # "db.rp" (see dbrp_text)
    script: str
    vars: dict  # Kapacitor's shape: {"name": {"type": "float", "value": 10}}
    status: str  # "enabled" or "disabled"
    error: str = ""
    created: str = ""  # ISO 8601, UTC
    modified: str = ""
    last_enabled: str = ""  # "" when never enabled

    @property
    def name(self) -> str:
        return self.id

    def dbrp_pairs(self) -> list[tuple[str, str]]:
        """(database, retention policy) pairs, the way replay routes points."""
        return [parse_dbrp(text) for text in self.dbrps]


@dataclass
class StoredHandler:
    topic: str
    id: str
    kind: str
    match: str = ""
    options: dict = field(default_factory=dict)


@dataclass
class TopicEvent:
    """The latest state of one alert id in a topic (Kapacitor's alert.EventState)."""

    id: str
    level: str
    message: str
    details: str
    time: int  # ns
    duration: int  # ns


@dataclass
class TopicInfo:
    id: str
    level: str  # the highest level among the topic's alerts, OK when none
    collected: int


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
            self._db = sqlite3.connect(str(self.path), timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None)
            self._db.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_SECONDS * 1000)}")
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")  # a finished define survives a power cut
            self._migrate()
        except sqlite3.DatabaseError as error:
            raise StoreError(f"cannot open the store at {self.path}: {error}") from None
        except OSError as error:
            raise StoreError(f"cannot open the store at {self.path}: {error.strerror}") from None

    def close(self) -> None:
        self._db.close()

    def transaction(self) -> "_Transaction":
        """`with store.transaction() as db:` — everything inside is written, or nothing."""
        return _Transaction(self._db, self.path)

    def _migrate(self) -> None:
        if self._current_version() == SCHEMA_VERSION:
            return  # nothing to do: no write lock needed to open a store another process writes to
        with self.transaction() as db:
            db.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
            row = db.execute("SELECT version FROM schema_version").fetchone()
            version = row[0] if row else 0
            if version > SCHEMA_VERSION:
                raise StoreError(f"the store at {self.path} was written by a newer tickpy "
                                 f"(schema {version}, this tickpy knows {SCHEMA_VERSION}); upgrade tickpy")
            for migration in _MIGRATIONS[version:]:
                for statement in migration.split(";"):
                    if statement.strip():
                        db.execute(statement)
            if row is None:
                db.execute("INSERT INTO schema_version VALUES (?)", (SCHEMA_VERSION,))
            elif version != SCHEMA_VERSION:
                db.execute("UPDATE schema_version SET version = ?", (SCHEMA_VERSION,))

    def _current_version(self) -> int | None:
        exists = self._db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'"
                                  ).fetchone()
        row = self._db.execute("SELECT version FROM schema_version").fetchone() if exists else None
        return row[0] if row else None

    def schema_version(self) -> int:
        return self._db.execute("SELECT version FROM schema_version").fetchone()[0]

    # Tasks -----------------------------------------------------------------------------------

    def define_task(self, task_id: str, task_type: str, dbrps: list[str], script: str, vars: dict,
                    reload: bool = True) -> None:
        """Create or replace a task. A new task is disabled; a redefined one keeps its status and
        creation time, and an enabled one is reloaded (Kapacitor disables and re-enables it, so
        its LastEnabled moves) unless `reload` is False (`define -no-reload`)."""
        with self.transaction() as db:
            existing = db.execute("SELECT status, created, last_enabled FROM tasks WHERE id = ?",
                                  (task_id,)).fetchone()
            now = _now()
            status, created, last_enabled = existing or ("disabled", now, "")
            if existing and status == "enabled" and reload:
                last_enabled = now
            db.execute("INSERT OR REPLACE INTO tasks VALUES (?, ?, ?, ?, ?, ?, '', ?, ?, ?)",
                       (task_id, task_type, json.dumps(dbrps), script, json.dumps(vars), status,
                        created, now, last_enabled))

    def task(self, task_id: str) -> StoredTask:
        row = self._db.execute("SELECT * FROM tasks WHERE id = ?", (task_id,)).fetchone()
        if row is None:
            raise StoreError(f"no task named {task_id!r}")
        return _task_from_row(row)

    def has_task(self, task_id: str) -> bool:
        return self._db.execute("SELECT 1 FROM tasks WHERE id = ?", (task_id,)).fetchone() is not None

    def tasks(self, pattern: str = "") -> list[StoredTask]:
        rows = self._db.execute("SELECT * FROM tasks ORDER BY id").fetchall()
        return [_task_from_row(row) for row in rows if _matches(row[0], pattern)]

    def enabled_tasks(self) -> list[StoredTask]:
        """What `tickpy run --replay DATA` runs when it is given no script."""
        return [task for task in self.tasks() if task.status == "enabled"]

    def set_status(self, task_ids: list[str], status: str) -> None:
        """Enable or disable tasks, all or none. LastEnabled moves only when a task goes from
        disabled to enabled (services/task_store handleUpdateTask)."""
        with self.transaction() as db:
            for task_id in task_ids:
                row = db.execute("SELECT status FROM tasks WHERE id = ?", (task_id,)).fetchone()
                if row is None:
                    raise StoreError(f"no task named {task_id!r}")
                if row[0] == status:
                    continue
                if status == "enabled":
                    db.execute("UPDATE tasks SET status = ?, last_enabled = ? WHERE id = ?",
                               (status, _now(), task_id))
                else:
                    db.execute("UPDATE tasks SET status = ? WHERE id = ?", (status, task_id))

    def delete_tasks(self, task_ids: list[str]) -> None:
        """Delete the tasks, all or none. An enabled task's anonymous topics go with it, as
        Kapacitor's deleteAlertHook deletes them; a disabled task's are left in the store, as
        Kapacitor leaves them (only an enabled task's hooks run)."""
        with self.transaction() as db:
            for task_id in task_ids:
                row = db.execute("SELECT status FROM tasks WHERE id = ?", (task_id,)).fetchone()
                if row is None:
                    raise StoreError(f"no task named {task_id!r}")
                db.execute("DELETE FROM tasks WHERE id = ?", (task_id,))
                if row[0] == "enabled":
                    _delete_anonymous_topics(db, task_id)

    # Topic handlers --------------------------------------------------------------------------

    def define_handler(self, handler: StoredHandler) -> None:
        """Create or replace the handler `handler.id` of `handler.topic` (the topic is created)."""
        with self.transaction() as db:
            db.execute("INSERT OR IGNORE INTO topics (id) VALUES (?)", (handler.topic,))
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
        with self.transaction() as db:
            for handler_id in handler_ids:
                deleted = db.execute("DELETE FROM topic_handlers WHERE topic = ? AND id = ?",
                                     (topic, handler_id)).rowcount
                if deleted == 0:
                    raise StoreError(f"no handler {handler_id!r} on topic {topic!r}")

    # Topics and their events -----------------------------------------------------------------

    def topics(self, pattern: str = "") -> list[str]:
        """Topics that collected events or have handlers, sorted by id; not the anonymous topics
        of disabled tasks (Kapacitor closes them when the task stops)."""
        rows = self._db.execute("SELECT id FROM topics UNION SELECT topic FROM topic_handlers "
                                "ORDER BY 1").fetchall()
        disabled = {row[0] for row in self._db.execute("SELECT id FROM tasks WHERE status = 'disabled'")}
        return [row[0] for row in rows
                if _matches(row[0], pattern) and task_of_anonymous_topic(row[0]) not in disabled]

    def topic(self, topic: str) -> TopicInfo:
        if topic not in self.topics():
            raise StoreError(f"no topic named {topic!r}")
        row = self._db.execute("SELECT collected FROM topics WHERE id = ?", (topic,)).fetchone()
        levels = [event.level for event in self.topic_events(topic)]
        level = max(levels, key=_level_rank, default="OK")
        return TopicInfo(topic, level, row[0] if row else 0)

    def topic_events(self, topic: str) -> list[TopicEvent]:
        """The latest state of each alert of the topic, oldest first."""
        rows = self._db.execute("SELECT id, level, message, details, time, duration FROM topic_events "
                                "WHERE topic = ? ORDER BY time, id", (topic,)).fetchall()
        return [TopicEvent(*row) for row in rows]

    def all_topic_events(self) -> dict[str, list[TopicEvent]]:
        """Every topic's saved alert states, for a run to start from (as Kapacitor restores them)."""
        states: dict[str, list[TopicEvent]] = {}
        rows = self._db.execute("SELECT topic, id, level, message, details, time, duration "
                                "FROM topic_events ORDER BY topic, time, id").fetchall()
        for topic, *event in rows:
            states.setdefault(topic, []).append(TopicEvent(*event))
        return states

    def save_topic_state(self, collected: dict[str, int],
                         latest: dict[tuple[str, str], TopicEvent]) -> None:
        """In one transaction: add to each topic's collected count, and keep the latest state of
        each (topic, alert id) — an OK state removes the alert, as Kapacitor's store does."""
        with self.transaction() as db:
            for topic in {*collected, *(topic for topic, _ in latest)}:
                db.execute("INSERT OR IGNORE INTO topics (id) VALUES (?)", (topic,))
            for topic, count in collected.items():
                db.execute("UPDATE topics SET collected = collected + ? WHERE id = ?", (count, topic))
            for (topic, alert_id), event in latest.items():
                if event.level == "OK":
                    db.execute("DELETE FROM topic_events WHERE topic = ? AND id = ?", (topic, alert_id))
                else:
                    db.execute("INSERT OR REPLACE INTO topic_events VALUES (?, ?, ?, ?, ?, ?, ?)",
                               (topic, alert_id, event.level, event.message, event.details,
                                event.time, event.duration))

    def save_event(self, topic: str, event: TopicEvent) -> None:
        """One collected event (see save_topic_state)."""
        self.save_topic_state({topic: 1}, {(topic, event.id): event})

    def delete_topics(self, topics: list[str]) -> None:
        """Forget the topics' events and counts. Their handler specs stay, as in Kapacitor, where
        deleting a topic drops its state but the specs come back with the next start."""
        known = set(self.topics())
        with self.transaction() as db:
            for topic in topics:
                if topic not in known:
                    raise StoreError(f"no topic named {topic!r}")
                db.execute("DELETE FROM topic_events WHERE topic = ?", (topic,))
                db.execute("DELETE FROM topics WHERE id = ?", (topic,))


def _delete_anonymous_topics(db: sqlite3.Connection, task_id: str) -> None:
    """Forget the state and count of every anonymous topic of `task_id` (handler specs stay, as
    when a topic is deleted)."""
    rows = db.execute("SELECT id FROM topics UNION SELECT topic FROM topic_events").fetchall()
    for (topic,) in rows:
        if task_of_anonymous_topic(topic) == task_id:
            db.execute("DELETE FROM topic_events WHERE topic = ?", (topic,))
            db.execute("DELETE FROM topics WHERE id = ?", (topic,))


class _Transaction:
    """`with` block = one IMMEDIATE transaction: all of it is written, or none of it.

    IMMEDIATE takes the write lock at the start, so two processes never both read, decide and
    then collide on the write; the second waits (busy timeout) instead. A store still locked
    after the timeout, or any other SQLite failure, becomes a StoreError saying so."""

    def __init__(self, db: sqlite3.Connection, path: Path):
        self.db = db
        self.path = path

    def __enter__(self) -> sqlite3.Connection:
        try:
            self.db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as error:
            raise self._store_error(error) from None
        return self.db

    def __exit__(self, kind, error, traceback) -> bool:
        if kind is None:
            try:
                self.db.execute("COMMIT")
                return False
            except sqlite3.Error as commit_error:
                error = commit_error
        self.db.execute("ROLLBACK")
        if isinstance(error, sqlite3.Error):
            raise self._store_error(error) from None
        return False

    def _store_error(self, error: sqlite3.Error) -> StoreError:
        if "locked" in str(error) or "busy" in str(error):
            return StoreError(f"the store at {self.path} is busy: another tickpy process kept it locked "
                              f"for {BUSY_TIMEOUT_SECONDS:g}s; try again")
        return StoreError(f"the store at {self.path} could not be written: {error}")


def _matches(name: str, pattern: str) -> bool:
    """Kapacitor's list patterns are globs (Go's path.Match); an empty pattern matches everything."""
    return not pattern or fnmatch.fnmatchcase(name, pattern)


def _level_rank(level: str) -> int:
    return LEVEL_ORDER.index(level) if level in LEVEL_ORDER else 0


def _task_from_row(row) -> StoredTask:
    task_id, task_type, dbrps, script, vars, status, error, created, modified, last_enabled = row
    return StoredTask(task_id, task_type, json.loads(dbrps), script, json.loads(vars), status, error,
                      created, modified, last_enabled)


def _handler_from_row(row) -> StoredHandler:
    topic, handler_id, kind, match, options = row
    return StoredHandler(topic, handler_id, kind, match, json.loads(options))
