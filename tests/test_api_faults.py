"""The API's door (issue 19) and one text's failure inside Extractor.pipe (issue 14):
arguments of the wrong type are a clear TypeError; a text that cannot be processed
is an error record, and never the end of the run for the other texts."""
from __future__ import annotations

import json
import re

import pytest


# --- arguments --------------------------------------------------------------------------------------------

class Text(str):
    pass


@pytest.mark.parametrize("items, message", [
    (None, "takes an iterable of texts or (text, meta) pairs, got None"),
    (b"Raidium", "got bytes: decode them first"),
    ("Raidium lève 5 M€.", "got a single str: use extract(text)"),
    ([b"Raidium"], "item 0: expected a text (str), got bytes"),
    ([("Raidium", {}, "x")], "item 0: expected a text (str) or a (text, meta) pair, got a tuple of 3"),
    ([("Raidium", {"doc_id": 5})], "item 0: doc_id must be a str or None, got int"),
    ([("Raidium", {"extra": "x"})], "item 0: extra must be a mapping or None, got str"),
], ids=["none", "bytes", "str", "item-bytes", "item-triple", "doc_id-int", "extra-str"])
def test_pipe_refuses_wrong_arguments_with_a_clear_type_error(extractor, items, message):
    with pytest.raises(TypeError, match=re.escape(message)):
        list(extractor.pipe(items))


def test_api_takes_a_str_subclass_and_refuses_a_doc_id_of_the_wrong_type(extractor):
    text = "La société Raidium lève 5 M€ le 3 mars 2025."
    (sub,) = extractor.pipe([Text(text)])
    assert sub.to_dict() == extractor.extract(text).to_dict()
    with pytest.raises(TypeError, match="doc_id must be a str or None, got int"):
        extractor.extract(text, doc_id=5)


def test_a_lone_surrogate_is_a_value_error_in_extract_and_an_error_record_in_pipe(extractor):
    bad = "Raidium \ud800 lève 5 M€."
    with pytest.raises(ValueError, match=r"lone surrogate \(U\+D800\) at 8"):
        extractor.extract(bad)
    records = list(extractor.pipe([("Kelvia lève 3 M€.", {"doc_id": "a"}), (bad, {"doc_id": "b"}),
                                   ("Raidium lève 5 M€.", {"doc_id": "c"})]))
    assert [r.doc_id for r in records] == ["a", "b", "c"]
    assert records[1].error["type"] == "ValueError" and not records[1].mentions
    assert records[0].amounts and records[2].amounts and records[0].error is None
    records[1].to_json().encode("utf-8")  # an error record is valid UTF-8 too



# --- one text's failure -------------------------------------------------------------------------------

CRASH = "Du 12 janvier 2016 au 22/01/2016, Kelvia lève 5 M€."


@pytest.fixture
def crashing_dates(monkeypatch):
    """Date resolution raising for one text, as the range written two ways once did (issue 14)."""
    from extractor import dates

    real = dates.resolve_all

    def resolve_all(candidates, ctx):
        if any("2016" in c.text for c in candidates):
            raise KeyError("month")
        return real(candidates, ctx)

    monkeypatch.setattr(dates, "resolve_all", resolve_all)


def test_one_failing_text_does_not_end_a_pipe_run(extractor, crashing_dates):
    texts = ["Kelvia lève 3 M€ en mars 2025.", CRASH, "Raidium lève 5 M€ le 3 mars 2025."]
    records = list(extractor.pipe([(t, {"doc_id": f"d{i}", "document_date": "2025-06-12"})
                                   for i, t in enumerate(texts)]))
    assert [r.doc_id for r in records] == ["d0", "d1", "d2"]
    assert records[1].error == {"type": "KeyError", "message": "'month'"} and records[1].mentions == []
    assert records[1].document_date == "2025-06-12"
    assert records[0].dates and records[2].dates and records[0].error is None and records[2].error is None
    with pytest.raises(KeyError):
        extractor.extract(CRASH)


def test_the_batch_job_keeps_its_error_line_for_a_failing_text(extractor, crashing_dates, tmp_path):
    from extractor.batch.jobs import run_batch

    (tmp_path / "crash.txt").write_text(CRASH, encoding="utf-8")
    (tmp_path / "fine.txt").write_text("Raidium lève 5 M€ le 3 mars 2025.", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    summary = run_batch([tmp_path], out, workers=1, extractor=extractor)
    assert (summary.records, summary.errors) == (1, 1)
    (failure,) = [json.loads(line) for line in (tmp_path / "out.errors.jsonl").read_text().splitlines()]
    assert failure["doc_id"] == "crash" and failure["stage"] == "extract" and failure["reason"] == "KeyError: 'month'"
