"""Organizations: detection (statistical NER) and resolution (canonical names)."""
from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from .candidates import Candidate, DocContext
from .components import DetectorComponent
from .records import Mention


def detect(doc: Doc) -> list[Candidate]:
    return [Candidate("ORG", e.start_char, e.end_char, e.text, source="ner") for e in doc.ents if e.label_ == "ORG"]


@Language.factory("press_org")
def make_org_detector(nlp: Language, name: str) -> DetectorComponent:
    return DetectorComponent("org", detect)


def resolve_all(candidates: list[Candidate], ctx: DocContext) -> list[Mention]:
    return [Mention("ORG", c.text, c.start, c.end, name=c.text) for c in candidates]
