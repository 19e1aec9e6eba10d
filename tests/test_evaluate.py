"""The evaluator on small gold/prediction pairs whose counts were worked out by hand."""
from extractor.evaluation.scoring import Counts, Partial, evaluate, fold_name
from extractor.records import Mention, Record


def M(label, start, end, **kw):
    return Mention(label, "x" * (end - start), start, end, **kw)


GOLD_A = Record("A", "2025-06-12", [
    M("ORG", 0, 7),
    M("ORG", 10, 16, optional=True),
    M("MONEY", 20, 28, value="5250000", currency="EUR"),
    M("MONEY", 40, 50, value="3000000", currency="EUR", qualifier="approx"),
    M("DATE", 60, 64, value="2025"),
    M("PERCENT", 70, 73, value="10", qualifier="lt"),
])
PRED_A = Record("A", "2025-06-12", [
    M("ORG", 0, 7),  # strict hit
    M("ORG", 10, 16),  # on an optional gold mention: ignored
    M("ORG", 12, 14),  # overlaps the optional one too: ignored
    M("MONEY", 20, 28, value="5250000.0", currency="EUR"),  # strict + value (decimal equality)
    M("MONEY", 40, 49, value="3000000", currency="EUR"),  # boundary error: partial only
    M("DATE", 60, 64, value="2024"),  # strict, wrong value
    M("PERCENT", 70, 73, value="10"),  # strict + value, qualifier missed
    M("PERCENT", 80, 83, value="5"),  # spurious
])
GOLD_B = Record("B", None, [M("ORG", 0, 5), M("MONEY", 10, 15, value="1", currency="USD")])  # no prediction


def table(ev, scheme):
    return {label: (c.tp, c.fp, c.fn) for label, c in ev.counts[scheme].items()}


def test_strict_partial_value_counts():
    ev = evaluate([GOLD_A, GOLD_B], [PRED_A])
    assert table(ev, "strict") == {
        "ORG": (1, 0, 1), "MONEY": (1, 1, 2), "DATE": (1, 0, 0), "PERCENT": (1, 1, 0), "micro": (4, 2, 3)}
    assert table(ev, "partial") == {
        "ORG": (1, 0, 1), "MONEY": (2, 0, 1), "DATE": (1, 0, 0), "PERCENT": (1, 1, 0), "micro": (5, 1, 2)}
    assert table(ev, "value") == {
        "ORG": (1, 0, 1), "MONEY": (1, 1, 2), "DATE": (0, 1, 1), "PERCENT": (1, 1, 0), "micro": (3, 3, 4)}


def test_qualifier_accuracy_over_strict_matches():
    ev = evaluate([GOLD_A, GOLD_B], [PRED_A])
    assert ev.qualifier["PERCENT"] == [0, 1]
    assert ev.qualifier["MONEY"] == [1, 1]
    assert ev.qualifier["micro"] == [3, 4]


def test_missing_documents_are_all_missed_and_counted():
    ev = evaluate([GOLD_A, GOLD_B], [PRED_A])
    assert ev.documents["missing_predictions"] == 1
    ev_none = evaluate([GOLD_B], [])
    assert table(ev_none, "strict")["micro"] == (0, 0, 2)


def test_document_level_organizations_fold_names_and_skip_optional():
    ev = evaluate([GOLD_A, GOLD_B], [PRED_A])
    assert (ev.organizations.tp, ev.organizations.fp, ev.organizations.fn) == (1, 0, 1)
    gold = Record("C", None, [
        Mention("ORG", "Région Île-de-France", 0, 20),
        Mention("ORG", "Région Ile-de-France", 30, 50),
        Mention("ORG", "Public", 60, 66, optional=True),
    ])
    pred = Record("C", None, [
        Mention("ORG", "région ile-de-france", 0, 20, name="Région Île-de-France"),
        Mention("ORG", "Public", 70, 76),  # another occurrence of an optional name
        Mention("ORG", "Vivatech", 80, 88),
    ])
    o = evaluate([gold], [pred]).organizations
    assert (o.tp, o.fp, o.fn) == (1, 1, 0)


def test_partial_matches_each_gold_once():
    gold = [M("ORG", 0, 10)]
    pred = [M("ORG", 0, 4), M("ORG", 5, 10)]
    c = Partial().count(gold, pred)
    assert (c.tp, c.fp, c.fn) == (1, 1, 0)


def test_range_high_and_currency_take_part_in_value():
    gold = Record("D", None, [M("MONEY", 0, 9, value="10000000", high="15000000", currency="EUR")])
    for pred_fields, ok in [
        ({"value": "10000000", "high": "15000000.00", "currency": "EUR"}, 1),
        ({"value": "10000000", "currency": "EUR"}, 0),
        ({"value": "10000000", "high": "15000000", "currency": "USD"}, 0),
    ]:
        pred = Record("D", None, [M("MONEY", 0, 9, **pred_fields)])
        assert evaluate([gold], [pred]).counts["value"]["MONEY"].tp == ok


def test_prf_from_counts():
    c = Counts(3, 1, 2)
    assert (round(c.precision, 3), round(c.recall, 3), round(c.f1, 3)) == (0.75, 0.6, 0.667)
    assert Counts().f1 == 0.0
    assert fold_name("Mistral.ai") == fold_name("MISTRAL AI")
