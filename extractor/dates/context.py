"""Dates: what the whole release says about its own calendar.

- `infer_date_order`: day/month order of numeric dates, from the document's own
  evidence (an unambiguous `25/12/2024`, or a numeric date that one reading makes
  equal to a date written in words, as `06/12/2025` over `Jeudi 12 juin`).
- `infer_document_date`: the issue date, from the dateline, the header, the first
  full date near the top, or a weekday + day + month that only one year fits.
"""
from __future__ import annotations

import re
from datetime import date

from ..candidates import Candidate
from .lexicon import date_lexicon, exact, fold, grammar
from .timeline import full_year
from ..lexicon import per_folder

__all__ = ["infer_date_order", "infer_document_date", "document_date_evidence"]

_TOP = 600  # the dateline and header live in the first lines of a release


@per_folder
def _datelines() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """A date after a dateline's place (`Paris, le`) and one at the start of a line."""
    article = rf"(?:(?:{exact(grammar('articles')['day'])})[ \u00a0]{{1,3}})?"
    return (re.compile(rf"(?:,|—|–|-|\|)[ \u00a0]{{0,3}}{article}$", re.IGNORECASE),
            re.compile(rf"(?:^|\n)[ \t]{{0,8}}{article}$", re.IGNORECASE))


def infer_date_order(candidates: list[Candidate]) -> str:
    """'DMY' (the French default) unless the document's own dates say 'MDY'."""
    lex = date_lexicon()
    dmy = mdy = 0
    worded = set()
    for c in candidates:
        p = c.parts
        if _in_words(p):
            worded.add((int(re.sub(r"\D", "", p["day"])), lex.month(p["month"]), p.get("year"), p.get("weekday")))
    for c in candidates:
        p = c.parts
        if "a" not in p or _is_range(p):
            continue
        a, b = int(p["a"]), int(p["b"])
        if a > 12 >= b:
            dmy += 2
        elif b > 12 >= a:
            mdy += 2
        elif a != b:
            year = full_year(p["year"])
            for day, month, wyear, weekday in worded:
                if wyear is not None and int(wyear) != year:
                    continue
                fits_mdy = (day, month) == (b, a) and _weekday_fits(year, a, b, weekday)
                fits_dmy = (day, month) == (a, b) and _weekday_fits(year, b, a, weekday)
                mdy += fits_mdy
                dmy += fits_dmy
    return "MDY" if mdy > dmy else "DMY"


def _is_range(p) -> bool:
    return any(k.startswith("hi.") for k in p)


def _in_words(p) -> bool:
    """A single day written with its month in words (`Jeudi 12 juin`)."""
    return (p.get("kind") == "calendar" and not _is_range(p) and bool(re.search(r"\d", p.get("day", "")))
            and bool(p.get("month")) and not p["month"].isdigit())


def _weekday_fits(year: int, month: int, day: int, weekday: str | None) -> bool:
    if weekday is None:
        return True
    try:
        return date(year, month, day).weekday() == date_lexicon().weekdays[fold(weekday)]
    except ValueError:
        return False


def infer_document_date(text: str, date_candidates: list[Candidate]) -> date | None:
    return document_date_evidence(text, date_candidates)[0]


def document_date_evidence(text: str, date_candidates: list[Candidate]) -> tuple[date | None, str | None]:
    """The issue date and the rule that found it: "dateline", "line_start",
    "first_date" or "weekday" (None, None when no rule applies)."""
    from .resolve import calendar_day

    order = infer_date_order(date_candidates)
    top = [c for c in date_candidates if c.start < _TOP and c.cue is None]
    full = [(c, calendar_day(c.parts, order)) for c in top]
    full = [(c, d) for c, d in full if d is not None]
    dateline, line_start = _datelines()
    for test, rule in ((dateline, "dateline"), (line_start, "line_start")):
        for c, d in full:
            if test.search(text[max(0, c.start - 12):c.start]):
                return d, rule
    if full:
        return full[0][1], "first_date"
    found = _from_weekday(top, date_candidates)
    return found, "weekday" if found else None


def _from_weekday(top: list[Candidate], everything: list[Candidate]) -> date | None:
    """`Jeudi 12 juin` with no year: the year, among those the text mentions, the weekday fits."""
    lex = date_lexicon()
    years = sorted({int(c.parts["year"]) for c in everything if c.parts.get("year", "").isdigit() and len(c.parts["year"]) == 4})
    for c in top:
        p = c.parts
        if not _in_words(p) or "weekday" not in p or "year" in p:
            continue
        month, day = lex.month(p["month"]), int(re.sub(r"\D", "", p["day"]))
        fits = [y for y in years if _weekday_fits(y, month, day, p["weekday"])]
        if fits:
            # the latest year that fits: a release names its past more than its future
            # ("depuis 2014" in a 2025 release where 27 janvier was a Monday both years)
            return date(max(fits), month, day)
    return None
