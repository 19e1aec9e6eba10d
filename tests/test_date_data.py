"""The date, cue and quantity data drive detection: a word added to models/lexicon/ is
found, a longer cue is read whole, and a broken table is one clear error."""
from __future__ import annotations

import json
import shutil
import sys

import pytest

from extractor import cues, money, percent
from extractor.dates import detect_text
from extractor.lexicon import MODELS_ENV, LexiconError, models_dir


def _forget_loaded_data():
    """Drop every cached table and pattern of the package, so the next call reads models/ again."""
    for name, module in list(sys.modules.items()):
        if name == "extractor" or name.startswith("extractor."):
            for value in list(vars(module).values()):
                if callable(getattr(value, "cache_clear", None)):
                    value.cache_clear()


@pytest.fixture
def toy_lexicon(tmp_path, monkeypatch):
    """Edit a private copy of models/lexicon/: `edit(file, change)` applies `change` to the
    parsed JSON of one file, and the package then loads that copy."""
    root = tmp_path / "models"
    shutil.copytree(models_dir() / "lexicon", root / "lexicon")
    shutil.copy(models_dir() / "pipeline.cfg", root / "pipeline.cfg")

    def edit(file, change):
        path = root / "lexicon" / file
        data = json.loads(path.read_text(encoding="utf-8"))
        change(data)
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        _forget_loaded_data()

    monkeypatch.setenv(MODELS_ENV, str(root))
    _forget_loaded_data()
    yield edit
    monkeypatch.undo()
    _forget_loaded_data()


def _ranges(text):
    return [(c.text, c.parts.get("hi.day")) for c in detect_text(text)]


def test_a_range_connector_added_to_the_data_joins_a_range(toy_lexicon):
    text = "du 4 jusqu'au 9 mai 2025"
    assert _ranges(text) == [("9 mai 2025", None)]
    toy_lexicon("dates.json", lambda d: d["connectors"]["range_to"].append("jusqu'au"))
    assert _ranges(text) == [("4 jusqu'au 9 mai 2025", "9")]


def test_the_cue_window_grows_with_the_longest_cue(toy_lexicon):
    long_cue = "dans une fourchette qui se situerait aux alentours de"
    text = f"un budget {long_cue} 3 M€"
    start = text.index("3 M€")
    assert cues.find_cue(text, start, "quantity") == (text.index("aux alentours"), "aux alentours de")
    toy_lexicon("cues.json", lambda d: d["quantity"]["approx"].append(long_cue))
    assert cues.window() > len(long_cue)
    assert cues.find_cue(text, start, "quantity") == (text.index(long_cue), long_cue)


@pytest.mark.parametrize("change, message", [
    (lambda d: d["connectors"].pop("range_to"), r"dates\.json connectors/range_to: missing"),
    (lambda d: d["connectors"].update(range_via=["via"]), r"dates\.json connectors/range_via: read by no loader"),
    (lambda d: d["issue_day_verbs"].pop("cleft"), r"dates\.json issue_day_verbs/cleft: missing"),
    (lambda d: d.pop("tense"), r"dates\.json tense: missing"),
])
def test_a_broken_date_table_is_one_clear_error(toy_lexicon, change, message):
    toy_lexicon("dates.json", change)
    with pytest.raises(LexiconError, match=message):
        detect_text("le 3 mars 2025")


def test_a_range_word_added_to_the_quantity_data_joins_amounts_and_percentages(toy_lexicon):
    assert [c.text for c in money.detect_text("de 2 jusqu'à 3 M€")] == ["3 M€"]
    toy_lexicon("quantities.json", lambda d: d["ranges"]["to"].append("jusqu'à"))
    assert [c.text for c in money.detect_text("de 2 jusqu'à 3 M€")] == ["2 jusqu'à 3 M€"]
    assert [c.text for c in percent.detect_text("de 2 jusqu'à 3 %")] == ["2 jusqu'à 3 %"]


def test_a_broken_quantity_table_is_one_clear_error(toy_lexicon):
    toy_lexicon("quantities.json", lambda d: d["ranges"].update(until=["jusqu'à"]))
    with pytest.raises(LexiconError, match=r"quantities\.json ranges/until: read by no loader"):
        money.detect_text("3 M€")
