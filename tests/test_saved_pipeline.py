"""The commands with a saved pipeline: `extractor save-pipeline DIR` writes one, and
`--pipeline DIR` makes `extract`, `batch` (worker processes, Dask) and `serve` load it
instead of models/pipeline.cfg. One pipeline is saved through the command line for the
whole module, and a copy of it gets a month spelling and a gazetteer name that the
shipped data does not have: only a command that loaded that copy finds them."""
from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys

import pytest

from conftest import ROOT

MONTH = "brumaire"  # a month spelling (November), unknown to the shipped data
ORG = "Xylophax"  # an organization name, added to the gazetteer of the copy
TEXT = f"Paris, le 3 {MONTH} 2025 – Le financement de 12 millions d'euros vient de {ORG}."


def run(*args, timeout=300):
    return subprocess.run([sys.executable, "-m", "extractor", *map(str, args)], cwd=ROOT, capture_output=True,
                          text=True, timeout=timeout)


def one_line_error(proc, message: str) -> None:
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert proc.stderr.startswith("extractor: error: ") and message in proc.stderr, proc.stderr


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    folder = tmp_path_factory.mktemp("saved") / "pipeline"
    proc = run("save-pipeline", folder)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == f"extractor: save-pipeline: ner, press_money, press_percent, press_date, press_org -> {folder}\n"
    return folder


@pytest.fixture(scope="module")
def edited(saved, tmp_path_factory):
    folder = tmp_path_factory.mktemp("edited") / "pipeline"
    shutil.copytree(saved, folder)
    dates = folder / "press_date" / "lexicon" / "dates.json"
    data = json.loads(dates.read_text(encoding="utf-8"))
    data["months"]["11"].append(MONTH)
    dates.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with (folder / "press_org" / "org" / "gazetteer" / "core.tsv").open("a", encoding="utf-8") as f:
        f.write(f"{ORG}\t\tcompany\t\n")
    return folder


@pytest.fixture(scope="module")
def texts(tmp_path_factory):
    folder = tmp_path_factory.mktemp("texts")
    for name in ("a", "b"):
        (folder / f"{name}.txt").write_text(TEXT, encoding="utf-8")
    return folder


def edited_effect(record: dict) -> tuple:
    """What the edit changes: the dateline read as a day of November, the added name found."""
    return (record["document_date"], [(d["text"], d["value"]) for d in record["dates"]],
            [(o["text"], o["source"]) for o in record["organizations"] if o["text"] == ORG])


SEEN_BY_COPY = ("2025-11-03", [(f"3 {MONTH} 2025", "2025-11-03")], [(ORG, "gazetteer")])


def test_the_saved_folder_holds_the_pipeline_and_its_rules(saved):
    for part in ("config.cfg", "meta.json", "ner", "press_date/lexicon/dates.json", "press_org/org/gazetteer"):
        assert (saved / part).exists(), part
    assert not list(saved.parent.glob(".*partial")), "no temporary folder is left beside it"


def test_extract_with_the_edited_copy_sees_its_data(extractor, edited, texts):
    proc = run("extract", texts / "a.txt", "--pipeline", edited)
    assert proc.returncode == 0, proc.stderr
    assert edited_effect(json.loads(proc.stdout)) == SEEN_BY_COPY
    # The package's pipeline (the one used without --pipeline) knows neither.
    assert edited_effect(extractor.extract(TEXT).to_dict()) == (None, [("2025", "2025")], [])


def test_batch_workers_each_load_the_edited_copy(edited, texts, tmp_path):
    out = tmp_path / "out.jsonl"
    proc = run("batch", texts, "-o", out, "--workers", 2, "--pipeline", edited)
    assert proc.returncode == 0, proc.stderr
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert sorted(r["doc_id"] for r in records) == ["a", "b"]
    assert all(edited_effect(r) == SEEN_BY_COPY for r in records)


def test_dask_workers_load_the_edited_copy(edited, tmp_path):
    pytest.importorskip("distributed")
    from extractor.batch.jobs import run_batch

    source = tmp_path / "docs.jsonl"
    source.write_text(json.dumps({"doc_id": "d", "text": TEXT}, ensure_ascii=False) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    summary = run_batch([source], out, workers=1, scheduler="local", pipeline=edited)
    assert (summary.records, summary.errors) == (1, 0)
    assert edited_effect(json.loads(out.read_text(encoding="utf-8"))) == SEEN_BY_COPY


@pytest.fixture
def broken(saved, tmp_path):
    """A saved pipeline that passes the folder check but that no worker can load."""
    folder = tmp_path / "broken"
    shutil.copytree(saved, folder)
    (folder / "press_date" / "lexicon" / "dates.json").write_text("{oops", encoding="utf-8")
    return folder


def previous_run(tmp_path):
    """OUT and ERR as an earlier run left them: a job that cannot start must not empty them."""
    out, err = tmp_path / "out.jsonl", tmp_path / "out.errors.jsonl"
    out.write_text('{"doc_id": "earlier", "text": "kept"}\n', encoding="utf-8")
    err.write_text('{"doc_id": "failed earlier", "stage": "read", "reason": "kept"}\n', encoding="utf-8")
    return out, err, (out.read_bytes(), err.read_bytes())


def test_a_dask_worker_that_cannot_load_the_copy_stops_the_job_in_one_line(broken, tmp_path):
    pytest.importorskip("distributed")
    from extractor.batch.jobs import BatchError, run_batch

    source = tmp_path / "docs.jsonl"
    source.write_text(json.dumps({"doc_id": "d", "text": TEXT}) + "\n", encoding="utf-8")
    out, err_path, before = previous_run(tmp_path)
    with pytest.raises(BatchError) as err:
        run_batch([source], out, workers=1, scheduler="local", pipeline=broken)
    assert str(err.value).startswith(f"a Dask worker could not load the pipeline from {broken}: LexiconError: "
                                     f"{broken / 'press_date' / 'lexicon' / 'dates.json'}: ")
    assert "\n" not in str(err.value)
    assert (out.read_bytes(), err_path.read_bytes()) == before


@pytest.mark.parametrize("workers", [1, 2])
def test_workers_that_cannot_load_the_copy_leave_the_last_run_s_output(broken, texts, tmp_path, workers):
    out, err, before = previous_run(tmp_path)
    proc = run("batch", texts, "-o", out, "--workers", workers, "--pipeline", broken)
    one_line_error(proc, "could not load the pipeline" if workers > 1 else "cannot load the pipeline")
    assert "dates.json" in proc.stderr
    assert (out.read_bytes(), err.read_bytes()) == before
    # The same job with a pipeline that loads starts both files afresh.
    assert run("batch", texts, "-o", out, "--workers", workers).returncode == 0
    assert sorted(json.loads(line)["doc_id"] for line in out.read_text(encoding="utf-8").splitlines()) == ["a", "b"]
    assert err.read_text(encoding="utf-8") == ""


def test_serve_workers_load_the_edited_copy(edited):
    from test_serve import cli, free_port, request, wait_until_ready

    port = free_port()
    proc = cli("serve", "--port", port, "--workers", 1, "--pipeline", edited)
    try:
        wait_until_ready(proc, port)
        status, _, body = request(port, "POST", "/v1/extract", {"text": TEXT})
        assert status == 200 and edited_effect(json.loads(body)) == SEEN_BY_COPY
    finally:
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=30)
    assert proc.returncode == 0 and "Traceback" not in err, err
    assert f"(1 worker, no token, pipeline {edited}; Ctrl-C to stop)" in err


# --- what is refused, in one line and before any work ---------------------------------------

@pytest.fixture(scope="module")
def not_saved(tmp_path_factory):
    """Folders that are not a saved pipeline of ours, and the message each gets."""
    base = tmp_path_factory.mktemp("not-saved")
    (base / "empty").mkdir()
    (base / "a_file").write_text("x", encoding="utf-8")
    (base / "other").mkdir()  # a spaCy pipeline of someone else: no [extractor] settings
    (base / "other" / "config.cfg").write_text("[nlp]\nlang = \"fr\"\npipeline = []\n", encoding="utf-8")
    (base / "other" / "meta.json").write_text("{}", encoding="utf-8")
    return [(base / "missing", "no such folder"), (base / "a_file", "not a folder"),
            (base / "empty", "not a saved pipeline (no config.cfg or meta.json"),
            (base / "other", "not a pipeline saved by this extractor")]


@pytest.mark.parametrize("command", ["extract", "batch", "serve"])
def test_a_folder_that_is_no_saved_pipeline_is_one_line_and_exit_2(command, not_saved, texts, tmp_path,
                                                                    monkeypatch, capsys):
    import extractor.serve
    from extractor.cli import main

    def no_server(*args):
        raise AssertionError("the server was started")

    monkeypatch.setattr(extractor.serve, "serve", no_server)
    out = tmp_path / "out.jsonl"
    args = {"extract": ["extract", texts / "a.txt", "-o", out], "batch": ["batch", texts, "-o", out, "--workers", "2"],
            "serve": ["serve"]}[command]
    for folder, message in not_saved:
        assert main([*map(str, args), "--pipeline", str(folder)]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and err.startswith(f"extractor: error: --pipeline {folder}: {message}"), err
        assert not out.exists(), "nothing is written"


def test_save_pipeline_refuses_a_used_or_impossible_folder(saved, tmp_path):
    (tmp_path / "a_file").write_text("x", encoding="utf-8")
    one_line_error(run("save-pipeline", saved, timeout=60), f"{saved}: folder is not empty")
    one_line_error(run("save-pipeline", tmp_path / "a_file", timeout=60), "a_file: is a file")
    one_line_error(run("save-pipeline", tmp_path / "no" / "p", timeout=60), f"folder {tmp_path / 'no'} does not exist")


def test_a_failed_save_leaves_nothing_behind(tmp_path):
    from extractor.pipeline import save

    class Failing:
        def to_disk(self, path):
            (path / "config.cfg").write_text("half", encoding="utf-8")
            raise OSError(28, "No space left on device")

    with pytest.raises(OSError, match="No space left"):
        save(Failing(), tmp_path / "pipeline")
    assert list(tmp_path.iterdir()) == []


def test_serve_passes_the_checked_folder_to_its_workers(monkeypatch, saved):
    import extractor.serve
    from extractor.cli import main

    seen = {}
    monkeypatch.setattr(extractor.serve, "serve", lambda host, port, workers, settings: seen.update(settings=settings))
    assert main(["serve", "--pipeline", str(saved)]) == 0
    assert seen["settings"].pipeline == str(saved.resolve())
    assert main(["serve"]) == 0 and seen["settings"].pipeline is None
