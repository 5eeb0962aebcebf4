"""The subset of Go's text/template that Kapacitor alert ids, messages and details use."""
