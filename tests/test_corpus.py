"""Example corpora for money and percentages, in the Duckling manner.

Each row of tests/corpus/{money,percent}.tsv is a sentence and every mention it
must yield (or `-` for none). Rows run through `detect_text` + `resolve_all`
directly: no spaCy model, so the whole table takes well under a second.
"""
from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

from extractor import money, percent
from extractor.candidates import DocContext

CORPUS = Path(__file__).resolve().parent / "corpus"
_ESCAPES = {r"\u00a0": "\u00a0", r"\u202f": "\u202f", r"\n": "\n"}
_MENTION = re.compile(r"(?P<span>.+?) = (?P<value>-?\d+(?:\.\d+)?)(?:\.\.(?P<high>-?\d+(?:\.\d+)?))?(?: (?P<currency>[A-Z]{3}))?(?: @(?P<qualifier>\w+))?")


def _unescape(text: str) -> str:
    for escaped, char in _ESCAPES.items():
        text = text.replace(escaped, char)
    return text


def _expected(cell: str) -> list[tuple]:
    if cell == "-":
        return []
    out = []
    for item in cell.split(" || "):
        m = _MENTION.fullmatch(_unescape(item))
        assert m, f"bad expected mention in corpus: {item!r}"
        high = m["high"] and Decimal(m["high"])
        out.append((m["span"], Decimal(m["value"]), high or None, m["currency"], m["qualifier"]))
    return out


def _rows(name: str):
    for lineno, line in enumerate((CORPUS / name).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        source, text, expected, country, reason = (line.split("\t") + [""] * 5)[:5]
        marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
        yield pytest.param(_unescape(text), expected, country or None, id=f"{name}:{lineno}:{source}", marks=marks)


def _run(module, text: str, country: str | None) -> list[tuple]:
    mentions = module.resolve_all(module.detect_text(text), DocContext(country=country))
    for m in mentions:
        assert text[m.start:m.end] == m.text
    return [
        (m.text, Decimal(m.value), Decimal(m.high) if m.high else None, m.currency, m.qualifier)
        for m in mentions
    ]


@pytest.mark.parametrize("text, expected, country", list(_rows("money.tsv")))
def test_money_corpus(text, expected, country):
    assert _run(money, text, country) == _expected(expected)


@pytest.mark.parametrize("text, expected, country", list(_rows("percent.tsv")))
def test_percent_corpus(text, expected, country):
    assert _run(percent, text, country) == _expected(expected)


@pytest.mark.parametrize("name, minimum", [("money.tsv", 150), ("percent.tsv", 80)])
def test_corpus_size_and_negative_share(name, minimum):
    rows = list(_rows(name))
    negatives = [r for r in rows if r.values[1] == "-"]
    assert len(rows) >= minimum
    assert len(negatives) * 3 >= len(rows)
