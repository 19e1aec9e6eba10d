import json

import pytest

from extractor.records import Mention, Record, RecordError, json_schema, read_records

SOURCE = "Raidium lève 5,25 M € depuis janvier 2025, soit moins de 10% du total."

GOOD = {
    "schema": "press-record/1",
    "doc_id": "doc1",
    "document_date": "2025-06-12",
    "organizations": [{"text": "Raidium", "start": 0, "end": 7, "name": "Raidium"}],
    "amounts": [{"text": "5,25 M €", "start": 13, "end": 21, "value": "5250000", "currency": "EUR"}],
    "dates": [{"text": "janvier 2025", "start": 29, "end": 41, "value": "2025-01", "qualifier": "from"}],
    "percentages": [{"text": "10%", "start": 57, "end": 60, "value": "10", "qualifier": "lt"}],
}


def test_source_offsets_of_the_example_are_right():
    for name in ("organizations", "amounts", "dates", "percentages"):
        for m in GOOD[name]:
            assert SOURCE[m["start"]:m["end"]] == m["text"]


def test_round_trip_is_exact():
    rec = Record.from_dict(json.loads(json.dumps(GOOD)))
    assert rec.to_dict() == GOOD
    assert json.loads(rec.to_json()) == GOOD


def test_round_trip_keeps_ranges_optional_null_dates_and_extra_fields():
    data = dict(GOOD)
    data["amounts"] = [{"text": "5,25 M €", "start": 13, "end": 21, "value": "5", "high": "6",
                        "currency": "EUR", "optional": True, "confidence": 0.5}]
    data["dates"] = [{"text": "janvier 2025", "start": 29, "end": 41, "value": None}]
    data["extractor_version"] = "x"
    assert Record.from_dict(data).to_dict() == data


def test_values_are_strings_and_lists_sorted_by_offset():
    rec = Record("d", None, [
        Mention("PERCENT", "10%", 58, 61, value="10"),
        Mention("PERCENT", "5 %", 3, 6, value="5"),
    ])
    out = rec.to_dict()
    assert [m["start"] for m in out["percentages"]] == [3, 58]
    assert all(isinstance(m["value"], str) for m in out["percentages"])
    assert out["organizations"] == [] and out["schema"] == "press-record/1"


def test_check_accepts_the_good_record():
    Record.from_dict(GOOD).check(SOURCE, "doc1.json")


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda d: d["amounts"][0].update(text="5,25 M$", end=20), "end - start = 7 but text has 7"),
        (lambda d: d["amounts"][0].pop("currency"), "missing field 'currency'"),
        (lambda d: d["amounts"][0].update(currency="euros"), "currency 'euros' is not an ISO 4217 code"),
        (lambda d: d["amounts"][0].update(value=5250000), "value must be a string"),
        (lambda d: d["amounts"][0].update(value="5,25"), "'5,25' is not a decimal number"),
        (lambda d: d["dates"][0].update(value="janvier"), "is not an ISO date"),
        (lambda d: d["dates"][0].update(qualifier="since"), "qualifier 'since' is not a known qualifier"),
        (lambda d: d["percentages"][0].pop("start"), "missing field 'start'"),
        (lambda d: d.update(people=[]), "unknown mention list 'people'"),
        (lambda d: d.update(schema="other/2"), "schema is 'other/2'"),
        (lambda d: d.update(document_date="12/06/2025"), "document_date '12/06/2025'"),
    ],
)
def test_malformed_records_fail_with_one_line_naming_the_problem(change, message):
    data = json.loads(json.dumps(GOOD))
    change(data)
    with pytest.raises(RecordError) as err:
        Record.from_dict(data, "gold/doc1.json").check(SOURCE, "gold/doc1.json")
    text = str(err.value)
    assert "\n" not in text and text.startswith("gold/doc1.json")
    if "end - start" not in message:
        assert message in text


def test_text_mismatch_names_file_mention_and_problem():
    data = json.loads(json.dumps(GOOD))
    data["organizations"][0]["text"] = "Raidiun"
    with pytest.raises(RecordError, match=r"gold\.json: organizations 'Raidiun' \(0-7\): text does not equal source\[0:7\] \('Raidium'\)"):
        Record.from_dict(data).check(SOURCE, "gold.json")


def test_overlapping_mentions_are_refused():
    data = json.loads(json.dumps(GOOD))
    data["dates"].append({"text": "2025", "start": 37, "end": 41, "value": "2025"})
    with pytest.raises(RecordError, match="overlaps"):
        Record.from_dict(data).check(SOURCE)


def test_read_records_from_folder_checks_texts_and_names(tmp_path):
    gold, texts = tmp_path / "gold", tmp_path / "press_releases"
    gold.mkdir(), texts.mkdir()
    (texts / "doc1.txt").write_text(SOURCE, encoding="utf-8")
    (gold / "doc1.json").write_text(json.dumps(GOOD), encoding="utf-8")
    (rec,) = read_records(gold)
    assert rec.doc_id == "doc1" and len(rec.mentions) == 4
    (texts / "doc1.txt").write_text("X" + SOURCE, encoding="utf-8")
    with pytest.raises(RecordError, match="doc1.json: organizations 'Raidium'"):
        read_records(gold)


def test_bad_json_and_duplicates_name_the_place(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"schema": "press-record/1",', encoding="utf-8")
    with pytest.raises(RecordError, match=r"bad\.json: invalid JSON at line 1"):
        read_records(bad)
    jl = tmp_path / "pred.jsonl"
    jl.write_text(json.dumps(GOOD) + "\n" + json.dumps(GOOD) + "\n", encoding="utf-8")
    with pytest.raises(RecordError, match=r"pred\.jsonl:2: duplicate doc_id 'doc1'"):
        read_records(jl)


def test_json_schema_accepts_records_and_rejects_float_values():
    import jsonschema

    schema = json_schema()
    jsonschema.validate(GOOD, schema)
    broken = json.loads(json.dumps(GOOD))
    broken["amounts"][0]["value"] = 5250000.0
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema)
