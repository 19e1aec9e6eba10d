"""Gold and predictions in the formats annotation tools use, to and from records.

    convert(INPUT, from, to, OUT, text) -> Conversion

Every format module has NAME, CARRIES_TEXT, read(path, texts, notes) -> [Document] and
write(documents, out) -> [written paths]. A span that does not align with its text
is a problem line (file and span) in a ConversionError: nothing is written.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from ..records import RecordError, read_file_bytes
from . import brat, doccano, docbin, labelstudio, record
from .common import ConversionError, Document, misaligned, text_lookup

MODULES = {m.NAME: m for m in (record, brat, labelstudio, doccano, docbin)}
FORMATS = tuple(MODULES)

__all__ = ["FORMATS", "Conversion", "ConversionError", "Document", "convert", "guess_format", "read", "write"]


@dataclass
class Conversion:
    documents: int
    mentions: int
    written: list[Path]
    notes: list[str] = field(default_factory=list)  # things done on the reader's behalf (skipped tasks...)


def guess_format(path: str | Path) -> str:
    """The format of INPUT when its name or first bytes tell it unambiguously."""
    path = Path(path)
    if not path.exists():
        raise RecordError(f"{path}: no such file or folder")
    if path.is_dir():
        found = [name for name, hit in (
            ("brat", any(path.glob("*.ann"))),
            # brat's DOC_ID.meta.json side files are not records
            ("record", any(not f.name.endswith(".meta.json") for f in path.glob("*.json"))),
        ) if hit]
        if len(found) == 1:
            return found[0]
        what = "both .ann and .json files" if found else "neither .ann nor .json files"
        raise RecordError(f"{path}: folder holds {what}; give --from")
    suffix = path.suffix.lower()
    if suffix == ".ann":
        return "brat"
    if suffix == ".spacy":
        return "docbin"
    if suffix in (".json", ".jsonl"):
        first = _first_value(path, suffix)
        if isinstance(first, dict) and "schema" in first:
            return "record"
        if suffix == ".json" and isinstance(first, list):
            return "labelstudio"
        if suffix == ".jsonl" and isinstance(first, dict) and "text" in first:
            return "doccano"
    raise RecordError(f"{path}: cannot tell its format from its name and content; give --from "
                      f"({', '.join(FORMATS)})")


def _first_value(path: Path, suffix: str):
    """The file's first JSON value, or None when it has none that parses (it is then
    no format we can guess, and reading it with --from says what is wrong)."""
    try:
        data = read_file_bytes(path).decode("utf-8")
        if suffix == ".json":
            return json.loads(data)
        for line in data.splitlines():
            if line.strip():
                return json.loads(line)
    except (ValueError, RecursionError):  # invalid JSON or UTF-8, too deep, too long a number
        return None
    return None


def read(path: str | Path, fmt: str, text: str | Path | None = None,
         notes: list[str] | None = None) -> list[Document]:
    """Documents (record + source text) from INPUT in format `fmt`.

    `text` is a text file or a folder of DOC_ID.txt: the source for formats that do not
    carry it, and a check against the carried text for those that do.
    """
    path = Path(path)
    if not path.exists():
        raise RecordError(f"{path}: no such file or folder")
    module = MODULES[fmt]
    if text is None and fmt == "record" and path.is_dir() and (path.parent / "press_releases").is_dir():
        text = path.parent / "press_releases"  # the fixtures' layout, as read_records assumes
    texts = text_lookup(text)
    docs = module.read(path, texts, notes if notes is not None else [])
    if module.CARRIES_TEXT and text is not None:
        problems = []
        for d in docs:
            given = texts(d.record.doc_id)
            if given is not None and given != d.text:
                problems.append(f"{path}: {d.record.doc_id}: its text differs from the one in {text}")
        if problems:
            raise ConversionError(problems)
    return docs


def write(docs: list[Document], fmt: str, out: str | Path) -> list[Path]:
    out = Path(out)
    module = MODULES[fmt]
    folder = fmt == "brat" or (fmt == "record" and out.suffix not in (".json", ".jsonl"))
    if folder and out.exists() and not out.is_dir():
        raise RecordError(f"{out}: is a file; {fmt} output here is a folder")
    if not folder and out.is_dir():
        raise RecordError(f"{out}: is a folder, expected a file")
    if fmt != "record":
        missing = [d.record.doc_id for d in docs if d.text is None]
        if missing:
            raise RecordError(f"{missing[0]}: no source text ({len(missing)} document(s)); "
                              f"{fmt} carries the text: give --text FILE or FOLDER")
        problems = [p for d in docs for p in misaligned(d.record, d.text, str(d.record.doc_id))]
        if problems:
            raise ConversionError(problems)
    return module.write(docs, out)


def convert(source: str | Path, from_fmt: str | None, to_fmt: str, out: str | Path,
            text: str | Path | None = None) -> Conversion:
    from_fmt = from_fmt or guess_format(source)
    for fmt in (from_fmt, to_fmt):
        if fmt not in MODULES:
            raise RecordError(f"unknown format {fmt!r} (formats: {', '.join(FORMATS)})")
    notes: list[str] = []
    docs = read(source, from_fmt, text, notes)
    ids = [d.record.doc_id for d in docs]
    dup = sorted({i for i in ids if ids.count(i) > 1})
    if dup:
        raise RecordError(f"{source}: two documents share the doc_id {dup[0]!r}")
    written = write(docs, to_fmt, out)
    return Conversion(len(docs), sum(len(d.record.mentions) for d in docs), written, notes)
