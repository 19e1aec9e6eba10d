"""Where organization names come from: the gazetteer, the token patterns, the NER.

Each source turns a Doc into `Proposal`s: token spans with the source that proposed
them and a rank (0: a rule vouches for the name; 1: the statistical NER alone). The
sources never decide; `rules` and `learned` do.
"""
from __future__ import annotations

import re
import unicodedata
from itertools import compress
from dataclasses import dataclass, field

from spacy.language import Language
from spacy.tokens import Doc

from ..components import per_doc
from ..folding import without_accents
from . import data as org_data
from . import names as org_names
from .anchors import AnchoredMatcher
from .data import fold
from .names import is_acronym
from .spans import (
    after_event_word,
    chunk_backward,
    chunk_domains,
    chunk_forward,
    line_is_upper,
    name_word,
    sentence_initial,
    TokenView,
    token_texts,
    token_view,
)

__all__ = [
    "Proposal", "ents", "Gazetteer", "SpellingTokens", "Patterns", "Ner", "char_offsets", "name_chunks", "quoted",
    "MAX_EXTENSION", "head_extensions", "strip_accents", "opening_word", "known_name", "lowercase_elsewhere"
]


@dataclass
class Proposal:
    start: int
    end: int
    rank: int
    source: str
    parts: dict[str, str] = field(default_factory=dict)


def ents(doc: Doc) -> tuple:
    """`doc.ents`, read once per document: spaCy builds a new Span for every entity at each access."""
    return per_doc(doc, "org_ents", lambda d: d.ents)


class Gazetteer:
    """Known organizations, matched with and without accents; acronyms and names that
    are also common words match their case exactly.

    Matched as tuples of token texts (exact, or lowercased: what spaCy's PhraseMatcher
    with ORTH or LOWER compares) looked up from each token: the 12,000 spellings would
    cost a third of a second at every start as PhraseMatcher Docs, and most of them are
    plain words that the tokenizer leaves whole (`SpellingTokens`)."""

    def __init__(self, nlp: Language, words: org_data.Words, knowledge: org_data.Knowledge):
        self.words = words
        self.entries: dict[str, org_data.GazetteerEntry] = {}
        tokens = SpellingTokens(nlp)
        # spelling's tokens (lowercased for the case-blind table) -> names, and the lengths
        # of the spellings by their first token (one-token spellings) or first two
        self.exact: dict[tuple[str, ...], list[str]] = {}
        self.lower: dict[tuple[str, ...], list[str]] = {}
        self.exact_lengths: dict[tuple[str, ...], list[int]] = {}
        self.lower_lengths: dict[tuple[str, ...], list[int]] = {}
        for form, entry in knowledge.forms.items():
            self.entries[entry.name] = entry
            is_exact = entry.exact or is_acronym(form)
            table, lengths = (self.exact, self.exact_lengths) if is_exact else (self.lower, self.lower_lengths)
            # French text writes the apostrophe straight or curly: `Ville d'Angers`, `Ville d’Angers`
            for spelling in {v for f in (form, strip_accents(form)) for v in (f, f.replace("'", "’"), f.replace("’", "'"))}:
                # tokenized as written (`Point.P` is one token, `point.p` three), compared lowercased
                key = tokens(spelling) if is_exact else tuple(t.lower() for t in tokens(spelling))
                if not key:
                    continue
                names = table.setdefault(key, [])
                if entry.name not in names:
                    names.append(entry.name)
                    known = lengths.setdefault(key[:2], [])
                    if len(key) not in known:
                        known.append(len(key))
        for lengths in (self.exact_lengths, self.lower_lengths):
            for known in lengths.values():
                known.sort()

    def matches(self, doc: Doc) -> list[tuple[str, int, int, bool]]:
        """(name, start, end, exact) of every spelling found, by start then length: the
        case-sensitive table's first."""
        view = token_view(doc)
        out = []
        for exact, table, lengths, texts in ((True, self.exact, self.exact_lengths, view.texts),
                                             (False, self.lower, self.lower_lengths, view.lower_)):
            n = len(texts)
            # looked up at C speed: few words, and fewer pairs of words, start a spelling
            for starts in (list(map(lengths.get, zip(texts))), list(map(lengths.get, zip(texts, texts[1:])))):
                for i in compress(range(n), starts):
                    for size in starts[i]:
                        if i + size > n:
                            break
                        for name in table.get(tuple(texts[i : i + size]), ()):
                            out.append((name, i, i + size, exact))
        out.sort(key=lambda m: (not m[3], m[1], m[2]))
        return out

    def __call__(self, doc: Doc) -> list[Proposal]:
        out = []
        view = token_view(doc)
        for name, start, end, exact in self.matches(doc):
            entry = self.entries[name]
            # Lowercase text is a common word (`orange`), not the company.
            if not exact and view.lower[start] and not entry.name[:1].islower():
                continue
            if entry.network:
                end = max(end, chunk_forward(doc, end, self.words))
            elif _hyphen_joined(view, end) and not self.words.has("places", view.texts[end + 1]):
                # `CEA-Leti`: a lab glued to its parent's name is an organisation of its own
                out.append(Proposal(start, end + 2, 0, "gazetteer+hyphen"))
                continue
            if entry.context:
                # a surname, a place, a common word: the name alone does not vouch for an organization
                out.append(Proposal(start, end, 1, "gazetteer:context", {"gazetteer": entry.name}))
            else:
                out.append(Proposal(start, end, 0, "gazetteer", {"gazetteer": entry.name}))
        return out


_OTHER_SPACE = re.compile(r"[^\S ]")  # white space other than one plain space


class SpellingTokens:
    """The token texts the pipeline's tokenizer makes of a short spelling, without a Doc.

    spaCy tokenizes each space-separated piece on its own, and leaves a piece made only
    of letters whole unless it is a special case; only the other pieces (`d’Angers`,
    `Saint-Étienne`, `A.P.`) go through the tokenizer, once each.
    tests/test_orgs.py checks the result against `nlp.make_doc` on the whole gazetteer."""

    def __init__(self, nlp: Language):
        self.nlp = nlp
        inner = getattr(nlp.tokenizer, "tokenizer", nlp.tokenizer)  # under the guard, if any
        self.special = getattr(inner, "rules", None) or {}
        self._pieces: dict[str, tuple[str, ...]] = {}

    def __call__(self, spelling: str) -> tuple[str, ...]:
        pieces = spelling.split(" ")
        if not all(pieces) or _OTHER_SPACE.search(spelling):
            return tuple(t.text for t in self.nlp.make_doc(spelling))  # odd spacing: as the tokenizer sees it
        return tuple(t for piece in pieces for t in self.piece(piece))

    def piece(self, piece: str) -> tuple[str, ...]:
        if piece.isalpha() and piece not in self.special:
            return (piece,)
        if piece not in self._pieces:
            self._pieces[piece] = tuple(t.text for t in self.nlp.make_doc(piece))
        return self._pieces[piece]


class Patterns:
    """The token patterns of models/org/patterns.jsonl, each kind read its own way."""

    def __init__(self, nlp: Language, words: org_data.Words, use_ner: bool = True):
        self.words = words
        self.use_ner = use_ner
        self.matcher = AnchoredMatcher(nlp, org_data.patterns())
        self.kinds = {pattern.id: pattern.kind for pattern in org_data.patterns()}

    def __call__(self, doc: Doc) -> list[Proposal]:
        by_start = {e.start: e for e in ents(doc)} if self.use_ner else {}
        by_end = {e.end: e for e in ents(doc)} if self.use_ner else {}
        out = []
        for pid, start, end in self.matcher(doc):
            span = self._span(doc, self.kinds[pid], start, end, by_start, by_end)
            if span is not None:
                out.append(Proposal(span[0], span[1], 0, pid))
        return out

    def _span(self, doc: Doc, kind: str, start: int, end: int, by_start: dict, by_end: dict) -> tuple[int, int] | None:
        words = self.words
        if kind in ("head", "head_list"):
            stop = (chunk_domains if kind == "head_list" else chunk_forward)(doc, end, words)
            if stop > end:
                return start, stop
            if start in by_start and by_start[start].end > end:
                return start, by_start[start].end  # Observatoire régional de la santé
            return (start, end) if is_acronym(token_view(doc).text(doc, start, end)) else None  # CCI alone
        if kind == "cue":
            stop = chunk_forward(doc, end, words)
            return (end, stop) if stop > end else None
        if kind == "weak_cue":
            ent = by_start.get(end)
            return (ent.start, ent.end) if ent is not None else None
        if kind == "post_cue":
            ent = by_end.get(start)
            first = ent.start if ent is not None else chunk_backward(doc, start, words)
            if ent is None and start - first == 1 and sentence_initial(doc, first) and opening_word(token_texts(doc)[first], words):
                return None  # `Parallèlement, le groupe X`: an adverb opening the sentence
            return (first, start) if first < start else None
        if kind in ("legal", "suffix"):
            # `Brightwater Analytics, Inc.`: a comma may stand before a legal form
            name_end = start - 1 if kind == "legal" and start > 0 and token_texts(doc)[start - 1] == "," else start
            first = chunk_backward(doc, name_end, words)
            first = first if first < name_end else start
            if first >= start:
                return None
            # `Grasse Institute of Perfumery`: an English name runs on after `of`
            if kind == "suffix" and end + 1 < len(doc) and token_view(doc).lower_[end] in ("of", "for"):
                return first, max(end, chunk_forward(doc, end + 1, words))
            return first, end
        return (start, end) if kind == "full" else None


class Ner:
    """The statistical NER's entities as proposals. ORG entities are proposed unless
    their place shows them unreliable; other labels only when a known name or an
    acronym shape vouches for them."""

    def __init__(self, words: org_data.Words, knowledge: org_data.Knowledge):
        self.words = words
        self.knowledge = knowledge

    def __call__(self, doc: Doc) -> list[Proposal]:
        out = []
        for ent in ents(doc):
            if ent.label_ == "ORG":
                if not self._unreliable(doc, ent):
                    out.append(Proposal(ent.start, ent.end, 1, "ner"))
            elif known_name(ent.text, self.knowledge):
                out.append(Proposal(ent.start, ent.end, 0, "ner+gazetteer"))  # `(ex-Schneider Electric)`, tagged MISC
            elif is_acronym(ent.text) and not line_is_upper(doc, ent.start) and not sentence_initial(doc, ent.start):
                out.append(Proposal(ent.start, ent.end, 0, "ner+acronym"))
        return out

    def _unreliable(self, doc: Doc, ent) -> bool:
        if line_is_upper(doc, ent.start) or after_event_word(doc, ent.start, self.words):
            return True  # headlines and event names: only a rule or another mention can vouch
        view = token_view(doc)
        start, end = ent.start, ent.end
        title = view.title[start]
        if end - start == 1 and (lowercase_elsewhere(doc, view.texts[start]) or (title and sentence_initial(doc, start))):
            return True  # `Budget`, `Effectif` opening a line or a sentence: a common noun, not a name
        # `Conférence analystes :` opening a line is ordinary French, not a name
        return title and sentence_initial(doc, start) and all(view.lower[k] or view.punct[k] for k in range(start + 1, end))


def char_offsets(doc: Doc, start: int, end: int) -> tuple[int, int]:
    """Character offsets of a token span; `ex-Voltalia` is one token whose name starts after `ex-`."""
    view = token_view(doc)
    first = view.texts[start]
    start_char = view.idx[start] + (3 if first.lower().startswith("ex-") and len(first) > 3 else 0)
    return start_char, view.ends[end - 1]


def name_chunks(doc: Doc, words: org_data.Words) -> list[Proposal]:
    """Every capitalised run of words, and the run after a capitalised opening word: the
    names no source vouches for (a start-up in a list of investors). Runs joined by `et`
    (`Crédit Industriel et Commercial`) or by commas before `&` (`Weil, Gotshal & Manges`)
    are candidates too, beside their parts. Only the learned decision reads these; its
    features say which of them are names."""
    out = []
    texts = token_texts(doc)
    i, n = 0, len(doc)
    while i < n:
        if not _chunk_opener(texts[i]) or not name_word(texts[i]) and not texts[i].startswith("ex-"):
            i += 1
            continue
        end = _possessive(texts, chunk_forward(doc, i, words) if not texts[i].startswith("ex-") else i + 1)
        out.append(Proposal(i, end, 2, "chunk"))
        if end - i > 1 and sentence_initial(doc, i):
            tail = chunk_forward(doc, i + 1, words)
            if tail > i + 1:
                out.append(Proposal(i + 1, tail, 2, "chunk-tail"))
        joined = _joined(doc, texts, end, words)
        if joined > end:
            out.append(Proposal(i, joined, 2, "chunk-joined"))
        i = max(end, i + 1)
    return out


def _chunk_opener(text: str) -> bool:
    return text[:1].isupper() or (text.startswith("ex-") and text[3:4].isupper())


def _possessive(texts: list[str], end: int) -> int:
    """`Moody's` is tokenised `Moody'` + `s`."""
    if end < len(texts) and texts[end] == "s" and texts[end - 1][-1:] in ("'", "’"):
        return end + 1
    return end


def _joined(doc: Doc, texts: list[str], end: int, words: org_data.Words) -> int:
    if end + 1 < len(texts) and texts[end] == "et" and texts[end + 1][:1].isupper():
        return chunk_forward(doc, end + 1, words)
    j = end
    while j + 1 < len(texts) and texts[j] == "," and texts[j + 1][:1].isupper() and j - end < 8:
        j = chunk_forward(doc, j + 1, words)
        if j > end and "&" in texts[end:j]:
            return j
    return end


_QUOTES = {"«": "»", "“": "”", '"': '"'}


def quoted(doc: Doc) -> list[Proposal]:
    """What stands between quotes, when short: `l'unité « Dynamique des cellules tumorales »`."""
    out = []
    texts = token_texts(doc)
    for i, text in enumerate(texts):
        close = _QUOTES.get(text)
        if close is None:
            continue
        for j in range(i + 2, min(i + 12, len(texts))):
            if texts[j] == close:
                if texts[i + 1][:1].isupper():
                    out.append(Proposal(i + 1, j, 2, "quoted"))
                break
    return out


_STOPS = {",", ";", ":", "(", ")", "«", "»", '"', "“", "”", "|", "•", "!", "?", ".", "–", "—"}
MAX_EXTENSION = 14


def head_extensions(doc: Doc, words: org_data.Words) -> list[Proposal]:
    """Every way an institutional head (`Haut Conseil`, `préfecture`, `direction`) may run
    on through lowercase words to the end of its name: `Haut Conseil de stabilité
    financière`, `direction départementale des territoires de la Sarthe`, `Agence
    nationale de sécurité sanitaire de l'alimentation, de l'environnement et du travail`.
    Each possible end is a candidate; the learned decision weighs them."""
    out = []
    view = token_view(doc)
    texts, space, folded = view.texts, view.space, view.folded
    heads, connectors, determiners = (words.lists[name] for name in ("institution_heads", "connectors", "determiners"))
    for i, word in enumerate(folded):
        if word not in heads:
            continue
        for j in range(i + 1, min(i + MAX_EXTENSION, len(texts))):
            tok = texts[j]
            if space[j]:  # spaCy's trailing whitespace is one space at most: a line break is a token
                break
            if tok in _STOPS:
                if tok == "," and j + 1 < len(texts) and texts[j + 1].lower() in words.as_written["of"]:
                    continue  # a list of domains: `de l'alimentation, de l'environnement et du travail`
                break
            if tok[:1].isalnum() and folded[j] not in connectors and folded[j] not in determiners and tok != "et":
                out.append(Proposal(i, j + 1, 2, "head-extension"))
    return out


def strip_accents(text: str) -> str:
    return unicodedata.normalize("NFC", without_accents(text))


def _hyphen_joined(view: TokenView, end: int) -> bool:
    """Token `end` is a hyphen glued to the name before it and to a capitalised word after it."""
    texts = view.texts
    return (
        end + 1 < len(texts)
        and texts[end] == "-"
        and not view.ws[end - 1]
        and not view.ws[end]
        and texts[end + 1][:1].isupper()
    )


def opening_word(text: str, words: org_data.Words) -> bool:
    return words.has("opening_words", text) or (text.lower().endswith("ment") and len(text) > 6)


def known_name(text: str, knowledge: org_data.Knowledge) -> bool:
    text = text[3:] if text.lower().startswith("ex-") else text
    return fold(org_names.without_legal_form(text)) in knowledge.by_fold


def lowercase_elsewhere(doc: Doc, word: str) -> bool:
    low = word.lower()
    return low != word and low in per_doc(doc, "token_texts", lambda d: set(token_texts(d)))
