"""Properties that hold for any input: extraction never raises, every span is the
text it claims, mentions never overlap, every value parses."""
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extractor.records import Record

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def check_record(record, text):
    # Round trip through JSON validates every field (decimal strings, ISO dates,
    # currency codes, qualifiers); check() validates offsets and overlaps.
    again = Record.from_dict(record.to_dict())
    again.check(text)
    assert again.to_dict() == record.to_dict()


@SETTINGS
@given(text=st.text(min_size=1, max_size=300))
def test_arbitrary_unicode(extractor, text):
    check_record(extractor.extract(text, document_date="2025-06-12"), text)


# --- texts built from the grammar of amounts, dates and percentages -------------

numbers = st.one_of(
    st.integers(0, 10**12).map(str),
    st.integers(0, 10**6).map(lambda n: f"{n:,}".replace(",", " ")),
    st.integers(0, 10**6).map(lambda n: f"{n:,}".replace(",", "\u202f")),
    st.integers(0, 10**6).map(lambda n: f"{n:,}".replace(",", ".")),
    st.tuples(st.integers(0, 999), st.integers(0, 99)).map(lambda t: f"{t[0]},{t[1]}"),
    st.sampled_from(["trois", "vingt-cinq", "un milliard et demi", "cent", "mille", "deux cents"]),
)
signs = st.sampled_from(["", "+", "-", "– ", "−", "("])
scales = st.sampled_from(["", " k", "K", " M", "M", " Md", " Mds", " millions", " milliard", " mille", " G", "bn", "m"])
currencies = st.sampled_from(["", " €", "€", " euros", " d'euros", " $", " USD", " dollars", " CHF", " francs",
                              " £", " pence", " centimes", " EUR", " yens", " francs CFA"])
percents = st.sampled_from([" %", "%", " pour cent", " pourcent", " p. cent", ") %", " points"])
cues = st.sampled_from(["", "près de ", "moins de ", "plus d'", "jusqu'à ", "au moins ", "environ ", "dès ",
                        "depuis ", "d'ici ", "entre ", "de ", "à partir de ", "fin ", "début ", "mi-"])
months = st.sampled_from(["janvier", "février", "mars", "juin", "août", "décembre", "juil.", "sept."])
days = st.integers(0, 40).map(str)
years = st.integers(1890, 2110).map(str)
dates = st.one_of(
    st.tuples(days, months, years).map(" ".join),
    st.tuples(st.sampled_from(["Jeudi ", "lundi ", ""]), days, months).map(lambda t: f"{t[0]}{t[1]} {t[2]}"),
    st.tuples(days, days, years).map("/".join),
    st.tuples(years, st.integers(0, 13), st.integers(0, 32)).map(lambda t: f"{t[0]}-{t[1]:02d}-{t[2]:02d}"),
    st.tuples(st.sampled_from(["T1 ", "S2 ", "1er trimestre ", "premier semestre ", "printemps ", "l'édition "]), years)
    .map("".join),
    st.sampled_from(["hier", "aujourd'hui", "l'an dernier", "la semaine prochaine", "le mois dernier", "mardi"]),
    st.tuples(years, years).map("-".join),
)
fragments = st.one_of(
    st.tuples(cues, signs, numbers, scales, currencies).map("".join),
    st.tuples(cues, signs, numbers, percents).map("".join),
    st.tuples(cues, dates).map("".join),
    st.tuples(numbers, st.sampled_from([" et ", " à ", "-"]), numbers, scales, currencies).map("".join),
    st.sampled_from(["La Région Île-de-France", "la start-up Raidium", "France 2030", "COP21", "01 23 45 67 89",
                     "75008 Paris", "(91)", "80 startups", "pendant 5 ans", "X-FAB FRANCE", "Mistral.ai"]),
)
fillers = st.sampled_from([" ", ", ", " et ", ". ", " : ", "\n", "\r\n", " — ", " soit ", " en "])


@SETTINGS
@given(parts=st.lists(st.tuples(fragments, fillers), min_size=1, max_size=12), with_date=st.booleans())
def test_grammar_of_quantities_and_dates(extractor, parts, with_date):
    text = "".join(f + s for f, s in parts)
    record = extractor.extract(text, document_date="2025-06-12" if with_date else None)
    check_record(record, text)


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=40))
def test_without_accents_drops_combining_marks_of_any_text(text):
    """Its shortcut for ASCII text gives what the decomposition gives."""
    import unicodedata

    from extractor.folding import without_accents

    for form, compatibility in (("NFKD", True), ("NFD", False)):
        decomposed = unicodedata.normalize(form, text)
        expected = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
        assert without_accents(text, compatibility=compatibility) == expected
