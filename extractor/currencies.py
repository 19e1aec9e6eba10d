"""Currencies as written in French releases, from models/lexicon/currencies.json.

The data file says how French writes each currency (symbols, codes, words,
subunits, bare words whose meaning depends on the country). Its ISO 4217 codes are
checked against Babel's list, which follows the Unicode CLDR: a public, maintained
table, so a code that does not exist (or a typo) fails on load.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Mapping

from babel.numbers import list_currencies

from .folding import PLAIN
from .lexicon import LexiconError, load_json, per_folder

__all__ = ["Unit", "Table", "fold", "read_unit", "table", "lookup", "resolve", "named_in", "pattern_pieces"]

_FILE = "lexicon/currencies.json"


@dataclass(frozen=True)
class Unit:
    iso: str
    divisor: Decimal = Decimal(1)
    by_country: Mapping[str, str] = field(default_factory=dict)
    family: str | None = None
    needs_scale: bool = False
    # A noun spelled like the currency word but masculine (`livres`, books): the
    # endings of a masculine plural agreeing with it, and words that only look so.
    homonym_endings: tuple[str, ...] = ()
    homonym_except: frozenset[str] = frozenset()
    # A specific currency whose issuer the country still decides (`FCFA`: West or Central Africa's franc)
    regional: bool = False

    def agrees_with_homonym(self, next_word: str) -> bool:
        """Whether the word after this currency word shows it is the homonym noun.

        >>> livres = lookup("livres")
        >>> livres.agrees_with_homonym("vendus"), livres.agrees_with_homonym("plus"), livres.agrees_with_homonym("investies")
        (True, False, False)
        """
        if not self.homonym_endings:
            return False
        word = next_word.lower()
        return word.endswith(self.homonym_endings) and word not in self.homonym_except

    @property
    def bare(self) -> bool:
        """A word whose currency depends on the text (`$`, `francs`), not a regional code (`FCFA`)."""
        return bool(self.by_country) and not self.regional


@dataclass(frozen=True)
class Table:
    symbols: dict[str, Unit]
    codes: dict[str, Unit]
    words: dict[str, Unit]  # keyed by `fold(word)`


def fold(text: str) -> str:
    """The lookup key of a written form: one space, straight apostrophe, lower case."""
    return " ".join(text.translate(PLAIN).split()).lower()


def _exact(text: str) -> str:
    return " ".join(text.split())


def _strings(unit: dict, key: str) -> list[str]:
    forms = unit.get(key, [])
    if not (isinstance(forms, list) and all(isinstance(f, str) and f.strip() for f in forms)):
        raise LexiconError(f"{_FILE}: {unit.get('iso')} {key} must be a list of non-empty strings")
    return forms


def read_unit(row: dict) -> Unit:
    iso = row.get("iso")
    countries = row.get("by_country", {})
    for code in [iso, *countries.values()]:
        if code not in _iso_codes():
            raise LexiconError(f"{_FILE}: {code!r} is not an ISO 4217 code")
    try:
        divisor = Decimal(row.get("divisor", "1"))
    except (TypeError, InvalidOperation):
        raise LexiconError(f"{_FILE}: {iso} divisor must be a decimal string") from None
    if divisor <= 0:
        raise LexiconError(f"{_FILE}: {iso} divisor must be positive")
    try:
        factor = Decimal(row.get("factor", "1"))
    except (TypeError, InvalidOperation):
        raise LexiconError(f"{_FILE}: {iso} factor must be a decimal string") from None
    if factor < 1 or divisor != 1 and factor != 1:
        raise LexiconError(f"{_FILE}: {iso} factor must be at least 1, and a unit has a factor or a divisor, not both")
    # a code that carries its scale (MMDH, milliards de dirhams) is a unit worth `factor` of them
    divisor /= factor
    homonym = row.get("homonym_after", {})
    if not isinstance(homonym, dict):
        raise LexiconError(f"{_FILE}: {iso} homonym_after must be an object")
    endings, exceptions = (_strings({"iso": iso, **homonym}, key) for key in ("endings", "except"))
    regional = row.get("regional", False)
    if not isinstance(regional, bool) or (regional and not countries):
        raise LexiconError(f"{_FILE}: {iso} regional must be true or false, and true only with by_country")
    return Unit(iso, divisor, dict(countries), row.get("family"), bool(row.get("needs_scale", False)),
                tuple(endings), frozenset(e.lower() for e in exceptions), regional)


@per_folder
def table() -> Table:
    rows = load_json(_FILE).get("units")
    if not isinstance(rows, list):
        raise LexiconError(f"{_FILE}: expected a list under 'units'")
    symbols: dict[str, Unit] = {}
    codes: dict[str, Unit] = {}
    words: dict[str, Unit] = {}
    for row in rows:
        unit = read_unit(row)
        for key, target, norm in (("symbols", symbols, _exact), ("codes", codes, _exact), ("words", words, fold)):
            for form in _strings(row, key):
                if norm(form) in target:
                    raise LexiconError(f"{_FILE}: {form!r} is claimed by two currencies")
                target[norm(form)] = unit
    return Table(symbols, codes, words)


@cache
def _iso_codes() -> frozenset[str]:
    return frozenset(list_currencies())


def lookup(surface: str) -> Unit:
    """The unit a currency surface form stands for.

    >>> lookup("€").iso, lookup("dollars  Canadiens").iso, lookup("£").iso, lookup("₹").iso
    ('EUR', 'CAD', 'GBP', 'INR')
    """
    t = table()
    unit = t.symbols.get(_exact(surface)) or t.codes.get(_exact(surface)) or t.words.get(fold(surface))
    if unit is None:
        raise KeyError(f"unknown currency form: {surface!r}")
    return unit


def resolve(unit: Unit, country: str | None, named: Mapping[str, str]) -> str:
    """ISO code of a unit in a document: the country decides a bare word; failing
    that, the one specific currency of the same family the document names.

    >>> dollar = lookup("$")
    >>> resolve(dollar, "CA", {}), resolve(dollar, None, {}), resolve(dollar, None, {"dollar": "CAD"})
    ('CAD', 'USD', 'CAD')
    """
    if country in unit.by_country:
        return unit.by_country[country]
    if unit.bare and unit.family and unit.family in named:
        return named[unit.family]
    return unit.iso


def named_in(units: list[Unit], country: str | None = None) -> dict[str, str]:
    """Family -> ISO for each family that the given units name with exactly one specific currency
    (a regional one as the country reads it)."""
    seen: dict[str, set[str]] = {}
    for unit in units:
        if unit.family and not unit.bare:
            seen.setdefault(unit.family, set()).add(resolve(unit, country, {}))
    return {family: next(iter(isos)) for family, isos in seen.items() if len(isos) == 1}


def pattern_pieces() -> dict[str, str]:
    """Regex alternations of every written form, longest first, for the detector.

    `words` and `scale_words` may follow any number; `digit_words` start with a
    number word (`cents`) and may follow only digits, since `trois cents` is a
    number. `subunit_words` are the words of units with a divisor (`centimes`).
    """
    from .numbers import alternation, is_number_word

    t = table()

    def forms(keep) -> str:
        # Words are folded to lower case in the table; the detector matches them in any case.
        return alternation((w for w, u in t.words.items() if keep(w, u)), apostrophes=True)

    def numeric(word: str) -> bool:
        return is_number_word(word.replace("'", " ").replace("-", " ").split()[0])

    return {
        "symbols": alternation(t.symbols),
        "codes": alternation(t.codes),
        "words": forms(lambda w, u: not u.needs_scale and not numeric(w)),
        "scale_words": forms(lambda w, u: u.needs_scale),
        "digit_words": forms(lambda w, u: not u.needs_scale and numeric(w)),
        "subunit_words": forms(lambda w, u: u.divisor != 1),
    }
