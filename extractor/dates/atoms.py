"""Dates: calendar atoms, the pieces detection assembles into mentions.

An atom is a stretch of text and the surface pieces found in it (`parts`), with
no value computed. This module finds the calendar ones: numeric dates, dates in
words (French, and English in wire datelines), days written alone, quarters and
halves, seasons and holidays. Relative expressions are in `dates.relative`,
years in `dates.years`; `dates.detect` assembles all of them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .lexicon import date_lexicon, exact, fold, grammar
from ..lexicon import per_folder

__all__ = [
    "Atom", "numeric", "day_may_stop", "words", "days", "periods", "first_months", "seasons", "holidays"
]


@dataclass(frozen=True)
class Atom:
    start: int
    end: int
    # calendar, day, period, season, holiday, year, yearwords, relday, relunit, weekday, offset
    kind: str
    parts: dict


def numeric(text: str, P) -> list[Atom]:
    lex = date_lexicon()
    out = []
    for m in P["numeric"].finditer(text):
        g = {k: v for k, v in m.groupdict().items() if v}
        if "iy" in g:
            parts = {"iso": "1", "year": g["iy"], "month": g["im"], "day": g["id"]}
        elif "a" in g:
            a, b = int(g["a"]), int(g["b"])
            if not ((1 <= a <= 31 and 1 <= b <= 12) or (1 <= a <= 12 and 1 <= b <= 31)):
                continue
            parts = {"a": g["a"], "b": g["b"], "year": g["y"], "sep": g["sep"]}
        elif "na" in g:
            parts = {"day": g["na"], "month": g["nm"], "year": g["ny"]}
        elif "ry" in g:
            parts = {"day": g["rd"], "month": g["rm"], "year": g["ry"]}
        elif "sa" in g:
            parts = {"day": g["sa"], "month": g["sb"], "year": g["sy"]}
        elif "my" in g or "pm" in g:
            year, month = (g["my"], g["mm"]) if "my" in g else (g["py"], g["pm"])
            if _reference_before(text, m.start(), P):
                continue  # "décret 2021-12", "n° 05-2019"
            parts = {"month": month, "year": year}
        else:
            # "17/05" with no year: a day only after a word that governs one ("le 17/05")
            if not P["day_governor"].search(text, max(0, m.start() - 24), m.start()) or not day_may_stop(text, m.end(), P):
                continue
            parts = {"day": g["da"], "month": g["db"]}
        if "month" in parts and lex.month(parts["month"]) is None:
            continue
        if "day" in parts and not 1 <= int(parts["day"]) <= 31:
            continue
        out.append(Atom(m.start(), m.end(), "calendar", parts))
    return out


def day_may_stop(text: str, end: int, P) -> bool:
    """After a day written without its month the sentence stops, or goes on with a
    word that may follow a date (`le 28 pour la clôture`, not `le 1er adjoint`)."""
    lex = date_lexicon()
    after = P["day_tail"].match(text, end)
    if after is None:
        return True
    word = after.group("w").lower().replace("’", "'")
    if after.group("comma"):
        return fold(word) not in lex.addresses  # "au 12, rue de la Paix"
    return word in lex.day_alone_may_follow or P["time"].match(text, end) is not None


def _reference_before(text: str, start: int, P) -> bool:
    m = P["prev_word"].search(text, max(0, start - 26), start)
    return m is not None and fold(m.group("w")).rstrip(".") in date_lexicon().bare_year["blockers_before"]


def words(text: str, P) -> list[Atom]:
    lex = date_lexicon()
    out = []
    for m in P["word"].finditer(text):
        g = {k: v for k, v in m.groupdict().items() if v}
        if "d" not in g and "y" not in g and "yy" not in g:
            if fold(g["m"]) not in lex.months:
                continue  # a bare abbreviation: "sept" is also a number, "mar" a prefix
            if g["m"].istitle() and not re.search(r"(?:^|[.!?:\n]\s{0,3})$", text[max(0, m.start() - 4):m.start()]):
                continue  # "Mars Inc.": a capitalised month alone inside a sentence is a name
        start = m.start()
        if "wd" in g and "d" not in g:
            start = m.start("m")  # "lundi mars" is not one date
        parts = {"month": g["m"]}
        if "d" in g:
            parts["day"] = g["d"]
            if "wd" in g:
                parts["weekday"] = g["wd"]
        if "y" in g or "yy" in g:
            parts["year"] = g.get("y") or g["yy"]
        out.append(Atom(start, m.end(), "calendar", parts))
    for m in P["ordinal_day"].finditer(text):
        parts = {"day": m.group("d"), "month": m.group("m")}
        if m.group("y"):
            parts["year"] = m.group("y")
        out.append(Atom(m.start(), m.end(), "calendar", parts))
    for m in P["half_month"].finditer(text):
        if date_lexicon().ordinals[fold(m.group("o"))] > 2:
            continue
        parts = {"half_month": m.group("o"), "month": m.group("m")}
        if m.group("y"):
            parts["year"] = m.group("y")
        out.append(Atom(m.start(), m.end(), "calendar", parts))
    for m in P["english"].finditer(text):
        g = {k: v for k, v in m.groupdict().items() if v}
        parts = {"day": g.get("d") or g["d2"], "month": g.get("m") or g["m2"], "year": g["y"]}
        if "wd" in g:
            parts["weekday"] = g["wd"]
        out.append(Atom(m.start(), m.end(), "calendar", parts))
    return out


def days(text: str, P) -> list[Atom]:
    """Days written without a month (`22` in `22 au 25 mai`, `le 5`, `jeudi 12`).

    Every small number is one; assembly keeps those that a range, a list or the
    text's own context makes a day.
    """
    out = []
    for m in P["day"].finditer(text):
        parts = {"day": m.group("d")}
        if m.group("wd"):
            parts["weekday"] = m.group("wd")
        out.append(Atom(m.start(), m.end(), "day", parts))
    return out


def periods(text: str, P) -> list[Atom]:
    out = []
    for m in P["period"].finditer(text):
        g = {k: v for k, v in m.groupdict().items() if v}
        if "pa" in g:
            letter = g["pa"]
            if (letter in "SH" and int(g["pn"]) > 2) or ("ya" in g and "py" in g):
                continue
            parts = {"abbr": letter, "number": g["pn"]}
            if "ya" in g or "py" in g:
                parts["year"] = g.get("ya") or g["py"]
            if "fy" in g:
                parts["fiscal_end"] = g["fy"]
        elif "nm" in g:
            parts = {"first_months": g["nm"], "year": g["ny"]}
        else:
            reach, indefinite = _indefinite()
            if indefinite.search(text[max(0, m.start() - reach):m.start()]):
                continue  # "un premier semestre record": which one is not said
            parts = {"ordinal": g["ord"], "unit": g["unit"]}
            parts.update({name: g[k] for k, name in (("y", "year"), ("dem", "dem")) if k in g})
        out.append(Atom(m.start(), m.end(), "period", parts))
    return out


@per_folder
def _indefinite() -> tuple[int, re.Pattern[str]]:
    """How far back to look, and an indefinite article ending right before a period."""
    words = grammar("articles")["indefinite"]
    # the article, a space after it and a boundary before it
    return max(map(len, words)) + 2, re.compile(rf"(?:^|\W)(?:{exact(words)})[ \u00a0]$", re.IGNORECASE)


def first_months(text: str, P) -> list[Atom]:
    """`les neuf premiers mois de 2023`, like `9M 2023`."""
    out = []
    for m in P["first_months"].finditer(text):
        parts = {"first_months": m.group("nm")}
        if m.group("ny"):
            parts["year"] = m.group("ny")
        out.append(Atom(m.start(), m.end(), "period", parts))
    return out


@per_folder
def _season_articles() -> tuple[int, re.Pattern[str]]:
    """How far back to look, and the pattern of an article ending right before a season."""
    forms = [w if w.endswith("'") else w + " " for w in date_lexicon().season_articles]
    # a whole word: the character before it (one more in the window) is no letter
    alternatives = [("" if f.endswith("'") else r"\b") + re.escape(f) for f in forms]
    return max(map(len, forms)) + 1, re.compile(f"(?:{'|'.join(alternatives)})$")


def seasons(text: str, P) -> list[Atom]:
    out = []
    for m in P["season"].finditer(text):
        g = {k: v for k, v in m.groupdict().items() if v}
        window, after_article = _season_articles()
        before = text[max(0, m.start() - window):m.start()].translate(str.maketrans("’", "'")).lower()
        bare = "y" not in g and "dir" not in g
        # A season alone is a date after an article ("l'", "au", "en") or a demonstrative; elsewhere
        # "été" is a verb ("a été"), "premier hiver" a count and "Printemps" a department store.
        if bare and "dem" not in g and not after_article.search(before):
            continue
        elided = any(a in before for a in grammar("articles")["singular"] if a.endswith("'"))
        if bare and g["s"][0].isupper() and not g["s"].isupper() and "dem" not in g and not elided:
            continue
        parts = {k2: g[k] for k, k2 in (("s", "season"), ("y", "year"), ("dir", "dir"), ("dem", "dem")) if k in g}
        out.append(Atom(m.start(), m.end(), "season", parts))
    return out


_WORD_BEFORE = re.compile(r"(^|[.!?:;\n(«\"] ?)?([^\W\d_]+['’.]?)[ \u00a0]{0,3}$")


def holidays(text: str, P) -> list[Atom]:
    hol = date_lexicon().holidays
    out = []
    for m in P["holiday"].finditer(text):
        name = m.group("h")
        key = fold(name)
        if key in hol.capitalised and not name[0].isupper():
            continue  # "l'ascension du mont Blanc"
        if re.match(r"[ \u00a0]{1,3}[A-ZÀ-Ý]", text[m.end():m.end() + 4]) and not m.group("y"):
            continue  # "Noël Martin": a first name
        before = _WORD_BEFORE.search(text, max(0, m.start() - 14), m.start())
        if before and fold(before.group(2)) in hol.not_after:
            continue  # "Père Noël", "marché de Noël"
        word = before.group(2) if before else ""
        if key in hol.capitalised and word[:1].isupper() and before.group(1) is None and (not word.endswith(".") or len(word) <= 3):
            continue  # "Jean Toussaint", "M. Toussaint": a surname
        parts = {"holiday": name}
        if m.group("y"):
            parts["year"] = m.group("y")
        out.append(Atom(m.start(), m.end(), "holiday", parts))
    return out
