"""Token-level helpers for ORG spans: where a name runs, how to trim it, when to refuse it.

All functions take a Doc and token indices (end exclusive) and return indices or a
reason; none of them keeps state, so the detector can apply them in any order.
"""
from __future__ import annotations


import re
from functools import lru_cache

from spacy.attrs import ENT_TYPE, IDX, IS_LOWER, IS_PUNCT, IS_SPACE, IS_TITLE, LENGTH, LIKE_NUM, SPACY
from spacy.tokens import Doc, Token

from ..components import doc_text, per_doc
from .data import Words, fold
from .names import is_acronym, legal_tokens

__all__ = [
    "MAX_NAME_TOKENS", "token_texts", "TokenView", "token_view", "starts_upper",
    "name_word", "chunk_forward", "chunk_backward", "sentence_initial", "chunk_domains", "territory_end",
    "document_places", "is_term_acronym", "repair", "rejection", "after_event_word",
    "line_is_upper", "URLISH", "any_of"
]

MAX_NAME_TOKENS = 8
URLISH = re.compile(r"@|^www\.|^https?:|\.(fr|com|org|net|eu)/", re.I)
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

    __slots__ = ("doc_text", "texts", "idx", "ends", "breaks", "lower", "ws", "space", "like_num", "punct", "title",
                 "lower_", "_ents", "_folded", "_urlish")

    def __init__(self, doc: Doc):
        self.doc_text = text = doc_text(doc)
        if len(doc):
            array = doc.to_array(_ATTRS)
            self.idx, self.ends = array[:, 0].tolist(), (array[:, 0] + array[:, 1]).tolist()
            # the flags as Python bools, converted by numpy in one call each
            self.space, self.lower, self.ws, self.like_num, self.punct, self.title = (array[:, 2:] != 0).T.tolist()
        else:
            self.idx, self.ends, self.space, self.lower, self.ws, self.like_num, self.punct, self.title = ([] for _ in range(8))
        self.texts = [text[i:j] for i, j in zip(self.idx, self.ends)]
        # breaks[i]: a line break separates token i-1 from token i. spaCy's trailing
        # whitespace is one plain space at most, so only a whitespace token holds a break.
        self.breaks = [False] + self.space[:-1]
        self.lower_ = [t.lower() for t in self.texts]
        self._ents: list[str] | None = None
        self._folded: list[str] | None = None
        self._urlish: list[bool] | None = None

    def ents(self, doc: Doc) -> list[str]:
        """Each token's NER label (`ent_type_`), "" outside entities; read on first use."""
        if self._ents is None:
            strings = doc.vocab.strings
            self._ents = [strings[h] if h else "" for h in doc.to_array(ENT_TYPE).tolist()] if len(doc) else []
        return self._ents

    @property
    def folded(self) -> list[str]:
        """Each token's text as the word lists hold their entries (`data.fold`), on first use."""
        if self._folded is None:
            self._folded = [fold(t) for t in self.texts]
        return self._folded

    @property
    def urlish(self) -> list[bool]:
        """Each token: part of a web or e-mail address, on first use."""
        if self._urlish is None:
            search = URLISH.search
            self._urlish = [search(t) is not None for t in self.texts]
        return self._urlish

    def text(self, doc: Doc, start: int, end: int) -> str:
        """`doc[start:end].text`, without building the Span."""
        return self.doc_text[self.idx[start] : self.ends[end - 1]]


def token_view(doc: Doc) -> TokenView:
    return per_doc(doc, "org_token_view", TokenView)


def starts_upper(tok: Token) -> bool:
    return tok.text[:1].isupper()


@lru_cache(maxsize=1 << 16)
def name_word(text: str) -> bool:
    """A word that can be part of a name on its own: capitalised, or a number after one.
    A function of the token's text alone, asked of the same words again and again: remembered."""
    if text.isspace() or "\n" in text or text in _CUT:
        return False
    if URLISH.search(text):
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
    if i >= n or not name_word(texts[i]) or texts[i] == "&":
        return i
    end, j = i + 1, i + 1
    while j < n and j - i < MAX_NAME_TOKENS and not breaks[j]:
        text = texts[j]
        if name_word(text) or (view.like_num[j] and not view.punct[j]):
            end = j = j + 1
            continue
        if words.has("connectors", text):
            j += 1
            continue
        break
    return end


def chunk_backward(doc: Doc, end: int, words: Words, limit: int = 4) -> int:
    """Start of the capitalised name that ends at token `end` (end itself when none)."""
    view = token_view(doc)
    texts = view.texts
    start, j = end, end - 1
    while j >= 0 and end - j <= limit:
        text = texts[j]
        if j + 1 < end and view.breaks[j + 1]:
            break
        if (name_word(text) and text != "&") or _glued_lowercase(view, j):
            start = j
            j -= 1
            continue
        if words.has("connectors", text) and start == j + 1:
            j -= 1
            continue
        break
    # A capitalised article opening a sentence is not part of the name.
    while start < end and words.has("determiners", texts[start]) and sentence_initial(doc, start):
        start += 1
    return start


def _glued_lowercase(view: TokenView, j: int) -> bool:
    """`up` in `Léman Start-up Fund`: a lowercase part hyphen-glued to a capitalised word."""
    return (
        view.lower[j]
        and j > 1
        and view.texts[j - 1] == "-"
        and not view.ws[j - 1]
        and not view.ws[j - 2]
        and view.texts[j - 2][:1].isupper()
    )


_OPENERS = frozenset({".", "!", "?", ":", "«", "»", "-", "–", "—", "|", "•", "·", "▪", "*"})


def sentence_initial(doc: Doc, i: int) -> bool:
    # bullets open a line of their own: `• Capitalisation boursière`
    view = token_view(doc)
    return i == 0 or view.breaks[i] or view.texts[i - 1] in _OPENERS


def chunk_domains(doc: Doc, i: int, words: Words) -> int:
    """End of a ministry's name: its capitalised domains joined by `, des` / `et de la`, with their adjectives."""
    end = chunk_forward(doc, i, words)
    if end == i:
        return i
    view = token_view(doc)
    texts, lower, low = view.texts, view.lower_, view.lower
    n = len(texts)
    j = end
    while j < n and not view.breaks[j]:
        if low[j] and _ADJECTIVE.search(texts[j]) and texts[j - 1][:1].isupper():
            end = j = j + 1
            continue
        if lower[j] == "et" and j + 1 < n and low[j + 1] and _ADJECTIVE.search(texts[j + 1]) and low[j - 1]:
            end = j = j + 2  # Souveraineté industrielle et numérique
            continue
        k = j + 1 if texts[j] == "," or lower[j] == "et" else j
        if k == j or k >= n or lower[k] not in words.as_written["of"]:
            break  # `ministère de la Culture et Bpifrance`: a new name, not a domain
        k += 1
        if k < n and lower[k] in words.as_written["article_after_of"]:
            k += 1
        stop = chunk_forward(doc, k, words)
        if stop == k:
            break
        end = j = stop
    return end


def territory_end(doc: Doc, end: int, words: Words, places: frozenset[str]) -> int:
    """`Centre de recherche informatique` + `de Montréal`: where the territory completing a name ends (end when none)."""
    view = token_view(doc)
    lower, n = view.lower_, len(view.texts)
    j = end
    if j >= n or lower[j] not in words.as_written["of"]:
        return end
    j += 1
    if j < n and lower[j] in words.as_written["article_after_of"]:
        j += 1
    stop = chunk_forward(doc, j, words)
    if stop == j:
        return end
    name = view.text(doc, j, stop)
    ent = view.ents(doc)
    if fold(name) in places or words.has("places", name) or all(ent[k] == "LOC" or view.punct[k] for k in range(j, stop)):
        return stop
    return end


def document_places(doc: Doc, words: Words) -> frozenset[str]:
    """Names the document itself shows to be places: `26000 Valmont`, `GRASSE (06)`, `fondée en 1921 à Sheffield`,
    a dateline `Lyon, le 3 mars`. The NER often tags such towns ORG. Computed once per document."""
    return per_doc(doc, "org_places", lambda d: _document_places(d, words))


def _document_places(doc: Doc, words: Words) -> frozenset[str]:
    found = set()
    view = token_view(doc)
    texts, lower, like_num = view.texts, view.lower_, view.like_num
    n = len(texts)
    at = words.as_written["at"]
    for i, text in enumerate(texts):
        head = text[:1]
        if not (head.isupper() or head.isdigit() or text == "(" or lower[i] in at):
            continue  # no case below can hold
        first = None
        if _POSTCODE.match(text):
            first = i + 1
        elif lower[i] in at and i > 0 and (
            words.has("located_verbs", texts[i - 1]) or (like_num[i - 1] and i > 1 and lower[i - 2] == "en")
        ):
            first = i + 1
        elif head.isupper() and (i == 0 or view.breaks[i]):
            stop = chunk_forward(doc, i, words)
            if stop + 3 <= n and texts[stop] == "," and (lower[stop + 1] == "le" and like_num[stop + 2] or like_num[stop + 1]):
                found.add(fold(view.text(doc, i, stop)))
        if first is not None and first < n and texts[first][:1].isupper():
            found.add(fold(view.text(doc, first, chunk_forward(doc, first, words))))
        if text == "(" and 0 < i and i + 2 < n and _DEPARTMENT.match(texts[i + 1]) and texts[i + 2] == ")":
            start = chunk_backward(doc, i, words)
            if start < i:
                found.add(fold(view.text(doc, start, i)))
    return frozenset(found)


def is_term_acronym(doc: Doc, start: int, end: int, words: Words) -> bool:
    """`le ratio de liquidité à court terme (LCR)`: an acronym the text defines by a common-noun phrase,
    or a stock ticker (`Euronext Paris : ALTR`, `mnémonique HYDRL`), is not an organisation."""
    view = token_view(doc)
    texts = view.texts
    if end - start != 1 or not is_acronym(texts[start]):
        return False
    before = texts[start - 1] if start > 0 else None
    if before is not None and words.has("ticker_words", before):
        return True
    if before == ":" and any(words.has("ticker_words", t) for t in texts[max(0, start - 5) : start - 1]):
        return True
    if before != "(" or end >= len(texts) or texts[end] not in {")", ","}:
        return False
    lower = view.lower_
    j, seen = start - 2, 0
    while j >= 0:
        if texts[j] == ",":
            return False  # `de l'économie, de l'emploi et des solidarités (DREETS)`: a list runs on before it
        if view.punct[j] or view.space[j] or view.breaks[j + 1] or view.like_num[j]:
            break
        if words.has("determiners", texts[j]) and lower[j] not in words.as_written["of"]:
            if j > 0 and lower[j - 1] in words.as_written["of"] | words.as_written["prepositions"]:
                j -= 1
                continue  # `de la recherche`: the article sits inside the phrase
            break
        if texts[j][:1].isupper():
            return False  # `Agence nationale de la recherche (ANR)`: a name defines it
        if words.has("institution_heads", texts[j]):
            return False  # `la direction générale de l'offre de soins (DGOS)`: a body, written in lower case
        if seen == _TERM_REACH:
            return False  # the phrase's start is out of sight: what it names is not known
        j -= 1
        seen += 1
    return seen > 0


# Words of a defining phrase read back from its parenthesis: long enough for `l'indice des loyers
# des activités tertiaires (ILAT)`, short of a whole clause.
_TERM_REACH = 12


def repair(
    doc: Doc, start: int, end: int, words: Words, keep_article: bool = False, keep_last: bool = False, keep_commas: bool = False
) -> tuple[int, int]:
    """Trim a proposed span to the name: cut at separators, drop titles and determiners.

    `keep_last`: the evidence is after the span (X SAS, X (Euronext...)), so when a
    separator splits it the part next to the evidence is the name. `keep_commas`: the commas
    list a ministry's domains (`ministère de l'Économie, des Finances`).
    """
    view = token_view(doc)
    texts, space, low, punct, folded = view.texts, view.space, view.lower, view.punct, view.folded
    lists = words.lists
    if keep_last:
        for k in range(end - 1, start - 1, -1):
            text = texts[k]
            comma_before_legal_form = text == "," and k + 1 < end and folded[k + 1] in legal_tokens()
            if (text in _CUT and not comma_before_legal_form) or space[k] or "\n" in text or k + 1 < end and view.breaks[k + 1]:
                start = k + 1
                break
    for k in range(start, end):
        text = texts[k]
        before_legal_form = text == "," and k + 1 < end and folded[k + 1] in legal_tokens()
        before_legal_form = before_legal_form or (keep_commas and text == ",")
        separator = (text in _CUT and not before_legal_form) or (text == "-" and view.ws[k]) or "\n" in text or space[k]
        # `Université Paris-Saclay/CNRS/Inserm` lists three bodies; `A/S` is a legal form
        separator = separator or (text == "/" and not (texts[k - 1] == "A" and k + 1 < len(texts) and texts[k + 1] == "S"))
        if separator or view.urlish[k]:
            if k > start:
                end = k
                break
            start = k + 1
    # `UMR 6074 IRISA`: a research unit's code number comes before its name
    while start + 2 < end and folded[start] in lists["unit_codes"] and view.like_num[start + 1]:
        start += 2
    while start < end:
        word = folded[start]
        if word in lists["lowercase_heads"] and start + 1 < end:
            break
        title_or_connector = word in lists["titles"] or word in lists["connectors"]
        article = word in lists["determiners"] and (low[start] or not keep_article or sentence_initial(doc, start))
        if title_or_connector or article or low[start] or punct[start]:
            start += 1
            continue
        break
    for k in range(start + 1, end):
        if low[k] and folded[k] in lists["trailing_roles"]:
            end = k
            break
    while end > start and (folded[end - 1] in lists["connectors"] or punct[end - 1] and texts[end - 1] not in {".", "&"}):
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
    if any(view.urlish[start:end]) or "|" in text:
        return "url, email or header"
    junk = any_of(words.lists["junk"])
    if junk is not None and junk.search(folded):
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


@lru_cache(maxsize=16)
def any_of(entries: frozenset[str]) -> re.Pattern[str] | None:
    """One pattern finding any of the entries inside a text (None for none): a single scan
    where a loop over the list would test each entry in turn."""
    return re.compile("|".join(map(re.escape, sorted(entries)))) if entries else None


def after_event_word(doc: Doc, start: int, words: Words) -> bool:
    """The span names an event, programme or product: `le challenge « AI for Health »`."""
    texts = token_texts(doc)
    j = start - 1
    while j >= 0 and texts[j] in {"«", '"', "“", "'"}:
        j -= 1
    return j >= 0 and words.has("event_words", texts[j])


def line_is_upper(doc: Doc, i: int) -> bool:
    """The line holding token i is written in capitals (a headline): NER is unreliable there."""
    view = token_view(doc)
    text, char = view.doc_text, view.idx[i]
    lo = text.rfind("\n", 0, char) + 1
    known = per_doc(doc, "upper_lines", lambda d: {})
    if lo not in known:
        hi = text.find("\n", char)
        letters = "".join(filter(str.isalpha, text[lo : hi if hi >= 0 else len(text)]))
        known[lo] = len(letters) >= 12 and sum(map(str.isupper, letters)) > 0.7 * len(letters)
    return known[lo]
