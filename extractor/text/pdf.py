"""PDF: the text layer in reading order, as a reader sees the release.

pdfminer.six (MIT) gives each page's text boxes with their coordinates; this module
decides what a reader would skip or mend:
- columns: boxes are read column by column (pdfminer's layout analysis orders them;
  see README for why pdfminer.six rather than pypdf);
- page furniture: lines in the top or bottom band of the page that repeat on
  several pages (digits aside: `Page 2`, `Page 3`), and lone page numbers, are dropped;
- words hyphenated at a line end are joined (`finance-` / `ment` → `financement`),
  keeping the hyphen when the document writes the hyphenated form elsewhere or the
  next line starts with a capital (`Île-de-` / `France`);
- a paragraph cut by a column or page break is joined again;
- typographic ligatures (`ﬁ`, `ﬂ`…) are unfolded.
"""
from __future__ import annotations

import io
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date

from ..textio import InputError

__all__ = ["Read", "read_pdf", "clean_line", "join_hyphenated"]

_BAND = 0.08  # share of the page height, top and bottom, where headers and footers live
_LIGATURES = str.maketrans({"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl",
                            "\ufb05": "st", "\ufb06": "st", "\u00ad": ""})
_PAGE_NUMBER = re.compile(r"(?:page\s*)?[-–—]?\s*\d{1,4}\s*(?:(?:/|sur|of)\s*\d{1,4})?\s*[-–—]?", re.IGNORECASE)
_HYPHEN_END = re.compile(r"(\w+)-$")
_WORD_START = re.compile(r"^(\w+)")
_SENTENCE_END = re.compile(r"[.!?:;»\"”)]\s*$")


@dataclass
class _Line:
    text: str
    top: float  # distance from the top of the page
    bottom: float


@dataclass
class _Box:
    x0: float
    x1: float
    top: float
    lines: list[_Line]


@dataclass
class Read:
    text: str
    pages: int
    created: date | None


def read_pdf(data: bytes, where: str, max_pages: int) -> Read:
    try:
        from pdfminer.converter import PDFPageAggregator
        from pdfminer.layout import LAParams, LTTextBox
        from pdfminer.pdfdocument import PDFDocument, PDFEncryptionError, PDFPasswordIncorrect
        from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
        from pdfminer.pdfpage import PDFPage
        from pdfminer.pdfparser import PDFParser
    except ImportError:
        raise InputError(f"{where}: reading PDF needs pdfminer.six (pip install pdfminer.six)") from None

    if b"%%EOF" not in data[-2048:]:
        # pdfminer recovers what it can from a cut-off file and would return part of
        # the text as if it were all of it.
        raise InputError(f"{where}: truncated PDF (no %%EOF marker at the end)")
    try:
        document = PDFDocument(PDFParser(io.BytesIO(data)))
    except (PDFPasswordIncorrect, PDFEncryptionError):
        raise InputError(f"{where}: encrypted PDF (a password is needed to read it)") from None
    except Exception as exc:  # a parser on untrusted bytes fails in many ways; all mean "corrupt"
        raise InputError(f"{where}: corrupt PDF ({_reason(exc)})") from None
    try:
        pages = list(PDFPage.create_pages(document))
        if len(pages) > max_pages:
            raise InputError(f"{where}: {len(pages)} pages, over the limit of {max_pages}")
        if not pages:
            raise InputError(f"{where}: PDF with no pages")
        manager = PDFResourceManager()
        # boxes_flow=None: pdfminer's own box ordering interleaves columns; _reading_order decides.
        device = PDFPageAggregator(manager, laparams=LAParams(boxes_flow=None))
        interpreter = PDFPageInterpreter(manager, device)
        laid_out = []
        for page in pages:
            interpreter.process_page(page)
            layout = device.get_result()
            boxes = [_Box(box.x0, box.x1, layout.height - box.y1,
                          [_Line(clean_line(_line_text(line)), layout.height - line.y1, layout.height - line.y0)
                           for line in box if line.get_text().strip()])
                     for box in layout if isinstance(box, LTTextBox)]
            ordered = _reading_order([b for b in boxes if b.lines], layout.width)
            laid_out.append((layout.height, [b.lines for b in ordered]))
    except InputError:
        raise
    except Exception as exc:  # same as above: damage found while reading the pages
        raise InputError(f"{where}: corrupt PDF ({_reason(exc)})") from None
    if not any(boxes for _, boxes in laid_out):
        raise InputError(f"{where}: no text layer: scanned document? ({len(pages)} pages of images only)")
    text = _assemble(_without_furniture(laid_out))
    if not text.strip():
        raise InputError(f"{where}: no text layer: scanned document? (only page headers and numbers)")
    return Read(text, len(pages), _creation_date(document))


def _reading_order(boxes: list[_Box], width: float) -> list[_Box]:
    """Column by column: a box that crosses the middle of the page (a title, a
    one-column paragraph) ends a band; within a band, the left column is read
    before the right one, each from top to bottom."""
    middle = width / 2
    spanning = sorted((b for b in boxes if b.x0 < middle - 4 and b.x1 > middle + 4), key=lambda b: b.top)
    columns = [b for b in boxes if not (b.x0 < middle - 4 and b.x1 > middle + 4)]
    ordered: list[_Box] = []
    limits = [b.top for b in spanning] + [float("inf")]
    previous = float("-inf")
    for limit, span in zip(limits, spanning + [None]):
        band = [b for b in columns if previous <= b.top < limit]
        ordered.extend(sorted(band, key=lambda b: (b.x0 >= middle - 4, b.top)))
        if span is not None:
            ordered.append(span)
        previous = limit
    return ordered


def _line_text(line) -> str:
    """A line's text, with a tab where words stand far apart (table cells, tab stops):
    pdfminer writes one space for any gap between words."""
    out, last_x1, pending_space = [], None, False
    for item in line:
        size = getattr(item, "size", None)
        if size is None:  # LTAnno: a space or newline pdfminer inferred
            pending_space = pending_space or item.get_text() == " "
            continue
        if last_x1 is not None and item.x0 - last_x1 > 1.5 * size:
            out.append("\t")
        elif pending_space:
            out.append(" ")
        out.append(item.get_text())
        last_x1, pending_space = item.x1, False
    return "".join(out)


def _reason(exc: Exception) -> str:
    message = " ".join(str(exc).split())[:120]
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__


def clean_line(line: str) -> str:
    return " ".join(line.translate(_LIGATURES).split(" ")).strip("\n").rstrip()


def _furniture_key(text: str) -> str:
    return re.sub(r"\d+", "#", " ".join(text.lower().split()))


def _without_furniture(pages: list[tuple[float, list[list[_Line]]]]) -> list[list[list[_Line]]]:
    """Drop repeated header/footer lines and lone page numbers in the page margins."""
    def in_band(line: _Line, height: float) -> bool:
        return line.bottom < height * _BAND or line.top > height * (1 - _BAND)

    seen = Counter()
    for height, boxes in pages:
        seen.update({_furniture_key(l.text) for box in boxes for l in box if in_band(l, height)})
    repeated = {key for key, n in seen.items() if n >= 2}
    kept = []
    for height, boxes in pages:
        page = []
        for box in boxes:
            lines = [l for l in box if not (in_band(l, height) and
                                            (_furniture_key(l.text) in repeated or _PAGE_NUMBER.fullmatch(l.text.strip())))]
            if lines:
                page.append(lines)
        kept.append(page)
    return kept


def _assemble(pages: list[list[list[_Line]]]) -> str:
    """Lines of a box make one paragraph; boxes are separated by a blank line unless a
    sentence runs on from one box into the next: the next starts in lowercase, or the
    first box ends a column unfinished and the next opens a column (a column or page break)."""
    boxes: list[tuple[list[str], bool, bool]] = []  # lines, ends at the column foot, starts at its head
    for page in pages:
        lines = [l for box in page for l in box]
        if not lines:
            continue
        slack = 1.5 * max(l.bottom - l.top for l in lines)
        head, foot = min(l.top for l in lines), max(l.bottom for l in lines)
        boxes.extend(([l.text.strip() for l in box], box[-1].bottom >= foot - slack, box[0].top <= head + slack)
                     for box in page)
    words = _spellings([line for box, _, _ in boxes for line in box])
    out: list[str] = []
    ended_column = False
    for box, at_foot, at_head in boxes:
        for j, line in enumerate(box):
            if not out:
                out.append(line)
                continue
            if j == 0:
                unfinished = not _SENTENCE_END.search(out[-1])
                if not (unfinished and (line[:1].islower() or (ended_column and at_head))):
                    out.append("\n\n")
                    out.append(line)
                    continue
            out[-1:] = [join_hyphenated(out[-1], line, words)]
        ended_column = at_foot
    return "".join(out) + "\n"


_TOKEN = re.compile(r"\w+(?:-\w+)+|\w+")


def _spellings(lines: list[str]) -> Counter:
    """How the document spells its words (lowercased): every word away from a line-end
    hyphen, and each word broken by one that the default reading mends (`_default_join`):
    `Ser-` / `vices` is evidence for `services` where `SERVI-` / `CES` is not."""
    words: Counter = Counter()
    carried = False  # this line's first word continues a hyphenated word
    for line, following in zip(lines, [*lines[1:], ""]):
        tokens = _TOKEN.findall(line)
        broken = bool(_HYPHEN_END.search(line) and _WORD_START.match(following))
        if carried and tokens:
            tokens = tokens[1:]
        if broken and tokens:
            first, second = tokens.pop(), _WORD_START.match(following)[1]
            if _default_join(first, second) == (first + second).lower():
                words[(first + second).lower()] += 1
        words.update(t.lower() for t in tokens)
        carried = broken
    return words


def _default_join(first: str, second: str) -> str:
    """A lowercase continuation is a typesetter's break; anything else a real hyphen."""
    if second[:1].islower() and first[-1:].isalpha():
        return (first + second).lower()
    return f"{first}-{second}".lower()


def join_hyphenated(before: str, after: str, words: Counter) -> str:
    """Join two lines of one paragraph, mending a word hyphenated at the line end.

    >>> join_hyphenated("un finance-", "ment de 5 M€", Counter())
    'un financement de 5 M€'
    >>> join_hyphenated("la start-", "up lyonnaise", Counter({"start-up": 2}))
    'la start-up lyonnaise'
    >>> join_hyphenated("THERMOF-", "LUX INDUSTRIE", Counter({"thermoflux": 3}))
    'THERMOFLUX INDUSTRIE'
    >>> join_hyphenated("Région Île-de-", "France", Counter()), join_hyphenated("sur la période 2024-", "2030", Counter())
    ('Région Île-de-France', 'sur la période 2024-2030')
    """
    end, start = _HYPHEN_END.search(before), _WORD_START.match(after)
    if not (end and start):
        return before + " " + after
    first, second = end[1], start[1]
    joined, hyphenated = (first + second).lower(), f"{first}-{second}".lower()
    # The document's own spelling elsewhere decides (Thermoflux, start-up), this
    # break's own default reading aside; without evidence, the default reading.
    default = _default_join(first, second)
    elsewhere = {joined: max(words[joined] - (default == joined), 0), hyphenated: words[hyphenated]}
    if elsewhere[joined] > elsewhere[hyphenated] or (elsewhere[joined] == elsewhere[hyphenated] and default == joined):
        return before[:-1] + after
    return before + after  # a real hyphen (Île-de-France, 2024-2030, start-up) split at the line end


def _creation_date(document) -> date | None:
    """The PDF's CreationDate (`D:20250612083000+02'00'`), the day as written."""
    for info in document.info:
        raw = info.get("CreationDate")
        if hasattr(raw, "resolve"):
            raw = raw.resolve()
        if isinstance(raw, bytes):
            raw = raw.decode("latin-1", "replace")
        if isinstance(raw, str):
            m = re.match(r"(?:D:)?(\d{4})(\d{2})(\d{2})", raw.strip())
            if m:
                try:
                    return date(int(m[1]), int(m[2]), int(m[3]))
                except ValueError:
                    return None
    return None
