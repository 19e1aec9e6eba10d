"""Error analysis: which mentions went wrong, and how (docs/annotation.md, section 7).

`align` pairs the gold and predicted mentions of one document in the same order of
preference the scores use, so the error list reconciles with the counts:
  strict fn = missed + boundary + label (gold side), strict fp = spurious + boundary
  + label (prediction side), boundary = partial tp - strict tp,
  value errors = strict tp - value tp, qualifier errors = strict tp - qualifier correct.
`analyse` turns alignments into typed errors with context, a confusion table and
groups by surface form; the CLI and the HTML report only present this data.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Iterable, Mapping

from .scoring import LABEL_ORDER, _overlap, same_value, strict_pairs
from ..records import Mention, Record

__all__ = [
    "CONTEXT", "NONE", "Kind", "KIND_HELP", "Alignment", "MentionError", "Group", "ErrorReport", "align",
    "analyse", "group", "show", "describe_fields", "format_errors", "source_texts"
]

CONTEXT = 40
NONE = "none"  # the confusion table's row/column for "no mention on this side"


class Kind(str, Enum):
    MISSED = "missed"
    SPURIOUS = "spurious"
    BOUNDARY = "boundary"
    LABEL = "label"
    VALUE = "value"
    QUALIFIER = "qualifier"


KIND_HELP = {
    Kind.MISSED: "gold mention with no overlapping prediction",
    Kind.SPURIOUS: "prediction with no overlapping gold mention",
    Kind.BOUNDARY: "same label, overlapping but not equal span",
    Kind.LABEL: "same or overlapping span, other label",
    Kind.VALUE: "same span and label, other value/high/currency",
    Kind.QUALIFIER: "same span and label, other qualifier",
}


@dataclass(frozen=True)
class Alignment:
    """One gold mention and/or one prediction, and how they relate.

    `match` is "exact", "boundary", "label", "missed", "spurious" or "ignored"
    (an optional gold mention, or a prediction overlapping one: not scored).
    """

    doc_id: str
    match: str
    gold: Mention | None = None
    pred: Mention | None = None

    @property
    def kinds(self) -> tuple[Kind, ...]:
        if self.match == "exact":
            out = []
            if not same_value(self.gold, self.pred):
                out.append(Kind.VALUE)
            if self.gold.qualifier != self.pred.qualifier:
                out.append(Kind.QUALIFIER)
            return tuple(out)
        if self.match == "ignored":
            return ()
        return (Kind(self.match),)


@dataclass(frozen=True)
class MentionError:
    kind: Kind
    doc_id: str
    gold: Mention | None
    pred: Mention | None
    left: str | None = None  # up to CONTEXT characters before the span, None without the text
    right: str | None = None
    middle: str | None = None  # the source text from `start` to `end`

    @property
    def label(self) -> str:
        return (self.gold or self.pred).label

    @property
    def start(self) -> int:
        return min(m.start for m in (self.gold, self.pred) if m is not None)

    @property
    def end(self) -> int:
        return max(m.end for m in (self.gold, self.pred) if m is not None)

    @property
    def surface(self) -> str:
        """What the error is grouped under: the text, or gold → prediction when they differ."""
        g, p = self.gold, self.pred
        if g is not None and p is not None and g.text != p.text:
            return f"{g.text} → {p.text}"
        return (g or p).text

    @property
    def labels(self) -> str:
        if self.kind is Kind.LABEL:
            return f"{self.gold.label}→{self.pred.label}"
        return self.label

    def to_dict(self) -> dict:
        return {
            "kind": self.kind.value, "doc_id": self.doc_id, "label": self.label, "start": self.start, "end": self.end,
            "gold": None if self.gold is None else _mention_dict(self.gold),
            "pred": None if self.pred is None else _mention_dict(self.pred),
            "left": self.left, "middle": self.middle, "right": self.right,
        }


@dataclass(frozen=True)
class Group:
    kind: Kind
    labels: str
    surface: str
    count: int

    def to_dict(self) -> dict:
        return {"kind": self.kind.value, "labels": self.labels, "surface": self.surface, "count": self.count}


@dataclass
class ErrorReport:
    errors: list[MentionError]
    alignments: dict[str, list[Alignment]]  # doc_id -> alignments, gold documents only
    confusion: dict[str, dict[str, int]]  # gold label (or none) -> predicted label (or none) -> count
    groups: list[Group] = field(default_factory=list)

    def by_kind(self) -> dict[Kind, list[MentionError]]:
        out: dict[Kind, list[MentionError]] = {k: [] for k in Kind}
        for e in self.errors:
            out[e.kind].append(e)
        return out

    def to_dict(self) -> dict:
        return {
            "counts": {k.value: len(v) for k, v in self.by_kind().items()},
            "confusion": self.confusion,
            "groups": [g.to_dict() for g in self.groups],
            "items": [e.to_dict() for e in self.errors],
        }


def _mention_dict(m: Mention) -> dict:
    return {"label": m.label, **m.to_dict()}


# --- alignment -------------------------------------------------------------------

def align(doc_id: str, gold: list[Mention], pred: list[Mention]) -> list[Alignment]:
    """Pair one document's gold and predicted mentions (all labels), in text order."""
    out: list[Alignment] = []
    kept_gold: list[Mention] = []
    kept_pred: list[Mention] = []
    for label in LABEL_ORDER:
        g_all = [m for m in gold if m.label == label]
        optional = [m for m in g_all if m.optional]
        out += [Alignment(doc_id, "ignored", gold=m) for m in optional]
        for p in (m for m in pred if m.label == label):
            if any(_overlap(o, p) for o in optional):
                out.append(Alignment(doc_id, "ignored", pred=p))
            else:
                kept_pred.append(p)
        kept_gold += [m for m in g_all if not m.optional]

    used: set[int] = set()

    def take(g: Mention, p: Mention, match: str) -> None:
        used.update((id(g), id(p)))
        out.append(Alignment(doc_id, match, g, p))

    # Same label first (strict, then overlap, exactly as Strict and Partial count),
    # so that a label error never steals a gold mention the partial score matched.
    for label in LABEL_ORDER:
        g_l = [m for m in kept_gold if m.label == label]
        p_l = [m for m in kept_pred if m.label == label]
        for g, p in strict_pairs(g_l, p_l):
            take(g, p, "exact")
        for p in p_l:
            if id(p) in used:
                continue
            g = next((g for g in g_l if id(g) not in used and _overlap(g, p)), None)
            if g is not None:
                take(g, p, "boundary")
    for same_span in (True, False):
        for p in kept_pred:
            if id(p) in used:
                continue
            g = next((g for g in kept_gold if id(g) not in used and _overlap(g, p)
                      and (not same_span or (g.start, g.end) == (p.start, p.end))), None)
            if g is not None:
                take(g, p, "label")
    out += [Alignment(doc_id, "missed", gold=g) for g in kept_gold if id(g) not in used]
    out += [Alignment(doc_id, "spurious", pred=p) for p in kept_pred if id(p) not in used]
    out.sort(key=_position)
    return out


def _position(a: Alignment) -> tuple[int, int]:
    spans = [m for m in (a.gold, a.pred) if m is not None]
    return min(m.start for m in spans), max(m.end for m in spans)


# --- analysis ----------------------------------------------------------------------

def analyse(gold: Iterable[Record], pred: Iterable[Record], texts: Mapping[str, str] | None = None) -> ErrorReport:
    """Every error of the predictions against the gold, with context where the text is known.

    Documents without a prediction count as empty predictions (all missed), as in
    `evaluate`; predictions for documents without gold are not errors of the gold.
    """
    texts = texts or {}
    pred_by_id = {r.doc_id: r for r in pred}
    alignments: dict[str, list[Alignment]] = {}
    errors: list[MentionError] = []
    names = [*LABEL_ORDER, NONE]
    confusion = {g: {p: 0 for p in names} for g in names}
    for g_rec in gold:
        p_rec = pred_by_id.get(g_rec.doc_id) or Record(g_rec.doc_id, None, [])
        doc_alignments = align(g_rec.doc_id, g_rec.mentions, p_rec.mentions)
        alignments[g_rec.doc_id] = doc_alignments
        text = texts.get(g_rec.doc_id)
        for a in doc_alignments:
            if a.match == "ignored":
                continue
            confusion[a.gold.label if a.gold else NONE][a.pred.label if a.pred else NONE] += 1
            for kind in a.kinds:
                errors.append(_with_context(MentionError(kind, a.doc_id, a.gold, a.pred), text))
    return ErrorReport(errors, alignments, confusion, group(errors))


def _with_context(e: MentionError, text: str | None) -> MentionError:
    if text is None:
        return e
    start, end = e.start, e.end
    return MentionError(e.kind, e.doc_id, e.gold, e.pred,
                        text[max(0, start - CONTEXT):start], text[end:end + CONTEXT], text[start:end])


def group(errors: Iterable[MentionError]) -> list[Group]:
    """Errors counted by kind, label(s) and surface form; the most frequent first.

    >>> m = Mention("ORG", "Vélantis", 0, 8)
    >>> [g.count for g in group([MentionError(Kind.MISSED, "a", m, None)] * 2)]
    [2]
    """
    counts = Counter((e.kind, e.labels, e.surface) for e in errors)
    kind_order = {k: i for i, k in enumerate(Kind)}
    ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kind_order[kv[0][0]], kv[0][1], kv[0][2]))
    return [Group(kind, labels, surface, n) for (kind, labels, surface), n in ordered]


# --- text ----------------------------------------------------------------------------

def show(text: str) -> str:
    """Text on one line: line breaks and tabs made visible.

    >>> show("a\\r\\nb\\tc")
    'a⏎b→c'
    """
    return text.replace("\r\n", "⏎").replace("\n", "⏎").replace("\r", "⏎").replace("\t", "→")


def describe_fields(m: Mention) -> str:
    """The normalized fields of a mention, as key=value words."""
    parts = [f"{k}={getattr(m, k)}" for k in ("value", "high", "currency", "qualifier")
             if getattr(m, k) is not None]
    return " ".join(parts) or "-"


def format_errors(report: ErrorReport) -> str:
    counts = {k: len(v) for k, v in report.by_kind().items()}
    lines = [f"errors: {len(report.errors)} (" + ", ".join(f"{k.value} {n}" for k, n in counts.items()) + ")"]
    lines += ["", "label confusion (rows gold, columns predicted; none = no mention):"]
    names = list(report.confusion)
    lines.append(f"{'':<8}" + "".join(f"{n:>8}" for n in names))
    for g in names:
        lines.append(f"{g:<8}" + "".join(f"{report.confusion[g][p]:>8}" for p in names))
    lines += ["", "errors by surface form (most frequent first):", f"{'count':>5}  {'kind':<9} {'label':<14} surface"]
    for grp in report.groups:
        lines.append(f"{grp.count:>5}  {grp.kind.value:<9} {grp.labels:<14} {show(grp.surface)}")
    for kind, errs in report.by_kind().items():
        lines += ["", f"== {kind.value} ({len(errs)}): {KIND_HELP[kind]} =="]
        lines += [_error_line(e) for e in errs]
    return "\n".join(lines)


def _error_line(e: MentionError) -> str:
    def side(tag: str, m: Mention | None) -> str:
        if m is None:
            return ""
        fields = f" [{describe_fields(m)}]" if e.kind in (Kind.VALUE, Kind.QUALIFIER) else ""
        return f"{tag} {m.label} {m.start}-{m.end} {show(m.text)!r}{fields}"

    sides = "  |  ".join(s for s in (side("gold", e.gold), side("pred", e.pred)) if s)
    line = f"{e.doc_id}  {sides}"
    if e.left is not None:
        line += f"\n      …{show(e.left)}⟦{show(e.middle)}⟧{show(e.right)}…"
    return line


# --- source texts --------------------------------------------------------------------

def source_texts(gold: str | Path, texts: str | Path | None, doc_ids: Iterable[str]) -> dict[str, str]:
    """Texts of the gold documents, for context: the `texts` folder, or press_releases/
    beside a gold folder (as read_records finds it); none when neither exists."""
    from ..records import RecordError, file_stem
    from ..textio import read_text

    if texts is not None:
        folder = Path(texts)
        if not folder.is_dir():
            raise RecordError(f"{folder}: no such folder (--texts takes a folder of DOC_ID.txt)")
    else:
        folder = Path(gold).parent / "press_releases"
        if not (Path(gold).is_dir() and folder.is_dir()):
            return {}
    out = {}
    for doc_id in doc_ids:
        # The same guard as for a file written from a doc_id: nothing outside the folder.
        f = folder / f"{file_stem(doc_id, 'gold')}.txt"
        if f.exists():
            out[doc_id] = read_text(f).text
    return out
