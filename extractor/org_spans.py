"""Token-level helpers for ORG spans: where a name runs, how to trim it, when to refuse it.

All functions take a Doc and token indices (end exclusive) and return indices or a
reason; none of them keeps state, so the detector can apply them in any order.
"""
from __future__ import annotations

import re

from spacy.tokens import Doc, Token

from .org_data import Words, fold
from .org_names import LEGAL_TOKENS

MAX_NAME_TOKENS = 8
_URLISH = re.compile(r"@|^www\.|^https?:|\.(fr|com|org|net|eu)/", re.I)
_CODE = re.compile(r"^[A-Z]{1,4}-?\d[\w-]*$|;")  # Q3, C42, CET1, NCT04873312, TL;DR: codes, not names
_CUT = {"|", "–", "—", "(", ")", ":", ",", ";", "«", "»", '"', "“", "”", "!", "?", "•"}
LOWERCASE_HEADS = {"lycee", "college", "ecole", "universite", "conservatoire", "groupe"}


def starts_upper(tok: Token) -> bool:
    return tok.text[:1].isupper()


def is_name_word(tok: Token, words: Words) -> bool:
    """A word that can be part of a name on its own: capitalised, or a number after one."""
    if tok.is_space or "\n" in tok.text or tok.text in _CUT:
        return False
    if _URLISH.search(tok.text):
        return False
    return starts_upper(tok) or tok.text == "&"


def _breaks_line(doc: Doc, i: int) -> bool:
    """True when a line break separates token i-1 from token i."""
    return i > 0 and ("\n" in doc[i - 1].whitespace_ or doc[i - 1].is_space)


def chunk_forward(doc: Doc, i: int, words: Words) -> int:
    """End of the capitalised name starting at token i (i itself when there is none)."""
    if i >= len(doc) or not is_name_word(doc[i], words) or doc[i].text == "&":
        return i
    end, j = i + 1, i + 1
    while j < len(doc) and j - i < MAX_NAME_TOKENS and not _breaks_line(doc, j):
        tok = doc[j]
        if is_name_word(tok, words) or (tok.like_num and not tok.is_punct):
            end = j = j + 1
            continue
        if words.has("connectors", tok.text):
            j += 1
            continue
        break
    return end


def chunk_backward(doc: Doc, end: int, words: Words, limit: int = 4) -> int:
    """Start of the capitalised name that ends at token `end` (end itself when none)."""
    start, j = end, end - 1
    while j >= 0 and end - j <= limit:
        tok = doc[j]
        if _breaks_line(doc, j + 1) and j + 1 < end:
            break
        if is_name_word(tok, words) and tok.text != "&":
            start = j
            j -= 1
            continue
        if words.has("connectors", tok.text) and start == j + 1:
            j -= 1
            continue
        break
    # A capitalised article opening a sentence is not part of the name.
    while start < end and words.has("determiners", doc[start].text) and sentence_initial(doc, start):
        start += 1
    return start


def sentence_initial(doc: Doc, i: int) -> bool:
    return i == 0 or _breaks_line(doc, i) or doc[i - 1].text in {".", "!", "?", ":", "«", "»", "-", "–", "|"}


def repair(doc: Doc, start: int, end: int, words: Words, keep_article: bool = False, keep_last: bool = False) -> tuple[int, int]:
    """Trim a proposed span to the name: cut at separators, drop titles and determiners.

    `keep_last`: the evidence is after the span (X SAS, X (Euronext...)), so when a
    separator splits it the part next to the evidence is the name.
    """
    if keep_last:
        for k in range(end - 1, start - 1, -1):
            tok = doc[k]
            comma_before_legal_form = tok.text == "," and k + 1 < end and fold(doc[k + 1].text) in LEGAL_TOKENS
            if (tok.text in _CUT and not comma_before_legal_form) or tok.is_space or "\n" in tok.text or _breaks_line(doc, k + 1) and k + 1 < end:
                start = k + 1
                break
    for k in range(start, end):
        tok = doc[k]
        before_legal_form = tok.text == "," and k + 1 < end and fold(doc[k + 1].text) in LEGAL_TOKENS
        separator = (tok.text in _CUT and not before_legal_form) or (tok.text == "-" and tok.whitespace_) or "\n" in tok.text or tok.is_space
        if separator or _URLISH.search(tok.text):
            if k > start:
                end = k
                break
            start = k + 1
    while start < end:
        tok = doc[start]
        low = fold(tok.text)
        if low in LOWERCASE_HEADS and start + 1 < end:
            break
        title_or_connector = words.has("titles", tok.text) or words.has("connectors", tok.text)
        article = words.has("determiners", tok.text) and (tok.is_lower or not keep_article or sentence_initial(doc, start))
        if title_or_connector or article or tok.is_lower or tok.is_punct:
            start += 1
            continue
        break
    while end > start and (words.has("connectors", doc[end - 1].text) or doc[end - 1].is_punct and doc[end - 1].text not in {".", "&"}):
        end -= 1
    return start, end


def rejection(doc: Doc, start: int, end: int, words: Words) -> str | None:
    """Why the span is not an organisation name, or None when nothing speaks against it."""
    if start >= end:
        return "empty"
    span = doc[start:end]
    text = span.text
    folded = fold(text)
    if not any(ch.isalpha() for ch in text):
        return "no letters"
    if len(span) == 1 and _CODE.search(text):
        return "code"
    if any(_URLISH.search(t.text) for t in span) or "|" in text:
        return "url, email or header"
    if any(j in folded for j in words.lists["junk"]):
        return "header junk"
    for list_name in ("places", "events", "programmes", "common_nouns", "months_days", "acronym_stoplist"):
        if folded in words.lists[list_name]:
            return list_name
    if span[0].is_lower and fold(span[0].text) not in LOWERCASE_HEADS:
        return "lowercase"
    if len(span) == 1 and len(text) < 2:
        return "too short"
    return None


def after_event_word(doc: Doc, start: int, words: Words) -> bool:
    """The span names an event, programme or product: `le challenge « AI for Health »`."""
    j = start - 1
    while j >= 0 and doc[j].text in {"«", '"', "“", "'"}:
        j -= 1
    return j >= 0 and words.has("event_words", doc[j].text)


def is_acronym(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    return len(letters) >= 2 and all(ch.isupper() for ch in letters)


def line_is_upper(doc: Doc, i: int) -> bool:
    """The line holding token i is written in capitals (a headline): NER is unreliable there."""
    text = doc.text
    char = doc[i].idx
    lo = text.rfind("\n", 0, char) + 1
    hi = text.find("\n", char)
    line = text[lo : hi if hi >= 0 else len(text)]
    letters = [ch for ch in line if ch.isalpha()]
    return len(letters) >= 12 and sum(ch.isupper() for ch in letters) > 0.7 * len(letters)
