"""The fixture corpus: every gold file is valid, and extraction does not regress on it.

These scores guard against regressions; they are not the measure of quality
(the fixtures are development data).
"""
import importlib.util
import json

import pytest

from conftest import FIXTURES
from extractor.records import read_records

TOLERANCE = 0.02


def _baseline_module():
    spec = importlib.util.spec_from_file_location("fixtures_baseline", FIXTURES / "baseline.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_gold_file_is_valid_and_matches_its_text():
    texts = sorted(p.stem for p in (FIXTURES / "press_releases").glob("*.txt"))
    records = read_records(FIXTURES / "gold", texts=FIXTURES / "press_releases")  # schema, offsets, overlaps, values
    assert sorted(r.doc_id for r in records) == texts
    assert len(records) >= 31


def test_every_heldout_gold_file_is_valid():
    # Validation only: the held-out set is never scored by the test suite (see its README).
    root = FIXTURES / "heldout"
    texts = sorted(p.stem for p in (root / "press_releases").glob("*.txt"))
    records = read_records(root / "gold", texts=root / "press_releases")
    assert sorted(r.doc_id for r in records) == texts and len(records) >= 8


@pytest.fixture(scope="module")
def scores(extractor):
    return _baseline_module().current_scores(extractor)


@pytest.mark.parametrize("label", ["ORG", "MONEY", "DATE", "PERCENT", "micro"])
def test_value_f1_does_not_regress(scores, label):
    baseline = json.loads((FIXTURES / "baseline.json").read_text(encoding="utf-8"))
    assert scores["documents"] == baseline["documents"], "fixtures changed: rerun python fixtures/baseline.py --write"
    floor = baseline["value_f1"][label] - TOLERANCE
    assert scores["value_f1"][label] >= floor, f"{label} value F1 {scores['value_f1'][label]} < baseline - {TOLERANCE}"
