"""Two prediction runs against the same gold: what got fixed, what broke.

Each scored gold mention has an outcome in each run ("correct", or its error kinds
such as "missed" or "value+qualifier"); each spurious prediction is an outcome of
its own ("spurious" in the run that made it, "absent" in a run that did not).
A change is an item whose outcome differs between the baseline and the new run.
"""
from __future__ import annotations

from dataclasses import dataclass
from .errors import Alignment, ErrorReport, show
from .scoring import LABEL_ORDER, Evaluation
from ..records import Mention

__all__ = ["CORRECT", "ABSENT", "GOOD", "Change", "Comparison", "compare", "format_comparison"]

CORRECT = "correct"
ABSENT = "absent"  # a spurious prediction's outcome in a run that did not make it
GOOD = (CORRECT, ABSENT)


@dataclass(frozen=True)
class Change:
    change: str  # "fixed", "broke" or "changed" (wrong in both runs, in another way)
    doc_id: str
    label: str
    start: int
    end: int
    text: str
    before: str
    after: str

    def to_dict(self) -> dict:
        return dict(self.__dict__)


@dataclass
class Comparison:
    changes: list[Change]
    scores: dict[str, dict[str, float]]  # "baseline"/"new" -> scheme -> micro F1

    def counts(self) -> dict[str, dict[str, int]]:
        """Label -> change -> count, with a "total" row."""
        out = {label: {"fixed": 0, "broke": 0, "changed": 0} for label in (*LABEL_ORDER, "total")}
        for c in self.changes:
            out[c.label][c.change] += 1
            out["total"][c.change] += 1
        return out

    def to_dict(self) -> dict:
        return {"counts": self.counts(), "scores": self.scores, "changes": [c.to_dict() for c in self.changes]}


def _outcomes(alignments: dict[str, list[Alignment]]) -> dict[tuple, tuple[str, Mention]]:
    out: dict[tuple, tuple[str, Mention]] = {}
    for doc_id, items in alignments.items():
        for a in items:
            if a.match == "ignored":
                continue
            if a.gold is not None:
                kinds = "+".join(k.value for k in a.kinds) or CORRECT
                out[("gold", doc_id, a.gold.label, a.gold.start, a.gold.end)] = (kinds, a.gold)
            else:
                out[("pred", doc_id, a.pred.label, a.pred.start, a.pred.end)] = ("spurious", a.pred)
    return out


def compare(new: ErrorReport, baseline: ErrorReport, new_ev: Evaluation, base_ev: Evaluation) -> Comparison:
    """Both reports must come from the same gold (the CLI builds them from one read)."""
    after, before = _outcomes(new.alignments), _outcomes(baseline.alignments)
    changes = []
    for key in sorted(set(after) | set(before), key=lambda k: (k[1], k[3], k[4], k[2], k[0])):
        default = (CORRECT if key[0] == "gold" else ABSENT, None)
        b, m_b = before.get(key, default)
        a, m_a = after.get(key, default)
        if a == b:
            continue
        m = m_a or m_b
        change = "fixed" if a in GOOD else "broke" if b in GOOD else "changed"
        changes.append(Change(change, key[1], key[2], key[3], key[4], m.text, b, a))
    scores = {
        name: {scheme: round(by_label["micro"].f1, 4) for scheme, by_label in ev.counts.items()}
        for name, ev in (("baseline", base_ev), ("new", new_ev))
    }
    return Comparison(changes, scores)


def format_comparison(c: Comparison, baseline_name: str) -> str:
    lines = [f"compared with baseline {baseline_name}:", "",
             f"{'label':<8} {'fixed':>6} {'broke':>6} {'changed':>8}"]
    for label, n in c.counts().items():
        lines.append(f"{label:<8} {n['fixed']:>6} {n['broke']:>6} {n['changed']:>8}")
    lines.append("")
    for scheme in c.scores["new"]:
        b, a = c.scores["baseline"][scheme], c.scores["new"][scheme]
        lines.append(f"micro F1 {scheme:<8} {b:.3f} → {a:.3f} ({a - b:+.3f})")
    for change in ("fixed", "broke", "changed"):
        items = [x for x in c.changes if x.change == change]
        lines += ["", f"== {change} ({len(items)}) =="]
        lines += [f"{x.doc_id}  {x.label} {x.start}-{x.end} {show(x.text)!r}  {x.before} → {x.after}" for x in items]
    return "\n".join(lines)

