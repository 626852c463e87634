"""Edge scanner for Vietnamese vehicle registration certificates."""

__version__ = "0.1.0"
