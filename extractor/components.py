"""The glue between detectors and spaCy: one component class for every kind.

A detector is a function `Doc -> list[Candidate]`. The component stores the
candidates (exact character offsets) in `doc._.candidates[key]` and the same
spans, widened to token boundaries, in `doc.spans[key]` for spaCy tooling
(displaCy, span scorers).
"""
from __future__ import annotations

import bisect
from typing import Callable, Iterable, TypeVar

from spacy.tokens import Doc

from .candidates import Candidate

__all__ = [
    "Detector", "T", "DetectorComponent", "text_detector", "first_fit", "per_doc", "doc_text",
    "remember_text", "all_candidates"
]

Detector = Callable[[Doc], Iterable[Candidate]]
T = TypeVar("T")

if not Doc.has_extension("candidates"):
    Doc.set_extension("candidates", default=None)


class DetectorComponent:
    def __init__(self, key: str, detect: Detector):
        self.key = key
        self.detect = detect

    def __call__(self, doc: Doc) -> Doc:
        found = sorted(self.detect(doc), key=lambda c: (c.start, c.end))
        if doc._.candidates is None:
            doc._.candidates = {}
        doc._.candidates[self.key] = found
        spans = []
        for c in found:
            span = doc.char_span(c.start, c.end, label=c.label, alignment_mode="expand")
            if span is not None:
                spans.append(span)
        doc.spans[self.key] = spans
        return doc


def text_detector(key: str, detect_text: Callable[[str], Iterable[Candidate]]) -> DetectorComponent:
    """The component for a detector that reads nothing but the text."""
    return DetectorComponent(key, lambda doc: detect_text(doc_text(doc)))


def first_fit(ranked: Iterable[T]) -> list[T]:
    """Keep each span (anything with `start`/`end`) that overlaps none kept before it,
    in the order given (best first); the result is sorted by start. O(n log n).

    >>> from types import SimpleNamespace as S
    >>> [(s.start, s.end) for s in first_fit([S(start=2, end=5), S(start=0, end=3), S(start=5, end=6)])]
    [(2, 5), (5, 6)]
    """
    starts: list[int] = []  # kept spans never overlap, so sorted starts sort their ends too
    kept: list[T] = []
    for span in ranked:
        i = bisect.bisect_left(starts, span.start)
        if (i > 0 and kept[i - 1].end > span.start) or (i < len(kept) and kept[i].start < span.end):
            continue
        starts.insert(i, span.start)
        kept.insert(i, span)
    return kept


def per_doc(doc: Doc, key: str, compute: Callable[[Doc], object]):
    """A value computed once per Doc and shared by the components. spaCy rebuilds
    `doc.text` from the tokens at every access, and rules that ask the same question
    of many spans would otherwise pay O(n) per span."""
    cache = doc.user_data.setdefault("press_cache", {})
    if key not in cache:
        cache[key] = compute(doc)
    return cache[key]


def doc_text(doc: Doc) -> str:
    return per_doc(doc, "text", lambda d: d.text)


def remember_text(doc: Doc, text: str) -> Doc:
    """Record the text a Doc was made from (the tokenizer keeps every character), so
    that `doc_text` does not rebuild it from the tokens: about 1 ms per release."""
    doc.user_data.setdefault("press_cache", {})["text"] = text
    return doc


def all_candidates(doc: Doc) -> list[Candidate]:
    groups = doc._.candidates or {}
    return sorted((c for cands in groups.values() for c in cands), key=lambda c: (c.start, c.end))
