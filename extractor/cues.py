"""Qualifier cues: words before a quantity or date that bound or hedge it.

Detection calls `find_cue` to record the cue written before a span (the cue is
never part of the span); resolution calls `qualifier` to turn it into a value.
"""
from __future__ import annotations

import re

from .folding import PLAIN
from .lexicon import string_table, per_folder

__all__ = ["KINDS", "load", "find_cue", "qualifier", "window"]

KINDS = ("quantity", "date")
_FILE = "lexicon/cues.json"
# How far before a span a cue is looked for is the longest written cue plus this
# allowance: the character before the cue and an elided `de` it may follow (`d'au
# moins`), and white space beyond single spaces (a line break and an indent) between
# its words and before the span.
_ALLOWANCE = 17


@per_folder
def _elisions() -> dict[str, tuple[str, ...]]:
    """Each word a cue may end with, and its elided forms (`de` -> `d'`)."""
    return {word: tuple(forms) for word, forms in string_table(_FILE, "elisions").items()}


def _forms(cue: str) -> list[str]:
    """Every written form of a cue: `de` elides to `d'` before a vowel.

    >>> _forms("près de")
    ['près de', "près d'"]
    """
    forms = [cue]
    for word, elided in _elisions().items():
        if cue.endswith(" " + word):
            forms.extend(cue[:-len(word)] + e for e in elided)
    return forms


@per_folder
def window() -> int:
    """How many characters before a span `find_cue` reads: the longest cue of any kind,
    so that a longer cue added to the data is still seen whole, plus the allowance."""
    return max(len(form) for kind in KINDS for form in _tables(kind)[1]) + _ALLOWANCE


@per_folder
def _tables(kind: str) -> tuple[re.Pattern[str], dict[str, str]]:
    table = string_table(_FILE, kind)
    to_qualifier: dict[str, str] = {}
    for qual, cues in table.items():
        for cue in cues:
            for form in _forms(cue.lower()):
                to_qualifier.setdefault(form, qual)
    alternatives = sorted(to_qualifier, key=len, reverse=True)
    # A cue ends right before the span: after it comes white space, or nothing when
    # it ends in an apostrophe or hyphen (`d'ici2032` is not French, `plus d'1` is).
    # It starts a word, or follows an elided `de` that adds nothing to its meaning
    # (`croître d'environ 14 %`, `d'au moins 2 M€`).
    body = "|".join(re.escape(a).replace(r"\ ", r"\s+") for a in alternatives)
    elided = "".join(rf"|(?<=(?<!\w){re.escape(e)})" for forms in _elisions().values() for e in forms)
    pattern = re.compile(rf"(?:(?<![\w'-]){elided})(?:{body})(?:(?<=['-])|\s+)$", re.IGNORECASE)
    return pattern, to_qualifier


def load(kind: str) -> None:
    """Read and check the cues of `kind` now (at pipeline build) rather than on first use."""
    _tables(kind)


def find_cue(text: str, start: int, kind: str) -> tuple[int, str] | None:
    """The cue written immediately before `start`, as (cue start offset, cue text).

    >>> find_cue("capte moins de 10%", 15, "quantity")
    (6, 'moins de')
    >>> find_cue("plus d'1 Milliard", 7, "quantity")
    (0, "plus d'")
    >>> find_cue("il capte 10%", 9, "quantity") is None
    True
    >>> find_cue("croître d'environ 14 %", 18, "quantity")
    (10, 'environ')
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
    pattern, _ = _tables(kind)
    lo = max(0, start - window())
    match = pattern.search(text[lo:start].translate(PLAIN))
    if match is None:
        return None
    return lo + match.start(), text[lo + match.start():start].rstrip()


def qualifier(cue: str | None, kind: str) -> str | None:
    """The qualifier a cue stands for.

    >>> qualifier("près d'", "quantity"), qualifier("dès", "date"), qualifier("dès", "quantity")
    ('approx', 'from', 'ge')
    """
    if cue is None:
        return None
    _, to_qualifier = _tables(kind)
    key = re.sub(r"\s+", " ", cue.translate(PLAIN).lower())
    return to_qualifier.get(key)
