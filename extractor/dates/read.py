"""Dates: the surface pieces of one end of a candidate, read into an `End`.

Calendar pieces (`12`, `juin`, `2025`, `T3`, `printemps`, `Noël`) become typed
fields; relative pieces (`hier`, `mois dernier`, `jeudi en huit`, `dans deux
semaines`) are counted from the issue date, or from the date the text named just
before (`le jeudi suivant`, `l'année précédente`), here and now. Missing years are
left to `dates.resolve`. Any piece that cannot be read raises `Unresolvable`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Callable, Mapping

from text_to_num import text2num

from .lexicon import date_lexicon, fold
from .timeline import End, Unresolvable, full_year, next_weekday, shift_month, weekday_in_week

__all__ = ["Anchors", "read_end"]


@dataclass(frozen=True)
class Anchors:
    """What the text has named before a candidate, for expressions counted from it."""

    doc_date: date | None
    previous_day: date | None = None  # the last date at day precision
    # the last end at a unit's precision: "year", "month", "quarter", "half"
    previous_of: Callable[[str], End | None] = lambda unit: None


def read_end(p: Mapping[str, str], kind: str, order: str, anchors: Anchors, country: str | None = None) -> End:
    if kind in ("calendar", "day"):
        return _calendar(p, order)
    if kind == "period":
        return _period(p)
    if kind == "season":
        return End(year=_year(p), season=date_lexicon().seasons[fold(_need(p, "season"))], direction=_direction(p))
    if kind == "holiday":
        return _holiday(p, country)
    if kind == "year":
        return End(year=_year(p), decade=bool(p.get("decade")))
    if kind == "yearwords":
        try:
            return End(year=int(text2num(fold(_need(p, "year_words")).replace("-", " "), "fr")))
        except ValueError:
            raise Unresolvable(p["year_words"]) from None
    if kind == "relunit":
        return _relunit(p, anchors)
    if anchors.doc_date is None and not _anchored(p):
        raise Unresolvable("relative to an unknown issue date")
    if kind == "relday":
        offset = date_lexicon().relative_days.get(fold(_need(p, "relative")))
        if offset is None:
            offset = date_lexicon().relative_days_with_article[fold(p["relative"])]
        return _at(anchors.doc_date + timedelta(days=offset), p)
    if kind == "weekday":
        return _at(_weekday(p, anchors), p)
    if kind == "offset":
        return _offset(p, anchors.doc_date)
    raise Unresolvable(kind)


def _need(p: Mapping[str, str], key: str) -> str:
    if not p.get(key):
        raise Unresolvable(f"no {key}")
    return p[key]


def _year(p: Mapping[str, str]) -> int | None:
    text = p.get("year")
    return full_year(text) if text else None


def _direction(p: Mapping[str, str]) -> int:
    return date_lexicon().relative_directions.get(fold(p.get("dir", "")), 0)


def _anchored(p: Mapping[str, str]) -> bool:
    return fold(p.get("dir", "")) in date_lexicon().anchored_directions


def _number(text: str) -> int:
    digits = re.sub(r"\D", "", text)
    if digits:
        return int(digits)
    try:
        return int(text2num(fold(text).replace("-", " "), "fr"))
    except ValueError:
        raise Unresolvable(text) from None


def _calendar(p: Mapping[str, str], order: str) -> End:
    lex = date_lexicon()
    end = End(year=_year(p), direction=_direction(p))
    if "a" in p:  # a numeric day and month whose order the document decides
        a, b = int(_need(p, "a")), int(_need(p, "b"))
        end.day, end.month = (b, a) if order == "MDY" else (a, b)
        if end.month > 12:  # the date itself says which order it is in
            end.day, end.month = end.month, end.day
    else:
        if p.get("month"):
            end.month = lex.month(p["month"])
            if end.month is None:
                raise Unresolvable(p["month"])
        if p.get("day"):
            end.day = lex.day_words.get(fold(p["day"])) or _number(p["day"])
    if p.get("half_month"):
        end.half_month = lex.ordinals[fold(p["half_month"])]
    if p.get("weekday"):
        end.weekday = lex.weekday(p["weekday"])
    end.week_of = bool(p.get("week_of"))
    return _with_clock(end, p)


def _with_clock(end: End, p: Mapping[str, str]) -> End:
    """The clock time written after the day (`à 14h30`, `14:05:47`, `de 10h à 17h`)."""
    if p.get("hour"):
        end.hour = _clock(p["hour"])
        end.minute = int(p.get("minute") or 0)
        end.second = int(p["second"]) if p.get("second") else None
    if p.get("hour2"):
        end.until = (_clock(p["hour2"]), int(p.get("minute2") or 0))
    return end


def _clock(text: str) -> int:
    hour = date_lexicon().clock_words.get(fold(text))
    return hour if hour is not None else int(text)


def _at(day_: date, p: Mapping[str, str]) -> End:
    return _with_clock(End(year=day_.year, month=day_.month, day=day_.day), p)


def _period(p: Mapping[str, str]) -> End:
    lex = date_lexicon()
    if p.get("first_months"):
        return End(year=_year(p), first_months=_number(p["first_months"]))
    if p.get("abbr"):
        letter, number = lex.period_abbreviations[p["abbr"].upper()], int(_need(p, "number"))
    else:
        letter, number = lex.period_words[fold(_need(p, "unit"))], lex.ordinals[fold(_need(p, "ordinal"))]
    if number > (2 if letter == "H" else 4):
        raise Unresolvable(f"{letter}{number}")
    return End(year=_year(p), period=f"{letter}{number}")


def _holiday(p: Mapping[str, str], country: str | None) -> End:
    hol = date_lexicon().holidays
    key = fold(_need(p, "holiday"))
    if key in hol.easter:  # its day depends on the year, set once the year is known
        return End(year=_year(p), easter_offset=hol.easter[key])
    if key in hol.national:
        month, day_ = hol.national_by_country.get(country or "FR", hol.national_by_country["FR"])
    else:
        month, day_ = hol.fixed[key]
    return End(year=_year(p), month=month, day=day_)


def _relunit(p: Mapping[str, str], anchors: Anchors) -> End:
    lex = date_lexicon()
    unit = lex.relative_units[fold(_need(p, "unit"))]
    word = fold(p.get("dir", ""))
    base = anchors.previous_of(unit) if word in lex.anchored_directions else None
    step = lex.anchored_directions.get(word) if word in lex.anchored_directions else lex.relative_directions.get(word, 0)
    if base is not None:
        return _shift_end(base, unit, step)
    if anchors.doc_date is None:
        raise Unresolvable("relative to an unknown issue date")
    d = anchors.doc_date
    if unit == "week":
        # A week has no ISO calendar value in the contract: its Monday stands for it.
        monday = d - timedelta(days=d.weekday()) + timedelta(weeks=step)
        return End(year=monday.year, month=monday.month, day=monday.day, week=True)
    current = {"year": End(year=d.year), "month": End(year=d.year, month=d.month),
               "quarter": End(year=d.year, period=f"Q{(d.month - 1) // 3 + 1}"),
               "half": End(year=d.year, period=f"H{(d.month - 1) // 6 + 1}")}[unit]
    return _shift_end(current, unit, step)


def _shift_end(base: End, unit: str, step: int) -> End:
    if base.year is None:
        raise Unresolvable("no year to count from")
    if unit == "year":
        return End(year=base.year + step)
    if unit == "month" and base.month:
        y, m = shift_month(base.year, base.month, step)
        return End(year=y, month=m)
    if unit in ("quarter", "half") and base.period:
        per_year = 4 if unit == "quarter" else 2
        index = base.year * per_year + int(base.period[1]) - 1 + step
        return End(year=index // per_year, period=f"{base.period[0]}{index % per_year + 1}")
    raise Unresolvable(f"{unit} from {base}")


def _weekday(p: Mapping[str, str], anchors: Anchors) -> date:
    lex = date_lexicon()
    wanted = lex.weekday(_need(p, "weekday"))
    if wanted is None:
        raise Unresolvable(p["weekday"])
    word = fold(p.get("dir", ""))
    if word in lex.anchored_directions:
        base = anchors.previous_day or anchors.doc_date
        if base is None:
            raise Unresolvable("nothing to count from")
        return next_weekday(base, wanted, lex.anchored_directions[word])
    doc = anchors.doc_date
    if p.get("week_dir"):
        return weekday_in_week(doc, wanted, lex.relative_directions.get(fold(p["week_dir"]), 0))
    if p.get("plus"):
        return next_weekday(doc, wanted, 1) + timedelta(weeks=lex.weekday_in_weeks[fold(p["plus"])])
    step = lex.relative_directions.get(word, 0)
    if step:
        return next_weekday(doc, wanted, step)
    in_week = weekday_in_week(doc, wanted)
    # A weekday alone is that day of the issue week, unless the verb's tense points to the
    # other side of the issue date: "a annoncé vendredi" in a Monday release is the Friday
    # before it, "se tiendra lundi" in a Friday release the Monday after it.
    tense = p.get("tense")
    if tense == "past" and in_week > doc:
        return in_week - timedelta(weeks=1)
    if tense == "future" and in_week < doc:
        return in_week + timedelta(weeks=1)
    return in_week


def _offset(p: Mapping[str, str], doc: date) -> End:
    """`dans deux semaines`, `il y a six mois`: dateparser counts from the issue date; the
    value keeps the precision of the unit (a month offset names a month)."""
    lex = date_lexicon()
    unit = lex.offset_units[fold(_need(p, "unit"))]
    found = _dateparser_offset(f"{_need(p, 'sign')} {_need(p, 'count')} {p['unit']}", doc)
    if found is None:
        raise Unresolvable(f"dateparser cannot count {p['sign']} {p['count']} {p['unit']}")
    if unit in ("day", "week"):
        return End(year=found.year, month=found.month, day=found.day)
    if unit == "month":
        return End(year=found.year, month=found.month)
    return End(year=found.year)


def _dateparser_offset(surface: str, doc: date) -> date | None:
    import dateparser  # loads its language data on first use: only texts with an offset pay for it

    settings = {"RELATIVE_BASE": datetime(doc.year, doc.month, doc.day), "RETURN_AS_TIMEZONE_AWARE": False}
    found = dateparser.parse(surface, languages=["fr"], settings=settings)
    return found.date() if found is not None else None