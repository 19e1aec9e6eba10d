"""The annotated corpus the organization models learn from, split by writer.

`fixtures/train/splits.json` lists, for each split, folders laid out like `fixtures/`
(`press_releases/*.txt` + `gold/*.json`), as paths relative to itself: whole writers go
to one split, so the test split is text by writers no decision ever saw.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from ..errors import ExtractorError
from ..records import Record, RecordError, read_records

__all__ = ["SPLITS", "CorpusError", "Document", "split_folders", "documents", "corpus_hash"]

SPLITS = ("train", "dev", "test")


class CorpusError(ExtractorError, ValueError):
    pass


@dataclass(frozen=True)
class Document:
    doc_id: str
    text: str
    gold: Record
    folder: str


def split_folders(corpus: Path) -> dict[str, list[Path]]:
    path = corpus / "splits.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CorpusError(f"{path}: {exc}") from None
    out = {}
    for split in SPLITS:
        names = data.get(split, [])
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            raise CorpusError(f"{path}: {split!r} must be a list of folder names")
        out[split] = [(corpus / n).resolve() for n in names]
    seen: dict[Path, str] = {}
    for split, folders in out.items():
        for folder in folders:
            if folder in seen:
                raise CorpusError(f"{path}: {folder.name} is in both {seen[folder]} and {split}")
            seen[folder] = split
    return out


def documents(corpus: Path, split: str) -> list[Document]:
    """The documents of one split, in a stable order (folder, then doc_id)."""
    docs = []
    for folder in split_folders(corpus)[split]:
        texts, gold = folder / "press_releases", folder / "gold"
        if not gold.is_dir():
            raise CorpusError(f"{folder}: no gold/ folder")
        try:
            records = read_records(gold, texts=texts)
        except RecordError as exc:
            raise CorpusError(str(exc)) from None
        for record in sorted(records, key=lambda r: r.doc_id):
            with open(texts / f"{record.doc_id}.txt", encoding="utf-8", newline="") as f:
                docs.append(Document(record.doc_id, f.read(), record, folder.name))
    return docs


def corpus_hash(docs: list[Document]) -> str:
    """What the trained models were learned from: texts and gold, in a fixed order."""
    h = hashlib.sha256()
    for d in sorted(docs, key=lambda d: (d.folder, d.doc_id)):
        h.update(d.doc_id.encode("utf-8") + b"\0" + d.text.encode("utf-8") + b"\0")
        h.update(json.dumps(d.gold.to_dict(), sort_keys=True, ensure_ascii=False).encode("utf-8") + b"\0")
    return h.hexdigest()
