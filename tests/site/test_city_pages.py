from citygrow.people.models import City, CityFigure, Indicator


def test_the_city_list_shows_every_city_with_its_practice_count(client, seeded):
    response = client.get("/cities/")
    assert response.status_code == 200
    counts = {city.name: city.practice_count for city in response.context["page"]}
    assert len(counts) == 22
    assert counts["Helsinki"] == 4
    assert counts["Riga"] == 0


def test_the_city_page_shows_its_figures_and_practices(client, seeded):
    munich = City.objects.get(slug="munich")
    CityFigure.objects.create(
        city=munich,
        indicator=Indicator.objects.get(code="population"),
        value=1_488_202,
        year=2017,
        source="Statistisches Amt München",
    )
    response = client.get("/cities/munich/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Munich</h1>" in page
    assert "Germany" in page
    assert '1,488,202 <span class="muted">(2017; source: Statistisches Amt München)' in page
    assert page.count("not recorded") == 1  # the Charter: unknown, not guessed
    assert "Engagement with stakeholders" in page


def test_a_city_without_practices_says_so(client, seeded):
    assert (
        "No example of good practice from this city yet."
        in client.get("/cities/riga/").content.decode()
    )


def test_an_unknown_city_is_not_found(client, seeded):
    assert client.get("/cities/atlantis/").status_code == 404
