"""Organizations: detection (NER + patterns + gazetteer + repair) and canonical names.

Detection gathers proposals from four sources, each a token span with a rank:
  rank 0  a rule vouches for it: gazetteer, head noun (Région X), apposition cue
          (la start-up X), legal form (X SAS), organisation suffix (X Capital),
          whole-name pattern (Mistral.ai), or a NER entity confirmed by a cue;
  rank 1  the statistical NER says ORG and no repair rule refuses it.
NER entities labelled MISC/LOC/PER are kept only when a rule confirms them. Every
proposal is trimmed (titles, determiners, separators) and checked against the
refusal lists; overlapping proposals are settled by rank, then length. Finally the
accepted names are spread to their other occurrences (one decision per name).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc

from . import data as org_data
from . import names as org_names
from ..candidates import Candidate, DocContext
from .data import fold
from ..components import DetectorComponent, first_fit, per_doc
from .spans import (
    after_event_word,
    chunk_backward,
    chunk_domains,
    chunk_forward,
    document_places,
    is_acronym,
    is_term_acronym,
    line_is_upper,

    rejection,
    sentence_initial,
    repair,
    starts_upper,
    territory_end,
    token_texts,
)
from ..records import Mention

_COORDINATORS = {",", "et", "ou", "ainsi", "que", "ni"}


@dataclass
class _Proposal:
    start: int
    end: int
    rank: int
    source: str
    parts: dict[str, str] = field(default_factory=dict)


class OrgDetector:
    """Compiled once per pipeline: the Matcher, the PhraseMatchers and the word lists."""

    def __init__(self, nlp: Language, use_ner: bool = True):
        self.use_ner = use_ner
        self.words = org_data.words()
        self.matcher = Matcher(nlp.vocab, validate=True)
        self.kinds: dict[str, str] = {}
        for pattern in org_data.patterns():
            self.matcher.add(pattern.id, [pattern.tokens])
            self.kinds[pattern.id] = pattern.kind
        # Acronyms and names that are also common words must match their case exactly.
        self.gaz_exact = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.gaz_lower = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.gaz_entries: dict[str, org_data.GazetteerEntry] = {}
        exact: dict[str, list[Doc]] = {}
        lower: dict[str, list[Doc]] = {}
        for form, entry in org_data.gazetteer().items():
            self.gaz_entries[entry.name] = entry
            table = exact if entry.exact or is_acronym(form) else lower
            for spelling in {form, _strip_accents(form)}:
                table.setdefault(entry.name, []).append(nlp.make_doc(spelling))
        for name, docs in exact.items():
            self.gaz_exact.add(name, docs)
        for name, docs in lower.items():
            self.gaz_lower.add(name, docs)

    # -- the component entry point -------------------------------------------------
    def __call__(self, doc: Doc) -> list[Candidate]:
        proposals = self._gazetteer(doc) + self._patterns(doc)
        if self.use_ner:
            proposals += self._ner(doc)
        accepted = self._arbitrate(doc, proposals)
        accepted = self._spread(doc, accepted)
        return [self._candidate(doc, p) for p in sorted(accepted, key=lambda p: p.start)]

    # -- sources ---------------------------------------------------------------------
    def _gazetteer(self, doc: Doc) -> list[_Proposal]:
        out = []
        matches = [(m, True) for m in self.gaz_exact(doc)] + [(m, False) for m in self.gaz_lower(doc)]
        for (key, start, end), exact in matches:
            entry = self.gaz_entries[doc.vocab.strings[key]]
            # Lowercase text is a common word (`orange`), not the company.
            if not exact and doc[start].is_lower and not entry.name[:1].islower():
                continue
            if entry.network:
                end = max(end, chunk_forward(doc, end, self.words))
            elif _hyphen_joined(doc, end) and not self.words.has("places", doc[end + 1].text):
                # `CEA-Leti`: a lab glued to its parent's name is an organisation of its own
                out.append(_Proposal(start, end + 2, 0, "gazetteer+hyphen"))
                continue
            out.append(_Proposal(start, end, 0, "gazetteer", {"gazetteer": entry.name}))
        return out

    def _patterns(self, doc: Doc) -> list[_Proposal]:
        out = []
        ents_by_start = {e.start: e for e in _ents(doc)} if self.use_ner else {}
        ents_by_end = {e.end: e for e in _ents(doc)} if self.use_ner else {}
        for key, start, end in self.matcher(doc):
            pid = doc.vocab.strings[key]
            kind = self.kinds[pid]
            span = None
            if kind in ("head", "head_list"):
                stop = (chunk_domains if kind == "head_list" else chunk_forward)(doc, end, self.words)
                if stop > end:
                    span = (start, stop)
                elif start in ents_by_start and ents_by_start[start].end > end:
                    span = (start, ents_by_start[start].end)  # Observatoire régional de la santé
                elif is_acronym(doc[start:end].text):
                    span = (start, end)  # CCI alone
            elif kind == "cue":
                stop = chunk_forward(doc, end, self.words)
                if stop > end:
                    span = (end, stop)
            elif kind == "weak_cue":
                ent = ents_by_start.get(end)
                if ent is not None:
                    span = (ent.start, ent.end)
            elif kind == "post_cue":
                ent = ents_by_end.get(start)
                first = ent.start if ent is not None else chunk_backward(doc, start, self.words)
                if ent is None and start - first == 1 and sentence_initial(doc, first) and _opening_word(doc[first].text, self.words):
                    continue  # `Parallèlement, le groupe X`: an adverb opening the sentence
                if first < start:
                    span = (first, start)
            elif kind in ("legal", "suffix"):
                # `Brightwater Analytics, Inc.`: a comma may stand before a legal form
                name_end = start - 1 if kind == "legal" and start > 0 and doc[start - 1].text == "," else start
                first = chunk_backward(doc, name_end, self.words)
                first = first if first < name_end else start
                if first < start:
                    span = (first, end)
                    # `Grasse Institute of Perfumery`: an English name runs on after `of`
                    if kind == "suffix" and end + 1 < len(doc) and doc[end].lower_ in ("of", "for"):
                        span = (first, max(end, chunk_forward(doc, end + 1, self.words)))
            elif kind == "full":
                span = (start, end)
            if span is not None:
                out.append(_Proposal(span[0], span[1], 0, pid))
        return out

    def _ner(self, doc: Doc) -> list[_Proposal]:
        out = []
        for ent in _ents(doc):
            if ent.label_ == "ORG":
                if line_is_upper(doc, ent.start) or after_event_word(doc, ent.start, self.words):
                    continue  # headlines and event names: only a rule or another mention can vouch
                if len(ent) == 1 and (_lowercase_elsewhere(doc, ent.text) or (ent[0].is_title and sentence_initial(doc, ent.start))):
                    continue  # `Budget`, `Effectif` opening a line or a sentence: a common noun, not a name
                if ent[0].is_title and sentence_initial(doc, ent.start) and all(t.is_lower or t.is_punct for t in ent[1:]):
                    continue  # `Conférence analystes :` opening a line is ordinary French, not a name
                out.append(_Proposal(ent.start, ent.end, 1, "ner"))
            elif _known_name(doc, ent):
                out.append(_Proposal(ent.start, ent.end, 0, "ner+gazetteer"))  # `(ex-Schneider Electric)`, tagged MISC
            elif is_acronym(ent.text) and not line_is_upper(doc, ent.start) and not sentence_initial(doc, ent.start):
                out.append(_Proposal(ent.start, ent.end, 0, "ner+acronym"))
        return out

    # -- decisions -------------------------------------------------------------------
    def _clean(self, doc: Doc, p: _Proposal) -> _Proposal | None:
        keep_article = p.source == "gazetteer" or p.source.startswith("cue:")
        keep_last = p.source.startswith(("post:", "legal:", "suffix:"))
        keep_commas = p.source.startswith("headlist:")
        start, end = repair(doc, p.start, p.end, self.words, keep_article=keep_article, keep_last=keep_last, keep_commas=keep_commas)
        places = document_places(doc, self.words)
        if p.source != "gazetteer" and end - start >= 2 and starts_upper(doc[start]) and doc[end - 1].is_lower:
            # `Agence de développement et d'innovation` + `de Nouvelle-Aquitaine`: a descriptive name ends with its territory
            end = territory_end(doc, end, self.words, places)
        if p.source == "head:lowercase-school" and end - start > 3 and self.words.has("places", doc[end - 1].text):
            if self.words.has("connectors", doc[end - 2].text):
                end -= 2  # `lycée Louis Armand de Mulhouse`: the town says where, it is not the name
        if p.start < start and doc[p.start].text.lower().startswith("ex-"):
            start = p.start  # `ex-Schneider Electric`: the prefix is trimmed at character level
        whole_gazetteer_name = p.source == "gazetteer" and start == p.start and end == p.end
        if p.source != "gazetteer" and start < end and (fold(doc[start:end].text) in places or is_term_acronym(doc, start, end, self.words)):
            return None
        if not whole_gazetteer_name and (rejection(doc, start, end, self.words) or after_event_word(doc, start, self.words)):
            return None
        return _Proposal(start, end, p.rank, p.source, p.parts)

    def _arbitrate(self, doc: Doc, proposals: list[_Proposal]) -> list[_Proposal]:
        cleaned = [c for c in (self._clean(doc, p) for p in proposals) if c is not None]
        return first_fit(sorted(cleaned, key=lambda p: (p.rank, -(p.end - p.start), p.start)))

    def _spread(self, doc: Doc, accepted: list[_Proposal]) -> list[_Proposal]:
        """One decision per name: every other occurrence of an accepted name is one too."""
        taken = [False] * len(doc)
        for p in accepted:
            for i in range(p.start, p.end):
                taken[i] = True
        accepted = accepted + self._defined_acronyms(doc, accepted, taken)
        names: dict[str, set[tuple[str, ...]]] = {}
        for p in accepted:
            tokens = [fold(t.text) for t in doc[p.start : p.end]]
            names.setdefault(tokens[0], set()).add(tuple(tokens))
            while len(tokens) > 1 and (tokens[-1] in org_names.LEGAL_TOKENS or tokens[-1] == ","):
                tokens.pop()  # `Kelvia SAS` vouches for `Kelvia`
            names[tokens[0]].add(tuple(tokens))
        added = []
        texts = token_texts(doc)
        for i, text in enumerate(texts):
            if taken[i] or not text[:1].isupper():
                continue
            for tokens in sorted(names.get(fold(text), ()), key=len, reverse=True):
                j = i + len(tokens)
                if j <= len(doc) and not any(taken[i:j]) and tuple(fold(t) for t in texts[i:j]) == tokens:
                    added.append(_Proposal(i, j, 2, "same-name"))
                    for k in range(i, j):
                        taken[k] = True
                    break
        accepted = accepted + added
        if self.use_ner:
            accepted += self._coordinated(doc, accepted, taken)
            accepted += self._short_forms(doc, accepted, taken)
        return accepted

    def _defined_acronyms(self, doc: Doc, accepted: list[_Proposal], taken: list[bool]) -> list[_Proposal]:
        """`La Mutuelle des Trois Vallées (M3V)`: the abbreviation a name defines is a mention of its own."""
        out = []
        for p in accepted:
            i = p.end + 1
            if p.end - p.start < 2 or i + 1 >= len(doc) or doc[p.end].text != "(" or doc[i + 1].text not in {")", ","}:
                continue
            inner = doc[i].text
            capitals = sum(ch.isupper() for ch in inner)
            if taken[i] or not (inner[:1].isupper() and capitals >= 2 and len(inner) <= 10):
                continue
            if self.words.has("acronym_stoplist", inner) or is_term_acronym(doc, i, i + 1, self.words):
                continue
            out.append(_Proposal(i, i + 1, 2, "defined-acronym"))
            taken[i] = True
        return out

    def _coordinated(self, doc: Doc, accepted: list[_Proposal], taken: list[bool]) -> list[_Proposal]:
        """`X-FAB FRANCE (...) et Ligentec`: a name listed next to an organisation is one too."""
        out = []
        ents = [e for e in _ents(doc) if e.label_ in ("MISC", "LOC", "PER", "ORG")]
        starts = {p.start for p in accepted}
        ends = {p.end for p in accepted}
        for ent in ents:
            if any(taken[ent.start : ent.end]) or (ent.label_ == "PER" and len(ent) > 1):
                continue
            if self._listed_after(doc, ent.start, ends) or self._listed_before(doc, ent.end, starts):
                cleaned = self._clean(doc, _Proposal(ent.start, ent.end, 2, "coordinated"))
                if cleaned is not None and not any(taken[cleaned.start : cleaned.end]):
                    out.append(cleaned)
                    for k in range(cleaned.start, cleaned.end):
                        taken[k] = True
        return out

    def _listed_after(self, doc: Doc, start: int, ends: set[int]) -> bool:
        j = start - 1
        if j < 0 or doc[j].lower_ not in _COORDINATORS:
            return False
        j -= 1
        if j >= 0 and doc[j].text == ")":
            while j >= 0 and doc[j].text != "(" and start - j < 15:
                j -= 1
        return j in ends or (j + 1) in ends

    def _listed_before(self, doc: Doc, end: int, starts: set[int]) -> bool:
        if end >= len(doc) or doc[end].lower_ not in _COORDINATORS:
            return False
        for k in range(end + 1, min(end + 5, len(doc) + 1)):
            if k in starts:
                return True
            if doc[end].text == "," or (k < len(doc) and not doc[k].is_lower):
                return False  # `Parallèlement, le groupe X`: after a comma only a name right next to it is listed
        return False

    def _short_forms(self, doc: Doc, accepted: list[_Proposal], taken: list[bool]) -> list[_Proposal]:
        """`Néréide` after `Néréide Analytics`: the first word of a name, found alone by the NER."""
        firsts = set()
        for p in accepted:
            if p.end - p.start > 1:
                first = doc[p.start]
                if not (first.is_lower or self.words.has("common_nouns", first.text) or _is_head(first.text)):
                    firsts.add(fold(first.text))
        out = []
        for ent in _ents(doc):
            if len(ent) == 1 and fold(ent.text) in firsts and not taken[ent.start]:
                cleaned = self._clean(doc, _Proposal(ent.start, ent.end, 2, "short-form"))
                if cleaned is not None:
                    out.append(cleaned)
                    taken[ent.start] = True
        return out

    def _candidate(self, doc: Doc, p: _Proposal) -> Candidate:
        start_char = doc[p.start].idx
        first = doc[p.start].text
        if first.lower().startswith("ex-") and len(first) > 3:
            start_char += 3
        end_char = doc[p.end - 1].idx + len(doc[p.end - 1].text)
        span = doc[p.start:p.end]
        text = span.text[start_char - span.start_char:]
        parts = dict(p.parts)
        if "gazetteer" not in parts:
            entry = org_data.gazetteer_by_fold().get(fold(org_names.without_legal_form(text)))
            if entry is not None:
                parts["gazetteer"] = entry.name
        defined = _defined_acronym(doc, p)
        if defined:
            parts["abbreviation"] = defined
        return Candidate("ORG", start_char, end_char, text, parts=parts, source=p.source)


def _ents(doc: Doc) -> tuple:
    """`doc.ents`, read once per document: spaCy builds a new Span for every entity at each access."""
    return per_doc(doc, "org_ents", lambda d: d.ents)


def _strip_accents(text: str) -> str:
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", text)
    return unicodedata.normalize("NFC", "".join(ch for ch in decomposed if not unicodedata.combining(ch)))


def _hyphen_joined(doc: Doc, end: int) -> bool:
    """Token `end` is a hyphen glued to the name before it and to a capitalised word after it."""
    return (
        end + 1 < len(doc)
        and doc[end].text == "-"
        and not doc[end - 1].whitespace_
        and not doc[end].whitespace_
        and doc[end + 1].text[:1].isupper()
    )


def _opening_word(text: str, words: org_data.Words) -> bool:
    return words.has("opening_words", text) or (text.lower().endswith("ment") and len(text) > 6)


def _known_name(doc: Doc, ent) -> bool:
    text = ent.text[3:] if ent.text.lower().startswith("ex-") else ent.text
    return fold(org_names.without_legal_form(text)) in org_data.gazetteer_by_fold()


def _lowercase_elsewhere(doc: Doc, word: str) -> bool:
    low = word.lower()
    return low != word and low in per_doc(doc, "token_texts", lambda d: set(token_texts(d)))


def _is_head(text: str) -> bool:
    return fold(text) in org_names.HEAD_WORDS


def _defined_acronym(doc: Doc, p: _Proposal) -> str | None:
    """`Agence nationale de l'habitat (Anah)`: the parenthesis defines an abbreviation."""
    if p.end + 2 < len(doc) and doc[p.end].text == "(" and doc[p.end + 2].text == ")":
        inner = doc[p.end + 1].text
        if inner[:1].isupper() and len(inner) <= 8 and p.end - p.start > 1:
            return inner
    return None


@Language.factory("press_org", default_config={"use_ner": True})
def make_org_detector(nlp: Language, name: str, use_ner: bool) -> DetectorComponent:
    return DetectorComponent("org", OrgDetector(nlp, use_ner=use_ner))


def resolve_all(candidates: list[Candidate], ctx: DocContext) -> list[Mention]:
    names = org_names.canonical_names(candidates)
    return [
        Mention("ORG", c.text, c.start, c.end, name=names[i], extra={"source": c.source})
        for i, c in enumerate(candidates)
    ]
