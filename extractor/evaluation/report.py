"""The evaluation as one self-contained HTML page (inline CSS and JS, nothing fetched).

Each gold document is shown twice, gold on the left and predictions on the right,
as the same pre-wrapped text in columns of equal width: marks change colours and
underlines only, never the glyphs' positions, so both views wrap into the same lines.
All text from documents and records goes through `esc`.

`marked_text`, `Mark`, `table` and `LABEL_CSS` are the rendering that other pages
share (the service's try-it page shows one record with them).
"""
from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Iterable, Mapping

from .errors import Alignment, ErrorReport, Kind, describe_fields, show
from .scoring import LABEL_ORDER, Evaluation
from ..records import Mention

__all__ = [
    "KINDS", "GROUPS_SHOWN", "esc", "render", "table", "Mark", "marked_text", "brief", "LABEL_CSS", "CSS",
    "JS"
]

KINDS = ("correct", *(k.value for k in Kind), "ignored")
GROUPS_SHOWN = 40


def esc(s: object) -> str:
    return escape(str(s), quote=True)


def render(ev: Evaluation, report: ErrorReport, texts: Mapping[str, str], title: str = "Evaluation report") -> str:
    docs = [_document(i, doc_id, items, texts.get(doc_id)) for i, (doc_id, items) in
            enumerate(report.alignments.items())]
    return "".join([
        "<!DOCTYPE html>\n<html lang=\"fr\"><head><meta charset=\"utf-8\">",
        # The page must work offline and never call out: forbid every fetch.
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
        "style-src 'unsafe-inline'; script-src 'unsafe-inline'\">",
        f"<meta name=\"viewport\" content=\"width=device-width\"><title>{esc(title)}</title>",
        f"<style>{CSS}</style></head><body>",
        f"<h1>{esc(title)}</h1>",
        _summary(ev, report),
        _controls(),
        "<main id=\"docs\">", *docs, "</main>",
        f"<script>{JS}</script></body></html>\n",
    ])


# --- tables ------------------------------------------------------------------------------

def table(headers: list[str], rows: list[list[object]], cls: str = "") -> str:
    """A table with every header and cell escaped."""
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{esc(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table class=\"{cls}\"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _summary(ev: Evaluation, report: ErrorReport) -> str:
    d = ev.documents
    parts = [f"<p>{d['gold']} gold documents, {d['predicted']} predicted, "
             f"{d['missing_predictions']} gold documents without prediction.</p>",
             "<section class=\"scores\"><div><h2>Scores</h2>"]
    rows = [[scheme, label, f"{c.precision:.3f}", f"{c.recall:.3f}", f"{c.f1:.3f}", c.tp, c.fp, c.fn]
            for scheme, by_label in ev.counts.items() for label, c in by_label.items()]
    parts.append(table(["mode", "label", "P", "R", "F1", "tp", "fp", "fn"], rows, "num"))
    q_rows = [[label, f"{ok / total:.3f}" if total else "n/a", ok, total] for label, (ok, total) in ev.qualifier.items()]
    parts.append("<h3>Qualifier accuracy (strict matches)</h3>")
    parts.append(table(["label", "accuracy", "correct", "total"], q_rows, "num"))
    o = ev.organizations
    parts.append(f"<p>Organizations, document level: P {o.precision:.3f} R {o.recall:.3f} F1 {o.f1:.3f} "
                 f"(tp {o.tp}, fp {o.fp}, fn {o.fn})</p></div><div><h2>Errors</h2>")
    counts = {k: len(v) for k, v in report.by_kind().items()}
    parts.append(table(["kind", "count"], [[k.value, n] for k, n in counts.items()], "num"))
    names = list(report.confusion)
    parts.append("<h3>Label confusion (rows gold, columns predicted)</h3>")
    parts.append(table(["gold \\ pred", *names], [[g, *report.confusion[g].values()] for g in names], "num"))
    parts.append("</div><div><h2>Most frequent errors</h2>")
    rows = [[g.count, g.kind.value, g.labels, show(g.surface)] for g in report.groups[:GROUPS_SHOWN]]
    parts.append(table(["count", "kind", "label", "surface"], rows, "groups"))
    if len(report.groups) > GROUPS_SHOWN:
        parts.append(f"<p>{len(report.groups) - GROUPS_SHOWN} more groups: see <code>--errors</code>.</p>")
    parts.append("</div></section>")
    return "".join(parts)


def _controls() -> str:
    labels = "".join(f"<label class=\"chip L-{lab}\"><input type=\"checkbox\" name=\"label\" value=\"{lab}\" checked>"
                     f"{lab}</label>" for lab in LABEL_ORDER)
    kinds = "".join(f"<label class=\"chip K-{k}\"><input type=\"checkbox\" name=\"kind\" value=\"{k}\" checked>"
                    f"{k}</label>" for k in KINDS)
    return ("<nav id=\"controls\"><span>labels</span>" + labels + "<span>marks</span>" + kinds +
            "<label><input type=\"checkbox\" id=\"only-errors\"> only documents with a shown error</label>"
            "<output id=\"shown\"></output></nav>")


# --- documents ----------------------------------------------------------------------------

def _document(index: int, doc_id: str, items: list[Alignment], text: str | None) -> str:
    gold, pred = [], []
    for n, a in enumerate(items):
        kinds = [k.value for k in a.kinds] or (["ignored"] if a.match == "ignored" else ["correct"])
        pair = f"p{index}-{n}"
        if a.gold is not None:
            gold.append((a.gold, kinds, pair, a.pred))
        if a.pred is not None:
            pred.append((a.pred, kinds, pair, a.gold))
    errors = sum(1 for a in items for _ in a.kinds)
    head = (f"<h2>{esc(doc_id)}</h2><p class=\"meta\">{len(gold)} gold, {len(pred)} predicted, "
            f"{errors} errors</p>")
    if text is None:
        head += "<p class=\"warn\">Source text not found: mentions are listed without their context.</p>"
    views = (f"<div class=\"view\"><h3>gold</h3>{_view(text, gold)}</div>"
             f"<div class=\"view\"><h3>predicted</h3>{_view(text, pred)}</div>")
    return f"<section class=\"doc\" id=\"doc-{index}\">{head}<div class=\"views\">{views}</div></section>"


@dataclass(frozen=True)
class Mark:
    """A mention to highlight, with what the page adds to its label: CSS classes,
    `data-*` attributes and tooltip lines."""
    mention: Mention
    classes: tuple[str, ...] = ()
    data: tuple[tuple[str, str], ...] = ()
    tip: tuple[str, ...] = ()


def _view(text: str | None, marks: list[tuple[Mention, list[str], str, Mention | None]]) -> str:
    return marked_text(text, [_error_mark(m, kinds, pair, other) for m, kinds, pair, other in marks])


def _error_mark(m: Mention, kinds: list[str], pair: str, other: Mention | None) -> Mark:
    tip = ["optional"] if m.optional else []
    tip.append(" + ".join(kinds))
    # The other side only tells something when the two differ.
    if other is not None and kinds != ["correct"]:
        tip.append(f"other side: {brief(other)}")
    err = ("err",) if set(kinds) - {"correct", "ignored"} else ()
    return Mark(m, err, (("kinds", " ".join(kinds)), ("pair", pair)), tuple(tip))


def marked_text(text: str | None, marks: Iterable[Mark]) -> str:
    """The text, escaped and pre-wrapped, with each mention in a `<mark>` coloured by
    label (LABEL_CSS); without the text, the mentions as a list."""
    marks = sorted(marks, key=lambda k: (k.mention.start, k.mention.end))
    if text is None:
        return "<ul class=\"list\">" + "".join(f"<li>{_mark(k, k.mention.text)}</li>" for k in marks) + "</ul>"
    out, pos = [], 0
    for k in marks:
        m = k.mention
        # Records never overlap; a prediction built by hand might: show it from where the last one ended.
        start = min(max(m.start, pos), len(text))
        end = min(max(m.end, start), len(text))
        out.append(esc(text[pos:start]))
        out.append(_mark(k, text[start:end], clipped=(start, end) != (m.start, m.end)))
        pos = end
    out.append(esc(text[pos:]))
    return f"<pre>{''.join(out)}</pre>"


def _mark(k: Mark, shown: str, clipped: bool = False) -> str:
    m = k.mention
    tip = [brief(m), *k.tip]
    if clipped:
        tip.append("overlaps another mention or leaves the text: shown clipped")
    classes = " ".join(("m", f"L-{m.label}", *k.classes))
    data = "".join(f" data-{name}=\"{esc(value)}\"" for name, value in (("label", m.label), *k.data))
    return f"<mark class=\"{esc(classes)}\"{data} title=\"{esc(' · '.join(tip))}\">{esc(shown)}</mark>"


def brief(m: Mention) -> str:
    """A mention on one line: label, offsets, text and normalized fields."""
    fields = describe_fields(m)
    return f"{m.label} {m.start}-{m.end} «{show(m.text)}»" + ("" if fields == "-" else f" {fields}")


# Marks and label colours: the part of the style that pages sharing `marked_text` need.
LABEL_CSS = """
pre{white-space:pre-wrap;overflow-wrap:anywhere;font:13px/1.6 monospace;margin:0;padding:.5em;border:1px solid #ddd;background:#fff}
mark{color:inherit;padding:0;border-radius:2px}
.L-ORG{background:#cfe0ff}.L-MONEY{background:#c9efc9}.L-DATE{background:#ffe2a8}.L-PERCENT{background:#f1cdf0}
""".strip()

CSS = """
body{font:14px/1.45 system-ui,sans-serif;margin:0 1.5em 3em;color:#222}
h1{font-size:1.4em}h2{font-size:1.15em;margin:.8em 0 .3em}h3{font-size:1em;margin:.6em 0 .2em}
table{border-collapse:collapse;margin:.3em 0}td,th{border:1px solid #ccc;padding:1px 6px}
table.num td{text-align:right}table.num td:first-child,table.num td:nth-child(2){text-align:left}
table.groups td:last-child{font-family:monospace}
.scores{display:flex;flex-wrap:wrap;gap:2em}
#controls{position:sticky;top:0;background:#fafafa;border-bottom:1px solid #ccc;padding:.4em 0;z-index:2;
 display:flex;flex-wrap:wrap;gap:.4em;align-items:center}
#controls span{font-weight:600;margin-left:.6em}#shown{margin-left:auto;font-weight:600}
.chip{border-radius:3px;padding:0 5px}
.views{display:grid;grid-template-columns:1fr 1fr;gap:1em}
.view{min-width:0}
.doc{border-top:2px solid #888;margin-top:1.5em}.doc.hidden{display:none}.meta{color:#555;margin:0}
.warn{color:#a40}
""" + LABEL_CSS + """
mark.err{text-decoration:underline wavy var(--k,#d00);text-decoration-thickness:2px;text-underline-offset:3px}
[data-kinds~=boundary],.K-boundary{--k:#e07000}[data-kinds~=label],.K-label{--k:#8a2be2}
[data-kinds~=value],[data-kinds~=qualifier],.K-value,.K-qualifier{--k:#0060d0}
mark[data-kinds~=ignored]{background:repeating-linear-gradient(45deg,#eee,#eee 3px,#fff 3px,#fff 6px)}
mark.off{background:none;text-decoration:none}
mark.hl{outline:2px solid #000}
.K-missed,.K-spurious,.K-boundary,.K-label,.K-value,.K-qualifier{box-shadow:inset 0 -3px var(--k,#d00)}
"""

JS = """
(function(){
  'use strict';
  var marks=Array.prototype.slice.call(document.querySelectorAll('mark.m'));
  var docs=Array.prototype.slice.call(document.querySelectorAll('section.doc'));
  var boxes=Array.prototype.slice.call(document.querySelectorAll('#controls input[type=checkbox][name]'));
  var only=document.getElementById('only-errors');
  var shown=document.getElementById('shown');
  function checked(name){
    var s={};
    boxes.forEach(function(b){if(b.name===name&&b.checked){s[b.value]=true;}});
    return s;
  }
  function apply(){
    var labels=checked('label'),kinds=checked('kind'),n=0;
    marks.forEach(function(m){
      var on=labels[m.dataset.label]&&m.dataset.kinds.split(' ').some(function(k){return kinds[k];});
      m.classList.toggle('off',!on);
      if(on){n++;}
    });
    docs.forEach(function(d){
      var keep=!only.checked||d.querySelector('mark.err:not(.off)')!==null;
      d.classList.toggle('hidden',!keep);
    });
    shown.textContent=n+' of '+marks.length+' marks shown';
    document.body.dataset.shown=String(n);
  }
  // Filters may come in the address: #labels=ORG,DATE&kinds=missed&only=1
  var params=new URLSearchParams(location.hash.slice(1));
  boxes.forEach(function(b){
    var want=params.get(b.name+'s');
    if(want!==null){b.checked=want.split(',').indexOf(b.value)>=0;}
  });
  if(params.get('only')==='1'){only.checked=true;}
  boxes.concat([only]).forEach(function(b){b.addEventListener('change',apply);});
  function pair(e,on){
    var p=e.target.closest&&e.target.closest('mark.m');
    if(!p){return;}
    document.querySelectorAll('mark[data-pair="'+p.dataset.pair+'"]').forEach(function(m){m.classList.toggle('hl',on);});
  }
  document.addEventListener('mouseover',function(e){pair(e,true);});
  document.addEventListener('mouseout',function(e){pair(e,false);});
  apply();
  document.body.dataset.marks=String(marks.length);
  document.body.dataset.ready='1';
})();
"""
