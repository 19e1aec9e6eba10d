"""The example corpora under tests/corpus/: one table format for every kind.

A row is `source <TAB> text <TAB> document_date <TAB> country <TAB> expected <TAB> xfail`;
lines starting with `#` are comments. `source` says where the sentence came from;
`document_date` (YYYY-MM-DD) and `country` (ISO 3166) are the context, empty when
unknown; `expected` lists every mention in order, joined by ` || ` (`-` for none), each
`span = value[..high] [ISO 4217 code] [@qualifier]` (`null` for a mention with no value;
organisations write the span alone); `xfail` is a known failure's reason, or
`decision: reason` entries joined by ` || ` when only some ways of deciding miss the
row (strict). `\u00a0`, `\u202f` and `\n` are escapes. Every table keeps at least a third
of its rows negative.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

__all__ = ["CORPUS", "Example", "examples", "params", "mentions", "unescape"]

CORPUS = Path(__file__).resolve().parent / "corpus"
_ESCAPES = {r"\u00a0": "\u00a0", r"\u202f": "\u202f", r"\n": "\n"}
_MENTION = re.compile(
    r"(?P<span>.+?)(?: = (?P<value>\S+?)(?:\.\.(?P<high>\S+))?(?: (?P<currency>[A-Z]{3}))?(?: @(?P<qualifier>\w+))?)?"
)


def unescape(text: str) -> str:
    for escaped, char in _ESCAPES.items():
        text = text.replace(escaped, char)
    return text


def mentions(cell: str) -> list[tuple[str, str | None, str | None, str | None, str | None]]:
    """(span, value, high, currency, qualifier) of each expected mention, as written."""
    if cell == "-":
        return []
    out = []
    for item in cell.split(" || "):
        m = _MENTION.fullmatch(unescape(item))
        assert m, f"bad expected mention in corpus: {item!r}"
        value = None if m["value"] == "null" else m["value"]
        out.append((m["span"], value, m["high"], m["currency"], m["qualifier"]))
    return out


@dataclass(frozen=True)
class Example:
    name: str
    lineno: int
    source: str
    text: str
    document_date: date | None
    country: str | None
    expected: str  # as written; `mentions` reads it
    xfail: str

    def reason(self, decision: str | None = None) -> str | None:
        """Why this row is a known failure (under `decision`, when the table names decisions)."""
        if not self.xfail:
            return None
        if decision is None:
            return self.xfail
        for entry in self.xfail.split(" || "):
            named, _, why = entry.partition(": ")
            if named == decision:
                return why
        return None


def examples(name: str) -> list[Example]:
    out = []
    for lineno, line in enumerate((CORPUS / name).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        source, text, day, country, expected, xfail = (line.split("\t") + [""] * 6)[:6]
        day = date.fromisoformat(day) if day else None
        out.append(Example(name, lineno, source, unescape(text), day, country or None, expected, xfail))
    return out


def params(name: str, decisions: tuple[str, ...] = ()) -> list:
    """pytest parameters (text, document_date, country, expected), once per decision when there are several."""
    out = []
    for ex in examples(name):
        for decision in decisions or (None,):
            why = ex.reason(decision)
            marks = [pytest.mark.xfail(strict=True, reason=why)] if why else []
            head = (decision,) if decision else ()
            where = f"{name}:{ex.lineno}:{ex.source}" + (f":{decision}" if decision else "")
            out.append(pytest.param(*head, ex.text, ex.document_date, ex.country, ex.expected, id=where, marks=marks))
    return out
