"""Language data under models/: located once, loaded once per folder, validated on load.

In a source checkout (and an editable install) the data is the repository's
`models/` folder; a wheel carries the same folder as `extractor/models`; the
environment variable `EXTRACTOR_MODELS` names another one.

Each pipeline component reads its data from a folder of its own (its `data` setting,
or where `from_disk` put it): while it runs, `reading(folder)` binds that folder for
the loaders, and every loader decorated `@per_folder` keeps one cache per folder, so
two pipelines in one process never see each other's data. Outside any binding the
loaders read `models_dir()`.
"""
from __future__ import annotations

import json
import os
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache, lru_cache, wraps
from pathlib import Path
from typing import Any, Callable, Iterator, TypeVar

from .errors import ExtractorError

__all__ = [
    "unread_keys", "LexiconError", "MODELS_ENV", "models_dir", "data_path", "data_dir", "reading", "per_folder",
    "load_json", "string_table",
]

_HERE = Path(__file__).resolve().parent


class LexiconError(ExtractorError, ValueError):
    """A data file under models/ that breaks its own format."""


# Another models/ folder (a retrained copy, a test's broken one) instead of the package's.
MODELS_ENV = "EXTRACTOR_MODELS"


@cache
def models_dir() -> Path:
    chosen = os.environ.get(MODELS_ENV)
    if chosen:
        if not (Path(chosen) / "pipeline.cfg").is_file():
            raise LexiconError(f"{chosen}: no pipeline.cfg in the folder {MODELS_ENV} names")
        return Path(chosen)
    for candidate in (_HERE / "models", _HERE.parent / "models"):
        if (candidate / "pipeline.cfg").is_file():
            return candidate
    raise LexiconError(f"no models/ folder with pipeline.cfg next to {_HERE}")


def data_path(spec: str | Path) -> Path:
    """A file or folder named in a pipeline config: relative to the models folder, or absolute."""
    return models_dir() / spec


# The data folder bound now (a resolved path as a string: the caches' key); None: models_dir().
_BOUND: ContextVar[str | None] = ContextVar("extractor_data_folder", default=None)


@cache
def _default_folder() -> str:
    return str(models_dir().resolve())


def _bound_key() -> str:
    return _BOUND.get() or _default_folder()


def data_dir() -> Path:
    """The folder the loaders read now."""
    return Path(_bound_key())


@contextmanager
def reading(folder: str | Path | None) -> Iterator[None]:
    """Bind `folder` for the loaders called inside the block (this thread or task only);
    None keeps the folder bound now."""
    if folder is None:
        key = _BOUND.get()
    else:  # an absolute path as given (components pass resolved ones): no file-system call per document
        key = os.fspath(folder) if os.path.isabs(folder) else str(Path(folder).resolve())
    token = _BOUND.set(key)
    try:
        yield
    finally:
        _BOUND.reset(token)


F = TypeVar("F", bound=Callable[..., Any])


def per_folder(fn: F | None = None, *, maxsize: int | None = None) -> F:
    """`functools.cache` (or `lru_cache(maxsize)`) kept apart for each data folder: a loader,
    or a function of its arguments and of the data, caches what it read from the folder
    bound when it is called. `cache_clear()` forgets every folder."""
    if fn is None:
        return lambda f: per_folder(f, maxsize=maxsize)  # type: ignore[return-value]
    by_folder: dict[str, Callable[..., Any]] = {}

    @wraps(fn)
    def cached(*args, **kwargs):
        folder = _bound_key()
        memo = by_folder.get(folder)
        if memo is None:
            memo = by_folder.setdefault(folder, lru_cache(maxsize)(fn))
        return memo(*args, **kwargs)

    cached.cache_clear = by_folder.clear  # type: ignore[attr-defined]
    return cached  # type: ignore[return-value]


@per_folder
def load_json(relpath: str) -> Any:
    """Parse a JSON data file of the bound folder (cached: every caller shares one copy)."""
    path = data_dir() / relpath
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise LexiconError(f"{path}: {exc}") from None


# The top-level keys of each data file that a loader has asked `string_table` for ("*":
# the whole file), so that a test can show which data no code reads.
_ASKED: dict[str, set[str]] = {}


class _Table(dict):
    """A phrase table whose missing list is a one-line data error naming file and key,
    not a bare KeyError from deep inside a loader."""

    def __init__(self, relpath: str, keys: tuple[str, ...], items: dict[str, list[str]]):
        super().__init__(items)
        self.relpath, self.keys = relpath, keys

    def __missing__(self, key: str):
        raise LexiconError(f"{self.relpath} {'/'.join((*self.keys, key))}: missing")


def string_table(relpath: str, *keys: str) -> dict[str, list[str]]:
    """A `{name: [phrases]}` table found at `keys` inside a data file, checked to be one.

    Keys starting with `_` are comments. Asking the table for a list it lacks raises
    LexiconError.
    """
    _ASKED.setdefault(relpath, set()).add(keys[0] if keys else "*")
    data = load_json(relpath)
    for depth, key in enumerate(keys):
        if not isinstance(data, dict) or key not in data:
            raise LexiconError(f"{relpath} {'/'.join(keys[:depth + 1])}: missing")
        data = data[key]
    if not isinstance(data, dict):
        raise LexiconError(f"{relpath} {'/'.join(keys)}: expected an object of phrase lists")
    table = {k: v for k, v in data.items() if not k.startswith("_")}
    for name, phrases in table.items():
        if not (isinstance(phrases, list) and all(isinstance(p, str) and p.strip() for p in phrases)):
            raise LexiconError(f"{relpath} {'/'.join(keys)}/{name}: expected a list of non-empty strings")
    return _Table(relpath, keys, table)


def unread_keys() -> dict[str, list[str]]:
    """For each data file read through `string_table` so far, its keys no loader asked for."""
    out = {}
    for relpath, asked in _ASKED.items():
        data = load_json(relpath)
        if "*" not in asked and isinstance(data, dict):
            unread = sorted(k for k in data if not k.startswith("_") and k not in asked)
            if unread:
                out[relpath] = unread
    return out
