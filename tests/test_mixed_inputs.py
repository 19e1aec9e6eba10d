"""`batch` and `extract` on folders mixing every format: one record per document,
one error line per bad one, and the extracted texts saved for the offsets."""
import json
import subprocess
import sys
from datetime import datetime

import jsonschema
import pytest

import render
from conftest import FIXTURES
from extractor.batch.jobs import run_batch, scan_inputs
from extractor.records import Record, json_schema

TEXTS = {p.stem: p.read_text(encoding="utf-8") for p in sorted((FIXTURES / "press_releases").glob("*.txt"))}
IDS = sorted(TEXTS)


def good_files():
    return {
        "page.html": render.web_page(TEXTS[IDS[3]]),
        "release.pdf": render.pdf(TEXTS[IDS[4]]),
        "SHOUTING.PDF": render.pdf(TEXTS[IDS[5]], created=datetime(2025, 1, 2)),
        "word.docx": render.docx(TEXTS[IDS[6]]),
        "mail.eml": render.email(TEXTS[IDS[7]]),
        "plain.txt": TEXTS[IDS[8]].encode("utf-8"),
        "pdf_named.txt": render.pdf(TEXTS[IDS[9]]),
        "sub/page2.htm": render.web_page(TEXTS[IDS[10]], how="jsonld"),
    }


BAD = {
    "locked.pdf": (lambda: render.pdf(TEXTS[IDS[4]], encrypt="secret"), "encrypted PDF"),
    "scan.pdf": (render.scan, "no text layer: scanned document?"),
    "cut.docx": (lambda: render.docx(TEXTS[IDS[6]])[:3000], "corrupt or truncated .docx"),
    "no_text.eml": (lambda: render.email(None, attachment=b"%PDF-1.4"), "e-mail with no text or HTML part"),
}


@pytest.fixture(scope="module")
def mixed(tmp_path_factory):
    root = tmp_path_factory.mktemp("mixed")
    (root / "sub").mkdir()
    for name, data in good_files().items():
        (root / name).write_bytes(data)
    for name, (make, _) in BAD.items():
        (root / name).write_bytes(make())
    (root / "notes.json").write_text("{}")  # not a document: left out of the folder
    return root


def test_folders_take_every_format_and_nothing_else(mixed):
    names = sorted(s.path.rsplit("/", 1)[-1] for s in scan_inputs([mixed]))
    assert names == sorted([n.rsplit("/", 1)[-1] for n in good_files()] + list(BAD))


def test_batch_on_a_mixed_folder_writes_one_record_per_document(mixed, extractor, tmp_path):
    out, texts = tmp_path / "out.jsonl", tmp_path / "texts"
    texts.mkdir()
    summary = run_batch([mixed], out, workers=1, extractor=extractor, save_text=texts, dates_from_names=True)
    assert (summary.records, summary.errors) == (len(good_files()), len(BAD))
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    formats = {}
    for data in records:
        jsonschema.validate(data, json_schema())  # reading, decoding, document_date_source included
        saved = (texts / f"{data['doc_id']}.txt").read_bytes().decode("utf-8")
        Record.from_dict(data).check(saved)  # offsets refer to the saved text
        assert data["reading"]["characters"] == len(saved)
        formats[data["doc_id"]] = data["reading"]["format"]
    assert formats == {"page": "html", "release": "pdf", "SHOUTING": "pdf", "word": "docx", "mail": "email",
                       "plain": "text", "pdf_named": "pdf", "page2": "html"}
    errors = {e["doc_id"]: e for e in map(json.loads, (tmp_path / "out.errors.jsonl").read_text().splitlines())}
    for name, (_, message) in BAD.items():
        e = errors[name.rsplit(".", 1)[0]]
        assert e["stage"] == "read" and e["reason"].startswith(str(mixed / name)) and message in e["reason"]
    assert not any((texts / f"{name.rsplit('.', 1)[0]}.txt").exists() for name in BAD)


def test_batch_records_where_each_date_came_from(mixed, extractor, tmp_path):
    named = tmp_path / "cp-2025-02-01.eml"
    named.write_bytes(render.email("Kelvia lève 14 M€.\n"))
    out = tmp_path / "out.jsonl"
    run_batch([named, mixed / "mail.eml"], out, workers=1, extractor=extractor, dates_from_names=True)
    got = {r["doc_id"]: (r["document_date"], r["document_date_source"])
           for r in map(json.loads, out.read_text(encoding="utf-8").splitlines())}
    assert got["cp-2025-02-01"] == ("2025-02-01", "file_name")
    assert got["mail"][1] in ("dateline", "line_start")  # the release's own dateline beats the Date: header


def test_extract_command_reads_every_format_and_saves_the_texts(mixed, tmp_path):
    out, texts = tmp_path / "out.jsonl", tmp_path / "texts"
    proc = subprocess.run([sys.executable, "-m", "extractor", "extract", mixed / "release.pdf", mixed / "mail.eml",
                           mixed / "scan.pdf", "-o", out, "--save-text", texts, "--max-pages", "5"],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1, proc.stderr
    assert f"extractor: skipped {mixed / 'scan.pdf'}: no text layer: scanned document?" in proc.stderr
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["doc_id"] for r in records] == ["release", "mail"]
    for data in records:
        Record.from_dict(data).check((texts / f"{data['doc_id']}.txt").read_text(encoding="utf-8"))
    proc = subprocess.run([sys.executable, "-m", "extractor", "extract", mixed / "release.pdf", "--max-pages", "1"],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1 and "2 pages, over the limit of 1" in proc.stderr and proc.stdout == ""
