"""Press releases rendered as they arrive: a web page with boilerplate around the
release, a two-column PDF with page headers and hyphenated lines, a Word file with
a table, an e-mail. Tests make their own fixtures with these, from the `.txt`
releases, so nothing binary is committed and every case can be varied.
"""
from __future__ import annotations

import html
import io
import os
from email.message import EmailMessage
from email.utils import format_datetime
from datetime import datetime, timedelta, timezone


def paragraphs(text: str) -> list[str]:
    """A release's paragraphs: blocks of lines, each line ending in a newline kept as a space."""
    blocks = [b.strip() for b in text.replace("\r\n", "\n").replace("\r", "\n").split("\n\n")]
    out = []
    for block in blocks:
        out.extend(line.strip() for line in block.split("\n") if line.strip())
    return out


# --- web page -------------------------------------------------------------------

BOILERPLATE_WORDS = ["Accueil", "Actualités", "Nos investissements", "Carrières", "Mentions légales",
                     "Nous contacter", "Cookies", "Newsletter"]


def web_page(text: str, published: str | None = "2025-06-12T08:00:00+02:00", how: str = "og") -> bytes:
    """An HTML page: navigation, a cookie banner, the release in <article>, related
    links and a footer full of names and figures that are not the release's."""
    paras = paragraphs(text)
    meta = ""
    if published and how == "og":
        meta = f'<meta property="article:published_time" content="{published}">'
    elif published and how == "jsonld":
        meta = f'<script type="application/ld+json">{{"@type": "NewsArticle", "datePublished": "{published}"}}</script>'
    time_tag = f'<time datetime="{published}">publié</time>' if published and how == "time" else ""
    nav = "".join(f'<li><a href="/{i}">{w}</a></li>' for i, w in enumerate(BOILERPLATE_WORDS))
    body = "\n".join(f"<p>{html.escape(p)}</p>" for p in paras[1:])
    related = "".join(
        f'<li><a href="/cp/{i}">Société Fictive {i} lève {i + 2} M€ en 2021 auprès de Banque Autre {i}</a></li>'
        for i in range(6))
    return f"""<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><title>{html.escape(paras[0][:80])} | Salle de presse</title>{meta}</head>
<body>
<div id="cookie-banner" class="cookie-consent">Nous utilisons des cookies pour mesurer l'audience.
 <button>Tout accepter</button> <button>Paramétrer</button></div>
<header><nav class="menu"><ul>{nav}</ul></nav></header>
<main><article>
<h1>{html.escape(paras[0])}</h1>{time_tag}
{body}
</article>
<aside class="related"><h2>À lire aussi</h2><ul>{related}</ul></aside></main>
<footer><p>© 2024 Groupe Média Exemple SAS, capital de 1 500 000 €. Tous droits réservés.</p>
<ul>{nav}</ul></footer>
</body></html>""".encode("utf-8")


# --- PDF --------------------------------------------------------------------------

def pdf(text: str, header: str = "Communiqué de presse", created: datetime | None = None,
        width: float = 420, height: float = 595, font_size: float = 9.5, encrypt: str | None = None) -> bytes:
    """The release in two columns per page (A5), a running header and a page number
    on every page, long words hyphenated at line ends; a CreationDate only if `created`."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas
    import reportlab

    fonts = os.path.join(os.path.dirname(reportlab.__file__), "fonts")
    pdfmetrics.registerFont(TTFont("Vera", os.path.join(fonts, "Vera.ttf")))
    width_of = lambda s: pdfmetrics.stringWidth(s, "Vera", font_size)  # noqa: E731
    margin, gutter, leading = 36, 18, font_size * 1.25
    col_width = (width - 2 * margin - gutter) / 2
    top, bottom = height - margin - 24, margin + 20

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(width, height), invariant=1, encrypt=encrypt)
    covered = TTFont("Vera", os.path.join(fonts, "Vera.ttf")).face.charToGlyph
    paras = [_typeset(p, covered) for p in paragraphs(text)]
    lines: list[str | None] = []  # None: paragraph gap
    for p in paras:
        lines.extend(_wrap(p, col_width, width_of))
        lines.append(None)
    page, col, y = 1, 0, top

    def furniture():
        c.setFont("Vera", 7)
        c.drawString(margin, height - margin, header)
        c.drawRightString(width - margin, margin, f"Page {page}")
        c.setFont("Vera", font_size)

    furniture()
    for line in lines:
        if y < bottom:
            col += 1
            y = top
            if col == 2:
                c.showPage()
                page, col = page + 1, 0
                furniture()
        if line is None:
            y -= leading / 2
            continue
        c.drawString(margin + col * (col_width + gutter), y, line)
        y -= leading
    c.showPage()
    c.save()
    return _dated(buf.getvalue(), created)


def _dated(data: bytes, created: datetime | None) -> bytes:
    """Set or remove the CreationDate that reportlab's invariant mode fixes at 2000-01-01,
    without changing any byte offset (the cross-reference table stays right)."""
    fixed = b"D:20000101000000+00'00'"
    if created is None:
        return data.replace(b"/CreationDate", b"/NoCreateDate")
    return data.replace(fixed, created.strftime("D:%Y%m%d%H%M%S+02'00'").encode())


def scan(pages: int = 2) -> bytes:
    """A scanned release: pages of pictures (grey bands standing for lines), no text layer."""
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(420, 595), invariant=1)
    for _ in range(pages):
        c.setFillGray(0.4)
        for y in range(520, 60, -14):
            c.rect(36, y, 348, 8, stroke=0, fill=1)
        c.showPage()
    c.save()
    return buf.getvalue()


def _typeset(text: str, covered) -> str:
    """What a typesetter with this font prints: a missing character becomes its
    compatibility form when the font has that (U+202F → space, ᵉ → e), else nothing."""
    import unicodedata

    out = []
    for ch in text.replace("\t", "   "):  # table cells: a gap the reader sees as a space
        if ord(ch) in covered:
            out.append(ch)
        else:
            alt = unicodedata.normalize("NFKC", ch)
            out.append(alt if all(ord(a) in covered for a in alt) else "")
    return "".join(out)


def _wrap(paragraph: str, width: float, width_of) -> list[str]:
    """Greedy line breaking; a long word that does not fit is hyphenated (as a
    typesetter would), leaving at least three letters on each side."""
    lines, current = [], ""
    for word in paragraph.split(" "):
        candidate = f"{current} {word}" if current else word
        if width_of(candidate) <= width:
            current = candidate
            continue
        if len(word) >= 8 and word.isalpha():
            for cut in range(len(word) - 3, 2, -1):
                head = f"{current} {word[:cut]}-" if current else f"{word[:cut]}-"
                if width_of(head) <= width:
                    lines.append(head)
                    current = word[cut:]
                    break
            else:
                lines.append(current)
                current = word
        else:
            if current:
                lines.append(current)
            current = word
    if current:
        lines.append(current)
    return lines


# --- Word -------------------------------------------------------------------------

def docx(text: str, table: list[list[str]] | None = None, created: datetime | None = None) -> bytes:
    """The release as Word paragraphs (the first as a heading), a table after the
    second paragraph, and a page header that is not part of the release."""
    import docx as python_docx

    document = python_docx.Document()
    document.sections[0].header.paragraphs[0].text = "Confidentiel — ne pas diffuser avant le 1er janvier 2020"
    paras = paragraphs(text)
    document.add_heading(paras[0], level=1)
    for i, p in enumerate(paras[1:]):
        document.add_paragraph(p)
        if i == 1 and table:
            t = document.add_table(rows=len(table), cols=len(table[0]))
            for r, row in enumerate(table):
                for k, cell in enumerate(row):
                    t.cell(r, k).text = cell
    if created is not None:
        document.core_properties.created = created
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


# --- e-mail -----------------------------------------------------------------------

def email(text: str | None, html_text: str | None = None, sent: datetime | None = None,
          attachment: bytes | None = None) -> bytes:
    """A press e-mail: a text part, an HTML alternative, or both; optionally a PDF attached."""
    msg = EmailMessage()
    msg["From"] = "Service presse <presse@exemple.fr>"
    msg["To"] = "redaction@journal.fr"
    msg["Subject"] = "Communiqué de presse"
    msg["Date"] = format_datetime(sent or datetime(2025, 6, 12, 8, 30, tzinfo=timezone(timedelta(hours=2))))
    if text is not None:
        msg.set_content(text)
        if html_text is not None:
            msg.add_alternative(html_text, subtype="html")
    elif html_text is not None:
        msg.set_content(html_text, subtype="html")
    if attachment is not None:
        msg.add_attachment(attachment, maintype="application", subtype="pdf", filename="cp.pdf")
    return bytes(msg)
