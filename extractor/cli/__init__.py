"""`extractor` command line: the argument parser and `main`; the commands, thin
wrappers over functions that return data, are in `commands`.

Exit status: 0 success, 1 some documents failed (the others were written),
2 the command itself could not run (bad arguments, unreadable gold, an output
locked by another job, ...), 74 an output could not be written (disk full...),
130 interrupted (SIGINT), 143 terminated (SIGTERM).
Errors are one line on standard error, never a traceback.
"""
from __future__ import annotations

import argparse
import signal
import sys
import threading
from datetime import date

from ..errors import ExtractorError
from ..outputs import OutputError
from ..textio import DEFAULT_MAX_BYTES
from .commands import (TOKEN_ENV, UsageError, check_output, cmd_batch, cmd_convert, cmd_evaluate, cmd_export,
                       cmd_extract, cmd_save_pipeline, cmd_schema, cmd_serve, text_paths)

__all__ = [
    "EXIT_OUTPUT", "EXIT_TERMINATED", "Terminated", "UsageError", "text_paths", "check_output", "cmd_extract",
    "cmd_batch", "cmd_evaluate", "cmd_convert", "cmd_export", "cmd_schema", "TOKEN_ENV", "cmd_serve", "cmd_save_pipeline",
    "build_parser", "main"
]

EXIT_OUTPUT = 74  # sysexits.h EX_IOERR: what was written before is complete
EXIT_TERMINATED = 143  # 128 + SIGTERM, as a shell reports a process the signal ended


class Terminated(BaseException):
    """SIGTERM, raised where the program is, so that `finally` blocks close the outputs."""


def _iso_date(value: str) -> str:
    try:
        date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a YYYY-MM-DD date: {value!r}") from None
    return value


def _number(parse, ok, expected: str):
    """An argparse type: `parse` the value and check it with `ok`, else one usage line."""
    def check(value: str):
        try:
            n = parse(value)
        except ValueError:
            n = None
        if n is None or not ok(n):
            raise argparse.ArgumentTypeError(f"expected {expected}, got {value!r}")
        return n

    return check


_positive_int = _number(int, lambda n: n >= 1, "a whole number of at least 1")


def _seconds(value: str) -> float:
    from ..batch.engines import MAX_TIMEOUT  # not at start-up: the batch engines are imported lazily

    return _number(float, lambda s: 0 < s <= MAX_TIMEOUT,
                   f"a number of seconds above 0 and at most {MAX_TIMEOUT:g}")(value)


def _port(value: str) -> int:
    if not value.isdigit() or not 0 < int(value) < 65536:
        raise argparse.ArgumentTypeError(f"expected a port number from 1 to 65535, got {value!r}")
    return int(value)


class _Parser(argparse.ArgumentParser):
    """argparse prints its whole usage block before a bad option's message; a batch
    script's log wants the one line that says what is wrong (subcommands inherit this)."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="extractor", description="Facts from French press releases.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    from ..batch.jobs import DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT
    from ..text import DEFAULT_MAX_PAGES

    def input_options(p: argparse.ArgumentParser) -> None:
        p.add_argument("--save-text", metavar="DIR",
                       help="write each document's extracted text to DIR/DOC_ID.txt (the text offsets refer to)")
        p.add_argument("--max-bytes", type=_positive_int, default=DEFAULT_MAX_BYTES, metavar="N",
                       help=f"larger files (or .docx unpacking to more) fail (default: {DEFAULT_MAX_BYTES})")
        p.add_argument("--max-pages", type=_positive_int, default=DEFAULT_MAX_PAGES, metavar="N",
                       help=f"PDFs with more pages fail (default: {DEFAULT_MAX_PAGES})")

    def pipeline_option(p: argparse.ArgumentParser, where: str) -> None:
        p.add_argument("--pipeline", metavar="DIR",
                       help=f"load the pipeline saved in DIR by save-pipeline{where} "
                            "(default: the package's models/pipeline.cfg)")

    p = sub.add_parser("extract", help="extract records from a few files (JSONL out)")
    p.add_argument("paths", nargs="+", metavar="PATH",
                   help="a file (text, .html, .pdf, .docx, .eml), a folder of them, or - for standard input")
    p.add_argument("-o", "--output", metavar="OUT.jsonl", help="write here instead of standard output")
    p.add_argument("--document-date", type=_iso_date, metavar="YYYY-MM-DD",
                   help="issue date of the releases (default: inferred from each document)")
    input_options(p)
    pipeline_option(p, "")
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
    pipeline_option(p, " in every worker (on Dask, at the same path on every worker machine)")
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

    from ..formats import FORMATS

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

    from ..export import FORMATS as EXPORT_FORMATS

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

    from ..serve.settings import DEFAULT_MAX_BATCH
    from ..serve.settings import DEFAULT_MAX_BYTES as DEFAULT_SERVE_MAX_BYTES
    from ..serve.settings import DEFAULT_TIMEOUT as DEFAULT_SERVE_TIMEOUT

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
    pipeline_option(p, " in every worker")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("save-pipeline", help="write the pipeline with its rules to a folder, for --pipeline")
    p.add_argument("output", metavar="OUT_DIR", help="a new or empty folder (its parent must exist)")
    p.set_defaults(func=cmd_save_pipeline)

    from ..training.cli import add_parser as add_train_parser

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

