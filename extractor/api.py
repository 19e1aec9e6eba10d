"""The public surface: `extract()` for one text, `Extractor` for many."""
from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping

from .records import Mention, Record

# When two kinds claim overlapping text, the more specific wins (a year inside an
# amount is part of the amount; a name inside a date is not a name).
_PRIORITY = {"MONEY": 0, "PERCENT": 1, "DATE": 2, "ORG": 3}


class Extractor:
    """Loads the pipeline once; `extract` one text or `pipe` many."""

    # The statistical NER's cost per token grows with the length of the Doc it reads
    # (2.3x time for 2x text at 100k characters), so texts longer than any press
    # release go through it in pieces cut at paragraph or sentence breaks.
    piece_chars = 20_000

    def __init__(self, config_path: str | Path | None = None, overrides: Mapping[str, Any] | None = None):
        """`overrides`: dotted keys of the pipeline config and their values, e.g.
        `{"components.press_org.decision": ""}` for the rule-based organization decision."""
        from . import pipeline

        self.nlp = pipeline.build(config_path, dict(overrides or {}))

    def extract(self, text: str, doc_id: str | None = None, document_date: str | date | None = None) -> Record:
        return next(self.pipe([(text, {"doc_id": doc_id, "document_date": document_date})]))

    def pipe(self, items: Iterable[str | tuple[str, Mapping[str, Any]]], batch_size: int = 16) -> Iterator[Record]:
        """Records for texts or `(text, meta)` pairs, in order.

        `meta` may hold `doc_id`, `document_date` (YYYY-MM-DD or a date),
        `document_date_source` (what the record says about a given date: "given" by
        default, "file_name"), `date_hints` (`[source, YYYY-MM-DD]` pairs a file states
        about itself, see `extractor.context.DATE_EVIDENCE`) and `extra` (fields copied
        into the record as they are, e.g. how the text was read). `Document.meta`
        (extractor.text) builds all of these for a file.
        """
        pairs = ((item, {}) if isinstance(item, str) else item for item in items)
        checked = (_check_item(text, meta) for text, meta in pairs)
        for doc, meta in self._docs(checked, batch_size):
            record = record_from_doc(doc, meta.get("doc_id"), _as_date(meta.get("document_date")),
                                     given_source=meta.get("document_date_source") or "given",
                                     hints=[(source, _as_date(day)) for source, day in meta.get("date_hints") or ()])
            record.extra.update(meta.get("extra") or {})
            yield record

    def extract_file(self, path: str | Path, doc_id: str | None = None, document_date: str | date | None = None,
                     limits=None) -> Record:
        """Read a file of any supported format (text, web page, PDF, Word, e-mail) and extract
        its record; offsets refer to the extracted text (`extractor.text.read_document(path).text`).
        Raises `extractor.textio.InputError` (one line) when the file cannot be read."""
        from .text import Limits, read_document

        document = read_document(path, limits or Limits())
        meta = document.meta(doc_id if doc_id is not None else Path(path).stem, document_date)
        return next(self.pipe([(document.text, meta)]))

    def _docs(self, pairs: Iterable[tuple[str, Mapping[str, Any]]], batch_size: int) -> Iterator[tuple[Any, Mapping[str, Any]]]:
        # Long texts go through the statistical components in pieces (see longtext);
        # runs of ordinary texts keep spaCy's batching.
        from itertools import groupby

        from .longtext import doc_in_pieces

        limit = min(self.piece_chars, self.nlp.max_length)
        for too_long, run in groupby(pairs, key=lambda pair: len(pair[0]) > limit):
            if too_long:
                yield from ((doc_in_pieces(self.nlp, text, limit), meta) for text, meta in run)
            else:
                yield from self.nlp.pipe(run, as_tuples=True, batch_size=batch_size)


def _check_item(text: Any, meta: Any) -> tuple[str, Mapping[str, Any]]:
    if not isinstance(text, str):
        raise TypeError(f"expected a text (str), got {type(text).__name__}")
    if not isinstance(meta, Mapping):
        raise TypeError(f"expected a mapping of metadata with the text, got {type(meta).__name__}")
    return text, meta


def _as_date(value: str | date | None) -> date | None:
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise ValueError(f"document_date must be YYYY-MM-DD, got {value!r}") from None


def record_from_doc(doc, doc_id: str | None = None, document_date: date | None = None, *,
                    given_source: str = "given", hints: Iterable[tuple[str, date]] = ()) -> Record:
    from . import context, dates, money, orgs, percent
    from .components import all_candidates, doc_text

    candidates = all_candidates(doc)
    ctx = context.build(doc_text(doc), candidates, document_date, given_source, hints)
    mentions: list[Mention] = []
    for label, module in (("MONEY", money), ("PERCENT", percent), ("DATE", dates), ("ORG", orgs)):
        of_label = [c for c in candidates if c.label == label]
        if of_label:
            mentions.extend(module.resolve_all(of_label, ctx))
    mentions = _without_overlaps(mentions)
    ddate = ctx.document_date.isoformat() if ctx.document_date else None
    return Record(doc_id, ddate, mentions, {"document_date_source": ctx.document_date_source})


def _without_overlaps(mentions: list[Mention]) -> list[Mention]:
    """Keep one mention per stretch of text: the higher-priority kind, then the longer."""
    from .components import first_fit

    return first_fit(sorted(mentions, key=lambda m: (_PRIORITY[m.label], -(m.end - m.start), m.start)))


@cache
def default_extractor() -> Extractor:
    return Extractor()


def extract(text: str, doc_id: str | None = None, document_date: str | date | None = None) -> Record:
    """Extract one record with a pipeline loaded on first use and kept for the process."""
    return default_extractor().extract(text, doc_id=doc_id, document_date=document_date)
