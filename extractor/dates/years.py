"""Dates: years written alone, year ranges, decades, year column headings, years in words.

A plausible year (1900-2100) standing alone is a date: `par rapport à 2019`,
`2024 a été une année record`, `les comptes 2023`. It is not when its neighbours
make it something else: a name (`France 2030`, `Securities Act de 1933`), a count or
a quantity (`2019 salariés`, `1985 km`, `au moins 2000`), a code or a reference
(`ISO 9001:2015`, `décret 2021-1234`, `salle 2024`), an address or a phone number
(`2000 route des Lucioles`, `2000 Neuchâtel`, `+41 21 2019 45 67`). A year after a
trigger (`en`, `depuis`, `exercice`...) may be older (`depuis 1886`).
"""
from __future__ import annotations

import re

from .. import cues
from .atoms import Atom
from .lexicon import date_lexicon, exact, fold, grammar
from ..lexicon import per_folder

__all__ = ["years"]

_SENTENCE_START = re.compile(r"(?:^|[.!?:;«»\"•|\n\t(]|[-–—] )[ \u00a0\u202f]*$")
_CAPITALISED = re.compile(r"[A-ZÀ-Ý]")


def years(text: str, P) -> list[Atom]:
    out = []
    last_end = refused_end = -1
    lowercase_words = None  # the text's lowercase words, computed when first needed
    for m in P["year"].finditer(text):
        s, e = m.start(), m.end()
        listed = last_end >= 0 and P["list_gap"].fullmatch(text, last_end, s) is not None
        if refused_end >= 0 and P["list_gap"].fullmatch(text, refused_end, s):
            refused_end = e  # "les salles 2019 et 2020": the list goes on
            continue
        trigger = P["trigger"].search(text, max(0, s - 40), s)
        if trigger and _names_something(text, trigger, P):
            trigger = None  # "le programme Horizon 2020": a capitalised trigger inside a sentence is a name
        if trigger or listed:
            weak = listed or fold(trigger.group().strip(" -\u00a0'’")).rsplit(" ", 1)[-1] in _weak_triggers()
            if weak and _counts_something(text, e, P):
                refused_end = e
                continue
        else:
            if lowercase_words is None:
                lowercase_words = _LowercaseWords(text)
            if not 1900 <= int(m.group("y")) <= 2100 or not _bare_year_is_date(text, s, e, P, lowercase_words):
                refused_end = e
                continue
        out.append(Atom(s, e, "year", {"year": m.group("y")}))
        last_end = e
    for m in P["year_range"].finditer(text):
        y, y2 = m.group("y"), m.group("y2")
        hi = int(y2) if len(y2) == 4 else int(y[:2] + y2)
        if hi <= int(y) or hi - int(y) > 50:
            continue
        conn = (m.group("conn") or "").lower()
        if conn:
            words = grammar("connectors")
            opener = P["range_open"].search(text, max(0, m.start() - 12), m.start())
            if not opener or (conn in words["range_and"]) != (opener.group("o").lower() in words["range_between"]):
                continue  # "en 2025 et 2026" is a list, "de 2028 à 2029" a range
        out.append(Atom(m.start(), m.end(), "year", {"year": y, "hi.year": y2}))
    for m in P["decade"].finditer(text):
        out.append(Atom(m.start(), m.end(), "year", {"year": m.group("y"), "decade": "1"}))
    return out + _table_years(text, P) + _year_words(text, P)


class _LowercaseWords:
    """The words a text writes in lower case, read on first use (few texts need them)."""

    def __init__(self, text: str):
        self.text = text
        self.words: set[str] | None = None

    def __contains__(self, key: str) -> bool:
        if self.words is None:
            self.words = {fold(w) for w in re.findall(r"(?<![\w'’])[a-zà-ÿ][\w'’-]*", self.text)}
        return key in self.words


def _bare_year_is_date(text: str, s: int, e: int, P, lowercase_words: _LowercaseWords) -> bool:
    lex = date_lexicon()
    block = lex.bare_year
    if _counts_something(text, e, P) or _in_number_run(text, s, e) or _among_counts(text, s, e):
        return False
    nxt = P["next_word"].match(text, e)
    if nxt and fold(nxt.group("w")) in block["blockers_after"]:
        return False  # "2000 route des Lucioles", "2019 fois"
    quantity = cues.find_cue(text, s, "quantity")
    if quantity and not cues.find_cue(text, s, "date"):
        return False  # "au moins 2000", "environ 2010"
    if _amount_range().match(text[e:e + 30]):
        return False  # "de 1950 à 2100 euros": a range of amounts
    if nxt and _CAPITALISED.match(nxt.group("w")) and re.search(r"(?:^|\n|,|[A-Z]{1,2}-)[ \u00a0]*$", text[max(0, s - 4):s]):
        return False  # "2000 Neuchâtel", "CH-1950 Sion": a postcode
    prev = _previous_word(text, s, P)
    if prev is None:
        return True
    word, wstart = prev
    key = fold(word).rstrip(".").split("'")[-1]
    if key in block["blockers_before"] or key in block["count_before"]:
        return False  # "ISO 2019", "salle 2024"; "compte 2019", "une capacité de 2000"
    if not _CAPITALISED.match(word) or lex.month(word) is not None or lex.weekday(word) is not None:
        return True
    # A capitalised word right before the year names something ("France 2030",
    # "Securities Act de 1933", "le programme Horizon 2020") unless it only opens the
    # sentence as a common word ("Mais 2024", "Budget 2025", "Cotisations 2025" in a
    # text that writes "les cotisations"), or it is a heading in capitals, or a
    # trigger governs it ("Objectif ARR 2026").
    if _SENTENCE_START.search(text, max(0, wstart - 6), wstart) is not None:
        return key in block["function_words"] or _is_trigger(key) or key in lowercase_words
    if word.isupper() and len(word) > 3 and _heading(text, wstart):
        return True
    before = _previous_word(text, wstart, P)
    return before is not None and _is_trigger(fold(before[0])) and not before[0].isupper()


@per_folder
def _weak_triggers() -> frozenset[str]:
    """Triggers after which a number may still be a count ("pour 2000 entreprises")."""
    return frozenset(fold(w) for w in grammar("weak_year_triggers")["words"])


@per_folder
def _amount_range() -> re.Pattern[str]:
    """A range connector, then a number and a unit: the number before it is an amount."""
    words = exact(grammar("connectors")["amount_range"])
    return re.compile(rf"[ \u00a0]{{0,3}}(?:{words}|-|–)[ \u00a0]{{0,3}}\d[\d \u00a0.,]*[ \u00a0]?(?:[%€$£]|[^\W\d_]+s\b)")


def _names_something(text: str, trigger: re.Match, P) -> bool:
    word = re.search(r"[^\W\d_][\w'’-]*", trigger.group())
    if word is None or not _CAPITALISED.match(word.group()) or word.group().isupper():
        return False
    start = trigger.start() + word.start()
    return _SENTENCE_START.search(text, max(0, start - 6), start) is None


def _previous_word(text: str, pos: int, P) -> tuple[str, int] | None:
    """The word before `pos`, looking past `de`, `du`, `d'` and a colon (`Act de 1933`,
    `Capacité d'accueil : 2000`)."""
    for _ in range(3):
        colon = re.search(r"[ \u00a0]?:[ \u00a0]{1,3}$", text[max(0, pos - 5):pos])
        if colon:
            pos -= len(colon.group())
        m = P["prev_word"].search(text, max(0, pos - 28), pos)
        if m is None:
            return None
        word = m.group("w")
        if fold(word) in _name_links() or fold(word).endswith("'") and len(word) <= 2:
            pos = m.start()
            continue
        return word, m.start()
    return None


@per_folder
def _name_links() -> frozenset[str]:
    return frozenset(fold(w) for w in grammar("connectors")["name_links"])


def _is_trigger(key: str) -> bool:
    return key in _trigger_words()


@per_folder
def _trigger_words() -> frozenset[str]:
    return frozenset(fold(w) for w in date_lexicon().year_triggers)


def _heading(text: str, pos: int) -> bool:
    """A line written in capitals: a heading, where every word is capitalised."""
    _, line = _line(text, pos, pos)
    letters = [ch for ch in line if ch.isalpha()]
    return len(letters) >= 8 and sum(ch.isupper() for ch in letters) >= 0.8 * len(letters)


def _among_counts(text: str, s: int, e: int) -> bool:
    """A cell of a table row that holds other numbers (`Visiteurs | 1 850 | 2030`), or
    of a row under a heading of years (`| 2023 | 2024` then `Total | 1985 | 2010`): a
    count like them. A row of years only is the heading itself."""
    line_start, line = _line(text, s, e)
    if not _TABLE_ROW.search(line):
        return False
    if any(not _YEARISH.fullmatch(n.strip()) for n in _NUMBER.findall(line)):
        return True
    if line_start == 0:
        return False
    _, previous = _line(text, line_start - 1, line_start - 1)
    return bool(_TABLE_ROW.search(previous)) and len(_YEARISH_CELL.findall(previous)) >= 2


def _line(text: str, s: int, e: int, reach: int = 300) -> tuple[int, str]:
    """The line around `s`..`e`, at most `reach` characters each side (a table row or a
    heading is short; a text with no line breaks must not cost its length per year)."""
    start = text.rfind("\n", max(0, s - reach), s) + 1 or max(0, s - reach)
    end = text.find("\n", e, e + reach)
    return start, text[start:end if end >= 0 else min(len(text), e + reach)]


_TABLE_ROW = re.compile(r"\t|\||[ \u00a0]{3}")
_NUMBER = re.compile(r"(?<![\w.,])\d[\d \u00a0\u202f.,]*\d|(?<![\w.,])\d(?!\w)")
_YEARISH = re.compile(r"(?:19|20)\d\d(?:[-/–](?:19|20)?\d\d)?")
_YEARISH_CELL = re.compile(r"(?:^|\t|\||[ \u00a0]{2})[ \u00a0]*(?:19|20)\d\d[ \u00a0]*(?=$|\t|\||[ \u00a0]{2}|\r)")


def _in_number_run(text: str, s: int, e: int) -> bool:
    """`01 20 19 20 24`, `+41 21 2019 45 67`, `2 025`: a piece of a longer number."""
    return bool(re.search(r"\d[ \u00a0\u202f.]$", text[max(0, s - 2):s]) or re.match(r"[ \u00a0\u202f.]\d", text[e:e + 2]))


def _counts_something(text: str, end: int, P) -> bool:
    """`pour 2000 entreprises`: a plural noun after the number makes it a count."""
    m = P["next_word"].match(text, end)
    if not m:
        return False
    w = m.group("w")
    return len(w) > 2 and w.islower() and w[-1] in "sx" and fold(w) not in date_lexicon().year_followers_ok


def _table_years(text: str, P) -> list[Atom]:
    """Years as column headings (`Indicateur<TAB>2024<TAB>2023`): a line of nothing else."""
    out = []
    for line in re.finditer(r"[^\n]{1,200}", text):
        if "\t" not in line.group() and "   " not in line.group():
            continue
        if P["table_row"].fullmatch(text, line.start(), line.end()):
            for y in P["year"].finditer(text, line.start(), line.end()):
                out.append(Atom(y.start(), y.end(), "year", {"year": y.group("y")}))
    return out


def _year_words(text: str, P) -> list[Atom]:
    out = []
    for m in P["yearwords"].finditer(text):
        if P["trigger"].search(text, max(0, m.start() - 40), m.start()):
            out.append(Atom(m.start(), m.end(), "yearwords", {"year_words": m.group("yw")}))
    return out
