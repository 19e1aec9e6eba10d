"""`extractor serve`: the extractor as a long-running HTTP service.

    pool.py     worker processes, each holding the pipeline; the time limit
    bodies.py   request bodies -> documents (extractor.inputs), or a status and a message
    settings.py what a server is started with
    app.py      routes, token, body limit, errors as JSON
    page.py     the try-it page and the HTML of one record (the evaluation report's rendering)
    openapi.py  the OpenAPI document around the record's JSON Schema

Only this command imports the web framework (the `serve` extra).
"""
from __future__ import annotations

import socket
import sys
from functools import partial

from ..errors import ExtractorError
from .settings import Settings

__all__ = ["ServeError", "listen", "serve"]


class ServeError(ExtractorError, RuntimeError):
    """The server cannot start; one line."""


def listen(host: str, port: int) -> socket.socket:
    """Bind before the (slow) pipeline load, so a busy port fails at once."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise ServeError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    family, kind, proto, _, address = infos[0]
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
        sock.listen(2048)
    except OSError as exc:
        sock.close()
        raise ServeError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    sock.set_inheritable(True)
    return sock


def serve(host: str, port: int, workers: int, settings: Settings, log_level: str = "info") -> None:
    import uvicorn

    from .app import create_app
    from .pool import PoolError, WorkerPool, worker_main

    sock = listen(host, port)
    # A partial of a module-level function: spawned workers unpickle it with its argument.
    target = partial(worker_main, pipeline=settings.pipeline) if settings.pipeline else worker_main
    pool = WorkerPool(workers, settings.timeout, target=target)
    try:
        pool.start()
    except PoolError as exc:
        sock.close()
        raise ServeError(str(exc)) from None
    bound = sock.getsockname()[1]
    auth = "token required on /v1" if settings.token else "no token"
    saved = f", pipeline {settings.pipeline}" if settings.pipeline else ""
    print(f"extractor: serving on http://{_url_host(host)}:{bound}/ ({workers} worker{'s' * (workers > 1)}, "
          f"{auth}{saved}; Ctrl-C to stop)", file=sys.stderr, flush=True)
    config = uvicorn.Config(create_app(pool, settings), log_level=log_level, http="h11", ws="none",
                            loop="asyncio", lifespan="on", proxy_headers=False, server_header=False,
                            timeout_graceful_shutdown=5)
    uvicorn.Server(config).run(sockets=[sock])


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host
