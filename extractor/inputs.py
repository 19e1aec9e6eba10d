"""One document as the HTTP service receives it: its text, doc_id, issue date and how
its bytes were read.

Uploaded bytes go through the same readers as `extractor extract` and `batch`
(`extractor.text`), so a file gives the same record whichever way it comes in. A name from outside (a file
name, an upload's name) only ever becomes a doc_id, a string inside JSON: nothing
here opens a path.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import PureWindowsPath
from typing import Any

from .docids import escape
from .text import Limits, read_bytes
from .textio import InputError

__all__ = ["STDIN_ID", "Document", "doc_id_from_name", "from_bytes", "from_text", "check_day"]

STDIN_ID = "stdin"
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class Document:
    text: str
    doc_id: str | None
    document_date: str | None = None
    # what the reader learnt of the file (how it was read, dates its metadata states);
    # None when the text came as text (JSON), not as a file
    file_meta: dict[str, Any] | None = None
    notice: str | None = None  # the decoder had to guess (see textio)

    def meta(self) -> dict[str, Any]:
        """The metadata `Extractor.pipe` takes with the text."""
        if self.file_meta is not None:
            return {**self.file_meta, "doc_id": self.doc_id, "document_date": self.document_date}
        return {"doc_id": self.doc_id, "document_date": self.document_date, "extra": None}

    @property
    def decoding(self) -> dict[str, str] | None:
        """How the file's bytes were decoded (None for a text given as text)."""
        extra = (self.file_meta or {}).get("extra") or {}
        return extra.get("decoding")


def doc_id_from_name(name: str) -> str:
    r"""A file's doc_id: its name without folders and without its last extension.

    Both separators count, since an uploaded file's name may come from any system.

    >>> doc_id_from_name("fixtures/000_96300efdaabbe5f0.txt"), doc_id_from_name("C:\\in\\cp.2025-06.txt")
    ('000_96300efdaabbe5f0', 'cp.2025-06')
    """
    return PureWindowsPath(name).stem


def from_bytes(data: bytes, name: str | None, document_date: str | None = None, where: str | None = None,
               limits: Limits | None = None) -> Document:
    """The document in a file's bytes, whatever its format (text, web page, PDF, Word,
    e-mail: the readers of `extractor.text`, as `extract` and `batch` use them); `name`
    None for standard input (doc_id `stdin`). `where` names the input in error messages
    (default: `name`). Raises InputError for bytes that are not a readable release.
    """
    suffix = PureWindowsPath(name).suffix if name else ""
    read = read_bytes(data, where or name or STDIN_ID, suffix, limits or Limits())
    doc_id = STDIN_ID if name is None else escape(doc_id_from_name(name))
    return Document(read.text, doc_id, document_date, read.meta(doc_id, document_date), read.notice)


def from_text(text: str, doc_id: str | None = None, document_date: str | None = None, where: str = "text") -> Document:
    """A document given as text (a JSON field): refused on the same grounds as a file.

    >>> from_text("Raidium lève 5 M€.", "a").meta()
    {'doc_id': 'a', 'document_date': None, 'extra': None}
    >>> from_text("  ")
    Traceback (most recent call last):
    extractor.textio.InputError: text: only white space
    """
    if not text:
        raise InputError(f"{where}: empty text")
    if not text.strip():
        raise InputError(f"{where}: only white space")
    if "\x00" in text:
        raise InputError(f"{where}: binary data (NUL characters), not a text")
    return Document(text, doc_id, document_date)


def check_day(value: object, where: str = "document_date") -> str | None:
    """A document date as the record writes it: YYYY-MM-DD or None.

    >>> check_day("2025-06-12"), check_day(None)
    ('2025-06-12', None)
    >>> check_day("12/06/2025")
    Traceback (most recent call last):
    ValueError: document_date: '12/06/2025' is not a YYYY-MM-DD date
    """
    if value is None:
        return None
    if isinstance(value, str) and _ISO_DAY.fullmatch(value):
        try:
            date.fromisoformat(value)
            return value
        except ValueError:
            pass
    raise ValueError(f"{where}: {value!r} is not a YYYY-MM-DD date")
