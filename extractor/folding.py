"""Text folding shared by every look-up of written forms.

Releases write the same word with a typographic or a straight apostrophe, with
no-break or ordinary spaces, with or without accents (capitals often lose them).
Every table that is looked up by such a key folds with these pieces, so that the
data and the text meet on the same spelling.
"""
from __future__ import annotations

import unicodedata

__all__ = ["PLAIN", "without_accents"]

# Apostrophes and the spaces of French typography, made plain.
PLAIN = str.maketrans({"’": "'", "ʼ": "'", "\u00a0": " ", "\u202f": " "})


def without_accents(text: str, *, compatibility: bool = True) -> str:
    """`text` with its combining marks dropped; `compatibility` also unfolds ligatures
    and superscripts (`ﬁ` -> `fi`, `ᵉʳ` -> `er`), which a pattern built from data must not.

    >>> without_accents("Île-de-France"), without_accents("1ᵉʳ"), without_accents("1ᵉʳ", compatibility=False)
    ('Ile-de-France', '1er', '1ᵉʳ')
    """
    decomposed = unicodedata.normalize("NFKD" if compatibility else "NFD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))
