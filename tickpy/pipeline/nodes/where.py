"""`|where(lambda)`: keeps the points for which the lambda is true. A point whose evaluation
fails (a missing field, mismatched types, a value that is not a boolean) is dropped and counted
with Kapacitor's texts: where.go logs "error while evaluating expression" and EvalBool's error.
A lambda with a stateful function (`count()`, `sigma()`) keeps its state per group, as there."""

from functools import partial

from tickpy.pipeline.node import PointwiseNode
from tickpy.pipeline.nodes.group_lambdas import GroupLambdas


class WhereNode(PointwiseNode):
    kind = "where"

    def __init__(self, node_id: str, predicate):
        super().__init__(node_id)
        self.lambdas = GroupLambdas([predicate])

    def transform(self, point):
        return self._kept(point, self.lambdas.of_group(point.group)[0].predicate)

    def batch_transform(self, batch):
        return partial(self._kept, predicate=self.lambdas.of_group(batch.group)[0].predicate)

    def _kept(self, point, predicate):
        try:
            passed = predicate(point)
        except Exception as error:
            self.count_error(f"error while evaluating expression: {error}")
            return None
        return point if passed is True else None
