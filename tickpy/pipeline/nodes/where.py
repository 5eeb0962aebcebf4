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
        # The lambda is called here rather than in a helper shared with batch(): one call less
        # for every point of a stream.
        predicate = self.lambdas.of_group(point.group)[0].predicate
        try:
            passed = predicate(point)
        except Exception as error:
            self._count_failure(error)
            return None
        return point if passed is True else None

    def batch(self, batch):
        """Each point of the batch, with the lambda of the batch's group."""
        self.points_in += 1
        predicate = self.lambdas.of_group(batch.group)[0].predicate
        kept = []
        for point in batch.points:
            try:
                if predicate(point) is True:
                    kept.append(point)
            except Exception as error:
                self._count_failure(error)
        self.emit_batch(batch.with_points(kept))

    def _count_failure(self, error: Exception) -> None:
        self.count_error(f"error while evaluating expression: {error}")
