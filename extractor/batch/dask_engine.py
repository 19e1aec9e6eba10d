"""The batch engine on Dask distributed: a LocalCluster or a running scheduler.

Each worker process loads the pipeline once (a worker plugin does it as the
worker joins); tasks are the same plain dicts as the local engines', so only
texts and JSON lines travel. The client keeps a bounded window of submitted
documents and tops it up as results come back.

A scheduler address is tried before the client is made, within the connect
timeout: a server that accepts connections and never answers, or that speaks
another protocol, is one line, not a hang or a traceback.
"""
from __future__ import annotations

import asyncio
import logging
import threading
import time
from contextlib import contextmanager
from functools import cache
from itertools import islice
from typing import Iterator

from distributed import Client, LocalCluster, as_completed
from distributed.comm import connect
from distributed.diagnostics.plugin import WorkerPlugin

from .engines import EngineError, Result, Task, extract_task, failure, load_extractor

__all__ = ["LoadPipeline", "load_problem", "run_on_worker", "check_scheduler", "dask_engine"]


@cache
def _process_pipeline(pipeline: str | None = None):
    """`pipeline`: the folder of a saved pipeline, read by the worker itself (so at a path it can see)."""
    # A worker may run several threads; one lock per process keeps one pipeline
    # (hundreds of MB) per process instead of one per thread.
    return load_extractor(pipeline), threading.Lock()


class LoadPipeline(WorkerPlugin):
    name = "press-extractor-pipeline"

    def __init__(self, pipeline: str | None = None):
        self.pipeline = pipeline

    def setup(self, worker) -> None:
        # A pipeline that does not load is reported by `load_problem` to the client, in
        # one line, rather than logged with its traceback by the worker.
        load_problem(self.pipeline)


def load_problem(pipeline: str | None = None) -> str | None:
    """Why this worker cannot load the pipeline (one line), or None once it has."""
    try:
        _process_pipeline(pipeline)
    except Exception as exc:  # any failure to load: the job cannot run on this worker
        return f"{type(exc).__name__}: {' '.join(str(exc).split())}"
    return None


def run_on_worker(task: Task, timeout: float | None, pipeline: str | None = None) -> Result:
    extractor, lock = _process_pipeline(pipeline)
    with lock:
        started = time.perf_counter()
        # The limit is enforced here, in the worker's thread (see engines.time_limit).
        result = extract_task(extractor, task, timeout)
        took = time.perf_counter() - started
    # A long call into C cannot be interrupted: a document that overran inside one
    # has its record dropped and is reported like a timeout.
    if timeout and took > timeout and "record" in result:
        return failure(task, "timeout", f"extraction took {took:.1f} s, more than {timeout:g} s")
    return result


async def _identity(address: str, timeout: float) -> dict:
    comm = await connect(address, timeout=timeout)
    try:
        await comm.write({"op": "identity"})
        return await comm.read()
    finally:
        comm.abort()


def check_scheduler(address: str, timeout: float) -> None:
    """EngineError unless a Dask scheduler answers at `address` within `timeout` seconds."""
    problem = None
    try:
        reply = asyncio.run(asyncio.wait_for(_identity(address, timeout), timeout))
    except (TimeoutError, asyncio.TimeoutError):
        problem = f"no answer within {timeout:g} s"
    except (OSError, ValueError) as exc:
        problem = f"{type(exc).__name__}: {exc}"
    except Exception as exc:  # another protocol: whatever the Dask parser makes of its bytes
        problem = f"it does not speak the Dask protocol ({type(exc).__name__})"
    else:
        if not (isinstance(reply, dict) and reply.get("type") == "Scheduler"):
            problem = "it answers, but is not a Dask scheduler"
    if problem:
        raise EngineError(f"cannot connect to the Dask scheduler at {address}: {problem}")


@contextmanager
def _client(scheduler: str, workers: int, connect_timeout: float) -> Iterator[Client]:
    if scheduler == "local":
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                               dashboard_address=None, silence_logs=logging.ERROR)
        try:
            with Client(cluster) as client:
                yield client
        finally:
            cluster.close()
        return
    check_scheduler(scheduler, connect_timeout)
    try:
        client = Client(scheduler, timeout=f"{connect_timeout}s")
    except (OSError, TimeoutError, ValueError) as exc:
        raise EngineError(f"cannot connect to the Dask scheduler at {scheduler}: {exc}") from None
    with client:
        yield client


def dask_engine(tasks: Iterator[Task], scheduler: str, workers: int, timeout: float | None,
                connect_timeout: float = 20.0, pipeline: str | None = None) -> Iterator[Result]:
    with _client(scheduler, workers, connect_timeout) as client:
        client.register_plugin(LoadPipeline(pipeline))
        # The workers there now have tried (a saved pipeline at a path one cannot read...).
        problems = [p for p in client.run(load_problem, pipeline).values() if p]
        if problems:
            where = f" from {pipeline}" if pipeline else ""
            raise EngineError(f"a Dask worker could not load the pipeline{where}: {problems[0]}")
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
            future = client.submit(run_on_worker, task, timeout, pipeline, pure=False)
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
