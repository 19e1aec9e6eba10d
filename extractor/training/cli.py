"""`extractor train`: the organization models from the annotated corpus."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

__all__ = ["add_parser", "cmd_train"]


def add_parser(sub) -> None:
    from . import DEFAULT_CORPUS

    p = sub.add_parser("train", help="train the organization models (fine-tuned NER + learned decision) from the corpus")
    p.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS,
                   help="folder with splits.json (default: fixtures/train)")
    p.add_argument("--out-dir", type=Path, help="where to write ner/ and decision.json (default: models/org)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--epochs", type=int, default=10, help="NER fine-tuning epochs; the best on dev is kept (default: 10)")
    p.add_argument("--no-ner", action="store_true", help="keep the original NER; train the decision only")
    p.set_defaults(func=cmd_train)


def cmd_train(args: argparse.Namespace) -> int:
    from . import train
    from .corpus import CorpusError

    if args.out_dir is not None and not args.out_dir.is_dir():
        print(f"extractor: error: {args.out_dir}: no such folder", file=sys.stderr)
        return 2
    try:
        summary = train(args.corpus, seed=args.seed, epochs=args.epochs, fine_tune_ner=not args.no_ner, out_dir=args.out_dir)
    except (CorpusError, ValueError) as exc:
        print(f"extractor: error: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(summary, indent=1))
    return 0
