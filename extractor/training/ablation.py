"""What each part of the organization work brings, measured through the whole extractor.

    python -m extractor.training.ablation [--decision-original-ner PATH] [--sets test heldout]

Each row builds the whole pipeline with some settings of `press_org` and of the NER
changed, extracts every document of each set and scores it with `evaluate`: ORG
strict, partial and document-level F1, and the value F1 of the other labels, so a
gain on organizations that costs another label shows. The `+ learned decision` row
needs a decision trained with the original NER (`extractor train --no-ner --out-dir
DIR`); without one that row is left out.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from ..lexicon import models_dir
from ..records import read_records
from . import DEFAULT_CORPUS
from .corpus import documents

__all__ = ["ROOT", "RULES", "ORIGINAL_NER", "rows", "sets", "measure", "main"]

ROOT = Path(__file__).resolve().parents[2]
RULES = {"components.press_org.decision": ""}
ORIGINAL_NER = {"components.ner.weights": ""}


def rows(decision_original_ner: Path | None) -> list[tuple[str, dict]]:
    out = [
        ("rules, original NER, core gazetteer only, no negative lexicon",
         {**RULES, **ORIGINAL_NER, "components.press_org.gazetteer": str(_core_only()), "components.press_org.not_orgs": ""}),
        ("+ gazetteer and negative lexicon", {**RULES, **ORIGINAL_NER}),
        ("+ trained NER", dict(RULES)),
    ]
    if decision_original_ner is not None:
        out.append(("+ learned decision (original NER)", {**ORIGINAL_NER, "components.press_org.decision": str(decision_original_ner)}))
    out.append(("all: trained NER + learned decision (shipped)", {}))
    return out


def _core_only() -> Path:
    """A gazetteer folder holding only the gazetteer of the earlier release (core.tsv)."""
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="press-core-gazetteer-"))
    (folder / "core.tsv").write_bytes((models_dir() / "org" / "gazetteer" / "core.tsv").read_bytes())
    return folder


def sets(names: list[str]) -> dict[str, list[tuple[str, str, object]]]:
    out = {}
    for name in names:
        if name == "heldout":
            folder = ROOT / "fixtures" / "heldout"
            gold = read_records(folder / "gold", texts=folder / "press_releases")
            out[name] = [(g.doc_id, _read(folder / "press_releases" / f"{g.doc_id}.txt"), g) for g in gold]
        else:
            out[name] = [(d.doc_id, d.text, d.gold) for d in documents(DEFAULT_CORPUS, name)]
    return out


def _read(path: Path) -> str:
    with open(path, encoding="utf-8", newline="") as f:
        return f.read()


def measure(overrides: dict, docs: list) -> dict:
    from ..api import Extractor
    from ..evaluation.scoring import evaluate

    extractor = Extractor(overrides=overrides)
    start = time.perf_counter()
    pred = list(extractor.pipe((text, {"doc_id": doc_id}) for doc_id, text, _ in docs))
    seconds = time.perf_counter() - start
    ev = evaluate([g for _, _, g in docs], pred)
    c = ev.counts
    return {
        "ORG strict": c["strict"]["ORG"].f1,
        "ORG partial": c["partial"]["ORG"].f1,
        "ORG doc": ev.organizations.f1,
        **{f"{label} value": c["value"][label].f1 for label in ("MONEY", "DATE", "PERCENT")},
        "ms/doc": 1000 * seconds / len(docs),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m extractor.training.ablation", description=__doc__.split("\n\n")[0])
    parser.add_argument("--decision-original-ner", type=Path, help="a decision.json trained with --no-ner")
    parser.add_argument("--sets", nargs="+", default=["test", "heldout"], help="corpus splits and/or 'heldout'")
    args = parser.parse_args(argv)
    data = sets(args.sets)
    columns = ["ORG strict", "ORG partial", "ORG doc", "MONEY value", "DATE value", "PERCENT value", "ms/doc"]
    for set_name, docs in data.items():
        print(f"\n{set_name} ({len(docs)} documents)")
        print("| configuration | " + " | ".join(columns) + " |")
        print("|---|" + "---|" * len(columns))
        for label, overrides in rows(args.decision_original_ner):
            result = measure(overrides, docs)
            cells = [f"{result[c]:.0f}" if c == "ms/doc" else f"{result[c]:.3f}" for c in columns]
            print(f"| {label} | " + " | ".join(cells) + " |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
