"""Builders for nodes that join or split streams, and deadman: join, union, combine, flatten, stats, deadman.

Their checks and error texts are Kapacitor's (each node's `validate()` in pipeline/*.go), raised
at the node's position when the task is built.

Nodes with several parents (`a|join(b, c)`, `a|union(b)`) are linked from every parent, and
number themselves as Kapacitor does: a node takes a number each time a parent is linked to it, so
it ends with the last one (pipeline/node.go linkChild). `stats` and `deadman` watch a node without
being its child in Kapacitor (the stats node is a source of its own); here the watched node sends
its points to a counter the stats node reads, and the numbering includes the `noop` child
Kapacitor gives a watched node that has no child yet.
"""

from __future__ import annotations

from tickpy.lang import ast
from tickpy.pipeline.node import Node
from tickpy.pipeline.node_builder import STREAM, NodeBuilder, duration_arg, flatten, string_args
from tickpy.pipeline.nodes.combine import DEFAULT_MAX_COMBINATIONS, CombineNode
from tickpy.pipeline.nodes.deadman import deadman_id, deadman_message, deadman_rate
from tickpy.pipeline.nodes.flatten import FlattenNode
from tickpy.pipeline.nodes.join import FILL_NONE, FILL_NULL, JoinNode, JoinSpec
from tickpy.pipeline.nodes.multi_parent import ParentInput
from tickpy.pipeline.nodes.stats import EmittedCounter, StatsNode
from tickpy.pipeline.nodes.union import UnionNode


def _one_string(builder: NodeBuilder, args: list, at: ast.Node) -> str:
    (value,) = string_args(builder.builder, args, at)
    return value


def _check_prefixes(builder: NodeBuilder, names: list[str], delimiter: str, node: str) -> None:
    """The `.as()` names of join and combine (their validate() in pipeline/join.go, combine.go)."""
    for name in names:
        if not name:
            raise builder.builder.error(f"must provide a prefix name for the {node} node, see .as() "
                                        f"property method", builder.at)
        if node == "join" and delimiter and delimiter in name:
            raise builder.builder.error(f"cannot use name {name} as field prefix, it contains the "
                                        f'delimiter "{delimiter}"', builder.at)
        if node == "combine" and delimiter in name:  # an empty delimiter is in every name, as in Go
            raise builder.builder.error(f"cannot use name {name} as field prefix, it contains the "
                                        f"delimiter character {delimiter}", builder.at)
    if len(set(names)) != len(names):
        raise builder.builder.error("cannot use the same prefix name see .as() property method", builder.at)


# ---------------------------------------------------------------------------------------------
# Nodes with several parents


class _MultiParentBuilder(NodeBuilder):
    """`a|node(b, c...)`: linked from `a` (the parent it was chained from) and from each argument.
    `input_for` gives each parent its own numbered input (tickpy/pipeline/nodes/multi_parent.py)."""

    def __init__(self, builder, at, args=None):
        super().__init__(builder, at, args)
        for other in self.args:
            if not isinstance(other, NodeBuilder):
                raise builder.error(f"|{self.kind}() takes nodes (pipeline variables), got {other!r}", at)
            other.children.append(self)
            self.node_id = builder.next_id(self.kind)  # one number per parent linked
        self._inputs_given: set[int] = set()

    def ordered_parents(self) -> list[NodeBuilder]:
        raise NotImplementedError

    def instantiate(self) -> list[Node]:
        """Made when the first parent is; listed (with everything below it) only when the last
        parent is, so that the task lists every parent before it and finishes them first: what a
        parent still sends at the end of the data (a union draining) reaches this node before it
        flushes its own sets."""
        if self._node is None:
            self._check_edges()
            self._node = self.create()
            self._links_left = len(self.ordered_parents())
        self._links_left -= 1
        if self._links_left > 0:
            return []
        created = [self._node]
        for child in self.children:
            created += child.instantiate()
            self._node.add_child(child.input_for(self))
        return created

    def _check_edges(self) -> None:
        """The node wants the edge of the node it was chained from (pipeline/node.go Join and
        Union); a parent sending the other kind is refused when Kapacitor links the task's edges
        (node.go linkChild), parents in the order they were linked: the script lints (it is
        defined), but the task does not start."""
        wants = self.parent.provides
        for parent in self.ordered_parents():
            if parent.provides != wants:
                raise self.builder.error(f"cannot add child mismatched edges: {parent.node_id}:"
                                         f"{parent.provides} -> {self.node_id}:{wants}", self.at)

    def input_for(self, parent: NodeBuilder) -> Node:
        for index, candidate in enumerate(self.ordered_parents()):
            if candidate is parent and index not in self._inputs_given:
                self._inputs_given.add(index)
                return ParentInput(self._node, index)
        raise self.builder.error(f"|{self.kind}(): a parent was linked twice", self.at)


class JoinBuilder(_MultiParentBuilder):
    kind = "join"

    def __init__(self, builder, at, args=None):
        super().__init__(builder, at, args)
        self.names: list[str] = []
        self.on: list[str] = []
        self.delimiter = "."
        self.tolerance = 0
        self.fill = FILL_NONE
        self.stream_name = ""
        self.delete_all = False

    def ordered_parents(self):
        """pipeline/node.go Join: the node it was chained from first, then the arguments."""
        return [self.parent, *self.args]

    def set_as(self, args, at): self.names = string_args(self.builder, flatten(args), at)
    def set_on(self, args, at): self.on = string_args(self.builder, flatten(args), at)
    def set_delimiter(self, args, at): self.delimiter = _one_string(self, args, at)
    def set_streamName(self, args, at): self.stream_name = _one_string(self, args, at)
    def set_tolerance(self, args, at): self.tolerance = duration_arg(self.builder, args, at)

    def set_deleteAll(self, args, at):
        """Only changes what a group deletion does; a replay never deletes groups."""
        self.delete_all = bool(args[0]) if args else True

    def set_fill(self, args, at):
        (fill,) = args
        if isinstance(fill, str) and fill not in (FILL_NULL, FILL_NONE):
            raise self.builder.error(f"unexpected fill option {fill}", at)
        if isinstance(fill, bool) or not isinstance(fill, (str, int, float)):
            fill = FILL_NONE  # join.go: any other value is no fill
        self.fill = fill

    def create(self):
        if not self.names:
            raise self.builder.error("a call to join.as() is required to specify the output stream "
                                     "prefixes.", self.at)
        parents = self.ordered_parents()
        if len(self.names) != len(parents):
            raise self.builder.error("number of prefixes specified by join.as() must match the number "
                                     "of joined streams", self.at)
        _check_prefixes(self, self.names, self.delimiter, "join")
        spec = JoinSpec(self.names, self.delimiter, self.on, self.tolerance, self.fill,
                        self.stream_name, self.delete_all)
        return JoinNode(self.node_id, len(parents), spec)


class UnionBuilder(_MultiParentBuilder):
    kind = "union"

    def __init__(self, builder, at, args=None):
        super().__init__(builder, at, args)
        self.rename = ""

    def ordered_parents(self):
        """pipeline/node.go Union: the arguments are linked first, the node it was chained from last."""
        return [*self.args, self.parent]

    def set_rename(self, args, at):
        self.rename = _one_string(self, args, at)

    def create(self):
        return UnionNode(self.node_id, len(self.ordered_parents()), self.rename)


# ---------------------------------------------------------------------------------------------
# One parent


class CombineBuilder(NodeBuilder):
    kind = "combine"
    provides = STREAM  # pipeline/combine.go: wants the parent's edge, provides a stream

    def __init__(self, builder, at, args=None):
        super().__init__(builder, at, args)
        self.names: list[str] = []
        self.delimiter = "."
        self.tolerance = 0
        self.max = DEFAULT_MAX_COMBINATIONS

    def set_as(self, args, at): self.names = string_args(self.builder, flatten(args), at)
    def set_delimiter(self, args, at): self.delimiter = _one_string(self, args, at)
    def set_tolerance(self, args, at): self.tolerance = duration_arg(self.builder, args, at)

    def set_max(self, args, at):
        if len(args) != 1 or isinstance(args[0], bool) or not isinstance(args[0], int):
            raise self.builder.error("expected an integer", at)
        self.max = args[0]

    def create(self):
        if not self.names:
            raise self.builder.error("a call to combine.as() is required to specify the output stream "
                                     "prefixes.", self.at)
        if len(self.names) != len(self.args):
            raise self.builder.error("number of prefixes specified by combine.as() must match the "
                                     "number of combine expressions", self.at)
        _check_prefixes(self, self.names, self.delimiter, "combine")
        predicates = [self.builder.compile_lambda(arg, self.at).predicate for arg in self.args]
        return CombineNode(self.node_id, predicates, self.names, self.delimiter, self.tolerance, self.max)


class FlattenBuilder(NodeBuilder):
    kind = "flatten"

    def __init__(self, builder, at, args=None):
        super().__init__(builder, at, args)
        self.on: list[str] = []
        self.delimiter = "."
        self.tolerance = 0
        self.drop_original_field_name = False

    def set_on(self, args, at): self.on = string_args(self.builder, flatten(args), at)
    def set_delimiter(self, args, at): self.delimiter = _one_string(self, args, at)
    def set_tolerance(self, args, at): self.tolerance = duration_arg(self.builder, args, at)

    def set_dropOriginalFieldName(self, args, at):
        self.drop_original_field_name = bool(args[0]) if len(args) == 1 else True

    def create(self):
        return FlattenNode(self.node_id, self.on, self.delimiter, self.tolerance,
                           self.drop_original_field_name)


# ---------------------------------------------------------------------------------------------
# Watching another node: stats and deadman


class _WatchingBuilder(NodeBuilder):
    """A builder whose parent is the node it watches. When the parent is set (right after the
    builder is made, before anything else in the script is numbered), Kapacitor's `noop` child
    takes a number if the watched node has no child yet (pipeline/node.go Stats)."""

    kind = "stats"
    provides = STREAM

    @property
    def parent(self):
        return self._watched

    @parent.setter
    def parent(self, watched):
        self._watched = watched
        if watched is not None:
            if not watched.children:
                self.builder.next_id("noop")
            self.numbered_after_noop()

    def numbered_after_noop(self) -> None:
        """Number the nodes that follow the stats node (deadman's derivative and alert)."""

    def make_stats(self, interval: int, align: bool) -> StatsNode:
        if interval <= 0:
            raise self.builder.error("stats node must have positive interval", self.at)
        return StatsNode(self.node_id, interval, align, EmittedCounter(self.node_id + ".counter"))


class StatsBuilder(_WatchingBuilder):
    def __init__(self, builder, at, args=None):
        super().__init__(builder, at, args)
        self.interval = duration_arg(self.builder, self.args, at)
        self.align = False

    def set_align(self, args, at):
        self.align = True

    def create(self):
        return self.make_stats(self.interval, self.align)

    def input_for(self, parent):
        return self._node.counter


class DeadmanBuilder(_WatchingBuilder):
    """`|deadman(threshold, interval, lambdas...)`: Kapacitor's stats → derivative → alert. What
    follows in the script (`.id()`, `.message()`, `.slack()`, `|log()`...) belongs to the alert,
    so properties and children are the alert builder's."""

    def __init__(self, builder, at, args=None):
        super().__init__(builder, at, args)
        if len(self.args) < 2:
            raise builder.error("deadman needs a threshold and an interval", at)
        threshold, self.interval = self.args[0], duration_arg(self.builder, self.args[1:2], at)
        if isinstance(threshold, bool) or not isinstance(threshold, (int, float)):
            raise builder.error("deadman's threshold must be a number", at)
        self.threshold = float(threshold)
        self.extra_conditions = self.args[2:]
        self.alert = None

    def numbered_after_noop(self):
        from tickpy.pipeline.build import AlertBuilder  # build.py imports this module

        self.rate_id = self.builder.next_id("derivative")
        self.alert = AlertBuilder(self.builder, self.at)
        self.children = self.alert.children  # `|log()` after the deadman follows its alert
        self.alert.rules.levels[3] = self.builder.compile_lambda(self._crit_lambda(), self.at)
        settings = deadman_settings(self.builder.services)
        self.alert.texts["id"] = deadman_id(self.parent.node_id, settings.id)
        self.alert.texts["message"] = deadman_message(self.interval, settings.message)

    def _crit_lambda(self) -> ast.Lambda:
        """`"emitted" <= threshold`, AND each extra lambda, as pipeline/node.go builds it."""
        line, column = self.at.line, self.at.column
        expression = ast.Binary(line, column, "<=", ast.Reference(line, column, "emitted"),
                                ast.Number(line, column, self.threshold, False))
        for condition in self.extra_conditions:
            if not isinstance(condition, ast.Lambda):
                raise self.builder.error("deadman's extra conditions must be lambda expressions", self.at)
            expression = ast.Binary(line, column, "AND", expression, condition.expression)
        return ast.Lambda(line, column, expression)

    def property(self, name, args, at):
        return self.alert.property(name, args, at)

    def instantiate(self) -> list[Node]:
        if self._node is not None:
            return []
        stats = self.make_stats(self.interval, align=True)
        rate = deadman_rate(self.rate_id, stats)
        self._node = rate.add_child(self.alert.create())
        self._counter = stats.counter
        created = [stats, rate, self._node]
        for child in self.children:
            created += child.instantiate()
            self._node.add_child(child.input_for(self))
        return created

    def input_for(self, parent):
        return self._counter


def deadman_settings(services):
    """The run's `[deadman]` section, or Kapacitor's defaults without a config."""
    from tickpy.config import DeadmanConfig

    config = services.config
    return config.deadman if config is not None else DeadmanConfig()


BUILDERS: dict = {
    "join": JoinBuilder,
    "union": UnionBuilder,
    "combine": CombineBuilder,
    "flatten": FlattenBuilder,
    "stats": StatsBuilder,
    "deadman": DeadmanBuilder,
}
