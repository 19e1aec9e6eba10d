"""French numerals: exact values for resolution, pattern pieces for detection.

Values are `decimal.Decimal`, never floats, so `5,25 M` is exactly 5250000.
Numbers in words are read by text2num; this module only knows which words may
belong to a number (to find them) and what `et demi` adds (text2num stops there).

The pattern pieces are plain regex source strings shared by the money and
percent detectors. Every quantifier in them is bounded, so the work done at one
text position is bounded too and a whole scan stays linear in the text length.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from text_to_num import text2num

from .errors import ExtractorError
from .folding import PLAIN, SP, alternation
from .lexicon import LexiconError, load_json, string_table, per_folder

__all__ = [
    "SPACES", "MINUS_SIGNS", "SIGNS", "NumberError", "parse_digits", "is_whole", "parse_words", "value",
    "to_string", "Scales", "scales", "is_scale", "scale_factor", "Vocabulary", "alternation",
    "is_number_word", "SP", "START", "DIGITS", "sign_pattern", "NOT_AFTER_YEAR", "words_pattern", "connector_pattern",
    "half_pattern", "quantity_mention", "quantity_words", "load_quantity_words", "range_pieces", "NOT_IN_WORD",
    "quantity_regex"
]

if TYPE_CHECKING:
    from .records import Mention

# --- values ------------------------------------------------------------------

SPACES = " \u00a0\u202f\t"
# Swiss texts group thousands with an apostrophe (1'250'000).
_GROUP_MARKS = SPACES + "'’"
MINUS_SIGNS = "-–−"
SIGNS = MINUS_SIGNS + "+"


class NumberError(ExtractorError, ValueError):
    """Written pieces that are no number (detection found the shape, the value is not there)."""


def parse_digits(text: str) -> Decimal:
    """The value of a number written in digits, French style.

    A comma is the decimal mark; spaces, apostrophes and dots group thousands.
    One dot followed by exactly three digits groups thousands (`150.000`); with
    any other count of digits after it, it is a decimal point (`5.5`).

    >>> parse_digits("5,25"), parse_digits("3 500 000"), parse_digits("1\u202f200")
    (Decimal('5.25'), Decimal('3500000'), Decimal('1200'))
    >>> parse_digits("150.000"), parse_digits("9.888"), parse_digits("5.5"), parse_digits("3.1416")
    (Decimal('150000'), Decimal('9888'), Decimal('5.5'), Decimal('3.1416'))
    >>> parse_digits("1.234.567,8"), parse_digits("1'250'000")
    (Decimal('1234567.8'), Decimal('1250000'))
    >>> parse_digits("(3,4)"), parse_digits("– 2,7"), parse_digits("+12"), parse_digits("−0,5")
    (Decimal('-3.4'), Decimal('-2.7'), Decimal('12'), Decimal('-0.5'))
    >>> parse_digits("12 ans")
    Traceback (most recent call last):
    extractor.numbers.NumberError: not a French number: '12 ans'
    """
    body = text.strip(SPACES)
    negative = False
    if body.startswith("(") and body.endswith(")"):
        negative, body = True, body[1:-1].strip(SPACES)
    if body[:1] and body[0] in SIGNS:
        negative, body = body[0] in MINUS_SIGNS, body[1:].lstrip(SPACES)
    for mark in _GROUP_MARKS:
        body = body.replace(mark, "")
    if "," in body:
        whole, _, fraction = body.partition(",")
        body = whole.replace(".", "") + "." + fraction
    elif body.count(".") == 1 and len(body.partition(".")[2]) != 3:
        pass  # a decimal point: 5.5, 0.25
    else:
        body = body.replace(".", "")
    if not re.fullmatch(r"\d+(?:\.\d+)?", body):
        raise NumberError(f"not a French number: {text!r}")
    value = Decimal(body)
    return -value if negative else value


def is_whole(written: str) -> bool:
    """Whether a number in digits is written without a fractional part (shape only).

    >>> is_whole("12"), is_whole("150.000"), is_whole("1 200"), is_whole("12,50"), is_whole("5.5")
    (True, True, True, False, False)
    """
    return "," not in written and re.search(r"\.(?!\d{3}(?!\d))", written) is None


def parse_words(text: str) -> Decimal:
    """The value of a number written in words, through text2num.

    >>> parse_words("trois millions"), parse_words("vingt-cinq"), parse_words("septante")
    (Decimal('3000000'), Decimal('25'), Decimal('70'))
    >>> parse_words("un milliard et demi"), parse_words("deux millions et demi"), parse_words("trois et demie")
    (Decimal('1500000000'), Decimal('2500000'), Decimal('3.5'))
    >>> parse_words("UN MILLION D'")
    Traceback (most recent call last):
    extractor.numbers.NumberError: not a French number in words: "UN MILLION D'"
    """
    words = " ".join(text.translate(PLAIN).lower().split())
    half = Decimal(0)
    # the last connector of the text: "un milliard et demi"
    head, sep, tail = max((words.rpartition(f" {c} ") for c in _vocabulary().connectors), key=lambda p: len(p[0]))
    if sep and tail in _vocabulary().halves:
        words = head
        last = words.replace("-", " ").split()[-1]
        half = scale_factor(last, written="word") / 2 if is_scale(last, "word") else Decimal("0.5")
    try:
        return Decimal(text2num(words, "fr")) + half
    except ValueError:  # text2num's way of saying the words make no number
        raise NumberError(f"not a French number in words: {text!r}") from None


def value(written: str, sign: str | None = None) -> Decimal:
    """The value of a number as detection found it: in digits (or in parentheses, negative)
    or in words, with the sign written before it.

    >>> value("5,25"), value("trois", "-"), value("(3,4)"), value("12", "+")
    (Decimal('5.25'), Decimal('-3'), Decimal('-3.4'), Decimal('12'))
    """
    in_digits = written[:1].isdigit() or written[:1] == "("
    found = parse_digits(written) if in_digits else parse_words(written)
    return -found if sign and sign.strip() in MINUS_SIGNS else found


def to_string(value: Decimal) -> str:
    """An exact decimal as the contract writes it: no exponent, no trailing zeros.

    >>> to_string(Decimal("5.25") * Decimal("1E6")), to_string(Decimal("4.50")), to_string(Decimal("-0.5"))
    ('5250000', '4.5', '-0.5')
    """
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "0") else text


# --- scale words ---------------------------------------------------------------

@dataclass(frozen=True)
class Scales:
    factors: dict[tuple[str, str], Decimal]  # (kind, key) -> factor; words keyed lower-case
    words: tuple[str, ...]
    abbreviations: tuple[str, ...]
    after_currency: tuple[str, ...]


_SCALE_KINDS = ("words", "abbreviations", "after_currency")


@per_folder
def scales() -> Scales:
    """Scale words from models/lexicon/scales.json, checked on load."""
    rows = load_json("lexicon/scales.json").get("scales")
    if not isinstance(rows, list):
        raise LexiconError("lexicon/scales.json: expected a list under 'scales'")
    factors: dict[tuple[str, str], Decimal] = {}
    seen: dict[str, list[str]] = {kind: [] for kind in _SCALE_KINDS}
    for row in rows:
        try:
            factor = Decimal(row["factor"])
        except (KeyError, TypeError, InvalidOperation):
            raise LexiconError(f"lexicon/scales.json: bad or missing factor in {row!r}") from None
        for kind in _SCALE_KINDS:
            forms = row.get(kind, [])
            if not (isinstance(forms, list) and all(isinstance(f, str) and f.strip() for f in forms)):
                raise LexiconError(f"lexicon/scales.json: {kind} of {row['factor']} must be a list of strings")
            for form in forms:
                key = ("word", form.lower()) if kind == "words" else ("abbr", form)
                if key in factors:
                    raise LexiconError(f"lexicon/scales.json: {form!r} is listed twice")
                factors[key] = factor
                seen[kind].append(form)
    return Scales(factors, *(tuple(seen[k]) for k in _SCALE_KINDS))


def is_scale(form: str, written: str) -> bool:
    """Whether `form` is a scale `word` (any case) or `abbr` (exact)."""
    key = ("word", form.lower()) if written == "word" else ("abbr", form)
    return key in scales().factors


def scale_factor(form: str, written: str | None = None) -> Decimal:
    """×10³, ×10⁶ or ×10⁹ for a scale word or abbreviation as written.

    >>> scale_factor("Milliards"), scale_factor("k"), scale_factor("M"), scale_factor("Mds")
    (Decimal('1000000000'), Decimal('1000'), Decimal('1000000'), Decimal('1000000000'))
    """
    table = scales().factors
    for key in (("abbr", form), ("word", form.lower())):
        if written in (None, key[0]) and key in table:
            return table[key]
    raise NumberError(f"not a scale word: {form!r}")


# --- pattern pieces (regex source) -----------------------------------------------

@dataclass(frozen=True)
class Vocabulary:
    words: tuple[str, ...]
    connectors: tuple[str, ...]
    halves: tuple[str, ...]


@per_folder
def _vocabulary() -> Vocabulary:
    table = string_table("lexicon/number_words.json")
    for word in table["words"]:
        try:
            text2num(word, "fr")
        except ValueError:
            raise LexiconError(f"lexicon/number_words.json: text2num cannot read {word!r}") from None
    return Vocabulary(tuple(table["words"]), tuple(table["connectors"]), tuple(table["halves"]))


def is_number_word(word: str) -> bool:
    """Whether `word` (any case) may be part of a number in words (`cent`, `trois`)."""
    return word.lower() in _vocabulary().words


_QUANTITIES = "lexicon/quantities.json"
# The tables of quantities.json and the keys the code reads in each.
_QUANTITY_TABLES = {"ranges": ("between", "and", "to"), "currency_of": ("words",),
                    "lone_articles": ("words",), "sign_after": ("after_space", "anywhere")}


@per_folder
def quantity_words(table: str) -> dict[str, tuple[str, ...]]:
    """One table of quantities.json, checked to hold exactly the keys the code reads."""
    found, expected = string_table(_QUANTITIES, table), _QUANTITY_TABLES[table]
    for key in (*expected, *found):
        if key not in expected or key not in found:
            reason = "missing" if key not in found else "read by no loader"
            raise LexiconError(f"{_QUANTITIES} {table}/{key}: {reason}")
    return {k: tuple(v) for k, v in found.items()}


def load_quantity_words() -> None:
    """Read and check every table of quantities.json now (at pipeline build), not on first use."""
    for table in _QUANTITY_TABLES:
        quantity_words(table)


def range_pieces() -> tuple[str, str]:
    """The regex source of a range opener (group `entre`, not part of the range) and of
    the separator of the two ends: a dash, or a word (`et` only after the opener)."""
    words = quantity_words("ranges")
    opener = rf"(?:(?<![\w])(?P<entre>(?i:{alternation(words['between'])})){SP}{{1,3}})?"
    after_opener, alone = alternation(words["and"] + words["to"]), alternation(words["to"])
    separator = rf"(?:-|{SP}?–{SP}?|{SP}{{1,2}}(?(entre)(?i:{after_opener})|(?i:{alone})){SP}{{1,2}})"
    return opener, separator


# A number never starts inside a word, a number or a decimal (`3,5`, `1.250`).
START = r"(?<![\w.,])(?<!\d['’])"
# No quantity starts inside a word: every way an amount or a percentage can begin
# (number, sign, range opener, currency) is already not preceded by a letter.
NOT_IN_WORD = r"(?<![^\W\d_])"


def quantity_regex(source: str) -> re.Pattern[str]:
    """A quantity pattern, `NOT_IN_WORD` stated first: the regex engine tries every
    position, and inside a word the attempt now stops at once instead of trying each
    alternative (half the scanning time of the money and percent patterns). It must not
    change what the pattern finds (tests/test_numbers.py compares with and without)."""
    return re.compile(rf"{NOT_IN_WORD}(?:{source})")
_GROUPED = r"\d{1,3}(?:[ \u00a0\u202f.'’]\d{3}){1,6}(?!\d)(?:,\d{1,12})?"
_PLAIN = r"\d{1,15}(?:,\d{1,12}|\.(?:\d{4,12}|\d{1,2}))?"
DIGITS = rf"(?:{_GROUPED}|{_PLAIN})(?![\d])"
# A sign is glued to its number. Followed by a space, a dash is usually
# punctuation (`Challenge - 600 k €`) or a list bullet at the start of a line, so it
# is a sign only when a no-break space glues it to the number (`–\u00a0412 M€`, as
# French typography does), after `:` `(` `=` or a word of quantities.json `sign_after`
# (`ressort à – 412`), or at the very start of the text (a lone expression). U+2212 is
# always a minus.
@per_folder
def sign_pattern() -> str:
    words = quantity_words("sign_after")
    after_words = "".join(rf"|(?<=\s{re.escape(w)} )" for w in words["after_space"])
    after_words += "".join(rf"|(?<={re.escape(w)} )" for w in words["anywhere"])
    context = rf"(?:\A|(?<=[:(=][ \u00a0\u202f])|(?<=[:(=]){after_words})"
    return (
        r"(?:(?<![\w.,%)])[-–−+](?=\d)"
        r"|(?<![\w.,%)])[-–−+][\u00a0\u202f](?=\d)"
        rf"|{context}[-–−+] (?=\d)"
        r"|(?<![\w.,%)])− (?=\d))"
    )


# A range never starts with a year: `passé de 12 M€ en 2018 à 63,8 M€` is one amount.
# Inside `entre ... et ...` the reader has been told a range follows, so a
# year-like number is allowed there (`entre 2000 et 3000 €`).
NOT_AFTER_YEAR = r"(?(entre)|(?<!(?<![\d.,])(?:19|20)\d\d))"


def words_pattern() -> str:
    """A number in words: number words joined by hyphens, spaces or `et`."""
    vocab = _vocabulary()
    word = rf"(?:{alternation(vocab.words)})(?![\w])"
    # `millions d'euros` alone (`des millions d'euros`) has no number: a million or
    # more must follow a number word. `mille euros` is a thousand euros.
    leading = [w for w in vocab.words if not (is_scale(w, "word") and scale_factor(w, "word") > 1000)]
    first_word = rf"(?:{alternation(leading)})(?![\w])"
    joint = rf"(?:-|{SP}{{1,2}}|{SP}{{1,2}}(?:{alternation(vocab.connectors)}){SP}{{1,2}}|-(?:{alternation(vocab.connectors)})-)"
    half = rf"(?:{SP}{{1,2}}(?:{alternation(vocab.connectors)}){SP}{{1,2}}(?:{alternation(vocab.halves)})(?![\w]))"
    first = "".join(sorted({w[0].lower() for w in vocab.words} | {w[0].upper() for w in vocab.words}))
    # The lookahead on first letters keeps a failing attempt cheap at every position.
    return rf"(?<![\w-])(?=[{re.escape(first)}])(?i:{first_word}(?:{joint}{word}){{0,12}}{half}?)"


def connector_pattern() -> str:
    """The word joining two parts of one quantity (`vingt et un`, `3 euros et 40 centimes`)."""
    return rf"(?i:{alternation(_vocabulary().connectors)})"


def half_pattern() -> str:
    """`et demi` after a scale word: `1 million et demi`."""
    vocab = _vocabulary()
    return rf"(?i:{SP}{{1,2}}(?:{alternation(vocab.connectors)}){SP}{{1,2}}(?:{alternation(vocab.halves)})(?![\w]))"


def quantity_mention(label: str, cand, low: Decimal, high: Decimal | None, **fields) -> Mention:
    """The mention of an amount or a percentage: exact value strings and the qualifier of its cue."""
    from .cues import qualifier
    from .records import Mention

    return Mention(
        label, cand.text, cand.start, cand.end,
        value=to_string(low),
        high=to_string(high) if high is not None else None,
        qualifier=qualifier(cand.cue, "quantity"),
        **fields,
    )
