"""The organization models: the corpus they learn from, how they learn, what ships."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from extractor.lexicon import LexiconError, models_dir
from extractor.orgs import data as org_data
from extractor.orgs.learned import DecisionModel, candidate_pool
from extractor.records import Mention, Record
from extractor.training import DEFAULT_CORPUS, corpus_hash, documents, inputs_hash
from extractor.training.corpus import CorpusError, Document, split_folders

SHIPPED = models_dir() / "org" / "decision.json"


# --- the corpus ---------------------------------------------------------------

def test_splits_are_disjoint_by_writer():
    folders = split_folders(DEFAULT_CORPUS)
    names = [f for split in folders.values() for f in split]
    assert len(names) == len(set(names))
    assert folders["test"] and folders["dev"] and folders["train"]


def test_corpus_size_and_organization_mentions():
    """The issue asks for at least 300 team-written texts holding at least 5,000 ORG mentions."""
    written = [d for split in ("train", "dev", "test") for d in documents(DEFAULT_CORPUS, split) if d.folder != "fixtures"]
    orgs = sum(1 for d in written for m in d.gold.mentions if m.label == "ORG")
    assert len(written) >= 300
    assert orgs >= 5000
    assert all(1000 <= len(d.text) <= 5000 for d in written)


def test_a_writer_in_two_splits_is_refused(tmp_path):
    (tmp_path / "splits.json").write_text(json.dumps({"train": ["a"], "dev": ["a"], "test": []}))
    with pytest.raises(CorpusError, match="both"):
        split_folders(tmp_path)


def test_corpus_hash_ignores_order_and_sees_changes():
    record = Record("d1", None, [Mention("ORG", "Kelvia", 0, 6)])
    a = Document("d1", "Kelvia lève des fonds.", record, "w")
    b = Document("d2", "Rien.", Record("d2", None, []), "w")
    assert corpus_hash([a, b]) == corpus_hash([b, a])
    changed = Document("d1", "Kelvia lève des fonds!", record, "w")
    assert corpus_hash([changed, b]) != corpus_hash([a, b])


# --- the shipped models ---------------------------------------------------------

def test_shipped_decision_is_current():
    """The shipped decision was trained on this corpus with these features, data and NER:
    after a change to any of them, `extractor train` must be run again."""
    meta = json.loads(SHIPPED.read_text(encoding="utf-8"))["meta"]
    docs = documents(DEFAULT_CORPUS, "train") + documents(DEFAULT_CORPUS, "dev")
    assert meta["corpus_sha256"] == corpus_hash(docs), "the corpus changed since training: run `extractor train`"
    assert meta["inputs_sha256"] == inputs_hash(), "features, ORG data, NER or config changed since training: run `extractor train`"


def test_shipped_weights_are_small():
    total = sum(p.stat().st_size for p in (models_dir() / "org").rglob("*") if p.is_file())
    assert total < 40_000_000


def test_decision_model_refuses_a_broken_file(tmp_path):
    path = tmp_path / "decision.json"
    path.write_text('{"format": "something else"}')
    with pytest.raises(LexiconError, match="decision.json"):
        DecisionModel.load(path)
    path.write_text(json.dumps({"format": "press-org-decision/1", "weights": {"bias": 1}, "threshold": 2}))
    with pytest.raises(LexiconError, match="threshold"):
        DecisionModel.load(path)


# --- the candidate pool -----------------------------------------------------------

@pytest.fixture(scope="module")
def org_component(extractor):
    return extractor.nlp.get_pipe("press_org").detect


@pytest.mark.parametrize("text, name", [
    ("Le Haut Conseil de stabilité financière a relevé le coussin.", "Haut Conseil de stabilité financière"),
    ("Selon la direction départementale des territoires de la Sarthe, le projet avance.",
     "direction départementale des territoires de la Sarthe"),
    ("Le tour est mené par Weil, Gotshal & Manges pour le compte du fonds.", "Weil, Gotshal & Manges"),
    ("La banque Crédit Industriel et Commercial a arrangé le prêt.", "Crédit Industriel et Commercial"),
    ("L'équipe de l'unité « Dynamique des cellules tumorales » publie.", "Dynamique des cellules tumorales"),
    ("Elle a rejoint l'entreprise (ex-Voltalia) en 2021.", "Voltalia"),
])
def test_pool_holds_names_no_rule_vouches_for(extractor, org_component, text, name):
    """The learned decision can only keep what the pool offers: long lowercase institutional
    names, comma lists before `&`, names joined by `et`, quoted names, `ex-` prefixes."""
    from extractor.orgs.sources import char_offsets

    doc = extractor.nlp.make_doc(text)
    for _, proc in extractor.nlp.pipeline:
        if not _ours(proc):
            doc = proc(doc)
    pool = candidate_pool(doc, org_component.proposals(doc), org_data.words())
    spans = {text[slice(*char_offsets(doc, s, e))] for s, e in pool}
    assert name in spans


def _ours(proc) -> bool:
    return type(proc).__module__.startswith("extractor")


# --- NER fine-tuning references -----------------------------------------------------

def test_ner_reference_teaches_gold_orgs_and_rehearses_other_labels(extractor):
    from extractor.training.ner import load_base, reference_doc

    nlp = load_base()
    text = "Marie Durand dirige Kelvia à Lyon avec la Banque Zorbal."
    predicted = nlp(text)
    k, z = text.index("Kelvia"), text.index("Banque Zorbal")
    gold = Record("t", None, [
        Mention("ORG", "Kelvia", k, k + 6),
        Mention("ORG", "Banque Zorbal", z, z + 13, optional=True),
    ])
    ref = reference_doc(nlp, predicted, Document("t", text, gold, "w"))
    labels = {e.text: e.label_ for e in ref.ents}
    assert labels["Kelvia"] == "ORG"
    kept = {e.text: e.label_ for e in predicted.ents if e.label_ in ("PER", "LOC", "MISC") and e.text not in ("Kelvia", "Banque Zorbal")}
    for name, label in kept.items():
        assert labels.get(name) == label  # rehearsed: the model is not taught to forget them
    zorbal = [t for t in ref if t.text in ("Banque", "Zorbal")]
    assert all(t.ent_iob_ == "" for t in zorbal)  # optional gold: neither taught nor refused


def test_the_inputs_hash_reads_the_ner_it_is_given(tmp_path):
    """`train --out-dir` writes the NER elsewhere: the decision's hash must cover that NER,
    so that the pair, copied into models/org, is current; another NER is another hash."""
    import shutil

    copy = tmp_path / "ner"
    shutil.copytree(models_dir() / "org" / "ner", copy)
    assert inputs_hash(ner=copy) == inputs_hash()
    (copy / "cfg").write_bytes((copy / "cfg").read_bytes() + b" ")
    assert inputs_hash(ner=copy) != inputs_hash()


_ORDER_PROBE = """
import hashlib, sys
from pathlib import Path
from extractor import Extractor
from extractor.lexicon import reading
from extractor.orgs.features import doc_facts, features
from extractor.orgs.learned import candidate_pool
nlp = Extractor().nlp
component = nlp.get_pipe("press_org")
det = component.detect
texts = [p.read_text(encoding="utf-8") for p in sorted(Path("fixtures/press_releases").glob("*.txt"))]
digest = hashlib.sha256()
with reading(component.folder):
    for doc in nlp.pipe(texts, disable=["press_org"]):
        proposals = det.proposals(doc)
        pool = candidate_pool(doc, proposals, det.words)
        facts = doc_facts(doc, pool)
        for (s, e), ev in pool.items():
            feats = features(doc, s, e, ev, facts, det.words, det.knowledge)
            digest.update(repr((s, e, feats, det.decide.model.probability(feats))).encode())
        digest.update(repr([(p.start, p.end, p.source) for p in det.decide(doc, proposals)]).encode())
print(digest.hexdigest())
"""


def test_candidates_and_features_come_in_the_same_order_in_every_process():
    """Training rows are the pool's candidates in pool order, and the weights a logistic
    regression fits depend on row order: the pool, each row's features and the scores must
    not follow Python's per-process string hashing (sets of strings iterate in hash order)."""
    import os
    import subprocess
    import sys

    root = Path(__file__).resolve().parent.parent
    digests = set()
    for seed in ("1", "2"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        done = subprocess.run([sys.executable, "-c", _ORDER_PROBE], cwd=root, env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr[-2000:]
        digests.add(done.stdout.strip())
    assert len(digests) == 1


def test_a_trained_model_records_the_libraries_it_was_made_with():
    """Across machines a retrain gives other NER weights: the meta says where a model was made."""
    import platform

    import spacy
    import thinc

    from extractor.training import environment

    found = environment()
    assert found["spacy"] == spacy.__version__ and found["thinc"] == thinc.__version__
    assert found["machine"] == platform.machine() and found["python"] == platform.python_version()
    assert all(isinstance(v, str) and v for v in found.values())
