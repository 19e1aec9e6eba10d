"""The ORG token patterns, matched only where a pattern can start.

spaCy's `Matcher` opens one state per pattern at every token and asks each
first-token predicate (`IN` lists, `REGEX`) through a Python call: with ~35
patterns that is ~22,000 calls for a 3 kB release, half of press_org's time,
although almost every state dies on its first token. `TokenPatterns` runs the
same state machine as `spacy/matcher/matcher.pyx` (`find_matches`,
`transition_states`, `get_action`, `finish_states`), but opens a state only
where the pattern's first token matches, found by a dictionary look-up on the
token's ORTH or LOWER id. A state that fails its first token leaves no trace in
spaCy's algorithm, so the matches, their order included, are the same as
`Matcher(vocab)(doc)`: `_arbitrate` breaks ties by that order, so it matters.

Only the pattern features the project uses are supported (token attributes read
by `Doc.to_array`, equality, IN/NOT_IN, REGEX, comparisons, all operators);
anything else is refused when the patterns are compiled, never at match time.
"""
from __future__ import annotations

import operator
import re
from typing import Callable, Iterable

from spacy.attrs import IDS
from spacy.strings import get_string_id
from spacy.tokens import Doc
from spacy.vocab import Vocab

from .lexicon import LexiconError

# Quantifiers, as in spacy/matcher/matcher.pxd.
ONE, ZERO, ZERO_ONE, ZERO_PLUS = "1", "!", "?", "*"
_OPERATORS = {"*": (ZERO_PLUS,), "+": (ONE, ZERO_PLUS), "?": (ZERO_ONE,), "1": (ONE,), "!": (ZERO,)}
# Actions of get_action.
REJECT, MATCH, ADVANCE, RETRY, MATCH_EXTEND, RETRY_ADVANCE, RETRY_EXTEND, MATCH_REJECT, MATCH_DOUBLE = range(9)
_RETRIES = (RETRY, RETRY_ADVANCE, RETRY_EXTEND)
_COMPARISONS = {"==": operator.eq, "!=": operator.ne, ">=": operator.ge, "<=": operator.le, ">": operator.gt, "<": operator.lt}
# Attributes stored on the lexeme or token, read by `Doc.to_array` exactly as the Matcher reads them;
# annotation attributes (TAG, POS, DEP, LEMMA, MORPH, ENT_*) and SENT_START need spaCy's own checks.
_STRING_ATTRS = {"ORTH", "LOWER", "NORM", "SHAPE", "PREFIX", "SUFFIX"}
_CACHE_LIMIT = 50_000

Test = Callable[[list, int], bool]
ValueTest = Callable[[int], bool]


class PatternError(LexiconError):
    pass


class TokenPatterns:
    """`TokenPatterns(vocab)(doc)` == `Matcher(vocab)(doc)` for the same patterns, added in the same order."""

    def __init__(self, vocab: Vocab):
        self.vocab = vocab
        self._attrs: list[int] = []  # the columns read from each Doc
        self._slots: dict[int, int] = {}
        self._keys: list[int] = []  # per pattern: the match id
        self._specs: list[list[tuple[str, Test]]] = []  # per pattern: (quantifier, test) per token spec
        # Where a pattern can start, when its first spec is ONE and tests one attribute: the pattern
        # numbers opening on each value of that attribute, listed (equality, IN) or worked out once per
        # value (REGEX, comparisons: `_Opener`).
        self._openers: dict[int, _Opener] = {}  # slot -> opener
        self._first_tested: list[tuple[int, Test]] = []  # first spec ONE on several attributes: tried at each token
        self._first_always: list[int] = []  # first spec optional: a state opens at every token

    def add(self, key: str, patterns: Iterable[list[dict]]) -> None:
        key_id = self.vocab.strings.add(key)
        for tokens in patterns:
            number = len(self._specs)
            specs, first = [], None
            for spec in tokens:
                try:
                    test, indexable = self._compile(spec)
                    quantifiers = _quantifiers(spec)
                except PatternError as exc:
                    raise PatternError(f"pattern {key!r}: {exc}") from None
                for quantifier in quantifiers:
                    if not specs:
                        first = (quantifier, test, indexable)
                    specs.append((quantifier, test))
            if not specs:
                raise PatternError(f"{key}: empty pattern")
            self._keys.append(key_id)
            self._specs.append(specs)
            quantifier, test, on_value = first
            if quantifier != ONE:
                self._first_always.append(number)
            elif on_value is not None:
                slot, values, value_test = on_value
                self._openers.setdefault(slot, _Opener()).add(number, values, value_test)
            else:
                self._first_tested.append((number, test))

    def __call__(self, doc: Doc) -> list[tuple[int, int, int]]:
        length = len(doc)
        if length == 0 or not self._specs:
            return []
        table = doc.to_array(self._attrs)
        cols = table.T.tolist() if len(self._attrs) > 1 else [table.tolist()]
        specs_of, keys = self._specs, self._keys
        openers = [(cols[slot], opener.opening) for slot, opener in self._openers.items()]
        several_sources = len(openers) + bool(self._first_tested) + bool(self._first_always) > 1
        states: list[tuple[int, int, int, int]] = []  # (pattern, spec, start, length)
        matches: list[tuple[int, int, int]] = []  # (pattern, start, length)
        for i in range(length):
            opening: list[int] = []
            for col, opening_on in openers:
                hit = opening_on(col[i])
                if hit:
                    opening += hit
            for number, test in self._first_tested:
                if test(cols, i):
                    opening.append(number)
            opening += self._first_always
            if several_sources and len(opening) > 1:
                opening.sort()  # spaCy opens the states in the order the patterns were added
            for number in opening:
                states.append((number, 0, i, 0))
            if not states:
                continue
            kept: list[tuple[int, int, int, int]] = []
            extra: list[tuple[int, int, int, int]] = []
            for number, pos, start, size in states:
                specs = specs_of[number]
                action = _action(specs, pos, cols, i)
                if action == REJECT:
                    continue
                while action in _RETRIES:
                    if action == RETRY_EXTEND:
                        extra.append((number, pos, start, size + 1))
                    elif action == RETRY_ADVANCE:
                        extra.append((number, pos + 1, start, size + 1))
                    pos += 1
                    action = _action(specs, pos, cols, i)
                if action == ADVANCE:
                    kept.append((number, pos + 1, start, size + 1))
                elif action == MATCH:
                    matches.append((number, start, size + 1))
                elif action == MATCH_DOUBLE:
                    if size > 0:
                        matches.append((number, start, size))
                    matches.append((number, start, size + 1))
                elif action == MATCH_REJECT:
                    matches.append((number, start, size))
                elif action == MATCH_EXTEND:
                    matches.append((number, start, size))
                    kept.append((number, pos, start, size + 1))
            states = kept + extra
        for number, pos, start, size in states:
            specs = specs_of[number]
            while specs[pos][0] in (ZERO_PLUS, ZERO_ONE):
                if pos == len(specs) - 1:
                    matches.append((number, start, size))
                    break
                pos += 1
        out, seen = [], set()
        for number, start, size in matches:
            match = (keys[number], start, start + size)
            if size > 0 and match not in seen:
                out.append(match)
                seen.add(match)
        return out

    # -- compiling one token spec --------------------------------------------------
    def _slot(self, attr_name: str) -> int:
        attr = IDS[attr_name]
        if attr not in self._slots:
            self._slots[attr] = len(self._attrs)
            self._attrs.append(attr)
        return self._slots[attr]

    def _compile(self, spec: dict) -> tuple[Test, tuple[int, frozenset[int] | None, ValueTest | None] | None]:
        """The spec's test and, when it reads one attribute, (slot, values, value test): the values
        it accepts when it is a single equality or IN test, else the test of one attribute value."""
        tests: list[Test] = []
        value_tests: list[ValueTest] = []
        slots: set[int] = set()
        indexable = None
        for name, value in spec.items():
            name = name.upper()
            if name == "OP":
                continue
            name = "ORTH" if name == "TEXT" else name
            if not (name in _STRING_ATTRS or name == "LENGTH" or (name.startswith(("IS_", "LIKE_")) and name in IDS and name != "IS_SENT_START")):
                raise PatternError(f"token attribute {name!r} is not supported by the ORG pattern matcher")
            slot = self._slot(name)
            slots.add(slot)
            if isinstance(value, dict):
                for predicate, arg in value.items():
                    predicate = predicate.upper()
                    if predicate in ("IN", "NOT_IN") and isinstance(arg, list) and all(isinstance(v, (str, int)) for v in arg):
                        ids = frozenset(get_string_id(v) for v in arg)
                        inside = predicate == "IN"
                        tests.append(_in_test(slot, ids, inside))
                        value_tests.append((lambda ids, inside: lambda v: (v in ids) == inside)(ids, inside))
                        if inside:
                            indexable = (slot, ids)
                    elif predicate == "REGEX" and isinstance(arg, str) and name in _STRING_ATTRS:
                        regex = _cached_regex(re.compile(arg), self.vocab)
                        tests.append(_regex_test(slot, regex))
                        value_tests.append(regex)
                    elif predicate in _COMPARISONS and isinstance(arg, int):
                        compare = _COMPARISONS[predicate]
                        tests.append(_comparison_test(slot, compare, arg))
                        value_tests.append((lambda compare, arg: lambda v: compare(v, arg))(compare, arg))
                    else:
                        raise PatternError(f"{name}: predicate {predicate} {arg!r} is not supported by the ORG pattern matcher")
            elif isinstance(value, (str, bool, int)):
                wanted = self.vocab.strings.add(value) if isinstance(value, str) else int(value)
                tests.append(_equal_test(slot, wanted))
                value_tests.append((lambda wanted: lambda v: v == wanted)(wanted))
                indexable = (slot, frozenset([wanted]))
            else:
                raise PatternError(f"{name}: value {value!r} is not supported by the ORG pattern matcher")
        if not tests:
            return (lambda cols, i: True), None  # `{}`: any token
        if len(tests) == 1 and indexable is not None:
            slot, values = indexable
            return tests[0], (slot, values, None)
        test = tests[0] if len(tests) == 1 else (lambda cols, i: all(test(cols, i) for test in tests))
        if len(slots) == 1:
            value_test = value_tests[0] if len(value_tests) == 1 else (lambda v: all(t(v) for t in value_tests))
            return test, (slots.pop(), None, value_test)
        return test, None


class _Opener:
    """The patterns opening a state on each value of one token attribute, in the order they were added."""

    def __init__(self):
        self.listed: dict[int, list[int]] = {}  # equality and IN tests: value -> pattern numbers
        self.tested: list[tuple[int, ValueTest]] = []  # other tests, asked once per value
        self.known: dict[int, list[int]] = {}  # value -> pattern numbers, listed and tested

    def add(self, number: int, values: frozenset[int] | None, value_test: ValueTest | None) -> None:
        if values is not None:
            for value in values:
                self.listed.setdefault(value, []).append(number)
        else:
            self.tested.append((number, value_test))
        self.known.clear()
        self.opening = self.listed.get if not self.tested else self._opening

    def _opening(self, value: int) -> list[int]:
        found = self.known.get(value)
        if found is None:
            # Bounded because the vocabulary grows; the value is a string id, so a result holds for every document.
            if len(self.known) >= _CACHE_LIMIT:
                self.known.clear()
            found = self.listed.get(value, []) + [number for number, test in self.tested if test(value)]
            found.sort()
            self.known[value] = found
        return found


def _quantifiers(spec: dict) -> tuple[str, ...]:
    """As `_get_operators` in spacy/matcher/matcher.pyx, `{n,m}` included."""
    op = {k.upper(): v for k, v in spec.items()}.get("OP")
    if op is None:
        return (ONE,)
    if op in _OPERATORS:
        return _OPERATORS[op]
    bounds = re.fullmatch(r"\{(\d*)(,?)(\d*)\}", op) if isinstance(op, str) else None
    if bounds is None or not (bounds.group(1) or bounds.group(3)):
        raise PatternError(f"operator {op!r} is not supported by the ORG pattern matcher")
    low, comma, high = bounds.groups()
    high = high if comma else low
    if low and high and int(low) > int(high):
        raise PatternError(f"operator {op!r}: minimum above maximum")
    head = (ONE,) * int(low or 0)
    return head + ((ZERO_ONE,) * (int(high) - int(low or 0)) if high else (ZERO_PLUS,))


def _action(specs: list[tuple[str, Test]], pos: int, cols: list, i: int) -> int:
    """get_action in spacy/matcher/matcher.pyx."""
    quantifier, test = specs[pos]
    is_match = test(cols, i)
    is_final = pos == len(specs) - 1
    if quantifier == ZERO:
        is_match, quantifier = not is_match, ONE
    if quantifier == ONE:
        return (MATCH if is_final else ADVANCE) if is_match else REJECT
    if quantifier == ZERO_PLUS:
        if is_match:
            return MATCH_EXTEND if is_final else RETRY_EXTEND
        return MATCH_REJECT if is_final else RETRY
    if is_match:  # ZERO_ONE
        return MATCH_DOUBLE if is_final else RETRY_ADVANCE
    return MATCH_REJECT if is_final else RETRY


def _equal_test(slot: int, wanted: int) -> Test:
    return lambda cols, i: cols[slot][i] == wanted


def _in_test(slot: int, ids: frozenset[int], inside: bool) -> Test:
    if inside:
        return lambda cols, i: cols[slot][i] in ids
    return lambda cols, i: cols[slot][i] not in ids


def _comparison_test(slot: int, compare, arg: int) -> Test:
    return lambda cols, i: compare(cols[slot][i], arg)


def _regex_test(slot: int, regex: ValueTest) -> Test:
    return lambda cols, i: regex(cols[slot][i])


def _cached_regex(regex: re.Pattern, vocab: Vocab) -> ValueTest:
    strings = vocab.strings
    # Keyed by string id, so a result holds for every document; bounded because the vocabulary grows.
    results: dict[int, bool] = {}

    def test(value: int) -> bool:
        found = results.get(value)
        if found is None:
            if len(results) >= _CACHE_LIMIT:
                results.clear()
            found = results[value] = bool(regex.search(strings[value]))
        return found

    return test
