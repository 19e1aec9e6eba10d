"""The money and percent patterns, and canonical-name grouping, run in linear time
on hostile input.

Every alternative starts behind a boundary lookbehind and every quantifier is
bounded, so the work per text position is bounded. These tests check the growth
(a ratio between input sizes), not a fixed timeout, so a slow machine does not
fail them while a quadratic pattern does: quadrupling the input must cost well
under 16 times as much.
"""
from __future__ import annotations

import re
import time

import pytest

from conftest import laureates
from extractor import money, percent
from extractor.candidates import Candidate
from extractor.orgs.names import canonical_names

SIZES = (10_000, 20_000, 40_000)
HOSTILE = {
    "digits": "7",
    "percent": "%",
    "spaces": " ",
    "euro": "€",
    "dots-commas": ".,",
    "thousand-groups": "1 000 ",
    "no-break-spaces": "1\u00a0",
    "words": "trois ",
    "ranges": "entre 1 et ",
    "parentheses": "(",
    "dashes": "- ",
    # the units of issue 14: subunits after an amount, glued codes, percent written out
    "euro-cents": "1 € 50 ",
    "glued-euro-cents": "12€50",
    "code-and": "3 USD et ",
    "euros-and-centimes": "3 euros et 40 centimes ",
    "glued-code": "EUR1",
    "cents": "cents ",
    "url-percent": "x.fr/1%",
    "pour-100": "5 pour 100 ",
    "percent-escape": "%2D",
    "pour-cent": "pour-cent ",
}


def _seconds(text: str) -> float:
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        money.detect_text(text)
        percent.detect_text(text)
        best = min(best, time.perf_counter() - start)
    return best


@pytest.mark.parametrize("unit", HOSTILE.values(), ids=HOSTILE.keys())
def test_detection_time_grows_linearly(unit):
    times = [_seconds((unit * (size // len(unit) + 1))[:size]) for size in SIZES]
    ratio = times[-1] / max(times[0], 1e-6)
    assert ratio < 8, f"x{SIZES[-1] // SIZES[0]} input took x{ratio:.1f} time: {times}"


def _laureate_candidates(n_names: int) -> list[Candidate]:
    """Each laureate's name, its acronym defined in parentheses, and the acronym used again."""
    text = laureates(n_names * 90)
    out = []
    for m in re.finditer(r"- ([^(]+) \(([A-Z]+)\)", text):
        name, acronym = m.group(1), m.group(2)
        out.append(Candidate("ORG", m.start(1), m.end(1), name))
        out.append(Candidate("ORG", m.start(2), m.end(2), acronym, parts={"abbreviation": name}))
        again = text.index(acronym, m.end())
        out.append(Candidate("ORG", again, again + len(acronym), acronym))
    return out


def test_canonical_names_of_many_organisations_with_acronyms_grow_linearly():
    sizes = (500, 2000)
    cases = [_laureate_candidates(n) for n in sizes]
    times = []
    for candidates in cases:
        best = float("inf")
        for _ in range(3):
            start = time.perf_counter()
            names = canonical_names(candidates)
            best = min(best, time.perf_counter() - start)
        times.append(best)
        assert len(set(names)) > 0.9 * len(candidates) / 3, "about one name per laureate and its acronym"
    ratio = times[1] / max(times[0], 1e-6)
    assert ratio < 8, f"x4 organisations took x{ratio:.1f} time: {times}"
