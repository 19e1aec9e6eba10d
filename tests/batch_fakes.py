"""A stand-in for the pipeline in worker processes: it loads at once, and each text
says what to do, so that process faults can be tested without loading spaCy.

    "ok ..."            a record (with the worker's pid)
    "spin"              a Python loop that never ends (an alarm can stop it)
    "sleep SECONDS"     sleeps, then a record
    "die"               the worker process exits at once (as if killed)
    "die-once PATH"     dies if PATH does not exist yet (creating it), else a record
    "pidfile PATH"      writes the worker's pid to PATH, then spins
"""
from __future__ import annotations

import json
import os
import time
from pathlib import Path


class FakeRecord:
    error = None

    def __init__(self, doc_id: str, text: str):
        self.doc_id, self.text = doc_id, text

    def to_json(self) -> str:
        return json.dumps({"schema": "press-record/1", "doc_id": self.doc_id, "document_date": None,
                           "organizations": [], "amounts": [], "dates": [], "percentages": [],
                           "pid": os.getpid(), "text": self.text}, ensure_ascii=False)


class FakeExtractor:
    def pipe(self, items):
        for text, meta in items:
            command, _, arg = text.partition(" ")
            if command == "pidfile":
                Path(arg).write_text(str(os.getpid()))
                command = "spin"
            if command == "spin":
                while True:
                    pass
            if command == "sleep":
                time.sleep(float(arg))
            if command == "die-once" and not Path(arg).exists():
                Path(arg).touch()
                command = "die"
            if command == "die":
                os._exit(3)
            yield FakeRecord(meta["doc_id"], text)


def fake_extractor() -> FakeExtractor:
    return FakeExtractor()


def task(doc_id: str, text: str) -> dict:
    return {"doc_id": doc_id, "path": None, "text": text, "document_date": None, "extra": None}
