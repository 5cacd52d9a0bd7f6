"""Mentoring programmes through the API: programmes and schemes, the pairing recommender,
pairings, visits and their reports (citygrow.api.mentoring)."""

from datetime import date

import pytest
from django.test import Client

from citygrow.assessments.models import Answer, Assessment
from citygrow.catalogue.models import GuideQuestion, Theme, Toolkit
from citygrow.mentoring import services
from citygrow.mentoring.models import (
    Pairing,
    Programme,
    ProgrammeCity,
    ProgrammeEvent,
    Scheme,
    SchemeCity,
    Visit,
    VisitReport,
    WorkLog,
)
from citygrow.people.models import AuditEntry, City, Organisation
from tests.support.budgets import count_queries
from tests.support.clients import api_client, bearer

PROGRAMME = "/api/v1/programmes/test-programme"
SCHEME = f"{PROGRAMME}/schemes/A"
JSON = "application/json"


@pytest.fixture
def visit(pairing, people) -> Visit:
    """A study visit of Athens's officer and the facilitator to Munich."""
    made = Visit.objects.create(
        pairing=pairing,
        kind=Visit.Kind.STUDY,
        starts_on=date(2017, 5, 2),
        ends_on=date(2017, 5, 4),
        agenda="Meet the procurement office",
    )
    made.participants.set([people["officer"], people["facilitator"]])
    return made


def error_of(response) -> dict:
    data = response.json()
    assert set(data) == {"detail", "errors"}, data
    return data


def visit_body(**changes) -> dict:
    return {
        "kind": "mentoring",
        "starts_on": "2017-09-11",
        "ends_on": "2017-09-12",
        "agenda": "Workshop with the chamber of commerce",
        "participants": ["olga", "fatima"],
        **changes,
    }


# -- the document ------------------------------------------------------------------------------

ROUTES = {
    ("get", "/api/v1/programmes"): {"200", "401"},
    ("get", "/api/v1/programmes/{slug}"): {"200", "401", "404", "422"},
    ("get", "/api/v1/programmes/{slug}/schemes/{code}"): {"200", "401", "404", "422"},
    ("post", "/api/v1/programmes/{slug}/schemes/{code}/members"): {
        "201", "400", "401", "403", "404", "422"
    },
    ("post", "/api/v1/programmes/{slug}/schemes/{code}/proposal"): {
        "200", "400", "401", "403", "404", "422"
    },
    ("post", "/api/v1/programmes/{slug}/schemes/{code}/pairings"): {
        "201", "400", "401", "403", "404", "422"
    },
    ("delete", "/api/v1/pairings/{pairing_id}"): {"204", "401", "403", "404", "422"},
    ("get", "/api/v1/pairings/{pairing_id}/visits"): {"200", "401", "404", "422"},
    ("post", "/api/v1/pairings/{pairing_id}/visits"): {"201", "400", "401", "403", "404", "422"},
    ("get", "/api/v1/visits/{visit_id}"): {"200", "401", "404", "422"},
    ("put", "/api/v1/visits/{visit_id}"): {"200", "400", "401", "403", "404", "422"},
    ("delete", "/api/v1/visits/{visit_id}"): {"204", "401", "403", "404", "422"},
    ("post", "/api/v1/visits/{visit_id}/cancel"): {"200", "400", "401", "403", "404", "422"},
    ("get", "/api/v1/visits/{visit_id}/report"): {"200", "401", "404", "422"},
    ("put", "/api/v1/visits/{visit_id}/report"): {"200", "400", "401", "403", "404", "422"},
    ("post", "/api/v1/visits/{visit_id}/report/publish"): {"200", "401", "403", "404", "422"},
    ("get", "/api/v1/programmes/{slug}/workload/{city}"): {"200", "401", "404", "422"},
    ("post", "/api/v1/programmes/{slug}/workload/{city}/logs"): {
        "201", "400", "401", "403", "404", "422"
    },
    ("post", "/api/v1/programmes"): {"201", "400", "401", "403", "422"},
    ("patch", "/api/v1/programmes/{slug}"): {"200", "400", "401", "403", "404", "422"},
    ("post", "/api/v1/programmes/{slug}/events"): {"201", "400", "401", "403", "404", "422"},
    ("post", "/api/v1/programmes/{slug}/schemes"): {"201", "400", "401", "403", "404", "422"},
    ("patch", "/api/v1/programmes/{slug}/schemes/{code}"): {
        "200", "400", "401", "403", "404", "422"
    },
    ("delete", "/api/v1/programmes/{slug}/schemes/{code}/members/{city}"): {
        "204", "401", "403", "404", "422"
    },
    ("put", "/api/v1/programmes/{slug}/workload/{city}/rates"): {
        "200", "400", "401", "403", "404", "422"
    },
}  # fmt: skip


def test_the_openapi_document_lists_every_mentoring_route_with_its_responses(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for (method, path), statuses in ROUTES.items():
        operation = paths[path][method]
        assert set(operation["responses"]) == statuses, (method, path)
        anyone = {} in operation["security"]
        assert anyone == (method == "get"), (method, path)  # reads need no credentials


# -- programmes and schemes --------------------------------------------------------------------


def test_programmes_are_listed_with_their_counts(client, people):
    Programme.objects.create(
        name="Demo", slug="demo", starts_on=date(2016, 1, 1), ends_on=date(2018, 1, 1),
        is_demo=True,
    )  # fmt: skip
    response = client.get("/api/v1/programmes")
    assert response.status_code == 200
    assert [
        (p["slug"], p["is_demo"], p["cities"], p["schemes"], p["pairings"]) for p in response.json()
    ] == [("test-programme", False, 4, 1, 2), ("demo", True, 0, 0, 0)]
    assert response.json()[0]["starts_on"] == "2017-01-01"


def test_a_programme_comes_with_its_events_cities_and_schemes(client, people, pairing):
    programme = Programme.objects.get(slug="test-programme")
    eurocities = Organisation.objects.create(name="EUROCITIES")
    programme.coordinator = eurocities
    programme.funder = "AMIF"
    programme.save()
    programme.organisations.add(Organisation.objects.get(name="Migration Policy Group"))
    launch = ProgrammeEvent.objects.create(
        programme=programme, kind="launch", title="Launch", place="Brussels",
        starts_on=date(2017, 2, 1), ends_on=date(2017, 2, 2), attendance=60,
    )  # fmt: skip
    data = client.get(PROGRAMME).json()
    assert data["budget"] == "650000.00"
    assert (data["funder"], data["coordinator"], data["planned_days"]) == ("AMIF", "EUROCITIES", 30)
    assert data["organisations"] == ["Migration Policy Group"]
    assert data["events"] == [
        {
            "id": launch.pk, "kind": "launch", "title": "Launch", "place": "Brussels",
            "starts_on": "2017-02-01", "ends_on": "2017-02-02", "attendance": 60, "total": 60,
            "cities": [],
        }
    ]  # fmt: skip
    assert [c["slug"] for c in data["cities"]] == ["athens", "ghent", "helsinki", "munich"]
    (scheme,) = data["schemes"]
    assert scheme["theme"] == "A"
    assert scheme["facilitator"] == "Migration Policy Group"
    assert scheme["constraints"] == {
        "capacity": 1, "forbid_same_country": False, "require_shared_language": False
    }  # fmt: skip
    assert {(m["city"]["slug"], m["role"]) for m in scheme["members"]} == {
        ("munich", "mentor"), ("ghent", "mentor"),
        ("athens", "implementing"), ("helsinki", "implementing"),
    }  # fmt: skip
    assert {
        "id": pairing.pk,
        "theme": "A",
        "mentor": {"slug": "munich", "name": "Munich"},
        "implementing": {"slug": "athens", "name": "Athens"},
    } in scheme["pairings"]
    assert client.get("/api/v1/programmes/nothing-here").status_code == 404


def test_a_scheme_shows_its_pairings_visits(client, visit):
    data = client.get(SCHEME).json()
    assert data["programme"] == "test-programme"
    athens = next(p for p in data["pairings"] if p["id"] == visit.pairing_id)
    assert athens["visits"] == [
        {
            "id": visit.pk,
            "kind": "study",
            "starts_on": "2017-05-02",
            "ends_on": "2017-05-04",
            "cancelled": False,
        }
    ]
    assert client.get(f"{PROGRAMME}/schemes/C").status_code == 404
    assert client.get(f"{PROGRAMME}/schemes/a").status_code == 422


def more_data() -> None:
    """Adds a second scheme, pairings and visits, to see that queries do not grow with them."""
    programme = Programme.objects.get(slug="test-programme")
    scheme = Scheme.objects.create(programme=programme, theme=Theme.objects.get(code="C"))
    names = ["Rotterdam", "Tampere", "Utrecht", "Riga", "Lisbon", "Nantes"]
    cities = [City.objects.get(name=name) for name in names]
    for number, city in enumerate(cities):
        role = "mentor" if number % 2 == 0 else "implementing"
        SchemeCity.objects.create(scheme=scheme, city=city, role=role)
        ProgrammeCity.objects.create(programme=programme, city=city)
    for mentor, implementing in zip(cities[::2], cities[1::2], strict=True):
        pairing = Pairing.objects.create(
            scheme=scheme, mentor_city=mentor, implementing_city=implementing
        )
        for kind in ("study", "mentoring"):
            Visit.objects.create(
                pairing=pairing, kind=kind, starts_on=date(2017, 3, 1), ends_on=date(2017, 3, 2)
            )
    ProgrammeEvent.objects.create(
        programme=programme, kind="final", title="Final", place="Riga",
        starts_on=date(2018, 11, 1), ends_on=date(2018, 11, 1),
    )  # fmt: skip


@pytest.mark.parametrize(
    "path", [PROGRAMME, SCHEME, "/api/v1/programmes", "/api/v1/pairings/{pairing}/visits"]
)
def test_queries_do_not_grow_with_the_data(client, visit, path):
    path = path.format(pairing=visit.pairing_id)

    def count() -> int:
        return count_queries(client, path)

    before = count()
    more_data()
    Visit.objects.create(
        pairing=visit.pairing, kind="mentoring", starts_on=date(2017, 6, 1),
        ends_on=date(2017, 6, 1),
    )  # fmt: skip
    assert count() == before


# -- scheme members ----------------------------------------------------------------------------


def test_a_coordinator_adds_a_city_to_a_scheme(people):
    response = api_client(people["coordinator"]).post(
        f"{SCHEME}/members", {"city": "tampere", "role": "implementing"}, content_type=JSON
    )
    assert response.status_code == 201, response.content
    assert response.json() == {
        "city": {"slug": "tampere", "name": "Tampere"},
        "role": "implementing",
    }
    assert SchemeCity.objects.filter(city__slug="tampere", role="implementing").exists()
    assert ProgrammeCity.objects.filter(city__slug="tampere").exists()
    assert AuditEntry.objects.filter(target_type="mentoring.schemecity").exists()


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"city": "athens", "role": "mentor"}, "city", "Athens is already in this scheme"),
        ({"city": "tampere", "role": "boss"}, "role", "Choose the city's role"),
        ({"city": "atlantis", "role": "mentor"}, "city", "There is no such city."),
    ],
)
def test_adding_a_city_refuses_bad_input(people, body, field, message):
    before = SchemeCity.objects.count()
    response = api_client(people["coordinator"]).post(f"{SCHEME}/members", body, content_type=JSON)
    assert response.status_code == 422
    data = error_of(response)
    assert data["detail"].startswith(message)
    assert data["errors"] == {field: [data["detail"]]}
    assert SchemeCity.objects.count() == before


def test_only_coordinators_add_cities_with_a_write_token(people):
    body = {"data": {"city": "tampere", "role": "mentor"}, "content_type": JSON}
    url = f"{SCHEME}/members"
    assert Client().post(url, **body).status_code == 401
    for role in ("officer", "mentor", "facilitator", "staff", "nobody"):
        response = api_client(people[role]).post(url, **body)
        assert response.status_code == 403, role
        assert response.json()["detail"] == "Only coordinators change a scheme's cities."
    read = Client(headers=bearer(people["coordinator"], scope="read"))
    assert "read-only" in read.post(url, **body).json()["detail"]
    assert (
        api_client(people["coordinator"])
        .post("/api/v1/programmes/nope/schemes/A/members", **body)
        .status_code
        == 404
    )
    assert not SchemeCity.objects.filter(city__slug="tampere").exists()


def test_a_session_writes_only_with_the_csrf_token(people):
    client = Client(enforce_csrf_checks=True)
    client.force_login(people["coordinator"])
    url, body = f"{SCHEME}/members", {"city": "tampere", "role": "mentor"}
    assert client.post(url, body, content_type=JSON).status_code == 403
    client.get("/")  # sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    response = client.post(url, body, content_type=JSON, headers={"X-CSRFToken": token})
    assert response.status_code == 201


# -- the recommender ---------------------------------------------------------------------------


def assessed(city: str, value: str) -> Assessment:
    toolkit = Toolkit.objects.get(theme__code="A", year=2018)
    assessment = Assessment.objects.create(
        city=City.objects.get(name=city), toolkit=toolkit, title=f"{city} 2017",
        assessed_on=date(2017, 3, 1), status=Assessment.Status.PUBLISHED,
    )  # fmt: skip
    Answer.objects.bulk_create(
        Answer(assessment=assessment, question=q, value=value)
        for q in GuideQuestion.objects.filter(key_factor__toolkit=toolkit)
    )
    return assessment


@pytest.fixture
def newcomers(people) -> dict[str, Assessment]:
    """Rotterdam (mentor, all yes) and Tampere (implementing, all no) join scheme A."""
    scheme = Scheme.objects.get(programme__slug="test-programme", theme__code="A")
    SchemeCity.objects.create(scheme=scheme, city=City.objects.get(name="Rotterdam"), role="mentor")
    SchemeCity.objects.create(
        scheme=scheme, city=City.objects.get(name="Tampere"), role="implementing"
    )
    return {"rotterdam": assessed("Rotterdam", "yes"), "tampere": assessed("Tampere", "no")}


def test_the_proposal_pairs_with_reasons_and_stores_nothing(people, newcomers):
    before = Pairing.objects.count()
    response = api_client(people["coordinator"]).post(f"{SCHEME}/proposal")
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["toolkit_year"] == 2018
    (pair,) = data["pairs"]
    assert (pair["mentor"], pair["implementing"]) == ("rotterdam", "tampere")
    assert pair["benefit"] > 0
    assert "Rotterdam scores 100 on" in pair["explanation"]
    assert "where Tampere scores 0" in pair["explanation"]
    strength = pair["strengths"][0]
    assert (strength["mentor_score"], strength["implementing_score"]) == (100, 0)
    assert set(strength["key_factor"]) == {"number", "heading"}
    assert {(u["city"], u["role"]) for u in data["unpaired"]} == {
        ("munich", "mentor"), ("ghent", "mentor")
    }  # fmt: skip
    assert all("no assessment" in u["reason"] for u in data["unpaired"])
    assert {(a["city"], a["assessment_id"]) for a in data["assessments"]} == {
        ("rotterdam", newcomers["rotterdam"].pk), ("tampere", newcomers["tampere"].pk)
    }  # fmt: skip
    assert {p["implementing"]["slug"] for p in data["already_paired"]} == {"athens", "helsinki"}
    assert Pairing.objects.count() == before


def test_only_coordinators_get_a_proposal(people, newcomers):
    url = f"{SCHEME}/proposal"
    assert Client().post(url).status_code == 401
    for role in ("officer", "mentor", "facilitator", "staff", "nobody"):
        assert api_client(people[role]).post(url).status_code == 403, role


# -- pairings ----------------------------------------------------------------------------------


def test_a_coordinator_accepts_pairs(people, newcomers):
    response = api_client(people["coordinator"]).post(
        f"{SCHEME}/pairings",
        {"pairs": [{"mentor": "rotterdam", "implementing": "tampere"}]},
        content_type=JSON,
    )
    assert response.status_code == 201, response.content
    (made,) = response.json()
    pairing = Pairing.objects.get(implementing_city__slug="tampere")
    assert made == {
        "id": pairing.pk, "theme": "A",
        "mentor": {"slug": "rotterdam", "name": "Rotterdam"},
        "implementing": {"slug": "tampere", "name": "Tampere"},
    }  # fmt: skip


@pytest.mark.parametrize(
    ("pairs", "message"),
    [
        (  # the first pair is fine, the second is not: neither is made
            [("rotterdam", "tampere"), ("rotterdam", "utrecht")],
            "Utrecht is not a city of this scheme; add it to the scheme first.",
        ),
        (
            [("munich", "tampere")],  # Munich already mentors Athens; the capacity is 1
            "Munich would mentor 2 implementing cities; this scheme allows 1 per mentor.",
        ),
        ([("tampere", "rotterdam")], "Tampere is not a mentor city in this scheme."),
        ([("rotterdam", "athens")], "Athens already has a mentor in this scheme: Munich."),
        ([("rotterdam", "atlantis")], "There is no such city: atlantis."),
        ([], "Send at least one pair."),
    ],
)
def test_pairs_that_are_not_allowed_are_refused_all_or_nothing(people, newcomers, pairs, message):
    before = set(Pairing.objects.values_list("pk", flat=True))
    response = api_client(people["coordinator"]).post(
        f"{SCHEME}/pairings",
        {"pairs": [{"mentor": m, "implementing": i} for m, i in pairs]},
        content_type=JSON,
    )
    assert response.status_code == 422
    assert error_of(response) == {"detail": message, "errors": {"pairs": [message]}}
    assert set(Pairing.objects.values_list("pk", flat=True)) == before


def test_only_coordinators_pair_cities(people, newcomers):
    body = {"data": {"pairs": [{"mentor": "rotterdam", "implementing": "tampere"}]},
            "content_type": JSON}  # fmt: skip
    assert Client().post(f"{SCHEME}/pairings", **body).status_code == 401
    for role in ("officer", "mentor", "facilitator", "staff", "nobody"):
        assert api_client(people[role]).post(f"{SCHEME}/pairings", **body).status_code == 403
    assert not Pairing.objects.filter(implementing_city__slug="tampere").exists()


def test_a_coordinator_undoes_a_pairing_without_visits(people, pairing):
    other = Pairing.objects.get(implementing_city__name="Helsinki")
    url = f"/api/v1/pairings/{other.pk}"
    assert Client().delete(url).status_code == 401
    assert api_client(people["facilitator"]).delete(url).status_code == 403
    assert api_client(people["coordinator"]).delete(url).status_code == 204
    assert not Pairing.objects.filter(pk=other.pk).exists()
    assert api_client(people["coordinator"]).delete(url).status_code == 404


def test_a_pairing_with_visits_is_not_undone(people, visit):
    response = api_client(people["coordinator"]).delete(f"/api/v1/pairings/{visit.pairing_id}")
    assert response.status_code == 422
    message = (
        "This pairing has 1 visit, which would be lost with it. It can be removed only when it "
        "has no visit."
    )
    assert error_of(response)["detail"] == message
    assert Pairing.objects.filter(pk=visit.pairing_id).exists()


def test_a_pairing_with_an_action_plan_is_not_undone(people, plan):
    response = api_client(people["coordinator"]).delete(f"/api/v1/pairings/{plan.pairing_id}")
    assert response.status_code == 422
    assert error_of(response)["detail"] == (
        "This pairing has an action plan, which would be lost with it. It can be removed only "
        "when it has none."
    )
    assert Pairing.objects.filter(pk=plan.pairing_id).exists()


@pytest.fixture
def scheme_b(people) -> Scheme:
    """Scheme B (no toolkit) of Test programme: Lisbon (mentor) and Tampere (implementing)."""
    scheme = Scheme.objects.create(
        programme=Programme.objects.get(slug="test-programme"), theme=Theme.objects.get(code="B")
    )
    SchemeCity.objects.create(scheme=scheme, city=City.objects.get(name="Lisbon"), role="mentor")
    SchemeCity.objects.create(
        scheme=scheme, city=City.objects.get(name="Tampere"), role="implementing"
    )
    return scheme


def test_a_theme_without_toolkit_is_paired_by_hand_and_gives_the_mentor_city_access(
    people, scheme_b, django_user_model
):
    from citygrow.mentoring import services
    from citygrow.people.models import Role

    lucas = django_user_model.objects.create_user("lucas")
    Role.objects.create(user=lucas, kind="officer", city=City.objects.get(name="Lisbon"))
    coordinator = api_client(people["coordinator"])
    proposal = coordinator.post(f"{PROGRAMME}/schemes/B/proposal").json()
    assert proposal["pairs"] == [] and "no published toolkit" in proposal["detail"]

    response = coordinator.post(
        f"{PROGRAMME}/schemes/B/pairings",
        {"pairs": [{"mentor": "lisbon", "implementing": "tampere"}]},
        content_type=JSON,
    )
    assert response.status_code == 201, response.content
    (made,) = response.json()
    assert (made["theme"], made["mentor"]["slug"]) == ("B", "lisbon")
    pairing = Pairing.objects.get(pk=made["id"])
    assert AuditEntry.objects.filter(
        action="create", target_type="mentoring.pairing", target_id=str(pairing.pk)
    ).exists()

    # Lucas, never invited, reads a draft visit report of the pairing on theme B.
    visit = Visit.objects.create(
        pairing=pairing, kind="study", starts_on=date(2025, 3, 1), ends_on=date(2025, 3, 2)
    )
    services.save_report(
        visit=visit,
        summary="Draft",
        findings=[services.FindingIn(kind="strength", text="A test finding")],
        by=people["coordinator"],
    )
    assert api_client(lucas).get(f"/api/v1/visits/{visit.pk}/report").status_code == 200
    assert api_client(people["mentor"]).get(f"/api/v1/visits/{visit.pk}/report").status_code == 404

    # Refused while the visit exists; undone once it is gone, and the access goes with it.
    assert coordinator.delete(f"/api/v1/pairings/{pairing.pk}").status_code == 422
    visit.delete()
    assert coordinator.delete(f"/api/v1/pairings/{pairing.pk}").status_code == 204
    assert AuditEntry.objects.filter(
        action="delete", target_type="mentoring.pairing", target_id=str(pairing.pk)
    ).exists()


# -- visits ------------------------------------------------------------------------------------


def test_a_facilitator_plans_a_visit(people, pairing):
    response = api_client(people["facilitator"]).post(
        f"/api/v1/pairings/{pairing.pk}/visits", visit_body(), content_type=JSON
    )
    assert response.status_code == 201, response.content
    data = response.json()
    visit = Visit.objects.get()
    assert data["id"] == visit.pk
    assert data["kind"] == "mentoring"
    assert (data["host_city"]["slug"], data["visiting_city"]["slug"]) == ("athens", "munich")
    assert [p["username"] for p in data["participants"]] == ["fatima", "olga"]  # by name
    assert data["calendar_url"] == f"http://testserver/visits/{visit.pk}/visit.ics"
    assert set(visit.participants.values_list("username", flat=True)) == {"olga", "fatima"}
    assert visit.agenda == "Workshop with the chamber of commerce"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"starts_on": "2017-09-12", "ends_on": "2017-09-11"},
            "ends_on",
            "The last day cannot be before the first day.",
        ),
        (  # Olga is on the study visit from 2 to 4 May
            {"starts_on": "2017-05-04", "ends_on": "2017-05-05"},
            "participants",
            "on the study visit to Munich (May 2, 2017",
        ),
        (
            {"participants": ["hugo"]},  # an officer of Helsinki, not of this pairing's cities
            "participants",
            "hugo cannot take part",
        ),
        (
            {"participants": ["nobody-here"]},
            "participants",
            "There is no such person: nobody-here.",
        ),
        ({"kind": "holiday"}, "kind", "Choose a study visit or a mentoring visit."),
    ],
)
def test_a_visit_that_is_not_possible_is_refused(people, visit, changes, field, message):
    response = api_client(people["coordinator"]).post(
        f"/api/v1/pairings/{visit.pairing_id}/visits", visit_body(**changes), content_type=JSON
    )
    assert response.status_code == 422
    data = error_of(response)
    assert message in data["detail"], data
    assert data["errors"] == {field: [data["detail"]]}
    assert Visit.objects.count() == 1


def test_a_visit_with_a_bad_date_gets_the_usual_error_shape(people, pairing):
    response = api_client(people["coordinator"]).post(
        f"/api/v1/pairings/{pairing.pk}/visits",
        visit_body(starts_on="2017-02-30", agenda="a\x00b"),
        content_type=JSON,
    )
    assert response.status_code == 422
    assert set(error_of(response)["errors"]) == {"starts_on", "agenda"}
    assert not Visit.objects.exists()


def test_only_coordinators_and_the_theme_s_facilitators_plan_visits(people, pairing):
    url = f"/api/v1/pairings/{pairing.pk}/visits"
    assert Client().post(url, visit_body(), content_type=JSON).status_code == 401
    for role in ("officer", "mentor", "other_facilitator", "staff", "nobody"):
        response = api_client(people[role]).post(url, visit_body(), content_type=JSON)
        assert response.status_code == 403, role
    assert (
        api_client(people["coordinator"])
        .post("/api/v1/pairings/999999/visits", visit_body(), content_type=JSON)
        .status_code
        == 404
    )
    assert not Visit.objects.exists()


def test_visits_are_public_but_their_participants_are_for_the_team(people, visit):
    url = f"/api/v1/visits/{visit.pk}"
    public = Client().get(url).json()
    assert public["participants"] is None
    assert public["agenda"] == "Meet the procurement office"
    assert (public["host_city"]["slug"], public["visiting_city"]["slug"]) == ("munich", "athens")
    for role in ("other_officer", "other_mentor", "other_facilitator", "staff", "nobody"):
        assert api_client(people[role]).get(url).json()["participants"] is None, role
    for role in ("officer", "mentor", "facilitator", "coordinator"):
        team = api_client(people[role]).get(url).json()
        assert {p["username"] for p in team["participants"]} == {"olga", "fatima"}, role
    listed = Client().get(f"/api/v1/pairings/{visit.pairing_id}/visits").json()
    assert [v["id"] for v in listed] == [visit.pk]
    assert Client().get("/api/v1/visits/999999").status_code == 404
    assert Client().get("/api/v1/pairings/999999/visits").status_code == 404


def test_a_coordinator_changes_a_visit(people, visit):
    url = f"/api/v1/visits/{visit.pk}"
    body = visit_body(kind="study", starts_on="2017-05-03", ends_on="2017-05-05",
                      participants=["olga", "cora"])  # fmt: skip
    assert (
        api_client(people["other_facilitator"]).put(url, body, content_type=JSON).status_code == 403
    )
    assert Client().put(url, body, content_type=JSON).status_code == 401
    response = api_client(people["coordinator"]).put(url, body, content_type=JSON)
    assert response.status_code == 200, response.content
    visit.refresh_from_db()
    assert (visit.starts_on, visit.ends_on, visit.sequence) == (
        date(2017, 5, 3),
        date(2017, 5, 5),
        1,
    )
    assert set(visit.participants.values_list("username", flat=True)) == {"olga", "cora"}
    bad = api_client(people["coordinator"]).put(
        url, {**body, "ends_on": "2017-05-01"}, content_type=JSON
    )
    assert error_of(bad)["errors"] == {"ends_on": ["The last day cannot be before the first day."]}
    visit.refresh_from_db()
    assert visit.ends_on == date(2017, 5, 5)


# -- correcting visits: outside the programme, twice, cancelled, deleted ------------------------


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (  # Test programme runs from 1 January 2017 to 31 December 2018
            {"starts_on": "2031-05-01", "ends_on": "2031-05-02"},
            "starts_on",
            "A visit must lie within its programme's dates: Test programme runs",
        ),
        (
            {"starts_on": "2016-12-30", "ends_on": "2017-01-02"},
            "starts_on",
            "A visit must lie within its programme's dates",
        ),
        (
            {"starts_on": "2018-12-30", "ends_on": "2019-01-02"},
            "ends_on",
            "Dec. 31, 2018. Check the dates",
        ),
        (  # the study visit is from 2 to 4 May; nobody takes part in this one
            {"kind": "study", "starts_on": "2017-05-04", "ends_on": "2017-05-06",
             "participants": []},
            "starts_on",
            "This pairing already has a study visit on overlapping days (May 2, 2017",
        ),
    ],
)  # fmt: skip
def test_a_visit_outside_its_programme_or_twice_on_the_same_days_is_refused(
    people, visit, changes, field, message
):
    response = api_client(people["coordinator"]).post(
        f"/api/v1/pairings/{visit.pairing_id}/visits", visit_body(**changes), content_type=JSON
    )
    assert response.status_code == 422, response.content
    data = error_of(response)
    assert message in data["detail"], data
    assert data["errors"] == {field: [data["detail"]]}
    assert Visit.objects.count() == 1
    moved = api_client(people["coordinator"]).put(
        f"/api/v1/visits/{visit.pk}", visit_body(kind="study", **{
            k: v for k, v in changes.items() if k != "kind"
        }), content_type=JSON,
    )  # fmt: skip
    if "overlapping" in message:
        assert moved.status_code == 200, moved.content  # the visit does not clash with itself
    else:
        assert moved.status_code == 422
        visit.refresh_from_db()
        assert visit.starts_on == date(2017, 5, 2)


def test_a_mentoring_visit_may_overlap_the_study_visit_of_the_same_pairing(people, visit):
    response = api_client(people["coordinator"]).post(
        f"/api/v1/pairings/{visit.pairing_id}/visits",
        visit_body(kind="mentoring", starts_on="2017-05-03", ends_on="2017-05-03", participants=[]),
        content_type=JSON,
    )
    assert response.status_code == 201, response.content


def test_a_facilitator_cancels_a_visit_and_it_stays_marked_cancelled(people, visit):
    url = f"/api/v1/visits/{visit.pk}/cancel"
    body = {"reason": "Postponed: the city hall was closed"}
    assert Client().post(url, body, content_type=JSON).status_code == 401
    for role in ("officer", "mentor", "other_facilitator", "staff", "nobody"):
        assert api_client(people[role]).post(url, body, content_type=JSON).status_code == 403
    assert (
        api_client(people["facilitator"])
        .post("/api/v1/visits/999999/cancel", body, content_type=JSON)
        .status_code
        == 404
    )
    empty = api_client(people["facilitator"]).post(url, {"reason": "  "}, content_type=JSON)
    assert empty.status_code == 422
    assert "reason" in error_of(empty)["errors"]

    response = api_client(people["facilitator"]).post(url, body, content_type=JSON)
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["cancelled"] is True
    assert data["cancel_reason"] == "Postponed: the city hall was closed"
    assert data["cancelled_at"] is not None
    visit.refresh_from_db()
    assert visit.is_cancelled and visit.sequence == 1
    entry = AuditEntry.objects.get(target_type="mentoring.visit", target_id=str(visit.pk))
    assert entry.changes["status"] == ["planned", "cancelled"]
    assert Client().get(f"/api/v1/visits/{visit.pk}").json()["cancelled"] is True
    scheme = Client().get(SCHEME).json()
    [listed] = [v for p in scheme["pairings"] for v in p["visits"]]
    assert listed["cancelled"] is True

    again = api_client(people["facilitator"]).post(url, body, content_type=JSON)
    assert error_of(again)["detail"] == "This visit is already cancelled."
    changed = api_client(people["coordinator"]).put(
        f"/api/v1/visits/{visit.pk}", visit_body(), content_type=JSON
    )
    assert changed.status_code == 422
    assert "cancelled" in error_of(changed)["detail"]
    # Its days and its participants are free again: the same visit can be planned anew.
    replanned = api_client(people["coordinator"]).post(
        f"/api/v1/pairings/{visit.pairing_id}/visits",
        visit_body(kind="study", starts_on="2017-05-02", ends_on="2017-05-04"),
        content_type=JSON,
    )
    assert replanned.status_code == 201, replanned.content


def test_a_coordinator_deletes_a_mistaken_visit_then_the_mistaken_pairing(people, visit):
    pairing = visit.pairing
    services.save_report(
        visit=visit,
        summary="Draft",
        findings=[services.FindingIn(kind="strength", text="A test finding")],
        by=people["coordinator"],
    )
    coordinator = api_client(people["coordinator"])
    url = f"/api/v1/visits/{visit.pk}"
    assert Client().delete(url).status_code == 401
    for role in ("officer", "mentor", "other_facilitator", "staff", "nobody"):
        assert api_client(people[role]).delete(url).status_code == 403, role
    assert coordinator.delete("/api/v1/visits/999999").status_code == 404
    refused = coordinator.delete(f"/api/v1/pairings/{pairing.pk}")
    assert refused.status_code == 422
    assert "1 visit" in error_of(refused)["detail"]

    assert coordinator.delete(url).status_code == 204
    assert not Visit.objects.filter(pk=visit.pk).exists()
    assert not VisitReport.objects.exists()
    deleted = set(AuditEntry.objects.filter(action="delete").values_list("target_type", flat=True))
    assert {"mentoring.visit", "mentoring.visitreport"} <= deleted
    assert coordinator.get(url).status_code == 404

    assert coordinator.delete(f"/api/v1/pairings/{pairing.pk}").status_code == 204
    assert not Pairing.objects.filter(pk=pairing.pk).exists()


def test_a_visit_whose_report_is_published_is_not_deleted_but_can_be_cancelled(people, visit):
    report = services.save_report(
        visit=visit,
        summary="Published",
        findings=[services.FindingIn(kind="strength", text="A test finding")],
        by=people["coordinator"],
    )
    services.publish_report(report=report, by=people["coordinator"])
    coordinator = api_client(people["coordinator"])
    response = coordinator.delete(f"/api/v1/visits/{visit.pk}")
    assert response.status_code == 422
    detail = error_of(response)["detail"]
    assert "report is published" in detail and "cancel it instead" in detail
    assert Visit.objects.filter(pk=visit.pk).exists()
    assert VisitReport.objects.filter(pk=report.pk).exists()
    cancelled = coordinator.post(
        f"/api/v1/visits/{visit.pk}/cancel", {"reason": "Cut short"}, content_type=JSON
    )
    assert cancelled.status_code == 200
    assert cancelled.json()["report_status"] == "published"


def test_a_cancel_reason_with_a_nul_character_is_refused(people, visit):
    response = api_client(people["coordinator"]).post(
        f"/api/v1/visits/{visit.pk}/cancel", {"reason": "a\x00b"}, content_type=JSON
    )
    assert response.status_code == 422
    assert set(error_of(response)["errors"]) == {"reason"}
    visit.refresh_from_db()
    assert not visit.is_cancelled


# -- visit reports -----------------------------------------------------------------------------


REPORT = {
    "summary": "A good visit.",
    "findings": [
        {"kind": "strength", "text": "A clear procurement portal.", "key_factors": [1, 3]},
        {"kind": "action", "text": "Publish tenders in English."},
    ],
}


def test_a_facilitator_writes_and_publishes_the_report(people, visit):
    url = f"/api/v1/visits/{visit.pk}/report"
    facilitator = api_client(people["facilitator"])
    response = facilitator.put(url, REPORT, content_type=JSON)
    assert response.status_code == 200, response.content
    data = response.json()
    assert (data["status"], data["summary"]) == ("draft", "A good visit.")
    assert [k["number"] for k in data["findings"][0]["key_factors"]] == [1, 3]
    assert data["findings"][1] == {
        "kind": "action", "text": "Publish tenders in English.", "key_factors": []
    }  # fmt: skip
    report = VisitReport.objects.get(visit=visit)
    first = report.findings.get(position=0)
    assert sorted(first.key_factors.values_list("position", flat=True)) == [1, 3]
    assert {f.toolkit.theme.code for f in first.key_factors.select_related("toolkit__theme")} == {
        "A"
    }

    # The draft is for the pairing's team.
    for role in ("officer", "mentor", "facilitator", "coordinator"):
        assert api_client(people[role]).get(url).status_code == 200, role
    assert Client().get(url).status_code == 404
    for role in ("other_officer", "other_mentor", "other_facilitator", "staff", "nobody"):
        assert api_client(people[role]).get(url).status_code == 404, role
    assert Client().get(f"/api/v1/visits/{visit.pk}").json()["report_status"] is None
    assert api_client(people["officer"]).get(f"/api/v1/visits/{visit.pk}").json()[
        "report_status"
    ] == ("draft")

    published = facilitator.post(f"{url}/publish")
    assert published.status_code == 200, published.content
    assert published.json()["status"] == "published"
    assert Client().get(url).json()["summary"] == "A good visit."

    again = facilitator.put(url, REPORT, content_type=JSON)
    assert again.status_code == 422
    assert error_of(again)["detail"] == "This report is published and can no longer be changed."
    assert facilitator.post(f"{url}/publish").json()["detail"] == (
        "This report is already published."
    )


def test_a_finding_on_a_key_factor_the_toolkit_does_not_have_is_refused(people, visit):
    body = {"summary": "x", "findings": [{"kind": "barrier", "text": "y", "key_factors": [99]}]}
    response = api_client(people["facilitator"]).put(
        f"/api/v1/visits/{visit.pk}/report", body, content_type=JSON
    )
    assert response.status_code == 422
    message = "Finding 1: the scheme's toolkit has no key factor 99 (it has 7)."
    assert error_of(response) == {"detail": message, "errors": {"findings": [message]}}
    assert not VisitReport.objects.exists()


def test_a_finding_needs_a_kind_and_text(people, visit):
    body = {"findings": [{"kind": "strength", "text": "fine"}, {"kind": "opinion", "text": "x"}]}
    response = api_client(people["coordinator"]).put(
        f"/api/v1/visits/{visit.pk}/report", body, content_type=JSON
    )
    assert response.status_code == 422
    assert error_of(response)["errors"]["findings"][0].startswith("Finding 2: choose strength")
    assert not VisitReport.objects.exists()


def test_only_the_theme_s_facilitators_and_coordinators_write_reports(people, visit):
    url = f"/api/v1/visits/{visit.pk}/report"
    assert Client().put(url, REPORT, content_type=JSON).status_code == 401
    for role in ("officer", "mentor", "other_facilitator", "staff", "nobody"):
        assert api_client(people[role]).put(url, REPORT, content_type=JSON).status_code == 403, role
    assert not VisitReport.objects.exists()
    read = Client(headers=bearer(people["facilitator"], scope="read"))
    assert read.put(url, REPORT, content_type=JSON).status_code == 403
    assert not VisitReport.objects.exists()


def test_publishing_needs_a_report_with_findings_and_the_right_role(people, visit):
    url = f"/api/v1/visits/{visit.pk}/report/publish"
    assert api_client(people["coordinator"]).post(url).status_code == 404  # no report yet
    VisitReport.objects.create(visit=visit, summary="Empty")
    assert Client().post(url).status_code == 401
    assert api_client(people["officer"]).post(url).status_code == 403  # sees the draft
    assert api_client(people["other_officer"]).post(url).status_code == 404  # does not
    response = api_client(people["coordinator"]).post(url)
    assert response.status_code == 422
    assert error_of(response)["detail"] == (
        "Record at least one finding before publishing the report."
    )
    assert VisitReport.objects.get().status == "draft"


# -- workload ----------------------------------------------------------------------------------

WORKLOAD = f"{PROGRAMME}/workload/athens"


def test_an_officer_logs_days_and_reads_the_workload(people):
    officer = api_client(people["officer"])
    body = {"activity": "visits", "worked_on": "2017-05-02", "days": "2.5", "note": "Munich"}
    response = officer.post(f"{WORKLOAD}/logs", body, content_type=JSON)
    assert response.status_code == 201, response.content
    entry = WorkLog.objects.get()
    assert response.json() == {
        "id": entry.pk, "activity": "visits", "worked_on": "2017-05-02", "days": "2.50",
        "note": "Munich", "officer": "Olga",
    }  # fmt: skip
    assert (entry.city.slug, entry.officer, str(entry.days)) == (
        "athens",
        people["officer"],
        "2.50",
    )
    data = officer.get(WORKLOAD).json()
    assert data["city"] == {"slug": "athens", "name": "Athens"}
    assert (data["planned_days"], data["total_days"], data["remaining_days"]) == (
        "30", "2.5", "27.5"
    )  # fmt: skip
    assert data["days_by_activity"]["visits"] == "2.5"
    assert (data["day_rate"], data["staff_cost"]) == ("300.00", "750.00")
    assert data["co_financing"] is None
    assert [e["id"] for e in data["entries"]] == [entry.pk]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"days": "-1"}, "days", "Days must be more than 0, e.g. 0.5 for half a day."),
        ({"days": "0"}, "days", "Days must be more than 0, e.g. 0.5 for half a day."),
        ({"days": "400"}, "days", "One entry cannot have more than 366 days."),
        ({"activity": "lunch"}, "activity", "Choose an activity."),
    ],
)
def test_bad_days_are_refused(people, changes, field, message):
    body = {"activity": "visits", "worked_on": "2017-05-02", "days": "1", **changes}
    response = api_client(people["officer"]).post(f"{WORKLOAD}/logs", body, content_type=JSON)
    assert response.status_code == 422
    assert error_of(response) == {"detail": message, "errors": {field: [message]}}
    assert not WorkLog.objects.exists()


def test_days_in_an_odd_format_get_the_usual_error_shape(people):
    for days in ("0.001", "lots", "NaN"):
        body = {"activity": "visits", "worked_on": "2017-05-02", "days": days}
        response = api_client(people["officer"]).post(f"{WORKLOAD}/logs", body, content_type=JSON)
        assert response.status_code == 422, days
        assert set(error_of(response)["errors"]) == {"days"}
    assert not WorkLog.objects.exists()


def test_a_city_s_workload_is_for_its_officers_and_coordinators(people):
    for role in ("officer", "coordinator"):
        assert api_client(people[role]).get(WORKLOAD).status_code == 200, role
    assert Client().get(WORKLOAD).status_code == 404
    for role in ("other_officer", "mentor", "facilitator", "staff", "nobody"):
        assert api_client(people[role]).get(WORKLOAD).status_code == 404, role
    # Not a partner city of the programme: nothing to show.
    assert api_client(people["coordinator"]).get(f"{PROGRAMME}/workload/tampere").status_code == 404


def test_only_the_city_s_officers_log_its_days(people):
    body = {"data": {"activity": "visits", "worked_on": "2017-05-02", "days": "1"},
            "content_type": JSON}  # fmt: skip
    url = f"{WORKLOAD}/logs"
    assert Client().post(url, **body).status_code == 401
    assert (
        api_client(people["coordinator"]).post(url, **body).status_code == 403
    )  # sees, may not log
    for role in ("other_officer", "mentor", "facilitator", "staff", "nobody"):
        assert api_client(people[role]).post(url, **body).status_code == 404, role
    read = Client(headers=bearer(people["officer"], scope="read"))
    assert read.post(url, **body).status_code == 403
    assert not WorkLog.objects.exists()


# -- setting up programmes, events and schemes (the pages' forms, through the API) --------------


def programme_body(**changes) -> dict:
    return {
        "name": "Cities Grow 2",
        "slug": "cities-grow-2",
        "summary": "Mentoring on labour market integration.",
        "starts_on": "2019-01-01",
        "ends_on": "2020-12-31",
        "budget": "500000",
        "funder": "AMIF",
        "coordinator": "Migration Policy Group",
        "planned_days": 25,
        "organisations": ["Migration Policy Group", "Migration Policy Institute Europe"],
        **changes,
    }


def audit_of(target_type: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(target_type=target_type).order_by("pk"))


def test_a_coordinator_creates_a_programme(people):
    response = api_client(people["coordinator"]).post(
        "/api/v1/programmes", programme_body(), content_type=JSON
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["slug"], data["name"], data["budget"], data["planned_days"]) == (
        "cities-grow-2", "Cities Grow 2", "500000.00", 25
    )  # fmt: skip
    assert data["coordinator"] == "Migration Policy Group"
    assert data["organisations"] == [
        "Migration Policy Group", "Migration Policy Institute Europe"
    ]  # fmt: skip
    assert data["url"] == "http://testserver/programmes/cities-grow-2/"
    programme = Programme.objects.get(slug="cities-grow-2")
    assert (programme.funder, programme.is_demo) == ("AMIF", False)
    (entry,) = audit_of("mentoring.programme")
    assert (entry.action, entry.actor, entry.target_id) == (
        AuditEntry.Action.CREATE, people["coordinator"], str(programme.pk)
    )  # fmt: skip
    # The page shows it.
    assert Client().get("/programmes/cities-grow-2/").status_code == 200


def test_a_programme_needs_only_its_name_short_name_and_dates(people):
    body = {"name": "Short", "slug": "short", "starts_on": "2019-01-01", "ends_on": "2019-06-30"}
    response = api_client(people["coordinator"]).post("/api/v1/programmes", body, content_type=JSON)
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["budget"], data["coordinator"], data["planned_days"]) == (None, None, 30)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"ends_on": "2018-12-31"}, "ends_on", "The programme cannot end before it starts."),
        ({"budget": "0"}, "budget", "The budget must be more than 0, or left empty."),
        ({"slug": "test-programme"}, "slug", "Programme with this Short name in addresses"),
        ({"name": "Test programme"}, "name", "Programme with this Name already exists."),
        ({"slug": "no spaces"}, "slug", "Enter a valid “slug”"),
        ({"coordinator": "Nobody Inc"}, "coordinator", "There is no such organisation: Nobody"),
        ({"organisations": ["Nobody Inc"]}, "organisations", "There is no such organisation"),
    ],
)
def test_a_programme_that_is_not_valid_is_refused(people, changes, field, message):
    response = api_client(people["coordinator"]).post(
        "/api/v1/programmes", programme_body(**changes), content_type=JSON
    )
    assert response.status_code == 422, response.content
    data = error_of(response)
    assert list(data["errors"]) == [field]
    assert data["errors"][field][0].startswith(message)
    assert data["detail"] == data["errors"][field][0]
    assert not Programme.objects.exclude(slug="test-programme").exists()
    assert not audit_of("mentoring.programme")


def test_several_errors_are_each_under_their_field(people):
    body = programme_body(ends_on="2018-01-01", budget="-5", name="")
    response = api_client(people["coordinator"]).post("/api/v1/programmes", body, content_type=JSON)
    assert response.status_code == 422
    data = error_of(response)
    assert data["detail"] == "The programme is not valid."
    assert set(data["errors"]) == {"name", "budget", "ends_on"}


def test_a_programme_with_a_date_that_is_not_one_gets_the_usual_error_shape(people):
    body = programme_body(starts_on="someday")
    response = api_client(people["coordinator"]).post("/api/v1/programmes", body, content_type=JSON)
    assert response.status_code == 422
    assert set(error_of(response)["errors"]) == {"starts_on"}
    assert not Programme.objects.exclude(slug="test-programme").exists()


def test_a_coordinator_changes_only_the_fields_sent(people):
    programme = Programme.objects.get(slug="test-programme")
    programme.funder = "AMIF"
    programme.save()
    programme.organisations.add(Organisation.objects.get(name="Migration Policy Group"))
    response = api_client(people["coordinator"]).patch(
        PROGRAMME, {"budget": "700000.50", "is_demo": True}, content_type=JSON
    )
    assert response.status_code == 200, response.content
    data = response.json()
    assert (data["budget"], data["is_demo"], data["funder"]) == ("700000.50", True, "AMIF")
    assert data["organisations"] == ["Migration Policy Group"]
    programme.refresh_from_db()
    assert (programme.name, programme.starts_on, programme.ends_on) == (
        "Test programme", date(2017, 1, 1), date(2018, 12, 31)
    )  # fmt: skip
    assert (str(programme.budget), programme.is_demo, programme.funder) == (
        "700000.50", True, "AMIF"
    )  # fmt: skip
    assert [o.name for o in programme.organisations.all()] == ["Migration Policy Group"]
    (entry,) = audit_of("mentoring.programme")
    assert entry.action == AuditEntry.Action.CHANGE
    assert entry.changes == {
        "budget": ["650000.00", "700000.50"], "is_demo": ["False", "True"]
    }  # fmt: skip


def test_a_programme_s_budget_and_organisations_are_cleared_and_its_slug_changed(people):
    response = api_client(people["coordinator"]).patch(
        PROGRAMME, {"budget": None, "organisations": [], "slug": "renamed"}, content_type=JSON
    )
    assert response.status_code == 200, response.content
    assert (response.json()["budget"], response.json()["slug"]) == (None, "renamed")
    assert Programme.objects.get(slug="renamed").budget is None
    # Nothing changed: no audit record.
    AuditEntry.objects.all().delete()
    response = api_client(people["coordinator"]).patch(
        "/api/v1/programmes/renamed", {}, content_type=JSON
    )
    assert response.status_code == 200
    assert not audit_of("mentoring.programme")


def test_a_change_that_is_not_valid_stores_nothing(people):
    response = api_client(people["coordinator"]).patch(
        PROGRAMME, {"name": "Renamed", "ends_on": "2016-12-31"}, content_type=JSON
    )
    assert response.status_code == 422
    assert error_of(response) == {
        "detail": "The programme cannot end before it starts.",
        "errors": {"ends_on": ["The programme cannot end before it starts."]},
    }
    programme = Programme.objects.get(slug="test-programme")
    assert (programme.name, programme.ends_on) == ("Test programme", date(2018, 12, 31))
    assert not audit_of("mentoring.programme")
    response = api_client(people["coordinator"]).patch(PROGRAMME, {"name": None}, content_type=JSON)
    assert response.status_code == 422
    assert list(error_of(response)["errors"]) == ["name"]


def event_body(**changes) -> dict:
    return {
        "kind": "launch",
        "title": "Launch meeting",
        "place": "Brussels",
        "starts_on": "2017-02-01",
        "ends_on": "2017-02-02",
        "attendance": 60,
        **changes,
    }


def test_a_coordinator_adds_an_event(people):
    response = api_client(people["coordinator"]).post(
        f"{PROGRAMME}/events", event_body(), content_type=JSON
    )
    assert response.status_code == 201, response.content
    event = ProgrammeEvent.objects.get()
    assert response.json() == {
        "id": event.pk, "kind": "launch", "title": "Launch meeting", "place": "Brussels",
        "starts_on": "2017-02-01", "ends_on": "2017-02-02", "attendance": 60, "total": 60,
        "cities": [],
    }  # fmt: skip
    assert (event.programme.slug, event.place) == ("test-programme", "Brussels")
    assert [e.action for e in audit_of("mentoring.programmeevent")] == ["create"]
    assert Client().get(PROGRAMME).json()["events"][0]["title"] == "Launch meeting"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"ends_on": "2017-01-31"}, "ends_on", "The event cannot end before it starts."),
        ({"kind": "party"}, "kind", "Select a valid choice."),
        ({"attendance": -3}, "attendance", "Ensure this value is greater than or equal to 0."),
        ({"title": ""}, "title", "This field is required."),
    ],
)
def test_an_event_that_is_not_valid_is_refused(people, changes, field, message):
    response = api_client(people["coordinator"]).post(
        f"{PROGRAMME}/events", event_body(**changes), content_type=JSON
    )
    assert response.status_code == 422
    data = error_of(response)
    assert list(data["errors"]) == [field]
    assert data["detail"].startswith(message)
    assert not ProgrammeEvent.objects.exists()
    assert not audit_of("mentoring.programmeevent")


def test_an_event_of_a_programme_that_does_not_exist_is_a_404(people):
    response = api_client(people["coordinator"]).post(
        "/api/v1/programmes/nothing-here/events", event_body(), content_type=JSON
    )
    assert response.status_code == 404


def test_a_coordinator_creates_a_scheme_and_its_facilitator_gets_the_theme(people):
    mpi = Organisation.objects.get(name="Migration Policy Institute Europe")
    body = {
        "theme": "C",
        "toolkit": {"theme": "C", "year": 2018},
        "facilitator": "Migration Policy Group",
        "capacity": 2,
        "forbid_same_country": True,
    }
    response = api_client(people["coordinator"]).post(
        f"{PROGRAMME}/schemes", body, content_type=JSON
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["programme"], data["theme"], data["toolkit_year"], data["facilitator"]) == (
        "test-programme", "C", 2018, "Migration Policy Group"
    )  # fmt: skip
    assert data["constraints"] == {
        "capacity": 2, "forbid_same_country": True, "require_shared_language": False
    }  # fmt: skip
    assert (data["members"], data["pairings"]) == ([], [])
    scheme = Scheme.objects.get(programme__slug="test-programme", theme__code="C")
    assert scheme.toolkit == Toolkit.objects.get(theme__code="C")
    mpg = Organisation.objects.get(name="Migration Policy Group")
    assert sorted(mpg.themes.values_list("code", flat=True)) == ["A", "C"]
    assert list(mpi.themes.values_list("code", flat=True)) == ["C"]
    assert [e.action for e in audit_of("mentoring.scheme")] == ["create"]
    (grant,) = audit_of("people.organisation")
    assert grant.changes == {"themes": ["A", "A, C"]}
    # The facilitator now facilitates theme C: they plan its visits.
    fatima = type(people["facilitator"]).objects.get(username="fatima")  # roles not cached
    assert fatima.has_perm("mentoring.plan_visit", Pairing(scheme=scheme, theme=scheme.theme))


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        (
            {"theme": "C", "toolkit": {"theme": "A", "year": 2018}},
            "toolkit",
            "A 2018: ",  # "… is an edition of theme A, not of C."
        ),
        ({"theme": "A"}, "theme", "This programme already has a scheme on this theme."),
        ({"theme": "Z"}, "theme", "There is no such theme."),
        ({"theme": "C", "toolkit": {"theme": "C", "year": 1999}}, "toolkit", "There is no "),
        ({"theme": "C", "facilitator": "Nobody Inc"}, "facilitator", "There is no such org"),
        ({"theme": "C", "capacity": 0}, "capacity", "A mentor city takes at least 1"),
    ],
)
def test_a_scheme_that_is_not_valid_is_refused(people, body, field, message):
    response = api_client(people["coordinator"]).post(
        f"{PROGRAMME}/schemes", body, content_type=JSON
    )
    assert response.status_code == 422, response.content
    data = error_of(response)
    assert list(data["errors"]) == [field]
    assert data["detail"].startswith(message)
    assert data["errors"][field] == [data["detail"]]
    assert Scheme.objects.count() == 1
    assert not audit_of("mentoring.scheme")
    assert not audit_of("people.organisation")


def test_the_wrong_toolkit_edition_says_which_theme_it_belongs_to(people):
    body = {"theme": "C", "toolkit": {"theme": "A", "year": 2018}}
    response = api_client(people["coordinator"]).post(
        f"{PROGRAMME}/schemes", body, content_type=JSON
    )
    assert "is an edition of theme A, not of C" in error_of(response)["detail"]


def test_a_coordinator_changes_only_the_scheme_s_fields_sent(people):
    mpi = Organisation.objects.get(name="Migration Policy Institute Europe")
    response = api_client(people["coordinator"]).patch(
        SCHEME,
        {"capacity": 2, "facilitator": "Migration Policy Institute Europe"},
        content_type=JSON,
    )
    assert response.status_code == 200, response.content
    data = response.json()
    assert (data["facilitator"], data["constraints"]["capacity"]) == (
        "Migration Policy Institute Europe", 2
    )  # fmt: skip
    scheme = Scheme.objects.get()
    assert (scheme.theme.code, scheme.toolkit, scheme.forbid_same_country) == ("A", None, False)
    assert sorted(mpi.themes.values_list("code", flat=True)) == ["A", "C"]
    (entry,) = audit_of("mentoring.scheme")
    assert entry.changes["capacity"] == ["1", "2"]
    response = api_client(people["coordinator"]).patch(
        SCHEME, {"toolkit": {"theme": "A", "year": 2018}, "facilitator": None}, content_type=JSON
    )
    assert response.status_code == 200
    assert (response.json()["toolkit_year"], response.json()["facilitator"]) == (2018, None)


def test_a_scheme_change_that_is_not_valid_stores_nothing(people):
    response = api_client(people["coordinator"]).patch(
        SCHEME, {"capacity": 3, "toolkit": {"theme": "C", "year": 2018}}, content_type=JSON
    )
    assert response.status_code == 422
    data = error_of(response)
    assert list(data["errors"]) == ["toolkit"]
    assert "is an edition of theme C, not of A" in data["detail"]
    scheme = Scheme.objects.get()
    assert (scheme.capacity, scheme.toolkit) == (1, None)
    assert not audit_of("mentoring.scheme")
    assert api_client(people["coordinator"]).patch(
        f"{PROGRAMME}/schemes/C", {"capacity": 2}, content_type=JSON
    ).status_code == 404  # fmt: skip


def test_a_coordinator_takes_a_city_out_of_a_scheme(people):
    Pairing.objects.filter(implementing_city__slug="helsinki").delete()
    response = api_client(people["coordinator"]).delete(f"{SCHEME}/members/helsinki")
    assert response.status_code == 204, response.content
    assert not SchemeCity.objects.filter(city__slug="helsinki").exists()
    assert ProgrammeCity.objects.filter(city__slug="helsinki").exists()  # still a partner
    assert [e.action for e in audit_of("mentoring.schemecity")] == ["delete"]
    # Not (or no longer) in the scheme: nothing to take out.
    assert api_client(people["coordinator"]).delete(f"{SCHEME}/members/helsinki").status_code == 404
    assert api_client(people["coordinator"]).delete(f"{SCHEME}/members/atlantis").status_code == 404


def test_a_paired_city_is_not_taken_out_of_a_scheme(people):
    response = api_client(people["coordinator"]).delete(f"{SCHEME}/members/athens")
    assert response.status_code == 422
    message = "Athens is in a pairing of this scheme. Remove the pairing first."
    assert error_of(response) == {"detail": message, "errors": {"city": [message]}}
    assert SchemeCity.objects.filter(city__slug="athens").exists()
    assert not audit_of("mentoring.schemecity")


COORDINATOR_WRITES = [
    ("post", "/api/v1/programmes", programme_body()),
    ("patch", PROGRAMME, {"name": "Renamed"}),
    ("post", f"{PROGRAMME}/events", event_body()),
    ("post", f"{PROGRAMME}/schemes", {"theme": "C"}),
    ("patch", SCHEME, {"capacity": 3}),
    ("delete", f"{SCHEME}/members/helsinki", None),
]


def _stored() -> tuple:
    return (
        list(Programme.objects.values_list("name", "slug")),
        ProgrammeEvent.objects.count(),
        list(Scheme.objects.values_list("theme__code", "capacity")),
        SchemeCity.objects.count(),
        AuditEntry.objects.filter(target_type__startswith="mentoring.").count(),
    )


def _send(client: Client, method: str, url: str, body: dict | None):
    if body is None:
        return getattr(client, method)(url)
    return getattr(client, method)(url, body, content_type=JSON)


@pytest.mark.parametrize(("method", "url", "body"), COORDINATOR_WRITES)
def test_only_coordinators_set_up_programmes_and_schemes(people, method, url, body):
    Pairing.objects.filter(implementing_city__slug="helsinki").delete()
    before = _stored()
    assert _send(Client(), method, url, body).status_code == 401
    for role in ("officer", "other_officer", "mentor", "facilitator", "staff", "nobody"):
        response = _send(api_client(people[role]), method, url, body)
        assert response.status_code == 403, role
        assert response.json()["detail"].startswith("Only coordinators"), role
    read = Client(headers=bearer(people["coordinator"], scope="read"))
    response = _send(read, method, url, body)
    assert response.status_code == 403
    assert "read-only" in response.json()["detail"]
    assert _stored() == before
    # ...and the coordinator may.
    assert _send(api_client(people["coordinator"]), method, url, body).status_code in (
        200,
        201,
        204,
    )


# -- a city's rates ----------------------------------------------------------------------------


def test_an_officer_sets_the_city_s_day_rate_and_co_financing(people):
    response = api_client(people["officer"]).put(
        f"{WORKLOAD}/rates", {"day_rate": "312.50", "co_financing": "9000"}, content_type=JSON
    )
    assert response.status_code == 200, response.content
    data = response.json()
    assert (data["day_rate"], data["co_financing"], data["city"]["slug"]) == (
        "312.50", "9000.00", "athens"
    )  # fmt: skip
    partner = ProgrammeCity.objects.get(city__slug="athens")
    assert (str(partner.day_rate), str(partner.co_financing)) == ("312.50", "9000.00")
    (entry,) = audit_of("mentoring.programmecity")
    assert entry.changes == {
        "day_rate": ["300.00", "312.50"], "co_financing": [None, "9000"]
    }  # fmt: skip
    assert entry.city.slug == "athens"


def test_a_coordinator_clears_the_rates_and_the_same_values_record_nothing(people):
    url, coordinator = f"{WORKLOAD}/rates", api_client(people["coordinator"])
    body = {"day_rate": None, "co_financing": None}
    response = coordinator.put(url, body, content_type=JSON)
    assert response.status_code == 200, response.content
    assert (response.json()["day_rate"], response.json()["staff_cost"]) == (None, None)
    assert ProgrammeCity.objects.get(city__slug="athens").day_rate is None
    assert coordinator.put(url, body, content_type=JSON).status_code == 200
    assert len(audit_of("mentoring.programmecity")) == 1


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"day_rate": "0", "co_financing": None}, "day_rate", "The day rate must be more than 0."),
        (
            {"day_rate": "-20", "co_financing": "100"},
            "day_rate",
            "The day rate must be more than 0.",
        ),
        (
            {"day_rate": "300", "co_financing": "-1"},
            "co_financing",
            "The co-financing cannot be negative.",
        ),
        (
            {"day_rate": "1000000", "co_financing": None},
            "day_rate",
            "The day rate can be at most 999,999.99 euros.",
        ),
        (
            {"day_rate": "312.505", "co_financing": None},
            "day_rate",
            "Give the day rate in euros and cents, e.g. 312.50.",
        ),
    ],
)
def test_rates_that_are_not_valid_are_refused(people, body, field, message):
    response = api_client(people["officer"]).put(f"{WORKLOAD}/rates", body, content_type=JSON)
    assert response.status_code == 422
    assert error_of(response) == {"detail": message, "errors": {field: [message]}}
    partner = ProgrammeCity.objects.get(city__slug="athens")
    assert (partner.day_rate, partner.co_financing) == (300, None)
    assert not audit_of("mentoring.programmecity")


def test_rates_must_both_be_sent(people):
    response = api_client(people["officer"]).put(
        f"{WORKLOAD}/rates", {"day_rate": "250"}, content_type=JSON
    )
    assert response.status_code == 422
    assert set(error_of(response)["errors"]) == {"co_financing"}
    assert ProgrammeCity.objects.get(city__slug="athens").day_rate == 300


def test_only_the_city_s_officers_and_coordinators_set_its_rates(people):
    body = {"data": {"day_rate": "250", "co_financing": None}, "content_type": JSON}
    url = f"{WORKLOAD}/rates"
    assert Client().put(url, **body).status_code == 401
    for role in ("other_officer", "mentor", "facilitator", "staff", "nobody"):
        assert api_client(people[role]).put(url, **body).status_code == 404, role  # as the workload
    read = Client(headers=bearer(people["officer"], scope="read"))
    assert read.put(url, **body).status_code == 403
    assert ProgrammeCity.objects.get(city__slug="athens").day_rate == 300
    # Not a partner city of the programme.
    tampere = api_client(people["coordinator"]).put(f"{PROGRAMME}/workload/tampere/rates", **body)
    assert tampere.status_code == 404


def test_a_report_of_the_past_is_published_on_the_month_given(people, visit):
    url = f"/api/v1/visits/{visit.pk}/report"
    coordinator = api_client(people["coordinator"])
    assert coordinator.put(url, REPORT, content_type=JSON).status_code == 200
    for given, message in [
        ("2017-13", "is not a date"),
        ("2017-04", "before its visit began"),
        ("2099-01", "a date to come"),
    ]:
        refused = coordinator.post(f"{url}/publish?published_on={given}")
        assert refused.status_code == 422, (given, refused.content)
        assert message in refused.json()["detail"], given
    assert VisitReport.objects.get(visit=visit).status == "draft"

    published = coordinator.post(f"{url}/publish?published_on=2017-06")

    assert published.status_code == 200, published.content
    data = published.json()
    assert (data["published_on"], data["published_on_precision"]) == ("2017-06-01", "month")
