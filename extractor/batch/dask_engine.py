"""The batch engine on Dask distributed: a LocalCluster or a running scheduler.

Each worker process loads the pipeline once (a worker plugin does it as the
worker joins); tasks are the same plain dicts as the local engines', so only
texts and JSON lines travel. The client keeps a bounded window of submitted
documents and tops it up as results come back.
"""
from __future__ import annotations

import logging
import threading
import time
from contextlib import contextmanager
from functools import cache
from itertools import islice
from typing import Iterator

from distributed import Client, LocalCluster, as_completed
from distributed.diagnostics.plugin import WorkerPlugin

from .engines import EngineError, Result, Task, extract_task, failure


@cache
def _process_pipeline():
    from ..api import Extractor

    # A worker may run several threads; one lock per process keeps one pipeline
    # (hundreds of MB) per process instead of one per thread.
    return Extractor(), threading.Lock()


class LoadPipeline(WorkerPlugin):
    name = "press-extractor-pipeline"

    def setup(self, worker) -> None:
        _process_pipeline()


def run_on_worker(task: Task, timeout: float | None) -> Result:
    extractor, lock = _process_pipeline()
    with lock:
        started = time.perf_counter()
        result = extract_task(extractor, task)
        took = time.perf_counter() - started
    # A thread cannot be interrupted, so on Dask the limit is checked once the
    # document is done: its record is dropped and it is reported like a timeout.
    if timeout and took > timeout and "record" in result:
        return failure(task, "timeout", f"extraction took {took:.1f} s, more than {timeout:g} s")
    return result


@contextmanager
def _client(scheduler: str, workers: int) -> Iterator[Client]:
    if scheduler == "local":
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                               dashboard_address=None, silence_logs=logging.ERROR)
        try:
            with Client(cluster) as client:
                yield client
        finally:
            cluster.close()
        return
    try:
        client = Client(scheduler, timeout="20s")
    except (OSError, TimeoutError, ValueError) as exc:
        raise EngineError(f"cannot connect to the Dask scheduler at {scheduler}: {exc}") from None
    with client:
        yield client


def dask_engine(tasks: Iterator[Task], scheduler: str, workers: int, timeout: float | None) -> Iterator[Result]:
    with _client(scheduler, workers) as client:
        client.register_plugin(LoadPipeline())
        threads = sum(client.nthreads().values())
        if not threads:
            raise EngineError(f"the Dask cluster at {scheduler} has no workers")
        # Two documents per thread: a worker never waits for the next one, and the
        # client never holds more than this many texts.
        window = 2 * threads
        pending = iter(tasks)
        in_flight: dict[str, Task] = {}
        completed = as_completed()

        def submit(task: Task) -> None:
            future = client.submit(run_on_worker, task, timeout, pure=False)
            in_flight[future.key] = task
            completed.add(future)

        for task in islice(pending, window):
            submit(task)
        for future in completed:
            task = in_flight.pop(future.key)
            try:
                result = future.result()
            except Exception as exc:  # the worker was lost (KilledWorker, ...): this document failed
                result = failure(task, "worker", f"{type(exc).__name__}: {exc}")
            future.release()
            yield result
            task = next(pending, None)
            if task is not None:
                submit(task)
