"""Percentages: detection (one compiled pattern) and resolution (exact value).

Detection finds `10%`, `-3,2 %`, `(3,4) %`, `trois pour cent`, `quinze pour-cent`,
`5 pour 100`, `entre 10 et 15 %`, `10-15 %` (units in models/lexicon/percent.json)
and records `sign`, `number` or `words`, `high_sign`, `high` and `unit` in
`Candidate.parts`. `points de pourcentage`, fractions and ratios have no
percent sign or word, so nothing here can match them; nor can a percent-escape
(`%20`) or anything inside a URL.
"""
from __future__ import annotations

import re

from spacy.language import Language

from . import cues, numbers
from .candidates import Candidate, DocContext
from .components import DEFAULT_DATA, DetectorComponent, text_detector
from .lexicon import LexiconError, string_table, per_folder
from .numbers import SP
from .records import Mention

__all__ = ["LABEL", "unit_source", "pattern", "detect_text", "make_percent_detector", "resolve_all"]

LABEL = "PERCENT"


_FILE = "lexicon/percent.json"


def unit_source(table: dict[str, list[str]]) -> str:
    """Regex source of a percent unit after its number, from the lists of percent.json."""
    for key in ("units", "per_hundred", "per_hundred_before"):
        if not table.get(key):
            raise LexiconError(f"{_FILE}: missing or empty list {key!r}")
    words = [u for u in table["units"] if u != "%"]
    before = [w for w in table["per_hundred_before"] if not w.endswith("'")]
    elided = [w[:-1] for w in table["per_hundred_before"] if w.endswith("'")]
    # `%` then two hex digits, one of them a digit, is a URL escape (`%20`, `%2D`, `%C3`).
    sign = r"%(?!\d[0-9A-Fa-f]|[A-Fa-f]\d)" if "%" in table["units"] else "(?!)"
    ends = rf"(?![\w]|[,.]\d)(?={SP}{{0,2}}(?:\Z|[^\w \u00a0\u202f\t])"
    ends += rf"|{SP}{{1,2}}(?i:(?:{numbers.alternation(before)})(?![\w])|(?:{numbers.alternation(elided)})['’]))"
    return (
        rf"(?:{sign}|(?i:{numbers.alternation(words)})(?![\w])"
        rf"|(?i:{numbers.alternation(table['per_hundred'])}){ends})"
    )


@per_folder
def pattern() -> re.Pattern[str]:
    num = numbers.START + numbers.DIGITS
    paren = rf"(?<![\w.,])\({numbers.DIGITS}\)"
    words = numbers.words_pattern()
    opener, range_sep = numbers.range_pieces()
    return numbers.quantity_regex(
        rf"{opener}"
        rf"(?P<sign>{numbers.sign_pattern()})?(?P<num>{paren}|{num}|{words})"
        rf"(?:{numbers.NOT_AFTER_YEAR}{range_sep}(?P<high_sign>{numbers.sign_pattern()})?(?P<high>{num}|{words}))?"
        rf"{SP}{{0,2}}(?P<unit>{unit_source(string_table(_FILE))})"
    )


def _parts(match: re.Match[str]) -> dict[str, str]:
    g = {k: v for k, v in match.groupdict().items() if v is not None and k != "entre"}
    num = g.pop("num")
    g["number" if num[:1].isdigit() or num[:1] == "(" else "words"] = num
    return g


# How far back a URL may start before the `%` in it; bounded so that a long line
# with no space costs linear time.
_URL_WINDOW = 300
# Each alternative starts with a literal, so a search costs linear time in the token.
_URL = re.compile(r"://|www\.|\.[a-z]{2,}/|%[0-9a-f]{2}", re.IGNORECASE)


def _inside_url(text: str, pos: int) -> bool:
    """Whether `pos` is inside a URL or a percent-encoded string (`https://x.fr/a/10%`)."""
    before = text[max(0, pos - _URL_WINDOW):pos]
    if not before or before[-1].isspace():
        return False
    return _URL.search(before.split()[-1]) is not None


def detect_text(text: str) -> list[Candidate]:
    """Every percentage written in `text`, with its pieces and qualifier cue.

    >>> [c.text for c in detect_text("moins de 10% et entre 12 et 15 %, pas 3 points")]
    ['10%', '12 et 15 %']
    >>> [c.text for c in detect_text("quinze pour-cent, https://x.fr/taux/10%25 ou 5 pour 100 habitants")]
    ['quinze pour-cent']
    """
    found = []
    for match in pattern().finditer(text):
        if _inside_url(text, match.start("unit")):
            continue
        start = match.start("sign") if match.group("sign") else match.start("num")
        end = match.end()
        cue = cues.find_cue(text, start, "quantity")
        found.append(Candidate(LABEL, start, end, text[start:end], _parts(match), cue[1] if cue else None, "percent"))
    return found


# The data press_percent reads, detection and resolution, relative to its data folder.
FILES = ("lexicon/percent.json", "lexicon/scales.json", "lexicon/number_words.json", "lexicon/quantities.json",
         "lexicon/cues.json")


def _compile() -> None:
    pattern(), cues.load("quantity"), numbers.load_quantity_words()


@Language.factory("press_percent", assigns=["doc._.candidates", "doc.spans"], default_config={"data": DEFAULT_DATA})
def make_percent_detector(nlp: Language, name: str, data: str) -> DetectorComponent:
    """`data`: the folder of the language data, relative to the models folder or absolute."""
    return text_detector("percent", detect_text, data, FILES, check=_compile)


def resolve_all(candidates: list[Candidate], ctx: DocContext) -> list[Mention]:
    """Mentions with exact values (`"-3.4"`), `high` on ranges, qualifiers from cues."""
    mentions = []
    for cand in candidates:
        parts = cand.parts
        try:
            low = numbers.value(parts.get("number") or parts["words"], parts.get("sign"))
            high = numbers.value(parts["high"], parts.get("high_sign")) if "high" in parts else None
        except numbers.NumberError:
            # A word sequence text2num cannot read has no value: no mention beats a wrong one.
            continue
        mentions.append(numbers.quantity_mention(LABEL, cand, low, high))
    return mentions
