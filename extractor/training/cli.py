"""`extractor train`: the organization models from the annotated corpus."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def add_parser(sub) -> None:
    from . import DEFAULT_CORPUS

    p = sub.add_parser("train", help="train the organization models from the annotated corpus")
    p.add_argument("what", choices=["decision"], help="decision: the learned choice among candidate names")
    p.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS,
                   help="folder with splits.json (default: fixtures/train)")
    p.add_argument("--out", type=Path, help="where to write the model (default: its place under models/)")
    p.add_argument("--seed", type=int, default=0)
    p.set_defaults(func=cmd_train)


def cmd_train(args: argparse.Namespace) -> int:
    from . import train_decision
    from .corpus import CorpusError

    try:
        summary = train_decision(args.corpus, args.out, seed=args.seed)
    except (CorpusError, ValueError) as exc:
        print(f"extractor: error: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(summary, indent=1))
    return 0
