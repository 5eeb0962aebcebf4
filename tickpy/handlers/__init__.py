"""Where alert events go: log files, HTTP posts, Pushover, Discord, topics."""
