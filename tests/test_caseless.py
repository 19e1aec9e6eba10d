"""`Caseless` scans give the matches of the case-blind pattern they replace."""
from __future__ import annotations

from pathlib import Path

import pytest

from extractor.caseless import Caseless, Found, lowercase_source

ROOT = Path(__file__).resolve().parent.parent
MIXED = ("LUNDI 3 MARS 2025, Paris. Le 1er Janvier, À LA TOUSSAINT, au Printemps 2026, FIN JUIN ; "
         "Mercredi dernier, la SEMAINE PROCHAINE, le 2nd Semestre, March 4, 2025. QUÉBEC et Montréal, "
         "GENÈVE, la Suisse romande. Au t1 2025 et sur 3m 2025 (écrits en minuscules), march 4, 2025.")


def _scanned():
    from extractor import context
    from extractor.dates import patterns as date_patterns
    from extractor.lexicon import reading
    from extractor.lexicon import models_dir

    with reading(models_dir()):
        P = date_patterns.patterns()
        found = {key: P[key] for key in date_patterns.SCANNED}
        found["countries"] = context.country_words()[0]
    return found


def _texts() -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted((ROOT / "fixtures" / "press_releases").glob("*.txt"))] + [MIXED]


def _read(matches) -> list:
    return [(m.span(), m.group(), m.groupdict(), m.lastgroup) for m in matches]


def test_every_scan_finds_what_the_case_blind_pattern_finds():
    scanned = _scanned()
    assert scanned and all(isinstance(p, Caseless) for p in scanned.values())
    total = 0
    for text in _texts():
        for key, pattern in scanned.items():
            fast = list(pattern.finditer(text))
            assert _read(fast) == _read(pattern.blind.finditer(text)), key
            total += len(fast)
    assert total > 500
    # the matches read the text as written, not its lowercase
    assert any(isinstance(m, Found) and m.group("m") == "MARS" for m in scanned["word"].finditer(MIXED))


def test_a_scan_keeps_pos_and_endpos():
    pattern = Caseless(r"(?<!\w)(?P<m>mars|juin)(?!\w)")
    text = "Mars, JUIN et mars"
    assert [m.group("m") for m in pattern.finditer(text, 1)] == ["JUIN", "mars"]
    assert [m.group("m") for m in pattern.finditer(text, 0, 10)] == ["Mars", "JUIN"]


def test_a_text_whose_lowercase_changes_length_is_scanned_case_blind():
    pattern = Caseless(r"(?<!\w)juin(?!\w)")
    text = "İstanbul, le 3 JUIN"  # `İ` lowercases to two characters
    assert len(text.lower()) != len(text)
    (m,) = pattern.finditer(text)
    start = text.index("JUIN")
    assert (m.span(), m.group()) == ((start, start + 4), "JUIN")


@pytest.mark.parametrize("source, expected", [
    (r"Janvier|F[ÉE]V", "janvier|f[ée]v"),
    (r"\W\S\D(?P<Mois>Mars)(?P=Mois)", r"\W\S\D(?P<Mois>mars)(?P=Mois)"),
    (r"[A-Z]{2}\u00A0", r"[a-z]{2}\u00A0"),
])
def test_lowercase_source_keeps_escapes_and_group_names(source, expected):
    assert lowercase_source(source) == expected


def test_a_case_sensitive_part_is_refused():
    """`(?-i:T)` asks for a capital that the lowercased text no longer has."""
    with pytest.raises(ValueError, match="case-sensitive"):
        Caseless(r"(?<!\w)(?-i:[TQ])[1-4]")
    with pytest.raises(ValueError, match="case-sensitive"):
        Caseless(r"x(?s-i:M)")
    assert Caseless(r"(?i:mars)\(?-i").lower.pattern == r"(?i:mars)\(?-i"


@pytest.mark.parametrize("text, dates", [
    ("Le chiffre du T1 2025 progresse.", ["T1 2025"]),
    ("Le chiffre du t1 2025 progresse.", []),  # a quarter is written with its capital
    ("Au 3M 2025, le carnet est plein.", ["3M 2025"]),
    ("Au 3m 2025, le carnet est plein.", ["2025"]),  # the year alone
    ("Signed in London on March 4, 2025.", ["March 4, 2025"]),
    ("signed on march 4, 2025.", ["2025"]),  # English dates as written: the month has its capital
])
def test_scans_keep_the_case_a_pattern_asks_for(text, dates):
    from extractor.dates.detect import detect_text
    from extractor.lexicon import models_dir, reading

    with reading(models_dir()):
        assert [c.text for c in detect_text(text)] == dates


def test_every_match_holds_its_gate():
    """A gate must be words every match contains: inside each match of each gated scan
    (on the fixtures and a text holding each gated kind), the gate finds one."""
    gated = {key: p for key, p in _scanned().items() if p.gate is not None}
    assert {"weekday", "ordinal_day", "decade", "yearwords"} <= set(gated)
    kinds = ("Le 5e jour de mars 2025, la deuxième quinzaine de JUIN, les années 1990, les trois "
             "premiers mois de 2025, le lendemain, en deux mille vingt-cinq, ce LUNDI-là et jeudi prochain.")
    checked = dict.fromkeys(gated, 0)
    for text in _texts() + [kinds]:
        lowered = text.lower()
        for key, pattern in gated.items():
            for m in pattern.blind.finditer(text):
                assert pattern.gate.search(lowered, m.start(), m.end()), (key, m.group())
                checked[key] += 1
    assert all(checked.values()), checked
