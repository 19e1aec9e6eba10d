"""Organizations: the `press_org` component and the resolution of its candidates.

Three sources propose token spans (`sources`: the gazetteer, the token patterns, the
statistical NER); a decision keeps the organizations among them with their boundaries
(`rules`, hand-ordered, or `learned`, a model trained on the corpus); each kept span
becomes a Candidate; resolution gives every mention its canonical name (`names`).
"""
from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from ..candidates import Candidate, DocContext
from ..components import DEFAULT_DATA, DetectorComponent
from ..records import Mention
from . import data as org_data
from . import names as org_names
from .data import fold
from ..lexicon import data_dir
from .learned import DecisionModel, LearnedDecision
from .rules import RuleDecision, defined_abbreviation
from .sources import Gazetteer, Ner, Patterns, Proposal, char_offsets

__all__ = ["OrgDetector", "make_org_detector", "resolve_all"]


class OrgDetector:
    """Compiled once per pipeline and data folder (bound while it is built and runs): the
    matchers, the word lists and the decision."""

    def __init__(self, nlp: Language, use_ner: bool = True, decision: str = "",
                 gazetteer: str = org_data.DEFAULT_GAZETTEER, not_orgs: str = org_data.DEFAULT_NOT_ORGS):
        self.use_ner = use_ner
        self.words = org_data.words()
        self.knowledge = org_data.knowledge(gazetteer, not_orgs)
        self.gazetteer = Gazetteer(nlp, self.words, self.knowledge)
        self.patterns = Patterns(nlp, self.words, use_ner=use_ner)
        self.ner = Ner(self.words, self.knowledge)
        if decision:
            model = DecisionModel.load(data_dir() / decision)
            self.decide = LearnedDecision(model, self.words, self.knowledge)
        else:
            self.decide = RuleDecision(self.words, self.knowledge, use_ner=use_ner)

    def proposals(self, doc: Doc) -> list[Proposal]:
        found = self.gazetteer(doc) + self.patterns(doc)
        return found + self.ner(doc) if self.use_ner else found

    def __call__(self, doc: Doc) -> list[Candidate]:
        accepted = self.decide(doc, self.proposals(doc))
        return [self._candidate(doc, p) for p in sorted(accepted, key=lambda p: p.start)]

    def _candidate(self, doc: Doc, p: Proposal) -> Candidate:
        start_char, end_char = char_offsets(doc, p.start, p.end)
        span = doc[p.start:p.end]
        text = span.text[start_char - span.start_char:]
        parts = dict(p.parts)
        if "gazetteer" not in parts:
            entry = self.knowledge.by_fold.get(fold(org_names.without_legal_form(text)))
            if entry is not None:
                parts["gazetteer"] = entry.name
        defined = defined_abbreviation(doc, p.start, p.end)
        if defined is not None:
            parts["abbreviation"] = doc[defined].text
        return Candidate("ORG", start_char, end_char, text, parts=parts, source=p.source)


# The data press_org reads besides the files its settings name, relative to its data folder.
FILES = ("org/words.json", "org/patterns.jsonl")


@Language.factory(
    "press_org",
    assigns=["doc._.candidates", "doc.spans"],
    requires=["doc.ents"],
    default_config={"data": DEFAULT_DATA, "use_ner": True, "decision": "", "gazetteer": org_data.DEFAULT_GAZETTEER,
                    "not_orgs": org_data.DEFAULT_NOT_ORGS},
)
def make_org_detector(nlp: Language, name: str, data: str, use_ner: bool, decision: str, gazetteer: str,
                      not_orgs: str) -> DetectorComponent:
    """`data`: the folder of the language data, relative to the models folder or absolute. The
    other paths are relative to it (or absolute): `decision` a trained decision model
    (`org/decision.json`; empty: the hand-ordered rules), `gazetteer` a folder of known
    organizations, `not_orgs` a folder of things that are not organizations (empty: none)."""
    files = (*FILES, *(path for path in (decision, gazetteer, not_orgs) if path))
    return DetectorComponent("org", lambda: OrgDetector(nlp, use_ner=use_ner, decision=decision, gazetteer=gazetteer,
                                                        not_orgs=not_orgs), data, files)


def resolve_all(candidates: list[Candidate], ctx: DocContext) -> list[Mention]:
    names = org_names.canonical_names(candidates)
    return [
        Mention("ORG", c.text, c.start, c.end, name=names[i], extra={"source": c.source})
        for i, c in enumerate(candidates)
    ]
