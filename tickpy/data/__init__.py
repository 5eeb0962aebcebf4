"""Points, and reading them from InfluxDB line protocol."""
