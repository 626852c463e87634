"""Offline store-and-forward: the SQLite scan store (``outbox``) and background delivery (``sync``)."""
