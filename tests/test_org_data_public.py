"""The public half of the organization knowledge (issue #13): the French State, local
authorities, research, education and health, international and francophone bodies, and the
lexicon of things of public life that look like organizations and are not.

Most tests read the data as data; the last ones run the pipeline on sentences written for
them, to show the knowledge reaches detection.
"""
import pytest

from extractor.lexicon import models_dir
from extractor.orgs import data as org_data
from extractor.orgs.data import fold

# File -> floor on its distinct organizations (floors, not counts: the data may grow, not shrink).
GAZETTEER_FILES = {
    "territorial_fr.tsv": 400,
    "public_fr.tsv": 700,
    "research_education_health.tsv": 600,
    "international.tsv": 420,
}
ALL_FLOOR = 2150
NOT_ORG_FILE, NOT_ORG_FLOOR = "public.tsv", 380

# Region -> the form naming its authority, and its council's name when that is a variant of it.
# Corse, Martinique and Guyane have a single authority, Mayotte a department holding the
# powers of a region.
REGIONS = [
    ("Auvergne-Rhône-Alpes", "Région Auvergne-Rhône-Alpes", "Conseil régional d'Auvergne-Rhône-Alpes"),
    ("Bourgogne-Franche-Comté", "Région Bourgogne-Franche-Comté", "Conseil régional de Bourgogne-Franche-Comté"),
    ("Bretagne", "Région Bretagne", "Conseil régional de Bretagne"),
    ("Centre-Val de Loire", "Région Centre-Val de Loire", "Conseil régional du Centre-Val de Loire"),
    ("Corse", "Région Corse", "Assemblée de Corse"),
    ("Grand Est", "Région Grand Est", "Conseil régional du Grand Est"),
    ("Hauts-de-France", "Région Hauts-de-France", "Conseil régional des Hauts-de-France"),
    ("Île-de-France", "Région Île-de-France", "Conseil régional d'Île-de-France"),
    ("Normandie", "Région Normandie", "Conseil régional de Normandie"),
    ("Nouvelle-Aquitaine", "Région Nouvelle-Aquitaine", "Conseil régional de Nouvelle-Aquitaine"),
    ("Occitanie", "Région Occitanie", "Conseil régional d'Occitanie"),
    ("Pays de la Loire", "Région Pays de la Loire", "Conseil régional des Pays de la Loire"),
    ("Provence-Alpes-Côte d'Azur", "Région Provence-Alpes-Côte d'Azur", "Conseil régional de Provence-Alpes-Côte d'Azur"),
    ("Guadeloupe", "Région Guadeloupe", "Conseil régional de la Guadeloupe"),
    ("Martinique", "Région Martinique", "Conseil régional de la Martinique"),
    ("Guyane", "Région Guyane", "Conseil régional de la Guyane"),
    ("La Réunion", "Région Réunion", "Conseil régional de La Réunion"),
    ("Mayotte", "Département de Mayotte", "Conseil départemental de Mayotte"),
]

# The 101 departments: code, name, and the name with the preposition the authority takes.
DEPARTMENTS = [
    ("01", "Ain", "de l'Ain"), ("02", "Aisne", "de l'Aisne"), ("03", "Allier", "de l'Allier"),
    ("04", "Alpes-de-Haute-Provence", "des Alpes-de-Haute-Provence"), ("05", "Hautes-Alpes", "des Hautes-Alpes"),
    ("06", "Alpes-Maritimes", "des Alpes-Maritimes"), ("07", "Ardèche", "de l'Ardèche"), ("08", "Ardennes", "des Ardennes"),
    ("09", "Ariège", "de l'Ariège"), ("10", "Aube", "de l'Aube"), ("11", "Aude", "de l'Aude"), ("12", "Aveyron", "de l'Aveyron"),
    ("13", "Bouches-du-Rhône", "des Bouches-du-Rhône"), ("14", "Calvados", "du Calvados"), ("15", "Cantal", "du Cantal"),
    ("16", "Charente", "de la Charente"), ("17", "Charente-Maritime", "de la Charente-Maritime"), ("18", "Cher", "du Cher"),
    ("19", "Corrèze", "de la Corrèze"), ("2A", "Corse-du-Sud", "de la Corse-du-Sud"), ("2B", "Haute-Corse", "de la Haute-Corse"),
    ("21", "Côte-d'Or", "de la Côte-d'Or"), ("22", "Côtes-d'Armor", "des Côtes-d'Armor"), ("23", "Creuse", "de la Creuse"),
    ("24", "Dordogne", "de la Dordogne"), ("25", "Doubs", "du Doubs"), ("26", "Drôme", "de la Drôme"), ("27", "Eure", "de l'Eure"),
    ("28", "Eure-et-Loir", "d'Eure-et-Loir"), ("29", "Finistère", "du Finistère"), ("30", "Gard", "du Gard"),
    ("31", "Haute-Garonne", "de la Haute-Garonne"), ("32", "Gers", "du Gers"), ("33", "Gironde", "de la Gironde"),
    ("34", "Hérault", "de l'Hérault"), ("35", "Ille-et-Vilaine", "d'Ille-et-Vilaine"), ("36", "Indre", "de l'Indre"),
    ("37", "Indre-et-Loire", "d'Indre-et-Loire"), ("38", "Isère", "de l'Isère"), ("39", "Jura", "du Jura"),
    ("40", "Landes", "des Landes"), ("41", "Loir-et-Cher", "de Loir-et-Cher"), ("42", "Loire", "de la Loire"),
    ("43", "Haute-Loire", "de la Haute-Loire"), ("44", "Loire-Atlantique", "de la Loire-Atlantique"), ("45", "Loiret", "du Loiret"),
    ("46", "Lot", "du Lot"), ("47", "Lot-et-Garonne", "de Lot-et-Garonne"), ("48", "Lozère", "de la Lozère"),
    ("49", "Maine-et-Loire", "de Maine-et-Loire"), ("50", "Manche", "de la Manche"), ("51", "Marne", "de la Marne"),
    ("52", "Haute-Marne", "de la Haute-Marne"), ("53", "Mayenne", "de la Mayenne"), ("54", "Meurthe-et-Moselle", "de Meurthe-et-Moselle"),
    ("55", "Meuse", "de la Meuse"), ("56", "Morbihan", "du Morbihan"), ("57", "Moselle", "de la Moselle"),
    ("58", "Nièvre", "de la Nièvre"), ("59", "Nord", "du Nord"), ("60", "Oise", "de l'Oise"), ("61", "Orne", "de l'Orne"),
    ("62", "Pas-de-Calais", "du Pas-de-Calais"), ("63", "Puy-de-Dôme", "du Puy-de-Dôme"),
    ("64", "Pyrénées-Atlantiques", "des Pyrénées-Atlantiques"), ("65", "Hautes-Pyrénées", "des Hautes-Pyrénées"),
    ("66", "Pyrénées-Orientales", "des Pyrénées-Orientales"), ("67", "Bas-Rhin", "du Bas-Rhin"), ("68", "Haut-Rhin", "du Haut-Rhin"),
    ("69", "Rhône", "du Rhône"), ("70", "Haute-Saône", "de la Haute-Saône"), ("71", "Saône-et-Loire", "de Saône-et-Loire"),
    ("72", "Sarthe", "de la Sarthe"), ("73", "Savoie", "de la Savoie"), ("74", "Haute-Savoie", "de la Haute-Savoie"),
    ("75", "Paris", "de Paris"), ("76", "Seine-Maritime", "de la Seine-Maritime"), ("77", "Seine-et-Marne", "de Seine-et-Marne"),
    ("78", "Yvelines", "des Yvelines"), ("79", "Deux-Sèvres", "des Deux-Sèvres"), ("80", "Somme", "de la Somme"),
    ("81", "Tarn", "du Tarn"), ("82", "Tarn-et-Garonne", "de Tarn-et-Garonne"), ("83", "Var", "du Var"),
    ("84", "Vaucluse", "de Vaucluse"), ("85", "Vendée", "de la Vendée"), ("86", "Vienne", "de la Vienne"),
    ("87", "Haute-Vienne", "de la Haute-Vienne"), ("88", "Vosges", "des Vosges"), ("89", "Yonne", "de l'Yonne"),
    ("90", "Territoire de Belfort", "du Territoire de Belfort"), ("91", "Essonne", "de l'Essonne"),
    ("92", "Hauts-de-Seine", "des Hauts-de-Seine"), ("93", "Seine-Saint-Denis", "de la Seine-Saint-Denis"),
    ("94", "Val-de-Marne", "du Val-de-Marne"), ("95", "Val-d'Oise", "du Val-d'Oise"), ("971", "Guadeloupe", "de la Guadeloupe"),
    ("972", "Martinique", "de la Martinique"), ("973", "Guyane", "de la Guyane"), ("974", "La Réunion", "de La Réunion"),
    ("976", "Mayotte", "de Mayotte"),
]
# Departments whose powers another authority now holds: their names are variants of it.
MERGED = {
    "2A": "Collectivité de Corse", "2B": "Collectivité de Corse", "67": "Collectivité européenne d'Alsace",
    "68": "Collectivité européenne d'Alsace", "972": "Collectivité territoriale de Martinique",
    "973": "Collectivité territoriale de Guyane", "75": "Ville de Paris",
}


def _lines(path):
    return [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines() if line.strip() and not line.startswith("#")]


def _file_forms(filename):
    forms = set()
    for name, variants, *_ in _lines(models_dir() / "org" / "gazetteer" / filename):
        forms.update([name, *(v for v in variants.split("|") if v)])
    return forms


@pytest.fixture(scope="module")
def gazetteer():
    return org_data.gazetteer()


def test_the_public_files_load_with_their_floors(gazetteer):
    total = 0
    for filename, floor in GAZETTEER_FILES.items():
        names = [fields[0] for fields in _lines(models_dir() / "org" / "gazetteer" / filename)]
        assert len(names) == len(set(names)), f"{filename}: an organization is listed twice"
        assert len(names) >= floor, filename
        assert all(name in gazetteer for name in names)  # loaded, under its own name
        total += len(names)
    assert total >= ALL_FLOOR
    lexicon = org_data.not_orgs()
    names = [fields[0] for fields in _lines(models_dir() / "org" / "not_orgs" / NOT_ORG_FILE)]
    assert len(names) == len(set(names)) and len(names) >= NOT_ORG_FLOOR
    assert all(lexicon[name].name == name for name in names)


@pytest.mark.parametrize("folder, filename", [("gazetteer", f) for f in GAZETTEER_FILES] + [("not_orgs", NOT_ORG_FILE)])
def test_each_file_states_provenance_and_scope(folder, filename):
    first, second = (models_dir() / "org" / folder / filename).read_text(encoding="utf-8").splitlines()[:2]
    assert first.startswith("# Provenance:") and "no list copied" in first
    assert second.startswith("# Scope:")


@pytest.mark.parametrize("region, authority, council", REGIONS, ids=[r[0] for r in REGIONS])
def test_every_region_has_its_authority(gazetteer, region, authority, council):
    entry = gazetteer[authority]
    assert entry.kind == "local_authority"
    assert gazetteer[council].name == entry.name  # the council names the same authority


def test_the_department_list_is_complete():
    assert len(DEPARTMENTS) == 101 and len({code for code, _, _ in DEPARTMENTS}) == 101


@pytest.mark.parametrize("code, name, de", DEPARTMENTS, ids=[d[0] for d in DEPARTMENTS])
def test_every_department_has_its_spellings(gazetteer, code, name, de):
    entry = gazetteer[f"Département {de}"]
    assert entry.kind == "local_authority"
    assert entry.name == MERGED.get(code, f"Département {de}")
    if code != "75":  # Paris never had a departmental council of that name: the Conseil de Paris sat as one
        assert gazetteer[f"Conseil départemental {de}"].name == entry.name


def test_no_bare_place_is_an_organization(gazetteer):
    known = {fold(form) for form in gazetteer}
    places = {name for _, name, _ in DEPARTMENTS} | {region for region, _, _ in REGIONS}
    # every town the gazetteer knows as `Ville de X` is itself a place
    for form in gazetteer:
        for head in ("Ville de ", "Ville d'", "Ville du "):
            if form.startswith(head):
                town = form[len(head):]
                places.add("Le " + town if head == "Ville du " else town)
    assert len(places) > 200
    assert sorted(p for p in places if fold(p) in known) == []


def test_the_public_forms_clash_with_no_other_organization(gazetteer):
    owners = {}
    for form, entry in gazetteer.items():
        owners.setdefault(fold(form), set()).add(entry.name)
    for filename in GAZETTEER_FILES:
        clashes = sorted(f for f in _file_forms(filename) if len(owners[fold(f)]) > 1)
        assert clashes == [], filename


def test_nothing_is_both_an_organization_and_not_one():
    known = org_data.gazetteer_by_fold()
    assert sorted(f for f in org_data.not_orgs() if fold(f) in known) == []


@pytest.mark.parametrize("form", ["CNAM", "Cnam", "INRS", "DGT", "DGS", "DGA", "CPI", "UCA", "ICM", "PSE", "TSE", "CIO", "SEM", "Grand Paris"])
def test_acronyms_naming_two_things_are_left_out(gazetteer, form):
    assert form not in gazetteer


@pytest.mark.parametrize("form, exact, context", [
    ("Renaissance", True, True),        # a common word
    ("Horizons", True, True),
    ("Assurance maladie", True, False),  # `l'assurance maladie` is the insurance, not the body
    ("Union européenne", False, True),  # a body when it acts, a territory otherwise
    ("Région wallonne", False, True),
    ("Mila", False, True),               # a first name
    ("Cour de cassation", False, False),
    ("Région Bretagne", False, False),
])
def test_ambiguous_public_names_carry_their_flags(gazetteer, form, exact, context):
    entry = gazetteer[form]
    assert (entry.exact, entry.context) == (exact, context)


@pytest.mark.parametrize("form, kind", [
    ("France 2030", "programme"), ("PIA4", "programme"), ("Horizon Europe", "programme"), ("plan de relance", "plan"),
    ("FEDER", "fund"), ("Fonds vert", "fund"), ("DETR", "fund"), ("French Tech 120", "label"), ("Next40", "label"),
    ("i-Lab", "call"), ("Concours Lépine", "call"), ("VivaTech", "event"), ("Téléthon", "event"), ("loi Egalim", "law"),
    ("EPCI", "acronym"), ("EHPAD", "acronym"), ("BTS", "title"), ("préfet", "title"), ("Stade de France", "venue"),
    ("Hôtel de Région", "venue"), ("Parcoursup", "product"),
])
def test_public_lexicon_kinds(form, kind):
    assert org_data.not_orgs()[form].kind == kind


# Sentences written for these tests: each needs the knowledge of this branch (none was found
# this way before it).
@pytest.mark.parametrize("text, expected", [
    ("Le projet est cofinancé par le FEDER et le Fonds vert.", []),
    ("Investissement Québec et le Fonds de solidarité FTQ participent au tour de table.",
     ["Investissement Québec", "Fonds de solidarité FTQ"]),
    ("Nantes Métropole a signé la convention avec la Carene.", ["Nantes Métropole", "Carene"]),
    pytest.param("Le Stade toulousain a annoncé le recrutement d'un ailier.", ["Stade toulousain"],
                 marks=pytest.mark.xfail(strict=True, reason="since the retrain with w14 and w15 (stop 24), a club "
                                         "the gazetteer knows only with context, alone in a sentence, sits under the "
                                         "threshold (p 0.367 < 0.40)")),
    ("Le Défenseur des droits a rendu une décision.", ["Défenseur des droits"]),
    ("Le Parquet national financier a ouvert une information judiciaire.", ["Parquet national financier"]),
    ("L'Inrap a mis au jour une nécropole.", ["Inrap"]),
    ("Le Gouvernement wallon a approuvé le budget.", ["Gouvernement wallon"]),
    ("Hier, l'Arcom a mis en demeure la chaîne.", ["Arcom"]),
    ("Le Cnous et les Crous ont revalorisé les bourses.", ["Cnous", "Crous"]),
    ("Le Secrétariat d'État à l'économie (SECO) a publié ses prévisions.", ["Secrétariat d'État à l'économie", "SECO"]),
    # the learned decision weighs a known name against the longer name around it, and
    # reads long lowercase institutional names (under the rule decision both failed)
    ("La start-up a rejoint l'EPFL Innovation Park à Lausanne en 2023.", ["EPFL Innovation Park"]),
    ("Le tribunal de commerce de Lyon a prononcé la liquidation de la société Kelvia.", ["tribunal de commerce de Lyon", "Kelvia"]),
])
def test_the_knowledge_reaches_detection(extractor, text, expected):
    assert [m.text for m in extractor.extract(text).organizations] == expected
