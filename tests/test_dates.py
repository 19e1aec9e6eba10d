"""DATE detection and resolution: the example corpus, the seed, document date, linear time."""
from __future__ import annotations

import time
from datetime import date
from pathlib import Path

import pytest

from extractor.candidates import DocContext
from extractor.dates import detect_text, infer_date_order, infer_document_date, resolve_all

CORPUS = Path(__file__).parent / "corpus" / "dates.tsv"


def _load_corpus():
    cases = []
    for lineno, line in enumerate(CORPUS.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        group, text, ddate, expected = fields[:4]
        reason = fields[4] if len(fields) > 4 else ""
        mentions = []
        if expected.strip() != "-":
            for item in expected.split(" ;; "):
                span, value, high, qual = (item.split("|") + ["", "", "", ""])[:4]
                mentions.append((span, value or None, high or None, qual or None))
        marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
        cases.append(pytest.param(text.replace("\\n", "\n"), ddate, mentions, id=f"{group}:{lineno}", marks=marks))
    return cases


CASES = _load_corpus()


def _run(text: str, ddate: str):
    cands = detect_text(text)
    ctx = DocContext(document_date=None if ddate == "-" else date.fromisoformat(ddate), date_order=infer_date_order(cands))
    return [(m.text, m.value, m.high, m.qualifier) for m in resolve_all(cands, ctx)]


@pytest.mark.parametrize("text, ddate, expected", CASES)
def test_corpus(text, ddate, expected):
    assert _run(text, ddate) == expected


def test_corpus_size_and_balance():
    negatives = sum(1 for c in CASES if not c.values[2])
    assert len(CASES) >= 200
    assert negatives * 3 >= len(CASES)


def test_spans_are_exact_and_free_of_prepositions():
    text = "Depuis le 1er janvier 2024 et d'ici 2030, puis dès le mois prochain."
    for c in detect_text(text):
        assert text[c.start:c.end] == c.text
        assert not c.text.lower().startswith(("depuis", "d'ici", "dès", "le ", "la ", "l'"))


# ------------------------------------------------------------ document date and order


def test_document_date_from_dateline():
    text = "COMMUNIQUÉ DE PRESSE\n\nToulouse, le 14 février 2025 –\n\nLe 3 mars 2024, la Région avait voté."
    assert infer_document_date(text, detect_text(text)) == date(2025, 2, 14)


def test_document_date_from_month_first_header_with_weekday_evidence():
    text = "06/12/2025 | Press release\nJeudi 12 juin - La Région annonce"
    cands = detect_text(text)
    assert infer_date_order(cands) == "MDY"
    assert infer_document_date(text, cands) == date(2025, 6, 12)


def test_day_first_stays_default_and_unambiguous_dates_vote():
    assert infer_date_order(detect_text("Publié le 06/12/2025.")) == "DMY"
    assert infer_date_order(detect_text("Published 04/25/2024, updated 05/02/2024.")) == "MDY"


def test_document_date_from_weekday_alone():
    text = "Réuni lundi 27 janvier, le conseil a voté le budget 2025, inédit depuis 2014."
    assert infer_document_date(text, detect_text(text)) == date(2025, 1, 27)


def test_no_document_date_without_evidence():
    text = "La société a été fondée en 2019 et recrute."
    assert infer_document_date(text, detect_text(text)) is None


# ------------------------------------------------------------ linear time


@pytest.mark.parametrize("unit", ["1", "1/", "12/06/", "2025 ", " ", "12 juin ", "1er ", "de 2019 à "])
def test_linear_time_on_hostile_input(unit):
    def cost(n: int) -> float:
        text = unit * (n // len(unit))
        best = float("inf")
        for _ in range(2):
            t0 = time.perf_counter()
            detect_text(text)
            best = min(best, time.perf_counter() - t0)
        return best

    small, large = cost(20_000), cost(160_000)
    # 8x the input: linear is ~8x; quadratic would be ~64x. Allow noise.
    assert large / max(small, 1e-4) < 20, (unit, small, large)


# ------------------------------------------------------------ through the pipeline


def test_seed_dates_through_pipeline(seed_record, seed_gold):
    def key(m):
        return (m.start, m.end, m.value, m.high, m.qualifier)

    got = sorted(key(m) for m in seed_record.mentions if m.label == "DATE")
    want = sorted(key(m) for m in seed_gold.mentions if m.label == "DATE" and not m.optional)
    assert got == want
    assert seed_record.document_date == "2025-06-12"
