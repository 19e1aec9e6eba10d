"""The public surface: `extract()` for one text, `Extractor` for many."""
from __future__ import annotations

import re
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping

from .docids import printable
from .records import ISO_DAY, Mention, Record

__all__ = ["Extractor", "error_record", "record_from_doc", "without_overlaps", "default_extractor", "extract"]

_SURROGATE = re.compile(r"[\ud800-\udfff]")


class Extractor:
    """Loads the pipeline once; `extract` one text or `pipe` many."""

    def __init__(self, config_path: str | Path | None = None, overrides: Mapping[str, Any] | None = None):
        """`overrides`: dotted keys of the pipeline config and their values, e.g.
        `{"components.press_org.decision": ""}` for the rule-based organization decision."""
        from . import pipeline

        self.nlp, self.settings = pipeline.load(config_path, dict(overrides or {}))
        self.data = pipeline.data_folders(self.nlp)

    @classmethod
    def from_disk(cls, path: str | Path) -> "Extractor":
        """The Extractor of a pipeline saved with `extractor.nlp.to_disk(path)`: its components
        and the resolution of their mentions read the rules saved with it."""
        from . import pipeline

        self = cls.__new__(cls)
        self.nlp, self.settings = pipeline.load_saved(path)
        self.data = pipeline.data_folders(self.nlp)
        return self

    def extract(self, text: str, doc_id: str | None = None, document_date: str | date | None = None) -> Record:
        """The record of one text; raises what stopped it (unlike `pipe`)."""
        ((outcome, _),) = self._outcomes([(text, {"doc_id": doc_id, "document_date": document_date})], 1, "extract")
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    def pipe(self, items: Iterable[str | tuple[str, Mapping[str, Any]]], batch_size: int = 16) -> Iterator[Record]:
        """Records for texts or `(text, meta)` pairs, in order, one per item.

        `meta` may hold `doc_id` (a str), `document_date` (YYYY-MM-DD or a date),
        `document_date_source` (what the record says about a given date: "given" by
        default, "file_name"), `date_hints` (`[source, YYYY-MM-DD]` pairs a file states
        about itself, see `extractor.context.DATE_EVIDENCE`) and `extra` (fields copied
        into the record as they are, e.g. how the text was read). `Document.meta`
        (extractor.text) builds all of these for a file. An argument of the wrong type raises TypeError when its item is
        reached: a caller's mistake. A text that cannot be processed (a lone
        surrogate, a document_date that is no day, an exception in any stage) does
        not end the run: its record has no mentions and an `error` field,
        `{"type": ..., "message": ...}`.
        """
        outcomes = self._outcomes(_iterable(items), batch_size)
        return (error_record(meta, outcome) if isinstance(outcome, Exception) else outcome
                for outcome, meta in outcomes)

    def extract_file(self, path: str | Path, doc_id: str | None = None, document_date: str | date | None = None,
                     limits=None) -> Record:
        """Read a file of any supported format (text, web page, PDF, Word, e-mail) and extract
        its record; offsets refer to the extracted text (`extractor.text.read_document(path).text`).
        Raises `extractor.textio.InputError` (one line) when the file cannot be read, and what
        stopped the extraction (like `extract`)."""
        from .text import Limits, read_document

        document = read_document(path, limits or Limits())
        meta = document.meta(doc_id if doc_id is not None else Path(path).stem, document_date)
        ((outcome, _),) = self._outcomes([(document.text, meta)], 1, "extract_file")
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    def _outcomes(self, items: Iterable[Any], batch_size: int,
                  caller: str = "Extractor.pipe") -> Iterator[tuple[Record | Exception, dict[str, Any]]]:
        """(record or the exception that stopped it, checked meta) per item, in order."""
        checked = (_check_item(f"{caller} item {i}" if caller != "extract" else caller, item)
                   for i, item in enumerate(items))
        for chunk in _chunks(checked, batch_size):
            ready = [(text, meta) for text, meta, problem in chunk if problem is None]
            docs = iter(self._docs([text for text, _ in ready], batch_size))
            for text, meta, problem in chunk:
                if problem is not None:
                    yield problem, meta
                    continue
                doc = next(docs)
                if isinstance(doc, Exception):
                    yield doc, meta
                    continue
                try:
                    record = record_from_doc(doc, meta["doc_id"], meta["document_date"],
                                             given_source=meta["document_date_source"], hints=meta["date_hints"],
                                             overlaps=self.settings.overlaps, data=self.data)
                except Exception as exc:  # this text's failure, reported in its record; the others go on
                    yield exc, meta
                    continue
                record.extra.update(meta["extra"])
                yield record, meta

    def _docs(self, texts: list[str], batch_size: int) -> list[Any]:
        """A Doc per text, or the exception that stopped it."""
        from .longtext import doc_in_pieces

        limit = min(self.settings.piece_chars, self.nlp.max_length)
        short = [t for t in texts if len(t) <= limit]
        try:
            # spaCy's batching when the whole batch goes through...
            batch = iter(list(self.nlp.pipe(short, batch_size=batch_size)))
        except Exception:
            # ...else each text alone, so that only the text at fault fails.
            batch = iter([_attempt(self.nlp, t) for t in short])
        # Long texts go through the statistical components in pieces (see longtext).
        return [next(batch) if len(t) <= limit else _attempt(doc_in_pieces, self.nlp, t, limit) for t in texts]


def _attempt(fn, *args) -> Any:
    try:
        return fn(*args)
    except Exception as exc:  # returned, not raised: the caller reports it for this text only
        return exc


def _iterable(items: Any) -> Iterable[Any]:
    wrong = None
    if items is None:
        wrong = "None"
    elif isinstance(items, str):
        wrong = "a single str: use extract(text), or pipe([text])"
    elif isinstance(items, (bytes, bytearray)):
        wrong = "bytes: decode them first (extractor.textio.decode)"
    elif not isinstance(items, Iterable):
        wrong = type(items).__name__
    if wrong:
        raise TypeError(f"Extractor.pipe takes an iterable of texts or (text, meta) pairs, got {wrong}")
    return items


def _chunks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    """Lists of up to `size` items; an error raised by `items` comes after the items before it."""
    chunk: list[Any] = []
    try:
        for item in items:
            chunk.append(item)
            if len(chunk) >= size:
                yield chunk
                chunk = []
    except Exception:
        if chunk:
            yield chunk
        raise
    if chunk:
        yield chunk


def _check_item(where: str, item: Any) -> tuple[str | None, dict[str, Any], Exception | None]:
    """(text, meta, problem): TypeError for arguments of the wrong type (raised), a
    ValueError for a text or date this item cannot be processed with (returned)."""
    text, meta = (item, {}) if isinstance(item, str) else _pair(item, where)
    if not isinstance(meta, Mapping):
        raise TypeError(f"{where}: expected a mapping of metadata with the text, got {type(meta).__name__}")
    doc_id, ddate, extra = meta.get("doc_id"), meta.get("document_date"), meta.get("extra")
    if doc_id is not None and not isinstance(doc_id, str):
        raise TypeError(f"{where}: doc_id must be a str or None, got {type(doc_id).__name__}")
    if doc_id is not None and _SURROGATE.search(doc_id):
        raise ValueError(f"{where}: doc_id holds a lone surrogate; escape it first (extractor.docids.escape)")
    if ddate is not None and not isinstance(ddate, (str, date)):
        raise TypeError(f"{where}: document_date must be YYYY-MM-DD, a date or None, got {type(ddate).__name__}")
    if extra is not None and not isinstance(extra, Mapping):
        raise TypeError(f"{where}: extra must be a mapping or None, got {type(extra).__name__}")
    source, hints = meta.get("document_date_source") or "given", meta.get("date_hints") or ()
    if not isinstance(source, str):
        raise TypeError(f"{where}: document_date_source must be a str, got {type(source).__name__}")
    from .context import DATE_EVIDENCE

    for hint in hints:
        if not (isinstance(hint, (tuple, list)) and len(hint) == 2):
            raise TypeError(f"{where}: date_hints must hold [source, YYYY-MM-DD] pairs, got {hint!r}")
        if hint[0] not in DATE_EVIDENCE:
            raise ValueError(f"{where}: unknown source of a document date: {hint[0]!r} (one of {', '.join(DATE_EVIDENCE)})")
    checked = {"doc_id": None if doc_id is None else str.__str__(doc_id), "document_date": None,
               "extra": dict(extra or {}), "document_date_source": source, "date_hints": []}
    # A str subclass is a text: spaCy's tokenizer wants the plain str inside it.
    text = str.__str__(text)
    try:
        checked["document_date"] = _as_date(ddate)
        checked["date_hints"] = [(str(hint_source), _as_date(day)) for hint_source, day in hints]
    except (ValueError, TypeError) as exc:
        return None, checked, ValueError(f"{where}: {exc}")
    bad = _SURROGATE.search(text)
    if bad:
        return None, checked, ValueError(f"the text holds a lone surrogate (U+{ord(bad.group()):04X}) at {bad.start()}: "
                                         "not valid Unicode; decode the bytes with extractor.textio.decode")
    return text, checked, None


def _pair(item: Any, where: str) -> tuple[str, Any]:
    if isinstance(item, (bytes, bytearray)):
        raise TypeError(f"{where}: expected a text (str), got bytes: decode them first (extractor.textio.decode)")
    if not isinstance(item, tuple) or len(item) != 2:
        got = f"a tuple of {len(item)}" if isinstance(item, tuple) else type(item).__name__
        raise TypeError(f"{where}: expected a text (str) or a (text, meta) pair, got {got}")
    text, meta = item
    if not isinstance(text, str):
        raise TypeError(f"{where}: expected a text (str), got {type(text).__name__}"
                        + (": decode them first (extractor.textio.decode)" if isinstance(text, (bytes, bytearray)) else ""))
    return text, meta


def error_record(meta: Mapping[str, Any], exc: Exception) -> Record:
    """The record of a text that could not be processed: no mentions, and why."""
    ddate = meta.get("document_date")
    extra = {**meta.get("extra", {}), "error": {"type": type(exc).__name__, "message": printable(str(exc))}}
    return Record(meta.get("doc_id"), ddate.isoformat() if ddate else None, [], extra)


def _as_date(value: str | date | None) -> date | None:
    if value is None or isinstance(value, date):
        return value.date() if isinstance(value, datetime) else value
    problem = ValueError(f"document_date must be a real day written YYYY-MM-DD, got {value!r}")
    if not ISO_DAY.fullmatch(value):
        raise problem
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise problem from None


def record_from_doc(doc, doc_id: str | None = None, document_date: date | None = None, *,
                    given_source: str = "given", hints: Iterable[tuple[str, date]] = (),
                    overlaps: str, data: Mapping[str, str | Path] | None = None) -> Record:
    """`data`: the data folder of each kind, by label (`pipeline.data_folders`), that its
    resolution reads; a kind not in it reads the folder bound now (by default the models folder)."""
    from . import context
    from .components import all_candidates, doc_text
    from .kinds import KINDS
    from .lexicon import reading

    data = data or {}
    candidates = all_candidates(doc)
    ctx = context.build(doc_text(doc), candidates, document_date, given_source, hints, data=data)
    mentions: list[Mention] = []
    for kind in sorted(KINDS.values(), key=lambda k: k.priority):
        of_label = [c for c in candidates if c.label == kind.label]
        if of_label:
            with reading(data.get(kind.label)):
                mentions.extend(kind.resolve(of_label, ctx))
    mentions = without_overlaps(mentions, overlaps)
    ddate = ctx.document_date.isoformat() if ctx.document_date else None
    return Record(doc_id, ddate, mentions, {"document_date_source": ctx.document_date_source})


def without_overlaps(mentions: list[Mention], policy: str) -> list[Mention]:
    """Keep one mention per stretch of text. "priority": the kind of higher priority (the
    more specific: a year inside an amount is part of the amount), then the longer;
    "longest": the longer, then the kind of higher priority (models/pipeline.cfg chooses)."""
    from .components import first_fit
    from .kinds import KINDS

    if policy == "priority":
        rank = lambda m: (KINDS[m.label].priority, -(m.end - m.start), m.start)  # noqa: E731
    elif policy == "longest":
        rank = lambda m: (-(m.end - m.start), KINDS[m.label].priority, m.start)  # noqa: E731
    else:
        raise ValueError(f"unknown overlap policy {policy!r} (priority, longest)")
    return first_fit(sorted(mentions, key=rank))


@cache
def default_extractor() -> Extractor:
    return Extractor()


def extract(text: str, doc_id: str | None = None, document_date: str | date | None = None) -> Record:
    """Extract one record with a pipeline loaded on first use and kept for the process."""
    return default_extractor().extract(text, doc_id=doc_id, document_date=document_date)
