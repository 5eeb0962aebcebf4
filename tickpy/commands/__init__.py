"""One module per `tickpy` subcommand; see `tickpy/cli.py`."""
