"""Lambda expressions: compiled once per task into Python callables with Kapacitor's type rules."""
