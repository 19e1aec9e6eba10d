"""Faults a batch job meets in production (issue 19): names that are not UTF-8, workers
that die, signals, overlapping jobs, a full disk, hostile files and schedulers.

Process faults run on a stand-in pipeline (tests/batch_fakes.py) that loads at once,
so only the few tests that must go through the real command load spaCy.
"""
from __future__ import annotations

import errno
import fcntl
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from batch_fakes import FakeExtractor, fake_extractor, task
from conftest import ROOT
from extractor.batch import dask_engine
from extractor.batch.jobs import BatchError, run_batch, scan_inputs
from extractor.batch.pool import process_pool
from extractor.docids import unescape
from extractor.outputs import OutputError

TESTS = Path(__file__).resolve().parent
LINUX = sys.platform.startswith("linux")


def lines(path: Path) -> list[dict]:
    raw = path.read_bytes()
    assert not raw or raw.endswith(b"\n"), "the file ends with a complete line"
    return [json.loads(line) for line in raw.decode("utf-8").splitlines()]  # strict UTF-8


def cli(*args, **kw):
    return subprocess.run([sys.executable, "-m", "extractor", *map(str, args)], cwd=ROOT,
                          capture_output=True, timeout=kw.pop("timeout", 120), **kw)


def one_line_error(proc, status: int, message: str) -> None:
    stderr = proc.stderr.decode("utf-8") if isinstance(proc.stderr, bytes) else proc.stderr
    assert proc.returncode == status, stderr
    assert stderr.count("\n") == 1 and message in stderr and "Traceback" not in stderr, stderr


def within(seconds: float, fn, *args, **kw):
    """fn's result, or a failure if it takes longer (it may block for ever: a daemon thread)."""
    out: dict = {}

    def run():
        try:
            out["value"] = fn(*args, **kw)
        except BaseException as exc:  # handed to the test below
            out["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"{getattr(fn, '__name__', fn)} still running after {seconds} s"
    if "error" in out:
        raise out["error"]
    return out["value"]


# --- names that are not UTF-8 -------------------------------------------------------------

def test_a_file_name_that_is_not_utf8_is_an_escaped_doc_id_and_resume_works(extractor, tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    latin = docs / (os.fsdecode(b"caf\xe9") + ".txt")
    latin.write_text("La société Raidium lève 5 M€.", encoding="utf-8")
    (docs / "ok.txt").write_text("Kelvia lève 3 M€.", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    summary = run_batch([docs], out, workers=1, extractor=extractor)
    assert (summary.records, summary.errors) == (2, 0)
    ids = sorted(r["doc_id"] for r in lines(out))
    assert ids == ["caf\\xe9", "ok"]
    assert (docs / (unescape(ids[0]) + ".txt")).read_bytes() == latin.read_bytes(), "reversible"
    again = run_batch([docs], out, workers=1, resume=True, extractor=extractor)
    assert (again.skipped, again.records) == (2, 0)


def test_lone_surrogates_in_jsonl_doc_ids_and_texts(extractor, tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(json.dumps(d) for d in [  # ensure_ascii: "\ud800" is written as an escape
        {"doc_id": "a\ud800", "text": "Raidium lève 5 M€."},
        {"doc_id": "b", "text": "Raidium \udce9 lève 5 M€."},
        {"doc_id": "c", "text": "Kelvia lève 3 M€."},
    ]) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    summary = run_batch([source], out, workers=1, extractor=extractor)
    assert (summary.records, summary.errors) == (2, 1)
    assert sorted(r["doc_id"] for r in lines(out)) == ["a\\ud800", "c"]
    (failure,) = lines(tmp_path / "out.errors.jsonl")
    assert failure["doc_id"] == "b" and failure["stage"] == "extract" and "lone surrogate" in failure["reason"]


def test_extract_output_is_utf8_and_a_fifo_is_refused_not_read(tmp_path):
    """One run of the real command for two defects: a name that is not UTF-8 reached
    standard output as a raw byte, and a FIFO in the folder hung the command."""
    (tmp_path / (os.fsdecode(b"caf\xe9") + ".txt")).write_text("La société Raidium lève 5 M€.", encoding="utf-8")
    (tmp_path / "ok.txt").write_text("Kelvia lève 3 M€.", encoding="utf-8")
    os.mkfifo(tmp_path / "pipe.txt")
    proc = cli("extract", tmp_path, timeout=90)
    assert proc.returncode == 1, proc.stderr
    ids = [json.loads(line)["doc_id"] for line in proc.stdout.decode("utf-8").splitlines()]  # strict UTF-8
    assert ids == ["caf\\xe9", "ok"]
    assert "pipe.txt: not a regular file (a FIFO)" in proc.stderr.decode("utf-8")


# --- worker processes ---------------------------------------------------------------------

def test_a_worker_killed_while_idle_is_replaced_and_no_document_is_lost():
    todo = [task("busy", "sleep 2"), task("quick", "ok"), *(task(f"after{i}", "ok") for i in range(3))]
    results = []
    for result in process_pool(iter(todo), workers=2, timeout=30, factory=fake_extractor):
        results.append(result)
        if result["doc_id"] == "quick":  # its worker is idle now: kill it
            os.kill(json.loads(result["record"])["pid"], signal.SIGKILL)
    assert sorted(r["doc_id"] for r in results) == sorted(t["doc_id"] for t in todo)
    assert all("record" in r for r in results), results


def test_a_document_whose_worker_dies_is_tried_once_more_then_fails(tmp_path):
    todo = [task("lethal", "die"), task("unlucky", f"die-once {tmp_path / 'flag'}"), task("fine", "ok")]
    results = {r["doc_id"]: r for r in process_pool(iter(todo), workers=2, timeout=30, factory=fake_extractor)}
    assert "record" in results["unlucky"] and "record" in results["fine"]
    assert results["lethal"]["stage"] == "worker" and "2 time(s)" in results["lethal"]["reason"]


def test_a_worker_obeys_the_time_limit_itself():
    todo = [task("first", "ok"), task("endless", "spin"), task("next", "ok")]
    results = {r["doc_id"]: r for r in process_pool(iter(todo), workers=1, timeout=1.0, factory=fake_extractor)}
    assert results["endless"]["stage"] == "timeout" and "killed" not in results["endless"]["reason"]
    pids = {json.loads(results[d]["record"])["pid"] for d in ("first", "next")}
    assert len(pids) == 1, "the same worker went on: it stopped the document itself"


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def _wait_for(condition, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.05)


# The job's own command line, with the stand-in pipeline in its workers.
LAUNCHER = f"""
import sys
sys.path.insert(0, {str(TESTS)!r})
from batch_fakes import fake_extractor
from extractor import cli
from extractor.batch import pool
pool.load_extractor = fake_extractor
sys.exit(cli.main(sys.argv[1:]))
"""


@pytest.mark.skipif(not LINUX, reason="reads /proc to see whether the worker is alive")
@pytest.mark.parametrize("how", ["SIGTERM", "SIGKILL"])
def test_workers_end_with_the_job_and_sigterm_exits_143(tmp_path, how):
    docs = tmp_path / "docs"
    docs.mkdir()
    pidfile = tmp_path / "worker.pid"
    (docs / "a_busy.txt").write_text(f"pidfile {pidfile}", encoding="utf-8")
    for i in range(3):
        (docs / f"b{i}.txt").write_text("ok", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    job = subprocess.Popen([sys.executable, "-c", LAUNCHER, "batch", docs, "-o", out, "--workers", "2"],
                           cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        _wait_for(lambda: pidfile.exists() and pidfile.read_text() and out.exists()
                  and out.read_bytes().count(b"\n") == 3, 60, "the job did not get going")
        worker = int(pidfile.read_text())
        job.send_signal(getattr(signal, how))
        _, stderr = job.communicate(timeout=30)
    finally:
        job.kill()
    _wait_for(lambda: not _alive(worker), 10, f"the busy worker outlived the job ({how})")
    assert len(lines(out)) == 3, "only complete lines: resumable"
    if how == "SIGTERM":
        assert job.returncode == 143, stderr
        assert "terminated" in stderr and "--resume" in stderr and "Traceback" not in stderr


# --- overlapping jobs -------------------------------------------------------------------------

def test_a_second_job_on_a_locked_output_stops_and_loses_nothing(tmp_path):
    (tmp_path / "a.txt").write_text("Raidium lève 5 M€.", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    out.write_text('{"doc_id": "from the running job"}\n', encoding="utf-8")
    with out.open("rb") as held:
        fcntl.flock(held, fcntl.LOCK_EX)  # as the running job holds it
        proc = cli("batch", tmp_path / "a.txt", "-o", out, "--workers", 1)
    one_line_error(proc, 2, "in use by another job")
    assert out.read_text(encoding="utf-8") == '{"doc_id": "from the running job"}\n'


def test_the_errors_file_is_locked_too(tmp_path):
    (tmp_path / "a.txt").write_text("ok", encoding="utf-8")
    err = tmp_path / "err.jsonl"
    err.write_text("kept\n", encoding="utf-8")
    with err.open("rb") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        with pytest.raises(BatchError, match="in use by another job"):
            run_batch([tmp_path / "a.txt"], tmp_path / "out.jsonl", errors=err, workers=1, extractor=FakeExtractor())
    assert err.read_text(encoding="utf-8") == "kept\n"


def test_resume_repairs_repeated_records(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    for name in ("d0", "d1", "d2"):
        (docs / f"{name}.txt").write_text("ok", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    first = [{"doc_id": d, "run": 1} for d in ("d0", "d1")]
    second = [{"doc_id": d, "run": 2} for d in ("d0", "d1")]
    out.write_text("".join(json.dumps(r) + "\n" for r in (first[0], second[0], first[1], second[1])), encoding="utf-8")
    summary = run_batch([docs], out, workers=1, resume=True, extractor=FakeExtractor())
    assert (summary.skipped, summary.records) == (2, 1)
    got = lines(out)
    assert [r["doc_id"] for r in got] == ["d0", "d1", "d2"]
    assert [r.get("run") for r in got[:2]] == [1, 1], "the first record of each doc_id is kept"


# --- a full disk -------------------------------------------------------------------------------

@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
@pytest.mark.parametrize("command", ["batch", "extract", "convert", "evaluate"])
def test_disk_full_is_one_line_and_status_74(tmp_path, command):
    from conftest import FIXTURES, SEED_ID

    text = tmp_path / "a.txt"
    text.write_text("Raidium lève 5 M€.", encoding="utf-8")
    args = {
        "batch": ["batch", text, "-o", "/dev/full", "--errors", tmp_path / "err.jsonl", "--workers", 1],
        "extract": ["extract", text, "-o", "/dev/full"],
        "convert": ["convert", FIXTURES / "gold", "--to", "labelstudio", "-o", "/dev/full"],
        "evaluate": ["evaluate", "--gold", FIXTURES / "gold" / f"{SEED_ID}.json",
                     "--pred", FIXTURES / "gold" / f"{SEED_ID}.json", "--html", "/dev/full"],
    }[command]
    proc = cli(*args, timeout=90)
    one_line_error(proc, 74, "No space left on device")


def test_disk_full_mid_job_leaves_complete_lines_and_resume_finishes(tmp_path, monkeypatch):
    from extractor.batch import outputs

    docs = tmp_path / "docs"
    docs.mkdir()
    for i in range(5):
        (docs / f"d{i}.txt").write_text("ok", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    real_write, written = os.write, []

    def filling(fd, data):
        if len(written) == 2:  # the disk fills up in the middle of the third record
            real_write(fd, bytes(data[:10]))
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        written.append(fd)
        return real_write(fd, data)

    monkeypatch.setattr(outputs.os, "write", filling)
    with pytest.raises(OutputError, match="No space left on device"):
        run_batch([docs], out, workers=1, extractor=FakeExtractor())
    monkeypatch.undo()
    assert [r["doc_id"] for r in lines(out)] == ["d0", "d1"]
    summary = run_batch([docs], out, workers=1, resume=True, extractor=FakeExtractor())
    assert (summary.skipped, summary.records) == (2, 3)


# --- Dask ---------------------------------------------------------------------------------------

def _server(answer: bytes | None):
    """A local server that accepts connections and never answers, or answers `answer`."""
    srv = socket.create_server(("127.0.0.1", 0))
    held = []

    def serve():
        while True:
            try:
                conn, _ = srv.accept()
            except OSError:  # closed by the test
                return
            held.append(conn)
            if answer:
                conn.sendall(answer)

    threading.Thread(target=serve, daemon=True).start()
    return srv


@pytest.mark.parametrize("answer, message", [
    (None, "no answer within 2 s"),
    (b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n" * 4, "does not speak the Dask protocol"),
], ids=["silent", "another-protocol"])
def test_a_hostile_scheduler_is_one_line_within_the_connect_timeout(tmp_path, answer, message):
    pytest.importorskip("distributed")
    (tmp_path / "in.jsonl").write_text(json.dumps({"doc_id": "a", "text": "ok"}) + "\n", encoding="utf-8")
    srv = _server(answer)
    try:
        started = time.monotonic()
        proc = cli("batch", tmp_path / "in.jsonl", "-o", tmp_path / "out.jsonl",
                   "--scheduler", f"tcp://127.0.0.1:{srv.getsockname()[1]}", "--connect-timeout", 2, timeout=60)
    finally:
        srv.close()
    one_line_error(proc, 2, message)
    assert time.monotonic() - started < 30


def test_on_dask_the_worker_stops_a_document_at_the_limit(monkeypatch):
    pytest.importorskip("distributed")
    monkeypatch.setattr(dask_engine, "_process_pipeline", lambda pipeline=None: (FakeExtractor(), threading.Lock()))
    # Dask runs tasks in threads other than the main one, as here.
    result = within(15, dask_engine.run_on_worker, task("endless", "spin"), 1.0)
    assert result["stage"] == "timeout"


# --- inputs -----------------------------------------------------------------------------------

def test_fifos_and_devices_are_refused_in_a_batch(tmp_path):
    os.mkfifo(tmp_path / "pipe.txt")
    (tmp_path / "ok.txt").write_text("ok", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    summary = within(20, run_batch, [tmp_path], out, workers=1, extractor=FakeExtractor())
    assert (summary.records, summary.errors) == (1, 1)
    (failure,) = lines(tmp_path / "out.errors.jsonl")
    assert failure["doc_id"] == "pipe" and "not a regular file (a FIFO)" in failure["reason"]
    named = within(20, run_batch, [tmp_path / "pipe.txt"], tmp_path / "o2.jsonl", workers=1, extractor=FakeExtractor())
    assert named.errors == 1


def test_max_bytes_holds_for_a_character_device():
    # In a child with little memory: before the fix, /dev/zero was read until memory ran out.
    code = ("import resource, sys\n"
            "resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))\n"
            "from extractor.textio import InputError, read_text\n"
            "try:\n    read_text('/dev/zero', 1000)\nexcept InputError as exc:\n    print(exc)\n")
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert "/dev/zero: not a regular file (a character device)" in proc.stdout, proc.stderr


def test_folders_left_out_are_reported(tmp_path, monkeypatch):
    from extractor.batch import inputs

    docs = tmp_path / "docs"
    (docs / "locked").mkdir(parents=True)
    (docs / "locked" / "hidden.txt").write_text("ok", encoding="utf-8")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "linked.txt").write_text("ok", encoding="utf-8")
    (docs / "link").symlink_to(tmp_path / "elsewhere")
    (docs / "a.txt").write_text("ok", encoding="utf-8")
    real_scandir = os.scandir

    def scandir(path):  # the tests run as root, for whom no folder is unreadable
        if Path(path).name == "locked":
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))
        return real_scandir(path)

    monkeypatch.setattr(inputs.os, "scandir", scandir)
    notes = []
    summary = run_batch([docs], tmp_path / "out.jsonl", workers=1, extractor=FakeExtractor(), on_note=notes.append)
    assert summary.records == 1 and summary.unreadable_folders == 1
    assert any("locked: cannot list this folder (Permission denied)" in n for n in notes), notes
    assert any("link: a symbolic link to a folder, not followed" in n for n in notes), notes


def test_a_hard_link_to_an_input_is_that_input(tmp_path, capsys):
    from extractor.cli import UsageError, check_output, main

    text = tmp_path / "a.txt"
    text.write_text("Raidium lève 5 M€.", encoding="utf-8")
    os.link(text, tmp_path / "out.jsonl")
    with pytest.raises(BatchError, match="an input is also an output"):
        run_batch([text], tmp_path / "out.jsonl", workers=1, extractor=FakeExtractor())
    with pytest.raises(UsageError, match="output file is also an input"):  # extract -o, evaluate --html
        check_output(str(tmp_path / "out.jsonl"), [text])
    assert text.read_text(encoding="utf-8") == "Raidium lève 5 M€."
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps({"schema": "press-record/1", "doc_id": "a", "document_date": None}) + "\n",
                    encoding="utf-8")
    os.link(gold, tmp_path / "copy.jsonl")
    assert main(["convert", str(gold), "--to", "record", "-o", str(tmp_path / "copy.jsonl")]) == 2
    assert "output is also an input" in capsys.readouterr().err
    assert json.loads(gold.read_text(encoding="utf-8"))["doc_id"] == "a"


def test_batch_jsonl_nested_too_deep_or_with_huge_numbers_stops_in_one_line(tmp_path):
    deep = tmp_path / "deep.jsonl"
    deep.write_text('{"doc_id": "a", "text": ' + "[" * 100_000 + "]" * 100_000 + "}\n", encoding="utf-8")
    with pytest.raises(BatchError, match="deep.jsonl:1: .*nested too deeply"):
        scan_inputs([deep])
    big = tmp_path / "big.jsonl"
    big.write_text('{"doc_id": "a", "n": ' + "9" * 5001 + "}\n", encoding="utf-8")
    with pytest.raises(BatchError, match="big.jsonl:1: .*unreadable JSON value"):
        scan_inputs([big])


def test_timeout_is_bounded(tmp_path):
    (tmp_path / "a.txt").write_text("ok", encoding="utf-8")
    with pytest.raises(BatchError, match="at most 604800"):
        run_batch([tmp_path], tmp_path / "out.jsonl", workers=1, timeout=1e10, extractor=FakeExtractor())
    proc = cli("batch", tmp_path, "-o", tmp_path / "out.jsonl", "--timeout", "1e10")
    assert proc.returncode == 2 and b"at most 604800" in proc.stderr
