"""A pool of worker processes, each with its own pipeline and one document at a time.

What the pool promises:
- a worker that dies at any moment is replaced; the document it held (if any)
  is given once more to a fresh worker, then becomes a `worker` failure;
- a worker obeys the per-document limit itself (an alarm in its main thread), and
  the pool kills one that overstays it anyway (a document stuck in C code);
- workers die with the process that runs the pool, even a SIGKILL: on Linux the
  kernel kills them (PR_SET_PDEATHSIG), elsewhere a watchdog thread notices;
- the job stops (EngineError) when workers cannot load the pipeline: an error
  they report, or LOAD_DEATHS deaths in a row before any becomes ready.
"""
from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any, Callable, Iterator

from .engines import EngineError, Result, Task, extract_task, failure, load_extractor

__all__ = ["LOAD_DEATHS", "HARD_LIMIT_GRACE", "load_extractor", "process_pool"]

# spawn, not fork: a fresh interpreter per worker, safe whatever threads the parent
# runs (a Dask client, a test runner), and the same behaviour on every platform.
_CONTEXT = multiprocessing.get_context("spawn")
LOAD_DEATHS = 3
# The worker's own alarm ends a document at the limit; the pool kills it only if
# it is still busy this much later (stuck where an alarm cannot reach).
HARD_LIMIT_GRACE = 5.0
_PR_SET_PDEATHSIG = 1


def _die_with_parent(parent_pid: int) -> None:
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        # The kernel sends SIGKILL when the thread that started this process ends:
        # nothing the parent does or suffers (kill -9 included) leaves us running.
        watch = libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0
    else:
        watch = True
    if os.getppid() != parent_pid:  # the parent ended before we could ask
        os._exit(1)
    if watch:
        def watchdog() -> None:
            while os.getppid() == parent_pid:
                time.sleep(0.5)
            os._exit(1)

        threading.Thread(target=watchdog, name="parent-watchdog", daemon=True).start()


def _worker_main(conn: Connection, factory: Callable[[], Any], parent_pid: int, timeout: float | None) -> None:
    # The parent decides what an interrupt stops; it then ends the workers itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with_parent(parent_pid)
    try:
        extractor = factory()
    except Exception as exc:  # reported to the parent, which stops the job with this message
        conn.send({"fatal": f"{type(exc).__name__}: {exc}"})
        return
    conn.send({"ready": True})
    while True:
        try:
            task = conn.recv()
        except EOFError:  # the parent is gone: nobody wants the rest
            return
        if task is None:
            return
        result = extract_task(extractor, task, timeout)
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
    def start(cls, factory: Callable[[], Any], timeout: float | None) -> "_Worker":
        parent_end, child_end = _CONTEXT.Pipe()
        process = _CONTEXT.Process(target=_worker_main, args=(child_end, factory, os.getpid(), timeout),
                                   name="extractor-worker", daemon=True)
        process.start()
        child_end.close()
        return cls(process, parent_end)

    def assign(self, task: Task, timeout: float | None) -> None:
        self.conn.send(task)
        self.task = task
        # The clock starts when the worker gets the text, never while it loads the model.
        self.deadline = time.monotonic() + timeout + HARD_LIMIT_GRACE if timeout else None

    def stop(self, grace: float = 2.0) -> None:
        if self.task is not None or not self.ready:
            self.kill()  # busy or still loading: it would not read a request to stop
            return
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


def process_pool(tasks: Iterator[Task], workers: int, timeout: float | None,
                 factory: Callable[[], Any] | None = None, retries: int = 1) -> Iterator[Result]:
    """Results from `workers` processes; `factory` (picklable, default: the pipeline) is
    called once in each worker to build what extracts; a document whose worker dies
    is tried `retries` more times."""
    factory = factory or load_extractor
    pool = [_Worker.start(factory, timeout) for _ in range(workers)]
    pending = iter(tasks)
    again: deque[Task] = deque()  # documents whose worker died, to try once more
    deaths: dict[str, int] = {}
    exhausted = False
    load_deaths = 0
    try:
        while True:
            for w in pool:
                if w.ready and w.task is None:
                    task = again.popleft() if again else (None if exhausted else next(pending, None))
                    if task is None:
                        exhausted = True
                        continue
                    try:
                        w.assign(task, timeout)
                    except OSError:  # it died since it last spoke; the task never reached it
                        again.appendleft(task)
            if exhausted and not again and all(w.task is None for w in pool):
                return
            deadlines = [w.deadline for w in pool if w.deadline is not None]
            wait_for = max(0.0, min(deadlines) - time.monotonic()) if deadlines else None
            readable = set(wait([w.conn for w in pool], timeout=wait_for))
            for i, w in enumerate(pool):
                if w.conn not in readable:
                    continue
                try:
                    msg = w.conn.recv()
                except (EOFError, ConnectionResetError, OSError):
                    msg = None
                if msg is None:  # the worker died
                    task, code = w.task, _end(w)
                    pool[i] = _Worker.start(factory, timeout)
                    if task is None:
                        load_deaths = 0 if w.ready else load_deaths + 1
                        if load_deaths >= LOAD_DEATHS:
                            raise EngineError(f"worker processes died {load_deaths} times in a row while loading "
                                              f"the pipeline (last exit code {code})")
                        continue
                    deaths[task["doc_id"]] = n = deaths.get(task["doc_id"], 0) + 1
                    if n <= retries:
                        again.append(task)
                    else:
                        yield failure(task, "worker", f"the worker process died on this document "
                                                      f"{n} time(s) (last exit code {code})")
                elif "fatal" in msg:
                    raise EngineError(f"a worker could not load the pipeline: {msg['fatal']}")
                elif msg.get("ready"):
                    w.ready, load_deaths = True, 0
                else:
                    w.task, w.deadline = None, None
                    yield msg
            now = time.monotonic()
            for i, w in enumerate(pool):
                if w.deadline is not None and now >= w.deadline:
                    task = w.task
                    w.kill()
                    pool[i] = _Worker.start(factory, timeout)
                    yield failure(task, "timeout", f"extraction took more than {timeout:g} s "
                                                   "(the worker was stuck; killed and replaced)")
    finally:
        for w in pool:
            w.stop()


def _end(w: _Worker) -> int | None:
    """Collect a dead worker; its exit code."""
    w.process.join(5)
    if w.process.is_alive():  # closed its end without exiting: make sure it is gone
        w.process.kill()
        w.process.join()
    w.conn.close()
    return w.process.exitcode
