"""Builders for single-stream transforms: derivative, default, delete, sample, shift, stateDuration,
stateCount, changeDetect.

Each passes on the edge type it receives (Kapacitor builds them with `wants == provides`), so the
runtime nodes take both points and batches. Defaults and the checks Kapacitor makes when it
creates the task (a zero sample rate, a zero shift, a default value of an unsupported type) are
those of its pipeline/*.go and the node constructors.
"""

from __future__ import annotations

from tickpy.data.values import Duration
from tickpy.expr.types import go_type_name
from tickpy.pipeline.node_builder import NodeBuilder, duration_arg, string_args
from tickpy.pipeline.nodes.change_detect import ChangeDetectNode
from tickpy.pipeline.nodes.default import DefaultNode
from tickpy.pipeline.nodes.delete import DeleteNode
from tickpy.pipeline.nodes.derivative import SECOND, DerivativeNode
from tickpy.pipeline.nodes.sample import SampleNode
from tickpy.pipeline.nodes.shift import ShiftNode
from tickpy.pipeline.nodes.state_tracking import state_count_node, state_duration_node


class TransformBuilder(NodeBuilder):
    """What the transforms share: `.quiet()` keeps the node's error messages out of the run
    summary (they are still counted), as it keeps them out of Kapacitor's log."""

    def quieted(self, node):
        node.quiet = getattr(self, "quiet", False)
        return node


class DerivativeBuilder(TransformBuilder):
    kind = "derivative"

    def __init__(self, builder, at, args=None):
        super().__init__(builder, at, args)
        (self.field,) = string_args(builder, self.args, at)
        self.as_name = self.field
        self.unit = SECOND
        self.non_negative = False

    def set_as(self, args, at):
        (self.as_name,) = string_args(self.builder, args, at)

    def set_unit(self, args, at):
        self.unit = duration_arg(self.builder, args, at)

    def set_nonNegative(self, args, at):
        self.non_negative = True

    def create(self):
        return self.quieted(DerivativeNode(self.node_id, self.field, self.unit, self.non_negative,
                                          self.as_name))


class DefaultBuilder(TransformBuilder):
    kind = "default"

    def __init__(self, builder, at, args=None):
        super().__init__(builder, at, args)
        self.fields: dict = {}
        self.tags: dict[str, str] = {}

    def set_field(self, args, at):
        name, value = args
        if type(value) not in (float, int, bool, str):
            # pipeline/default.go validate() names the value's Go type (%T)
            raise self.builder.error(f'unsupported type {go_type_name(value)} for field "{name}", field default '
                                     f"values must be float,int,string or bool", at)
        self.fields[name] = value

    def set_tag(self, args, at):
        name, value = string_args(self.builder, args, at)
        self.tags[name] = value

    def create(self):
        return DefaultNode(self.node_id, self.fields, self.tags)


class DeleteBuilder(TransformBuilder):
    kind = "delete"

    def __init__(self, builder, at, args=None):
        super().__init__(builder, at, args)
        self.fields: list[str] = []
        self.tags: list[str] = []

    def set_field(self, args, at):
        self.fields += string_args(self.builder, args, at)

    def set_tag(self, args, at):
        self.tags += string_args(self.builder, args, at)

    def create(self):
        return DeleteNode(self.node_id, self.fields, self.tags)


class SampleBuilder(TransformBuilder):
    kind = "sample"

    def create(self):
        (rate,) = self.args
        if isinstance(rate, Duration):
            count, duration = 0, int(rate)
        elif type(rate) is int:
            count, duration = rate, 0
        else:
            raise self.builder.error(f"sample takes a count or a duration, got {rate!r}", self.at)
        if count == 0 and duration == 0:
            raise self.builder.error("invalid sample rate: must be positive integer or duration", self.at)
        return SampleNode(self.node_id, count=count, duration=duration)


class ShiftBuilder(TransformBuilder):
    kind = "shift"

    def create(self):
        shift = duration_arg(self.builder, self.args, self.at)
        if shift == 0:
            raise self.builder.error("invalid shift value: must be non zero duration", self.at)
        return ShiftNode(self.node_id, shift)


class StateDurationBuilder(TransformBuilder):
    kind = "state_duration"

    def __init__(self, builder, at, args=None):
        super().__init__(builder, at, args)
        self.as_name = "state_duration"
        self.unit = SECOND

    def set_as(self, args, at):
        (self.as_name,) = string_args(self.builder, args, at)

    def set_unit(self, args, at):
        self.unit = duration_arg(self.builder, args, at)

    def create(self):
        predicate = self.builder.compile_lambda(self.args[0] if self.args else None, self.at)
        return self.quieted(state_duration_node(self.node_id, predicate, self.as_name, self.unit))


class StateCountBuilder(TransformBuilder):
    kind = "state_count"

    def __init__(self, builder, at, args=None):
        super().__init__(builder, at, args)
        self.as_name = "state_count"

    def set_as(self, args, at):
        (self.as_name,) = string_args(self.builder, args, at)

    def create(self):
        predicate = self.builder.compile_lambda(self.args[0] if self.args else None, self.at)
        return self.quieted(state_count_node(self.node_id, predicate, self.as_name))


class ChangeDetectBuilder(TransformBuilder):
    kind = "changeDetect"

    def __init__(self, builder, at, args=None):
        super().__init__(builder, at, args)
        # Kapacitor names this node "changeDetect<n>"; the shared numbering lower-cases kinds.
        self.node_id = self.kind + self.node_id[len(self.kind):]
        self.fields = string_args(builder, self.args, at)

    def create(self):
        return self.quieted(ChangeDetectNode(self.node_id, self.fields))


BUILDERS: dict = {
    "derivative": DerivativeBuilder,
    "default": DefaultBuilder,
    "delete": DeleteBuilder,
    "sample": SampleBuilder,
    "shift": ShiftBuilder,
    "stateDuration": StateDurationBuilder,
    "stateCount": StateCountBuilder,
    "changeDetect": ChangeDetectBuilder,
}
