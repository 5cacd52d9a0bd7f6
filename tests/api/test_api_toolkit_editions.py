"""A theme's toolkit editions through the API: list, start, upload, publish, delete, compare."""

from django.core.files.uploadedfile import SimpleUploadedFile

from citygrow.catalogue.models import Toolkit
from citygrow.people.models import AuditEntry
from tests.support.clients import api_client
from tests.support.toolkits import made_up_toolkit

BLANK_A = {
    "how": "blank",
    "year": 2026,
    "title": "Test toolkit A",
    "source_title": "Test source",
    "source_publisher": "Test publisher",
    "source_year": 2026,
    "credit": "Test credit.",
    "standard": "Test standard statement.",
}


def test_authors_list_a_themes_editions_with_their_lineage(facilitator, toolkit_a):
    response = facilitator.api.post(
        "/api/v1/themes/A/editions", {"how": "copy", "year": 2026}, content_type="application/json"
    )
    assert response.status_code == 201, response.json()
    assert response.json()["based_on"] == 2018
    editions = facilitator.api.get("/api/v1/themes/A/editions").json()
    assert [(e["year"], e["status"], e["based_on"]) for e in editions] == [
        (2026, "draft", 2018),
        (2018, "published", None),
    ]


def test_others_may_not_list_or_start_editions(officer, other_facilitator, seeded, client):
    assert officer.api.get("/api/v1/themes/A/editions").status_code == 403
    assert other_facilitator.api.get("/api/v1/themes/A/editions").status_code == 403
    assert client.get("/api/v1/themes/A/editions").status_code == 401
    response = officer.api.post(
        "/api/v1/themes/A/editions", BLANK_A, content_type="application/json"
    )
    assert response.status_code == 403


def test_a_blank_start_needs_its_fields_and_refuses_a_second_draft(coordinator, seeded):
    response = coordinator.api.post(
        "/api/v1/themes/B/editions", {"how": "blank", "year": 2026}, content_type="application/json"
    )
    assert response.status_code == 422
    assert "standard" in response.json()["errors"]
    body = {**BLANK_A, "title": "Test toolkit B"}
    assert (
        coordinator.api.post(
            "/api/v1/themes/B/editions", body, content_type="application/json"
        ).status_code
        == 201
    )
    again = coordinator.api.post(
        "/api/v1/themes/B/editions", {**body, "year": 2027}, content_type="application/json"
    )
    assert again.status_code == 422
    assert "already has a draft edition (2026)" in again.json()["detail"]


def test_text_with_a_nul_character_is_refused(coordinator, seeded):
    body = {**BLANK_A, "title": "Test\x00"}
    response = coordinator.api.post(
        "/api/v1/themes/B/editions", body, content_type="application/json"
    )
    assert response.status_code == 422


def upload(person, text: str, name: str = "b.yaml"):
    return person.api.post(
        "/api/v1/themes/B/editions/2026/upload", {"file": SimpleUploadedFile(name, text.encode())}
    )


def test_an_upload_publish_and_compare(coordinator, seeded):
    coordinator.api.post(
        "/api/v1/themes/B/editions", {**BLANK_A, "title": "T"}, content_type="application/json"
    )
    response = upload(coordinator, made_up_toolkit("B"))
    assert response.status_code == 200, response.json()
    assert response.json()["key_factors"] == 2
    published = coordinator.api.post("/api/v1/themes/B/editions/2026/publish")
    assert published.status_code == 200
    assert published.json()["status"] == "published" and published.json()["published_at"]
    # Published: public, and it no longer takes an upload.
    assert upload(coordinator, made_up_toolkit("B")).status_code == 403
    comparison = coordinator.api.get("/api/v1/themes/B/compare/2026/2026").json()
    assert comparison["is_empty"] and comparison["changes"] == []


def test_a_bad_file_is_422_with_every_problem(coordinator, seeded):
    coordinator.api.post("/api/v1/themes/B/editions", BLANK_A, content_type="application/json")
    bad = made_up_toolkit("B").replace("why: Test reason 1.", "wy: Test reason 1.")
    response = upload(coordinator, bad, "bad.yaml")
    assert response.status_code == 422
    problems = response.json()["problems"]
    assert problems == [
        {"file": "bad.yaml", "path": "key_factors[0].why", "line": 19,
         "message": "this field is required"},
        {"file": "bad.yaml", "path": "key_factors[0].wy", "line": 20,
         "message": "unknown key: it is not part of the toolkit format (misspelt?)"},
    ]  # fmt: skip
    assert not Toolkit.objects.get(theme__code="B").key_factors.exists()


def test_a_binary_file_and_a_file_of_another_theme_are_refused(coordinator, seeded):
    coordinator.api.post("/api/v1/themes/B/editions", BLANK_A, content_type="application/json")
    binary = coordinator.api.post(
        "/api/v1/themes/B/editions/2026/upload",
        {"file": SimpleUploadedFile("x.png", b"\x89PNG\r\n\x1a\n\x00\x00")},
    )
    assert binary.status_code == 422 and "not text" in binary.json()["problems"][0]["message"]
    other = upload(coordinator, made_up_toolkit("C"))
    assert other.status_code == 422 and "theme C" in other.json()["detail"]


def test_publishing_an_incomplete_draft_lists_what_is_missing(coordinator, seeded):
    coordinator.api.post("/api/v1/themes/B/editions", BLANK_A, content_type="application/json")
    response = coordinator.api.post("/api/v1/themes/B/editions/2026/publish")
    assert response.status_code == 422
    assert response.json()["errors"]["missing"] == [
        "The edition has no key factor: add at least one."
    ]


def test_a_draft_is_deleted_and_audited(coordinator, seeded):
    coordinator.api.post("/api/v1/themes/B/editions", BLANK_A, content_type="application/json")
    toolkit = Toolkit.objects.get(theme__code="B")
    assert coordinator.api.delete("/api/v1/themes/B/editions/2026").status_code == 204
    assert not Toolkit.objects.filter(pk=toolkit.pk).exists()
    assert AuditEntry.objects.filter(action="delete", target_id=str(toolkit.pk)).exists()


def test_a_draft_does_not_exist_for_others(coordinator, officer, seeded):
    coordinator.api.post("/api/v1/themes/B/editions", BLANK_A, content_type="application/json")
    assert officer.api.post("/api/v1/themes/B/editions/2026/publish").status_code == 404
    assert officer.api.delete("/api/v1/themes/B/editions/2026").status_code == 404
    assert officer.api.get("/api/v1/themes/B/compare/2026/2026").status_code == 404


def test_a_read_only_token_does_not_write(coordinator, seeded):
    reader = api_client(coordinator.user, scope="read")
    response = reader.post("/api/v1/themes/B/editions", BLANK_A, content_type="application/json")
    assert response.status_code == 403


def test_the_comparison_is_public_for_public_editions(client, toolkit_c):
    response = client.get("/api/v1/themes/C/compare/2018/2018")
    assert response.status_code == 200
    assert response.json()["is_empty"] is True
