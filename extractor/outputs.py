"""Writing outputs: a write that fails (disk full, quota, I/O error) is one line and
its own exit status, and no output ever overwrites one of the inputs."""
from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterable, Iterator

from .errors import ExtractorError
from .docids import printable

__all__ = ["OutputError", "write_failure", "writing", "identity", "clashing_input"]


class OutputError(ExtractorError):
    """An output could not be written; the message is one line."""


def write_failure(path: str | Path, exc: OSError) -> OutputError:
    return OutputError(f"{printable(str(path))}: cannot write ({exc.strerror or exc})")


@contextmanager
def writing(path: str | Path) -> Iterator[None]:
    """Turn an OSError raised while writing `path` into an OutputError naming it."""
    try:
        yield
    except BrokenPipeError:
        raise  # the reader went away (`| head`): not a failure to write
    except OSError as exc:
        raise write_failure(path, exc) from None


def identity(path: str | Path) -> tuple[int, int] | None:
    """What makes two names one file (hard links, symbolic links, `..`): device and inode."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


def clashing_input(output: str | Path, inputs: Iterable[str | Path | None]) -> str | None:
    """The first input that is the same file as `output`, if any."""
    out = identity(output)
    if out is None:
        return None
    for p in inputs:
        if p is not None and identity(p) == out:
            return printable(str(p))
    return None
