"""Toolkits A and C as loaded match the source documents (../shared/seeds/003 and 004)."""

import pytest

from citygrow.catalogue.models import GuideQuestion, Theme, Toolkit
from citygrow.practices.models import Practice

# Counted in the sources by hand: key factors, guide questions per key factor, examples per key
# factor (one example = one city's block), context factors and their bullets, terms.
EXPECTED = {
    "A": {
        "questions": [3, 5, 3, 3, 5, 3, 2],
        "examples": [
            ["Munich"],
            ["Munich", "Vienna"],
            ["Birmingham", "London"],
            ["Birmingham", "London"],
            ["Birmingham", "Brighton & Hove"],
            ["London"],
            ["Utrecht", "Birmingham"],
        ],
        "context_bullets": [3, 1, 3, 3, 2, 4, 2, 1, 1, 3],
        "terms": 5,
    },
    "C": {
        "questions": [6, 4, 5, 4, 5, 5, 2, 5, 4],
        "examples": [
            ["Helsinki", "Dublin", "Tampere"],
            ["Vienna", "Dublin"],
            ["Vienna", "Rotterdam"],
            ["Helsinki", "Lisbon"],
            ["Helsinki", "Amsterdam"],
            ["Utrecht", "Helsinki"],
            ["West Midlands", "Nicosia", "Vienna"],
            ["Rotterdam", "Dublin", "Brighton & Hove"],
            ["Wolverhampton", "Brighton & Hove"],
        ],
        "context_bullets": [3, 1, 3, 3, 2, 4, 2, 1, 1, 3],
        "terms": 2,
    },
}


@pytest.mark.parametrize("code", ["A", "C"])
def test_the_toolkit_has_every_key_factor_question_example_and_context_factor(seeded, code):
    toolkit = Toolkit.objects.with_content().get(theme__code=code, year=2018)
    expected = EXPECTED[code]
    factors = list(toolkit.key_factors.all())
    assert [f.guide_questions.count() for f in factors] == expected["questions"]
    assert [[p.city.name for p in f.practices.all()] for f in factors] == expected["examples"]
    assert [len(c.examples) for c in toolkit.context_factors.all()] == expected["context_bullets"]
    assert toolkit.terms.count() == expected["terms"]
    assert toolkit.status == Toolkit.Status.PUBLISHED
    assert (toolkit.source_publisher, toolkit.source_year) == ("EUROCITIES", 2018)


def test_toolkit_a_reads_as_the_source(toolkit_a):
    assert toolkit_a.standard.startswith(
        "The city ensures that its procurement processes and supplier engagement activities "
        "specifically encourage and develop the participation of immigrant entrepreneurs"
    )
    assert toolkit_a.coverage_notes.startswith(
        "The benchmark draws on the Migration Policy Group's (MPG) Supplier Diversity Benchmark"
    )
    assert "Copyright © 2018 EUROCITIES asbl, Brussels, Belgium." in toolkit_a.credit
    headings = list(toolkit_a.key_factors.values_list("heading", flat=True))
    assert headings[0] == "Mapping and needs assessment"
    assert headings[-1] == (
        "Prime contractors and other suppliers to the city practice inclusive procurement"
    )
    assert GuideQuestion.objects.filter(
        key_factor__toolkit=toolkit_a,
        text="Does the city advertise procurement opportunities through local sources used by "
        "this population?",
    ).exists()
    first = GuideQuestion.objects.get(
        key_factor__toolkit=toolkit_a, key_factor__position=1, position=1
    )
    assert first.text == "Does the city collect and monitor data on:"
    assert len(first.sub_items) == 5
    assert first.sub_items[-1] == "the procurement needs of the city."
    assert Practice.objects.filter(
        toolkit=toolkit_a,
        city__name="London",
        text__contains="Of the 160 local construction companies on the programme, approximately "
        "30% are black and/or ethnic minority run.",
    ).exists()
    munich = Practice.objects.get(toolkit=toolkit_a, key_factor__position=1)
    assert munich.links == ["https://bit.ly/2PlzCtg"]
    terms = list(toolkit_a.terms.values_list("term", flat=True))
    assert terms[0] == "Immigrant" and "Small enterprise" in terms


def test_toolkit_c_reads_as_the_source(toolkit_c):
    assert toolkit_c.standard.startswith(
        "The city recognises the contribution of a diverse entrepreneurial community to "
        "socio-economic inclusion and economic development at the local level"
    )
    assert toolkit_c.coverage_notes == ""
    first = toolkit_c.key_factors.get(position=1)
    assert first.heading == "Strategy to enhance a diverse entrepreneurial community"
    assert first.summary.startswith("The city has a strategy to support its diverse")
    assert GuideQuestion.objects.filter(
        key_factor=first, text="Was the strategy drawn up based on a mapping exercise?"
    ).exists()
    assert Practice.objects.filter(
        toolkit=toolkit_c,
        city__name="Utrecht",
        text__contains="Every year 1,000 applications are received, 25% of which get support "
        "and a business start-up loan.",
    ).exists()
    # Link targets come from the PDF's hyperlinks, not the garbled recognised text.
    helsinki = Practice.objects.get(toolkit=toolkit_c, key_factor=first, city__name="Helsinki")
    assert helsinki.links == ["https://bit.ly/2J7q1cY"]
    labour = toolkit_c.context_factors.get(category="Labour market and other economic conditions")
    assert labour.examples[0] == "Overall economic conditions and rates of unemployment city-wide"
    # The source gives these two terms without definitions; none is invented.
    assert list(toolkit_c.terms.values_list("term", "definition")) == [
        ("Migrant", ""),
        ("Migrant entrepreneurs", ""),
    ]


def test_themes_b_and_d_exist_without_content(seeded):
    for code, title in [
        (
            "B",
            "Promoting appropriate migrant participation in local labour markets "
            "through partnerships",
        ),
        ("D", "Anti-discrimination strategies for the local job market"),
    ]:
        theme = Theme.objects.get(code=code)
        assert theme.title == title
        assert not theme.toolkits.exists()


def test_every_example_city_and_every_partner_city_is_a_city(seeded):
    from citygrow.people.models import City

    partners = [
        "Athens", "Barcelona", "Birmingham", "Brighton & Hove", "Dresden", "Gdansk", "Ghent",
        "Helsinki", "Lisbon", "Munich", "Nantes", "Nicosia", "Riga", "Rotterdam", "Tampere",
        "Utrecht",
    ]  # fmt: skip
    assert set(partners) <= set(City.objects.values_list("name", flat=True))
    assert City.objects.filter(name__in=partners).values("country").distinct().count() == 12


def test_toolkit_c_tells_readers_what_the_editors_restored_or_moved(toolkit_c, client):
    """Issue 12: what the YAML comments knew is shown to readers as editor's notes."""
    mapping = GuideQuestion.objects.get(
        key_factor__toolkit=toolkit_c, text="Was the strategy drawn up based on a mapping exercise?"
    )
    assert "unreadable in the source" in mapping.note
    # The NewCo Helsinki address printed at the end of the Lisbon example belongs to Helsinki.
    helsinki = Practice.objects.get(
        toolkit=toolkit_c, key_factor__position=4, city__name="Helsinki"
    )
    lisbon = Practice.objects.get(toolkit=toolkit_c, key_factor__position=4, city__name="Lisbon")
    assert helsinki.links == ["https://newcohelsinki.fi/en/"]
    assert "Lisbon example" in helsinki.note
    assert lisbon.links == [] and "newcohelsinki" not in lisbon.text
    assert "belongs to the Helsinki example" in lisbon.note
    # Dublin's first example links, in the source itself, to Brighton & Hove's strategy.
    dublin = Practice.objects.get(toolkit=toolkit_c, key_factor__position=1, city__name="Dublin")
    assert dublin.links == ["https://bit.ly/2DqTCvA"]
    assert "Brighton & Hove" in dublin.note

    page = client.get(toolkit_c.get_absolute_url()).content.decode()
    assert page.count("Editor's note:") == 4
    assert "unreadable in the source document" in page
    practice_page = client.get(dublin.get_absolute_url()).content.decode()
    assert "Editor's note:" in practice_page and "Brighton &amp; Hove" in practice_page


def test_toolkits_without_notes_have_none(toolkit_a):
    assert not GuideQuestion.objects.filter(key_factor__toolkit=toolkit_a).exclude(note="").exists()
    assert not Practice.objects.filter(toolkit=toolkit_a).exclude(note="").exists()


def test_the_api_gives_the_editors_notes(toolkit_c, client):
    data = client.get("/api/v1/toolkits/C/2018").json()
    first = data["key_factors"][0]
    assert "unreadable in the source" in first["guide_questions"][3]["note"]
    assert first["guide_questions"][0]["note"] == ""
    dublin = next(e for e in first["examples"] if e["city"] == "Dublin")
    assert "Brighton & Hove" in dublin["note"]
    practice = client.get(f"/api/v1/practices/{dublin['id']}").json()
    assert practice["note"] == dublin["note"]
