"""Where a batch job's documents are extracted: this process (here), a pool of
worker processes (pool.py) or Dask (dask_engine.py).

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

import ctypes
import signal
import threading
from contextlib import contextmanager
from typing import Any, Iterator

from ..errors import ExtractorError

__all__ = [
    "Task", "Result", "MAX_TIMEOUT", "EngineError", "failure", "extract_task", "time_limit", "load_extractor",
    "in_process"
]

Task = dict[str, Any]
Result = dict[str, Any]

# The per-document limit must fit the clocks it is given to (setitimer, lock and
# selector timeouts overflow near 10^10 s); a week is more than any document needs.
MAX_TIMEOUT = 7 * 24 * 3600.0


class EngineError(ExtractorError, RuntimeError):
    """The job as a whole cannot go on (e.g. workers cannot load the pipeline)."""


def failure(task: Task, stage: str, reason: str) -> Result:
    return {"doc_id": task["doc_id"], "path": task.get("path"), "stage": stage, "reason": reason}


def extract_task(extractor, task: Task, timeout: float | None = None) -> Result:
    """Extract one task's record; any failure becomes an error result, never an exception."""
    meta = {key: task.get(key) for key in ("doc_id", "document_date", "document_date_source", "date_hints", "extra")}
    try:
        with time_limit(timeout):
            record = next(extractor.pipe([(task["text"], meta)]))
    except _Timeout:
        return failure(task, "timeout", f"extraction took more than {timeout:g} s")
    except Exception as exc:  # one bad document must not stop the job: it becomes an error line
        return failure(task, "extract", f"{type(exc).__name__}: {exc}")
    if record.error is not None:  # Extractor.pipe reports a text's failure in its record
        return failure(task, "extract", f"{record.error['type']}: {record.error['message']}")
    return {"doc_id": task["doc_id"], "path": task.get("path"), "record": record.to_json()}


class _Timeout(BaseException):
    # BaseException, so that an `except Exception` inside a component cannot swallow it.
    pass


@contextmanager
def time_limit(seconds: float | None):
    """Interrupt the block with _Timeout after `seconds` (None or 0: no limit).

    In a process's main thread a SIGALRM timer does it; in any other thread (a
    Dask worker's) the exception is raised in the thread by the interpreter.
    Either way Python code is interrupted at once, a long call into C only when
    it returns: the process pool's hard limit (killing the worker) covers that.
    """
    if not seconds:
        yield
    elif hasattr(signal, "SIGALRM") and threading.current_thread() is threading.main_thread():
        with _alarm(seconds):
            yield
    else:
        with _thread_alarm(seconds):
            yield


@contextmanager
def _alarm(seconds: float):
    def expire(signum, frame):
        raise _Timeout()

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@contextmanager
def _thread_alarm(seconds: float):
    target = threading.get_ident()
    lock = threading.Lock()
    state = {"done": False, "fired": False}

    def expire() -> None:
        with lock:
            if not state["done"]:
                state["fired"] = True
                ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(target), ctypes.py_object(_Timeout))

    timer = threading.Timer(seconds, expire)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()
        with lock:
            state["done"] = True
            if state["fired"]:
                # The exception may still be pending (the block ended just as the
                # timer fired): clear it so that it cannot land in the caller's code.
                ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(target), None)


# --- this process ---------------------------------------------------------------

def load_extractor(pipeline: str | None = None):
    """The Extractor of the saved pipeline in the folder `pipeline`, else of models/pipeline.cfg
    (module level, so that worker processes can be given it with its argument)."""
    from ..api import Extractor

    return Extractor.from_disk(pipeline) if pipeline else Extractor()


def in_process(tasks: Iterator[Task], timeout: float | None, extractor=None,
               pipeline: str | None = None) -> Iterator[Result]:
    if extractor is None:
        try:
            extractor = load_extractor(pipeline)
        except Exception as exc:  # same report as a worker process's: the job cannot run
            raise EngineError(f"cannot load the pipeline: {type(exc).__name__}: {exc}") from exc
    for task in tasks:
        yield extract_task(extractor, task, timeout)
