"""Batch jobs: many press releases in, one JSONL line per document out.

    sources (files, folders, JSONL)  ──► tasks (texts, read here)  ──► engine
        ──► OUT.jsonl (one record per document)  +  ERR.jsonl (one line per failure)

What the job promises:
- every record is one complete line, written (one `write`) as soon as its document
  is done; after a kill, `resume=True` drops a cut-off last line, drops repeated
  records of one doc_id and skips the doc_ids already in OUT, so the finished job
  has exactly one record per document;
- a document that fails (unreadable, not text, empty, too large, too slow, an
  exception in extraction, a worker that died twice on it) becomes one line in ERR
  and the job goes on; failures are retried on resume, and ERR then lists the
  failures of the last run only;
- OUT and ERR are locked for the whole job: a second job on them stops at once;
- two inputs with the same doc_id stop the job before any work starts;
- only a bounded number of texts is in memory at any time.

doc_ids only ever appear inside JSON values: no path is built from them.
"""
from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import IO, Any, Callable, Iterator

from ..docids import printable
from ..text import DEFAULT_MAX_PAGES, Limits
from ..textio import DEFAULT_MAX_BYTES, InputError
from .engines import MAX_TIMEOUT, EngineError, Result, Task, failure, in_process, load_extractor
from .inputs import BatchError, Reader, Source, date_from_name, scan, scan_inputs
from .outputs import LineFile, check_outputs, completed_ids, default_errors_path

__all__ = ["run_batch", "BatchError", "Summary", "Progress", "DEFAULT_TIMEOUT", "scan_inputs", "completed_ids",
           "default_errors_path", "date_from_name", "Source"]

# Generous for a press release; the limit exists to stop a pathological input
# from holding a worker forever, not to police slow machines.
DEFAULT_TIMEOUT = 120.0
# How long to wait for a Dask scheduler to answer before giving up.
DEFAULT_CONNECT_TIMEOUT = 20.0


@dataclass
class Summary:
    documents: int  # in the inputs
    skipped: int  # already in OUT (resume)
    records: int  # written by this run
    errors: int  # written to ERR by this run
    seconds: float
    output: str
    errors_path: str
    notes: list[str] = field(default_factory=list)  # folders left out, one line each
    unreadable_folders: int = 0

    def line(self) -> str:
        rate = (self.records + self.errors) / self.seconds if self.seconds > 0 else 0.0
        resumed = f" ({self.skipped} already done)" if self.skipped else ""
        where = f"; failures in {printable(self.errors_path)}" if self.errors else ""
        folders = f", {self.unreadable_folders} folders unreadable" if self.unreadable_folders else ""
        return (f"{self.documents} documents{resumed}, {self.records} records, {self.errors} errors{folders}, "
                f"{self.seconds:.1f} s ({rate:.1f} docs/s){where}")


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
    max_pages: int = DEFAULT_MAX_PAGES,
    save_text: str | Path | None = None,
    timeout: float | None = DEFAULT_TIMEOUT,
    scheduler: str | None = None,
    connect_timeout: float = DEFAULT_CONNECT_TIMEOUT,
    progress: IO[str] | None = None,
    extractor=None,
    factory: Callable[[], Any] | None = None,
    pipeline: str | Path | None = None,
    on_result: Callable[[Result], None] | None = None,
    on_note: Callable[[str], None] | None = None,
) -> Summary:
    """Run a batch job and say what it did.

    `workers` defaults to the usable CPUs; 1 runs in this process (with
    `extractor` if given, else a new one); more run worker processes, each calling
    `factory` (picklable; default: a new Extractor) once. `pipeline`: a folder written
    by `extractor save-pipeline` (`nlp.to_disk`) that every worker loads instead of
    models/pipeline.cfg (not with `extractor` or `factory`; on a Dask cluster, each
    worker must be able to read it at its absolute path). `scheduler` ("local" or
    a Dask scheduler address) runs on Dask instead. `timeout` is per document,
    None for none. `on_result` is called with each result once it is written (to
    log, or time, the job); `on_note` with each folder left out, as it is found.
    `save_text` (an existing folder) receives each document's extracted text as
    DOC_ID.txt.
    Raises BatchError when the job cannot start or go on, OutputError when OUT or
    ERR cannot be written (what is in OUT stays complete and resumable).
    """
    workers = usable_cpus() if workers is None else workers
    if workers < 1:
        raise BatchError(f"workers must be at least 1, got {workers}")
    if max_bytes < 1:
        raise BatchError(f"max bytes must be at least 1, got {max_bytes}")
    if max_pages < 1:
        raise BatchError(f"max pages must be at least 1, got {max_pages}")
    if timeout is not None and not 0 < timeout <= MAX_TIMEOUT:
        raise BatchError(f"timeout must be more than 0 and at most {MAX_TIMEOUT:g} seconds, got {timeout}")
    if pipeline is not None:
        if extractor is not None or factory is not None:
            raise ValueError("run_batch: give a saved pipeline, an extractor or a factory, not several")
        from ..pipeline import PipelineError, check_saved

        try:
            # Checked before OUT is touched or a worker started; absolute, as workers may run elsewhere.
            pipeline = str(check_saved(pipeline))
        except PipelineError as exc:
            raise BatchError(str(exc)) from None
    output = Path(output)
    errors_path = Path(errors) if errors else default_errors_path(output)
    started = time.monotonic()
    found = scan(inputs, dates_from_names)
    for note in found.notes:
        if on_note is not None:
            on_note(note)
    sources = found.sources
    check_outputs(output, errors_path, sources)

    # Locked before anything is truncated: a second job on the same files stops
    # here, and the first one's lines stay. Without --resume both are emptied once the
    # job runs (its first line, or its end): a job whose workers cannot start (exit 2,
    # like every other "cannot run") leaves the previous run's lines where they were.
    out = LineFile(output, fresh=not resume)
    try:
        # Failures are retried on resume, so ERR is rewritten: it lists what failed
        # in this run, the run that finished the job.
        err = LineFile(errors_path, fresh=True)
    except BaseException:
        out.close()
        raise
    try:
        done = out.resume() if resume else set()
        todo = [s for s in sources if s.doc_id not in done]
        reader = Reader(Limits(max_bytes, max_pages), Path(save_text) if save_text else None)
        try:
            counts = _run(todo, out, err, reader, workers=workers, max_bytes=max_bytes, timeout=timeout,
                          scheduler=scheduler, connect_timeout=connect_timeout, progress=progress,
                          extractor=extractor, factory=factory, pipeline=pipeline, on_result=on_result)
        except BatchError:
            raise
        except BaseException:
            # Interrupted or unable to write: the job ran, and --resume finishes it from OUT.
            _settle(out, err)
            raise
        _settle(out, err)
    finally:
        out.close()
        err.close()
    return Summary(len(sources), len(sources) - len(todo), counts["records"], counts["errors"],
                   time.monotonic() - started, str(output), str(errors_path), found.notes, found.unreadable)


def _settle(*files: LineFile) -> None:
    for f in files:
        f.settle()


def _run(todo: list[Source], out: LineFile, err: LineFile, reader: Reader, *, workers: int, max_bytes: int,
         timeout: float | None, scheduler: str | None, connect_timeout: float, progress: IO[str] | None,
         extractor, factory, pipeline: str | None, on_result: Callable[[Result], None] | None) -> dict[str, int]:
    counts = {"records": 0, "errors": 0}
    bar = Progress(len(todo), progress)

    def report(result: Result) -> None:
        _settle(out, err)  # one run's lines in both files, never this run's beside the last one's
        if "record" in result:
            try:
                out.write(result["record"])
                counts["records"] += 1
            except UnicodeEncodeError as exc:  # kept out of OUT: every output stays valid UTF-8
                result = failure(result, "extract", f"the record is not valid Unicode ({exc.reason})")
        if "record" not in result:
            err.write({k: printable(v) if isinstance(v, str) else v
                       for k, v in ((k, result.get(k)) for k in ("doc_id", "path", "stage", "reason"))})
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

    results: Iterator[Result] | None = None
    try:
        if scheduler:
            from .dask_engine import dask_engine

            results = dask_engine(tasks(), scheduler, workers, timeout, connect_timeout, pipeline)
        elif workers == 1:
            results = in_process(tasks(), timeout, extractor, pipeline)
        else:
            from .pool import process_pool

            if pipeline:
                factory = partial(load_extractor, pipeline)  # picklable: each spawned worker calls it
            results = process_pool(tasks(), workers, timeout, factory)
        for result in results:
            report(result)
    except EngineError as exc:
        raise BatchError(str(exc)) from None
    finally:
        if results is not None:
            results.close()  # now, not when collected: stops the workers, even on a signal
        bar.close(counts["records"] + counts["errors"], counts["errors"])
        reader.close()
    return counts
