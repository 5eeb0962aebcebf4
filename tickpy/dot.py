"""A task's pipeline as the DOT graph `kapacitor show` prints, worked out from the script alone.

Kapacitor builds the pipeline by evaluating the script (pipeline/*.go) and prints it with
`Pipeline.Dot` (pipeline/pipeline.go): `digraph NAME {`, then for every node, in the pipeline's
topological order, one `parent -> child;` line per child, then `}`. Nodes are named by their
kind and a number (`stream0`, `from1`, `alert2`), numbered in the order the script creates them.

Details that follow Kapacitor exactly, because they show in the output:
- the kind names are Kapacitor's, not the method names: `|groupBy()` is `groupby`,
  `|httpOut()` is `http_out`, `|stateDuration()` is `state_duration`, `@myUDF()` is `myUDF`;
- a node gets a number each time it is linked to a parent, so a `|join()` or `|union()` of N
  parents takes the last of N numbers (`join3` after `from1` and `from2` leaves no `join2`...);
- `batch` draws no edges of its own (BatchNode.dot is empty): a batch task's graph starts at
  its `query` nodes;
- `|deadman()` and `|stats()` add a `stats` source (and a `noop` child when the watched node
  had no child yet), as Node.Stats and Node.Deadman do;
- the order of the edges is the topological order of Pipeline.sort: a depth-first walk from
  the last source to the first, children in order, reversed.

Only the shape is computed: properties (`.crit()`, `.message()` ...) never add nodes, and
values are not checked (the checker does that before a task is stored).
"""

from __future__ import annotations

from tickpy.lang import ast

# Chain methods whose node kind is not their own name (the `desc` of each node in pipeline/*.go).
_KIND_OF_METHOD = {
    "groupBy": "groupby",
    "httpOut": "http_out",
    "httpPost": "http_post",
    "influxDBOut": "influxdb_out",
    "kapacitorLoopback": "kapacitor_loopback",
    "stateDuration": "state_duration",
    "stateCount": "state_count",
    "ec2Autoscale": "ec2_autoscale",
    "k8sAutoscale": "k8s_autoscale",
    "swarmAutoscale": "swarm_autoscale",
    "holtWintersWithFit": "holtWinters",
}


class _Node:
    def __init__(self, kind: str):
        self.kind = kind
        self.number = -1
        self.children: list[_Node] = []
        self.draws_edges = kind != "batch"

    @property
    def name(self) -> str:
        return f"{self.kind}{self.number}"


class _Pipeline:
    """The nodes of one task, numbered as Kapacitor numbers them."""

    def __init__(self):
        self.sources: list[_Node] = []
        self._next_number = 0

    def _number(self, node: _Node) -> None:
        node.number = self._next_number
        self._next_number += 1

    def add_source(self, node: _Node) -> _Node:
        self._number(node)
        self.sources.append(node)
        return node

    def link(self, parent: _Node, child: _Node) -> _Node:
        """Node.linkChild: the child gets a (new) number every time it is linked."""
        self._number(child)
        parent.children.append(child)
        return child

    def walk(self) -> list[_Node]:
        """Pipeline.sort: depth-first post-order from the sources, last source first, reversed."""
        done: set[int] = set()
        ordered: list[_Node] = []

        def visit(node: _Node) -> None:
            if id(node) in done:
                return
            done.add(id(node))
            for child in node.children:
                visit(child)
            ordered.append(node)

        for source in reversed(self.sources):
            visit(source)
        ordered.reverse()
        return ordered


def task_type(program: ast.Program) -> str | None:
    """`stream` or `batch` as Kapacitor infers it (services/task_store/util.go taskTypeFromProgram):
    the leftmost name of every top-level chain and declaration; None when there is none or the
    script mixes both."""
    found: list[str] = []
    for statement in program.statements:
        node = statement.value if isinstance(statement, ast.Declaration) else statement
        if not isinstance(statement, (ast.Declaration, ast.Chain)):
            continue
        while isinstance(node, ast.Chain):
            node = node.left
        if isinstance(node, ast.Identifier) and node.name in ("stream", "batch"):
            found.append(node.name)
    if not found or any(kind != found[0] for kind in found):
        return None
    return found[0]


def task_dot(program: ast.Program, task_name: str) -> str:
    """`digraph NAME {` ... `}` with no newline after the closing brace, as Kapacitor stores it."""
    pipeline = _Pipeline()
    source_kind = task_type(program) or "stream"
    scope: dict[str, object] = {source_kind: pipeline.add_source(_Node(source_kind))}
    evaluator = _Evaluator(pipeline, scope)
    for statement in program.statements:
        evaluator.statement(statement)
    lines = [f"digraph {task_name} {{"]
    for node in pipeline.walk():
        if node.draws_edges:
            lines += [f"{node.name} -> {child.name};" for child in node.children]
    lines.append("}")
    return "\n".join(lines)


class _Evaluator:
    """Just enough of the script's evaluation to know which node each chain starts from."""

    def __init__(self, pipeline: _Pipeline, scope: dict[str, object]):
        self.pipeline = pipeline
        self.scope = scope

    def statement(self, statement: ast.Node) -> None:
        if isinstance(statement, ast.Declaration):
            self.scope[statement.name.name] = self.value(statement.value)
        elif isinstance(statement, ast.Chain):
            self.value(statement)

    def value(self, node: ast.Node):
        if isinstance(node, ast.Identifier):
            return self.scope.get(node.name)
        if isinstance(node, ast.Chain):
            return self.chain(node)
        return None

    def chain(self, node: ast.Chain):
        left = self.value(node.left)
        if not isinstance(left, _Node):
            return None
        right = node.right
        name = right.name if isinstance(right, (ast.Function, ast.Identifier)) else ""
        if node.operator == ".":
            return left  # properties (and handler properties) leave the node where it is
        if node.operator == "@":
            return self.pipeline.link(left, _Node(name))
        args = right.args if isinstance(right, ast.Function) else []
        if name == "join":
            return self.join(left, args)
        if name == "union":
            return self.union(left, args)
        if name == "stats":
            return self.stats(left)
        if name == "deadman":
            return self.deadman(left)
        return self.pipeline.link(left, _Node(_KIND_OF_METHOD.get(name, name)))

    def _nodes(self, args: list[ast.Node]) -> list[_Node]:
        return [value for value in (self.value(arg) for arg in args) if isinstance(value, _Node)]

    def join(self, left: _Node, args: list[ast.Node]) -> _Node:
        """chainnode.Join: the left node first, then the others, each linking the join."""
        joined = _Node("join")
        for parent in [left, *self._nodes(args)]:
            self.pipeline.link(parent, joined)
        return joined

    def union(self, left: _Node, args: list[ast.Node]) -> _Node:
        """chainnode.Union: the other nodes link the union first, the left node last."""
        union = _Node("union")
        for parent in [*self._nodes(args), left]:
            self.pipeline.link(parent, union)
        return union

    def stats(self, watched: _Node) -> _Node:
        """Node.Stats: a new source; a node with no child yet gets a noop child."""
        stats = self.pipeline.add_source(_Node("stats"))
        if not watched.children:
            self.pipeline.link(watched, _Node("noop"))
        return stats

    def deadman(self, watched: _Node) -> _Node:
        """Node.Deadman: stats | derivative | alert."""
        derivative = self.pipeline.link(self.stats(watched), _Node("derivative"))
        return self.pipeline.link(derivative, _Node("alert"))
