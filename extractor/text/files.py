"""Files around the readers: which files of a folder are documents, and where the
extracted text of each goes (`--save-text`)."""
from __future__ import annotations

from pathlib import Path

from ..records import RecordError, file_stem
from ..textio import InputError
from .sniff import SUFFIXES

__all__ = ["document_files", "no_documents", "prepare_text_folder", "save_text"]


def document_files(folder: Path, recursive: bool = False) -> list[Path]:
    """The folder's entries with a document suffix (any case) that are not folders, sorted.
    FIFOs, devices and broken links are kept, so that reading them fails with a line
    instead of their vanishing (or blocking: they are never opened as files here)."""
    found = folder.rglob("*") if recursive else folder.glob("*")
    return sorted(p for p in found if p.suffix.lower() in SUFFIXES and not p.is_dir())


def no_documents(folder: Path) -> str:
    return f"{folder}: folder holds no documents ({', '.join(SUFFIXES)})"


def prepare_text_folder(folder: str | Path) -> Path:
    """The `--save-text` folder, created if missing (its parent must exist)."""
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise ValueError(f"{folder}: --save-text needs a folder, this is a file")
    if not folder.parent.is_dir():
        raise ValueError(f"{folder}: folder {folder.parent} does not exist")
    folder.mkdir(exist_ok=True)
    return folder


def save_text(folder: Path, doc_id: str, text: str) -> Path:
    """Write DOC_ID.txt: the exact text the record's offsets refer to (UTF-8, line ends as they are)."""
    try:
        target = folder / f"{file_stem(doc_id)}.txt"
    except RecordError as exc:
        raise InputError(str(exc)) from None
    try:
        target.write_bytes(text.encode("utf-8"))
    except OSError as exc:
        raise InputError(f"{target}: cannot write the extracted text ({exc.strerror or exc})") from None
    return target
