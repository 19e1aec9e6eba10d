"""The package's one base exception.

Every error the package raises on purpose (bad input, a broken data file under
`models/`, a record that breaks the contract, an output that cannot be written...)
is an `ExtractorError` whose message is one line naming the file or value and the
problem. The command line catches this class, and only this class, to print that line
instead of a traceback; anything else is a bug and keeps its traceback.
"""
from __future__ import annotations

__all__ = ["ExtractorError"]


class ExtractorError(Exception):
    """A problem the package names in one line (its subclasses say which kind)."""
