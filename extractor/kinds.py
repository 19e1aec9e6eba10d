"""The kinds of mention, each declared once.

A kind's declaration says everything the rest of the package needs to know about it:
its label, the record list that holds it, the fields its mentions carry (their type,
whether a record must have them, whether value scoring compares them), the spaCy
component that detects it, the function that resolves its candidates, and its
priority when two kinds claim the same text. The record reader and writer, the JSON
Schema, the scoring, the pipeline build and the resolution step all read `KINDS`;
adding a kind is a declaration, its data and its modules (see tests/test_kinds.py).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from importlib import import_module
from collections.abc import Mapping
from typing import Any, Callable, Iterator

__all__ = [
    "FieldType", "Field", "Kind", "KINDS", "DECIMAL", "DATE", "CURRENCY", "QUALIFIER", "TEXT", "QUALIFIERS",
    "DATE_VALUE", "MENTION_FIELDS", "LISTS", "LABELS", "declare", "withdraw", "by_list", "kind_of",
]

QUALIFIERS = ("approx", "lt", "le", "gt", "ge", "from", "until", "before", "after")

DATE_VALUE = re.compile(
    r"\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01])(T([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?)?)?"
    r"|-Q[1-4]|-H[12]|-(SP|SU|FA|WI))?"
)

# The normalized fields a Mention can carry (its attributes beyond text/start/end).
MENTION_FIELDS = ("value", "high", "currency", "qualifier", "name")


@dataclass(frozen=True)
class FieldType:
    """What a field's string may be: `check` says whether a string is one, `schema` is
    its JSON Schema, `same` whether two values are equal for value scoring."""

    name: str
    problem: str  # what a bad value is not, for the error line: "is not a decimal number"
    check: Callable[[str], bool]
    schema: dict[str, Any]
    same: Callable[[str | None, str | None], bool]


def _decimal(s: str | None) -> Decimal | None:
    if s is None:
        return None
    try:
        return Decimal(s)
    except ArithmeticError:
        return None


def is_decimal(s: str) -> bool:
    """
    >>> is_decimal("5250000"), is_decimal("-3.4"), is_decimal("5,25"), is_decimal("NaN")
    (True, True, False, False)
    """
    if not re.fullmatch(r"[+-]?\d+(\.\d+)?", s):
        return False
    try:
        Decimal(s)
    except InvalidOperation:
        return False
    return True


def _equal(a: str | None, b: str | None) -> bool:
    return a == b


DECIMAL = FieldType("decimal", "is not a decimal number", is_decimal,
                    {"type": "string", "pattern": r"^[+-]?\d+(\.\d+)?$"},
                    lambda a, b: _decimal(a) == _decimal(b))
DATE = FieldType("date", "is not an ISO date at a known precision", lambda s: DATE_VALUE.fullmatch(s) is not None,
                 # null: a date whose value the text does not fix (a relative date, no issue date)
                 {"type": ["string", "null"], "pattern": "^" + DATE_VALUE.pattern + "$"}, _equal)
CURRENCY = FieldType("currency", "is not an ISO 4217 code", lambda s: re.fullmatch(r"[A-Z]{3}", s) is not None,
                     {"type": "string", "pattern": "^[A-Z]{3}$"}, _equal)
QUALIFIER = FieldType("qualifier", "is not a known qualifier", lambda s: s in QUALIFIERS,
                      {"enum": list(QUALIFIERS)}, _equal)
TEXT = FieldType("text", "is not a string", lambda s: True, {"type": "string"}, _equal)


@dataclass(frozen=True)
class Field:
    name: str  # one of MENTION_FIELDS
    type: FieldType
    required: bool = False  # a record's mention must carry it (JSON null is allowed when `nullable`)
    nullable: bool = False  # written as null when unknown instead of left out (a relative date, no issue date)
    compared: bool = False  # value scoring compares it


@dataclass(frozen=True)
class Kind:
    label: str  # "MONEY"
    list_name: str  # the record's list: "amounts"
    fields: tuple[Field, ...]
    component: str  # the spaCy factory that detects it (registered under the spacy_factories entry point)
    factory: str  # where that factory is defined, "module:function": importing it registers the factory
    resolver: str  # "module:function" turning its candidates into mentions: (candidates, DocContext) -> mentions
    priority: int  # overlaps between kinds: the lower wins (a year inside an amount is the amount's)

    def field(self, name: str) -> Field | None:
        return next((f for f in self.fields if f.name == name), None)

    def resolve(self, candidates: list, ctx) -> list:
        return _function(self.resolver)(candidates, ctx)

    def register_factory(self) -> None:
        _function(self.factory)

    def same_value(self, gold, pred) -> bool:
        """Equal on every compared field (value scoring)."""
        return all(f.type.same(getattr(gold, f.name), getattr(pred, f.name)) for f in self.fields if f.compared)


def _function(spec: str) -> Callable[..., Any]:
    module, _, name = spec.partition(":")
    return getattr(import_module(module), name)


# Ordered as the record's JSON lists them.
KINDS: dict[str, Kind] = {}


class _Lists(Mapping):
    """Record list name -> label, in record order, as declared now."""

    def __getitem__(self, key: str) -> str:
        kind = by_list(key)
        if kind is None:
            raise KeyError(key)
        return kind.label

    def __iter__(self) -> Iterator[str]:
        return iter([k.list_name for k in KINDS.values()])

    def __len__(self) -> int:
        return len(KINDS)

    def __repr__(self) -> str:
        return repr(dict(self))


class _Labels(Mapping):
    """Label -> record list name, in record order, as declared now."""

    def __getitem__(self, key: str) -> str:
        return KINDS[key].list_name

    def __iter__(self) -> Iterator[str]:
        return iter(list(KINDS))

    def __len__(self) -> int:
        return len(KINDS)

    def __repr__(self) -> str:
        return repr(dict(self))


LISTS: Mapping[str, str] = _Lists()
LABELS: Mapping[str, str] = _Labels()


def declare(kind: Kind) -> Kind:
    """Add a kind; its label and list name must be new, its fields Mention fields."""
    if kind.label in KINDS or any(k.list_name == kind.list_name for k in KINDS.values()):
        raise ValueError(f"kind {kind.label!r} (list {kind.list_name!r}) is already declared")
    unknown = [f.name for f in kind.fields if f.name not in MENTION_FIELDS]
    if unknown:
        raise ValueError(f"kind {kind.label!r}: field {unknown[0]!r} is not a Mention field ({', '.join(MENTION_FIELDS)})")
    if not re.fullmatch(r"[A-Z][A-Z_]*", kind.label) or not re.fullmatch(r"[a-z][a-z_]*", kind.list_name):
        raise ValueError(f"kind {kind.label!r}: labels are upper case, list names lower case ({kind.list_name!r})")
    KINDS[kind.label] = kind
    return kind


def withdraw(label: str) -> None:
    """Remove a declared kind (tests that declare a toy kind take it back)."""
    KINDS.pop(label, None)


def kind_of(label: str) -> Kind:
    try:
        return KINDS[label]
    except KeyError:
        raise ValueError(f"unknown label {label!r} (labels are {', '.join(KINDS)})") from None


def by_list(list_name: str) -> Kind | None:
    return next((k for k in KINDS.values() if k.list_name == list_name), None)


_QUANTITY = (Field("value", DECIMAL, required=True, compared=True), Field("high", DECIMAL, compared=True))

declare(Kind("ORG", "organizations", (Field("name", TEXT),), "press_org",
             "extractor.orgs.detect:make_org_detector", "extractor.orgs:resolve_all", priority=3))
declare(Kind("MONEY", "amounts", (*_QUANTITY, Field("currency", CURRENCY, required=True, compared=True),
                                  Field("qualifier", QUALIFIER)),
             "press_money", "extractor.money:make_money_detector", "extractor.money:resolve_all", priority=0))
declare(Kind("DATE", "dates", (Field("value", DATE, required=True, nullable=True, compared=True),
                               Field("high", DATE, compared=True), Field("qualifier", QUALIFIER)),
             "press_date", "extractor.dates.detect:make_date_detector", "extractor.dates:resolve_all",
             priority=2))
declare(Kind("PERCENT", "percentages", (*_QUANTITY, Field("qualifier", QUALIFIER)),
             "press_percent", "extractor.percent:make_percent_detector", "extractor.percent:resolve_all", priority=1))
