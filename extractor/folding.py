"""Text folding shared by every look-up of written forms, and the one way data
phrases become a regex alternation.

Releases write the same word with a typographic or a straight apostrophe, with
no-break or ordinary spaces, with or without accents (capitals often lose them).
Every table that is looked up by such a key folds with these pieces, so that the
data and the text meet on the same spelling.
"""
from __future__ import annotations

import re
import unicodedata
from typing import Iterable

__all__ = ["PLAIN", "SP", "without_accents", "alternation"]

# Apostrophes and the spaces of French typography, made plain.
PLAIN = str.maketrans({"’": "'", "ʼ": "'", "\u00a0": " ", "\u202f": " "})
# One space of any kind French typography uses (and a tab).
SP = r"[ \u00a0\u202f\t]"


def without_accents(text: str, *, compatibility: bool = True) -> str:
    """`text` with its combining marks dropped; `compatibility` also unfolds ligatures
    and superscripts (`ﬁ` -> `fi`, `ᵉʳ` -> `er`), which a pattern built from data must not.

    >>> without_accents("Île-de-France"), without_accents("1ᵉʳ"), without_accents("1ᵉʳ", compatibility=False)
    ('Ile-de-France', '1er', '1ᵉʳ')
    """
    if text.isascii():
        return text  # no ASCII character decomposes: most words of a text are done here
    decomposed = unicodedata.normalize("NFKD" if compatibility else "NFD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def alternation(forms: Iterable[str], *, space: str = SP, unaccented: bool = False, apostrophes: bool = False) -> str:
    """A regex alternation of literal phrases, longest first (so the longest written form
    wins); a space in a phrase matches `space`. `unaccented` adds each phrase's spelling
    without accents (capitals often lose them); `apostrophes` lets `'` match `’` too.

    >>> alternation(["M", "Md", "milliard"])
    'milliard|Md|M'
    >>> alternation(["l'été"], space=" ", unaccented=True, apostrophes=True)
    "l['’]ete|l['’]été"
    >>> alternation([])
    '(?!)'
    """
    phrases = set(forms)
    if unaccented:
        phrases |= {without_accents(f, compatibility=False) for f in phrases}
    if not phrases:
        return "(?!)"  # an empty alternation would match everywhere
    out = []
    for phrase in sorted(phrases, key=lambda f: (-len(f), f)):
        escaped = re.escape(phrase).replace(r"\ ", space)
        out.append(escaped.replace("'", "['’]") if apostrophes else escaped)
    return "|".join(out)
