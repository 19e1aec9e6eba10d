"""Language data under models/: located once, loaded once, validated on load.

In a source checkout (and an editable install) the data is the repository's
`models/` folder; a wheel carries the same folder as `extractor/models`; the
environment variable `EXTRACTOR_MODELS` names another one.
"""
from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path
from typing import Any

from .errors import ExtractorError

__all__ = ["unread_keys", "LexiconError", "MODELS_ENV", "models_dir", "load_json", "string_table"]

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


@cache
def load_json(relpath: str) -> Any:
    """Parse a JSON data file under models/ (cached: every caller shares one copy)."""
    path = models_dir() / relpath
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
