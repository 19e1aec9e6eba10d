"""Canonical organisation names: which mentions of a document are one organisation.

Pure functions over candidate texts (resolution never looks at the text again).
Mentions group when their keys agree: the name folded (case, accents, punctuation),
without a trailing legal form or a leading article. Groups then merge through
known links: a gazetteer name, `Conseil régional de X` = `Région X`, an acronym
defined in parentheses or spelled by a longer name's initials, and a short form
(`Néréide`) written after the full name (`Néréide Analytics`).
"""
from __future__ import annotations

import re

from ..candidates import Candidate
from ..folding import without_accents
from . import data as org_data
from ..lexicon import per_folder

__all__ = ["legal_forms", "legal_tokens", "head_words", "without_legal_form", "key", "is_acronym", "abbreviates", "canonical_names"]


@per_folder
def legal_forms() -> frozenset[str]:
    """The legal forms of words.json, folded: the one list the legal token patterns read too."""
    return org_data.words().lists["legal_forms"]


@per_folder
def legal_tokens() -> frozenset[str]:
    """Tokens that may end a name after it: the legal forms and the pieces the tokenizer cuts them into."""
    return legal_forms() | org_data.words().lists["legal_pieces"]


@per_folder
def head_words() -> frozenset[str]:
    """Head nouns shared by many organisations: never a short form of one of them."""
    return org_data.words().lists["head_words"]


@per_folder
def _legal_tail() -> re.Pattern[str]:
    # folded and as written: the text keeps its accents (`Sàrl`), the match ignores case only
    written = {form.lower() for form in org_data.words().entries["legal_forms"]}
    forms = sorted(legal_forms() | written, key=lambda f: (-len(f), f))
    return re.compile(r"[\s,]+(" + "|".join(map(re.escape, forms)) + r")\.?$", re.I)


_REGIONAL_COUNCIL = re.compile(r"^conseil regional (?:de la |de l'|d'|de |du |des )(.+)$")


# A function of the text and of the bound data's legal forms; press_org asks it of every entity and
# candidate, resolution again of every mention: remembered per data folder.
@per_folder(maxsize=1 << 14)
def without_legal_form(text: str) -> str:
    """`Kanazawa Seiki Co., Ltd.` -> `Kanazawa Seiki`: forms can pile up, so strip until none is left."""
    bare = text
    while True:
        shorter = _legal_tail().sub("", bare).strip()
        if shorter == bare or not shorter or shorter.endswith("&"):
            break  # `Rothschild & Co`: after `&`, Co is part of the name
        bare = shorter
    return bare.rstrip(" ,") or text


def _fold(text: str) -> str:
    return without_accents(text.replace("’", "'")).lower()


# Asked several times of each mention's text while grouping a document's names; it
# strips the bound data's legal forms, hence one cache per data folder.
@per_folder(maxsize=1 << 14)
def key(text: str) -> str:
    """What two spellings of one name share: `Région Île-de-France` ~ `REGION ILE DE FRANCE`."""
    folded = _fold(without_legal_form(text))
    folded = _REGIONAL_COUNCIL.sub(r"region \1", folded)
    return " ".join(re.sub(r"[^\w']+|_", " ", folded).replace("'", "' ").split())


def _initials(text: str) -> str:
    skip = org_data.words().lists["initials_skip"]
    return "".join(w[0] for w in re.findall(r"[\w]+", _fold(text)) if w not in skip)


def is_acronym(text: str, min_letters: int = 2, mixed_case: bool = False) -> bool:
    """Written in capitals: at least `min_letters` letters, all upper case (`CNRS`, `M3V`, `X-FAB`).
    With `mixed_case`, capitals with small letters among them (`SBTi`, `BoJ`, `InVS`): at least
    `min_letters` capitals, the first letter one of them.

    >>> is_acronym("CNRS"), is_acronym("X-FAB"), is_acronym("Inria"), is_acronym("X"), is_acronym("X", min_letters=1)
    (True, True, False, False, True)
    >>> is_acronym("SBTi"), is_acronym("SBTi", mixed_case=True), is_acronym("Inria", mixed_case=True)
    (False, True, False)
    """
    letters = [ch for ch in text if ch.isalpha()]
    if mixed_case:
        return bool(letters) and letters[0].isupper() and sum(ch.isupper() for ch in letters) >= min_letters
    return len(letters) >= min_letters and all(ch.isupper() for ch in letters)


def abbreviates(short: str, name: str) -> bool:
    """`short`, written in parentheses right after `name`, is its abbreviation: an acronym, even
    in mixed case (`M3V`, `SBTi`, `BoJ`; often of the name in another language: `BLS`, `KOF`),
    or a word whose letters the name spells, the first opening a word of it (`Anah`, `Agence
    nationale de l'habitat`; `Ucaq`, `Union des commerçants et artisans de Quimperlé`).

    A capitalised word that the name does not spell is a name of its own (a company after a
    person's name: `Karine Delattre (Opsilon)`).

    >>> abbreviates("BLS", "Bureau des statistiques du travail"), abbreviates("Agur", "Agence d'urbanisme Flandre-Dunkerque")
    (True, True)
    >>> abbreviates("Opsilon", "Karine Delattre"), abbreviates("Tours", "Centre hospitalier régional")
    (False, False)
    """
    if is_acronym(short, mixed_case=True):
        return True
    letters = [ch for ch in _fold(short) if ch.isalpha()]
    words = re.findall(r"\w+", _fold(name))
    for k, word in enumerate(words):
        if letters and word[0] == letters[0]:
            rest = iter(" ".join(words[k:])[1:])
            if all(ch in rest for ch in letters[1:]):  # `in` consumes the iterator: an ordered match
                return True
    return False


def canonical_names(candidates: list[Candidate]) -> list[str]:
    """One canonical name per candidate, equal for the mentions of one organisation."""
    keys = [key(c.text) for c in candidates]
    parent: dict[str, str] = {k: k for k in keys}

    def find(k: str) -> str:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    def union(a: str, b: str) -> None:
        parent.setdefault(a, a)
        parent.setdefault(b, b)
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[rb] = ra

    first_seen: dict[str, int] = {}
    for i, k in enumerate(keys):
        first_seen.setdefault(k, i)
    for c, k in zip(candidates, keys):
        gaz = c.parts.get("gazetteer")
        if gaz:
            union(key(gaz), k)
        abbreviation = c.parts.get("abbreviation")
        if abbreviation and key(abbreviation) in parent:
            union(k, key(abbreviation))
    for short, long in _expansions(list(first_seen), candidates, first_seen):
        union(long, short)
    groups: dict[str, list[int]] = {}
    for i, k in enumerate(keys):
        groups.setdefault(find(k), []).append(i)
    names: list[str] = [""] * len(candidates)
    for members in groups.values():
        name = _pick_name([candidates[i] for i in members])
        for i in members:
            names[i] = name
    return names


def _expansions(distinct: list[str], candidates: list[Candidate],
                first_seen: dict[str, int]) -> list[tuple[str, str]]:
    """(short, long) for every name that is a short form of exactly one longer name.

    Longer names are indexed by what a short form can share with them: their leading
    words (`Néréide` for `Néréide Analytics`) and the leading letters of their
    initials (`CRTL` for `Comité régional du tourisme et des loisirs`), so each name
    looks up its expansions instead of trying every other name: a document naming
    hundreds of organisations stays linear.
    """
    by_prefix: dict[str, list[str]] = {}
    by_initials: dict[str, list[str]] = {}
    for long in distinct:
        words = long.split()
        for n in range(1, len(words)):
            by_prefix.setdefault(" ".join(words[:n]), []).append(long)
        initials = _initials(long)
        for n in range(3, len(initials) + 1):
            by_initials.setdefault(initials[:n], []).append(long)
    links = []
    for short in distinct:
        words = short.split()
        if not words:
            continue
        found: set[str] = set()
        # A short form written after the full name: `Néréide` after `Néréide Analytics`.
        if words[0] not in head_words():
            found.update(long for long in by_prefix.get(short, ()) if first_seen[long] < first_seen[short])
        # An acronym spelled by a longer name's initials: `CRTL Occitanie` for `Comité régional du tourisme...`.
        acronym = words[0]
        written = candidates[first_seen[short]].text.split()[0]
        if len(acronym) >= 3 and is_acronym(written, min_letters=1):
            found.update(long for long in by_initials.get(acronym, ()) if len(long.split()) > len(words))
        # `CCI` next to both `CCI Occitanie` and `CCI Paris` stays its own name.
        if len(found) == 1:
            links.append((short, found.pop()))
    return links


def _pick_name(members: list[Candidate]) -> str:
    """The document's own most complete spelling, preferring one not written in capitals,
    without its trailing legal form (`Kelvia SAS` and `Kelvia` are the organisation `Kelvia`).

    The gazetteer only groups spellings; the name stays the one the document uses, so an
    acronym-only text keeps its acronym and a regional branch keeps its region.
    """
    # A group joined by a link (acronym, short form) is named after its longest spelling.
    longest = max(members, key=lambda c: len(key(c.text).split()))
    same = [c for c in members if key(c.text) == key(longest.text)]
    mixed = [c for c in same if not is_acronym(c.text, min_letters=1)]
    chosen = without_legal_form((mixed or same)[0].text)
    return _region_name(chosen) if _REGIONAL_COUNCIL.match(key(chosen)) else chosen


def _region_name(council: str) -> str:
    """`Conseil régional d'Occitanie` -> `Région Occitanie`."""
    match = re.match(r"(?i)conseil r[ée]gional (?:de la |de l['’]|d['’]|de |du |des )(.+)$", council)
    return f"Région {match.group(1)}" if match else council
