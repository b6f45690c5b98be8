"""wirestream: recognises diplomatic calls in a news stream and publishes them as events."""

__version__ = "0.1.0"
SCHEMA_VERSION = 1
