"""Where a batch job's documents are extracted: this process, or a pool of worker
processes this module controls.

An engine takes an iterator of tasks and yields one result per task, in any
order. Tasks and results are plain dicts of strings, so only texts and JSON
lines cross process boundaries, never spaCy objects:

    task   {"doc_id", "path", "text", "document_date", "document_date_source", "date_hints", "extra"}
    result {"doc_id", "path", "record": JSON line}
        or {"doc_id", "path", "stage": "extract" | "timeout" | "worker", "reason"}

Engines pull a task only when a worker is free, so the number of documents in
memory stays bounded whatever the size of the job.
"""
from __future__ import annotations

import multiprocessing
import signal
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any, Iterator

Task = dict[str, Any]
Result = dict[str, Any]


class EngineError(RuntimeError):
    """The job as a whole cannot go on (e.g. a worker cannot load the pipeline)."""


def failure(task: Task, stage: str, reason: str) -> Result:
    return {"doc_id": task["doc_id"], "path": task.get("path"), "stage": stage, "reason": reason}


def extract_task(extractor, task: Task, timeout: float | None = None) -> Result:
    """Extract one task's record; any failure becomes an error result, never an exception."""
    meta = {key: task.get(key) for key in ("doc_id", "document_date", "document_date_source", "date_hints", "extra")}
    try:
        with _time_limit(timeout):
            record = next(extractor.pipe([(task["text"], meta)]))
    except _Timeout:
        return failure(task, "timeout", f"extraction took more than {timeout:g} s")
    except Exception as exc:  # one bad document must not stop the job: it becomes an error line
        return failure(task, "extract", f"{type(exc).__name__}: {exc}")
    return {"doc_id": task["doc_id"], "path": task.get("path"), "record": record.to_json()}


class _Timeout(BaseException):
    # BaseException, so that an `except Exception` inside a component cannot swallow it.
    pass


@contextmanager
def _time_limit(seconds: float | None):
    """Interrupt the block after `seconds` with SIGALRM.

    Only in the main thread of a process with SIGALRM (Unix); elsewhere the block
    runs unbounded. Python code is interrupted at once, a long call into C only
    when it returns: the worker pool's hard limit (killing the process) covers that.
    """
    usable = seconds and hasattr(signal, "SIGALRM") and threading.current_thread() is threading.main_thread()
    if not usable:
        yield
        return

    def expire(signum, frame):
        raise _Timeout()

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


# --- this process ---------------------------------------------------------------

def in_process(tasks: Iterator[Task], timeout: float | None, extractor=None) -> Iterator[Result]:
    if extractor is None:
        from ..api import Extractor

        try:
            extractor = Extractor()
        except Exception as exc:  # same report as a worker process's: the job cannot run
            raise EngineError(f"cannot load the pipeline: {type(exc).__name__}: {exc}") from exc
    for task in tasks:
        yield extract_task(extractor, task, timeout)


# --- a pool of worker processes ---------------------------------------------------

# spawn, not fork: a fresh interpreter per worker, safe whatever threads the parent
# runs (a Dask client, a test runner), and the same behaviour on every platform.
_CONTEXT = multiprocessing.get_context("spawn")


def _worker_main(conn: Connection) -> None:
    # The parent decides what an interrupt stops; it then ends the workers itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    from ..api import Extractor

    try:
        extractor = Extractor()
    except Exception as exc:  # reported to the parent, which stops the job with this message
        conn.send({"fatal": f"{type(exc).__name__}: {exc}"})
        return
    conn.send({"ready": True})
    while True:
        try:
            task = conn.recv()
        except EOFError:  # the parent is gone (killed): nobody wants the rest
            return
        if task is None:
            return
        result = extract_task(extractor, task)
        try:
            conn.send(result)
        except (BrokenPipeError, ConnectionResetError):
            return


@dataclass
class _Worker:
    process: Any
    conn: Connection
    ready: bool = False
    task: Task | None = None
    deadline: float | None = None

    @classmethod
    def start(cls) -> "_Worker":
        parent_end, child_end = _CONTEXT.Pipe()
        process = _CONTEXT.Process(target=_worker_main, args=(child_end,), name="extractor-worker", daemon=True)
        process.start()
        child_end.close()
        return cls(process, parent_end)

    def assign(self, task: Task, timeout: float | None) -> None:
        self.conn.send(task)
        self.task = task
        # The clock starts when the worker gets the text, never while it loads the model.
        self.deadline = time.monotonic() + timeout if timeout else None

    def stop(self, grace: float = 2.0) -> None:
        try:
            self.conn.send(None)
        except OSError:  # already gone: nothing to tell it
            pass
        self.process.join(grace)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.conn.close()

    def kill(self) -> None:
        self.process.kill()
        self.process.join()
        self.conn.close()


def process_pool(tasks: Iterator[Task], workers: int, timeout: float | None) -> Iterator[Result]:
    """Results from `workers` processes, each with its own pipeline and one document at a time.

    The per-document limit is enforced from outside: a worker over its deadline is
    killed and replaced, so even a document stuck in C code cannot hang the job.
    """
    pool = [_Worker.start() for _ in range(workers)]
    pending = iter(tasks)
    exhausted = False
    try:
        while True:
            for w in pool:
                if w.ready and w.task is None and not exhausted:
                    task = next(pending, None)
                    if task is None:
                        exhausted = True
                    else:
                        w.assign(task, timeout)
            if exhausted and all(w.task is None for w in pool):
                return
            deadlines = [w.deadline for w in pool if w.deadline is not None]
            wait_for = max(0.0, min(deadlines) - time.monotonic()) if deadlines else None
            readable = set(wait([w.conn for w in pool], timeout=wait_for))
            for i, w in enumerate(pool):
                if w.conn in readable:
                    result = _receive(w)
                    if result is None:
                        continue
                    if result.get("stage") == "worker":
                        pool[i] = _Worker.start()
                    yield result
            now = time.monotonic()
            for i, w in enumerate(pool):
                if w.deadline is not None and now >= w.deadline:
                    task = w.task
                    w.kill()
                    pool[i] = _Worker.start()
                    yield failure(task, "timeout", f"extraction took more than {timeout:g} s (worker restarted)")
    finally:
        for w in pool:
            w.stop()


def _receive(w: _Worker) -> Result | None:
    """The worker's next message as a result, or None for a status message."""
    try:
        msg = w.conn.recv()
    except (EOFError, ConnectionResetError):
        w.process.join(5)
        code = w.process.exitcode
        if w.task is None:
            raise EngineError(f"a worker process died while loading the pipeline (exit code {code})") from None
        task, w.task, w.deadline = w.task, None, None
        w.conn.close()
        return failure(task, "worker", f"the worker process died on this document (exit code {code})")
    if "fatal" in msg:
        raise EngineError(f"a worker could not load the pipeline: {msg['fatal']}")
    if msg.get("ready"):
        w.ready = True
        return None
    w.task, w.deadline = None, None
    return msg
