"""Token-level helpers for ORG spans: where a name runs, how to trim it, when to refuse it.

All functions take a Doc and token indices (end exclusive) and return indices or a
reason; none of them keeps state, so the detector can apply them in any order.
"""
from __future__ import annotations


import re
from functools import lru_cache

from spacy.attrs import IDX, IS_LOWER, IS_PUNCT, IS_SPACE, IS_TITLE, LENGTH, LIKE_NUM, SPACY
from spacy.tokens import Doc, Token

from ..components import doc_text, per_doc
from .data import Words, fold
from .names import is_acronym, legal_tokens

__all__ = [
    "MAX_NAME_TOKENS", "token_texts", "TokenView", "token_view", "starts_upper",
    "is_name_word", "chunk_forward", "chunk_backward", "sentence_initial", "chunk_domains", "territory_end",
    "document_places", "is_term_acronym", "repair", "rejection", "after_event_word",
    "line_is_upper"
]

MAX_NAME_TOKENS = 8
_URLISH = re.compile(r"@|^www\.|^https?:|\.(fr|com|org|net|eu)/", re.I)
_CODE = re.compile(r"^[A-Z]{1,4}-?\d[\w-]*$|;")  # Q3, C42, CET1, NCT04873312, TL;DR: codes, not names
_CUT = {"|", "–", "—", "(", ")", ":", ",", ";", "«", "»", '"', "“", "”", "!", "?", "•"}
_POSTCODE = re.compile(r"^\d{5}$")
_DEPARTMENT = re.compile(r"^(\d{2,3}|2[AB])$")
# Lowercase words that continue a ministry's domains: adjectives (industrielle, numérique, supérieur).
_ADJECTIVE = re.compile(r"(elle|elles|el|els|ique|iques|aire|aires|ale|ales|al|aux|ieur|ieure|if|ive|ée|ées|ère|ier|able|ible)$")


def token_texts(doc: Doc) -> list[str]:
    """Every token's text, read once per Doc: each `doc[i]` or pass over the Doc builds new Token objects."""
    return token_view(doc).texts


# The token attributes the rules read, taken from the Doc's arrays in one call: no Token objects.
_ATTRS = [IDX, LENGTH, IS_SPACE, IS_LOWER, SPACY, LIKE_NUM, IS_PUNCT, IS_TITLE]


class TokenView:
    """What the rules ask of tokens, read once per Doc into plain lists (spaCy builds a
    new Token object at every `doc[i]`, and the rules ask the same tokens many times)."""

    __slots__ = ("texts", "idx", "ends", "breaks", "lower", "ws", "space", "like_num", "punct", "title", "lower_")

    def __init__(self, doc: Doc):
        columns = doc.to_array(_ATTRS).T.tolist() if len(doc) else [[] for _ in _ATTRS]
        self.idx, lengths, space, lower, ws, like_num, punct, title = columns
        text = doc_text(doc)
        self.texts = [text[i : i + n] for i, n in zip(self.idx, lengths)]
        self.ends = [i + n for i, n in zip(self.idx, lengths)]
        self.space = [bool(x) for x in space]
        # breaks[i]: a line break separates token i-1 from token i. spaCy's trailing
        # whitespace is one plain space at most, so only a whitespace token holds a break.
        self.breaks = [False] + self.space[:-1]
        self.lower = [bool(x) for x in lower]
        self.ws = [bool(x) for x in ws]
        self.like_num = [bool(x) for x in like_num]
        self.punct = [bool(x) for x in punct]
        self.title = [bool(x) for x in title]
        self.lower_ = [t.lower() for t in self.texts]

    def text(self, doc: Doc, start: int, end: int) -> str:
        return doc_text(doc)[self.idx[start] : self.ends[end - 1]]


def token_view(doc: Doc) -> TokenView:
    return per_doc(doc, "org_token_view", TokenView)


def starts_upper(tok: Token) -> bool:
    return tok.text[:1].isupper()


def is_name_word(tok: Token, words: Words) -> bool:
    """A word that can be part of a name on its own: capitalised, or a number after one."""
    return _name_word(tok.text)


@lru_cache(maxsize=1 << 16)
def _name_word(text: str) -> bool:
    """`is_name_word` on a token's text (pure, and asked of the same words again and again)."""
    if text.isspace() or "\n" in text or text in _CUT:
        return False
    if _URLISH.search(text):
        return False
    return text[:1].isupper() or text == "&"


def _breaks_line(doc: Doc, i: int) -> bool:
    """True when a line break separates token i-1 from token i."""
    return i > 0 and token_view(doc).breaks[i]


def chunk_forward(doc: Doc, i: int, words: Words) -> int:
    """End of the capitalised name starting at token i (i itself when there is none)."""
    view = token_view(doc)
    texts, breaks = view.texts, view.breaks
    n = len(texts)
    if i >= n or not _name_word(texts[i]) or texts[i] == "&":
        return i
    end, j = i + 1, i + 1
    while j < n and j - i < MAX_NAME_TOKENS and not breaks[j]:
        text = texts[j]
        if _name_word(text) or (view.like_num[j] and not view.punct[j]):
            end = j = j + 1
            continue
        if words.has("connectors", text):
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
        if (is_name_word(tok, words) and tok.text != "&") or _glued_lowercase(doc, j):
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


def _glued_lowercase(doc: Doc, j: int) -> bool:
    """`up` in `Léman Start-up Fund`: a lowercase part hyphen-glued to a capitalised word."""
    return (
        doc[j].is_lower
        and j > 1
        and doc[j - 1].text == "-"
        and not doc[j - 1].whitespace_
        and not doc[j - 2].whitespace_
        and starts_upper(doc[j - 2])
    )


_OPENERS = frozenset({".", "!", "?", ":", "«", "»", "-", "–", "—", "|", "•", "·", "▪", "*"})


def sentence_initial(doc: Doc, i: int) -> bool:
    # bullets open a line of their own: `• Capitalisation boursière`
    return i == 0 or _breaks_line(doc, i) or token_texts(doc)[i - 1] in _OPENERS


def chunk_domains(doc: Doc, i: int, words: Words) -> int:
    """End of a ministry's name: its capitalised domains joined by `, des` / `et de la`, with their adjectives."""
    end = chunk_forward(doc, i, words)
    if end == i:
        return i
    j = end
    while j < len(doc) and not _breaks_line(doc, j):
        tok = doc[j]
        if tok.is_lower and _ADJECTIVE.search(tok.text) and starts_upper(doc[j - 1]):
            end = j = j + 1
            continue
        nxt = doc[j + 1] if j + 1 < len(doc) else None
        if tok.lower_ == "et" and nxt is not None and nxt.is_lower and _ADJECTIVE.search(nxt.text) and doc[j - 1].is_lower:
            end = j = j + 2  # Souveraineté industrielle et numérique
            continue
        k = j + 1 if tok.text == "," or tok.lower_ == "et" else j
        if k == j or k >= len(doc) or doc[k].lower_ not in words.as_written["of"]:
            break  # `ministère de la Culture et Bpifrance`: a new name, not a domain
        k += 1
        if k < len(doc) and doc[k].lower_ in words.as_written["article_after_of"]:
            k += 1
        stop = chunk_forward(doc, k, words)
        if stop == k:
            break
        end = j = stop
    return end


def territory_end(doc: Doc, end: int, words: Words, places: frozenset[str]) -> int:
    """`Centre de recherche informatique` + `de Montréal`: where the territory completing a name ends (end when none)."""
    j = end
    if j >= len(doc) or doc[j].lower_ not in words.as_written["of"]:
        return end
    j += 1
    if j < len(doc) and doc[j].lower_ in words.as_written["article_after_of"]:
        j += 1
    stop = chunk_forward(doc, j, words)
    if stop == j:
        return end
    name = doc[j:stop]
    if fold(name.text) in places or words.has("places", name.text) or all(t.ent_type_ == "LOC" or t.is_punct for t in name):
        return stop
    return end


def document_places(doc: Doc, words: Words) -> frozenset[str]:
    """Names the document itself shows to be places: `26000 Valmont`, `GRASSE (06)`, `fondée en 1921 à Sheffield`,
    a dateline `Lyon, le 3 mars`. The NER often tags such towns ORG. Computed once per document."""
    return per_doc(doc, "org_places", lambda d: _document_places(d, words))


def _document_places(doc: Doc, words: Words) -> frozenset[str]:
    found = set()
    for i, text in enumerate(token_texts(doc)):
        head = text[:1]
        if not (head.isupper() or head.isdigit() or text == "(" or text.lower() in words.as_written["at"]):
            continue  # no case below can hold; building a Token for every word was most of the cost
        tok = doc[i]
        first = None
        if _POSTCODE.match(tok.text):
            first = i + 1
        elif tok.lower_ in words.as_written["at"] and i > 0 and (
            words.has("located_verbs", doc[i - 1].text) or (doc[i - 1].like_num and i > 1 and doc[i - 2].lower_ == "en")
        ):
            first = i + 1
        elif starts_upper(tok) and (i == 0 or _breaks_line(doc, i)):
            stop = chunk_forward(doc, i, words)
            after = doc[stop : stop + 3]
            if len(after) == 3 and after[0].text == "," and (after[1].lower_ == "le" and after[2].like_num or after[1].like_num):
                found.add(fold(doc[i:stop].text))
        if first is not None and first < len(doc) and starts_upper(doc[first]):
            found.add(fold(doc[first : chunk_forward(doc, first, words)].text))
        if tok.text == "(" and 0 < i and i + 2 < len(doc) and _DEPARTMENT.match(doc[i + 1].text) and doc[i + 2].text == ")":
            start = chunk_backward(doc, i, words)
            if start < i:
                found.add(fold(doc[start:i].text))
    return frozenset(found)


def is_term_acronym(doc: Doc, start: int, end: int, words: Words) -> bool:
    """`le ratio de liquidité à court terme (LCR)`: an acronym the text defines by a common-noun phrase,
    or a stock ticker (`Euronext Paris : ALTR`, `mnémonique HYDRL`), is not an organisation."""
    if end - start != 1 or not is_acronym(doc[start].text):
        return False
    before = doc[start - 1] if start > 0 else None
    if before is not None and words.has("ticker_words", before.text):
        return True
    if before is not None and before.text == ":" and any(words.has("ticker_words", t.text) for t in doc[max(0, start - 5) : start - 1]):
        return True
    if before is None or before.text != "(" or end >= len(doc) or doc[end].text not in {")", ","}:
        return False
    j, seen = start - 2, 0
    while j >= 0 and seen < 8:
        tok = doc[j]
        if tok.is_punct or tok.is_space or _breaks_line(doc, j + 1):
            break
        if words.has("determiners", tok.text) and tok.lower_ not in words.as_written["of"]:
            if j > 0 and doc[j - 1].lower_ in words.as_written["of"] | words.as_written["prepositions"]:
                j -= 1
                continue  # `de la recherche`: the article sits inside the phrase
            break
        if starts_upper(tok):
            return False  # `Agence nationale de la recherche (ANR)`: a name defines it
        j -= 1
        seen += 1
    return seen > 0


def repair(
    doc: Doc, start: int, end: int, words: Words, keep_article: bool = False, keep_last: bool = False, keep_commas: bool = False
) -> tuple[int, int]:
    """Trim a proposed span to the name: cut at separators, drop titles and determiners.

    `keep_last`: the evidence is after the span (X SAS, X (Euronext...)), so when a
    separator splits it the part next to the evidence is the name. `keep_commas`: the commas
    list a ministry's domains (`ministère de l'Économie, des Finances`).
    """
    if keep_last:
        for k in range(end - 1, start - 1, -1):
            tok = doc[k]
            comma_before_legal_form = tok.text == "," and k + 1 < end and fold(doc[k + 1].text) in legal_tokens()
            if (tok.text in _CUT and not comma_before_legal_form) or tok.is_space or "\n" in tok.text or _breaks_line(doc, k + 1) and k + 1 < end:
                start = k + 1
                break
    for k in range(start, end):
        tok = doc[k]
        before_legal_form = tok.text == "," and k + 1 < end and fold(doc[k + 1].text) in legal_tokens()
        before_legal_form = before_legal_form or (keep_commas and tok.text == ",")
        separator = (tok.text in _CUT and not before_legal_form) or (tok.text == "-" and tok.whitespace_) or "\n" in tok.text or tok.is_space
        # `Université Paris-Saclay/CNRS/Inserm` lists three bodies; `A/S` is a legal form
        separator = separator or (tok.text == "/" and not (doc[k - 1].text == "A" and k + 1 < len(doc) and doc[k + 1].text == "S"))
        if separator or _URLISH.search(tok.text):
            if k > start:
                end = k
                break
            start = k + 1
    # `UMR 6074 IRISA`: a research unit's code number comes before its name
    while start + 2 < end and fold(doc[start].text) in words.lists["unit_codes"] and doc[start + 1].like_num:
        start += 2
    while start < end:
        tok = doc[start]
        low = fold(tok.text)
        if low in words.lists["lowercase_heads"] and start + 1 < end:
            break
        title_or_connector = words.has("titles", tok.text) or words.has("connectors", tok.text)
        article = words.has("determiners", tok.text) and (tok.is_lower or not keep_article or sentence_initial(doc, start))
        if title_or_connector or article or tok.is_lower or tok.is_punct:
            start += 1
            continue
        break
    for k in range(start + 1, end):
        if doc[k].is_lower and words.has("trailing_roles", doc[k].text):
            end = k
            break
    while end > start and (words.has("connectors", doc[end - 1].text) or doc[end - 1].is_punct and doc[end - 1].text not in {".", "&"}):
        end -= 1
    return start, end


def rejection(doc: Doc, start: int, end: int, words: Words) -> str | None:
    """Why the span is not an organisation name, or None when nothing speaks against it."""
    if start >= end:
        return "empty"
    view = token_view(doc)
    texts = view.texts[start:end]
    text = view.text(doc, start, end)
    folded = fold(text)
    if not any(ch.isalpha() for ch in text):
        return "no letters"
    if len(texts) == 1 and _CODE.search(text):
        return "code"
    if any(_URLISH.search(t) for t in texts) or "|" in text:
        return "url, email or header"
    if any(j in folded for j in words.lists["junk"]):
        return "header junk"
    for list_name in ("places", "events", "programmes", "common_nouns", "months_days", "acronym_stoplist"):
        if folded in words.lists[list_name]:
            return list_name
    if words.has("non_org_heads", texts[0]):
        return "programme, project or building"
    if view.lower[start] and fold(texts[0]) not in words.lists["lowercase_heads"]:
        return "lowercase"
    if len(texts) == 1 and len(text) < 2:
        return "too short"
    return None


def after_event_word(doc: Doc, start: int, words: Words) -> bool:
    """The span names an event, programme or product: `le challenge « AI for Health »`."""
    texts = token_texts(doc)
    j = start - 1
    while j >= 0 and texts[j] in {"«", '"', "“", "'"}:
        j -= 1
    return j >= 0 and words.has("event_words", texts[j])


def line_is_upper(doc: Doc, i: int) -> bool:
    """The line holding token i is written in capitals (a headline): NER is unreliable there."""
    text = doc_text(doc)
    char = token_view(doc).idx[i]
    lo = text.rfind("\n", 0, char) + 1
    known = per_doc(doc, "upper_lines", lambda d: {})
    if lo not in known:
        hi = text.find("\n", char)
        letters = "".join(filter(str.isalpha, text[lo : hi if hi >= 0 else len(text)]))
        known[lo] = len(letters) >= 12 and sum(map(str.isupper, letters)) > 0.7 * len(letters)
    return known[lo]
