"""Facts from French press releases: organizations, amounts, dates, percentages.

    from extractor import extract
    record = extract("La start-up Raidium lève 5 M€.", document_date="2025-06-12")
    record.amounts[0].value   # '5000000'
"""
from .api import Extractor, extract
from .records import Mention, Record, RecordError
from .text import read_document

__all__ = ["extract", "Extractor", "Record", "Mention", "RecordError", "read_document"]
__version__ = "0.1.0"
