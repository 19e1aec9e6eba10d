"""Money beyond the example table: document context, purity, data checks, pipeline."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
import spacy

from extractor import currencies, money, percent
from extractor.candidates import Candidate, DocContext
from extractor.context import detect_country
from extractor.lexicon import LexiconError

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SEED_ID = "000_96300efdaabbe5f0"


def _resolve(text: str, country: str | None = None):
    return [(m.text, m.value, m.currency) for m in money.resolve_all(money.detect_text(text), DocContext(country=country))]


def test_bare_dollar_is_the_dollar_of_the_country():
    assert _resolve("un contrat de 18 M$", "CA") == [("18 M$", "18000000", "CAD")]
    assert _resolve("un contrat de 18 M$") == [("18 M$", "18000000", "USD")]


def test_a_text_naming_one_dollar_lends_it_to_its_bare_dollars():
    text = "5 millions de dollars canadiens, dont 3 M$ en 2025"
    assert [c for _, _, c in _resolve(text)] == ["CAD", "CAD"]


def test_a_named_dollar_does_not_override_the_country():
    text = "US$ 2 millions et 3 M$"
    assert [c for _, _, c in _resolve(text, "CA")] == ["USD", "CAD"]


def test_francs_and_centimes_in_a_swiss_text():
    assert _resolve("100 000 francs et 50 centimes", "CH") == [
        ("100 000 francs", "100000", "CHF"), ("50 centimes", "0.5", "CHF"),
    ]
    assert _resolve("50 centimes") == [("50 centimes", "0.5", "EUR")]


def test_resolution_uses_only_the_candidate_parts():
    # The candidate text is deliberately not the amount: resolution must not read it.
    cand = Candidate("MONEY", 0, 8, "whatever", {"number": "5,25", "scale": "M", "currency": "€"}, cue="près de")
    (m,) = money.resolve_all([cand], DocContext())
    assert (m.value, m.currency, m.qualifier) == ("5250000", "EUR", "approx")


def test_candidates_record_parts_and_cue():
    (cand,) = money.detect_text("un total de près de 1,2 milliard de dollars")
    assert cand.parts == {"number": "1,2", "scale": "milliard", "currency": "dollars"}
    assert cand.cue == "près de"


@pytest.mark.parametrize(
    "text, country",
    [
        ("MONTRÉAL, le 3 mai 2025 - La québécoise Borealis lève 18 M$ au Québec.", "CA"),
        ("Lausanne, 4 juin - La start-up vaudoise lève CHF 12 millions à Genève.", "CH"),
        ("Paris, le 12 juin - La start-up francilienne lève 5 M€ auprès d'un fonds du Canada.", "FR"),
        ("Une annonce sans lieu.", None),
    ],
)
def test_detect_country(text, country):
    assert detect_country(text) == country


def test_currency_data_is_checked_against_iso_codes():
    with pytest.raises(LexiconError):
        currencies._unit({"iso": "EURO"})
    with pytest.raises(LexiconError):
        currencies._unit({"iso": "GBP", "divisor": "zero"})


def test_price_parser_adds_unambiguous_symbols_only():
    extra = currencies._price_parser_symbols()
    assert extra["₹"] == "INR"
    assert "$" not in extra and "£" not in extra  # shared by several currencies


@pytest.mark.parametrize("factory, key, module", [("press_money", "money", money), ("press_percent", "percent", percent)])
def test_factories_store_candidates(factory, key, module):
    nlp = spacy.blank("fr")
    nlp.add_pipe(factory)
    doc = nlp("Elle lève 5 M€, soit 10 % de plus.")
    assert [c.text for c in doc._.candidates[key]] == [c.text for c in module.detect_text(doc.text)]
    assert len(doc.spans[key]) == 1


def test_seed_money_and_percent_through_the_pipeline(extractor, seed_text):
    record = extractor.extract(seed_text, doc_id=SEED_ID).to_dict()
    gold = json.loads((FIXTURES / "gold" / f"{SEED_ID}.json").read_text(encoding="utf-8"))
    assert record["amounts"] == gold["amounts"]
    assert record["percentages"] == gold["percentages"]
