"""doc_ids: how names become identifiers, and identifiers become file names again.

A file name may hold bytes that are not UTF-8 (old archives, zip files): Python
shows each such byte as a lone surrogate (U+DC80..U+DCFF, "surrogateescape"),
which no UTF-8 output can hold. A JSON doc_id may hold a lone surrogate too
(`"\\ud800"`). So a doc_id is escaped, reversibly, whatever its origin:

    a byte that is not UTF-8        ->  \\xNN     (`caf\\xe9` for the bytes `caf\\xe9.txt`)
    any other lone surrogate        ->  \\uXXXX
    a backslash                     ->  \\\\       (so that the escapes stay unambiguous)

Every other character is kept, so ordinary names are their own doc_id, and
`unescape(escape(s)) == s` for every string.
"""
from __future__ import annotations

import re

__all__ = ["escape", "unescape", "printable"]

_TO_ESCAPE = re.compile(r"[\\\ud800-\udfff]")
_ESCAPED = re.compile(r"\\(?:x([89a-f][0-9a-f])|u(d[89a-f][0-9a-f]{2})|(\\))")
_SURROGATES = re.compile(r"[\ud800-\udfff]")


def _escape_one(match: re.Match) -> str:
    ch = match.group(0)
    if ch == "\\":
        return "\\\\"
    code = ord(ch)
    return f"\\x{code - 0xDC00:02x}" if 0xDC80 <= code <= 0xDCFF else f"\\u{code:04x}"


def escape(name: str) -> str:
    r"""The doc_id for a name (a file stem, or a doc_id read from JSON).

    >>> escape("caf\udce9"), escape("ok"), escape("a\\b"), escape("x\ud800")
    ('caf\\xe9', 'ok', 'a\\\\b', 'x\\ud800')
    """
    return _TO_ESCAPE.sub(_escape_one, name)


def unescape(doc_id: str) -> str:
    r"""The name a doc_id was made from.

    >>> unescape("caf\\xe9") == "caf\udce9", unescape("a\\\\b"), unescape("x\\ud800") == "x\ud800"
    (True, 'a\\b', True)
    """
    def one(match: re.Match) -> str:
        byte, surrogate, backslash = match.groups()
        if backslash:
            return "\\"
        return chr(0xDC00 + int(byte, 16)) if byte else chr(int(surrogate, 16))

    return _ESCAPED.sub(one, doc_id)


def printable(text: str) -> str:
    r"""Text for a message or an output field: lone surrogates shown as escapes (not reversible).

    >>> printable("in/caf\udce9.txt")
    'in/caf\\xe9.txt'
    """
    return _SURROGATES.sub(_escape_one, text)
