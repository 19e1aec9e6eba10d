"""Word (.docx): the body's paragraphs and tables, in document order.

python-docx (MIT) reads the document; page headers and footers, footnotes and
text boxes are left out (page furniture, not the release). The archive is checked
before it is opened: a .docx is a zip, and a zip can expand to far more than its
size (a zip bomb).
"""
from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from datetime import date

from ..textio import InputError

__all__ = ["Read", "check_archive", "read_docx"]


@dataclass
class Read:
    text: str
    paragraphs: int
    tables: int
    created: date | None


def check_archive(data: bytes, where: str, max_unpacked: int) -> None:
    """Refuse what python-docx should never open: not a zip, no Word document inside,
    encrypted members, or members that expand past `max_unpacked` bytes in all."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise InputError(f"{where}: corrupt or truncated .docx ({exc})") from None
    with archive:
        members = archive.infolist()
        names = {m.filename for m in members}
        if "word/document.xml" not in names:
            raise InputError(f"{where}: zip archive without word/document.xml, not a Word document")
        if any(m.flag_bits & 0x1 for m in members):
            raise InputError(f"{where}: encrypted zip members; save the document without a password")
        # Declared sizes bound what zipfile will produce: it stops at the declared
        # size and fails the CRC check if a member tries to give more.
        unpacked = sum(m.file_size for m in members)
        if unpacked > max_unpacked:
            raise InputError(f"{where}: .docx expands to {unpacked} bytes, over the limit of {max_unpacked} (zip bomb?)")


def read_docx(data: bytes, where: str, max_unpacked: int) -> Read:
    check_archive(data, where, max_unpacked)
    try:
        import docx
        from docx.table import Table
    except ImportError:
        raise InputError(f"{where}: reading Word files needs python-docx (pip install python-docx)") from None
    try:
        document = docx.Document(io.BytesIO(data))
        blocks, paragraphs, tables = [], 0, 0
        for item in document.iter_inner_content():
            if isinstance(item, Table):
                rows = _table_rows(item)
                if rows:
                    blocks.append("\n".join(rows))
                    tables += 1
            elif item.text.strip():
                blocks.append(item.text.strip())
                paragraphs += 1
        created = document.core_properties.created
    except InputError:
        raise
    except Exception as exc:  # damaged XML or parts: python-docx raises many kinds of error
        message = " ".join(str(exc).split())[:120]
        raise InputError(f"{where}: corrupt .docx ({type(exc).__name__}: {message})") from None
    if not blocks:
        raise InputError(f"{where}: Word document with no text in its body")
    return Read("\n\n".join(blocks) + "\n", paragraphs, tables, created.date() if created else None)


def _table_rows(table) -> list[str]:
    """One line per row, cells separated by a tab; a merged cell counts once."""
    rows = []
    for row in table.rows:
        cells, seen = [], set()
        for cell in row.cells:
            if id(cell._tc) in seen:
                continue
            seen.add(id(cell._tc))
            cells.append(" ".join(cell.text.split()))
        if any(cells):
            rows.append("\t".join(cells))
    return rows
