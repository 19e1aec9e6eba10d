"""The learned decision: every span any source proposes is a candidate, a logistic
model trained on the corpus scores it, and the best-scoring spans that overlap no
better one are kept.

The pool holds each source's span as proposed and as the boundary rules trim it
(`rules.clean`, without refusing), the capitalised runs no source vouches for, every
other occurrence of a proposed name, and the abbreviations names define in
parentheses. The model is a JSON file of feature weights written by `extractor train`
(see `train`); scoring is a sum of weights, so the model needs nothing at run time.
"""
from __future__ import annotations

import json
import math
from itertools import repeat
from dataclasses import dataclass
from pathlib import Path

from spacy.tokens import Doc

from ..components import first_fit
from ..lexicon import LexiconError
from . import data as org_data
from .features import Evidence, doc_facts, features
from .rules import clean, defined_acronyms
from .sources import Proposal, ents, head_extensions, name_chunks, quoted
from .spans import token_view

__all__ = ["MODEL_FORMAT", "DecisionModel", "candidate_pool", "LearnedDecision"]

MODEL_FORMAT = "press-org-decision/1"


@dataclass(frozen=True)
class DecisionModel:
    weights: dict[str, float]
    threshold: float
    meta: dict

    @classmethod
    def load(cls, path: Path) -> "DecisionModel":
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise LexiconError(f"{path}: cannot read the organization decision model: {exc}") from None
        if not isinstance(data, dict) or data.get("format") != MODEL_FORMAT:
            raise LexiconError(f"{path}: not a {MODEL_FORMAT} file")
        weights, threshold = data.get("weights"), data.get("threshold")
        if not isinstance(weights, dict) or not all(isinstance(v, (int, float)) for v in weights.values()):
            raise LexiconError(f"{path}: 'weights' must map feature names to numbers")
        if not isinstance(threshold, (int, float)) or not 0 < threshold < 1:
            raise LexiconError(f"{path}: 'threshold' must be a probability")
        return cls({k: float(v) for k, v in weights.items()}, float(threshold), data.get("meta", {}))

    def probability(self, feats: list[str]) -> float:
        z = sum(map(self.weights.get, feats, repeat(0.0)))  # weights.get(name, 0.0), looped in C
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def candidate_pool(doc: Doc, proposals: list[Proposal], words: org_data.Words) -> dict[tuple[int, int], Evidence]:
    pool: dict[tuple[int, int], Evidence] = {}

    def add(start: int, end: int, source: str, rank: int, parts: dict | None = None) -> None:
        if start >= end:
            return
        ev = pool.setdefault((start, end), Evidence())
        ev.sources.add(source)
        ev.rank = min(ev.rank, rank)
        if parts:
            ev.parts.update(parts)

    trims: dict[tuple[int, int, str], tuple[int, int] | None] = {}
    for p in proposals + _all_entities(doc) + name_chunks(doc, words) + head_extensions(doc, words) + quoted(doc):
        base = _source_family(p.source)
        add(p.start, p.end, base, p.rank, p.parts)
        # many sources propose the same span, and trimming depends only on the span and on
        # the few sources it treats apart: trim each once
        key = (p.start, p.end, p.source if p.source.startswith(_TRIMMED_APART) else "")
        if key not in trims:
            trimmed = clean(doc, p, words, refuse=False)
            trims[key] = None if trimmed is None else (trimmed.start, trimmed.end)
        span = trims[key]
        if span is not None and span != (p.start, p.end):
            add(span[0], span[1], base + "~trim", p.rank, p.parts)
    sourced = [Proposal(s, e, ev.rank, "") for (s, e), ev in pool.items() if ev.rank < 3]
    taken = [False] * len(doc)
    for p in defined_acronyms(doc, sourced, taken, words):
        add(p.start, p.end, "defined-acronym", 2)
    _add_other_occurrences(doc, sourced, add)
    return pool


# sources whose spans `rules.clean` trims in their own way (kept articles, kept last words, lists)
_TRIMMED_APART = ("gazetteer", "cue:", "post:", "legal:", "suffix:", "headlist:", "head:lowercase-school")


def _all_entities(doc: Doc) -> list[Proposal]:
    return [Proposal(e.start, e.end, 1 if e.label_ == "ORG" else 2, f"ent:{e.label_}") for e in ents(doc)]


def _source_family(source: str) -> str:
    """`head:region` and `head:cci` are both head patterns; the pattern id is too rare a feature."""
    if source.startswith("ent:") or ":" not in source:
        return source
    return source.split(":", 1)[0]


def _add_other_occurrences(doc: Doc, sourced: list[Proposal], add) -> None:
    view = token_view(doc)
    texts, folded = view.texts, view.folded
    names: dict[str, dict[tuple[str, ...], None]] = {}  # an ordered set: the pool's order is the training rows'
    for p in sourced:
        if texts[p.start][:1].isupper():
            key = tuple(folded[p.start : p.end])
            names.setdefault(key[0], {})[key] = None
    for i, word in enumerate(folded):
        if not texts[i][:1].isupper():
            continue
        for key in names.get(word, ()):
            if tuple(folded[i : i + len(key)]) == key:
                add(i, i + len(key), "same-name", 2)


class LearnedDecision:
    def __init__(self, model: DecisionModel, words: org_data.Words, knowledge: org_data.Knowledge):
        self.model = model
        self.words = words
        self.knowledge = knowledge

    def scored(self, doc: Doc, proposals: list[Proposal]) -> list[tuple[float, int, int, Evidence]]:
        pool = candidate_pool(doc, proposals, self.words)
        facts = doc_facts(doc, pool)
        return [
            (self.model.probability(features(doc, s, e, ev, facts, self.words, self.knowledge)), s, e, ev)
            for (s, e), ev in pool.items()
        ]

    def __call__(self, doc: Doc, proposals: list[Proposal]) -> list[Proposal]:
        kept = [
            Proposal(s, e, ev.rank, _best_source(ev), dict(ev.parts) | {"p": f"{p:.3f}"})
            for p, s, e, ev in sorted(self.scored(doc, proposals), key=lambda x: (-x[0], x[1], x[2]))
            if p >= self.model.threshold
        ]
        return first_fit(kept)


def _best_source(ev: Evidence) -> str:
    return min(ev.sources, key=lambda s: (s.startswith(("chunk", "same-name", "ent:")), s))
