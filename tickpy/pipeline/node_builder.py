"""The builder of one pipeline node: what a script says about a node, before the node runs.

While a script is evaluated (tickpy/pipeline/build.py), each `|name(args)` makes a `NodeBuilder`
and each `.property(args)` calls its `set_property(args, at)` method. Once the whole script has
been read, `create()` makes the runtime node. A builder class per node kind lives beside the
others of its family (`build_*.py`) and is listed in build.py's `CHAIN_BUILDERS`.

Builders also know the *edge type* a node provides, as Kapacitor's pipeline does: "stream" (single
points) or "batch" (groups of points, as `window` makes them). Most nodes pass on what they get;
`window` provides batches, aggregates such as `mean` turn batches back into points.
"""

from __future__ import annotations

from tickpy.data.values import Duration
from tickpy.lang import ast
from tickpy.pipeline.node import Node

STREAM = "stream"
BATCH = "batch"


def string_args(builder, args: list, at: ast.Node) -> list[str]:
    """The arguments of a property that takes strings, or an error at the property."""
    for value in args:
        if not isinstance(value, str):
            raise builder.error(f"expected strings, got {value!r}", at)
    return list(args)


def duration_arg(builder, args: list, at: ast.Node) -> int:
    """The one argument of a property or node that takes a duration, in nanoseconds, or an error
    at the property.

    Every such argument is a Go time.Duration in Kapacitor's pipeline (the tolerance of join,
    combine and flatten, the unit of derivative and stateDuration, shift, stats and deadman's
    interval). Kapacitor hands the script's value to it through reflection, which refuses a
    plain integer (`reflect.Set: value of type int64 is not assignable to type time.Duration`),
    so only a duration is accepted here too."""
    if len(args) != 1 or not isinstance(args[0], Duration):
        given = repr(args[0]) if len(args) == 1 else f"{len(args)} arguments"
        raise builder.error(f"expected a duration, got {given}", at)
    return int(args[0])


def flatten(values: list) -> list:
    """`groupBy('a', ['b', 'c'])`: lists given as arguments count as their items."""
    flat = []
    for value in values:
        flat.extend(value if isinstance(value, list) else [value])
    return flat


class NodeBuilder:
    """Collects the properties of one pipeline node; `create()` makes the runtime node.

    `builder` is the script evaluator: it gives `error(message, at)`, `compile_lambda(value, at)`,
    `services` and `task_name`. `parent` is the builder this node was chained from (None for
    `stream`)."""

    kind = ""

    def __init__(self, builder, at: ast.Node, args: list | None = None):
        self.builder = builder
        self.at = at
        self.args = args or []
        self.parent: NodeBuilder | None = None
        self.children: list[NodeBuilder] = []
        self._node: Node | None = None
        # Kapacitor numbers nodes in the order the script creates them: stream0, from1, alert2;
        # `kind` is Kapacitor's name for the node (groupby, state_duration, movingAverage).
        self.node_id = builder.next_id(self.kind)

    @property
    def provides(self) -> str:
        """The edge type of this node's output: by default, what it receives."""
        return self.parent.provides if self.parent is not None else STREAM

    # What a script can do with a node -------------------------------------------------------

    def chain_node(self, name: str, args: list, at: ast.Node) -> "NodeBuilder":
        child = self.builder.make_node_builder(name, args, at)
        child.parent = self
        self.children.append(child)
        return child

    def property(self, name: str, args: list, at: ast.Node):
        setter = getattr(self, "set_" + name, None)
        if setter is None:
            raise self.builder.error(f".{name}() on |{self.kind}() is not supported by tickpy run yet", at)
        result = setter(args, at)
        return self if result is None else result

    def set_quiet(self, args, at):
        self.quiet = True

    # Making the runtime nodes ---------------------------------------------------------------

    def create(self) -> Node:
        raise NotImplementedError

    def walk(self):
        """This builder and all below it, each once, parents first."""
        seen: set[int] = set()
        queue = [self]
        while queue:
            current = queue.pop(0)
            if id(current) not in seen:
                seen.add(id(current))
                yield current
                queue.extend(current.children)

    def instantiate(self) -> list[Node]:
        """Create this node and everything below it; returns them parents first. A node with
        several parents (join, union) is created once and linked from each."""
        if self._node is not None:
            return []
        self._node = self.create()
        created = [self._node]
        for child in self.children:
            created += child.instantiate()
            self._node.add_child(child.input_for(self))
        return created

    def input_for(self, parent: "NodeBuilder") -> Node:
        """The runtime node that receives what `parent` emits. A node that must tell its parents
        apart (join) returns a different receiver per parent."""
        return self._node
