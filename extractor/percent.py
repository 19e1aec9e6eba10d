"""Percentages: detection (one compiled pattern) and resolution (exact value).

Detection finds `10%`, `-3,2 %`, `(3,4) %`, `trois pour cent`, `entre 10 et 15 %`,
`10-15 %` and records `sign`, `number` or `words`, `high_sign`, `high` and `unit`
in `Candidate.parts`. `points de pourcentage`, fractions and ratios have no
percent sign or word, so nothing here can match them.
"""
from __future__ import annotations

import re
from functools import cache

from spacy.language import Language

from . import cues, numbers
from .candidates import Candidate, DocContext
from .components import DetectorComponent, text_detector
from .numbers import SP
from .records import Mention

LABEL = "PERCENT"


@cache
def pattern() -> re.Pattern[str]:
    num = numbers.START + numbers.DIGITS
    paren = rf"(?<![\w.,])\({numbers.DIGITS}\)"
    words = numbers.words_pattern()
    unit = rf"(?:%|(?i:pour{SP}?cent|pourcent|p\.{SP}?cent)(?![\w]))"
    range_sep = rf"(?:-|{SP}?–{SP}?|{SP}{{1,2}}(?(entre)(?i:et|à)|(?i:à)){SP}{{1,2}})"
    return re.compile(
        rf"(?:(?<![\w])(?P<entre>(?i:entre)){SP}{{1,3}})?"
        rf"(?P<sign>{numbers.SIGN})?(?P<num>{paren}|{num}|{words})"
        rf"(?:{numbers.NOT_AFTER_YEAR}{range_sep}(?P<high_sign>{numbers.SIGN})?(?P<high>{num}|{words}))?"
        rf"{SP}{{0,2}}(?P<unit>{unit})"
    )


def _parts(match: re.Match[str]) -> dict[str, str]:
    g = {k: v for k, v in match.groupdict().items() if v is not None and k != "entre"}
    num = g.pop("num")
    g["number" if num[:1].isdigit() or num[:1] == "(" else "words"] = num
    return g


def detect_text(text: str) -> list[Candidate]:
    """Every percentage written in `text`, with its pieces and qualifier cue.

    >>> [c.text for c in detect_text("moins de 10% et entre 12 et 15 %, pas 3 points")]
    ['10%', '12 et 15 %']
    """
    found = []
    for match in pattern().finditer(text):
        start = match.start("sign") if match.group("sign") else match.start("num")
        end = match.end()
        cue = cues.find_cue(text, start, "quantity")
        found.append(Candidate(LABEL, start, end, text[start:end], _parts(match), cue[1] if cue else None, "percent"))
    return found


@Language.factory("press_percent")
def make_percent_detector(nlp: Language, name: str) -> DetectorComponent:
    return text_detector("percent", detect_text)


def _value(written: str, sign: str | None):
    digits = written[:1].isdigit() or written[:1] == "("
    value = numbers.parse_digits(written) if digits else numbers.parse_words(written)
    return -value if sign and sign.strip() in numbers.MINUS_SIGNS else value


def resolve_all(candidates: list[Candidate], ctx: DocContext) -> list[Mention]:
    """Mentions with exact values (`"-3.4"`), `high` on ranges, qualifiers from cues."""
    mentions = []
    for cand in candidates:
        parts = cand.parts
        try:
            low = _value(parts.get("number") or parts["words"], parts.get("sign"))
            high = _value(parts["high"], parts.get("high_sign")) if "high" in parts else None
        except ValueError:
            # A word sequence text2num cannot read has no value: no mention beats a wrong one.
            continue
        mentions.append(numbers.quantity_mention(LABEL, cand, low, high))
    return mentions
