"""manage.py generate_data: the made-up dataset for load tests (benchmarks/load.py)."""

from io import StringIO

import pytest
from django.core.management import call_command

from citygrow.assessments import scoring
from citygrow.assessments.models import Answer, Assessment
from citygrow.catalogue.models import GuideQuestion, Toolkit
from citygrow.people.models import City, CityFigure, Country


def generate(*args: str) -> str:
    out = StringIO()
    call_command("generate_data", "--cities", "20", "--rounds", "2", *args, stdout=out)
    return out.getvalue()


def answers_by_name() -> dict[tuple[str, str, str, int], str]:
    """Every generated answer by city, toolkit, round and question: comparable across runs."""
    return {
        (city, f"{code}-{year}", title, question): value
        for city, code, year, title, question, value in Answer.objects.filter(
            assessment__city__name__startswith="Generated City"
        ).values_list(
            "assessment__city__name",
            "assessment__toolkit__theme__code",
            "assessment__toolkit__year",
            "assessment__title",
            "question_id",
            "value",
        )
    }


def remove_generated() -> None:
    Assessment.objects.filter(city__name__startswith="Generated City").delete()
    City.objects.filter(name__startswith="Generated City").delete()


@pytest.fixture
def generated(seeded) -> None:
    generate("--seed", "1")


def test_it_makes_the_cities_asked_for(generated):
    cities = City.objects.filter(name__startswith="Generated City")
    assert cities.count() == 20
    testlands = Country.objects.filter(name__startswith="Testland ")
    assert sorted(testlands.values_list("code", flat=True)) == [f"X{c}" for c in "ABCDEFGHIJ"]
    assert set(cities.values_list("country__code", flat=True)) == {f"X{c}" for c in "ABCDEFGHIJ"}
    first = City.objects.get(name="Generated City 0001")
    assert first.slug == "generated-city-0001"
    figures = CityFigure.objects.latest_by_city([first.pk])[first.pk]
    assert {"population", "born-abroad"} <= figures.keys()


def test_it_spreads_the_cities_over_the_bands_of_similar_cities(seeded):
    call_command("generate_data", "--cities", "200", "--rounds", "0", stdout=StringIO())
    cities = City.objects.filter(name__startswith="Generated City")
    figures = CityFigure.objects.latest_by_city(c.pk for c in cities).values()
    population = {scoring.population_band(int(f["population"].value)) for f in figures}
    share = {scoring.share_band(f["born-abroad"].value) for f in figures}
    assert len(population) == 4 and len(share) == 4


def test_it_publishes_every_round_on_every_published_toolkit(generated):
    toolkits = Toolkit.objects.published()
    assert toolkits.count() == 2
    generated = Assessment.objects.filter(city__name__startswith="Generated City")
    assert generated.count() == 20 * 2 * toolkits.count()
    assert set(generated.values_list("status", flat=True)) == {"published"}
    questions = GuideQuestion.objects.filter(key_factor__toolkit__in=toolkits).count()
    assert Answer.objects.filter(assessment__in=generated).count() == 20 * 2 * questions


def test_a_later_round_is_based_on_the_one_before(generated):
    second = Assessment.objects.get(
        city__name="Generated City 0003", toolkit__theme__code="A", title="Generated round 2"
    )
    assert second.based_on is not None
    assert second.based_on.title == "Generated round 1"
    assert second.based_on.assessed_on < second.assessed_on


def test_a_second_run_adds_nothing(generated):
    cities, assessments, answers = (
        City.objects.count(),
        Assessment.objects.count(),
        Answer.objects.count(),
    )

    output = generate("--seed", "1")

    assert "cities: 0 created, 20 there already" in output
    assert "assessments: 0 created" in output
    assert City.objects.count() == cities
    assert Assessment.objects.count() == assessments
    assert Answer.objects.count() == answers


def test_a_larger_run_adds_only_what_is_missing(generated):
    call_command("generate_data", "--cities", "25", "--rounds", "3", stdout=StringIO())
    assert City.objects.filter(name__startswith="Generated City").count() == 25
    assert Assessment.objects.filter(city__name__startswith="Generated City").count() == 25 * 3 * 2


def test_the_same_seed_gives_the_same_answers(generated):
    first = answers_by_name()
    remove_generated()

    generate("--seed", "1")

    assert answers_by_name() == first


def test_another_seed_gives_other_answers(generated):
    first = answers_by_name()
    remove_generated()

    generate("--seed", "2")

    second = answers_by_name()
    assert second.keys() == first.keys()
    assert second != first
