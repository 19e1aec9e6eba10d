"""The money and percent patterns run in linear time on hostile input.

Every alternative starts behind a boundary lookbehind and every quantifier is
bounded, so the work per text position is bounded. These tests check the growth
(a ratio between input sizes), not a fixed timeout, so a slow machine does not
fail them while a quadratic pattern does: quadrupling the input must cost well
under 16 times as much.
"""
from __future__ import annotations

import time

import pytest

from extractor import money, percent

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
