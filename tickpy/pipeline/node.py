"""The runtime node: what every stage of a running task is.

Points flow down from `stream` through each node's `point()`; a node passes what it keeps on with
`emit()`. Batches (a window's output, tickpy/data/batch.py) flow the same way through `batch()`
and `emit_batch()`; each batch counts as one in the node's statistics, as in Kapacitor. Time is the data's own clock: before each point the replay calls `advance(time)` on
every node of the task, so nodes that act on time passing (windows, deadman) can do so even when
no point reaches them; `finish()` is called once at the end of the data.

Each node counts points in and out and evaluation errors, the figures Kapacitor shows per node in
`kapacitor show` (its DOT statistics), so a user can see where points stopped.
"""

from __future__ import annotations

from tickpy.data.batch import Batch
from tickpy.data.point import Point


class Node:
    """Base class of runtime nodes. Subclasses override `point()` and, if they need to,
    `advance()` and `finish()`; they call `emit()` to pass a point to the children."""

    kind = "node"  # Kapacitor's name for the node type, used in ids such as "from1"

    def __init__(self, node_id: str):
        self.id = node_id  # unique in the task: kind + index, as Kapacitor numbers nodes
        self.children: list[Node] = []
        self.points_in = 0
        self.points_out = 0
        self.errors = 0
        self.error_messages: dict[str, int] = {}  # message -> count, for the run summary

    def add_child(self, child: "Node") -> "Node":
        self.children.append(child)
        return child

    def point(self, point: Point) -> None:
        self.points_in += 1
        self.emit(point)

    def emit(self, point: Point) -> None:
        self.points_out += 1
        for child in self.children:
            child.point(point)

    def batch(self, batch: Batch) -> None:
        self.points_in += 1
        self.emit_batch(batch)

    def emit_batch(self, batch: Batch) -> None:
        self.points_out += 1
        for child in self.children:
            child.batch(batch)

    def advance(self, now: int) -> None:
        """The replay clock reached `now` (ns). Default: nothing to do."""

    def finish(self) -> None:
        """The data ended. Default: nothing to flush."""

    def count_error(self, message: str) -> None:
        self.errors += 1
        self.error_messages[message] = self.error_messages.get(message, 0) + 1

    def walk(self):
        """This node and every node below it, each once, parents before children."""
        seen: set[int] = set()
        stack = [self]
        while stack:
            node = stack.pop(0)
            if id(node) in seen:
                continue
            seen.add(id(node))
            yield node
            stack.extend(node.children)


class PointwiseNode(Node):
    """A node that looks at each point alone (where, eval, log...): it implements `transform()`,
    and both edge types work. On a batch edge each point of the batch is transformed and the
    batch goes on with what was kept, even if that is nothing, as Kapacitor's where does."""

    def transform(self, point: Point) -> Point | None:
        """The point to pass on, or None to drop it."""
        raise NotImplementedError

    def point(self, point: Point) -> None:
        self.points_in += 1
        result = self.transform(point)
        if result is not None:
            self.emit(result)

    def batch(self, batch: Batch) -> None:
        self.points_in += 1
        transform = self.batch_transform(batch)
        kept = []
        for point in batch.points:
            result = transform(point)
            if result is not None:
                kept.append(result)
        self.emit_batch(batch.with_points(kept))

    def batch_transform(self, batch: Batch):
        """What transforms each point of `batch`: `transform`, unless the node must know the
        batch (where and eval take the lambdas of the batch's group, which its points, renamed or
        regrouped on the way, need not carry)."""
        return self.transform
