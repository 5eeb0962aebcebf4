"""`|eval(lambdas...).as(names...)`: computes new fields (or tags) per point (Kapacitor's eval.go).

Each lambda sees the fields computed by the lambdas before it. Without `.keep()` the point keeps
only the computed fields; `.keep()` keeps every field, `.keep('a', 'b')` just those. `.tags(names)`
turns computed string values into tags. A point whose evaluation fails is dropped (and reported
unless `.quiet()`). Lambdas with a stateful function (`count()`, `sigma()`) keep their state per
group, as Kapacitor's eval.go gives each group its own copy.
"""

from __future__ import annotations

from functools import partial

from tickpy.data.point import Point
from tickpy.expr.types import go_type_name
from tickpy.pipeline.node import PointwiseNode
from tickpy.pipeline.nodes.group_lambdas import GroupLambdas
from tickpy.pipeline.nodes.reporting import ReportingNode


class EvalNode(PointwiseNode, ReportingNode):
    kind = "eval"

    def __init__(self, node_id: str, expressions: list, names: list[str], keep: list[str] | None,
                 tag_names: list[str], quiet: bool):
        super().__init__(node_id)
        self.lambdas = GroupLambdas(expressions)
        self.names = names
        self.keep = keep  # None: no .keep(); []: keep all; [...]: keep these
        self.tag_names = set(tag_names)
        self.quiet = quiet
        self.read_back = _read_back(names, [expression.references for expression in expressions],
                                    set(keep or ()) | self.tag_names)

    def transform(self, point: Point) -> Point | None:
        return self._evaluated(point, self.lambdas.of_group(point.group))

    def batch_transform(self, batch):
        return partial(self._evaluated, expressions=self.lambdas.of_group(batch.group))

    def _evaluated(self, point: Point, expressions: list) -> Point | None:
        try:
            return self._evaluate(point, expressions)
        except Exception as error:
            self._report_failure(error)
            return None

    def _report_failure(self, error: Exception) -> None:
        """Why a point was dropped (only counted under `.quiet()`)."""
        self.report(f"error evaluating expression: {error}")

    def _evaluate(self, point: Point, expressions: list) -> Point:
        """Kapacitor's EvalNode.eval: before each lambda, the names it reads are taken from the
        point as it came in (a field, else a tag), and only a name the point lacks is the value an
        earlier lambda computed. What the names hold after the last lambda is what is kept, so a
        computed name that a later lambda reads from the point ends with the point's value."""
        fields, tags = point.fields, point.tags
        scope = point  # what a lambda reads: the point, plus the names computed before it lacks
        last = len(expressions) - 1
        values = {}  # Kapacitor's scope after the lambdas
        for index, (name, expression) in enumerate(zip(self.names, expressions)):
            value = expression(scope)
            values[name] = value
            if index < last and name not in fields and name not in tags:
                if scope is point:  # copied only when a later lambda may read a computed name
                    scope = Point(point.name, tags, dict(fields), point.time, point.database,
                                  point.retention_policy, point.line, point.group)
                scope.fields[name] = value
        for name in self.read_back:
            if name in fields:
                values[name] = fields[name]
            elif name in tags:
                values[name] = tags[name]
        if self.tag_names:
            tags = dict(tags)
            for name in self.tag_names:
                value = values[name]
                if not isinstance(value, str):
                    raise ValueError(f"result of a tag expression must be of type string, got {go_type_name(value)}")
                tags[name] = value
        if self.keep is None:
            fields = {name: values[name] for name in self.names if name not in self.tag_names}
        elif not self.keep:
            fields = {**fields, **{name: values[name] for name in self.names}}
        else:
            kept = {}
            for name in self.keep:
                if name in values:  # computed, or read by a lambda (a tag's value too)
                    kept[name] = values[name]
                elif name in fields:
                    kept[name] = fields[name]
                else:
                    raise ValueError(f'cannot keep field "{name}", field does not exist')
            fields = kept
        return Point(point.name, tags, fields, point.time, point.database, point.retention_policy,
                     point.line, point.group)


def _read_back(names: list[str], references: list, wanted: set[str]) -> tuple[str, ...]:
    """The names whose value after the lambdas is the point's own when the point has one: those
    a lambda reads after the last lambda computing them (Kapacitor fills its scope from the point
    before each lambda). A name no lambda computes only matters when `.keep()` or `.tags()` asks
    for it."""
    last_computed = {name: index for index, name in enumerate(names)}
    last_read = {}
    for index, read in enumerate(references):
        for name in read:
            last_read[name] = index
    return tuple(name for name, index in last_read.items()
                 if index > last_computed.get(name, -1) and (name in last_computed or name in wanted))
