"""`|where(lambda)`: keeps the points for which the lambda is true. A point whose evaluation
fails (a missing field, mismatched types) is dropped and counted, as in Kapacitor's where.go."""

from tickpy.pipeline.node import Node


class WhereNode(Node):
    kind = "where"

    def __init__(self, node_id: str, predicate):
        super().__init__(node_id)
        self.predicate = predicate

    def point(self, point) -> None:
        self.points_in += 1
        try:
            passed = self.predicate(point)
        except Exception as error:
            self.count_error(f"error evaluating expression: {error}")
            return
        if passed is True:
            self.emit(point)
