"""The HTTP API and the try-it page, as a Starlette application over a WorkerPool.

Every error is a JSON object `{"error": {"status", "message"}}` with a one-line
message; no handler lets a stack trace reach a client. Request data only ever
becomes text to extract or strings inside JSON: no path is built from it.
"""
from __future__ import annotations

import asyncio
import hmac
import json
from contextlib import asynccontextmanager
from typing import Any

from starlette.applications import Starlette
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from .. import __version__
from ..inputs import Document
from ..records import SCHEMA, json_schema
from .bodies import FORM_FIELDS, RequestError, batch_items, document_from_json, document_from_upload, parse_json
from .openapi import DOCS_CSS, openapi, render_docs
from .page import content_security_policy, csp_hash, render_page
from .settings import Settings

__all__ = ["error_response", "BodyTooLarge", "Guard", "create_app"]

_STAGE_STATUS = {"timeout": 504, "worker": 500, "extract": 500}


def error_response(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": {"status": status, "message": message}}, status_code=status, headers=headers)


class BodyTooLarge(HTTPException):
    pass


class Guard:
    """Before any route: the token on /v1, the body limit, and the headers every
    response carries. Unauthenticated requests are refused before their body is read."""

    def __init__(self, app, token: str | None, max_bytes: int):
        self.app, self.max_bytes = app, max_bytes
        self.token = token.encode("utf-8") if token else None

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        send = _secured(send)
        path = scope["path"]
        if self.token is not None and (path == "/v1" or path.startswith("/v1/")):
            problem = self._auth_problem(scope)
            if problem:
                return await error_response(401, problem, {"WWW-Authenticate": "Bearer"})(scope, receive, send)
        length = _header(scope, b"content-length")
        if length is not None:
            if not length.isdigit():
                return await error_response(400, "Content-Length is not a number")(scope, receive, send)
            if int(length) > self.max_bytes:
                return await error_response(413, self._too_large(int(length)))(scope, receive, send)
        await self.app(scope, self._limited(receive), send)

    def _auth_problem(self, scope) -> str | None:
        given = (_header(scope, b"authorization") or "").strip()
        scheme, _, token = given.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return "this server needs a token: send the header 'Authorization: Bearer TOKEN'"
        # Constant time, so the answer's timing does not reveal how much of a guess was right.
        if not hmac.compare_digest(token.strip().encode("utf-8"), self.token):
            return "wrong token"
        return None

    def _too_large(self, size: int | None = None) -> str:
        what = f" of {size} bytes" if size is not None else ""
        return f"request body{what} over the limit of {self.max_bytes} bytes"

    def _limited(self, receive):
        received = 0

        async def limited():
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise BodyTooLarge(413, self._too_large())
            return message

        return limited


_SECURITY_HEADERS = [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer"),
                     (b"x-frame-options", b"DENY"), (b"cache-control", b"no-store")]


def _secured(send):
    async def secured(message):
        if message["type"] == "http.response.start":
            present = {name.lower() for name, _ in message.get("headers", [])}
            message = {**message, "headers": [*message.get("headers", []),
                                               *((n, v) for n, v in _SECURITY_HEADERS if n not in present)]}
        await send(message)

    return secured


def _header(scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return value.decode("latin-1")
    return None


def create_app(pool, settings: Settings) -> Starlette:
    """The application; `pool` has `run(task)`, `status()`, `close()` and `model`."""
    spec = openapi(__version__, token_required=settings.token is not None, max_bytes=settings.max_bytes,
                   max_batch=settings.max_batch, timeout=settings.timeout)
    page = render_page(__version__, settings.token is not None, settings.max_bytes)
    page_headers = {"Content-Security-Policy": content_security_policy()}
    docs = render_docs(spec)
    docs_headers = {"Content-Security-Policy": f"default-src 'none'; style-src {csp_hash(DOCS_CSS)}; "
                                               "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"}

    async def home(request: Request) -> Response:
        return HTMLResponse(page, headers=page_headers)

    async def docs_page(request: Request) -> Response:
        return HTMLResponse(docs, headers=docs_headers)

    async def openapi_json(request: Request) -> Response:
        return JSONResponse(spec)

    async def schema(request: Request) -> Response:
        return JSONResponse(json_schema())

    async def health(request: Request) -> Response:
        workers = pool.status()
        ready = workers["ready"] > 0
        return JSONResponse({"status": "ok" if ready else "loading", "version": __version__, "schema": SCHEMA,
                             "model": pool.model, "workers": workers}, status_code=200 if ready else 503)

    async def extract(request: Request) -> Response:
        result = await pool.run(_task(await _document(request)))
        if "record" not in result:
            return _failure(result)
        # The worker's JSON line as it is: the bytes `extractor extract` writes.
        return Response(result["record"], media_type="application/json")

    async def view(request: Request) -> Response:
        result = await pool.run(_task(await _document(request), view=True))
        if "record" not in result:
            return _failure(result)
        return JSONResponse({"record": json.loads(result["record"]), "view": result["view"]})

    async def extract_batch(request: Request) -> Response:
        _media(request, ("application/json",))
        items = batch_items(parse_json(await request.body()), settings.max_batch)

        async def one(i: int, item: Any) -> dict[str, Any]:
            try:
                doc = document_from_json(item, f"documents[{i}]")
            except RequestError as exc:
                return _error_slot(exc.status, exc.message)
            result = await pool.run(_task(doc))
            if "record" not in result:
                return _error_slot(_STAGE_STATUS[result["stage"]], f"documents[{i}]: {result['reason']}")
            return {"record": json.loads(result["record"])}

        results = await asyncio.gather(*(one(i, item) for i, item in enumerate(items)))
        return JSONResponse({"results": results})

    async def on_http_error(request: Request, exc: HTTPException) -> Response:
        message = {404: f"no such endpoint: {request.url.path}",
                   405: f"method {request.method} is not allowed on {request.url.path}"}.get(exc.status_code, exc.detail)
        return error_response(exc.status_code, message, exc.headers)

    async def on_request_error(request: Request, exc: RequestError) -> Response:
        return error_response(exc.status, exc.message)

    async def on_crash(request: Request, exc: Exception) -> Response:
        # A bug of ours: the client gets a line, the server log the traceback.
        return error_response(500, f"internal error ({type(exc).__name__})")

    @asynccontextmanager
    async def lifespan(app):
        yield
        await pool.close()

    middleware = []
    if settings.cors_origins:
        middleware.append(Middleware(CORSMiddleware, allow_origins=list(settings.cors_origins),
                                     allow_methods=["GET", "POST"], allow_headers=["Authorization", "Content-Type"]))
    middleware.append(Middleware(Guard, token=settings.token, max_bytes=settings.max_bytes))
    routes = [
        Route("/", home, methods=["GET"]),
        Route("/docs", docs_page, methods=["GET"]),
        Route("/openapi.json", openapi_json, methods=["GET"]),
        Route("/health", health, methods=["GET"]),
        Route("/v1/schema", schema, methods=["GET"]),
        Route("/v1/extract", extract, methods=["POST"]),
        Route("/v1/extract/batch", extract_batch, methods=["POST"]),
        Route("/v1/view", view, methods=["POST"]),
    ]
    return Starlette(routes=routes, middleware=middleware, lifespan=lifespan,
                     exception_handlers={HTTPException: on_http_error, RequestError: on_request_error,
                                         Exception: on_crash})


def _media(request: Request, accepted: tuple[str, ...]) -> str:
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media not in accepted:
        shown = f"'{media}'" if media else "none"
        raise RequestError(415, f"unsupported media type {shown}: send {' or '.join(accepted)}")
    return media


async def _document(request: Request) -> Document:
    """The document of an extract request: a JSON body or an uploaded file."""
    if _media(request, ("application/json", "multipart/form-data")) == "application/json":
        return document_from_json(parse_json(await request.body()))
    async with request.form(max_files=1, max_fields=len(FORM_FIELDS) - 1) as form:
        unknown = [k for k in form.keys() if k not in FORM_FIELDS]
        if unknown:
            raise RequestError(400, f"unknown form field {unknown[0]!r} (fields: {', '.join(FORM_FIELDS)})")
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise RequestError(400, "missing the file: send it in the multipart field \"file\"")
        fields = {}
        for name in ("doc_id", "document_date"):
            value = form.get(name)
            if value is not None and not isinstance(value, str):
                raise RequestError(400, f"form field {name!r} must be text, not a file")
            fields[name] = value
        data = await upload.read()
    return document_from_upload(data, upload.filename, fields)


def _task(doc: Document, view: bool = False) -> dict[str, Any]:
    return {"path": None, "text": doc.text, **doc.meta(), "view": view}


def _failure(result: dict[str, Any]) -> Response:
    return error_response(_STAGE_STATUS[result["stage"]], result["reason"])


def _error_slot(status: int, message: str) -> dict[str, Any]:
    return {"error": {"status": status, "message": message}}
