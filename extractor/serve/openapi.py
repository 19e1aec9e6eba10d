"""The service's OpenAPI 3.1 document, built around the record's JSON Schema
(`extractor.records.json_schema`, the schema `extractor schema` prints and
`GET /v1/schema` serves), and a page that shows it without fetching anything.
"""
from __future__ import annotations

import json
from typing import Any

from ..evaluation.report import esc
from ..records import json_schema

__all__ = ["ERRORS", "openapi", "render_docs", "DOCS_CSS"]


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {"application/json": {"schema": schema}}


ERRORS = {
    "400": "malformed JSON, wrong types, unknown fields, a bad document_date",
    "401": "missing or wrong `Authorization: Bearer` token (only when the server has a token)",
    "413": "request body over the server's limit, or too many documents in a batch",
    "415": "a Content-Type other than application/json or multipart/form-data",
    "422": "the document cannot be read as a release (empty, only white space, binary, undecodable)",
    "500": "extraction failed, or the worker process died (it is replaced)",
    "504": "the document took longer than the server's time limit (the worker is replaced)",
}


def openapi(version: str, *, token_required: bool, max_bytes: int, max_batch: int, timeout: float) -> dict[str, Any]:
    record = {k: v for k, v in json_schema().items() if k not in ("$schema", "$id")}
    day = {"type": ["string", "null"], "pattern": r"^\d{4}-\d{2}-\d{2}$"}
    schemas = {
        "Record": record,
        "ExtractRequest": {
            "type": "object", "required": ["text"], "additionalProperties": False,
            "properties": {"text": {"type": "string", "minLength": 1}, "doc_id": {"type": ["string", "null"]},
                           "document_date": day},
        },
        "Upload": {
            "type": "object", "required": ["file"],
            "properties": {"file": {"type": "string", "contentMediaType": "application/octet-stream",
                                    "description": "read as `extractor extract` reads a file; doc_id: its name "
                                                   "without folders and extension"},
                           "doc_id": {"type": "string", "description": "instead of the file's name"},
                           "document_date": day},
        },
        "BatchRequest": {
            "type": "object", "required": ["documents"], "additionalProperties": False,
            "properties": {"documents": {"type": "array", "minItems": 1, "maxItems": max_batch,
                                         "items": _ref("ExtractRequest")}},
        },
        "BatchResponse": {
            "type": "object", "required": ["results"],
            "properties": {"results": {"type": "array", "description": "one slot per document, in order",
                                       "items": {"oneOf": [
                                           {"type": "object", "required": ["record"],
                                            "properties": {"record": _ref("Record")}},
                                           _ref("Error")]}}},
        },
        "View": {
            "type": "object", "required": ["record", "view"],
            "properties": {"record": _ref("Record"),
                           "view": {"type": "object", "required": ["text", "table"],
                                    "properties": {"text": {"type": "string", "description": "HTML: the text, "
                                                            "mentions marked by label"},
                                                   "table": {"type": "string", "description": "HTML table"}}}},
        },
        "Error": {
            "type": "object", "required": ["error"],
            "properties": {"error": {"type": "object", "required": ["status", "message"],
                                     "properties": {"status": {"type": "integer"}, "message": {"type": "string"}}}},
        },
        "Health": {
            "type": "object", "required": ["status", "version", "model", "workers"],
            "properties": {"status": {"enum": ["ok", "loading"]}, "version": {"type": "string"},
                           "schema": {"type": "string"},
                           "model": {"type": ["object", "null"]}, "workers": {"type": "object"}},
        },
    }

    def errors(*codes: str) -> dict[str, Any]:
        shown = [c for c in codes if c != "401" or token_required]
        return {c: {"description": ERRORS[c], "content": _json(_ref("Error"))} for c in shown}

    extract_body = {"required": True, "content": {**_json(_ref("ExtractRequest")),
                                                  "multipart/form-data": {"schema": _ref("Upload")}}}
    security = [{"bearer": []}] if token_required else []
    paths = {
        "/v1/extract": {"post": {
            "summary": "One document's record",
            "description": "A JSON body, or an uploaded file (multipart field `file`). The record is the one "
                           "`extractor extract` writes for the same input; a JSON text has no `decoding` field.",
            "requestBody": extract_body, "security": security,
            "responses": {"200": {"description": "the record", "content": _json(_ref("Record"))},
                          **errors("400", "401", "413", "415", "422", "500", "504")}}},
        "/v1/extract/batch": {"post": {
            "summary": f"Records of up to {max_batch} documents, in order",
            "description": "A failure (bad item, time limit, extraction error) takes its own slot, as an error "
                           "with the status the document alone would have had.",
            "requestBody": {"required": True, "content": _json(_ref("BatchRequest"))}, "security": security,
            "responses": {"200": {"description": "one result per document", "content": _json(_ref("BatchResponse"))},
                          **errors("400", "401", "413", "415")}}},
        "/v1/view": {"post": {
            "summary": "The record and its HTML rendering (used by the page at /)",
            "requestBody": extract_body, "security": security,
            "responses": {"200": {"description": "record and HTML", "content": _json(_ref("View"))},
                          **errors("400", "401", "413", "415", "422", "500", "504")}}},
        "/v1/schema": {"get": {
            "summary": "The record's JSON Schema", "security": security,
            "responses": {"200": {"description": "JSON Schema (draft 2020-12)",
                                  "content": _json({"type": "object"})}, **errors("401")}}},
        "/health": {"get": {
            "summary": "Whether the model is loaded, the version, the workers",
            "responses": {"200": {"description": "ready", "content": _json(_ref("Health"))},
                          "503": {"description": "no worker ready yet", "content": _json(_ref("Health"))}}}},
        "/": {"get": {"summary": "A page to try the extractor",
                      "responses": {"200": {"description": "HTML", "content": {"text/html": {}}}}}},
        "/docs": {"get": {"summary": "This document as a page",
                          "responses": {"200": {"description": "HTML", "content": {"text/html": {}}}}}},
        "/openapi.json": {"get": {"summary": "This document",
                                  "responses": {"200": {"description": "OpenAPI 3.1",
                                                        "content": _json({"type": "object"})}}}},
    }
    doc: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {"title": "press-extractor", "version": version,
                 "description": "Organizations, amounts of money, dates and percentages from French press "
                                f"releases. Limits: request body {max_bytes} bytes, {timeout:g} s per document, "
                                f"{max_batch} documents per batch."},
        "paths": paths,
        "components": {"schemas": schemas},
    }
    if token_required:
        doc["components"]["securitySchemes"] = {"bearer": {"type": "http", "scheme": "bearer"}}
    return doc


def render_docs(doc: dict[str, Any]) -> str:
    """The OpenAPI document as a plain page: each operation, its bodies and statuses."""
    parts = [f"<h1>{esc(doc['info']['title'])} {esc(doc['info']['version'])}</h1>",
             f"<p>{esc(doc['info']['description'])} Machine-readable: <a href=\"/openapi.json\">/openapi.json</a>.</p>"]
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            parts.append(f"<h2><code>{esc(method.upper())} {esc(path)}</code></h2><p>{esc(op['summary'])}</p>")
            if op.get("description"):
                parts.append(f"<p>{esc(op['description'])}</p>")
            if op.get("security"):
                parts.append("<p>Needs <code>Authorization: Bearer TOKEN</code>.</p>")
            body = op.get("requestBody", {}).get("content", {})
            for media, content in body.items():
                parts.append(f"<p>Body <code>{esc(media)}</code>: <code>{esc(_name(content.get('schema')))}</code></p>")
            rows = "".join(f"<tr><td>{esc(code)}</td><td>{esc(r['description'])}</td><td><code>"
                           f"{esc(_name(r.get('content', {}).get('application/json', {}).get('schema')))}</code></td></tr>"
                           for code, r in op["responses"].items())
            parts.append(f"<table><tr><th>status</th><th>meaning</th><th>body</th></tr>{rows}</table>")
    parts.append("<h2>Schemas</h2>")
    for name, schema in doc["components"]["schemas"].items():
        parts.append(f"<h3 id=\"{esc(name)}\">{esc(name)}</h3><pre>{esc(json.dumps(schema, indent=2, ensure_ascii=False))}</pre>")
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>API</title>"
            f"<style>{DOCS_CSS}</style></head><body>{''.join(parts)}</body></html>\n")


def _name(schema: Any) -> str:
    if not schema:
        return ""
    ref = schema.get("$ref", "")
    return ref.rsplit("/", 1)[-1] if ref else json.dumps(schema)


DOCS_CSS = ("body{font:14px/1.45 system-ui,sans-serif;margin:0 auto 3em;padding:0 1.5em;max-width:70em;color:#222}"
            "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:1px 6px;text-align:left}"
            "pre{background:#f6f6f6;padding:.5em;overflow:auto}")
