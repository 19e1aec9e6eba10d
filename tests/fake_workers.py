"""Worker processes for WorkerPool tests: they speak the pool's protocol but load no
model, so a test can make one die, hang or fail to start in a fraction of a second.
(Module-level functions: spawned processes import them by name.)"""
from __future__ import annotations

import json
import os
import time


def echo(conn) -> None:
    """Answers a record holding the text; the text 'die' kills it, 'hang' never answers."""
    conn.send({"ready": True, "model": {"name": "fake", "version": "0"}})
    while True:
        task = conn.recv()
        if task is None:
            return
        if task["text"] == "die":
            os._exit(3)
        if task["text"] == "hang":
            time.sleep(3600)
        conn.send({"doc_id": task["doc_id"], "path": None, "record": json.dumps({"text": task["text"], "pid": os.getpid()})})


def cannot_load(conn) -> None:
    conn.send({"fatal": "OSError: no model here"})
