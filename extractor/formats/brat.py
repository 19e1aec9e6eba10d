"""BRAT standoff: DOC_ID.txt + DOC_ID.ann, one folder per collection.

    T1<TAB>MONEY 665 675<TAB>5M d'euros
    #1<TAB>AnnotatorNotes T1<TAB>value=5000000 currency=EUR qualifier=approx

Offsets count Unicode code points of the .txt (CR included). The record's document
date and extra fields have no place in standoff; they go to DOC_ID.meta.json beside
the pair (brat ignores files other than .txt/.ann/.conf).
"""
from __future__ import annotations

import json
import re
from pathlib import Path

from ..docids import escape, printable
from ..records import RecordError, file_stem, parse_json, read_file_bytes
from ..textio import read_text
from .common import (Document, converted, TextLookup, check_span, decode_notes, encode_notes,
                     record_from_mentions)

__all__ = ["NAME", "CARRIES_TEXT", "read", "write"]

NAME = "brat"
CARRIES_TEXT = True

_T_LINE = re.compile(r"(T\d+)\t(\S+) (\d+ \d+(?:;\d+ \d+)*)\t(.*)")
_NOTE_LINE = re.compile(r"#\d+\tAnnotatorNotes (T\d+)\t(.*)")


def read(path: Path, texts: TextLookup, notes: list[str]) -> list[Document]:
    if path.is_dir():
        files = sorted(path.glob("*.ann"))
        if not files:
            raise RecordError(f"{path}: folder holds no .ann files")
    else:
        files = [path]
    return converted(files, lambda ann, problems: _read_one(ann, texts, problems))


def _read_one(ann: Path, texts: TextLookup, problems: list[str]) -> Document | None:
    doc_id = escape(ann.stem)
    txt = ann.with_suffix(".txt")
    text = read_text(txt).text if txt.exists() else texts(doc_id)
    if text is None:
        raise RecordError(f"{ann}: no {txt.name} beside it (give --text)")
    spans: dict[str, dict] = {}
    notes: dict[str, list[str]] = {}
    # Split on LF only: str.splitlines would also break at characters such as U+2028
    # that may sit inside a span's text.
    for lineno, line in enumerate(_side_text(ann).split("\n"), 1):
        line = line.removesuffix("\r")
        where = f"{ann}:{lineno}"
        if not line.strip():
            continue
        t = _T_LINE.fullmatch(line)
        if t:
            tid, label, offsets, surface = t.groups()
            if ";" in offsets:
                problems.append(f"{where}: {tid} {label} {offsets} is a discontinuous span; "
                                "records hold contiguous spans only")
                continue
            start, end = map(int, offsets.split())
            # brat writes a span that crosses a line break with spaces in its T line
            claimed_ok = check_span(text, start, end, None, f"{where}: {tid} {label}", problems)
            if claimed_ok and _flat(text[start:end]) != surface:
                problems.append(f"{where}: {tid} {label} {start}-{end} {surface!r} does not match the text "
                                f"there ({text[start:end]!r})")
                claimed_ok = False
            if claimed_ok:
                spans[tid] = {"label": label, "text": text[start:end], "start": start, "end": end}
            continue
        n = _NOTE_LINE.fullmatch(line)
        if n:
            notes.setdefault(n.group(1), []).append(n.group(2))
            continue
        problems.append(f"{where}: unsupported annotation line {line[:40]!r} (only T entities and "
                        "AnnotatorNotes are read)")
    for tid, parts in notes.items():
        if tid not in spans:
            problems.append(f"{ann}: AnnotatorNotes for {tid}, which is not a usable T annotation")
            continue
        spans[tid].update(decode_notes(" ".join(parts), f"{ann}: {tid}"))
    meta_path = ann.with_name(f"{ann.stem}.meta.json")
    meta = parse_json(read_file_bytes(meta_path), printable(str(meta_path))) if meta_path.exists() else {}
    if not isinstance(meta, dict):
        raise RecordError(f"{printable(str(meta_path))}: expected a JSON object")
    meta.pop("doc_id", None)
    ddate = meta.pop("document_date", None)
    if problems:
        return None
    record = record_from_mentions(doc_id, ddate, list(spans.values()), meta, str(ann))
    record.check(text, str(ann))
    return Document(record, text)


def _side_text(path: Path) -> str:
    try:
        return read_file_bytes(path).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RecordError(f"{printable(str(path))}: not UTF-8 ({exc.reason} at byte {exc.start})") from None


def _flat(s: str) -> str:
    return s.replace("\r\n", " ").replace("\n", " ").replace("\r", " ")


def write(docs: list[Document], out: Path) -> list[Path]:
    out.mkdir(exist_ok=True)
    written = []
    for d in docs:
        rec = d.record
        stem = file_stem(rec.doc_id)
        txt, ann = out / f"{stem}.txt", out / f"{stem}.ann"
        with open(txt, "w", encoding="utf-8", newline="") as fh:
            fh.write(d.text)
        lines = []
        for i, m in enumerate(sorted(rec.mentions, key=lambda m: (m.start, m.end)), 1):
            lines.append(f"T{i}\t{m.label} {m.start} {m.end}\t{_flat(m.text)}")
            note = encode_notes(m)
            if note:
                lines.append(f"#{i}\tAnnotatorNotes T{i}\t{note}")
        ann.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
        written += [txt, ann]
        if rec.document_date is not None or rec.extra:
            meta = out / f"{stem}.meta.json"
            meta.write_text(json.dumps({"document_date": rec.document_date, **rec.extra}, ensure_ascii=False,
                                       indent=1) + "\n", encoding="utf-8")
            written.append(meta)
    return written
