"""Records as tables for analysts: CSV (spreadsheets), Parquet (dataframes), SQLite (SQL).

Two tables, the same columns in every format:
- `documents`: one row per record: doc_id, document_date and document_date_source,
  input_format, pages, characters, and the number of mentions of each label;
- `mentions`: one row per mention: doc_id, label, text, start, end, value, high,
  currency, qualifier, name, then the mentions' extra fields (e.g. `source`).

`value` and `high` stay text exactly as in the record: decimal strings
(`"5250000"`, `"4.5"`: `Decimal(value)` is the exact number, never a float) or ISO
dates at the precision written (`"2025-01"`, `"2024-Q1"`). Only `start`, `end` and
the counts are numbers. `read_tables` reads an export back, for the round trip.
"""
from __future__ import annotations

import csv
import json
import os
import sqlite3
import tempfile
from pathlib import Path
from typing import Any, Iterable

from .errors import ExtractorError
from .records import LISTS, Record

__all__ = [
    "FORMATS", "DOCUMENT_COLUMNS", "MENTION_COLUMNS", "INTEGER_COLUMNS", "ExportError", "tables", "export",
    "read_tables", "records_from_tables"
]

FORMATS = ("csv", "parquet", "sqlite")
DOCUMENT_COLUMNS = ("doc_id", "document_date", "document_date_source", "input_format", "pages", "characters",
                    *LISTS)
MENTION_COLUMNS = ("doc_id", "label", "text", "start", "end", "value", "high", "currency", "qualifier", "name")
INTEGER_COLUMNS = {"pages", "characters", *LISTS, "start", "end"}


class ExportError(ExtractorError, ValueError):
    """The export cannot be written; the message is one line."""


def tables(records: Iterable[Record]) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[str]]:
    """(documents rows, mentions rows, mention columns): the fixed columns, then every
    extra field some mention carries, in order of first appearance."""
    documents, mentions, extras = [], [], {}
    for rec in records:
        reading = rec.extra.get("reading") if isinstance(rec.extra.get("reading"), dict) else {}
        documents.append({
            "doc_id": rec.doc_id, "document_date": rec.document_date,
            "document_date_source": rec.extra.get("document_date_source"),
            "input_format": reading.get("format"), "pages": reading.get("pages"), "characters": reading.get("characters"),
            **{name: len(rec.of(label)) for name, label in LISTS.items()},
        })
        for m in sorted(rec.mentions, key=lambda m: (m.start, m.end)):
            row = {"doc_id": rec.doc_id, "label": m.label, "text": m.text, "start": m.start, "end": m.end,
                   "value": m.value, "high": m.high, "currency": m.currency, "qualifier": m.qualifier, "name": m.name}
            if m.optional:
                row["optional"] = "true"
                extras.setdefault("optional", None)
            for key, val in m.extra.items():
                extras.setdefault(key, None)
                row[key] = val if isinstance(val, str) or val is None else json.dumps(val, ensure_ascii=False)
            mentions.append(row)
    clash = [k for k in extras if k in MENTION_COLUMNS]
    if clash:
        raise ExportError(f"a mention's extra field {clash[0]!r} has the name of a column")
    return documents, mentions, [*MENTION_COLUMNS, *extras]


def export(records: list[Record], to: str, output: str | Path, bom: bool = False, delimiter: str = ",") -> list[Path]:
    """Write the two tables; returns the files written. CSV and Parquet write a folder
    (documents.EXT and mentions.EXT), SQLite one database file. Files are replaced whole."""
    documents, mentions, mention_columns = tables(records)
    output = Path(output)
    if to == "sqlite":
        _write_sqlite(output, documents, mentions, mention_columns)
        return [output]
    output.mkdir(exist_ok=True)
    written = []
    for name, rows, columns in (("documents", documents, DOCUMENT_COLUMNS), ("mentions", mentions, mention_columns)):
        path = output / f"{name}.{to}"
        if to == "csv":
            _replace(path, lambda tmp: _write_csv(tmp, rows, columns, bom, delimiter))
        elif to == "parquet":
            _replace(path, lambda tmp: _write_parquet(tmp, rows, columns))
        else:
            raise ExportError(f"unknown export format {to!r} (known: {', '.join(FORMATS)})")
        written.append(path)
    return written


def _replace(path: Path, write) -> None:
    """Write beside the target, then rename over it: a failed export leaves no half file."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    os.close(fd)
    try:
        write(Path(tmp))
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp's 0600 would hide the export from other readers
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _write_csv(path: Path, rows: list[dict], columns: Iterable[str], bom: bool, delimiter: str) -> None:
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(columns), delimiter=delimiter, extrasaction="raise")
        writer.writeheader()
        writer.writerows(rows)


def _write_parquet(path: Path, rows: list[dict], columns: Iterable[str]) -> None:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise ExportError("Parquet export needs pyarrow: pip install 'press-extractor[parquet]'") from None
    columns = list(columns)
    schema = pa.schema([(c, pa.int64() if c in INTEGER_COLUMNS else pa.string()) for c in columns])
    table = pa.Table.from_pydict({c: [row.get(c) for row in rows] for c in columns}, schema=schema)
    pq.write_table(table, path)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _write_sqlite(path: Path, documents: list[dict], mentions: list[dict], mention_columns: list[str]) -> None:
    def column_defs(columns):
        return ", ".join(f"{_quote(c)} {'INTEGER' if c in INTEGER_COLUMNS else 'TEXT'}" for c in columns)

    def write(tmp: Path) -> None:
        tmp.unlink()  # sqlite3 creates its own file
        db = sqlite3.connect(tmp)
        try:
            with db:
                db.execute(f"CREATE TABLE documents ({column_defs(DOCUMENT_COLUMNS)})")
                db.execute(f"CREATE TABLE mentions ({column_defs(mention_columns)})")
                db.execute("CREATE INDEX mentions_by_doc ON mentions (doc_id, label)")
                for table, rows, columns in (("documents", documents, DOCUMENT_COLUMNS),
                                             ("mentions", mentions, mention_columns)):
                    marks = ", ".join("?" for _ in columns)
                    db.executemany(f"INSERT INTO {table} VALUES ({marks})", ([row.get(c) for c in columns] for row in rows))
        finally:
            db.close()

    _replace(path, write)


# --- reading an export back -----------------------------------------------------

def read_tables(path: str | Path, fmt: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(documents, mentions) rows of an export, with None for empty cells and ints for
    the integer columns: what `tables` wrote."""
    path = Path(path)
    if fmt == "sqlite":
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        db.row_factory = sqlite3.Row
        try:
            return tuple([dict(r) for r in db.execute(f"SELECT * FROM {t} ORDER BY rowid")]  # type: ignore[return-value]
                         for t in ("documents", "mentions"))
        finally:
            db.close()
    if fmt == "parquet":
        import pyarrow.parquet as pq

        return tuple(pq.read_table(path / f"{t}.parquet").to_pylist() for t in ("documents", "mentions"))  # type: ignore[return-value]
    out = []
    for t in ("documents", "mentions"):
        with (path / f"{t}.csv").open(encoding="utf-8-sig", newline="") as fh:
            out.append([{k: (int(v) if k in INTEGER_COLUMNS and v else v or None) for k, v in row.items()}
                        for row in csv.DictReader(fh)])
    return out[0], out[1]


def records_from_tables(documents: list[dict[str, Any]], mentions: list[dict[str, Any]]) -> list[Record]:
    """Records rebuilt from the two tables (mention extras come back as text)."""
    by_doc: dict[Any, list[dict]] = {}
    for row in mentions:
        by_doc.setdefault(row["doc_id"], []).append(row)
    records = []
    label_list = {label: name for name, label in LISTS.items()}
    for doc in documents:
        data: dict[str, Any] = {"schema": "press-record/1", "doc_id": doc["doc_id"], "document_date": doc["document_date"]}
        data.update({name: [] for name in LISTS})
        for row in by_doc.get(doc["doc_id"], []):
            mention = {k: v for k, v in row.items() if k not in ("doc_id", "label") and v is not None}
            if mention.get("optional") is not None:
                mention["optional"] = mention["optional"] == "true"
            if row["label"] == "DATE":
                mention.setdefault("value", None)
            data[label_list[row["label"]]].append(mention)
        if doc.get("document_date_source") is not None:
            data["document_date_source"] = doc["document_date_source"]
        records.append(Record.from_dict(data, f"export row {doc['doc_id']}"))
    return records
