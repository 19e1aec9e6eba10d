"""`extractor export`: records as documents and mentions tables, read back equal."""
import csv
import sqlite3
import subprocess
import sys

import pytest

from conftest import FIXTURES, ROOT
from extractor.export import ExportError, export, read_tables, records_from_tables, tables
from extractor.records import Mention, Record, read_records

QUERY = ROOT / "docs" / "queries" / "top_organizations_by_year.sql"


@pytest.fixture(scope="module")
def records():
    """Gold records (names, optional mentions, ranges, qualifiers, dates at every
    precision) and an extractor-like record with extra fields and reading details."""
    gold = read_records(FIXTURES / "gold", texts=FIXTURES / "press_releases")
    made = Record("made_up", "2025-06-12", [
        Mention("ORG", "Kelvia", 0, 6, name="Kelvia", extra={"source": "cue:apposition"}),
        Mention("MONEY", "– 2,7 Mds EUR", 10, 23, value="-2700000000", currency="EUR"),
        Mention("PERCENT", "0,125 %", 30, 37, value="0.125", qualifier="approx"),
        Mention("DATE", "hier", 40, 44, value=None),
    ], {"document_date_source": "metadata", "decoding": {"encoding": "utf-8", "line_ends": "LF"},
        "reading": {"format": "pdf", "recognised_by": "content", "library": "pdfminer.six 1", "pages": 2,
                    "characters": 44}})
    return gold + [made]


def as_json(recs):
    """What a record says, for comparison; the reading details are in documents only as format/pages/characters."""
    out = []
    for r in recs:
        data = r.to_dict()
        data.pop("decoding", None)
        data.pop("reading", None)
        out.append(data)
    return out


@pytest.mark.parametrize("fmt", ["csv", "parquet", "sqlite"])
def test_round_trip_gives_back_the_records(tmp_path, records, fmt):
    out = tmp_path / ("out.sqlite" if fmt == "sqlite" else "out")
    export(records, fmt, out)
    documents, mentions = read_tables(out, fmt)
    assert as_json(records_from_tables(documents, mentions)) == as_json(records)
    assert len(mentions) == sum(len(r.mentions) for r in records)
    made = documents[-1]
    assert made == {"doc_id": "made_up", "document_date": "2025-06-12", "document_date_source": "metadata",
                    "input_format": "pdf", "pages": 2, "characters": 44,
                    "organizations": 1, "amounts": 1, "dates": 1, "percentages": 1}
    # values stay exact text: no float ever rounds an amount
    money = [m for m in mentions if m["doc_id"] == "made_up" and m["label"] == "MONEY"]
    assert money[0]["value"] == "-2700000000" and isinstance(money[0]["start"], int)


def test_csv_with_bom_and_semicolons_for_spreadsheets(tmp_path, records):
    export(records, "csv", tmp_path, bom=True, delimiter=";")
    raw = (tmp_path / "mentions.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfdoc_id;label;text;start;end;value;high;currency;qualifier;name")
    with (tmp_path / "mentions.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter=";"))
    assert len(rows) == sum(len(r.mentions) for r in records)


def test_mention_extras_become_columns_and_must_not_shadow_one():
    _, _, columns = tables([Record("a", None, [Mention("ORG", "X", 0, 1, extra={"source": "ner"})])])
    assert columns[-1] == "source"
    with pytest.raises(ExportError, match="extra field 'label' has the name of a column"):
        tables([Record("a", None, [Mention("ORG", "X", 0, 1, extra={"label": "y"})])])


def test_the_readme_query_ranks_ten_organizations_per_year(tmp_path, records):
    db_path = tmp_path / "r.sqlite"
    export(records, "sqlite", db_path)
    db = sqlite3.connect(db_path)
    rows = db.execute(QUERY.read_text(encoding="utf-8")).fetchall()
    years = {}
    for year, rank, organization, releases, million in rows:
        years.setdefault(year, []).append((rank, float(million)))
    assert years and all(len(v) <= 10 and [r for r, _ in v] == list(range(1, len(v) + 1)) for v in years.values())
    assert all(a[1] >= b[1] for v in years.values() for a, b in zip(v, v[1:])), "ranked by money, most first"


def test_export_command_writes_all_three_formats(tmp_path):
    jsonl = tmp_path / "records.jsonl"
    recs = read_records(FIXTURES / "gold")[:3]
    jsonl.write_text("".join(r.to_json() + "\n" for r in recs), encoding="utf-8")
    for fmt, out in (("csv", tmp_path / "csv"), ("parquet", tmp_path / "pq"), ("sqlite", tmp_path / "r.sqlite")):
        proc = subprocess.run([sys.executable, "-m", "extractor", "export", jsonl, "--to", fmt, "-o", out],
                              capture_output=True, text=True, timeout=120)
        assert proc.returncode == 0, proc.stderr
        assert f"export: 3 documents, {sum(len(r.mentions) for r in recs)} mentions" in proc.stderr
    proc = subprocess.run([sys.executable, "-m", "extractor", "export", jsonl, "--to", "csv", "-o", jsonl],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and "writes a folder" in proc.stderr
