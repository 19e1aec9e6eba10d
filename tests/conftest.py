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


def laureates(n_chars: int, seed: int = 7) -> str:
    """A list of prize winners: many distinct organisations, each with its acronym
    defined and used again — the shape that made canonical-name grouping quadratic."""
    import random

    rng = random.Random(seed)
    syllables = ["ka", "lo", "mi", "ver", "tan", "dor", "zen", "qui", "bra", "nel", "sto", "fil", "gor", "pel"]
    heads = ["Institut", "Agence", "Laboratoire", "Centre", "Association", "Groupe", "Fondation", "Société"]
    lines, size = ["Palmarès 2025 : les lauréats de l'appel à projets.", ""], 0
    while size < n_chars:
        words = ["".join(rng.choice(syllables) for _ in range(rng.randint(2, 3))).capitalize() for _ in range(3)]
        name = f"{rng.choice(heads)} {' '.join(words)}"
        acronym = "".join(w[0] for w in name.split()).upper()
        line = f"- {name} ({acronym}), à Lyon, reçoit {rng.randint(10, 900)} 000 € ; {acronym} recrutera."
        lines.append(line)
        size += len(line) + 1
    return "\n".join(lines)[:n_chars]
