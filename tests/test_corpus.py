"""Example corpora for money and percentages, in the Duckling manner.

Each row of tests/corpus/{money,percent}.tsv (format: tests/examples.py) is a sentence and every mention it
must yield (or `-` for none). Rows run through `detect_text` + `resolve_all`
directly: no spaCy model, so the whole table takes well under a second.
"""
from __future__ import annotations

import re
from decimal import Decimal

import pytest

from extractor import money, percent
from extractor.candidates import DocContext

from examples import examples, params, unescape

_MENTION = re.compile(r"(?P<span>.+?) = (?P<value>-?\d+(?:\.\d+)?)(?:\.\.(?P<high>-?\d+(?:\.\d+)?))?(?: (?P<currency>[A-Z]{3}))?(?: @(?P<qualifier>\w+))?")


def _expected(cell: str) -> list[tuple]:
    if cell == "-":
        return []
    out = []
    for item in cell.split(" || "):
        m = _MENTION.fullmatch(unescape(item))
        assert m, f"bad expected mention in corpus: {item!r}"
        high = m["high"] and Decimal(m["high"])
        out.append((m["span"], Decimal(m["value"]), high or None, m["currency"], m["qualifier"]))
    return out


def _run(module, text: str, country: str | None) -> list[tuple]:
    mentions = module.resolve_all(module.detect_text(text), DocContext(country=country))
    for m in mentions:
        assert text[m.start:m.end] == m.text
    return [
        (m.text, Decimal(m.value), Decimal(m.high) if m.high else None, m.currency, m.qualifier)
        for m in mentions
    ]


@pytest.mark.parametrize("text, expected, country", params("money.tsv"))
def test_money_corpus(text, expected, country):
    assert _run(money, text, country) == _expected(expected)


@pytest.mark.parametrize("text, expected, country", params("percent.tsv"))
def test_percent_corpus(text, expected, country):
    assert _run(percent, text, country) == _expected(expected)


@pytest.mark.parametrize("name, minimum", [("money.tsv", 150), ("percent.tsv", 80), ("orgs.tsv", 50)])
def test_corpus_size_and_negative_share(name, minimum):
    rows = examples(name)
    negatives = [r for r in rows if r.expected == "-"]
    assert len(rows) >= minimum
    assert len(negatives) * 3 >= len(rows)
