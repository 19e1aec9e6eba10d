"""Money beyond the example table: document context, purity, data checks, pipeline."""
from __future__ import annotations

import json
from pathlib import Path

from decimal import Decimal

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
    assert _resolve("100 000 francs par an, 50 centimes par litre", "CH") == [
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
        ("Tunis, le 3 mai 2025 – La healthtech tunisienne lève 4,5 millions de dinars.", "TN"),
        ("ALGER, 3 mai – Le groupe algérien investit 300 millions de dinars à Oran.", "DZ"),
        # one word of each: a tie, no country
        ("Une usine à Sfax et une autre à Casablanca.", None),
    ],
)
def test_detect_country(text, country):
    assert detect_country(text) == country


def test_a_country_word_found_inside_another_country_s_is_refused(tmp_path):
    """All countries are counted in one scan, which would miss `Vaud` (CH) inside a
    (made-up) French `Pays de Vaud`: the data check refuses it."""
    import json
    import shutil

    from extractor import context
    from extractor.lexicon import models_dir, reading

    shutil.copytree(models_dir() / "lexicon", tmp_path / "lexicon")
    path = tmp_path / "lexicon" / "countries.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["countries"]["FR"].append("Pays de Vaud")
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with reading(tmp_path), pytest.raises(LexiconError, match=r"'Vaud' \(CH\) is found inside 'Pays de Vaud' \(FR\)"):
        context.load()


def test_currency_data_is_checked_against_iso_codes():
    with pytest.raises(LexiconError):
        currencies.read_unit({"iso": "EURO"})
    with pytest.raises(LexiconError):
        currencies.read_unit({"iso": "GBP", "divisor": "zero"})


def test_a_code_carrying_its_scale_and_a_regional_code_are_checked():
    assert currencies.read_unit({"iso": "MAD", "codes": ["MMDH"], "factor": "1000000000"}).divisor == Decimal("1E-9")
    with pytest.raises(LexiconError, match="factor"):
        currencies.read_unit({"iso": "MAD", "factor": "0.5"})
    with pytest.raises(LexiconError, match="factor"):
        currencies.read_unit({"iso": "EUR", "divisor": "100", "factor": "1000"})
    with pytest.raises(LexiconError, match="regional"):
        currencies.read_unit({"iso": "XOF", "regional": True})
    fcfa = currencies.lookup("FCFA")
    assert not fcfa.bare and fcfa.regional
    # the country reads a regional code, and lends that reading to the bare word of its family
    assert currencies.resolve(fcfa, "CM", {}) == "XAF" and currencies.resolve(fcfa, None, {}) == "XOF"
    assert currencies.named_in([fcfa], "GA") == {"franc": "XAF"}


def test_one_character_symbols_of_one_currency_are_data():
    assert currencies.lookup("₹").iso == "INR"
    assert currencies.lookup("₫").iso == "VND"


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


def test_a_subunit_joined_to_an_amount_takes_the_currency_of_that_amount():
    # Alone, `centimes` in a Swiss text are CHF; after `3 USD et` they are cents of that dollar.
    assert _resolve("3 USD et 40 centimes", "CH") == [("3 USD et 40 centimes", "3.4", "USD")]
    assert _resolve("40 centimes", "CH") == [("40 centimes", "0.4", "CHF")]


def test_subunit_resolution_uses_only_the_candidate_parts():
    parts = {"number": "3", "currency": "USD", "sub": "40", "subunit": "centimes"}
    cents = {"number": "12", "currency": "€", "cents": "05"}
    got = money.resolve_all([Candidate("MONEY", 0, 3, "xyz", parts), Candidate("MONEY", 4, 7, "xyz", cents)], DocContext())
    assert [(m.value, m.currency) for m in got] == [("3.4", "USD"), ("12.05", "EUR")]


def test_currency_words_that_are_number_words_follow_digits_only():
    pieces = currencies.pattern_pieces()
    assert "cents" in pieces["digit_words"].split("|") and "cents" not in pieces["words"].split("|")
    # `trois cents` is 300; `75 cents` is money, and joins the amount before it with `et`.
    assert _resolve("trois cents euros et 75 cents") == [("trois cents euros et 75 cents", "300.75", "EUR")]
    assert _resolve("trois cents personnes") == []


@pytest.mark.parametrize(
    "form, iso",
    [("$ CA", "CAD"), ("CA$", "CAD"), ("C$", "CAD"), ("US$", "USD"), ("AU$", "AUD"), ("HK$", "HKD"),
     ("$ HK", "HKD"), ("S$", "SGD"), ("NZ$", "NZD")],
)
def test_country_qualified_dollars_come_from_the_lexicon(form, iso):
    assert currencies.lookup(form).iso == iso
    assert _resolve(f"un prix de {form} 20", "CA") == [(f"{form} 20", "20", iso)]


def test_wording_of_issue_14_through_the_pipeline(extractor):
    text = ("Le ticket passe à 3 USD et 40 centimes, soit 12 € 50, et la filiale a gagné 40 millions de $ HK. "
            "Une hausse de quinze pour-cent et de 5 pour 100 des ventes, pour 5 pour 100 habitants. "
            "Voir https://x.fr/stats/10%25 et le code %2D.")
    record = extractor.extract(text, doc_id="issue14").to_dict()
    assert [(m["text"], m["value"], m["currency"]) for m in record["amounts"]] == [
        ("3 USD et 40 centimes", "3.4", "USD"), ("12 € 50", "12.5", "EUR"), ("40 millions de $ HK", "40000000", "HKD"),
    ]
    assert [(m["text"], m["value"]) for m in record["percentages"]] == [("quinze pour-cent", "15"), ("5 pour 100", "5")]


def test_homonym_data_is_checked_and_read_from_the_lexicon():
    with pytest.raises(LexiconError, match="homonym_after"):
        currencies.read_unit({"iso": "GBP", "homonym_after": ["és"]})
    with pytest.raises(LexiconError, match="endings"):
        currencies.read_unit({"iso": "GBP", "homonym_after": {"endings": [""]}})
    assert _resolve("3 millions de livres vendus") == []
    assert _resolve("3 millions de livres dépensées") == [("3 millions de livres", "3000000", "GBP")]
