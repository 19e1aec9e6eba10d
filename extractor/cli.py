"""`extractor` command line: thin wrappers over functions that return data.

Exit status: 0 success, 1 some documents failed (the others were written),
2 the command itself could not run (bad arguments, unreadable gold, an output
locked by another job, ...), 74 an output could not be written (disk full...),
130 interrupted (SIGINT), 143 terminated (SIGTERM).
Errors are one line on standard error, never a traceback.
"""
from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading
from datetime import date
from pathlib import Path
from typing import Iterator

from .errors import ExtractorError
from .docids import escape, printable
from .outputs import OutputError, clashing_input, writing
from .records import json_schema, read_records
from .textio import DEFAULT_MAX_BYTES, InputError

__all__ = [
    "EXIT_OUTPUT", "EXIT_TERMINATED", "Terminated", "UsageError", "text_paths", "check_output", "cmd_extract",
    "cmd_batch", "cmd_evaluate", "cmd_convert", "cmd_export", "cmd_schema", "TOKEN_ENV", "cmd_serve",
    "build_parser", "main"
]

EXIT_OUTPUT = 74  # sysexits.h EX_IOERR: what was written before is complete
EXIT_TERMINATED = 143  # 128 + SIGTERM, as a shell reports a process the signal ended


class Terminated(BaseException):
    """SIGTERM, raised where the program is, so that `finally` blocks close the outputs."""


class UsageError(ExtractorError):
    """A problem with what the user asked for; the message is one line."""


def _iso_date(value: str) -> str:
    try:
        date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a YYYY-MM-DD date: {value!r}") from None
    return value


# --- extract -------------------------------------------------------------------

def text_paths(paths: list[str]) -> list[Path | None]:
    """Expand PATH arguments: a file, a folder (its documents, sorted) or `-` (None: standard input)."""
    from .text.files import document_files, no_documents

    out: list[Path | None] = []
    for raw in paths:
        if raw == "-":
            out.append(None)
            continue
        p = Path(raw)
        if p.is_dir():
            found = document_files(p)
            if not found:
                raise UsageError(printable(no_documents(p)))
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
    shown = printable(str(out))
    if not out.parent.is_dir():
        raise UsageError(f"{shown}: folder {printable(str(out.parent))} does not exist")
    if out.is_dir():
        raise UsageError(f"{shown}: is a folder, expected a file")
    resolved = out.resolve()
    # Names first, then files: a hard link to an input is that input.
    if any(p is not None and p.resolve() == resolved for p in inputs) or clashing_input(out, inputs):
        raise UsageError(f"{shown}: output file is also an input")


def _read_stdin(max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    data = sys.stdin.buffer.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise InputError(f"stdin: more than {max_bytes} bytes, over the limit of {max_bytes}")
    return data


def _read_inputs(paths: list[Path | None], args: argparse.Namespace, errors: list[str]) -> Iterator[tuple[str, dict]]:
    from .text import Limits, read_bytes, read_document
    from .text.files import save_text

    limits = Limits(args.max_bytes, args.max_pages)
    for p in paths:
        doc_id = "stdin" if p is None else escape(p.stem)
        try:
            document = read_bytes(_read_stdin(args.max_bytes), "stdin", "", limits) if p is None else read_document(p, limits)
            if args.save_text:
                save_text(args.save_text, doc_id, document.text)
        except InputError as exc:
            print(f"extractor: skipped {exc}", file=sys.stderr)
            errors.append(str(exc))
            continue
        if document.notice:
            print(f"extractor: note: {document.notice}", file=sys.stderr)
        yield document.text, document.meta(doc_id, args.document_date)


def cmd_extract(args: argparse.Namespace) -> int:
    from .api import Extractor

    paths = text_paths(args.paths)
    check_output(args.output, paths)
    args.save_text = _text_folder(args.save_text)
    ids = [escape(p.stem) for p in paths if p is not None]
    dup = sorted({i for i in ids if ids.count(i) > 1})
    if dup:
        raise UsageError(f"two inputs share the doc_id {dup[0]!r} (file stem)")
    extractor = Extractor()
    errors: list[str] = []
    where = args.output or "standard output"
    with writing(where):
        # Bytes, encoded here: records are UTF-8 whatever the terminal's locale.
        out = open(args.output, "wb") if args.output else sys.stdout.buffer
        try:
            for record in extractor.pipe(_read_inputs(paths, args, errors)):
                if record.error is not None:
                    message = f"{record.doc_id}: {record.error['type']}: {record.error['message']}"
                    print(f"extractor: failed {message}", file=sys.stderr)
                    errors.append(message)
                    continue
                out.write(record.to_json().encode("utf-8") + b"\n")
                out.flush()
        finally:
            if out is not sys.stdout.buffer:
                out.close()
    return 1 if errors else 0


def _text_folder(folder: str | None) -> Path | None:
    from .text.files import prepare_text_folder

    try:
        return prepare_text_folder(folder) if folder else None
    except ValueError as exc:
        raise UsageError(str(exc)) from None


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
    from .batch.engines import MAX_TIMEOUT

    try:
        s = float(value)
    except ValueError:
        s = 0.0
    if not 0 < s <= MAX_TIMEOUT:
        raise argparse.ArgumentTypeError(f"expected a number of seconds above 0 and at most {MAX_TIMEOUT:g}, "
                                         f"got {value!r}")
    return s


def cmd_batch(args: argparse.Namespace) -> int:
    from .batch.jobs import BatchError, run_batch

    def note(line: str) -> None:
        print(f"extractor: note: {line}", file=sys.stderr)

    try:
        summary = run_batch(args.inputs, args.output, errors=args.errors, workers=args.workers,
                            resume=args.resume, dates_from_names=args.document_date_from_name,
                            max_bytes=args.max_bytes, timeout=args.timeout, scheduler=args.scheduler,
                            connect_timeout=args.connect_timeout, on_note=note,
                            max_pages=args.max_pages, save_text=_text_folder(args.save_text))
    except BatchError as exc:
        raise UsageError(str(exc)) from None
    print(f"extractor: batch: {summary.line()}", file=sys.stderr)
    return 1 if summary.errors or summary.unreadable_folders else 0


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
            check_output(args.html, [Path(args.gold), Path(args.pred), args.baseline and Path(args.baseline)])
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

            page = render(result, report, texts)
            with writing(args.html):
                Path(args.html).write_text(page, encoding="utf-8")
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
    if out.resolve() == Path(args.input).resolve() or clashing_input(out, [args.input, args.text]):
        raise UsageError(f"{printable(str(out))}: output is also an input")
    try:
        with writing(out):
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


# --- export --------------------------------------------------------------------

def cmd_export(args: argparse.Namespace) -> int:
    from .export import ExportError, export

    out = Path(args.output)
    shown = printable(str(out))
    if not out.parent.is_dir():
        raise UsageError(f"{shown}: folder {printable(str(out.parent))} does not exist")
    if args.to_format == "sqlite" and out.is_dir():
        raise UsageError(f"{shown}: is a folder, expected the database file")
    if args.to_format != "sqlite" and out.exists() and not out.is_dir():
        raise UsageError(f"{shown}: is a file; --to {args.to_format} writes a folder (documents and mentions tables)")
    if out.resolve() == Path(args.records).resolve() or clashing_input(out, [args.records]):
        raise UsageError(f"{shown}: output is also the input")
    records = read_records(args.records)
    with writing(out):
        try:
            written = export(records, args.to_format, out, bom=args.bom, delimiter=args.delimiter)
        except ExportError as exc:
            raise UsageError(str(exc)) from None
    n = sum(len(r.mentions) for r in records)
    print(f"extractor: export: {len(records)} documents, {n} mentions -> {', '.join(map(str, written))}", file=sys.stderr)
    return 0


# --- schema --------------------------------------------------------------------

def cmd_schema(args: argparse.Namespace) -> int:
    print(json.dumps(json_schema(), indent=2, ensure_ascii=False))
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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="extractor", description="Facts from French press releases.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    from .batch.jobs import DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT
    from .text import DEFAULT_MAX_PAGES

    def input_options(p: argparse.ArgumentParser) -> None:
        p.add_argument("--save-text", metavar="DIR",
                       help="write each document's extracted text to DIR/DOC_ID.txt (the text offsets refer to)")
        p.add_argument("--max-bytes", type=_positive_int, default=DEFAULT_MAX_BYTES, metavar="N",
                       help=f"larger files (or .docx unpacking to more) fail (default: {DEFAULT_MAX_BYTES})")
        p.add_argument("--max-pages", type=_positive_int, default=DEFAULT_MAX_PAGES, metavar="N",
                       help=f"PDFs with more pages fail (default: {DEFAULT_MAX_PAGES})")

    p = sub.add_parser("extract", help="extract records from a few files (JSONL out)")
    p.add_argument("paths", nargs="+", metavar="PATH",
                   help="a file (text, .html, .pdf, .docx, .eml), a folder of them, or - for standard input")
    p.add_argument("-o", "--output", metavar="OUT.jsonl", help="write here instead of standard output")
    p.add_argument("--document-date", type=_iso_date, metavar="YYYY-MM-DD",
                   help="issue date of the releases (default: inferred from each document)")
    input_options(p)
    p.set_defaults(func=cmd_extract)

    p = sub.add_parser("batch", help="extract records from many documents, in parallel and resumable")
    p.add_argument("inputs", nargs="+", metavar="INPUT",
                   help="a file (text, .html, .pdf, .docx, .eml), a folder (its documents, recursively) "
                        "or JSONL of {doc_id, text, document_date?}")
    p.add_argument("-o", "--output", required=True, metavar="OUT.jsonl", help="one record per line")
    p.add_argument("--errors", metavar="ERR.jsonl", help="one line per failed document (default: OUT.errors.jsonl)")
    p.add_argument("--workers", type=_positive_int, metavar="N",
                   help="worker processes (default: the usable CPUs; 1 runs in this process)")
    p.add_argument("--resume", action="store_true",
                   help="keep OUT's complete records and do only the other documents (failures are retried)")
    p.add_argument("--document-date-from-name", action="store_true",
                   help="take the issue date from a YYYY-MM-DD or YYYYMMDD in the file name (or JSONL doc_id)")
    input_options(p)
    p.add_argument("--timeout", type=_seconds, default=DEFAULT_TIMEOUT, metavar="SECONDS",
                   help=f"a document taking longer fails (default: {DEFAULT_TIMEOUT:g})")
    p.add_argument("--scheduler", metavar="ADDRESS|local",
                   help="run on Dask: a scheduler address, or 'local' for a LocalCluster of --workers processes")
    p.add_argument("--connect-timeout", type=_seconds, default=DEFAULT_CONNECT_TIMEOUT, metavar="SECONDS",
                   help=f"how long a Dask scheduler has to answer (default: {DEFAULT_CONNECT_TIMEOUT:g})")
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

    from .export import FORMATS as EXPORT_FORMATS

    p = sub.add_parser("export", help="records as two tables (documents, mentions) for spreadsheets, dataframes, SQL")
    p.add_argument("records", metavar="RECORDS", help="records: a JSONL file, a .json, or a folder of DOC_ID.json")
    p.add_argument("--to", dest="to_format", required=True, choices=EXPORT_FORMATS, help="table format")
    p.add_argument("-o", "--output", required=True, metavar="OUT",
                   help="a folder for csv and parquet (documents.* and mentions.*), a file for sqlite")
    p.add_argument("--bom", action="store_true", help="csv: start each file with a UTF-8 byte order mark (Excel)")
    p.add_argument("--delimiter", default=",", choices=[",", ";"],
                   help="csv: the field separator (default ','; ';' for spreadsheets in French locales)")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("schema", help="print the record's JSON Schema")
    p.set_defaults(func=cmd_schema)

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

    from .training.cli import add_parser as add_train_parser

    add_train_parser(sub)
    return parser


def _terminate(signum, frame):
    raise Terminated()


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    # Signal handlers belong to the main thread (main() may be called from another).
    in_main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _terminate) if in_main else None
    resumable = " (run the same command with --resume to finish)" if args.command == "batch" else ""
    try:
        return args.func(args)
    except OutputError as exc:
        print(f"extractor: error: {exc}{resumable}", file=sys.stderr)
        return EXIT_OUTPUT
    except ExtractorError as exc:  # bad arguments or input, a broken models/ file, a record that breaks the contract
        print(f"extractor: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"extractor: interrupted{resumable}", file=sys.stderr)
        return 130
    except Terminated:
        print(f"extractor: terminated{resumable}", file=sys.stderr)
        return EXIT_TERMINATED
    except BrokenPipeError:
        return 0
    finally:
        if in_main:
            signal.signal(signal.SIGTERM, previous)


if __name__ == "__main__":
    sys.exit(main())
