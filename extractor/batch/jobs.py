"""Batch jobs: many press releases in, one JSONL line per document out.

    sources (files, folders, JSONL)  ──► tasks (texts, read here)  ──► engine
        ──► OUT.jsonl (one record per document)  +  ERR.jsonl (one line per failure)

What the job promises:
- every record is one complete line, written (one `write`) as soon as its document
  is done; after a kill, `resume=True` drops a cut-off last line and skips the
  doc_ids already in OUT, so the finished job has exactly one record per document;
- a document that fails (unreadable, not text, empty, too large, too slow, an
  exception in extraction) becomes one line in ERR and the job goes on; failures
  are retried on resume, and ERR then lists the failures of the last run only;
- two inputs with the same doc_id stop the job before any work starts;
- only a bounded number of texts is in memory at any time.

doc_ids only ever appear inside JSON values: no path is built from them.
"""
from __future__ import annotations

import json
import os
import re
import sys
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO, Any, Callable, Iterator

from .engines import EngineError, Result, Task, in_process, process_pool
from ..inputs import from_bytes
from ..textio import DEFAULT_MAX_BYTES, InputError, read_bytes

# Generous for a press release; the limit exists to stop a pathological input
# from holding a worker forever, not to police slow machines.
DEFAULT_TIMEOUT = 120.0


class BatchError(ValueError):
    """The job cannot start or go on (bad inputs, duplicate doc_ids, ...); one line."""


@dataclass(frozen=True)
class Source:
    doc_id: str
    path: str  # a text file, or the JSONL file holding the document
    document_date: str | None = None
    line: int | None = None  # JSONL only: line number (for messages) ...
    offset: int | None = None  # ... and byte offset of that line


@dataclass
class Summary:
    documents: int  # in the inputs
    skipped: int  # already in OUT (resume)
    records: int  # written by this run
    errors: int  # written to ERR by this run
    seconds: float
    output: str
    errors_path: str

    def line(self) -> str:
        rate = (self.records + self.errors) / self.seconds if self.seconds > 0 else 0.0
        resumed = f" ({self.skipped} already done)" if self.skipped else ""
        where = f"; failures in {self.errors_path}" if self.errors else ""
        return (f"{self.documents} documents{resumed}, {self.records} records, {self.errors} errors, "
                f"{self.seconds:.1f} s ({rate:.1f} docs/s){where}")


# --- inputs ---------------------------------------------------------------------

_NAME_DATE = re.compile(r"(?<!\d)(\d{4})(-?)(\d{2})\2(\d{2})(?!\d)")


def date_from_name(name: str) -> str | None:
    """The first real calendar date written YYYY-MM-DD or YYYYMMDD in a name.

    >>> date_from_name("idf-2025-06-12-vivatech"), date_from_name("cp_20240131"), date_from_name("2025-02-30")
    ('2025-06-12', '2024-01-31', None)
    >>> date_from_name("96300efdaabbe5f0"), date_from_name("2025-0612")
    (None, None)
    """
    for m in _NAME_DATE.finditer(name):
        try:
            return date(int(m[1]), int(m[3]), int(m[4])).isoformat()
        except ValueError:
            continue
    return None


def scan_inputs(inputs: list[str | Path], dates_from_names: bool = False) -> list[Source]:
    """Every document of the job, without reading texts; duplicate doc_ids are an error."""
    sources: list[Source] = []
    for raw in inputs:
        p = Path(raw)
        if p.is_dir():
            found = sorted(f for f in p.rglob("*.txt") if f.is_file())
            if not found:
                raise BatchError(f"{p}: folder holds no .txt files")
            sources.extend(_file_source(f, dates_from_names) for f in found)
        elif p.is_file() and p.suffix == ".jsonl":
            sources.extend(_jsonl_sources(p, dates_from_names))
        elif p.exists():
            sources.append(_file_source(p, dates_from_names))
        else:
            raise BatchError(f"{p}: no such file or folder")
    first: dict[str, Source] = {}
    for s in sources:
        if s.doc_id in first:
            raise BatchError(f"doc_id {s.doc_id!r} appears twice: {_where(first[s.doc_id])} and {_where(s)}")
        first[s.doc_id] = s
    return sources


def _where(s: Source) -> str:
    return f"{s.path}:{s.line}" if s.line is not None else s.path


def _file_source(path: Path, dates_from_names: bool) -> Source:
    return Source(path.stem, str(path), date_from_name(path.name) if dates_from_names else None)


def _jsonl_sources(path: Path, dates_from_names: bool) -> Iterator[Source]:
    """One source per line. A line without a usable doc_id cannot be reported as a
    document's failure, so it stops the job; anything else wrong with a line is
    that document's failure, found when it is read."""
    offset = 0
    with path.open("rb") as fh:
        for lineno, raw in enumerate(fh, 1):
            here, offset = offset, offset + len(raw)
            if not raw.strip():
                continue
            try:
                data = json.loads(raw)
            except ValueError as exc:  # JSONDecodeError and UnicodeDecodeError alike
                raise BatchError(f"{path}:{lineno}: not a JSON line ({exc})") from None
            doc_id = data.get("doc_id") if isinstance(data, dict) else None
            if not isinstance(doc_id, str) or not doc_id:
                raise BatchError(f"{path}:{lineno}: expected an object with a non-empty string \"doc_id\"")
            ddate = data.get("document_date")
            if ddate is None and dates_from_names:
                ddate = date_from_name(doc_id)
            yield Source(doc_id, str(path), ddate, lineno, here)


class _Reader:
    """Texts of sources, read one at a time when an engine asks for the next task."""

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self._jsonl: dict[str, IO[bytes]] = {}

    def task(self, s: Source) -> Task:
        """The task for a source, or InputError saying why it cannot be read."""
        if s.offset is None:
            doc = from_bytes(read_bytes(s.path, self.max_bytes), Path(s.path).name, s.document_date, where=s.path)
            return {"doc_id": s.doc_id, "path": s.path, "text": doc.text, "document_date": s.document_date,
                    "extra": doc.meta()["extra"]}
        fh = self._jsonl.get(s.path)
        if fh is None:
            fh = self._jsonl[s.path] = open(s.path, "rb")
        fh.seek(s.offset)
        raw = fh.readline()
        where = _where(s)
        if len(raw) > self.max_bytes:
            raise InputError(f"{where}: line of {len(raw)} bytes, over the limit of {self.max_bytes}")
        text = json.loads(raw).get("text")
        if not isinstance(text, str):
            raise InputError(f"{where}: \"text\" is missing or not a string")
        if not text.strip():
            raise InputError(f"{where}: empty text")
        if "\x00" in text:
            raise InputError(f"{where}: binary data (NUL characters), not a text")
        ddate = s.document_date
        if ddate is not None and not (isinstance(ddate, str) and _is_iso_day(ddate)):
            raise InputError(f"{where}: document_date {ddate!r} is not YYYY-MM-DD")
        return {"doc_id": s.doc_id, "path": s.path, "text": text, "document_date": ddate, "extra": None}

    def close(self) -> None:
        for fh in self._jsonl.values():
            fh.close()


def _is_iso_day(value: str) -> bool:
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return len(value) == 10


# --- outputs --------------------------------------------------------------------

class LineFile:
    """An append-only JSONL file written one whole line per system call.

    No Python buffer sits between a finished document and the file: a killed job
    loses at most the line being written, which `completed_ids` then drops.
    """

    def __init__(self, path: Path, fresh: bool):
        flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND | (os.O_TRUNC if fresh else 0)
        self._fd = os.open(path, flags, 0o644)

    def write(self, obj: Any) -> None:
        data = (obj if isinstance(obj, str) else json.dumps(obj, ensure_ascii=False)).encode("utf-8") + b"\n"
        view = memoryview(data)
        while view:
            view = view[os.write(self._fd, view):]

    def close(self) -> None:
        os.close(self._fd)


def completed_ids(path: Path) -> set[str]:
    """doc_ids with a complete record in OUT; a cut-off last line is removed from the file."""
    if not path.exists():
        return set()
    ids: set[str] = set()
    complete = 0
    with path.open("rb+") as fh:
        for lineno, raw in enumerate(fh, 1):
            if not raw.endswith(b"\n"):
                break  # written by a job killed mid-write: its document is redone
            try:
                data = json.loads(raw) if raw.strip() else {}
            except ValueError:
                raise BatchError(f"{path}:{lineno}: not a JSON line; cannot resume over it") from None
            if raw.strip():
                doc_id = data.get("doc_id") if isinstance(data, dict) else None
                if not isinstance(doc_id, str):
                    raise BatchError(f"{path}:{lineno}: a line without a doc_id; cannot resume over it")
                ids.add(doc_id)
            complete += len(raw)
        if fh.seek(0, os.SEEK_END) != complete:
            fh.truncate(complete)
    return ids


def default_errors_path(output: Path) -> Path:
    """results.jsonl -> results.errors.jsonl (beside it: derived from OUT, never from a doc_id)."""
    stem = output.name[: -len(".jsonl")] if output.name.endswith(".jsonl") else output.name
    return output.with_name(stem + ".errors.jsonl")


def _check_outputs(output: Path, errors: Path, sources: list[Source]) -> None:
    for p, what in ((output, "output"), (errors, "errors file")):
        if not p.parent.is_dir():
            raise BatchError(f"{p}: folder {p.parent} does not exist")
        if p.is_dir():
            raise BatchError(f"{p}: is a folder, expected a file ({what})")
    if output.resolve() == errors.resolve():
        raise BatchError(f"{output}: the output and the errors file must differ")
    written = {output.resolve(), errors.resolve()}
    for s in sources:
        if Path(s.path).resolve() in written:
            raise BatchError(f"{s.path}: an input is also an output of the job")


# --- progress ---------------------------------------------------------------------

class Progress:
    """One self-rewriting status line on a terminal; silent elsewhere (logs, pipes)."""

    def __init__(self, total: int, stream: IO[str] | None = None, every: float = 0.25):
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = self.stream.isatty()
        self.total, self.every = total, every
        self.started = self._shown = time.monotonic()

    def update(self, done: int, errors: int, force: bool = False) -> None:
        now = time.monotonic()
        if not self.enabled or (now - self._shown < self.every and not force):
            return
        self._shown = now
        rate = done / (now - self.started) if now > self.started else 0.0
        eta = _duration((self.total - done) / rate) if rate > 0 else "?"
        width = 24
        filled = width * done // self.total if self.total else width
        bar = "#" * filled + "-" * (width - filled)
        self.stream.write(f"\r[{bar}] {done}/{self.total} docs  {rate:.1f} docs/s  {errors} errors  ETA {eta}  ")
        self.stream.flush()

    def close(self, done: int, errors: int) -> None:
        if self.enabled:
            self.update(done, errors, force=True)
            self.stream.write("\n")
            self.stream.flush()


def _duration(seconds: float) -> str:
    s = int(seconds)
    return f"{s // 3600}h{s // 60 % 60:02d}m" if s >= 3600 else f"{s // 60}m{s % 60:02d}s"


# --- the job ----------------------------------------------------------------------

def usable_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def run_batch(
    inputs: list[str | Path],
    output: str | Path,
    *,
    errors: str | Path | None = None,
    workers: int | None = None,
    resume: bool = False,
    dates_from_names: bool = False,
    max_bytes: int = DEFAULT_MAX_BYTES,
    timeout: float | None = DEFAULT_TIMEOUT,
    scheduler: str | None = None,
    progress: IO[str] | None = None,
    extractor=None,
    on_result: Callable[[Result], None] | None = None,
) -> Summary:
    """Run a batch job and say what it did.

    `workers` defaults to the usable CPUs; 1 runs in this process (with
    `extractor` if given, else a new one). `scheduler` ("local" or a Dask
    scheduler address) runs on Dask instead. `timeout` is per document, None for
    none. `on_result` is called with each result once it is written (to log,
    or time, the job). Raises BatchError when the job cannot start or go on.
    """
    workers = usable_cpus() if workers is None else workers
    if workers < 1:
        raise BatchError(f"workers must be at least 1, got {workers}")
    if max_bytes < 1:
        raise BatchError(f"max bytes must be at least 1, got {max_bytes}")
    if timeout is not None and timeout <= 0:
        raise BatchError(f"timeout must be positive, got {timeout}")
    output = Path(output)
    errors_path = Path(errors) if errors else default_errors_path(output)
    started = time.monotonic()
    sources = scan_inputs(inputs, dates_from_names)
    _check_outputs(output, errors_path, sources)
    done = completed_ids(output) if resume else set()
    todo = [s for s in sources if s.doc_id not in done]

    counts = {"records": 0, "errors": 0}
    out = LineFile(output, fresh=not resume)
    # Failures are retried on resume, so ERR is rewritten: it lists what failed
    # in this run, the run that finished the job.
    err = LineFile(errors_path, fresh=True)
    reader = _Reader(max_bytes)
    bar = Progress(len(todo), progress)

    def report(result: Result) -> None:
        if "record" in result:
            out.write(result["record"])
            counts["records"] += 1
        else:
            err.write({k: result.get(k) for k in ("doc_id", "path", "stage", "reason")})
            counts["errors"] += 1
        bar.update(counts["records"] + counts["errors"], counts["errors"])
        if on_result is not None:
            on_result(result)

    def tasks() -> Iterator[Task]:
        # Unreadable documents never reach a worker: they fail here, in order.
        for s in todo:
            try:
                yield reader.task(s)
            except InputError as exc:
                report({"doc_id": s.doc_id, "path": s.path, "stage": "read", "reason": str(exc)})

    try:
        if scheduler:
            from .dask_engine import dask_engine

            results = dask_engine(tasks(), scheduler, workers, timeout)
        elif workers == 1:
            results = in_process(tasks(), timeout, extractor)
        else:
            results = process_pool(tasks(), workers, timeout)
        for result in results:
            report(result)
    except EngineError as exc:
        raise BatchError(str(exc)) from None
    finally:
        bar.close(counts["records"] + counts["errors"], counts["errors"])
        reader.close()
        out.close()
        err.close()
    return Summary(len(sources), len(sources) - len(todo), counts["records"], counts["errors"],
                   time.monotonic() - started, str(output), str(errors_path))
