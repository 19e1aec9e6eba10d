"""Conversions between records and annotation tool formats, on every fixture's gold."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conftest import FIXTURES
from extractor.formats import FORMATS, ConversionError, convert, guess_format, read
from extractor.records import RecordError, read_records

GOLD_DIR = FIXTURES / "gold"
TEXTS = FIXTURES / "press_releases"
OUT_NAME = {"brat": "brat", "labelstudio": "tasks.json", "doccano": "spans.jsonl", "docbin": "gold.spacy"}
EMOJI_DOC = "004_tandemo_seed_lyon"  # a text with characters outside the BMP


@pytest.fixture(scope="module")
def gold():
    return read_records(GOLD_DIR)


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """Every fixture's gold written once in each format."""
    base = tmp_path_factory.mktemp("formats")
    out = {}
    for fmt, name in OUT_NAME.items():
        out[fmt] = base / name
        convert(GOLD_DIR, None, fmt, out[fmt])
    return out


@pytest.mark.parametrize("fmt", list(OUT_NAME))
def test_round_trip_is_lossless_on_all_fixtures(fmt, exported, gold, tmp_path):
    back = tmp_path / "back.jsonl"
    result = convert(exported[fmt], None, "record", back)  # --from guessed
    assert result.notes == []
    again = read_records(back, texts=TEXTS)
    assert [r.doc_id for r in again] == [r.doc_id for r in gold]
    for g, a in zip(gold, again):
        assert a.to_dict() == g.to_dict(), g.doc_id
        assert a == g
    optional = sum(m.optional for r in again for m in r.mentions)
    assert optional == sum(m.optional for r in gold for m in r.mentions) > 0


def test_record_folder_round_trip_keeps_the_gold_layout(gold, tmp_path):
    convert(GOLD_DIR, "record", "record", tmp_path / "copy")
    for r in gold:  # byte for byte: one mention a line, like fixtures/annotate.py writes
        copied = (tmp_path / "copy" / f"{r.doc_id}.json").read_text(encoding="utf-8")
        assert copied == (GOLD_DIR / f"{r.doc_id}.json").read_text(encoding="utf-8")


def test_formats_carry_what_they_should(exported):
    ann = (exported["brat"] / f"{EMOJI_DOC}.ann").read_text(encoding="utf-8")
    assert "\tAnnotatorNotes T" in ann and "currency=EUR" in ann
    assert (exported["brat"] / f"{EMOJI_DOC}.meta.json").exists()
    task = json.loads(exported["labelstudio"].read_text(encoding="utf-8"))[0]
    types = {r["type"] for r in task["annotations"][0]["result"]}
    assert types == {"labels", "textarea"} and task["data"]["doc_id"]
    line = json.loads(exported["doccano"].read_text(encoding="utf-8").splitlines()[0])
    assert {"start", "end", "label", "text"} <= set(line["spans"][0]) and line["meta"]["doc_id"]


def test_docbin_spans_and_attributes(exported):
    import spacy
    from spacy.tokens import DocBin

    read(exported["docbin"], "docbin")  # registers the span extension
    docs = list(DocBin().from_bytes(exported["docbin"].read_bytes()).get_docs(spacy.blank("fr").vocab))
    doc = docs[0]
    assert [s.label_ for s in doc.spans["press"]] == [s.label_ for s in doc.ents]
    money = next(s for s in doc.spans["press"] if s.label_ == "MONEY")
    assert money._.press["currency"] and doc.user_data["press"]["doc_id"]


@pytest.mark.parametrize("fmt", list(OUT_NAME))
def test_guessing_the_input_format(fmt, exported):
    assert guess_format(exported[fmt]) == fmt


def test_guessing_records_and_refusing_ambiguity(tmp_path):
    assert guess_format(GOLD_DIR) == "record"
    assert guess_format(GOLD_DIR / "000_96300efdaabbe5f0.json") == "record"
    (tmp_path / "a.ann").write_text("", encoding="utf-8")
    (tmp_path / "b.json").write_text("{}", encoding="utf-8")
    with pytest.raises(RecordError, match="both .ann and .json files; give --from"):
        guess_format(tmp_path)
    (tmp_path / "c.txt").write_text("x", encoding="utf-8")
    with pytest.raises(RecordError, match="cannot tell its format"):
        guess_format(tmp_path / "c.txt")


# --- misaligned and unsupported spans ---------------------------------------------------

def brat_doc(tmp_path, ann: str, text: str = "La société Raidium lève 5 M€.\n"):
    (tmp_path / "d.txt").write_text(text, encoding="utf-8")
    (tmp_path / "d.ann").write_text(ann, encoding="utf-8")
    return tmp_path / "d.ann"


def test_brat_misaligned_spans_are_each_reported(tmp_path):
    ann = brat_doc(tmp_path, "T1\tORG 11 18\tRaidum\nT2\tMONEY 24 28\t5 M€\n#1\tAnnotatorNotes T2\tvalue=5000000 "
                             "currency=EUR\nT3\tORG 90 95\tLoin\n")
    with pytest.raises(ConversionError) as info:
        convert(ann, None, "record", tmp_path / "out.jsonl")
    problems = info.value.problems
    assert len(problems) == 2
    assert problems[0].startswith(f"{ann}:1: T1 ORG 11-18 'Raidum' does not match the text there ('Raidium')")
    assert f"{ann}:4: T3 ORG" in problems[1] and "past the end of the text" in problems[1]
    assert not (tmp_path / "out.jsonl").exists()


def test_brat_discontinuous_span_is_refused(tmp_path):
    ann = brat_doc(tmp_path, "T1\tORG 3 10;11 18\tsociété Raidium\n")
    with pytest.raises(ConversionError, match="discontinuous span"):
        convert(ann, "brat", "record", tmp_path / "out.jsonl")


def test_brat_money_without_notes_names_the_file(tmp_path):
    ann = brat_doc(tmp_path, "T1\tMONEY 24 28\t5 M€\n")
    with pytest.raises(RecordError, match="d.ann.*missing field 'value'"):
        convert(ann, "brat", "record", tmp_path / "out.jsonl")


def test_label_studio_utf16_offsets_are_read_as_code_points(exported, tmp_path):
    tasks = json.loads(exported["labelstudio"].read_text(encoding="utf-8"))
    task = next(t for t in tasks if t["data"]["doc_id"] == EMOJI_DOC)
    text = task["data"]["text"]
    for item in task["annotations"][0]["result"]:
        for key in ("start", "end"):  # what an older front end stored: JavaScript string indices
            item["value"][key] = len(text[:item["value"][key]].encode("utf-16-le")) // 2
    path = tmp_path / "js.json"
    path.write_text(json.dumps([task], ensure_ascii=False), encoding="utf-8")
    result = convert(path, None, "record", tmp_path / "back.jsonl")
    assert result.notes and "UTF-16 code units" in result.notes[0]
    (back,) = read_records(tmp_path / "back.jsonl", texts=TEXTS)
    assert back == read_records(GOLD_DIR / f"{EMOJI_DOC}.json")[0]


def test_label_studio_and_doccano_misaligned_spans(tmp_path):
    ls = [{"id": 7, "data": {"text": "Raidium lève 5 M€."}, "annotations": [{"result": [
        {"id": "a", "type": "labels", "from_name": "label", "to_name": "text",
         "value": {"start": 1, "end": 8, "text": "Raidium", "labels": ["ORG"]}}]}]}]
    (tmp_path / "ls.json").write_text(json.dumps(ls), encoding="utf-8")
    with pytest.raises(ConversionError, match=r"task 7: region a ORG: span 1-8 'Raidium' does not match"):
        convert(tmp_path / "ls.json", None, "record", tmp_path / "o.jsonl")
    (tmp_path / "d.jsonl").write_text(json.dumps({"text": "Raidium", "label": [[0, 7, "ORG"], [3, 40, "ORG"]]}) + "\n",
                                      encoding="utf-8")
    with pytest.raises(ConversionError, match=r"d.jsonl:1: span 1 ORG: span 3-40 .* past the end"):
        convert(tmp_path / "d.jsonl", None, "record", tmp_path / "o.jsonl")


def test_doccano_triples_and_entities_are_read(tmp_path):
    lines = [{"id": 3, "text": "Raidium et Bpifrance", "label": [[0, 7, "ORG"], [11, 20, "ORG"]]},
             {"text": "Kelvia", "entities": [{"id": 1, "start_offset": 0, "end_offset": 6, "label": "ORG"}],
              "meta": {"doc_id": "k"}}]
    path = tmp_path / "doccano.jsonl"
    path.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    docs = read(path, "doccano")
    assert [d.record.doc_id for d in docs] == ["3", "k"]
    assert [m.text for m in docs[0].record.mentions] == ["Raidium", "Bpifrance"]


def test_record_to_format_needs_the_text(tmp_path):
    single = GOLD_DIR / "000_96300efdaabbe5f0.json"
    with pytest.raises(RecordError, match="no source text.*give --text"):
        convert(single, None, "brat", tmp_path / "b")
    convert(single, None, "doccano", tmp_path / "x.jsonl", text=TEXTS / "000_96300efdaabbe5f0.txt")
    assert json.loads((tmp_path / "x.jsonl").read_text(encoding="utf-8"))["meta"]["doc_id"] == "000_96300efdaabbe5f0"


def test_misaligned_record_is_reported_against_the_text(tmp_path):
    data = json.loads((GOLD_DIR / "000_96300efdaabbe5f0.json").read_text(encoding="utf-8"))
    data["amounts"][0]["start"] += 1
    data["amounts"][0]["end"] += 1
    (tmp_path / "000_96300efdaabbe5f0.json").write_text(json.dumps(data), encoding="utf-8")
    message = r"000_96300efdaabbe5f0.json: .*MONEY: span \d+-\d+ \"5M d'euros\" does not match"
    with pytest.raises(ConversionError, match=message):
        convert(tmp_path / "000_96300efdaabbe5f0.json", None, "brat", tmp_path / "b", text=TEXTS)


# --- command line ---------------------------------------------------------------------------

def run(*args):
    return subprocess.run([sys.executable, "-m", "extractor", *map(str, args)], capture_output=True, text=True,
                          timeout=120)


def test_cli_convert_round_trip_and_errors(tmp_path):
    proc = run("convert", GOLD_DIR, "--to", "brat", "-o", tmp_path / "brat")
    assert proc.returncode == 0, proc.stderr
    assert "mentions ->" in proc.stderr
    proc = run("convert", tmp_path / "brat", "--to", "record", "-o", tmp_path / "back.jsonl")
    assert proc.returncode == 0, proc.stderr
    assert len(read_records(tmp_path / "back.jsonl", texts=TEXTS)) == len(list(GOLD_DIR.glob("*.json")))
    ann = brat_doc(tmp_path, "T1\tORG 11 18\tRaidum\nT2\tORG 0 2\tXX\n")
    proc = run("convert", ann, "--to", "record", "-o", tmp_path / "bad.jsonl")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    lines = proc.stderr.splitlines()
    assert len(lines) == 3 and "T1 ORG 11-18" in lines[0] and "T2 ORG 0-2" in lines[1]
    assert "2 problem(s)" in lines[2] and "nothing written" in lines[2]
    proc = run("convert", ann, "--from", "nope", "--to", "record", "-o", tmp_path / "x.jsonl")
    assert proc.returncode == 2 and "invalid choice" in proc.stderr


def test_formats_list():
    assert FORMATS == ("record", "brat", "labelstudio", "doccano", "docbin")
