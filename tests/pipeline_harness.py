"""Running a script's pipeline in-process, for the node tests: build the task, hang a `Capture`
under the node being tested, replay line protocol on the data's clock (tickpy/replay.py).

Times follow Kapacitor's integration tests, whose replay moves a recording so its first point is
at 1971-01-01T00:00:00Z: `at(seconds)` is a time counted from there, and `kapacitor_lines()` turns
a recording's `measurement,tags fields SECONDS` lines into line protocol moved the same way.
"""

from __future__ import annotations

import io

from tickpy.lang.parser import parse
from tickpy.pipeline.build import build_task
from tickpy.pipeline.node import Node
from tickpy.replay import replay_lines
from tickpy.services import Services

SECOND = 10**9
T0 = 31_536_000 * SECOND  # 1971-01-01T00:00:00Z


def at(seconds: float) -> int:
    """The time Kapacitor's expected results write as 1971-01-01T00:00:<seconds>Z."""
    return T0 + int(seconds * SECOND)


def kapacitor_lines(text: str, first: int | None = None) -> list[str]:
    """`measurement,tags fields SECONDS` lines (a .srpl recording without its db/rp lines) as line
    protocol, moved so that second `first` (by default the first line's) is at T0."""
    rows = [line.rsplit(None, 1) for line in text.strip().splitlines()]
    base = int(rows[0][1]) if first is None else first
    return [f"{body} {at(int(seconds) - base)}" for body, seconds in rows]


class Capture(Node):
    """Records what reaches it, points and batches, in order."""

    kind = "capture"

    def __init__(self):
        super().__init__("capture")
        self.received: list = []

    def point(self, point):
        self.received.append(point)

    def batch(self, batch):
        self.received.append(batch)

    @property
    def points(self):
        return [item for item in self.received if not hasattr(item, "points")]

    @property
    def batches(self):
        return [item for item in self.received if hasattr(item, "points")]


class Run:
    """A built task with what it sends: `events` (alert events, in order), `capture` (what the
    node given to `capture_after` emits), the `services` it runs with."""

    def __init__(self, script: str, task_name: str = "test"):
        self.services = Services(dry_run=True, out=io.StringIO())
        self.events: list = []
        self.services.event_listeners.append(self.events.append)
        self.task = build_task(parse(script, "test.tick"), task_name, self.services, "test.tick")
        self.capture = Capture()

    def node(self, node_id: str) -> Node:
        return next(node for node in self.task.nodes if node.id == node_id)

    def capture_after(self, node_id: str | None = None) -> Capture:
        """Capture what `node_id` emits (by default the last node without children)."""
        target = self.node(node_id) if node_id else [n for n in self.task.nodes if not n.children][-1]
        target.add_child(self.capture)
        return self.capture

    def replay(self, lines: list[str], precision: str = "ns", finish: bool = True) -> "Run":
        """Replay `lines`; with `finish=False` the data has not ended (nodes are not finished)."""
        task = self.task if finish else _Unfinished(self.task)
        replay_lines(lines, "data.lp", [task], self.services, precision)
        return self


def run_script(script: str, lines: list[str]):
    """Replay `lines` through `script`; returns (capture of the last node's output, task)."""
    run = Run(script)
    capture = run.capture_after(run.task.nodes[-1].id)
    run.replay(lines)
    return capture, run.task


def replay_srpl(script: str, data: str) -> Capture:
    """What the last node of `script` emits when a recording's `measurement,tags fields SECONDS`
    lines are replayed, moved as `kapacitor_lines()` moves them."""
    return run_script(script, kapacitor_lines(data))[0]


class _Unfinished:
    """A task whose data has not ended yet: what the replay sees, without `finish()`."""

    def __init__(self, task):
        self.nodes, self.dbrps, self.stream = task.nodes, task.dbrps, task.stream

    def finish(self) -> None:
        pass
