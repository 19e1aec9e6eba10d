"""The glue between detectors and spaCy: one component class for every kind.

A detector is a function `Doc -> list[Candidate]`. The component stores the
candidates (exact character offsets) in `doc._.candidates[key]` and the same
spans, widened to token boundaries, in `doc.spans[key]` for spaCy tooling
(displaCy, span scorers).

Each component reads its language data from a folder of its own: its `data` setting
(relative to the models folder, or absolute), or the folder `from_disk` loaded it from.
It binds that folder for the loaders while it builds its detector and while it runs
(`lexicon.reading`), and `to_disk` copies the files it reads (`files`, relative to
that folder) so that a saved pipeline carries its rules.
"""
from __future__ import annotations

import bisect
import shutil
from pathlib import Path
from typing import Callable, Iterable, TypeVar

from spacy.tokens import Doc

from .candidates import Candidate
from .lexicon import LexiconError, data_path, reading

__all__ = [
    "Detector", "T", "DEFAULT_DATA", "DetectorComponent", "text_detector", "first_fit", "per_doc", "doc_text",
    "remember_text", "all_candidates"
]

Detector = Callable[[Doc], Iterable[Candidate]]
T = TypeVar("T")

if not Doc.has_extension("candidates"):
    Doc.set_extension("candidates", default=None)


# The `data` setting of every component of the package: the models folder itself.
DEFAULT_DATA = "."


class DetectorComponent:
    """`build()`, called with the component's data folder bound, reads and checks the data
    and returns the detector; `files`: the files and folders it reads, relative to that folder."""

    def __init__(self, key: str, build: Callable[[], Detector], data: str = DEFAULT_DATA,
                 files: Iterable[str] = ()):
        self.key = key
        self.data = data
        self.files = tuple(files)
        self._build = build
        self._folder: Path | None = None
        self._detect: Detector | None = None

    @property
    def folder(self) -> Path:
        """The folder the component reads: resolved on first use, so that a pipeline saved
        with `to_disk` loads on a machine without the models folder (`from_disk` sets it)."""
        if self._folder is None:
            self._folder = data_path(self.data).resolve()
        return self._folder

    @property
    def detect(self) -> Detector:
        if self._detect is None:
            self.load()
        return self._detect

    def load(self) -> "DetectorComponent":
        """Read and check the data now, so that a broken file stops the pipeline build, not a document."""
        with reading(self.folder):
            self._detect = self._build()
        return self

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        """Copy the data files the component reads under `path`, keeping their layout."""
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        for relpath in self.files:
            source, target = self.folder / relpath, path / relpath
            if Path(relpath).is_absolute():
                continue  # named by its absolute path in the config: read there, not carried
            if source.is_dir():
                shutil.copytree(source, target, dirs_exist_ok=True)
            elif source.is_file():
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, target)
            else:
                raise LexiconError(f"{source}: no such data file for {self.key} to save")

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> "DetectorComponent":
        """Read the data from `path` (as `to_disk` wrote it) from now on."""
        self._folder = Path(path).resolve()
        return self.load()

    def __call__(self, doc: Doc) -> Doc:
        with reading(self.folder):
            found = sorted(self.detect(doc), key=lambda c: (c.start, c.end))
        if doc._.candidates is None:
            doc._.candidates = {}
        doc._.candidates[self.key] = found
        spans = []
        for c in found:
            span = doc.char_span(c.start, c.end, label=c.label, alignment_mode="expand")
            if span is not None:
                spans.append(span)
        doc.spans[self.key] = spans
        return doc


def text_detector(key: str, detect_text: Callable[[str], Iterable[Candidate]], data: str = DEFAULT_DATA,
                  files: Iterable[str] = (), check: Callable[[], object] | None = None) -> DetectorComponent:
    """The component for a detector that reads nothing but the text; `check()` loads its data."""
    def build() -> Detector:
        if check is not None:
            check()
        return lambda doc: detect_text(doc_text(doc))

    return DetectorComponent(key, build, data, files)


def first_fit(ranked: Iterable[T]) -> list[T]:
    """Keep each span (anything with `start`/`end`) that overlaps none kept before it,
    in the order given (best first); the result is sorted by start. O(n log n).

    >>> from types import SimpleNamespace as S
    >>> [(s.start, s.end) for s in first_fit([S(start=2, end=5), S(start=0, end=3), S(start=5, end=6)])]
    [(2, 5), (5, 6)]
    """
    starts: list[int] = []  # kept spans never overlap, so sorted starts sort their ends too
    kept: list[T] = []
    for span in ranked:
        i = bisect.bisect_left(starts, span.start)
        if (i > 0 and kept[i - 1].end > span.start) or (i < len(kept) and kept[i].start < span.end):
            continue
        starts.insert(i, span.start)
        kept.insert(i, span)
    return kept


def per_doc(doc: Doc, key: str, compute: Callable[[Doc], object]):
    """A value computed once per Doc and shared by the components. spaCy rebuilds
    `doc.text` from the tokens at every access, and rules that ask the same question
    of many spans would otherwise pay O(n) per span."""
    # asked a thousand times a document: the hit is the fast path
    try:
        return doc.user_data["press_cache"][key]
    except KeyError:
        cache = doc.user_data.setdefault("press_cache", {})
        cache[key] = value = compute(doc)
        return value


def doc_text(doc: Doc) -> str:
    return per_doc(doc, "text", lambda d: d.text)


def remember_text(doc: Doc, text: str) -> Doc:
    """Record the text a Doc was made from (the tokenizer keeps every character), so
    that `doc_text` does not rebuild it from the tokens: about 1 ms per release."""
    doc.user_data.setdefault("press_cache", {})["text"] = text
    return doc


def all_candidates(doc: Doc) -> list[Candidate]:
    groups = doc._.candidates or {}
    return sorted((c for cands in groups.values() for c in cands), key=lambda c: (c.start, c.end))
