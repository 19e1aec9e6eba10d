"""Request bodies to documents, with the status and one-line message of each way
a body can be wrong.

400: the body is malformed or has wrong types (the framework does no validation of
its own, so nothing answers 422 for a type); 422: the body is well formed but its
document cannot be read as a release (empty, binary, undecodable), as `extractor
extract` refuses such files; 413 and 415 are decided before the body is parsed.
"""
from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from ..errors import ExtractorError
from ..inputs import Document, check_day, from_bytes, from_text
from ..textio import InputError

__all__ = [
    "FIELDS", "FORM_FIELDS", "RequestError", "parse_json", "document_from_json", "batch_items",
    "document_from_upload"
]

FIELDS = ("text", "doc_id", "document_date")
FORM_FIELDS = ("file", "doc_id", "document_date")


class RequestError(ExtractorError):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


def parse_json(body: bytes) -> Any:
    """
    >>> parse_json(b'{"text": "x"}')
    {'text': 'x'}
    >>> parse_json(b'{"text": ')
    Traceback (most recent call last):
    extractor.serve.bodies.RequestError: malformed JSON: Expecting value (line 1, column 10)
    """
    try:
        return json.loads(body)
    except json.JSONDecodeError as exc:
        raise RequestError(400, f"malformed JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})") from None
    except UnicodeDecodeError:
        raise RequestError(400, "malformed JSON: not UTF-8") from None
    except RecursionError:
        raise RequestError(400, "malformed JSON: nested too deeply") from None


def document_from_json(data: Any, where: str = "body") -> Document:
    """`{"text", "doc_id"?, "document_date"?}` to a document."""
    if not isinstance(data, dict):
        raise RequestError(400, f"{where}: expected a JSON object with \"text\", got {_kind(data)}")
    unknown = [k for k in data if k not in FIELDS]
    if unknown:
        raise RequestError(400, f"{where}: unknown field {unknown[0]!r} (fields: {', '.join(FIELDS)})")
    if "text" not in data:
        raise RequestError(400, f"{where}: missing \"text\"")
    text, doc_id = data["text"], data.get("doc_id")
    if not isinstance(text, str):
        raise RequestError(400, f"{where}: \"text\" must be a string, got {_kind(text)}")
    if doc_id is not None and not isinstance(doc_id, str):
        raise RequestError(400, f"{where}: \"doc_id\" must be a string or null, got {_kind(doc_id)}")
    ddate = _day(data.get("document_date"), where)
    try:
        return from_text(text, doc_id, ddate, where=f"{where}: text")
    except InputError as exc:
        raise RequestError(422, str(exc)) from None


def batch_items(data: Any, limit: int) -> list[Any]:
    """The list of a batch body `{"documents": [...]}`; each item is checked on its own later."""
    if not isinstance(data, dict) or not isinstance(data.get("documents"), list):
        raise RequestError(400, "expected a JSON object {\"documents\": [{\"text\": ...}, ...]}")
    unknown = [k for k in data if k != "documents"]
    if unknown:
        raise RequestError(400, f"unknown field {unknown[0]!r} (fields: documents)")
    items = data["documents"]
    if not items:
        raise RequestError(400, "\"documents\" is empty")
    if len(items) > limit:
        raise RequestError(413, f"{len(items)} documents, over the limit of {limit} per batch")
    return items


def document_from_upload(data: bytes, filename: str | None, fields: dict[str, Any]) -> Document:
    """An uploaded file (multipart field `file`) and its optional `doc_id` and
    `document_date` fields, read as `extractor extract` reads a file of that name."""
    doc_id = fields.get("doc_id") or None
    if not filename and doc_id is None:
        raise RequestError(400, "the uploaded file has no name: give a \"doc_id\" field")
    ddate = _day(fields.get("document_date") or None, "form")
    name = filename or doc_id
    try:
        # Only the last part of the client's name is shown or kept: it names nothing here.
        doc = from_bytes(data, name, ddate, where=name.replace("\\", "/").rsplit("/", 1)[-1])
    except InputError as exc:
        raise RequestError(422, str(exc)) from None
    return replace(doc, doc_id=doc_id) if doc_id is not None else doc


def _day(value: Any, where: str) -> str | None:
    try:
        return check_day(value, f"{where}: document_date")
    except ValueError as exc:
        raise RequestError(400, str(exc)) from None


def _kind(value: Any) -> str:
    return {dict: "an object", list: "a list", str: "a string", bool: "a boolean", type(None): "null"}.get(
        type(value), "a number")
