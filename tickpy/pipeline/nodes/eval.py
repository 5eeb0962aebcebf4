"""`|eval(lambdas...).as(names...)`: computes new fields (or tags) per point (Kapacitor's eval.go).

Each lambda sees the fields computed by the lambdas before it. Without `.keep()` the point keeps
only the computed fields; `.keep()` keeps every field, `.keep('a', 'b')` just those. `.tags(names)`
turns computed string values into tags. A point whose evaluation fails is dropped (and reported
unless `.quiet()`). Lambdas with a stateful function (`count()`, `sigma()`) keep their state per
group, as Kapacitor's eval.go gives each group its own copy.
"""

from __future__ import annotations

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

    def transform(self, point: Point) -> Point | None:
        return self._evaluate_or_drop(point, self.lambdas.of_group(point.group))

    def batch(self, batch) -> None:
        """Each point of the batch, with the lambdas of the batch's group."""
        self.points_in += 1
        expressions = self.lambdas.of_group(batch.group)
        kept = [result for result in (self._evaluate_or_drop(point, expressions) for point in batch.points)
                if result is not None]
        self.emit_batch(batch.with_points(kept))

    def _evaluate_or_drop(self, point: Point, expressions: list) -> Point | None:
        try:
            return self._evaluate(point, expressions)
        except Exception as error:
            self.report(f"error evaluating expression: {error}")
            return None

    def _evaluate(self, point: Point, expressions: list) -> Point:
        scope = point.copy()  # lambdas after the first see the values computed so far
        computed = {}
        for name, expression in zip(self.names, expressions):
            value = expression(scope)
            scope.fields[name] = value
            computed[name] = value
        tags = point.tags
        if self.tag_names:
            tags = dict(tags)
            for name in self.tag_names:
                value = computed[name]
                if not isinstance(value, str):
                    raise ValueError(f"result of a tag expression must be of type string, got {go_type_name(value)}")
                tags[name] = value
        if self.keep is None:
            fields = {name: value for name, value in computed.items() if name not in self.tag_names}
        elif not self.keep:
            fields = {**point.fields, **computed}
        else:
            fields = {}
            for name in self.keep:
                if name in computed:
                    fields[name] = computed[name]
                elif name in point.fields:
                    fields[name] = point.fields[name]
                else:
                    raise ValueError(f'cannot keep field "{name}", field does not exist')
        return Point(point.name, tags, fields, point.time, point.database, point.retention_policy,
                     point.line, point.group)
