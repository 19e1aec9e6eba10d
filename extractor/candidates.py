"""What detection hands to resolution.

A `Candidate` is a span of the text and the pieces of it that detection
recognised, with no value computed; `DocContext` is everything about the whole
document that resolution may use. Resolution gets both explicitly and never looks
at the text again.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Mapping

__all__ = ["Candidate", "DocContext"]


@dataclass(frozen=True)
class Candidate:
    label: str  # "ORG", "MONEY", "DATE" or "PERCENT"
    start: int
    end: int
    text: str
    # Named surface pieces found by the detector (e.g. number="5,25", scale="M",
    # currency="€"); their names are the detector's and its resolver's business.
    parts: Mapping[str, str] = field(default_factory=dict)
    cue: str | None = None  # qualifier cue written before the span, never inside it
    source: str = ""  # the rule or component that proposed it, for error analysis


@dataclass(frozen=True)
class DocContext:
    document_date: date | None = None
    # ISO 3166 code of the country the text is about when it says so ("CA", "CH"...):
    # it decides what `$` and `francs` mean.
    country: str | None = None
    # Day/month order of numeric dates in this document: "DMY" (French) unless the
    # document's own evidence says otherwise.
    date_order: str = "DMY"
    # Where document_date came from: "given", "file_name", a text rule ("dateline",
    # "line_start", "first_date", "weekday") or a file's own statement ("metadata",
    # "header", "creation_date"); None when there is no date.
    document_date_source: str | None = None
