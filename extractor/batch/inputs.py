"""A batch job's inputs: which documents there are (scan), and their texts (read).

A file's doc_id is its name without `.txt`, a JSONL line's its "doc_id" value,
both escaped (see `docids`) so that any name, even one holding bytes that are not
UTF-8, gives a doc_id every output can hold.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO, Iterator

from ..errors import ExtractorError
from ..docids import escape, printable
from ..records import RecordError, is_iso_day, parse_json
from ..text import Limits, read_document
from ..text.files import no_documents, save_text as write_text
from ..text.sniff import SUFFIXES
from ..textio import InputError, jsonl_rows, open_regular

__all__ = ["BatchError", "Source", "Scan", "date_from_name", "scan", "scan_inputs", "Reader"]


class BatchError(ExtractorError, ValueError):
    """The job cannot start or go on (bad inputs, duplicate doc_ids, ...); one line."""


@dataclass(frozen=True)
class Source:
    doc_id: str
    path: str  # a text file, or the JSONL file holding the document
    document_date: str | None = None
    line: int | None = None  # JSONL only: line number (for messages) ...
    offset: int | None = None  # ... and byte offset of that line
    date_source: str = "given"  # or "file_name" (--document-date-from-name)


@dataclass
class Scan:
    sources: list[Source]
    notes: list[str]  # folders left out, one line each
    unreadable: int  # folders that could not be listed (their documents are missing)


_NAME_DATE = re.compile(r"(?<!\d)(\d{4})(-?)(\d{2})\2(\d{2})(?!\d)")


def date_from_name(name: str) -> str | None:
    """The first real calendar date written YYYY-MM-DD or YYYYMMDD in a name.

    >>> date_from_name("idf-2025-06-12-vivatech"), date_from_name("cp_20240131"), date_from_name("2025-02-30")
    ('2025-06-12', '2024-01-31', None)
    >>> date_from_name("96300efdaabbe5f0"), date_from_name("2025-0612")
    (None, None)
    """
    for m in _NAME_DATE.finditer(name):
        try:
            return date(int(m[1]), int(m[3]), int(m[4])).isoformat()
        except ValueError:
            continue
    return None


def scan(inputs: list[str | Path], dates_from_names: bool = False) -> Scan:
    """Every document of the job, without reading texts; duplicate doc_ids are an error."""
    sources: list[Source] = []
    notes: list[str] = []
    unreadable = [0]
    for raw in inputs:
        p = Path(raw)
        if p.is_dir():
            found = sorted(_texts_below(p, notes, unreadable))
            if not found and not unreadable[0]:
                raise BatchError(printable(no_documents(p)))
            sources.extend(_file_source(f, dates_from_names) for f in found)
        elif p.is_file() and p.suffix == ".jsonl":
            sources.extend(_jsonl_sources(p, dates_from_names))
        elif p.exists() or p.is_symlink():
            sources.append(_file_source(p, dates_from_names))  # if it cannot be read, it is that document's error
        else:
            raise BatchError(f"{printable(str(p))}: no such file or folder")
    first: dict[str, Source] = {}
    for s in sources:
        if s.doc_id in first:
            raise BatchError(f"doc_id {s.doc_id!r} appears twice: {_where(first[s.doc_id])} and {_where(s)}")
        first[s.doc_id] = s
    return Scan(sources, notes, unreadable[0])


def scan_inputs(inputs: list[str | Path], dates_from_names: bool = False) -> list[Source]:
    return scan(inputs, dates_from_names).sources


def _texts_below(folder: Path, notes: list[str], unreadable: list[int]) -> Iterator[Path]:
    """Every document file below a folder (`.txt`, `.html`, `.pdf`, `.docx`, `.eml`… in any
    case) that is not itself a folder: FIFOs, devices and broken links are kept, so that
    they fail as documents, with a line, instead of vanishing."""
    try:
        with os.scandir(folder) as it:
            entries = sorted(it, key=lambda e: e.name)
    except OSError as exc:
        unreadable[0] += 1
        notes.append(f"{printable(str(folder))}: cannot list this folder ({exc.strerror}); its documents are skipped")
        return
    for entry in entries:
        path = folder / entry.name
        if entry.is_dir(follow_symlinks=False):
            yield from _texts_below(path, notes, unreadable)
        elif entry.is_symlink() and entry.is_dir():
            # Not followed: a link may loop or lead to a tree already listed.
            notes.append(f"{printable(str(path))}: a symbolic link to a folder, not followed "
                         "(give the folder as an input to include it)")
        elif Path(entry.name).suffix.lower() in SUFFIXES:
            yield path


def _where(s: Source) -> str:
    return printable(f"{s.path}:{s.line}" if s.line is not None else s.path)


def _file_source(path: Path, dates_from_names: bool) -> Source:
    return Source(escape(path.stem), str(path), date_from_name(path.name) if dates_from_names else None,
                  date_source="file_name")


def _jsonl_sources(path: Path, dates_from_names: bool) -> Iterator[Source]:
    """One source per line. A line without a usable doc_id cannot be reported as a
    document's failure, so it stops the job; anything else wrong with a line is
    that document's failure, found when it is read."""
    where_file = printable(str(path))
    for lineno, here, raw in jsonl_rows(path, BatchError):
        try:
            data = parse_json(raw, f"{where_file}:{lineno}: not a JSON line")
        except RecordError as exc:
            raise BatchError(str(exc)) from None
        doc_id = data.get("doc_id") if isinstance(data, dict) else None
        if not isinstance(doc_id, str) or not doc_id:
            raise BatchError(f"{where_file}:{lineno}: expected an object with a non-empty string \"doc_id\"")
        ddate, source = data.get("document_date"), "given"
        if ddate is None and dates_from_names:
            ddate, source = date_from_name(doc_id), "file_name"
        yield Source(escape(doc_id), str(path), ddate, lineno, here, source)


class Reader:
    """Texts of sources, read one at a time when an engine asks for the next task."""

    def __init__(self, limits: Limits, save_text: Path | None = None):
        self.max_bytes = limits.max_bytes
        self.limits, self.save_text = limits, save_text
        self._jsonl: dict[str, IO[bytes]] = {}

    def task(self, s: Source) -> dict:
        """The task for a source, or InputError saying why it cannot be read."""
        task = self._task(s)
        if self.save_text is not None:
            write_text(self.save_text, s.doc_id, task["text"])
        return task

    def _task(self, s: Source) -> dict:
        if s.offset is None:
            document = read_document(s.path, self.limits)
            return {"path": s.path, "text": document.text, **document.meta(s.doc_id, s.document_date, s.date_source)}
        fh = self._jsonl.get(s.path)
        if fh is None:
            fh = self._jsonl[s.path] = open_regular(s.path)
        fh.seek(s.offset)
        raw = fh.readline(self.max_bytes + 1)
        where = _where(s)
        if len(raw) > self.max_bytes:
            raise InputError(f"{where}: line of more than {self.max_bytes} bytes, over the limit of {self.max_bytes}")
        try:
            text = parse_json(raw, where).get("text")
        except RecordError as exc:  # the file changed since the scan
            raise InputError(str(exc)) from None
        if not isinstance(text, str):
            raise InputError(f"{where}: \"text\" is missing or not a string")
        if not text.strip():
            raise InputError(f"{where}: empty text")
        if "\x00" in text:
            raise InputError(f"{where}: binary data (NUL characters), not a text")
        ddate = s.document_date
        if ddate is not None and not is_iso_day(ddate):
            raise InputError(f"{where}: document_date {ddate!r} is not YYYY-MM-DD")
        return {"doc_id": s.doc_id, "path": s.path, "text": text, "document_date": ddate,
                "document_date_source": s.date_source, "extra": None}

    def close(self) -> None:
        for fh in self._jsonl.values():
            fh.close()
