"""Example corpora for money and percentages, in the Duckling manner.

Each row of tests/corpus/{money,percent}.tsv (format: tests/examples.py) is a sentence and every mention it
must yield (or `-` for none). Rows run through `detect_text` + `resolve_all`
directly: no spaCy model, so the whole table takes well under a second.
"""
from __future__ import annotations

from decimal import Decimal

import pytest

from extractor import money, percent
from extractor.candidates import DocContext

from examples import examples, mentions, params


def _expected(cell: str) -> list[tuple]:
    return [(span, Decimal(value), high and Decimal(high), currency, qualifier)
            for span, value, high, currency, qualifier in mentions(cell)]


def _run(module, text: str, country: str | None) -> list[tuple]:
    found = module.resolve_all(module.detect_text(text), DocContext(country=country))
    for m in found:
        assert text[m.start:m.end] == m.text
    return [
        (m.text, Decimal(m.value), Decimal(m.high) if m.high else None, m.currency, m.qualifier)
        for m in found
    ]


@pytest.mark.parametrize("text, document_date, country, expected", params("money.tsv"))
def test_money_corpus(text, document_date, country, expected):
    assert _run(money, text, country) == _expected(expected)


@pytest.mark.parametrize("text, document_date, country, expected", params("percent.tsv"))
def test_percent_corpus(text, document_date, country, expected):
    assert _run(percent, text, country) == _expected(expected)


@pytest.mark.parametrize("name, minimum", [("money.tsv", 150), ("percent.tsv", 80), ("orgs.tsv", 50), ("dates.tsv", 200)])
def test_corpus_size_and_negative_share(name, minimum):
    rows = examples(name)
    negatives = [r for r in rows if r.expected == "-"]
    assert len(rows) >= minimum
    assert len(negatives) * 3 >= len(rows)
