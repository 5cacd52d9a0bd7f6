"""Practices through the API (issue 13, parts 4-6): the library, a practice contributed by a city
(written, changed with its version, submitted, commented, returned, published, withdrawn,
discarded, with its files), who may do what, the refusals, and where plans adapted it."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from citygrow.catalogue.models import Theme, Toolkit
from citygrow.people.models import AuditEntry, City
from citygrow.plans import services as plan_services
from citygrow.practices import services
from citygrow.practices.models import Outcome, Practice, PracticeAttachment, PracticeComment
from tests.support.budgets import assert_flat, count_queries
from tests.support.clients import api_client
from tests.support.plans import SIGNED_PDF, assess_athens, endorse, key_factor

JSON = "application/json"


def error_of(response) -> dict:
    data = response.json()
    assert set(data) == {"detail", "errors"}, data
    return data


def body(**changes) -> dict:
    """A contributed practice of theme A, as the API takes it."""
    return {
        "name": "Test welcome desk",
        "summary": "Test summary.",
        "text": "Test text: the city opens a desk.",
        "results": "Test results.",
        "year": 2019,
        "themes": ["A"],
        "key_factors": [key_factor(1).pk],
        "links": ["https://example.org/desk"],
        "contact_name": "Test Contact",
        "contact_email": "contact@example.org",
        "outcomes": [{"description": "Test people served", "value": "120", "unit": "people"}],
        **changes,
    }


def contribute(by, city: str = "Athens", **changes) -> Practice:
    """A draft contributed through the service, as `body(**changes)` says."""
    data = body(**changes)
    themes = list(Theme.objects.filter(code__in=data.pop("themes")).values_list("pk", flat=True))
    outcomes = [
        services.OutcomeIn(o["description"], Decimal(o["value"]), o["unit"])
        for o in data.pop("outcomes")
    ]
    return services.save_contribution(
        city=City.objects.get(name=city),
        data=services.ContributionIn(**data, themes=themes, outcomes=outcomes),
        by=by,
    )


def published(people, city: str = "Athens", **changes) -> Practice:
    practice = contribute(people["coordinator"], city, **changes)
    services.submit_practice(practice=practice, by=people["coordinator"])
    return services.publish_practice(practice=practice, by=people["facilitator"])


@pytest.fixture
def draft(people) -> Practice:
    """A draft practice of Athens on theme A, written by its officer."""
    return contribute(people["officer"])


def url(practice: Practice, step: str = "") -> str:
    return f"/api/v1/practices/{practice.pk}{step}"


# -- the document ------------------------------------------------------------------------------

ROUTES = {
    ("get", "/api/v1/practices"): {"200", "401", "422"},
    ("get", "/api/v1/practices/{practice_id}"): {"200", "401", "404", "422"},
    ("put", "/api/v1/practices/{practice_id}"): {"200", "400", "401", "403", "404", "409", "422"},
    ("delete", "/api/v1/practices/{practice_id}"): {"204", "400", "401", "403", "404", "422"},
    ("post", "/api/v1/cities/{slug}/practices"): {"201", "400", "401", "403", "404", "422"},
    ("post", "/api/v1/practices/{practice_id}/submit"): {"200", "400", "401", "403", "404", "422"},
    ("post", "/api/v1/practices/{practice_id}/return"): {"200", "400", "401", "403", "404", "422"},
    ("post", "/api/v1/practices/{practice_id}/publish"): {"200", "400", "401", "403", "404", "422"},
    ("post", "/api/v1/practices/{practice_id}/withdraw"): {
        "200", "400", "401", "403", "404", "422"
    },
    ("get", "/api/v1/practices/{practice_id}/comments"): {"200", "401", "403", "404", "422"},
    ("post", "/api/v1/practices/{practice_id}/comments"): {
        "201", "400", "401", "403", "404", "422"
    },
    ("post", "/api/v1/practices/{practice_id}/attachments"): {
        "201", "400", "401", "403", "404", "422"
    },
    ("delete", "/api/v1/practices/{practice_id}/attachments/{attachment_id}"): {
        "204", "400", "401", "403", "404", "422"
    },
    ("get", "/api/v1/practices/{practice_id}/adoptions"): {"200", "401", "404", "422"},
    ("get", "/api/v1/cities/{slug}/adopted-practices"): {"200", "401", "404", "422"},
}  # fmt: skip


def test_the_openapi_document_lists_the_practice_routes_with_their_responses(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for (method, path), statuses in ROUTES.items():
        assert set(paths[path][method]["responses"]) == statuses, (method, path)
        assert paths[path][method]["tags"] == ["practices"]


# -- the journey -------------------------------------------------------------------------------


def test_an_officer_contributes_a_practice_that_a_facilitator_publishes(
    client, people, officer, facilitator
):
    created = officer.api.post("/api/v1/cities/athens/practices", body(), content_type=JSON)
    assert created.status_code == 201, created.json()
    data = created.json()
    assert data | {"id": 0, "url": "", "key_factors": []} == {
        "id": 0,
        "title": "Test welcome desk",
        "name": "Test welcome desk",
        "city": "Athens",
        "city_slug": "athens",
        "country": "GR",
        "origin": "contributed",
        "status": "draft",
        "source_label": "Contributed by Athens",
        "toolkit": None,
        "key_factor": None,
        "themes": ["A"],
        "key_factors": [],
        "adapted_from": [],
        "summary": "Test summary.",
        "text": "Test text: the city opens a desk.",
        "results": "Test results.",
        "outcomes": [
            {"description": "Test people served", "value": 120.0, "unit": "people", "year": None}
        ],
        "attachments": [],
        "links": ["https://example.org/desk"],
        "contact": {"name": "Test Contact", "email": "contact@example.org"},
        "note": "",
        "year": 2019,
        "source": "Contributed by Athens",
        "published_at": None,
        "withdrawn_reason": "",
        "version": 1,
        "url": "",
    }
    assert data["key_factors"] == [
        {
            "id": key_factor(1).pk,
            "theme": "A",
            "year": 2018,
            "number": 1,
            "heading": key_factor(1).heading,
        }
    ]
    assert data["url"].endswith(f"/practices/{data['id']}/")
    practice = Practice.objects.get(pk=data["id"])
    assert client.get(url(practice)).status_code == 404  # a draft is private

    changed = officer.api.put(url(practice), body(version=1, name="Test desk"), content_type=JSON)
    assert changed.status_code == 200 and changed.json()["version"] == 2
    assert changed.json()["outcomes"][0]["value"] == 120.0  # kept
    pdf = SimpleUploadedFile("leaflet.pdf", SIGNED_PDF, content_type="application/pdf")
    attached = officer.api.post(url(practice, "/attachments"), {"file": pdf})
    assert attached.status_code == 201 and attached.json()["name"] == "leaflet.pdf"
    assert officer.api.post(url(practice, "/submit")).json()["status"] == "submitted"

    comment = facilitator.api.post(
        url(practice, "/comments"), {"text": "Test: add a figure."}, content_type=JSON
    )
    assert comment.status_code == 201 and comment.json()["text"] == "Test: add a figure."
    [read] = officer.api.get(url(practice, "/comments")).json()
    assert read["author"] == "fatima"
    returned = facilitator.api.post(
        url(practice, "/return"), {"comment": "Test: say who runs it."}, content_type=JSON
    )
    assert returned.json()["status"] == "returned"
    assert officer.api.post(url(practice, "/submit")).json()["status"] == "submitted"
    done = facilitator.api.post(url(practice, "/publish"), {}, content_type=JSON)
    assert done.status_code == 200, done.json()
    assert done.json()["status"] == "published" and done.json()["published_at"]

    public = client.get(url(practice)).json()
    assert public["title"] == "Test desk" and public["contact"] is None
    [file] = public["attachments"]
    assert file == attached.json() and file["name"] == "leaflet.pdf"
    download = client.get(file["url"])
    assert download.status_code == 200 and b"".join(download.streaming_content) == SIGNED_PDF
    listed = client.get("/api/v1/practices", {"q": "Test desk"}).json()
    assert [p["id"] for p in listed["results"]] == [practice.pk]
    assert PracticeComment.objects.filter(practice=practice).count() == 2
    assert AuditEntry.objects.filter(target_type="practices.practice").count() >= 6


def test_a_stale_change_gets_409_with_the_practice_as_stored(people, officer, coordinator, draft):
    first = coordinator.api.put(url(draft), body(version=1, name="Hers"), content_type=JSON)
    assert first.status_code == 200
    stale = officer.api.put(url(draft), body(version=1, name="His"), content_type=JSON)
    assert stale.status_code == 409
    assert stale.json()["current"]["name"] == "Hers"
    assert stale.json()["current"]["version"] == 2
    assert "Someone saved this practice" in stale.json()["detail"]
    assert Practice.objects.get(pk=draft.pk).name == "Hers"


# -- who may ---------------------------------------------------------------------------------


def test_a_draft_is_seen_by_its_city_its_reviewers_and_its_mentors_only(client, people, draft):
    for role in ("officer", "mentor", "facilitator", "coordinator"):
        assert api_client(people[role]).get(url(draft)).status_code == 200, role
    for role in ("other_officer", "other_mentor", "other_facilitator", "staff", "nobody"):
        assert api_client(people[role]).get(url(draft)).status_code == 404, role
        edit = api_client(people[role]).put(url(draft), body(version=1), content_type=JSON)
        assert edit.status_code == 404, role
        assert api_client(people[role]).post(url(draft, "/submit")).status_code == 404, role
    assert client.get(url(draft)).status_code == 404
    assert client.post(url(draft, "/submit")).status_code == 401


def test_those_who_see_it_but_may_not_act_get_403(people, officer, mentor, facilitator, draft):
    for person, path, data in [
        (mentor, "/submit", None),
        (facilitator, "/submit", None),
        (mentor, "/comments", {"text": "Test"}),
        (officer, "/publish", {}),
        (officer, "/return", {"comment": "Test"}),
        (mentor, "/publish", {}),
    ]:
        response = person.api.post(url(draft, path), data, content_type=JSON)
        assert response.status_code == 403, (person.user, path)
        assert error_of(response)["detail"].startswith("Only ")
    assert mentor.api.put(url(draft), body(version=1), content_type=JSON).status_code == 403
    assert facilitator.api.delete(url(draft)).status_code == 403
    assert mentor.api.get(url(draft, "/comments")).status_code == 403
    assert Practice.objects.get(pk=draft.pk).status == "draft"


def test_a_toolkit_example_is_not_changed_here(people, coordinator, toolkit_a):
    example = Practice.objects.filter(toolkit=toolkit_a).first()
    assert coordinator.api.put(url(example), body(version=1), content_type=JSON).status_code == 403
    assert coordinator.api.post(url(example, "/submit")).status_code == 403


def test_who_contributes_for_a_city(client, people, officer, other_officer, coordinator):
    path = "/api/v1/cities/athens/practices"
    refused = other_officer.api.post(path, body(), content_type=JSON)
    assert refused.status_code == 403
    assert error_of(refused)["detail"] == (
        "Only the city's officers and the coordinators contribute its practices."
    )
    assert client.post(path, body(), content_type=JSON).status_code == 401
    read_only = api_client(people["officer"], scope="read")
    assert read_only.post(path, body(), content_type=JSON).status_code == 403
    assert (
        officer.api.post("/api/v1/cities/atlantis/practices", body(), content_type=JSON)
    ).status_code == 404
    assert coordinator.api.post(path, body(), content_type=JSON).status_code == 201
    assert not Practice.objects.filter(contributed_by=people["other_officer"]).exists()


# -- refusals ----------------------------------------------------------------------------------


def test_a_step_its_status_does_not_allow_gets_422_with_the_services_message(
    people, officer, facilitator, draft
):
    for person, path, data, message in [
        (facilitator, "/publish", {}, "Only a submitted practice can be published."),
        (facilitator, "/return", {"comment": "T"}, "Only a submitted practice can be returned."),
        (facilitator, "/withdraw", {"reason": "T"}, "Only a published practice can be withdrawn."),
    ]:
        response = person.api.post(url(draft, path), data, content_type=JSON)
        assert response.status_code == 422, path
        assert error_of(response) == {"detail": message, "errors": {"status": [message]}}
    officer.api.post(url(draft, "/submit"))
    response = officer.api.post(url(draft, "/submit"))
    assert response.status_code == 422
    assert error_of(response)["detail"] == (
        "Only a draft or a practice returned for changes can be submitted."
    )
    edit = officer.api.put(url(draft), body(version=2), content_type=JSON)
    assert edit.status_code == 422
    assert error_of(edit)["errors"] == {
        "status": ["Only a draft or a practice returned for changes can be edited."]
    }
    published_without_a_body = facilitator.api.generic("POST", url(draft, "/publish"))
    assert published_without_a_body.status_code == 200
    comment = facilitator.api.post(url(draft, "/comments"), {"text": "T"}, content_type=JSON)
    assert comment.status_code == 422
    assert officer.api.delete(url(draft)).status_code == 422
    assert Practice.objects.get(pk=draft.pk).status == "published"


def test_returning_needs_a_comment_and_withdrawing_a_reason(people, facilitator, draft):
    services.submit_practice(practice=draft, by=people["officer"])
    response = facilitator.api.post(url(draft, "/return"), {"comment": " "}, content_type=JSON)
    assert response.status_code == 422
    assert error_of(response)["errors"] == {
        "comment": ["Say what should change before the practice is published."]
    }
    services.publish_practice(practice=draft, by=people["facilitator"])
    response = facilitator.api.post(url(draft, "/withdraw"), {"reason": ""}, content_type=JSON)
    assert response.status_code == 422
    assert set(error_of(response)["errors"]) == {"reason"}
    assert Practice.objects.get(pk=draft.pk).status == "published"


def test_a_withdrawn_practice_leaves_the_library_but_keeps_its_page(client, people, facilitator):
    practice = published(people)
    assert client.get("/api/v1/practices", {"q": "Test welcome"}).json()["count"] == 1
    response = facilitator.api.post(
        url(practice, "/withdraw"), {"reason": "Test: the desk closed."}, content_type=JSON
    )
    assert response.status_code == 200 and response.json()["status"] == "withdrawn"
    assert client.get("/api/v1/practices", {"q": "Test welcome"}).json()["count"] == 0
    page = client.get(url(practice)).json()
    assert (page["status"], page["withdrawn_reason"]) == ("withdrawn", "Test: the desk closed.")


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": " "}, "name", "Give the practice a title."),
        ({"themes": []}, "themes", "Choose at least one theme the practice serves."),
        ({"themes": ["Z"]}, "themes", "There is no theme Z."),
        ({"themes": ["a"]}, "themes.0", ""),
        ({"key_factors": [999999]}, "key_factors", ""),
        ({"links": ["ftp://example.org"]}, "links", "is not a web address"),
        ({"contact_email": "not-an-address"}, "contact_email", "Enter a valid e-mail address."),
        ({"year": 1492}, "year", "from 1900 to this year"),
        ({"adapted_from": [999999]}, "adapted_from", "There is no practice 999999"),
        ({"outcomes": [{"description": "", "value": "1"}]}, "outcomes", "Say what each figure"),
        ({"outcomes": [{"description": "D", "value": "lots"}]}, "outcomes.0.value", ""),
        ({"text": "a\x00b"}, "text", ""),
    ],
)
def test_bad_input_gets_422_by_field_and_nothing_is_stored(
    people, officer, draft, changes, field, message
):
    response = officer.api.put(url(draft), body(version=1, **changes), content_type=JSON)
    assert response.status_code == 422, response.json()
    errors = error_of(response)["errors"]
    assert list(errors) == [field]
    assert message in errors[field][0]
    stored = Practice.objects.get(pk=draft.pk)
    assert (stored.version, stored.name) == (1, "Test welcome desk")


def test_a_practice_cannot_be_adapted_from_itself_nor_from_a_withdrawn_one(people, officer, draft):
    response = officer.api.put(
        url(draft), body(version=1, adapted_from=[draft.pk]), content_type=JSON
    )
    assert response.status_code == 422
    assert error_of(response)["errors"] == {
        "adapted_from": ["A practice cannot be adapted from itself."]
    }
    gone = published(people, name="Test gone")
    services.withdraw_practice(practice=gone, by=people["facilitator"], reason="Test")
    response = officer.api.put(
        url(draft), body(version=1, adapted_from=[gone.pk]), content_type=JSON
    )
    assert response.status_code == 422
    assert "cannot be cited" in error_of(response)["errors"]["adapted_from"][0]
    source = published(people, "Munich", name="Test source")
    response = officer.api.put(
        url(draft), body(version=1, adapted_from=[source.pk]), content_type=JSON
    )
    assert response.status_code == 200 and response.json()["adapted_from"] == [source.pk]


def test_a_file_too_large_or_of_another_kind_is_refused(settings, people, officer, draft):
    settings.CITYGROW_MAX_UPLOAD = 1024 * 1024
    content = SIGNED_PDF + b"0" * 1024 * 1024
    big = SimpleUploadedFile("big.pdf", content, content_type="application/pdf")
    response = officer.api.post(url(draft, "/attachments"), {"file": big})
    assert response.status_code == 422
    assert error_of(response)["errors"] == {"file": ["big.pdf is too large: the limit is 1 MB."]}
    script = SimpleUploadedFile("notes.pdf", b"#!/bin/sh\n", content_type="application/pdf")
    response = officer.api.post(url(draft, "/attachments"), {"file": script})
    assert response.status_code == 422
    assert error_of(response)["errors"]["file"][0].startswith("notes.pdf is not a PDF")
    assert officer.api.post(url(draft, "/attachments")).status_code == 422  # no file
    assert not PracticeAttachment.objects.exists()


def test_a_file_is_removed_while_the_practice_may_change(people, officer, draft):
    pdf = SimpleUploadedFile("leaflet.pdf", SIGNED_PDF, content_type="application/pdf")
    attachment = services.attach_file(practice=draft, upload=pdf, by=people["officer"])
    other = contribute(people["officer"], name="Test other")
    assert officer.api.delete(url(other, f"/attachments/{attachment.pk}")).status_code == 404
    services.submit_practice(practice=draft, by=people["officer"])
    response = officer.api.delete(url(draft, f"/attachments/{attachment.pk}"))
    assert response.status_code == 422
    assert error_of(response)["errors"] == {
        "status": ["Files are removed from a draft or from a practice returned for changes."]
    }
    services.return_practice(practice=draft, by=people["facilitator"], comment="Test")
    assert officer.api.delete(url(draft, f"/attachments/{attachment.pk}")).status_code == 204
    assert not PracticeAttachment.objects.exists()


def test_a_draft_never_published_is_discarded(people, officer, draft):
    assert officer.api.delete(url(draft)).status_code == 204
    assert not Practice.objects.filter(pk=draft.pk).exists()
    assert not Outcome.objects.exists()
    assert officer.api.delete(url(draft)).status_code == 404


# -- the library -------------------------------------------------------------------------------


def test_the_library_lists_only_published_practices(client, people, officer, draft, toolkit_a):
    before = client.get("/api/v1/practices").json()["count"]
    assert officer.api.get("/api/v1/practices").json()["count"] == before  # not the draft
    practice = published(people, name="Test listed")
    listed = client.get("/api/v1/practices").json()
    assert listed["count"] == before + 1
    [found] = [p for p in listed["results"] if p["id"] == practice.pk] or [
        p
        for p in client.get("/api/v1/practices", {"page": listed["pages"]}).json()["results"]
        if p["id"] == practice.pk
    ]
    assert found["source_label"] == "Contributed by Athens" and found["contact"] is None
    example = client.get("/api/v1/practices", {"toolkit": toolkit_a.pk}).json()["results"][0]
    assert example["origin"] == "toolkit" and example["source_label"].startswith("Example in")
    contributed = client.get("/api/v1/practices", {"source": "contributed"}).json()
    assert [p["id"] for p in contributed["results"]] == [practice.pk]
    examples = client.get("/api/v1/practices", {"source": "toolkit"}).json()
    assert examples["count"] == before
    refused = client.get("/api/v1/practices", {"source": "blog"})
    assert refused.status_code == 422
    assert error_of(refused)["errors"] == {"source": ["There is no such source."]}


def test_the_contact_is_given_to_signed_in_callers_only(client, people, nobody):
    practice = published(people)
    assert client.get(url(practice)).json()["contact"] is None
    assert nobody.api.get(url(practice)).json()["contact"] == {
        "name": "Test Contact",
        "email": "contact@example.org",
    }


def test_the_library_and_a_practice_keep_their_query_count(client, people):
    first = published(people, name="Test first")
    client.get("/api/v1/practices")
    small = count_queries(client, "/api/v1/practices"), count_queries(client, url(first))
    for n in range(5):
        more = published(people, name=f"Test more {n}", key_factors=[key_factor(n + 1).pk])
        pdf = SimpleUploadedFile("x.pdf", SIGNED_PDF, content_type="application/pdf")
        Practice.objects.filter(pk=more.pk).update(status="draft")
        services.attach_file(practice=more, upload=pdf, by=people["officer"])
        Practice.objects.filter(pk=more.pk).update(status="published")
        first.adapted_from.add(more)
    large = count_queries(client, "/api/v1/practices"), count_queries(client, url(first))
    assert_flat(small[0], large[0], budget=15)
    assert_flat(small[1], large[1], budget=12)


# -- adoptions ---------------------------------------------------------------------------------


def test_the_practice_shows_where_a_plan_adapted_it(client, people, officer, plan):
    practice = published(people, "Munich", name="Test Munich desk")
    objective = plan.objectives.get(title="Open a one-stop shop")
    cited = officer.api.patch(
        f"/api/v1/plans/{plan.pk}/objectives/{objective.pk}",
        {"practices": [practice.pk]},
        content_type=JSON,
    )
    assert cited.status_code == 200, cited.json()
    assert client.get(url(practice, "/adoptions")).json() == []  # the plan is a draft
    [adoption] = officer.api.get(url(practice, "/adoptions")).json()
    assert adoption["city"] == "Athens" and adoption["plan_title"] == "Athens welcomes"
    assert adoption["plan_status"] == "draft" and adoption["measured"] is False
    assert adoption["objectives"] == [
        {"objective_id": objective.pk, "title": "Open a one-stop shop", "key_factors": []}
    ]
    endorse(plan)
    later = assess_athens({1: "yes"}, assessed_on=date(2025, 5, 1))
    plan_services.link_follow_up(plan=plan, assessment=later, by=None)
    [public] = client.get(url(practice, "/adoptions")).json()
    assert public["measured"] is True and public["plan_status"] == "endorsed"
    assert public["plan_url"].endswith(plan.get_absolute_url())
    assert public["practice"]["id"] == practice.pk
    [change] = public["objectives"][0]["key_factors"]
    assert (change["number"], change["before"], change["after"], change["difference"]) == (
        1,
        0.0,
        100.0,
        100.0,
    )
    [adopted] = client.get("/api/v1/cities/athens/adopted-practices").json()
    assert adopted["practice"]["title"] == "Test Munich desk"
    assert client.get("/api/v1/cities/munich/adopted-practices").json() == []
    assert client.get("/api/v1/cities/atlantis/adopted-practices").status_code == 404


def test_adoptions_of_a_practice_one_may_not_see_are_not_found(client, people, draft):
    assert client.get(url(draft, "/adoptions")).status_code == 404
    Toolkit.objects.filter(theme__code="A").update(status=Toolkit.Status.DRAFT)
    example = Practice.objects.filter(toolkit__theme__code="A").first()
    assert client.get(url(example, "/adoptions")).status_code == 404


def test_the_adoptions_keep_their_query_count(client, people, coordinator, plan):
    practice = published(people, "Munich", name="Test Munich desk")
    endorse(plan)
    later = assess_athens({1: "yes"}, assessed_on=date(2025, 5, 1))
    plan_services.link_follow_up(plan=plan, assessment=later, by=None)
    plan.objectives.first().practices.add(practice)
    plan.actions.first().practices.add(practice)
    path = url(practice, "/adoptions")
    count_queries(coordinator.api, path)  # the token's first use is recorded once
    small = count_queries(client, path), count_queries(coordinator.api, path)
    for objective in plan.objectives.all():
        objective.practices.add(practice)
    for action in plan.actions.all():
        action.practices.add(practice)
    large = count_queries(client, path), count_queries(coordinator.api, path)
    [adoption] = large[0].response.json()
    assert len(adoption["actions"]) == plan.actions.count() and adoption["measured"]
    assert len(adoption["objectives"]) == 2
    assert_flat(small[0], large[0], budget=20)
    assert_flat(small[1], large[1])
