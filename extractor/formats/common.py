"""What every format shares: documents, problems, source texts and key=value notes."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable

from ..records import LABELS, LISTS, SCHEMA, Mention, Record, RecordError, file_stem

__all__ = [
    "FIELDS", "ConversionError", "converted", "Document", "TextLookup", "text_lookup", "record_from_mentions",
    "check_span", "misaligned", "utf16_to_codepoints", "encode_notes", "decode_notes"
]

FIELDS = ("name", "value", "high", "currency", "qualifier")  # normalized fields, notes order


class ConversionError(RecordError):
    """One or more problems in the input; each is one line naming the file and the span."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__(problems[0] if len(problems) == 1 else f"{problems[0]} (and {len(problems) - 1} more)")


def converted(items: Iterable[Any], convert: Callable[[Any, list[str]], Any]) -> list[Any]:
    """`convert(item, problems)` of each item, those that are not None. Every item is
    tried, so that one ConversionError lists all the problems of the input.

    >>> converted([1, -2, 3], lambda n, problems: n if n > 0 else problems.append(f"{n} < 0"))
    Traceback (most recent call last):
    extractor.formats.common.ConversionError: -2 < 0
    """
    out, problems = [], []
    for item in items:
        result = convert(item, problems)
        if result is not None:
            out.append(result)
    if problems:
        raise ConversionError(problems)
    return out


@dataclass
class Document:
    record: Record
    text: str | None  # None only for records read without a source text


TextLookup = Callable[[str], "str | None"]


def text_lookup(text: str | Path | None, single_doc_ok: bool = True) -> TextLookup:
    """Source texts by doc_id: a folder of DOC_ID.txt, one text file, or none."""
    from ..textio import read_text

    if text is None:
        return lambda doc_id: None
    path = Path(text)
    if not path.exists():
        raise RecordError(f"{path}: no such file or folder")
    if path.is_dir():
        def from_folder(doc_id: str) -> str | None:
            f = path / f"{file_stem(doc_id)}.txt"
            return read_text(f).text if f.exists() else None
        return from_folder
    # A single text file serves a single document whatever its doc_id.
    content = read_text(path).text
    return lambda doc_id: content


def record_from_mentions(doc_id: str | None, document_date: str | None, mentions: list[dict],
                         extra: dict[str, Any], where: str) -> Record:
    """Build and validate a record from mention dicts carrying a "label" key."""
    data: dict[str, Any] = {"schema": SCHEMA, "doc_id": doc_id, "document_date": document_date}
    for name in LISTS:
        data[name] = []
    for m in sorted(mentions, key=lambda m: (m["start"], m["end"])):
        label = m.pop("label")
        if label not in LABELS:
            raise RecordError(f"{where}: label {label!r} at {m['start']}-{m['end']} is not one of {', '.join(LABELS)}")
        data[LABELS[label]].append(m)
    for key, value in extra.items():
        if key in data:
            raise RecordError(f"{where}: record field {key!r} given twice")
        data[key] = value
    return Record.from_dict(data, where)


def check_span(text: str, start: Any, end: Any, claimed: str | None, where: str, problems: list[str]) -> bool:
    """True when start/end are a span of `text` (and slice to `claimed` when given); else a problem line."""
    if not (type(start) is int and type(end) is int) or not 0 <= start <= end:
        problems.append(f"{where}: offsets {start!r}-{end!r} are not a span")
        return False
    if end > len(text):
        problems.append(f"{where}: span {start}-{end} {claimed!r} ends past the end of the text ({len(text)})")
        return False
    if claimed is not None and text[start:end] != claimed:
        problems.append(f"{where}: span {start}-{end} {claimed!r} does not match the text there "
                        f"({text[start:end]!r})")
        return False
    return True


def misaligned(record: Record, text: str, where: str) -> list[str]:
    """Every mention of a record whose text is not the source's text at its offsets."""
    problems: list[str] = []
    for m in record.mentions:
        check_span(text, m.start, m.end, m.text, f"{where}: {m.label}", problems)
    return problems


def utf16_to_codepoints(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Offsets counted in UTF-16 code units (JavaScript string indices) as code point offsets.

    >>> utf16_to_codepoints("😀 ab", 3, 5)
    (2, 4)
    """
    units = 0
    out: dict[int, int] = {}
    for i, ch in enumerate(text):
        out[units] = i
        units += 2 if ord(ch) > 0xFFFF else 1
    out[units] = len(text)
    if start in out and end in out:
        return out[start], out[end]
    return None


# --- key=value notes (BRAT AnnotatorNotes, Label Studio text area) -------------------

_BARE = re.compile(r'[^\s"=]+')
_UNSET = object()


def encode_notes(m: Mention) -> str:
    """The mention's normalized fields as `key=value` words.

    Normalized fields are written bare when they can be; extra fields are JSON so
    their type survives (a number stays a number).

    >>> encode_notes(Mention("MONEY", "5,25 M€", 0, 7, value="5250000", currency="EUR", qualifier="approx"))
    'value=5250000 currency=EUR qualifier=approx'
    >>> encode_notes(Mention("ORG", "CCI", 0, 3, name="Chambre de commerce", optional=True, extra={"score": 0.5}))
    'name="Chambre de commerce" optional=true score=0.5'
    """
    words = []
    for key in FIELDS:
        value = getattr(m, key)
        if value is not None:
            words.append(f"{key}={value if _BARE.fullmatch(value) else _json(value)}")
    if m.optional:
        words.append("optional=true")
    for key, value in m.extra.items():
        if not _BARE.fullmatch(key):
            raise RecordError(f"{m.describe()}: extra field name {key!r} cannot be written as a note")
        words.append(f"{key}={_json(value)}")
    return " ".join(words)


def decode_notes(notes: str, where: str) -> dict[str, Any]:
    """Parse `key=value` words back into mention fields.

    >>> decode_notes('value=5250000 name="La Poste" optional=true score=0.5', "x")
    {'value': '5250000', 'name': 'La Poste', 'optional': True, 'score': 0.5}
    """
    decoder = json.JSONDecoder()
    out: dict[str, Any] = {}
    i = 0
    while True:
        while i < len(notes) and notes[i].isspace():
            i += 1
        if i == len(notes):
            return out
        key_match = re.compile(r'([^\s"=]+)=').match(notes, i)
        if key_match is None:
            raise RecordError(f"{where}: note {notes!r} is not key=value words (at {notes[i:i + 20]!r})")
        key, i = key_match.group(1), key_match.end()
        if key in out:
            raise RecordError(f"{where}: note gives {key!r} twice")
        value: Any = _UNSET
        if notes.startswith('"', i) or (key not in FIELDS and key != "optional"):
            try:
                value, i = decoder.raw_decode(notes, i)
            except json.JSONDecodeError:
                if notes.startswith('"', i):
                    raise RecordError(f"{where}: unterminated quoted value for {key!r} in note {notes!r}") from None
                # not JSON: an extra field written bare by a person, read as a word below
        if value is _UNSET:
            bare = _BARE.match(notes, i)
            if bare is None:
                raise RecordError(f"{where}: empty value for {key!r} in note {notes!r}")
            value, i = bare.group(0), bare.end()
        if key == "optional":
            if value not in ("true", "false", True, False):
                raise RecordError(f"{where}: optional must be true or false, got {value!r}")
            value = value in ("true", True)
        out[key] = value


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
