"""The command line end to end, as a user runs it (real subprocesses)."""
import json
import subprocess
import sys

import pytest

from conftest import FIXTURES, SEED_ID

SEED_TXT = FIXTURES / "press_releases" / f"{SEED_ID}.txt"
SEED_GOLD = FIXTURES / "gold" / f"{SEED_ID}.json"


def run(*args, stdin=None):
    return subprocess.run([sys.executable, "-m", "extractor", *map(str, args)], input=stdin,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def seed_pred(tmp_path_factory):
    out = tmp_path_factory.mktemp("cli") / "pred.jsonl"
    proc = run("extract", SEED_TXT, "-o", out)
    assert proc.returncode == 0, proc.stderr
    return out


def test_extract_writes_one_valid_record_per_file(seed_pred):
    from extractor.records import read_records

    lines = seed_pred.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1
    (rec,) = read_records(seed_pred, texts=FIXTURES / "press_releases")  # offsets checked against the text
    assert rec.doc_id == SEED_ID
    assert rec.organizations, "the seed names organizations"


def test_extract_reads_standard_input_with_document_date():
    proc = run("extract", "-", "--document-date", "2025-06-12", stdin="La société Raidium annonce.")
    assert proc.returncode == 0, proc.stderr
    rec = json.loads(proc.stdout)
    assert rec["doc_id"] == "stdin" and rec["document_date"] == "2025-06-12"
    assert rec["decoding"] == {"encoding": "utf-8", "line_ends": "none"}


def test_evaluate_prints_the_table_and_json(seed_pred):
    proc = run("evaluate", "--gold", FIXTURES / "gold", "--pred", seed_pred)
    assert proc.returncode == 0, proc.stderr
    for mode in ("strict", "partial", "value"):
        for label in ("ORG", "MONEY", "DATE", "PERCENT", "micro"):
            assert any(line.split()[:2] == [mode, label] for line in proc.stdout.splitlines()), (mode, label)
    assert "organizations (document level)" in proc.stdout
    # every other fixture has no prediction in this run: the report says so
    n_gold = len(list((FIXTURES / "gold").glob("*.json")))
    assert f"{n_gold - 1} gold documents without prediction" in proc.stdout
    proc = run("evaluate", "--gold", SEED_GOLD, "--pred", seed_pred, "--json")
    data = json.loads(proc.stdout)
    assert data["documents"]["missing_predictions"] == 0
    assert set(data["strict"]) == {"ORG", "MONEY", "DATE", "PERCENT", "micro"}


def test_schema_is_json():
    proc = run("schema")
    assert proc.returncode == 0 and json.loads(proc.stdout)["properties"]["schema"]["const"] == "press-record/1"


@pytest.mark.parametrize("args, message", [
    (["extract", "no/such/file.txt"], "no/such/file.txt: no such file or folder"),
    (["extract", SEED_TXT, "-o", "no/such/dir/out.jsonl"], "does not exist"),
    (["extract", SEED_TXT, "-o", SEED_TXT], "output file is also an input"),
    (["evaluate", "--gold", "nowhere", "--pred", SEED_TXT], "nowhere: no such file or folder"),
    # argparse's own errors: no usage block before them
    (["batch", SEED_TXT, "-o", "out.jsonl", "--timeout", "700000"], "extractor batch: error: argument --timeout"),
    (["extract"], "extractor extract: error: the following arguments are required: PATH"),
    (["no-such-command"], "extractor: error: argument COMMAND: invalid choice"),
])
def test_usage_errors_are_one_line_and_exit_2(args, message):
    proc = run(*args)
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and message in proc.stderr and "Traceback" not in proc.stderr


def test_malformed_gold_is_one_line_naming_the_file(tmp_path, seed_pred):
    bad = tmp_path / "gold"
    bad.mkdir()
    data = json.loads(SEED_GOLD.read_text(encoding="utf-8"))
    data["amounts"][0]["start"] += 1
    data["amounts"][0]["end"] += 1
    (bad / f"{SEED_ID}.json").write_text(json.dumps(data), encoding="utf-8")
    proc = run("evaluate", "--gold", bad, "--pred", seed_pred, "--texts", FIXTURES / "press_releases")
    assert proc.returncode == 2
    assert f"{SEED_ID}.json: amounts \"5M d'euros\" (665-675): text does not equal source" in proc.stderr


def test_an_unreadable_file_is_reported_and_the_others_still_extracted(tmp_path):
    (tmp_path / "a.txt").write_text("La société Raidium annonce.", encoding="utf-8")
    (tmp_path / "b.txt").write_bytes(b"")
    (tmp_path / "c.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (tmp_path / "d.txt").write_bytes(b"%PDF-1.4\x00\x01\x02binary")  # a PDF named .txt is read as a PDF
    out = tmp_path / "out" / "pred.jsonl"
    out.parent.mkdir()
    proc = run("extract", tmp_path, "-o", out)
    assert proc.returncode == 1
    assert [json.loads(line)["doc_id"] for line in out.read_text().splitlines()] == ["a"]
    assert "b.txt: empty file" in proc.stderr and "c.txt: binary data" in proc.stderr
    assert "d.txt: truncated PDF" in proc.stderr


def _with_key(relpath: str, key: str, value) -> str:
    """The real data file with one more key."""
    from extractor.lexicon import models_dir

    return json.dumps({**json.loads((models_dir() / relpath).read_text(encoding="utf-8")), key: value})


def _models_with(tmp_path, relpath: str, content: str):
    """A models/ folder that links to the real files but for one, replaced by `content`."""
    from extractor.lexicon import models_dir

    real = models_dir()
    for source in real.rglob("*"):
        target = tmp_path / source.relative_to(real)
        if source.is_dir():
            target.mkdir(parents=True, exist_ok=True)
        elif source.relative_to(real).as_posix() != relpath:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.symlink_to(source)
    (tmp_path / relpath).write_text(content, encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize("relpath, content, named", [
    ("lexicon/dates.json", '{"months": [', "dates.json"),  # not JSON
    ("lexicon/currencies.json", '{"units": [{"iso": "EUX", "symbols": ["€"]}]}', "EUX"),  # not an ISO 4217 code
    ("org/words.json", '{"determiners": "le"}', "words.json"),  # a list that is not a list
    ("org/words.json", _with_key("org/words.json", "ghost_list", ["fantôme"]), "ghost_list"),  # a list no code reads
], ids=["not-json", "not-iso-4217", "not-a-list", "read-by-no-loader"])
def test_a_broken_models_file_is_one_line_and_status_2(tmp_path, relpath, content, named):
    import os

    models = _models_with(tmp_path / "models", relpath, content)
    text = tmp_path / "release.txt"
    text.write_text("Lyon, le 3 mars 2025 – Kelvia lève 3 M€.", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "extractor", "extract", str(text)], capture_output=True, text=True,
                          timeout=300, env={**os.environ, "EXTRACTOR_MODELS": str(models)})
    assert proc.returncode == 2
    assert proc.stdout == ""
    (line,) = proc.stderr.splitlines()
    assert line.startswith("extractor: error: ") and named in line
