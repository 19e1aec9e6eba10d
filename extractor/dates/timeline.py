"""Dates: calendar arithmetic for resolution, with no text and no lexicon.

`End` is one end of a date as resolution understands it: typed fields, each one
present or `None`, so that every way of writing a date (numbers, words, a day
alone, a quarter, a holiday) meets the same checks when two ends form a range.
"""
from __future__ import annotations

from calendar import monthrange
from dataclasses import dataclass, replace
from datetime import date, timedelta

from ..errors import ExtractorError

__all__ = [
    "SEASON_MONTHS", "NEARER_BY", "Unresolvable", "End", "day", "easter", "full_year", "with_year",
    "shift_month", "partial_year", "weekday_in_week", "next_weekday"
]

# Meteorological seasons; a winter is labelled with the year of its December.
SEASON_MONTHS = {"SP": (3, 5), "SU": (6, 8), "FA": (9, 11), "WI": (12, 14)}
NEARER_BY = 3  # months


class Unresolvable(ExtractorError, ValueError):
    """Parts that name no calendar date (31 février, a weekday with no issue date...)."""


@dataclass
class End:
    year: int | None = None
    month: int | None = None
    day: int | None = None
    hour: int | None = None
    minute: int | None = None
    second: int | None = None
    until: tuple[int, int] | None = None  # "de 10h à 17h": the closing hour and minute
    period: str | None = None  # "Q3", "H1"
    season: str | None = None  # "SP", "SU", "FA", "WI"
    first_months: int | None = None  # "9M 2023": January to September
    half_month: int | None = None  # "seconde quinzaine": 2
    decade: bool = False
    week: bool = False  # a Monday standing for its week
    week_of: bool = False  # "semaine du 3 mars": the week of this day
    easter_offset: int | None = None  # a holiday counted from Easter; the day follows from the year
    weekday: int | None = None  # a weekday written with the day: it picks the year
    direction: int = 0  # "juin dernier": the instance before the issue date

    def needs_year(self) -> bool:
        return self.year is None

    def months(self) -> tuple[int, int]:
        """First and last month this end covers (the last may pass 12 for a winter)."""
        if self.period:
            size = 3 if self.period[0] == "Q" else 6
            n = int(self.period[1])
            return size * (n - 1) + 1, size * n
        if self.season:
            return SEASON_MONTHS[self.season]
        if self.month:
            return self.month, self.month
        if self.easter_offset is not None:
            return 3, 6
        if self.first_months:
            return 1, self.first_months
        return 1, 12

    def first_day(self) -> date:
        """The first day this end covers, to order the two ends of a range."""
        if self.year is None:
            raise Unresolvable("no year")
        if self.day and self.month:
            return day(self.year, self.month, self.day)
        if self.half_month and self.month:
            return day(self.year, self.month, 1 if self.half_month == 1 else 16)
        if self.easter_offset is not None:
            return easter(self.year) + timedelta(days=self.easter_offset)
        first, _ = self.months()
        return date(self.year + (first - 1) // 12, (first - 1) % 12 + 1, 1)


def day(y: int, m: int, d: int) -> date:
    if not (1 <= m <= 12 and 1 <= d <= monthrange(y, m)[1]):
        raise Unresolvable(f"{y}-{m}-{d}")
    return date(y, m, d)


def easter(year: int) -> date:
    """Easter Sunday (Gregorian calendar), by the anonymous Gregorian algorithm."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month, dom = divmod(h + l_ - 7 * m + 114, 31)
    return date(year, month, dom + 1)


def full_year(written: str) -> int:
    """A year as written, two digits read as the nearest century pivoting at 1970.

    >>> full_year("2025"), full_year("25"), full_year("69"), full_year("70")
    (2025, 2025, 2069, 1970)
    """
    y = int(written)
    return y if len(written) == 4 else y + (2000 if y < 70 else 1900)


def with_year(end: End, year: int) -> End:
    """The end in `year`, with a holiday counted from Easter turned into its day."""
    out = replace(end, year=year)
    if end.easter_offset is not None:
        found = easter(year) + timedelta(days=end.easter_offset)
        out = replace(out, month=found.month, day=found.day, easter_offset=None)
    return out


def shift_month(year: int, month: int, step: int) -> tuple[int, int]:
    index = year * 12 + month - 1 + step
    return index // 12, index % 12 + 1


def partial_year(end: End, doc_date: date, tense: str = "", forward: bool = False) -> int:
    """The year of an end written without one, with an issue date.

    In order: a direction word (`dernier`, `prochain`), a past tense (the latest one
    already begun), a forward cue or a future tense (`dès`, `d'ici`, `ouvrira`: the
    first one not yet over), else the instance nearest the issue date. (The year a
    release is mostly about does not decide: a bare `janvier` in a March release on last
    year's results was, in the corpus, as often this January as last.)
    """
    first, last = end.months()
    if end.easter_offset is not None:
        found = easter(doc_date.year) + timedelta(days=end.easter_offset)
        first = last = found.month
        d = found.day
    else:
        d = end.day
    if end.weekday is not None and end.day and end.month:
        for y in (doc_date.year, doc_date.year - 1, doc_date.year + 1):
            if end.day <= monthrange(y, end.month)[1] and date(y, end.month, end.day).weekday() == end.weekday:
                return y
    # Months on one line with the day as a fraction, so that intervals compare simply.
    now = doc_date.year * 12 + doc_date.month - 1 + (doc_date.day - 1) / 31
    start = lambda y: y * 12 + first - 1 + ((d - 1) / 31 if d else 0)  # noqa: E731
    stop = lambda y: y * 12 + last - 1 + ((d - 1) / 31 if d else 30 / 31)  # noqa: E731
    y0 = doc_date.year
    if end.direction < 0:
        return max(y for y in (y0 - 2, y0 - 1, y0) if stop(y) < now)
    if end.direction > 0:
        return min(y for y in (y0, y0 + 1, y0 + 2) if start(y) > now)
    if tense == "past":
        year = max(y for y in (y0 - 2, y0 - 1, y0) if start(y) <= now)
    elif forward or tense == "future":
        year = min(y for y in (y0 - 1, y0, y0 + 1) if stop(y) >= now)
    else:
        distance = lambda y: max(start(y) - now, now - stop(y), 0)  # noqa: E731
        # The issue year unless another instance is clearly nearer (a "décembre" in a
        # February results release is the December just gone).
        other = min((y0 - 1, y0 + 1), key=distance)
        year = other if distance(other) + NEARER_BY < distance(y0) else y0
    if end.season == "WI" and doc_date.month <= 2 and year == doc_date.year:
        year -= 1  # in January the current winter began the December before
    return year


def weekday_in_week(doc_date: date, weekday: int, weeks: int = 0) -> date:
    """That weekday in the issue week (`weeks` = 1: the week after)."""
    return doc_date - timedelta(days=doc_date.weekday()) + timedelta(weeks=weeks, days=weekday)


def next_weekday(base: date, weekday: int, step: int) -> date:
    """The first `weekday` strictly after (`step` > 0) or before (`step` < 0) `base`."""
    if step < 0:
        return base - timedelta(days=(base.weekday() - weekday) % 7 or 7)
    return base + timedelta(days=(weekday - base.weekday()) % 7 or 7)
