"""Alert state per group, and alert events in Kapacitor's JSON shape."""
