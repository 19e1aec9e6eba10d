"""Dates: detection (patterns built from models/lexicon/dates.json).

Detection finds calendar expressions and records their surface pieces in
`Candidate.parts`; it computes no value. Resolution (`dates.resolve`) and the
document-level facts (`dates.context`) are re-exported here because the API and
the context step look for them in this module.

Every pattern starts behind a boundary look-behind and uses only bounded
repetition, so scanning is linear even on a megabyte of digits or slashes.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import cache

from spacy.language import Language

from .. import cues
from ..candidates import Candidate
from ..components import DetectorComponent, text_detector
from .context import infer_date_order, infer_document_date
from .lexicon import alternation, date_lexicon, fold, surface_words
from .resolve import resolve_all

__all__ = ["detect_text", "make_date_detector", "resolve_all", "infer_document_date", "infer_date_order"]

_SP = r"[ \u00a0\u202f]"
_S = _SP + "{1,3}"
_APO = "['’]"


@dataclass(frozen=True)
class _Atom:
    start: int
    end: int
    kind: str  # numeric, word, year, period, season, relday, relunit, weekday, yearwords
    parts: dict


@cache
def _patterns() -> dict[str, re.Pattern[str]]:
    lex = date_lexicon()
    months = alternation(surface_words('months'))
    abbr = alternation(surface_words('month_abbreviations'))
    weekdays = alternation(surface_words('weekdays'))
    dirs = alternation(w for w in surface_words('relative_directions') if w != "-ci")
    day = r"(?:[12]\d|3[01]|0?[1-9])(?:er|ᵉʳ|re)?"
    year = r"(?:1[89]\d\d|20\d\d)"
    # A year or day never continues a number, an amount or a code.
    end_num = r"(?![\w%€$]|[.,/-]\d)"
    # ...nor is it followed by a unit: "2025 euros", "2030 M€", "2024 MW".
    unit = rf"{_SP}?(?:[%€$£]|(?:euros?|dollars?|[kKMG]€|M[dW]|MWh?|GWh?|kWh?|tonnes|millions?|milliards?)(?!\w))"
    ic = re.IGNORECASE
    return {
        "numeric": re.compile(
            r"(?<![\w/.,:-])(?:(?P<iy>\d{4})-(?P<im>\d\d)-(?P<id>\d\d)"
            r"|(?P<a>\d{1,2})(?P<sep>[/.-])(?P<b>\d{1,2})(?P=sep)(?P<y>\d{4}|\d\d))(?!(?!T\d)[\w/]|[.,:-]\d)"),
        "word": re.compile(
            rf"(?:(?<![\w-])|(?<=mi-))(?:(?P<wd0>{weekdays}),?{_S})?"
            rf"(?:(?P<d0>{day})(?:{_S}(?:au|à|et){_S}|{_SP}?[-–]{_SP}?)(?:(?P<wd>{weekdays}){_S})?)?"
            rf"(?:(?P<d>{day}){_S})?"
            rf"(?P<m>{months}|(?:{abbr})\.?)(?:{_S}(?P<y>{year}){end_num})?(?![\w-])", ic),
        "year": re.compile(rf"(?:(?<![\w,.'’/-])|(?<=mi-))(?P<y>{year}){end_num}(?!{unit}|{_SP}\d\d\d(?!\d))", ic),
        "decade": re.compile(rf"(?<![\w-])années{_S}(?P<y>(?:19|20)\d0)(?![\w%€$]|[.,/-]\d)", ic),
        "table_row": re.compile(
            rf"[^\d\n]{{0,80}}?(?:(?:\t|{_SP}{{2,12}})(?:1[89]\d\d|20\d\d)){{2,8}}(?:[ \t]{{1,12}}[^\d\n]{{1,30}})?\r?"),
        "year_range": re.compile(
            rf"(?<![\w,.'’/-])(?P<y>{year})(?:{_SP}?(?P<dash>[-–—/]){_SP}?|{_S}(?P<conn>à|au|et){_S})"
            rf"(?P<y2>{year}|(?<=/)\d\d){end_num}(?!{unit})", ic),
        "period": re.compile(
            rf"(?<![\w-])(?:(?P<pa>[TQSH])(?P<pn>[1-4])(?:(?:{_SP}|-)?(?P<py>{year})(?:/(?P<fy>\d\d(?:\d\d)?))?)?"
            rf"|(?:(?P<dem>{alternation(lex.demonstratives)}){_S})?(?P<ord>{alternation(surface_words('ordinals'))}){_S}(?P<unit>{alternation(surface_words('period_words'))})"
            rf"(?:{_S}(?:de{_S}|d{_APO})?(?:l{_APO}(?:année|exercice){_S})?(?P<y>{year}))?){end_num}(?![\w-])", ic),
        "season": re.compile(
            rf"(?:(?<![\w-])|(?<=mi-))(?:(?P<dem>{alternation(lex.demonstratives)}){_S})?(?P<s>{alternation(surface_words('seasons'))})"
            rf"(?:{_S}(?:de{_S}|d{_APO})?(?P<y>{year}){end_num}|{_S}(?P<dir>{dirs}))?(?![\w-])", ic),
        "relday": re.compile(rf"(?<![\w'’-])(?P<r>{alternation(surface_words('relative_days'))})(?![\w'’-])", ic),
        "relunit": re.compile(
            rf"(?<![\w-])(?:(?P<dem>{alternation(lex.demonstratives)}){_S})?(?P<u>{alternation(surface_words('relative_units'))})"
            rf"(?:{_S}(?P<dir>{dirs})|(?P<ci>-ci))?(?![\w'’-])", ic),
        "weekday": re.compile(
            rf"(?<![\w-])(?:(?P<dem>{alternation(lex.demonstratives)}){_S})?(?P<wd>{weekdays})"
            rf"(?:{_S}(?P<dir>{dirs}))?(?![\w'’-])", ic),
        "yearwords": re.compile(
            rf"(?<![\w-])(?P<yw>(?:deux{_S})?mille(?:[ -](?:{alternation(lex.year_words)})){{1,5}})(?![\w-])", ic),
        # Anchored (`.match` at a position) tails and context windows, all bounded.
        "time": re.compile(
            rf"(?:T|,?{_S}(?:à{_S})?|{_S}de{_S}(?=[01]?\d{_SP}?[hH:][^\n]{{0,8}}?{_S}à{_S}\d))"
            rf"(?P<h>[01]?\d|2[0-3])(?:{_SP}?[hH](?:{_SP}?(?P<mi>[0-5]\d))?|:(?P<mi2>[0-5]\d))(?![\w:])"
            rf"(?:{_S}à{_S}(?P<h2>[01]?\d|2[0-3])(?:{_SP}?[hH](?:{_SP}?(?P<mi3>[0-5]\d))?|:(?P<mi4>[0-5]\d))(?![\w:]))?", ic),
        "month_dir": re.compile(rf"{_S}(?P<dir>{dirs})(?![\w-])", ic),
        "trigger": re.compile(
            rf"(?:^|[^\w-])(?:{alternation(_year_triggers())}){_SP}{{0,3}}$", ic),
        "next_word": re.compile(rf"{_S}(?P<w>[^\W\d_]{{3,20}})"),
        "past": re.compile(
            r"\b(?:a|ont|avons|avez|avait|avaient)(?:\s+\w+){0,2}?\s+\w+(?:é|ée|és|ées|i|is|it|u|us|ert)\b"
            r"|\b\w{2,20}(?:ait|aient)\b", ic),
        "range_gap": re.compile(
            rf"{_SP}{{0,2}}(?P<dash>[-–—]){_SP}{{0,2}}|{_S}(?P<conn>au|à|et){_S}(?:l{_APO}|la{_S}|le{_S})?", ic),
        "range_open": re.compile(rf"(?:^|[^\w'’])(?P<o>du|de|d{_APO}|entre){_SP}{{0,3}}$", ic),
        "list_gap": re.compile(rf"(?:,{_SP}{{0,3}}|{_S}(?:et|ou){_S}|,{_S}(?:et|ou){_S})"),
    }


def _year_triggers() -> list[str]:
    words = list(date_lexicon().year_triggers)
    for cue_list in cues.string_table("lexicon/cues.json", "date").values():
        words.extend(c for c in cue_list)
    return words


# ---------------------------------------------------------------- atoms


def _numeric(text: str, P) -> list[_Atom]:
    out = []
    for m in P["numeric"].finditer(text):
        g = {k: v for k, v in m.groupdict().items() if v}
        if "iy" in g:
            if not (1 <= int(g["im"]) <= 12 and 1 <= int(g["id"]) <= 31):
                continue
            parts = {"iso": "1", "year": g["iy"], "month": g["im"], "day": g["id"]}
        else:
            a, b = int(g["a"]), int(g["b"])
            if not ((1 <= a <= 31 and 1 <= b <= 12) or (1 <= a <= 12 and 1 <= b <= 31)):
                continue
            parts = {"a": g["a"], "b": g["b"], "year": g["y"], "sep": g["sep"]}
        out.append(_Atom(m.start(), m.end(), "numeric", parts))
    return out


def _word(text: str, P) -> list[_Atom]:
    lex = date_lexicon()
    out = []
    for m in P["word"].finditer(text):
        g = {k: v for k, v in m.groupdict().items() if v}
        if "d" not in g and "y" not in g:
            if fold(g["m"]) not in lex.months:
                continue  # a bare abbreviation: "sept" is also a number, "mar" a prefix
            if g["m"].istitle() and not re.search(r"(?:^|[.!?:\n]\s{0,3})$", text[max(0, m.start() - 4):m.start()]):
                continue  # "Mars Inc.": a capitalised month alone inside a sentence is a name
        if "d0" in g and "d" not in g:
            continue
        start = m.start()
        if "wd0" in g and "d" not in g:
            start = m.start("m")  # "lundi mars" is not one date
        parts = {"month": g["m"]}
        if "d0" not in g and "wd0" in g and start == m.start():
            parts["weekday"] = g["wd0"]
        for key, name in (("wd", "weekday"), ("wd0", "weekday0"), ("d", "day"), ("y", "year"), ("d0", "day0")):
            if key in g and "d0" in g:
                parts[name] = g[key]
            elif key in ("d", "y") and key in g:
                parts[name] = g[key]
        out.append(_Atom(start, m.end(), "word", parts))
    return out


def _period(text: str, P) -> list[_Atom]:
    out = []
    for m in P["period"].finditer(text):
        g = {k: v for k, v in m.groupdict().items() if v}
        if "pa" in g:
            letter = g["pa"].upper()
            if letter in "SH" and int(g["pn"]) > 2:
                continue
            if "py" not in g and (letter not in "TQ" or not _ARTICLE_BEFORE.search(text[max(0, m.start() - 8):m.start()])):
                continue  # "S2", "T3" alone are models and flats; "le Q3", "au T1" are quarters
            parts = {"abbr": letter, "number": g["pn"]}
            if "py" in g:
                parts["year"] = g["py"]
            if "fy" in g:
                parts["fiscal_end"] = g["fy"]
        else:
            if re.search(r"(?:^|\W)une?[ \u00a0]$", text[max(0, m.start() - 5):m.start()], re.IGNORECASE):
                continue  # "un premier semestre record": which one is not said
            parts = {"ordinal": g["ord"], "unit": g["unit"]}
            parts.update({name: g[k] for k, name in (("y", "year"), ("dem", "dem")) if k in g})
        out.append(_Atom(m.start(), m.end(), "period", parts))
    return out


_ARTICLE_BEFORE = re.compile(r"(?:(?:^|\W)(?:au|du|ce)|(?:dès|ici|depuis|avant|après) le)[ \u00a0]$", re.IGNORECASE)


def _season(text: str, P) -> list[_Atom]:
    out = []
    for m in P["season"].finditer(text):
        g = {k: v for k, v in m.groupdict().items() if v}
        before = text[max(0, m.start() - 4):m.start()].translate(str.maketrans("’", "'")).lower()
        bare = "y" not in g and "dir" not in g
        # A season alone is a date after "l'", "cet", "au", "en"; elsewhere "été" is
        # a verb ("a été"), "premier hiver" a count and "Printemps" a department store.
        if bare and "dem" not in g and not re.search(r"(?:l'|\bau |\ben )$", before):
            continue
        if bare and g["s"][0].isupper() and not g["s"].isupper() and "dem" not in g and "l'" not in before:
            continue
        parts = {k2: g[k] for k, k2 in (("s", "season"), ("y", "year"), ("dir", "dir"), ("dem", "dem")) if k in g}
        out.append(_Atom(m.start(), m.end(), "season", parts))
    return out


def _relative(text: str, P) -> list[_Atom]:
    lex = date_lexicon()
    out = []
    for m in P["relday"].finditer(text):
        word = fold(m.group("r"))
        before = text[max(0, m.start() - 12):m.start()].translate(str.maketrans("’", "'")).lower()
        if re.search(r"(?:^|\W)(?:de |d')$", before):
            continue  # "les métiers de demain", "le monde d'aujourd'hui": generic
        if re.search(r"(?:^|\W)à $", before) and lex.relative_days[word] == 0:
            continue  # "à ce jour": so far, not the issue date
        if word == "aujourd'hui" and not _today_is_issue_date(text, m.start(), P) and not P["time"].match(text, m.end()):
            continue
        out.append(_Atom(m.start(), m.end(), "relday", {"relative": m.group("r")}))
    for m in P["relunit"].finditer(text):
        g = {k: v for k, v in m.groupdict().items() if v}
        has_dir = "dir" in g or "ci" in g
        if "dem" in g:
            if "dir" in g and lex.relative_directions[fold(g["dir"])] != 0:
                continue  # "ce mois dernier" is not French
        elif not has_dir:
            continue  # a bare "mois" or "an" is a unit, not a date
        parts = {"unit": g["u"], "dir": g.get("dir") or g.get("ci", "")}
        if "dem" in g:
            parts["dem"] = g["dem"]
        out.append(_Atom(m.start(), m.end(), "relunit", parts))
    for m in P["weekday"].finditer(text):
        g = {k: v for k, v in m.groupdict().items() if v}
        parts = {"weekday": g["wd"]}
        parts.update({k: g[k] for k in ("dem", "dir") if k in g})
        out.append(_Atom(m.start(), m.end(), "weekday", parts))
    return out


def _today_is_issue_date(text: str, start: int, P) -> bool:
    """`aujourd'hui` after an announcement verb or a date cue is the issue date."""
    if cues.find_cue(text, start, "date"):
        return True
    before = text[max(0, start - 30):start]
    words = re.findall(r"\w+", before)
    if not words or re.search(r"[.;:!?«»\n,]\s*$", before):
        return False
    stems = date_lexicon().today_verb_stems
    last = fold(words[-1])
    return any(last.startswith(s) for s in stems)


def _years(text: str, P) -> list[_Atom]:
    out = []
    last_end = -1
    for m in P["year"].finditer(text):
        s, e = m.start(), m.end()
        window = text[max(0, s - 40):s]
        listed = last_end >= 0 and P["list_gap"].fullmatch(text, last_end, s) is not None
        trigger = P["trigger"].search(window)
        if not (listed or trigger):
            continue
        weak = listed or fold(trigger.group().strip(" -\u00a0'’")).rsplit(" ", 1)[-1] in _WEAK_TRIGGERS
        if weak and _counts_something(text, e, P):
            continue
        out.append(_Atom(s, e, "year", {"year": m.group("y")}))
        last_end = e
    for m in P["year_range"].finditer(text):
        y, y2 = m.group("y"), m.group("y2")
        hi = int(y2) if len(y2) == 4 else int(y[:2] + y2)
        if hi <= int(y) or hi - int(y) > 50:
            continue
        conn = (m.group("conn") or "").lower()
        if conn:
            opener = P["range_open"].search(text[max(0, m.start() - 12):m.start()])
            if not opener or (conn == "et") != (opener.group("o").lower() == "entre"):
                continue  # "en 2025 et 2026" is a list, "de 2028 à 2029" a range
        out.append(_Atom(m.start(), m.end(), "year", {"year": y, "hi.year": y2}))
    for m in P["decade"].finditer(text):
        out.append(_Atom(m.start(), m.end(), "year", {"year": m.group("y"), "decade": "1"}))
    return out + _table_years(text, P)


def _table_years(text: str, P) -> list[_Atom]:
    """Years as column headings (`Indicateur<TAB>2024<TAB>2023`): a line of nothing else."""
    out = []
    for line in re.finditer(r"[^\n]{1,200}", text):
        if "\t" not in line.group() and "   " not in line.group():
            continue
        if P["table_row"].fullmatch(text, line.start(), line.end()):
            for y in P["year"].finditer(text, line.start(), line.end()):
                out.append(_Atom(y.start(), y.end(), "year", {"year": y.group("y")}))
    return out


# After these a number may still be a count ("pour 2000 entreprises"); after
# "depuis", "exercice" or "budget" a year is a year whatever follows it.
_WEAK_TRIGGERS = {"en", "pour", "vers", "avant", "apres", "entre", "contre", "vs"}


def _counts_something(text: str, end: int, P) -> bool:
    """`pour 2000 entreprises`: a plural noun after the number makes it a count."""
    m = P["next_word"].match(text, end)
    if not m:
        return False
    w = m.group("w")
    return w.islower() and w[-1] in "sx" and fold(w) not in date_lexicon().year_followers_ok


def _year_words(text: str, P) -> list[_Atom]:
    out = []
    for m in P["yearwords"].finditer(text):
        if P["trigger"].search(text[max(0, m.start() - 40):m.start()]):
            out.append(_Atom(m.start(), m.end(), "yearwords", {"year_words": m.group("yw")}))
    return out


# ---------------------------------------------------------------- assembly


def _choose(atoms: list[_Atom]) -> list[_Atom]:
    """Non-overlapping atoms, the longest first (a full date beats the year inside it)."""
    kept: list[_Atom] = []
    starts: list[int] = []  # sorted starts of the kept atoms, which never overlap
    ends: list[int] = []
    for a in sorted(atoms, key=lambda a: (-(a.end - a.start), a.start)):
        i = bisect.bisect_left(starts, a.start)
        if (i < len(starts) and starts[i] < a.end) or (i > 0 and ends[i - 1] > a.start):
            continue
        starts.insert(i, a.start)
        ends.insert(i, a.end)
        kept.append(a)
    return sorted(kept, key=lambda a: a.start)


_RANGEABLE = {"numeric": "day", "word": "day", "year": "year", "period": "period", "season": "season"}


def _merge_ranges(text: str, atoms: list[_Atom], P) -> list[_Atom]:
    out: list[_Atom] = []
    i = 0
    while i < len(atoms):
        a = atoms[i]
        b = atoms[i + 1] if i + 1 < len(atoms) else None
        if b is not None and _is_range(text, a, b, P):
            parts = dict(a.parts)
            parts.update({"hi." + k: v for k, v in b.parts.items()})
            out.append(_Atom(a.start, b.end, a.kind, parts))
            i += 2
            continue
        out.append(a)
        i += 1
    return out


def _is_range(text: str, a: _Atom, b: _Atom, P) -> bool:
    if a.kind not in _RANGEABLE or _RANGEABLE.get(a.kind) != _RANGEABLE.get(b.kind):
        return False
    if any(k.startswith("hi.") or k == "day0" for k in (*a.parts, *b.parts)):
        return False
    gap = P["range_gap"].fullmatch(text, a.end, b.start) if b.start - a.end <= 8 else None
    if gap is None:
        return False
    if gap.group("dash"):
        return True
    opener = P["range_open"].search(text[max(0, a.start - 12):a.start])
    if not opener:
        return False
    return (gap.group("conn").lower() == "et") == (opener.group("o").lower() == "entre")


def _with_time(text: str, atom: _Atom, P) -> _Atom:
    has_day = "day" in atom.parts or atom.kind in ("numeric", "relday", "weekday")
    if not has_day or any(k.startswith("hi.") for k in atom.parts):
        return atom
    m = P["time"].match(text, atom.end)
    if m is None or (m.group(0).startswith("T") and "iso" not in atom.parts):
        return atom
    parts = dict(atom.parts, hour=m.group("h"), minute=m.group("mi") or m.group("mi2") or "00")
    if m.group("h2"):
        parts.update(hour2=m.group("h2"), minute2=m.group("mi3") or m.group("mi4") or "00")
    return _Atom(atom.start, m.end(), atom.kind, parts)


def _with_month_direction(text: str, atom: _Atom, P) -> _Atom:
    """`juin dernier`, `septembre prochain`: a month without a year may carry a direction."""
    if atom.kind != "word" or "year" in atom.parts or "day0" in atom.parts:
        return atom
    m = P["month_dir"].match(text, atom.end)
    if m is None:
        return atom
    return _Atom(atom.start, m.end(), atom.kind, dict(atom.parts, dir=m.group("dir")))


_FILLER = re.compile(
    r"(?:^|[^\w'’-])(?P<f>le|la|les|l['’]|de|d['’]|du|au|l['’]année|année|l['’]an|l['’]exercice|au cours de|au cours du"
    r"|la rentrée de|rentrée de|la rentrée)"
    r"[ \u00a0\u202f]{0,3}$", re.IGNORECASE)
_APPROX = {"approx"}


def _cue(text: str, start: int) -> str | None:
    """The cue before a date, looking past articles and `l'année` (`d'ici la fin de l'année 2026`).

    A bound (`jusqu'à`, `d'ici`, `depuis`...) wins over a hedge (`fin`, `mi-`) written
    between it and the date, as in `jusqu'à fin 2025`.
    """
    pos, hedge = start, None
    for _ in range(6):
        found = cues.find_cue(text, pos, "date")
        if found is None:
            lo = max(0, pos - 20)
            filler = _FILLER.search(text[lo:pos])
            if filler is None:
                break
            fpos = lo + filler.start("f")
            word = filler.group("f").lower()
            if word in ("du", "au"):
                # a contraction: "à compter du" is "à compter de le"; record the cue's own form
                prefix = text[max(0, fpos - 40):fpos] + ("de " if word == "du" else "à ")
                alt = cues.find_cue(prefix, len(prefix), "date")
                if alt is not None and cues.qualifier(alt[1], "date") not in _APPROX:
                    return alt[1]
            pos = fpos
            continue
        cue_start, cue_text = found
        if cues.qualifier(cue_text, "date") in _APPROX:
            hedge = hedge or cue_text
            pos = cue_start
            continue
        return cue_text
    return hedge


def _past_tense(text: str, start: int, P) -> bool:
    before = text[max(0, start - 60):start]
    cut = max(before.rfind("."), before.rfind("\n"), before.rfind(";"))
    return P["past"].search(before[cut + 1:]) is not None


def detect_text(text: str) -> list[Candidate]:
    """DATE candidates in a text, with their surface pieces and cue (no values)."""
    P = _patterns()
    atoms = []
    for finder in (_numeric, _word, _period, _season, _relative, _years, _year_words):
        atoms.extend(finder(text, P))
    chosen = _merge_ranges(text, _choose(atoms), P)
    out = []
    for atom in chosen:
        atom = _with_month_direction(text, _with_time(text, atom, P), P)
        parts = {"kind": atom.kind, **atom.parts}
        if _past_tense(text, atom.start, P):
            parts["tense"] = "past"
        out.append(Candidate("DATE", atom.start, atom.end, text[atom.start:atom.end], parts,
                             cue=_cue(text, atom.start), source=f"date.{atom.kind}"))
    return out


@Language.factory("press_date")
def make_date_detector(nlp: Language, name: str) -> DetectorComponent:
    return text_detector("date", detect_text)
