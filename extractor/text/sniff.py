"""What kind of document a file holds: by its bytes first, by its name second.

Magic bytes decide for binary formats, so a PDF named `.txt` is read as a PDF and
an HTML error page saved as `.pdf` is reported, not parsed. Text formats (web
page, e-mail) are recognised by their markers when the name says nothing or says
`.txt`.
"""
from __future__ import annotations

import codecs
import re

from ..textio import InputError

__all__ = ["SUFFIXES", "recognise"]

# Suffixes a folder is expanded to (in `extract` and `batch`), and the format each names.
SUFFIXES = {".txt": "text", ".html": "html", ".htm": "html", ".pdf": "pdf", ".docx": "docx", ".eml": "email"}

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # compound file: legacy .doc, or an encrypted Office file
_ZIP = b"PK\x03\x04"
_HTML = re.compile(rb"\A\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|title)[\s>/]", re.IGNORECASE | re.DOTALL)
_HEADER = re.compile(rb"([A-Za-z][A-Za-z0-9-]*):[ \t]")
_MAIL_HEADERS = {b"from", b"to", b"date", b"subject", b"message-id", b"mime-version", b"received",
                 b"return-path", b"content-type", b"reply-to", b"cc", b"x-mailer", b"delivered-to"}


def recognise(data: bytes, suffix: str, where: str) -> tuple[str, str]:
    """(format, how it was recognised: "content" or "name").

    >>> recognise(b"%PDF-1.7 ...", ".txt", "f")
    ('pdf', 'content')
    >>> recognise(b"<!DOCTYPE html><html>", ".txt", "f")
    ('html', 'content')
    >>> recognise(b"From: a@b.fr\\nTo: c@d.fr\\nSubject: CP\\n\\nTexte", "", "f")
    ('email', 'content')
    >>> recognise("Paris, le 3 mars 2025 – Kelvia lève 14 M€".encode(), ".txt", "f")
    ('text', 'name')
    """
    suffix = suffix.lower()
    head = data[:4096]
    if b"%PDF-" in head[:1024]:
        return "pdf", "content"
    if head.startswith(_ZIP):
        return "docx", "content"  # the Word reader says so if the archive holds no document
    if head.startswith(_OLE):
        raise InputError(f"{where}: legacy Word (.doc) or password-protected Office file; save it as .docx without a password")
    named = SUFFIXES.get(suffix)
    if named == "pdf":
        raise InputError(f"{where}: named .pdf but holds no PDF (no %PDF- header): truncated or mislabelled?")
    if named == "docx":
        raise InputError(f"{where}: named .docx but is not a zip archive: corrupt or mislabelled?")
    if named in ("html", "email"):
        return named, "name"
    text_head = _strip_bom(head)
    if _HTML.match(text_head):
        return "html", "content"
    if _looks_like_mail(text_head):
        return "email", "content"
    return "text", "name" if named else "content"


def _strip_bom(head: bytes) -> bytes:
    for bom, codec in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if head.startswith(bom):
            if codec == "utf-8":
                return head[len(bom):]
            return head[len(bom):].decode(codec, "ignore").encode("utf-8")
    return head


def _looks_like_mail(head: bytes) -> bool:
    """An RFC 822 header block: the first line is a header (or an mbox `From ` line)
    and at least two headers known to e-mail come before the first blank line."""
    lines = head.split(b"\n")
    if lines and lines[0].startswith(b"From "):
        lines = lines[1:]
    known = 0
    for i, line in enumerate(lines):
        line = line.rstrip(b"\r")
        if not line:
            break
        if line[:1] in (b" ", b"\t") and i:
            continue  # a folded header's continuation
        m = _HEADER.match(line)
        if not m:
            return False
        known += m[1].lower() in _MAIL_HEADERS
    else:
        return False  # no blank line ends the block in the first 4 KB
    return known >= 2
