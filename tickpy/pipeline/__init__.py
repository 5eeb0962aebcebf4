"""Runtime pipeline: the AST of a task turned into a graph of nodes that points flow through."""
