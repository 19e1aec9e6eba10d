"""Reading documents as they arrive (extractor/text): recognition, each reader's
text and dates, and every bad input as one line. Fixtures are rendered here
(tests/render.py) from the development releases; no spaCy in this module."""
import io
import re
import zipfile
from datetime import datetime, timedelta, timezone

import pytest

import render
from conftest import FIXTURES
from extractor.text import Limits, read_bytes, read_document
from extractor.text.sniff import recognise
from extractor.textio import InputError

KELVIA = (FIXTURES / "press_releases" / "003_kelvia_serie_a.txt").read_text(encoding="utf-8")
SYLVABOIS = (FIXTURES / "press_releases" / "011_sylvabois_usine_ussel.txt").read_text(encoding="utf-8")


def words(text: str) -> str:
    return " ".join(text.split())


# --- recognition ---------------------------------------------------------------------

@pytest.mark.parametrize("data, suffix, expected", [
    (b"%PDF-1.7\n...", ".txt", ("pdf", "content")),  # a PDF named .txt is a PDF
    (b"%PDF-1.4\n...", "", ("pdf", "content")),
    (b"PK\x03\x04....", ".bin", ("docx", "content")),
    (b"  <!DOCTYPE html>\n<html><body>x</body></html>", ".txt", ("html", "content")),
    (b"\xef\xbb\xbf<html lang='fr'><head>", "", ("html", "content")),
    (b"<p>Un fragment</p>", ".html", ("html", "name")),
    (b"From: presse@x.fr\r\nTo: a@b.fr\r\nSubject: CP\r\n\r\nTexte", "", ("email", "content")),
    (b"Return-Path: <a@x.fr>\nReceived: by x\n\tfolded\nDate: Thu, 12 Jun 2025\n\nTexte", ".txt", ("email", "content")),
    ("Contact presse : Clara Petit\nParis, le 3 mars 2025\n\nKelvia lève 14 M€".encode(), ".txt", ("text", "name")),
    ("Note: une ligne\n\nTexte".encode(), "", ("text", "content")),  # one header-like line is not an e-mail
    ("Paris, le 3 mars 2025 – <b>Kelvia</b>".encode(), ".txt", ("text", "name")),
])
def test_documents_are_recognised_by_content_then_name(data, suffix, expected):
    assert recognise(data, suffix, "f") == expected


@pytest.mark.parametrize("data, suffix, message", [
    (b"<html><body>404</body></html>", ".pdf", "f: named .pdf but holds no PDF"),
    (b"Un texte", ".docx", "f: named .docx but is not a zip archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, ".doc", "f: legacy Word (.doc) or password-protected"),
])
def test_mislabelled_and_legacy_files_are_one_line(data, suffix, message):
    with pytest.raises(InputError) as err:
        recognise(data, suffix, "f")
    assert str(err.value).startswith(message) and "\n" not in str(err.value)


# --- web pages -----------------------------------------------------------------------

def test_web_page_keeps_the_release_and_drops_the_page_around_it():
    doc = read_bytes(render.web_page(KELVIA), "p.html", ".html")
    assert words(doc.text) == words(KELVIA)
    for boilerplate in ("cookies", "Société Fictive", "Groupe Média", "Mentions légales", "À lire aussi"):
        assert boilerplate not in doc.text
    assert doc.reading["format"] == "html" and doc.reading["library"].startswith("trafilatura ")
    assert doc.reading["characters"] == len(doc.text)
    assert doc.decoding == {"encoding": "utf-8", "line_ends": "LF"}


def test_web_page_keeps_no_break_and_thin_spaces():
    # they carry meaning for the extractor: "–\u00a02,7 Mds" is a negative amount, "– 2,7" a bullet
    harmonia = (FIXTURES / "press_releases" / "005_harmonia_resultats_annuels.txt").read_text(encoding="utf-8")
    page = render.web_page(harmonia).replace("\u00a0".encode(), b"&nbsp;", 5)  # as a character and as an entity
    doc = read_bytes(page, "p.html", ".html")
    for space in ("\u00a0", "\u202f"):
        assert doc.text.count(space) == harmonia.count(space) > 0


@pytest.mark.parametrize("how, key", [("og", "article:published_time"), ("jsonld", "datePublished"), ("time", "time")])
def test_web_page_publication_date_from_its_metadata(how, key):
    # 23:30 at UTC-5 is already the 13th in UTC: the day is the one the page wrote
    doc = read_bytes(render.web_page(KELVIA, published="2025-06-12T23:30:00-05:00", how=how), "p.html", ".html")
    assert doc.reading["metadata_dates"] == {key: "2025-06-12"}
    assert doc.date_hints == (("metadata", "2025-06-12"),)


def test_web_page_without_metadata_gives_no_date_hint():
    doc = read_bytes(render.web_page(KELVIA, published=None), "p.html", ".html")
    assert doc.date_hints == () and "metadata_dates" not in doc.reading


def test_web_page_in_its_declared_charset():
    page = render.web_page(KELVIA).decode("utf-8").replace('<meta charset="utf-8">', '<meta charset="iso-8859-15">')
    doc = read_bytes(page.encode("iso-8859-15", "xmlcharrefreplace"), "p.html", ".html")
    assert doc.decoding["encoding"] == "iso8859-15" and "Accélération" in doc.text and "M€" in doc.text


def test_a_page_with_no_main_content_keeps_its_text_and_says_so():
    page = "<html><body><script>var x = 1;</script><footer><p>Kelvia lève 14 M€.</p></footer></body></html>"
    doc = read_bytes(page.encode(), "p.html", ".html")
    assert doc.text == "Kelvia lève 14 M€.\n"
    assert doc.reading.get("main_content") is False and doc.notice
    with pytest.raises(InputError, match="p.html: web page with no text"):
        read_bytes(b"<html><body><script>var x = 1;</script></body></html>", "p.html", ".html")


# --- PDF -----------------------------------------------------------------------------

def test_pdf_two_columns_headers_and_hyphenation_read_as_the_release():
    data = render.pdf(SYLVABOIS, header="Sylvabois — Communiqué de presse")
    assert b"/Count 3" in data, "the fixture spans three pages of two columns"
    doc = read_bytes(data, "cp.pdf", ".pdf")
    assert doc.reading["pages"] == 3 and doc.reading["library"].startswith("pdfminer.six ")
    assert "Communiqué de presse" not in doc.text and not re.search(r"Page \d", doc.text)
    assert not re.search(r"\w-\n", doc.text)
    # the release's words, in order: columns read one after the other, hyphenated words joined
    assert words(doc.text) == words(SYLVABOIS)


def test_pdf_keeps_the_hyphen_the_document_writes_elsewhere():
    from collections import Counter

    from extractor.text.pdf import join_hyphenated

    seen = Counter({"start-up": 2, "startup": 0})
    assert join_hyphenated("une start-", "up lyonnaise", seen) == "une start-up lyonnaise"
    assert join_hyphenated("un finance-", "ment", Counter()) == "un financement"


def test_pdf_ligatures_are_unfolded():
    from extractor.text.pdf import clean_line

    assert clean_line("ﬁnancement de l\u2019ofﬁce, ﬂux et eﬀet") == "financement de l\u2019office, flux et effet"


def test_pdf_creation_date_is_a_hint():
    doc = read_bytes(render.pdf(KELVIA, created=datetime(2025, 3, 2, 18, 0)), "cp.pdf", ".pdf")
    assert doc.date_hints == (("creation_date", "2025-03-02"),)
    assert read_bytes(render.pdf(KELVIA), "cp.pdf", ".pdf").date_hints == ()


def test_pdf_encrypted_with_an_empty_user_password_is_readable():
    from reportlab.lib.pdfencrypt import StandardEncryption

    data = render.pdf(KELVIA, encrypt=StandardEncryption("", ownerPassword="owner", canCopy=0))
    assert "14 millions d'euros" in read_bytes(data, "cp.pdf", ".pdf").text


# --- Word ----------------------------------------------------------------------------

def test_word_paragraphs_and_tables_in_order_without_page_header():
    table = [["Indicateur", "2024", "2023"], ["Chiffre d'affaires", "18 412 M€", "17 958 M€"]]
    doc = read_bytes(render.docx(KELVIA, table=table, created=datetime(2025, 3, 1, 10, 0)), "cp.docx", ".docx")
    assert "Confidentiel" not in doc.text
    assert "Indicateur\t2024\t2023\nChiffre d'affaires\t18 412 M€\t17 958 M€" in doc.text
    without_table = doc.text.replace("Indicateur\t2024\t2023\nChiffre d'affaires\t18 412 M€\t17 958 M€\n\n", "")
    assert words(without_table) == words(KELVIA)
    assert doc.reading["tables"] == 1 and doc.reading["library"].startswith("python-docx ")
    assert doc.date_hints == (("creation_date", "2025-03-01"),)


# --- e-mail --------------------------------------------------------------------------

def test_email_text_part_preferred_and_date_header_in_its_own_zone():
    sent = datetime(2025, 6, 12, 23, 30, tzinfo=timezone(timedelta(hours=-5)))
    html_part = render.web_page("Autre texte\n\nQui ne doit pas être lu.").decode()
    doc = read_bytes(render.email(KELVIA, html_text=html_part, sent=sent, attachment=b"%PDF-1.4"), "m.eml", ".eml")
    assert words(doc.text) == words(KELVIA)
    assert doc.reading["part"] == "plain" and doc.date_hints == (("header", "2025-06-12"),)


def test_email_with_only_html_goes_through_main_content_extraction():
    doc = read_bytes(render.email(None, html_text=render.web_page(KELVIA).decode()), "m.eml", ".eml")
    assert words(doc.text) == words(KELVIA) and "cookies" not in doc.text
    assert doc.reading["part"] == "html" and "trafilatura" in doc.reading["library"]


# --- bad inputs: each one line naming the file -----------------------------------------

def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


BAD = {
    "encrypted.pdf": (lambda: render.pdf(KELVIA, encrypt="secret"), "encrypted PDF (a password is needed"),
    "scan.pdf": (lambda: render.scan(), "no text layer: scanned document?"),
    "truncated.pdf": (lambda: render.pdf(KELVIA)[:2500], "truncated PDF"),
    "corrupt.pdf": (lambda: b"%PDF-1.4\n1 0 obj << /Type /Catalog >>\ngarbage\n%%EOF\n", "corrupt PDF"),
    "long.pdf": (lambda: render.pdf(SYLVABOIS), "3 pages, over the limit of 2"),
    "bomb.docx": (lambda: _zip({"[Content_Types].xml": b"<x/>", "word/document.xml": b"<" + b" " * 3_000_000 + b"/>"}),
                  "bytes, over the limit of 1000000 (zip bomb?)"),
    "truncated.docx": (lambda: render.docx(KELVIA)[:5000], "corrupt or truncated .docx"),
    "not_word.docx": (lambda: _zip({"hello.txt": b"bonjour"}), "zip archive without word/document.xml"),
    "broken.docx": (lambda: _zip({"[Content_Types].xml": b"<Types", "word/document.xml": b"<w:document"}), "corrupt .docx"),
    "attachment_only.eml": (lambda: _attachment_only(), "e-mail with no text or HTML part (attachments: cp.pdf"),
    "empty_body.eml": (lambda: render.email(" \n"), "e-mail whose text part is empty"),
    "empty.pdf": (lambda: b"", "empty file"),
    "big.html": (lambda: b"<html>" + b" " * 1_000_001, "over the limit of 1000000"),
}


def _attachment_only() -> bytes:
    from email.message import EmailMessage

    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "presse@x.fr", "a@b.fr", "CP"
    msg.add_attachment(b"%PDF-1.4", maintype="application", subtype="pdf", filename="cp.pdf")
    return bytes(msg)


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_inputs_are_one_line_naming_the_file(tmp_path, name):
    make, message = BAD[name]
    path = tmp_path / name
    path.write_bytes(make())
    with pytest.raises(InputError) as err:
        read_document(path, Limits(max_bytes=1_000_000, max_pages=2))
    text = str(err.value)
    assert text.startswith(f"{path}: ") and message in text and "\n" not in text, text
