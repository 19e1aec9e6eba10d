"""Percentages beyond the example table: purity and the money/percent boundary."""
from __future__ import annotations

from extractor import money, percent
from extractor.candidates import Candidate, DocContext


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
