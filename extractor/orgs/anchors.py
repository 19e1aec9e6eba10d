"""spaCy's Matcher, run only where a pattern can start.

The Matcher tries every pattern's first token at every token of the Doc: with thirty
patterns, most of the work of `press_org`. Every ORG pattern opens with a literal word
set (`TEXT`/`ORTH`/`LOWER` `IN [...]`) or a regular expression, so the positions where
each pattern can start are found by a dictionary look-up per token (and, when the pattern
states its second token exactly, a test of the next token), and each pattern's own
Matcher runs on the short windows that start there. The matches are the ones the
whole-Doc Matcher finds (a test compares them), in a fixed order: start, end, pattern.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc

from ..lexicon import LexiconError
from .spans import token_texts

__all__ = ["UNBOUNDED_REACH", "AnchoredMatcher"]

# How far a match may run from its first token when a pattern repeats a token (`*`, `+`):
# longer than any organization name the patterns read.
UNBOUNDED_REACH = 16
_MAX_REMEMBERED = 1 << 16  # distinct token texts whose opening patterns are remembered


@dataclass
class _Anchored:
    id: str
    order: int
    matcher: Matcher
    reach: int  # the most tokens a match spans
    regexes: tuple[re.Pattern[str], ...]
    # what the token after the first must be, when the pattern says it exactly: (on the
    # lowercased text?, words, regular expressions); None when the second token is optional
    second: tuple[bool, frozenset[str], tuple[re.Pattern[str], ...]] | None = None


class AnchoredMatcher:
    def __init__(self, nlp: Language, patterns):
        self.patterns: list[_Anchored] = []
        self.by_text: dict[str, list[int]] = {}  # exact token text -> patterns that may start there
        self.by_lower: dict[str, list[int]] = {}
        self.scanned: list[int] = []  # patterns opening with a regular expression
        self._openers: dict[str, tuple[int, ...]] = {}  # token text -> `_opened_by(text)`
        for order, pattern in enumerate(patterns):
            matcher = Matcher(nlp.vocab, validate=True)
            matcher.add(pattern.id, [pattern.tokens])
            unbounded = any(t.get("OP") in ("*", "+") for t in pattern.tokens)
            regexes = self._index(pattern, order)
            self.patterns.append(_Anchored(pattern.id, order, matcher,
                                           UNBOUNDED_REACH if unbounded else len(pattern.tokens), regexes,
                                           _second_token(pattern.tokens)))
            if regexes:
                self.scanned.append(order)

    def _opened_by(self, text: str) -> tuple[int, ...]:
        """The patterns whose first token a token of this text can be, remembered: the
        same words come back in every document, and the regular expressions are the cost."""
        orders = tuple(self.by_text.get(text, ())) + tuple(self.by_lower.get(text.lower(), ())) + tuple(
            order for order in self.scanned if any(r.search(text) for r in self.patterns[order].regexes))
        if len(self._openers) >= _MAX_REMEMBERED:
            self._openers.clear()  # a long-running server meets new words without end
        self._openers[text] = orders
        return orders

    def _index(self, pattern, order: int) -> tuple[re.Pattern[str], ...]:
        first = {k: v for k, v in pattern.tokens[0].items() if k != "OP"}
        if pattern.tokens[0].get("OP") in ("?", "*"):
            raise LexiconError(f"org pattern {pattern.id}: its first token may be absent, so it cannot be anchored")
        regexes = []
        for key, value in first.items():
            table = {"TEXT": self.by_text, "ORTH": self.by_text, "LOWER": self.by_lower}.get(key)
            if table is not None and isinstance(value, str):
                table.setdefault(value, []).append(order)
            elif table is not None and isinstance(value, dict) and set(value) == {"IN"}:
                for word in value["IN"]:
                    table.setdefault(word, []).append(order)
            elif key in ("TEXT", "ORTH") and isinstance(value, dict) and set(value) == {"REGEX"}:
                regexes.append(re.compile(value["REGEX"]))
            else:
                raise LexiconError(f"org pattern {pattern.id}: its first token must be a word, a word list or a "
                                   f"regular expression on TEXT, ORTH or LOWER, not {key}: {value!r}")
        if len(first) != 1:
            raise LexiconError(f"org pattern {pattern.id}: its first token must test one attribute")
        return tuple(regexes)

    def __call__(self, doc: Doc) -> list[tuple[str, int, int]]:
        """(pattern id, start, end) of every match, sorted by start, end and pattern order."""
        starts: dict[int, list[int]] = {}
        openers = self._openers
        texts = token_texts(doc)
        last = len(texts) - 1
        for i, text in enumerate(texts):
            orders = openers.get(text)
            if orders is None:
                orders = self._opened_by(text)
            for order in orders:
                second = self.patterns[order].second
                # `, la` opens dozens of windows a document: the second token shuts most of them
                if second is not None and (i == last or not _is_second(second, texts[i + 1])):
                    continue
                starts.setdefault(order, []).append(i)
        found = set()
        n = len(doc)
        for order, positions in starts.items():
            pattern = self.patterns[order]
            for a, b in _windows(sorted(set(positions)), pattern.reach, n):
                found.update((order, a + s, a + e) for _, s, e in pattern.matcher(doc[a:b]))
        return [(self.patterns[order].id, s, e) for order, s, e in sorted(found, key=lambda m: (m[1], m[2], m[0]))]


def _windows(positions: list[int], reach: int, n: int):
    """Spans [a, b) covering every position and the `reach` tokens from it, merged when they touch."""
    i = 0
    while i < len(positions):
        a = positions[i]
        b = min(n, a + reach)
        while i + 1 < len(positions) and positions[i + 1] < b:
            i += 1
            b = min(n, positions[i] + reach)
        yield a, b
        i += 1


def _second_token(tokens: list[dict]) -> tuple[bool, frozenset[str], tuple[re.Pattern[str], ...]] | None:
    """The test a match's second token must pass, when the pattern's first token is
    matched exactly once and its second at least once on one word attribute; else None."""
    if len(tokens) < 2 or tokens[0].get("OP") or tokens[1].get("OP") not in (None, "+"):
        return None
    second = {k: v for k, v in tokens[1].items() if k != "OP"}
    if len(second) != 1:
        return None
    ((key, value),) = second.items()
    if key not in ("TEXT", "ORTH", "LOWER"):
        return None
    if isinstance(value, str):
        return key == "LOWER", frozenset([value]), ()
    if isinstance(value, dict) and set(value) == {"IN"}:
        return key == "LOWER", frozenset(value["IN"]), ()
    if isinstance(value, dict) and set(value) == {"REGEX"}:
        return key == "LOWER", frozenset(), (re.compile(value["REGEX"]),)
    return None


def _is_second(test: tuple[bool, frozenset[str], tuple[re.Pattern[str], ...]], text: str) -> bool:
    lower, words, regexes = test
    if lower:
        text = text.lower()
    return text in words or any(r.search(text) for r in regexes)
