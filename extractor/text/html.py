"""Web pages: the release without the page around it, and the page's own date.

trafilatura (Apache-2.0) finds the main content (navigation, cookie banners,
footers and related links left out); the publication date is read here from the
page's metadata only, never guessed from its text (the text's dateline is the
extractor's business).
"""
from __future__ import annotations

import codecs
import json
import re
from dataclasses import dataclass
from datetime import date

from ..textio import InputError, decode

__all__ = ["Read", "decode_page", "read_html", "page_dates"]

_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_ISO_DAY = re.compile(r"\s*(\d{4})-(\d{2})-(\d{2})")
# <meta> names that hold a publication date, strongest first.
_META_KEYS = ("article:published_time", "og:published_time", "datepublished", "date", "dc.date",
              "dc.date.issued", "dcterms.date", "dcterms.issued", "pubdate", "publish-date", "publication_date")


@dataclass
class Read:
    text: str
    main_content: bool  # False: no main content found, the whole page's text was kept
    dates: dict[str, str]  # metadata key -> YYYY-MM-DD, in order of strength


def decode_page(data: bytes, where: str) -> tuple[str, str]:
    """The page as text: its BOM, else its declared charset, else UTF-8 or cp1252."""
    if data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        decoded = decode(data, where)
        return decoded.text, decoded.encoding
    declared = _CHARSET.search(data[:4096])
    if declared:
        name = declared[1].decode("ascii").lower()
        try:
            codec = codecs.lookup(name).name
            return data.decode(codec), codec
        except (LookupError, UnicodeDecodeError):
            pass  # a wrong declaration is common: the bytes decide below
    decoded = decode(data, where)
    return decoded.text, decoded.encoding


def read_html(page: str, where: str) -> Read:
    try:
        import trafilatura
        from lxml import html as lxml_html
    except ImportError as exc:
        raise InputError(f"{where}: reading web pages needs trafilatura ({exc})") from None
    if not page.strip():
        raise InputError(f"{where}: empty web page")
    try:
        tree = lxml_html.document_fromstring(page)
    except Exception as exc:  # lxml's parser errors have no common base worth naming here
        raise InputError(f"{where}: unreadable HTML ({type(exc).__name__}: {exc})") from None
    dates = page_dates(tree)
    text = trafilatura.extract(page, output_format="txt", include_comments=False, include_tables=True,
                               include_images=False, include_links=False, deduplicate=False)
    if text:
        text = _restore_spaces(text, tree.text_content())
    main = bool(text and text.strip())
    if not main:
        # Nothing looked like main content (the text sits in a footer or an aside, say):
        # keep all the page's text rather than lose the document; the record says so.
        text = _all_text(tree)
    if not text or not text.strip():
        raise InputError(f"{where}: web page with no text")
    return Read(text if text.endswith("\n") else text + "\n", main, dates)


# trafilatura turns no-break spaces into ordinary ones; the extractor reads them (a
# dash before a no-break space is a minus sign, before an ordinary space a bullet),
# so each extracted line is found again in the page's text and takes back the
# typographic spaces written there.
_TYPOGRAPHIC_SPACES = "\u00a0\u202f\u2009\u2007"


def _restore_spaces(text: str, source: str) -> str:
    """`text`'s lines with the page's own no-break and thin spaces where it had them.

    >>> _restore_spaces("Résultat : – 2,7 Mds EUR\\nFin", "<p>Résultat :\\u00a0–\\u00a02,7\\u202fMds EUR</p> Fin")
    'Résultat :\\xa0–\\xa02,7\\u202fMds EUR\\nFin'
    """
    if not any(ch in source for ch in _TYPOGRAPHIC_SPACES):
        return text
    out, pos = [], 0
    for line in text.split("\n"):
        words = line.split(" ")
        if len(words) < 2 or not all(words):
            out.append(line)
            continue
        pattern = re.compile(r"\s+".join(re.escape(w) for w in words))
        found = pattern.search(source, pos) or pattern.search(source)
        if found is None:
            out.append(line)
            continue
        pos = found.end()
        gaps = re.findall(r"\s+", found[0])
        rebuilt = [words[0]]
        for gap, word in zip(gaps, words[1:]):
            rebuilt.append(gap if len(gap) == 1 and gap in _TYPOGRAPHIC_SPACES else " ")
            rebuilt.append(word)
        out.append("".join(rebuilt))
    return "\n".join(out)


def _all_text(tree) -> str:
    """Every text of the page's body, one line per line of text, scripts and styles left out."""
    for el in tree.xpath("//script|//style|//noscript|//template"):
        el.drop_tree()
    body = tree.find("body")
    raw = (body if body is not None else tree).text_content()
    lines = (" ".join(line.split()) for line in raw.splitlines())
    return "\n".join(line for line in lines if line)


def page_dates(tree) -> dict[str, str]:
    """Publication dates the page states about itself, by where they were found.

    >>> from lxml import html
    >>> page_dates(html.document_fromstring('<html><head><meta property="article:published_time" '
    ...     'content="2025-06-12T08:00:00+02:00"></head><body><article><time datetime="2025-06-13">x</time>'
    ...     '</article></body></html>'))
    {'article:published_time': '2025-06-12', 'time': '2025-06-13'}
    """
    found: dict[str, str] = {}
    metas = {}
    for meta in tree.iter("meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").strip().lower()
        if key in _META_KEYS and key not in metas:
            day = _day(meta.get("content"))
            if day:
                metas[key] = day
    for key in _META_KEYS:
        if key in metas:
            found["datePublished" if key == "datepublished" else key] = metas[key]
    for script in tree.iter("script"):
        if (script.get("type") or "").strip().lower() == "application/ld+json" and "datePublished" not in found:
            day = _json_ld_date(script.text or "")
            if day:
                found["datePublished"] = day
    if "datePublished" not in found:
        for el in tree.xpath("//*[@itemprop='datePublished']"):
            day = _day(el.get("content") or el.get("datetime"))
            if day:
                found["datePublished"] = day
                break
    # A <time> in the article, else in the main part, else anywhere: related links carry theirs too.
    for path in ("//article//time[@datetime]", "//main//time[@datetime]", "//time[@datetime]"):
        days = [d for d in (_day(el.get("datetime")) for el in tree.xpath(path)) if d]
        if days:
            found["time"] = days[0]
            break
    return found


def _json_ld_date(raw: str) -> str | None:
    try:
        data = json.loads(raw)
    except ValueError:
        return None  # broken structured data is ignored, like a browser does
    stack = [data]
    while stack:
        item = stack.pop(0)
        if isinstance(item, dict):
            day = _day(item.get("datePublished")) if isinstance(item.get("datePublished"), str) else None
            if day:
                return day
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return None


def _day(value: str | None) -> str | None:
    """The calendar day an ISO 8601 timestamp was written in (its own time zone kept)."""
    m = _ISO_DAY.match(value or "")
    if not m:
        return None
    try:
        return date(int(m[1]), int(m[2]), int(m[3])).isoformat()
    except ValueError:
        return None
