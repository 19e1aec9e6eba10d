"""Dates: detection (atoms, relative expressions and years assembled into mentions),
resolution (typed ends completed from the document date or the text's own evidence),
document-level context (issue date, day/month order), and the date lexicon."""
from .context import infer_date_order, infer_document_date
from .detect import detect_text, make_date_detector
from .resolve import resolve_all

__all__ = ["detect_text", "make_date_detector", "resolve_all", "infer_date_order", "infer_document_date"]
