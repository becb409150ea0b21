"""The models' own error, importable without SQLAlchemy or the migrations (the CLI's error handling needs it
before any database is opened)."""

from __future__ import annotations


class DatabaseError(Exception):
    """The database cannot be used as asked: printed as one line by the entry points."""
