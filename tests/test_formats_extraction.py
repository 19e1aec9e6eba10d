"""Extraction from releases as they arrive: the same facts as from the `.txt`, and
the document date weighed from the text and the file's own metadata."""
from collections import Counter
from datetime import datetime, timedelta, timezone

import pytest

import render
from conftest import FIXTURES
from extractor.context import DATE_EVIDENCE
from extractor.records import DATE_SOURCES
from extractor.text import read_bytes

# A handful of releases of different shapes: a start-up round, annual results with a
# table, a three-page plant opening with bullet lists, a Québec release, a CFA one.
SAMPLE = ["003_kelvia_serie_a", "005_harmonia_resultats_annuels", "011_sylvabois_usine_ussel",
          "022_borealis_robotique_quebec", "026_marlin_dakar_fret_cfa"]
RENDER = {
    "html": (lambda t: render.web_page(t), ".html"),
    "pdf": (lambda t: render.pdf(t), ".pdf"),
    "docx": (lambda t: render.docx(t), ".docx"),
    "email": (lambda t: render.email(t), ".eml"),
}


def text_of(doc_id: str) -> str:
    return (FIXTURES / "press_releases" / f"{doc_id}.txt").read_text(encoding="utf-8")


def facts(record) -> Counter:
    """Mentions compared by label, words and normalized value: offsets differ between formats."""
    return Counter((m.label, " ".join(m.text.split()), m.value, m.high, m.currency) for m in record.mentions)


@pytest.fixture(scope="module")
def from_txt(extractor):
    return {d: facts(r) for d, r in zip(SAMPLE, extractor.pipe([(text_of(d), {"doc_id": d}) for d in SAMPLE]))}


@pytest.mark.parametrize("fmt", sorted(RENDER))
def test_each_format_finds_the_mentions_found_on_the_txt(extractor, from_txt, fmt):
    make, suffix = RENDER[fmt]
    documents = [read_bytes(make(text_of(d)), f"{d}{suffix}", suffix) for d in SAMPLE]
    records = extractor.pipe([(doc.text, doc.meta(d)) for d, doc in zip(SAMPLE, documents)])
    found = total = 0
    missed = []
    for d, rec in zip(SAMPLE, records):
        rec.check(documents[SAMPLE.index(d)].text)  # offsets refer to the extracted text
        assert rec.extra["reading"]["format"] == fmt
        expected, got = from_txt[d], facts(rec)
        total += sum(expected.values())
        found += sum((expected & got).values())
        missed.extend((d, m) for m in (expected - got).elements())
    assert found / total >= 0.98, f"{fmt}: {found}/{total} = {found / total:.3f}; missed {missed[:10]}"


# --- the document date --------------------------------------------------------------

NO_DATELINE = ("Kelvia annonce une levée de fonds de 14 millions d'euros menée par Capucine Ventures. "
               "L'opération, signée hier, doit permettre de tripler les effectifs.\n")
FIRST_DATE_ONLY = ("Kelvia annonce un partenariat signé le 20 mai 2025 avec la Ville de Lyon, "
                   "pour un montant de 2 M€.\n")
SENT = datetime(2025, 6, 12, 8, 30, tzinfo=timezone(timedelta(hours=2)))


def record_of(extractor, data: bytes, suffix: str, **kw):
    doc = read_bytes(data, f"doc{suffix}", suffix)
    return next(extractor.pipe([(doc.text, doc.meta("doc", **kw))]))


@pytest.mark.parametrize("data, suffix, date, source", [
    # the text's own dateline beats the page's metadata and the e-mail's Date:
    (render.web_page(text_of("003_kelvia_serie_a"), "2025-06-12T08:00:00+02:00"), ".html", "2025-03-03", "dateline"),
    (render.email(text_of("003_kelvia_serie_a"), sent=SENT), ".eml", "2025-03-03", "dateline"),
    # with no dateline, the page's metadata, the e-mail's Date:, a PDF's creation date
    (render.web_page("Kelvia\n\n" + NO_DATELINE, "2025-06-12T08:00:00+02:00"), ".html", "2025-06-12", "metadata"),
    (render.web_page("Kelvia\n\n" + NO_DATELINE, "2025-06-12", how="jsonld"), ".html", "2025-06-12", "metadata"),
    (render.email(NO_DATELINE, sent=SENT), ".eml", "2025-06-12", "header"),
    (render.pdf(NO_DATELINE, created=datetime(2025, 6, 11, 18, 0)), ".pdf", "2025-06-11", "creation_date"),
    # metadata and the Date: header beat a date that merely appears near the top
    (render.email(FIRST_DATE_ONLY, sent=SENT), ".eml", "2025-06-12", "header"),
    (render.web_page("Kelvia\n\n" + FIRST_DATE_ONLY, "2025-06-12"), ".html", "2025-06-12", "metadata"),
    # a creation date is weaker than anything the text says
    (render.pdf(FIRST_DATE_ONLY, created=datetime(2025, 6, 11, 18, 0)), ".pdf", "2025-05-20", "first_date"),
    (render.pdf(NO_DATELINE), ".pdf", None, None),
])
def test_document_date_precedence(extractor, data, suffix, date, source):
    rec = record_of(extractor, data, suffix)
    assert (rec.document_date, rec.extra["document_date_source"]) == (date, source)


def test_metadata_date_resolves_relative_dates(extractor):
    rec = record_of(extractor, render.web_page("Kelvia\n\n" + NO_DATELINE, "2025-06-12"), ".html")
    assert [(m.text, m.value) for m in rec.dates] == [("hier", "2025-06-11")]


def test_a_given_date_beats_every_hint(extractor):
    rec = record_of(extractor, render.email(text_of("003_kelvia_serie_a"), sent=SENT), ".eml",
                    document_date="2025-01-02")
    assert (rec.document_date, rec.extra["document_date_source"]) == ("2025-01-02", "given")
    rec = record_of(extractor, render.email(NO_DATELINE, sent=SENT), ".eml",
                    document_date="2025-01-02", document_date_source="file_name")
    assert (rec.document_date, rec.extra["document_date_source"]) == ("2025-01-02", "file_name")


@pytest.mark.parametrize("text, date, source", [
    ("Paris, le 3 mars 2025 – Kelvia lève 14 M€.\n", "2025-03-03", "dateline"),
    ("COMMUNIQUÉ\n12 juin 2025\nKelvia lève 14 M€.\n", "2025-06-12", "line_start"),
    (FIRST_DATE_ONLY, "2025-05-20", "first_date"),
    ("Kelvia, jeudi 12 juin : la société, fondée en 2021, a levé 14 M€ en 2025.\n", "2025-06-12", "weekday"),
    (NO_DATELINE, None, None),
])
def test_plain_text_says_which_rule_found_its_date(extractor, text, date, source):
    rec = extractor.extract(text, doc_id="t")
    assert (rec.document_date, rec.extra["document_date_source"]) == (date, source)


def test_every_date_source_is_in_the_schema():
    assert set(DATE_SOURCES) == {"given", "file_name", *DATE_EVIDENCE}


def test_an_unknown_hint_source_is_refused(extractor):
    with pytest.raises(ValueError, match="unknown source of a document date: 'guess'"):
        next(extractor.pipe([("Kelvia lève 14 M€.", {"date_hints": [["guess", "2025-06-12"]]})]))
