"""Worker processes for the service: each loads the pipeline once and extracts one
document at a time; the event loop only sends texts and awaits JSON results.

The per-document time limit is enforced from outside: a worker over its deadline is
killed (even a document stuck in C code cannot hold it) and replaced in the
background, while the other workers go on serving. Tasks and results are the batch
engine's plain dicts (`extractor.batch.engines`), plus an optional `view` (the HTML
fragments of the try-it page, rendered in the worker so the event loop never does
work proportional to a document).

This module never imports the web framework: worker processes stay light.
"""
from __future__ import annotations

import asyncio
import multiprocessing
import signal
import sys
import time
from multiprocessing.connection import Connection, wait
from typing import Any

from ..errors import ExtractorError
from ..batch.engines import Result, Task, extract_task, failure

__all__ = ["LOAD_TIMEOUT", "RETRY_PAUSE", "PoolError", "WorkerPool", "worker_main"]

# spawn, not fork: the server process runs an event loop and threads.
_CONTEXT = multiprocessing.get_context("spawn")
LOAD_TIMEOUT = 300.0  # loading the pipeline takes seconds; this only catches a hung start
RETRY_PAUSE = 5.0


class PoolError(ExtractorError, RuntimeError):
    """The workers cannot start (the pipeline does not load); one line."""


def worker_main(conn: Connection, pipeline: str | None = None) -> None:
    """`pipeline`: the folder of a saved pipeline to load instead of models/pipeline.cfg."""
    # Ctrl-C reaches the whole process group; the server decides when workers stop.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    from ..batch.engines import load_extractor
    from ..lexicon import models_dir

    try:
        extractor = load_extractor(pipeline)
        # The first document pays for lazily loaded data (tables, caches): pay it
        # before taking requests, so the first client gets the usual latency.
        warm_up = (models_dir() / "serve" / "warmup.txt").read_text(encoding="utf-8")
        extractor.extract(warm_up)
        meta = extractor.nlp.meta
    except Exception as exc:  # reported to the server, which says it in one line
        conn.send({"fatal": f"{type(exc).__name__}: {exc}"})
        return
    conn.send({"ready": True, "model": {"name": f"{meta.get('lang')}_{meta.get('name')}",
                                        "version": meta.get("version")}})
    while True:
        try:
            task = conn.recv()
        except EOFError:  # the server is gone
            return
        if task is None:
            return
        result = extract_task(extractor, task)
        if task.get("view") and "record" in result:
            from .page import view_fragments

            result["view"] = view_fragments(task["text"], result["record"])
        try:
            conn.send(result)
        except (BrokenPipeError, ConnectionResetError):
            return


class _Worker:
    def __init__(self, target) -> None:
        parent_end, child_end = _CONTEXT.Pipe()
        self.process = _CONTEXT.Process(target=target, args=(child_end,), name="extractor-serve-worker",
                                        daemon=True)
        self.process.start()
        child_end.close()
        self.conn = parent_end

    def ready_message(self, msg: Any) -> dict:
        if isinstance(msg, dict) and msg.get("ready"):
            return msg
        reason = msg.get("fatal") if isinstance(msg, dict) else None
        self.kill()
        raise PoolError(f"a worker could not load the pipeline: {reason if reason else repr(msg)}")

    async def receive(self, timeout: float | None) -> Any:
        """The worker's next message; TimeoutError past `timeout`, EOFError if it died."""
        loop = asyncio.get_running_loop()
        readable = loop.create_future()
        fd = self.conn.fileno()
        loop.add_reader(fd, lambda: readable.done() or readable.set_result(None))
        try:
            await asyncio.wait_for(readable, timeout)
        finally:
            loop.remove_reader(fd)
        return self.conn.recv()

    def kill(self) -> None:
        self.process.kill()
        self.process.join(5)
        self.conn.close()

    def stop(self, grace: float = 2.0) -> None:
        try:
            self.conn.send(None)
        except OSError:  # already gone
            pass
        self.process.join(grace)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(5)
        self.conn.close()


class WorkerPool:
    """`size` worker processes; `run` awaits one task's result, never blocking the loop."""

    def __init__(self, size: int, timeout: float, log=None, target=worker_main):
        """`target` is what a worker process runs (tests give one that loads no model)."""
        if size < 1:
            raise ValueError(f"a pool needs at least one worker, got {size}")
        self.size, self.timeout, self._target = size, timeout, target
        self.model: dict | None = None
        self._log = log or (lambda line: print(f"extractor: serve: {line}", file=sys.stderr, flush=True))
        self._idle: asyncio.Queue[_Worker] | None = None
        self._started: list[_Worker] = []
        self._busy: set[_Worker] = set()
        self._loading = 0
        self._background: set[asyncio.Task] = set()
        self._closed = False

    # --- start and stop ----------------------------------------------------------------

    def start(self) -> None:
        """Start every worker and wait until each has loaded the pipeline (before the
        server listens: a pipeline that does not load is a one-line error, not a
        server that answers nothing)."""
        workers = [_Worker(self._target) for _ in range(self.size)]
        deadline = time.monotonic() + LOAD_TIMEOUT
        pending = {w.conn: w for w in workers}
        try:
            while pending:
                left = deadline - time.monotonic()
                ready = wait(list(pending), timeout=max(0.0, left))
                if not ready:
                    raise PoolError(f"the workers did not load the pipeline within {LOAD_TIMEOUT:g} s")
                for conn in ready:
                    w = pending.pop(conn)
                    try:
                        msg = w.conn.recv()
                    except EOFError:
                        raise PoolError(f"a worker died while loading the pipeline "
                                        f"(exit code {w.process.exitcode})") from None
                    self.model = w.ready_message(msg).get("model")
        except BaseException:
            for w in workers:
                if w.process.is_alive():
                    w.kill()
            raise
        self._started = workers

    async def close(self) -> None:
        self._closed = True
        for task in list(self._background):
            task.cancel()
        workers = list(self._busy)
        if self._idle is not None:
            while not self._idle.empty():
                workers.append(self._idle.get_nowait())
        workers.extend(self._started)
        self._started = []
        for w in workers:
            w.stop()

    def status(self) -> dict[str, int]:
        idle = self._idle.qsize() if self._idle is not None else len(self._started)
        return {"configured": self.size, "ready": idle + len(self._busy), "busy": len(self._busy),
                "loading": self._loading}

    def _queue(self) -> asyncio.Queue[_Worker]:
        # Created on first use, inside the server's event loop.
        if self._idle is None:
            self._idle = asyncio.Queue()
            for w in self._started:
                self._idle.put_nowait(w)
            self._started = []
        return self._idle

    # --- one task ------------------------------------------------------------------------

    async def run(self, task: Task) -> Result:
        """The result of one task: a record, or a failure whose `stage` says why
        (`extract`: an exception; `timeout`: over the limit; `worker`: the process died)."""
        idle = self._queue()
        w = await idle.get()
        self._busy.add(w)
        try:
            w.conn.send(task)
            msg = await w.receive(self.timeout)
        except (TimeoutError, asyncio.TimeoutError):
            self._replace(w)
            return failure(task, "timeout", f"extraction took more than {self.timeout:g} s; the worker was restarted")
        except (EOFError, OSError):
            self._replace(w)
            return failure(task, "worker", "the worker process died on this document; it was restarted")
        except BaseException:  # cancelled mid-task: the worker's state is unknown
            self._replace(w)
            raise
        self._busy.discard(w)
        idle.put_nowait(w)
        return msg

    def _replace(self, w: _Worker) -> None:
        self._busy.discard(w)
        w.kill()
        if self._closed:
            return
        task = asyncio.get_running_loop().create_task(self._respawn())
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def _respawn(self) -> None:
        """A new worker for a killed one; retried while its pipeline does not load."""
        self._loading += 1
        try:
            while not self._closed:
                w = _Worker(self._target)
                try:
                    msg = await w.receive(LOAD_TIMEOUT)
                    w.ready_message(msg)
                except (TimeoutError, asyncio.TimeoutError, EOFError, OSError, PoolError) as exc:
                    if w.process.is_alive():
                        w.kill()
                    self._log(f"a replacement worker did not start ({exc or type(exc).__name__}); "
                              f"retrying in {RETRY_PAUSE:g} s")
                    await asyncio.sleep(RETRY_PAUSE)
                    continue
                except asyncio.CancelledError:
                    w.kill()
                    raise
                self._queue().put_nowait(w)
                return
        finally:
            self._loading -= 1
