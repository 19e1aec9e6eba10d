"""Error analysis, baseline comparison and the HTML report (with a real headless browser)."""
from __future__ import annotations

import copy
import json
import re
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from conftest import FIXTURES
from extractor.evaluation.compare import compare
from extractor.evaluation.errors import CONTEXT, Kind, align, analyse, group, source_texts
from extractor.evaluation.scoring import evaluate
from extractor.records import Mention, Record, read_records
from extractor.evaluation.report import render

GOLD_DIR = FIXTURES / "gold"


def M(label, start, end, text=None, **kw):
    return Mention(label, text or "x" * (end - start), start, end, **kw)


@pytest.fixture(scope="module")
def gold():
    return read_records(GOLD_DIR)


@pytest.fixture(scope="module")
def texts(gold):
    return source_texts(GOLD_DIR, None, [r.doc_id for r in gold])


def perturb(records: list[Record]) -> list[Record]:
    """Predictions with every kind of error, made from the gold by rule (so they stay valid)."""
    out = []
    for i, rec in enumerate(records):
        mentions = []
        for j, m in enumerate(m for m in rec.mentions if not m.optional):
            m = copy.deepcopy(m)
            rule = (i + j) % 9
            if rule == 0:
                continue  # missed
            if rule == 1 and len(m.text) > 2:
                m = replace(m, start=m.start + 1, text=m.text[1:])  # boundary
            elif rule == 2:
                m = replace(m, label="ORG" if m.label != "ORG" else "DATE", value=None, high=None, currency=None,
                            qualifier=None, name=None)  # label
            elif rule == 3 and m.label in ("MONEY", "PERCENT"):
                m = replace(m, value=str(int(float(m.value)) + 1))  # value
            elif rule == 4 and m.label != "ORG":
                m = replace(m, qualifier=None if m.qualifier else "approx")  # qualifier
            mentions.append(m)
        if i % 2:
            mentions.append(Mention("PERCENT", "", 0, 0, value="1"))  # spurious (empty spans never overlap)
        out.append(Record(rec.doc_id, rec.document_date, mentions))
    return out


@pytest.fixture(scope="module")
def pred(gold):
    return perturb(gold)


# --- alignment and errors --------------------------------------------------------------

def test_each_kind_on_a_hand_made_document():
    gold = [M("ORG", 0, 7), M("MONEY", 10, 20, value="5", currency="EUR"), M("DATE", 30, 34, value="2025"),
            M("PERCENT", 40, 43, value="10", qualifier="lt"), M("ORG", 50, 55), M("ORG", 60, 66, optional=True)]
    pred = [M("ORG", 0, 7),  # correct
            M("MONEY", 12, 20, value="5", currency="EUR"),  # boundary
            M("ORG", 30, 34),  # label
            M("PERCENT", 40, 43, value="11"),  # value and qualifier
            M("ORG", 61, 63),  # overlaps an optional gold mention: ignored
            M("DATE", 70, 74, value="2024")]  # spurious; ORG 50-55 is missed
    matches = [(a.match, [k.value for k in a.kinds]) for a in align("d", gold, pred)]
    assert matches == [("exact", []), ("boundary", ["boundary"]), ("label", ["label"]),
                       ("exact", ["value", "qualifier"]), ("missed", ["missed"]), ("ignored", []), ("ignored", []),
                       ("spurious", ["spurious"])]


def test_same_label_overlap_wins_over_a_label_error():
    # The partial score matches ORG with ORG; the error list must agree with it.
    gold = [M("ORG", 0, 10)]
    pred = [M("MONEY", 0, 10, value="1", currency="EUR"), M("ORG", 0, 5)]
    assert sorted(a.match for a in align("d", gold, pred)) == ["boundary", "spurious"]


def test_errors_reconcile_with_the_scores(gold, pred, texts):
    report, ev = analyse(gold, pred, texts), evaluate(gold, pred)
    n = {k: 0 for k in Kind}
    for e in report.errors:
        n[e.kind] += 1
    assert all(n.values()), n  # the perturbation makes every kind
    strict, partial, value = (ev.counts[s]["micro"] for s in ("strict", "partial", "value"))
    assert n[Kind.BOUNDARY] == partial.tp - strict.tp
    assert n[Kind.MISSED] + n[Kind.BOUNDARY] + n[Kind.LABEL] == strict.fn
    assert n[Kind.SPURIOUS] + n[Kind.BOUNDARY] + n[Kind.LABEL] == strict.fp
    assert n[Kind.VALUE] == strict.tp - value.tp
    ok, total = ev.qualifier["micro"]
    assert n[Kind.QUALIFIER] == total - ok
    confusion = report.confusion
    assert sum(confusion[g][g] for g in ("ORG", "MONEY", "DATE", "PERCENT")) == partial.tp


def test_context_is_forty_characters_each_side(gold, pred, texts):
    report = analyse(gold, pred, texts)
    for e in report.errors[:200]:
        text = texts[e.doc_id]
        assert e.left == text[max(0, e.start - CONTEXT):e.start]
        assert e.right == text[e.end:e.end + CONTEXT]
        assert e.middle == text[e.start:e.end]
    assert all(e.left is None for e in analyse(gold, pred).errors)  # no texts, no context


def test_groups_most_frequent_first():
    a, b = M("ORG", 0, 8, "Vélantis"), M("ORG", 0, 3, "CCI")
    errs = [analyse_error(Kind.MISSED, b), analyse_error(Kind.MISSED, a), analyse_error(Kind.MISSED, a)]
    assert [(g.surface, g.count) for g in group(errs)] == [("Vélantis", 2), ("CCI", 1)]


def analyse_error(kind, gold_mention):
    from extractor.evaluation.errors import MentionError

    return MentionError(kind, "d", gold_mention, None)


def test_error_report_is_json_serializable(gold, pred, texts):
    data = json.loads(json.dumps(analyse(gold, pred, texts).to_dict(), ensure_ascii=False))
    assert set(data) == {"counts", "confusion", "groups", "items"}
    assert data["items"][0]["kind"] in {k.value for k in Kind}


# --- baseline -----------------------------------------------------------------------------

def test_baseline_lists_fixed_and_broken_mentions(gold, pred):
    fixed_doc = gold[0]
    better = [r if r.doc_id != fixed_doc.doc_id else copy.deepcopy(fixed_doc) for r in pred]
    right = next(m for m in better[1].mentions if m in gold[1].mentions)  # a correct prediction
    worse = [Record(r.doc_id, r.document_date, [m for m in r.mentions if m is not right]) for r in better]
    c = compare(analyse(gold, worse), analyse(gold, pred), evaluate(gold, worse), evaluate(gold, pred))
    counts = c.counts()
    assert counts["total"]["fixed"] > 0 and counts["total"]["broke"] == 1
    (broke,) = [x for x in c.changes if x.change == "broke"]
    assert broke.doc_id == gold[1].doc_id and broke.before == "correct" and broke.after == "missed"
    assert {x.doc_id for x in c.changes if x.change == "fixed"} == {fixed_doc.doc_id}
    assert c.scores["new"]["strict"] != c.scores["baseline"]["strict"]


# --- HTML -------------------------------------------------------------------------------

HOSTILE = 'Le <script>alert("x")</script> & la société "Raidium" <b>lève</b> 5 M€.'


def test_html_escapes_document_and_record_text():
    start = HOSTILE.index("Raidium")
    gold = [Record("evil<id>", None, [M("ORG", start, start + 7, "Raidium", name='"><img src=x onerror=alert(1)>')])]
    html = render(evaluate(gold, []), analyse(gold, [], {"evil<id>": HOSTILE}), {"evil<id>": HOSTILE})
    assert "<script>alert" not in html and "<b>lève" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)" in html and "evil&lt;id&gt;" in html
    assert html.count("<mark class=\"m") == 1


def test_html_without_texts_lists_the_mentions(gold, pred):
    html = render(evaluate(gold[:2], pred[:2]), analyse(gold[:2], pred[:2]), {})
    assert "Source text not found" in html
    assert html.count("<mark class=\"m") == sum(len(r.mentions) for r in gold[:2] + pred[:2])


CHROMIUM = shutil.which("chromium")


def dump_dom(page: Path, tmp_path: Path, fragment: str = "") -> tuple[str, list[str]]:
    """The DOM after scripts ran, and the page's console messages (Chromium logs them to stderr)."""
    proc = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={tmp_path / 'chromium-profile'}", "--enable-logging=stderr", "--v=0",
         "--dump-dom", page.as_uri() + fragment],
        capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr[-2000:]
    console = [line for line in proc.stderr.splitlines() if ":CONSOLE" in line]
    return proc.stdout, console


@pytest.mark.skipif(CHROMIUM is None, reason="needs Debian's chromium for the headless browser test "
                                             "(apt-get install -y chromium)")
def test_report_loads_in_chromium_without_console_errors(gold, pred, texts, tmp_path):
    page = tmp_path / "report.html"
    report = analyse(gold, pred, texts)
    page.write_text(render(evaluate(gold, pred), report, texts), encoding="utf-8")
    expected = sum(len(r.mentions) for r in gold) + sum(len(r.mentions) for r in pred)
    dom, console = dump_dom(page, tmp_path)
    assert console == []
    body = re.search(r"<body[^>]*>", dom).group(0)
    assert 'data-ready="1"' in body
    assert f'data-marks="{expected}"' in body and f'data-shown="{expected}"' in body
    assert dom.count("<mark class=\"m") == expected
    # filters given in the address: missed organizations only
    missed_org = sum(1 for e in report.errors if e.kind is Kind.MISSED and e.label == "ORG")
    dom, console = dump_dom(page, tmp_path, "#labels=ORG&kinds=missed&only=1")
    assert console == []
    assert f'data-shown="{missed_org}"' in re.search(r"<body[^>]*>", dom).group(0)
    docs_with = {e.doc_id for e in report.errors if e.kind is Kind.MISSED and e.label == "ORG"}
    assert dom.count('class="doc"') == len(docs_with)


# --- command line ------------------------------------------------------------------------

def run(*args):
    return subprocess.run([sys.executable, "-m", "extractor", *map(str, args)], capture_output=True, text=True,
                          timeout=120)


@pytest.fixture(scope="module")
def pred_file(pred, tmp_path_factory):
    path = tmp_path_factory.mktemp("errors") / "pred.jsonl"
    path.write_text("".join(r.to_json() + "\n" for r in pred), encoding="utf-8")
    return path


def test_cli_errors_html_and_baseline(pred_file, gold, tmp_path):
    html = tmp_path / "report.html"
    proc = run("evaluate", "--gold", GOLD_DIR, "--pred", pred_file, "--errors", "--html", html,
               "--baseline", GOLD_DIR)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    for kind in Kind:
        assert f"== {kind.value} (" in out
    assert "label confusion" in out and "errors by surface form" in out and "compared with baseline" in out
    assert re.search(r"^total\s+0\s+\d+\s+0$", out, re.M)  # the gold as baseline: nothing to fix
    assert "…" in out and "⟦" in out  # context from press_releases/ beside the gold folder
    assert html.stat().st_size > 10_000 and f"wrote {html}" in proc.stderr
    proc = run("evaluate", "--gold", GOLD_DIR, "--pred", pred_file, "--errors", "--json")
    data = json.loads(proc.stdout)
    assert data["errors"]["counts"]["missed"] > 0 and data["strict"]["micro"]["fn"] > 0


def test_cli_html_refuses_to_overwrite_an_input(pred_file):
    proc = run("evaluate", "--gold", GOLD_DIR, "--pred", pred_file, "--html", pred_file)
    assert proc.returncode == 2 and "output file is also an input" in proc.stderr
