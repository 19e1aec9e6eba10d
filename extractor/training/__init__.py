"""Training the organization models from the annotated corpus (`extractor train`).

`train_decision` learns which candidate spans are organizations. Its model records
what it was learned from (the corpus and the inputs of the features), so a test can
tell when the shipped model is stale.
"""
from __future__ import annotations

import hashlib
import sys
from pathlib import Path

from ..lexicon import models_dir
from .corpus import corpus_hash, documents

__all__ = ["train_decision", "inputs_hash", "corpus_hash", "documents", "DEFAULT_CORPUS"]

DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "fixtures" / "train"
_FEATURE_CODE = ("orgs/features.py", "orgs/learned.py", "orgs/sources.py", "orgs/rules.py", "orgs/spans.py", "orgs/data.py")


def inputs_hash(config_path: Path | None = None) -> str:
    """What the candidates and their features are computed from, besides the corpus:
    the code that computes them, the ORG language data and the pipeline config."""
    package = Path(__file__).resolve().parents[1]
    org = models_dir() / "org"
    files = [package / rel for rel in _FEATURE_CODE]
    files += sorted(p for p in org.rglob("*") if p.is_file() and p.name != "decision.json")
    files.append(Path(config_path) if config_path else models_dir() / "pipeline.cfg")
    h = hashlib.sha256()
    for path in files:
        h.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def train_decision(corpus: Path = DEFAULT_CORPUS, out: Path | None = None, seed: int = 0, config_path: Path | None = None) -> dict:
    """Train the decision on the train split, choose C and the threshold on dev, write the model."""
    from .. import pipeline
    from . import decision

    out = out or models_dir() / "org" / "decision.json"
    train_docs, dev_docs = documents(corpus, "train"), documents(corpus, "dev")
    if not train_docs or not dev_docs:
        raise ValueError(f"{corpus}: the train and dev splits must both hold documents")
    # The pool must not depend on the decision being trained: build with the rule decision.
    nlp = pipeline.build(config_path, overrides={"components.press_org.decision": ""})
    detector = nlp.get_pipe("press_org").detect
    print(f"train: {len(train_docs)} documents, dev: {len(dev_docs)}", file=sys.stderr)
    train_data = decision.examples(nlp, detector, train_docs)
    dev_data = decision.examples(nlp, detector, dev_docs)
    found, total = decision.pool_recall(train_data)
    result = decision.train(train_data, dev_data, seed)
    meta = {
        "seed": seed,
        "corpus_sha256": corpus_hash(train_docs + dev_docs),
        "inputs_sha256": inputs_hash(config_path),
        "train_documents": len(train_docs),
        "dev_documents": len(dev_docs),
        "examples": sum(len(d.spans) for d in train_data),
        "pool_recall_train": round(found / total, 4) if total else None,
    }
    decision.write_model(out, result, meta)
    return {"model": str(out), "threshold": result["threshold"], "c": result["c"], "dev_strict_f1": result["dev_f1"], **meta}
