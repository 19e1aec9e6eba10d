"""fixtures/annotate.py: spec + text -> gold record, on throw-away fixture trees."""
import importlib.util
import json
from pathlib import Path

import pytest

_spec = importlib.util.spec_from_file_location(
    "annotate", Path(__file__).resolve().parents[1] / "fixtures" / "annotate.py")
annotate = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(annotate)

TEXT = "Paris, le 3 mars 2025 –\r\nBpifrance investit 5\u00a0M€ ; Bpifrance2 non.\r\nBpifrance et 10 %.\r\n"


def make_tree(tmp_path, spec, text=TEXT, doc_id="001_t"):
    for sub in ("specs", "press_releases"):
        (tmp_path / sub).mkdir()
    (tmp_path / "specs" / f"{doc_id}.spec").write_text(spec, encoding="utf-8")
    (tmp_path / "press_releases" / f"{doc_id}.txt").write_bytes(text.encode("utf-8"))
    return tmp_path


def run(tmp_path, spec, capsys, **kw):
    root = make_tree(tmp_path, spec, **kw)
    status = annotate.main([], root=root)
    out = capsys.readouterr().out
    gold = root / "gold" / "001_t.json"
    return status, out, json.loads(gold.read_text(encoding="utf-8")) if gold.exists() else None


def test_offsets_star_escapes_and_crlf(tmp_path, capsys):
    spec = ("# comment\n\ndocument_date\t2025-03-03\n"
            "DATE\t3 mars 2025\t1\tvalue=2025-03-03\n"
            "ORG\tBpifrance\t*\tname=Bpifrance\n"
            "MONEY\t5\\u00a0M€\t1\tvalue=5000000\tcurrency=EUR\tqualifier=approx\n"
            "PERCENT\t10 %\t1\tvalue=10\toptional\n")
    status, out, rec = run(tmp_path, spec, capsys)
    assert status == 0 and ": warning:" not in out
    assert rec["schema"] == "press-record/1" and rec["doc_id"] == "001_t"
    assert rec["document_date"] == "2025-03-03"
    # "Bpifrance2" is glued to a digit: not a word-boundary occurrence.
    assert [o["start"] for o in rec["organizations"]] == [25, 68]
    for mentions in (rec["organizations"], rec["amounts"], rec["dates"], rec["percentages"]):
        for m in mentions:
            assert TEXT[m["start"]:m["end"]] == m["text"]
    assert rec["amounts"] == [{"text": "5\u00a0M€", "start": 44, "end": 48, "value": "5000000",
                               "currency": "EUR", "qualifier": "approx"}]
    assert rec["percentages"][0]["optional"] is True and rec["percentages"][0]["value"] == "10"


def test_uncovered_repeat_is_a_warning(tmp_path, capsys):
    status, out, rec = run(tmp_path, "document_date\tnull\nORG\tBpifrance\t2\n", capsys)
    assert status == 0 and rec["document_date"] is None
    assert ": warning:" in out and "@25" in out and "@68" not in out


@pytest.mark.parametrize("bad_line, problem", [
    ("ORG\tBpifrance\t3", "not found"),
    ("ORG\tBanque de France\t1", "not found"),
    ("ORG\tBpifrance\t1\nORG\tBpifrance investit\t1", "overlaps"),
    ("DATE\tmars 2025\t1\tvalue=2025-03\nORG\tParis, le 3 mars\t1", "overlaps"),
    ("MONEY\t5\\u00a0M€\t1\tvalue=5000000", "currency"),
    ("MONEY\t5\\u00a0M€\t1\tvalue=5,0\tcurrency=EUR", "decimal"),
    ("DATE\t3 mars 2025\t1\tvalue=2025-02-30", "date"),
    ("DATE\t3 mars 2025\t1\tvalue=03/03/2025", "date"),
    ("PERCENT\t10 %\t1\tvalue=10\tqualifier=about", "qualifier"),
    ("PERCENT\t10 %\t1\tvalue=10\tcurrency=EUR", "bad option"),
    ("AMOUNT\t10 %\t1\tvalue=10", "unknown label"),
])
def test_errors_fail_with_file_and_line(tmp_path, capsys, bad_line, problem):
    status, out, rec = run(tmp_path, "document_date\t2025-03-03\n" + bad_line + "\n", capsys)
    assert status == 1 and rec is None
    assert "001_t.spec:2: error:" in out or "001_t.spec:3: error:" in out
    assert problem in out
