"""The organization knowledge under models/org/: the gazetteer and the not-an-organization lexicon.

Checks the data as data (sizes, flags, provenance, consistency between the two lists) and
that a broken line in either is refused with its path and line. Nothing here runs the
pipeline.
"""
import shutil

import pytest

from extractor.lexicon import LexiconError, models_dir, reading
from extractor.orgs import data as org_data

# The files written for the companies-and-finance half of the knowledge (issue #13).
GAZETTEER_FILES = ["companies_fr.tsv", "companies_world.tsv", "finance.tsv", "media.tsv"]
NOT_ORG_FILES = ["finance.tsv"]


def _entries(path):
    """(lineno, fields) of every data line of a TSV file."""
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip() and not line.startswith("#"):
            yield lineno, line.split("\t")


def _forms(name, variants):
    return [name, *(v.strip() for v in variants.split("|") if v.strip())]


def _reload():
    for loader in (org_data.gazetteer, org_data.gazetteer_by_fold, org_data.not_orgs):
        loader.cache_clear()


@pytest.fixture
def models_copy(tmp_path):
    """A private copy of models/org's gazetteer and lexicon, loaded in place of the real one."""
    root = tmp_path / "models"
    for sub in ("gazetteer", "not_orgs"):
        shutil.copytree(models_dir() / "org" / sub, root / "org" / sub)
    _reload()
    with reading(root):  # the loaders read the copy while the test runs
        yield root
    _reload()


def test_gazetteer_and_lexicon_load_with_their_floors():
    _reload()
    names = {e.name for e in org_data.gazetteer().values()}
    # Floors, not counts: the knowledge may grow, it must not shrink by accident.
    assert len(names) >= 3000
    lexicon_names = {e.name for e in org_data.not_orgs().values()}
    assert len(lexicon_names) >= 450


@pytest.mark.parametrize("filename, floor", [
    ("companies_fr.tsv", 800), ("companies_world.tsv", 850), ("finance.tsv", 650), ("media.tsv", 300),
])
def test_each_gazetteer_file_holds_distinct_organizations(filename, floor):
    path = models_dir() / "org" / "gazetteer" / filename
    names = [fields[0] for _, fields in _entries(path)]
    assert len(names) == len(set(names)), "an organization is listed twice in the same file"
    assert len(names) >= floor


@pytest.mark.parametrize("folder, filename", [("gazetteer", f) for f in GAZETTEER_FILES] + [("not_orgs", f) for f in NOT_ORG_FILES])
def test_files_state_their_provenance_first(folder, filename):
    first = (models_dir() / "org" / folder / filename).read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# Provenance:") and "no list copied" in first


def test_no_organization_is_listed_in_two_files():
    seen: dict[str, str] = {}
    for path in org_data.gazetteer_files():
        for _, fields in _entries(path):
            assert fields[0] not in seen or seen[fields[0]] == path.name, f"{fields[0]!r} in {seen.get(fields[0])} and {path.name}"
            seen[fields[0]] = path.name


def test_no_two_organizations_share_a_folded_form():
    # gazetteer_by_fold() keeps one entry per folded form: two names folding alike would hide one.
    owners: dict[str, str] = {}
    for form, entry in org_data.gazetteer().items():
        key = org_data.fold(form)
        assert owners.setdefault(key, entry.name) == entry.name, f"{form!r}: {owners[key]!r} and {entry.name!r}"


def test_nothing_is_both_an_organization_and_not_one():
    known = org_data.gazetteer_by_fold()
    clashes = sorted(f for f in org_data.not_orgs() if org_data.fold(f) in known)
    assert clashes == []


@pytest.mark.parametrize("form", ["CA", "SG", "SAS", "SA", "Crédit", "Générale", "Capital", "On", "X", "ici", "Elle", "Mars", "Avril"])
def test_common_words_and_bare_abbreviations_name_no_organization(form):
    assert form not in org_data.gazetteer()


@pytest.mark.parametrize("form, exact, context", [
    ("Casino", True, True),       # a common word, capitalized at sentence start
    ("Boulanger", True, True),    # a trade and a surname
    ("Printemps", True, True),    # a season
    ("Le Point", True, True),     # `le point`
    ("Visa", True, True),
    ("Peugeot", False, True),     # surnames
    ("Lagardère", False, True),
    ("Louis Vuitton", False, True),
    ("DuPont", True, True),       # `Dupont` is a French surname
    ("Alan", False, True),        # a first name
    ("Kering", False, False),     # unambiguous names carry no flag
    ("Alten", False, False),
])
def test_ambiguous_names_carry_their_flags(form, exact, context):
    entry = org_data.gazetteer()[form]
    assert (entry.exact, entry.context) == (exact, context)


def test_regional_banks_are_organizations_of_their_own():
    gaz = org_data.gazetteer()
    assert gaz["Crédit Agricole Alpes Provence"].name == "Crédit Agricole Alpes Provence"
    assert gaz["CEPAC"].name == "Caisse d'Epargne Provence-Alpes-Corse"
    assert gaz["Banque Populaire Rives de Paris"].kind == "bank"


@pytest.mark.parametrize("form, kind", [
    ("CAC 40", "index"), ("SBF 120", "index"), ("Euro Stoxx 50", "index"), ("Stoxx Europe 600", "index"),
    ("Nikkei", "index"), ("Brent", "commodity"), ("€STR", "rate"), ("Livret A", "product"), ("PEA", "product"),
    ("EBITDA", "acronym"), ("SAS", "acronym"), ("CA", "acronym"), ("Bâle III", "law"), ("iPhone", "product"),
    ("GAFAM", "sector"), ("Franc CFA", "currency"),
])
def test_lexicon_kinds(form, kind):
    assert org_data.not_orgs()[form].kind == kind


def test_trading_venues_are_not_in_the_lexicon():
    # The gold takes venues (Euronext Growth, Nasdaq) as optional organizations.
    lexicon = org_data.not_orgs()
    assert "Euronext Growth" not in lexicon and "Nasdaq" not in lexicon


@pytest.mark.parametrize("line, message", [
    ("Acme\tACME\tcompany", "expected 4 tab-separated fields"),
    ("Acme\tACME\tcompany\tshiny", "unknown flags"),
    ("Acme\tACME\tcorporation\t", "type 'corporation'"),
    ("Acme\tKering\tcompany\t", "'Kering' already names 'Kering'"),
])
def test_a_broken_gazetteer_line_is_refused_with_its_place(models_copy, line, message):
    path = models_copy / "org" / "gazetteer" / "media.tsv"
    lines = path.read_text(encoding="utf-8").splitlines() + [line]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(LexiconError) as err:
        org_data.gazetteer()
    assert f"{path}:{len(lines)}:" in str(err.value) and message in str(err.value)


def test_a_broken_lexicon_line_is_refused_with_its_place(models_copy):
    path = models_copy / "org" / "not_orgs" / "finance.tsv"
    lines = path.read_text(encoding="utf-8").splitlines() + ["Acme 50\t\tstock\tan index"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(LexiconError, match="kind 'stock'") as err:
        org_data.not_orgs()
    assert f"{path}:{len(lines)}:" in str(err.value)


def test_the_copy_loads_like_the_original(models_copy):
    # The fixture itself must not break loading: the refusals above come from the added line.
    assert len({e.name for e in org_data.gazetteer().values()}) >= 3000
