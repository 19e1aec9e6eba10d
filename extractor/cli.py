"""`extractor` command line: thin wrappers over functions that return data.

Exit status: 0 success, 1 some documents failed (the others were written),
2 the command itself could not run (bad arguments, unreadable gold, ...).
Errors are one line on standard error, never a traceback.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import date
from pathlib import Path
from typing import Iterator

from .records import RecordError, json_schema, read_records
from .inputs import from_bytes
from .textio import InputError, read_bytes


class UsageError(Exception):
    """A problem with what the user asked for; the message is one line."""


def _iso_date(value: str) -> str:
    try:
        date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a YYYY-MM-DD date: {value!r}") from None
    return value


# --- extract -------------------------------------------------------------------

def text_paths(paths: list[str]) -> list[Path | None]:
    """Expand PATH arguments: a file, a folder (its *.txt, sorted) or `-` (None: standard input)."""
    out: list[Path | None] = []
    for raw in paths:
        if raw == "-":
            out.append(None)
            continue
        p = Path(raw)
        if p.is_dir():
            found = sorted(p.glob("*.txt"))
            if not found:
                raise UsageError(f"{p}: folder holds no .txt files")
            out.extend(found)
        elif p.exists():
            out.append(p)
        else:
            raise UsageError(f"{p}: no such file or folder")
    return out


def check_output(output: str | None, inputs: list[Path | None]) -> None:
    if output is None:
        return
    out = Path(output)
    if not out.parent.is_dir():
        raise UsageError(f"{out}: folder {out.parent} does not exist")
    if out.is_dir():
        raise UsageError(f"{out}: is a folder, expected a file")
    resolved = out.resolve()
    if any(p is not None and p.resolve() == resolved for p in inputs):
        raise UsageError(f"{out}: output file is also an input")


def _read_inputs(paths: list[Path | None], document_date: str | None, errors: list[str]) -> Iterator[tuple[str, dict]]:
    for p in paths:
        try:
            if p is None:
                doc = from_bytes(sys.stdin.buffer.read(), None, document_date)
            else:
                doc = from_bytes(read_bytes(p), p.name, document_date, where=str(p))
        except InputError as exc:
            print(f"extractor: skipped {exc}", file=sys.stderr)
            errors.append(str(exc))
            continue
        if doc.notice:
            print(f"extractor: note: {doc.notice}", file=sys.stderr)
        yield doc.text, doc.meta()


def cmd_extract(args: argparse.Namespace) -> int:
    from .api import Extractor

    paths = text_paths(args.paths)
    check_output(args.output, paths)
    ids = [p.stem for p in paths if p is not None]
    dup = sorted({i for i in ids if ids.count(i) > 1})
    if dup:
        raise UsageError(f"two inputs share the doc_id {dup[0]!r} (file stem)")
    extractor = Extractor()
    errors: list[str] = []
    out = open(args.output, "w", encoding="utf-8") if args.output else sys.stdout
    try:
        for record in extractor.pipe(_read_inputs(paths, args.document_date, errors)):
            out.write(record.to_json() + "\n")
            out.flush()
    finally:
        if out is not sys.stdout:
            out.close()
    return 1 if errors else 0


# --- batch ---------------------------------------------------------------------

def _positive_int(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        n = 0
    if n < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {value!r}")
    return n


def _seconds(value: str) -> float:
    try:
        s = float(value)
    except ValueError:
        s = 0.0
    if not s > 0 or s == float("inf"):
        raise argparse.ArgumentTypeError(f"expected a positive number of seconds, got {value!r}")
    return s


def cmd_batch(args: argparse.Namespace) -> int:
    from .batch.jobs import BatchError, run_batch

    try:
        summary = run_batch(args.inputs, args.output, errors=args.errors, workers=args.workers,
                            resume=args.resume, dates_from_names=args.document_date_from_name,
                            max_bytes=args.max_bytes, timeout=args.timeout, scheduler=args.scheduler)
    except BatchError as exc:
        raise UsageError(str(exc)) from None
    print(f"extractor: batch: {summary.line()}", file=sys.stderr)
    return 1 if summary.errors else 0


# --- evaluate ------------------------------------------------------------------

def cmd_evaluate(args: argparse.Namespace) -> int:
    from .evaluation.scoring import evaluate, format_table

    gold = read_records(args.gold, texts=args.texts)
    pred = read_records(args.pred)
    result = evaluate(gold, pred)
    data, blocks = result.to_dict(), [format_table(result)]
    if args.errors or args.html or args.baseline:
        from .evaluation.errors import analyse, format_errors, source_texts

        if args.html:
            check_output(args.html, [Path(args.gold), Path(args.pred)])
        texts = source_texts(args.gold, args.texts, [r.doc_id for r in gold])
        report = analyse(gold, pred, texts)
        if args.errors:
            data["errors"] = report.to_dict()
            blocks.append(format_errors(report))
        if args.baseline:
            from .evaluation.compare import compare, format_comparison

            base = read_records(args.baseline)
            comparison = compare(report, analyse(gold, base), result, evaluate(gold, base))
            data["baseline"] = comparison.to_dict()
            blocks.append(format_comparison(comparison, args.baseline))
        if args.html:
            from .evaluation.report import render

            Path(args.html).write_text(render(result, report, texts), encoding="utf-8")
            print(f"extractor: wrote {args.html}", file=sys.stderr)
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        print("\n\n".join(blocks))
    return 0


# --- convert -------------------------------------------------------------------

def cmd_convert(args: argparse.Namespace) -> int:
    from .formats import ConversionError, convert

    out = Path(args.output)
    if not out.parent.is_dir():
        raise UsageError(f"{out}: folder {out.parent} does not exist")
    if out.resolve() == Path(args.input).resolve():
        raise UsageError(f"{out}: output is also the input")
    try:
        result = convert(args.input, args.from_format, args.to_format, out, text=args.text)
    except ConversionError as exc:
        # Every misaligned span gets its own line, so all can be fixed in one pass.
        for problem in exc.problems:
            print(f"extractor: error: {problem}", file=sys.stderr)
        raise UsageError(f"{len(exc.problems)} problem(s) in {args.input}; nothing written") from None
    for note in result.notes:
        print(f"extractor: note: {note}", file=sys.stderr)
    print(f"extractor: convert: {result.documents} documents, {result.mentions} mentions -> {out}", file=sys.stderr)
    return 0


# --- serve ---------------------------------------------------------------------

TOKEN_ENV = "EXTRACTOR_TOKEN"
_LOOPBACK = ("127.0.0.1", "localhost", "::1")


def cmd_serve(args: argparse.Namespace) -> int:
    from importlib.util import find_spec

    missing = [name for name, modules in (("starlette", ["starlette"]), ("uvicorn", ["uvicorn"]),
                                          ("python-multipart", ["python_multipart", "multipart"]))
               if not any(find_spec(m) for m in modules)]
    if missing:
        raise UsageError(f"extractor serve needs {', '.join(missing)}: pip install 'press-extractor[serve]'")
    from .serve import ServeError, Settings, serve

    token = args.token if args.token is not None else os.environ.get(TOKEN_ENV) or None
    if token is not None and not token.strip():
        raise UsageError("--token is empty")
    if token is None and args.host not in _LOOPBACK:
        print(f"extractor: warning: serving on {args.host} without a token: anyone who can reach this port "
              f"can use it (set --token or {TOKEN_ENV})", file=sys.stderr)
    from .batch.jobs import usable_cpus

    workers = args.workers or usable_cpus()
    settings = Settings(token=token, max_bytes=args.max_bytes, timeout=args.timeout, max_batch=args.max_batch,
                        cors_origins=tuple(args.cors_origin or ()))
    try:
        serve(args.host, args.port, workers, settings)
    except ServeError as exc:
        raise UsageError(str(exc)) from None
    except KeyboardInterrupt:  # Ctrl-C is how a server in a terminal is stopped: not a failure
        print("extractor: serve: stopped", file=sys.stderr)
    return 0


def _port(value: str) -> int:
    if not value.isdigit() or not 0 < int(value) < 65536:
        raise argparse.ArgumentTypeError(f"expected a port number from 1 to 65535, got {value!r}")
    return int(value)


# --- schema --------------------------------------------------------------------

def cmd_schema(args: argparse.Namespace) -> int:
    print(json.dumps(json_schema(), indent=2, ensure_ascii=False))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="extractor", description="Facts from French press releases.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("extract", help="extract records from a few files (JSONL out)")
    p.add_argument("paths", nargs="+", metavar="PATH", help="text file, folder of *.txt, or - for standard input")
    p.add_argument("-o", "--output", metavar="OUT.jsonl", help="write here instead of standard output")
    p.add_argument("--document-date", type=_iso_date, metavar="YYYY-MM-DD",
                   help="issue date of the releases (default: inferred from each text)")
    p.set_defaults(func=cmd_extract)

    from .batch.jobs import DEFAULT_TIMEOUT
    from .textio import DEFAULT_MAX_BYTES

    p = sub.add_parser("batch", help="extract records from many documents, in parallel and resumable")
    p.add_argument("inputs", nargs="+", metavar="INPUT",
                   help="text file, folder (its *.txt, recursively) or JSONL of {doc_id, text, document_date?}")
    p.add_argument("-o", "--output", required=True, metavar="OUT.jsonl", help="one record per line")
    p.add_argument("--errors", metavar="ERR.jsonl", help="one line per failed document (default: OUT.errors.jsonl)")
    p.add_argument("--workers", type=_positive_int, metavar="N",
                   help="worker processes (default: the usable CPUs; 1 runs in this process)")
    p.add_argument("--resume", action="store_true",
                   help="keep OUT's complete records and do only the other documents (failures are retried)")
    p.add_argument("--document-date-from-name", action="store_true",
                   help="take the issue date from a YYYY-MM-DD or YYYYMMDD in the file name (or JSONL doc_id)")
    p.add_argument("--max-bytes", type=_positive_int, default=DEFAULT_MAX_BYTES, metavar="N",
                   help=f"larger documents fail (default: {DEFAULT_MAX_BYTES})")
    p.add_argument("--timeout", type=_seconds, default=DEFAULT_TIMEOUT, metavar="SECONDS",
                   help=f"a document taking longer fails (default: {DEFAULT_TIMEOUT:g})")
    p.add_argument("--scheduler", metavar="ADDRESS|local",
                   help="run on Dask: a scheduler address, or 'local' for a LocalCluster of --workers processes")
    p.set_defaults(func=cmd_batch)

    p = sub.add_parser("evaluate", help="score predictions against gold records")
    p.add_argument("--gold", required=True, help="folder of DOC_ID.json gold records, or a JSONL file")
    p.add_argument("--pred", required=True, help="JSONL file of predicted records")
    p.add_argument("--texts", help="folder of DOC_ID.txt to check gold offsets against "
                                   "(default: press_releases/ beside a gold folder)")
    p.add_argument("--json", action="store_true", help="print one JSON object instead of the table")
    p.add_argument("--errors", action="store_true",
                   help="list every error by kind, a label confusion table and errors grouped by surface form")
    p.add_argument("--html", metavar="REPORT.html", help="write a self-contained HTML report here")
    p.add_argument("--baseline", metavar="OTHER.jsonl",
                   help="an earlier prediction run: list which mentions got fixed and which broke")
    p.set_defaults(func=cmd_evaluate)

    from .formats import FORMATS

    p = sub.add_parser("convert", help="convert gold or predictions between records and annotation tool formats")
    p.add_argument("input", metavar="INPUT", help="file or folder to convert")
    p.add_argument("--from", dest="from_format", choices=FORMATS,
                   help="format of INPUT (default: guessed from its name and content)")
    p.add_argument("--to", dest="to_format", required=True, choices=FORMATS, help="format to write")
    p.add_argument("-o", "--output", required=True, metavar="OUT",
                   help="file, or folder for brat and record folders (.jsonl for one record JSONL file)")
    p.add_argument("--text", metavar="TEXT",
                   help="source text file or folder of DOC_ID.txt, for formats that do not carry the text")
    p.set_defaults(func=cmd_convert)

    from .serve.settings import DEFAULT_MAX_BATCH
    from .serve.settings import DEFAULT_MAX_BYTES as DEFAULT_SERVE_MAX_BYTES
    from .serve.settings import DEFAULT_TIMEOUT as DEFAULT_SERVE_TIMEOUT

    p = sub.add_parser("serve", help="run the HTTP API and the try-it page")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, this machine only)")
    p.add_argument("--port", type=_port, default=8000, help="port (default: 8000)")
    p.add_argument("--workers", type=_positive_int, metavar="N",
                   help="worker processes, each holding the model (default: the usable CPUs)")
    p.add_argument("--token", metavar="T",
                   help=f"every /v1 call needs 'Authorization: Bearer T' (default: ${TOKEN_ENV}, else no token)")
    p.add_argument("--max-bytes", type=_positive_int, default=DEFAULT_SERVE_MAX_BYTES, metavar="N",
                   help=f"larger request bodies get 413 (default: {DEFAULT_SERVE_MAX_BYTES})")
    p.add_argument("--timeout", type=_seconds, default=DEFAULT_SERVE_TIMEOUT, metavar="SECONDS",
                   help=f"a document taking longer gets 504 and its worker is replaced "
                        f"(default: {DEFAULT_SERVE_TIMEOUT:g})")
    p.add_argument("--max-batch", type=_positive_int, default=DEFAULT_MAX_BATCH, metavar="N",
                   help=f"documents per /v1/extract/batch request (default: {DEFAULT_MAX_BATCH})")
    p.add_argument("--cors-origin", action="append", metavar="ORIGIN",
                   help="let pages from ORIGIN call the API (repeatable; default: none)")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("schema", help="print the record's JSON Schema")
    p.set_defaults(func=cmd_schema)

    from .training.cli import add_parser as add_train_parser

    add_train_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (UsageError, RecordError, InputError) as exc:
        print(f"extractor: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("extractor: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
