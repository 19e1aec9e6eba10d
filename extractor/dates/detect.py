"""Dates: detection. Atoms (`dates.atoms`, `dates.relative`, `dates.years`) are
assembled into mentions: the longest atoms win, two atoms joined by `au`, `à`,
`et` (after `entre`) or a dash become one range, items of a list share the month
or year written on the last one, a day or period written alone is kept only when
the text's context makes it one, and a clock time and a direction word (`juin
dernier`) join the date they follow.

Detection records surface pieces in `Candidate.parts` and the cue written before
the span; it computes no value (that is `dates.resolve`).
"""
from __future__ import annotations

import bisect
import re

from spacy.language import Language

from .. import cues
from ..candidates import Candidate
from ..components import DEFAULT_DATA, DetectorComponent, first_fit, text_detector
from .atoms import Atom, day_may_stop, days, first_months, holidays, numeric, periods, seasons, words
from .context import infer_date_order, infer_document_date
from .lexicon import exact, grammar, leading
from .patterns import patterns
from .relative import relative
from .resolve import resolve_all
from .years import years
from ..lexicon import per_folder

__all__ = ["detect_text", "make_date_detector", "resolve_all", "infer_document_date", "infer_date_order"]

_FINDERS = (numeric, words, days, periods, first_months, seasons, holidays, relative, years)
_RANGE_GROUP = {"calendar": "day", "day": "day", "year": "year", "period": "period", "season": "season"}
_DAY_PRECISION = ("relday", "weekday", "day")


def detect_text(text: str) -> list[Candidate]:
    """DATE candidates in a text, with their surface pieces and cue (no values)."""
    P = patterns()
    atoms = [a for finder in _FINDERS for a in finder(text, P)]
    atoms = _choose(_plausible_days(text, atoms, P))
    atoms = _share_lists(text, _merge_ranges(text, atoms, P), P)
    atoms = _in_context(text, atoms, P)
    atoms = _no_overlaps([_with_month_direction(text, _with_time(text, _week_of(text, a, P), P), P) for a in atoms])
    paragraphs = [m.end() for m in P["paragraph"].finditer(text)]
    out = []
    for atom in atoms:
        parts = {"kind": atom.kind, **atom.parts, "para": str(bisect.bisect_right(paragraphs, atom.start))}
        # The clause's verb tells where a weekday used as an adverb lies (`a annoncé
        # vendredi`), not one that qualifies a noun (`après la séance de lundi`).
        noun_weekday = atom.kind == "weekday" and P["of_before"].search(text, max(0, atom.start - 4), atom.start)
        tense = "" if noun_weekday else _tense(text, atom.start, atom.end, P)
        if tense:
            parts["tense"] = tense
        out.append(Candidate("DATE", atom.start, atom.end, text[atom.start:atom.end], parts,
                             cue=_cue(text, atom.start), source=f"date.{atom.kind}"))
    return out


# The data press_date reads, detection, resolution and the document date, relative to its data folder.
FILES = ("lexicon/dates.json", "lexicon/dates_en.json", "lexicon/holidays.json", "lexicon/cues.json")


def _compile() -> None:
    patterns(), cues.load("date"), cues.load("quantity")


@Language.factory("press_date", assigns=["doc._.candidates", "doc.spans"], default_config={"data": DEFAULT_DATA})
def make_date_detector(nlp: Language, name: str, data: str) -> DetectorComponent:
    """`data`: the folder of the language data, relative to the models folder or absolute."""
    return text_detector("date", detect_text, data, FILES, check=_compile)


# ---------------------------------------------------------------- choosing atoms


def _plausible_days(text: str, atoms: list[Atom], P) -> list[Atom]:
    """Keep a day written alone only where a range, a list or a governing word may
    make it a date: every other small number of the text is dropped here."""
    out = []
    for a in atoms:
        if a.kind != "day" or "weekday" in a.parts:
            out.append(a)
            continue
        after = P["range_gap"].match(text, a.end) or P["list_gap"].match(text, a.end)
        before = _connector_before().search(text[max(0, a.start - _reach()["gap"]):a.start])
        governed = P["day_governor"].search(text, max(0, a.start - 24), a.start)
        # "du 22 au 25 mai", "les 2 et 3 juillet"; a name before the number makes it one ("Ligue 1 – 12 mars")
        led = P["day_lead"].search(text, max(0, a.start - 12), a.start)
        if governed or before or (led and after and re.match(r"\d|[^\W\d_]", text[after.end():after.end() + 1])):
            out.append(a)
    return out


@per_folder
def _reach() -> dict[str, int]:
    """How far range words are looked for, from the longest of them in the data.

    `gap`: between the ends of a range, a connector and an article with four spaces
    among them (`du 2 au le 5` would need three). `opener`: before the first end, the
    character before an opener, the opener and an article, three spaces after each.
    """
    conn, art = grammar("connectors"), grammar("articles")
    longest = lambda words: max(map(len, words))  # noqa: E731 - local shorthand
    article = longest(art["singular"])
    return {"gap": longest(conn["range_to"] + conn["range_and"]) + article + 4,
            "opener": 1 + longest(conn["range_from"] + conn["range_between"]) + 3 + article + 3}


@per_folder
def _connector_before() -> re.Pattern[str]:
    """A dash, a comma or a range or list connector, and maybe an article, right before a day."""
    conn, art = grammar("connectors"), grammar("articles")
    words = exact(conn["range_to"] + conn["range_and"] + conn["list"])
    return re.compile(rf"(?:[-–—]|,|\b(?:{words}))[ \u00a0]{{0,3}}{leading(art['singular'], ' ')}?$")


def _choose(atoms: list[Atom]) -> list[Atom]:
    """Non-overlapping atoms, the longest first (a full date beats the year inside it)."""
    return first_fit(sorted(atoms, key=lambda a: (-(a.end - a.start), a.start)))


def _no_overlaps(atoms: list[Atom]) -> list[Atom]:
    """After a time or a direction word has lengthened an atom, drop what it covers."""
    out: list[Atom] = []
    for a in atoms:
        if out and a.start < out[-1].end:
            if a.end - a.start > out[-1].end - out[-1].start:
                out[-1] = a
            continue
        out.append(a)
    return out


# ---------------------------------------------------------------- ranges and lists


def _merge_ranges(text: str, atoms: list[Atom], P) -> list[Atom]:
    out: list[Atom] = []
    i = 0
    while i < len(atoms):
        a = atoms[i]
        b = atoms[i + 1] if i + 1 < len(atoms) else None
        if b is not None and _is_range(text, a, b, P):
            parts = dict(a.parts)
            parts.update({"hi." + k: v for k, v in b.parts.items()})
            kind = "calendar" if "calendar" in (a.kind, b.kind) else a.kind
            parts["hi.kind"] = b.kind
            out.append(Atom(a.start, b.end, kind, parts))
            i += 2
            continue
        out.append(a)
        i += 1
    return out


def _is_range(text: str, a: Atom, b: Atom, P) -> bool:
    group = _RANGE_GROUP.get(a.kind)
    if group is None or group != _RANGE_GROUP.get(b.kind):
        return False
    if any(k.startswith("hi.") for k in (*a.parts, *b.parts)):
        return False
    gap = P["range_gap"].fullmatch(text, a.end, b.start) if b.start - a.end <= _reach()["gap"] else None
    if gap is None:
        return False
    if gap.group("dash"):
        return True
    conn = grammar("connectors")
    word = gap.group("conn").lower()
    opener = P["range_open"].search(text, max(0, a.start - _reach()["opener"]), a.start)
    if opener is None:
        # "4 octobre au 9 octobre": `au` between two days is a range on its own
        return word in conn["range_to_alone"] and "day" in a.parts and "day" in b.parts
    return (word in conn["range_and"]) == (opener.group("o").lower() in conn["range_between"])


def _share_lists(text: str, atoms: list[Atom], P) -> list[Atom]:
    """`mercredi 6 et jeudi 7 mars`, `T1 et T2 2025`: the items of a list take the
    month or year written on the last one (and stay one mention each)."""
    out = list(atoms)
    i = 0
    while i < len(out):
        j = i
        while j + 1 < len(out) and P["list_gap"].fullmatch(text, out[j].end, out[j + 1].start):
            j += 1
        last = out[j]
        for k in range(i, j):
            item = out[k]
            if item.kind == "day" and last.kind == "calendar" and "month" in last.parts and "hi.day" not in item.parts:
                shared = {key: last.parts[key] for key in ("month", "year") if key in last.parts}
                out[k] = Atom(item.start, item.end, "calendar", {**item.parts, **shared, "shared": "1"})
            elif item.kind == last.kind in ("period", "season") and "year" not in item.parts and "year" in last.parts:
                out[k] = Atom(item.start, item.end, item.kind, {**item.parts, "year": last.parts["year"], "shared": "1"})
        i = j + 1
    return out


# ---------------------------------------------------------------- context


def _in_context(text: str, atoms: list[Atom], P) -> list[Atom]:
    """Days and abbreviated periods written alone are dates only in context."""
    has_periods = any(a.kind == "period" and "year" in a.parts for a in atoms)
    breaks = [m.start() for m in P["paragraph"].finditer(text)]
    last_month = -1  # where the last date naming a month starts
    out: list[Atom] = []
    for a in atoms:
        if a.kind == "day":
            i = bisect.bisect_left(breaks, a.start)
            same_paragraph = last_month >= 0 and (i == 0 or breaks[i - 1] < last_month)
            if not _day_in_context(text, a, same_paragraph, P):
                continue
        if a.kind == "period" and "abbr" in a.parts and "year" not in a.parts and not _period_in_context(text, a, has_periods, P):
            continue
        if "month" in a.parts or a.kind == "holiday":
            last_month = a.start
        out.append(a)
    return out


def _day_in_context(text: str, a: Atom, month_named: bool, P) -> bool:
    if not day_may_stop(text, a.end, P):
        return False
    if "hi.day" in a.parts and not P["range_open"].search(text, max(0, a.start - _reach()["opener"]), a.start):
        return False
    timed = P["time"].match(text, a.end) is not None and not text[a.end:a.end + 1] == "T"
    if not (month_named or timed):
        return False
    if "hi.day" in a.parts:
        return True  # "du 4 au 9", its opener checked above
    return "weekday" in a.parts or P["day_governor"].search(text, max(0, a.start - 24), a.start) is not None


def _period_in_context(text: str, a: Atom, has_periods: bool, P) -> bool:
    """`au T1`, `dès le Q3`; `S2`, `H2` only in a text that writes periods with a year
    (elsewhere they are models and hydrogen)."""
    lo = max(0, a.start - 24)
    if a.parts["abbr"] in "TQ" and P["period_governor_strong"].search(text, lo, a.start):
        return True
    return has_periods and P["period_governor"].search(text, lo, a.start) is not None


# ---------------------------------------------------------------- tails and cues


def _has_day(atom: Atom) -> bool:
    return any(k in atom.parts for k in ("day", "a", "iso")) or atom.kind in _DAY_PRECISION


def _with_time(text: str, atom: Atom, P) -> Atom:
    if not _has_day(atom) or any(k.startswith("hi.") for k in atom.parts) or "half_month" in atom.parts:
        return atom
    start, parts = atom.start, dict(atom.parts)
    m = P["time"].match(text, atom.end)
    if m is not None and not (m.group(0).startswith("T") and "iso" not in atom.parts):
        parts.update(_clock(m, "t", ""))
        if m.group("uh") or m.group("uw"):
            parts.update(_clock(m, "u", "2"))
        end = m.end()
    else:
        end = atom.end
        before = P["time_before"].search(text, max(0, atom.start - 16), atom.start)
        if before is None:
            return atom
        parts.update(hour=before.group("h"), minute=before.group("m") or before.group("m2") or "00")
        start = before.start()
    return Atom(start, end, atom.kind, parts)


def _clock(m: re.Match, name: str, suffix: str) -> dict[str, str]:
    if m.group(name + "w"):
        return {"hour" + suffix: m.group(name + "w"), "minute" + suffix: "00"}
    out = {"hour" + suffix: m.group(name + "h"), "minute" + suffix: m.group(name + "m") or m.group(name + "m2") or "00"}
    if m.group(name + "s"):
        out["second" + suffix] = m.group(name + "s")
    return out


def _week_of(text: str, atom: Atom, P) -> Atom:
    """`semaine du 3 mars`: the week of a day (its article, `la`, stays out)."""
    if atom.kind != "calendar" or not _has_day(atom) or any(k.startswith("hi.") for k in atom.parts):
        return atom
    m = P["week_of"].search(text, max(0, atom.start - 16), atom.start)
    if m is None:
        return atom
    return Atom(m.start(), atom.end, atom.kind, dict(atom.parts, week_of="1"))


def _with_month_direction(text: str, atom: Atom, P) -> Atom:
    """`juin dernier`, `2 décembre prochain`: a month without a year may carry a direction."""
    if atom.kind != "calendar" or "year" in atom.parts or "month" not in atom.parts or any(k.startswith("hi.") for k in atom.parts):
        return atom
    m = P["month_dir"].match(text, atom.end)
    if m is None:
        return atom
    return Atom(atom.start, m.end(), atom.kind, dict(atom.parts, dir=m.group("dir")))


_APPROX = {"approx"}


@per_folder
def _filler() -> tuple[re.Pattern[str], dict[str, str]]:
    """Words that may stand between a cue and its date, and each contraction's preposition."""
    art, contractions = grammar("articles"), grammar("contractions")
    expand = {c: prep for prep, forms in contractions.items() for c in forms}
    words = art["singular"] + art["list"] + grammar("connectors")["of"] + tuple(expand) + grammar("cue_fillers")["phrases"]
    return re.compile(rf"(?:^|[^\w'’-])(?P<f>{exact(words, ' ')})[ \u00a0\u202f]{{0,3}}$", re.IGNORECASE), expand


def _cue(text: str, start: int) -> str | None:
    """The cue before a date, looking past articles and `l'année` (`d'ici la fin de l'année 2026`).

    A bound (`jusqu'à`, `d'ici`, `depuis`...) wins over a hedge (`fin`, `mi-`) written
    between it and the date, as in `jusqu'à fin 2025`.
    """
    pos, hedge = start, None
    filler_pattern, expand = _filler()
    for _ in range(6):
        found = cues.find_cue(text, pos, "date")
        if found is None:
            lo = max(0, pos - 20)
            filler = filler_pattern.search(text[lo:pos])
            if filler is None:
                break
            fpos = lo + filler.start("f")
            word = filler.group("f").lower()
            if word in expand:
                # a contraction: "à compter du" is "à compter de le"; record the cue's own form
                prefix = text[max(0, fpos - cues.window()):fpos] + expand[word] + " "
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


def _tense(text: str, start: int, end: int, P) -> str:
    """`past` or `future` when a verb in that tense governs the date: the nearest one
    before it in the sentence, or else the first one after it (`Les inondations
    d'octobre ont donné lieu à...`, `Le salon de novembre accueillera...`)."""
    before = text[max(0, start - 60):start]
    cut = max(before.rfind("."), before.rfind("\n"), before.rfind(";"))
    # Where both patterns end on one word, it is a future or conditional one listed by name
    # ("devrait") that merely ends like an imperfect: the future reading wins.
    found = [(m.end(), name == "future", name) for name in ("past", "future") for m in P[name].finditer(before, cut + 1)]
    if found:
        return max(found)[2]
    after = re.split(r"[.;!?\n]", text[end:end + 80], maxsplit=1)[0]
    found = [(m.start(), name != "future", name) for name in ("past", "future") for m in P[name].finditer(after)]
    return min(found)[2] if found else ""
