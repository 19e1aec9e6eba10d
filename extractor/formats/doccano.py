"""doccano / Prodigy-style JSONL: one document a line.

Written (Prodigy style, which doccano imports too):
    {"text": "...", "spans": [{"start": 665, "end": 675, "label": "MONEY", "text": "5M d'euros",
      "value": "5000000", "currency": "EUR"}], "meta": {"doc_id": "...", "document_date": "..."}}
Read as well: doccano's `"label": [[start, end, "ORG"], ...]` triples and its
`"entities": [{"start_offset", "end_offset", "label"}]` export. Normalized fields
(and any other record field) are span attributes; record extras sit in `meta`.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..docids import escape
from ..records import RecordError, json_lines
from .common import Document, TextLookup, converted, check_span, record_from_mentions

__all__ = ["NAME", "CARRIES_TEXT", "read", "write"]

NAME = "doccano"
CARRIES_TEXT = True
# Span keys that describe the span itself; everything else is a record field.
_SPAN_KEYS = {"start", "end", "label", "text", "token_start", "token_end"}


def read(path: Path, texts: TextLookup, notes: list[str]) -> list[Document]:
    def line(row: tuple[Any, str], problems: list[str]) -> Document | None:
        data, where = row
        if isinstance(data, dict) and data.get("answer") in ("reject", "ignore"):
            notes.append(f"{where}: Prodigy answer {data['answer']!r}, skipped")
            return None
        lineno = where.rsplit(":", 1)[1]
        return _read_line(data, escape(f"{path.stem}-{lineno}"), where, problems)

    return converted(json_lines(path), line)


def _read_line(data: Any, fallback_id: str, where: str, problems: list[str]) -> Document | None:
    if not isinstance(data, dict) or not isinstance(data.get("text"), str):
        raise RecordError(f"{where}: expected an object with a text string")
    text = data["text"]
    meta = dict(data.get("meta") or {})
    doc_id = meta.pop("doc_id", None) or data.get("doc_id") or (str(data["id"]) if "id" in data else fallback_id)
    ddate = meta.pop("document_date", None) or data.get("document_date")
    before = len(problems)
    mentions = []
    for i, (start, end, label, attrs) in enumerate(_spans(data, where)):
        w = f"{where}: span {i} {label}"
        if check_span(text, start, end, attrs.pop("text", None), w, problems):
            mentions.append({"label": label, "text": text[start:end], "start": start, "end": end, **attrs})
    if len(problems) > before:
        return None
    record = record_from_mentions(doc_id, ddate, mentions, meta, where)
    record.check(text, where)
    return Document(record, text)


def _spans(data: dict, where: str) -> list[tuple[Any, Any, Any, dict]]:
    if "spans" in data:
        return [(s.get("start"), s.get("end"), s.get("label"),
                 {k: v for k, v in s.items() if k not in _SPAN_KEYS or k == "text"}) for s in data["spans"]]
    if "entities" in data:
        return [(e.get("start_offset"), e.get("end_offset"), e.get("label"), {}) for e in data["entities"]]
    triples = data.get("label", [])
    if not all(isinstance(t, list) and len(t) == 3 for t in triples):
        raise RecordError(f"{where}: 'label' is not a list of [start, end, label] triples "
                          "(a classification project?)")
    return [(s, e, lab, {}) for s, e, lab in triples]


def write(docs: list[Document], out: Path) -> list[Path]:
    with out.open("w", encoding="utf-8") as fh:
        for d in docs:
            rec = d.record
            spans = []
            for m in sorted(rec.mentions, key=lambda m: (m.start, m.end)):
                attrs = m.to_dict()
                clash = sorted(_SPAN_KEYS & set(m.extra))
                if clash:
                    raise RecordError(f"{rec.doc_id}: {m.describe()}: extra field {clash[0]!r} clashes with a span key")
                spans.append({"start": attrs.pop("start"), "end": attrs.pop("end"), "label": m.label, **attrs})
            meta = {"doc_id": rec.doc_id, "document_date": rec.document_date, **rec.extra}
            fh.write(json.dumps({"text": d.text, "spans": spans, "meta": meta}, ensure_ascii=False) + "\n")
    return [out]
