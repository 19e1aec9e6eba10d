"""What the learned decision knows about a candidate span: named binary features.

A candidate is a token span of the Doc with the evidence the sources left on it
(`Evidence`: which sources proposed exactly this span). Features describe the
evidence, what the language data says of the span (gazetteer, not-an-organization
lexicon, refusal lists), its shape, its neighbours and the rest of the document
(other occurrences of the same name, and what vouched for them). Pure functions of
the Doc and the pool: nothing here decides.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from spacy.tokens import Doc

from ..lexicon import per_folder
from . import data as org_data
from . import names as org_names
from .data import fold
from .sources import ents
from .names import is_acronym
from .spans import (
    after_event_word,
    document_places,
    is_term_acronym,
    line_is_upper,
    rejection,
    sentence_initial,
    TokenView,
    token_view,
)

__all__ = ["Evidence", "DocFacts", "doc_facts", "features"]


@dataclass
class Evidence:
    sources: set[str] = field(default_factory=set)
    parts: dict[str, str] = field(default_factory=dict)
    rank: int = 3  # best (lowest) rank among the proposals: 0 a rule, 1 the NER, 2 spread, 3 a capitalised chunk


@dataclass(frozen=True)
class DocFacts:
    """Computed once per document and shared by every candidate of it."""

    folded_counts: dict[tuple[str, ...], int]
    vouched: frozenset[tuple[str, ...]]  # names a rule or the gazetteer proposed somewhere in the document
    ner_orgs: frozenset[tuple[str, ...]]  # names the NER tagged ORG somewhere in the document
    token_ent: list[str]  # NER label of each token ("" outside entities)
    lowercase_words: frozenset[str]
    # names written somewhere after a capitalised article in mid-sentence (`selon Le Fil Financier`):
    # the article is part of the name
    article_names: frozenset[tuple[str, ...]] = frozenset()
    folded: list[str] = field(default_factory=list)  # each token's text folded


@per_folder
def _capitalised_articles() -> frozenset[str]:
    """The articles as they open a sentence or a name (`La`, `L’`)."""
    return frozenset(a[:1].upper() + a[1:] for a in org_data.words().as_written["articles"])


def doc_facts(doc: Doc, pool: dict[tuple[int, int], Evidence]) -> DocFacts:
    view = token_view(doc)
    texts, folded = view.texts, view.folded
    counts: dict[tuple[str, ...], int] = {}
    vouched, ner_orgs = set(), set()
    for (start, end), ev in pool.items():
        key = tuple(folded[start:end])
        counts[key] = 0
        if ev.rank == 0:
            vouched.add(_bare(key))
    token_ent = [""] * len(doc)
    for ent in ents(doc):
        for i in range(ent.start, ent.end):
            token_ent[i] = ent.label_
        if ent.label_ == "ORG":
            ner_orgs.add(_bare(tuple(folded[ent.start : ent.end])))
    _count_occurrences(folded, counts)
    lowercase = frozenset(t for t in texts if t.islower())
    article_names = set()
    for (start, end) in pool:
        if end - start > 1 and texts[start] in _capitalised_articles() and not sentence_initial(doc, start):
            article_names.add(tuple(folded[start + 1 : end]))
    return DocFacts(counts, frozenset(vouched), frozenset(ner_orgs), token_ent, lowercase, frozenset(article_names), folded)


def _count_occurrences(folded: list[str], counts: dict[tuple[str, ...], int]) -> None:
    by_first: dict[str, list[tuple[str, ...]]] = {}
    for key in counts:
        by_first.setdefault(key[0], []).append(key)
    for i, word in enumerate(folded):
        for key in by_first.get(word, ()):
            if tuple(folded[i : i + len(key)]) == key:
                counts[key] += 1


def _bare(key: tuple[str, ...]) -> tuple[str, ...]:
    """The name without a trailing legal form: `kelvia sas` vouches for `kelvia`."""
    while len(key) > 1 and (key[-1] in org_names.legal_tokens() or key[-1] == ","):
        key = key[:-1]
    return key


def features(doc: Doc, start: int, end: int, ev: Evidence, facts: DocFacts, words: org_data.Words,
             knowledge: org_data.Knowledge) -> list[str]:
    view = token_view(doc)
    texts = view.texts
    span_texts = texts[start:end]
    text = view.text(doc, start, end)
    folded = fold(text)
    key = tuple(facts.folded[start:end])
    f = ["bias"]
    f += [f"src={s}" for s in sorted(ev.sources)]  # a set's order changes with each process's string hashing
    f.append(f"rank={ev.rank}")
    only = ev.sources <= {"chunk", "chunk-tail"}
    f.append("chunk_only" if only else "sourced")
    n = end - start
    f.append(f"len={min(n, 5)}")
    f += _data_features(doc, texts, start, end, text, folded, words, knowledge)
    f += _shape_features(tuple(span_texts), text)
    f += _context_features(doc, view, start, end, words)
    f += _ner_features(facts, start, end)
    occurrences = facts.folded_counts.get(key, 1)
    f.append(f"occ={min(occurrences, 4)}")
    bare = _bare(key)
    if bare in facts.vouched:
        f.append("vouched_in_doc")
    if bare in facts.ner_orgs:
        f.append("ner_org_in_doc")
    if n == 1 and span_texts[0].lower() in facts.lowercase_words and not span_texts[0].islower():
        f.append("lowercase_elsewhere")
    if span_texts[0] in _capitalised_articles() and n > 1:
        f.append("article_first" if sentence_initial(doc, start) else "article_first_mid_sentence")
        if key[1:] in facts.article_names:
            f.append("article_name_in_doc")
    elif key in facts.article_names:
        f.append("without_article_of_article_name")
    # an interaction a linear model cannot build itself
    if only:
        f += [f"chunk_only&{x}" for x in f if x.startswith(("len=", "occ=", "shape=", "p1=", "w0="))]
    return f


def _data_features(doc: Doc, texts: list[str], start: int, end: int, text: str, folded: str, words: org_data.Words,
                   knowledge: org_data.Knowledge) -> list[str]:
    f = []
    entry = knowledge.by_fold.get(_bare_fold(text))
    if entry is not None:
        f += ["gaz", f"gaz_type={entry.kind}"]
        if entry.context:
            f.append("gaz_context")
        if entry.exact:
            f.append("gaz_exact")
    not_org = knowledge.not_orgs_by_fold.get(folded)
    if not_org is not None:
        f += ["not_org", f"not_org={not_org.kind}"]
    reason = rejection(doc, start, end, words)
    if reason:
        f.append(f"reject={reason}")
    if after_event_word(doc, start, words):
        f.append("after_event_word")
    if folded in document_places(doc, words):
        f.append("doc_place")
    if is_term_acronym(doc, start, end, words):
        f.append("term_acronym")
    folded_tokens = token_view(doc).folded
    first = folded_tokens[start]
    for list_name in ("titles", "determiners", "places", "common_nouns", "opening_words"):
        if first in words.lists[list_name]:  # `words.has`, the word folded once
            f.append(f"w0_in={list_name}")
    if folded_tokens[end - 1] in words.lists["places"]:
        f.append("wl_in=places")
    return f


@per_folder(maxsize=1 << 14)
def _bare_fold(text: str) -> str:
    """The gazetteer's key of a span's text (names come back in every document; the legal forms are the bound data's)."""
    return fold(org_names.without_legal_form(text))


# Pure, and the same names and chunks come back within and across documents.
@lru_cache(maxsize=1 << 14)
def _shape_features(span_texts: tuple[str, ...], text: str) -> tuple[str, ...]:
    f = []
    if is_acronym(text, min_letters=1):
        f.append("shape=allcaps" if is_acronym(text) else "shape=one_letter")
    elif all(t[:1].isupper() or not t[:1].isalpha() for t in span_texts):
        f.append("shape=title")
    elif span_texts[0][:1].islower():
        f.append("shape=first_lower")
    else:
        f.append("shape=mixed")
    if is_acronym(text):
        f.append("acronym")
    if any(ch.isdigit() for ch in text):
        f.append("has_digit")
    if "-" in text:
        f.append("has_hyphen")
    if any(t.lower() in org_names.legal_forms() or t.lower().rstrip(".") in org_names.legal_forms() for t in span_texts[1:]):
        f.append("has_legal_form")
    if fold(span_texts[0]) in org_names.head_words():
        f.append("w0_head")
    f.append(f"w0={fold(span_texts[0])}")
    f.append(f"wl={fold(span_texts[-1])}")
    if len(span_texts[0]) <= 2:
        f.append("w0_short")
    return tuple(f)


def _context_features(doc: Doc, view: TokenView, start: int, end: int, words: org_data.Words) -> list[str]:
    texts, folded = view.texts, view.folded
    f = []
    prev = folded[start - 1] if start > 0 else "<s>"
    prev2 = folded[start - 2] if start > 1 else "<s>"
    nxt = folded[end] if end < len(texts) else "</s>"
    f += [f"p1={prev}", f"p2={prev2}", f"p2p1={prev2}_{prev}", f"n1={nxt}"]
    if prev in words.lists["civilities"]:
        f.append("after_civility")
    if start > 0 and texts[start - 1] == "(" and end < len(texts) and texts[end] == ")":
        f.append("in_parens")
    if end + 2 < len(texts) and texts[end] == "(" and texts[end + 2] in (")", ","):
        f.append("defines_parens")
    if sentence_initial(doc, start):
        f.append("sent_initial")
    if line_is_upper(doc, start):
        f.append("line_upper")
    if start > 0 and texts[start - 1][:1].isupper() and texts[start - 1].isalpha():
        f.append("after_capitalised")
    if end < len(texts) and texts[end][:1].isupper() and texts[end].isalpha():
        f.append("before_capitalised")
    # `Air France-KLM`: a hyphen glued on both sides to a capitalised word continues the name
    ws = view.ws
    if end + 1 < len(texts) and texts[end] == "-" and not ws[end - 1] and not ws[end] and texts[end + 1][:1].isupper():
        f.append("glued_hyphen_after")
    if start > 1 and texts[start - 1] == "-" and not ws[start - 2] and not ws[start - 1] and texts[start - 2][:1].isupper():
        f.append("glued_hyphen_before")
    return f


def _ner_features(facts: DocFacts, start: int, end: int) -> list[str]:
    labels = facts.token_ent[start:end]
    f = []
    for label in dict.fromkeys(labels):
        share = labels.count(label) / len(labels)
        f.append(f"ner_tok={label or 'O'}:{'all' if share == 1 else 'part'}")
    before = facts.token_ent[start - 1] if start > 0 else ""
    after = facts.token_ent[end] if end < len(facts.token_ent) else ""
    if before and before == labels[0]:
        f.append(f"ner_runs_before={before}")
    if after and after == labels[-1]:
        f.append(f"ner_runs_after={after}")
    return f
