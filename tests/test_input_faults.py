"""Hostile records and annotation files (issue 19): each is one clear error naming the
file, never a traceback, a hang, or a read outside the folder given."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import threading

import pytest

from conftest import ROOT
from extractor.evaluation.errors import source_texts
from extractor.formats import convert
from extractor.records import RecordError, read_records

DEEP = "[" * 100_000 + "]" * 100_000
HUGE = "9" * 5001


def record(doc_id: str = "d", **fields) -> dict:
    return {"schema": "press-record/1", "doc_id": doc_id, "document_date": None, "organizations": [],
            "amounts": [], "dates": [], "percentages": [], **fields}


def write(path, content: str | bytes):
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


# --- JSON nested too deep, numbers too long ----------------------------------------------------

@pytest.mark.parametrize("layout", ["folder", "json", "jsonl"])
@pytest.mark.parametrize("content, message", [
    ('{"schema": "press-record/1", "doc_id": "d", "amounts": ' + DEEP + "}", "nested too deeply"),
    (json.dumps(record(amounts=[{"text": "5 M€", "start": 0, "end": 4}]))
     .replace('"start": 0', '"start": ' + HUGE), "unreadable JSON value"),
], ids=["deep", "huge-offset"])
def test_records_nested_too_deep_or_with_huge_numbers_are_one_error(tmp_path, layout, content, message):
    if layout == "folder":
        (tmp_path / "gold").mkdir()
        path = write(tmp_path / "gold" / "d.json", content)
        path = path.parent
    else:
        path = write(tmp_path / f"pred.{layout}", content + "\n")
    with pytest.raises(RecordError, match=message) as err:
        read_records(path)
    assert "\n" not in str(err.value)


@pytest.mark.parametrize("name, content", [
    ("tasks.json", DEEP),
    ("spans.jsonl", '{"text": "a", "spans": ' + DEEP + "}\n"),
    ("tasks.json", '[{"id": ' + HUGE + "}]"),
], ids=["labelstudio-deep", "doccano-deep", "labelstudio-huge"])
def test_convert_inputs_nested_too_deep_or_with_huge_numbers_are_one_error(tmp_path, name, content):
    source = write(tmp_path / name, content)
    fmt = "labelstudio" if name.endswith(".json") else "doccano"
    with pytest.raises(RecordError, match="nested too deeply|unreadable JSON value"):
        convert(source, fmt, "record", tmp_path / "out.jsonl")


def test_evaluate_on_deep_json_is_one_line_and_status_2(tmp_path):
    deep = write(tmp_path / "deep.jsonl", DEEP + "\n")
    proc = subprocess.run([sys.executable, "-m", "extractor", "evaluate", "--gold", deep, "--pred", deep],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.count("\n") == 1 and "deep.jsonl:1: JSON nested too deeply" in proc.stderr


# --- BRAT side files, doc_ids as file names, impossible dates ---------------------------------------

@pytest.fixture
def brat(tmp_path):
    folder = tmp_path / "brat"
    folder.mkdir()
    write(folder / "doc.txt", "Kelvia lève 5 M€.")
    write(folder / "doc.ann", "T1\tORG 0 6\tKelvia\n")
    return folder


@pytest.mark.parametrize("side, content, message", [
    ("doc.ann", b"T1\tORG 0 6\tKelvia\n#1\tAnnotatorNotes T1\tname=K\xe9lvia\n", "doc.ann: not UTF-8"),
    ("doc.meta.json", b'{"document_date": "2025-06-12",', "doc.meta.json: invalid JSON"),
    ("doc.meta.json", b'{"document_date": "\xe9"}', "doc.meta.json: not UTF-8"),
    ("doc.meta.json", b'{"document_date": "2025-13-45"}', "document_date '2025-13-45' is not a real day"),
    ("doc.meta.json", b'{"extra": ' + DEEP.encode() + b"}", "doc.meta.json: JSON nested too deeply"),
], ids=["ann-not-utf8", "meta-invalid", "meta-not-utf8", "impossible-date", "meta-deep"])
def test_bad_brat_side_files_are_one_error(brat, tmp_path, side, content, message):
    write(brat / side, content)
    with pytest.raises(RecordError, match=message) as err:
        convert(brat, "brat", "record", tmp_path / "out.jsonl")
    assert "\n" not in str(err.value)


def test_a_doc_id_too_long_for_a_file_name_is_refused(tmp_path):
    source = write(tmp_path / "in.jsonl", json.dumps({"text": "Kelvia", "spans": [], "meta": {"doc_id": "x" * 300}}) + "\n")
    with pytest.raises(RecordError, match="is 300 bytes long; a file name holds at most 245"):
        convert(source, "doccano", "brat", tmp_path / "out")


# --- the read side of doc_ids -------------------------------------------------------------------------

def test_a_gold_doc_id_cannot_read_a_text_outside_the_texts_folder(tmp_path):
    texts = tmp_path / "texts"
    texts.mkdir()
    secret = "Kelvia, données confidentielles."
    write(tmp_path / "secret.txt", secret)
    for doc_id in ("../secret", str(tmp_path / "secret")):
        gold = write(tmp_path / "gold.jsonl",
                     json.dumps(record(doc_id, organizations=[{"text": "Kelvia", "start": 0, "end": 6}])) + "\n")
        with pytest.raises(RecordError, match="cannot name a file"):
            read_records(gold, texts=texts)
        with pytest.raises(RecordError, match="cannot name a file"):
            source_texts(gold, texts, [doc_id])


def test_a_fifo_in_a_gold_folder_is_refused_not_read(tmp_path):
    gold = tmp_path / "gold"
    gold.mkdir()
    write(gold / "a.json", json.dumps(record("a")))
    os.mkfifo(gold / "b.json")
    done: dict = {}

    def read():
        try:
            read_records(gold)
        except RecordError as exc:
            done["error"] = str(exc)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(10)
    assert not reader.is_alive(), "reading a FIFO blocked"
    assert "b.json: not a regular file (a FIFO)" in done["error"]
