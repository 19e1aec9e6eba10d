"""Score predicted records against gold records (docs/annotation.md, section 7).

One small class per scoring scheme, each counting (tp, fp, fn) for one label of
one document; `evaluate` sums them over documents and labels.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Iterable

from ..kinds import LABELS, kind_of
from ..records import Mention, Record

__all__ = [
    "LABEL_ORDER", "Counts", "strict_pairs", "Scheme", "Strict", "Partial", "Value", "SCHEMES", "same_value",
    "without_optional", "fold_name", "Evaluation", "evaluate", "format_table"
]

LABEL_ORDER = LABELS  # the declared kinds' labels in record order (ORG, MONEY, DATE, PERCENT), kept live


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def __iadd__(self, other: "Counts") -> "Counts":
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn
        return self

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def to_dict(self) -> dict[str, float | int]:
        return {"precision": round(self.precision, 4), "recall": round(self.recall, 4), "f1": round(self.f1, 4),
                "tp": self.tp, "fp": self.fp, "fn": self.fn}


def _overlap(a: Mention, b: Mention) -> bool:
    return a.start < b.end and b.start < a.end


def strict_pairs(gold: list[Mention], pred: list[Mention]) -> list[tuple[Mention, Mention]]:
    """Gold/prediction pairs with equal offsets, each mention used once."""
    by_span: dict[tuple[int, int], list[Mention]] = {}
    for g in gold:
        by_span.setdefault((g.start, g.end), []).append(g)
    pairs = []
    for p in pred:
        waiting = by_span.get((p.start, p.end))
        if waiting:
            pairs.append((waiting.pop(0), p))
    return pairs


class Scheme:
    name = ""

    def count(self, gold: list[Mention], pred: list[Mention]) -> Counts:
        tp = self.matches(gold, pred)
        return Counts(tp, len(pred) - tp, len(gold) - tp)

    def matches(self, gold: list[Mention], pred: list[Mention]) -> int:
        raise NotImplementedError


class Strict(Scheme):
    """Same label and same offsets."""

    name = "strict"

    def matches(self, gold, pred):
        return len(strict_pairs(gold, pred))


class Partial(Scheme):
    """Same label and overlapping spans; each gold mention matched once."""

    name = "partial"

    def matches(self, gold, pred):
        pairs = strict_pairs(gold, pred)
        used_g = {id(g) for g, _ in pairs}
        used_p = {id(p) for _, p in pairs}
        n = len(pairs)
        for p in pred:
            if id(p) in used_p:
                continue
            for g in gold:
                if id(g) not in used_g and _overlap(g, p):
                    used_g.add(id(g))
                    n += 1
                    break
        return n


class Value(Scheme):
    """Strict, and the normalized fields (value, high, currency) equal."""

    name = "value"

    def matches(self, gold, pred):
        return sum(1 for g, p in strict_pairs(gold, pred) if same_value(g, p))


SCHEMES: tuple[Scheme, ...] = (Strict(), Partial(), Value())


def same_value(g: Mention, p: Mention) -> bool:
    """
    >>> m = lambda v: Mention("MONEY", "x", 0, 1, value=v, currency="EUR")
    >>> same_value(m("5250000"), m("5250000.0")), same_value(m("5"), m("6"))
    (True, False)
    """
    return kind_of(g.label).same_value(g, p)


def without_optional(gold: list[Mention], pred: list[Mention]) -> tuple[list[Mention], list[Mention]]:
    """Drop optional gold mentions and the predictions that overlap them."""
    optional = [g for g in gold if g.optional]
    kept_gold = [g for g in gold if not g.optional]
    kept_pred = [p for p in pred if not any(_overlap(o, p) for o in optional)]
    return kept_gold, kept_pred


def fold_name(name: str) -> str:
    """Organization names compare lowercased, without accents, punctuation or extra spaces.

    >>> fold_name("Région Île-de-France") == fold_name("région ile de  France")
    True
    """
    decomposed = unicodedata.normalize("NFKD", name)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
    return " ".join(re.sub(r"[^\w]+|_", " ", bare).split())


@dataclass
class Evaluation:
    counts: dict[str, dict[str, Counts]]  # scheme -> label -> counts
    qualifier: dict[str, list[int]]  # label -> [correct, total] over strict matches
    organizations: Counts
    documents: dict[str, int]

    def to_dict(self) -> dict:
        out: dict = {"documents": self.documents}
        for scheme, by_label in self.counts.items():
            out[scheme] = {label: c.to_dict() for label, c in by_label.items()}
        out["qualifier"] = {
            label: {"correct": c, "total": t, "accuracy": round(c / t, 4) if t else None}
            for label, (c, t) in self.qualifier.items()
        }
        out["organizations"] = self.organizations.to_dict()
        return out


def evaluate(gold: Iterable[Record], pred: Iterable[Record]) -> Evaluation:
    gold_by_id = {r.doc_id: r for r in gold}
    pred_by_id = {r.doc_id: r for r in pred}
    labels = [*LABEL_ORDER, "micro"]
    counts = {s.name: {label: Counts() for label in labels} for s in SCHEMES}
    qualifier = {label: [0, 0] for label in labels}
    orgs = Counts()
    missing = 0
    for doc_id, g_rec in gold_by_id.items():
        p_rec = pred_by_id.get(doc_id)
        if p_rec is None:
            missing += 1
            p_rec = Record(doc_id, None, [])
        for label in LABEL_ORDER:
            g, p = without_optional(g_rec.of(label), p_rec.of(label))
            for scheme in SCHEMES:
                c = scheme.count(g, p)
                counts[scheme.name][label] += c
                counts[scheme.name]["micro"] += c
            for gm, pm in strict_pairs(g, p):
                ok = int(gm.qualifier == pm.qualifier)
                for key in (label, "micro"):
                    qualifier[key][0] += ok
                    qualifier[key][1] += 1
        orgs += _organization_counts(g_rec.organizations, p_rec.organizations)
    documents = {
        "gold": len(gold_by_id),
        "predicted": len(pred_by_id),
        "missing_predictions": missing,
        "predictions_without_gold": len(set(pred_by_id) - set(gold_by_id)),
    }
    return Evaluation(counts, qualifier, orgs, documents)


def _organization_counts(gold: list[Mention], pred: list[Mention]) -> Counts:
    """Document level: distinct organizations by folded name."""
    g, p = without_optional(gold, pred)
    optional_names = {fold_name(m.name or m.text) for m in gold if m.optional}
    gold_names = {fold_name(m.name or m.text) for m in g}
    pred_names = {fold_name(m.name or m.text) for m in p} - (optional_names - gold_names)
    tp = len(gold_names & pred_names)
    return Counts(tp, len(pred_names) - tp, len(gold_names) - tp)


def format_table(ev: Evaluation) -> str:
    """The evaluation as a plain-text table."""
    lines = []
    d = ev.documents
    lines.append(f"documents: {d['gold']} gold, {d['predicted']} predicted, "
                 f"{d['missing_predictions']} gold documents without prediction"
                 + (f", {d['predictions_without_gold']} predictions without gold" if d["predictions_without_gold"] else ""))
    header = f"{'mode':<8} {'label':<8} {'P':>6} {'R':>6} {'F1':>6} {'tp':>5} {'fp':>5} {'fn':>5}"
    lines += ["", header, "-" * len(header)]
    for scheme, by_label in ev.counts.items():
        for label, c in by_label.items():
            lines.append(f"{scheme:<8} {label:<8} {c.precision:6.3f} {c.recall:6.3f} {c.f1:6.3f} {c.tp:5d} {c.fp:5d} {c.fn:5d}")
    lines.append("")
    lines.append("qualifier accuracy over strict matches:")
    for label, (ok, total) in ev.qualifier.items():
        acc = f"{ok / total:.3f}" if total else "  n/a"
        lines.append(f"  {label:<8} {acc} ({ok}/{total})")
    o = ev.organizations
    lines.append("")
    lines.append(f"organizations (document level): P {o.precision:.3f} R {o.recall:.3f} F1 {o.f1:.3f} "
                 f"(tp {o.tp}, fp {o.fp}, fn {o.fn})")
    return "\n".join(lines)
