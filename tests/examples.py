"""The example corpora under tests/corpus/: one table format for every kind.

A row is `source <TAB> text <TAB> expected <TAB> country <TAB> xfail`; lines starting
with `#` are comments. `source` says where the sentence came from, `expected` lists
the mentions the kind's own test reads (`-` for none), `xfail` is a known failure's
reason, or `decision: reason` entries joined by ` || ` when only some ways of deciding
miss the row. Every table keeps at least a third of its rows negative.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

__all__ = ["CORPUS", "Example", "examples", "params", "unescape"]

CORPUS = Path(__file__).resolve().parent / "corpus"
_ESCAPES = {r"\u00a0": "\u00a0", r"\u202f": "\u202f", r"\n": "\n"}


def unescape(text: str) -> str:
    for escaped, char in _ESCAPES.items():
        text = text.replace(escaped, char)
    return text


@dataclass(frozen=True)
class Example:
    name: str
    lineno: int
    source: str
    text: str
    expected: str  # as written: the kind's test reads it
    country: str | None
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
        source, text, expected, country, xfail = (line.split("\t") + [""] * 5)[:5]
        out.append(Example(name, lineno, source, unescape(text), expected, country or None, xfail))
    return out


def params(name: str, decisions: tuple[str, ...] = ()) -> list:
    """pytest parameters (text, expected, country), once per decision when there are several."""
    out = []
    for ex in examples(name):
        for decision in decisions or (None,):
            why = ex.reason(decision)
            marks = [pytest.mark.xfail(strict=True, reason=why)] if why else []
            head = (decision,) if decision else ()
            where = f"{name}:{ex.lineno}:{ex.source}" + (f":{decision}" if decision else "")
            out.append(pytest.param(*head, ex.text, ex.expected, ex.country, id=where, marks=marks))
    return out
