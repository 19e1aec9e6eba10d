"""A batch job's outputs: OUT (one record per line) and ERR (one failure per line).

Each is locked for the whole job (an advisory `flock`, taken before anything is
truncated), so a second job on the same file stops at once and the first one's
lines are never lost. Lines are written whole, one system call each; a write that
fails (disk full) takes back what it wrote, so OUT always ends on a complete line.
A file started afresh is emptied only once the job runs (`settle`, or its first
line): a job that cannot start keeps the previous run's lines.
"""
from __future__ import annotations

import fcntl
import json
import os
import stat
import tempfile
from contextlib import suppress
from pathlib import Path
from typing import Any

from ..docids import printable
from ..outputs import clashing_input, identity, write_failure
from .inputs import BatchError, Source

__all__ = ["LineFile", "completed_ids", "default_errors_path", "check_outputs"]


class LineFile:
    """An append-only JSONL file, locked, written one whole line per system call.

    No Python buffer sits between a finished document and the file: a killed job
    loses at most the line being written, which `resume` then drops.
    """

    def __init__(self, path: Path, fresh: bool):
        self.path, self.where = path, printable(str(path))
        try:
            self._fd = self._locked(path)
        except OSError as exc:
            raise write_failure(path, exc) from None
        self._regular = stat.S_ISREG(os.fstat(self._fd).st_mode)
        self._stale = fresh and self._regular  # the previous run's lines, until `settle`

    def settle(self) -> None:
        """Empty a file started afresh, once: from now on it holds this run's lines only."""
        if self._stale:
            try:
                os.ftruncate(self._fd, 0)
            except OSError as exc:
                raise write_failure(self.path, exc) from None
            self._stale = False

    def _locked(self, path: Path) -> int:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_CLOEXEC, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise BatchError(f"{self.where}: in use by another job (locked); wait for it to end "
                             "or choose another output") from None
        except OSError as exc:
            os.close(fd)
            raise BatchError(f"{self.where}: cannot lock ({exc.strerror}); is it on a file system "
                             "without locks?") from None
        return fd

    def write(self, obj: Any) -> None:
        """Append one line; UnicodeEncodeError if it is not valid UTF-8, OutputError if it
        cannot be written (the file is then as it was before)."""
        data = (obj if isinstance(obj, str) else json.dumps(obj, ensure_ascii=False)).encode("utf-8") + b"\n"
        self.settle()
        size = os.fstat(self._fd).st_size if self._regular else 0
        try:
            _write_all(self._fd, data)
        except OSError as exc:
            if self._regular:
                # Best effort: should this fail too, --resume drops a cut-off last line anyway.
                with suppress(OSError):
                    os.ftruncate(self._fd, size)
            raise write_failure(self.path, exc) from None

    def resume(self) -> set[str]:
        """doc_ids with a complete record. A cut-off last line is removed; so is every
        record of a doc_id after its first (left by two jobs that once shared OUT)."""
        ids, repeated, complete = _scan(self._fd, self.where)
        if repeated:
            self._rewrite_without_repeats()
        elif complete != os.fstat(self._fd).st_size:
            os.ftruncate(self._fd, complete)
        return ids

    def _rewrite_without_repeats(self) -> None:
        # A new file takes OUT's place in one rename, locked before it gets the name, so
        # that a kill leaves either the old file or the repaired one and no other job
        # slips in between.
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=f".{self.path.name}.", suffix=".resume")
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) | os.O_APPEND)
            seen: set[str] = set()
            with os.fdopen(os.dup(self._fd), "rb") as src:
                src.seek(0)
                for raw in src:
                    if not raw.endswith(b"\n"):
                        break
                    doc_id = _doc_id(raw) if raw.strip() else None
                    if doc_id is not None and doc_id in seen:
                        continue
                    seen.add(doc_id)
                    _write_all(fd, raw)
            os.fsync(fd)
            os.fchmod(fd, stat.S_IMODE(os.fstat(self._fd).st_mode))
            os.replace(tmp, self.path)
        except BaseException:
            os.close(fd)
            with suppress(FileNotFoundError):
                os.unlink(tmp)
            raise
        os.close(self._fd)
        self._fd = fd

    def close(self) -> None:
        os.close(self._fd)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _scan(fd: int, where: str) -> tuple[set[str], int, int]:
    """doc_ids of the complete lines, how many lines repeat a doc_id, and the length of
    the complete lines."""
    ids: set[str] = set()
    repeated = complete = 0
    with os.fdopen(os.dup(fd), "rb") as fh:
        fh.seek(0)
        for lineno, raw in enumerate(fh, 1):
            if not raw.endswith(b"\n"):
                break  # written by a job killed mid-write: its document is redone
            complete += len(raw)
            if not raw.strip():
                continue
            doc_id = _doc_id(raw)
            if doc_id is None:
                raise BatchError(f"{where}:{lineno}: not a JSON line with a doc_id; cannot resume over it")
            if doc_id in ids:
                repeated += 1
            ids.add(doc_id)
    return ids, repeated, complete


def _doc_id(raw: bytes) -> str | None:
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        return None
    doc_id = data.get("doc_id") if isinstance(data, dict) else None
    return doc_id if isinstance(doc_id, str) else None


def completed_ids(path: Path) -> set[str]:
    """doc_ids with a complete record in OUT, after the repairs `LineFile.resume` makes."""
    if not path.exists():
        return set()
    out = LineFile(path, fresh=False)
    try:
        return out.resume()
    finally:
        out.close()


def default_errors_path(output: Path) -> Path:
    """results.jsonl -> results.errors.jsonl (beside it: derived from OUT, never from a doc_id)."""
    stem = output.name[: -len(".jsonl")] if output.name.endswith(".jsonl") else output.name
    return output.with_name(stem + ".errors.jsonl")


def check_outputs(output: Path, errors: Path, sources: list[Source]) -> None:
    for p, what in ((output, "output"), (errors, "errors file")):
        if not p.parent.is_dir():
            raise BatchError(f"{printable(str(p))}: folder {printable(str(p.parent))} does not exist")
        if p.is_dir():
            raise BatchError(f"{printable(str(p))}: is a folder, expected a file ({what})")
    if output.resolve() == errors.resolve() or clashing_input(output, [errors]):
        raise BatchError(f"{printable(str(output))}: the output and the errors file must differ")
    # Compared as files, not names: a hard link to an input is that input.
    written = {identity(output), identity(errors)} - {None}
    for s in sources:
        if identity(s.path) in written:
            raise BatchError(f"{printable(s.path)}: an input is also an output of the job")
