"""Date vocabulary from models/lexicon/dates.json, loaded and checked once.

Detection builds its patterns from these tables; resolution maps the surface
words that detection recorded back to numbers with the same tables, so a word
added to the data file is both found and understood.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from ..lexicon import LexiconError, string_table

_FILE = "lexicon/dates.json"
_APOS = str.maketrans({"’": "'", "ʼ": "'", "\u00a0": " ", "\u202f": " "})


def fold(word: str) -> str:
    """Lookup key of a surface word: lower case, plain apostrophe, no accents, single spaces.

    >>> fold("Décembre"), fold("aujourd’hui"), fold("1ᵉʳ")
    ('decembre', "aujourd'hui", '1er')
    """
    word = unicodedata.normalize("NFKC", word.translate(_APOS)).lower()
    word = "".join(ch for ch in unicodedata.normalize("NFD", word) if not unicodedata.combining(ch))
    return re.sub(r"\s+", " ", word.strip().rstrip("."))


def alternation(words) -> str:
    """A regex alternation of phrases (and their unaccented spellings), longest first.

    Spaces match one to three spaces of any kind; apostrophes match both forms.
    """
    forms = set()
    for w in words:
        forms.add(w)
        forms.add("".join(ch for ch in unicodedata.normalize("NFD", w) if not unicodedata.combining(ch)))
    out = []
    for f in sorted(forms, key=lambda f: (-len(f), f)):
        pat = re.escape(f).replace(r"\ ", r"[ \u00a0\u202f]{1,3}").replace("'", "['’]")
        out.append(pat)
    return "|".join(out)


def surface_words(table: str) -> list[str]:
    """Every phrase of a `{key: [phrases]}` table as written (patterns need the accents)."""
    return [w for ws in string_table(_FILE, table).values() for w in ws]


@dataclass(frozen=True)
class DateLexicon:
    months: dict[str, int]  # folded full name -> month number
    month_abbreviations: dict[str, int]
    weekdays: dict[str, int]  # Monday = 0, as datetime.weekday()
    seasons: dict[str, str]  # folded word -> SP/SU/FA/WI
    season_articles: tuple[str, ...]
    ordinals: dict[str, int]
    period_words: dict[str, str]  # "trimestre" -> "Q"
    period_abbreviations: dict[str, str]  # "T" -> "Q"
    relative_days: dict[str, int]  # folded phrase -> offset in days
    relative_units: dict[str, str]  # "an" -> "year"
    relative_directions: dict[str, int]  # "dernier" -> -1
    demonstratives: tuple[str, ...]
    year_triggers: tuple[str, ...]
    year_followers_ok: frozenset[str]
    today_verb_stems: tuple[str, ...]
    year_words: tuple[str, ...]

    def month(self, word: str) -> int | None:
        key = fold(word)
        return self.months.get(key) or self.month_abbreviations.get(key)


def _inverse(table: dict[str, list[str]], convert=lambda k: k) -> dict[str, object]:
    out: dict[str, object] = {}
    for key, words in table.items():
        for w in words:
            if out.get(fold(w), convert(key)) != convert(key):
                raise LexiconError(f"{_FILE}: {w!r} is listed under two keys")
            out[fold(w)] = convert(key)
    return out


@cache
def date_lexicon() -> DateLexicon:
    t = lambda name: string_table(_FILE, name)  # noqa: E731 - local shorthand
    triggers = t("year_triggers")
    lex = DateLexicon(
        months=_inverse(t("months"), int),
        month_abbreviations=_inverse(t("month_abbreviations"), int),
        weekdays=_inverse(t("weekdays"), int),
        seasons=_inverse(t("seasons")),
        season_articles=tuple(t("season_articles")["article"]),
        ordinals=_inverse(t("ordinals"), int),
        period_words=_inverse(t("period_words")),
        period_abbreviations={w: k for k, ws in t("period_abbreviations").items() for w in ws},
        relative_days=_inverse(t("relative_days"), int),
        relative_units=_inverse(t("relative_units")),
        relative_directions=_inverse(t("relative_directions"), int),
        demonstratives=tuple(t("demonstratives")["this"]),
        year_triggers=tuple(w for ws in triggers.values() for w in ws),
        year_followers_ok=frozenset(fold(w) for w in t("year_followers_ok")["words"]),
        today_verb_stems=tuple(fold(w) for w in t("generic_today_guard")["verb_stems"]),
        year_words=tuple(t("year_words")["words"]),
    )
    if sorted(set(lex.months.values())) != list(range(1, 13)):
        raise LexiconError(f"{_FILE}: months must name all twelve months")
    if sorted(set(lex.weekdays.values())) != list(range(7)):
        raise LexiconError(f"{_FILE}: weekdays must name all seven days")
    if set(lex.seasons.values()) != {"SP", "SU", "FA", "WI"}:
        raise LexiconError(f"{_FILE}: seasons must be keyed SP, SU, FA, WI")
    return lex
