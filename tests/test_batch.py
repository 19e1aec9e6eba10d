"""Batch jobs: hundreds of documents with bad ones mixed in, kill and resume, Dask.

Texts are short (the opening of each fixture) so the whole module stays fast; the
point is the job's bookkeeping, not extraction quality.
"""
import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import FIXTURES, ROOT
from extractor.batch.jobs import BatchError, Progress, completed_ids, run_batch, scan_inputs
from extractor.batch.pool import process_pool
from extractor.longtext import split_text
from extractor.records import Record

N_GOOD = 240
MAX_BYTES = 20_000
BAD = {  # file name -> (bytes, what the error line must say)
    "bad_empty.txt": (b"", "empty"),
    "bad_binary.txt": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR binary", "binary"),
    "bad_pdf.txt": (b"%PDF-1.4\x00\x01\x02\x03 binary", "truncated PDF"),  # read as the PDF it is
    "bad_big.txt": (("Grand texte. " * 2000).encode(), "over the limit"),
    "bad_encoding.txt": ("Société ".encode() + b"\x81\x8d\xff\xfe", "neither UTF-8"),
}


def openings() -> list[str]:
    texts = []
    for path in sorted((FIXTURES / "press_releases").glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        texts.append(text[: text.rfind(" ", 0, 400)])
    return texts


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """A folder (with a sub-folder) of N_GOOD short releases and one file per kind of bad input."""
    root = tmp_path_factory.mktemp("corpus")
    (root / "sub").mkdir()
    texts = openings()
    good = {}
    for i in range(N_GOOD):
        doc_id = f"doc{i:03d}"
        folder = root / "sub" if i % 3 == 0 else root
        (folder / f"{doc_id}.txt").write_text(texts[i % len(texts)], encoding="utf-8")
        good[doc_id] = texts[i % len(texts)]
    for name, (data, _) in BAD.items():
        (root / name).write_bytes(data)
    return root, good


@pytest.fixture(scope="module")
def local_records(corpus, extractor, tmp_path_factory):
    """The in-process job's records by doc_id: what every other engine must reproduce."""
    root, good = corpus
    out = tmp_path_factory.mktemp("local") / "out.jsonl"
    summary = run_batch([root], out, workers=1, max_bytes=MAX_BYTES, extractor=extractor)
    assert (summary.documents, summary.records, summary.errors) == (N_GOOD + len(BAD), N_GOOD, len(BAD))
    return out, {rec["doc_id"]: rec for rec in map(json.loads, out.read_text(encoding="utf-8").splitlines())}


def lines(path: Path) -> list[dict]:
    raw = path.read_bytes()
    assert raw.endswith(b"\n"), "the file ends with a complete line"
    return [json.loads(line) for line in raw.decode("utf-8").splitlines()]


def check_job_output(out: Path, err: Path, good: dict[str, str]) -> list[dict]:
    records = lines(out)
    ids = [r["doc_id"] for r in records]
    assert sorted(ids) == sorted(good), "exactly one record per good document"
    for data in records:
        Record.from_dict(data).check(good[data["doc_id"]])
    errors = lines(err)
    assert sorted(e["doc_id"] for e in errors) == sorted(Path(n).stem for n in BAD)
    for e in errors:
        assert BAD[Path(e["path"]).name][1] in e["reason"] and e["stage"] == "read"
    return records


def test_a_job_over_hundreds_of_documents_reports_each_bad_one(corpus, local_records):
    root, good = corpus
    out, _ = local_records
    records = check_job_output(out, out.with_name("out.errors.jsonl"), good)
    assert all(r["decoding"]["encoding"] == "utf-8" for r in records)


def run_cli(*args, **kw):
    return subprocess.Popen([sys.executable, "-m", "extractor", "batch", *map(str, args)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)


def test_killed_mid_job_then_resumed_gives_one_record_per_document(corpus, local_records, tmp_path):
    root, good = corpus
    out, err = tmp_path / "out.jsonl", tmp_path / "err.jsonl"
    args = [root, "-o", out, "--errors", err, "--workers", 2, "--max-bytes", MAX_BYTES]
    job = run_cli(*args)
    deadline = time.monotonic() + 120
    while not (out.exists() and out.read_bytes().count(b"\n") >= 20):
        assert job.poll() is None, f"the job ended before it could be killed: {job.communicate()[1]}"
        assert time.monotonic() < deadline, "no records after 120 s"
        time.sleep(0.02)
    job.send_signal(signal.SIGKILL)
    job.communicate()
    written = out.read_bytes().count(b"\n")
    assert 20 <= written < N_GOOD, "killed mid-job"
    # A kill can land in the middle of a write: leave what that looks like.
    with out.open("ab") as fh:
        fh.write(json.dumps(local_records[1]["doc000"], ensure_ascii=False).encode()[:57])

    resumed = run_cli(*args, "--resume")
    _, stderr = resumed.communicate(timeout=300)
    assert resumed.returncode == 1, stderr  # some documents failed
    assert f"{N_GOOD + len(BAD)} documents ({written} already done)" in stderr
    records = check_job_output(out, err, good)
    assert {r["doc_id"]: r for r in records} == local_records[1]


def test_dask_local_cluster_gives_the_local_records(corpus, local_records, tmp_path):
    pytest.importorskip("distributed")
    _, good = corpus
    ids = sorted(good)[:40]
    source = tmp_path / "docs.jsonl"
    with source.open("w", encoding="utf-8") as fh:
        for doc_id in ids:
            fh.write(json.dumps({"doc_id": doc_id, "text": good[doc_id]}, ensure_ascii=False) + "\n")
        fh.write(json.dumps({"doc_id": "no_text", "text": "  "}) + "\n")
    out = tmp_path / "out.jsonl"
    summary = run_batch([source], out, workers=2, scheduler="local")
    assert (summary.records, summary.errors) == (len(ids), 1)
    got = {r["doc_id"]: r for r in lines(out)}
    # JSONL texts were never bytes nor files, so their records say nothing about decoding or reading.
    expected = {i: {k: v for k, v in local_records[1][i].items() if k not in ("decoding", "reading")} for i in ids}
    assert got == expected
    (failure,) = lines(tmp_path / "out.errors.jsonl")
    assert failure["doc_id"] == "no_text" and "empty text" in failure["reason"]


def test_duplicate_doc_ids_stop_the_job_before_it_starts(tmp_path):
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "same.txt").write_text("La société Raidium annonce.", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    job = run_cli(tmp_path / "a", tmp_path / "b", "-o", out)
    _, stderr = job.communicate(timeout=120)
    assert job.returncode == 2
    assert stderr.count("\n") == 1 and "doc_id 'same' appears twice" in stderr and "Traceback" not in stderr
    assert not out.exists(), "nothing was started"


def test_resume_drops_a_cut_off_line_and_keeps_complete_ones(extractor, tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    texts = openings()[:4]
    for i, text in enumerate(texts):
        (docs / f"d{i}.txt").write_text(text, encoding="utf-8")
    out = tmp_path / "out.jsonl"
    kept = json.dumps({"schema": "press-record/1", "doc_id": "d0", "document_date": None, "organizations": [],
                       "amounts": [], "dates": [], "percentages": [], "marker": "from the first run"})
    out.write_text(kept + "\n" + '{"schema": "press-record/1", "doc_id": "d1", "organ', encoding="utf-8")
    assert completed_ids(out) == {"d0"}
    assert out.read_text(encoding="utf-8") == kept + "\n", "the cut-off line is gone"
    summary = run_batch([docs], out, workers=1, resume=True, extractor=extractor)
    assert (summary.skipped, summary.records, summary.errors) == (1, 3, 0)
    records = lines(out)
    assert [r["doc_id"] for r in records] == ["d0", "d1", "d2", "d3"] and records[0]["marker"]


def test_a_broken_line_in_the_middle_of_out_is_not_resumed_over(tmp_path):
    out = tmp_path / "out.jsonl"
    out.write_text('{"doc_id": "a"}\n{"doc_id": \n{"doc_id": "c"}\n', encoding="utf-8")
    with pytest.raises(BatchError, match=r"out.jsonl:2: not a JSON line"):
        completed_ids(out)


def test_jsonl_inputs_dates_from_names_and_input_errors(extractor, tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join([
        json.dumps({"doc_id": "cp_20240131", "text": "La société Raidium lève 5 M€."}),
        json.dumps({"doc_id": "dated", "text": "Raidium lève 5 M€.", "document_date": "2023-05-02"}),
        json.dumps({"doc_id": "bad_date", "text": "Raidium.", "document_date": "02/05/2023"}),
        json.dumps({"doc_id": "no_text"}),
        json.dumps({"doc_id": "../../escape", "text": "Raidium."}),  # only ever a JSON value
    ]) + "\n", encoding="utf-8")
    (tmp_path / "idf-2025-06-12-vivatech.txt").write_text("La Région annonce.", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    summary = run_batch([source, tmp_path / "idf-2025-06-12-vivatech.txt"], out, workers=1,
                        dates_from_names=True, extractor=extractor)
    assert (summary.records, summary.errors) == (4, 2)
    dates = {r["doc_id"]: r["document_date"] for r in lines(out)}
    assert dates == {"cp_20240131": "2024-01-31", "dated": "2023-05-02", "idf-2025-06-12-vivatech": "2025-06-12",
                     "../../escape": None}
    assert sorted(p.name for p in tmp_path.parent.iterdir() if p.name == "escape") == []
    reasons = {e["doc_id"]: e["reason"] for e in lines(tmp_path / "out.errors.jsonl")}
    assert "in.jsonl:3: document_date '02/05/2023' is not YYYY-MM-DD" in reasons["bad_date"]
    assert "in.jsonl:4: \"text\" is missing" in reasons["no_text"]


@pytest.mark.parametrize("content, message", [
    ('{"doc_id": "a", "text": "x"}\nnot json\n', "in.jsonl:2: not a JSON line"),
    ('{"text": "x"}\n', "in.jsonl:1: expected an object with a non-empty string \"doc_id\""),
    ('{"doc_id": "a", "text": "x"}\n{"doc_id": "a", "text": "y"}\n', "doc_id 'a' appears twice"),
])
def test_malformed_jsonl_inputs_stop_the_job(tmp_path, content, message):
    (tmp_path / "in.jsonl").write_text(content, encoding="utf-8")
    with pytest.raises(BatchError, match=message):
        scan_inputs([tmp_path / "in.jsonl"])


def test_outputs_may_not_overwrite_inputs(tmp_path):
    (tmp_path / "a.txt").write_text("Texte.", encoding="utf-8")
    with pytest.raises(BatchError, match="an input is also an output"):
        run_batch([tmp_path], tmp_path / "out.jsonl", errors=tmp_path / "a.txt", workers=1)
    with pytest.raises(BatchError, match="must differ"):
        run_batch([tmp_path], tmp_path / "o.jsonl", errors=tmp_path / "o.jsonl", workers=1)


def test_in_process_timeout_fails_only_the_slow_document(extractor, tmp_path):
    (tmp_path / "short.txt").write_text("La société Raidium lève 5 M€.", encoding="utf-8")
    (tmp_path / "long.txt").write_text(openings()[0] * 300, encoding="utf-8")
    out = tmp_path / "out.jsonl"
    summary = run_batch([tmp_path], out, workers=1, timeout=0.05, extractor=extractor)
    assert (summary.records, summary.errors) == (1, 1)
    (failure,) = lines(tmp_path / "out.errors.jsonl")
    assert failure["doc_id"] == "long" and failure["stage"] == "timeout"


def test_pool_kills_a_worker_over_the_limit_and_goes_on():
    slow = {"doc_id": "slow", "path": None, "text": openings()[0] * 1500, "document_date": None}
    quick = [{"doc_id": f"q{i}", "path": None, "text": "Raidium lève 5 M€.", "document_date": None} for i in range(2)]
    results = list(process_pool(iter([quick[0], slow, quick[1]]), workers=1, timeout=1.0))
    assert [r["doc_id"] for r in results] == ["q0", "slow", "q1"]
    assert results[1]["stage"] == "timeout" and all("record" in results[i] for i in (0, 2))


def test_a_text_over_max_length_is_processed_in_pieces(extractor):
    text = (FIXTURES / "press_releases" / "003_kelvia_serie_a.txt").read_text(encoding="utf-8")
    whole = extractor.extract(text, doc_id="x")
    saved = extractor.nlp.max_length
    extractor.nlp.max_length = 500
    try:
        pieces = extractor.extract(text, doc_id="x")
    finally:
        extractor.nlp.max_length = saved
    pieces.check(text)  # every offset is relative to the whole text
    for label in ("MONEY", "PERCENT", "DATE"):
        assert [m.to_dict() for m in pieces.of(label)] == [m.to_dict() for m in whole.of(label)], label
    assert len(pieces.organizations) >= len(whole.organizations) // 2


@pytest.mark.parametrize("limit", [1, 7, 50, 500])
def test_split_text_gives_the_text_back_in_bounded_pieces(limit):
    text = openings()[1] + "\n\n" + openings()[2] + "\r\n\r\nFin."
    pieces = split_text(text, limit)
    assert "".join(pieces) == text and all(0 < len(p) <= limit for p in pieces)


def test_progress_line_on_a_terminal_only():
    class Tty(io.StringIO):
        def isatty(self):
            return True

    tty, pipe = Tty(), io.StringIO()
    for stream in (tty, pipe):
        bar = Progress(10, stream, every=0)
        bar.update(4, 1)
        bar.close(10, 1)
    assert "4/10 docs" in tty.getvalue() and "docs/s" in tty.getvalue() and "1 errors" in tty.getvalue()
    assert "ETA" in tty.getvalue() and tty.getvalue().endswith("\n")
    assert pipe.getvalue() == ""
