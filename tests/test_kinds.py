"""Each kind is declared once (extractor.kinds) and everything else reads the declaration:
a toy kind, declared here with its detector and resolver and nothing else, goes through
the pipeline, the record, the JSON Schema, the reader and the scoring."""
from __future__ import annotations

import re
import tomllib

import pytest
from spacy.language import Language

from conftest import ROOT
from extractor import kinds
from extractor.api import Extractor, without_overlaps
from extractor.candidates import Candidate
from extractor.components import text_detector
from extractor.evaluation.scoring import evaluate
from extractor.pipeline import PipelineError, load
from extractor.records import LISTS, Mention, Record, RecordError, json_schema

# --- the toy kind: French phone numbers ------------------------------------------------

_PHONE = re.compile(r"(?<!\d)0[1-9](?:[ .]?\d\d){4}(?!\d)")


def _detect_phones(text: str) -> list[Candidate]:
    return [Candidate("PHONE", m.start(), m.end(), m.group(), {}, None, "phone") for m in _PHONE.finditer(text)]


@Language.factory("toy_phone", assigns=["doc._.candidates", "doc.spans"])
def make_phone_detector(nlp: Language, name: str):
    return text_detector("phone", _detect_phones)


def resolve_phones(candidates, ctx) -> list[Mention]:
    return [Mention("PHONE", c.text, c.start, c.end, value="+33" + re.sub(r"\D", "", c.text)[1:]) for c in candidates]


PHONE = kinds.Kind("PHONE", "phones", (kinds.Field("value", kinds.TEXT, required=True, compared=True),),
                   "toy_phone", f"{__name__}:make_phone_detector", f"{__name__}:resolve_phones", priority=1)

TEXT = "Contact presse : Lina Ferrat, 04 72 10 33 58, avant le 3 mars 2025."


@pytest.fixture
def phone_kind():
    kinds.declare(PHONE)
    yield PHONE
    kinds.withdraw("PHONE")


@pytest.fixture
def toy_config(tmp_path):
    config = (ROOT / "models" / "pipeline.cfg").read_text(encoding="utf-8")
    config = config.replace('"press_org"]', '"press_org", "toy_phone"]', 1)
    assert '"toy_phone"]' in config
    path = tmp_path / "pipeline.cfg"
    path.write_text(config + '\n[components.toy_phone]\nfactory = "toy_phone"\n', encoding="utf-8")
    return path


def test_a_declared_kind_goes_through_pipeline_record_schema_reader_and_scoring(phone_kind, toy_config):
    record = Extractor(toy_config).extract(TEXT, doc_id="d1", document_date="2025-02-01")
    data = record.to_dict()
    assert list(data)[3:8] == ["organizations", "amounts", "dates", "percentages", "phones"]
    assert data["phones"] == [{"text": "04 72 10 33 58", "start": 30, "end": 44, "value": "+33472103358"}]
    assert [m.text for m in record.dates] == ["3 mars 2025"]  # the other kinds are untouched
    # a number inside the phone number is no date or amount: the priority arbitrates
    assert all(not (m.start < 44 and 30 < m.end) for m in record.mentions if m.label != "PHONE")

    again = Record.from_dict(data, "toy")
    assert again.of("PHONE") == record.of("PHONE")
    bad = {**data, "phones": [{**data["phones"][0], "value": None}]}
    with pytest.raises(RecordError, match=r"toy: phones\[0\] '04 72 10 33 58': missing field 'value'"):
        Record.from_dict(bad, "toy")

    schema = json_schema()
    assert "phones" in schema["required"]
    assert schema["properties"]["phones"]["items"]["required"] == ["text", "start", "end", "value"]

    wrong = Record.from_dict({**data, "phones": [{**data["phones"][0], "value": "+33000000000"}]}, "toy")
    scores = evaluate([record], [wrong])
    assert scores.counts["strict"]["PHONE"].f1 == 1.0
    assert scores.counts["value"]["PHONE"].f1 == 0.0


def test_an_undeclared_kind_is_unknown_everywhere():
    assert "phones" not in LISTS
    with pytest.raises(RecordError, match="unknown mention list 'phones'"):
        Record.from_dict({"schema": "press-record/1", "doc_id": "d", "document_date": None, "phones": []}, "toy")


def test_declarations_refuse_duplicates_and_fields_a_mention_cannot_hold(phone_kind):
    with pytest.raises(ValueError, match="already declared"):
        kinds.declare(PHONE)
    with pytest.raises(ValueError, match="'extension' is not a Mention field"):
        kinds.declare(kinds.Kind("FAX", "faxes", (kinds.Field("extension", kinds.TEXT),), "toy_fax", "m:f", "m:r", 5))


def test_the_entry_points_register_the_declared_factories():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    declared = {k.component: k.factory for k in kinds.KINDS.values()}
    assert project["project"]["entry-points"]["spacy_factories"] == declared


def test_overlap_policy_comes_from_the_config():
    ms = [Mention("ORG", "x" * 10, 0, 10), Mention("MONEY", "x" * 3, 5, 8), Mention("DATE", "x" * 4, 8, 12)]
    assert [m.label for m in without_overlaps(ms, "priority")] == ["MONEY", "DATE"]
    assert [m.label for m in without_overlaps(ms, "longest")] == ["ORG"]
    with pytest.raises(ValueError, match="unknown overlap policy"):
        without_overlaps(ms, "shortest")


@pytest.mark.parametrize("overrides, problem", [
    ({"extractor.overlaps": "shortest"}, "overlaps must be one of priority, longest"),
    ({"extractor.piece_chars": 0}, "piece_chars must be positive"),
    ({"extractor.piece_chars": "big"}, "piece_chars must be an integer"),
    ({"extractor.pieces": 3}, "unknown settings ['pieces']"),
    ({"nlp.tokenizer.max_run": 0}, "max_run must be a positive integer"),
])
def test_bad_settings_stop_the_build_with_one_line(overrides, problem):
    with pytest.raises(PipelineError) as err:
        load(overrides=overrides)
    assert problem in str(err.value) and "\n" not in str(err.value)


def test_the_tokenizer_guard_reads_its_run_length_from_the_config():
    nlp, settings = load(overrides={"nlp.tokenizer.max_run": 50, "extractor.piece_chars": 5000})
    assert nlp.tokenizer.max_run == 50 and settings.piece_chars == 5000
    assert max(len(t) for t in nlp.tokenizer("x" * 120)) == 50
