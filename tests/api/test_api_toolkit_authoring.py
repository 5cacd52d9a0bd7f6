"""Editing a draft toolkit edition through the API: reading the items with their versions,
adding, changing, moving and removing each kind, conflicts, bad values, and who may (issue 12)."""

import pytest

from citygrow.catalogue.models import KeyFactor, Toolkit
from citygrow.people.models import AuditEntry
from tests.support.budgets import assert_flat, count_queries
from tests.support.clients import api_client
from tests.support.toolkits import blank_draft

JSON = "application/json"
BASE = "/api/v1/toolkits/A/2030"


@pytest.fixture
def draft(people) -> Toolkit:
    return blank_draft("A", 2030)


def post(person, path: str, data: dict):
    return person.api.post(f"{BASE}{path}", data, content_type=JSON)


def patch(person, path: str, data: dict):
    return person.api.patch(f"{BASE}{path}", data, content_type=JSON)


def error_of(response) -> dict:
    data = response.json()
    assert set(data) == {"detail", "errors"}, data
    return data


def test_the_openapi_document_lists_the_authoring_routes(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in [
        "/api/v1/toolkits/{code}/{year}/edition",
        "/api/v1/toolkits/{code}/{year}/move",
        "/api/v1/toolkits/{code}/{year}/terms/{item_id}",
        "/api/v1/toolkits/{code}/{year}/key-factors/{item_id}",
        "/api/v1/toolkits/{code}/{year}/key-factors/{key_factor_id}/questions/{item_id}",
        "/api/v1/toolkits/{code}/{year}/key-factors/{key_factor_id}/examples/{item_id}",
        "/api/v1/toolkits/{code}/{year}/context-factors/{item_id}",
    ]:
        assert path in paths, path


def test_a_facilitator_enters_a_key_factor_with_a_question_and_an_example(draft, facilitator):
    factor = post(facilitator, "/key-factors", {"heading": "Test heading", "why": "Test why."})
    assert factor.status_code == 201, factor.json()
    assert factor.json() | {"id": 0} == {
        "id": 0,
        "number": 1,
        "version": 1,
        "heading": "Test heading",
        "summary": "",
        "why": "Test why.",
    }
    kf = factor.json()["id"]
    question = post(
        facilitator, f"/key-factors/{kf}/questions", {"text": "Test?", "sub_items": ["a"]}
    )
    assert question.status_code == 201 and question.json()["key_factor_id"] == kf
    example = post(
        facilitator,
        f"/key-factors/{kf}/examples",
        {"city": "Ghent", "text": "Test example.", "links": ["https://example.org/x"]},
    )
    assert example.status_code == 201 and example.json()["city"] == "Ghent"
    assert post(facilitator, "/terms", {"term": "Test term"}).status_code == 201
    assert (
        post(facilitator, "/context-factors", {"category": "C", "examples": ["E"]}).status_code
        == 201
    )
    edition = facilitator.api.get(f"{BASE}/edition").json()
    assert edition["key_factors"][0]["guide_questions"][0]["sub_items"] == ["a"]
    assert edition["key_factors"][0]["examples"][0]["links"] == ["https://example.org/x"]
    assert [t["term"] for t in edition["terms"]] == ["Test term"]
    created = AuditEntry.objects.filter(actor_name="fatima", action="create")
    assert created.filter(target_type__startswith="catalogue.").count() == 4
    assert created.filter(target_type="practices.practice").count() == 1


def test_a_change_sends_the_version_it_read_and_a_stale_one_gets_409(draft, facilitator, people):
    kf = post(facilitator, "/key-factors", {"heading": "H", "why": "W."}).json()["id"]
    first = patch(facilitator, f"/key-factors/{kf}", {"version": 1, "why": "Hers."})
    assert first.status_code == 200 and first.json()["version"] == 2
    stale = api_client(people["coordinator"]).patch(
        f"{BASE}/key-factors/{kf}", {"version": 1, "why": "His."}, content_type=JSON
    )
    assert stale.status_code == 409
    assert stale.json()["current"]["why"] == "Hers."
    assert "Someone else changed this" in stale.json()["detail"]
    assert KeyFactor.objects.get(pk=kf).why == "Hers."


def test_the_edition_s_fields_are_changed_with_their_version(draft, facilitator):
    response = patch(facilitator, "/edition", {"version": 1, "coverage_notes": "Test notes."})
    assert response.status_code == 200
    assert (response.json()["coverage_notes"], response.json()["version"]) == ("Test notes.", 2)
    stale = patch(facilitator, "/edition", {"version": 1, "title": "Other"})
    assert stale.status_code == 409 and stale.json()["current"]["coverage_notes"] == "Test notes."


def test_bad_values_get_422_with_the_messages_by_field(draft, facilitator):
    response = post(facilitator, "/key-factors", {"heading": " ", "why": ""})
    assert response.status_code == 422
    assert error_of(response)["errors"] == {
        "heading": ["Must not be empty."],
        "why": ["Must not be empty."],
    }
    kf = post(facilitator, "/key-factors", {"heading": "H", "why": "W."}).json()["id"]
    response = post(
        facilitator,
        f"/key-factors/{kf}/examples",
        {"city": "Atlantis", "text": "T.", "links": ["ftp://x"]},
    )
    assert response.status_code == 422
    assert set(error_of(response)["errors"]) == {"city", "links"}
    response = post(facilitator, "/terms", {"term": "T\u0000"})
    assert response.status_code == 422


def test_items_are_moved_and_removed_with_their_version(draft, facilitator):
    ids = [post(facilitator, "/terms", {"term": f"T{n}"}).json()["id"] for n in (1, 2)]
    moved = post(
        facilitator, "/move", {"kind": "term", "id": ids[1], "direction": "up", "version": 1}
    )
    assert moved.status_code == 200 and moved.json()["number"] == 1
    past = post(
        facilitator, "/move", {"kind": "term", "id": ids[1], "direction": "up", "version": 1}
    )
    assert past.status_code == 422 and "already the first" in past.json()["detail"]
    patch(facilitator, f"/terms/{ids[0]}", {"version": 1, "definition": "D."})
    stale = facilitator.api.delete(f"{BASE}/terms/{ids[0]}?version=1")
    assert stale.status_code == 409 and stale.json()["current"]["version"] == 2
    assert facilitator.api.delete(f"{BASE}/terms/{ids[0]}?version=2").status_code == 204
    assert [t["term"] for t in facilitator.api.get(f"{BASE}/edition").json()["terms"]] == ["T2"]


def test_who_may_edit_a_draft(draft, client, people):
    data = {"term": "T"}
    assert client.post(f"{BASE}/terms", data, content_type=JSON).status_code == 401
    for role in ("officer", "mentor", "other_facilitator", "nobody"):
        response = api_client(people[role]).post(f"{BASE}/terms", data, content_type=JSON)
        assert response.status_code == 404, role
    for role in ("facilitator", "coordinator", "staff"):
        response = api_client(people[role]).post(
            f"{BASE}/terms", data | {"term": role}, content_type=JSON
        )
        assert response.status_code == 201, role
    read_only = api_client(people["facilitator"], scope="read")
    assert read_only.post(f"{BASE}/terms", {"term": "R"}, content_type=JSON).status_code == 403


def test_a_published_edition_is_refused_422_to_its_authors_and_403_to_others(toolkit_a, people):
    term = toolkit_a.terms.first()
    path = f"/api/v1/toolkits/A/2018/terms/{term.pk}"
    data = {"version": 1, "term": "Changed"}
    response = api_client(people["facilitator"]).patch(path, data, content_type=JSON)
    assert response.status_code == 422
    assert response.json()["detail"] == (
        "A published edition does not change: start a new edition to change it."
    )
    response = api_client(people["other_facilitator"]).patch(path, data, content_type=JSON)
    assert response.status_code == 403


def test_a_key_factor_from_another_edition_is_not_found(draft, toolkit_a, facilitator):
    other = toolkit_a.key_factors.first()
    response = post(facilitator, f"/key-factors/{other.pk}/questions", {"text": "Q?"})
    assert response.status_code == 404


def test_reading_the_edition_does_not_grow_with_its_key_factors(draft, facilitator):
    def add_factor(n: int) -> None:
        kf = post(facilitator, "/key-factors", {"heading": f"H{n}", "why": "W."}).json()["id"]
        post(facilitator, f"/key-factors/{kf}/questions", {"text": "Q?"})
        post(facilitator, f"/key-factors/{kf}/examples", {"city": "Ghent", "text": "E."})

    add_factor(0)
    small = count_queries(facilitator.api, f"{BASE}/edition")
    for n in range(1, 6):
        add_factor(n)
    assert_flat(small, count_queries(facilitator.api, f"{BASE}/edition"), budget=12)
