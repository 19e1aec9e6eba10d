"""`extractor serve`: the real server in a subprocess on a free local port (one worker),
its records against the CLI's, every error status, the try-it page in headless Chromium."""
from __future__ import annotations

import asyncio
import http.client
import json
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from browser import CHROMIUM, Browser
from conftest import FIXTURES, ROOT, SEED_ID

SEED_TXT = FIXTURES / "press_releases" / f"{SEED_ID}.txt"
TOKEN = "t0k-" + uuid.uuid4().hex
TIMEOUT = 2.0  # seconds per document: the seed takes a tenth of that, the long text below many times it
MAX_BYTES = 1_000_000
MAX_BATCH = 4


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cli(*args, **kw) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "extractor", *map(str, args)], cwd=ROOT, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kw)


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    """The seed as it is, and as a legacy Windows file (cp1252, CRLF): both go through the decoder."""
    folder = tmp_path_factory.mktemp("serve-inputs")
    legacy = folder / "legacy_cp1252.txt"
    legacy.write_bytes(SEED_TXT.read_text(encoding="utf-8").replace("\n", "\r\n").encode("cp1252", "replace"))
    return [SEED_TXT, legacy]


def wait_until_ready(proc, port: int, seconds: float = 300) -> None:
    """Until the server started by `proc` answers /health with 200 (it loads its workers first)."""
    deadline = time.monotonic() + seconds
    while True:
        assert proc.poll() is None, proc.communicate()[1]
        try:
            if request(port, "GET", "/health")[0] == 200:
                return
        except OSError:
            pass
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.2)


@pytest.fixture(scope="module")
def server(inputs, tmp_path_factory):
    """The server's port, and the CLI's records for `inputs` (made while the server starts, to
    share the wait)."""
    port = free_port()
    proc = cli("serve", "--port", port, "--workers", 1, "--token", TOKEN, "--timeout", TIMEOUT,
               "--max-bytes", MAX_BYTES, "--max-batch", MAX_BATCH)
    reference = cli("extract", *inputs)
    out, err = reference.communicate(timeout=300)
    assert reference.returncode == 0, err
    records = {r["doc_id"]: r for r in map(json.loads, out.splitlines())}
    wait_until_ready(proc, port)
    yield port, records
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert "Traceback" not in err, err  # nothing went wrong unseen during the whole module


def request(port: int, method: str, path: str, body: bytes | str | dict | None = None,
            headers: dict[str, str] | None = None, token: str | None = TOKEN) -> tuple[int, dict, bytes]:
    headers = dict(headers or {})
    if isinstance(body, dict):
        body = json.dumps(body, ensure_ascii=False)
        headers.setdefault("Content-Type", "application/json")
    if isinstance(body, str):
        body = body.encode("utf-8")
    if token is not None:
        headers.setdefault("Authorization", f"Bearer {token}")
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        conn.request(method, path, body=body, headers=headers)
        resp = conn.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
    finally:
        conn.close()


def multipart(fields: dict[str, tuple[str | None, bytes]]) -> tuple[bytes, dict[str, str]]:
    """A multipart/form-data body: name -> (filename or None for a plain field, content)."""
    boundary = uuid.uuid4().hex
    parts = []
    for name, (filename, content) in fields.items():
        disposition = f'form-data; name="{name}"' + (f'; filename="{filename}"' if filename is not None else "")
        parts.append(f"--{boundary}\r\nContent-Disposition: {disposition}\r\n\r\n".encode() + content + b"\r\n")
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    return body, {"Content-Type": f"multipart/form-data; boundary={boundary}"}


def upload(port, path: Path, **fields):
    body, headers = multipart({"file": (path.name, path.read_bytes()),
                               **{k: (None, v.encode()) for k, v in fields.items()}})
    return request(port, "POST", "/v1/extract", body, headers)


def seed_text() -> str:
    return SEED_TXT.read_text(encoding="utf-8")


# --- records equal the CLI's ------------------------------------------------------------

def test_json_text_gives_the_cli_record(server):
    port, cli_records = server
    status, headers, body = request(port, "POST", "/v1/extract", {"text": seed_text(), "doc_id": SEED_ID})
    assert status == 200 and headers["content-type"] == "application/json"
    expected = dict(cli_records[SEED_ID])
    # a JSON text was never a file: nothing was decoded or read
    del expected["decoding"], expected["reading"]
    assert json.loads(body) == expected


def test_uploaded_files_give_the_cli_records(server, inputs):
    port, cli_records = server
    for path in inputs:
        status, _, body = upload(port, path)
        assert status == 200, body
        record = json.loads(body)
        assert record == cli_records[path.stem]  # doc_id from the name, decoding, inferred date
    assert cli_records["legacy_cp1252"]["decoding"] == {"encoding": "cp1252", "line_ends": "CRLF"}


def test_upload_fields_and_path_like_names(server):
    port, _ = server
    body, headers = multipart({"file": ("../../etc/C:\\in\\cp.2025.txt", "Kelvia lève 3 M€.".encode()),
                               "document_date": (None, b"2025-03-03")})
    status, _, out = request(port, "POST", "/v1/extract", body, headers)
    record = json.loads(out)
    assert status == 200 and record["doc_id"] == "cp.2025" and record["document_date"] == "2025-03-03"
    body, headers = multipart({"file": ("x.txt", b"Kelvia l\xe8ve 3 M\x80."), "doc_id": (None, b"mine")})
    record = json.loads(request(port, "POST", "/v1/extract", body, headers)[2])
    assert record["doc_id"] == "mine" and record["decoding"]["encoding"] == "cp1252"
    assert record["amounts"][0]["value"] == "3000000"


def test_view_is_the_record_with_its_marks(server):
    port, cli_records = server
    status, _, body = request(port, "POST", "/v1/view", {"text": seed_text(), "doc_id": SEED_ID})
    data = json.loads(body)
    expected = {k: v for k, v in cli_records[SEED_ID].items() if k not in ("decoding", "reading")}
    assert status == 200 and data["record"] == expected
    n = sum(len(expected[k]) for k in ("organizations", "amounts", "dates", "percentages"))
    assert data["view"]["text"].count("<mark class=\"m L-") == n
    assert data["view"]["table"].count("<tr>") == n + 1  # and the header row
    hostile = 'La société <script>alert("x")</script> Kelvia lève 3 M€ <img src=x onerror=alert(1)>.'
    view = json.loads(request(port, "POST", "/v1/view", {"text": hostile})[2])["view"]
    assert "<script>" not in view["text"] and "<img" not in view["text"] and "&lt;script&gt;" in view["text"]


def test_batch_keeps_order_and_gives_failures_their_own_slot(server):
    port, cli_records = server
    short = "Lyon, le 3 mars 2025 – Kelvia lève 14 millions d'euros."
    docs = [{"text": seed_text(), "doc_id": SEED_ID}, {"text": " \n"}, {"text": 42}, {"text": short, "doc_id": "b"}]
    status, _, body = request(port, "POST", "/v1/extract/batch", {"documents": docs})
    assert status == 200
    results = json.loads(body)["results"]
    assert [next(iter(r)) for r in results] == ["record", "error", "error", "record"]
    assert results[0]["record"] == {k: v for k, v in cli_records[SEED_ID].items() if k not in ("decoding", "reading")}
    assert results[1]["error"]["status"] == 422 and "documents[1]" in results[1]["error"]["message"]
    assert results[2]["error"]["status"] == 400 and "must be a string" in results[2]["error"]["message"]
    single = json.loads(request(port, "POST", "/v1/extract", docs[3])[2])
    assert results[3]["record"] == single and single["amounts"]


def test_schema_health_and_openapi(server):
    import jsonschema

    from extractor import __version__
    from extractor.records import json_schema

    port, _ = server
    status, _, body = request(port, "GET", "/v1/schema")
    assert status == 200 and json.loads(body) == json_schema()
    status, _, body = request(port, "GET", "/health", token=None)
    health = json.loads(body)
    assert status == 200 and health["status"] == "ok" and health["version"] == __version__
    assert health["model"]["name"] == "fr_core_news_md" and health["workers"]["configured"] == 1
    spec = json.loads(request(port, "GET", "/openapi.json", token=None)[2])
    record_schema = {k: v for k, v in json_schema().items() if k not in ("$schema", "$id")}
    assert spec["components"]["schemas"]["Record"] == record_schema
    assert set(spec["paths"]) >= {"/v1/extract", "/v1/extract/batch", "/v1/schema", "/health", "/"}
    assert spec["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    record = json.loads(upload(port, SEED_TXT)[2])
    jsonschema.validate(record, json_schema())
    docs = request(port, "GET", "/docs", token=None)[2].decode()
    assert "POST /v1/extract/batch" in docs and "504" in docs


# --- bad requests ---------------------------------------------------------------------------

def raw_exchange(port: int, head: bytes, chunks=()) -> tuple[int, dict]:
    """Send a request by hand (for lengths and chunking http.client would not send) and read the answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=60) as s:
        s.sendall(head)
        try:
            for chunk in chunks:
                s.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        except OSError:  # the server answered and closed before the end: what a limit does
            pass
        data = b""
        while b"\r\n\r\n" not in data or len(data.split(b"\r\n\r\n", 1)[1]) < _length(data):
            more = s.recv(65536)
            if not more:
                break
            data += more
    status = int(data.split(b" ", 2)[1])
    return status, json.loads(data.split(b"\r\n\r\n", 1)[1])


def _length(data: bytes) -> int:
    m = re.search(rb"content-length: (\d+)", data, re.I)
    return int(m.group(1)) if m else 0


def _bad_requests(port):
    binary, binary_headers = multipart({"file": ("scan.pdf", b"%PDF-1.7\x00\x01\x02" * 50)})
    two, two_headers = multipart({"file": ("a.txt", b"texte"), "other": ("b.txt", b"texte")})
    nofile, nofile_headers = multipart({"doc_id": (None, b"x")})
    auth = {"Authorization": f"Bearer {TOKEN}"}
    yield "malformed JSON", 400, request(port, "POST", "/v1/extract", '{"text": "abc",', {"Content-Type": "application/json"})
    yield "text not a string", 400, request(port, "POST", "/v1/extract", {"text": ["a"]})
    yield "doc_id not a string", 400, request(port, "POST", "/v1/extract", {"text": "a", "doc_id": 3})
    yield "bad document_date", 400, request(port, "POST", "/v1/extract", {"text": "a", "document_date": "12/06/2025"})
    yield "unknown field", 400, request(port, "POST", "/v1/extract", {"txt": "a"})
    yield "not an object", 400, request(port, "POST", "/v1/extract", '"abc"', {"Content-Type": "application/json"})
    yield "deep nesting", 400, request(port, "POST", "/v1/extract", "[" * 100_000, {"Content-Type": "application/json"})
    yield "two files", 400, request(port, "POST", "/v1/extract", two, two_headers)
    yield "no file", 400, request(port, "POST", "/v1/extract", nofile, nofile_headers)
    yield "batch not a list", 400, request(port, "POST", "/v1/extract/batch", {"documents": "abc"})
    yield "empty text", 422, request(port, "POST", "/v1/extract", {"text": ""})
    yield "binary upload", 422, request(port, "POST", "/v1/extract", binary, binary_headers)
    yield "text/plain", 415, request(port, "POST", "/v1/extract", "abc", {"Content-Type": "text/plain"})
    yield "no content type", 415, request(port, "POST", "/v1/extract", "abc")
    yield "batch as a file", 415, request(port, "POST", "/v1/extract/batch", binary, binary_headers)
    yield "batch over the limit", 413, request(port, "POST", "/v1/extract/batch",
                                               {"documents": [{"text": "a"}] * (MAX_BATCH + 1)})
    yield "body over the limit", 413, request(port, "POST", "/v1/extract", {"text": "a" * MAX_BYTES})
    head = (b"POST /v1/extract HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Authorization: Bearer " + TOKEN.encode() + b"\r\n")
    status, data = raw_exchange(port, head + b"Content-Length: 999999999999\r\n\r\n")
    yield "announced length over the limit", 413, (status, {}, json.dumps(data).encode())
    status, data = raw_exchange(port, head + b"Transfer-Encoding: chunked\r\n\r\n", [b"a" * 300_000] * 4 + [b""])
    yield "chunked body over the limit", 413, (status, {}, json.dumps(data).encode())
    yield "no token", 401, request(port, "POST", "/v1/extract", {"text": "a"}, token=None)
    yield "wrong token", 401, request(port, "POST", "/v1/extract", {"text": "a"}, token=TOKEN + "x")
    yield "other scheme", 401, request(port, "GET", "/v1/schema", headers={"Authorization": f"Basic {TOKEN}"},
                                       token=None)
    yield "unknown path", 404, request(port, "GET", "/v1/nothing")
    yield "wrong method", 405, request(port, "GET", "/v1/extract", headers=auth)


def test_every_bad_request_gets_its_status_and_a_json_message(server):
    port, _ = server
    seen = []
    for what, expected, (status, headers, body) in _bad_requests(port):
        data = json.loads(body)
        assert (what, status) == (what, expected), data
        assert data["error"]["status"] == expected and data["error"]["message"], what
        assert "\n" not in data["error"]["message"] and "Traceback" not in body.decode(), what
        seen.append(expected)
    assert set(seen) == {400, 401, 404, 405, 413, 415, 422}
    # the server is unharmed
    status, _, body = request(port, "POST", "/v1/extract", {"text": "Kelvia lève 3 M€."})
    assert status == 200 and json.loads(body)["amounts"]


def test_messages_say_what_is_wrong(server):
    port, _ = server
    msg = lambda *a, **k: json.loads(request(port, *a, **k)[2])["error"]["message"]  # noqa: E731
    assert msg("POST", "/v1/extract", {"text": "a", "document_date": "2025-02-30"}) == \
        "body: document_date: '2025-02-30' is not a YYYY-MM-DD date"
    assert msg("POST", "/v1/extract", {"txt": "a"}).startswith("body: unknown field 'txt'")
    assert msg("POST", "/v1/extract", "abc", {"Content-Type": "text/plain"}) == \
        "unsupported media type 'text/plain': send application/json or multipart/form-data"
    assert msg("POST", "/v1/extract", {"text": "a"}, token="nope") == "wrong token"
    body, headers = multipart({"file": ("../secret/empty.txt", b"")})
    assert msg("POST", "/v1/extract", body, headers) == "empty.txt: empty file"


def test_safe_defaults_on_every_response(server):
    port, _ = server
    status, headers, _ = request(port, "POST", "/v1/extract", {"text": "a b"}, {"Origin": "http://elsewhere.test"})
    assert status == 200
    assert "access-control-allow-origin" not in headers  # no CORS unless asked
    assert headers["x-content-type-options"] == "nosniff" and headers["cache-control"] == "no-store"
    status, headers, _ = request(port, "GET", "/v1/schema", token=None)
    assert status == 401 and headers["www-authenticate"] == "Bearer"


# --- the page in a real browser ----------------------------------------------------------------

needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="needs Debian's chromium for the headless browser "
                                                             "test (apt-get install -y chromium)")


def test_page_is_self_contained(server):
    port, _ = server
    status, headers, body = request(port, "GET", "/", token=None)
    page = body.decode()
    csp = headers["content-security-policy"]
    assert status == 200 and "default-src 'none'" in csp and "connect-src 'self'" in csp
    assert "unsafe-inline" not in csp and "http" not in csp
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)  # nothing from elsewhere
    assert 'id="token"' in page  # this server needs a token: the page asks for it


@needs_chromium
def test_page_pasted_release_shows_marks_table_and_json(server, tmp_path):
    port, cli_records = server
    base = f"http://127.0.0.1:{port}"
    expected = {k: v for k, v in cli_records[SEED_ID].items() if k not in ("decoding", "reading")} | {"doc_id": SEED_ID}
    n = sum(len(expected[k]) for k in ("organizations", "amounts", "dates", "percentages"))
    with Browser(tmp_path / "profile") as b:
        b.call("Browser.setDownloadBehavior", behavior="allow", downloadPath=str(tmp_path), eventsEnabled=True)
        b.open(base + "/")
        b.type_into("#text", seed_text())
        b.type_into("#docid", SEED_ID)
        b.type_into("#token", TOKEN + "x")
        b.js("document.getElementById('go').click()")
        b.wait_for("document.body.dataset.state === 'error'")
        assert b.js("document.getElementById('status').textContent") == "401: wrong token"
        # The browser logs the refused request itself; that one line is expected, nothing else.
        assert [line for line in b.console() if "401" not in line] == []
        b.events.clear()
        b.js("document.getElementById('token').value = ''")
        b.type_into("#token", TOKEN)
        b.js("document.getElementById('go').click()")
        b.wait_for("document.body.dataset.state === 'done'")
        assert b.js("document.querySelectorAll('#marked mark.m').length") == n
        assert b.js("document.querySelectorAll('#marked mark.L-ORG').length") == len(expected["organizations"])
        assert b.js("document.querySelector('[data-count=MONEY]').textContent") == str(len(expected["amounts"]))
        assert b.js("document.querySelectorAll('#table tbody tr').length") == n
        assert b.js("document.getElementById('marked').textContent") == seed_text()
        assert json.loads(b.js("document.getElementById('json').textContent")) == expected
        b.js("document.getElementById('download').click()")
        saved = tmp_path / f"{SEED_ID}.json"
        deadline = time.monotonic() + 20
        while not (saved.exists() and saved.stat().st_size):
            assert time.monotonic() < deadline, "the JSON was not downloaded"
            time.sleep(0.1)
        assert json.loads(saved.read_text(encoding="utf-8")) == expected
        console, requests = b.console(), b.requests()
    assert console == []
    assert requests and all(u.startswith(base + "/") or u.startswith("blob:") for u in requests), requests


@needs_chromium
def test_page_with_a_dropped_or_chosen_file(server, inputs, tmp_path):
    port, cli_records = server
    base = f"http://127.0.0.1:{port}"
    with Browser(tmp_path / "profile") as b:
        b.open(base + "/")
        b.type_into("#token", TOKEN)
        for give, path in ((b.drop_file, inputs[1]), (b.set_file, inputs[0])):
            give("#drop" if give == b.drop_file else "#file", path)
            assert b.js("document.getElementById('text').disabled") is True  # the file is what gets sent
            b.js("document.body.dataset.state = 'idle'; document.getElementById('go').click()")
            b.wait_for("document.body.dataset.state === 'done'")
            assert json.loads(b.js("document.getElementById('json').textContent")) == cli_records[path.stem]
            assert b.js("document.getElementById('download').download") == f"{path.stem}.json"
        console, requests = b.console(), b.requests()
    assert console == []
    assert all(u.startswith(base + "/") or u.startswith("blob:") for u in requests), requests


# --- the time limit (last: it costs a worker restart) ---------------------------------------------

LONG = 120  # the seed this many times: ~790 kB, dozens of seconds of work, under the body limit


def test_a_document_over_the_time_limit_gets_504_and_the_server_goes_on(server):
    port, cli_records = server
    long_text = seed_text() * LONG
    started = time.monotonic()
    status, _, body = request(port, "POST", "/v1/extract", {"text": long_text})
    took = time.monotonic() - started
    assert status == 504 and "more than 2 s" in json.loads(body)["error"]["message"]
    assert took < TIMEOUT + 5
    # The event loop was never blocked: health answers at once, while the new worker loads.
    started = time.monotonic()
    status, _, body = request(port, "GET", "/health", token=None)
    assert status in (200, 503) and time.monotonic() - started < 1.0
    status, _, body = request(port, "POST", "/v1/extract", {"text": seed_text(), "doc_id": SEED_ID})
    assert status == 200
    assert json.loads(body) == {k: v for k, v in cli_records[SEED_ID].items() if k not in ("decoding", "reading")}
    assert json.loads(request(port, "GET", "/health")[2])["workers"] == {"configured": 1, "ready": 1, "busy": 0,
                                                                         "loading": 0}


# --- start-up -----------------------------------------------------------------------------------

def test_a_busy_port_is_a_one_line_error_before_loading_anything():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(1)
        proc = cli("serve", "--port", s.getsockname()[1], "--workers", 1)
        out, err = proc.communicate(timeout=60)
    assert proc.returncode == 2
    assert err.strip().count("\n") == 0 and err.startswith("extractor: error: cannot listen on 127.0.0.1:"), err


def test_token_from_the_environment_and_options(monkeypatch):
    import extractor.serve
    from extractor.cli import main

    seen = {}
    monkeypatch.setattr(extractor.serve, "serve", lambda host, port, workers, settings: seen.update(
        host=host, port=port, workers=workers, settings=settings))
    monkeypatch.setenv("EXTRACTOR_TOKEN", "from-env")
    assert main(["serve", "--workers", "2", "--cors-origin", "http://a.test", "--max-bytes", "10"]) == 0
    assert seen["host"] == "127.0.0.1" and seen["port"] == 8000 and seen["workers"] == 2
    s = seen["settings"]
    assert s.token == "from-env" and s.cors_origins == ("http://a.test",) and s.max_bytes == 10
    assert main(["serve", "--token", "given"]) == 0 and seen["settings"].token == "given"
    monkeypatch.delenv("EXTRACTOR_TOKEN")
    assert main(["serve"]) == 0 and seen["settings"].token is None
    assert main(["serve", "--token", " "]) == 2


def test_without_the_serve_extra_the_command_says_what_to_install(monkeypatch, capsys):
    import importlib.util

    from extractor.cli import main

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "uvicorn" else real(name, *a))
    assert main(["serve"]) == 2
    assert capsys.readouterr().err == ("extractor: error: extractor serve needs uvicorn: "
                                       "pip install 'press-extractor[serve]'\n")


# --- the application alone (no worker): CORS when asked ----------------------------------------------

class NoPool:
    model = None

    def status(self):
        return {"configured": 1, "ready": 1, "busy": 0, "loading": 0}

    async def run(self, task):
        raise AssertionError("no extraction in these tests")

    async def close(self):
        pass


def asgi(app, method: str, path: str, headers: dict[str, str], body: bytes = b"") -> tuple[int, dict[str, str], bytes]:
    """One request through the ASGI application, in this process."""
    sent: list[dict] = []

    async def receive():
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "method": method, "path": path, "raw_path": path.encode(), "query_string": b"",
             "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()], "http_version": "1.1",
             "scheme": "http", "server": ("127.0.0.1", 8000), "client": ("127.0.0.1", 5000), "root_path": ""}
    asyncio.run(app(scope, receive, send))
    start = next(m for m in sent if m["type"] == "http.response.start")
    content = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start["status"], {k.decode(): v.decode() for k, v in start["headers"]}, content


def test_cors_only_for_the_origins_asked():
    from extractor.serve.app import create_app
    from extractor.serve.settings import Settings

    app = create_app(NoPool(), Settings(token="t", cors_origins=("http://notebook.test",)))
    preflight = {"Origin": "http://notebook.test", "Access-Control-Request-Method": "POST",
                 "Access-Control-Request-Headers": "authorization,content-type"}
    status, headers, _ = asgi(app, "OPTIONS", "/v1/extract", preflight)
    assert status == 200 and headers["access-control-allow-origin"] == "http://notebook.test"
    status, headers, _ = asgi(app, "GET", "/v1/schema", {"Origin": "http://notebook.test", "Authorization": "Bearer t"})
    assert status == 200 and headers["access-control-allow-origin"] == "http://notebook.test"
    status, headers, _ = asgi(app, "GET", "/v1/schema", {"Origin": "http://other.test", "Authorization": "Bearer t"})
    assert status == 200 and "access-control-allow-origin" not in headers
    status, headers, _ = asgi(create_app(NoPool(), Settings()), "GET", "/v1/schema", {"Origin": "http://notebook.test"})
    assert status == 200 and "access-control-allow-origin" not in headers  # no token, no CORS: still open locally


# --- request bodies -----------------------------------------------------------------------------

def test_bodies_to_documents():
    from extractor.serve.bodies import RequestError, document_from_json, document_from_upload

    doc = document_from_json({"text": "abc", "doc_id": None, "document_date": "2025-06-12"})
    assert (doc.text, doc.doc_id, doc.document_date, doc.decoding) == ("abc", None, "2025-06-12", None)
    doc = document_from_upload("é".encode("utf-16"), "a/b\\c.d.txt", {})
    assert (doc.text, doc.doc_id, doc.decoding) == ("é", "c.d", {"encoding": "utf-16", "line_ends": "none"})
    for bad, status in (({"text": "a", "doc_id": ["x"]}, 400), ({"text": "a\x00b"}, 422), ([], 400),
                        ({"text": "a", "document_date": "2025-6-1"}, 400)):
        with pytest.raises(RequestError) as err:
            document_from_json(bad)
        assert err.value.status == status, bad
    with pytest.raises(RequestError) as err:
        document_from_upload(b"abc", "", {})
    assert err.value.status == 400 and "doc_id" in err.value.message


# --- the worker pool, with workers that load no model ------------------------------------------------

def test_pool_replaces_a_worker_that_dies_or_overruns():
    import fake_workers
    from extractor.serve.pool import WorkerPool

    def task(text):
        return {"doc_id": "d", "path": None, "text": text, "document_date": None, "extra": None}

    async def scenario(pool):
        first = json.loads((await pool.run(task("a")))["record"])
        died = await pool.run(task("die"))
        after_death = json.loads((await pool.run(task("b")))["record"])  # waits for the replacement
        started = time.monotonic()
        hung = await pool.run(task("hang"))
        took = time.monotonic() - started
        # Two at once: the second waits for the replacement, the loop is never blocked.
        both = await asyncio.gather(pool.run(task("c")), pool.run(task("d")))
        status = pool.status()
        await pool.close()
        return first, died, after_death, hung, took, both, status

    pool = WorkerPool(1, timeout=0.5, target=fake_workers.echo)
    pool.start()
    first, died, after_death, hung, took, both, status = asyncio.run(scenario(pool))
    assert first["text"] == "a" and after_death["text"] == "b" and after_death["pid"] != first["pid"]
    assert died["stage"] == "worker" and "died" in died["reason"]
    assert hung["stage"] == "timeout" and "more than 0.5 s" in hung["reason"] and 0.5 <= took < 3
    assert [json.loads(r["record"])["text"] for r in both] == ["c", "d"]
    assert status == {"configured": 1, "ready": 1, "busy": 0, "loading": 0}


def test_pool_that_cannot_load_says_why_in_one_line():
    import fake_workers
    from extractor.serve.pool import PoolError, WorkerPool

    with pytest.raises(PoolError, match="^a worker could not load the pipeline: OSError: no model here$"):
        WorkerPool(2, timeout=1, target=fake_workers.cannot_load).start()


def test_extraction_failures_map_to_500_and_504():
    from extractor.serve.app import create_app
    from extractor.serve.settings import Settings

    class FailingPool(NoPool):
        def __init__(self, stage, reason):
            self.stage, self.reason = stage, reason

        async def run(self, task):
            return {"doc_id": task["doc_id"], "path": None, "stage": self.stage, "reason": self.reason}

    for stage, reason, expected in (("worker", "the worker process died", 500), ("extract", "ValueError: x", 500),
                                    ("timeout", "extraction took more than 1 s", 504)):
        app = create_app(FailingPool(stage, reason), Settings())
        status, headers, body = asgi(app, "POST", "/v1/extract", {"Content-Type": "application/json"},
                                     b'{"text": "Kelvia"}')
        assert status == expected and json.loads(body) == {"error": {"status": expected, "message": reason}}
