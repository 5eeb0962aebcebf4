"""`|where(lambda)`: keeps the points for which the lambda is true. A point whose evaluation
fails (a missing field, mismatched types, a value that is not a boolean) is dropped and counted
with Kapacitor's texts: where.go logs "error while evaluating expression" and EvalBool's error.
A lambda with a stateful function (`count()`, `sigma()`) keeps its state per group, as there."""

from tickpy.pipeline.node import PointwiseNode
from tickpy.pipeline.nodes.group_lambdas import GroupLambdas


class WhereNode(PointwiseNode):
    kind = "where"

    def __init__(self, node_id: str, predicate):
        super().__init__(node_id)
        self.lambdas = GroupLambdas([predicate])

    def transform(self, point):
        (predicate,) = self.lambdas.of_group(point.group)
        return self._filter(point, predicate)

    def batch(self, batch):
        """Each point of the batch, with the lambda of the batch's group."""
        self.points_in += 1
        (predicate,) = self.lambdas.of_group(batch.group)
        kept = [point for point in batch.points if self._filter(point, predicate) is not None]
        self.emit_batch(batch.with_points(kept))

    def _filter(self, point, predicate):
        try:
            passed = predicate.predicate(point)
        except Exception as error:
            self.count_error(f"error while evaluating expression: {error}")
            return None
        return point if passed is True else None
