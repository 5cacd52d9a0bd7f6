"""The Charter survey's cycles and responses through the API (citygrow/api/survey_cycles.py):
the cycles, opening and changing one, invitations, a city's response, ratings and role notes
with their conflicts, and the workflow (submit, return, accept, start from the previous cycle,
publish), for the people who may and those who may not."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from citygrow.people.models import City
from citygrow.survey import services
from citygrow.survey.models import CommitmentAnswer, Cycle, Response, RoleNote
from citygrow.survey.questionnaire_file import parse_questionnaire
from tests.support.budgets import assert_flat, count_queries
from tests.support.clients import api_client
from tests.support.survey import open_cycle_for, rate, response_of

JSON = "application/json"
CYCLES = "/api/v1/charter/cycles"
RESPONSES = "/api/v1/charter/responses"
TODAY = timezone.localdate()


def post(client: Client, url: str, data: dict | None = None):
    return client.post(url, data or {}, content_type=JSON)


def put(client: Client, url: str, data: dict):
    return client.put(url, data, content_type=JSON)


def error_of(response, status: int) -> dict:
    assert response.status_code == status, response.content
    data = response.json()
    assert set(data) <= {"detail", "errors"} and "detail" in data, data
    return data


def status_of(response: Response) -> str:
    response.refresh_from_db()
    return response.status


def ratings_of(response: Response) -> dict[str, str]:
    return dict(response.answers.values_list("commitment__code", "rating"))


@pytest.fixture
def cycle(people) -> Cycle:
    """Cycle "2019" on the shipped edition, open today, Athens and Helsinki invited."""
    return open_cycle_for(people)


@pytest.fixture
def athens(cycle) -> Response:
    return response_of(cycle, "Athens")


@pytest.fixture
def submitted(athens, people) -> Response:
    rate(athens, {"PM1": "fully"}, by=people["officer"])
    services.submit_response(response=athens, by=people["officer"])
    return athens


@pytest.fixture
def accepted(submitted, people) -> Response:
    services.accept_response(response=submitted, by=people["coordinator"])
    return submitted


def rating_url(response: Response, code: str = "PM1") -> str:
    return f"{RESPONSES}/{response.pk}/commitments/{code}"


def dates(opens: int = -1, closes: int = 30) -> dict:
    """Opening and closing days, as days from today."""
    return {
        "opens_on": (TODAY + datetime.timedelta(days=opens)).isoformat(),
        "closes_on": (TODAY + datetime.timedelta(days=closes)).isoformat(),
    }


# -- the document ------------------------------------------------------------------------------


def test_the_openapi_document_describes_the_cycle_routes(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert set(paths[f"{RESPONSES}/{{response_id}}/commitments/{{commitment_code}}"]) == {"put"}
    assert set(paths[CYCLES]) == {"get", "post"}
    assert {} in paths[CYCLES]["get"]["security"]
    assert {} not in paths[CYCLES]["post"]["security"]


# -- cycles ------------------------------------------------------------------------------------


def test_anyone_lists_the_cycles_with_their_response_rate(client, cycle, submitted):
    listed = client.get(CYCLES)
    assert listed.status_code == 200
    assert listed.json() == [
        {
            "id": cycle.pk,
            "label": "2019",
            "title": "Integrating Cities survey 2019",
            "questionnaire": "charter-2010",
            "questionnaire_id": cycle.questionnaire_id,
            "opens_on": cycle.opens_on.isoformat(),
            "closes_on": cycle.closes_on.isoformat(),
            "phase": "open",
            "invited": 2,
            "submitted": 1,
            "url": f"http://testserver/charter/cycles/{cycle.pk}/",
        }
    ]


def test_a_cycle_shows_each_caller_only_the_responses_they_may_follow(
    client, cycle, officer, other_officer, coordinator, mentor
):
    def cities(client) -> list[str]:
        response = client.get(f"{CYCLES}/{cycle.pk}")
        assert response.status_code == 200
        assert response.json()["invited"] == 2
        return [row["city"] for row in response.json()["responses"]]

    assert cities(coordinator.api) == ["athens", "helsinki"]
    assert cities(officer.api) == ["athens"]
    assert cities(other_officer.api) == ["helsinki"]
    assert cities(mentor.api) == []
    assert cities(client) == []
    row = coordinator.api.get(f"{CYCLES}/{cycle.pk}").json()["responses"][0]
    athens = response_of(cycle, "Athens")
    assert row == {
        "id": athens.pk,
        "city": "athens",
        "city_name": "Athens",
        "status": "invited",
        "submitted_at": None,
        "url": f"http://testserver/charter/responses/{athens.pk}/",
    }


def test_an_unknown_cycle_is_not_found(client, cycle):
    assert client.get(f"{CYCLES}/{cycle.pk + 1}").status_code == 404


def test_a_coordinator_opens_a_cycle_inviting_the_signatories_and_more(
    people, coordinator, charter
):
    City.objects.filter(name__in=["Athens", "Ghent", "Munich"]).update(charter_signatory=True)
    body = {"label": "2021", "title": "Survey 2021", "cities": ["athens"], **dates()}
    response = post(coordinator.api, CYCLES, body)
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["questionnaire"] == "charter-2010"  # the current edition by default
    assert data["phase"] == "open"
    assert [row["city"] for row in data["responses"]] == ["athens", "ghent", "munich"]
    stored = Cycle.objects.get(label="2021")
    assert stored.title == "Survey 2021" and stored.created_by == people["coordinator"]
    assert stored.responses.count() == 3


def test_a_cycle_can_invite_only_the_cities_given(people, coordinator, charter):
    City.objects.filter(name__in=["Ghent", "Helsinki"]).update(charter_signatory=True)
    body = {
        "label": "2021",
        "title": "Survey 2021",
        "questionnaire": "charter-2010",
        "invite_signatories": False,
        "cities": ["helsinki"],
        **dates(),
    }
    response = post(coordinator.api, CYCLES, body)
    assert response.status_code == 201, response.content
    assert [row["city"] for row in response.json()["responses"]] == ["helsinki"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        (dates(opens=5, closes=1), "closes_on"),
        ({"opens_on": "9999-01-01"}, "opens_on"),
        ({"label": "2019"}, "label"),  # taken
        ({"label": "twenty one"}, "label"),
        ({"questionnaire": "charter-1999"}, "questionnaire"),
        ({"cities": ["atlantis"]}, "cities"),
        ({"title": ""}, "title"),
        ({"title": "Survey\x00"}, "title"),
        ({"opens_on": "2021-02-30"}, "opens_on"),
    ],
)
def test_a_cycle_with_bad_input_is_refused_and_not_stored(cycle, coordinator, changes, field):
    body = {"label": "2021", "title": "Survey 2021", **dates(), **changes}
    refused = error_of(post(coordinator.api, CYCLES, body), 422)
    assert field in refused["errors"], refused
    assert list(Cycle.objects.values_list("label", flat=True)) == ["2019"]


def test_a_taken_label_is_said_plainly(cycle, coordinator):
    body = {"label": "2019", "title": "Again", **dates()}
    refused = error_of(post(coordinator.api, CYCLES, body), 422)
    assert refused["errors"] == {"label": ["There is already a cycle called “2019”."]}


def test_only_coordinators_open_cycles(charter, people, officer, client):
    body = {"label": "2021", "title": "Survey 2021", **dates()}
    assert error_of(post(officer.api, CYCLES, body), 403)["detail"] == (
        "Only coordinators open survey cycles."
    )
    assert post(client, CYCLES, body).status_code == 401
    read_only = api_client(people["coordinator"], scope="read")
    assert post(read_only, CYCLES, body).status_code == 403
    assert not Cycle.objects.exists()


def test_a_coordinator_extends_a_cycle(cycle, coordinator, officer):
    later = dates(opens=-30, closes=60)
    body = {"title": "Survey 2019 (extended)", **later}
    assert error_of(put(officer.api, f"{CYCLES}/{cycle.pk}", body), 403)
    changed = put(coordinator.api, f"{CYCLES}/{cycle.pk}", body)
    assert changed.status_code == 200, changed.content
    assert changed.json()["closes_on"] == later["closes_on"]
    cycle.refresh_from_db()
    assert cycle.title == "Survey 2019 (extended)"
    assert cycle.closes_on.isoformat() == later["closes_on"]


def test_a_cycle_is_not_changed_to_close_before_it_opens(cycle, coordinator):
    body = {"title": "Backwards", **dates(opens=10, closes=2)}
    refused = error_of(put(coordinator.api, f"{CYCLES}/{cycle.pk}", body), 422)
    assert refused["errors"] == {"closes_on": ["A cycle closes on or after the day it opens."]}
    cycle.refresh_from_db()
    assert cycle.title == "Integrating Cities survey 2019"


def test_a_coordinator_invites_more_signatories(cycle, coordinator, officer):
    City.objects.filter(name="Ghent").update(charter_signatory=True)
    url = f"{CYCLES}/{cycle.pk}/invitations"
    assert error_of(post(officer.api, url, {"cities": ["ghent"]}), 403)
    made = post(coordinator.api, url, {"cities": ["ghent", "athens"]})  # Athens already is
    assert made.status_code == 200, made.content
    assert [row["city"] for row in made.json()] == ["ghent"]
    assert cycle.responses.count() == 3
    refused = error_of(post(coordinator.api, url, {"cities": ["munich", "atlantis"]}), 422)
    assert refused["errors"] == {"cities": ["There is no city “atlantis”."]}
    outside = error_of(post(coordinator.api, url, {"cities": ["munich"]}), 422)
    assert outside["errors"] == {
        "cities": [
            "Only Charter signatories are invited; record the signature on the city's page "
            "first. Not signatories: Munich."
        ]
    }
    assert error_of(post(coordinator.api, url, {"cities": []}), 422)["errors"]["cities"]
    assert cycle.responses.count() == 3


def test_nobody_is_invited_into_a_closed_cycle(cycle, coordinator):
    City.objects.filter(name="Ghent").update(charter_signatory=True)
    Cycle.objects.filter(pk=cycle.pk).update(closes_on=TODAY - datetime.timedelta(days=1))
    url = f"{CYCLES}/{cycle.pk}/invitations"
    refused = error_of(post(coordinator.api, url, {"cities": ["ghent"]}), 422)
    assert refused["detail"] == "This cycle is closed: no city can be invited into it any more."
    assert cycle.responses.count() == 2


# -- a response --------------------------------------------------------------------------------


def test_the_officer_reads_their_citys_response_with_every_commitment(athens, officer, people):
    rate(athens, {"PM2": "partly"}, by=people["officer"])
    read = officer.api.get(f"{RESPONSES}/{athens.pk}")
    assert read.status_code == 200
    data = read.json()
    assert (data["city"], data["status"], data["unrated"]) == ("athens", "draft", 10)
    assert data["cycle"]["label"] == "2019" and data["cycle"]["phase"] == "open"
    assert data["return_note"] == ""
    assert [role["code"] for role in data["roles"]] == [
        "policy-maker",
        "service-provider",
        "employer",
        "buyer",
    ]
    policy = data["roles"][0]
    assert [c["code"] for c in policy["commitments"]] == ["PM1", "PM2", "PM3"]
    assert policy["commitments"][0]["rating"] is None
    assert policy["commitments"][0]["version"] is None
    assert policy["commitments"][1] | {"text": ""} == {
        "code": "PM2",
        "text": "",
        "is_summary": True,
        "rating": "partly",
        "evidence": "",
        "links": [],
        "extra": {},
        "version": 1,
    }


def test_a_response_is_hidden_from_those_outside_the_city(
    athens, client, other_officer, mentor, coordinator
):
    url = f"{RESPONSES}/{athens.pk}"
    assert other_officer.api.get(url).status_code == 404
    assert mentor.api.get(url).status_code == 404
    assert client.get(url).status_code == 404
    assert coordinator.api.get(url).status_code == 200


def test_published_answers_are_public_once_accepted(submitted, client, officer, coordinator):
    url = f"{RESPONSES}/{submitted.pk}"
    published = post(officer.api, f"{url}/publish")
    assert published.status_code == 200 and published.json()["answers_public"] is True
    assert client.get(url).status_code == 404  # not accepted yet
    assert post(coordinator.api, f"{url}/accept").status_code == 200
    public = client.get(url)
    assert public.status_code == 200
    assert public.json()["roles"][0]["commitments"][0]["rating"] == "fully"
    assert public.json()["return_note"] is None  # the team's, not the public's
    assert post(officer.api, f"{url}/unpublish").json()["answers_public"] is False
    assert client.get(url).status_code == 404


def test_only_the_citys_officers_publish_its_answers(athens, coordinator, other_officer):
    url = f"{RESPONSES}/{athens.pk}/publish"
    assert error_of(post(coordinator.api, url), 403)["detail"] == (
        "Only the city's officers decide whether its answers are public."
    )
    assert post(other_officer.api, url).status_code == 404
    athens.refresh_from_db()
    assert athens.answers_public is False


def test_reading_a_response_takes_the_same_queries_however_many_ratings(athens, people):
    client = api_client(people["officer"])
    url = f"{RESPONSES}/{athens.pk}"
    rate(athens, {"PM1": "fully"}, by=people["officer"])
    client.get(url)  # the token's first use is recorded once
    small = count_queries(client, url)
    rate(athens, {"PM2": "partly", "SP1": "not_at_all", "EM2": "dont_know"}, by=people["officer"])
    RoleNote.objects.create(response=athens, role_id=athens.cycle.questionnaire.roles.first().pk)
    assert_flat(small, count_queries(client, url), budget=8)


def test_a_cycle_takes_the_same_queries_however_many_cities(people, cycle):
    client = api_client(people["coordinator"])
    url = f"{CYCLES}/{cycle.pk}"
    client.get(url)  # the token's first use is recorded once
    small = count_queries(client, url)
    City.objects.update(charter_signatory=True)
    services.invite(
        cycle=cycle,
        cities=City.objects.exclude(name__in=["Athens", "Helsinki"]),
        by=people["coordinator"],
    )
    assert cycle.responses.count() > 4
    assert_flat(small, count_queries(client, url), budget=5)
    assert_flat(count_queries(client, CYCLES), count_queries(client, CYCLES), budget=4)


# -- ratings and notes -------------------------------------------------------------------------


def test_the_officer_rates_a_commitment_with_evidence(athens, officer, people):
    body = {
        "rating": "partly",
        "evidence": "A diversity statement, 2018.",
        "links": ["https://www.cityofathens.gr/"],
    }
    saved = put(officer.api, rating_url(athens), body)
    assert saved.status_code == 200, saved.content
    assert saved.json() | {"text": ""} == {
        "code": "PM1",
        "text": "",
        "is_summary": True,
        "rating": "partly",
        "evidence": "A diversity statement, 2018.",
        "links": ["https://www.cityofathens.gr/"],
        "extra": {},
        "version": 1,
    }
    again = put(officer.api, rating_url(athens), {**body, "rating": "fully", "version": 1})
    assert again.status_code == 200 and again.json()["version"] == 2
    answer = CommitmentAnswer.objects.get(response=athens)
    assert (answer.rating, answer.updated_by) == ("fully", people["officer"])
    assert status_of(athens) == "draft"


def test_two_officers_saving_the_same_rating_do_not_lose_one(athens, officer, people):
    rate(athens, {"PM1": "fully"}, by=people["officer"])
    colleague = api_client(people["officer"])
    assert put(colleague, rating_url(athens), {"rating": "partly", "version": 1}).status_code == 200
    conflict = put(officer.api, rating_url(athens), {"rating": "not_at_all", "version": 1})
    assert conflict.status_code == 409
    assert (
        conflict.json()["detail"] == "Someone else changed this rating since you loaded the page."
    )
    assert conflict.json()["current"]["rating"] == "partly"
    assert conflict.json()["current"]["version"] == 2
    first = put(officer.api, rating_url(athens, "PM2"), {"rating": "fully"})
    assert first.status_code == 200
    unseen = put(colleague, rating_url(athens, "PM2"), {"rating": "partly"})  # no version
    assert unseen.status_code == 409 and unseen.json()["current"]["rating"] == "fully"
    assert ratings_of(athens) == {"PM1": "partly", "PM2": "fully"}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"rating": "excellent"}, "rating"),
        ({"rating": ""}, "rating"),
        ({"rating": "fully", "evidence": "x" * 100_000}, "evidence"),
        ({"rating": "fully", "links": ["not a link"]}, "links"),
        ({"rating": "fully", "links": [f"https://example.org/{n}" for n in range(21)]}, "links"),
        ({"rating": "fully", "extra": {"budget": 12}}, "extra"),  # no such question
        ({"rating": "fully", "version": 0}, "version"),
        ({"rating": "fully", "evidence": "a\x00b"}, "evidence"),
        ({"evidence": "no rating"}, "rating"),
    ],
)
def test_a_bad_rating_is_refused_with_its_field_and_nothing_stored(athens, officer, body, field):
    refused = error_of(put(officer.api, rating_url(athens), body), 422)
    assert field in refused["errors"], refused
    assert not CommitmentAnswer.objects.exists()
    assert status_of(athens) == "invited"


def test_a_rating_is_refused_to_those_who_may_not_answer(athens, people, client, coordinator):
    body = {"rating": "fully"}
    assert error_of(put(coordinator.api, rating_url(athens), body), 403)["detail"] == (
        "Only the city's officers answer its survey response."
    )
    assert put(api_client(people["other_officer"]), rating_url(athens), body).status_code == 404
    assert put(client, rating_url(athens), body).status_code == 401
    read_only = api_client(people["officer"], scope="read")
    assert put(read_only, rating_url(athens), body).status_code == 403
    assert not CommitmentAnswer.objects.exists()


def test_an_unknown_commitment_or_response_is_not_found(athens, officer):
    assert put(officer.api, rating_url(athens, "XX9"), {"rating": "fully"}).status_code == 404
    missing = f"{RESPONSES}/{athens.pk + 100}/commitments/PM1"
    assert put(officer.api, missing, {"rating": "fully"}).status_code == 404


@pytest.mark.parametrize(
    ("opens", "closes", "message"),
    [
        (-30, -1, "This cycle closed on"),
        (3, 30, "This cycle opens on"),
    ],
)
def test_no_rating_is_taken_outside_the_cycles_dates(athens, officer, opens, closes, message):
    Cycle.objects.filter(pk=athens.cycle_id).update(
        opens_on=TODAY + datetime.timedelta(days=opens),
        closes_on=TODAY + datetime.timedelta(days=closes),
    )
    refused = error_of(put(officer.api, rating_url(athens), {"rating": "fully"}), 403)
    assert refused["detail"].startswith(message)
    assert not CommitmentAnswer.objects.exists()


EXTRA_EDITION = """\
format: 1
edition:
  label: extra-2023
  year: 2023
  status: published
title: A questionnaire with extra questions
source:
  title: EUROCITIES Charter on Integrating Cities
  publisher: EUROCITIES
  year: 2010
  credit: Our summaries of the Charter's commitments.
scale:
  fully: 100
  partly: 50
  not_at_all: 0
roles:
  - code: policy-maker
    title: The city as a policy-maker
commitments:
  - code: PM1
    role: policy-maker
    text: Communicate the commitment to equal opportunities.
    summary: true
    questions:
      - code: budget
        kind: number
        text: How much is spent on it each year?
      - code: channel
        kind: choice
        text: Through which channel mostly?
        choices: [press, web, events]
      - code: strategy
        kind: yes_no
        text: Is there a written strategy?
"""


@pytest.fixture
def extra_response(people) -> Response:
    document = parse_questionnaire(EXTRA_EDITION, source="extra.yaml")
    edition = services.load_questionnaire(document=document, source="extra.yaml").questionnaire
    City.objects.filter(name="Athens").update(charter_signatory=True)
    cycle = services.open_cycle(
        questionnaire=edition,
        label="2023",
        title="Survey 2023",
        opens_on=TODAY,
        closes_on=TODAY,
        cities=City.objects.filter(name="Athens"),
        by=people["coordinator"],
    )
    return response_of(cycle, "Athens")


def test_the_extra_questions_are_answered_with_the_rating(extra_response, officer):
    body = {
        "rating": "fully",
        "extra": {"budget": 25000.5, "channel": "web", "strategy": False},
    }
    saved = put(officer.api, rating_url(extra_response), body)
    assert saved.status_code == 200, saved.content
    assert saved.json()["extra"] == {"budget": 25000.5, "channel": "web", "strategy": False}
    assert CommitmentAnswer.objects.get().extra == body["extra"]
    read = officer.api.get(f"{RESPONSES}/{extra_response.pk}").json()
    assert read["roles"][0]["commitments"][0]["extra"]["channel"] == "web"


@pytest.mark.parametrize(
    "extra",
    [{"channel": "radio"}, {"budget": "a lot"}, {"strategy": "yes"}, {"budget": True}],
)
def test_a_wrong_extra_answer_is_refused(extra_response, officer, extra):
    refused = error_of(
        put(officer.api, rating_url(extra_response), {"rating": "fully", "extra": extra}), 422
    )
    assert list(refused["errors"]) == ["extra"]
    assert refused["detail"].startswith("The answer to “")
    assert not CommitmentAnswer.objects.exists()


def test_the_officer_writes_a_roles_note_with_the_same_protection(athens, officer, people):
    url = f"{RESPONSES}/{athens.pk}/roles/employer/note"
    saved = put(officer.api, url, {"note": "Hiring targets since 2017."})
    assert saved.status_code == 200, saved.content
    assert saved.json() == {
        "role": "employer",
        "title": "The city as an employer",
        "note": "Hiring targets since 2017.",
        "version": 1,
    }
    assert put(officer.api, url, {"note": "Updated.", "version": 1}).json()["version"] == 2
    conflict = put(officer.api, url, {"note": "Stale.", "version": 1})
    assert conflict.status_code == 409
    assert conflict.json()["current"]["note"] == "Updated."
    assert error_of(put(officer.api, url, {"note": "x" * 10_001}), 422)["errors"]["note"]
    assert put(officer.api, f"{RESPONSES}/{athens.pk}/roles/pilot/note", {}).status_code == 404
    assert put(api_client(people["other_officer"]), url, {"note": "Hi"}).status_code == 404
    assert RoleNote.objects.get(response=athens).note == "Updated."
    read = officer.api.get(f"{RESPONSES}/{athens.pk}").json()
    assert (read["roles"][2]["note"], read["roles"][2]["note_version"]) == ("Updated.", 2)


# -- the workflow ------------------------------------------------------------------------------


def test_submit_return_resubmit_and_accept(athens, officer, coordinator):
    url = f"{RESPONSES}/{athens.pk}"
    refused = error_of(post(officer.api, f"{url}/submit"), 422)
    assert refused["detail"] == "Rate at least one commitment before you submit."
    assert put(officer.api, rating_url(athens), {"rating": "partly"}).status_code == 200

    submitted = post(officer.api, f"{url}/submit")
    assert submitted.status_code == 200, submitted.content
    assert (submitted.json()["status"], submitted.json()["unrated"]) == ("submitted", 10)
    assert submitted.json()["submitted_at"]
    frozen = error_of(put(officer.api, rating_url(athens), {"rating": "fully", "version": 1}), 403)
    assert frozen["detail"] == (
        "Only a response not yet submitted, or returned for changes, changes. "
        "This response is submitted."
    )

    assert error_of(post(coordinator.api, f"{url}/return", {"note": ""}), 422)["errors"]["note"]
    assert status_of(athens) == "submitted"
    returned = post(coordinator.api, f"{url}/return", {"note": "Add your evidence for PM1."})
    assert returned.status_code == 200
    assert officer.api.get(url).json()["return_note"] == "Add your evidence for PM1."
    assert status_of(athens) == "returned"

    body = {"rating": "fully", "evidence": "Council decision 12/2019.", "version": 1}
    assert put(officer.api, rating_url(athens), body).status_code == 200
    assert post(officer.api, f"{url}/submit").json()["status"] == "submitted"
    accepted = post(coordinator.api, f"{url}/accept")
    assert accepted.status_code == 200
    assert accepted.json()["status"] == "accepted" and accepted.json()["decided_at"]
    assert ratings_of(athens) == {"PM1": "fully"}
    again = error_of(post(officer.api, f"{url}/submit"), 403)
    assert again["detail"].endswith("This response is accepted.")


def test_only_coordinators_decide_and_only_a_submitted_response(
    submitted, athens, officer, coordinator
):
    url = f"{RESPONSES}/{submitted.pk}"
    assert error_of(post(officer.api, f"{url}/accept"), 403)["detail"] == (
        "Only coordinators accept a survey response or return it for changes."
    )
    assert error_of(post(officer.api, f"{url}/return", {"note": "No"}), 403)
    assert error_of(post(coordinator.api, f"{url}/submit"), 403)["detail"] == (
        "Only the city's officers submit its survey response."
    )
    assert status_of(submitted) == "submitted"
    helsinki = response_of(submitted.cycle, "Helsinki")
    early = error_of(post(coordinator.api, f"{RESPONSES}/{helsinki.pk}/accept"), 403)
    assert early["detail"] == (
        "Only a submitted response is accepted or returned. This response is invited."
    )
    assert status_of(helsinki) == "invited"


def test_a_response_starts_from_the_citys_previous_answers(people, officer):
    earlier = open_cycle_for(
        people, label="2017", opens_on=TODAY - datetime.timedelta(days=800), cities=("Athens",)
    )
    old = response_of(earlier, "Athens")
    rate(old, {"PM1": "partly", "EM3": "fully"}, by=people["officer"])
    services.save_rating(
        response=old,
        commitment=old.answers.get(commitment__code="PM1").commitment,
        rating="partly",
        evidence="Our 2017 statement.",
        links=["https://example.org/2017"],
        extra={},
        seen_version=1,
        by=people["officer"],
    )
    services.submit_response(response=old, by=people["officer"])
    Cycle.objects.filter(pk=earlier.pk).update(closes_on=TODAY - datetime.timedelta(days=700))
    athens = response_of(open_cycle_for(people), "Athens")
    helsinki = response_of(athens.cycle, "Helsinki")

    started = post(officer.api, f"{RESPONSES}/{athens.pk}/start-from-previous")
    assert started.status_code == 200, started.content
    assert started.json()["unrated"] == 9
    pm1 = started.json()["roles"][0]["commitments"][0]
    assert (pm1["rating"], pm1["evidence"], pm1["links"]) == (
        "partly",
        "Our 2017 statement.",
        ["https://example.org/2017"],
    )
    assert ratings_of(athens) == {"PM1": "partly", "EM3": "fully"}
    assert ratings_of(old) == {"PM1": "partly", "EM3": "fully"}  # the old one is kept
    none = error_of(
        post(api_client(people["other_officer"]), f"{RESPONSES}/{helsinki.pk}/start-from-previous"),
        422,
    )
    assert none["detail"] == "This city has no response in an earlier cycle to start from."


# -- who may write, route by route -------------------------------------------------------------

#: Each write on a response: its path after the response's, its method and body, whether the
#: response is submitted first (for the coordinators' decisions), and who may (the city's
#: officer or a coordinator).
RESPONSE_WRITES = [
    ("put", "/commitments/PM2", {"rating": "fully"}, False, "officer"),
    ("put", "/roles/buyer/note", {"note": "A note."}, False, "officer"),
    ("post", "/submit", None, False, "officer"),
    ("post", "/start-from-previous", None, False, "officer"),
    ("post", "/publish", None, False, "officer"),
    ("post", "/unpublish", None, False, "officer"),
    ("post", "/accept", None, True, "coordinator"),
    ("post", "/return", {"note": "Say more."}, True, "coordinator"),
]


def state_of(response: Response) -> tuple:
    response.refresh_from_db()
    return (
        response.status,
        response.answers_public,
        response.return_note,
        sorted(response.answers.values_list("commitment__code", "rating", "version")),
        sorted(response.role_notes.values_list("role__code", "note")),
    )


@pytest.mark.parametrize(("method", "path", "body", "submit", "who"), RESPONSE_WRITES)
def test_each_response_write_is_refused_to_the_others_and_changes_nothing(
    athens, people, client, method, path, body, submit, who
):
    rate(athens, {"PM1": "fully"}, by=people["officer"])
    if submit:
        services.submit_response(response=athens, by=people["officer"])
    before = state_of(athens)
    url = f"{RESPONSES}/{athens.pk}{path}"
    wrong = "coordinator" if who == "officer" else "officer"

    def send(client: Client):
        return getattr(client, method)(url, body or {}, content_type=JSON)

    assert send(client).status_code == 401
    assert send(api_client(people["other_officer"])).status_code == 404
    assert send(api_client(people[who], scope="read")).status_code == 403
    assert error_of(send(api_client(people[wrong])), 403)["detail"].startswith("Only ")
    assert state_of(athens) == before


CYCLE_WRITES = [
    ("post", "", {"label": "2021", "title": "Survey 2021", **dates()}),
    ("put", "/{pk}", {"title": "Renamed", **dates()}),
    ("post", "/{pk}/invitations", {"cities": ["helsinki"]}),
]


@pytest.mark.parametrize(("method", "path", "body"), CYCLE_WRITES)
def test_each_cycle_write_is_the_coordinators(cycle, people, client, method, path, body):
    url = CYCLES + path.format(pk=cycle.pk)
    before = list(Cycle.objects.values_list("label", "title", "closes_on"))

    def send(client: Client):
        return getattr(client, method)(url, body, content_type=JSON)

    assert send(client).status_code == 401
    for who in ("officer", "other_officer", "facilitator", "staff"):
        assert error_of(send(api_client(people[who])), 403)["detail"].startswith("Only "), who
    assert send(api_client(people["coordinator"], scope="read")).status_code == 403
    assert list(Cycle.objects.values_list("label", "title", "closes_on")) == before
    assert cycle.responses.count() == 2
    assert send(api_client(people["coordinator"])).status_code in (200, 201)
