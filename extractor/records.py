"""The record: one press release in, one record out (the contract: docs/annotation.md).

The same types carry the extractor's output and the gold annotation, so the
evaluator never has to translate between two shapes.
"""
from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Iterator

from .docids import printable, unescape
from .errors import ExtractorError
from .kinds import DATE_VALUE, KINDS, LABELS, LISTS, QUALIFIERS, kind_of

__all__ = [
    "SCHEMA", "LISTS", "LABELS", "QUALIFIERS", "DATE_SOURCES", "INPUT_FORMATS", "DATE_VALUE", "ISO_DAY",
    "MAX_NAME_BYTES", "RecordError", "parse_json", "json_problem", "is_iso_day", "Mention", "Record",
    "file_stem", "read_records", "read_file_bytes", "json_lines", "json_schema"
]

SCHEMA = "press-record/1"

# LISTS (record list name -> label) and LABELS (the reverse), in the order the JSON
# lists them, and the fields of each label: the declared kinds (extractor.kinds).

# Where a record's document_date came from (extractor.context.DATE_EVIDENCE orders
# all but the first two, which a caller states).
DATE_SOURCES = ("given", "file_name", "dateline", "line_start", "metadata", "header", "first_date", "weekday",
                "creation_date")
INPUT_FORMATS = ("text", "html", "pdf", "docx", "email")
_CORE = ("text", "start", "end", "optional")

ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
# A file name is at most 255 bytes on the usual file systems; keep room for the
# longest suffix a doc_id gets (`.meta.json`).
MAX_NAME_BYTES = 255 - len(".meta.json")


class RecordError(ExtractorError, ValueError):
    """A record or gold file that breaks the contract; the message is one line."""


def parse_json(data: str | bytes, where: str) -> Any:
    """`json.loads` whose every failure is one RecordError line."""
    try:
        return json.loads(data)
    except (ValueError, RecursionError) as exc:
        raise RecordError(f"{where}: {json_problem(exc)}") from None


def json_problem(exc: ValueError | RecursionError) -> str:
    """What `json.loads` could not do: invalid JSON, bytes that are not UTF-8, nesting too
    deep for the parser, an integer too long to convert."""
    if isinstance(exc, json.JSONDecodeError):
        return f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
    if isinstance(exc, UnicodeDecodeError):
        return f"not UTF-8 ({exc.reason} at byte {exc.start})"
    if isinstance(exc, RecursionError):
        return "JSON nested too deeply to read"
    return f"unreadable JSON value ({printable(str(exc))[:80]})"


def is_iso_day(value: Any) -> bool:
    """A real calendar day written YYYY-MM-DD.

    >>> is_iso_day("2025-06-12"), is_iso_day("2025-13-45"), is_iso_day("2025-6-12")
    (True, False, False)
    """
    if not (isinstance(value, str) and ISO_DAY.fullmatch(value)):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _unicode(value: str, where: str, what: str) -> str:
    # A lone surrogate (a JSON "\ud800") is no character: no UTF-8 output can hold it.
    bad = _SURROGATE.search(value)
    if bad:
        raise RecordError(f"{where}: {what} holds a lone surrogate (U+{ord(bad.group()):04X}) at {bad.start()}, "
                          "not valid Unicode")
    return value


@dataclass
class Mention:
    label: str
    text: str
    start: int
    end: int
    value: str | None = None
    high: str | None = None
    currency: str | None = None
    qualifier: str | None = None
    name: str | None = None
    optional: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"text": self.text, "start": self.start, "end": self.end}
        for f in kind_of(self.label).fields:
            val = getattr(self, f.name)
            # A nullable field is written as null (a relative date with no document
            # date); every other field only when present.
            if val is not None or f.nullable:
                out[f.name] = val
        if self.optional:
            out["optional"] = True
        out.update(self.extra)
        return out

    def describe(self) -> str:
        return f"{LABELS[self.label]} {self.text!r} ({self.start}-{self.end})"


@dataclass
class Record:
    doc_id: str | None
    document_date: str | None
    mentions: list[Mention] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    def of(self, label: str) -> list[Mention]:
        return [m for m in self.mentions if m.label == label]

    @property
    def error(self) -> dict[str, str] | None:
        """Why the text could not be processed (`{"type", "message"}`, from Extractor.pipe), or None."""
        return self.extra.get("error")

    @property
    def organizations(self) -> list[Mention]:
        return self.of("ORG")

    @property
    def amounts(self) -> list[Mention]:
        return self.of("MONEY")

    @property
    def dates(self) -> list[Mention]:
        return self.of("DATE")

    @property
    def percentages(self) -> list[Mention]:
        return self.of("PERCENT")

    def organization_names(self) -> dict[str, list[Mention]]:
        """Distinct organizations, each canonical name with its mentions in text order."""
        groups: dict[str, list[Mention]] = {}
        for m in self.organizations:
            groups.setdefault(m.name or m.text, []).append(m)
        return groups

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"schema": SCHEMA, "doc_id": self.doc_id, "document_date": self.document_date}
        for name, label in LISTS.items():
            out[name] = [m.to_dict() for m in sorted(self.of(label), key=lambda m: (m.start, m.end))]
        out.update(self.extra)
        return out

    def to_json(self, indent: int | None = None) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)

    @classmethod
    def from_dict(cls, data: Any, where: str = "record") -> "Record":
        """Build a record from its JSON form, checking types and values (not the source text)."""
        if not isinstance(data, dict):
            raise RecordError(f"{where}: expected a JSON object, got {type(data).__name__}")
        if data.get("schema") != SCHEMA:
            raise RecordError(f"{where}: schema is {data.get('schema')!r}, expected {SCHEMA!r}")
        # Extractors may add scalar fields; a list we do not know is a label we do not know.
        unknown = [k for k, v in data.items() if k not in LISTS and isinstance(v, list)]
        if unknown:
            raise RecordError(f"{where}: unknown mention list {unknown[0]!r} (labels are {', '.join(LISTS)})")
        doc_id = data.get("doc_id")
        if doc_id is not None and not isinstance(doc_id, str):
            raise RecordError(f"{where}: doc_id must be a string or null")
        if doc_id is not None:
            _unicode(doc_id, where, "doc_id")
        ddate = data.get("document_date")
        if ddate is not None and not is_iso_day(ddate):
            raise RecordError(f"{where}: document_date {ddate!r} is not a real day written YYYY-MM-DD, nor null")
        mentions = []
        for name, label in LISTS.items():
            items = data.get(name, [])
            if not isinstance(items, list):
                raise RecordError(f"{where}: {name} must be a list")
            for i, item in enumerate(items):
                mentions.append(_mention_from_dict(item, label, f"{where}: {name}[{i}]"))
        extra = {k: v for k, v in data.items() if k not in LISTS and k not in ("schema", "doc_id", "document_date")}
        return cls(doc_id, ddate, mentions, extra)

    def check(self, source: str | None = None, where: str = "record") -> None:
        """Check offsets against the source text and that no two mentions overlap."""
        ordered = sorted(self.mentions, key=lambda m: (m.start, m.end))
        for m in ordered:
            if source is not None:
                if m.end > len(source):
                    raise RecordError(f"{where}: {m.describe()}: end {m.end} is past the end of the text ({len(source)})")
                if source[m.start:m.end] != m.text:
                    raise RecordError(
                        f"{where}: {m.describe()}: text does not equal source[{m.start}:{m.end}] "
                        f"({source[m.start:m.end]!r})"
                    )
        for a, b in zip(ordered, ordered[1:]):
            if b.start < a.end:
                raise RecordError(f"{where}: {a.describe()} overlaps {b.describe()}")


def _mention_from_dict(item: Any, label: str, where: str) -> Mention:
    if not isinstance(item, dict):
        raise RecordError(f"{where}: expected an object")
    for key in ("text", "start", "end"):
        if key not in item:
            raise RecordError(f"{where}: missing field {key!r}")
    text, start, end = item["text"], item["start"], item["end"]
    if not isinstance(text, str):
        raise RecordError(f"{where}: text must be a string")
    _unicode(text, where, "text")
    if not (type(start) is int and type(end) is int) or not 0 <= start <= end:
        raise RecordError(f"{where} {text!r}: start/end must be integers with 0 <= start <= end, got {start!r}, {end!r}")
    if end - start != len(text):
        raise RecordError(f"{where} {text!r}: end - start = {end - start} but text has {len(text)} characters")
    kind = kind_of(label)
    kw: dict[str, Any] = {}
    for f in kind.fields:
        val = item.get(f.name)
        if val is None:
            if f.required and not f.nullable:
                raise RecordError(f"{where} {text!r}: missing field {f.name!r}")
        elif not isinstance(val, str):
            raise RecordError(f"{where} {text!r}: {f.name} must be a string, got {type(val).__name__}")
        elif not f.type.check(val):
            raise RecordError(f"{where} {text!r}: {f.name} {val!r} {f.type.problem}")
        kw[f.name] = val
    optional = item.get("optional", False)
    if not isinstance(optional, bool):
        raise RecordError(f"{where} {text!r}: optional must be true or false")
    extra = {k: v for k, v in item.items() if k not in _CORE and kind.field(k) is None}
    return Mention(label, text, start, end, optional=optional, extra=extra, **kw)


# --- files -----------------------------------------------------------------

def file_stem(doc_id: str | None, where: str = "record") -> str:
    """The file name (without suffix) a doc_id names in a folder (see `docids`): refuse any
    that would leave the folder, or that no file system can hold.

    >>> file_stem("001_region")
    '001_region'
    >>> file_stem("../../etc/passwd")
    Traceback (most recent call last):
    extractor.records.RecordError: record: doc_id '../../etc/passwd' cannot name a file (path separator, NUL or leading dot)
    """
    name = unescape(doc_id) if isinstance(doc_id, str) else ""
    if not name or name.startswith(".") or any(ch in name for ch in "/\\\x00"):
        raise RecordError(f"{where}: doc_id {printable(str(doc_id))!r} cannot name a file "
                          "(path separator, NUL or leading dot)")
    try:
        size = len(os.fsencode(name))
    except UnicodeEncodeError:
        raise RecordError(f"{where}: doc_id {printable(name)!r} holds a lone surrogate; it cannot name a file") from None
    if size > MAX_NAME_BYTES:
        raise RecordError(f"{where}: doc_id {printable(name[:30])!r}... is {size} bytes long; "
                          f"a file name holds at most {MAX_NAME_BYTES}")
    return name


def read_records(path: str | Path, texts: str | Path | None = None) -> list[Record]:
    """Read records from a JSONL file, a JSON file, or a folder of DOC_ID.json files.

    With `texts` (a folder of DOC_ID.txt), each record's offsets are checked against
    its source; a folder named `gold` next to `press_releases` finds its texts itself.
    A doc_id names a text file there only if it could name a file in an output
    folder (`file_stem`): an absolute doc_id or one with `..` reads nothing outside.
    """
    path = Path(path)
    if not path.exists():
        raise RecordError(f"{printable(str(path))}: no such file or folder")
    if path.is_dir():
        files = sorted(path.glob("*.json"))
        if not files:
            raise RecordError(f"{printable(str(path))}: folder holds no .json records")
        pairs = [_read_json_file(f) for f in files]
        if texts is None and (path.parent / "press_releases").is_dir():
            texts = path.parent / "press_releases"
    elif path.suffix == ".jsonl":
        pairs = list(_jsonl_pairs(path))
    else:
        pairs = [_read_json_file(path)]
    seen: dict[str | None, str] = {}
    for rec, where in pairs:
        if rec.doc_id in seen:
            raise RecordError(f"{where}: duplicate doc_id {rec.doc_id!r} (first in {seen[rec.doc_id]})")
        seen[rec.doc_id] = where
        source = None
        if texts is not None:
            from .textio import read_text  # local: records stay importable without the decoder

            tpath = Path(texts) / f"{file_stem(rec.doc_id, where)}.txt"
            if tpath.exists():
                source = read_text(tpath).text
        rec.check(source, where)
    return [rec for rec, _ in pairs]


def read_file_bytes(path: Path) -> bytes:
    """A regular file's bytes; a FIFO, a device or an unreadable file is one RecordError line."""
    from .textio import InputError, read_bytes

    try:
        return read_bytes(path)
    except InputError as exc:
        raise RecordError(str(exc)) from None


def _read_json_file(path: Path) -> tuple[Record, str]:
    from .docids import escape

    where = printable(str(path))
    rec = Record.from_dict(parse_json(read_file_bytes(path), where), where)
    stem = escape(path.stem)
    if rec.doc_id is None:
        rec.doc_id = stem
    elif rec.doc_id != stem:
        raise RecordError(f"{where}: doc_id {rec.doc_id!r} does not match the file name")
    return rec, where


def json_lines(path: Path) -> Iterator[tuple[Any, str]]:
    """The JSON value of each non-blank line of a JSONL file, with its `FILE:LINE`."""
    from .textio import jsonl_rows

    shown = printable(str(path))
    for lineno, _, raw in jsonl_rows(path, RecordError):
        where = f"{shown}:{lineno}"
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise RecordError(f"{where}: not UTF-8 ({exc.reason})") from None
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            raise RecordError(f"{where}: invalid JSON at column {exc.colno}: {exc.msg}") from None
        except (ValueError, RecursionError) as exc:
            raise RecordError(f"{where}: {json_problem(exc)}") from None
        yield data, where


def _jsonl_pairs(path: Path) -> Iterator[tuple[Record, str]]:
    for data, where in json_lines(path):
        yield Record.from_dict(data, where), where


# --- JSON Schema -------------------------------------------------------------

def json_schema() -> dict[str, Any]:
    """The record's JSON Schema (draft 2020-12)."""
    def mention(kind) -> dict[str, Any]:
        props: dict[str, Any] = {
            "text": {"type": "string"},
            "start": {"type": "integer", "minimum": 0},
            "end": {"type": "integer", "minimum": 0},
            "optional": {"type": "boolean"},
        }
        for f in kind.fields:
            schema = dict(f.type.schema)
            if f.nullable and isinstance(schema.get("type"), str):
                schema["type"] = [schema["type"], "null"]
            props[f.name] = schema
        required = ["text", "start", "end", *(f.name for f in kind.fields if f.required)]
        return {"type": "object", "properties": props, "required": required}

    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA,
        "title": "Press release record",
        "type": "object",
        "required": ["schema", "doc_id", "document_date", *LISTS],
        "properties": {
            "schema": {"const": SCHEMA},
            "doc_id": {"type": ["string", "null"]},
            "document_date": {"type": ["string", "null"], "pattern": r"^\d{4}-\d{2}-\d{2}$"},
            **{kind.list_name: {"type": "array", "items": mention(kind)} for kind in KINDS.values()},
            # Fields of this extractor, which the evaluator ignores.
            "document_date_source": {"enum": [*DATE_SOURCES, None]},
            "decoding": {
                "type": "object",
                "properties": {"encoding": {"type": "string"},
                               "line_ends": {"enum": ["LF", "CRLF", "CR", "mixed", "none"]}},
                "required": ["encoding", "line_ends"],
            },
            "reading": {
                "type": "object",
                "properties": {
                    "format": {"enum": list(INPUT_FORMATS)},
                    "recognised_by": {"enum": ["content", "name"]},
                    "library": {"type": "string"},
                    "part": {"enum": ["plain", "html"]},
                    "main_content": {"type": "boolean"},
                    **{key: {"type": "integer", "minimum": 0} for key in ("pages", "paragraphs", "tables", "characters")},
                    "metadata_dates": {"type": "object",
                                       "additionalProperties": {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"}},
                },
                "required": ["format", "recognised_by", "characters"],
            },
        },
    }
