"""Charter commitments linked to toolkits through the API (citygrow/api/survey_links.py, issue 15
part 5): a commitment's links (public), recording them (coordinators; 422 by field and nothing
stored on bad input), and a city's response's suggestions (as the response)."""

import datetime

import pytest
from django.test import Client

from citygrow.catalogue.models import Toolkit
from citygrow.people.models import AuditEntry, City
from citygrow.survey import services
from citygrow.survey.models import Commitment, CommitmentLink
from tests.support.assessments import make
from tests.support.budgets import assert_flat, count_queries
from tests.support.clients import api_client
from tests.support.survey import charter_edition, open_cycle_for, rate, response_of

JSON = "application/json"


def links_url(item: Commitment) -> str:
    return f"/api/v1/charter/commitments/{item.pk}/links"


def put(client: Client, url: str, data: dict):
    return client.put(url, data, content_type=JSON)


def stored(item: Commitment) -> list[tuple[str, int, list[int]]]:
    return sorted(
        (
            link.toolkit.theme.code,
            link.toolkit.year,
            sorted(link.key_factors.values_list("position", flat=True)),
        )
        for link in CommitmentLink.objects.filter(commitment=item).select_related("toolkit__theme")
    )


@pytest.fixture
def bu1(people) -> Commitment:
    return Commitment.objects.get(questionnaire=charter_edition(), code="BU1")


def test_a_coordinator_links_a_commitment_and_anyone_reads_it(people, coordinator, bu1):
    body = {
        "toolkits": [
            {"theme": "A", "year": 2018, "key_factors": [3, 1, 3]},
            {"theme": "C", "year": 2018},
        ]
    }
    response = put(coordinator.api, links_url(bu1), body)
    assert response.status_code == 200, response.content
    assert stored(bu1) == [("A", 2018, [1, 3]), ("C", 2018, [])]
    data = Client().get(links_url(bu1)).json()
    assert data == response.json()
    assert (data["code"], data["questionnaire"]) == ("BU1", "charter-2010")
    a = data["toolkits"][0]
    assert (a["theme"], a["year"], a["status"], a["note"]) == ("A", 2018, "published", "")
    assert [(f["number"], f["heading"]) for f in a["key_factors"]] == [
        (1, "Mapping and needs assessment"),
        (3, "Political leadership and senior management support"),
    ]
    assert a["url"] == "http://testserver/toolkits/A/2018/"
    assert AuditEntry.objects.filter(target_type="survey.commitment", target_id=bu1.pk).exists()
    # An empty list unlinks it.
    assert put(coordinator.api, links_url(bu1), {"toolkits": []}).json()["toolkits"] == []
    assert stored(bu1) == []


def test_only_coordinators_link_commitments(people, officer, bu1):
    body = {"toolkits": [{"theme": "A", "year": 2018}]}
    refused = put(officer.api, links_url(bu1), body)
    assert refused.status_code == 403
    assert "Only coordinators" in refused.json()["detail"]
    assert put(Client(), links_url(bu1), body).status_code == 401
    read_only = api_client(people["coordinator"], scope="read")
    assert put(read_only, links_url(bu1), body).status_code == 403
    assert stored(bu1) == []


@pytest.mark.parametrize(
    ("toolkits", "field", "message"),
    [
        ([{"theme": "A", "year": 2031}], "toolkits.0", "There is no toolkit A 2031."),
        (
            [{"theme": "C", "year": 2018}, {"theme": "A", "year": 2018, "key_factors": [2, 8]}],
            "toolkits.1.key_factors",
            "The toolkit A 2018 has no key factor 8.",
        ),
        (
            [{"theme": "A", "year": 2018}, {"theme": "A", "year": 2018, "key_factors": [1]}],
            "toolkits",
            "A 2018 is given twice",
        ),
        ([{"theme": "a", "year": 2018}], "toolkits.0.theme", "String should match pattern"),
        ([{"theme": "A", "year": 99_999}], "toolkits.0.year", "less than or equal to 32767"),
        ([{"theme": "A", "year": 2018, "key_factors": [0]}], "toolkits.0.key_factors.0", ""),
    ],
)
def test_bad_links_are_422_by_field_and_nothing_is_stored(
    people, coordinator, bu1, toolkits, field, message
):
    put(coordinator.api, links_url(bu1), {"toolkits": [{"theme": "C", "year": 2018}]})
    response = put(coordinator.api, links_url(bu1), {"toolkits": toolkits})
    assert response.status_code == 422, response.content
    errors = response.json()["errors"]
    assert field in errors, errors
    assert message in errors[field][0]
    assert stored(bu1) == [("C", 2018, [])]


def test_a_draft_toolkit_is_not_linked(people, coordinator, bu1):
    Toolkit.objects.filter(theme__code="C").update(status=Toolkit.Status.DRAFT)
    response = put(coordinator.api, links_url(bu1), {"toolkits": [{"theme": "C", "year": 2018}]})
    assert response.status_code == 422
    assert "C 2018 is a draft" in response.json()["errors"]["toolkits"][0]
    assert stored(bu1) == []


def test_an_unknown_commitment_is_404(people, coordinator):
    assert Client().get("/api/v1/charter/commitments/999999/links").status_code == 404
    response = put(coordinator.api, "/api/v1/charter/commitments/999999/links", {"toolkits": []})
    assert response.status_code == 404


# -- a response's suggestions -------------------------------------------------------------------


@pytest.fixture
def athens(people):
    """Athens rates BU1 partly and BU2 fully; Helsinki rates BU1 fully and submits. BU1 is
    linked to A (key factor 2); Athens has a published and a draft assessment on A."""
    cycle = open_cycle_for(people)
    athens, helsinki = response_of(cycle, "Athens"), response_of(cycle, "Helsinki")
    rate(athens, {"BU1": "partly", "BU2": "fully"}, by=people["officer"])
    rate(helsinki, {"BU1": "fully"}, by=people["other_officer"])
    services.submit_response(response=helsinki, by=people["other_officer"])
    a = Toolkit.objects.select_related("theme").get(theme__code="A", year=2018)
    services.save_links(
        commitment=Commitment.objects.get(questionnaire=cycle.questionnaire_id, code="BU1"),
        links=[(a, [a.key_factors.get(position=2)])],
        by=people["coordinator"],
    )
    city = City.objects.get(name="Athens")
    make(city, a, values=[], assessed_on=datetime.date(2024, 3, 1))
    make(city, a, values=[], assessed_on=datetime.date(2025, 3, 1), published=False)
    return athens


def suggestions_url(response) -> str:
    return f"/api/v1/charter/responses/{response.pk}/suggestions"


def test_the_suggestions_give_the_toolkit_the_assessments_and_the_cities_rating_fully(
    athens, coordinator
):
    data = coordinator.api.get(suggestions_url(athens)).json()
    assert (data["city"], data["cycle"]) == ("athens", "2019")
    [bu1] = data["commitments"]
    assert (bu1["code"], bu1["rating"], bu1["needs_work"]) == ("BU1", "partly", True)
    [toolkit] = bu1["toolkits"]
    assert (toolkit["theme"], toolkit["year"], toolkit["current_year"]) == ("A", 2018, 2018)
    assert [f["number"] for f in toolkit["key_factors"]] == [2]
    assert toolkit["current_url"] == "http://testserver/toolkits/A/2018/"
    assert [(a["status"], a["assessed_on"]) for a in toolkit["assessments"]] == [
        ("draft", "2025-03-01"),
        ("published", "2024-03-01"),
    ]
    assert [(c["city"], c["city_name"]) for c in bu1["rated_fully_by"]] == [
        ("helsinki", "Helsinki")
    ]


def test_the_suggestions_follow_the_response_and_hide_what_the_caller_may_not_see(
    people, athens, officer, other_officer
):
    assert officer.api.get(suggestions_url(athens)).status_code == 200
    [bu1] = officer.api.get(suggestions_url(athens)).json()["commitments"]
    assert bu1["rated_fully_by"] == []  # Helsinki's answers are not public
    assert other_officer.api.get(suggestions_url(athens)).status_code == 404
    assert Client().get(suggestions_url(athens)).status_code == 404
    assert Client().get("/api/v1/charter/responses/999999/suggestions").status_code == 404
    services.submit_response(response=athens, by=people["officer"])
    services.accept_response(response=athens, by=people["coordinator"])
    services.set_answers_public(response=athens, public=True, by=people["officer"])
    public = Client().get(suggestions_url(athens))
    assert public.status_code == 200
    [bu1] = public.json()["commitments"]
    assert [a["status"] for a in bu1["toolkits"][0]["assessments"]] == ["published"]
    assert bu1["rated_fully_by"] == []


def test_the_suggestions_queries_do_not_grow(people, athens, coordinator):
    url = suggestions_url(athens)
    coordinator.api.get(url)  # the token's first use is recorded (once in a while)
    small = count_queries(coordinator.api, url)
    names = ["Munich", "Ghent", "Vienna"]
    City.objects.filter(name__in=names).update(charter_signatory=True)
    cycle = athens.cycle
    services.invite(
        cycle=cycle, cities=City.objects.filter(name__in=names), by=people["coordinator"]
    )
    for name in names:
        other = response_of(cycle, name)
        rate(other, {"BU1": "fully", "BU2": "fully"}, by=people["coordinator"])
        services.submit_response(response=other, by=people["coordinator"])
    c = Toolkit.objects.select_related("theme").get(theme__code="C", year=2018)
    for code in ("BU2", "BU3"):
        services.save_links(
            commitment=Commitment.objects.get(questionnaire=cycle.questionnaire_id, code=code),
            links=[(c, list(c.key_factors.all()[:3]))],
            by=people["coordinator"],
        )
    make(City.objects.get(name="Athens"), c, values=[], assessed_on=datetime.date(2023, 1, 1))
    large = count_queries(coordinator.api, url)
    assert len(large.response.json()["commitments"]) == 3
    assert len(large.response.json()["commitments"][0]["rated_fully_by"]) == 4
    # The token, the response, the caller's roles, the links and their key factors, the
    # ratings, the themes' current toolkits, the assessments, the cities rating fully.
    assert_flat(small, large, budget=9)
