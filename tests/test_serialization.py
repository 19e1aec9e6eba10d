"""A saved pipeline carries its rules: `nlp.to_disk` writes each component's language data
beside its weights, and the loaded copy reads that data, for detection and resolution,
whatever the original pipeline in the same process reads."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from extractor import Extractor
from extractor.lexicon import models_dir

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"

# One edit of each kind of data, made in a saved copy only.
MONTH = "brumaire"  # a month spelling (November), unknown to the shipped data
CURRENCY = "zorglubs"  # a currency word, made a name of the euro
ORG = "Xylophax"  # an organization name, added to the gazetteer
TEXT = (f"Paris, le 3 {MONTH} 2025 – Le groupe lève 12 millions de {CURRENCY} "
        f"et sera coté le 4 mars 2026. Le financement vient de {ORG}.")


def _records(extractor, texts):
    return [record.to_dict() for record in extractor.pipe(texts)]


def _mentions(record, label):
    return [m for m in record.mentions if m.label == label]


@pytest.fixture(scope="module")
def saved(extractor, tmp_path_factory):
    folder = tmp_path_factory.mktemp("saved") / "pipeline"
    extractor.nlp.to_disk(folder)
    return folder


@pytest.fixture(scope="module")
def edited(saved, tmp_path_factory):
    """A second copy of the saved pipeline, with a month spelling, a currency word and a
    gazetteer name added to its data."""
    folder = tmp_path_factory.mktemp("edited") / "pipeline"
    shutil.copytree(saved, folder)

    def edit_json(path, change):
        data = json.loads(path.read_text(encoding="utf-8"))
        change(data)
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")

    edit_json(folder / "press_date" / "lexicon" / "dates.json", lambda d: d["months"]["11"].append(MONTH))
    edit_json(folder / "press_money" / "lexicon" / "currencies.json",
              lambda d: next(u for u in d["units"] if u["iso"] == "EUR")["words"].append(CURRENCY))
    with (folder / "press_org" / "org" / "gazetteer" / "core.tsv").open("a", encoding="utf-8") as f:
        f.write(f"{ORG}\t\tcompany\t\n")
    return folder


def test_each_component_saves_the_data_it_reads(saved):
    assert (saved / "press_money" / "lexicon" / "currencies.json").is_file()
    assert (saved / "press_percent" / "lexicon" / "percent.json").is_file()
    assert (saved / "press_date" / "lexicon" / "dates.json").is_file()
    assert sorted(p.name for p in (saved / "press_org" / "org" / "gazetteer").glob("*.tsv")) == \
        sorted(p.name for p in (models_dir() / "org" / "gazetteer").glob("*.tsv"))
    assert (saved / "press_org" / "org" / "decision.json").is_file()


def test_the_loaded_copy_reads_its_own_folders(saved):
    copy = Extractor.from_disk(saved)
    assert {label: folder.name for label, folder in copy.data.items()} == {
        "ORG": "press_org", "MONEY": "press_money", "DATE": "press_date", "PERCENT": "press_percent"}
    assert all(folder.parent == saved.resolve() for folder in copy.data.values())


def test_a_saved_pipeline_gives_the_records_of_the_original(extractor, saved):
    texts = [p.read_text(encoding="utf-8") for p in sorted((FIXTURES / "press_releases").glob("*.txt"))]
    copy = Extractor.from_disk(saved)
    assert copy.settings == extractor.settings
    assert _records(copy, texts) == _records(extractor, texts)


def test_the_saved_pipeline_keeps_the_tokenizer_and_its_guard(extractor, saved):
    copy = Extractor.from_disk(saved)
    text = "Aujourd'hui, l'entreprise lève 3 M€ (+12 %) : " + "%" * 450 + " fin."
    assert type(copy.nlp.tokenizer) is type(extractor.nlp.tokenizer)
    assert copy.nlp.tokenizer.pieces(text) == extractor.nlp.tokenizer.pieces(text)
    assert len(copy.nlp.tokenizer.pieces(text)) == 4  # the run cut in three (max_run = 200)
    assert [t.text for t in copy.nlp.tokenizer(text)] == [t.text for t in extractor.nlp.tokenizer(text)]


def test_edited_data_changes_the_copy_and_not_the_original(extractor, edited):
    before = extractor.extract(TEXT).to_dict()
    copy = Extractor.from_disk(edited).extract(TEXT)
    original = extractor.extract(TEXT)
    # The original, run again after the copy read its data, is what it was.
    assert original.to_dict() == before

    # A month spelling: detected, and resolved to its month (resolution reads the copy's data too).
    assert [(m.text, m.value) for m in _mentions(copy, "DATE")] == [(f"3 {MONTH} 2025", "2025-11-03"),
                                                                    ("4 mars 2026", "2026-03-04")]
    assert [(m.text, m.value) for m in _mentions(original, "DATE")] == [("2025", "2025"), ("4 mars 2026", "2026-03-04")]
    # A currency word.
    assert [(m.text, m.currency) for m in _mentions(copy, "MONEY")] == [(f"12 millions de {CURRENCY}", "EUR")]
    assert _mentions(original, "MONEY") == []
    # A gazetteer name: found by the copy only.
    assert [(m.text, m.extra["source"]) for m in _mentions(copy, "ORG")] == [(ORG, "gazetteer")]
    assert _mentions(original, "ORG") == []
