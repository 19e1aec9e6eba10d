"""Date vocabulary from models/lexicon/dates.json, dates_en.json and holidays.json,
loaded and checked once.

Detection builds its patterns from these tables; resolution maps the surface
words that detection recorded back to numbers with the same tables, so a word
added to a data file is both found and understood.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from text_to_num import text2num

from ..folding import PLAIN, without_accents
from ..folding import alternation as text_alternation
from ..lexicon import LexiconError, string_table, per_folder

__all__ = ["fold", "alternation", "exact", "leading", "surface_words", "grammar", "Holidays", "DateLexicon", "date_lexicon"]

_FILE = "lexicon/dates.json"
_EN = "lexicon/dates_en.json"
_HOLIDAYS = "lexicon/holidays.json"
# One to three spaces of any kind, as a date phrase's space (patterns.S: no tab).
_SPACE = r"[ \u00a0\u202f]{1,3}"


@lru_cache(maxsize=65536)
def fold(word: str) -> str:
    """Lookup key of a surface word: lower case, plain apostrophe, no accents, single spaces.

    >>> fold("Décembre"), fold("aujourd’hui"), fold("1ᵉʳ")
    ('decembre', "aujourd'hui", '1er')
    """
    word = without_accents(unicodedata.normalize("NFKC", word.translate(PLAIN)).lower(), compatibility=False)
    return re.sub(r"\s+", " ", word.strip().rstrip("."))


def alternation(words) -> str:
    """Date phrases as a regex alternation: with their unaccented spellings, one to three
    spaces of any kind for a space, either apostrophe for an apostrophe."""
    return text_alternation(words, space=_SPACE, unaccented=True, apostrophes=True)


def exact(words, space: str = _SPACE) -> str:
    """Grammar words (connectors, articles) as a regex alternation, matched as written:
    `à` must not become `a`, which is a verb."""
    return text_alternation(words, space=space, apostrophes=True)


def leading(words, space: str = _SPACE) -> str:
    """Grammar words each followed by a space, except an elided form (`d'`), which is
    glued to the word after it: `de 2024`, `d'avril`."""
    alternatives = [exact([w]) + ("" if w.endswith("'") else space) for w in sorted(set(words), key=lambda w: (-len(w), w))]
    return "(?:" + ("|".join(alternatives) or "(?!)") + ")"


# The grammar tables of dates.json and the keys the code reads in each (None: any key).
# A key missing is an error, and so is a key the code does not know: a list no code
# reads is a list someone believes is used.
_GRAMMAR: dict[str, tuple[str, ...] | None] = {
    "connectors": ("range_to", "range_to_alone", "range_and", "range_from", "range_between",
                   "list", "of", "at", "amount_range", "name_links"),
    "contractions": None,
    "articles": ("singular", "list", "day", "indefinite"),
    "day_suffixes": ("ordinal",),
    "year_nouns": ("phrases",),
    "decades": ("words",),
    "week_phrases": ("weekday_of",),
    "clock_connectors": ("at", "from", "to"),
    "cue_fillers": ("phrases",),
    "relative_day_followers": ("words",),
    "weak_year_triggers": ("words",),
    "tense": ("past_auxiliaries", "not_participles", "participle_endings", "imperfect_endings",
              "future_words", "future_endings"),
    "year_words": ("starts", "words"),
}


@per_folder
def grammar(table: str) -> dict[str, tuple[str, ...]]:
    """One grammar table of dates.json, its keys checked against those the code reads."""
    found = string_table(_FILE, table)
    expected = _GRAMMAR[table]
    if expected is not None:
        for key in expected:
            if key not in found:
                raise LexiconError(f"{_FILE} {table}/{key}: missing")
        for key in found:
            if key not in expected:
                raise LexiconError(f"{_FILE} {table}/{key}: read by no loader (expected {', '.join(expected)})")
    if not found:
        raise LexiconError(f"{_FILE} {table}: empty")
    return {k: tuple(v) for k, v in found.items()}


def surface_words(table: str, file: str = _FILE) -> list[str]:
    """Every phrase of a `{key: [phrases]}` table as written (patterns need the accents)."""
    return [w for ws in string_table(file, table).values() for w in ws]


@dataclass(frozen=True)
class Holidays:
    fixed: dict[str, tuple[int, int]]  # folded name -> (month, day)
    easter: dict[str, int]  # folded name -> days after Easter Sunday
    national: frozenset[str]  # folded names of the national day
    national_by_country: dict[str, tuple[int, int]]
    capitalised: frozenset[str]  # folded names that must be written with their capital
    not_after: frozenset[str]


@dataclass(frozen=True)
class DateLexicon:
    months: dict[str, int]  # folded full name -> month number
    month_abbreviations: dict[str, int]
    english_months: dict[str, int]
    weekdays: dict[str, int]  # Monday = 0, as datetime.weekday()
    english_weekdays: dict[str, int]
    seasons: dict[str, str]  # folded word -> SP/SU/FA/WI
    season_articles: tuple[str, ...]
    ordinals: dict[str, int]
    period_words: dict[str, str]  # "trimestre" -> "Q"
    period_abbreviations: dict[str, str]  # "T" -> "Q"
    relative_days: dict[str, int]  # folded phrase -> offset in days
    relative_days_with_article: dict[str, int]
    relative_units: dict[str, str]  # "an" -> "year"
    relative_directions: dict[str, int]  # "dernier" -> -1
    anchored_directions: dict[str, int]  # "précédent" -> -1, counted from the date just named
    article_kept: frozenset[str]
    weekday_in_weeks: dict[str, int]  # "en huit" -> 1
    habitual: tuple[str, ...]
    offsets: dict[str, int]  # "dans" -> 1, "il y a" -> -1
    offset_units: dict[str, str]
    count_words: tuple[str, ...]
    day_words: dict[str, int]
    clock_words: dict[str, int]
    demonstratives: tuple[str, ...]
    year_triggers: tuple[str, ...]
    year_followers_ok: frozenset[str]
    year_words: tuple[str, ...]
    bare_year: dict[str, frozenset[str]]  # blockers_before, blockers_after, function_words, count_before
    year_units: tuple[str, ...]
    day_alone_may_follow: frozenset[str]
    backward_cues: frozenset[str]
    addresses: frozenset[str]
    issue_day_verb: re.Pattern[str]  # a folded word that is an event verb
    announcement_verb: re.Pattern[str]  # ... and one that announces
    issue_day_auxiliaries: frozenset[str]
    issue_day_words: frozenset[str]  # relative days that are the issue date only beside an event verb
    issue_day_cleft: frozenset[str]
    issue_day_emphasis: tuple[str, ...]
    holidays: Holidays

    def month(self, word: str) -> int | None:
        if word.isdigit():
            return int(word) if 1 <= int(word) <= 12 else None
        key = fold(word)
        return self.months.get(key) or self.month_abbreviations.get(key) or self.english_months.get(key)

    def weekday(self, word: str) -> int | None:
        key = fold(word)
        found = self.weekdays.get(key)
        return found if found is not None else self.english_weekdays.get(key)


def _inverse(table: dict[str, list[str]], convert=lambda k: k, file: str = _FILE) -> dict[str, object]:
    out: dict[str, object] = {}
    for key, words in table.items():
        for w in words:
            if out.get(fold(w), convert(key)) != convert(key):
                raise LexiconError(f"{file}: {w!r} is listed under two keys")
            out[fold(w)] = convert(key)
    return out


def _month_day(text: str, file: str) -> tuple[int, int]:
    m = re.fullmatch(r"(\d\d)-(\d\d)", text)
    if not m or not (1 <= int(m[1]) <= 12 and 1 <= int(m[2]) <= 31):
        raise LexiconError(f"{file}: {text!r} is not a MM-DD day")
    return int(m[1]), int(m[2])


def _holidays() -> Holidays:
    t = lambda name: string_table(_HOLIDAYS, name)  # noqa: E731 - local shorthand
    fixed = {fold(w): _month_day(k, _HOLIDAYS) for k, ws in t("fixed").items() for w in ws}
    easter = _inverse(t("easter"), int, _HOLIDAYS)
    national = frozenset(fold(w) for w in t("national_day")["phrases"])
    by_country = {code: _month_day(days[0], _HOLIDAYS) for code, days in t("national_day_by_country").items()}
    if "FR" not in by_country:
        raise LexiconError(f"{_HOLIDAYS}: national_day_by_country must give FR, the default")
    names = [w for ws in (*t("fixed").values(), *t("easter").values()) for w in ws] + list(t("national_day")["phrases"])
    return Holidays(fixed, easter, national, by_country,
                    capitalised=frozenset(fold(w) for w in names if w[0].isupper()),
                    not_after=frozenset(fold(w) for w in t("not_after")["words"]))


def _verb_pattern(key: str) -> re.Pattern[str]:
    table = string_table(_FILE, "issue_day_verbs")
    stems = sorted({fold(s) for s in table[key]}, key=len, reverse=True)
    endings = sorted({fold(e) for e in table["endings"]}, key=len, reverse=True)
    return re.compile(rf"(?:{'|'.join(map(re.escape, stems))})(?:{'|'.join(map(re.escape, endings))})?")


def _counts(words: list[str]) -> tuple[str, ...]:
    for w in words:
        try:
            text2num(fold(w), "fr")
        except ValueError:
            raise LexiconError(f"{_FILE}: count word {w!r} is not a number text2num reads") from None
    return tuple(words)


@per_folder
def date_lexicon() -> DateLexicon:
    t = lambda name: string_table(_FILE, name)  # noqa: E731 - local shorthand
    en = lambda name: string_table(_EN, name)  # noqa: E731
    triggers = t("year_triggers")
    bare = t("bare_years")
    lex = DateLexicon(
        months=_inverse(t("months"), int),
        month_abbreviations=_inverse(t("month_abbreviations"), int),
        english_months=_inverse(en("months"), int, _EN),
        weekdays=_inverse(t("weekdays"), int),
        english_weekdays=_inverse(en("weekdays"), int, _EN),
        seasons=_inverse(t("seasons")),
        season_articles=tuple(t("season_articles")["article"]),
        ordinals=_inverse(t("ordinals"), int),
        period_words=_inverse(t("period_words")),
        period_abbreviations={w: k for k, ws in t("period_abbreviations").items() for w in ws},
        relative_days=_inverse(t("relative_days"), int),
        relative_days_with_article=_inverse(t("relative_days_with_article"), int),
        relative_units=_inverse(t("relative_units")),
        relative_directions=_inverse(t("relative_directions"), int),
        anchored_directions=_inverse(t("anchored_directions"), int),
        article_kept=frozenset(fold(w) for w in t("article_kept")["phrases"]),
        weekday_in_weeks=_inverse(t("weekday_in_weeks"), int),
        habitual=tuple(t("habitual")["words"]),
        offsets=_inverse(t("offsets"), int),
        offset_units=_inverse(t("offset_units")),
        count_words=_counts(t("count_words")["words"]),
        day_words=_inverse(t("day_words"), int),
        clock_words=_inverse(t("clock_words"), int),
        demonstratives=tuple(t("demonstratives")["this"]),
        year_triggers=tuple(w for ws in triggers.values() for w in ws),
        year_followers_ok=frozenset(fold(w) for w in t("year_followers_ok")["words"]),
        year_words=grammar("year_words")["words"],
        bare_year={k: frozenset(fold(w) for w in bare[k]) for k in ("blockers_before", "blockers_after", "function_words", "count_before")},
        year_units=tuple(bare["units_after"]),
        # compared in lower case with their accents: "dès" may follow a day, "des" may not
        day_alone_may_follow=frozenset(w.lower() for w in t("day_alone")["may_follow"]),
        addresses=frozenset(fold(w) for w in t("day_alone")["addresses"]),
        backward_cues=frozenset(fold(w) for w in t("backward_cues")["words"]),
        issue_day_verb=_verb_pattern("stems"),
        announcement_verb=_verb_pattern("announcement_stems"),
        issue_day_auxiliaries=frozenset(fold(w) for w in t("issue_day_verbs")["auxiliaries"]),
        issue_day_words=frozenset(fold(w) for w in t("issue_day_verbs")["words"]),
        issue_day_cleft=frozenset(fold(w) for w in t("issue_day_verbs")["cleft"]),
        issue_day_emphasis=tuple(t("issue_day_verbs")["emphasis"]),
        holidays=_holidays(),
    )
    for name, table in (("months", lex.months), ("english months", lex.english_months)):
        if sorted(set(table.values())) != list(range(1, 13)):
            raise LexiconError(f"{_FILE}: {name} must name all twelve months")
    for name, table in (("weekdays", lex.weekdays), ("english weekdays", lex.english_weekdays)):
        if sorted(set(table.values())) != list(range(7)):
            raise LexiconError(f"{_FILE}: {name} must name all seven days")
    if set(lex.seasons.values()) != {"SP", "SU", "FA", "WI"}:
        raise LexiconError(f"{_FILE}: seasons must be keyed SP, SU, FA, WI")
    if set(lex.offset_units.values()) - {"day", "week", "month", "year"}:
        raise LexiconError(f"{_FILE}: offset_units must be keyed day, week, month, year")
    for table in _GRAMMAR:  # checked now: a broken table stops the pipeline build, not a document
        grammar(table)
    return lex
