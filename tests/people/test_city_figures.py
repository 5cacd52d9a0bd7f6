"""Cities' key figures, kept by coordinators (issue 13 part 1): each value with its year and
source, with history, on the city page and in the API; the similar-cities comparison and the
pairing proposal use the latest of each kind.

Figures here are made up for the tests ("Test office"), not taken from any source.
"""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from citygrow.people import services
from citygrow.people.models import AuditEntry, City, CityFigure, Indicator
from tests.support.assessments import make, questions_of
from tests.support.budgets import assert_flat, count_queries


def athens() -> City:
    return City.objects.get(slug="athens")


def indicator(code: str) -> Indicator:
    return Indicator.objects.get(code=code)


def add_figure(person, city: str, **data):
    return person.web.post(f"/cities/{city}/figures/new/", data)


def figure_data(code: str, value, year=2021, source="Test office") -> dict:
    return {"indicator": indicator(code).pk, "value": value, "year": year, "source": source}


# -- Done when: two cities' figures, used by the similar-cities comparison --------------------


def test_a_coordinator_enters_two_cities_figures_and_the_similar_cities_comparison_uses_them(
    coordinator, toolkit_a
):
    count = len(questions_of(toolkit_a))
    report = make(athens(), toolkit_a, values=["partly"] * count, assessed_on=date(2024, 1, 1))
    for name in ("Helsinki", "Ghent"):
        city = City.objects.get(name=name)
        make(city, toolkit_a, values=["yes"] * count, assessed_on=date(2023, 1, 1))
    page = coordinator.web.get(report.get_absolute_url()).content.decode()
    assert "this city's figures are not recorded, so there is no such comparison" in page

    for slug, population, share in [("athens", 664046, "15.3"), ("helsinki", 658457, "17.1")]:
        response = add_figure(coordinator, slug, **figure_data("population", population))
        assert response.status_code == 302
        response = add_figure(
            coordinator, slug, **figure_data("foreign-residents", share, source="Test register")
        )
        assert response.status_code == 302
    city_page = coordinator.web.get("/cities/helsinki/").content.decode()
    assert '658,457 <span class="muted">(2021; source: Test office)' in city_page
    assert '17.1% <span class="muted">(2021; source: Test register)' in city_page

    page = coordinator.web.get(report.get_absolute_url()).content.decode()
    # Helsinki is in Athens's bands; Ghent has no figures, so it is in the network only.
    assert "Network mean (2 cities)" in page
    assert "Similar cities (1)" in page
    assert "(500,000 to 1 million; 10% to 20%)" in page
    assert "Population 664,046 (2021; source: Test office)" in page
    assert "Foreign residents (%) 15.3% (2021; source: Test register)" in page


def test_the_similar_cities_take_each_citys_latest_figure(coordinator, toolkit_a):
    count = len(questions_of(toolkit_a))
    report = make(athens(), toolkit_a, values=["no"] * count, assessed_on=date(2024, 1, 1))
    helsinki = City.objects.get(name="Helsinki")
    make(helsinki, toolkit_a, values=["yes"] * count, assessed_on=date(2023, 1, 1))
    for city in (athens(), helsinki):
        for code, value in (("population", 600000), ("born-abroad", Decimal("12"))):
            services.record_figure(
                city=city,
                indicator=indicator(code),
                value=Decimal(value),
                year=2020,
                source="Test office",
                by=coordinator.user,
            )
    # A later year moves Helsinki out of Athens's population band.
    services.record_figure(
        city=helsinki,
        indicator=indicator("population"),
        value=Decimal(1_200_000),
        year=2022,
        source="Test office",
        by=coordinator.user,
    )
    page = coordinator.web.get(report.get_absolute_url()).content.decode()
    assert "Similar cities (0)" in page


# -- the city page ---------------------------------------------------------------------------


def test_the_city_page_shows_the_latest_figure_with_its_year_and_source_and_the_history(
    coordinator, client
):
    add_figure(coordinator, "athens", **figure_data("population", 650000, year=2011))
    add_figure(coordinator, "athens", **figure_data("population", 664046, year=2021))
    # A correction of 2011 recorded later does not replace the later year.
    add_figure(coordinator, "athens", **figure_data("population", 655000, year=2011))
    page = client.get("/cities/athens/").content.decode()
    assert "Key figures" in page
    assert '664,046 <span class="muted">(2021; source: Test office)' in page
    assert "History of the figures (3 recorded)" in page
    assert page.count("650,000") == page.count("655,000") == 1  # in the history only


def test_a_correction_for_the_same_year_replaces_the_figure_and_both_stay_in_the_history(
    coordinator, client
):
    add_figure(coordinator, "athens", **figure_data("unemployment", "21.5"))
    add_figure(coordinator, "athens", **figure_data("unemployment", "12.5", source="Test fix"))
    page = client.get("/cities/athens/").content.decode()
    assert '12.5% <span class="muted">(2021; source: Test fix)' in page
    assert CityFigure.objects.filter(city=athens()).count() == 2


def test_a_city_without_figures_says_so(client, seeded):
    assert (
        "No key figure is recorded for this city yet."
        in client.get("/cities/riga/").content.decode()
    )


def test_only_coordinators_are_offered_the_figure_form(coordinator, officer, client):
    assert "Add or correct a figure" in coordinator.web.get("/cities/athens/").content.decode()
    assert "Add or correct a figure" not in officer.web.get("/cities/athens/").content.decode()
    assert "Add or correct a figure" not in client.get("/cities/athens/").content.decode()


def test_people_other_than_coordinators_cannot_record_a_figure(officer, staff, client, seeded):
    data = figure_data("population", 1)
    assert add_figure(officer, "athens", **data).status_code == 403
    assert add_figure(staff, "athens", **data).status_code == 403
    response = client.post("/cities/athens/figures/new/", data)
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert not CityFigure.objects.exists()


def test_recording_a_figure_is_audited(coordinator):
    add_figure(coordinator, "athens", **figure_data("population", 664046))
    entry = AuditEntry.objects.get(target_type="people.cityfigure")
    assert entry.actor == coordinator.user and entry.city == athens()
    assert entry.changes == {
        "indicator": "population",
        "value": "664046",
        "year": 2021,
        "source": "Test office",
    }


# -- bad input on the page -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "data", "field", "message"),
    [
        ("population", {"year": ""}, "year", "Give the year the figure is about."),
        ("population", {"value": "-5"}, "value", "A figure cannot be negative."),
        ("population", {"value": "12.5"}, "value", "A count is a whole number."),
        ("born-abroad", {"value": "100.5"}, "value", "A percentage lies between 0 and 100."),
        ("population", {"year": "1850"}, "year", "The year must lie between 1900 and"),
        ("population", {"year": "2999"}, "year", "The year must lie between 1900 and"),
        ("population", {"source": "  "}, "source", "Say where the figure comes from"),
        ("population", {"value": "lots"}, "value", "Enter a number, e.g. 1488202 or 27.5."),
    ],
)
def test_a_bad_figure_is_refused_with_a_clear_message_and_nothing_is_stored(
    coordinator, code, data, field, message
):
    add_figure(coordinator, "athens", **figure_data("population", 600000, year=2019))
    response = add_figure(coordinator, "athens", **(figure_data(code, "10") | data))
    assert response.status_code == 200
    assert message in str(response.context["form"].errors[field])
    assert message.split(" e.g.")[0].replace("'", "&#x27;") in response.content.decode()
    assert list(CityFigure.objects.values_list("value", flat=True)) == [Decimal("600000")]


def test_a_coordinator_defines_an_indicator_and_records_a_figure_of_it(coordinator, client):
    response = coordinator.web.post(
        "/cities/athens/indicators/new/",
        {"name": "Residents with a non-EU nationality (%)", "kind": "percentage"},
    )
    defined = Indicator.objects.get(name="Residents with a non-EU nationality (%)")
    assert response["Location"] == f"/cities/athens/figures/new/?indicator={defined.pk}"
    form = coordinator.web.get(response["Location"]).context["form"]
    assert form.initial["indicator"] == defined.pk
    add_figure(coordinator, "athens", indicator=defined.pk, value="9.5", year=2021, source="T")
    page = client.get("/cities/athens/").content.decode()
    assert "Residents with a non-EU nationality (%)" in page


def test_an_indicator_name_cannot_be_taken_twice(coordinator):
    response = coordinator.web.post(
        "/cities/athens/indicators/new/", {"name": "population", "kind": "count"}
    )
    assert response.status_code == 200
    assert "An indicator with this name exists already." in response.content.decode()
    assert Indicator.objects.filter(name__iexact="population").count() == 1


# -- the API ---------------------------------------------------------------------------------


def test_the_api_gives_a_citys_latest_figures_and_history_to_anyone(coordinator, client):
    for year, value in ((2011, 650000), (2021, 664046)):
        coordinator.api.post(
            "/api/v1/cities/athens/figures",
            {"indicator": "population", "value": value, "year": year, "source": "Test office"},
            content_type="application/json",
        )
    body = client.get("/api/v1/cities/athens/figures").json()
    assert [(f["value"], f["year"], f["source"]) for f in body["latest"]] == [
        (664046.0, 2021, "Test office")
    ]
    assert [f["year"] for f in body["history"]] == [2021, 2011]
    city = client.get("/api/v1/cities/athens").json()
    assert (city["population"], city["population_year"]) == (664046, 2021)
    assert city["key_figures"][0]["shown"] == "664,046"


def test_a_coordinator_records_a_figure_through_the_api(coordinator):
    response = coordinator.api.post(
        "/api/v1/cities/athens/figures",
        {"indicator": "born-abroad", "value": 15.3, "year": 2021, "source": "Test office"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["shown"] == "15.3%"
    assert CityFigure.objects.get(city=athens()).value == Decimal("15.3")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"year": None}, "year"),
        ({"value": -1}, "value"),
        ({"indicator": "born-abroad", "value": 101}, "value"),
        ({"value": 0.5}, "value"),
        ({"year": 1899}, "year"),
        ({"source": " "}, "source"),
        ({"indicator": "made-up"}, "indicator"),
    ],
)
def test_a_bad_figure_in_the_api_is_422_by_field(coordinator, change, field):
    body = {"indicator": "population", "value": 1000, "year": 2021, "source": "Test office"}
    response = coordinator.api.post(
        "/api/v1/cities/athens/figures", body | change, content_type="application/json"
    )
    assert response.status_code == 422
    assert field in response.json()["errors"]
    assert not CityFigure.objects.exists()


@pytest.mark.parametrize(
    "change",
    [
        {"value": 1e20},
        {"value": 1e-30},
        {"value": "lots"},
        {"year": "soon"},
        {"year": 10**30},
        {"source": "Test\u0000office"},
        {"source": "x" * 301},
        {"indicator": "Pop ulation"},
    ],
)
def test_odd_figures_in_the_api_are_422_never_a_server_error(coordinator, change):
    body = {"indicator": "population", "value": 1000, "year": 2021, "source": "Test office"}
    response = coordinator.api.post(
        "/api/v1/cities/athens/figures", body | change, content_type="application/json"
    )
    assert response.status_code == 422, response.content
    assert not CityFigure.objects.exists()


def test_only_coordinators_write_figures_through_the_api(officer, client, seeded):
    body = {"indicator": "population", "value": 1000, "year": 2021, "source": "Test office"}
    response = officer.api.post(
        "/api/v1/cities/athens/figures", body, content_type="application/json"
    )
    assert response.status_code == 403
    response = client.post("/api/v1/cities/athens/figures", body, content_type="application/json")
    assert response.status_code == 401
    assert not CityFigure.objects.exists()


def test_a_coordinator_defines_an_indicator_through_the_api(coordinator, officer, client):
    body = {"name": "Test indicator", "kind": "count"}
    assert (
        officer.api.post("/api/v1/indicators", body, content_type="application/json").status_code
        == 403
    )
    response = coordinator.api.post("/api/v1/indicators", body, content_type="application/json")
    assert response.status_code == 201
    assert response.json()["code"] == "test-indicator"
    again = coordinator.api.post("/api/v1/indicators", body, content_type="application/json")
    assert again.status_code == 422 and "name" in again.json()["errors"]
    bad = coordinator.api.post(
        "/api/v1/indicators", {"name": "X", "kind": "ratio"}, content_type="application/json"
    )
    assert bad.status_code == 422 and "kind" in bad.json()["errors"]
    codes = [i["code"] for i in client.get("/api/v1/indicators").json()]
    assert codes[:4] == list(Indicator.STANDARD) and "test-indicator" in codes


# -- the pairing proposal, and query budgets -------------------------------------------------


def test_the_pairing_proposal_shows_each_citys_figures_with_year_and_source(coordinator):
    add_figure(coordinator, "munich", **figure_data("population", 1488202, year=2017))
    address = reverse("mentoring:proposal", args=["test-programme", "A"])
    page = coordinator.web.get(address).content.decode()
    assert 'Population: 1,488,202 <span class="muted">(2017; source: Test office)' in page


def test_the_city_page_does_not_make_more_queries_as_figures_grow(coordinator):
    def grow(years):
        for code in Indicator.STANDARD:
            for year in years:
                services.record_figure(
                    city=athens(),
                    indicator=indicator(code),
                    value=Decimal(5),
                    year=year,
                    source="Test office",
                    by=coordinator.user,
                )

    grow([2020])
    small = count_queries(coordinator.web, "/cities/athens/")
    grow(range(2000, 2020))
    # With the practices it gave and adopted, and its pairings.
    assert_flat(small, count_queries(coordinator.web, "/cities/athens/"), budget=15)


# -- the data migration ----------------------------------------------------------------------

BEFORE_FIGURES = [("people", "0003_pairing_moves_to_mentoring")]


@pytest.mark.django_db(transaction=True)
def test_the_citys_old_figures_move_into_key_figures():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE_FIGURES)
    old = executor.loader.project_state(BEFORE_FIGURES).apps
    country = old.get_model("people", "Country").objects.create(code="DE", name="Germany")
    city = old.get_model("people", "City")
    munich = city.objects.create(
        name="Munich",
        slug="munich",
        country=country,
        population=1488202,
        population_year=2017,
        foreign_born_share=Decimal("27.5"),
    )
    city.objects.create(name="Bonn", slug="bonn", country=country)

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    figures = CityFigure.objects.latest_by_city(City.objects.values_list("pk", flat=True))
    assert set(figures) == {munich.pk}
    moved = figures[munich.pk]
    assert (moved["population"].value, moved["population"].year) == (1488202, 2017)
    assert (moved["born-abroad"].value, moved["born-abroad"].year) == (Decimal("27.5"), 2017)
    assert set(Indicator.objects.values_list("code", flat=True)) == set(Indicator.STANDARD)


# -- the cities file -------------------------------------------------------------------------

CITIES_FILE = """countries: {DE: Germany}
cities:
  - name: Bonn
    country: DE
    figures:
      - {indicator: population, value: 300000, year: 2020, source: Test office}
      - {indicator: born-abroad, value: %s, year: 2020, source: Test office}
"""


def test_figures_in_the_cities_file_are_recorded_once(db, tmp_path):
    path = tmp_path / "cities.yaml"
    path.write_text(CITIES_FILE % "12.5", encoding="utf-8")
    services.load_cities(path)
    services.load_cities(path)
    bonn = City.objects.get(name="Bonn")
    assert CityFigure.objects.filter(city=bonn).count() == 2
    latest = CityFigure.objects.latest_by_city([bonn.pk])[bonn.pk]
    assert latest["born-abroad"].value == Decimal("12.5")


def test_a_share_above_100_in_the_cities_file_is_reported(db, tmp_path):
    path = tmp_path / "cities.yaml"
    path.write_text(CITIES_FILE % "112", encoding="utf-8")
    with pytest.raises(services.CitiesFileError, match=r"a percentage lies within 0\.\.100"):
        services.load_cities(path)
    assert not City.objects.filter(name="Bonn").exists()
