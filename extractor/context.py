"""Document context: facts about the whole release that resolution needs."""
from __future__ import annotations

import re
from datetime import date
from functools import cache

from .candidates import Candidate, DocContext
from .dates.context import infer_date_order, infer_document_date
from .lexicon import string_table


def build(text: str, candidates: list[Candidate], document_date: date | None) -> DocContext:
    date_candidates = [c for c in candidates if c.label == "DATE"]
    if document_date is None:
        document_date = infer_document_date(text, date_candidates)
    return DocContext(document_date=document_date, country=detect_country(text),
                      date_order=infer_date_order(date_candidates))


# A word in the dateline or title says more about the country than one in the body.
_HEAD_CHARS = 400
_MIN_SCORE = 2


@cache
def _country_patterns() -> dict[str, re.Pattern[str]]:
    table = string_table("lexicon/countries.json", "countries")
    return {
        country: re.compile(rf"(?<!\w)(?:{'|'.join(re.escape(w) for w in sorted(words, key=len, reverse=True))})(?!\w)", re.IGNORECASE)
        for country, words in table.items()
    }


def detect_country(text: str) -> str | None:
    """ISO 3166 code of the country the release is about, when its words say so clearly.

    It decides what a bare `$`, `francs` or `dirhams` means.

    >>> detect_country("MONTRÉAL, le 3 mai - La société québécoise lève 18 M$.")
    'CA'
    >>> detect_country("Une start-up de Paris lève 5 M€ auprès d'un fonds du Canada.") is None
    True
    """
    scores = {}
    for country, pattern in _country_patterns().items():
        hits = [m.start() for m in pattern.finditer(text)]
        scores[country] = sum(2 if pos < _HEAD_CHARS else 1 for pos in hits)
    ranked = sorted(scores.items(), key=lambda kv: kv[1], reverse=True)
    if not ranked or ranked[0][1] < _MIN_SCORE or (len(ranked) > 1 and ranked[1][1] == ranked[0][1]):
        return None
    return ranked[0][0]
