"""Dates: the regular expressions detection uses, built once from the lexicon.

Every pattern starts behind a boundary look-behind and uses only bounded
repetition, so scanning is linear even on a megabyte of digits or slashes.
Anchored patterns (`.match` at a position) read the tails and context windows.
"""
from __future__ import annotations

import re

from ..caseless import Caseless
from ..lexicon import string_table, per_folder
from .lexicon import alternation, date_lexicon, exact, grammar, leading, surface_words

__all__ = ["SP", "S", "APO", "DAY", "YEAR", "END_NUM", "SCANNED", "patterns", "holiday_names", "year_triggers"]

SP = r"[ \u00a0\u202f]"
S = SP + "{1,3}"
APO = "['’]"
DAY = r"(?:[12]\d|3[01]|0?[1-9])"
# A year after a trigger may be old ("depuis 1886"); a bare one must be plausible.
YEAR = r"(?:1[89]\d\d|20\d\d)"
# A year or day never continues a number, an amount or a code.
END_NUM = r"(?![\w%€$]|[.,/-]\d)"
_CLOCK = r"(?:[01]?\d|2[0-3])"


def _unit_alternation() -> str:
    units = date_lexicon().year_units
    return "|".join(re.escape(u) + (r"(?!\w)" if u[-1].isalnum() else "") for u in sorted(units, key=len, reverse=True))


def _time(name: str) -> str:
    """A clock time: `14h30`, `14 h`, `14:05`, `14:05:47`, `midi`."""
    words = alternation(date_lexicon().clock_words)
    return (rf"(?:(?P<{name}h>{_CLOCK})(?:{SP}?[hH](?:{SP}?(?P<{name}m>[0-5]\d))?|:(?P<{name}m2>[0-5]\d)(?::(?P<{name}s>[0-5]\d))?)(?![\w:])"
            rf"|(?P<{name}w>{words})(?![\w-]))")


# Detection runs these over the whole text (the others read short windows), and they are
# mostly words: their scans go through `Caseless` (the cost of dates is mostly scans;
# the numeric ones gain nothing there, measured). Only case-blind patterns can: `english`
# is written case-sensitive and `period` asks for capitals in a part (`T1`, `3M`).
SCANNED = ("word", "half_month", "day", "first_months", "season", "holiday", "relday", "relunit", "weekday",
           "ordinal_day", "relday_article", "offset", "yearwords", "decade")


@per_folder
def patterns() -> dict[str, re.Pattern[str] | Caseless]:
    # each compiled once: a scanned pattern's case-blind form only when something asks for it
    sources = _sources()
    blind = [key for key in SCANNED if not sources[key][1] & re.IGNORECASE]
    if blind:  # a lowercase scan would make a case-sensitive pattern case-blind
        raise ValueError(f"date patterns {blind} are case-sensitive: they cannot be scanned in lowercase")
    gated = [key for key, (_, _, gate) in sources.items() if gate and key not in SCANNED]
    if gated:
        raise ValueError(f"date patterns {gated} have a gate but are not scanned: only a scan reads it")
    return {key: Caseless(source, flags & ~re.IGNORECASE, gate) if key in SCANNED else re.compile(source, flags)
            for key, (source, flags, gate) in sources.items()}


def _source(source: str, flags: int = 0, gate: str | None = None) -> tuple[str, int, str | None]:
    """`gate`: words every match of the pattern holds (a scanned pattern skips a text without any)."""
    return source, flags, gate


def _sources() -> dict[str, tuple[str, int, str | None]]:
    lex = date_lexicon()
    months = alternation(surface_words("months"))
    abbr = alternation(surface_words("month_abbreviations"))
    all_months = alternation(surface_words("months") + surface_words("month_abbreviations")
                             + surface_words("months", "lexicon/dates_en.json"))
    en_months = "|".join(re.escape(w) for w in sorted(surface_words("months", "lexicon/dates_en.json"), key=len, reverse=True))
    en_suffixes = "|".join(map(re.escape, _table("day_suffixes", "ordinal", "lexicon/dates_en.json")))
    en_days = "|".join(re.escape(w) for w in sorted(surface_words("weekdays", "lexicon/dates_en.json"), key=len, reverse=True))
    weekdays = alternation(surface_words("weekdays"))
    # a direction written as a suffix ("ce mois-ci") is glued to its unit, the others follow it
    suffixes = alternation(w for w in surface_words("relative_directions") if w.startswith("-"))
    dirs = alternation(w for w in surface_words("relative_directions") if not w.startswith("-"))
    conn, art = grammar("connectors"), grammar("articles")
    of = leading(conn["of"])
    range_conn = exact(conn["range_to"] + conn["range_and"])
    year_nouns = exact(grammar("year_nouns")["phrases"])
    clock = {k: exact(v) for k, v in grammar("clock_connectors").items()}
    tense = {k: "|".join(map(re.escape, sorted(v, key=len, reverse=True))) for k, v in grammar("tense").items()}
    anchored = alternation(surface_words("anchored_directions"))
    dem = alternation(lex.demonstratives)
    ordinals = alternation(surface_words("ordinals"))
    day_words = alternation(surface_words("day_words"))
    count = alternation(lex.count_words)
    units = _unit_alternation()
    ic = re.IGNORECASE
    day_suffix = exact(grammar("day_suffixes")["ordinal"])
    day = rf"(?:{DAY}(?:{day_suffix})?|{day_words})"
    # The words a gated pattern cannot match without: its scan is skipped in a text that
    # holds none. Gated where a release seldom holds them and finding them is cheap
    # (measured on the fixtures: seasons hold `été`, relative units are in every release,
    # and the holiday names cost as much to find as the whole scan).
    ordinal_nouns = alternation(_table('ordinal_day', 'nouns'))
    half_words = alternation(_table('half_month', 'words'))
    first_words = alternation(_table('first_months', 'words'))
    reldays_article = alternation(surface_words('relative_days_with_article'))
    year_starts = exact(grammar('year_words')['starts'])
    decades = exact(grammar('decades')['words'])
    return {
        "numeric": _source(
            r"(?<![\w/.,:-])(?:(?P<iy>\d{4})-(?P<im>\d\d)-(?P<id>\d\d)"
            r"|(?P<a>\d{1,2})(?P<sep>[/.-])(?P<b>\d{1,2})(?P=sep)(?P<y>\d{4}|\d\d)"
            rf"|(?P<na>\d{{1,2}})(?P<nsep>[/.-])(?P<nm>{all_months})(?P=nsep)(?P<ny>{YEAR})"
            rf"|(?P<ry>{YEAR})(?P<rsep>[/.-])(?P<rd>\d{{1,2}})(?P=rsep)(?P<rm>{all_months})"
            r"|(?<!\d[ \u00a0])(?P<sa>\d\d) (?P<sb>\d\d) (?P<sy>(?:19|20)\d\d)(?![ \u00a0]\d)"
            r"|(?P<my>(?:19|20)\d\d)(?P<msep>[/-])(?P<mm>\d{1,2})"
            r"|(?P<pm>\d{1,2})(?P<psep>[/-])(?P<py>(?:19|20)\d\d)"
            r"|(?P<da>\d{1,2})/(?P<db>\d{1,2}))"
            r"(?!(?!T\d)[\w/]|[.,:-]\d)", ic),
        "word": _source(
            rf"(?:(?<![\w-])|(?<=mi-)|(?<=\d[-–]))(?:(?P<wd>{weekdays}),?{S})?(?:(?P<d>{day}){S})?"
            rf"(?P<m>{months}|(?:{abbr})\.?)"
            rf"(?:{S}{of}?(?P<y>{YEAR}){END_NUM}|{S}{APO}?(?P<yy>\d\d)(?=[;:)!?\]\r\n]|[.,](?!\d)|$|{S}(?:{range_conn})(?![\w'’])))?(?![\w-])", ic),
        "ordinal_day": _source(
            rf"(?<![\w-])(?P<d>{DAY})(?:{alternation(_table('ordinal_day', 'suffixes'))}){S}(?:{ordinal_nouns})"
            rf"{S}{of}(?P<m>{months})(?:{S}(?P<y>{YEAR}){END_NUM})?(?![\w-])", ic, ordinal_nouns),
        "half_month": _source(
            rf"(?<![\w-])(?P<o>{ordinals}){S}(?:{half_words}){S}{of}(?P<m>{months})"
            rf"(?:{S}(?P<y>{YEAR}){END_NUM})?(?![\w-])", ic, half_words),
        "english": _source(
            rf"(?<![\w-])(?:(?P<wd>{en_days}),?{S})?(?:(?P<d>{DAY})(?:{en_suffixes})?{S}(?P<m>{en_months})\.?,?"
            rf"|(?P<m2>{en_months})\.?{S}(?P<d2>{DAY})(?:{en_suffixes})?,?){S}(?P<y>{YEAR})(?![\w-]|[.,]\d)"),
        "day": _source(
            rf"(?<![\w/.,:'’-])(?<!\d[ \u00a0])(?:(?P<wd>{weekdays}),?{S})?(?P<d>{DAY}(?:{day_suffix})?)"
            rf"(?![\w%€$£°]|[.,/:]\d|{SP}?[%€$£°]|{SP}?[hH](?![^\W\d_])|{SP}\d)", ic),
        "year": _source(rf"(?:(?<![\w,.'’/:#+-])|(?<=mi-))(?P<y>{YEAR}|2100){END_NUM}(?!{SP}?(?:{units})|{SP}\d\d\d(?!\d))", ic),
        "decade": _source(rf"(?<![\w-])(?:{decades}){S}(?P<y>(?:19|20)\d0)(?![\w%€$]|[.,/-]\d)", ic, decades),
        "table_row": _source(
            rf"[^\d\n]{{0,80}}?(?:(?:\t|{SP}{{2,12}})(?:1[89]\d\d|20\d\d)){{2,8}}(?:[ \t]{{1,12}}[^\d\n]{{1,30}})?\r?"),
        "year_range": _source(
            rf"(?<![\w,.'’/:-])(?P<y>{YEAR})(?:{SP}?(?P<dash>[-–—/]){SP}?|{S}(?P<conn>{range_conn}){S})"
            rf"(?P<y2>{YEAR}|(?<=/)\d\d){END_NUM}(?!{SP}?(?:{units}))", ic),
        "period": _source(
            rf"(?<![\w-])(?:(?:(?P<ya>{YEAR})(?:{SP}|-))?(?-i:(?P<pa>[TQSH]))(?P<pn>[1-4])"
            rf"(?:(?:{SP}|-)?(?P<py>{YEAR})(?:/(?P<fy>\d\d(?:\d\d)?))?)?"
            rf"|(?P<nm>1[0-2]|[1-9])(?-i:M){SP}?(?P<ny>{YEAR})"
            rf"|(?:(?P<dem>{dem}){S})?(?P<ord>{ordinals}){S}(?P<unit>{alternation(surface_words('period_words'))})"
            rf"(?:{S}{of}?(?:(?:{year_nouns}){S})?(?P<y>{YEAR}))?){END_NUM}(?![\w-])", ic),
        "first_months": _source(
            rf"(?<![\w-])(?P<nm>\d{{1,2}}|{count}){S}(?:{first_words})"
            rf"(?:{S}(?:{of}(?:{year_nouns}){S}|{of})?(?P<ny>{YEAR}){END_NUM})?(?![\w-])", ic, first_words),
        "week_of": _source(rf"(?<![\w-])(?:{alternation(_table('week_of', 'words'))}){S}$", ic),
        "season": _source(
            rf"(?:(?<![\w-])|(?<=mi-))(?:(?P<dem>{dem}){S})?(?P<s>{alternation(surface_words('seasons'))})"
            rf"(?:{S}{of}?(?P<y>{YEAR}){END_NUM}|{S}(?P<dir>{dirs}))?(?![\w-])", ic),
        "holiday": _source(
            rf"(?<![\w-])(?P<h>{alternation(holiday_names())})(?:{S}(?P<y>{YEAR}){END_NUM})?(?![\w-])", ic),
        "relday": _source(rf"(?<![\w'’-])(?P<r>{alternation(surface_words('relative_days'))})(?![\w'’-])", ic),
        "relday_article": _source(
            rf"(?<![\w'’-])(?P<art>{exact(art['singular'])}){S}(?P<r>{reldays_article})(?![\w'’-])", ic, reldays_article),
        "relunit": _source(
            rf"(?<![\w-])(?:(?P<dem>{dem}){S})?(?P<u>{alternation(surface_words('relative_units'))})"
            rf"(?:{S}(?P<dir>{dirs}|{anchored})|(?P<ci>{suffixes}))?(?![\w'’-])", ic),
        "weekday": _source(
            rf"(?<![\w-])(?:(?P<dem>{dem}){S})?(?P<wd>{weekdays})"
            rf"(?:{S}(?P<dir>{dirs}|{anchored})|{S}(?:{exact(grammar('week_phrases')['weekday_of'])}){S}(?P<wdir>{dirs})"
            rf"|{S}(?P<plus>{alternation(surface_words('weekday_in_weeks'))}))?(?![\w'’-])", ic, weekdays),
        "offset": _source(
            rf"(?<![\w'’-])(?P<sign>{alternation(surface_words('offsets'))}){S}(?P<n>\d{{1,3}}|(?:{count})(?:[ -](?:{count})){{0,3}})"
            rf"{S}(?P<u>{alternation(surface_words('offset_units'))})(?![\w'’-])", ic),
        "yearwords": _source(
            rf"(?<![\w-])(?P<yw>(?:{year_starts})(?:[ -](?:{alternation(lex.year_words)})){{1,5}})(?![\w-])", ic, year_starts),
        "time": _source(
            rf"(?:T|{SP}?[-–—]{SP}?|,?{S}(?:(?:{clock['at']}){S})?"
            rf"|{S}(?:{clock['from']}){S}(?=[01]?\d{SP}?[hH:][^\n]{{0,8}}?{S}(?:{clock['to']}){S}\d))"
            rf"{_time('t')}(?:{S}(?:{clock['to']}){S}{_time('u')})?", ic),
        "time_before": _source(
            rf"(?<![\w:])(?P<h>{_CLOCK})(?:{SP}?[hH](?:{SP}?(?P<m>[0-5]\d))?|:(?P<m2>[0-5]\d))(?:{S}(?:{exact(art['day'])}))?{S}$", ic),
        "month_dir": _source(rf"{S}(?P<dir>{dirs})(?![\w-])", ic),
        "trigger": _source(rf"(?:^|[^\w-])(?:{alternation(year_triggers())}){SP}{{0,3}}$", ic),
        # `la séance de lundi`: the date qualifies a noun
        "of_before": _source(rf"(?:^|[^\w'’]){of}$", ic),
        "next_word": _source(rf"{S}(?P<w>[^\W\d_]{{1,20}})"),
        "day_tail": _source(rf"(?P<comma>,)?{S}(?P<w>[^\W\d_][\w'’-]{{0,20}})"),
        "prev_word": _source(r"(?P<w>[^\W\d_][\w'’.°-]{0,24}|n°|nº|\(UE\)|\(CE\))[ \u00a0\u202f]{0,3}$"),
        "past": _source(
            rf"\b(?:{tense['past_auxiliaries']})(?:\s+\w+){{0,2}}?\s+(?!(?:{tense['not_participles']})\b)\w+(?:{tense['participle_endings']})\b"
            rf"|\b\w{{2,20}}(?:{tense['imperfect_endings']})\b", ic),
        "future": _source(
            rf"\b(?:{tense['future_words']})\b|\b\w{{2,20}}(?:{tense['future_endings']})\b", ic),
        "range_gap": _source(
            rf"{SP}{{0,2}}(?P<dash>[-–—]){SP}{{0,2}}|{S}(?P<conn>{range_conn}){S}{leading(art['singular'])}?", ic),
        "range_open": _source(
            rf"(?:^|[^\w'’])(?P<o>{exact(conn['range_from'] + conn['range_between'])})(?:{S}(?:{exact(art['singular'])}))?{SP}{{0,3}}$", ic),
        "list_gap": _source(
            rf"(?:,{SP}{{0,3}}|{S}(?:{exact(conn['list'])}){S}|,{S}(?:{exact(conn['list'])}){S}){leading(art['list'])}?", ic),
        "day_governor": _source(
            rf"(?:^|[^\w'’-])(?:{alternation(_table('governors', 'day'))}|{weekdays}),?{S}$", ic),
        "period_governor": _source(rf"(?:^|[^\w'’-])(?:{alternation(_table('governors', 'period'))}){S}$", ic),
        "period_governor_strong": _source(rf"(?:^|[^\w'’-])(?:{alternation(_table('governors', 'period_strong'))}){S}$", ic),
        # a line start, a bullet or a punctuation mark leads a day too ("- 10-11 avril")
        "day_lead": _source(
            rf"(?:^|[\n(•:;,–—-]|(?<![\w'’])(?:{alternation(_table('governors', 'range_lead'))})){SP}{{0,3}}$", ic),
        "every_week": _source(rf"(?:^|[^\w'’-])(?:{alternation(_table('governors', 'every_week'))}){S}$", ic),
        "habitual": _source(rf"(?:^|[^\w'’-])(?:{alternation(lex.habitual)}){S}$", ic),
        "paragraph": _source(r"\n[ \t\r]*\n"),
    }


def _table(name: str, key: str, file: str = "lexicon/dates.json") -> list[str]:
    return string_table(file, name)[key]


def holiday_names() -> list[str]:
    file = "lexicon/holidays.json"
    return surface_words("fixed", file) + surface_words("easter", file) + _table("national_day", "phrases", file)


def year_triggers() -> list[str]:
    words = list(date_lexicon().year_triggers)
    for cue_list in string_table("lexicon/cues.json", "date").values():
        words.extend(cue_list)
    return words
