"""Documents as they arrive, read into the text the extractor works on.

    bytes ─► recognise (content first, then name) ─► one reader per format ─► Document
             text · web page · PDF · Word · e-mail

Offsets in a record refer to `Document.text`: the extracted text, which
`--save-text` writes out. What each reader decided is recorded beside `decoding`
in `reading`; dates the file states about itself (page metadata, the e-mail's
`Date:`, the file's creation date) become `date_hints`, weighed against the text's
own dateline by `extractor.context`.

Format libraries are imported when a file of their format is read, never at start-up.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from ..docids import printable
from ..textio import DEFAULT_MAX_BYTES, Decoded, InputError, decode
from ..textio import read_bytes as read_file_bytes
from .sniff import SUFFIXES, recognise

# Press releases run to a few pages; a long report is refused rather than read for minutes.
DEFAULT_MAX_PAGES = 200

__all__ = ["Document", "Limits", "read_document", "read_bytes", "SUFFIXES", "DEFAULT_MAX_PAGES", "InputError"]


@dataclass(frozen=True)
class Limits:
    max_bytes: int = DEFAULT_MAX_BYTES  # the file, and what a .docx unpacks to
    max_pages: int = DEFAULT_MAX_PAGES  # PDF pages


@dataclass(frozen=True)
class Document:
    text: str
    reading: dict[str, Any]  # format, how it was recognised, library and version, pages, characters
    decoding: dict[str, str] | None = None  # how bytes became characters, for formats that have bytes of text
    date_hints: tuple[tuple[str, str], ...] = ()  # (source, YYYY-MM-DD) the file states about itself
    notice: str | None = None  # set when a reader had to guess

    def extra(self) -> dict[str, Any]:
        """The record fields that say how the text was obtained."""
        out: dict[str, Any] = {}
        if self.decoding is not None:
            out["decoding"] = self.decoding
        out["reading"] = self.reading
        return out

    def meta(self, doc_id: str | None, document_date: str | None = None,
             document_date_source: str = "given") -> dict[str, Any]:
        """What `Extractor.pipe` takes with the text."""
        return {"doc_id": doc_id, "document_date": document_date, "document_date_source": document_date_source,
                "date_hints": [list(h) for h in self.date_hints], "extra": self.extra()}


def read_document(path: str | Path, limits: Limits = Limits()) -> Document:
    """Read one file of any supported format; InputError (one line) when it cannot be read."""
    path = Path(path)
    # regular files only, and never more than the limit, whatever st_size says (FIFOs, devices)
    data = read_file_bytes(path, limits.max_bytes)
    return read_bytes(data, printable(str(path)), path.suffix, limits)


def read_bytes(data: bytes, where: str, suffix: str = "", limits: Limits = Limits()) -> Document:
    """Read a document's bytes; `where` names it in messages, `suffix` is its extension if any."""
    if len(data) > limits.max_bytes:
        raise InputError(f"{where}: {len(data)} bytes, over the limit of {limits.max_bytes}")
    if not data.strip():
        raise InputError(f"{where}: empty file" if not data else f"{where}: only white space")
    fmt, by = recognise(data, suffix, where)
    return _READERS[fmt](data, where, by, limits)


def _text(data: bytes, where: str, by: str, limits: Limits) -> Document:
    decoded = decode(data, where)
    return Document(decoded.text, _reading("text", by, decoded.text), decoded.describe(), notice=decoded.notice)


def _html(data: bytes, where: str, by: str, limits: Limits) -> Document:
    from .html import decode_page, read_html

    page, encoding = decode_page(data, where)
    read = read_html(page, where)
    reading = _reading("html", by, read.text, library="trafilatura")
    if not read.main_content:
        reading["main_content"] = False
    hints = _metadata_dates(reading, "metadata", read.dates)
    notice = None if read.main_content else f"{where}: no main content found; the whole page's text was kept"
    return Document(read.text, reading, Decoded(read.text, encoding).describe(), hints, notice)


def _pdf(data: bytes, where: str, by: str, limits: Limits) -> Document:
    from .pdf import read_pdf

    read = read_pdf(data, where, limits.max_pages)
    reading = _reading("pdf", by, read.text, library="pdfminer.six", pages=read.pages)
    hints = _metadata_dates(reading, "creation_date", {"CreationDate": read.created.isoformat()} if read.created else {})
    return Document(read.text, reading, None, hints)


def _docx(data: bytes, where: str, by: str, limits: Limits) -> Document:
    from .word import read_docx

    read = read_docx(data, where, limits.max_bytes)
    reading = _reading("docx", by, read.text, library="python-docx", paragraphs=read.paragraphs, tables=read.tables)
    hints = _metadata_dates(reading, "creation_date", {"created": read.created.isoformat()} if read.created else {})
    return Document(read.text, reading, None, hints)


def _email(data: bytes, where: str, by: str, limits: Limits) -> Document:
    from .mail import read_mail

    read = read_mail(data, where)
    if read.subtype == "html":
        from .html import read_html

        page = read_html(read.body, where)
        reading = _reading("email", by, page.text, library="email+trafilatura", part="html")
        text = page.text
    else:
        text = read.body
        reading = _reading("email", by, text, library="email", part="plain")
    hints = _metadata_dates(reading, "header", {"Date": read.sent.isoformat()} if read.sent else {})
    return Document(text, reading, Decoded(text, read.charset).describe(), hints)


def _metadata_dates(reading: dict[str, Any], source: str, dates: dict[str, str]) -> tuple[tuple[str, str], ...]:
    """Show the dates a file states about itself under their own field names, and offer
    the first as a hint for the document date."""
    if not dates:
        return ()
    reading["metadata_dates"] = dates
    return ((source, next(iter(dates.values()))),)


_READERS = {"text": _text, "html": _html, "pdf": _pdf, "docx": _docx, "email": _email}


def _reading(fmt: str, by: str, text: str, library: str | None = None, **counts: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"format": fmt, "recognised_by": by}
    if library:
        out["library"] = " + ".join(f"{name} {_version(name)}" for name in library.split("+"))
    out.update(counts)
    out["characters"] = len(text)
    return out


@cache
def _version(distribution: str) -> str:
    if distribution == "email":
        import sys

        return f"(Python {sys.version_info.major}.{sys.version_info.minor})"
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(distribution)
    except PackageNotFoundError:
        return "(version unknown)"
