"""ORG detection (examples in tests/corpus/orgs.tsv), repair rules, canonical names and the seed."""
from __future__ import annotations

import pytest

from extractor.orgs import data as org_data
from extractor.candidates import Candidate
from extractor.orgs.names import canonical_names, key

from examples import mentions, params

# Both decisions run every row of tests/corpus/orgs.tsv: the hand-ordered rules (with the
# original NER they were written with) and the learned decision with the fine-tuned NER
# (shipped). The learned decision was not written on these sentences; its known misses
# are strict xfails of that decision only, so a fix shows as an unexpected pass.
DECISIONS = ("rules", "learned")


@pytest.fixture(scope="module")
def rules_extractor():
    from extractor import Extractor

    return Extractor(overrides={"components.press_org.decision": "", "components.ner.weights": ""})


def _orgs(extractor, text):
    return [m.text for m in extractor.extract(text).organizations]


@pytest.mark.parametrize("decision, text, document_date, country, expected", params("orgs.tsv", DECISIONS))
def test_organisations_corpus(extractor, rules_extractor, decision, text, document_date, country, expected):
    want = [span for span, *_ in mentions(expected)]
    assert _orgs(rules_extractor if decision == "rules" else extractor, text) == want


@pytest.mark.parametrize(
    "text,proposed,expected",
    [
        # a research unit's code number is not part of its name
        ("au sein de l'UMR 7252 XLIM cette année", "UMR 7252 XLIM", "XLIM"),
        ("avec l'UMR SPHERE et le CNRS", "UMR SPHERE", "UMR SPHERE"),
        # a lowercase role word ends the name
        ("le vice-président de la Métropole Nord chargé des transports", "Métropole Nord chargé des transports", "Métropole Nord"),
    ],
)
def test_repair_trims_to_the_name(extractor, text, proposed, expected):
    from extractor.orgs.spans import repair

    doc = extractor.nlp.make_doc(text)
    first = text.index(proposed)
    span = doc.char_span(first, first + len(proposed))
    start, end = repair(doc, span.start, span.end, org_data.words())
    assert doc[start:end].text == expected


@pytest.mark.parametrize(
    "text, acronym, term",
    [
        ("Les salariés ont approuvé l'accord de performance collective (APC) en mars.", "APC", True),
        pytest.param("Une hausse de 3 % du ratio de fonds propres de base durs (CET1) est attendue.", "CET1", True,
                     marks=pytest.mark.xfail(strict=True, reason="`fonds` is also the head of a body's name "
                                             "(Fonds de solidarité FTQ), so `fonds propres` reads as one")),
        # a body written in lower case: its head noun says so
        ("Le dossier a été reçu par la direction générale de l'offre de soins (DGOS) hier.", "DGOS", False),
        # a comma list runs on before the parenthesis: where the phrase starts is not seen
        ("Elle rejoint la direction de l'économie, de l'emploi et des solidarités (DREETS).", "DREETS", False),
        # twelve words back and still no start: not known
        ("Voici le programme national de soutien technique de modernisation durable de petites "
         "exploitations agricoles familiales de montagne (PNSTM).", "PNSTM", False),
    ],
)
def test_an_acronym_defined_by_a_common_noun_phrase(extractor, text, acronym, term):
    from extractor.orgs.spans import is_term_acronym

    doc = extractor.nlp.make_doc(text)
    i = next(t.i for t in doc if t.text == acronym)
    assert is_term_acronym(doc, i, i + 1, org_data.words()) is term


def test_sub_unit_is_its_parent(extractor):
    found = extractor.extract("Service presse de la Région Ile-de-France - service.presse@iledefrance.fr").organizations
    assert [m.text for m in found] == ["Région Ile-de-France"]


@pytest.mark.parametrize(
    "texts,names",
    [
        (["Région Île-de-France", "Région Ile-de-France"], ["Région Île-de-France"] * 2),
        (["Kelvia", "Kelvia SAS", "KELVIA"], ["Kelvia"] * 3),
        # `& Co` is part of the name, not a legal form
        (["Rothschild & Co"], ["Rothschild & Co"]),
        # the legal form is left out of the name even when every mention carries it
        (["Nordhavn A/S", "Nordhavn"], ["Nordhavn"] * 2),
        (["Brightwater Analytics, Inc."], ["Brightwater Analytics"]),
        (["Hoshida Kogyo Co., Ltd.", "Hoshida Kogyo"], ["Hoshida Kogyo"] * 2),
        (["Atelier Ombre Middle East FZ-LLC"], ["Atelier Ombre Middle East"]),
        # a name that only looks like a legal form keeps it
        (["SA"], ["SA"]),
        (["THERMOFLUX INDUSTRIE", "Thermoflux Industrie"], ["Thermoflux Industrie"] * 2),
        (["Région Occitanie", "Conseil régional d'Occitanie"], ["Région Occitanie"] * 2),
        (["Néréide Analytics", "Néréide"], ["Néréide Analytics"] * 2),
        (["CCI Occitanie", "CCI"], ["CCI Occitanie"] * 2),
        (["Comité régional du tourisme et des loisirs", "CRTL Occitanie"], ["Comité régional du tourisme et des loisirs"] * 2),
        # the short form came first: two organisations (a company and its investment arm)
        (["Vélantis", "Vélantis Ventures"], ["Vélantis", "Vélantis Ventures"]),
        # a defined abbreviation joins the name it abbreviates
        (["Coopérative des Vignerons Unis", "CVU"], ["Coopérative des Vignerons Unis"] * 2),
        # an ambiguous short form stays on its own
        (["CCI Occitanie", "CCI Paris", "CCI"], ["CCI Occitanie", "CCI Paris", "CCI"]),
    ],
)
def test_canonical_names(texts, names):
    candidates = [Candidate("ORG", i * 100, i * 100 + len(t), t) for i, t in enumerate(texts)]
    assert canonical_names(candidates) == names


def test_gazetteer_variant_groups_with_its_name():
    candidates = [
        Candidate("ORG", 0, 4, "ADEME", parts={"gazetteer": "ADEME"}),
        Candidate("ORG", 10, 50, "Agence de la transition écologique", parts={"gazetteer": "ADEME"}),
    ]
    names = canonical_names(candidates)
    assert names[0] == names[1]


def test_keys_ignore_case_accents_and_legal_form():
    assert key("Région Île-de-France") == key("REGION ILE-DE-FRANCE")
    assert key("Kelvia SAS") == key("Kelvia")


def test_data_files_validate():
    assert len(org_data.patterns()) >= 20
    assert len({e.name for e in org_data.gazetteer().values()}) >= 300
    assert org_data.words().has("places", "Ile-de-France")


def _seed_scored(seed_record, seed_gold):
    # as the evaluator does, a prediction on an optional gold mention is neither right nor wrong
    optional = [m for m in seed_gold.organizations if m.optional]
    return [m for m in seed_record.organizations if not any(m.start < o.end and o.start < m.end for o in optional)]


def test_seed(seed_record, seed_gold):
    gold = {(m.start, m.end) for m in seed_gold.organizations if not m.optional}
    pred = {(m.start, m.end) for m in _seed_scored(seed_record, seed_gold)}
    tp = len(gold & pred)
    f1 = 2 * tp / (len(gold) + len(pred))
    assert f1 >= 0.95, (sorted(pred - gold), sorted(gold - pred))


@pytest.mark.xfail(strict=True, reason="since the retrain with w14 and w15 (stop 24), which raised ORG strict on every "
                   "unseen set, the seed's `Fonds FemTech Île-de-France` sits just under the threshold (p 0.39 < 0.40)")
def test_seed_finds_every_organization(seed_record, seed_gold):
    names = {m.name for m in _seed_scored(seed_record, seed_gold)}
    assert {key(n) for n in names} == {key(m.text) for m in seed_gold.organizations if not m.optional}


def test_anchored_matcher_finds_what_the_whole_doc_matcher_finds(extractor):
    """The ORG patterns run only where their first token can match; the matches are the
    whole-Doc Matcher's, on every fixture and on sentences crowded with pattern words."""
    from pathlib import Path

    from spacy.matcher import Matcher

    from extractor.orgs.anchors import AnchoredMatcher

    nlp = extractor.nlp
    whole = Matcher(nlp.vocab, validate=True)
    for pattern in org_data.patterns():
        whole.add(pattern.id, [pattern.tokens])
    anchored = AnchoredMatcher(nlp, org_data.patterns())
    texts = [p.read_text(encoding="utf-8") for p in sorted(Path("fixtures/press_releases").glob("*.txt"))]
    texts.append("la start-up lyonnaise jeune innovante Kelvia SAS, la Région Bretagne, le Conseil régional "
                 "économique et social de la Région, la Chambre de commerce et d'industrie de Lyon, Mistral.ai, X-FAB FRANCE")
    for doc in nlp.pipe(texts, disable=[n for n in nlp.pipe_names if n != "ner"]):
        expected = {(nlp.vocab.strings[k], s, e) for k, s, e in whole(doc)}
        assert set(anchored(doc)) == expected


def _gazetteer_spellings():
    from extractor.orgs.sources import strip_accents

    forms = org_data.knowledge(org_data.DEFAULT_GAZETTEER, org_data.DEFAULT_NOT_ORGS).forms
    return sorted({v for f in forms for s in (f, strip_accents(f)) for v in (s, s.replace("'", "’"), s.replace("’", "'"))})


def test_gazetteer_spellings_are_tokenized_as_the_tokenizer_would(extractor):
    """The gazetteer tokenizes its spellings without building Docs: the tokens are
    `nlp.make_doc`'s for every spelling of the bundled gazetteer, and for the shapes
    that must go through the tokenizer (elision, hyphen, dots, digits, odd spacing)."""
    from extractor.orgs.sources import SpellingTokens

    nlp = extractor.nlp
    tokens = SpellingTokens(nlp)
    shapes = ["Ville d’Angers", "Saint-Étienne Métropole", "A.P. Moller", "Point.P", "3M France", "AT&T",
              "Crédit  Agricole", "Caisse\tdes Dépôts", "l'Oréal", "Mistral.ai"]
    with_docs = {s: tuple(t.text for t in nlp.make_doc(s)) for s in _gazetteer_spellings() + shapes}
    assert {s: tokens(s) for s in with_docs} == with_docs


def test_gazetteer_finds_what_phrase_matchers_find(extractor):
    """Its lookup of token tuples finds, on every fixture, the spans and names that spaCy's
    PhraseMatcher (ORTH for the exact spellings, LOWER for the others) finds."""
    from pathlib import Path

    from spacy.matcher import PhraseMatcher
    from spacy.tokens import Doc

    nlp = extractor.nlp
    gazetteer = nlp.get_pipe("press_org").detect.gazetteer
    matchers = {True: PhraseMatcher(nlp.vocab, attr="ORTH"), False: PhraseMatcher(nlp.vocab, attr="LOWER")}
    for exact, table in ((True, gazetteer.exact), (False, gazetteer.lower)):
        for key, names in table.items():
            for name in names:
                matchers[exact].add(name, [Doc(nlp.vocab, words=list(key))])
    texts = [p.read_text(encoding="utf-8") for p in sorted(Path("fixtures/press_releases").glob("*.txt"))]
    texts.append("la SNCF, Orange et orange, BPIFRANCE, Bpifrance, la Ville d’Angers et la ville d'Angers")
    found = 0
    for doc in nlp.pipe(texts, disable=nlp.pipe_names):
        expected = {(nlp.vocab.strings[k], s, e, exact) for exact, m in matchers.items() for k, s, e in m(doc)}
        assert set(gazetteer.matches(doc)) == expected
        found += len(expected)
    assert found > 100


def test_a_pattern_that_cannot_be_anchored_is_refused(extractor):
    from extractor.lexicon import LexiconError
    from extractor.orgs.anchors import AnchoredMatcher
    from extractor.orgs.data import Pattern

    with pytest.raises(LexiconError, match="first token"):
        AnchoredMatcher(extractor.nlp, [Pattern("bad:shape", "full", [{"IS_TITLE": True}, {"ORTH": "SA"}])])
    with pytest.raises(LexiconError, match="may be absent"):
        AnchoredMatcher(extractor.nlp, [Pattern("bad:optional", "full", [{"ORTH": "Le", "OP": "?"}, {"ORTH": "SA"}])])


# `Co` closes a name only before another form (`Rothschild & Co` is a name of its own).
LEGAL_FORM_CONTEXTS = {"Co": ("Kelvia Co., Ltd. a annoncé", "Co., Ltd.")}


def test_every_legal_form_closes_a_name_and_leaves_its_canonical_name(extractor):
    """words.json `legal_forms` is the one list of legal forms: each, written after a name,
    is found by a legal pattern that ends with it and is stripped from the name."""
    from spacy.matcher import Matcher

    from extractor.orgs.names import without_legal_form

    nlp = extractor.nlp
    legal = Matcher(nlp.vocab, validate=True)
    for pattern in org_data.patterns():
        if pattern.kind == "legal":
            legal.add(pattern.id, [pattern.tokens])
    forms = org_data.words().entries["legal_forms"]
    assert {"SA", "S.A.", "GmbH", "Sàrl", "A/S", "FZ-LLC", "S.p.A."} <= set(forms)
    missed = []
    for form in forms:
        text, written = LEGAL_FORM_CONTEXTS.get(form, (f"Kelvia {form} a annoncé", form))
        end = text.index(written) + len(written)
        doc = nlp.make_doc(text)
        if end not in {doc[e - 1].idx + len(doc[e - 1]) for _, s, e in legal(doc) if doc[s].idx > 0}:
            missed.append(form)
        assert without_legal_form(text[:end]) == "Kelvia", form
    assert missed == []


def test_legal_patterns_read_only_legal_forms_and_their_pieces():
    """What a legal pattern closes a name with, the name resolution knows as legal."""
    from extractor.orgs.names import legal_tokens

    unknown = set()
    for pattern in org_data.patterns():
        if pattern.kind != "legal":
            continue
        for token in pattern.tokens:
            value = token.get("ORTH", token.get("TEXT"))
            for word in value["IN"] if isinstance(value, dict) else [value]:
                if any(ch.isalnum() for ch in word) and org_data.fold(word) not in legal_tokens():
                    unknown.add((pattern.id, word))
    assert unknown == set()


def test_lowercase_sa_and_se_close_no_name(extractor):
    """The pattern matches the forms as written: `sa` and `se` are French words."""
    from extractor.orgs.anchors import AnchoredMatcher

    anchored = AnchoredMatcher(extractor.nlp, org_data.patterns())
    doc = extractor.nlp.make_doc("Kelvia se développe avec sa filiale, Kelvia SA et Nordhavn SE")
    legal = [doc[s:e].text for pid, s, e in anchored(doc) if pid.startswith("legal:")]
    assert legal == ["SA", "SE"]


@pytest.mark.parametrize(
    "token,message",
    [
        ({"ORTH": {"IN": "@no_such_list"}}, "must name a word list"),
        ({"ORTH": {"IN": "legal_forms"}}, "must name a word list"),
        ({"IS_TITLE": {"IN": "@legal_forms"}}, "must name a word list"),
        ({"ORTH": {"IN": "@legal_forms", "NOT_IN": ["Co", "Cie"]}}, "NOT_IN"),
    ],
)
def test_a_broken_word_list_reference_is_refused(token, message):
    from extractor.lexicon import LexiconError

    with pytest.raises(LexiconError, match=message):
        org_data.resolved_token(token, "patterns.jsonl:1")


def test_a_word_list_reference_is_the_list_as_written():
    forms = org_data.words().entries["legal_forms"]
    assert org_data.resolved_token({"ORTH": {"IN": "@legal_forms"}}, "-") == {"ORTH": {"IN": list(forms)}}
    lower = org_data.resolved_token({"LOWER": {"IN": "@legal_forms", "NOT_IN": ["Co"]}, "OP": "?"}, "-")
    assert lower["OP"] == "?" and "gmbh" in lower["LOWER"]["IN"] and "co" not in lower["LOWER"]["IN"]
    assert len(lower["LOWER"]["IN"]) == len(set(lower["LOWER"]["IN"]))  # `Inc` and `inc` once


@pytest.mark.parametrize(
    "text,name,abbreviation",
    [
        ("La Mutuelle des Trois Vallées (M3V), basée à Lyon", "Mutuelle des Trois Vallées", "M3V"),
        ("le Bureau des statistiques du travail (BLS) a publié", "Bureau des statistiques du travail", "BLS"),
        ("la Banque du Japon (BoJ) a relevé", "Banque du Japon", "BoJ"),
        ("l'Agence d'urbanisme Flandre-Dunkerque (Agur) a publié", "Agence d'urbanisme Flandre-Dunkerque", "Agur"),
        # a capitalised word the name does not spell is a name of its own
        ("selon Karine Delattre (Opsilon) et", "Karine Delattre", None),
        ("de l'académie de Créteil (Inspé), rattaché", "académie de Créteil", None),
        # a name of one token, or no closing parenthesis: no definition
        ("selon Kelvia (KLV) et", "Kelvia", None),
        ("la Banque du Japon (BoJ veut) et", "Banque du Japon", None),
    ],
)
def test_an_abbreviation_is_defined_by_one_rule(extractor, text, name, abbreviation):
    from extractor.orgs.rules import defined_abbreviation

    doc = extractor.nlp.make_doc(text)
    first = text.index(name)
    span = doc.char_span(first, first + len(name))
    i = defined_abbreviation(doc, span.start, span.end)
    assert (doc[i].text if i is not None else None) == abbreviation


@pytest.mark.xfail(strict=True, reason="since the retrain with w14 and w15 (stop 24), the NER cuts `Union des commerçants "
                   "et artisans de Quimperlé` before its town, so the abbreviation is defined by a shorter name")
def test_the_abbreviation_spread_as_a_mention_is_the_one_resolution_links(extractor):
    """The spreading and the canonical names read one definition: the defined abbreviation,
    and its later mentions, are named after the name; a company written after a person's
    name keeps its own name."""
    text = ("L'Union des commerçants et artisans de Quimperlé (Ucaq) lance ses chèques cadeaux avec "
            "Karine Delattre (Opsilon). L'Ucaq compte 120 adhérents.")
    names = {(m.text, m.name) for m in extractor.extract(text).organizations}
    union = "Union des commerçants et artisans de Quimperlé"
    assert {("Ucaq", union), ("Opsilon", "Opsilon")} <= names
    assert ("Ucaq", "Ucaq") not in names


def test_token_view_reads_what_tokens_say(extractor):
    """The rules read tokens through a per-Doc view built from the Doc's arrays: on every
    fixture (and an empty text) each column is what the Token objects give."""
    from pathlib import Path

    from extractor.orgs.data import fold
    from extractor.orgs.spans import TokenView, URLISH

    nlp = extractor.nlp
    texts = [p.read_text(encoding="utf-8") for p in sorted(Path("fixtures/press_releases").glob("*.txt"))] + ["", "a"]
    for doc in nlp.pipe(texts, disable=nlp.pipe_names):
        view = TokenView(doc)
        assert view.texts == [t.text for t in doc]
        assert view.idx == [t.idx for t in doc] and view.ends == [t.idx + len(t) for t in doc]
        columns = (view.space, view.lower, view.ws, view.like_num, view.punct, view.title)
        expected = ([t.is_space for t in doc], [t.is_lower for t in doc], [bool(t.whitespace_) for t in doc],
                    [t.like_num for t in doc], [t.is_punct for t in doc], [t.is_title for t in doc])
        assert columns == expected and all(type(x) is bool for column in columns for x in column)
        assert view.folded == [fold(t.text) for t in doc]
        assert view.urlish == [bool(URLISH.search(t.text)) for t in doc]


def test_the_junk_check_finds_any_entry_inside_a_span():
    """One pattern stands for the loop over the junk list: on every entry, with text around
    it, cut short, and on no entry, both say the same."""
    from extractor.orgs.spans import any_of

    junk = org_data.words().lists["junk"]
    pattern = any_of(junk)
    probes = [f"x {j} y" for j in junk] + [j[:-1] for j in junk] + ["kelvia", ""]
    assert [bool(pattern.search(p)) for p in probes] == [any(j in p for j in junk) for p in probes]
    assert sum(bool(pattern.search(p)) for p in probes) >= len(junk)
    assert any_of(frozenset()) is None
