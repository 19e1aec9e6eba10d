"""Label Studio JSON export (a list of tasks) for a NER project with this labeling config:

    <View>
      <Labels name="label" toName="text">
        <Label value="ORG"/> <Label value="MONEY"/> <Label value="DATE"/> <Label value="PERCENT"/>
      </Labels>
      <Text name="text" value="$text"/>
      <View visibleWhen="region-selected">
        <TextArea name="norm" toName="text" perRegion="true" editable="true" maxSubmissions="1"/>
      </View>
    </View>

Each span is a `labels` result; its normalized fields are the per-region text area
(a `textarea` result with the region's id), written as key=value words
(`value=5250000 currency=EUR qualifier=approx`, `optional=true`). The task's data
holds `text`, `doc_id`, `document_date` and the record's extra fields under `extra`.
Only annotations are read (not `predictions`); cancelled (skipped) ones are ignored.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..docids import printable
from ..records import RecordError, parse_json, read_file_bytes
from .common import (Document, converted, TextLookup, check_span, decode_notes, encode_notes,
                     record_from_mentions, utf16_to_codepoints)

__all__ = ["NAME", "CARRIES_TEXT", "read", "write"]

NAME = "labelstudio"
CARRIES_TEXT = True
FROM_LABELS, FROM_NOTES, TO_NAME = "label", "norm", "text"


def read(path: Path, texts: TextLookup, notes: list[str]) -> list[Document]:
    tasks = parse_json(read_file_bytes(path), printable(str(path)))
    if not isinstance(tasks, list):
        raise RecordError(f"{path}: expected the list of tasks of a Label Studio JSON export")

    def task(item: tuple[int, Any], problems: list[str]) -> Document | None:
        i, data = item
        return _read_task(data, f"{path}: task {data.get('id', i) if isinstance(data, dict) else i}", problems, notes)

    return converted(enumerate(tasks), task)


def _read_task(task: Any, where: str, problems: list[str], notes: list[str]) -> Document | None:
    if not isinstance(task, dict) or not isinstance(task.get("data"), dict):
        raise RecordError(f"{where}: not a task object with a data object")
    data = task["data"]
    text = data.get("text")
    if not isinstance(text, str):
        raise RecordError(f"{where}: data has no text string (keys: {', '.join(data) or 'none'})")
    if "annotations" not in task:
        raise RecordError(f"{where}: no annotations list (export in Label Studio's JSON format, not JSON-MIN)")
    done = [a for a in task["annotations"] if not a.get("was_cancelled")]
    if not done:
        notes.append(f"{where}: no annotation, skipped")
        return None
    if len(done) > 1:
        notes.append(f"{where}: {len(done)} annotations, the last one is used")
    doc_id = data.get("doc_id") or str(task.get("id"))
    regions: dict[str, dict] = {}
    extra_notes: dict[str, str] = {}
    for n, item in enumerate(done[-1].get("result", [])):
        rid, value, kind = item.get("id", f"#{n}"), item.get("value", {}), item.get("type")
        if kind == "labels":
            labels = value.get("labels", [])
            if len(labels) != 1:
                problems.append(f"{where}: region {rid} has labels {labels}, expected exactly one")
                continue
            span = _offsets(text, value, f"{where}: region {rid} {labels[0]}", problems, notes)
            if span is not None:
                start, end = span
                regions[rid] = {"label": labels[0], "text": text[start:end], "start": start, "end": end}
        elif kind == "textarea":
            extra_notes[rid] = " ".join(value.get("text", []))
        else:
            problems.append(f"{where}: result {rid} of type {kind!r} is not supported (labels and textarea only)")
    for rid, words in extra_notes.items():
        if rid not in regions:
            problems.append(f"{where}: text area {rid} belongs to no usable labels region")
            continue
        regions[rid].update(decode_notes(words, f"{where}: region {rid}"))
    if problems:
        return None
    extra = data.get("extra") or {}
    record = record_from_mentions(doc_id, data.get("document_date"), list(regions.values()), extra, where)
    record.check(text, where)
    return Document(record, text)


def _offsets(text: str, value: dict, where: str, problems: list[str], notes: list[str]) -> tuple[int, int] | None:
    start, end, claimed = value.get("start"), value.get("end"), value.get("text")
    if type(start) is int and type(end) is int and end <= len(text) and text[start:end] == claimed:
        return start, end
    # Older Label Studio front ends counted JavaScript string indices (UTF-16 code units),
    # which drift by one after every character outside the BMP (emoji).
    if type(start) is int and type(end) is int:
        fixed = utf16_to_codepoints(text, start, end)
        if fixed is not None and text[fixed[0]:fixed[1]] == claimed:
            notes.append(f"{where}: offsets {start}-{end} read as UTF-16 code units ({fixed[0]}-{fixed[1]})")
            return fixed
    return (start, end) if check_span(text, start, end, claimed, where, problems) else None


def write(docs: list[Document], out: Path) -> list[Path]:
    tasks = []
    for i, d in enumerate(docs, 1):
        rec = d.record
        data: dict[str, Any] = {"text": d.text, "doc_id": rec.doc_id, "document_date": rec.document_date}
        if rec.extra:
            data["extra"] = rec.extra
        result = []
        for n, m in enumerate(sorted(rec.mentions, key=lambda m: (m.start, m.end)), 1):
            rid = f"r{n}"
            result.append({"id": rid, "from_name": FROM_LABELS, "to_name": TO_NAME, "type": "labels",
                           "origin": "manual",
                           "value": {"start": m.start, "end": m.end, "text": m.text, "labels": [m.label]}})
            words = encode_notes(m)
            if words:
                result.append({"id": rid, "from_name": FROM_NOTES, "to_name": TO_NAME, "type": "textarea",
                               "origin": "manual", "value": {"start": m.start, "end": m.end, "text": [words]}})
        tasks.append({"id": i, "data": data, "annotations": [{"id": i, "result": result, "was_cancelled": False}],
                      "predictions": []})
    out.write_text(json.dumps(tasks, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return [out]
