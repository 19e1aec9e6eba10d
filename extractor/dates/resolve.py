"""Dates: resolution. Candidate parts + document context -> ISO value at the precision written.

Pure: reads `Candidate.parts`, `Candidate.cue`, `DocContext` and the document's
other DATE candidates (the year the release is about, the date it has just
named), never the text. Each end of a candidate is read into a typed `End`
(`dates.read`), whatever way it was written; a missing year or month comes from the
issue date or, without one, from the text's own evidence; the two ends of a range
are completed one from the other so that the range never runs backwards. A
candidate that names no date gets `value: null`.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import date, timedelta
from calendar import monthrange

from .. import cues
from ..candidates import Candidate, DocContext
from ..records import Mention
from .lexicon import date_lexicon, fold
from .read import Anchors, read_end
from .timeline import End, Unresolvable, day, partial_year, shift_month, with_year

__all__ = ["resolve_all", "Story", "render", "iso", "calendar_day"]

_FORWARD = {"from", "until", "after"}
_BOUNDS = {"from", "until", "before", "after"}
_TOP = 600  # characters: the title and first paragraph, where a release says what it is about


def resolve_all(candidates: list[Candidate], ctx: DocContext) -> list[Mention]:
    story = Story(candidates, ctx)
    out = []
    for c in candidates:
        qual = cues.qualifier(c.cue, "date")
        try:
            lo, hi = story.resolve(c, forward=qual in _FORWARD and not _looks_back(c.cue))
            value, high = render(lo, hi)
        except Unresolvable:
            # A detected span that names no date (bad day number, no anchor) is
            # still a date mention; the record says so with a null value.
            lo, hi, value, high = None, None, None, None
        story.remember(c, hi or lo, qual)
        out.append(Mention("DATE", c.text, c.start, c.end, value=value, high=high, qualifier=qual))
    return out


class Story:
    """What the release says about its own calendar, read in text order.

    It keeps the last date named at each precision (for `le 5`, `le jeudi suivant`,
    `l'année précédente`) and the last year written in the current paragraph, so
    that each candidate costs the same however long the document.
    """

    def __init__(self, candidates: list[Candidate], ctx: DocContext):
        self.ctx = ctx
        self.doc_date = ctx.document_date
        # With no issue date, the year the text is about completes partial dates.
        self.focus = None if ctx.document_date else _text_year(candidates)
        self.last: dict[str, End] = {}  # "day", "month", "year", "quarter", "half" -> the last end named so
        self.written: tuple[str, int] | None = None  # (paragraph, year) of the last year written outright

    def remember(self, c: Candidate, end: End | None, qual: str | None) -> None:
        if end is None or end.year is None:
            return
        self.last["year"] = end
        if end.month and not end.period:
            self.last["month"] = end
            if end.day and not end.week:
                self.last["day"] = end
        if end.period:
            self.last["quarter" if end.period[0] == "Q" else "half"] = end
        if qual not in _BOUNDS and len(c.parts.get("year", "")) == 4 and not _is_range(c):
            self.written = (c.parts.get("para", ""), end.year)

    def _anchors(self) -> Anchors:
        last_day = self.last.get("day")
        previous_day = date(last_day.year, last_day.month, last_day.day) if last_day else None
        return Anchors(self.doc_date, previous_day, self.last.get)

    def resolve(self, c: Candidate, forward: bool) -> tuple[End, End | None]:
        parts = c.parts
        kind = parts.get("kind", "")
        lo_parts = {k: v for k, v in parts.items() if not k.startswith("hi.")}
        hi_parts = {k[3:]: v for k, v in parts.items() if k.startswith("hi.")}
        anchors = self._anchors()
        lo = read_end(lo_parts, kind, self.ctx.date_order, anchors, self.ctx.country)
        if not hi_parts:
            return self.complete(lo, c, forward), None
        hi = read_end(hi_parts, hi_parts.get("kind", kind), self.ctx.date_order, anchors, self.ctx.country)
        return self._join(lo, hi, c, forward)

    def complete(self, end: End, c: Candidate, forward: bool) -> End:
        """The end with its missing year (and month, for a day written alone)."""
        tense = "past" if _looks_back(c.cue) else c.parts.get("tense", "")
        if end.year is not None:
            return with_year(end, end.year)
        if end.month is None and end.day is not None and end.easter_offset is None:
            return self._day_alone(end, c, tense)
        if self.doc_date is not None:
            return with_year(end, partial_year(end, self.doc_date, tense, forward))
        if end.direction:
            raise Unresolvable("dernier / prochain with no issue date")
        year = self._year_from_text(c)
        if year is None:
            raise Unresolvable("the text does not say which year")
        if end.weekday is not None and end.day and end.month:
            fits = [y for y in (year, year + 1, year - 1) if _weekday_fits(y, end)]
            year = fits[0] if fits else year
        return with_year(end, year)

    def _year_from_text(self, c: Candidate) -> int | None:
        """The year written last in the same paragraph, else the year the text is about."""
        if self.written is not None and self.written[0] == c.parts.get("para", ""):
            return self.written[1]
        return self.focus

    def _day_alone(self, end: End, c: Candidate, tense: str) -> End:
        """`le 5`, `jeudi 12`: the month named last, else the issue date's month."""
        named = self.last.get("month")
        if named is not None:
            options = [(named.year, named.month), shift_month(named.year, named.month, 1)]
        elif self.doc_date is not None:
            d = self.doc_date
            past = tense == "past"
            first = (d.year, d.month) if (end.day <= d.day if past else end.day >= d.day) else shift_month(d.year, d.month, -1 if past else 1)
            options = [first, shift_month(*first, 1), shift_month(*first, -1)]
        else:
            raise Unresolvable("a day alone with no month")
        for y, m in options:
            candidate = replace(end, year=y, month=m)
            if end.day <= monthrange(y, m)[1] and (end.weekday is None or _weekday_fits(y, candidate)):
                return candidate
        raise Unresolvable("no month fits the day")

    def _join(self, lo: End, hi: End, c: Candidate, forward: bool) -> tuple[End, End]:
        """The two ends of a range, each completed from the other, never backwards."""
        lo_month_borrowed = lo.month is None and lo.day is not None and hi.month is not None
        hi_month_borrowed = hi.month is None and hi.day is not None and lo.month is not None
        if lo_month_borrowed:
            lo = replace(lo, month=hi.month)
        if hi_month_borrowed:
            hi = replace(hi, month=lo.month)
        # The end that says more is completed first; the other is fitted around it.
        if lo_month_borrowed or (hi.year is not None and lo.year is None):
            hi = self.complete(hi, c, forward)
            lo = self._fit(lo, hi, -1, lo_month_borrowed)
        else:
            lo = self.complete(lo, c, forward)
            hi = self._fit(hi, lo, 1, hi_month_borrowed or hi.month is None and hi.day is not None)
        if hi.first_day() < lo.first_day():
            raise Unresolvable("a range that runs backwards")
        return lo, hi

    @staticmethod
    def _fit(end: End, other: End, side: int, month_borrowed: bool) -> End:
        """The instance of `end` nearest `other` on its side of it (before: side -1)."""
        if other.year is None or (month_borrowed and other.month is None):
            raise Unresolvable("nothing to fit the other end to")
        options: list[End] = []
        if month_borrowed:
            base = (other.year, other.month) if end.year is None else (end.year, other.month)
            for step in (0, side):
                y, m = shift_month(*base, step)
                options.append(replace(end, year=y, month=m))
        elif end.year is None:
            options = [with_year(end, other.year + step) for step in (0, side)]
        else:
            options = [with_year(end, end.year)]
        for option in options:
            try:
                ok = option.first_day() <= other.first_day() if side < 0 else option.first_day() >= other.first_day()
            except Unresolvable:
                continue
            if ok:
                return option
        return options[-1]


def _looks_back(cue: str | None) -> bool:
    """`depuis le 1er janvier`: the cue points to an instance already begun."""
    return bool(cue) and fold(cue.split()[0]) in date_lexicon().backward_cues


def _is_range(c: Candidate) -> bool:
    return any(k.startswith("hi.") for k in c.parts)


def _weekday_fits(year: int, end: End) -> bool:
    return end.day <= monthrange(year, end.month)[1] and date(year, end.month, end.day).weekday() == end.weekday


def _text_year(candidates: list[Candidate]) -> int | None:
    """With no issue date, the year the text is about: the latest year written near
    the top (a results release names the year it reports and the years it compares
    it with), else the year written most often."""
    # A range (a plan's period, a comparison) does not say which year is reported.
    written = [(c.start, int(c.parts["year"])) for c in candidates
               if len(c.parts.get("year", "")) == 4 and not _is_range(c) and cues.qualifier(c.cue, "date") not in _BOUNDS]
    top = [y for start, y in written if start < _TOP]
    if top:
        return max(top)
    if not written:
        return None
    counts = Counter(y for _, y in written)
    return max(counts, key=lambda y: (counts[y], y))


# ---------------------------------------------------------------- ISO values


def render(lo: End, hi: End | None) -> tuple[str, str | None]:
    if hi is None:
        return iso(lo), _implicit_high(lo)
    return iso(lo), _implicit_high(hi) or iso(hi)


def iso(end: End) -> str:
    y = end.year
    if y is None:
        raise Unresolvable("no year")
    if end.period:
        return f"{y}-{end.period}"
    if end.season:
        return f"{y}-{end.season}"
    if end.first_months:
        return f"{y}-01"
    if end.month is None:
        return f"{y}"
    if end.half_month:
        return end.first_day().isoformat()
    if end.day is None:
        return f"{y}-{end.month:02d}"
    if end.week_of:
        return _monday(end).isoformat()
    return day(y, end.month, end.day).isoformat() + _clock(end.hour, end.minute, end.second)


def _monday(end: End) -> date:
    found = day(end.year, end.month, end.day)
    return found - timedelta(days=found.weekday())


def _clock(hour: int | None, minute: int | None, second: int | None) -> str:
    if hour is None:
        return ""
    if not (0 <= hour <= 23 and 0 <= (minute or 0) <= 59 and 0 <= (second or 0) <= 59):
        raise Unresolvable(f"{hour}:{minute}:{second}")
    return f"T{hour:02d}:{minute or 0:02d}" + (f":{second:02d}" if second is not None else "")


def _implicit_high(end: End) -> str | None:
    """A single expression that still names a stretch: a week, a decade, `9M`, `de 10h à 17h`."""
    if end.until is not None:
        return day(end.year, end.month, end.day).isoformat() + _clock(*end.until, None)
    if end.decade:
        return str(end.year + 9)
    if end.first_months:
        if not 1 <= end.first_months <= 12:
            raise Unresolvable(f"{end.first_months} months")
        return f"{end.year}-{end.first_months:02d}"
    if end.week:
        return (day(end.year, end.month, end.day) + timedelta(days=6)).isoformat()
    if end.week_of:
        return (_monday(end) + timedelta(days=6)).isoformat()
    if end.half_month == 1:
        return day(end.year, end.month, 15).isoformat()
    if end.half_month == 2:
        return day(end.year, end.month, monthrange(end.year, end.month)[1]).isoformat()
    return None


def calendar_day(parts, order: str) -> date | None:
    """The full calendar day a candidate writes out (day, month and year), else None.

    Used to find the document date, so it must not lean on one.
    """
    if parts.get("kind") != "calendar" or any(k.startswith("hi.") for k in parts) or parts.get("half_month"):
        return None
    if not parts.get("year") or not (parts.get("day") or parts.get("a")):
        return None
    try:
        end = read_end(parts, "calendar", order, Anchors(None))
        return day(end.year, end.month, end.day) if end.month and end.day else None
    except Unresolvable:
        return None
