"""DATE detection and resolution: the example corpus, the seed, document date, linear time."""
from __future__ import annotations

import time
from datetime import date

import pytest

from extractor.candidates import DocContext
from extractor.dates import detect_text, infer_date_order, infer_document_date, resolve_all

from examples import mentions, params

CASES = params("dates.tsv")


def _run(text: str, document_date: date | None):
    cands = detect_text(text)
    ctx = DocContext(document_date=document_date, date_order=infer_date_order(cands))
    return [(m.text, m.value, m.high, m.qualifier) for m in resolve_all(cands, ctx)]


@pytest.mark.parametrize("text, document_date, country, expected", CASES)
def test_corpus(text, document_date, country, expected):
    want = [(span, value, high, qualifier) for span, value, high, _, qualifier in mentions(expected)]
    assert _run(text, document_date) == want


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


# ------------------------------------------------------------ the lexicon and the country


@pytest.mark.parametrize("country, value", [(None, "2025-07-14"), ("FR", "2025-07-14"), ("CH", "2025-08-01"), ("CA", "2025-06-24")])
def test_national_day_is_the_country_s(country, value):
    text = "Le défilé aura lieu pour la fête nationale."
    ctx = DocContext(document_date=date(2025, 6, 12), country=country)
    assert [(m.text, m.value) for m in resolve_all(detect_text(text), ctx)] == [("fête nationale", value)]


def test_easter_is_computed_for_the_year():
    text = "Pâques 1999, Pâques 2019, Pâques 2038 et le lundi de Pâques 2024."
    ms = resolve_all(detect_text(text), DocContext(document_date=date(2025, 6, 12)))
    assert [m.value for m in ms] == ["1999-04-04", "2019-04-21", "2038-04-25", "2024-04-01"]


# ------------------------------------------------------------ no crash, by construction
# Texts built from the grammar of dates: every form the detector knows, alone, in
# ranges and lists whose ends are written differently, with and without an issue
# date. Resolution must never raise, and what it returns must be a valid record.

from hypothesis import HealthCheck, example, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from extractor.records import DATE_VALUE  # noqa: E402

_days = st.one_of(st.integers(0, 40).map(str), st.sampled_from(["1er", "premier", "1ᵉʳ", "31", "29", "30"]))
_months = st.sampled_from(["janvier", "février", "mars", "août", "décembre", "févr.", "sept.", "juil", "May", "October", "Oct."])
_years = st.one_of(st.integers(1890, 2110).map(str), st.integers(0, 99).map(lambda n: f"{n:02d}"))
_times = st.sampled_from(["", " à 14h30", " 09:00", " 14:05:47", " - 16:40", " à midi", " de 10h à 17h", ", 7h30"])
_weekdays = st.sampled_from(["", "lundi ", "Jeudi ", "samedi ", "Monday, "])
_numeric = st.tuples(st.integers(0, 40), st.sampled_from(["/", ".", "-", " "]), st.integers(0, 13), _years).map(
    lambda t: f"{t[0]:02d}{t[1]}{t[2]:02d}{t[1]}{t[3]}")
_other_numeric = st.one_of(
    st.tuples(_years, st.integers(0, 13), st.integers(0, 32)).map(lambda t: f"{t[0]}-{t[1]:02d}-{t[2]:02d}"),
    st.tuples(st.integers(0, 40), st.integers(0, 13)).map(lambda t: f"le {t[0]}/{t[1]:02d}"),
    st.tuples(st.integers(0, 40), _months, _years).map(lambda t: f"{t[0]}/{t[1].rstrip('.')}/{t[2]}"),
    st.tuples(_years, st.integers(0, 40), _months).map(lambda t: f"{t[0]}/{t[1]}/{t[2].rstrip('.')}"),
    st.tuples(_years, st.integers(0, 14)).map(lambda t: f"{t[0]}-{t[1]}"),
    st.tuples(st.integers(0, 14), _years).map(lambda t: f"{t[0]:02d}/{t[1]}"),
)
_worded = st.tuples(_weekdays, _days, _months, st.sampled_from(["", " ", " de "]), _years, _times).map(
    lambda t: f"{t[0]}{t[1]} {t[2]}{t[3] + t[4] if t[3] else ''}{t[5]}")
_english = st.tuples(_weekdays, _months, _days, _years).map(lambda t: f"{t[0]}{t[1]} {t[2]}, {t[3]}")
_periods = st.tuples(
    st.sampled_from(["T", "Q", "S", "H", "1er trimestre ", "second semestre ", "9M ", "neuf premiers mois de ", "printemps ", "hiver "]),
    st.sampled_from(["", "1", "2", "3", "4", "5"]), st.sampled_from(["", " ", "-"]), st.sampled_from(["", "2024", "2019", "1999"]),
).map("".join)
_relative = st.sampled_from([
    "hier", "demain", "le lendemain", "la veille", "l'an dernier", "l'an passé", "l'année précédente", "mardi prochain",
    "jeudi suivant", "jeudi en huit", "jeudi de la semaine prochaine", "dans deux semaines", "il y a six mois",
    "le trimestre précédent", "le mois suivant", "la semaine du 3 mars", "le 5", "le 21 à 10h", "juin dernier",
    "2 décembre prochain", "aujourd'hui à 9h", "Noël", "la Toussaint", "le jour de l'an", "Pâques", "l'Ascension 2030",
    "la fête nationale", "seconde quinzaine de mars", "5e jour de mai", "années 2010", "deux mille vingt-quatre",
])
_single = st.one_of(_numeric, _other_numeric, _worded, _english, _periods, _relative, _years, st.integers(0, 40).map(str))
_openers = st.sampled_from(["", "du ", "de ", "d'", "entre ", "entre le ", "depuis ", "d'ici ", "le ", "les ", "dès le ", "jusqu'au "])
_joins = st.sampled_from([" au ", " à ", " et ", " et le ", "-", " – ", ", ", " ou ", " à l'"])
_mixed = st.tuples(_openers, _single, _joins, _single).map("".join)
_fillers = st.sampled_from([" ", ", ", ". ", "\n", "\n\n", " ; ", " a eu lieu ", " aura lieu ", " en "])
_texts = st.lists(st.tuples(st.one_of(_mixed, _single), _fillers), min_size=1, max_size=8).map(
    lambda parts: "".join(a + b for a, b in parts))
_doc_dates = st.one_of(st.none(), st.dates(date(1990, 1, 1), date(2035, 12, 31)))


def _first_day(value: str) -> date:
    """The first day an ISO value at any precision of the contract covers."""
    year, _, rest = value.partition("-")
    starts = {"Q1": 1, "Q2": 4, "Q3": 7, "Q4": 10, "H1": 1, "H2": 7, "SP": 3, "SU": 6, "FA": 9, "WI": 12}
    if not rest:
        return date(int(year), 1, 1)
    if rest[:2] in starts:
        return date(int(year), starts[rest[:2]], 1)
    return date.fromisoformat(f"{year}-{rest[:5]}-01" if len(rest) == 2 else f"{year}-{rest[:5]}")


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=_texts, doc_date=_doc_dates, order=st.sampled_from(["DMY", "MDY"]),
       country=st.sampled_from([None, "FR", "CA", "CH", "US"]))
# Found by this test: a second half-month starts on the 16th, so a day after the dash
# that borrows its month must fall after it (it ran backwards to the 6th).
@example(text="jusqu'au seconde quinzaine de mars – 6\n", doc_date=date(1999, 1, 5), order="DMY", country=None)
def test_dates_ranges_and_mixed_forms_never_crash(text, doc_date, order, country):
    candidates = detect_text(text)
    mentions = resolve_all(candidates, DocContext(document_date=doc_date, date_order=order, country=country))
    assert len(mentions) == len(candidates)
    previous_end = 0
    for m in mentions:
        assert text[m.start:m.end] == m.text and m.start >= previous_end
        previous_end = m.end
        for value in (m.value, m.high):
            assert value is None or DATE_VALUE.fullmatch(value), (m.text, value)
        if m.high is not None:
            assert m.value is not None and _first_day(m.high) >= _first_day(m.value), (m.text, m.value, m.high)


# The ends of a range, each well formed, in every way the detector reads them.
_ends = st.one_of(
    st.tuples(st.integers(1, 28), st.integers(1, 12), st.integers(1990, 2030)).map(lambda t: f"{t[0]:02d}/{t[1]:02d}/{t[2]}"),
    st.tuples(st.integers(1, 28), st.integers(1, 12), st.integers(1990, 2030)).map(lambda t: f"{t[2]}-{t[1]:02d}-{t[0]:02d}"),
    st.tuples(st.integers(1, 28), _months, st.sampled_from(["", " 2016", " 2025", " 97"])).map(lambda t: f"{t[0]} {t[1]}{t[2]}"),
    st.tuples(_weekdays, st.integers(1, 28), _months).map(lambda t: f"{t[0]}{t[1]} {t[2]}"),
    st.tuples(_months, st.sampled_from(["", " 2019", " 2024"])).map("".join),
    st.tuples(st.integers(1, 12), st.integers(1990, 2030)).map(lambda t: f"{t[0]:02d}/{t[1]}"),
    st.integers(1, 31).map(str),
    st.integers(1990, 2030).map(str),
    st.sampled_from(["T1 2024", "S2 2023", "2019 H2", "9M 2023", "premier trimestre", "printemps 2026", "l'été 2027",
                     "Noël", "Pâques 2021", "hier", "lundi", "la semaine prochaine", "mardi 3 juin à 10h", "22/01"]),
)


@settings(max_examples=300, deadline=None)
@given(opener=st.sampled_from(["du ", "de ", "d'", "entre ", "entre le ", "les ", ""]),
       low=_ends, join=st.sampled_from([" au ", " à ", " et ", " et le ", "-", " – ", ", ", " ou "]), high=_ends,
       doc_date=_doc_dates)
def test_ranges_and_lists_whose_ends_are_written_differently_never_crash(opener, low, join, high, doc_date):
    text = f"L'exposition se tient {opener}{low}{join}{high}."
    for m in resolve_all(detect_text(text), DocContext(document_date=doc_date)):
        assert text[m.start:m.end] == m.text
        if m.high is not None:
            assert m.value is not None and _first_day(m.high) >= _first_day(m.value), (m.text, m.value, m.high)


@settings(max_examples=200, deadline=None)
@given(text=_texts)
def test_document_date_and_order_inference_never_crash(text):
    candidates = detect_text(text)
    order = infer_date_order(candidates)
    assert order in ("DMY", "MDY")
    found = infer_document_date(text, candidates)
    assert found is None or isinstance(found, date)
