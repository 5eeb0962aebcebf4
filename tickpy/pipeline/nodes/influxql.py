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
from tickpy.data.point import Point
from tickpy.data.values import Duration
from tickpy.expr.types import go_class_name, go_type_name
from tickpy.pipeline.grouping import group_tags
from tickpy.pipeline.node import Node
from tickpy.pipeline.nodes import reducers as r

FLOAT, INTEGER, STRING, BOOLEAN = "float", "integer", "string", "boolean"
PYTHON_TYPE = {FLOAT: float, INTEGER: int, STRING: str, BOOLEAN: bool}

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
        reduction = getattr(batch, "reduction", None)  # a ReducedBatch: reduced on its way here
        if reduction is None:
            reduction = self._reduce_batch(batch.points)
        for problem in reduction.problems:
            self.count_error(problem)
        if reduction.size == 0 and not self.function.empty_ok:
            return
        reducer = reduction.reducer
        if reducer is None:
            reducer = self.make_reducer(FLOAT)  # nothing to tell the type: Kapacitor assumes float
        self._emit(reducer, context)

    # Reducing ---------------------------------------------------------------------------------

    @property
    def reduces_batches(self) -> bool:
        """Whether a batch becomes results only once whole (aggregates and selectors), so it can
        be reduced point by point as it fills (see BatchReduction)."""
        return not self.function.transform

    def new_reduction(self) -> "BatchReduction":
        return BatchReduction(self)

    def _reduce_batch(self, points: list[Point]) -> "BatchReduction":
        field = self.field
        reduction = BatchReduction(self)
        try:
            values = [point.fields[field] for point in points]
        except KeyError:
            values = None
        if values:
            types = set(map(type, values))
            if len(types) == 1:
                kind = types.pop()
                if _KINDS.get(kind) in self.function.reducers:
                    # The usual batch: every point has the field, all of one supported type.
                    reduction.extend(values, points, kind)
                    return reduction
        for point in points:
            reduction.append(point)
        return reduction

    def _aggregate(self, group: "_StreamGroup", point: Point) -> bool:
        """Add `point` to its group's reducer; False when the group has no reducer (the point's
        field has no type the function takes)."""
        if group.reducer is None and not self._realize(group, point):
            return False
        self._add(group.reducer, group.kind, point, "failed to aggregate point")
        return True

    def _transform_point(self, group: "_StreamGroup", point: Point) -> None:
        if self._aggregate(group, point):
            self._emit(group.reducer, group.context)

    def _transform_batch(self, batch: Batch, context: _Context) -> None:
        state = _StreamGroup(context)  # transforms start afresh with each batch
        out: list[Point] = []
        for point in batch.points:
            if state.reducer is None and not self._realize(state, point):
                continue
            self._add(state.reducer, state.kind, point, "failed to aggregate batch point")
            result = self._result_point(state.reducer.emit(), context)
            if result is not None:
                out.append(result)
        self.emit_batch(batch.with_points(out))

    def _realize(self, state, point: Point) -> bool:
        """Give `state` (a _StreamGroup or BatchReduction) the reducer for the type of `point`'s
        field; False, with the problem counted, when there is none."""
        reducer, problem = self.reducer_for(point)
        if reducer is None:
            self.count_error(problem)
            return False
        state.reducer = reducer
        state.kind = _reduced_class(point.fields[self.field])
        return True

    def _add(self, reducer, expected: type, point: Point, what: str) -> None:
        value = point.fields.get(self.field, _MISSING)
        problem = self.value_problem(value, expected, what)
        if problem is None:
            reducer.add(value, point)
        else:
            self.count_error(problem)

    def reducer_for(self, point: Point) -> tuple[object, str]:
        """A new reducer for the type of `point`'s field, or None and the problem, worded as
        Kapacitor logs it."""
        value = point.fields.get(self.field, _MISSING)
        prefix = "failed to realize reduce context from fields"
        if value is _MISSING:
            return None, f'{prefix}: field "{self.field}" missing from point'
        kind = _KINDS.get(_reduced_class(value))
        function = f"invalid influxql func {self.method} with field {self.field}"
        if kind is None:
            # Kapacitor prints the reflect.Kind; for uint64, the one field type that gets here,
            # the kind's name is the type's.
            return None, f"{prefix}: {function}: invalid field kind: {go_type_name(value)}"
        if kind not in self.function.reducers:
            return None, f"{prefix}: {function}: cannot apply {self.method} to {go_class_name(PYTHON_TYPE[kind])} field"
        return self.make_reducer(kind), ""

    def make_reducer(self, kind: str):
        return self.function.reducers[kind](self.args)

    def value_problem(self, value, expected: type, what: str) -> str | None:
        """Why `value` (the field's value, or _MISSING) cannot be reduced, or None."""
        if value is _MISSING:
            return f"{what}: field {self.field} missing from point cannot aggregate"
        if type(value) is not expected:
            return f"{what}: field {self.field} has wrong type: got {go_type_name(value)} exp {go_class_name(expected)}"
        return None

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


class BatchReduction:
    """A batch being reduced point by point: the reducer (chosen by the type of the field in the
    first point that has it), how many points count, and the problems to report once the batch
    is done, when Kapacitor reads the batch and logs them.

    `append` takes points one at a time, like the list a window holds its points in: a window
    whose only child is an aggregate can reduce each point as it arrives instead of holding it
    (see window.py), with the same result."""

    __slots__ = ("node", "field", "reducer", "kind", "add", "size", "problems")

    def __init__(self, node: InfluxQLNode):
        self.node = node
        self.field = node.field
        self.reducer = None
        self.kind: type | None = None  # the field's Python type, once known
        self.add = None  # the reducer's add, once known
        self.size = 0
        self.problems: list[str] = []

    def append(self, point: Point) -> None:
        value = point.fields.get(self.field, _MISSING)
        if type(value) is self.kind:  # the usual point, in few steps: it runs for every point
            self.size += 1
            self.add(value, point)
            return
        if self.reducer is None:
            reducer, problem = self.node.reducer_for(point)
            if reducer is None:
                self.problems.append(problem)
                return  # points before the first with the field do not count
            self.reducer = reducer
            self.kind = _reduced_class(value)
            self.add = reducer.add
            if type(value) is self.kind:
                self.size += 1
                self.add(value, point)
                return
        self.size += 1
        self.problems.append(self.node.value_problem(value, self.kind, "failed to aggregate point in batch"))

    def extend(self, values: list, points: list[Point], kind: type) -> None:
        """Take a whole batch whose values are all of `kind` (checked by the caller)."""
        self.reducer = self.node.make_reducer(_KINDS[kind])
        self.kind = kind
        self.add = self.reducer.add
        self.reducer.extend(values, points)
        self.size += len(values)


class ReducedBatch(Batch):
    """A window's batch that was reduced on its way (BatchReduction) instead of holding points:
    only ever sent to the one aggregate that reduced it."""

    __slots__ = ("reduction",)

    def __init__(self, name: str, group: str, tags: dict, time: int, reduction: BatchReduction):
        super().__init__(name, group, tags, time, [])
        self.reduction = reduction


class _StreamGroup:
    """A group's state on a stream edge: the timestamp being reduced and its reducer."""

    __slots__ = ("context", "reducer", "kind")

    def __init__(self, context: _Context):
        self.context = context
        self.reducer = None
        self.kind: type | None = None


_MISSING = object()
_KINDS = {float: FLOAT, int: INTEGER, str: STRING, bool: BOOLEAN}  # Unsigned is none of them


def _reduced_class(value) -> type:
    """The class of the values a reducer chosen by `value` takes. Kapacitor chooses by the
    field's reflect.Kind, and a time.Duration's kind is int64: a duration field (eval can make
    one) gets the int64 reducer, which then refuses it (`got time.Duration exp int64`)."""
    return int if type(value) is Duration else type(value)
