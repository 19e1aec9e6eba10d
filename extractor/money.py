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

from spacy.language import Language

from . import cues, currencies, numbers
from .candidates import Candidate, DocContext
from .components import DEFAULT_DATA, DetectorComponent, text_detector
from .numbers import SP
from .records import Mention
from .lexicon import per_folder

__all__ = [
    "LABEL", "pattern", "subunit_pattern", "detect_text", "make_money_detector", "amount", "resolve_all"
]

LABEL = "MONEY"


@per_folder
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
    # an elided form is glued to the currency or followed by a space (`d' euros` happens)
    of_words = numbers.quantity_words("currency_of")["words"]
    of = "(?:" + "|".join(
        rf"(?i:{re.escape(w[:-1])})['’]{SP}?" if w.endswith("'") else rf"(?i:{re.escape(w)}){SP}{{1,2}}"
        for w in sorted(of_words, key=len, reverse=True)) + ")"
    # `cents` after `trois` is part of the number (`trois cents`): after digits only.
    digit_word = rf"(?(wnum)(?!)|(?(hwords)(?!)|(?:{cur['digit_words']})))"
    currency_after = (
        rf"(?:(?:{SP}{{1,2}}{of}|{SP}{{0,2}})(?P<cur>{symbol}|{code})"
        # a word that runs into a compound is another word (`3 francs-tireurs`)
        rf"|{SP}{{1,2}}{of}?(?P<curw>(?i:{cur['words']}|{cur['scale_words']}|{digit_word}))(?![\w]|-[^\W\d_]))"
    )
    opener, range_sep = numbers.range_pieces()
    number_first = (
        rf"{opener}"
        rf"(?P<sign>{numbers.sign_pattern()})?(?P<num>{paren}|{num}|(?P<wnum>{words}))"
        rf"(?:{numbers.NOT_AFTER_YEAR}(?:{SP}?(?P<low_scale>{scale}))?{range_sep}"
        rf"(?P<high_sign>{numbers.sign_pattern()})?(?P<high>{num}|(?P<hwords>{words})))?"
        rf"(?:{SP}{{0,2}}(?P<scale>{scale})(?P<half>{numbers.half_pattern()})?)?"
        rf"{currency_after}"
    )
    # The currency itself bounds the number, so a code may be glued to it (`EUR19,90`);
    # the amount then ends the word (`USD 123ABC` is a reference, not an amount).
    currency_first = (
        rf"(?<![^\W\d_])(?P<pcur>{symbol}|{code}){SP}{{0,2}}"
        rf"(?P<psign>{numbers.sign_pattern()})?(?P<pnum>{numbers.DIGITS})"
        rf"(?:{SP}?(?P<pscale>{prefixed_scale}))?(?![^\W\d_])"
    )
    return numbers.quantity_regex(rf"{number_first}|{currency_first}")


@per_folder
def subunit_pattern() -> re.Pattern[str]:
    """What may follow an amount in units and belong to it: `et 40 centimes`, `50 centimes`,
    or the two digits of the old `12 € 50` notation (cents written after the currency)."""
    cur = currencies.pattern_pieces()
    sc = numbers.scales()
    subunit = rf"(?i:{cur['subunit_words']})"
    not_digit_word = rf"(?!(?i:{cur['digit_words']})(?![\w]))"
    joined = (
        rf"(?:{SP}{{1,2}}{numbers.connector_pattern()})?{SP}{{1,2}}"
        rf"(?:(?P<sub>{numbers.START}{numbers.DIGITS}){SP}{{1,2}}(?P<subunit>{subunit})"
        rf"|(?P<subw>{numbers.words_pattern()}){SP}{{1,2}}{not_digit_word}(?P<subunitw>{subunit}))(?![\w])"
    )
    # Two digits that start another quantity (`12 € 50 %`, `12 € 50 000`, `3 € 20 M€`) are not cents.
    currency = rf"{cur['symbols']}|{cur['codes']}|(?i:{cur['words']}|{cur['scale_words']}|{cur['digit_words']})(?![\w])"
    scale = rf"(?i:{numbers.alternation(sc.words)})(?![\w])|(?:{numbers.alternation(sc.abbreviations)})(?![^\W\d_])"
    unit_next = rf"(?:[%‰]|[-–+]?\d|{currency}|{scale})"
    cents = rf"{SP}{{0,2}}(?<![\w])(?P<cents>\d\d)(?![\w]|[,.:/\-–]\d|{SP}{{1,2}}{unit_next})"
    return re.compile(rf"{joined}|{cents}")


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


def _subunit_parts(match: re.Match[str]) -> dict[str, str]:
    g = {k: v for k, v in match.groupdict().items() if v is not None}
    if "cents" in g:
        return {"cents": g["cents"]}
    return {"sub": g.get("sub") or g["subw"], "subunit": g.get("subunit") or g["subunitw"]}


def _takes_subunit(parts: dict[str, str], currency_first: bool) -> tuple[bool, bool]:
    """(may a subunit word follow, may bare cents follow): only a whole number of main
    units, with no scale and no range, can be completed by its subunit."""
    if any(k in parts for k in ("scale", "low_scale", "high", "half")):
        return False, False
    unit = currencies.lookup(parts["currency"])
    if unit.divisor != 1 or unit.needs_scale:
        return False, False
    number = parts.get("number")
    if number is not None and (number.startswith("(") or not numbers.is_whole(number)):
        return False, False
    return True, number is not None and not currency_first


def _span_start(match: re.Match[str]) -> int:
    """`entre` introduces a range but is not part of it."""
    return match.start("sign") if match.group("sign") else match.start("num") if match.group("num") else match.start()


def _not_an_amount(parts: dict[str, str]) -> bool:
    # `pas un euro d'impôt`, `un dollar investi`: a lone article before a currency word
    # is rhetoric far more often than an amount (`un à deux milliards` is a range,
    # `un euro et 50 centimes` a price).
    if parts.get("words", "").lower() in numbers.quantity_words("lone_articles")["words"] and not any(k in parts for k in ("scale", "high", "sub")):
        return True
    return _needs_missing_scale(parts)


_NEXT_WORD = re.compile(rf"{SP}{{1,2}}([^\W\d_]+)")


def _names_the_homonym(parts: dict[str, str], text: str, end: int) -> bool:
    """`3 millions de livres vendus`: the word after agrees with the masculine noun (books)."""
    unit = currencies.lookup(parts["currency"])
    after = _NEXT_WORD.match(text, end) if unit.homonym_endings else None
    return after is not None and unit.agrees_with_homonym(after.group(1))


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
    >>> [(c.text, c.parts.get("subunit")) for c in detect_text("3 USD et 40 centimes")]
    [('3 USD et 40 centimes', 'centimes')]
    """
    found = []
    taken = 0  # a subunit joined to an amount is not an amount of its own
    for match in pattern().finditer(text):
        if match.start() < taken:
            continue
        parts = _parts(match)
        start, end = _span_start(match), match.end()
        words_ok, cents_ok = _takes_subunit(parts, match.group("pcur") is not None)
        tail = subunit_pattern().match(text, end) if words_ok else None
        if tail and (tail.group("cents") is None or cents_ok):
            parts.update(_subunit_parts(tail))
            end = tail.end()
        if _not_an_amount(parts) or _names_the_homonym(parts, text, end):
            continue
        taken = end
        cue = cues.find_cue(text, start, "quantity")
        found.append(Candidate(LABEL, start, end, text[start:end], parts, cue[1] if cue else None, "money"))
    return found


# The data press_money reads, detection and resolution, relative to its data folder.
FILES = ("lexicon/currencies.json", "lexicon/scales.json", "lexicon/number_words.json", "lexicon/quantities.json",
         "lexicon/cues.json", "lexicon/countries.json")


def _compile() -> None:
    from . import context

    pattern(), subunit_pattern(), cues.load("quantity"), numbers.load_quantity_words(), context.load()


@Language.factory("press_money", assigns=["doc._.candidates", "doc.spans"], default_config={"data": DEFAULT_DATA})
def make_money_detector(nlp: Language, name: str, data: str) -> DetectorComponent:
    """`data`: the folder of the language data, relative to the models folder or absolute."""
    return text_detector("money", detect_text, data, FILES, check=_compile)


# --- resolution ----------------------------------------------------------------

def _shared_scale(parts: dict[str, str], scale: Decimal) -> Decimal:
    """The scale written at the high end of a range (`2 à 3 millions`, `deux à trois
    millions`): its scale word, or the scale word ending it in words."""
    if "scale" in parts:
        return scale
    last = parts["high"].replace("-", " ").split()[-1]
    return numbers.scale_factor(last, "word") if numbers.is_scale(last, "word") else Decimal(1)


def _has_own_scale(parts: dict[str, str]) -> bool:
    if "low_scale" in parts:
        return True
    last = parts.get("words", "").replace("-", " ").split()[-1:]
    return bool(last) and numbers.is_scale(last[0], "word")


def _plus_magnitude(value: Decimal, extra: Decimal) -> Decimal:
    """`-12 € 50` is -12.50: the cents add to the size of the amount, not to its value."""
    return value - extra if value < 0 else value + extra


def amount(parts: dict[str, str]) -> tuple[Decimal, Decimal | None]:
    """(value, high) in units of the currency, from the written pieces.

    >>> amount({"number": "5,25", "scale": "M", "currency": "€"})
    (Decimal('5250000.00'), None)
    >>> amount({"number": "10", "high": "15", "scale": "millions", "currency": "euros"})[1]
    Decimal('15000000')
    >>> amount({"number": "450", "currency": "pence"})
    (Decimal('4.5'), None)
    >>> amount({"number": "3", "currency": "USD", "sub": "40", "subunit": "centimes"})
    (Decimal('3.4'), None)
    >>> amount({"number": "12", "currency": "€", "cents": "50"})
    (Decimal('12.50'), None)
    >>> amount({"words": "deux", "high": "trois millions", "currency": "euros"})
    (Decimal('2000000'), Decimal('3000000'))
    >>> amount({"number": "500 000", "high": "2", "scale": "millions", "currency": "euros"})
    (Decimal('500000'), Decimal('2000000'))
    """
    unit = currencies.lookup(parts["currency"])
    scale = numbers.scale_factor(parts["scale"]) if "scale" in parts else Decimal(1)
    low = numbers.value(parts.get("number") or parts["words"], parts.get("sign"))
    # `et demi` closes the number it follows: the high end of a range, else the amount.
    half = Decimal("0.5") if "half" in parts else Decimal(0)
    if "cents" in parts:  # two digits after the currency are hundredths
        low = _plus_magnitude(low, Decimal(f"0.{parts['cents']}"))
    if "sub" in parts:
        sub = numbers.value(parts["sub"], None) / currencies.lookup(parts["subunit"]).divisor
        low = _plus_magnitude(low, sub)
    if "high" not in parts:
        return (low + half) * scale / unit.divisor, None
    high = (numbers.value(parts["high"], parts.get("high_sign")) + half) * scale
    if "low_scale" in parts:
        low *= numbers.scale_factor(parts["low_scale"])
    elif not _has_own_scale(parts):
        # A range shares the scale written at its high end (`2 à 3 millions`,
        # `deux à trois millions`), unless sharing it would put the low end above
        # the high end (`entre 500 000 et 2 millions`).
        shared = _shared_scale(parts, scale)
        if low * shared <= high:
            low *= shared
    return low / unit.divisor, high / unit.divisor


def resolve_all(candidates: list[Candidate], ctx: DocContext) -> list[Mention]:
    """Mentions with exact values and ISO codes; the document decides bare `$`/`francs`."""
    units = [currencies.lookup(c.parts["currency"]) for c in candidates]
    named = currencies.named_in(units, ctx.country)
    mentions = []
    for cand, unit in zip(candidates, units):
        try:
            low, high = amount(dict(cand.parts))
        except numbers.NumberError:
            # Detection found the shape of a number that text2num cannot read
            # (`cent un mille`): no value, so no mention rather than a wrong one.
            continue
        mentions.append(
            numbers.quantity_mention(LABEL, cand, low, high, currency=currencies.resolve(unit, ctx.country, named))
        )
    return mentions
