"""The InfluxQL function nodes: `|mean('value')`, `|top(3, 'value')`, `|difference('value')`...
(Kapacitor's influxql.go, with the functions declared in pipeline/influxql.go).

A function reads one field and works per group:

- On a **batch** edge (after `window`), each batch is reduced on its own: `mean` gives one point
  whose time is the batch's time (its window's end) and whose tags are the group's tags.
- On a **stream** edge, the points of a group that share a timestamp are reduced together; the
  result for a timestamp goes out when the group's next, later point arrives (so the last
  timestamp of the data is never emitted, as in Kapacitor).

What comes out depends on the function (`FUNCTIONS` below):
- aggregates (count, sum, mean, median, mode, spread, stddev) and selectors (first, last, min,
  max, percentile) emit single points; the result field is named after the function unless
  `.as()` renames it. A selector's point is the selected point: its tags and all its fields, with
  the field renamed; an aggregate's point has the group's tags and the one field.
- distinct, top and bottom emit a batch (top/bottom points keep the selected points' tags).
- transforms (difference, cumulativeSum, movingAverage, elapsed) emit a point per point (or a
  batch of them per batch), at the points' own times, the edge type they receive.

The time of a result is the batch's time (or the stream timestamp); `.usePointTimes()` makes
selectors use the selected point's time instead. The reducer is chosen from the type of the field
in the first point of each batch (or timestamp); points whose field is missing or of another type
are counted as errors and left out.
"""

from __future__ import annotations

from typing import Callable, NamedTuple

from tickpy.data.batch import Batch
from tickpy.data.point import Point, Unsigned
from tickpy.pipeline.node import Node
from tickpy.pipeline.nodes import reducers as r
from tickpy.pipeline.nodes.group_tags import group_tags

FLOAT, INTEGER, STRING, BOOLEAN = "float", "integer", "string", "boolean"
PYTHON_TYPE = {FLOAT: float, INTEGER: int, STRING: str, BOOLEAN: bool}
GO_TYPE = {float: "float64", int: "int64", str: "string", bool: "bool", Unsigned: "uint64"}
GO_KIND = {FLOAT: "float64", INTEGER: "int64", STRING: "string", BOOLEAN: "bool"}

STREAM_OUT, BATCH_OUT, SAME_OUT = "stream", "batch", "same"


class Function(NamedTuple):
    """What a function does: its reducer per field type (each `make(args) -> reducer`), the edge
    type it provides, and how its results are turned into points."""

    reducers: dict[str, Callable]
    provides: str = STREAM_OUT
    simple_selector: bool = False  # the result carries the selected point's tags and fields
    transform: bool = False        # one result per point, at the point's time
    empty_ok: bool = False         # an empty batch still gives a result (count 0, sum 0)


def _each(kinds, make):
    return {kind: make for kind in kinds}


NUMBERS = (FLOAT, INTEGER)
ALL_TYPES = (FLOAT, INTEGER, STRING, BOOLEAN)

FUNCTIONS: dict[str, Function] = {
    "count": Function(_each(ALL_TYPES, lambda args: r.CountReducer()), empty_ok=True),
    "distinct": Function(_each(ALL_TYPES, lambda args: r.DistinctReducer()), provides=BATCH_OUT),
    "mean": Function(_each(NUMBERS, lambda args: r.MeanReducer())),
    "median": Function({FLOAT: lambda args: r.SliceReducer(r.median_float),
                        INTEGER: lambda args: r.SliceReducer(r.median_integer)}),
    "mode": Function(_each(NUMBERS, lambda args: r.SliceReducer(r.mode))),
    "spread": Function({FLOAT: lambda args: r.SpreadReducer(integer=False),
                        INTEGER: lambda args: r.SpreadReducer(integer=True)}),
    "sum": Function({FLOAT: lambda args: r.SumReducer(0.0), INTEGER: lambda args: r.SumReducer(0)},
                    empty_ok=True),
    "stddev": Function(_each(NUMBERS, lambda args: r.SliceReducer(r.stddev))),
    "first": Function({FLOAT: lambda args: r.SelectorReducer(r.first_better),
                       INTEGER: lambda args: r.SelectorReducer(r.first_better),
                       STRING: lambda args: r.SelectorReducer(r.first_better),
                       BOOLEAN: lambda args: r.SelectorReducer(r.first_better_boolean)},
                      simple_selector=True),
    "last": Function({FLOAT: lambda args: r.SelectorReducer(r.last_better),
                      INTEGER: lambda args: r.SelectorReducer(r.last_better),
                      STRING: lambda args: r.SelectorReducer(r.last_better),
                      BOOLEAN: lambda args: r.SelectorReducer(r.last_better_boolean)},
                     simple_selector=True),
    "min": Function(_each(NUMBERS, lambda args: r.SelectorReducer(r.min_better)), simple_selector=True),
    "max": Function(_each(NUMBERS, lambda args: r.SelectorReducer(r.max_better)), simple_selector=True),
    "percentile": Function(_each(NUMBERS, lambda args: r.SliceReducer(r.percentile(args[0]))),
                           simple_selector=True),
    "top": Function(_each(NUMBERS, lambda args: r.TopBottomReducer(args[0], top=True)), provides=BATCH_OUT),
    "bottom": Function(_each(NUMBERS, lambda args: r.TopBottomReducer(args[0], top=False)),
                       provides=BATCH_OUT),
    "elapsed": Function(_each(ALL_TYPES, lambda args: r.ElapsedReducer(args[0])), provides=SAME_OUT,
                        transform=True),
    "difference": Function(_each(NUMBERS, lambda args: r.DifferenceReducer()), provides=SAME_OUT,
                           transform=True),
    "movingAverage": Function({FLOAT: lambda args: r.MovingAverageReducer(args[0], 0.0),
                               INTEGER: lambda args: r.MovingAverageReducer(args[0], 0)},
                              provides=SAME_OUT, transform=True),
    "cumulativeSum": Function({FLOAT: lambda args: r.CumulativeSumReducer(0.0),
                               INTEGER: lambda args: r.CumulativeSumReducer(0)},
                              provides=SAME_OUT, transform=True),
}


class _Context:
    """What results are stamped with: the name, time and group of the batch (or timestamp)."""

    __slots__ = ("name", "time", "group", "tags")

    def __init__(self, name: str, time: int, group: str, tags: dict):
        self.name = name
        self.time = time
        self.group = group
        self.tags = tags


class InfluxQLNode(Node):
    """One InfluxQL function applied to `field`, per group. `args` are the function's other
    arguments (top's count, percentile's rank, movingAverage's size, elapsed's unit)."""

    def __init__(self, node_id: str, method: str, field: str, as_name: str, args: tuple = (),
                 use_point_times: bool = False, emits_batches: bool = False):
        super().__init__(node_id)
        self.kind = method
        self.method = method
        self.field = field
        self.as_name = as_name
        self.args = args
        self.function = FUNCTIONS[method]
        # Transforms always stamp results with the points' own times.
        self.use_point_times = use_point_times or self.function.transform
        self.emits_batches = emits_batches  # the edge type this node provides
        self._groups: dict[str, _StreamGroup] = {}

    # Edges ------------------------------------------------------------------------------------

    def point(self, point: Point) -> None:
        self.points_in += 1
        group = self._groups.get(point.group)
        if group is None:
            context = _Context(point.name, point.time, point.group, group_tags(point))
            group = self._groups[point.group] = _StreamGroup(context)
        if self.function.transform:
            self._transform_point(group, point)
        elif point.time == group.context.time:
            self._aggregate(group, point)
        else:
            # Time moved on for this group: the previous timestamp's result goes out.
            if group.reducer is not None:
                self._emit(group.reducer, group.context)
            group.context = _Context(point.name, point.time, group.context.group, group.context.tags)
            group.reducer = None
            self._aggregate(group, point)

    def batch(self, batch: Batch) -> None:
        self.points_in += 1
        context = _Context(batch.name, batch.time, batch.group, batch.tags)
        if self.function.transform:
            self._transform_batch(batch, context)
            return
        reducer, size = self._reduce_batch(batch.points)
        if size == 0 and not self.function.empty_ok:
            return
        if reducer is None:
            reducer = self._make_reducer(FLOAT)  # nothing to tell the type: Kapacitor assumes float
        self._emit(reducer, context)

    # Reducing ---------------------------------------------------------------------------------

    def _reduce_batch(self, points: list[Point]):
        """The reducer fed with the batch's points, and how many points it was given (points
        before the first with the field do not count, as in Kapacitor)."""
        field = self.field
        try:
            values = [point.fields[field] for point in points]
        except KeyError:
            return self._reduce_batch_point_by_point(points)
        types = set(map(type, values))
        if len(types) == 1:
            kind = _KINDS.get(types.pop())
            if kind in self.function.reducers:
                # The usual batch: every point has the field, all of one supported type.
                reducer = self._make_reducer(kind)
                reducer.extend(values, points)
                return reducer, len(values)
        return self._reduce_batch_point_by_point(points)

    def _reduce_batch_point_by_point(self, points: list[Point]):
        """`_reduce_batch` for batches with missing fields or mixed types: each problem is
        counted where Kapacitor reports it."""
        field = self.field
        reducer = None
        expected = None
        values: list = []
        kept: list[Point] = []
        size = 0
        for point in points:
            if reducer is None:
                reducer = self._reducer_for(point)
                if reducer is None:
                    continue
                expected = type(point.fields[field])
            size += 1
            try:
                value = point.fields[field]
            except KeyError:
                self.count_error(f"failed to aggregate point in batch: field {field} missing from "
                                 f"point cannot aggregate")
                continue
            if type(value) is not expected:
                self._wrong_type("failed to aggregate point in batch", value, expected)
                continue
            values.append(value)
            kept.append(point)
        if reducer is not None:
            reducer.extend(values, kept)
        return reducer, size

    def _aggregate(self, group: "_StreamGroup", point: Point) -> None:
        if group.reducer is None:
            group.reducer = self._reducer_for(point)
            if group.reducer is None:
                return
            group.kind = type(point.fields[self.field])
        self._add(group.reducer, group.kind, point, "failed to aggregate point")

    def _add(self, reducer, expected: type, point: Point, what: str) -> bool:
        value = point.fields.get(self.field, _MISSING)
        if value is _MISSING:
            self.count_error(f"{what}: field {self.field} missing from point cannot aggregate")
            return False
        if type(value) is not expected:
            self._wrong_type(what, value, expected)
            return False
        reducer.add(value, point)
        return True

    def _transform_point(self, group: "_StreamGroup", point: Point) -> None:
        if group.reducer is None:
            group.reducer = self._reducer_for(point)
            if group.reducer is None:
                return
            group.kind = type(point.fields[self.field])
        self._add(group.reducer, group.kind, point, "failed to aggregate point")
        self._emit(group.reducer, group.context)

    def _transform_batch(self, batch: Batch, context: _Context) -> None:
        reducer = None
        kind = None
        out: list[Point] = []
        for point in batch.points:
            if reducer is None:
                reducer = self._reducer_for(point)
                if reducer is None:
                    continue
                kind = type(point.fields[self.field])
            self._add(reducer, kind, point, "failed to aggregate batch point")
            result = self._result_point(reducer.emit(), context)
            if result is not None:
                out.append(result)
        self.emit_batch(batch.with_points(out))

    def _reducer_for(self, point: Point):
        """A new reducer for the type of `point`'s field, or None (error counted)."""
        value = point.fields.get(self.field, _MISSING)
        if value is _MISSING:
            self.count_error(f'failed to realize reduce context from fields: field "{self.field}" '
                             f"missing from point")
            return None
        kind = _KINDS.get(type(value))
        if kind is None:
            self.count_error(f"failed to realize reduce context from fields: invalid influxql func "
                             f"{self.method} with field {self.field}: invalid field kind: "
                             f"{GO_TYPE.get(type(value), type(value).__name__)}")
            return None
        if kind not in self.function.reducers:
            self.count_error(f"failed to realize reduce context from fields: invalid influxql func "
                             f"{self.method} with field {self.field}: cannot apply {self.method} "
                             f"to {GO_KIND[kind]} field")
            return None
        return self._make_reducer(kind)

    def _make_reducer(self, kind: str):
        return self.function.reducers[kind](self.args)

    def _wrong_type(self, what: str, value, expected: type) -> None:
        self.count_error(f"{what}: field {self.field} has wrong type: got "
                         f"{GO_TYPE.get(type(value), type(value).__name__)} exp {GO_TYPE[expected]}")

    # Results ----------------------------------------------------------------------------------

    def _emit(self, reducer, context: _Context) -> None:
        results = reducer.emit()
        if self.emits_batches:
            self.emit_batch(self._result_batch(results, context))
        else:
            point = self._result_point(results, context)
            if point is not None:
                self.emit(point)

    def _result_point(self, results: list, context: _Context) -> Point | None:
        """Kapacitor's EmitPoint: exactly one result makes a point, anything else nothing."""
        if len(results) != 1:
            return None
        time, value, selected = results[0]
        if not self.use_point_times or time is None:
            time = context.time
        if self.function.simple_selector:
            tags = selected.tags
            fields = selected.fields
            if self.as_name != self.field:
                fields = dict(fields)
                fields[self.as_name] = fields.pop(self.field)
        else:
            tags = context.tags
            fields = {self.as_name: value}
        return Point(context.name, tags, fields, time, group=context.group)

    def _result_batch(self, results: list, context: _Context) -> Batch:
        """Kapacitor's EmitBatch: a point per result; a selected point's tags join the group's.
        The batch's time is the latest of its own and its points' times."""
        points = []
        batch_time = context.time
        for time, value, selected in results:
            if not self.use_point_times or time is None:
                time = context.time
            tags = context.tags
            if selected is not None and selected.tags:
                tags = {**context.tags, **selected.tags}
            points.append(Point(context.name, tags, {self.as_name: value}, time, group=context.group))
            if time > batch_time:
                batch_time = time
        return Batch(context.name, context.group, context.tags, batch_time, points)


class _StreamGroup:
    """A group's state on a stream edge: the timestamp being reduced and its reducer."""

    __slots__ = ("context", "reducer", "kind")

    def __init__(self, context: _Context):
        self.context = context
        self.reducer = None
        self.kind: type | None = None


_MISSING = object()
_KINDS = {float: FLOAT, int: INTEGER, str: STRING, bool: BOOLEAN}  # Unsigned is none of them
