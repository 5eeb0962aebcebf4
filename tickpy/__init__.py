"""tickpy: a TICKscript interpreter: lint, format and run Kapacitor alert scripts without a server."""

__version__ = "0.1.0"
