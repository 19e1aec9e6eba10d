"""Texts longer than spaCy's `nlp.max_length`.

`max_length` guards the memory of the statistical components (tok2vec, ner),
whose cost grows with the length of a Doc. Those run here on pieces cut at
paragraph, then sentence, then word boundaries; the pieces are joined back into
one Doc over the whole text, and the project's rule components run on that Doc,
so every offset they produce is relative to the whole text and they see the
document's full context (document date, country, ...).
"""
from __future__ import annotations

import re

from spacy.language import Language
from spacy.pipeline import TrainablePipe
from spacy.tokens import Doc

from .components import remember_text

__all__ = ["split_text", "doc_in_pieces"]

# Best boundary first. Each pattern's match ends where the next piece starts, so
# the white space between pieces stays with the earlier one.
_BOUNDARIES = (
    re.compile(r"\n[ \t\r\f]*\n\s*"),  # paragraph break
    re.compile(r"[.!?…»][ \t]+|\n\s*"),  # end of sentence or line
    re.compile(r"\s+"),  # between words
)


def split_text(text: str, limit: int) -> list[str]:
    """Cut `text` into consecutive pieces of at most `limit` characters.

    >>> split_text("Un. Deux.\\n\\nTrois quatre.", 13)
    ['Un. Deux.\\n\\n', 'Trois quatre.']
    >>> "".join(split_text("abcdefghij", 4))
    'abcdefghij'
    """
    if limit < 1:
        raise ValueError(f"limit must be positive, got {limit}")
    pieces = []
    start = 0
    while len(text) - start > limit:
        cut = _cut(text, start, limit)
        pieces.append(text[start:cut])
        start = cut
    pieces.append(text[start:])
    return pieces


def _cut(text: str, start: int, limit: int) -> int:
    window = text[start:start + limit]
    # A cut in the first quarter of the window would leave many tiny pieces; a
    # worse boundary further on is the better trade.
    floor = limit // 4
    for pattern in _BOUNDARIES:
        last = None
        for match in pattern.finditer(window):
            if match.end() > floor and match.end() <= limit:
                last = match.end()
        if last is not None:
            return start + last
    return start + limit


def doc_in_pieces(nlp: Language, text: str, limit: int | None = None) -> Doc:
    """The Doc `nlp(text)` would give, with the statistical components run on pieces
    of at most `limit` characters (default `nlp.max_length`)."""
    pipeline = list(nlp.pipeline)
    n_stat = 0
    while n_stat < len(pipeline) and isinstance(pipeline[n_stat][1], TrainablePipe):
        n_stat += 1
    docs = []
    for piece in split_text(text, limit or nlp.max_length):
        doc = nlp.make_doc(piece)
        for _, proc in pipeline[:n_stat]:
            doc = proc(doc)
        docs.append(doc)
    # Each piece remembers its own text (user_data): the joined Doc remembers the whole.
    doc = Doc.from_docs(docs, ensure_whitespace=False, exclude=["user_data"])
    if doc.text != text:
        raise RuntimeError("joining the pieces of a long text did not give the text back")
    remember_text(doc, text)
    for _, proc in pipeline[n_stat:]:
        doc = proc(doc)
    return doc
