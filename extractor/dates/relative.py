"""Dates: atoms relative to the issue date (or to the date the text has just named).

`hier`, `le lendemain`, `le mois dernier`, `l'an passé`, `jeudi prochain`, `jeudi en
huit`, `dans deux semaines`, `il y a six mois`, and `aujourd'hui` when it means the
issue day. Surface pieces only; `dates.resolve` computes the days.
"""
from __future__ import annotations

import re

from .. import cues
from .atoms import Atom
from .lexicon import date_lexicon, exact, fold, grammar
from ..lexicon import per_folder

__all__ = ["relative"]

_APOS = str.maketrans("’", "'")


def relative(text: str, P) -> list[Atom]:
    return _days(text, P) + _units(text, P) + _weekdays(text, P) + _offsets(text, P)


@per_folder
def _words() -> dict[str, re.Pattern[str]]:
    """The small words around relative days, as patterns."""
    conn, art, lex = grammar("connectors"), grammar("articles"), date_lexicon()
    elided = [a for a in art["singular"] if a.endswith("'")]
    return {
        "at_before": re.compile(rf"(?:^|\W)(?:{exact(conn['at'])}) $"),
        "followers": re.compile(rf"[ \u00a0]{{1,3}}(?!(?:{exact(grammar('relative_day_followers')['words'])})\b)[^\W\d_]"),
        "emphasis": re.compile(rf"[ \u00a0]+(?:(?:{exact(lex.issue_day_emphasis)})[ \u00a0]+)?([\w'’]+)"),
        # "l'an dernier": the elided article right before the unit, one character before it a boundary
        "article": re.compile(rf"(?:^|[^\w'’])((?i:{exact(elided)}))$"),
        "duration": re.compile(rf"[ \u00a0]{{1,3}}(?:{exact(conn['of'] + grammar('contractions')['de'])})[ \u00a0]"),
    }


@per_folder
def _article_reach() -> int:
    return 1 + max(len(a) for a in grammar("articles")["singular"] if a.endswith("'"))


def _days(text: str, P) -> list[Atom]:
    lex = date_lexicon()
    W = _words()
    out = []
    for m in P["relday"].finditer(text):
        word = fold(m.group("r"))
        before = text[max(0, m.start() - 12):m.start()].translate(_APOS).lower()
        if P["of_before"].search(text, max(0, m.start() - 12), m.start()):
            continue  # "les métiers de demain", "le monde d'aujourd'hui": generic
        if W["at_before"].search(before) and lex.relative_days[word] == 0:
            continue  # "à ce jour": so far, not the issue date
        if word in lex.issue_day_words and not _today_is_issue_date(text, m.start(), m.end(), P) and not P["time"].match(text, m.end()):
            continue
        out.append(Atom(m.start(), m.end(), "relday", {"relative": m.group("r")}))
    for m in P["relday_article"].finditer(text):
        # "le lendemain," is a day; "la veille de la crise" and "la veille technologique" are not
        rest = text[m.end():m.end() + 24]
        if W["followers"].match(rest):
            continue
        out.append(Atom(m.start("r"), m.end(), "relday", {"relative": m.group("r")}))
    return out


def _today_is_issue_date(text: str, start: int, end: int, P) -> bool:
    """`aujourd'hui` next to an event verb or after a date cue is the issue date;
    beside a state verb ("compte aujourd'hui 38 salariés") it means "nowadays"."""
    if cues.find_cue(text, start, "date"):
        return True
    lex = date_lexicon()
    before = text[max(0, start - 40):start]
    after = text[end:end + 80]
    words_before = [fold(w) for w in re.findall(r"[\w'’]+", before)]
    if re.search(r"[.;:!?«»\n]\s*$", before) or not words_before:
        # "Aujourd'hui, Kelvia annonce ...": an event verb in the clause it opens
        clause = re.split(r"[.;:!?\n]", after, maxsplit=1)[0]
        return any(lex.announcement_verb.fullmatch(fold(w)) for w in re.findall(r"[\w'’]+", clause))
    if re.search(r",\s*$", before):
        return False
    last = words_before[-1]
    if lex.issue_day_verb.fullmatch(last.split("'")[-1]):
        return True
    if last in lex.issue_day_cleft:
        return True  # "C'est aujourd'hui que ..."
    if last in lex.issue_day_auxiliaries or " ".join(words_before[-2:]) in lex.issue_day_auxiliaries:
        following = _words()["emphasis"].match(after)
        # "a aujourd'hui annoncé", "a aujourd'hui même annoncé"
        return bool(following and lex.issue_day_verb.fullmatch(fold(following.group(1))))
    return False


def _units(text: str, P) -> list[Atom]:
    lex = date_lexicon()
    out = []
    for m in P["relunit"].finditer(text):
        g = {k: v for k, v in m.groupdict().items() if v}
        has_dir = "dir" in g or "ci" in g
        if "dem" in g:
            if "dir" in g and lex.relative_directions.get(fold(g["dir"]), 0) != 0:
                continue  # "ce mois dernier" is not French
        elif not has_dir:
            continue  # a bare "mois" or "an" is a unit, not a date
        parts = {"unit": g["u"], "dir": g.get("dir") or g.get("ci", "")}
        if "dem" in g:
            parts["dem"] = g["dem"]
        start = m.start()
        article = _words()["article"].search(text[max(0, start - _article_reach()):start])
        if article and fold(article.group(1) + text[start:m.end()]) in lex.article_kept:
            start -= len(article.group(1))  # "l'an dernier": the article belongs to the expression
        out.append(Atom(start, m.end(), "relunit", parts))
    return out


def _weekdays(text: str, P) -> list[Atom]:
    out = []
    for m in P["weekday"].finditer(text):
        if P["habitual"].search(text, max(0, m.start() - 14), m.start()):
            continue  # "chaque jeudi": a habit
        g = {k: v for k, v in m.groupdict().items() if v}
        if not ({"dir", "plus", "wdir", "dem"} & g.keys()) and P["every_week"].search(text, max(0, m.start() - 6), m.start()):
            continue  # "le dimanche", "du lundi au samedi": every week, not one day
        parts = {k: g[k] for k in ("dem", "dir", "plus") if k in g}
        parts["weekday"] = g["wd"]
        if "wdir" in g:
            parts["week_dir"] = g["wdir"]
        out.append(Atom(m.start(), m.end(), "weekday", parts))
    return out


def _offsets(text: str, P) -> list[Atom]:
    out = []
    for m in P["offset"].finditer(text):
        if _words()["duration"].match(text[m.end():m.end() + 5]):
            continue  # "dans deux ans de travaux": a duration
        parts = {"sign": m.group("sign"), "count": m.group("n"), "unit": m.group("u")}
        out.append(Atom(m.start(), m.end(), "offset", parts))
    return out
