"""French numerals: digits, words, scale words, exact decimal strings."""
from __future__ import annotations

import doctest
import re
from decimal import Decimal

import pytest

from extractor import numbers


@pytest.mark.parametrize(
    "written, value",
    [
        ("5,25", "5.25"),
        ("150.000", "150000"),  # one dot + three digits: thousands
        ("9.888", "9888"),
        ("5.5", "5.5"),  # one dot + one or two digits: decimal point
        ("5.25", "5.25"),
        ("3.1416", "3.1416"),  # four or more digits after one dot: decimal point
        ("1.234.567", "1234567"),
        ("1.234,5", "1234.5"),
        ("3 500 000", "3500000"),
        ("3\u00a0500\u00a0000", "3500000"),
        ("21\u202f430\u202f000", "21430000"),
        ("1'250'000", "1250000"),
        ("1’250’000", "1250000"),
        ("0,42", "0.42"),
        ("-3,2", "-3.2"),
        ("–4,1", "-4.1"),
        ("− 0,5", "-0.5"),
        ("– 2,7", "-2.7"),
        ("+12", "12"),
        ("(3,4)", "-3.4"),
        ("(19,1)", "-19.1"),
        ("0", "0"),
    ],
)
def test_parse_digits(written, value):
    assert numbers.parse_digits(written) == Decimal(value)


@pytest.mark.parametrize("written", ["", "abc", "12 ans", "1,2,3", "--5"])
def test_parse_digits_rejects(written):
    with pytest.raises(ValueError):
        numbers.parse_digits(written)


@pytest.mark.parametrize(
    "written, value",
    [
        ("trois millions", "3000000"),
        ("vingt-cinq", "25"),
        ("un milliard et demi", "1500000000"),
        ("deux millions et demi", "2500000"),
        ("huit mille cinq cents", "8500"),
        ("un million deux cent cinquante mille", "1250000"),
        ("soixante et onze", "71"),
        ("quatre-vingt-dix", "90"),
        ("septante", "70"),
        ("TRENTE", "30"),
        ("mille", "1000"),
    ],
)
def test_parse_words(written, value):
    assert numbers.parse_words(written) == Decimal(value)


def test_parse_words_rejects_what_text2num_cannot_read():
    with pytest.raises(ValueError):
        numbers.parse_words("millions trois euros")


@pytest.mark.parametrize(
    "form, factor",
    [("k", 3), ("K", 3), ("mille", 3), ("M", 6), ("Mio", 6), ("million", 6), ("Millions", 6),
     ("Md", 9), ("Mds", 9), ("Mrd", 9), ("G", 9), ("milliard", 9), ("MILLIARDS", 9), ("bn", 9)],
)
def test_scale_factor(form, factor):
    assert numbers.scale_factor(form) == Decimal(10) ** factor


def test_lower_case_m_is_not_a_scale_after_a_number():
    # `m` is a million only in the currency-first form (USD 40m); after a number it is a metre.
    assert "m" not in numbers.scales().abbreviations
    assert "m" in numbers.scales().after_currency


@pytest.mark.parametrize(
    "value, text",
    [("5250000.00", "5250000"), ("4.50", "4.5"), ("2.9E+10", "29000000000"), ("-0.0", "0"), ("0.125", "0.125")],
)
def test_to_string_is_exact_without_exponent(value, text):
    assert numbers.to_string(Decimal(value)) == text


def test_products_stay_exact():
    value = numbers.parse_digits("5,25") * numbers.scale_factor("M")
    assert numbers.to_string(value) == "5250000"


@pytest.mark.parametrize("module", ["numbers", "money", "percent", "currencies", "context", "cues"])
def test_doctests(module):
    import importlib

    mod = importlib.import_module(f"extractor.{module}")
    result = doctest.testmod(mod, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0 and result.attempted > 0


# --- the not-in-a-word guard of the quantity patterns ----------------------------------

_EDGES = "US$5 M, ref_$10, x5 %, a-5 %, 5$10, _5€, 3€50, EUR19,90, kCHF 3, vingt-cinq%, (12%), l’an 2024 : -3 %, ±4 %"


@pytest.mark.parametrize("module", ["money", "percent"])
def test_the_guard_changes_nothing_the_quantity_patterns_find(module):
    """`NOT_IN_WORD` is only a speed-up: with and without it the patterns find the same
    spans in the development texts and in edge cases around words, signs and currencies."""
    from importlib import import_module

    from conftest import FIXTURES

    guarded = import_module(f"extractor.{module}").pattern()
    assert guarded.pattern.startswith(numbers.NOT_IN_WORD)
    bare = re.compile(guarded.pattern[len(numbers.NOT_IN_WORD):])
    texts = [p.read_text(encoding="utf-8") for p in sorted(FIXTURES.glob("press_releases/*.txt"))]
    texts += [p.read_text(encoding="utf-8") for p in sorted(FIXTURES.glob("train/w0*/press_releases/*.txt"))]
    texts.append(_EDGES)
    for text in texts:
        assert [m.span() for m in guarded.finditer(text)] == [m.span() for m in bare.finditer(text)]
