"""Drive recorded line protocol through tasks, on the data's own clock.

Points are read one at a time (the file is streamed, never loaded), routed to the tasks whose
dbrp matches (a task without dbrps takes every point), and before each point every node that
cares about time (and the topics, for aggregate handlers) is told how far the clock has moved.
At the end every node finishes.
"""

from __future__ import annotations

import sys

from tickpy.data.lineproto import PointReader, open_line_protocol
from tickpy.pipeline.node import Node

PROGRESS_EVERY = 100_000  # points between progress updates on a terminal


def replay(path: str, tasks: list, services, precision: str = "ns", progress=None,
           dbrp: tuple[str, str] = ("", "")) -> None:
    """Replay a line protocol file (or `-`, stdin)."""
    with open_line_protocol(path) as lines:
        replay_lines(lines, path, tasks, services, precision, progress, dbrp)


def replay_lines(lines, source_name: str, tasks: list, services, precision: str = "ns", progress=None,
                 dbrp: tuple[str, str] = ("", "")) -> None:
    """Replay line protocol lines from any iterable (a file, a list). `dbrp` is the database and
    retention policy of points before any `# CONTEXT-DATABASE` header."""
    report = services.report
    reader = PointReader(lines, source_name=source_name, precision=precision,
                         database=dbrp[0], retention_policy=dbrp[1],
                         on_skip=lambda skipped: report.skip(skipped.format(source_name)))
    # The loop below runs once per point: the nodes that act on time are in one list, and each
    # task's entry is its stream node's bound `point` with its dbrp set (empty: every point).
    clocked_nodes = [node for task in tasks for node in task.nodes
                     if type(node).advance is not Node.advance]
    if services.topics is not None:
        clocked_nodes.append(services.topics)  # aggregate handlers run on the same clock
    entries = [(task.stream.point, set(task.dbrps)) for task in tasks]
    now = None
    points = 0
    for point in reader:
        if point.time != now:
            now = point.time
            for node in clocked_nodes:
                node.advance(now)
        for enter, dbrps in entries:
            if dbrps and (point.database, point.retention_policy) not in dbrps:
                continue
            enter(point)
        points += 1
        if progress is not None and points % PROGRESS_EVERY == 0:
            progress(points)
    report.points_read = reader.points_read
    for task in tasks:
        task.finish()
    if services.topics is not None:
        services.topics.finish()


def terminal_progress(points: int) -> None:
    sys.stderr.write(f"\rreplayed {points:,} points")
    sys.stderr.flush()
