"""`|where(lambda)`: keeps the points for which the lambda is true. A point whose evaluation
fails (a missing field, mismatched types) is dropped and counted, as in Kapacitor's where.go."""

from tickpy.pipeline.node import PointwiseNode


class WhereNode(PointwiseNode):
    kind = "where"

    def __init__(self, node_id: str, predicate):
        super().__init__(node_id)
        self.predicate = predicate

    def transform(self, point):
        try:
            passed = self.predicate(point)
        except Exception as error:
            self.count_error(f"error evaluating expression: {error}")
            return None
        return point if passed is True else None
