"""Load test of `extractor serve` on this machine (127.0.0.1 only), bounded in requests and time.

    python benchmarks/serve_load.py [--clients 8] [--requests 300] [--bad 100] [--repeats 3] [--json out.json]

For 1 and then 2 workers (alternating, `--repeats` times), a fresh server is started
on a free local port with a token; `--clients` threads, each on its own keep-alive
connection, post the fixture releases as JSON until `--requests` good requests have
been answered, while one more thread sends a burst of `--bad` bad requests (malformed
JSON, wrong types, an unsupported media type, a missing or wrong token, a body over
the limit, a batch over the limit), one after the other, starting once a third of
the good requests are done. Every request has a 60 s socket timeout and the run stops
after `--max-seconds` whatever is left, so the test always ends by itself.

Printed per run: good requests/s (answered, over the wall time from the first to the
last), p50/p95/p99 latency, errors among good requests (any status but 200, or no
answer), bad requests that did not get their expected status, and whether /health
still answered afterwards. The summary gives the median and the range over repeats
and the 2-worker/1-worker throughput ratio within each repeat.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures" / "press_releases"
MAX_BYTES = 1_000_000
MAX_BATCH = 8


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(workers: int, token: str) -> tuple[subprocess.Popen, int]:
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "extractor", "serve", "--port", str(port), "--workers",
                             str(workers), "--token", token, "--max-bytes", str(MAX_BYTES),
                             "--max-batch", str(MAX_BATCH)],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"serve_load: the server stopped: {proc.stderr.read().strip()}")
        try:
            if call(http.client.HTTPConnection("127.0.0.1", port, timeout=5), "GET", "/health")[0] == 200:
                return proc, port
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("serve_load: the server did not start within 300 s")


def stop_server(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def call(conn: http.client.HTTPConnection, method: str, path: str, body: bytes | None = None,
         headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    conn.request(method, path, body=body, headers=headers or {})
    resp = conn.getresponse()
    return resp.status, resp.read()


def bad_requests(token: str) -> list[tuple[str, str, bytes, dict[str, str], int]]:
    """(name, path, body, headers, expected status) — every kind a client gets wrong."""
    auth = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    return [
        ("malformed JSON", "/v1/extract", b'{"text": "abc",', auth, 400),
        ("wrong type", "/v1/extract", b'{"text": 42}', auth, 400),
        ("bad date", "/v1/extract", b'{"text": "a", "document_date": "demain"}', auth, 400),
        ("empty text", "/v1/extract", b'{"text": "  "}', auth, 422),
        ("media type", "/v1/extract", b"texte", {**auth, "Content-Type": "text/plain"}, 415),
        ("no token", "/v1/extract", b'{"text": "abc"}', {"Content-Type": "application/json"}, 401),
        ("wrong token", "/v1/extract", b'{"text": "abc"}', {**auth, "Authorization": "Bearer nope"}, 401),
        ("body too large", "/v1/extract", json.dumps({"text": "a" * MAX_BYTES}).encode(), auth, 413),
        ("batch too large", "/v1/extract/batch",
         json.dumps({"documents": [{"text": "a"}] * (MAX_BATCH + 1)}).encode(), auth, 413),
    ]


def percentile(sorted_values: list[float], p: float) -> float:
    """Nearest rank."""
    if not sorted_values:
        return float("nan")
    rank = max(1, round(p / 100 * len(sorted_values) + 0.5))
    return sorted_values[min(rank, len(sorted_values)) - 1]


def run_load(port: int, token: str, texts: list[bytes], clients: int, n_good: int, n_bad: int,
             max_seconds: float) -> dict:
    lock = threading.Lock()
    issued = {"good": 0}
    latencies: list[float] = []
    errors: list[str] = []
    bad_wrong: list[str] = []
    done_good = threading.Event()
    third = threading.Event()
    stop_at = time.monotonic() + max_seconds
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def good_client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while time.monotonic() < stop_at:
            with lock:
                i = issued["good"]
                if i >= n_good:
                    break
                issued["good"] += 1
            started = time.perf_counter()
            try:
                status, body = call(conn, "POST", "/v1/extract", texts[i % len(texts)], headers)
            except (OSError, http.client.HTTPException) as exc:
                status, body = 0, str(exc).encode()
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            took = time.perf_counter() - started
            with lock:
                latencies.append(took)
                if status != 200:
                    errors.append(f"{status}: {body[:120]!r}")
                if len(latencies) >= n_good // 3:
                    third.set()
        conn.close()

    def bad_client() -> None:
        third.wait(max_seconds)
        kinds = bad_requests(token)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        for i in range(n_bad):
            if time.monotonic() >= stop_at or done_good.is_set():
                break
            name, path, body, hdrs, expected = kinds[i % len(kinds)]
            try:
                status, _ = call(conn, "POST", path, body, hdrs)
            except (OSError, http.client.HTTPException):
                # A refused body may close the connection before all of it was sent.
                status = "closed"
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            if status != expected:
                bad_wrong.append(f"{name}: {status} (expected {expected})")
        conn.close()

    threads = [threading.Thread(target=good_client) for _ in range(clients)]
    bad = threading.Thread(target=bad_client)
    started = time.perf_counter()
    for t in threads:
        t.start()
    bad.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    done_good.set()
    third.set()
    bad.join()
    status, _ = call(http.client.HTTPConnection("127.0.0.1", port, timeout=10), "GET", "/health")
    ordered = sorted(latencies)
    return {"requests": len(latencies), "seconds": round(wall, 2), "rps": round(len(latencies) / wall, 2),
            "p50_ms": round(1000 * percentile(ordered, 50)), "p95_ms": round(1000 * percentile(ordered, 95)),
            "p99_ms": round(1000 * percentile(ordered, 99)), "errors": len(errors), "error_samples": errors[:5],
            "bad_sent": n_bad, "bad_wrong_status": len(bad_wrong), "bad_samples": bad_wrong[:5],
            "health_after": status}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--clients", type=int, default=8, help="concurrent clients (default 8)")
    ap.add_argument("--requests", type=int, default=300, help="good requests per run (default 300)")
    ap.add_argument("--bad", type=int, default=100, help="bad requests mixed into each run (default 100)")
    ap.add_argument("--repeats", type=int, default=3, help="runs of each configuration (default 3)")
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2], help="worker counts to compare (default 1 2)")
    ap.add_argument("--max-seconds", type=float, default=300, help="a run stops after this, whatever is left")
    ap.add_argument("--json", type=Path, help="also write every run here")
    args = ap.parse_args()

    texts = [json.dumps({"text": p.read_text(encoding="utf-8"), "doc_id": p.stem}, ensure_ascii=False).encode()
             for p in sorted(FIXTURES.glob("*.txt"))]
    chars = sum(len(json.loads(t)["text"]) for t in texts) / len(texts)
    print(f"{len(texts)} fixture releases (mean {chars:.0f} characters), {args.clients} client(s), "
          f"{args.requests} good + {args.bad} bad requests per run, {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.2f} at start", flush=True)
    print(f"{'run':>3} {'workers':>7} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'errors':>6} "
          f"{'bad: wrong status':>17} {'health':>6}", flush=True)
    runs = []
    for repeat in range(1, args.repeats + 1):
        for workers in args.workers:
            token = uuid.uuid4().hex
            proc, port = start_server(workers, token)
            try:
                for warm in texts[:4]:  # each worker's first documents, outside the measure
                    call(http.client.HTTPConnection("127.0.0.1", port, timeout=60), "POST", "/v1/extract", warm,
                         {"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
                r = run_load(port, token, texts, args.clients, args.requests, args.bad, args.max_seconds)
            finally:
                stop_server(proc)
            r.update(repeat=repeat, workers=workers)
            runs.append(r)
            print(f"{repeat:>3} {workers:>7} {r['rps']:>7.1f} {r['p50_ms']:>7} {r['p95_ms']:>7} {r['p99_ms']:>7} "
                  f"{r['errors']:>6} {r['bad_wrong_status']:>8} of {r['bad_sent']:<5} {r['health_after']:>6}",
                  flush=True)
            for sample in r["error_samples"] + r["bad_samples"]:
                print(f"      {sample}", flush=True)

    print("\nsummary (median, range over runs):")
    for workers in args.workers:
        rps = [r["rps"] for r in runs if r["workers"] == workers]
        p95 = [r["p95_ms"] for r in runs if r["workers"] == workers]
        print(f"  {workers} worker(s): {statistics.median(rps):.1f} req/s ({min(rps):.1f}–{max(rps):.1f}), "
              f"p95 {statistics.median(p95):.0f} ms ({min(p95)}–{max(p95)})")
    if 1 in args.workers and 2 in args.workers:
        ratios = [two["rps"] / one["rps"] for one, two in zip((r for r in runs if r["workers"] == 1),
                                                              (r for r in runs if r["workers"] == 2))]
        print(f"  2 workers / 1 worker, within each repeat: median {statistics.median(ratios):.2f}× "
              f"({min(ratios):.2f}–{max(ratios):.2f})")
    failed = sum(r["errors"] + r["bad_wrong_status"] + (r["health_after"] != 200) for r in runs)
    print(f"  errors on good requests: {sum(r['errors'] for r in runs)}; bad requests with a wrong status: "
          f"{sum(r['bad_wrong_status'] for r in runs)}")
    if args.json:
        args.json.write_text(json.dumps({"args": {k: str(v) for k, v in vars(args).items()}, "runs": runs},
                                        indent=2), encoding="utf-8")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
