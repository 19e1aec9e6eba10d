"""Bytes to text. Offsets in records refer to the text returned here, so this is
the one place where encodings, BOMs and line ends are decided.

Line ends are never translated: a CRLF file keeps its `\\r\\n` and offsets count
the `\\r`.
"""
from __future__ import annotations

import codecs
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Iterator

from .errors import ExtractorError
from .docids import printable

__all__ = ["DEFAULT_MAX_BYTES", "InputError", "Decoded", "decode", "open_regular", "jsonl_rows", "read_bytes",
           "read_text"]

# A release larger than this is almost surely not a press release (a dump, a log).
DEFAULT_MAX_BYTES = 50 * 1024 * 1024


class InputError(ExtractorError, ValueError):
    """Input that cannot be read as a press release; the message is one line."""


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str  # "utf-8", "utf-8-sig", "utf-16", "utf-16-le"/"-be" (no BOM) or "cp1252" (fallback)
    notice: str | None = None  # set when the decoder had to guess

    @property
    def line_ends(self) -> str:
        r"""How lines end in the text: "LF", "CRLF", "CR", "mixed" or "none".

        >>> Decoded("a\r\nb\r\n", "utf-8").line_ends, Decoded("a\rb\nc", "utf-8").line_ends
        ('CRLF', 'mixed')
        """
        crlf = self.text.count("\r\n")
        cr, lf = self.text.count("\r") - crlf, self.text.count("\n") - crlf
        kinds = [name for name, n in (("CRLF", crlf), ("CR", cr), ("LF", lf)) if n]
        return kinds[0] if len(kinds) == 1 else ("mixed" if kinds else "none")

    def describe(self) -> dict[str, str]:
        """What a record says about how its text was decoded (offsets refer to that text)."""
        return {"encoding": self.encoding, "line_ends": self.line_ends}


def decode(data: bytes, where: str = "input") -> Decoded:
    """Decode a press release.

    >>> decode("Prix : 5 €".encode("utf-8")).text
    'Prix : 5 €'
    >>> decode(codecs.BOM_UTF8 + b"abc").encoding
    'utf-8-sig'
    >>> d = decode("Qualité".encode("cp1252"))
    >>> d.text, d.encoding
    ('Qualité', 'cp1252')
    """
    if not data.strip():
        raise InputError(f"{where}: empty file" if not data else f"{where}: only white space")
    if data.startswith(codecs.BOM_UTF8):
        return Decoded(_checked(data[3:].decode("utf-8", "strict"), where), "utf-8-sig")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return Decoded(_checked(data.decode("utf-16"), where), "utf-16")
        except UnicodeDecodeError:
            raise InputError(f"{where}: UTF-16 byte order mark but invalid UTF-16") from None
    if b"\x00" in data[:4096]:
        utf16 = _bomless_utf16(data)
        if utf16 is None:
            raise InputError(f"{where}: binary data (NUL bytes), not a text file")
        return Decoded(_checked(data.decode(utf16), where), utf16, f"{where}: no byte order mark, decoded as {utf16}")
    try:
        return Decoded(_checked(data.decode("utf-8", "strict"), where), "utf-8")
    except UnicodeDecodeError as exc:
        bad = exc.start
    # Legacy Windows files are common in press archives; cp1252 decodes every byte
    # but five, so a failure there means the bytes are not text at all.
    try:
        text = data.decode("cp1252", "strict")
    except UnicodeDecodeError:
        raise InputError(f"{where}: neither UTF-8 (invalid byte at {bad}) nor cp1252") from None
    return Decoded(_checked(text, where), "cp1252", f"{where}: not UTF-8 (byte {bad}), decoded as cp1252")


def _bomless_utf16(data: bytes) -> str | None:
    """UTF-16 without a byte order mark shows as text with a NUL in every other byte."""
    if len(data) % 2:
        return None
    head = data[:4096]
    even_nul, odd_nul = head[0::2].count(0), head[1::2].count(0)
    half = len(head) // 2
    for codec, nuls, others in (("utf-16-le", odd_nul, even_nul), ("utf-16-be", even_nul, odd_nul)):
        if nuls > 0.9 * half and others == 0:
            try:
                data.decode(codec)
            except UnicodeDecodeError:
                return None
            return codec
    return None


def _checked(text: str, where: str) -> str:
    # Control characters other than tab/newline/CR/form feed are the mark of binary data.
    sample = text[:8192]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\n\r\f")
    if "\x00" in text or controls > max(8, len(sample) // 100):
        raise InputError(f"{where}: binary data, not a text file")
    if not text.strip():
        raise InputError(f"{where}: only white space")
    return text


def jsonl_rows(path: str | Path, failure: type[Exception] | None = None) -> Iterator[tuple[int, int, bytes]]:
    """(line number, byte offset, bytes) of each line of a JSONL file that is not blank.
    Bytes, so that each reader words its own errors (a gold file, a batch input) and
    offsets stay exact. The file is opened now: a file that cannot be is one line, an
    InputError or the caller's `failure` type, from this call, not the first row."""
    try:
        fh = open_regular(path)
    except InputError as exc:
        if failure is None:
            raise
        raise failure(str(exc)) from None

    def rows() -> Iterator[tuple[int, int, bytes]]:
        with fh:
            offset = 0
            for lineno, raw in enumerate(fh, 1):
                here, offset = offset, offset + len(raw)
                if raw.strip():
                    yield lineno, here, raw

    return rows()


def open_regular(path: str | Path) -> BinaryIO:
    """Open a file for reading, or say in one line why not.

    Only regular files are read: a FIFO blocks until someone writes to it and a
    character device (`/dev/zero`) may never end, whatever `st_size` says.
    """
    where = printable(str(path))
    try:
        # O_NONBLOCK: opening a FIFO with no writer would otherwise wait forever.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise InputError(f"{where}: no such file") from None
    except PermissionError:
        raise InputError(f"{where}: permission denied") from None
    except OSError as exc:
        raise InputError(f"{where}: cannot read ({exc.strerror or exc})") from None
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise InputError(f"{where}: is a folder, not a file")
        if not stat.S_ISREG(mode):
            raise InputError(f"{where}: not a regular file ({_kind(mode)}); only regular files are read")
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def _kind(mode: int) -> str:
    for test, name in ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return name
    return "not a file"


def read_bytes(path: str | Path, max_bytes: int | None = None) -> bytes:
    """The bytes of a regular file; more than `max_bytes` is an InputError (the limit
    holds for what is read, not for what `st_size` claims)."""
    where = printable(str(path))
    with open_regular(path) as fh:
        try:
            size = os.fstat(fh.fileno()).st_size
            if max_bytes is not None and size > max_bytes:
                raise InputError(f"{where}: {size} bytes, over the limit of {max_bytes}")
            data = fh.read() if max_bytes is None else fh.read(max_bytes + 1)
        except OSError as exc:
            raise InputError(f"{where}: cannot read ({exc.strerror or exc})") from None
    if max_bytes is not None and len(data) > max_bytes:
        raise InputError(f"{where}: more than {max_bytes} bytes, over the limit of {max_bytes}")
    return data


def read_text(path: str | Path, max_bytes: int = DEFAULT_MAX_BYTES) -> Decoded:
    return decode(read_bytes(path, max_bytes), printable(str(path)))
