from citygrow.people.models import City


def test_the_city_list_shows_every_city_with_its_practice_count(client, seeded):
    response = client.get("/cities/")
    assert response.status_code == 200
    counts = {city.name: city.practice_count for city in response.context["cities"]}
    assert len(counts) == 22
    assert counts["Helsinki"] == 4
    assert counts["Riga"] == 0


def test_the_city_page_shows_its_figures_and_practices(client, seeded):
    City.objects.filter(slug="munich").update(population=1_488_202, population_year=2017)
    response = client.get("/cities/munich/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Munich</h1>" in page
    assert "Germany" in page
    assert "1488202 (2017)" in page
    assert page.count("not recorded") == 2  # migrant share and Charter: unknown, not guessed
    assert "Engagement with stakeholders" in page


def test_a_city_without_practices_says_so(client, seeded):
    assert (
        "No example of good practice from this city yet."
        in client.get("/cities/riga/").content.decode()
    )


def test_an_unknown_city_is_not_found(client, seeded):
    assert client.get("/cities/atlantis/").status_code == 404
