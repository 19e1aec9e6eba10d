"""Train the organization decision: a logistic model over the candidate pool.

Every candidate span of every training document is an example, positive when a gold
ORG mention has exactly its offsets; candidates overlapping an optional gold mention
are left out, as the evaluator leaves them out. The weights come from scikit-learn's
logistic regression; the threshold is the one that gives the best strict ORG F1 on
the dev split through the same selection the component makes.
"""
from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path

from ..components import first_fit
from ..orgs.features import doc_facts, features
from ..orgs.learned import MODEL_FORMAT, candidate_pool
from ..orgs.sources import char_offsets
from .corpus import Document

__all__ = [
    "THRESHOLDS", "DocExamples", "examples", "pool_recall", "fit", "decode", "strict_f1", "best_threshold",
    "train", "write_model", "FAMILIES", "family_report"
]

THRESHOLDS = [round(0.05 * i, 2) for i in range(4, 17)]


@dataclass
class DocExamples:
    doc_id: str
    spans: list[tuple[int, int]]  # character offsets of each candidate
    feats: list[list[str]]
    labels: list[int | None]  # None: overlaps an optional gold mention, not an example
    gold: set[tuple[int, int]]


def examples(nlp, detector, docs: list[Document], progress: bool = True) -> list[DocExamples]:
    out = []
    ours = [name for name in nlp.pipe_names if name.startswith("press_")]
    with nlp.select_pipes(disable=ours):
        for i, (doc, d) in enumerate(zip(nlp.pipe(d.text for d in docs), docs)):
            out.append(_doc_examples(doc, d, detector))
            if progress and (i + 1) % 50 == 0:
                print(f"  {i + 1}/{len(docs)} documents", file=sys.stderr)
    return out


def _doc_examples(doc, d: Document, detector) -> DocExamples:
    gold = {(m.start, m.end) for m in d.gold.mentions if m.label == "ORG" and not m.optional}
    optional = [(m.start, m.end) for m in d.gold.mentions if m.label == "ORG" and m.optional]
    pool = candidate_pool(doc, detector.proposals(doc), detector.words)
    facts = doc_facts(doc, pool)
    ex = DocExamples(d.doc_id, [], [], [], gold)
    for (s, e), ev in pool.items():
        chars = char_offsets(doc, s, e)
        ex.spans.append(chars)
        ex.feats.append(features(doc, s, e, ev, facts, detector.words, detector.knowledge))
        if chars in gold:
            ex.labels.append(1)
        elif any(chars[0] < oe and os < chars[1] for os, oe in optional):
            ex.labels.append(None)
        else:
            ex.labels.append(0)
    return ex


def pool_recall(data: list[DocExamples]) -> tuple[int, int]:
    found = sum(len(d.gold & set(d.spans)) for d in data)
    return found, sum(len(d.gold) for d in data)


def fit(data: list[DocExamples], c: float, seed: int, min_count: int = 2) -> dict[str, float]:
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    rows, ys = [], []
    for d in data:
        for f, y in zip(d.feats, d.labels):
            if y is not None:
                rows.append(f)
                ys.append(y)
    counts: dict[str, int] = {}
    for f in rows:
        for name in set(f):
            counts[name] = counts.get(name, 0) + 1
    kept = {name for name, n in counts.items() if n >= min_count}
    vec = DictVectorizer()
    x = vec.fit_transform([{name: 1 for name in f if name in kept} for f in rows]).tocsr()
    # liblinear takes 32-bit sparse indices only; recent SciPy builds 64-bit ones
    x.indices, x.indptr = x.indices.astype("int32"), x.indptr.astype("int32")
    model = LogisticRegression(C=c, solver="liblinear", fit_intercept=False, random_state=seed, max_iter=1000)
    model.fit(x, ys)
    return {name: round(float(w), 5) for name, w in zip(vec.get_feature_names_out(), model.coef_[0]) if abs(w) > 1e-5}


def decode(d: DocExamples, weights: dict[str, float], threshold: float) -> list[tuple[int, int]]:
    import math

    scored = []
    for span, f in zip(d.spans, d.feats):
        z = sum(weights.get(name, 0.0) for name in f)
        p = 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))
        if p >= threshold:
            scored.append((p, span))
    scored.sort(key=lambda x: (-x[0], x[1]))

    class S:
        __slots__ = ("start", "end")

        def __init__(self, span):
            self.start, self.end = span

    return [(s.start, s.end) for s in first_fit(S(span) for _, span in scored)]


def strict_f1(data: list[DocExamples], weights: dict[str, float], threshold: float) -> tuple[float, int, int, int]:
    tp = fp = fn = 0
    for d in data:
        optional = [span for span, y in zip(d.spans, d.labels) if y is None]
        pred = [p for p in decode(d, weights, threshold) if p not in optional]
        hits = len(set(pred) & d.gold)
        tp, fp, fn = tp + hits, fp + len(pred) - hits, fn + len(d.gold) - hits
    f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
    return f1, tp, fp, fn


def best_threshold(data: list[DocExamples], weights: dict[str, float]) -> tuple[float, float]:
    scores = [(strict_f1(data, weights, t)[0], t) for t in THRESHOLDS]
    f1, t = max(scores, key=lambda x: (x[0], -abs(x[1] - 0.5)))
    return t, f1


def train(train_data: list[DocExamples], dev_data: list[DocExamples], seed: int, c_grid=(0.3, 1.0, 3.0, 10.0)) -> dict:
    best = None
    for c in c_grid:
        weights = fit(train_data, c, seed)
        t, f1 = best_threshold(dev_data, weights)
        print(f"  C={c}: dev strict F1 {f1:.3f} at threshold {t}", file=sys.stderr)
        if best is None or f1 > best[0]:
            best = (f1, c, t, weights)
    f1, c, t, weights = best
    return {"c": c, "threshold": t, "dev_f1": f1, "weights": weights}


def write_model(path: Path, result: dict, meta: dict) -> None:
    data = {
        "format": MODEL_FORMAT,
        "threshold": result["threshold"],
        "meta": {**meta, "c": result["c"], "dev_strict_f1": round(result["dev_f1"], 4)},
        "weights": dict(sorted(result["weights"].items())),
    }
    path.write_text(json.dumps(data, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")


# What each family of rules and data brings to the decision, measured on dev: the model
# is refitted without the family's features (its candidates stay in the pool when another
# source proposes them). A family whose removal costs nothing is a candidate for removal.
FAMILIES = {
    "gazetteer": ("src=gazetteer", "gaz"),
    "not-an-organization lexicon": ("not_org",),
    "refusal word lists (words.json)": ("reject=", "w0_in=", "wl_in=", "after_event_word", "term_acronym", "doc_place"),
    "head-noun patterns": ("src=head", "src=headlist"),
    "cue patterns (apposition, role, listing)": ("src=cue", "src=weakcue", "src=post"),
    "legal-form and suffix patterns": ("src=legal", "src=suffix"),
    "whole-name patterns": ("src=full",),
    "spreading (same name, defined abbreviation)": ("src=same-name", "src=defined-acronym", "vouched_in_doc", "ner_org_in_doc"),
    "NER labels": ("src=ent:", "src=ner", "ner_", "nerorg&"),
}


def _without(data: list[DocExamples], prefixes: tuple[str, ...]) -> list[DocExamples]:
    return [DocExamples(d.doc_id, d.spans, [[x for x in f if not x.startswith(prefixes)] for f in d.feats], d.labels, d.gold)
            for d in data]


def family_report(train_data: list[DocExamples], dev_data: list[DocExamples], c: float, seed: int) -> dict[str, float]:
    """Dev strict F1 of the decision refitted without each family (the full model's score under "all")."""
    out = {"all": best_threshold(dev_data, fit(train_data, c, seed))[1]}
    for name, prefixes in FAMILIES.items():
        weights = fit(_without(train_data, prefixes), c, seed)
        out[name] = best_threshold(_without(dev_data, prefixes), weights)[1]
        print(f"  without {name}: dev strict F1 {out[name]:.3f}", file=sys.stderr)
    return {k: round(v, 4) for k, v in out.items()}
