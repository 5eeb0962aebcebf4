"""Builders for window and the InfluxQL functions (aggregates, selectors, transforms).

`|window()` turns a stream into batches; the InfluxQL functions (`|mean('field')`...) reduce
batches (or same-time points of a stream) to points or batches. The edge type each provides is
Kapacitor's (pipeline/window.go, pipeline/influxql.go); the checks on properties are those
Kapacitor makes when a task is defined (WindowNode.validate, newWindowNode).
"""

from __future__ import annotations

from tickpy.pipeline.node_builder import BATCH, STREAM, NodeBuilder, string_args
from tickpy.pipeline.nodes.influxql import BATCH_OUT, FUNCTIONS, SAME_OUT, InfluxQLNode
from tickpy.pipeline.nodes.window import WindowNode


class WindowBuilder(NodeBuilder):
    kind = "window"
    provides = BATCH

    def __init__(self, builder, at, args=None):
        super().__init__(builder, at, args)
        self.period = 0
        self.every = 0
        self.align = False
        self.fill_period = False
        self.period_count = 0
        self.every_count = 0
        self.at_of: dict[str, object] = {}

    def _number(self, name, args, at) -> int:
        self.at_of[name] = at
        return int(args[0])

    def set_period(self, args, at): self.period = self._number("period", args, at)
    def set_every(self, args, at): self.every = self._number("every", args, at)
    def set_periodCount(self, args, at): self.period_count = self._number("periodCount", args, at)
    def set_everyCount(self, args, at): self.every_count = self._number("everyCount", args, at)

    def set_align(self, args, at):
        self.align = True
        self.at_of["align"] = at

    def set_fillPeriod(self, args, at):
        self.fill_period = True

    def create(self):
        error = self.builder.error
        if self.parent is not None and self.parent.provides != STREAM:
            raise error("|window() needs a stream edge: it cannot follow a node that emits batches", self.at)
        if self.period_count and self.period:
            raise error("window: cannot specify both period and periodCount", self.at_of["periodCount"])
        if self.period_count and self.align:
            raise error("window: can only align windows based off time, not count", self.at_of["align"])
        if self.period_count and self.every_count <= 0:
            raise error("window: everyCount must be greater than zero",
                        self.at_of.get("everyCount", self.at_of["periodCount"]))
        if self.period < 0 or self.every < 0 or self.period_count < 0:
            raise error("window: period, every and periodCount cannot be negative", self.at)
        if not self.period and not self.period_count:
            raise error("window node must have either a non zero period or non zero period count",
                        self.at)
        return WindowNode(self.node_id, self.period, self.every, self.align, self.fill_period,
                          self.period_count, self.every_count)


class InfluxQLBuilder(NodeBuilder):
    """`|mean('field')` and the other InfluxQL functions; `method` is the function's name."""

    method = ""

    def __init__(self, builder, at, args=None):
        super().__init__(builder, at, args)
        self.as_name = self.method
        self.use_point_times = False
        self.function = FUNCTIONS[self.method]

    @property
    def provides(self):
        if self.function.provides == SAME_OUT:
            return super().provides
        return BATCH if self.function.provides == BATCH_OUT else STREAM

    def set_as(self, args, at):
        (self.as_name,) = string_args(self.builder, args, at)

    def set_usePointTimes(self, args, at):
        self.use_point_times = True

    def create(self):
        field, extra = self._field_and_args()
        return InfluxQLNode(self.node_id, self.method, field, self.as_name, extra,
                            self.use_point_times, emits_batches=self.provides == BATCH)

    def _field_and_args(self) -> tuple[str, tuple]:
        """The field read, and the function's other arguments in the order its reducer takes them."""
        args = list(self.args)
        error = self.builder.error
        method = self.method
        if method in ("top", "bottom"):
            if len(args) < 2 or not isinstance(args[0], int) or isinstance(args[0], bool):
                raise error(f"{method} takes a number of points and a field name", self.at)
            count, field = args[0], args[1]
            string_args(self.builder, args[1:], self.at)  # the field, then fields and tags to sort by
            if count < 1:
                raise error(f"{method}: the number of points must be at least 1", self.at)
            return field, (count,)
        if not args or not isinstance(args[0], str):
            raise error(f"{method} takes the name of a field first", self.at)
        field = args[0]
        if method == "percentile":
            if len(args) != 2 or not isinstance(args[1], (int, float)) or isinstance(args[1], bool):
                raise error("percentile takes a field name and a percentile (a number)", self.at)
            return field, (float(args[1]),)
        if method == "movingAverage":
            if len(args) != 2 or not isinstance(args[1], int) or args[1] < 1:
                raise error("movingAverage takes a field name and a window of at least 1 point", self.at)
            return field, (args[1],)
        if method == "elapsed":
            if len(args) != 2 or not isinstance(args[1], int) or args[1] <= 0:
                raise error("elapsed takes a field name and a positive time unit (1s, 1ms...)", self.at)
            return field, (int(args[1]),)
        if len(args) != 1:
            raise error(f"{method} takes one field name", self.at)
        return field, ()


# One builder per function, named as the TICKscript method (`|movingAverage(...)`).


class CountBuilder(InfluxQLBuilder):
    kind = method = "count"


class DistinctBuilder(InfluxQLBuilder):
    kind = method = "distinct"


class MeanBuilder(InfluxQLBuilder):
    kind = method = "mean"


class MedianBuilder(InfluxQLBuilder):
    kind = method = "median"


class ModeBuilder(InfluxQLBuilder):
    kind = method = "mode"


class SpreadBuilder(InfluxQLBuilder):
    kind = method = "spread"


class SumBuilder(InfluxQLBuilder):
    kind = method = "sum"


class StddevBuilder(InfluxQLBuilder):
    kind = method = "stddev"


class FirstBuilder(InfluxQLBuilder):
    kind = method = "first"


class LastBuilder(InfluxQLBuilder):
    kind = method = "last"


class MinBuilder(InfluxQLBuilder):
    kind = method = "min"


class MaxBuilder(InfluxQLBuilder):
    kind = method = "max"


class PercentileBuilder(InfluxQLBuilder):
    kind = method = "percentile"


class TopBuilder(InfluxQLBuilder):
    kind = method = "top"


class BottomBuilder(InfluxQLBuilder):
    kind = method = "bottom"


class ElapsedBuilder(InfluxQLBuilder):
    kind = method = "elapsed"


class DifferenceBuilder(InfluxQLBuilder):
    kind = method = "difference"


class MovingAverageBuilder(InfluxQLBuilder):
    kind = method = "movingAverage"


class CumulativeSumBuilder(InfluxQLBuilder):
    kind = method = "cumulativeSum"


BUILDERS: dict = {
    "window": WindowBuilder,
    "count": CountBuilder,
    "distinct": DistinctBuilder,
    "mean": MeanBuilder,
    "median": MedianBuilder,
    "mode": ModeBuilder,
    "spread": SpreadBuilder,
    "sum": SumBuilder,
    "stddev": StddevBuilder,
    "first": FirstBuilder,
    "last": LastBuilder,
    "min": MinBuilder,
    "max": MaxBuilder,
    "percentile": PercentileBuilder,
    "top": TopBuilder,
    "bottom": BottomBuilder,
    "elapsed": ElapsedBuilder,
    "difference": DifferenceBuilder,
    "movingAverage": MovingAverageBuilder,
    "cumulativeSum": CumulativeSumBuilder,
}
