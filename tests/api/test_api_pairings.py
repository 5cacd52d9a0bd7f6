"""The pairing page's data through the API (issue 14, part 5): GET /api/v1/pairings/{id}/story
answers what the page at /pairings/<pk>/ shows, under the same access rule; GET /api/v1/pairings
lists the pairings, of one programme with ?programme=."""

from datetime import date

from django.test import Client

from citygrow.catalogue.models import Theme
from citygrow.mentoring.models import Pairing, Scheme
from citygrow.people.models import City, CityFigure, Indicator
from tests.site.test_pairing_page import cite, visit
from tests.support.budgets import assert_flat, count_queries
from tests.support.plans import add_actions, endorse


def story(pairing) -> str:
    return f"/api/v1/pairings/{pairing.pk}/story"


def test_it_answers_the_pairings_story_to_anyone(client, pairing):
    CityFigure.objects.create(
        city=City.objects.get(name="Athens"),
        indicator=Indicator.objects.get(code=Indicator.POPULATION),
        value=664_046,
        year=2011,
        source="ELSTAT",
    )
    visit(pairing, report="published", findings=[("strength", "A willing mayor")])
    response = client.get(story(pairing))
    assert response.status_code == 200
    body = response.json()
    assert body["programme"] == "test-programme"
    assert body["theme"] == "A"
    assert body["facilitator"] == "Migration Policy Group"
    assert body["mentor"]["slug"] == "munich" and body["mentor"]["role"] == "mentor"
    [figure] = body["implementing"]["key_figures"]
    assert (figure["value"], figure["year"], figure["source"]) == (664046.0, 2011, "ELSTAT")
    assert [m["status"] for m in body["timeline"]] == ["past"]
    assert body["findings"] == [
        {
            "kind": "strength",
            "title": "Strengths",
            "findings": [
                {
                    "text": "A willing mayor",
                    "visit_id": body["timeline"][0]["visit_id"],
                    "report_status": "published",
                }
            ],
        }
    ]
    assert body["plan"] is None and body["missing"] == ["plan"]
    assert body["people"] is None
    assert body["url"].endswith(f"/pairings/{pairing.pk}/")


def test_an_unknown_pairing_is_not_found(client, people):
    assert client.get("/api/v1/pairings/999999/story").status_code == 404


def test_a_new_pairing_says_what_is_missing(client, pairing):
    assert client.get(story(pairing)).json()["missing"] == ["visits", "plan"]


def test_private_parts_follow_the_pages_rule(client, pairing, plan, officer, other_officer):
    visit(pairing, report="draft", findings=[("challenge", "Secret")])
    for outsider in (client, other_officer.api):
        body = outsider.get(story(pairing)).json()
        assert body["findings"] == [] and body["plan"] is None and body["people"] is None
    body = officer.api.get(story(pairing)).json()
    assert body["findings"][0]["findings"][0]["report_status"] == "draft"
    assert body["plan"]["title"] == "Athens welcomes"
    assert body["plan"]["endorsed"] is False
    assert body["plan"]["progress"] == 63.3
    assert "Olga" in [person["name"] for person in body["people"]]


def test_an_endorsed_plan_is_public_with_its_practices(client, pairing, plan):
    endorse(plan)
    cite(plan, 2)
    body = client.get(story(pairing)).json()
    assert body["plan"]["endorsed"] is True and body["plan"]["endorsed_version"] == 1
    assert len(body["practices"]) == 2
    assert body["measured_change"] == []


def test_the_pairings_of_a_programme(client, pairing):
    response = client.get("/api/v1/pairings?programme=test-programme")
    assert response.status_code == 200
    rows = response.json()
    assert [(r["mentor"], r["implementing"]) for r in rows] == [
        ("munich", "athens"),
        ("ghent", "helsinki"),
    ]
    mine = next(r for r in rows if r["id"] == pairing.pk)
    assert mine["story"].endswith(story(pairing))
    assert client.get("/api/v1/pairings?programme=nowhere").status_code == 404
    assert len(client.get("/api/v1/pairings").json()) == 2


def test_the_query_count_does_not_grow_with_the_data(pairing, plan, people):
    endorse(plan)
    client = Client()

    def more(n: int) -> None:
        for i in range(n):
            visit(
                pairing,
                day=date(2017, 3, 1 + i),
                report="published",
                findings=[("strength", f"S{i}"), ("action", f"A{i}")],
            )
        add_actions(plan, n, people["officer"])
        cite(plan, n)

    more(1)
    small = count_queries(client, story(pairing))
    more(5)
    assert_flat(small, count_queries(client, story(pairing)), budget=12)
    listed = count_queries(client, "/api/v1/pairings")
    scheme = Scheme.objects.create(
        programme=pairing.scheme.programme, theme=Theme.objects.get(code="C")
    )
    for mentor, implementing in [("Munich", "Riga"), ("Ghent", "Athens")]:
        Pairing.objects.create(
            scheme=scheme,
            mentor_city=City.objects.get(name=mentor),
            implementing_city=City.objects.get(name=implementing),
        )
    assert_flat(listed, count_queries(client, "/api/v1/pairings"), budget=2)
