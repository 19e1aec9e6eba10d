"""Shared fixtures. The spaCy pipeline is loaded once per test session."""
from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
SEED_ID = "000_96300efdaabbe5f0"


@pytest.fixture(scope="session")
def extractor():
    from extractor import Extractor

    return Extractor()


@pytest.fixture(scope="session")
def seed_text() -> str:
    return (FIXTURES / "press_releases" / f"{SEED_ID}.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def seed_gold():
    from extractor.records import read_records

    (record,) = read_records(FIXTURES / "gold" / f"{SEED_ID}.json", texts=FIXTURES / "press_releases")
    return record


@pytest.fixture(scope="session")
def seed_record(extractor, seed_text):
    """The extractor's record for the seed, with no document date given."""
    return extractor.extract(seed_text, doc_id=SEED_ID)
