"""The hand-ordered decision: which proposals are organizations, with which boundaries.

Every proposal is trimmed (titles, determiners, separators) and checked against the
refusal lists; overlapping proposals are settled by rank, then length. The accepted
names are then spread to their other occurrences (one decision per name), with the
abbreviations they define, the names listed next to them and their short forms.
This was the whole decision before the learned one; it remains the fallback when no
trained decision is configured, and `clean` serves both.
"""
from __future__ import annotations

from spacy.tokens import Doc

from ..components import first_fit
from . import data as org_data
from . import names as org_names
from .data import fold
from .sources import Proposal, ents
from .spans import (
    after_event_word,
    document_places,
    is_term_acronym,
    rejection,
    repair,
    territory_end,
    token_texts,
    token_view,
)

__all__ = ["clean", "RuleDecision", "defined_acronyms", "defined_abbreviation", "same_names", "listed_after", "listed_before"]


def clean(doc: Doc, p: Proposal, words: org_data.Words, refuse: bool = True, not_orgs: dict | None = None) -> Proposal | None:
    """The proposal trimmed to the name; None when a refusal rule or the `not_orgs`
    lexicon speaks against it (with `refuse=False`, the trimmed span whatever they say)."""
    keep_article = p.source == "gazetteer" or p.source.startswith("cue:")
    keep_last = p.source.startswith(("post:", "legal:", "suffix:"))
    keep_commas = p.source.startswith("headlist:")
    start, end = repair(doc, p.start, p.end, words, keep_article=keep_article, keep_last=keep_last, keep_commas=keep_commas)
    places = document_places(doc, words)
    view = token_view(doc)  # the token view answers what `doc[i]` would build a Token for
    texts = view.texts
    if p.source != "gazetteer" and end - start >= 2 and texts[start][:1].isupper() and view.lower[end - 1]:
        # `Agence de développement et d'innovation` + `de Nouvelle-Aquitaine`: a descriptive name ends with its territory
        end = territory_end(doc, end, words, places)
    if p.source == "head:lowercase-school" and end - start > 3 and words.has("places", texts[end - 1]):
        if words.has("connectors", texts[end - 2]):
            end -= 2  # `lycée Louis Armand de Mulhouse`: the town says where, it is not the name
    if p.start < start and view.lower_[p.start].startswith("ex-"):
        start = p.start  # `ex-Schneider Electric`: the prefix is trimmed at character level
    if not refuse:
        return Proposal(start, end, p.rank, p.source, p.parts) if start < end else None
    whole_gazetteer_name = p.source == "gazetteer" and start == p.start and end == p.end
    if p.source != "gazetteer" and start < end and (fold(view.text(doc, start, end)) in places or is_term_acronym(doc, start, end, words)):
        return None
    if not whole_gazetteer_name and (rejection(doc, start, end, words) or after_event_word(doc, start, words)):
        return None
    if not whole_gazetteer_name and not_orgs and fold(view.text(doc, start, end)) in not_orgs:
        return None  # a programme, an index, a label: looks like a name, names no body
    return Proposal(start, end, p.rank, p.source, p.parts)


class RuleDecision:
    def __init__(self, words: org_data.Words, knowledge: org_data.Knowledge, use_ner: bool = True):
        self.words = words
        self.not_orgs = knowledge.not_orgs_by_fold
        self.use_ner = use_ner

    def __call__(self, doc: Doc, proposals: list[Proposal]) -> list[Proposal]:
        proposals = [p for p in proposals if p.source != "gazetteer:context" or _ner_agrees(doc, p)]
        cleaned = [c for c in (clean(doc, p, self.words, not_orgs=self.not_orgs) for p in proposals) if c is not None]
        accepted = first_fit(sorted(cleaned, key=lambda p: (p.rank, -(p.end - p.start), p.start)))
        return self._spread(doc, accepted)

    def _spread(self, doc: Doc, accepted: list[Proposal]) -> list[Proposal]:
        """One decision per name: every other occurrence of an accepted name is one too."""
        taken = [False] * len(doc)
        for p in accepted:
            for i in range(p.start, p.end):
                taken[i] = True
        accepted = accepted + defined_acronyms(doc, accepted, taken, self.words)
        accepted = accepted + same_names(doc, accepted, taken)
        if self.use_ner:
            accepted += self._coordinated(doc, accepted, taken)
            accepted += self._short_forms(doc, accepted, taken)
        return accepted

    def _coordinated(self, doc: Doc, accepted: list[Proposal], taken: list[bool]) -> list[Proposal]:
        """`X-FAB FRANCE (...) et Ligentec`: a name listed next to an organisation is one too."""
        out = []
        starts = {p.start for p in accepted}
        ends = {p.end for p in accepted}
        for ent in ents(doc):
            if ent.label_ not in ("MISC", "LOC", "PER", "ORG") or any(taken[ent.start : ent.end]) or (ent.label_ == "PER" and len(ent) > 1):
                continue
            if listed_after(doc, ent.start, ends) or listed_before(doc, ent.end, starts):
                cleaned = clean(doc, Proposal(ent.start, ent.end, 2, "coordinated"), self.words)
                if cleaned is not None and not any(taken[cleaned.start : cleaned.end]):
                    out.append(cleaned)
                    for k in range(cleaned.start, cleaned.end):
                        taken[k] = True
        return out

    def _short_forms(self, doc: Doc, accepted: list[Proposal], taken: list[bool]) -> list[Proposal]:
        """`Néréide` after `Néréide Analytics`: the first word of a name, found alone by the NER."""
        firsts = set()
        for p in accepted:
            if p.end - p.start > 1:
                first = doc[p.start]
                if not (first.is_lower or self.words.has("common_nouns", first.text) or fold(first.text) in org_names.head_words()):
                    firsts.add(fold(first.text))
        out = []
        for ent in ents(doc):
            if len(ent) == 1 and fold(ent.text) in firsts and not taken[ent.start]:
                cleaned = clean(doc, Proposal(ent.start, ent.end, 2, "short-form"), self.words)
                if cleaned is not None:
                    out.append(cleaned)
                    taken[ent.start] = True
        return out


def _ner_agrees(doc: Doc, p: Proposal) -> bool:
    return any(e.start < p.end and p.start < e.end and e.label_ in ("ORG", "MISC") for e in ents(doc))


def defined_acronyms(doc: Doc, accepted: list[Proposal], taken: list[bool], words: org_data.Words) -> list[Proposal]:
    """`La Mutuelle des Trois Vallées (M3V)`: the abbreviation a name defines is a mention of its own,
    unless the stoplist or a common-noun definition (`ratio de liquidité (LCR)`) says it names no body."""
    out = []
    for p in accepted:
        i = defined_abbreviation(doc, p.start, p.end)
        if i is None or taken[i] or words.has("acronym_stoplist", doc[i].text) or is_term_acronym(doc, i, i + 1, words):
            continue
        out.append(Proposal(i, i + 1, 2, "defined-acronym"))
        taken[i] = True
    return out


def defined_abbreviation(doc: Doc, start: int, end: int) -> int | None:
    """The token of the abbreviation the name `doc[start:end]` defines in the parenthesis right
    after it (`Agence d'urbanisme Flandre-Dunkerque (Agur)`, `(M3V),`), or None.

    The one definition, read twice: the spreading makes the abbreviation a mention, and
    resolution (through the candidate's `abbreviation` part) gives it the name's canonical
    name. What counts as an abbreviation of the name is `names.abbreviates`: an acronym, or
    a word the name spells, so that a company written after a person's name (`Karine
    Delattre (Opsilon)`) is not one. A name of one token defines none.
    """
    i = end + 1
    if end - start < 2 or i + 1 >= len(doc) or doc[end].text != "(" or doc[i + 1].text not in {")", ","}:
        return None
    inner = doc[i].text
    if not (inner[:1].isupper() and len(inner) <= 10 and org_names.abbreviates(inner, doc[start:end].text)):
        return None
    return i


def same_names(doc: Doc, accepted: list[Proposal], taken: list[bool]) -> list[Proposal]:
    """Every other capitalised occurrence of an accepted name (`Kelvia SAS` vouches for `Kelvia`)."""
    names: dict[str, set[tuple[str, ...]]] = {}
    for p in accepted:
        tokens = [fold(t.text) for t in doc[p.start : p.end]]
        names.setdefault(tokens[0], set()).add(tuple(tokens))
        while len(tokens) > 1 and (tokens[-1] in org_names.legal_tokens() or tokens[-1] == ","):
            tokens.pop()
        names[tokens[0]].add(tuple(tokens))
    added = []
    texts = token_texts(doc)
    for i, text in enumerate(texts):
        if taken[i] or not text[:1].isupper():
            continue
        for tokens in sorted(names.get(fold(text), ()), key=len, reverse=True):
            j = i + len(tokens)
            if j <= len(doc) and not any(taken[i:j]) and tuple(fold(t) for t in texts[i:j]) == tokens:
                added.append(Proposal(i, j, 2, "same-name"))
                for k in range(i, j):
                    taken[k] = True
                break
    return added


def listed_after(doc: Doc, start: int, ends: set[int]) -> bool:
    j = start - 1
    if j < 0 or doc[j].lower_ not in org_data.words().as_written["coordinators"]:
        return False
    j -= 1
    if j >= 0 and doc[j].text == ")":
        while j >= 0 and doc[j].text != "(" and start - j < 15:
            j -= 1
    return j in ends or (j + 1) in ends


def listed_before(doc: Doc, end: int, starts: set[int]) -> bool:
    if end >= len(doc) or doc[end].lower_ not in org_data.words().as_written["coordinators"]:
        return False
    for k in range(end + 1, min(end + 5, len(doc) + 1)):
        if k in starts:
            return True
        if doc[end].text == "," or (k < len(doc) and not doc[k].is_lower):
            return False  # `Parallèlement, le groupe X`: after a comma only a name right next to it is listed
    return False
