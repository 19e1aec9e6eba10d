"""Hostile and huge input through the whole pipeline: time grows linearly with the
input, offsets stay exact, nothing raises."""
import time

import pytest

from conftest import FIXTURES, laureates
from extractor.api import without_overlaps
from extractor.records import Mention
from extractor.tokenizer import GuardedTokenizer


def test_guarded_tokenizer_keeps_text_and_ordinary_tokens(extractor):
    guarded = extractor.nlp.tokenizer
    assert isinstance(guarded, GuardedTokenizer)
    text = (FIXTURES / "press_releases" / "000_96300efdaabbe5f0.txt").read_text(encoding="utf-8")
    assert [t.text for t in guarded(text)] == [t.text for t in guarded.tokenizer(text)]
    hostile = "Prix : " + "%" * 1000 + " fin, " + "€" * 450 + "\n"
    doc = guarded(hostile)
    assert doc.text == hostile
    assert max(len(t) for t in doc) <= guarded.max_run


def _seconds(extractor, text):
    best = float("inf")
    for _ in range(2):
        start = time.perf_counter()
        record = extractor.extract(text, document_date="2025-06-12")
        best = min(best, time.perf_counter() - start)
    record.check(text)
    return best


def _body_text():
    texts = sorted((FIXTURES / "press_releases").glob("*.txt"))
    return "\n\n".join(p.read_text(encoding="utf-8") for p in texts)


UNITS = {
    "percent signs": "%",
    "euro signs": "€",
    "commas": ",",
    "apostrophes": "'",
    "digits": "1",
    "dots": ".",
    "spaces": " ",
    "one long word": "abcdefghij",
    "dates, money, percents": "12 juin 2025 5 M€ 10 % ",
    "releases end to end": None,
}


@pytest.mark.parametrize("name", UNITS)
def test_time_grows_linearly_with_the_input(extractor, name):
    unit = UNITS[name] or _body_text()
    small, large = 10_000, 40_000
    times = [_seconds(extractor, (unit * (n // len(unit) + 1))[:n]) for n in (small, large)]
    ratio = times[1] / max(times[0], 1e-3)
    # 4x the input: about 4x the time if linear, 16x if quadratic.
    assert ratio < 8, f"{name}: {times[0]:.3f}s -> {times[1]:.3f}s (x{ratio:.1f}) for 4x the input"


def test_a_long_list_of_organisations_with_acronyms_takes_linear_time(extractor):
    small, large = 10_000, 40_000
    times = [_seconds(extractor, laureates(n)) for n in (small, large)]
    ratio = times[1] / max(times[0], 1e-3)
    assert ratio < 8, f"laureates: {times[0]:.3f}s -> {times[1]:.3f}s (x{ratio:.1f}) for 4x the input"


def test_overlap_arbitration_prefers_specific_kinds_then_longer_spans():
    ms = [Mention("ORG", "x" * 10, 0, 10), Mention("MONEY", "x" * 3, 5, 8), Mention("DATE", "x" * 4, 8, 12),
          Mention("ORG", "x" * 2, 12, 14), Mention("PERCENT", "x" * 3, 0, 3), Mention("DATE", "x" * 7, 13, 20)]
    assert [(m.label, m.start) for m in without_overlaps(ms, "priority")] == [
        ("PERCENT", 0), ("MONEY", 5), ("DATE", 8), ("DATE", 13)]
