"""Dates: resolution. Candidate parts + document context -> ISO value at the precision written.

Pure: reads `Candidate.parts`, `Candidate.cue` and `DocContext`, never the text.
Day/month/year written in words go through dateparser (French, RELATIVE_BASE =
document date, cached per surface and document date); quarters, halves, seasons,
ranges, relative units and precision are this module's own arithmetic, where
dateparser either has no notion (quarters, seasons) or returns a full timestamp.
"""
from __future__ import annotations

from calendar import monthrange
from datetime import date, datetime, timedelta
from functools import lru_cache

import dateparser
from text_to_num import text2num

from .. import cues
from ..candidates import Candidate, DocContext
from .lexicon import date_lexicon, fold
from ..records import Mention

# Meteorological seasons; a winter is labelled with the year of its December.
_SEASON_MONTHS = {"SP": (3, 5), "SU": (6, 8), "FA": (9, 11), "WI": (12, 14)}


class Unresolvable(ValueError):
    """Parts that name no calendar date (31 février, weekday with no document date...)."""


_FORWARD = {"from", "until", "after"}
_NEARER_BY = 3  # months


def resolve_all(candidates: list[Candidate], ctx: DocContext) -> list[Mention]:
    focus = _focus_year(candidates, ctx.document_date)
    out = []
    for c in candidates:
        qual = cues.qualifier(c.cue, "date")
        parts = dict(c.parts, _forward="1" if qual in _FORWARD else "", _focus=str(focus or ""))
        try:
            value, high = resolve(parts, ctx.document_date, ctx.date_order)
        except Unresolvable:
            # A detected span that names no date (bad day number, no anchor) is
            # still a date mention; the record says so with a null value.
            value, high = None, None
        out.append(Mention("DATE", c.text, c.start, c.end, value=value, high=high, qualifier=qual))
    return out


def _focus_year(candidates: list[Candidate], doc_date: date | None) -> int | None:
    """The year the release is plainly about (`Budget 2025` named eight times, the
    previous year never), if any: partial dates with no tense or cue belong to it."""
    if doc_date is None:
        return None
    years = [v for c in candidates for k, v in c.parts.items() if k in ("year", "hi.year") and len(v) == 4]
    last, this = years.count(str(doc_date.year - 1)), years.count(str(doc_date.year))
    if last >= 3 and last >= 2 * this:
        return doc_date.year - 1
    if this >= 3 and this >= 2 * last:
        return doc_date.year
    return None


def resolve(parts, doc_date: date | None, order: str = "DMY") -> tuple[str | None, str | None]:
    """(value, high) for one candidate's parts."""
    lo = {k: v for k, v in parts.items() if not k.startswith("hi.")}
    hi = {k[3:]: v for k, v in parts.items() if k.startswith("hi.")}
    if "day0" in lo:  # "22 au 25 mai 2024": the first day shares month and year
        hi = {k: v for k, v in lo.items() if k not in ("day0", "weekday0")}
        lo = {k: v for k, v in lo.items() if k not in ("day", "weekday", "hour", "minute")}
        lo["day"] = lo.pop("day0")
        if "weekday0" in lo:
            lo["weekday"] = lo.pop("weekday0")
        if "year" not in hi:
            return _in_order(lo, hi, doc_date, order)
    if not hi:
        return _value(lo, doc_date, order), _implicit_high(lo, doc_date)
    for key in ("kind", "tense", "_forward", "_focus"):
        if key in lo:
            hi.setdefault(key, lo[key])
    if "year" not in hi and "year" not in lo and lo["kind"] == "word":
        return _in_order(lo, hi, doc_date, order)
    high = _value(hi, doc_date, order)
    # The low end borrows what it leaves out from the high end ("3 mars au 30 juin 2025").
    for key in ("year", "month"):
        if key in hi and key not in lo and lo["kind"] == hi["kind"] and ("day" in lo or key == "year"):
            lo[key] = hi[key]
    return _value(lo, doc_date, order), high


def _in_order(lo, hi, doc_date: date | None, order: str) -> tuple[str | None, str | None]:
    """A range with no year: the first end as a partial date, the last one after it."""
    low = _value(lo, doc_date, order)
    if low is None:
        return None, None
    high = _value(dict(hi, year=low[:4]), doc_date, order)
    if high is not None and high < low:
        high = _value(dict(hi, year=str(int(low[:4]) + 1)), doc_date, order)
    return low, high


def _implicit_high(p, doc_date: date | None) -> str | None:
    """A single expression that still names a stretch: a week, a decade, `de 10h à 17h`."""
    if "hour2" in p:
        value = _value(dict(p, hour=p["hour2"], minute=p["minute2"]), doc_date, "DMY")
        return value
    if p.get("decade"):
        return str(int(p["year"]) + 9)
    if p["kind"] == "relunit" and doc_date and date_lexicon().relative_units[fold(p["unit"])] == "week":
        return (date.fromisoformat(_relunit(p, doc_date)) + timedelta(days=6)).isoformat()
    return None


def _value(p, doc_date: date | None, order: str) -> str | None:
    kind = p["kind"]
    if kind == "numeric":
        return _numeric(p, order)
    if kind == "word":
        return _word(p, doc_date)
    if kind == "year":
        if len(p["year"]) == 2:  # "2024/25": the high end of a fiscal year written short
            return str(int(p["year"]) + 2000)
        return p["year"]
    if kind == "yearwords":
        try:
            return str(text2num(fold(p["year_words"]).replace("-", " "), "fr"))
        except ValueError:
            raise Unresolvable(p["year_words"]) from None
    if kind == "period":
        return _period(p, doc_date)
    if kind == "season":
        return _season(p, doc_date)
    if doc_date is None:
        return None  # relative to an unknown issue date
    if kind == "relday":
        return (doc_date + timedelta(days=date_lexicon().relative_days[fold(p["relative"])])).isoformat() + _hm(p)
    if kind == "relunit":
        return _relunit(p, doc_date)
    if kind == "weekday":
        return _weekday(p, doc_date).isoformat() + _hm(p)
    raise Unresolvable(kind)


def _hm(p) -> str:
    if "hour" not in p:
        return ""
    return f"T{int(p['hour']):02d}:{int(p['minute']):02d}"


def _numeric(p, order: str) -> str:
    if "iso" in p:
        y, m, d = int(p["year"]), int(p["month"]), int(p["day"])
    else:
        a, b = int(p["a"]), int(p["b"])
        d, m = (b, a) if order == "MDY" else (a, b)
        if m > 12:  # the date itself says which order it is in
            d, m = m, d
        y = int(p["year"])
        if len(p["year"]) == 2:
            y += 2000 if y < 70 else 1900
    _check_day(y, m, d)
    return f"{y:04d}-{m:02d}-{d:02d}" + _hm(p)


def _check_day(y: int, m: int, d: int) -> None:
    if not (1 <= m <= 12 and 1 <= d <= monthrange(y, m)[1]):
        raise Unresolvable(f"{y}-{m}-{d}")


def _word(p, doc_date: date | None) -> str | None:
    lex = date_lexicon()
    month = lex.month(p["month"])
    if "day" not in p:
        year = int(p["year"]) if "year" in p else _partial_year(month, month, p, doc_date)
        return None if year is None else f"{year:04d}-{month:02d}"
    day = int("".join(ch for ch in p["day"] if ch.isdigit()))
    if "year" in p:
        year = int(p["year"])
    else:
        year = _day_year(month, day, p, doc_date)
        if year is None:
            return None
    parsed = _parse_fr(f"{day} {fold(p['month'])} {year}", doc_date)
    if parsed is None:
        raise Unresolvable(f"{day} {p['month']} {year}")
    return parsed.isoformat() + _hm(p)


@lru_cache(maxsize=4096)
def _parse_fr(surface: str, doc_date: date | None) -> date | None:
    base = datetime.combine(doc_date, datetime.min.time()) if doc_date else datetime(2000, 1, 1)
    settings = {
        "RELATIVE_BASE": base,
        "PREFER_DATES_FROM": "current_period",
        "REQUIRE_PARTS": ["day", "month", "year"],
        "DATE_ORDER": "DMY",
        "RETURN_AS_TIMEZONE_AWARE": False,
    }
    found = dateparser.parse(surface, languages=["fr"], settings=settings)
    return found.date() if found else None


def _day_year(month: int, day: int, p, doc_date: date | None) -> int | None:
    """The year of a day written without one: the weekday decides when there is one."""
    if doc_date is None:
        return None
    wanted = date_lexicon().weekdays.get(fold(p["weekday"])) if "weekday" in p else None
    if wanted is not None:
        for y in (doc_date.year, doc_date.year - 1, doc_date.year + 1):
            if day <= monthrange(y, month)[1] and date(y, month, day).weekday() == wanted:
                return y
    return _partial_year(month, month, p, doc_date, day)


def _partial_year(first: int, last: int, p, doc_date: date | None, day: int | None = None) -> int | None:
    """The year of months `first..last` (last may exceed 12 for a winter) written without one.

    In order: a direction word (`dernier`, `prochain`), a past tense (the latest one
    already begun), a forward cue (`dès`, `d'ici`: the first one not yet over), the
    year the release is plainly about, else the instance nearest the issue date.
    """
    if doc_date is None:
        return None
    # Months on one line with the day as a fraction, so that intervals compare simply.
    now = doc_date.year * 12 + doc_date.month - 1 + (doc_date.day - 1) / 31
    start = lambda y: y * 12 + first - 1 + ((day - 1) / 31 if day else 0)  # noqa: E731
    end = lambda y: y * 12 + last - 1 + ((day - 1) / 31 if day else 30 / 31)  # noqa: E731
    y0 = doc_date.year
    step = date_lexicon().relative_directions.get(fold(p.get("dir", "")), 0)
    if step < 0:
        return max(y for y in (y0 - 2, y0 - 1, y0) if end(y) < now)
    if step > 0:
        return min(y for y in (y0, y0 + 1, y0 + 2) if start(y) > now)
    if p.get("tense") == "past":
        return max(y for y in (y0 - 2, y0 - 1, y0) if start(y) <= now)
    if p.get("_forward"):
        return min(y for y in (y0 - 1, y0, y0 + 1) if end(y) >= now)
    if p.get("_focus"):
        return int(p["_focus"])
    distance = lambda y: max(start(y) - now, now - end(y), 0)  # noqa: E731
    # The issue year unless another instance is clearly nearer (a "décembre" in a
    # February results release is the December just gone).
    other = min((y0 - 1, y0 + 1), key=distance)
    return other if distance(other) + _NEARER_BY < distance(y0) else y0


def _period(p, doc_date: date | None) -> str | None:
    lex = date_lexicon()
    if "abbr" in p:
        letter, number = lex.period_abbreviations[p["abbr"]], int(p["number"])
    else:
        letter, number = lex.period_words[fold(p["unit"])], lex.ordinals[fold(p["ordinal"])]
    if letter == "H" and number > 2:
        raise Unresolvable(f"semester {number}")
    if "year" in p:
        year = int(p["year"])
    else:
        size = 3 if letter == "Q" else 6
        year = _partial_year(size * (number - 1) + 1, size * number, p, doc_date)
    return None if year is None else f"{year}-{letter}{number}"


def _season(p, doc_date: date | None) -> str | None:
    code = date_lexicon().seasons[fold(p["season"])]
    if "year" in p:
        return f"{p['year']}-{code}"
    if doc_date is None:
        return None
    first, last = _SEASON_MONTHS[code]
    year = _partial_year(first, last, p, doc_date)
    if code == "WI" and doc_date.month <= 2 and not p.get("dir") and year == doc_date.year:
        year -= 1  # in January the current winter began the December before
    return f"{year}-{code}"


def _relunit(p, doc_date: date) -> str:
    lex = date_lexicon()
    unit = lex.relative_units[fold(p["unit"])]
    step = lex.relative_directions.get(fold(p["dir"]), 0) if p.get("dir") else 0
    y, m = doc_date.year, doc_date.month
    if unit == "year":
        return str(y + step)
    if unit == "week":
        # A week has no ISO calendar value in the contract: its Monday stands for it.
        monday = doc_date - timedelta(days=doc_date.weekday()) + timedelta(weeks=step)
        return monday.isoformat()
    size, letter = {"month": (1, ""), "quarter": (3, "Q"), "half": (6, "H")}[unit]
    index = (y * 12 + m - 1) // size + step
    year, rest = divmod(index, 12 // size)
    return f"{year}-{rest + 1:02d}" if unit == "month" else f"{year}-{letter}{rest + 1}"


def _weekday(p, doc_date: date) -> date:
    wanted = date_lexicon().weekdays[fold(p["weekday"])]
    step = date_lexicon().relative_directions.get(fold(p.get("dir", "")), 0)
    today = doc_date.weekday()
    if step < 0:
        return doc_date - timedelta(days=(today - wanted) % 7 or 7)
    if step > 0:
        return doc_date + timedelta(days=(wanted - today) % 7 or 7)
    return doc_date + timedelta(days=wanted - today)  # that day of the issue week


def calendar_day(parts, order: str) -> date | None:
    """The full calendar day a candidate writes out (day, month and year), else None.

    Used to find the document date, so it must not lean on one.
    """
    if parts.get("kind") not in ("numeric", "word") or any(k.startswith("hi.") or k == "day0" for k in parts):
        return None
    if parts["kind"] == "word" and ("day" not in parts or "year" not in parts):
        return None
    try:
        value = _value(parts, None, order)
    except Unresolvable:
        return None
    return date.fromisoformat(value[:10]) if value else None
