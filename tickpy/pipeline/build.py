"""From a parsed script to a runnable task: AST → node builders → runtime nodes.

The script is evaluated the way Kapacitor evaluates it (tick/eval.go): `var` declarations bind
values, a chain `a|b().c(x)` creates node `b` as a child of `a` and calls property `c` on it.
Each pipeline node gets a *builder* that collects its properties; once the whole script has been
read, the builders create the runtime nodes (so the order of properties does not matter, as in
Kapacitor, where properties only set fields).

A node or property the engine cannot run is refused here, with its position: `tickpy run` never
silently ignores part of a script. Each node kind has a builder class (tickpy/pipeline/
node_builder.py), listed in `CHAIN_BUILDERS`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tickpy.alert.state import AlertRules
from tickpy.alert.templates import DEFAULT_DETAILS, DEFAULT_ID, DEFAULT_MESSAGE, AlertTemplates
from tickpy.data.values import Duration
from tickpy.lang import ast
from tickpy.lang.catalogue import HANDLER_PROPERTIES, lookup_key, node_type
from tickpy.lang.errors import TickError
from tickpy.pipeline.grouping import grouping_from_dimensions
from tickpy.pipeline import build_combine, build_transform, build_window
from tickpy.pipeline.node import Node
from tickpy.pipeline.node_builder import STREAM, NodeBuilder, flatten, string_args
from tickpy.pipeline.nodes.alert import AlertNode
from tickpy.pipeline.nodes.eval import EvalNode
from tickpy.pipeline.nodes.from_ import FromNode
from tickpy.pipeline.nodes.group_by import GroupByNode
from tickpy.pipeline.nodes.log import LEVELS, LogNode
from tickpy.pipeline.nodes.stream import StreamNode


@dataclass
class Task:
    """A runnable task: points go in at `stream`."""

    name: str
    stream: StreamNode
    nodes: list[Node]
    dbrps: list[tuple[str, str]] = field(default_factory=list)

    @property
    def alert_nodes(self) -> list[AlertNode]:
        return [node for node in self.nodes if isinstance(node, AlertNode)]

    def advance(self, now: int) -> None:
        for node in self.nodes:
            node.advance(now)

    def finish(self) -> None:
        for node in self.nodes:
            node.finish()


def build_task(program: ast.Program, task_name: str, services, source_name: str = "<script>",
               template_vars: dict | None = None) -> Task:
    """Build the runtime graph of a checked script. Raises TickError for what cannot run."""
    return _Builder(task_name, services, source_name, template_vars or {}).build(program)


# ---------------------------------------------------------------------------------------------
# Evaluating the script


class _Builder:
    def __init__(self, task_name: str, services, source_name: str, template_vars: dict):
        self.task_name = task_name
        self.services = services
        self.source_name = source_name
        self.template_vars = template_vars
        self.scope: dict[str, object] = {}
        self.stream: NodeBuilder | None = None
        self.dbrps: list[tuple[str, str]] = []
        self._counter = 0

    def error(self, message: str, node: ast.Node) -> TickError:
        return TickError(message, node.line, node.column, self.source_name)

    def next_id(self, kind: str) -> str:
        node_id = f"{kind}{self._counter}"
        self._counter += 1
        return node_id

    def build(self, program: ast.Program) -> Task:
        for statement in program.statements:
            self.statement(statement)
        if self.stream is None:
            raise TickError("the script has no stream: nothing would receive points", 1, 1, self.source_name)
        self.add_global_deadman()
        nodes = self.stream.instantiate()
        return Task(self.task_name, nodes[0], nodes, self.dbrps)

    def add_global_deadman(self) -> None:
        """`[deadman] global = true`: every task gets `stream|deadman(threshold, interval)` after
        its script is read, as Kapacitor's pipeline.CreatePipeline adds it."""
        config = self.services.config if self.services is not None else None
        if config is not None and config.deadman.global_:
            settings = config.deadman
            self.stream.chain_node("deadman", [settings.threshold, Duration(settings.interval)], self.stream.at)

    def statement(self, statement: ast.Node) -> None:
        if isinstance(statement, ast.Declaration):
            name = statement.name.name
            call = statement.value
            if isinstance(call, ast.Function) and call.kind == ast.GLOBAL and call.name != "time":
                # Kapacitor calls a global function only where the var is used (tick/eval.go),
                # and a task has none: an error there, none if the var is unused or only copied.
                value = _UnboundCall(call)
            elif isinstance(call, ast.Identifier) and isinstance(self.scope.get(call.name), _UnboundCall):
                value = self.scope[call.name]
            else:
                value = self.evaluate(call)
            # A value given with -vars replaces the script's own (tick/eval.go evalDeclaration;
            # lint has checked that its type is the declared one).
            self.scope[name] = self.template_vars.get(name, value)
        elif isinstance(statement, ast.TypeDeclaration):
            name = statement.name.name
            if name not in self.template_vars:
                raise self.error(f'template var "{name}" has no value: give it with -vars', statement)
            self.scope[name] = self.template_vars[name]
        elif isinstance(statement, ast.DBRP):
            self.dbrps.append((statement.database.name, statement.retention_policy.name))
        elif not isinstance(statement, ast.Comment):
            self.evaluate(statement)

    def evaluate(self, node: ast.Node):
        if isinstance(node, ast.Chain):
            return self.chain(node)
        if isinstance(node, ast.Identifier):
            return self.identifier(node)
        if isinstance(node, (ast.Number, ast.String, ast.Bool)):
            return node.value
        if isinstance(node, ast.Duration):
            return Duration(node.nanoseconds)
        if isinstance(node, ast.Star):
            return "*"
        if isinstance(node, (ast.Lambda, ast.Regex)):
            return node  # compiled by the property that receives it
        if isinstance(node, ast.List):
            return [self.evaluate(item) for item in node.items]
        if isinstance(node, ast.Unary) and node.operator == "-":
            value = self.evaluate(node.operand)  # -5m, and -period for a var holding a duration
            if isinstance(value, Duration):
                return Duration(-value)
            if type(value) in (int, float):
                return -value
        if isinstance(node, ast.Unary) and node.operator == "!":
            value = self.evaluate(node.operand)
            if isinstance(value, bool):
                return not value
        if isinstance(node, ast.Binary) and not any(isinstance(n, ast.Reference) for n in ast.walk(node)):
            # Evaluated once, by the lambda evaluator with the vars' values (tick/eval.go).
            from tickpy.expr.constant import evaluate_constant

            return evaluate_constant(node, self.variables(), self.source_name)
        if isinstance(node, ast.Reference):
            raise self.error(f'name "{node.name}" is undefined (a "field" reference only means '
                             f"something inside a lambda)", node)
        raise self.error("tickpy run cannot evaluate this expression outside a lambda", node)

    def identifier(self, node: ast.Identifier):
        if node.name == "stream":
            if self.stream is None:
                self.stream = StreamBuilder(self, node)
            return self.stream
        if node.name == "batch":
            raise self.error("batch tasks lint, but tickpy run cannot run them yet (batch queries "
                             "need an InfluxDB); use a stream task", node)
        if node.name not in self.scope:
            raise self.error(f'name "{node.name}" is undefined', node)
        value = self.scope[node.name]
        if isinstance(value, _UnboundCall):
            raise self.error(f'no global function "{value.call.name}" defined', value.call)
        return value

    def chain(self, node: ast.Chain):
        receiver = self.evaluate(node.left)
        if not isinstance(receiver, (NodeBuilder, HandlerBuilder)):
            raise self.error(f'cannot use "{node.operator}" on a value that is not a node', node)
        right = node.right
        name = right.name
        args = [self.evaluate(argument) for argument in right.args] if isinstance(right, ast.Function) else []
        if node.operator == "|":
            return receiver.chain_node(name, args, right)
        if node.operator == "@":
            raise self.error(f"@{name}: UDFs need a Kapacitor server; tickpy run cannot run them", right)
        return receiver.property(name, args, right)

    def make_node_builder(self, name: str, args: list, at: ast.Node) -> NodeBuilder:
        """The builder for `|name(args)`, or an error naming what tickpy cannot run."""
        builder_class = CHAIN_BUILDERS.get(name)
        if builder_class is None:
            reason = NOT_RUNNABLE.get(name, "it is not supported by tickpy run yet")
            raise self.error(f"|{name}(): {reason}", at)
        return builder_class(self, at, args)

    def variables(self) -> dict:
        """The script's plain values, for lambdas that name them (`"value" > threshold`)."""
        return {name: value for name, value in self.scope.items()
                if not isinstance(value, (NodeBuilder, HandlerBuilder))}

    def compile_lambda(self, expression, at: ast.Node):
        from tickpy.expr.compile import compile_lambda

        if not isinstance(expression, ast.Lambda):
            raise self.error("expected a lambda expression here", at)
        return compile_lambda(expression, self.variables(), self.source_name)


@dataclass
class _UnboundCall:
    """`var s = f(x)`: what Kapacitor binds; calling it fails where s is used."""

    call: ast.Function


class StreamBuilder(NodeBuilder):
    kind = "stream"
    provides = STREAM

    def chain_node(self, name, args, at):
        if name not in ("from", "stats", "deadman"):  # pipeline/stream.go, pipeline/node.go
            raise self.builder.error(f"stream|{name}(): only |from(), |stats() or |deadman() may "
                                     "follow stream", at)
        return super().chain_node(name, args, at)

    def create(self):
        return StreamNode(self.node_id)


class FromBuilder(NodeBuilder):
    kind = "from"

    def __init__(self, builder, at, args=None):
        super().__init__(builder, at, args)
        self.node = FromNode("")
        self.where_lambda: ast.Node | None = None  # what `.where()` has given so far

    def set_measurement(self, args, at):
        (self.node.measurement,) = string_args(self.builder, args, at)

    def set_database(self, args, at):
        (self.node.database,) = string_args(self.builder, args, at)

    def set_retentionPolicy(self, args, at):
        (self.node.retention_policy,) = string_args(self.builder, args, at)

    def set_where(self, args, at):
        """A second `.where()` does not replace the first: Kapacitor's FromNode.Where
        (pipeline/stream.go) joins them into one lambda, `first AND second`."""
        where = args[0]
        earlier = self.where_lambda
        if earlier is not None and isinstance(where, ast.Lambda):
            both = ast.Binary(earlier.line, earlier.column, "AND", earlier.expression, where.expression)
            where = ast.Lambda(earlier.line, earlier.column, both)
        self.node.where = self.builder.compile_lambda(where, at)
        self.where_lambda = where

    def set_groupBy(self, args, at):
        self.dimensions = flatten(args)

    def set_groupByMeasurement(self, args, at):
        self.by_measurement = True

    def set_truncate(self, args, at):
        self.node.truncate = int(args[0])

    def set_round(self, args, at):
        self.node.round = int(args[0])

    def create(self):
        dimensions = getattr(self, "dimensions", None)
        by_measurement = getattr(self, "by_measurement", False)
        if dimensions is not None or by_measurement:
            self.node.grouping = grouping_from_dimensions(dimensions or [], by_measurement)
        self.node.id = self.node_id
        return self.node


class WhereBuilder(NodeBuilder):
    kind = "where"

    def create(self):
        from tickpy.pipeline.nodes.where import WhereNode

        predicate = self.builder.compile_lambda(self.args[0] if self.args else None, self.at)
        return WhereNode(self.node_id, predicate)


class GroupByBuilder(NodeBuilder):
    kind = "groupby"

    def set_byMeasurement(self, args, at):
        self.by_measurement = True

    def set_exclude(self, args, at):
        self.excluded = tuple(string_args(self.builder, flatten(args), at))

    def create(self):
        grouping = grouping_from_dimensions(flatten(self.args), getattr(self, "by_measurement", False),
                                            getattr(self, "excluded", ()))
        return GroupByNode(self.node_id, grouping)


class EvalBuilder(NodeBuilder):
    kind = "eval"

    def __init__(self, builder, at, args=None):
        super().__init__(builder, at, args)
        self.names: list[str] = []
        self.keep: list[str] | None = None
        self.tags: list[str] = []
        self.quiet = False

    def set_as(self, args, at):
        self.names = string_args(self.builder, args, at)

    def set_keep(self, args, at):
        self.keep = string_args(self.builder, args, at)

    def set_tags(self, args, at):
        self.tags = string_args(self.builder, args, at)

    def create(self):
        if len(self.names) != len(self.args):
            raise self.builder.error(f"eval has {len(self.args)} expressions but .as() names "
                                     f"{len(self.names)}", self.at)
        expressions = [self.builder.compile_lambda(arg, self.at) for arg in self.args]
        return EvalNode(self.node_id, expressions, self.names, self.keep, self.tags, self.quiet)


class LogBuilder(NodeBuilder):
    kind = "log"

    def __init__(self, builder, at, args=None):
        super().__init__(builder, at, args)
        self.level = "INFO"
        self.prefix = ""

    def set_level(self, args, at):
        level = str(args[0]).upper()
        if level not in LEVELS:
            raise self.builder.error(f"log level must be one of {', '.join(LEVELS)}", at)
        self.level = level

    def set_prefix(self, args, at):
        (self.prefix,) = string_args(self.builder, args, at)

    def create(self):
        return LogNode(self.node_id, self.builder.services.out, self.level, self.prefix)


# ---------------------------------------------------------------------------------------------
# The alert node and its handlers

# TICKscript handler property -> tickpy handler kind, for the handlers tickpy can run.
RUNNABLE_HANDLERS = {"log", "post", "pushover", "discord", "tcp", "exec"}


class AlertBuilder(NodeBuilder):
    kind = "alert"

    def __init__(self, builder, at, args=None):
        super().__init__(builder, at, args)
        self.rules = AlertRules()
        self.texts = {"id": DEFAULT_ID, "message": DEFAULT_MESSAGE, "details": DEFAULT_DETAILS}
        self.handlers: list[HandlerBuilder] = []
        self.topic = ""
        self.augment_tags: dict[str, str] = {}
        self.augment_fields: dict[str, str] = {}

    def property(self, name, args, at):
        returns = _alert_property_returns(name)
        if returns is not None and returns.endswith("Handler"):
            return self._handler(name, returns, args, at)
        return super().property(name, args, at)

    def _handler(self, name, go_type, args, at):
        if name not in RUNNABLE_HANDLERS:
            raise self.builder.error(f".{name}(): tickpy run cannot send to {name} yet "
                                     f"(it can: {', '.join(sorted(RUNNABLE_HANDLERS))})", at)
        handler = HandlerBuilder(self, name, go_type, args, at)
        self.handlers.append(handler)
        return handler

    def _level(self, level, args, at):
        self.rules.levels[level] = self.builder.compile_lambda(args[0], at)

    def _reset(self, level, args, at):
        self.rules.resets[level] = self.builder.compile_lambda(args[0], at)

    def set_info(self, args, at): self._level(1, args, at)
    def set_warn(self, args, at): self._level(2, args, at)
    def set_crit(self, args, at): self._level(3, args, at)
    def set_infoReset(self, args, at): self._reset(1, args, at)
    def set_warnReset(self, args, at): self._reset(2, args, at)
    def set_critReset(self, args, at): self._reset(3, args, at)

    def set_id(self, args, at): self.texts["id"] = args[0]
    def set_message(self, args, at): self.texts["message"] = args[0]
    def set_details(self, args, at): self.texts["details"] = args[0]
    def set_topic(self, args, at): self.topic = args[0]

    def set_stateChangesOnly(self, args, at):
        self.rules.state_changes_only = True
        if args:
            self.rules.state_changes_only_duration = int(args[0])

    def set_noRecoveries(self, args, at):
        self.rules.no_recoveries = True

    def set_flapping(self, args, at):
        self.rules.use_flapping = True
        self.rules.flap_low, self.rules.flap_high = (float(value) for value in args)

    def set_history(self, args, at):
        if int(args[0]) < 2:
            raise self.builder.error("history must be at least 2", at)
        self.rules.history = int(args[0])

    def set_all(self, args, at):
        """`.all()` only changes how batches are judged; a stream task has single points."""
        self.all_points = True

    def set_levelTag(self, args, at): self.augment_tags["level"] = args[0]
    def set_idTag(self, args, at): self.augment_tags["id"] = args[0]
    def set_levelField(self, args, at): self.augment_fields["level"] = args[0]
    def set_messageField(self, args, at): self.augment_fields["message"] = args[0]
    def set_idField(self, args, at): self.augment_fields["id"] = args[0]
    def set_durationField(self, args, at): self.augment_fields["duration"] = args[0]

    def create(self):
        from tickpy.template.gotemplate import TemplateError

        try:
            templates = AlertTemplates(self.texts["id"], self.texts["message"], self.texts["details"])
        except TemplateError as error:
            raise self.builder.error(f"alert template: {error}", self.at) from None
        node = AlertNode(self.node_id, self.builder.task_name, self.rules, templates,
                         self.builder.services)
        node.topic = self.topic
        node.all_points = getattr(self, "all_points", False)
        node.augment_tags = self.augment_tags
        node.augment_fields = self.augment_fields
        node.handlers = [handler.create() for handler in self.handlers]
        if not any(handler.name == "discord" for handler in self.handlers):
            node.handlers += self.builder.services.global_handlers()
        return node


def _alert_property_returns(name: str) -> str | None:
    prop = node_type("AlertNode").property(name)
    return prop.returns if prop is not None else None


class HandlerBuilder:
    """`.pushover().title('x')...`: the handler's own properties, in script order. A property the
    handler does not have belongs to the alert node again (Go's field promotion, as Kapacitor)."""

    def __init__(self, alert: AlertBuilder, name: str, go_type: str, args: list, at: ast.Node):
        self.alert = alert
        self.name = name
        self.own = {lookup_key(p) for p in HANDLER_PROPERTIES.get(go_type, {})}
        self.args = args
        self.at = at
        self.properties: list[tuple[str, list]] = []

    def chain_node(self, name, args, at):
        return self.alert.chain_node(name, args, at)

    def property(self, name, args, at):
        if lookup_key(name) in self.own:
            self.properties.append((name, args))
            return self
        return self.alert.property(name, args, at)

    def create(self):
        from tickpy.handlers.base import make_handler

        builder = self.alert.builder
        try:
            return make_handler(self.name, self.options(), builder.services)
        except TickError as error:
            raise builder.error(error.message, self.at) from None
        except ValueError as error:
            raise builder.error(f".{self.name}(): {error}", self.at) from None

    def options(self) -> dict:
        """The handler's options, spelled as in Kapacitor handler files."""
        from tickpy.handlers.options import options_from_script

        if self.name == "log":
            options = {"path": self.args[0]}
            for name, args in self.properties:
                if name == "mode":
                    options["mode"] = args[0]
            return options
        if self.name == "tcp":
            return {"address": self.args[0]}
        if self.name == "exec":
            return {"prog": self.args[0], "args": list(self.args[1:])}
        return options_from_script(self.name, self.args, self.properties)


CHAIN_BUILDERS: dict[str, type[NodeBuilder]] = {
    "from": FromBuilder,
    "where": WhereBuilder,
    "groupBy": GroupByBuilder,
    "eval": EvalBuilder,
    "log": LogBuilder,
    "alert": AlertBuilder,
    **build_window.BUILDERS,
    **build_transform.BUILDERS,
    **build_combine.BUILDERS,
}

# Nodes Kapacitor has that need something a replay does not have; `tickpy run` refuses them.
NOT_RUNNABLE = {
    "influxDBOut": "writes to InfluxDB, which tickpy run does not have",
    "httpOut": "serves results over Kapacitor's HTTP API, which tickpy run does not have",
    "httpPost": "posts every point to a URL; tickpy run only posts alert events (alert().post())",
    "kapacitorLoopback": "writes back into a Kapacitor server, which tickpy run does not have",
    "sideload": "reads files on a Kapacitor server; tickpy run cannot run it",
    "holtWinters": "forecasting is not implemented in tickpy run",
    "holtWintersWithFit": "forecasting is not implemented in tickpy run",
    "k8sAutoscale": "scales Kubernetes deployments; tickpy run cannot run it",
    "swarmAutoscale": "scales Docker Swarm services; tickpy run cannot run it",
    "ec2Autoscale": "scales EC2 groups; tickpy run cannot run it",
    "query": "batch queries need an InfluxDB; tickpy run cannot run them",
}
