"""Case-blind scans of a whole text at the speed of case-sensitive ones.

Python's `re` cannot skip ahead in a scan under IGNORECASE: every position of the text
is tried against every alternative, case-folded, about three times the work of the same
pattern written in lowercase and run over `text.lower()`. A `Caseless` pattern is
compiled both ways: scans (`finditer`) run the lowercase one over the lowercased text
and give back matches that read the original text; anchored reads of short windows
(`search`, `match`) and texts whose lowercase is not the same length use the
case-blind one. tests/test_caseless.py checks that both give the same matches.

A pattern may also name a `gate`: words every one of its matches contains (`années`
for a decade). A scan first looks for any of them, a plain alternation `re` finds
quickly, and a text that holds none is not scanned at all: most releases name no
decade, no half month and no ordinal day.
"""
from __future__ import annotations

import re
import sys
from typing import Iterator

__all__ = ["Caseless", "Found", "lowercase_source"]

# What stays as written in a pattern's source: escapes (`\W` is not `\w`) and group names.
_KEEP = re.compile(r"\\(?:N\{[^}]*\}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|x[0-9a-fA-F]{2}|.)|\(\?P<\w+>|\(\?P=\w+\)", re.DOTALL)


def lowercase_source(source: str) -> str:
    r"""The pattern that matches lowercased text where `source` matches under IGNORECASE.

    >>> lowercase_source(r"(?P<Mois>Janvier|F[ÉE]V)\W(?P=Mois)")
    '(?P<Mois>janvier|f[ée]v)\\W(?P=Mois)'
    """
    out, pos = [], 0
    for m in _KEEP.finditer(source):
        out += [source[pos:m.start()].lower(), m.group()]
        pos = m.end()
    out.append(source[pos:].lower())
    return "".join(out)


class Found:
    """A match over the lowercased text that reads the original text: `group` and
    `groupdict` give the characters as written, offsets are the same."""

    __slots__ = ("_m", "_text")

    def __init__(self, m: re.Match[str], text: str):
        self._m, self._text = m, text

    def group(self, *names):
        if len(names) > 1:
            return tuple(self.group(n) for n in names)
        start, end = self._m.span(*names)
        return None if start < 0 else self._text[start:end]

    def __getitem__(self, name):
        return self.group(name)

    def groupdict(self, default=None) -> dict[str, str | None]:
        return {name: (self.group(name) if value is not None else default)
                for name, value in self._m.groupdict().items()}

    def start(self, *group) -> int:
        return self._m.start(*group)

    def end(self, *group) -> int:
        return self._m.end(*group)

    def span(self, *group) -> tuple[int, int]:
        return self._m.span(*group)

    @property
    def lastgroup(self) -> str | None:
        return self._m.lastgroup


# An inline flag group that turns IGNORECASE off for a part: `(?-i:T)`, `(?s-i:...)`.
_CASE_SCOPE = re.compile(r"(?<!\\)\(\?[aLmsux]*-[imsx]*i")

_last: tuple[str, str] = ("", "")  # the text last lowered, and its lowercase: one text is scanned many times


def _lowered(text: str) -> str | None:
    global _last
    last = _last  # one read: another thread may replace it
    if last[0] is text:
        return last[1]
    lowered = text.lower()
    if len(lowered) != len(text):
        return None  # `İ` lowercases to two characters: offsets would move
    _last = (text, lowered)
    return lowered


class Caseless:
    """A case-blind pattern (`re.compile(source, re.IGNORECASE)`) whose scans run fast."""

    def __init__(self, source: str, flags: int = 0, gate: str | None = None):
        """`gate`: a pattern that matches inside every match of `source` (its required
        words); it only saves work when it is much simpler than `source`."""
        if _CASE_SCOPE.search(source):
            # lowercasing the text would erase the capitals that part asks for (`T1`, not `t1`)
            raise ValueError(f"a pattern with a case-sensitive part cannot scan lowercased text: {source[:60]!r}")
        self.pattern, self.flags = source, flags
        self.lower = re.compile(lowercase_source(source), flags)
        self.gate = re.compile(lowercase_source(gate), flags) if gate else None
        self.groupindex = self.lower.groupindex
        self._blind: re.Pattern[str] | None = None

    @property
    def blind(self) -> re.Pattern[str]:
        """The case-blind pattern, compiled when first needed (a start-up cost most runs never need)."""
        if self._blind is None:
            self._blind = re.compile(self.pattern, self.flags | re.IGNORECASE)
        return self._blind

    def search(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        return self.blind.search(text, pos, endpos)

    def match(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        return self.blind.match(text, pos, endpos)

    def finditer(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> Iterator[re.Match[str] | Found]:
        lowered = _lowered(text)
        if lowered is None:
            yield from self.blind.finditer(text, pos, endpos)
            return
        if self.gate is not None and self.gate.search(lowered, pos, endpos) is None:
            return  # none of the words every match holds
        for m in self.lower.finditer(lowered, pos, endpos):
            yield Found(m, text)

    def __repr__(self) -> str:
        return f"Caseless({self.pattern[:40]!r}...)"
