"""Kapacitor's pipeline nodes as data: what may follow what, and what each property takes.

Read from Kapacitor's `pipeline/*.go` (influxdata/kapacitor at 7702d12). Kapacitor finds names by
reflection (`tick/eval.go`):

* A *property* (`.name(...)`) is either an exported struct field set with one value
  (`Measurement string`), or a method named by a field's `tick:"Name"` tag (`.flapping(low, high)`).
  A handler such as `*pipeline.DiscordHandler` embeds the alert's data, so its own properties are
  looked up first and the alert's follow: `.discord().workspace('x').crit(...)` is valid, and
  `.mqtt('a').topic('b')` sets the MQTT topic, not the alert's.
* A *chaining method* (`|name(...)`) is any other exported method returning a node. Every chaining
  node has the methods of `chainnode` in `pipeline/node.go` (plus the InfluxQL functions in
  `pipeline/influxql.go`); `stream`/`batch` and the output nodes have only `stats` and `deadman`.
* Kapacitor upper-cases the first letter of the written name and compares the rest exactly, so
  `.avatarURL()` and `.AvatarURL()` work but `.avatarUrl()` does not. `lookup_key()` does the same.

Names are kept as a user writes them (`avatarURL`, `URLTitle`); types as Go spells them, which is
what Kapacitor's messages show (`*pipeline.FromNode`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Optional

# Kinds of argument, named after the TICKscript literal that produces them.
STRING = "string"
INT = "int"
FLOAT = "float"
DURATION = "duration"
BOOL = "bool"
LAMBDA = "lambda"
REGEX = "regex"
STAR = "star"
LIST = "list"
NODE = "node"  # a pipeline node held in a variable (|join(other), |union(a, b))
ANY = "any"  # Go interface{}: groupBy dimensions, fill values, default values
INT_OR_DURATION = "int or duration"  # |sample(10) or |sample(10s)

# Edges: what a node sends to its children.
STREAM = "stream"
BATCH = "batch"
NO_EDGE = "no edge"  # influxDBOut, kapacitorLoopback: nothing may follow
SAME = "same"  # whatever the parent sends


@dataclass(frozen=True)
class Property:
    """A `.name(...)` call: fixed parameters, then optionally any number of `variadic` ones."""

    params: tuple[str, ...] = ()
    variadic: Optional[str] = None
    # The Go type the call evaluates to, when it is not the object itself: `.discord()` gives a
    # DiscordHandler, `.stateChangesOnly()` the alert's AlertNodeData.
    returns: Optional[str] = None
    # Set for tickpy extensions that Kapacitor rejects: the text of the warning lint gives.
    extension: Optional[str] = None

    def accepts_count(self, count: int) -> bool:
        if self.variadic is not None:
            return count >= len(self.params)
        return count == len(self.params)


@dataclass(frozen=True)
class ChainMethod(Property):
    """A `|name(...)` call, creating a child node of type `returns`."""

    provides: str = SAME  # the edge the new node sends on
    wants: Optional[str] = None  # the edge the parent must send, when the node insists


# ---------------------------------------------------------------------------------------------
# Chaining methods

# What `|name()` may follow any chaining node with (`chainnode` in pipeline/node.go, the InfluxQL
# functions in pipeline/influxql.go). `provides` follows each constructor: aggregates such as mean
# send a stream, selectors such as top a batch; window turns a stream into batches and trickle
# batches back into a stream.
CHAINING_METHODS: Mapping[str, ChainMethod] = {
    "alert": ChainMethod((), returns="AlertNode"),
    "barrier": ChainMethod((), returns="BarrierNode"),
    "bottom": ChainMethod((INT, STRING), variadic=STRING, returns="InfluxQLNode", provides=BATCH),
    "changeDetect": ChainMethod((), variadic=STRING, returns="ChangeDetectNode"),
    "combine": ChainMethod((), variadic=LAMBDA, returns="CombineNode", provides=STREAM),
    "count": ChainMethod((STRING,), returns="InfluxQLNode", provides=STREAM),
    "cumulativeSum": ChainMethod((STRING,), returns="InfluxQLNode"),
    "deadman": ChainMethod((FLOAT, DURATION), variadic=LAMBDA, returns="AlertNode", provides=STREAM),
    "default": ChainMethod((), returns="DefaultNode"),
    "delete": ChainMethod((), returns="DeleteNode"),
    "derivative": ChainMethod((STRING,), returns="DerivativeNode"),
    "difference": ChainMethod((STRING,), returns="InfluxQLNode"),
    "distinct": ChainMethod((STRING,), returns="InfluxQLNode", provides=BATCH),
    "ec2Autoscale": ChainMethod((), returns="Ec2AutoscaleNode", provides=STREAM),
    "elapsed": ChainMethod((STRING, DURATION), returns="InfluxQLNode"),
    "eval": ChainMethod((), variadic=LAMBDA, returns="EvalNode"),
    "first": ChainMethod((STRING,), returns="InfluxQLNode", provides=STREAM),
    "flatten": ChainMethod((), returns="FlattenNode"),
    "groupBy": ChainMethod((), variadic=ANY, returns="GroupByNode"),
    "holtWinters": ChainMethod((STRING, INT, INT, DURATION), returns="InfluxQLNode", provides=BATCH),
    "holtWintersWithFit": ChainMethod(
        (STRING, INT, INT, DURATION), returns="InfluxQLNode", provides=BATCH),
    "httpOut": ChainMethod((STRING,), returns="HTTPOutNode"),
    "httpPost": ChainMethod((), variadic=STRING, returns="HTTPPostNode"),
    "influxDBOut": ChainMethod((), returns="InfluxDBOutNode", provides=NO_EDGE),
    "join": ChainMethod((), variadic=NODE, returns="JoinNode"),
    "k8sAutoscale": ChainMethod((), returns="K8sAutoscaleNode", provides=STREAM),
    "kapacitorLoopback": ChainMethod((), returns="KapacitorLoopbackNode", provides=NO_EDGE),
    "last": ChainMethod((STRING,), returns="InfluxQLNode", provides=STREAM),
    "log": ChainMethod((), returns="LogNode"),
    "max": ChainMethod((STRING,), returns="InfluxQLNode", provides=STREAM),
    "mean": ChainMethod((STRING,), returns="InfluxQLNode", provides=STREAM),
    "median": ChainMethod((STRING,), returns="InfluxQLNode", provides=STREAM),
    "min": ChainMethod((STRING,), returns="InfluxQLNode", provides=STREAM),
    "mode": ChainMethod((STRING,), returns="InfluxQLNode", provides=STREAM),
    "movingAverage": ChainMethod((STRING, INT), returns="InfluxQLNode"),
    "percentile": ChainMethod((STRING, FLOAT), returns="InfluxQLNode", provides=STREAM),
    "sample": ChainMethod((INT_OR_DURATION,), returns="SampleNode"),
    "shift": ChainMethod((DURATION,), returns="ShiftNode"),
    "sideload": ChainMethod((), returns="SideloadNode"),
    "spread": ChainMethod((STRING,), returns="InfluxQLNode", provides=STREAM),
    "stateCount": ChainMethod((LAMBDA,), returns="StateCountNode"),
    "stateDuration": ChainMethod((LAMBDA,), returns="StateDurationNode"),
    "stats": ChainMethod((DURATION,), returns="StatsNode", provides=STREAM),
    "stddev": ChainMethod((STRING,), returns="InfluxQLNode", provides=STREAM),
    "sum": ChainMethod((STRING,), returns="InfluxQLNode", provides=STREAM),
    "swarmAutoscale": ChainMethod((), returns="SwarmAutoscaleNode", provides=STREAM),
    "top": ChainMethod((INT, STRING), variadic=STRING, returns="InfluxQLNode", provides=BATCH),
    "trickle": ChainMethod((), returns="TrickleNode", provides=STREAM, wants=BATCH),
    "union": ChainMethod((), variadic=NODE, returns="UnionNode"),
    "where": ChainMethod((LAMBDA,), returns="WhereNode"),
    "window": ChainMethod((), returns="WindowNode", provides=BATCH, wants=STREAM),
}


# Nodes that embed `node` rather than `chainnode` (stream, batch, influxDBOut, kapacitorLoopback)
# chain only these two.
NODE_ONLY_METHODS: Mapping[str, ChainMethod] = {
    "deadman": CHAINING_METHODS["deadman"],
    "stats": CHAINING_METHODS["stats"],
}
NODE_ONLY_TYPES = ("InfluxDBOutNode", "KapacitorLoopbackNode")

# Chaining methods only some types have.
EXTRA_CHAINING_METHODS: Mapping[str, Mapping[str, ChainMethod]] = {
    "StreamNode": {"from": ChainMethod((), returns="FromNode", provides=STREAM, wants=STREAM)},
    "FromNode": {"from": ChainMethod((), returns="FromNode", provides=STREAM, wants=STREAM)},
    "BatchNode": {
        "query": ChainMethod((STRING,), returns="QueryNode", provides=BATCH),
        "queryFlux": ChainMethod((STRING,), returns="QueryFluxNode", provides=BATCH),
    },
}

# ---------------------------------------------------------------------------------------------
# Properties

# The alert node's properties (AlertNodeData in pipeline/alert.go). Each handler call returns the
# handler, whose own properties come first (HANDLER_PROPERTIES) and these after.
ALERT_PROPERTIES: Mapping[str, Property] = {
    "alerta": Property((), returns="AlertaHandler"),
    "all": Property((), returns="AlertNodeData"),
    "bigPanda": Property((), returns="BigPandaHandler"),
    "category": Property((STRING,)),
    "crit": Property((LAMBDA,)),
    "critReset": Property((LAMBDA,)),
    "details": Property((STRING,)),
    "discord": Property((), returns="DiscordHandler"),
    "durationField": Property((STRING,)),
    "email": Property((), variadic=STRING, returns="EmailHandler"),
    "exec": Property((STRING,), variadic=STRING, returns="ExecHandler"),
    "flapping": Property((FLOAT, FLOAT), returns="AlertNodeData"),
    "hipChat": Property((), returns="HipChatHandler"),
    "history": Property((INT,)),
    "id": Property((STRING,)),
    "idField": Property((STRING,)),
    "idTag": Property((STRING,)),
    "info": Property((LAMBDA,)),
    "infoReset": Property((LAMBDA,)),
    "inhibit": Property((STRING,), variadic=STRING, returns="AlertNodeData"),
    "kafka": Property((), returns="KafkaHandler"),
    "levelField": Property((STRING,)),
    "levelTag": Property((STRING,)),
    "log": Property((STRING,), returns="LogHandler"),
    "message": Property((STRING,)),
    "messageField": Property((STRING,)),
    "mqtt": Property((STRING,), returns="MQTTHandler"),
    "noRecoveries": Property((), returns="AlertNodeData"),
    "opsGenie": Property((), returns="OpsGenieHandler"),
    "opsGenie2": Property((), returns="OpsGenie2Handler"),
    "pagerDuty": Property((), returns="PagerDutyHandler"),
    "pagerDuty2": Property((), returns="PagerDuty2Handler"),
    "post": Property((), variadic=STRING, returns="AlertHTTPPostHandler"),
    "pushover": Property((), returns="PushoverHandler"),
    "sensu": Property((), returns="SensuHandler"),
    "serviceNow": Property((), returns="ServiceNowHandler"),
    "slack": Property((), returns="SlackHandler"),
    "snmpTrap": Property((STRING,), returns="SNMPTrapHandler"),
    "stateChangesOnly": Property((), variadic=DURATION, returns="AlertNodeData"),
    "talk": Property((), returns="TalkHandler"),
    "tcp": Property((STRING,), returns="TcpHandler"),
    "teams": Property((), returns="TeamsHandler"),
    "telegram": Property((), returns="TelegramHandler"),
    "topic": Property((STRING,)),
    "victorOps": Property((), returns="VictorOpsHandler"),
    "warn": Property((LAMBDA,)),
    "warnReset": Property((LAMBDA,)),
    "zenoss": Property((), returns="ZenossHandler"),
}


# Every other node's own properties (all nodes also have `.quiet()`).
NODE_PROPERTIES: Mapping[str, Mapping[str, Property]] = {
    "BarrierNode": {
        "delete": Property((BOOL,)),
        "idle": Property((DURATION,)),
        "period": Property((DURATION,)),
    },
    "ChangeDetectNode": {},
    "CombineNode": {
        "as": Property((), variadic=STRING),
        "delimiter": Property((STRING,)),
        "max": Property((INT,)),
        "tolerance": Property((DURATION,)),
    },
    "DefaultNode": {
        "field": Property((STRING, ANY)),
        "tag": Property((STRING, STRING)),
    },
    "DeleteNode": {
        "field": Property((STRING,)),
        "tag": Property((STRING,)),
    },
    "DerivativeNode": {
        "as": Property((STRING,)),
        "nonNegative": Property(()),
        "unit": Property((DURATION,)),
    },
    "Ec2AutoscaleNode": {
        "cluster": Property((STRING,)),
        "currentField": Property((STRING,)),
        "decreaseCooldown": Property((DURATION,)),
        "groupName": Property((STRING,)),
        "groupNameTag": Property((STRING,)),
        "increaseCooldown": Property((DURATION,)),
        "max": Property((INT,)),
        "min": Property((INT,)),
        "outputGroupNameTag": Property((STRING,)),
        "replicas": Property((LAMBDA,)),
    },
    "EvalNode": {
        "as": Property((), variadic=STRING),
        "keep": Property((), variadic=STRING),
        "tags": Property((), variadic=STRING),
    },
    "FlattenNode": {
        "delimiter": Property((STRING,)),
        "dropOriginalFieldName": Property((), variadic=BOOL),
        "on": Property((), variadic=STRING),
        "tolerance": Property((DURATION,)),
    },
    "FromNode": {
        "database": Property((STRING,)),
        "groupBy": Property((), variadic=ANY),
        "groupByMeasurement": Property(()),
        "measurement": Property((STRING,)),
        "retentionPolicy": Property((STRING,)),
        "round": Property((DURATION,)),
        "truncate": Property((DURATION,)),
        "where": Property((LAMBDA,)),
    },
    "GroupByNode": {
        "byMeasurement": Property(()),
        "exclude": Property((), variadic=STRING),
    },
    "HTTPOutNode": {},
    "HTTPPostNode": {
        "captureResponse": Property(()),
        "codeField": Property((STRING,)),
        "endpoint": Property((STRING,)),
        "header": Property((STRING, STRING)),
        "timeout": Property((DURATION,)),
    },
    "InfluxDBOutNode": {
        "buffer": Property((INT,)),
        "cluster": Property((STRING,)),
        "create": Property(()),
        "database": Property((STRING,)),
        "flushInterval": Property((DURATION,)),
        "measurement": Property((STRING,)),
        "precision": Property((STRING,)),
        "retentionPolicy": Property((STRING,)),
        "tag": Property((STRING, STRING)),
        "writeConsistency": Property((STRING,)),
    },
    "InfluxQLNode": {
        "as": Property((STRING,)),
        "usePointTimes": Property(()),
    },
    "JoinNode": {
        "as": Property((), variadic=STRING),
        "deleteAll": Property((BOOL,)),
        "delimiter": Property((STRING,)),
        "fill": Property((ANY,)),
        "on": Property((), variadic=STRING),
        "streamName": Property((STRING,)),
        "tolerance": Property((DURATION,)),
    },
    "K8sAutoscaleNode": {
        "cluster": Property((STRING,)),
        "currentField": Property((STRING,)),
        "decreaseCooldown": Property((DURATION,)),
        "increaseCooldown": Property((DURATION,)),
        "kind": Property((STRING,)),
        "kindTag": Property((STRING,)),
        "max": Property((INT,)),
        "min": Property((INT,)),
        "namespace": Property((STRING,)),
        "namespaceTag": Property((STRING,)),
        "replicas": Property((LAMBDA,)),
        "resourceName": Property((STRING,)),
        "resourceNameTag": Property((STRING,)),
        "resourceTag": Property((STRING,)),
    },
    "KapacitorLoopbackNode": {
        "database": Property((STRING,)),
        "measurement": Property((STRING,)),
        "retentionPolicy": Property((STRING,)),
        "tag": Property((STRING, STRING)),
    },
    "LogNode": {
        "level": Property((STRING,)),
        "prefix": Property((STRING,)),
    },
    "QueryFluxNode": {
        "align": Property(()),
        "cluster": Property((STRING,)),
        "cron": Property((STRING,)),
        "every": Property((DURATION,)),
        "offset": Property((DURATION,)),
        "org": Property((STRING,)),
        "orgID": Property((STRING,)),
        "period": Property((DURATION,)),
    },
    "QueryNode": {
        "align": Property(()),
        "alignGroup": Property(()),
        "cluster": Property((STRING,)),
        "cron": Property((STRING,)),
        "every": Property((DURATION,)),
        "fill": Property((ANY,)),
        "groupBy": Property((), variadic=ANY),
        "groupByMeasurement": Property(()),
        "offset": Property((DURATION,)),
        "period": Property((DURATION,)),
    },
    "SampleNode": {},
    "ShiftNode": {},
    "SideloadNode": {
        "field": Property((STRING, ANY)),
        "order": Property((), variadic=STRING),
        "source": Property((STRING,)),
        "tag": Property((STRING, STRING)),
    },
    "StateCountNode": {
        "as": Property((STRING,)),
    },
    "StateDurationNode": {
        "as": Property((STRING,)),
        "unit": Property((DURATION,)),
    },
    "StatsNode": {
        "align": Property(()),
    },
    "SwarmAutoscaleNode": {
        "cluster": Property((STRING,)),
        "currentField": Property((STRING,)),
        "decreaseCooldown": Property((DURATION,)),
        "increaseCooldown": Property((DURATION,)),
        "max": Property((INT,)),
        "min": Property((INT,)),
        "outputServiceNameTag": Property((STRING,)),
        "replicas": Property((LAMBDA,)),
        "serviceName": Property((STRING,)),
        "serviceNameTag": Property((STRING,)),
    },
    "TrickleNode": {},
    "UnionNode": {
        "rename": Property((STRING,)),
    },
    "WhereNode": {},
    "WindowNode": {
        "align": Property(()),
        "every": Property((DURATION,)),
        "everyCount": Property((INT,)),
        "fillPeriod": Property(()),
        "period": Property((DURATION,)),
        "periodCount": Property((INT,)),
    },
}

# Each alert handler's own properties.
HANDLER_PROPERTIES: Mapping[str, Mapping[str, Property]] = {
    "AlertHTTPPostHandler": {
        "captureResponse": Property(()),
        "endpoint": Property((STRING,)),
        "header": Property((STRING, STRING)),
        "skipSSLVerification": Property(()),
        "timeout": Property((DURATION,)),
    },
    "AlertaHandler": {
        "attribute": Property((STRING, ANY)),
        "correlated": Property((), variadic=STRING),
        "environment": Property((STRING,)),
        "event": Property((STRING,)),
        "group": Property((STRING,)),
        "origin": Property((STRING,)),
        "resource": Property((STRING,)),
        "services": Property((), variadic=STRING),
        "timeout": Property((DURATION,)),
        "token": Property((STRING,)),
        "value": Property((STRING,)),
    },
    "BigPandaHandler": {
        "appKey": Property((STRING,)),
        "attribute": Property((STRING, ANY)),
        "host": Property((STRING,)),
        "primaryProperty": Property((STRING,)),
        "secondaryProperty": Property((STRING,)),
    },
    "DiscordHandler": {
        "avatarURL": Property((STRING,)),
        "embedTitle": Property((STRING,)),
        # The Discord handler page lists a timestamp option; Kapacitor's DiscordHandler has no
        # such field. tickpy honours it and lint warns.
        "timestamp": Property((BOOL,), extension=(
            'Kapacitor rejects .timestamp() on .discord() (no method or property "timestamp" on '
            "*pipeline.DiscordHandler); only tickpy honours it. Set timestamp in the [[discord]] "
            "workspace configuration for a script Kapacitor accepts")),
        "username": Property((STRING,)),
        "workspace": Property((STRING,)),
    },
    "EmailHandler": {
        "to": Property((), variadic=STRING),
        "toTemplates": Property((), variadic=STRING),
    },
    "ExecHandler": {},
    "HipChatHandler": {
        "room": Property((STRING,)),
        "token": Property((STRING,)),
    },
    "KafkaHandler": {
        "cluster": Property((STRING,)),
        "disablePartitionById": Property(()),
        "kafkaTopic": Property((STRING,)),
        "partitionHashAlgorithm": Property((STRING,)),
    },
    "LogHandler": {
        "mode": Property((INT,)),
    },
    "MQTTHandler": {
        "brokerName": Property((STRING,)),
        # MQTTHandler's own Topic field (the MQTT topic) hides the alert's .topic().
        "topic": Property((STRING,)),
        "qos": Property((INT,)),
        "retained": Property((BOOL,)),
    },
    "OpsGenie2Handler": {
        # Kapacitor's OpsGenie2Handler.Details() takes no argument and hides the alert's
        # .details(template): on .opsGenie2(), `.details('...')` is an error in Kapacitor too.
        "details": Property(()),
        "recipients": Property((), variadic=STRING),
        "recoveryAction": Property((STRING,)),
        "teams": Property((), variadic=STRING),
    },
    "OpsGenieHandler": {
        "recipients": Property((), variadic=STRING),
        "teams": Property((), variadic=STRING),
    },
    "PagerDuty2Handler": {
        "link": Property((STRING,), variadic=STRING),
        "routingKey": Property((STRING,)),
        "serviceKey": Property((STRING,)),
    },
    "PagerDutyHandler": {
        "serviceKey": Property((STRING,)),
    },
    "PushoverHandler": {
        "device": Property((STRING,)),
        "sound": Property((STRING,)),
        "title": Property((STRING,)),
        "URL": Property((STRING,)),
        "URLTitle": Property((STRING,)),
        "userKey": Property((STRING,)),
    },
    "SNMPTrapHandler": {
        "data": Property((STRING, STRING, STRING)),
    },
    "SensuHandler": {
        "handlers": Property((), variadic=STRING),
        "metadata": Property((STRING, ANY)),
        "source": Property((STRING,)),
    },
    "ServiceNowHandler": {
        "additionalInfo": Property((STRING, ANY)),
        "messageKey": Property((STRING,)),
        "metricName": Property((STRING,)),
        "node": Property((STRING,)),
        "password": Property((STRING,)),
        "resource": Property((STRING,)),
        "source": Property((STRING,)),
        "type": Property((STRING,)),
        "URL": Property((STRING,)),
        "username": Property((STRING,)),
    },
    "SlackHandler": {
        "channel": Property((STRING,)),
        "iconEmoji": Property((STRING,)),
        "username": Property((STRING,)),
        "workspace": Property((STRING,)),
    },
    "TalkHandler": {},
    "TcpHandler": {
        "address": Property((STRING,)),
    },
    "TeamsHandler": {
        "channelURL": Property((STRING,)),
    },
    "TelegramHandler": {
        "chatId": Property((STRING,)),
        "disableNotification": Property(()),
        "disableWebPagePreview": Property(()),
        "parseMode": Property((STRING,)),
    },
    "VictorOpsHandler": {
        "routingKey": Property((STRING,)),
    },
    "ZenossHandler": {
        "action": Property((STRING,)),
        "collector": Property((STRING,)),
        "component": Property((STRING,)),
        "customField": Property((STRING, ANY)),
        "device": Property((STRING,)),
        "eventClass": Property((STRING,)),
        "eventClassKey": Property((STRING,)),
        # ZenossHandler's own Message field hides the alert's .message().
        "message": Property((STRING,)),
        "method": Property((STRING,)),
        "password": Property((STRING,)),
        "summary": Property((STRING,)),
        "tid": Property((INT,)),
        "type": Property((STRING,)),
        "URL": Property((STRING,)),
        "username": Property((STRING,)),
    },
}


# Builtin functions callable inside a lambda (`tick/stateful/functions.go`): name -> (fewest, most)
# arguments. Kapacitor reports a call to any other name as `undefined function: "name"`.
LAMBDA_FUNCTIONS: Mapping[str, tuple[int, int]] = {
    **{name: (1, 1) for name in (
        "bool", "int", "float", "string",
        "abs", "acos", "acosh", "asin", "asinh", "atan", "atanh", "cbrt", "ceil", "cos", "cosh",
        "erf", "erfc", "exp", "exp2", "expm1", "floor", "gamma", "j0", "j1", "log", "log10",
        "log1p", "log2", "logb", "pow10", "sin", "sinh", "sqrt", "tan", "tanh", "trunc", "y0", "y1",
        "strLength", "strToLower", "strToUpper", "strTrimSpace",
        "isPresent", "unixNano", "minute", "hour", "weekday", "day", "month", "year",
        "humanBytes", "sigma", "spread",
    )},
    **{name: (2, 2) for name in (
        "atan2", "hypot", "jn", "max", "min", "mod", "pow", "yn",
        "strContains", "strContainsAny", "strCount", "strHasPrefix", "strHasSuffix", "strIndex",
        "strIndexAny", "strLastIndex", "strLastIndexAny", "strTrim", "strTrimLeft",
        "strTrimPrefix", "strTrimRight", "strTrimSuffix",
    )},
    "duration": (1, 2),
    "strSubstring": (3, 3),
    "regexReplace": (3, 3),
    "if": (3, 3),
    "strReplace": (4, 4),
    "now": (0, 0),
    "count": (0, 0),
    "rand": (0, 1),
}

# Functions Kapacitor does not have but that scripts (and tickpy's engine) use. Kapacitor defines a
# task calling one, then fails to start it with `undefined function`; lint warns instead of erring.
EXTENSION_FUNCTIONS: Mapping[str, tuple[int, int]] = {
    "sprintf": (1, 1000),
}

# Names a task's scope holds besides the script's own vars (`task_master.go`, `pipeline.go`):
# `time` for `groupBy(time(1m))`, and the task's source node.
GLOBAL_FUNCTIONS = ("time",)
SOURCES = {"stream": "StreamNode", "batch": "BatchNode"}


# ---------------------------------------------------------------------------------------------
# Lookup


def lookup_key(name: str) -> str:
    """The name Kapacitor looks for: the written one with its first letter upper-cased."""
    return name[:1].upper() + name[1:]


@dataclass(frozen=True)
class NodeType:
    """What one Go type accepts after `|` and `.`."""

    name: str  # Go type name without the package, e.g. "FromNode"
    properties: Mapping[str, Property]  # keyed by lookup_key()
    chaining: Mapping[str, ChainMethod]  # keyed by lookup_key()
    spellings: Mapping[str, str]  # lookup_key() -> the name as users write it
    open_properties: bool = False  # a UDF: its options are only known to the server

    @property
    def go_name(self) -> str:
        """How Kapacitor's messages name the type: `*pipeline.FromNode`."""
        return f"*pipeline.{self.name}"

    @property
    def is_handler(self) -> bool:
        return self.name.endswith("Handler")

    def property(self, name: str) -> Optional[Property]:
        return self.properties.get(lookup_key(name))

    def chaining_method(self, name: str) -> Optional[ChainMethod]:
        return self.chaining.get(lookup_key(name))

    def spelling(self, key: str) -> str:
        return self.spellings.get(key, key)

    def property_names(self) -> list[str]:
        return [self.spelling(k) for k in self.properties]

    def chaining_names(self) -> list[str]:
        return [self.spelling(k) for k in self.chaining]


def _node_type(name: str, properties: Mapping[str, Property], chaining: Mapping[str, ChainMethod],
               open_properties: bool = False) -> NodeType:
    spellings = {lookup_key(n): n for n in list(chaining) + list(properties)}
    return NodeType(
        name=name,
        properties={lookup_key(n): p for n, p in properties.items()},
        chaining={lookup_key(n): m for n, m in chaining.items()},
        spellings=spellings,
        open_properties=open_properties,
    )


def _build_node_types() -> dict[str, NodeType]:
    quiet = {"quiet": Property()}
    types: dict[str, NodeType] = {}
    for name, props in NODE_PROPERTIES.items():
        chaining = NODE_ONLY_METHODS if name in NODE_ONLY_TYPES else CHAINING_METHODS
        chaining = {**chaining, **EXTRA_CHAINING_METHODS.get(name, {})}
        types[name] = _node_type(name, {**quiet, **props}, chaining)
    for name in ("StreamNode", "BatchNode"):
        chaining = {**NODE_ONLY_METHODS, **EXTRA_CHAINING_METHODS[name]}
        types[name] = _node_type(name, quiet, chaining)
    for name in ("AlertNode", "AlertNodeData"):
        types[name] = _node_type(name, {**quiet, **ALERT_PROPERTIES}, CHAINING_METHODS)
    for name, own in HANDLER_PROPERTIES.items():
        # Own properties first, then the alert's: Go's field promotion, as Kapacitor sees it.
        types[name] = _node_type(name, {**quiet, **ALERT_PROPERTIES, **own}, CHAINING_METHODS)
    types["UDFNode"] = _node_type("UDFNode", quiet, CHAINING_METHODS, open_properties=True)
    return types


NODE_TYPES: Mapping[str, NodeType] = _build_node_types()


def node_type(name: str) -> NodeType:
    """The NodeType for a Go type name such as "FromNode"."""
    return NODE_TYPES[name]
