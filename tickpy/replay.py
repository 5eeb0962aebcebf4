"""Drive recorded line protocol through tasks, on the data's own clock.

Points are read one at a time (the file is streamed, never loaded), routed to the tasks whose
dbrp matches (a task without dbrps takes every point), and before each point every node that
cares about time (and the topics, for aggregate handlers) is told how far the clock has moved.
At the end every node finishes.
"""

from __future__ import annotations

import sys

from tickpy.data.lineproto import PointReader, open_line_protocol
from tickpy.lang.errors import TickError
from tickpy.pipeline.node import Node
from tickpy.pipeline.nodes.stats import MAX_TICKS_PER_CLOCK_MOVE, TooManyTicks

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
            try:
                for node in clocked_nodes:
                    node.advance(point.time)
            except TooManyTicks as jump:
                raise _clock_jump_error(jump, now, point, source_name) from None
            now = point.time
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


def _clock_jump_error(jump: TooManyTicks, before: int, point, source_name: str) -> TickError:
    """Where the data's clock jumped too far for a stats (or deadman) node, and the likely cause."""
    from tickpy.alert.event import format_time
    from tickpy.template.gotime import duration_string

    return TickError(
        f"the data's time jumps from {format_time(before)} to {format_time(point.time)}: "
        f"{jump.node_id} (every {duration_string(jump.interval)}) would tick {jump.ticks:,} times "
        f"in between, more than {MAX_TICKS_PER_CLOCK_MOVE:,} (are all timestamps in one precision? "
        "see --precision)", point.line, 0, source_name)


def terminal_progress(points: int) -> None:
    sys.stderr.write(f"\rreplayed {points:,} points")
    sys.stderr.flush()
