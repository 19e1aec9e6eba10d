"""ORG detection rules, canonical names and the seed, as tables of examples."""
from __future__ import annotations

import pytest

from extractor.orgs import data as org_data
from extractor.candidates import Candidate
from extractor.orgs.names import canonical_names, key

# (sentence, organisations expected exactly, in order)
POSITIVE = [
    # head nouns: the head belongs to the name
    ("Valérie Pécresse, Présidente de la Région Île-de-France, a annoncé un plan.", ["Région Île-de-France"]),
    ("Le Conseil régional d'Occitanie a voté le budget.", ["Conseil régional d'Occitanie"]),
    ("Un essai mené avec l'Hôpital Fondation Rothschild.", ["Hôpital Fondation Rothschild"]),
    ("Il ouvre le lycée Paul Valéry (Paris 12ᵉ) en septembre.", ["lycée Paul Valéry"]),
    ("Un partenariat avec l'Université Paris-Saclay est signé.", ["Université Paris-Saclay"]),
    ("Lancement du Fonds FemTech Île-de-France, un fonds inédit.", ["Fonds FemTech Île-de-France"]),
    # appositions: only the name is the span
    ("C'est la start-up parisienne Raidium qui remporte le challenge.", ["Raidium"]),
    ("3 M€ dans la licorne francilienne Mistral.ai pour entraîner un modèle.", ["Mistral.ai"]),
    ("Les travaux sont menés avec l'association Les Compagnons du Bâti cette année.", ["Les Compagnons du Bâti"]),
    # legal forms and organisation suffixes
    ("Kelvia SAS édite une plateforme logicielle.", ["Kelvia SAS"]),
    ("Le tour est mené par Capucine Ventures et Rivage Capital.", ["Capucine Ventures", "Rivage Capital"]),
    ("Elle rachète Brightwater Analytics, Inc. pour 40 M$.", ["Brightwater Analytics, Inc."]),
    # stacked and Asian legal forms stay in the span; a later bare mention follows the full one
    ("Un accord avec Hoshida Kogyo Co., Ltd. est signé. Hoshida Kogyo livrera en mai.", ["Hoshida Kogyo Co., Ltd.", "Hoshida Kogyo"]),
    ("Le conseil de Marvell Quayle Corp. a approuvé l'offre.", ["Marvell Quayle Corp."]),
    # all caps and gazetteer
    ("La Région mobilise 2,25 M € pour X-FAB FRANCE (foundry analogique).", ["X-FAB FRANCE"]),
    ("Le projet est soutenu par Bpifrance et la Banque des Territoires.", ["Bpifrance", "Banque des Territoires"]),
    # lowercase heads of public bodies, hospitals and intercommunal bodies, followed by a name
    ("Le gouvernement du Manitoba accorde une aide de 2 M$.", ["gouvernement du Manitoba"]),
    ("Le projet est financé par le ministère de la Culture via un appel.", ["ministère de la Culture"]),
    (
        "Le ministère du Travail, de la Santé et des Solidarités sociales publie aujourd'hui le bilan.",
        ["ministère du Travail, de la Santé et des Solidarités sociales"],
    ),
    ("Les patients sont suivis à l'hôpital Lariboisière depuis mars.", ["hôpital Lariboisière"]),
    ("Le parc est porté par la communauté de communes du Val d'Oise Nord et un syndicat.", ["communauté de communes du Val d'Oise Nord"]),
    # a descriptive name ending in a common noun takes its territory
    ("Elle s'appuie sur l'Office de développement touristique de Bretagne pour recruter.", ["Office de développement touristique de Bretagne"]),
    # research units, glued labs and listed bodies
    ("Le CEA-List et Inria signent un accord.", ["CEA-List", "Inria"]),
    ("Une équipe du laboratoire LNPA (Sorbonne Université/CNRS) publie ses résultats.", ["LNPA", "Sorbonne Université", "CNRS"]),
    # English names: a fund or authority suffix, a name running on after `of`
    ("Le tour réunit le Rhône Start-up Fund et deux business angels.", ["Rhône Start-up Fund"]),
    ("Les étudiants du Lyon Institute of Culinary Arts participent.", ["Lyon Institute of Culinary Arts"]),
    # a known organisation the NER tags MISC after `ex-`
    ("Léa Martin (ex-Schneider Electric) rejoint l'équipe.", ["Schneider Electric"]),
    # an abbreviation a name defines is a mention, and so are its later uses
    ("La Coopérative des Vignerons Unis (CVU) grandit. La CVU compte 300 membres.", ["Coopérative des Vignerons Unis", "CVU", "CVU"]),
    # one decision per name: the second, bare mention follows the first
    ("La jeune pousse Zorvane lève 2 M€. Zorvane emploie 12 personnes.", ["Zorvane", "Zorvane"]),
    # law firms named after people carry no head, cue or suffix: the gazetteer knows them
    ("Le conseil est assuré par Slaughter and May et Bredin Prat.", ["Slaughter and May", "Bredin Prat"]),
]

NEGATIVE = [
    # places, events, programmes, common nouns, titles, header junk, emails
    "Les serveurs sont installés en Essonne et en Île-de-France.",
    "La Région a profité de l'édition 2025 de VivaTech pour annoncer la mesure.",
    "Le dernier en date, le challenge « AI for Health », est doté de 600 k€.",
    "Le projet est soutenu par France 2030.",
    "Elle a présenté la plateforme Ma Région près de chez moi aux habitants.",
    "La collectivité veut combler ce retard et la Région investit.",
    "06/12/2025 | Press release | Distributed by Public on 06/12/2025 09:00",
    "Contact : eleonore.flaceliere@iledefrance.fr",
    "Objectif : dès 2026, n'importer aucune puce hors UE.",
    # towns the document itself shows to be places: postcode, department code, `fondée à`, dateline
    "Hôtel de Ville, 12 place du Marché, 38000 Voironde",
    "VOIRONDE (38) - 4 mars 2025",
    "Fondée en 1987 à Brantôme, la maison compte 40 salariés.",
    # acronyms defined by a common-noun phrase, tickers and technical terms
    "Le coefficient de solvabilité réglementaire (CSR) atteint 180 %.",
    "L'offre réservée aux salariés (ORS) a été sursouscrite.",
    "Les actions (mnémonique ALKVA) seront cotées le 4 juin.",
    "Les clients reçoivent une alerte par SMS et la R-D progresse.",
    # programmes, trials and buildings opening a name; headers and opening adverbs
    "Les résultats de l'essai CARDIOLINK sont publiés.",
    "Le financement vient du Programme national de recherche en santé publique.",
    "Parallèlement, le groupe investit 3 M€.",
    "• Capitalisation boursière d'environ 200 M€",
    "Siège : Bâtiment B, 12 rue des Lilas",
    "Agenda financier\nRéunion investisseurs : ce jour à 18h00",
    "La Communauté urbaine investit et son vice-président de la Communauté urbaine chargé des transports s'en félicite.",
]

# Known failures, by decision. The rules were written on these sentences; the learned
# decision was not, and misses these (strict: a fix shows as an unexpected pass).
RULES_MISSES = {
    "Bpifrance, via son Fonds Chaleur de l'ADEME, finance le projet.":
        "a programme named after its organisation (X de l'ADEME) is read as one name",
}
LEARNED_MISSES = {
    "Le gouvernement du Manitoba accorde une aide de 2 M$.":
        "a government named by its territory: no training text holds `gouvernement du` + a province",
    "Le ministère du Travail, de la Santé et des Solidarités sociales publie aujourd'hui le bilan.":
        "the list of a ministry's domains is cut before its last item",
    "Le coefficient de solvabilité réglementaire (CSR) atteint 180 %.":
        "an acronym defined by a common-noun phrase is still taken when the NER calls it ORG",
    "L'offre réservée aux salariés (ORS) a été sursouscrite.":
        "an acronym defined by a common-noun phrase is still taken when the NER calls it ORG",
    "La Communauté urbaine investit et son vice-président de la Communauté urbaine chargé des transports s'en félicite.":
        "a capitalised common noun (`la Communauté urbaine`) is taken for a name",
}
POSITIVE.append(("Bpifrance, via son Fonds Chaleur de l'ADEME, finance le projet.", ["Bpifrance", "ADEME"]))


@pytest.fixture(scope="module")
def rules_extractor():
    from extractor import Extractor

    return Extractor(overrides={"components.press_org.decision": "", "components.ner.weights": ""})


def _by_decision(cases):
    """Each case under both decisions: the hand-ordered rules (with the original NER they were
    written with) and the learned decision with the fine-tuned NER (shipped)."""
    out = []
    for case in cases:
        text = case[0] if isinstance(case, tuple) else case
        for decision, misses in (("rules", RULES_MISSES), ("learned", LEARNED_MISSES)):
            marks = [pytest.mark.xfail(strict=True, reason=misses[text])] if text in misses else []
            out.append(pytest.param(decision, *(case if isinstance(case, tuple) else (case,)), marks=marks,
                                    id=f"{decision}-{text[:40]}"))
    return out


def _orgs(extractor, text):
    return [m.text for m in extractor.extract(text).organizations]


@pytest.mark.parametrize("decision,text,expected", _by_decision(POSITIVE))
def test_finds_organisations(extractor, rules_extractor, decision, text, expected):
    assert _orgs(rules_extractor if decision == "rules" else extractor, text) == expected


@pytest.mark.parametrize("decision,text", _by_decision(NEGATIVE))
def test_refuses_non_organisations(extractor, rules_extractor, decision, text):
    assert _orgs(rules_extractor if decision == "rules" else extractor, text) == []


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


def test_seed(seed_record, seed_gold):
    optional = [m for m in seed_gold.organizations if m.optional]
    gold = {(m.start, m.end) for m in seed_gold.organizations if not m.optional}
    scored = [m for m in seed_record.organizations if not any(m.start < o.end and o.start < m.end for o in optional)]
    pred = {(m.start, m.end) for m in scored}
    tp = len(gold & pred)
    f1 = 2 * tp / (len(gold) + len(pred))
    assert f1 >= 0.95, (sorted(pred - gold), sorted(gold - pred))
    # as the evaluator does, a prediction on an optional gold mention is neither right nor wrong
    names = {m.name for m in scored}
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


def test_a_pattern_that_cannot_be_anchored_is_refused(extractor):
    from extractor.lexicon import LexiconError
    from extractor.orgs.anchors import AnchoredMatcher
    from extractor.orgs.data import Pattern

    with pytest.raises(LexiconError, match="first token"):
        AnchoredMatcher(extractor.nlp, [Pattern("bad:shape", "full", [{"IS_TITLE": True}, {"ORTH": "SA"}])])
    with pytest.raises(LexiconError, match="may be absent"):
        AnchoredMatcher(extractor.nlp, [Pattern("bad:optional", "full", [{"ORTH": "Le", "OP": "?"}, {"ORTH": "SA"}])])
