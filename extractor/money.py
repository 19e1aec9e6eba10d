"""Amounts of money: detection (one compiled pattern) and resolution (value, currency).

Detection finds `5,25 M €`, `150 millions d'euros`, `USD 40m`, `entre 10 et 15
millions d'euros`... and records the written pieces in `Candidate.parts`:
`sign`, `number` or `words`, `low_scale`, `high_sign`, `high`, `scale`, `half`,
`currency`. Resolution turns those pieces and the document context into an exact
value and an ISO code; it never looks at the text again.
"""
from __future__ import annotations

import re
from decimal import Decimal
from functools import cache

from spacy.language import Language

from . import cues, currencies, numbers
from .candidates import Candidate, DocContext
from .components import DetectorComponent, text_detector
from .numbers import SP
from .records import Mention

LABEL = "MONEY"


@cache
def pattern() -> re.Pattern[str]:
    """The money pattern, built once from the currency and scale data files."""
    cur = currencies.pattern_pieces()
    sc = numbers.scales()
    num = numbers.START + numbers.DIGITS
    paren = rf"(?<![\w.,])\({numbers.DIGITS}\)"
    words = numbers.words_pattern()
    # A symbol ending in a letter (`Fr.` does not, `$ US` does) must end the word.
    symbol = rf"(?:{cur['symbols']})(?:(?<=\W)|(?![^\W\d_]))"
    code = rf"(?:{cur['codes']})(?![^\W\d_])"
    scale_word = rf"(?i:{numbers.alternation(sc.words)})(?![\w])"
    # An abbreviation ends the word, or runs into a currency code (MEUR, kCHF).
    abbr = rf"(?:{numbers.alternation(sc.abbreviations)})(?:(?![^\W\d_])|(?={code}))"
    scale = rf"(?:{scale_word}|{abbr})"
    prefixed_scale = rf"(?:{scale_word}|(?:{numbers.alternation(sc.abbreviations + sc.after_currency)})(?![\w]))"
    of = rf"(?:(?i:de){SP}{{1,2}}|(?i:d)['’]{SP}?)"
    currency_after = (
        rf"(?:(?:{SP}{{1,2}}{of}|{SP}{{0,2}})(?P<cur>{symbol}|{code})"
        rf"|{SP}{{1,2}}{of}?(?P<curw>(?i:{cur['words']}|{cur['scale_words']}))(?![\w]))"
    )
    range_sep = rf"(?:-|{SP}?–{SP}?|{SP}{{1,2}}(?(entre)(?i:et|à)|(?i:à)){SP}{{1,2}})"
    number_first = (
        rf"(?:(?<![\w])(?P<entre>(?i:entre)){SP}{{1,3}})?"
        rf"(?P<sign>{numbers.SIGN})?(?P<num>{paren}|{num}|{words})"
        rf"(?:{numbers.NOT_AFTER_YEAR}(?:{SP}?(?P<low_scale>{scale}))?{range_sep}(?P<high_sign>{numbers.SIGN})?(?P<high>{num}|{words}))?"
        rf"(?:{SP}{{0,2}}(?P<scale>{scale})(?P<half>{numbers.half_pattern()})?)?"
        rf"{currency_after}"
    )
    currency_first = (
        rf"(?<![^\W\d_])(?P<pcur>{symbol}|{code}){SP}{{0,2}}"
        rf"(?P<psign>{numbers.SIGN})?(?P<pnum>{num})"
        rf"(?:{SP}?(?P<pscale>{prefixed_scale}))?"
    )
    return re.compile(rf"{number_first}|{currency_first}")


def _parts(match: re.Match[str]) -> dict[str, str]:
    g = {k: v for k, v in match.groupdict().items() if v is not None}
    if "pcur" in g:
        renamed = {"pcur": "currency", "psign": "sign", "pnum": "number", "pscale": "scale"}
        return {renamed[k]: v for k, v in g.items() if k in renamed}
    parts = {k: g[k] for k in ("sign", "low_scale", "high_sign", "high", "scale", "half") if k in g}
    num = g["num"]
    parts["number" if num[:1].isdigit() or num[:1] == "(" else "words"] = num
    parts["currency"] = g.get("cur") or g["curw"]
    return parts


def _span_start(match: re.Match[str]) -> int:
    """`entre` introduces a range but is not part of it."""
    return match.start("sign") if match.group("sign") else match.start("num") if match.group("num") else match.start()


# `pas un euro d'impôt`, `un dollar investi`: a lone article before a currency word
# is rhetoric far more often than an amount.
_ARTICLES = ("un", "une")


def _not_an_amount(parts: dict[str, str]) -> bool:
    if parts.get("words", "").lower() in _ARTICLES and "scale" not in parts:
        return True
    return _needs_missing_scale(parts)


def _needs_missing_scale(parts: dict[str, str]) -> bool:
    """`livres` is money only after a scale word (`millions de livres`, never `10 000 livres`)."""
    if not currencies.lookup(parts["currency"]).needs_scale:
        return False
    if "scale" in parts:
        return False
    last_word = parts.get("words", "").replace("-", " ").split()[-1:] or [""]
    return not numbers.is_scale(last_word[0], "word")


def detect_text(text: str) -> list[Candidate]:
    """Every amount of money written in `text`, with its pieces and qualifier cue.

    >>> [(c.text, c.parts["currency"]) for c in detect_text("doté de 600 k € et de 3 M€")]
    [('600 k €', '€'), ('3 M€', '€')]
    """
    found = []
    for match in pattern().finditer(text):
        parts = _parts(match)
        if _not_an_amount(parts):
            continue
        start, end = _span_start(match), match.end()
        cue = cues.find_cue(text, start, "quantity")
        found.append(Candidate(LABEL, start, end, text[start:end], parts, cue[1] if cue else None, "money"))
    return found


@Language.factory("press_money")
def make_money_detector(nlp: Language, name: str) -> DetectorComponent:
    return text_detector("money", detect_text)


# --- resolution ----------------------------------------------------------------

def _number(written: str, sign: str | None) -> Decimal:
    if written[:1].isdigit() or written[:1] == "(":
        value = numbers.parse_digits(written)
    else:
        value = numbers.parse_words(written)
    return -value if sign and sign.strip() in numbers.MINUS_SIGNS else value


def amount(parts: dict[str, str]) -> tuple[Decimal, Decimal | None]:
    """(value, high) in units of the currency, from the written pieces.

    >>> amount({"number": "5,25", "scale": "M", "currency": "€"})
    (Decimal('5250000.00'), None)
    >>> amount({"number": "10", "high": "15", "scale": "millions", "currency": "euros"})[1]
    Decimal('15000000')
    >>> amount({"number": "450", "currency": "pence"})
    (Decimal('4.5'), None)
    """
    unit = currencies.lookup(parts["currency"])
    scale = numbers.scale_factor(parts["scale"]) if "scale" in parts else Decimal(1)
    low = _number(parts.get("number") or parts["words"], parts.get("sign"))
    if "half" in parts:  # `1 million et demi`: the half is of the scale word
        low += Decimal("0.5")
    low *= numbers.scale_factor(parts["low_scale"]) if "low_scale" in parts else scale
    high = None
    if "high" in parts:
        high = _number(parts["high"], parts.get("high_sign")) * scale
        high /= unit.divisor
    return low / unit.divisor, high


def resolve_all(candidates: list[Candidate], ctx: DocContext) -> list[Mention]:
    """Mentions with exact values and ISO codes; the document decides bare `$`/`francs`."""
    units = [currencies.lookup(c.parts["currency"]) for c in candidates]
    named = currencies.named_in(units)
    mentions = []
    for cand, unit in zip(candidates, units):
        try:
            low, high = amount(dict(cand.parts))
        except ValueError:
            # Detection found the shape of a number that text2num cannot read
            # (`cent un mille`): no value, so no mention rather than a wrong one.
            continue
        mentions.append(
            numbers.quantity_mention(LABEL, cand, low, high, currency=currencies.resolve(unit, ctx.country, named))
        )
    return mentions
