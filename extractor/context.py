"""Document context: facts about the whole release that resolution needs."""
from __future__ import annotations

import re
from datetime import date
from collections.abc import Mapping
from pathlib import Path
from typing import Iterable

from .candidates import Candidate, DocContext
from .caseless import Caseless
from .dates.context import document_date_evidence, infer_date_order
from .folding import alternation as text_alternation
from .lexicon import LexiconError, per_folder, reading, string_table

__all__ = ["DATE_EVIDENCE", "build", "choose_document_date", "load", "detect_country", "country_words"]

# Evidence of the issue date, strongest first (a date given by the caller beats all).
# The release's own dateline, or a date opening a line of its header, is the issue
# date as its authors wrote it. A web page's publication metadata and an e-mail's
# Date: say when the page or message went out, usually the issue day: they beat
# the weaker text rules (the first full date near the top may be an event's, a
# weekday's year is a guess). A PDF's or Word file's creation date is a last resort:
# files are made before, or re-exported after, the release.
DATE_EVIDENCE = ("dateline", "line_start", "metadata", "header", "first_date", "weekday", "creation_date")


def build(text: str, candidates: list[Candidate], document_date: date | None,
          given_source: str = "given", hints: Iterable[tuple[str, date]] = (),
          data: Mapping[str, str | Path] | None = None) -> DocContext:
    """`hints`: (source, date) the file states about itself, sources from DATE_EVIDENCE.
    `data`: the data folders by label: the dates' words are the DATE kind's, the country's
    the MONEY kind's (it decides what a bare `$` means); absent, the folder bound now."""
    data = data or {}
    date_candidates = [c for c in candidates if c.label == "DATE"]
    with reading(data.get("DATE")):
        if document_date is not None:
            source = given_source
        else:
            found, rule = document_date_evidence(text, date_candidates)
            document_date, source = choose_document_date([(rule, found)] if found else [], hints)
        date_order = infer_date_order(date_candidates)
    with reading(data.get("MONEY")):
        country = detect_country(text)
    return DocContext(document_date=document_date, country=country, date_order=date_order,
                      document_date_source=source)


def choose_document_date(*evidence: Iterable[tuple[str, date]]) -> tuple[date | None, str | None]:
    """The strongest (date, source) among the evidence, by DATE_EVIDENCE.

    >>> choose_document_date([("first_date", date(2025, 3, 1))], [("metadata", date(2025, 6, 12))])
    (datetime.date(2025, 6, 12), 'metadata')
    >>> choose_document_date([("dateline", date(2025, 6, 11))], [("header", date(2025, 6, 12))])
    (datetime.date(2025, 6, 11), 'dateline')
    >>> choose_document_date([], [])
    (None, None)
    """
    pool = [(source, day) for group in evidence for source, day in group]
    unknown = [source for source, _ in pool if source not in DATE_EVIDENCE]
    if unknown:
        raise ValueError(f"unknown source of a document date: {unknown[0]!r} (known: {', '.join(DATE_EVIDENCE)})")
    if not pool:
        return None, None
    source, day = min(pool, key=lambda item: DATE_EVIDENCE.index(item[0]))
    return day, source


# A word in the dateline or title says more about the country than one in the body.
_HEAD_CHARS = 400
_MIN_SCORE = 2


@per_folder
def country_words() -> tuple[Caseless, list[str]]:
    """One pattern for every country's words, a named group per country (one scan of
    the text, not one per country), and the country of each group.

    One scan finds what a scan per country would as long as no word of one country is
    found inside a word of another: checked here, so that the data cannot break it."""
    table = string_table("lexicon/countries.json", "countries")
    countries = list(table)

    def words_of(alternatives: str) -> str:
        return rf"(?<!\w)(?:{alternatives})(?!\w)"

    for country in countries:
        own = re.compile(words_of(text_alternation(table[country], space=" ")), re.IGNORECASE)
        for other in countries:
            for word in table[other] if other != country else ():
                if (m := own.search(word)) is not None:
                    raise LexiconError(f"lexicon/countries.json: {m.group()!r} ({country}) is found inside "
                                       f"{word!r} ({other})")
    groups = "|".join(f"(?P<c{i}>{text_alternation(table[c], space=' ')})" for i, c in enumerate(countries))
    return Caseless(words_of(groups)), countries


def load() -> None:
    """Read and check the country words now (at the build of press_money, whose resolution reads them)."""
    country_words()


def detect_country(text: str) -> str | None:
    """ISO 3166 code of the country the release is about, when its words say so clearly.

    It decides what a bare `$`, `francs` or `dirhams` means.

    >>> detect_country("MONTRÉAL, le 3 mai - La société québécoise lève 18 M$.")
    'CA'
    >>> detect_country("Une start-up de Paris lève 5 M€ auprès d'un fonds du Canada.") is None
    True
    """
    pattern, countries = country_words()
    scores: dict[str, int] = {}
    for m in pattern.finditer(text):
        country = countries[int(m.lastgroup[1:])]
        scores[country] = scores.get(country, 0) + (2 if m.start() < _HEAD_CHARS else 1)
    ranked = sorted(scores.items(), key=lambda kv: kv[1], reverse=True)
    if not ranked or ranked[0][1] < _MIN_SCORE or (len(ranked) > 1 and ranked[1][1] == ranked[0][1]):
        return None
    return ranked[0][0]
