"""Percentages beyond the example table: purity and the money/percent boundary."""
from __future__ import annotations

import pytest

from extractor import money, percent
from extractor.candidates import Candidate, DocContext
from extractor.lexicon import LexiconError


def test_resolution_uses_only_the_candidate_parts():
    cand = Candidate("PERCENT", 0, 3, "xyz", {"number": "10", "high": "15", "unit": "%"}, cue="environ")
    (m,) = percent.resolve_all([cand], DocContext())
    assert (m.value, m.high, m.qualifier) == ("10", "15", "approx")


def test_pour_cent_is_a_percentage_not_money():
    text = "8 pour cent des 100 euros"
    assert [c.text for c in percent.detect_text(text)] == ["8 pour cent"]
    assert [c.text for c in money.detect_text(text)] == ["100 euros"]


def test_a_percentage_and_an_amount_side_by_side_stay_apart():
    text = "une hausse de 5 % à 3 M€"
    assert [c.text for c in percent.detect_text(text)] == ["5 %"]
    assert [c.text for c in money.detect_text(text)] == ["3 M€"]


def test_percent_units_come_from_a_checked_data_file():
    good = {"units": ["%", "pour-cent"], "per_hundred": ["pour 100"], "per_hundred_before": ["de", "d'"]}
    assert "pour\\-cent" in percent.unit_source(good)
    with pytest.raises(LexiconError, match="percent.json.*per_hundred"):
        percent.unit_source({**good, "per_hundred": []})


def test_a_percent_escape_is_never_a_unit_but_a_typo_before_a_word_is():
    assert [c.text for c in percent.detect_text("100%25, 10%2D, 7%C3")] == []
    assert [c.text for c in percent.detect_text("10%de la production")] == ["10%"]


def test_only_the_token_holding_the_url_is_refused():
    text = "voir https://x.fr/stats/10% puis 12 % des votes"
    assert [c.text for c in percent.detect_text(text)] == ["12 %"]
