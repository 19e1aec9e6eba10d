"""ORG language data under models/org/: word lists, token patterns, gazetteer.

Each file is read and validated once per process; a broken file fails loudly at
pipeline build time with its path and line, never silently at extraction time.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache

from ..folding import without_accents
from ..lexicon import LexiconError, data_dir, load_json, per_folder

__all__ = [
    "PATTERN_KINDS", "WORD_LISTS", "AS_WRITTEN_LISTS", "GAZETTEER_FLAGS", "GAZETTEER_TYPES", "NOT_ORG_KINDS", "fold", "Words",
    "words", "Pattern", "patterns", "resolved_token", "GazetteerEntry", "DEFAULT_GAZETTEER", "DEFAULT_NOT_ORGS", "gazetteer",
    "gazetteer_files", "gazetteer_by_fold", "NotOrg", "not_orgs", "not_orgs_by_fold", "Knowledge", "knowledge"
]

PATTERN_KINDS = {
    # the pattern matches a head noun; the name runs on after it (Région X)
    "head",
    # the pattern announces a name that starts where it ends (la start-up X)
    "cue",
    # like cue, but only confirms a name the statistical NER already found there
    "weak_cue",
    # the pattern follows a name and confirms it (X, la start-up ... / X (Euronext ...)
    "post_cue",
    # a legal form closing a name; the span keeps it (Kelvia SAS)
    "legal",
    # an organisation word closing a capitalised name (Rivage Capital)
    "suffix",
    # the match is the whole name (Mistral.ai, X-FAB FRANCE)
    "full",
    # like head, but the name may list several domains (ministère de l'Économie, des Finances et de la Souveraineté industrielle)
    "head_list",
}
WORD_LISTS = (
    "determiners", "connectors", "titles", "places", "events", "event_words", "programmes",
    "common_nouns", "junk", "months_days", "acronym_stoplist", "located_verbs", "non_org_heads",
    "trailing_roles", "ticker_words", "opening_words", "institution_heads", "legal_forms", "legal_pieces",
    "head_words", "lowercase_heads", "unit_codes", "civilities", "initials_skip",
)
# Lists compared with a token's lower case as written (`d’` and `d'` apart, `à` not `a`).
AS_WRITTEN_LISTS = ("of", "article_after_of", "prepositions", "at", "coordinators", "articles")
# exact: the name is also a common word, match its case exactly; network: regional
# branches follow the name; context: an ambiguous name (a surname, a place, a common
# word) that counts as an organization only with supporting context.
GAZETTEER_FLAGS = {"exact", "network", "context"}
GAZETTEER_TYPES = {
    "company", "bank", "insurer", "asset_manager", "exchange", "newsroom", "public", "ministry",
    "agency", "local_authority", "regulator", "court", "international", "university", "school",
    "research", "hospital", "association", "foundation", "federation", "union", "party", "club",
    "incubator", "fund", "law_firm", "consultancy", "auditor", "rating_agency",
}
# Things that look like organizations and are not (models/org/not_orgs/*.tsv).
NOT_ORG_KINDS = {
    "programme", "fund", "plan", "label", "call", "index", "commodity", "event", "law", "product",
    "acronym", "rate", "venue", "title", "sector", "heading", "currency",
}


# Pure, and asked of the same few thousand words again and again (every word-list look-up folds).
@lru_cache(maxsize=1 << 16)
def fold(text: str) -> str:
    """Lowercase, no accents, typographic apostrophes and dashes made plain."""
    return without_accents(text.replace("’", "'").replace("–", "-")).lower().strip()


@dataclass(frozen=True)
class Words:
    lists: dict[str, frozenset[str]]  # folded entries
    as_written: dict[str, frozenset[str]]  # entries as the data writes them
    # every list of WORD_LISTS as the data writes it (case, accents, order): what a token
    # pattern refers to with `@name`, for an exact-case match (`SA`, not the possessive `sa`)
    entries: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def has(self, list_name: str, text: str) -> bool:
        return fold(text) in self.lists[list_name]


@per_folder
def words() -> Words:
    data = load_json("org/words.json")
    unread = sorted(k for k in data if not k.startswith("_") and k not in (*WORD_LISTS, "as_written"))
    if unread:  # a list no code reads is a list someone believes is used
        raise LexiconError(f"org/words.json: no code reads {', '.join(map(repr, unread))}")
    as_written = data.get("as_written")
    if not isinstance(as_written, dict) or sorted(as_written) != sorted(AS_WRITTEN_LISTS):
        raise LexiconError(f"org/words.json: 'as_written' must hold exactly the lists {list(AS_WRITTEN_LISTS)}")
    entries = {name: tuple(dict.fromkeys(_strings(data, name))) for name in WORD_LISTS}
    lists = {name: frozenset(fold(e) for e in written) for name, written in entries.items()}
    return Words(lists, {name: frozenset(_strings(as_written, name)) for name in AS_WRITTEN_LISTS}, entries)


def _strings(data: dict, name: str) -> list[str]:
    entries = data.get(name)
    if not (isinstance(entries, list) and all(isinstance(e, str) and e.strip() for e in entries)):
        raise LexiconError(f"org/words.json: {name!r} must be a list of non-empty strings")
    return entries


@dataclass(frozen=True)
class Pattern:
    id: str
    kind: str
    tokens: list[dict]


@per_folder
def patterns() -> tuple[Pattern, ...]:
    path = data_dir() / "org" / "patterns.jsonl"
    out, seen = [], set()
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        where = f"{path}:{lineno}"
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            raise LexiconError(f"{where}: {exc}") from None
        pid, kind, tokens = item.get("id"), item.get("kind"), item.get("pattern")
        if not isinstance(pid, str) or pid in seen:
            raise LexiconError(f"{where}: missing or duplicate id {pid!r}")
        if kind not in PATTERN_KINDS:
            raise LexiconError(f"{where}: kind {kind!r} is not one of {sorted(PATTERN_KINDS)}")
        if not (isinstance(tokens, list) and tokens and all(isinstance(t, dict) for t in tokens)):
            raise LexiconError(f"{where}: pattern must be a non-empty list of token objects")
        seen.add(pid)
        out.append(Pattern(pid, kind, [resolved_token(token, where) for token in tokens]))
    return tuple(out)


def resolved_token(token: dict, where: str) -> dict:
    """The token with its word-list references replaced by the list's words.

    `{"ORTH": {"IN": "@legal_forms", "NOT_IN": ["Co"]}}` matches the words of the list
    `legal_forms` of words.json, as written there, except `Co`; on `LOWER`, their lower
    case. A list is then written once, where every reader finds it: a pattern cannot
    drift from the list the name resolution strips. `NOT_IN` may only name members (an
    exclusion of a word the list lost is a stale decision), and goes once resolved.
    """
    out = dict(token)
    for attr, value in token.items():
        if not (isinstance(value, dict) and isinstance(value.get("IN"), str)):
            continue
        ref = value["IN"]
        entries = words().entries.get(ref[1:]) if ref.startswith("@") else None
        if entries is None or attr not in ("ORTH", "TEXT", "LOWER") or set(value) - {"IN", "NOT_IN"}:
            raise LexiconError(f"{where}: {attr}: {{IN: {ref!r}}} must name a word list of org/words.json as "
                               f"'@name', on ORTH, TEXT or LOWER, with at most NOT_IN beside it")
        excluded = value.get("NOT_IN", [])
        if not isinstance(excluded, list) or any(e not in entries for e in excluded):
            raise LexiconError(f"{where}: NOT_IN {excluded!r} must list words of {ref}")
        kept = [e for e in entries if e not in excluded]
        out[attr] = {"IN": list(dict.fromkeys(e.lower() for e in kept)) if attr == "LOWER" else kept}
    return out


@dataclass(frozen=True)
class GazetteerEntry:
    name: str  # canonical name
    kind: str
    exact: bool  # the name is also a common word: match its case exactly
    network: bool  # regional branches follow the name (Caisse d'Epargne Hauts-de-France)
    context: bool = False  # ambiguous (surname, place, common word): needs supporting context


DEFAULT_GAZETTEER = "org/gazetteer"
DEFAULT_NOT_ORGS = "org/not_orgs"


@per_folder
def gazetteer(folder: str = DEFAULT_GAZETTEER) -> dict[str, GazetteerEntry]:
    """Every written form (name and variants), as written, -> its entry.

    The gazetteer is a folder of TSV files (`models/org/gazetteer/*.tsv`, one per
    domain, read in name order); a form may name one organization only across all of them.
    `folder` is relative to the data folder bound (or absolute).
    """
    forms: dict[str, GazetteerEntry] = {}
    for path in gazetteer_files(folder):
        _read_gazetteer(path, forms)
    return forms


def gazetteer_files(folder: str = DEFAULT_GAZETTEER) -> list:
    folder = data_dir() / folder
    files = sorted(folder.glob("*.tsv"))
    if not files:
        raise LexiconError(f"{folder}: no gazetteer files (*.tsv)")
    return files


def _read_gazetteer(path, forms: dict[str, GazetteerEntry]) -> None:
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        where = f"{path}:{lineno}"
        fields = line.split("\t")
        if len(fields) != 4 or not fields[0].strip() or not fields[2].strip():
            raise LexiconError(f"{where}: expected 4 tab-separated fields: name, variants, type, flags")
        name, variants, kind, flags = (f.strip() for f in fields)
        flagset = set(flags.split(",")) - {""}
        if flagset - GAZETTEER_FLAGS:
            raise LexiconError(f"{where}: unknown flags {sorted(flagset - GAZETTEER_FLAGS)}")
        if kind not in GAZETTEER_TYPES:
            raise LexiconError(f"{where}: type {kind!r} is not one of {sorted(GAZETTEER_TYPES)}")
        entry = GazetteerEntry(name, kind, "exact" in flagset, "network" in flagset, "context" in flagset)
        for form in [name, *(v.strip() for v in variants.split("|") if v.strip())]:
            other = forms.get(form)
            if other is not None and other.name != name:
                raise LexiconError(f"{where}: {form!r} already names {other.name!r}")
            forms[form] = entry


@per_folder
def gazetteer_by_fold(folder: str = DEFAULT_GAZETTEER) -> dict[str, GazetteerEntry]:
    return {fold(form): entry for form, entry in gazetteer(folder).items()}


@dataclass(frozen=True)
class NotOrg:
    name: str
    kind: str


@per_folder
def not_orgs(folder: str = DEFAULT_NOT_ORGS) -> dict[str, NotOrg]:
    """Every written form of a thing that looks like an organization and is not
    (programmes, funds of public money, indices, labels, events…) -> its entry.
    Files: `models/org/not_orgs/*.tsv`, fields name, variants, kind, note. An empty
    `folder` is an empty lexicon."""
    forms: dict[str, NotOrg] = {}
    if not folder:
        return forms
    for path in sorted((data_dir() / folder).glob("*.tsv")):
        for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip() or line.startswith("#"):
                continue
            where = f"{path}:{lineno}"
            fields = line.split("\t")
            if len(fields) != 4 or not fields[0].strip():
                raise LexiconError(f"{where}: expected 4 tab-separated fields: name, variants, kind, note")
            name, variants, kind = (f.strip() for f in fields[:3])
            if kind not in NOT_ORG_KINDS:
                raise LexiconError(f"{where}: kind {kind!r} is not one of {sorted(NOT_ORG_KINDS)}")
            entry = NotOrg(name, kind)
            for form in [name, *(v.strip() for v in variants.split("|") if v.strip())]:
                forms.setdefault(form, entry)
    return forms


@per_folder
def not_orgs_by_fold(folder: str = DEFAULT_NOT_ORGS) -> dict[str, NotOrg]:
    return {fold(form): entry for form, entry in not_orgs(folder).items()}


@dataclass(frozen=True)
class Knowledge:
    """The organizations the pipeline knows and the things it knows are not organizations,
    as configured for `press_org` (`gazetteer`, `not_orgs`)."""

    forms: dict[str, GazetteerEntry]
    by_fold: dict[str, GazetteerEntry]
    not_orgs_by_fold: dict[str, NotOrg]


def knowledge(gazetteer_folder: str = DEFAULT_GAZETTEER, not_orgs_folder: str = DEFAULT_NOT_ORGS) -> Knowledge:
    return Knowledge(gazetteer(gazetteer_folder), gazetteer_by_fold(gazetteer_folder), not_orgs_by_fold(not_orgs_folder))
