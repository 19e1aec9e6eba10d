"""spaCy DocBin (.spacy): one Doc per record, on a blank French vocabulary.

Spans are in `doc.spans["press"]` and, as they never overlap, in `doc.ents` too (for
NER training). A span's normalized fields are its `span._.press` extension (a dict:
value, high, currency, qualifier, name, optional and any extra field); the record's
doc_id, document_date and extra fields are `doc.user_data["press"]`. DocBins from
elsewhere are read from `doc.spans["press"]` or, failing that, `doc.ents`.

Tokens are the blank tokenizer's, split further wherever a mention starts or ends
inside one (`5M€` holding the mention `5M`), so every span lands on token boundaries.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from ..docids import escape
from ..records import RecordError, read_file_bytes
from .common import Document, TextLookup, converted, record_from_mentions

__all__ = ["NAME", "CARRIES_TEXT", "KEY", "read", "write"]

NAME = "docbin"
CARRIES_TEXT = True
KEY = "press"


def _spacy():
    # spaCy is imported only when a DocBin is read or written: it is slow to import.
    import spacy
    from spacy.tokens import Span

    if not Span.has_extension(KEY):
        Span.set_extension(KEY, default=None)
    return spacy


def read(path: Path, texts: TextLookup, notes: list[str]) -> list[Document]:
    spacy = _spacy()
    from spacy.tokens import DocBin

    try:
        docbin = DocBin().from_bytes(read_file_bytes(path))
    except (ValueError, KeyError, TypeError) as exc:
        raise RecordError(f"{path}: not a spaCy DocBin ({type(exc).__name__})") from None
    docs = []
    for i, doc in enumerate(docbin.get_docs(spacy.blank("fr").vocab)):
        where = f"{path}: doc {i}"
        meta = dict(doc.user_data.get(KEY) or {})
        doc_id = meta.pop("doc_id", None) or escape(f"{path.stem}-{i}")
        ddate = meta.pop("document_date", None)
        spans = doc.spans[KEY] if KEY in doc.spans else doc.ents
        mentions = []
        for s in spans:
            fields = dict(s._.get(KEY) or {})
            mentions.append({"label": s.label_, "text": s.text, "start": s.start_char, "end": s.end_char, **fields})
        record = record_from_mentions(doc_id, ddate, mentions, meta.get("extra", {}), where)
        record.check(doc.text, where)
        docs.append(Document(record, doc.text))
    return docs


def write(docs: list[Document], out: Path) -> list[Path]:
    spacy = _spacy()
    from spacy.tokens import DocBin

    nlp = spacy.blank("fr")
    docbin = DocBin(store_user_data=True)
    for doc in converted(docs, lambda d, problems: _doc(nlp, d, problems)):
        docbin.add(doc)
    out.write_bytes(docbin.to_bytes())
    return [out]


def _doc(nlp, d: Document, problems: list[str]):
    from spacy.tokens import Doc

    rec, text = d.record, d.text
    cuts = {c for m in rec.mentions for c in (m.start, m.end)}
    words: list[str] = []
    spaces: list[bool] = []
    for tok in nlp.make_doc(text):
        inner = sorted(c for c in cuts if tok.idx < c < tok.idx + len(tok.text))
        bounds = [tok.idx, *inner, tok.idx + len(tok.text)]
        for a, b in zip(bounds, bounds[1:]):
            words.append(text[a:b])
            spaces.append(False)
        spaces[-1] = bool(tok.whitespace_)
    doc = Doc(nlp.vocab, words=words, spaces=spaces)
    spans = []
    for m in sorted(rec.mentions, key=lambda m: (m.start, m.end)):
        span = doc.char_span(m.start, m.end, label=m.label)
        if span is None:
            problems.append(f"{rec.doc_id}: {m.describe()} starts or ends inside white space; "
                            "a spaCy span cannot hold it")
            continue
        fields: dict[str, Any] = {k: v for k, v in m.to_dict().items() if k not in ("text", "start", "end")}
        span._.set(KEY, fields)
        spans.append(span)
    doc.spans[KEY] = spans
    doc.ents = spans
    doc.user_data[KEY] = {"doc_id": rec.doc_id, "document_date": rec.document_date, "extra": rec.extra}
    return doc
