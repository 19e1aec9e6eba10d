"""Document context: facts about the whole release that resolution needs."""
from __future__ import annotations

import importlib
from datetime import date

from .candidates import Candidate, DocContext


def build(text: str, candidates: list[Candidate], document_date: date | None) -> DocContext:
    if document_date is None:
        document_date = _infer_document_date(text, [c for c in candidates if c.label == "DATE"])
    return DocContext(document_date=document_date)


def _infer_document_date(text: str, date_candidates: list[Candidate]) -> date | None:
    try:
        dates = importlib.import_module("extractor.dates")
    except ModuleNotFoundError:
        return None
    return dates.infer_document_date(text, date_candidates)
