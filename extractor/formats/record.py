"""The project's own record format: a folder of DOC_ID.json, one JSON file, or JSONL."""
from __future__ import annotations

import json
from pathlib import Path

from ..records import LISTS, Record, file_stem, read_records
from .common import ConversionError, Document, TextLookup, misaligned

__all__ = ["NAME", "CARRIES_TEXT", "read", "write", "dump"]

NAME = "record"
CARRIES_TEXT = False


def read(path: Path, texts: TextLookup, notes: list[str]) -> list[Document]:
    records = read_records(path)
    docs, problems = [], []
    for rec in records:
        text = texts(rec.doc_id)
        if text is not None:
            problems += misaligned(rec, text, f"{path}: {rec.doc_id}")
        docs.append(Document(rec, text))
    if problems:
        raise ConversionError(problems)
    return docs


def write(docs: list[Document], out: Path) -> list[Path]:
    """JSONL when OUT ends in .jsonl (or .json for a single document), else a folder of DOC_ID.json."""
    if out.suffix == ".jsonl":
        with out.open("w", encoding="utf-8") as fh:
            for d in docs:
                fh.write(d.record.to_json() + "\n")
        return [out]
    if out.suffix == ".json":
        if len(docs) != 1:
            raise ConversionError([f"{out}: {len(docs)} documents do not fit one .json file; "
                                   "give a .jsonl file or a folder"])
        out.write_text(dump(docs[0].record), encoding="utf-8")
        return [out]
    out.mkdir(exist_ok=True)
    written = []
    for d in docs:
        f = out / f"{file_stem(d.record.doc_id)}.json"
        f.write_text(dump(d.record), encoding="utf-8")
        written.append(f)
    return written


def dump(record: Record) -> str:
    """One mention per line, the layout of the fixtures' gold files, so diffs stay readable."""
    data = record.to_dict()
    lines = []
    for key, value in data.items():
        if key in LISTS:
            inner = ",\n".join(f"  {json.dumps(m, ensure_ascii=False)}" for m in value)
            lines.append(f" {json.dumps(key)}: [\n{inner}\n ]" if value else f" {json.dumps(key)}: []")
        else:
            lines.append(f" {json.dumps(key)}: {json.dumps(value, ensure_ascii=False)}")
    return "{\n" + ",\n".join(lines) + "\n}\n"
