"""TokenPatterns must find exactly what spaCy's Matcher finds, in the same order:
press_org breaks ties between proposals by that order."""
from __future__ import annotations

import random

import pytest
import spacy
from spacy.matcher import Matcher

from extractor import org_data
from extractor.org_matcher import PatternError, TokenPatterns

from conftest import FIXTURES

# Every operator, predicates mixed on one token, an empty token, patterns opening optionally.
SYNTHETIC = [
    ("plus-star", [{"LOWER": "a", "OP": "+"}, {"LOWER": "b", "OP": "*"}]),
    ("optional-first", [{"LOWER": "b", "OP": "?"}, {"LOWER": "a"}, {"OP": "?"}]),
    ("range-not", [{"LOWER": {"IN": ["a", "b"]}, "OP": "{1,3}"}, {"LOWER": "c", "OP": "!"}, {"IS_LOWER": True}]),
    ("regex-length", [{"TEXT": {"REGEX": "^[ab]$"}, "OP": "*"}, {"LENGTH": {">=": 2}, "OP": "{2}"}]),
    ("not-in-any", [{"LOWER": {"NOT_IN": ["a", "c"]}}, {}, {"LOWER": "c", "OP": "{,2}"}]),
]


@pytest.fixture(scope="module")
def nlp():
    return spacy.blank("fr")


def _pair(nlp, patterns):
    reference, fast = Matcher(nlp.vocab, validate=True), TokenPatterns(nlp.vocab)
    for key, tokens in patterns:
        reference.add(key, [tokens])
        fast.add(key, [tokens])
    return reference, fast


def _words(patterns) -> list[str]:
    found: set[str] = set()

    def collect(value):
        if isinstance(value, str):
            found.add(value)
        elif isinstance(value, list):
            for v in value:
                collect(v)
        elif isinstance(value, dict):
            for k, v in value.items():
                if k not in ("OP", "REGEX"):
                    collect(v)

    collect([tokens for _, tokens in patterns])
    return sorted(found)


def test_same_matches_on_the_fixtures(nlp):
    patterns = [(p.id, p.tokens) for p in org_data.patterns()]
    reference, fast = _pair(nlp, patterns)
    for path in sorted((FIXTURES / "press_releases").glob("*.txt")):
        doc = nlp.make_doc(path.read_text(encoding="utf-8"))
        assert fast(doc) == reference(doc), path.name


@pytest.mark.parametrize("which", ["project", "synthetic"])
def test_same_matches_on_random_sequences(nlp, which):
    if which == "project":
        patterns = [(p.id, p.tokens) for p in org_data.patterns()]
        words = _words(patterns) + ["Mistral.ai", "X", "FAB", "FRANCE", "ABC", "Paris", "parisienne", "Kelvia", "A", "/", "S", "\n"]
    else:
        patterns = SYNTHETIC
        words = ["a", "b", "c", "A", "B", "bb", "cc", "x"]
    reference, fast = _pair(nlp, patterns)
    rng = random.Random(7)
    for _ in range(1500):
        doc = nlp.make_doc(" ".join(rng.choice(words) for _ in range(rng.randint(0, 25))))
        assert fast(doc) == reference(doc), doc.text


@pytest.mark.parametrize(
    "tokens",
    [[{"POS": "NOUN"}], [{"LOWER": {"FUZZY": "abc"}}], [{"_": {"flag": True}}], [{"LOWER": "a", "OP": "{,}"}]],
)
def test_unsupported_features_fail_when_compiled(nlp, tokens):
    with pytest.raises(PatternError, match="'bad'"):
        TokenPatterns(nlp.vocab).add("bad", [tokens])
