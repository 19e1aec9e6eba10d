"""The `extractor` commands: each a thin wrapper over a function of the package that
returns data; errors are ExtractorError lines (the caller, `extractor.cli.main`, prints them)."""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Iterator

from ..errors import ExtractorError
from ..docids import escape, printable
from ..outputs import clashing_input, writing
from ..records import json_schema, read_records
from ..textio import DEFAULT_MAX_BYTES, InputError

__all__ = [
    "UsageError", "text_paths", "check_output", "cmd_extract", "cmd_batch", "cmd_evaluate", "cmd_convert",
    "cmd_export", "cmd_schema", "TOKEN_ENV", "cmd_serve", "saved_pipeline", "cmd_save_pipeline",
]


class UsageError(ExtractorError):
    """A problem with what the user asked for; the message is one line."""



# --- extract -------------------------------------------------------------------

def text_paths(paths: list[str]) -> list[Path | None]:
    """Expand PATH arguments: a file, a folder (its documents, sorted) or `-` (None: standard input)."""
    from ..text.files import document_files, no_documents

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
    from ..text import Limits, read_bytes, read_document
    from ..text.files import save_text

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
    from ..batch.engines import load_extractor

    pipeline = saved_pipeline(args.pipeline)
    paths = text_paths(args.paths)
    check_output(args.output, paths)
    args.save_text = _text_folder(args.save_text)
    ids = [escape(p.stem) for p in paths if p is not None]
    dup = sorted({i for i in ids if ids.count(i) > 1})
    if dup:
        raise UsageError(f"two inputs share the doc_id {dup[0]!r} (file stem)")
    extractor = load_extractor(pipeline)
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
    from ..text.files import prepare_text_folder

    try:
        return prepare_text_folder(folder) if folder else None
    except ValueError as exc:
        raise UsageError(str(exc)) from None


# --- saved pipelines -----------------------------------------------------------

def saved_pipeline(folder: str | None) -> Path | None:
    """The absolute path of a `--pipeline` folder, checked before any work starts (one line if it is
    not a saved pipeline); None without the option."""
    from ..pipeline import PipelineError, check_saved

    if folder is None:
        return None
    try:
        return check_saved(folder)
    except PipelineError as exc:
        raise UsageError(f"--pipeline {exc}") from None


def cmd_save_pipeline(args: argparse.Namespace) -> int:
    from ..api import Extractor
    from ..pipeline import save

    out = Path(args.output)
    shown = printable(str(out))
    # What can be checked is, before the pipeline loads (seconds).
    if not out.parent.is_dir():
        raise UsageError(f"{shown}: folder {printable(str(out.parent))} does not exist")
    if out.exists() and not out.is_dir():
        raise UsageError(f"{shown}: is a file, expected a new or empty folder")
    if out.is_dir() and any(out.iterdir()):
        raise UsageError(f"{shown}: folder is not empty (a saved pipeline goes to a new or empty folder)")
    nlp = Extractor().nlp
    with writing(out):
        save(nlp, out)
    print(f"extractor: save-pipeline: {', '.join(nlp.pipe_names)} -> {shown}", file=sys.stderr)
    return 0


# --- batch ---------------------------------------------------------------------

def cmd_batch(args: argparse.Namespace) -> int:
    from ..batch.jobs import BatchError, run_batch

    def note(line: str) -> None:
        print(f"extractor: note: {line}", file=sys.stderr)

    try:
        summary = run_batch(args.inputs, args.output, errors=args.errors, workers=args.workers,
                            resume=args.resume, dates_from_names=args.document_date_from_name,
                            max_bytes=args.max_bytes, timeout=args.timeout, scheduler=args.scheduler,
                            connect_timeout=args.connect_timeout, on_note=note,
                            max_pages=args.max_pages, save_text=_text_folder(args.save_text),
                            pipeline=saved_pipeline(args.pipeline))
    except BatchError as exc:
        raise UsageError(str(exc)) from None
    print(f"extractor: batch: {summary.line()}", file=sys.stderr)
    return 1 if summary.errors or summary.unreadable_folders else 0


# --- evaluate ------------------------------------------------------------------

def cmd_evaluate(args: argparse.Namespace) -> int:
    from ..evaluation.scoring import evaluate, format_table

    gold = read_records(args.gold, texts=args.texts)
    pred = read_records(args.pred)
    result = evaluate(gold, pred)
    data, blocks = result.to_dict(), [format_table(result)]
    if args.errors or args.html or args.baseline:
        from ..evaluation.errors import analyse, format_errors, source_texts

        if args.html:
            check_output(args.html, [Path(args.gold), Path(args.pred), args.baseline and Path(args.baseline)])
        texts = source_texts(args.gold, args.texts, [r.doc_id for r in gold])
        report = analyse(gold, pred, texts)
        if args.errors:
            data["errors"] = report.to_dict()
            blocks.append(format_errors(report))
        if args.baseline:
            from ..evaluation.compare import compare, format_comparison

            base = read_records(args.baseline)
            comparison = compare(report, analyse(gold, base), result, evaluate(gold, base))
            data["baseline"] = comparison.to_dict()
            blocks.append(format_comparison(comparison, args.baseline))
        if args.html:
            from ..evaluation.report import render

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
    from ..formats import ConversionError, convert

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
    from ..export import ExportError, export

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
    from ..serve import ServeError, Settings, serve

    pipeline = saved_pipeline(args.pipeline)
    token = args.token if args.token is not None else os.environ.get(TOKEN_ENV) or None
    if token is not None and not token.strip():
        raise UsageError("--token is empty")
    if token is None and args.host not in _LOOPBACK:
        print(f"extractor: warning: serving on {args.host} without a token: anyone who can reach this port "
              f"can use it (set --token or {TOKEN_ENV})", file=sys.stderr)
    from ..batch.jobs import usable_cpus

    workers = args.workers or usable_cpus()
    settings = Settings(token=token, max_bytes=args.max_bytes, timeout=args.timeout, max_batch=args.max_batch,
                        cors_origins=tuple(args.cors_origin or ()), pipeline=pipeline and str(pipeline))
    try:
        serve(args.host, args.port, workers, settings)
    except ServeError as exc:
        raise UsageError(str(exc)) from None
    except KeyboardInterrupt:  # Ctrl-C is how a server in a terminal is stopped: not a failure
        print("extractor: serve: stopped", file=sys.stderr)
    return 0
