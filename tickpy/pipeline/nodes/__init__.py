"""One module per kind of runtime node."""
